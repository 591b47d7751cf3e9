//! Minting tokens without ever losing one: create, then write the value to the keyring before
//! anything shows it; regenerate (rotate) = create with the same settings, store, then revoke the
//! old one, reporting plainly when that revoke fails and both tokens exist.

use crate::azure::{ApiError, PatBackend, PatToken, PatTokenCreateRequest};
use crate::journal::{IntentKind, Journal, Record};
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
    /// The mint journal's intent, still open while the value is only in memory (not stored):
    /// close it with [`delivered`] once the user has the value.
    pub intent: Option<uuid::Uuid>,
}

/// Where a create is recorded before it is sent (see [`crate::journal`]), and why.
#[derive(Debug, Clone, Copy)]
pub struct Recorder<'a> {
    pub journal: Option<&'a Journal>,
    pub kind: IntentKind,
}

impl Recorder<'_> {
    /// Nothing is recorded (tests, the demo).
    pub const NONE: Recorder<'static> = Recorder {
        journal: None,
        kind: IntentKind::Create,
    };
}

/// A create failure that leaves it open whether the service minted the token: the answer was
/// lost or cut, or the server failed after it may have acted.
pub fn may_have_minted(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Network(_)
            | ApiError::Timeout
            | ApiError::Truncated(_)
            | ApiError::Malformed(_)
            | ApiError::Server { .. }
    )
}

/// The value of `m` reached the user (printed, copied): its journal intent is closed.
pub fn delivered(journal: Option<&Journal>, m: &Minted) {
    if let (Some(j), Some(intent)) = (journal, m.intent)
        && let Err(e) = j.done(intent, Some(m.token.authorization_id))
    {
        tracing::warn!("the mint journal could not be updated: {e}");
    }
}

/// The keyring to store in, or why there is none (shown to the user as it is).
pub type VaultSlot<'a> = Result<&'a Vault, &'a str>;

/// Creates a token and stores its value in `vault` (when there is one) before returning. With a
/// journal, the intent is recorded before the request and closed once the value is stored (or
/// once the service has said it minted nothing); otherwise it stays open for the orphan check.
pub async fn create_and_store(
    backend: &dyn PatBackend,
    vault: VaultSlot<'_>,
    org: &str,
    req: &PatTokenCreateRequest,
) -> Result<Minted, ApiError> {
    create_and_store_recorded(backend, vault, Recorder::NONE, org, req)
        .await
        .map_err(|(e, _)| e)
}

/// [`create_and_store`] with a [`Recorder`]. The error carries the intent when it is still open
/// (the token may exist: see [`may_have_minted`]), for an immediate orphan check.
pub async fn create_and_store_recorded(
    backend: &dyn PatBackend,
    vault: VaultSlot<'_>,
    rec: Recorder<'_>,
    org: &str,
    req: &PatTokenCreateRequest,
) -> Result<Minted, (ApiError, Option<uuid::Uuid>)> {
    let intent = rec
        .journal
        .and_then(|j| match j.intend_create(rec.kind, org, req) {
            Ok(i) => Some(i),
            Err(e) => {
                tracing::warn!("creating without a journal record: {e}");
                None
            }
        });
    let close = |token: Option<uuid::Uuid>| {
        if let (Some(j), Some(i)) = (rec.journal, intent)
            && let Err(e) = j.done(i, token)
        {
            tracing::warn!("the mint journal could not be updated: {e}");
        }
    };
    let mut token = match backend.create(org, req).await {
        Ok(t) => t,
        Err(e) if may_have_minted(&e) => return Err((e, intent)),
        Err(e) => {
            close(None);
            return Err((e, None));
        }
    };
    let Some(value) = token.take_secret() else {
        // Minted, but its value never came: an orphan from the start.
        if let (Some(j), Some(i)) = (rec.journal, intent) {
            let _ = j.append(&Record::Minted {
                intent: i,
                token: token.authorization_id,
            });
        }
        return Err((
            ApiError::Malformed("the created token has no value".into()),
            intent,
        ));
    };
    let clamped =
        ((token.valid_to - req.valid_to).num_minutes().abs() > 1).then_some(token.valid_to);
    let stored = match vault {
        Ok(v) => {
            let entry = StoredToken {
                value: value.clone(),
                meta: TokenMeta::of(org, &token),
            };
            v.run(move |v| v.store(&entry)).await
        }
        Err(why) => Err(VaultError::Unavailable(why.to_owned())),
    };
    let open_intent = match &stored {
        Ok(()) => {
            close(Some(token.authorization_id));
            None
        }
        Err(e) => {
            tracing::warn!(id = %token.authorization_id, "token not stored in the keyring: {e}");
            if let (Some(j), Some(i)) = (rec.journal, intent) {
                let _ = j.append(&Record::Minted {
                    intent: i,
                    token: token.authorization_id,
                });
            }
            intent
        }
    };
    Ok(Minted {
        token,
        value,
        org: org.to_owned(),
        stored,
        clamped,
        intent: open_intent,
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
    journal: Option<&Journal>,
    org: &str,
    old: &PatToken,
    now: DateTime<Utc>,
) -> Result<Regenerated, ApiError> {
    let req = regenerate_request(old, now);
    let rec = Recorder {
        journal,
        kind: IntentKind::Regenerate,
    };
    let minted = create_and_store_recorded(backend, vault, rec, org, &req)
        .await
        .map_err(|(e, _)| e)?;
    let intent = journal.and_then(|j| j.intend_revoke(org, old));
    let old_revoked = backend.revoke(org, old.authorization_id).await;
    if let Some(j) = journal {
        j.revoke_done(intent);
    }
    if old_revoked.is_ok()
        && let Ok(v) = vault
    {
        crate::ops::revoke::forget_stored(v, old.authorization_id).await;
    }
    Ok(Regenerated {
        minted,
        old_revoked,
    })
}
