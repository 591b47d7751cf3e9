//! Replacing a global token (all organizations) with one token per organization, safely: every
//! replacement is created (same name, scopes and expiry) and its value written to the keyring
//! before it counts; the global token is revoked only once every replacement exists and is
//! stored. Any failure leaves the global token untouched and is reported per organization; a
//! retry runs the same [`Migration`] again, which creates only what is missing and never
//! revokes anything twice.
//!
//! A replacement whose value the keyring refused is revoked at once (nobody has its value, so it
//! could only linger unused) and reported; the retry creates a new one.

use crate::azure::{ApiError, PatBackend, PatToken, PatTokenCreateRequest};
use crate::journal::{IntentKind, Journal};
use crate::ops::create::{self, Minted};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What happened in one organization.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplacementState {
    /// Not created yet (or to be retried).
    Pending,
    /// Created and stored in the keyring.
    Created {
        id: Uuid,
        valid_to: DateTime<Utc>,
        /// A lifespan policy shortened the expiry.
        clamped: bool,
    },
    /// Why it failed (nothing of it is left behind, unless the message says so).
    Failed(String),
}

/// One organization's replacement.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    pub org: String,
    pub state: ReplacementState,
}

/// What happened to the global token.
#[derive(Debug, Clone, PartialEq)]
pub enum OldState {
    /// Not revoked: some replacement is missing (or none was tried yet).
    Untouched,
    /// Revoked after every replacement was stored.
    Revoked,
    /// Kept on request (`--keep-old`).
    Kept,
    /// Every replacement exists, but the revocation failed: both exist.
    RevokeFailed(String),
}

/// The replacement of one global token.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    pub global: PatToken,
    /// An organization that lists the global token (where its revocation is sent).
    pub listed_in: String,
    pub replacements: Vec<Replacement>,
    pub old: OldState,
    pub keep_old: bool,
}

impl Migration {
    /// A migration of `global` into `orgs` (duplicates, case-insensitive, dropped).
    pub fn new(global: PatToken, listed_in: &str, orgs: &[String], keep_old: bool) -> Migration {
        let mut replacements: Vec<Replacement> = Vec::new();
        for o in orgs {
            let o = o.trim();
            if !o.is_empty() && !replacements.iter().any(|r| r.org.eq_ignore_ascii_case(o)) {
                replacements.push(Replacement {
                    org: o.to_owned(),
                    state: ReplacementState::Pending,
                });
            }
        }
        Migration {
            global,
            listed_in: listed_in.to_owned(),
            replacements,
            old: OldState::Untouched,
            keep_old,
        }
    }

    /// True when every replacement was created and stored.
    pub fn all_created(&self) -> bool {
        !self.replacements.is_empty()
            && self
                .replacements
                .iter()
                .all(|r| matches!(r.state, ReplacementState::Created { .. }))
    }

    /// True when nothing is left to do.
    pub fn is_done(&self) -> bool {
        self.all_created() && matches!(self.old, OldState::Revoked | OldState::Kept)
    }

    /// The failures, as (organization or "global token", why).
    pub fn failures(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .replacements
            .iter()
            .filter_map(|r| match &r.state {
                ReplacementState::Failed(why) => Some((r.org.clone(), why.clone())),
                _ => None,
            })
            .collect();
        if let OldState::RevokeFailed(why) = &self.old {
            out.push(("global token".into(), why.clone()));
        }
        out
    }
}

/// The create request of a replacement in one organization: same name, scopes and expiry; when
/// the global token's expiry is (nearly) past, the same lifespan from now.
pub fn replacement_request(global: &PatToken, now: DateTime<Utc>) -> PatTokenCreateRequest {
    let mut req = create::regenerate_request(global, now);
    req.all_orgs = false;
    if global.valid_to > now + chrono::Duration::days(1) {
        req.valid_to = global.valid_to;
    }
    req
}

/// Marks as created the replacements an earlier run left in the keyring (patui stopped or
/// crashed mid-migration): a stored token of that organization with the global token's name and
/// scopes and the replacement's expiry (within a day). A new run then creates only what is
/// missing.
pub fn resume_from(m: &mut Migration, stored: &[crate::vault::TokenMeta], now: DateTime<Utc>) {
    let req = replacement_request(&m.global, now);
    let day = chrono::Duration::days(1);
    for r in m
        .replacements
        .iter_mut()
        .filter(|r| r.state == ReplacementState::Pending)
    {
        if let Some(s) = stored.iter().find(|s| {
            !s.global
                && s.id != m.global.authorization_id
                && s.org.eq_ignore_ascii_case(&r.org)
                && s.name == m.global.display_name
                && s.scope == m.global.scope
                && (s.valid_to - req.valid_to).abs() <= day
        }) {
            r.state = ReplacementState::Created {
                id: s.id,
                valid_to: s.valid_to,
                clamped: false,
            };
        }
    }
}

