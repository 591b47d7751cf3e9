//! Revoke-all against the simulator with injected 5xx (10 %) and 429 bursts: every token ends up
//! revoked or reported as failed, never both, never neither, and never revoked twice.

use patui::azure::{
    AzureClient, ClientOptions, DisplayFilter, Endpoints, ListQuery, RetryPolicy, ServerSort,
    StaticToken, list_all,
};
use patui::ops::inventory::{self, StatusView};
use patui::ops::revoke::{RevokeProgress, revoke_many};
use patui::sim::{self, SimOptions};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn run(opts: SimOptions, attempts: u32, expect_failures: bool) {
    let h = sim::start(([127, 0, 0, 1], 0).into(), opts).await.unwrap();
    let c = Arc::new(
        AzureClient::new(
            ClientOptions {
                endpoints: Endpoints::single(&h.base_url).unwrap(),
                retry: RetryPolicy {
                    max_attempts: attempts,
                    base_delay: Duration::from_millis(5),
                    max_delay: Duration::from_secs(2),
                },
                ..ClientOptions::default()
            },
            Arc::new(StaticToken::new("t".into(), "test")),
        )
        .unwrap(),
    );
    let entries = inventory::load(
        c.as_ref(),
        &["fabrikam".to_owned()],
        StatusView::Active,
        |_, _| {},
    )
    .await
    .unwrap();
    let targets = patui::tui::actions::revoke_targets(entries);
    let total = targets.len();
    assert!(total > 50);
    let progress = Mutex::new(Vec::<RevokeProgress>::new());
    let report = revoke_many(
        c.clone(),
        targets.clone(),
        8,
        |p| progress.lock().unwrap().push(p),
        |_| {},
    )
    .await;
    let revoked: HashSet<_> = report.revoked().map(|t| t.id).collect();
    let failed: HashSet<_> = report.failed().map(|(t, _)| t.id).collect();
    assert!(revoked.is_disjoint(&failed), "never both");
    assert_eq!(revoked.len() + failed.len(), total, "never neither");
    if expect_failures {
        assert!(!failed.is_empty(), "faults were injected and reported");
    }
    {
        let p = progress.lock().unwrap();
        assert_eq!(p.last().unwrap().done, total);
        assert!(p.windows(2).all(|w| w[0].done <= w[1].done));
    }
    h.with_store(|s| {
        for t in &targets {
            assert!(s.revocations(t.id) <= 1, "never revoked twice");
            assert_eq!(
                s.revocations(t.id) == 1,
                revoked.contains(&t.id),
                "the report matches the service"
            );
        }
    });
    // What is still active is exactly what was reported as failed.
    let active: HashSet<_> = list_all(
        c.as_ref(),
        "fabrikam",
        ListQuery {
            filter: DisplayFilter::Active,
            sort: ServerSort::DisplayName,
            ascending: true,
        },
        |_| {},
    )
    .await
    .unwrap()
    .into_iter()
    .map(|t| t.authorization_id)
    .collect();
    assert_eq!(active, failed);
    // A retry of the failed ones finishes the job (faults are random, so allow a few rounds).
    let mut retry = report.retry_targets();
    for _ in 0..5 {
        if retry.is_empty() {
            break;
        }
        let r = revoke_many(c.clone(), retry, 8, |_| {}, |_| {}).await;
        retry = r.retry_targets();
    }
    assert!(retry.is_empty());
}

#[tokio::test]
async fn with_ten_percent_server_errors() {
    // Only DELETEs fail, so the list itself is stable; one attempt leaves about 10 % to report.
    run(
        SimOptions {
            seed_tokens: 300,
            fail_rate: 0.1,
            fail_only: Some("DELETE".into()),
            rng_seed: 3,
            ..SimOptions::default()
        },
        1,
        true,
    )
    .await;
}

#[tokio::test]
async fn with_429_bursts() {
    // 50 requests a second against 8 workers: the client pauses every worker on Retry-After.
    run(
        SimOptions {
            seed_tokens: 200,
            rate_limit: Some(50),
            ..SimOptions::default()
        },
        6,
        false,
    )
    .await;
}

// Replacing global tokens (ops::migrate) against the simulator.

use patui::azure::{ApiError, PatBackend, PatToken, PatTokenCreateRequest};

use patui::ops::migrate::{self, Migration, OldState, ReplacementState};

