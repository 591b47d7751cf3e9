//! The entry points: `patui` (the TUI, against the service, a server or the demo), `patui sim`,
//! and the scriptable commands. What they run against is built once by [`crate::setup`]; the glue
//! here turns its failures into messages and exit codes (the ones of [`crate::commands`]),
//! printed before the terminal is touched.

use crate::azure::AccessTokenSource;
use crate::cli::{Command, DoctorArgs, GlobalArgs, SimArgs};
use crate::commands::doctor::SignInSource;
use crate::commands::{self, Ctx, EXIT_ERROR, EXIT_USAGE, Failure};
use crate::config::Config;
use crate::setup::{self, Purpose, SetupError, Wired};
use crate::sim;
use crate::vault::Vault;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// True when colour is off: `--no-color`, or NO_COLOR set and non-empty.
pub fn no_color(args: &GlobalArgs) -> bool {
    args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Prints a wiring failure; returns its exit code.
fn report_setup(e: &SetupError) -> u8 {
    crate::eprintln_safe!("patui: {e}");
    match e {
        SetupError::Usage(_) => EXIT_USAGE,
        SetupError::Failed(_) => EXIT_ERROR,
    }
}

/// The config: defaults in the demo (which never reads the user's files), else the file; a bad
/// file is reported before anything else happens.
fn load_config(args: &GlobalArgs) -> Result<Config, u8> {
    if args.demo {
        return Ok(Config::default());
    }
    Config::load(args.config.as_deref()).map_err(|e| {
        crate::eprintln_safe!("patui: {e}");
        EXIT_USAGE
    })
}

/// The config and the keyring it names, opened once for the whole run.
fn config_and_vault(args: &GlobalArgs) -> Result<(Config, Result<Vault, String>), u8> {
    let config = load_config(args)?;
    let vault = setup::open_vault(&config, args.demo);
    Ok((config, vault))
}

/// `patui` (and `patui --demo`): the TUI.
pub async fn tui(args: GlobalArgs, log: Result<PathBuf, String>) -> u8 {
    if let Err(e) = &log {
        tracing::warn!("no log file: {e}");
    }
    let color = !no_color(&args);
    let (config, vault) = match config_and_vault(&args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    match setup::wire(&args, &config, vault, Purpose::Tui).await {
        Ok(wired) => run_tui(wired, &args, config, color).await,
        Err(e) => report_setup(&e),
    }
}

/// Runs the TUI against what was wired.
async fn run_tui(wired: Wired, args: &GlobalArgs, config: Config, color: bool) -> u8 {
    // The demo's simulator lives as long as the TUI.
    let Wired {
        backend,
        vault,
        sign_in,
        server,
        demo_sim: _demo_sim,
    } = wired;
    let mut orgs = config.organizations.clone();
    if let Some(c) = server.as_ref().and_then(|s| s.collection.clone()) {
        orgs = vec![c];
    }
    if let Some(o) = &args.org
        && !orgs.iter().any(|x| x.eq_ignore_ascii_case(o))
    {
        orgs.insert(0, o.clone());
    }
    let current_org = if server.is_some() {
        args.org.clone().or_else(|| orgs.first().cloned())
    } else {
        args.org
            .clone()
            .or_else(|| config.default_org.clone())
            .or_else(|| orgs.first().cloned())
    };
    let ctx = crate::tui::AppContext {
        orgs,
        current_org,
        config,
        color,
        demo: args.demo,
        tenant: sign_in.as_ref().map(|s| s.entra().tenant().to_owned()),
        sign_in,
        vault,
        server: server.map(|s| crate::tui::ServerContext {
            windows: s.client.windows_sign_in().cloned(),
            url: s.url,
            pat: s.pat,
        }),
    };
    match crate::tui::run(backend, ctx).await {
        Ok(outcome) => {
            // The terminal is restored: now say what was lost, so it can be revoked.
            if let Some(lost) = &outcome.lost_token {
                crate::eprintln_safe!("patui: {lost}");
            }
            if outcome.panicked {
                crate::eprintln_safe!(
                    "patui: a background task failed (see the message above); patui stopped"
                );
            }
            outcome.exit_code()
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            EXIT_ERROR
        }
    }
}

/// `patui sim`: serves until killed; the base URL is the first line of stdout.
pub async fn sim(args: SimArgs, server_version: Option<String>) -> u8 {
    let server_version = match server_version
        .as_deref()
        .map(sim::server::ServerVersion::parse)
    {
        None => None,
        Some(Some(v)) => Some(v),
        Some(None) => {
            crate::eprintln_safe!(
                "patui sim: --server-version: use 2017, 2018, 2019, 2020 or 2022"
            );
            return EXIT_USAGE;
        }
    };
    // Before anything binds: the simulator accepts any bearer token, so it stays on loopback
    // unless the user says otherwise.
    match sim::check_listen(args.listen, args.allow_remote) {
        Ok(None) => {}
        Ok(Some(warning)) => crate::eprintln_safe!("patui sim: {warning}"),
        Err(refusal) => {
            crate::eprintln_safe!("patui sim: {refusal}");
            return EXIT_USAGE;
        }
    }
    let mut opts = if args.demo_data {
        sim::demo_options()
    } else {
        sim::SimOptions::default()
    };
    if args.seed_tokens > 0 {
        opts.seed_tokens = args.seed_tokens;
    }
    opts.latency = Duration::from_millis(args.latency_ms);
    opts.answer_delay = Duration::from_millis(args.answer_delay_ms);
    opts.drop_create_answers = args.drop_create_answers;
    opts.fail_rate = args.fail_rate;
    opts.fail_only = args.fail_only.clone();
    opts.truncate_rate = args.truncate_rate;
    opts.rate_limit = args.rate_limit;
    opts.full_scope_policy = args.full_scope_policy;
    opts.max_lifespan_days = args.max_lifespan_days;
    opts.lifespan_policy = match args.lifespan_policy {
        crate::cli::LifespanPolicy::Clamp => sim::LifespanPolicy::Clamp,
        crate::cli::LifespanPolicy::Reject => sim::LifespanPolicy::Reject,
    };
    opts.errors_in_200 = args.errors_in_200;
    opts.server_version = server_version;
    opts.trust_windows_proxy = args.trust_windows_proxy;
    opts.strict_orgs = args.strict_orgs;
    opts.rng_seed = args.seed;
    opts.entra.approve_after_polls = args.sign_in_after_polls;
    opts.entra.outcome = match args.sign_in_outcome {
        crate::cli::SignInOutcome::Approve => sim::entra::DeviceOutcome::Approve,
        crate::cli::SignInOutcome::Decline => sim::entra::DeviceOutcome::Decline,
        crate::cli::SignInOutcome::Expire => sim::entra::DeviceOutcome::Expire,
    };
    let handle = match sim::start(args.listen, opts).await {
        Ok(h) => h,
        Err(e) => {
            crate::eprintln_safe!("patui sim: cannot listen on {}: {e}", args.listen);
            return EXIT_ERROR;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{}", handle.base_url)
            .and_then(|()| out.flush())
            .is_err()
        {
            return EXIT_ERROR;
        }
    }
    match server_version {
        Some(v) => crate::eprintln_safe!(
            "patui sim: serving {} on {}/{}/ (collections {}; sign in with the PAT of the seeded token {:?}; Ctrl-C stops)",
            v.product_name(),
            handle.base_url,
            sim::server::VIRTUAL_DIR,
            sim::server::COLLECTIONS.join(", "),
            sim::server::SIGN_IN_PAT_NAME
        ),
        None => crate::eprintln_safe!(
            "patui sim: serving on {} (any bearer token is accepted; Ctrl-C stops)",
            handle.base_url
        ),
    }
    wait_for_shutdown_signal().await;
    handle.shutdown().await;
    0
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
pub async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `patui list|show|…`: the scriptable commands (and `patui sim`, which `main` also runs
/// directly).
pub async fn command(args: GlobalArgs, cmd: Command) -> u8 {
    use crate::cli::Command as C;
    match cmd {
        C::Completions { shell } => commands::completions(shell),
        C::Credential { operation } => credential(&args, &operation).await,
        C::CargoCredential(a) => match config_and_vault(&args) {
            Ok((_, vault)) => commands::cargo_credential::run(
                &a,
                &vault,
                args.service_url.as_deref(),
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                chrono::Utc::now(),
            ),
            Err(code) => code,
        },
        C::Keyring(a) => match config_and_vault(&args) {
            Ok((_, vault)) => commands::keyring_cli::run(
                &a,
                &vault,
                args.service_url.as_deref(),
                std::io::stdout().lock(),
                chrono::Utc::now(),
            ),
            Err(code) => code,
        },
        C::NugetPlugin => match config_and_vault(&args) {
            Ok((_, vault)) => commands::nuget_plugin::run(
                &vault,
                args.service_url.as_deref(),
                std::io::stdin().lock(),
                std::io::stdout().lock(),
                chrono::Utc::now(),
            ),
            Err(code) => code,
        },
        C::Exec(a) => match config_and_vault(&args) {
            Ok((_, vault)) => commands::exec::run(&a, &vault, args.service_url.as_deref()),
            Err(code) => code,
        },
        C::Setup(a) => commands::provider_setup::run(&a, args.service_url.as_deref()),
        // Importing or rotating a found token needs the service.
        C::Scan(a) if a.import.is_some() || a.rotate.is_some() => {
            on_tokens(&args, async |t: &Tokens| t.ctx.scan_fix(&a).await).await
        }
        C::Scan(a) => match config_and_vault(&args) {
            Ok((_, vault)) => commands::scan::run(&a, &vault).await,
            Err(code) => code,
        },
        C::Sim(a) => sim(a, args.server_version.clone()).await,
        C::Login(a) => match config_and_vault(&args) {
            Ok((config, vault)) => commands::login::login(&args, &a, &config, &vault).await,
            Err(code) => code,
        },
        C::Logout(a) => match config_and_vault(&args) {
            Ok((config, vault)) => commands::login::logout(&args, &a, &config, &vault).await,
            Err(code) => code,
        },
        C::List(a) => on_tokens(&args, async |t: &Tokens| t.ctx.list(&a).await).await,
        C::Show(a) => on_tokens(&args, async |t: &Tokens| t.ctx.show(&a).await).await,
        C::Update(a) => on_tokens(&args, async |t: &Tokens| t.ctx.update(&a).await).await,
        C::Revoke(a) => on_tokens(&args, async |t: &Tokens| t.ctx.revoke(&a).await).await,
        C::Create(a) => {
            on_tokens(&args, async |t: &Tokens| {
                t.ctx.create(&a, &t.config.all_presets()).await
            })
            .await
        }
        C::Rotate(a) => on_tokens(&args, async |t: &Tokens| t.ctx.rotate(&a).await).await,
        C::MigrateGlobal(a) => {
            on_tokens(&args, async |t: &Tokens| t.ctx.migrate_global(&a).await).await
        }
        C::Check(a) => on_tokens(&args, async |t: &Tokens| t.ctx.check(&a, &t.config).await).await,
        C::Renew(a) => on_tokens(&args, async |t: &Tokens| t.ctx.renew(&a, &t.config).await).await,
        C::Prune(a) => on_tokens(&args, async |t: &Tokens| t.ctx.prune(&a).await).await,
        C::Doctor(a) => on_tokens(&args, async |t: &Tokens| t.doctor(&args, &a).await).await,
    }
}

/// `patui credential OP`: git's credential helper. It reads git's request and its own config
/// before any keyring is opened (a bad config is reported, never taken for the default keyring).
async fn credential(args: &GlobalArgs, operation: &str) -> u8 {
    let prepared = match commands::credential::prepare(
        args.config.as_deref(),
        args.demo,
        &mut std::io::stdin().lock(),
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // A backend only where a renewal may happen: silent sign-in, never in the demo.
    let backend = if operation == "get" && !args.demo && prepared.config.renew_before_days > 0 {
        setup::cloud(args, &prepared.config, &prepared.vault, Purpose::Command)
            .await
            .ok()
            .map(|c| c.backend)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    commands::credential::answer(
        &prepared,
        operation,
        &mut out,
        chrono::Utc::now(),
        backend.as_deref(),
    )
    .await
}

/// What the commands on tokens run with, wired once.
struct Tokens {
    ctx: Ctx,
    config: Config,
    /// What signs in, for `doctor`.
    sign_in: SignInSource,
    /// The demo's simulator, alive as long as the command runs.
    _demo_sim: Option<sim::SimHandle>,
}

impl Tokens {
    /// The config, the keyring and the backend, for a command (never an interactive sign-in). On
    /// a server, the organization is the collection and the config's organizations do not apply.
    async fn wire(args: &GlobalArgs) -> Result<Tokens, u8> {
        let (config, vault) = config_and_vault(args)?;
        let wired = setup::wire(args, &config, vault, Purpose::Command)
            .await
            .map_err(|e| report_setup(&e))?;
        let sign_in = match (&wired.server, &wired.sign_in) {
            (Some(s), _) => SignInSource::Described(format!(
                "{}: PAT: {}; Windows sign-in when the server offers it (see \"server auth\")",
                s.url,
                s.pat.describe()
            )),
            (None, Some(chain)) => SignInSource::Chain(Arc::clone(chain)),
            (None, None) => SignInSource::Described("demo simulator".to_owned()),
        };
        let Wired {
            backend,
            vault,
            server,
            demo_sim,
            ..
        } = wired;
        let ctx = Ctx {
            backend,
            org: match &server {
                Some(s) => args.org.clone().or_else(|| s.collection.clone()),
                None => args.org.clone().or_else(|| config.default_org.clone()),
            },
            config_orgs: if server.is_some() {
                Vec::new()
            } else {
                config.organizations.clone()
            },
            revoke_concurrency: config.revoke_concurrency,
            vault,
            journal: if args.demo {
                None
            } else {
                crate::journal::Journal::open_default().ok()
            },
        };
        Ok(Tokens {
            ctx,
            config,
            sign_in,
            _demo_sim: demo_sim,
        })
    }

    /// `patui doctor`.
    async fn doctor(&self, args: &GlobalArgs, a: &DoctorArgs) -> Result<u8, Failure> {
        let repairs = self.ctx.repair_checks(a.fix).await;
        commands::doctor::run(
            commands::doctor::config_file(args.config.as_deref()),
            &self.ctx.vault,
            &self.sign_in,
            self.ctx.backend.as_ref(),
            self.ctx.org.clone(),
            a.json,
            repairs,
        )
        .await
    }
}

/// Wires a command on tokens and runs it; its failure is printed, and the exit code returned.
async fn on_tokens(args: &GlobalArgs, run: impl AsyncFnOnce(&Tokens) -> Result<u8, Failure>) -> u8 {
    match Tokens::wire(args).await {
        Ok(t) => commands::report(run(&t).await),
        Err(code) => code,
    }
}
