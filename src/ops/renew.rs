//! Renewing a stored token before it expires: create its successor (same name, scopes,
//! organization and lifespan), store the new value, and only then revoke the old token and forget
//! its value. A successor whose value the keyring refused is revoked at once and the old token
//! is kept, so a failed renewal never leaves the user with less than before.
//!
//! Used by the git credential helper (renewal on demand, under a lock shared by every patui
//! process so two git processes renew once) and by `patui renew`.

use crate::azure::{PatBackend, PatToken};
use crate::journal::{IntentKind, Journal};
use crate::ops::create::{self, Minted};
use crate::ops::retirement;
use crate::vault::{TokenMeta, Vault};
use chrono::{DateTime, Utc};

/// The outcome of one renewal.
#[derive(Debug)]
pub struct Renewed {
    /// The successor, stored in the keyring.
    pub minted: Minted,
    /// The old token was revoked (Err: both exist now, and why).
    pub old_revoked: Result<(), String>,
}

/// True when `meta` is due: not global (those are replaced, not renewed), and expiring within
/// `before_days` of `now` (and not already expired).
pub fn is_due(meta: &TokenMeta, now: DateTime<Utc>, before_days: u32) -> bool {
    before_days > 0
        && !meta.global
        && meta.valid_to > now
        && meta.valid_to - now <= chrono::Duration::days(i64::from(before_days))
}

/// The name of the lock every renewal takes (one per keyring service).
pub fn lock_name(vault: &Vault) -> String {
    format!("renew-{}", vault.service())
}

/// Renews the stored token `meta`. Fails (and changes nothing) when the token is no longer live
/// in the service, or when its successor cannot be created or stored.
pub async fn renew(
    backend: &dyn PatBackend,
    vault: &Vault,
    journal: Option<&Journal>,
    meta: &TokenMeta,
    now: DateTime<Utc>,
) -> Result<Renewed, String> {
    let old: PatToken = backend
        .get(&meta.org, meta.id)
        .await
        .map_err(|e| format!("cannot read {} from the service: {e}", meta.name))?;
    if old.is_expired_at(now) || retirement::is_retired(&old, now) {
        return Err(format!("{} is no longer valid in the service", meta.name));
    }
    let req = create::regenerate_request(&old, now);
    let rec = create::Recorder {
        journal,
        kind: IntentKind::Renew,
    };
    let minted = create::create_and_store_recorded(backend, Ok(vault), rec, &meta.org, &req)
        .await
        .map_err(|(e, _)| format!("creating the successor of {} failed: {e}", meta.name))?;
    if let Err(store_err) = &minted.stored {
        let id = minted.token.authorization_id;
        let cleanup = match backend.revoke(&meta.org, id).await {
            Ok(()) => {
                create::delivered(journal, &minted);
                "it was revoked again".to_owned()
            }
            Err(e) => format!("revoking it failed too ({e}): revoke it with `patui revoke {id}`"),
        };
        return Err(format!(
            "the keyring refused the successor's value ({store_err}); {cleanup}; the old token is kept"
        ));
    }
    let intent = journal.and_then(|j| j.intend_revoke(&meta.org, &old));
    let revoked = backend.revoke(&meta.org, meta.id).await;
    if let Some(j) = journal {
        j.revoke_done(intent);
    }
    let old_revoked = match revoked {
        Ok(()) => {
            crate::ops::revoke::forget_stored(vault, meta.id).await;
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    };
    Ok(Renewed {
        minted,
        old_revoked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn meta(valid_to: DateTime<Utc>, global: bool) -> TokenMeta {
        TokenMeta {
            org: "o".into(),
            id: Uuid::nil(),
            name: "n".into(),
            scope: "vso.code".into(),
            valid_from: valid_to - chrono::Duration::days(30),
            valid_to,
            global,
        }
    }

    #[test]
    fn due_within_the_window_only() {
        let now = Utc::now();
        let d = chrono::Duration::days;
        assert!(is_due(&meta(now + d(1), false), now, 3));
        assert!(is_due(&meta(now + d(3), false), now, 3));
        assert!(!is_due(&meta(now + d(4), false), now, 3));
        assert!(!is_due(&meta(now + d(1), false), now, 0), "0 = off");
        assert!(
            !is_due(&meta(now + d(1), true), now, 3),
            "global: replaced, not renewed"
        );
        assert!(!is_due(&meta(now - d(1), false), now, 3), "already expired");
    }
}
