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
