//! Orphans: tokens the service minted whose value nobody holds (patui died between the create
//! and the keyring write, the network lost the answer, or the keyring refused the value and the
//! user left without a copy). Found by matching the mint journal's open intents against the
//! service's list; each is offered for revocation. Also: revocations that were started and never
//! recorded as ended (an interrupted revoke-all), checked against the service.

use crate::azure::{
    ApiError, DisplayFilter, ListQuery, PatBackend, PatToken, ServerSort, list_all,
};
use crate::journal::{Journal, OpenCreate, OpenRevoke};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// How far the service's `validFrom` may be from the intent's time and still be its token.
pub const MATCH_WINDOW_MINUTES: i64 = 5;

/// An intent younger than this may still be in flight in another patui process: left alone.
pub const SETTLE_SECONDS: i64 = 120;

/// A minted token whose value was never stored or shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Orphan {
    pub intent: OpenCreate,
    pub token: PatToken,
}

/// A revocation that was interrupted and whose token is still active.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfinished {
    pub revoke: OpenRevoke,
}

/// What a check found; the intents it could close were closed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    pub orphans: Vec<Orphan>,
    pub unfinished_revokes: Vec<Unfinished>,
    /// Intents closed quietly (the create never reached the service, or its value is safe).
    pub closed: usize,
    /// Intents that could not be checked (their organization did not answer), left open.
    pub unchecked: Vec<(String, String)>,
    /// Journal lines that were not records, and whether its last line was torn.
    pub garbage: usize,
    pub torn_tail: bool,
}

impl Findings {
    /// True when nothing needs the user.
    pub fn is_empty(&self) -> bool {
        self.orphans.is_empty() && self.unfinished_revokes.is_empty()
    }

    /// One line for a status bar or `doctor`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match self.orphans.len() {
            0 => {}
            1 => parts.push(format!(
                "1 token was created but its value was never stored or shown ({})",
                crate::text::sanitize(&self.orphans[0].token.display_name)
            )),
            n => parts.push(format!(
                "{n} tokens were created but their values were never stored or shown"
            )),
        }
        match self.unfinished_revokes.len() {
            0 => {}
            1 => parts.push("1 interrupted revocation left a token active".to_owned()),
            n => parts.push(format!("{n} interrupted revocations left tokens active")),
        }
        parts.join(" · ")
    }
}

/// The token of `intent` among `listed` (the active tokens of its organization): same name and
/// kind (global or not), created within [`MATCH_WINDOW_MINUTES`] of the intent, not stored in the
/// keyring and not claimed by another intent; the closest in time.
pub fn match_intent<'a>(
    intent: &OpenCreate,
    listed: &'a [PatToken],
    stored: &HashSet<Uuid>,
    claimed: &HashSet<Uuid>,
) -> Option<&'a PatToken> {
    if let Some(id) = intent.token {
        return listed.iter().find(|t| t.authorization_id == id);
    }
    let window = chrono::Duration::minutes(MATCH_WINDOW_MINUTES);
    listed
        .iter()
        .filter(|t| t.display_name == intent.name && t.is_global() == intent.all_orgs)
        .filter(|t| (t.valid_from - intent.at).abs() <= window)
        .filter(|t| !stored.contains(&t.authorization_id) && !claimed.contains(&t.authorization_id))
        .min_by_key(|t| (t.valid_from - intent.at).abs())
}

/// The active tokens, newest first (an intent is matched against these).
const NEWEST_ACTIVE: ListQuery = ListQuery {
    filter: DisplayFilter::Active,
    sort: ServerSort::DisplayDate,
    ascending: false,
};

/// The ids of the tokens whose values the keyring holds (none without one).
async fn stored_ids(vault: Option<&Vault>) -> HashSet<Uuid> {
    match vault {
        Some(v) => v
            .run(|v| v.list())
            .await
            .map(|l| l.into_iter().map(|m| m.id).collect())
            .unwrap_or_default(),
        None => HashSet::new(),
    }
}

/// Checks the journal's open intents (those older than `settle`; zero checks all) against the
/// service, closes what it can, and returns what needs the user.
pub async fn check(
    backend: &dyn PatBackend,
    vault: Option<&Vault>,
    journal: &Journal,
    now: DateTime<Utc>,
    settle: chrono::Duration,
) -> Result<Findings, String> {
    let open = journal.read().map_err(|e| e.to_string())?;
    let mut f = Findings {
        garbage: open.garbage,
        torn_tail: open.torn_tail,
        ..Findings::default()
    };
    let stored = stored_ids(vault).await;
    let mut listed: HashMap<String, Result<Vec<PatToken>, ApiError>> = HashMap::new();
    // Tokens whose values are known to be safe are never an orphan.
    let mut claimed: HashSet<Uuid> = open.settled_tokens.clone();
    for intent in open.creates.iter().filter(|c| now - c.at >= settle) {
        let key = intent.org.to_lowercase();
        if !listed.contains_key(&key) {
            let query = NEWEST_ACTIVE;
            listed.insert(
                key.clone(),
                list_all(backend, &intent.org, query, |_| {}).await,
            );
        }
        let tokens = match &listed[&key] {
            Ok(t) => t,
            Err(e) => {
                f.unchecked.push((intent.org.clone(), e.to_string()));
                continue;
            }
        };
        match match_intent(intent, tokens, &stored, &claimed) {
            Some(t) if stored.contains(&t.authorization_id) => {
                // Its value is in the keyring after all.
                let _ = journal.done(intent.intent, Some(t.authorization_id));
                f.closed += 1;
            }
            Some(t) => {
                claimed.insert(t.authorization_id);
                f.orphans.push(Orphan {
                    intent: intent.clone(),
                    token: t.clone(),
                });
            }
            None => {
                // The list is complete and holds no such token: nothing was minted (or it was
                // revoked or expired since), so there is nothing to recover.
                let _ = journal.done(intent.intent, None);
                f.closed += 1;
            }
        }
    }
    // Interrupted revocations: a token still in its organization's active list was not revoked.
    let mut closed_revokes = Vec::new();
    for r in open.revokes.iter().filter(|r| now - r.at >= settle) {
        let key = r.org.to_lowercase();
        if !listed.contains_key(&key) {
            let query = NEWEST_ACTIVE;
            listed.insert(key.clone(), list_all(backend, &r.org, query, |_| {}).await);
        }
        match &listed[&key] {
            Ok(l) if l.iter().any(|t| t.authorization_id == r.token) => {
                f.unfinished_revokes.push(Unfinished { revoke: r.clone() });
            }
            Ok(_) => closed_revokes.push(crate::journal::Record::RevokeDone { intent: r.intent }),
            Err(e) => f.unchecked.push((r.org.clone(), e.to_string())),
        }
    }
    f.closed += closed_revokes.len();
    let _ = journal.append_all(&closed_revokes);
    Ok(f)
}