/// The real client, but the first create in `fail_org` fails (as a 5xx would).
struct FirstCreateFailsIn {
    inner: AzureClient,
    fail_org: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl PatBackend for FirstCreateFailsIn {
    async fn list_page(
        &self,
        org: &str,
        q: ListQuery,
        c: Option<&str>,
    ) -> Result<patui::azure::PagedPatTokens, ApiError> {
        self.inner.list_page(org, q, c).await
    }
    async fn get(&self, org: &str, id: uuid::Uuid) -> Result<PatToken, ApiError> {
        self.inner.get(org, id).await
    }
    async fn create(&self, org: &str, r: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
        let fail = {
            let mut f = self.fail_org.lock().unwrap();
            if f.as_deref() == Some(org) {
                f.take();
                true
            } else {
                false
            }
        };
        if fail {
            return Err(ApiError::Server {
                status: 503,
                message: "injected".into(),
            });
        }
        self.inner.create(org, r).await
    }
    async fn update(
        &self,
        org: &str,
        r: &patui::azure::PatTokenUpdateRequest,
    ) -> Result<PatToken, ApiError> {
        self.inner.update(org, r).await
    }
    async fn revoke(&self, org: &str, id: uuid::Uuid) -> Result<(), ApiError> {
        self.inner.revoke(org, id).await
    }
    async fn profile(&self) -> Result<patui::azure::Profile, ApiError> {
        self.inner.profile().await
    }
    async fn accounts(&self, m: uuid::Uuid) -> Result<Vec<patui::azure::Account>, ApiError> {
        self.inner.accounts(m).await
    }
}

/// A global token replaced across three organizations: one create per organization, each value
/// stored and working there, and the global token revoked exactly once, only after all exist.
/// A failure in one organization leaves the global token untouched; the retry creates only the
/// missing replacement.
#[tokio::test]
async fn a_global_token_is_replaced_per_organization_and_revoked_last() {
    let h = sim::start(([127, 0, 0, 1], 0).into(), SimOptions::default())
        .await
        .unwrap();
    let client = || {
        AzureClient::new(
            ClientOptions {
                endpoints: Endpoints::single(&h.base_url).unwrap(),
                ..ClientOptions::default()
            },
            Arc::new(StaticToken::new("t".into(), "test")),
        )
        .unwrap()
    };
    let orgs: Vec<String> = ["fabrikam", "contoso", "tailspin"]
        .map(String::from)
        .to_vec();
    let backend = FirstCreateFailsIn {
        inner: client(),
        fail_org: Mutex::new(Some("contoso".into())),
    };
    for o in &orgs {
        // Each organization exists in the simulator.
        backend
            .list_page(o, ListQuery::default(), None)
            .await
            .unwrap();
    }
    // Seeded (a global token can no longer be created once they are retired, whatever the date).
    let global_id = h.with_store(|s| {
        let now = s.now();
        s.seed_token(
            "everywhere",
            "vso.code",
            None,
            now - chrono::Duration::days(30),
            now + chrono::Duration::days(60),
            false,
        )
    });
    let global = backend.inner.get("fabrikam", global_id).await.unwrap();
    assert!(global.is_global());
    let vault = patui::vault::Vault::memory().unwrap();
    let mut m = Migration::new(global.clone(), "fabrikam", &orgs, false);
    let now = chrono::Utc::now();
    migrate::run(&backend, &vault, None, &mut m, now, |_| {}).await;
    assert!(matches!(
        m.replacements[1].state,
        ReplacementState::Failed(_)
    ));
    assert_eq!(m.old, OldState::Untouched, "a failure leaves it untouched");
    assert_eq!(h.with_store(|s| s.revocations(global.authorization_id)), 0);
    // The retry, as after a restart (a fresh migration of the same token): what the first run
    // stored counts as created, only the missing one is created, then the global is revoked.
    let mut m = Migration::new(global.clone(), "fabrikam", &orgs, false);
    migrate::run(&backend, &vault, None, &mut m, now, |_| {}).await;
    assert!(m.is_done(), "{m:?}");
    assert_eq!(m.old, OldState::Revoked);
    assert_eq!(h.with_store(|s| s.revocations(global.authorization_id)), 1);
    // A third run does nothing: nothing is created or revoked twice.
    migrate::run(&backend, &vault, None, &mut m, now, |_| {}).await;
    assert_eq!(h.with_store(|s| s.revocations(global.authorization_id)), 1);
    let base = patui::azure::client::parse_base(&h.base_url).unwrap();
    for (o, r) in orgs.iter().zip(&m.replacements) {
        let ReplacementState::Created { id, valid_to, .. } = &r.state else {
            panic!("{o}: {:?}", r.state)
        };
        assert_eq!(*valid_to, global.valid_to, "same expiry");
        let named: Vec<_> = h.with_store(|s| {
            s.tokens()
                .iter()
                .filter(|t| t.name == "everywhere" && t.targets.is_some())
                .filter(|t| {
                    let org_id = patui::sim::store::org_id(o);
                    t.targets_org(org_id)
                })
                .map(|t| t.id)
                .collect()
        });
        assert_eq!(named, vec![*id], "{o}: exactly one replacement");
        let stored = vault.load(*id).unwrap().expect("stored in the keyring");
        assert_eq!(stored.meta.org, *o);
        patui::azure::client::check_pat(&base, o, &stored.value)
            .await
            .unwrap_or_else(|e| panic!("{o}: the replacement authenticates: {e}"));
    }
}

/// With no keyring, a create's journal record stays open (the value is only in memory) until
/// `delivered` says the user has it; with a keyring it closes at once.
#[tokio::test]
async fn the_journal_closes_only_once_the_value_is_safe() {
    use patui::journal::{IntentKind, Journal};
    use patui::ops::create::{self, Recorder};
    let h = sim::start(([127, 0, 0, 1], 0).into(), SimOptions::default())
        .await
        .unwrap();
    let c = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&h.base_url).unwrap(),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("t".into(), "test")),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::at(dir.path().join("j.jsonl"));
    let rec = Recorder {
        journal: Some(&j),
        kind: IntentKind::Create,
    };
    let req = PatTokenCreateRequest {
        display_name: "unstored".into(),
        scope: "vso.code".into(),
        valid_to: chrono::Utc::now() + chrono::Duration::days(10),
        all_orgs: false,
    };
    let m = create::create_and_store_recorded(&c, Err("no keyring here"), rec, "o", &req)
        .await
        .unwrap();
    assert!(m.stored.is_err());
    let open = j.read().unwrap();
    assert_eq!(open.creates.len(), 1, "open while only in memory");
    assert_eq!(open.creates[0].token, Some(m.token.authorization_id));
    create::delivered(Some(&j), &m);
    assert!(
        j.read().unwrap().creates.is_empty(),
        "closed once delivered"
    );
    let vault = patui::vault::Vault::memory().unwrap();
    let m = create::create_and_store_recorded(&c, Ok(&vault), rec, "o", &req)
        .await
        .unwrap();
    assert!(m.stored.is_ok() && m.intent.is_none());
    assert!(
        j.read().unwrap().creates.is_empty(),
        "closed at once when stored"
    );
}
