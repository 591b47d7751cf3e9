//! Revoking many tokens at once (revoke-all, `patui revoke --all`): bounded concurrency, progress
//! reports, and the all-or-reported rule: at the end every target is either revoked or reported
//! as failed, never both, never neither, and no token is sent two revocations by us.
//!
//! 429s are honoured by the client itself (a shared pause across all workers, then retries with
//! backoff); what still fails after the client's retries is reported, and can be retried.
//!
//! Also the one place that forgets a revoked token's stored value ([`forget_stored`],
//! [`forget_stored_all`]): through the vault's async path, failures logged, for the TUI and the
//! commands alike.

use crate::azure::{ApiError, PatBackend, backend::SignInToken};
use crate::vault::Vault;
use futures::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Default number of revocations in flight.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One token to revoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeTarget {
    /// The organization to send the DELETE to.
    pub org: String,
    pub id: Uuid,
    pub name: String,
    /// Its scopes let it manage tokens (full access or `vso.tokens`): it may be the PAT the
    /// backend signs in with, so it goes last (see [`revoke_many_until`]).
    pub manages_tokens: bool,
}

impl RevokeTarget {
    /// The target for `token`, listed in `org`.
    pub fn of(token: &crate::azure::PatToken, org: impl Into<String>) -> Self {
        Self {
            org: org.into(),
            id: token.authorization_id,
            name: token.display_name.clone(),
            manages_tokens: token.scopes().any(|s| {
                s == crate::azure::models::FULL_ACCESS_SCOPE || s.eq_ignore_ascii_case("vso.tokens")
            }),
        }
    }
}

/// What happened to one target.
#[derive(Debug, Clone, PartialEq)]
pub enum RevokeOutcome {
    Revoked,
    Failed(ApiError),
}

/// Progress after each finished target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RevokeProgress {
    pub done: usize,
    pub failed: usize,
    pub total: usize,
}

/// The per-token report, in the order of the targets.
#[derive(Debug, Clone, Default)]
pub struct RevokeReport {
    pub results: Vec<(RevokeTarget, RevokeOutcome)>,
}

impl RevokeReport {
    /// The targets that were revoked.
    pub fn revoked(&self) -> impl Iterator<Item = &RevokeTarget> {
        self.results
            .iter()
            .filter(|(_, o)| matches!(o, RevokeOutcome::Revoked))
            .map(|(t, _)| t)
    }

    /// The targets that failed, with why.
    pub fn failed(&self) -> impl Iterator<Item = (&RevokeTarget, &ApiError)> {
        self.results.iter().filter_map(|(t, o)| match o {
            RevokeOutcome::Failed(e) => Some((t, e)),
            RevokeOutcome::Revoked => None,
        })
    }

    /// The failed targets, ready for a retry.
    pub fn retry_targets(&self) -> Vec<RevokeTarget> {
        self.failed().map(|(t, _)| t.clone()).collect()
    }

    /// True when nothing failed.
    pub fn all_ok(&self) -> bool {
        self.failed().next().is_none()
    }
}

/// Forgets the value the keyring keeps for token `id`, once the token is revoked (or replaced):
/// the value no longer works. Runs on the blocking pool ([`Vault::run`]), so it may be awaited
/// in async code. A token with no stored value is fine; a failure is logged, not returned (the
/// value is then a dead stored value, which `patui prune` and the TUI's cleanup offer to forget).
pub async fn forget_stored(vault: &Vault, id: Uuid) {
    if let Err(e) = vault.run(move |v| v.delete(id)).await {
        tracing::warn!(%id, "the keyring entry of a revoked token was not deleted: {e}");
    }
}

/// [`forget_stored`] for many tokens (after a revoke-all), in one trip to the blocking pool.
/// Each failure is logged and does not stop the rest.
pub async fn forget_stored_all(vault: &Vault, ids: Vec<Uuid>) {
    if ids.is_empty() {
        return;
    }
    let r = vault
        .run(move |v| {
            for id in ids {
                if let Err(e) = v.delete(id) {
                    tracing::warn!(%id, "a revoked token's keyring entry was not deleted: {e}");
                }
            }
            Ok(())
        })
        .await;
    if let Err(e) = r {
        tracing::warn!("the keyring entries of revoked tokens were not deleted: {e}");
    }
}

/// Revokes every target (duplicates by id are dropped first) with at most `concurrency` requests
/// in flight. `progress` is called after each target finishes; `on_revoked` after each success
/// (synchronously, inside async code: it must not block; forget stored values with
/// [`forget_stored_all`] once the report is in, or spawn [`forget_stored`]).
pub async fn revoke_many(
    backend: Arc<dyn PatBackend>,
    targets: Vec<RevokeTarget>,
    concurrency: usize,
    progress: impl Fn(RevokeProgress) + Send + Sync,
    on_revoked: impl Fn(&RevokeTarget) + Send + Sync,
) -> RevokeReport {
    let never = AtomicBool::new(false);
    revoke_many_until(
        backend,
        targets,
        concurrency,
        &never,
        None,
        progress,
        on_revoked,
    )
    .await
}

