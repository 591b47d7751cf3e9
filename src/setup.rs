//! Builds what the TUI and the commands need from arguments, environment and config, once and in
//! one place. [`wire`] puts it together for a run: the keyring ([`open_vault`], opened once),
//! the backend, and what goes with it. For the cloud, that is the sign-in chain
//! ([`sign_in_chain`]), the client ([`cloud`], [`client`]) and the organization's Entra tenant
//! ([`discover_tenant`]). For Azure DevOps Server / TFS, it is the server backend with its own
//! keyring entries and its PAT sign-in (the environment's PAT first, then the one kept by
//! `patui login --server`). In the demo, the simulator runs in-process ([`demo_server`] for a
//! server's).
//!
//! This module sits below `tui` and `commands`: it knows nothing of screens, output or exit
//! codes ([`SetupError`] says which kind of failure it is; the caller picks the code).

use crate::auth::server_pat::{PatOrigin, ServerPat, env_server_pat};
use crate::auth::windows::ntlm::NtlmAccount;
use crate::auth::{RefreshTokenStore, SignIn, SignInOptions, SourceKind, entra};
use crate::azure::client::DEFAULT_ORG_HOST;
use crate::azure::server::{ServerClient, ServerOptions, ServerSignIn, ServerUrl};
use crate::azure::{
    AccessTokenSource, ApiError, AzureClient, ClientOptions, Endpoints, PatBackend, StaticToken,
};
use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::secret::Secret;
use crate::sim;
use crate::vault::{StoreKind, Vault};
use reqwest::Url;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;

/// What a run is wired for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Interactive: the TUI (and `patui login`, which runs the device code flow itself). The
    /// sign-in chain may end with the device code flow, and the TUI discovers the organization's
    /// tenant in the background.
    Tui,
    /// A scriptable command: never an interactive sign-in (`patui login` does that).
    Command,
}

/// Why the wiring failed. The text is for the user; the variant picks the exit code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SetupError {
    /// An argument, environment variable or config value that cannot work (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Something that should have worked did not (exit 1): the demo's simulator did not start.
    #[error("{0}")]
    Failed(String),
}

/// Everything a run works with, built once by [`wire`].
pub struct Wired {
    /// The service: the cloud's client, a server's, or the demo's.
    pub backend: Arc<dyn PatBackend>,
    /// The keyring in use, or why there is none: the server's own entries on a server, an
    /// in-memory one in the demo.
    pub vault: Result<Vault, String>,
    /// The cloud's sign-in chain (none in the demo and on a server).
    pub sign_in: Option<Arc<SignIn>>,
    /// The server, on Azure DevOps Server / TFS (and the demo server).
    pub server: Option<Server>,
    /// The demo's simulator (the cloud's or the server's), kept alive as long as this.
    pub demo_sim: Option<sim::SimHandle>,
}

/// Wires a run: the server when one is named (`--server`, PATUI_SERVER_URL, the config's
/// `server`, or `--demo --server-version`), else the cloud (or its demo). `vault` is the keyring
/// from [`open_vault`]; a server keeps its entries in it under its own service name.
pub async fn wire(
    args: &GlobalArgs,
    config: &Config,
    vault: Result<Vault, String>,
    purpose: Purpose,
) -> Result<Wired, SetupError> {
    if let Some(mut server) = server_for(args, config, &vault).await? {
        let demo_sim = server.demo.take();
        return Ok(Wired {
            backend: Arc::clone(&server.client) as Arc<dyn PatBackend>,
            vault: server.vault.clone(),
            sign_in: None,
            server: Some(server),
            demo_sim,
        });
    }
    let c = cloud(args, config, &vault, purpose).await?;
    Ok(Wired {
        backend: c.backend,
        vault,
        sign_in: c.sign_in,
        server: None,
        demo_sim: c.demo_sim,
    })
}