/// Runs (or resumes) a migration: creates and stores what is missing (replacements an earlier,
/// interrupted run stored count as created), then revokes the global token when every
/// replacement is stored. `on_step` is called after each step (progress).
pub async fn run(
    backend: &dyn PatBackend,
    vault: &Vault,
    journal: Option<&Journal>,
    m: &mut Migration,
    now: DateTime<Utc>,
    mut on_step: impl FnMut(&Migration) + Send,
) {
    if let Ok(stored) = vault.run(|v| v.list()).await {
        resume_from(m, &stored, now);
    }
    let req = replacement_request(&m.global, now);
    for i in 0..m.replacements.len() {
        if matches!(m.replacements[i].state, ReplacementState::Created { .. }) {
            continue;
        }
        let org = m.replacements[i].org.clone();
        let state = replace_in(backend, vault, journal, &org, &req).await;
        m.replacements[i].state = state;
        on_step(m);
    }
    if !m.all_created() || matches!(m.old, OldState::Revoked | OldState::Kept) {
        return;
    }
    if m.keep_old {
        m.old = OldState::Kept;
        on_step(m);
        return;
    }
    let id = m.global.authorization_id;
    let intent = journal.and_then(|j| j.intend_revoke(&m.listed_in, &m.global));
    let result = backend.revoke(&m.listed_in, id).await;
    if let Some(j) = journal {
        j.revoke_done(intent);
    }
    m.old = match result {
        // "Not found" on a second try: the first revocation went through.
        Err(e) if e.is_token_not_found() && matches!(m.old, OldState::RevokeFailed(_)) => {
            OldState::Revoked
        }
        Ok(()) => OldState::Revoked,
        Err(e) => OldState::RevokeFailed(e.to_string()),
    };
    if m.old == OldState::Revoked {
        crate::ops::revoke::forget_stored(vault, id).await;
    }
    on_step(m);
}

/// Creates and stores one replacement. A value the keyring refused is revoked at once.
async fn replace_in(
    backend: &dyn PatBackend,
    vault: &Vault,
    journal: Option<&Journal>,
    org: &str,
    req: &PatTokenCreateRequest,
) -> ReplacementState {
    let rec = create::Recorder {
        journal,
        kind: IntentKind::Migrate,
    };
    let minted: Minted =
        match create::create_and_store_recorded(backend, Ok(vault), rec, org, req).await {
            Ok(m) => m,
            Err((e, _)) => return ReplacementState::Failed(failure_text(&e)),
        };
    match &minted.stored {
        Ok(()) => ReplacementState::Created {
            id: minted.token.authorization_id,
            valid_to: minted.token.valid_to,
            clamped: minted.clamped.is_some(),
        },
        Err(store_err) => {
            let id = minted.token.authorization_id;
            let revoked = backend.revoke(org, id).await;
            if revoked.is_ok() {
                create::delivered(journal, &minted);
            }
            match revoked {
                Ok(()) => ReplacementState::Failed(format!(
                    "the keyring refused the new token's value ({store_err}); the new token was revoked"
                )),
                Err(e) => ReplacementState::Failed(format!(
                    "the keyring refused the new token's value ({store_err}), and revoking the new token {id} failed too ({e}): revoke it with `patui revoke {id}`"
                )),
            }
        }
    }
}

fn failure_text(e: &ApiError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(valid_to: DateTime<Utc>) -> PatToken {
        PatToken {
            on_premises: false,
            authorization_id: Uuid::from_u128(9),
            display_name: "everywhere".into(),
            scope: "vso.code vso.packaging".into(),
            target_accounts: None,
            valid_from: valid_to - chrono::Duration::days(90),
            valid_to,
            token: None,
        }
    }

    #[test]
    fn replacements_keep_name_scopes_and_expiry_but_not_all_orgs() {
        let now = Utc::now();
        let g = global(now + chrono::Duration::days(40));
        let r = replacement_request(&g, now);
        assert_eq!(r.display_name, "everywhere");
        assert_eq!(r.scope, "vso.code vso.packaging");
        assert_eq!(r.valid_to, g.valid_to);
        assert!(!r.all_orgs);
        // An expired global token: the same lifespan from now.
        let old = global(now - chrono::Duration::days(2));
        let r = replacement_request(&old, now);
        assert!(r.valid_to > now + chrono::Duration::days(80));
    }

    #[test]
    fn organizations_are_deduplicated_and_progress_is_judged_per_org() {
        let now = Utc::now();
        let orgs = vec!["a".to_owned(), "B".into(), "b".into(), " ".into()];
        let mut m = Migration::new(global(now), "a", &orgs, false);
        assert_eq!(m.replacements.len(), 2);
        assert!(!m.all_created() && !m.is_done());
        m.replacements[0].state = ReplacementState::Created {
            id: Uuid::nil(),
            valid_to: now,
            clamped: false,
        };
        m.replacements[1].state = ReplacementState::Failed("boom".into());
        assert_eq!(m.failures(), vec![("B".to_owned(), "boom".to_owned())]);
        m.replacements[1].state = m.replacements[0].state.clone();
        assert!(m.all_created() && !m.is_done());
        m.old = OldState::Revoked;
        assert!(m.is_done());
    }
}
