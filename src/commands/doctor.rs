//! `patui doctor`: config and log paths, the keyring self-check, which sign-in source works, and
//! whether the service answers. Each check says what to do when it fails.

use super::{EXIT_ERROR, EXIT_OK, Failure, print_json, print_text};
use crate::azure::PatBackend;
use serde::Serialize;

/// One check.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// Runs the checks.
pub async fn run(
    config: Result<std::path::PathBuf, String>,
    vault: &Result<crate::vault::Vault, String>,
    sign_in: String,
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
    checks.push(Check {
        name: "sign-in",
        ok: true,
        detail: sign_in,
    });
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
