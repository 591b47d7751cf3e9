//! Minting tokens without ever losing one: create, then write the value to the keyring before
//! anything shows it; regenerate (rotate) = create with the same settings, store, then revoke the
//! old one, reporting plainly when that revoke fails and both tokens exist.

use crate::azure::{ApiError, PatBackend, PatToken, PatTokenCreateRequest};
use crate::secret::Secret;
use crate::vault::{StoredToken, TokenMeta, Vault, VaultError};
use chrono::{DateTime, Utc};

/// A freshly minted token.
#[derive(Debug)]
pub struct Minted {
    /// The token's metadata (its `token` field emptied).
    pub token: PatToken,
    /// The value: shown once, stored in the keyring.
    pub value: Secret,
    /// The organization it was created in.
    pub org: String,
    /// Whether the keyring write worked.
    pub stored: Result<(), VaultError>,
    /// The service's validTo when it differs from the one asked for (a lifespan policy).
    pub clamped: Option<DateTime<Utc>>,
}

/// The keyring to store in, or why there is none (shown to the user as it is).
pub type VaultSlot<'a> = Result<&'a Vault, &'a str>;

/// Creates a token and stores its value in `vault` (when there is one) before returning.
pub async fn create_and_store(
    backend: &dyn PatBackend,
    vault: VaultSlot<'_>,
    org: &str,
    req: &PatTokenCreateRequest,
) -> Result<Minted, ApiError> {
    let mut token = backend.create(org, req).await?;
    let Some(value) = token.take_secret() else {
        return Err(ApiError::Malformed("the created token has no value".into()));
    };
    let clamped =
        ((token.valid_to - req.valid_to).num_minutes().abs() > 1).then_some(token.valid_to);
    let stored = match vault {
        Ok(v) => {
            let entry = StoredToken {
                value: value.clone(),
                meta: TokenMeta {
                    org: org.to_owned(),
                    id: token.authorization_id,
                    name: token.display_name.clone(),
                    scope: token.scope.clone(),
                    valid_from: token.valid_from,
                    valid_to: token.valid_to,
                    global: token.is_global(),
                },
            };
            v.run(move |v| v.store(&entry)).await
        }
        Err(why) => Err(VaultError::Unavailable(why.to_owned())),
    };
    if let Err(e) = &stored {
        tracing::warn!(id = %token.authorization_id, "token not stored in the keyring: {e}");
    }
    Ok(Minted {
        token,
        value,
        org: org.to_owned(),
        stored,
        clamped,
    })
}

/// The create request that regenerates `old`: same name, scopes, organizations and lifespan.
pub fn regenerate_request(old: &PatToken, now: DateTime<Utc>) -> PatTokenCreateRequest {
    let lifespan = (old.valid_to - old.valid_from)
        .clamp(chrono::Duration::days(1), chrono::Duration::days(365));
    PatTokenCreateRequest {
        display_name: old.display_name.clone(),
        scope: old.scope.clone(),
        valid_to: now + lifespan,
        all_orgs: old.is_global(),
    }
}

/// The outcome of a regeneration.
#[derive(Debug)]
pub struct Regenerated {
    pub minted: Minted,
    /// Ok when the old token was revoked; Err means both tokens now exist.
    pub old_revoked: Result<(), ApiError>,
}

/// Regenerates `old` (listed in `org`): create + store, then revoke the old one and forget its
/// keyring entry.
pub async fn regenerate(
    backend: &dyn PatBackend,
    vault: VaultSlot<'_>,
    org: &str,
    old: &PatToken,
    now: DateTime<Utc>,
) -> Result<Regenerated, ApiError> {
    let req = regenerate_request(old, now);
    let minted = create_and_store(backend, vault, org, &req).await?;
    let old_revoked = backend.revoke(org, old.authorization_id).await;
    if old_revoked.is_ok()
        && let Ok(v) = vault
    {
        let id = old.authorization_id;
        if let Err(e) = v.run(move |v| v.delete(id)).await {
            tracing::warn!("old keyring entry not deleted: {e}");
        }
    }
    Ok(Regenerated {
        minted,
        old_revoked,
    })
}
