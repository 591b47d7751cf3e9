//! Builds what the TUI and the commands both need from arguments, environment and config, in
//! one place: for Azure DevOps Server / TFS, the server backend with its own keyring entries and
//! its PAT sign-in (the environment's PAT first, then the one kept by `patui login --server`),
//! and the demo server. (The cloud's wiring is still in `launch.rs`.)

use crate::auth::server_pat::{PatOrigin, ServerPat, env_server_pat};
use crate::azure::server::{ServerClient, ServerOptions, ServerUrl};
use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::secret::Secret;
use crate::sim;
use crate::vault::Vault;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The demo's simulator, kept alive as long as this.
    pub demo: Option<sim::SimHandle>,
}

/// The server to use, if any: `--server` / PATUI_SERVER_URL, else the config's `server`.
pub fn server_url(args: &GlobalArgs, config: &Config) -> Option<String> {
    args.server
        .clone()
        .or_else(|| config.server.clone())
        .filter(|s| !s.trim().is_empty())
}

/// The CA file: `--ca-file` / PATUI_CA_FILE, else the config's.
pub fn ca_file(args: &GlobalArgs, config: &Config) -> Option<PathBuf> {
    args.ca_file.clone().or_else(|| config.ca_file.clone())
}

/// The server backend for `url`. `base_vault` is the keyring patui uses; the server's entries
/// live beside the cloud's under their own service name.
pub fn server(
    url: &str,
    base_vault: &Result<Vault, String>,
    ca_file: Option<PathBuf>,
) -> Result<Server, String> {
    let parsed = ServerUrl::parse(url).map_err(|e| e.to_string())?;
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
    build(url, parsed, vault, pat, sign_in_token, ca_file, None)
}

fn build(
    url: &str,
    parsed: ServerUrl,
    vault: Result<Vault, String>,
    pat: Option<(Secret, PatOrigin)>,
    sign_in_token: Option<uuid::Uuid>,
    ca_file: Option<PathBuf>,
    demo: Option<sim::SimHandle>,
) -> Result<Server, String> {
    let source = Arc::new(ServerPat::new(url, pat));
    let mut opts = ServerOptions::new(url);
    opts.sign_in_token = sign_in_token;
    opts.ca_file = ca_file;
    let client = ServerClient::with_pat(opts, Arc::clone(&source)).map_err(|e| e.to_string())?;
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
pub async fn demo_server(version: &str) -> Result<Server, String> {
    let v = sim::server::ServerVersion::parse(version).ok_or_else(|| {
        format!("--server-version {version:?}: use 2017, 2018, 2019, 2020 or 2022")
    })?;
    let opts = sim::SimOptions {
        server_version: Some(v),
        ..sim::demo_options()
    };
    let handle = sim::start(([127, 0, 0, 1], 0).into(), opts)
        .await
        .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let url = format!(
        "{}/{}/{}",
        handle.base_url,
        sim::server::VIRTUAL_DIR,
        sim::server::COLLECTIONS[0]
    );
    let parsed = ServerUrl::parse(&url).map_err(|e| e.to_string())?;
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
    build(&url, parsed, vault, pat, own, None, Some(handle))
}
