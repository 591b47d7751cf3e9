//! `patui login` and `patui logout`. In the cloud, login runs the device code flow on stderr and
//! keeps the refresh token in the keyring, which every later run (TUI and commands) uses
//! silently; logout forgets it. With a server (`--server`, PATUI_SERVER_URL or the config's
//! `server`), both work on that server's PAT instead ([`super::server_login`]).

use super::{EXIT_AUTH, EXIT_ERROR, EXIT_OK, EXIT_USAGE};
use crate::cli::{GlobalArgs, LoginArgs, LogoutArgs};
use crate::config::Config;
use crate::setup::{self, Purpose};
use crate::vault::Vault;

/// `patui login`. `vault` is the keyring of the run ([`setup::open_vault`]).
pub async fn login(
    args: &GlobalArgs,
    login: &LoginArgs,
    config: &Config,
    vault: &Result<Vault, String>,
) -> u8 {
    if let Some(url) = setup::server_url(args, config) {
        if login.windows {
            return super::server_login::login_windows(
                &url,
                login.user.as_deref(),
                vault,
                setup::ca_file(args, config),
            )
            .await;
        }
        return super::server_login::login(&url, vault, setup::ca_file(args, config)).await;
    }
    if login.windows {
        crate::eprintln_safe!(
            "patui: --windows is for Azure DevOps Server and TFS: add --server URL"
        );
        return EXIT_USAGE;
    }
    if let Err(e) = vault {
        crate::eprintln_safe!("patui: no keyring to keep the sign-in in: {e}");
        return EXIT_ERROR;
    }
    // The organization's tenant, when it can be discovered.
    let tenant = setup::discover_tenant(args, config).await;
    // The device code flow is run here, not by the chain: the chain only keeps its result.
    let chain = match setup::sign_in_chain(args, config, vault, Purpose::Tui, tenant) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return EXIT_USAGE;
        }
    };
    let tenant = chain.entra().tenant().to_owned();
    let r = chain
        .device_code_sign_in(|code| {
            crate::eprintln_safe!(
                "To sign in, open {} and enter the code {} (tenant {tenant}).",
                code.verification_uri,
                code.user_code,
            );
        })
        .await;
    match r {
        Ok(()) => {
            crate::eprintln_safe!("Signed in; the sign-in is kept in the keyring.");
            EXIT_OK
        }
        Err(e @ crate::auth::source::DeviceCodeError::NotKept(_)) => {
            crate::eprintln_safe!("patui: {e}");
            EXIT_ERROR
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            EXIT_AUTH
        }
    }
}

/// `patui logout`: forgets the cached sign-in (on a server, its PAT).
pub async fn logout(
    args: &GlobalArgs,
    logout: &LogoutArgs,
    config: &Config,
    vault: &Result<Vault, String>,
) -> u8 {
    if let Some(url) = setup::server_url(args, config) {
        return super::server_login::logout(&url, vault, logout.windows);
    }
    if logout.windows {
        crate::eprintln_safe!(
            "patui: --windows is for Azure DevOps Server and TFS: add --server URL"
        );
        return EXIT_USAGE;
    }
    let forgotten = match vault {
        Ok(v) => v
            .run(|v| v.delete_refresh_token())
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };
    match forgotten {
        Ok(()) => {
            crate::eprintln_safe!(
                "Signed out: the cached sign-in was removed from the keyring. (The Azure CLI and PATUI_ACCESS_TOKEN, if you use them, are not affected: `az logout` signs out there.)"
            );
            EXIT_OK
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            EXIT_ERROR
        }
    }
}