/// The keyring for this run, opened once: in memory in the demo (never the user's keyring), else
/// the store the config names (the platform's own by default). `Err` says why there is none; what
/// needs the keyring reports it.
pub fn open_vault(config: &Config, demo: bool) -> Result<Vault, String> {
    let kind = if demo {
        StoreKind::Memory
    } else {
        config.keyring.unwrap_or(StoreKind::Native)
    };
    Vault::open(kind).map_err(|e| e.to_string())
}

/// The access token from the environment (PATUI_ACCESS_TOKEN), if set; never from argv.
pub fn env_access_token() -> Option<Secret> {
    std::env::var("PATUI_ACCESS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim().to_owned()))
}

// ---------------------------------------------------------------------------------------------
// The cloud.
// ---------------------------------------------------------------------------------------------

/// The cloud's backend and what goes with it.
pub struct Cloud {
    pub backend: Arc<dyn PatBackend>,
    /// The sign-in chain (none in the demo, whose token is fixed).
    pub sign_in: Option<Arc<SignIn>>,
    /// The demo's simulator, kept alive as long as this.
    pub demo_sim: Option<sim::SimHandle>,
}

/// The cloud's backend: in the demo, the simulator in-process with its sample data and a client
/// pointed at it; else the client for `--service-url` (or the real hosts) behind the sign-in
/// chain. For the TUI, the organization's tenant is discovered in the background when the config
/// names none.
pub async fn cloud(
    args: &GlobalArgs,
    config: &Config,
    vault: &Result<Vault, String>,
    purpose: Purpose,
) -> Result<Cloud, SetupError> {
    if args.demo {
        let (c, handle) = demo_client().await?;
        return Ok(Cloud {
            backend: Arc::new(c),
            sign_in: None,
            demo_sim: Some(handle),
        });
    }
    let chain = Arc::new(sign_in_chain(args, config, vault, purpose, None)?);
    let auth: Arc<dyn AccessTokenSource> = Arc::clone(&chain) as Arc<dyn AccessTokenSource>;
    let c =
        client(args.service_url.as_deref(), auth).map_err(|e| SetupError::Usage(e.to_string()))?;
    if purpose == Purpose::Tui && config.tenant.is_none() {
        discover_tenant_later(args, config, &chain);
    }
    Ok(Cloud {
        backend: Arc::new(c),
        sign_in: Some(chain),
        demo_sim: None,
    })
}

/// The cloud client for `service_url` (one URL replacing every Azure DevOps host), else the real
/// hosts, with `auth` as its token source.
pub fn client(
    service_url: Option<&str>,
    auth: Arc<dyn AccessTokenSource>,
) -> Result<AzureClient, ApiError> {
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
async fn demo_client() -> Result<(AzureClient, sim::SimHandle), SetupError> {
    let handle = sim::start(([127, 0, 0, 1], 0).into(), sim::demo_options())
        .await
        .map_err(|e| SetupError::Failed(format!("cannot start the demo simulator: {e}")))?;
    let auth = Arc::new(StaticToken::new(
        Secret::from("demo-access-token"),
        "demo simulator",
    ));
    let c = client(Some(&handle.base_url), auth).map_err(|e| SetupError::Failed(e.to_string()))?;
    Ok((c, handle))
}

/// The order of the sign-in sources: the config's (`sign_in`), else env, keyring, Azure CLI,
/// device code. A command never signs in interactively: the device code flow is left out, and
/// when nothing else is left the non-interactive default order is used.
pub fn sign_in_order(config: &Config, purpose: Purpose) -> Vec<SourceKind> {
    let configured: &[SourceKind] = if config.sign_in.is_empty() {
        &SourceKind::DEFAULT_ORDER[..]
    } else {
        config.sign_in.as_slice()
    };
    match purpose {
        Purpose::Tui => configured.to_vec(),
        Purpose::Command => {
            let silent = |from: &[SourceKind]| -> Vec<SourceKind> {
                from.iter()
                    .copied()
                    .filter(|k| *k != SourceKind::DeviceCode)
                    .collect()
            };
            let order = silent(configured);
            if order.is_empty() {
                silent(&SourceKind::DEFAULT_ORDER[..])
            } else {
                order
            }
        }
    }
}

/// The cloud's sign-in chain ([`sign_in_order`]): PATUI_ACCESS_TOKEN, the refresh token cached in
/// `vault`, the Azure CLI (`PATUI_AZ` names the program), the device code flow. The authority is
/// `--authority` / PATUI_AUTHORITY, else the config's, else Entra's; the tenant is `tenant` (a
/// discovered one), else the config's, else `organizations`.
pub fn sign_in_chain(
    args: &GlobalArgs,
    config: &Config,
    vault: &Result<Vault, String>,
    purpose: Purpose,
    tenant: Option<String>,
) -> Result<SignIn, SetupError> {
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
    let entra = crate::auth::Entra::new(&authority, &tenant, &client_id)
        .map_err(|e| SetupError::Usage(e.to_string()))?;
    let store: Option<Arc<dyn RefreshTokenStore>> = vault
        .as_ref()
        .ok()
        .map(|v| Arc::new(v.clone()) as Arc<dyn RefreshTokenStore>);
    Ok(SignIn::new(SignInOptions {
        order: sign_in_order(config, purpose),
        env_token: env_access_token(),
        entra,
        store,
        az: std::env::var("PATUI_AZ").unwrap_or_else(|_| "az".to_owned()),
    }))
}

/// Where to ask for the organization's tenant: the organization (`--org`, else the config's
/// `default_org`) under `--service-url`, else under the cloud's organizations' host.
fn tenant_question(args: &GlobalArgs, config: &Config) -> Option<(Url, String)> {
    let org = args.org.clone().or_else(|| config.default_org.clone())?;
    let base = args.service_url.as_deref().unwrap_or(DEFAULT_ORG_HOST);
    let url = crate::azure::client::parse_base(base).ok()?;
    Some((url, org))
}

/// The Entra tenant behind the organization, as the service names it; `None` when no
/// organization is known or the service did not say.
pub async fn discover_tenant(args: &GlobalArgs, config: &Config) -> Option<String> {
    let (url, org) = tenant_question(args, config)?;
    crate::auth::tenant::discover(&url, &org).await
}

/// [`discover_tenant`] in the background (never on the start-up path): the tenant found is given
/// to `chain`, and a device code sign-in started later uses it.
fn discover_tenant_later(args: &GlobalArgs, config: &Config, chain: &Arc<SignIn>) {
    let Some((url, org)) = tenant_question(args, config) else {
        return;
    };
    let chain = Arc::clone(chain);
    tokio::spawn(async move {
        if let Some(t) = crate::auth::tenant::discover(&url, &org).await {
            tracing::info!(tenant = %t, "tenant discovered");
            chain.set_tenant(&t);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Azure DevOps Server / TFS.
// ---------------------------------------------------------------------------------------------

/// A server backend and what goes with it.
pub struct Server {
    pub client: Arc<ServerClient>,
    /// The sign-in source, which the TUI's sign-in screen can give a PAT.
    pub pat: Arc<ServerPat>,
    /// This server's keyring entries (tokens, index, sign-in).
    pub vault: Result<Vault, String>,
    /// The URL as given.
    pub url: String,
    /// The collection the URL names.
    pub collection: Option<String>,
    /// The demo's simulator, kept alive as long as this ([`wire`] moves it to
    /// [`Wired::demo_sim`]).
    pub demo: Option<sim::SimHandle>,
}

/// The server to use, if any: `--server` / PATUI_SERVER_URL, else the config's `server`.
pub fn server_url(args: &GlobalArgs, config: &Config) -> Option<String> {
    args.server
        .clone()
        .or_else(|| config.server.clone())
        .filter(|s| !s.trim().is_empty())
}

/// Set to `0` to never try Kerberos with a server (a ticket for another realm, a broken
/// library).
pub const KERBEROS_ENV: &str = "PATUI_KERBEROS";

/// Whether Kerberos may be tried (`PATUI_KERBEROS` is not `0`/`off`/`false`).
pub fn kerberos_enabled() -> bool {
    !matches!(
        std::env::var(KERBEROS_ENV).as_deref().map(str::trim),
        Ok("0" | "off" | "false" | "no")
    )
}

/// The CA file: `--ca-file` / PATUI_CA_FILE, else the config's.
pub fn ca_file(args: &GlobalArgs, config: &Config) -> Option<PathBuf> {
    args.ca_file.clone().or_else(|| config.ca_file.clone())
}

/// The server a run is for: the demo server (`--demo --server-version`), the one
/// [`server_url`] names, or none (the cloud). `vault` is the keyring patui uses.
pub async fn server_for(
    args: &GlobalArgs,
    config: &Config,
    vault: &Result<Vault, String>,
) -> Result<Option<Server>, SetupError> {
    if let Some(v) = &args.server_version {
        if !args.demo {
            return Err(SetupError::Usage(
                "--server-version is for --demo and `patui sim`; for a real server use --server URL"
                    .into(),
            ));
        }
        return demo_server(v).await.map(Some);
    }
    if args.demo {
        return Ok(None);
    }
    match server_url(args, config) {
        None => Ok(None),
        Some(url) => server(
            &url,
            vault,
            ca_file(args, config),
            config.kerberos && kerberos_enabled(),
        )
        .map(Some),
    }
}

/// The server backend for `url`. `base_vault` is the keyring patui uses; the server's entries
/// live beside the cloud's under their own service name.
pub fn server(
    url: &str,
    base_vault: &Result<Vault, String>,
    ca_file: Option<PathBuf>,
    kerberos: bool,
) -> Result<Server, SetupError> {
    let parsed = ServerUrl::parse(url).map_err(|e| SetupError::Usage(e.to_string()))?;
    let vault = base_vault
        .as_ref()
        .map(|v| v.for_server(&parsed.host()))
        .map_err(Clone::clone);
    let mut sign_in_token = None;
    let pat = match env_server_pat() {
        Some(p) => Some((p, PatOrigin::Env)),
        None => match vault.as_ref().map(Vault::load_server_sign_in) {
            Ok(Ok(Some(s))) => {
                sign_in_token = s.id;
                Some((s.pat, PatOrigin::Keyring))
            }
            Ok(Ok(None)) => None,
            Ok(Err(e)) => {
                tracing::warn!("cannot read the server sign-in from the keyring: {e}");
                None
            }
            Err(_) => None,
        },
    };
    let windows = windows_account(&vault);
    let credentials = Credentials {
        pat,
        sign_in_token,
        windows: Some((kerberos, windows)),
    };
    build(url, parsed, vault, credentials, ca_file, None)
        .map_err(|e| SetupError::Usage(e.to_string()))
}

/// The Windows account kept for a server, if one is (a broken entry is reported and ignored).
fn windows_account(vault: &Result<Vault, String>) -> Option<NtlmAccount> {
    let stored = match vault.as_ref().map(Vault::load_windows_account) {
        Ok(Ok(a)) => a?,
        Ok(Err(e)) => {
            tracing::warn!("cannot read the Windows account from the keyring: {e}");
            return None;
        }
        Err(_) => return None,
    };
    match NtlmAccount::parse(&stored.account, stored.password) {
        Ok(a) => Some(a),
        Err(e) => {
            tracing::warn!("the stored Windows account is not usable: {e}");
            None
        }
    }
}

/// What a server is signed in with.
struct Credentials {
    pat: Option<(Secret, PatOrigin)>,
    /// Which token the PAT is, when known.
    sign_in_token: Option<uuid::Uuid>,
    /// `Some` for Windows sign-in first (whether to try Kerberos, and the stored NTLM account if
    /// any); `None` for the PAT only.
    windows: Option<(bool, Option<NtlmAccount>)>,
}

fn build(
    url: &str,
    parsed: ServerUrl,
    vault: Result<Vault, String>,
    credentials: Credentials,
    ca_file: Option<PathBuf>,
    demo: Option<sim::SimHandle>,
) -> Result<Server, ApiError> {
    let Credentials {
        pat,
        sign_in_token,
        windows,
    } = credentials;
    let source = Arc::new(ServerPat::new(url, pat));
    let mut opts = ServerOptions::new(url);
    opts.sign_in_token = sign_in_token;
    opts.ca_file = ca_file;
    // A real server: Windows sign-in first when it offers it (`windows` holds the stored NTLM
    // account, if any). The demo signs in with its PAT only.
    if let Some((kerberos, ntlm)) = windows {
        opts.sign_in = ServerSignIn::Windows { kerberos };
        opts.ntlm = ntlm;
    }
    let client = ServerClient::with_pat(opts, Arc::clone(&source))?;
    // A stored Windows password the server refuses is forgotten at once: sent again by every
    // later run, a stale password would lock the account.
    if let (Some(w), Ok(v)) = (client.windows_sign_in(), &vault) {
        let v = v.clone();
        w.on_ntlm_refused(Box::new(move || {
            // The keyring's client may not block inside the async runtime: its own thread.
            let done = std::thread::spawn(move || v.delete_windows_account()).join();
            if !matches!(done, Ok(Ok(()))) {
                tracing::warn!("cannot remove the refused Windows password from the keyring");
            }
        }));
    }
    Ok(Server {
        client: Arc::new(client),
        pat: source,
        vault,
        url: url.to_owned(),
        collection: parsed.collection,
        demo,
    })
}

/// The demo server: the simulator in-process as Azure DevOps Server / TFS of `version`,
/// signed in with its seeded PAT, with an in-memory keyring.
pub async fn demo_server(version: &str) -> Result<Server, SetupError> {
    let v = sim::server::ServerVersion::parse(version).ok_or_else(|| {
        SetupError::Usage(format!(
            "--server-version {version:?}: use 2017, 2018, 2019, 2020 or 2022"
        ))
    })?;
    let opts = sim::SimOptions {
        server_version: Some(v),
        ..sim::demo_options()
    };
    let handle = sim::start(([127, 0, 0, 1], 0).into(), opts)
        .await
        .map_err(|e| SetupError::Failed(format!("cannot start the demo server: {e}")))?;
    let url = format!(
        "{}/{}/{}",
        handle.base_url,
        sim::server::VIRTUAL_DIR,
        sim::server::COLLECTIONS[0]
    );
    let parsed = ServerUrl::parse(&url).map_err(|e| SetupError::Failed(e.to_string()))?;
    let vault = Vault::memory()
        .map(|v| v.for_server(&parsed.host()))
        .map_err(|e| e.to_string());
    let pat = Some((Secret::from(sim::server::SIGN_IN_PAT), PatOrigin::Typed));
    let own = handle.shared.server.lock().ok().and_then(|s| {
        s.tokens()
            .into_iter()
            .find(|(_, name, _)| name == sim::server::SIGN_IN_PAT_NAME)
            .map(|(id, _, _)| id)
    });
    let credentials = Credentials {
        pat,
        sign_in_token: own,
        windows: None,
    };
    build(&url, parsed, vault, credentials, None, Some(handle))
        .map_err(|e| SetupError::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(sign_in: &[SourceKind]) -> Config {
        Config {
            sign_in: sign_in.to_vec(),
            ..Config::default()
        }
    }

    /// The TUI takes the configured order as it is; a command never gets the device code flow,
    /// and falls back to the silent default when nothing else is left.
    #[test]
    fn sign_in_order_per_purpose() {
        use SourceKind::*;
        assert_eq!(
            sign_in_order(&config(&[]), Purpose::Tui),
            SourceKind::DEFAULT_ORDER
        );
        assert_eq!(
            sign_in_order(&config(&[]), Purpose::Command),
            [Env, Keyring, AzureCli]
        );
        assert_eq!(
            sign_in_order(&config(&[DeviceCode, AzureCli]), Purpose::Tui),
            [DeviceCode, AzureCli]
        );
        assert_eq!(
            sign_in_order(&config(&[DeviceCode, AzureCli]), Purpose::Command),
            [AzureCli]
        );
        assert_eq!(
            sign_in_order(&config(&[DeviceCode]), Purpose::Command),
            [Env, Keyring, AzureCli]
        );
    }
}
