//! Turns arguments, environment and config into a running thing: the TUI against the real service
//! or the in-process demo simulator, or `patui sim`. Errors found here are printed before the
//! terminal is touched.

use crate::azure::{
    AccessTokenSource, AzureClient, ClientOptions, Endpoints, PatBackend, StaticToken,
};
use crate::cli::{GlobalArgs, SimArgs};
use crate::config::Config;
use crate::secret::Secret;
use crate::sim;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Exit code for errors.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for usage and configuration errors.
pub const EXIT_USAGE: u8 = 2;

/// The access token from the environment, if set (never from argv).
pub fn env_access_token() -> Option<Secret> {
    std::env::var("PATUI_ACCESS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim().to_owned()))
}

/// True when colour is off: `--no-color`, or NO_COLOR set and non-empty.
pub fn no_color(args: &GlobalArgs) -> bool {
    args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Builds the cloud client from `--service-url` and the token source.
pub fn client(
    service_url: Option<&str>,
    auth: Arc<dyn AccessTokenSource>,
) -> Result<AzureClient, crate::azure::ApiError> {
    let endpoints = match service_url {
        Some(u) => Endpoints::single(u)?,
        None => Endpoints::cloud(),
    };
    AzureClient::new(
        ClientOptions {
            endpoints,
            ..ClientOptions::default()
        },
        auth,
    )
}

/// The demo: the simulator in-process with the demo data, and a client pointed at it.
async fn demo_backend() -> Result<(AzureClient, sim::SimHandle), String> {
    let handle = sim::start(([127, 0, 0, 1], 0).into(), sim::demo_options())
        .await
        .map_err(|e| format!("cannot start the demo simulator: {e}"))?;
    let auth = Arc::new(StaticToken::new(
        Secret::from("demo-access-token"),
        "demo simulator",
    ));
    let c = client(Some(&handle.base_url), auth).map_err(|e| e.to_string())?;
    Ok((c, handle))
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

/// `patui` (and `patui --demo`): the TUI.
pub async fn tui(args: GlobalArgs, log: Result<PathBuf, String>) -> u8 {
    if let Err(e) = &log {
        tracing::warn!("no log file: {e}");
    }
    let color = !no_color(&args);
    // The demo never reads the user's config or keyring.
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut _demo_sim = None;
    let mut sign_in: Option<Arc<crate::auth::SignIn>> = None;
    if let Some(server) = match tui_server(&args, &config).await {
        Ok(s) => s,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    } {
        return run_tui(
            Arc::clone(&server.client) as _,
            &args,
            config,
            color,
            None,
            Some(server),
        )
        .await;
    }
    let backend: Arc<dyn PatBackend> = if args.demo {
        let (c, handle) = match demo_backend().await {
            Ok(x) => x,
            Err(e) => {
                crate::eprintln_safe!("patui: {e}");
                return EXIT_ERROR;
            }
        };
        _demo_sim = Some(handle);
        Arc::new(c)
    } else {
        let vault = open_vault_for(&config);
        let chain = match sign_in_chain(&args, &config, &vault, None) {
            Ok(chain) => Arc::new(chain),
            Err(e) => {
                crate::eprintln_safe!("patui: {e}");
                return EXIT_USAGE;
            }
        };
        // The organization's Entra tenant, discovered in the background (never on the start-up
        // path); a device code sign-in started later uses it.
        if config.tenant.is_none()
            && let Some(org) = args.org.clone().or_else(|| config.default_org.clone())
            && let Ok(url) = crate::azure::client::parse_base(
                args.service_url
                    .as_deref()
                    .unwrap_or("https://dev.azure.com"),
            )
        {
            let chain = Arc::clone(&chain);
            tokio::spawn(async move {
                if let Some(t) = crate::auth::tenant::discover(&url, &org).await {
                    tracing::info!(tenant = %t, "tenant discovered");
                    chain.set_tenant(&t);
                }
            });
        }
        sign_in = Some(Arc::clone(&chain));
        let auth: Arc<dyn AccessTokenSource> = chain;
        match client(args.service_url.as_deref(), auth) {
            Ok(c) => Arc::new(c),
            Err(e) => {
                crate::eprintln_safe!("patui: {e}");
                return EXIT_USAGE;
            }
        }
    };
    run_tui(backend, &args, config, color, sign_in, None).await
}

/// The server the TUI is for: the demo server (`--demo --server-version`), `--server`, or none.
async fn tui_server(
    args: &GlobalArgs,
    config: &Config,
) -> Result<Option<crate::setup::Server>, String> {
    if let Some(v) = &args.server_version {
        if !args.demo {
            return Err("--server-version is for --demo and `patui sim`; for a real server use --server URL".into());
        }
        return crate::setup::demo_server(v).await.map(Some);
    }
    if args.demo {
        return Ok(None);
    }
    match crate::setup::server_url(args, config) {
        None => Ok(None),
        Some(url) => {
            let vault = open_vault_for(config);
            crate::setup::server(&url, &vault, crate::setup::ca_file(args, config)).map(Some)
        }
    }
}

/// Runs the TUI against `backend`.
async fn run_tui(
    backend: Arc<dyn PatBackend>,
    args: &GlobalArgs,
    config: Config,
    color: bool,
    sign_in: Option<Arc<crate::auth::SignIn>>,
    server: Option<crate::setup::Server>,
) -> u8 {
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
        server: server.map(|s| crate::tui::ServerContext {
            url: s.url,
            pat: s.pat,
            vault: s.vault,
            _demo: s.demo.map(Arc::new),
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

/// The backend for commands: the demo simulator or the real service.
async fn command_backend(
    args: &GlobalArgs,
    config: &Config,
    vault: &Result<crate::vault::Vault, String>,
) -> Result<(Arc<dyn PatBackend>, Option<sim::SimHandle>), (u8, String)> {
    if args.demo {
        let (c, handle) = demo_backend().await.map_err(|e| (EXIT_ERROR, e))?;
        return Ok((Arc::new(c), Some(handle)));
    }
    // Commands never start an interactive sign-in: `patui login` does that.
    let mut config = config.clone();
    config.sign_in = if config.sign_in.is_empty() {
        vec!["env".into(), "keyring".into(), "azure-cli".into()]
    } else {
        config
            .sign_in
            .iter()
            .filter(|s| s.as_str() != "device-code")
            .cloned()
            .collect()
    };
    let auth: Arc<dyn AccessTokenSource> = match sign_in_chain(args, &config, vault, None) {
        Ok(chain) => Arc::new(chain),
        Err(e) => return Err((EXIT_USAGE, e)),
    };
    let c = client(args.service_url.as_deref(), auth).map_err(|e| (EXIT_USAGE, e.to_string()))?;
    Ok((Arc::new(c), None))
}

/// `patui list|show|…`: the scriptable commands.
pub async fn command(args: GlobalArgs, cmd: crate::cli::Command) -> u8 {
    use crate::cli::Command as C;
    use crate::commands::{self, Ctx};
    if let C::Completions { shell } = cmd {
        return commands::completions(shell);
    }
    // Before any keyring is opened: the helper reads its own config (and reports a bad one).
    if let C::Credential { operation } = &cmd {
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
            command_backend(&args, &prepared.config, &prepared.vault)
                .await
                .ok()
                .map(|(b, _)| b)
        } else {
            None
        };
        let mut out = std::io::stdout().lock();
        return commands::credential::answer(
            &prepared,
            operation,
            &mut out,
            chrono::Utc::now(),
            backend.as_deref(),
        )
        .await;
    }
    let vault = if args.demo {
        crate::vault::Vault::memory().map_err(|e| e.to_string())
    } else {
        let kind = Config::load(args.config.as_deref())
            .ok()
            .and_then(|c| c.keyring)
            .as_deref()
            .and_then(crate::vault::StoreKind::parse)
            .unwrap_or(crate::vault::StoreKind::Native);
        crate::vault::Vault::open(kind).map_err(|e| e.to_string())
    };
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let server_url = crate::setup::server_url(&args, &config);
    if matches!(cmd, C::Login) {
        return match &server_url {
            Some(url) => {
                crate::commands::server_login::login(
                    url,
                    &vault,
                    crate::setup::ca_file(&args, &config),
                )
                .await
            }
            None => login(&args).await,
        };
    }
    if matches!(cmd, C::Logout) {
        return match &server_url {
            Some(url) => crate::commands::server_login::logout(url, &vault),
            None => logout(&args),
        };
    }
    let server = match tui_server(&args, &config).await {
        Ok(s) => s,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    };
    let server_sign_in = server.as_ref().map(|s| {
        use crate::azure::AccessTokenSource;
        format!("{}: {}", s.url, s.pat.describe())
    });
    let (backend, _sim, vault, server_collection) = match server {
        Some(s) => (
            Arc::clone(&s.client) as Arc<dyn PatBackend>,
            s.demo,
            s.vault,
            s.collection,
        ),
        None => match command_backend(&args, &config, &vault).await {
            Ok((b, sim)) => (b, sim, vault, None),
            Err((code, msg)) => {
                crate::eprintln_safe!("patui: {msg}");
                return code;
            }
        },
    };
    let on_server =
        server_collection.is_some() || args.server_version.is_some() || server_url.is_some();
    let ctx = Ctx {
        backend,
        org: if on_server {
            args.org.clone().or(server_collection)
        } else {
            args.org.clone().or_else(|| config.default_org.clone())
        },
        config_orgs: if on_server {
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
    let result = match &cmd {
        C::List(a) => ctx.list(a).await,
        C::Show(a) => ctx.show(a).await,
        C::Update(a) => ctx.update(a).await,
        C::Revoke(a) => {
            let vault = ctx.vault.as_ref().ok().cloned();
            ctx.revoke(a, move |t| {
                if let Some(v) = &vault
                    && let Err(e) = v.delete(t.id)
                {
                    tracing::warn!("keyring entry not deleted: {e}");
                }
            })
            .await
        }
        C::Create(a) => ctx.create(a, &config.all_presets()).await,
        C::MigrateGlobal(a) => ctx.migrate_global(a).await,
        C::Check(a) => ctx.check(a, &config).await,
        C::Renew(a) => ctx.renew(a, &config).await,
        C::Prune(a) => ctx.prune(a).await,
        C::Rotate(a) => ctx.rotate(a).await,
        C::Doctor(a) => {
            let path = args
                .config
                .clone()
                .or_else(crate::config::config_path)
                .ok_or_else(|| "no config directory".to_owned())
                .and_then(|p| Config::load(Some(&p)).map(|_| p).map_err(|e| e.to_string()));
            let sign_in = if let Some(s) = server_sign_in {
                s
            } else if args.demo {
                "demo simulator".to_owned()
            } else if env_access_token().is_some() {
                "PATUI_ACCESS_TOKEN is set".to_owned()
            } else {
                "PATUI_ACCESS_TOKEN is not set: export an Entra access token for Azure DevOps"
                    .to_owned()
            };
            let repairs = ctx.repair_checks(a.fix).await;
            commands::doctor::run(
                path,
                &ctx.vault,
                sign_in,
                ctx.backend.as_ref(),
                ctx.org.clone(),
                a.json,
                repairs,
            )
            .await
        }
        _ => Err(commands::Failure {
            code: EXIT_ERROR,
            message: "this command is not available yet".into(),
        }),
    };
    commands::report(result)
}

/// The sign-in chain for the real service: env, cached refresh token, Azure CLI, device code.
pub fn sign_in_chain(
    args: &GlobalArgs,
    config: &Config,
    vault: &Result<crate::vault::Vault, String>,
    tenant: Option<String>,
) -> Result<crate::auth::SignIn, String> {
    use crate::auth::{SignIn, SignInOptions, SourceKind, entra};
    let order: Vec<SourceKind> = if config.sign_in.is_empty() {
        SourceKind::DEFAULT_ORDER.to_vec()
    } else {
        config
            .sign_in
            .iter()
            .filter_map(|s| SourceKind::parse(s))
            .collect()
    };
    let authority = args
        .authority
        .clone()
        .or_else(|| config.authority.clone())
        .unwrap_or_else(|| entra::DEFAULT_AUTHORITY.to_owned());
    let tenant = tenant
        .or_else(|| config.tenant.clone())
        .unwrap_or_else(|| entra::DEFAULT_TENANT.to_owned());
    let client_id = config
        .client_id
        .clone()
        .unwrap_or_else(|| entra::DEFAULT_CLIENT_ID.to_owned());
    let entra =
        crate::auth::Entra::new(&authority, &tenant, &client_id).map_err(|e| e.to_string())?;
    let store: Option<Arc<dyn crate::auth::RefreshTokenStore>> = vault
        .as_ref()
        .ok()
        .map(|v| Arc::new(v.clone()) as Arc<dyn crate::auth::RefreshTokenStore>);
    Ok(SignIn::new(SignInOptions {
        order,
        env_token: env_access_token(),
        entra,
        store,
        az: std::env::var("PATUI_AZ").unwrap_or_else(|_| "az".to_owned()),
    }))
}

/// `patui login`: the device code flow on stderr; the refresh token goes to the keyring.
pub async fn login(args: &GlobalArgs) -> u8 {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    };
    let vault = open_vault_for(&config);
    if let Err(e) = &vault {
        crate::eprintln_safe!("patui: no keyring to keep the sign-in in: {e}");
        return EXIT_ERROR;
    }
    // The organization's tenant, when it can be discovered.
    let mut tenant = None;
    if let Some(org) = args.org.clone().or_else(|| config.default_org.clone()) {
        let base = args
            .service_url
            .as_deref()
            .unwrap_or("https://dev.azure.com");
        if let Ok(url) = crate::azure::client::parse_base(base) {
            tenant = crate::auth::tenant::discover(&url, &org).await;
        }
    }
    let chain = match sign_in_chain(args, &config, &vault, tenant) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    };
    let entra = chain.entra();
    let code = match entra.start_device_code().await {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return crate::commands::EXIT_AUTH;
        }
    };
    crate::eprintln_safe!(
        "To sign in, open {} and enter the code {} (tenant {}).",
        code.verification_uri,
        code.user_code,
        entra.tenant()
    );
    match entra.wait_for_device_code(&code).await {
        Ok(tokens) => match chain.complete_device_code(tokens).await {
            Ok(()) => {
                crate::eprintln_safe!("Signed in; the sign-in is kept in the keyring.");
                0
            }
            Err(e) => {
                crate::eprintln_safe!(
                    "patui: signed in, but the keyring refused the refresh token: {e}"
                );
                EXIT_ERROR
            }
        },
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            crate::commands::EXIT_AUTH
        }
    }
}

/// `patui logout`.
pub fn logout(args: &GlobalArgs) -> u8 {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    };
    match open_vault_for(&config).and_then(|v| v.delete_refresh_token().map_err(|e| e.to_string()))
    {
        Ok(()) => {
            crate::eprintln_safe!(
                "Signed out: the cached sign-in was removed from the keyring. (The Azure CLI and PATUI_ACCESS_TOKEN, if you use them, are not affected: `az logout` signs out there.)"
            );
            0
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            EXIT_ERROR
        }
    }
}

/// The keyring the config asks for.
pub fn open_vault_for(config: &Config) -> Result<crate::vault::Vault, String> {
    let kind = config
        .keyring
        .as_deref()
        .and_then(crate::vault::StoreKind::parse)
        .unwrap_or(crate::vault::StoreKind::Native);
    crate::vault::Vault::open(kind).map_err(|e| e.to_string())
}
