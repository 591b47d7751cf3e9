//! Revoke-all speed against a running `patui sim --latency-ms 20` (see scripts/bench-revoke.sh):
//! mints N tokens, revokes them with patui's bounded-concurrency revoke, mints N again and
//! revokes them with a plain sequential loop of one DELETE per token, and checks the targets:
//! concurrent ≤ 1.3 × (N × latency / concurrency) and ≥ 5× faster than sequential.
//! Usage: bench_revoke BASE_URL N LATENCY_MS CONCURRENCY

use futures::StreamExt;
use patui::azure::{
    AzureClient, ClientOptions, Endpoints, PatBackend, PatTokenCreateRequest, StaticToken,
};
use patui::ops::revoke::{RevokeTarget, revoke_many};
use std::sync::Arc;
use std::time::Instant;

async fn mint(c: &Arc<AzureClient>, org: &str, n: usize) -> Vec<RevokeTarget> {
    futures::stream::iter(0..n)
        .map(|i| {
            let c = Arc::clone(c);
            let org = org.to_owned();
            async move {
                let t = c
                    .create(
                        &org,
                        &PatTokenCreateRequest {
                            display_name: format!("bench-{i}"),
                            scope: "vso.code".into(),
                            valid_to: chrono::Utc::now() + chrono::Duration::days(5),
                            all_orgs: false,
                        },
                    )
                    .await
                    .expect("create");
                RevokeTarget {
                    org,
                    id: t.authorization_id,
                    name: t.display_name,
                    manages_tokens: false,
                }
            }
        })
        .buffer_unordered(32)
        .collect()
        .await
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).expect("BASE_URL");
    let n: usize = args.get(2).map_or(1000, |s| s.parse().expect("N"));
    let latency_ms: f64 = args.get(3).map_or(20.0, |s| s.parse().expect("LATENCY_MS"));
    let conc: usize = args.get(4).map_or(8, |s| s.parse().expect("CONCURRENCY"));
    let c = Arc::new(
        AzureClient::new(
            ClientOptions {
                endpoints: Endpoints::single(base).expect("url"),
                ..ClientOptions::default()
            },
            Arc::new(StaticToken::new("bench".into(), "bench")),
        )
        .expect("client"),
    );
    let targets = mint(&c, "bench-concurrent", n).await;
    let t = Instant::now();
    let report = revoke_many(c.clone(), targets, conc, |_| {}, |_| {}).await;
    let concurrent = t.elapsed().as_secs_f64();
    assert!(report.all_ok(), "every revocation succeeded");
    let targets = mint(&c, "bench-sequential", n).await;
    let t = Instant::now();
    for tg in &targets {
        c.revoke(&tg.org, tg.id).await.expect("revoke");
    }
    let sequential = t.elapsed().as_secs_f64();
    let bound = 1.3 * (n as f64 * latency_ms / 1000.0 / conc as f64);
    println!("tokens: {n}, latency: {latency_ms} ms, concurrency: {conc}");
    println!("concurrent revoke: {concurrent:.2} s (target ≤ {bound:.2} s)");
    println!(
        "sequential loop:   {sequential:.2} s ({:.1}× slower; target ≥ 5×)",
        sequential / concurrent
    );
    let ok = concurrent <= bound && sequential / concurrent >= 5.0;
    println!("{}", if ok { "PASS" } else { "FAIL" });
    std::process::exit(if ok { 0 } else { 1 });
}