/// Checks one intent right away (a create whose answer was just lost): its orphan when the
/// service has the token, else None, with the intent closed (nothing was minted) or left open
/// (the organization did not answer: the next start checks again).
pub async fn check_intent(
    backend: &dyn PatBackend,
    vault: Option<&Vault>,
    journal: &Journal,
    intent: Uuid,
) -> Option<Orphan> {
    let open = journal
        .read()
        .map_err(|e| tracing::warn!("the mint journal could not be read: {e}"))
        .ok()?;
    let settled = open.settled_tokens.clone();
    let Some(create) = open.creates.into_iter().find(|c| c.intent == intent) else {
        tracing::warn!(%intent, "the create's journal record is gone");
        return None;
    };
    let stored = stored_ids(vault).await;
    let query = NEWEST_ACTIVE;
    let listed = match list_all(backend, &create.org, query, |_| {}).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(org = %create.org, "the lost create could not be checked: {e}");
            return None;
        }
    };
    match match_intent(&create, &listed, &stored, &settled) {
        Some(t) => Some(Orphan {
            intent: create.clone(),
            token: t.clone(),
        }),
        None => {
            let _ = journal.done(intent, None);
            None
        }
    }
}

/// Revokes an orphan (or keeps it, `revoke = false`) and closes its intent.
pub async fn resolve(
    backend: &dyn PatBackend,
    journal: &Journal,
    orphan: &Orphan,
    revoke: bool,
) -> Result<(), ApiError> {
    let id = orphan.token.authorization_id;
    if revoke {
        match backend.revoke(&orphan.intent.org, id).await {
            Ok(()) => {}
            Err(e) if e.is_token_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    let _ = journal.done(orphan.intent.intent, Some(id));
    Ok(())
}

/// Finishes an interrupted revocation.
pub async fn finish_revoke(
    backend: &dyn PatBackend,
    vault: Option<&Vault>,
    journal: &Journal,
    u: &Unfinished,
) -> Result<(), ApiError> {
    match backend.revoke(&u.revoke.org, u.revoke.token).await {
        Ok(()) => {}
        Err(e) if e.is_token_not_found() => {}
        Err(e) => return Err(e),
    }
    if let Some(v) = vault {
        crate::ops::revoke::forget_stored(v, u.revoke.token).await;
    }
    let _ = journal.append(&crate::journal::Record::RevokeDone {
        intent: u.revoke.intent,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::IntentKind;

    fn token(name: &str, at: DateTime<Utc>) -> PatToken {
        PatToken {
            on_premises: false,
            authorization_id: Uuid::new_v4(),
            display_name: name.into(),
            scope: "vso.code".into(),
            target_accounts: Some(vec![Uuid::nil()]),
            valid_from: at,
            valid_to: at + chrono::Duration::days(30),
            token: None,
        }
    }

    fn intent(name: &str, at: DateTime<Utc>) -> OpenCreate {
        OpenCreate {
            intent: Uuid::new_v4(),
            at,
            kind: IntentKind::Create,
            org: "o".into(),
            name: name.into(),
            scope: "vso.code".into(),
            valid_to: at + chrono::Duration::days(30),
            all_orgs: false,
            token: None,
        }
    }

    #[test]
    fn matching_takes_name_time_and_what_is_already_held_into_account() {
        let at = Utc::now();
        let min = chrono::Duration::minutes;
        let near = token("ci", at + min(1));
        let far = token("ci", at - min(30));
        let other = token("other", at);
        let listed = vec![far.clone(), near.clone(), other];
        let none = HashSet::new();
        let i = intent("ci", at);
        assert_eq!(
            match_intent(&i, &listed, &none, &none).map(|t| t.authorization_id),
            Some(near.authorization_id)
        );
        // Stored in the keyring, or claimed by another intent: not this intent's orphan.
        let held: HashSet<Uuid> = [near.authorization_id].into();
        assert_eq!(match_intent(&i, &listed, &held, &none), None);
        assert_eq!(match_intent(&i, &listed, &none, &held), None);
        assert_eq!(
            match_intent(&intent("ci", at - min(120)), &listed, &none, &none),
            None
        );
        // A known token id wins.
        let mut known = intent("renamed", at);
        known.token = Some(far.authorization_id);
        assert_eq!(
            match_intent(&known, &listed, &none, &none).map(|t| t.authorization_id),
            Some(far.authorization_id)
        );
    }
}
