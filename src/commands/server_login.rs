//! `patui login --server URL` and `patui logout --server URL`: the PAT patui signs in to an Azure
//! DevOps Server / TFS with. It is read with hidden input from the terminal (or from stdin when
//! stdin is not a terminal, never from argv), checked against the server, and kept in the OS
//! keyring under that server. patui also notes which of the user's tokens it is, so that
//! revoke-all can revoke it last.

use crate::auth::server_pat::{PatOrigin, ServerPat, sign_in_hint};
use crate::auth::windows::Method;
use crate::auth::windows::ntlm::NtlmAccount;
use crate::azure::PatToken;
use crate::azure::models::{DisplayFilter, FULL_ACCESS_SCOPE, ListQuery};
use crate::azure::server::{ServerClient, ServerOptions, ServerUrl};
use crate::secret::Secret;
use crate::vault::{ServerSignIn, Vault, WindowsAccount};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;

/// The server `url` names and its keyring, or the exit code after saying why not. `what` is
/// what the keyring would keep.
fn server_vault(
    url: &str,
    base_vault: &Result<Vault, String>,
    what: &str,
) -> Result<(ServerUrl, Vault), u8> {
    let parsed = ServerUrl::parse(url).map_err(|e| {
        crate::eprintln_safe!("patui: {e}");
        super::EXIT_USAGE
    })?;
    match base_vault {
        Ok(v) => {
            let vault = v.for_server(&parsed.host());
            Ok((parsed, vault))
        }
        Err(e) => {
            crate::eprintln_safe!("patui: no keyring to keep {what} in: {e}");
            Err(super::EXIT_ERROR)
        }
    }
}

/// `patui login --server URL`.
pub async fn login(url: &str, base_vault: &Result<Vault, String>, ca_file: Option<PathBuf>) -> u8 {
    let (parsed, vault) = match server_vault(url, base_vault, "the PAT") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        crate::eprintln_safe!(
            "In the web page of {url} (your profile → Security → Personal access tokens), create a token with the scope \"Delegated Authorization Tokens\" (vso.tokens) or full access."
        );
    }
    let pat = match read_pat(interactive) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => {
            crate::eprintln_safe!("patui: no PAT given: nothing changed");
            return super::EXIT_USAGE;
        }
        Err(e) => {
            crate::eprintln_safe!("patui: cannot read the PAT: {e}");
            return super::EXIT_ERROR;
        }
    };
    let source = Arc::new(ServerPat::new(url, Some((pat.clone(), PatOrigin::Typed))));
    let mut opts = ServerOptions::new(url);
    opts.ca_file = ca_file;
    let client = match ServerClient::new(opts, source) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return super::EXIT_USAGE;
        }
    };
    let info = match client.probe().await {
        Ok(i) => i.clone(),
        Err(e) if e.is_auth() => {
            crate::eprintln_safe!(
                "patui: the server refused this PAT ({e}); {}",
                sign_in_hint(url)
            );
            return super::EXIT_AUTH;
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return super::Failure::from(e).code;
        }
    };
    let org = parsed.collection.clone().unwrap_or_default();
    let id = match crate::azure::list_all(
        &client,
        &org,
        ListQuery {
            filter: DisplayFilter::Active,
            ..ListQuery::default()
        },
        |_| {},
    )
    .await
    {
        Ok(tokens) => which_token(&tokens, interactive),
        Err(e) if e.is_auth() || matches!(e, crate::azure::ApiError::Forbidden(_)) => {
            crate::eprintln_safe!(
                "patui: this PAT may sign in but not manage tokens ({e}): it needs the scope \"Delegated Authorization Tokens\" (vso.tokens) or full access"
            );
            return super::EXIT_AUTH;
        }
        Err(e) => {
            tracing::warn!("cannot list tokens to find the sign-in token: {e}");
            None
        }
    };
    let entry = ServerSignIn { pat, id };
    match vault.run(move |v| v.store_server_sign_in(&entry)).await {
        Ok(()) => {
            crate::eprintln_safe!(
                "Signed in to {} ({}) as {}; the PAT is kept in the keyring.",
                url,
                info.product.name(),
                info.user
            );
            super::EXIT_OK
        }
        Err(e) => {
            crate::eprintln_safe!("patui: the keyring refused the PAT: {e}");
            super::EXIT_ERROR
        }
    }
}

/// `patui logout --server URL`: forgets the PAT and the Windows account, or with `windows_only`
/// the Windows account alone.
pub fn logout(url: &str, base_vault: &Result<Vault, String>, windows_only: bool) -> u8 {
    let host = match ServerUrl::parse(url) {
        Ok(p) => p.host(),
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return super::EXIT_USAGE;
        }
    };
    let vault = match base_vault {
        Ok(v) => v.for_server(&host),
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return super::EXIT_ERROR;
        }
    };
    if let Err(e) = vault.delete_windows_account() {
        crate::eprintln_safe!("patui: {e}");
        return super::EXIT_ERROR;
    }
    if windows_only {
        crate::eprintln_safe!("The Windows account for {url} was removed from the keyring.");
        return super::EXIT_OK;
    }
    match vault.delete_server_sign_in() {
        Ok(()) => {
            crate::eprintln_safe!(
                "Signed out of {url}: its PAT and Windows account were removed from the keyring. (The token itself still works until it expires: revoke it in patui or in the web page if you no longer need it.)"
            );
            super::EXIT_OK
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            super::EXIT_ERROR
        }
    }
}