/// [`revoke_many`] that stops starting new revocations once `stop` is set (a signal): the ones
/// in flight finish and are reported as they ended, the rest as [`ApiError::Interrupted`]. So an
/// interrupted run still says exactly what was done. With a journal, each revocation is
/// recorded before it is sent and closed after, so one cut short by a crash is found and
/// finished at the next start.
pub async fn revoke_many_until(
    backend: Arc<dyn PatBackend>,
    targets: Vec<RevokeTarget>,
    concurrency: usize,
    stop: &AtomicBool,
    journal: Option<&crate::journal::Journal>,
    progress: impl Fn(RevokeProgress) + Send + Sync,
    on_revoked: impl Fn(&RevokeTarget) + Send + Sync,
) -> RevokeReport {
    let mut seen = HashSet::new();
    let targets: Vec<RevokeTarget> = targets.into_iter().filter(|t| seen.insert(t.id)).collect();
    let total = targets.len();
    let mut state = RevokeProgress {
        total,
        ..Default::default()
    };
    progress(state);
    // The whole plan goes into the journal first (one write): if patui dies on the way, the next
    // start finds the tokens still active and offers to finish. It is closed when the run ends,
    // however it ends (a deliberate stop included: its report says what was not sent).
    let intents: Vec<crate::journal::Record> = targets
        .iter()
        .map(|t| crate::journal::Record::RevokeIntent {
            intent: Uuid::new_v4(),
            at: chrono::Utc::now(),
            org: t.org.clone(),
            token: t.id,
            name: t.name.clone(),
        })
        .collect();
    let journaled = journal.is_some_and(|j| {
        j.append_all(&intents)
            .map_err(|e| tracing::warn!("revoking without journal records: {e}"))
            .is_ok()
    });
    let mut outcomes: Vec<Option<RevokeOutcome>> = vec![None; total];
    // The token the backend signs in with goes last, alone: revoking it ends the sign-in. When
    // the backend signs in with a PAT but does not know which, every token that could be it goes
    // last, one at a time, and a refused sign-in stops the rest.
    let may_be_own = |t: &RevokeTarget| match backend.sign_in_token() {
        SignInToken::NotAToken => false,
        SignInToken::Known(id) => t.id == id,
        SignInToken::Unknown => t.manages_tokens,
    };
    let (last, first): (Vec<usize>, Vec<usize>) =
        (0..total).partition(|&i| may_be_own(&targets[i]));
    let jobs: Vec<(usize, String, Uuid)> = first
        .iter()
        .map(|&i| (i, targets[i].org.clone(), targets[i].id))
        .collect();
    let mut stream = futures::stream::iter(jobs)
        .take_while(|_| std::future::ready(!stop.load(Ordering::SeqCst)))
        .map(|(i, org, id)| {
            let backend = Arc::clone(&backend);
            async move {
                let r = backend.revoke(&org, id).await;
                (i, r)
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((i, r)) = stream.next().await {
        state.done += 1;
        let outcome = match r {
            Ok(()) => {
                on_revoked(&targets[i]);
                RevokeOutcome::Revoked
            }
            Err(e) => {
                state.failed += 1;
                tracing::warn!(id = %targets[i].id, kind = e.kind(), "revoke failed");
                RevokeOutcome::Failed(e)
            }
        };
        outcomes[i] = Some(outcome);
        progress(state);
    }
    drop(stream);
    let mut signed_out = false;
    for i in last {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if signed_out {
            outcomes[i] = Some(RevokeOutcome::Failed(ApiError::Auth {
                status: 401,
                detail: "not sent: the server refused patui's sign-in after it revoked one of these tokens (it was the PAT patui signs in with); sign in with a new PAT to revoke the rest".into(),
            }));
            state.done += 1;
            state.failed += 1;
            progress(state);
            continue;
        }
        let r = backend.revoke(&targets[i].org, targets[i].id).await;
        state.done += 1;
        outcomes[i] = Some(match r {
            Ok(()) => {
                on_revoked(&targets[i]);
                RevokeOutcome::Revoked
            }
            Err(e) => {
                state.failed += 1;
                signed_out = e.is_auth();
                RevokeOutcome::Failed(e)
            }
        });
        progress(state);
    }
    if let (true, Some(j)) = (journaled, journal) {
        let done: Vec<crate::journal::Record> = intents
            .iter()
            .filter_map(|r| match r {
                crate::journal::Record::RevokeIntent { intent, .. } => {
                    Some(crate::journal::Record::RevokeDone { intent: *intent })
                }
                _ => None,
            })
            .collect();
        if let Err(e) = j.append_all(&done) {
            tracing::warn!("the journal's revoke records stay open: {e}");
        }
    }
    let results = targets
        .into_iter()
        .zip(outcomes)
        .map(|(t, o)| {
            // Every started revocation ran to completion above; an empty slot was never sent
            // (the run was interrupted first).
            let o = o.unwrap_or(RevokeOutcome::Failed(ApiError::Interrupted));
            (t, o)
        })
        .collect();
    RevokeReport { results }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::models::*;
    use async_trait::async_trait;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Fails the ids in `fail`, counts calls and the peak concurrency.
    #[derive(Default)]
    struct Fake {
        fail: HashSet<Uuid>,
        calls: Mutex<Vec<Uuid>>,
        in_flight: AtomicUsize,
        peak: AtomicUsize,
    }

    #[async_trait]
    impl PatBackend for Fake {
        async fn list_page(
            &self,
            _: &str,
            _: ListQuery,
            _: Option<&str>,
        ) -> Result<PagedPatTokens, ApiError> {
            unimplemented!()
        }
        async fn get(&self, _: &str, _: Uuid) -> Result<PatToken, ApiError> {
            unimplemented!()
        }
        async fn create(&self, _: &str, _: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
            unimplemented!()
        }
        async fn update(&self, _: &str, _: &PatTokenUpdateRequest) -> Result<PatToken, ApiError> {
            unimplemented!()
        }
        async fn revoke(&self, _: &str, id: Uuid) -> Result<(), ApiError> {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            self.calls.lock().unwrap().push(id);
            if self.fail.contains(&id) {
                Err(ApiError::Server {
                    status: 503,
                    message: "down".into(),
                })
            } else {
                Ok(())
            }
        }
        async fn profile(&self) -> Result<Profile, ApiError> {
            unimplemented!()
        }
        async fn accounts(&self, _: Uuid) -> Result<Vec<Account>, ApiError> {
            unimplemented!()
        }
    }

    fn targets(n: usize) -> Vec<RevokeTarget> {
        (0..n)
            .map(|i| RevokeTarget {
                org: "o".into(),
                id: Uuid::from_u128(i as u128 + 1),
                name: format!("t{i}"),
                manages_tokens: i % 3 == 0,
            })
            .collect()
    }

    #[tokio::test]
    async fn every_target_is_revoked_or_reported_once() {
        let ts = targets(50);
        let fail: HashSet<Uuid> = ts.iter().step_by(7).map(|t| t.id).collect();
        let fake = Arc::new(Fake {
            fail: fail.clone(),
            ..Default::default()
        });
        let mut with_dupes = ts.clone();
        with_dupes.extend(ts[..5].iter().cloned());
        let last = Mutex::new(RevokeProgress::default());
        let deleted = Mutex::new(Vec::new());
        let report = revoke_many(
            fake.clone(),
            with_dupes,
            4,
            |p| *last.lock().unwrap() = p,
            |t| deleted.lock().unwrap().push(t.id),
        )
        .await;
        assert_eq!(report.results.len(), 50);
        let calls = fake.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 50, "each id sent exactly one DELETE");
        assert_eq!(calls.iter().collect::<HashSet<_>>().len(), 50);
        let failed: HashSet<Uuid> = report.failed().map(|(t, _)| t.id).collect();
        let revoked: HashSet<Uuid> = report.revoked().map(|t| t.id).collect();
        assert_eq!(failed, fail);
        assert!(failed.is_disjoint(&revoked));
        assert_eq!(failed.len() + revoked.len(), 50);
        assert_eq!(
            deleted.lock().unwrap().iter().collect::<HashSet<_>>(),
            revoked.iter().collect()
        );
        assert_eq!(
            *last.lock().unwrap(),
            RevokeProgress {
                done: 50,
                failed: fail.len(),
                total: 50
            }
        );
        assert!(fake.peak.load(Ordering::SeqCst) <= 4);
        assert!(fake.peak.load(Ordering::SeqCst) >= 2, "ran concurrently");
        assert_eq!(report.retry_targets().len(), fail.len());
    }

    fn stored(name: &str) -> crate::vault::StoredToken {
        crate::vault::StoredToken {
            value: crate::secret::Secret::from(format!("value-of-{name}")),
            meta: crate::vault::TokenMeta {
                org: "o".into(),
                id: Uuid::new_v4(),
                name: name.into(),
                scope: "vso.code".into(),
                valid_from: chrono::Utc::now(),
                valid_to: chrono::Utc::now() + chrono::Duration::days(3),
                global: false,
            },
        }
    }

    /// Forgetting goes through the async path, leaves the other values, and a token with no
    /// stored value is no failure.
    #[tokio::test]
    async fn forgetting_stored_values() {
        let vault = Vault::memory().unwrap();
        let (a, b, c) = (stored("a"), stored("b"), stored("c"));
        for t in [&a, &b, &c] {
            vault.store(t).unwrap();
        }
        forget_stored(&vault, a.meta.id).await;
        forget_stored(&vault, Uuid::new_v4()).await;
        assert_eq!(vault.list().unwrap().len(), 2);
        forget_stored_all(&vault, vec![b.meta.id, Uuid::new_v4()]).await;
        forget_stored_all(&vault, Vec::new()).await;
        assert_eq!(vault.list().unwrap(), vec![c.meta.clone()]);
    }
}
