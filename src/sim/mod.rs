//! A stateful simulator of Azure DevOps Services' PAT APIs (and of Entra sign-in), speaking the
//! real HTTP on loopback. Used by `patui --demo`, by `patui sim` and by the tests.
//!
//! Any organization name is accepted and created on first use (unless `strict_orgs`). Any
//! non-empty bearer token is accepted as the one simulated user, except tokens starting with
//! `expired` and access tokens issued by the simulated Entra whose lifetime is over.
//! Both modes also serve Azure Artifacts feeds (npm, PyPI, NuGet, Cargo) below `_packaging`
//! ([`feeds`]).

pub mod archive;
pub mod entra;
pub mod feeds;
pub mod http;
pub mod seed;
pub mod server;
pub mod store;

use axum::Router;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use entra::{DeviceOutcome, EntraOptions};
pub use http::Shared;
pub use store::{LifespanPolicy, Policy, Store};

/// Simulator settings. The default is permissive and fault-free.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Tokens seeded into `seed_org`.
    pub seed_tokens: usize,
    /// The organization seeded tokens go to.
    pub seed_org: String,
    /// Seed the demo data set (three organizations).
    pub demo: bool,
    /// Added to every PAT request.
    pub latency: Duration,
    /// Probability of a 503 per PAT request.
    pub fail_rate: f64,
    /// When set, only requests with this HTTP method get the injected 503s.
    pub fail_only: Option<String>,
    /// Probability that a successful PAT response's JSON is cut in half.
    pub truncate_rate: f64,
    /// PAT requests per second before 429 + Retry-After.
    pub rate_limit: Option<u32>,
    pub full_scope_policy: bool,
    pub max_lifespan_days: Option<u32>,
    /// What a `validTo` beyond `max_lifespan_days` gets: clamped (the default, as the service
    /// does today) or refused with `patLifespanPolicyViolation`.
    pub lifespan_policy: LifespanPolicy,
    /// Answer every `PatTokenResult` refusal with HTTP 200 (`patToken: null` and the
    /// `patTokenError`), as the service's definition has it, instead of 400/404.
    pub errors_in_200: bool,
    pub strict_orgs: bool,
    /// A create is answered this long after the token was minted (a window in which patui can
    /// be killed with the token existing and its value not yet stored).
    pub answer_delay: Duration,
    /// The first N successful creates mint the token and then break the connection in the
    /// middle of the answer (the answer is lost).
    pub drop_create_answers: u32,
    /// Seed of token values, ids and fault decisions.
    pub rng_seed: u64,
    pub entra: EntraOptions,
    /// On-premises mode: serve Azure DevOps Server / TFS of this version (session-token API,
    /// collections under `/tfs/`) instead of the cloud.
    pub server_version: Option<server::ServerVersion>,
    /// On-premises mode behind a Negotiate/NTLM proxy: a request carrying
    /// [`server::WINDOWS_USER_HEADER`] is the Windows identity it names.
    pub trust_windows_proxy: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            seed_tokens: 0,
            seed_org: "fabrikam".into(),
            demo: false,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            fail_only: None,
            truncate_rate: 0.0,
            rate_limit: None,
            full_scope_policy: false,
            max_lifespan_days: None,
            lifespan_policy: LifespanPolicy::Clamp,
            errors_in_200: false,
            strict_orgs: false,
            answer_delay: Duration::ZERO,
            drop_create_answers: 0,
            rng_seed: 1,
            entra: EntraOptions::default(),
            server_version: None,
            trust_windows_proxy: false,
        }
    }
}

/// The demo's settings: the demo data set, no faults.
pub fn demo_options() -> SimOptions {
    SimOptions {
        demo: true,
        ..SimOptions::default()
    }
}

/// A running simulator.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    /// The state, for tests to inspect and change (clock, counters).
    pub shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// Runs `f` with the store locked.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut guard = match self.shared.store.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Builds the seeded state.
pub fn build_store(opts: &SimOptions) -> Store {
    let mut store = Store::new(
        Policy {
            full_scope_policy: opts.full_scope_policy,
            max_lifespan_days: opts.max_lifespan_days,
            lifespan_policy: opts.lifespan_policy,
            strict_orgs: opts.strict_orgs,
        },
        opts.rng_seed,
    );
    if opts.demo {
        seed::seed_demo(&mut store);
    }
    if opts.seed_tokens > 0 {
        seed::seed_tokens(&mut store, &opts.seed_org, opts.seed_tokens);
    } else if !opts.demo {
        store.add_org(&opts.seed_org);
    }
    store
}

/// Decides whether `patui sim` may listen on `listen`. A loopback address is fine (`Ok(None)`).
/// Any other address (including `0.0.0.0` and `[::]`) exposes a service that accepts any bearer
/// token to the network: it is refused (`Err` with the reason) unless `allow_remote`, and then
/// allowed with a warning to print (`Ok(Some(warning))`).
pub fn check_listen(listen: SocketAddr, allow_remote: bool) -> Result<Option<String>, String> {
    if listen.ip().to_canonical().is_loopback() {
        return Ok(None);
    }
    if allow_remote {
        Ok(Some(format!(
            "warning: listening on {listen}, which is not a loopback address (--allow-remote): anyone who can reach it can read and mint simulated tokens with any bearer token"
        )))
    } else {
        Err(format!(
            "refusing to listen on {listen}: it is not a loopback address, and the simulator accepts any bearer token from anyone who can reach it. Listen on 127.0.0.1 or [::1], or pass --allow-remote to expose it anyway"
        ))
    }
}

/// Binds `listen` and serves in a background task.
pub async fn start(listen: SocketAddr, opts: SimOptions) -> io::Result<SimHandle> {
    let store = build_store(&opts);
    let shared = Arc::new(Shared::new(store, opts));
    let app = if shared.opts.server_version.is_some() {
        Router::new()
            .fallback(server::handle)
            .with_state(Arc::clone(&shared))
    } else {
        Router::new()
            .fallback(http::handle)
            .with_state(Arc::clone(&shared))
    };
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!("simulator stopped: {e}");
        }
    });
    Ok(SimHandle {
        base_url: format!("http://{addr}"),
        shared,
        stop: Some(stop_tx),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_listens_without_allow_remote() {
        let addr = |s: &str| s.parse::<SocketAddr>().unwrap();
        for ok in [
            "127.0.0.1:0",
            "127.1.2.3:8080",
            "[::1]:0",
            "[::ffff:127.0.0.1]:0",
        ] {
            assert_eq!(check_listen(addr(ok), false), Ok(None), "{ok}");
            assert_eq!(check_listen(addr(ok), true), Ok(None), "{ok}");
        }
        for remote in ["0.0.0.0:0", "[::]:0", "192.168.1.5:8080", "[2001:db8::1]:0"] {
            let refused = check_listen(addr(remote), false).unwrap_err();
            assert!(refused.contains("--allow-remote"), "{refused}");
            assert!(refused.contains(remote), "{refused}");
            let warning = check_listen(addr(remote), true).unwrap().unwrap();
            assert!(warning.contains("not a loopback address"), "{warning}");
        }
    }
}