/// `patui login --server URL --windows`: a Windows account for NTLM, checked against the server
/// before anything is stored.
pub async fn login_windows(
    url: &str,
    user: Option<&str>,
    base_vault: &Result<Vault, String>,
    ca_file: Option<PathBuf>,
) -> u8 {
    let (_, vault) = match server_vault(url, base_vault, "the password") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let interactive = std::io::stdin().is_terminal();
    let account = match user {
        Some(u) => u.trim().to_owned(),
        None if interactive => {
            eprint!("Windows account (DOMAIN\\user or user@domain): ");
            let mut line = String::new();
            if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
                crate::eprintln_safe!("patui: cannot read the account: {e}");
                return super::EXIT_ERROR;
            }
            line.trim().to_owned()
        }
        None => {
            crate::eprintln_safe!(
                "patui: give the Windows account with --user DOMAIN\\user (the password is read from stdin)"
            );
            return super::EXIT_USAGE;
        }
    };
    let password = match if interactive {
        read_hidden(&format!("Password of {account} (input hidden): "))
    } else {
        read_pat(false)
    } {
        Ok(p) => p,
        Err(e) => {
            crate::eprintln_safe!("patui: cannot read the password: {e}");
            return super::EXIT_ERROR;
        }
    };
    let ntlm = match NtlmAccount::parse(&account, password.clone()) {
        Ok(a) => a,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}: nothing was stored");
            return super::EXIT_USAGE;
        }
    };
    let mut opts = ServerOptions::new(url);
    opts.ca_file = ca_file;
    opts.sign_in = crate::azure::server::ServerSignIn::Windows { kerberos: false };
    opts.ntlm = Some(ntlm);
    let client = match ServerClient::new(opts, Arc::new(ServerPat::new(url, None))) {
        Ok(c) => c,
        Err(e) => {
            crate::eprintln_safe!("patui: {e}");
            return super::EXIT_USAGE;
        }
    };
    let probed = client.probe().await.cloned();
    let status = client
        .windows_sign_in()
        .map(|w| w.status())
        .unwrap_or_default();
    let info = match probed {
        Ok(i) if status.in_use == Some(Method::Ntlm) => i,
        Ok(_) | Err(crate::azure::ApiError::Auth { .. }) => {
            let why = status
                .skipped
                .iter()
                .find(|(m, _)| *m == Method::Ntlm)
                .map(|(_, why)| why.clone())
                .unwrap_or_else(|| {
                    "the server offers no Windows sign-in (Negotiate or NTLM)".to_owned()
                });
            crate::eprintln_safe!("patui: {why}: nothing was stored");
            return super::EXIT_AUTH;
        }
        Err(e) => {
            crate::eprintln_safe!("patui: {e}: nothing was stored");
            return super::Failure::from(e).code;
        }
    };
    let entry = WindowsAccount { account, password };
    match vault.run(move |v| v.store_windows_account(&entry)).await {
        Ok(()) => {
            crate::eprintln_safe!(
                "Signed in to {} ({}) as {} with NTLM; the password is kept in the keyring. patui can now create tokens on this server.",
                url,
                info.product.name(),
                info.user
            );
            super::EXIT_OK
        }
        Err(e) => {
            crate::eprintln_safe!("patui: the keyring refused the password: {e}");
            super::EXIT_ERROR
        }
    }
}

/// The PAT: hidden input on a terminal, else the first line of stdin.
fn read_pat(interactive: bool) -> std::io::Result<Secret> {
    if interactive {
        return read_hidden("PAT (input hidden): ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pat = Secret::new(line.trim().to_owned());
    zeroize::Zeroize::zeroize(&mut line);
    Ok(pat)
}

/// Reads a line from the terminal without echoing it (raw mode, restored on every path).
pub fn read_hidden(prompt: &str) -> std::io::Result<Secret> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let mut typed = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        "cancelled",
                    ));
                }
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) => typed.push(c),
                _ => {}
            },
            Ok(Event::Paste(p)) => typed.push_str(&p),
            Ok(_) => {}
            Err(e) => break Err(e),
        }
    };
    let restored = crossterm::terminal::disable_raw_mode();
    let _ = writeln!(err);
    let pat = Secret::new(typed.trim().to_owned());
    zeroize::Zeroize::zeroize(&mut typed);
    result.and(restored).map(|()| pat)
}

/// The tokens that may be the one patui signs in with: active and able to manage tokens.
pub fn sign_in_candidates(tokens: &[PatToken]) -> Vec<&PatToken> {
    tokens
        .iter()
        .filter(|t| {
            t.scopes()
                .any(|s| s == FULL_ACCESS_SCOPE || s.eq_ignore_ascii_case("vso.tokens"))
        })
        .collect()
}

/// Which token the PAT is: the only candidate, or the user's pick on a terminal.
fn which_token(tokens: &[PatToken], interactive: bool) -> Option<Uuid> {
    let candidates = sign_in_candidates(tokens);
    match candidates.as_slice() {
        [] => None,
        [one] => Some(one.authorization_id),
        many if interactive => {
            crate::eprintln_safe!("Which of your tokens is this PAT? (revoke-all revokes it last)");
            for (i, t) in many.iter().enumerate() {
                crate::eprintln_safe!(
                    "  {}. {}  (expires {})",
                    i + 1,
                    t.display_name,
                    t.valid_to.date_naive()
                );
            }
            crate::eprintln_safe!("Number, or enter if you do not know: ");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).ok()?;
            let n: usize = line.trim().parse().ok()?;
            many.get(n.checked_sub(1)?).map(|t| t.authorization_id)
        }
        _ => None,
    }
}
