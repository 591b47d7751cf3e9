//! `patui doctor`: config and log paths, the keyring self-check, which sign-in source works, and
//! whether the service answers. Each check says what to do when it fails.

use super::{EXIT_ERROR, EXIT_OK, Failure, print_json, print_text};
use crate::azure::{AccessTokenSource, PatBackend};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One check.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// What signs patui in, for the "sign-in" check.
pub enum SignInSource {
    /// The cloud's sign-in chain: it is asked for a token, and the source that gave one is named
    /// (the check fails, saying what to do, when none does).
    Chain(Arc<crate::auth::SignIn>),
    /// A sign-in that is described, not asked: the demo's fixed token, a server's PAT (the
    /// "service" check then tries it).
    Described(String),
}

/// The "sign-in" check: the source actually in use.
pub async fn sign_in_check(source: &SignInSource) -> Check {
    match source {
        SignInSource::Described(d) => Check {
            name: "sign-in",
            ok: true,
            detail: d.clone(),
        },
        SignInSource::Chain(chain) => match chain.access_token().await {
            Ok(_) => {
                let used = chain
                    .current_source()
                    .await
                    .map_or("a source of the chain", |k| k.label());
                Check {
                    name: "sign-in",
                    ok: true,
                    detail: format!("signed in with {used} ({})", chain.describe()),
                }
            }
            // The chain's answer names each source that failed and what to do.
            Err(e) => Check {
                name: "sign-in",
                ok: false,
                detail: match e {
                    crate::azure::ApiError::Auth { detail, .. } => detail,
                    other => other.to_string(),
                },
            },
        },
    }
}

/// The config file doctor reports: `explicit` (`--config`, PATUI_CONFIG), else the default path,
/// and whether it loads.
pub fn config_file(explicit: Option<&Path>) -> Result<PathBuf, String> {
    let path = explicit
        .map(Path::to_path_buf)
        .or_else(crate::config::config_path)
        .ok_or_else(|| "no config directory".to_owned())?;
    crate::config::Config::load(Some(&path))
        .map(|_| path)
        .map_err(|e| e.to_string())
}

/// Runs the checks.
pub async fn run(
    config: Result<PathBuf, String>,
    vault: &Result<crate::vault::Vault, String>,
    sign_in: &SignInSource,
    backend: &dyn PatBackend,
    org: Option<String>,
    json: bool,
    repairs: Vec<Check>,
) -> Result<u8, Failure> {
    let mut checks = vec![Check {
        name: "version",
        ok: true,
        detail: format!(
            "{} on {}-{}",
            crate::cli::LONG_VERSION,
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
    }];
    checks.push(match config {
        Ok(p) => Check {
            name: "config",
            ok: true,
            detail: format!(
                "{} ({})",
                p.display(),
                if p.exists() {
                    "found"
                } else {
                    "not present: defaults"
                }
            ),
        },
        Err(e) => Check {
            name: "config",
            ok: false,
            detail: e,
        },
    });
    let (hardened, detail) = crate::hardening::describe();
    checks.push(Check {
        name: "core dumps",
        ok: hardened,
        detail,
    });
    checks.push(Check {
        name: "log file",
        ok: true,
        detail: crate::logging::log_path().map_or("none".into(), |p| p.display().to_string()),
    });
    checks.push(match vault {
        Ok(v) => {
            let v2 = v.clone();
            match v2.run(|v| v.self_check()).await {
                Ok(()) => Check {
                    name: "keyring",
                    ok: true,
                    detail: format!("{}: write, read and delete work", v.describe()),
                },
                Err(e) => Check {
                    name: "keyring",
                    ok: false,
                    detail: format!("{}: {e}", v.describe()),
                },
            }
        }
        Err(e) => Check {
            name: "keyring",
            ok: false,
            detail: e.clone(),
        },
    });
    if let Some(h) = crate::clipboard::osc52_hint() {
        checks.push(Check {
            name: "clipboard",
            ok: true,
            detail: h,
        });
    }
    checks.push(sign_in_check(sign_in).await);
    checks.push(match backend.profile().await {
        Ok(p) => Check {
            name: "service",
            ok: true,
            detail: format!(
                "signed in as {} ({})",
                p.display_name,
                p.email_address.unwrap_or_default()
            ),
        },
        Err(e) => Check {
            name: "service",
            ok: false,
            detail: e.to_string(),
        },
    });
    // A server: how the service check signed in (Kerberos, NTLM or the PAT) and why Windows
    // sign-in was not used.
    if let Some(summary) = backend.sign_in_summary() {
        checks.push(Check {
            name: "server auth",
            ok: true,
            detail: summary,
        });
    }
    if let Some(o) = org {
        checks.push(
            match backend.list_page(&o, Default::default(), None).await {
                Ok(p) => Check {
                    name: "organization",
                    ok: true,
                    detail: format!(
                        "{o}: tokens API answers ({} active on the first page)",
                        p.pat_tokens.len()
                    ),
                },
                Err(e) => Check {
                    name: "organization",
                    ok: false,
                    detail: format!("{o}: {e}"),
                },
            },
        );
    }
    checks.extend(repairs);
    let all_ok = checks.iter().all(|c| c.ok);
    if json {
        print_json(&checks)?;
    } else {
        let mut s = String::new();
        for c in &checks {
            s.push_str(&format!(
                "{} {:<13} {}\n",
                if c.ok { "✓" } else { "✗" },
                c.name,
                c.detail
            ));
        }
        print_text(&s)?;
    }
    Ok(if all_ok { EXIT_OK } else { EXIT_ERROR })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Entra, SignIn, SignInOptions, SourceKind, entra::DEFAULT_CLIENT_ID};

    /// A chain of the environment's token only (nothing is sent: the authority is never asked).
    fn chain(env_token: Option<&str>) -> SignInSource {
        let entra = Entra::new("http://127.0.0.1:1/", "organizations", DEFAULT_CLIENT_ID).unwrap();
        SignInSource::Chain(Arc::new(SignIn::new(SignInOptions {
            order: vec![SourceKind::Env],
            env_token: env_token.map(crate::secret::Secret::from),
            entra,
            store: None,
            az: "az".into(),
        })))
    }

    /// The check names the source that gave a token, and fails with what to do when none does.
    #[tokio::test]
    async fn the_sign_in_check_names_the_source_in_use() {
        let c = sign_in_check(&chain(Some("token"))).await;
        assert!(c.ok, "{c:?}");
        assert!(
            c.detail.starts_with("signed in with PATUI_ACCESS_TOKEN"),
            "{c:?}"
        );
        let c = sign_in_check(&chain(None)).await;
        assert!(!c.ok, "{c:?}");
        assert!(
            c.detail.contains("patui login") && c.detail.contains("az login"),
            "{c:?}"
        );
        let c = sign_in_check(&SignInSource::Described("demo simulator".into())).await;
        assert!(c.ok && c.detail == "demo simulator", "{c:?}");
    }
}
