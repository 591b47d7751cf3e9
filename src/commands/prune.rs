//! Keeping the keyring in step with the service (`patui prune`, `patui doctor --fix`): stored
//! values whose token is revoked, expired, retired or gone are forgotten, so nothing (git's
//! helper included) hands out a dead token; and the mint journal's orphans (tokens minted whose
//! values were lost) are revoked, interrupted revocations finished.

use super::{Ctx, EXIT_OK, EXIT_PARTIAL, Failure, print_json, print_text};
use crate::cli::PruneArgs;
use crate::ops::attention::{self, DeadStored};
use crate::ops::inventory::{self, StatusView};
use crate::vault::TokenMeta;
use chrono::Utc;
use std::io::IsTerminal;

impl Ctx {
    /// The stored values whose tokens no longer work, judged against a complete listing of
    /// every organization they belong to (an organization that does not answer is skipped).
    pub(crate) async fn dead_stored(&self) -> Result<Vec<DeadStored>, Failure> {
        let Ok(vault) = &self.vault else {
            return Ok(Vec::new());
        };
        let stored: Vec<TokenMeta> = vault.run(|v| v.list()).await.map_err(|e| Failure {
            code: super::EXIT_ERROR,
            message: e.to_string(),
        })?;
        if stored.is_empty() {
            return Ok(Vec::new());
        }
        let mut orgs: Vec<String> = Vec::new();
        for m in stored.iter().filter(|m| !m.global) {
            if !orgs.iter().any(|o| o.eq_ignore_ascii_case(&m.org)) {
                orgs.push(m.org.clone());
            }
        }
        if orgs.is_empty() {
            // Only global tokens: any organization lists them.
            orgs.extend(
                self.org()
                    .ok()
                    .or_else(|| stored.first().map(|m| m.org.clone())),
            );
        }
        let mut dead = Vec::new();
        for org in &orgs {
            let entries = match inventory::load(
                self.backend.as_ref(),
                std::slice::from_ref(org),
                StatusView::All,
                |_, _| {},
            )
            .await
            {
                Ok(e) => e,
                Err(e) if e.is_auth() => return Err(e.into()),
                Err(e) => {
                    crate::eprintln_safe!("patui: {org} not checked: {e}");
                    continue;
                }
            };
            let mine = attention::stored_in(&stored, std::slice::from_ref(org));
            for d in attention::assess(&entries, &mine, Utc::now(), 0).dead_stored {
                if !dead.iter().any(|x: &DeadStored| x.meta.id == d.meta.id) {
                    dead.push(d);
                }
            }
        }
        Ok(dead)
    }

    /// Forgets `dead` values; returns the ones that failed.
    pub(crate) async fn forget(&self, dead: &[DeadStored]) -> Vec<(DeadStored, String)> {
        let Ok(vault) = &self.vault else {
            return Vec::new();
        };
        let mut failed = Vec::new();
        for d in dead {
            let id = d.meta.id;
            if let Err(e) = vault.run(move |v| v.delete(id)).await {
                failed.push((d.clone(), e.to_string()));
            }
        }
        failed
    }

    /// `patui prune`.
    pub async fn prune(&self, args: &PruneArgs) -> Result<u8, Failure> {
        let dead = self.dead_stored().await?;
        if dead.is_empty() {
            if args.json {
                print_json(&serde_json::json!({"forgotten": [], "failed": []}))?;
            } else if std::io::stderr().is_terminal() {
                crate::eprintln_safe!("patui: every stored token still works");
            }
            return Ok(EXIT_OK);
        }
        if !args.yes {
            confirm(&dead)?;
        }
        let failed = self.forget(&dead).await;
        let item = |d: &DeadStored| {
            serde_json::json!({"id": d.meta.id, "name": d.meta.name,
                "organization": d.meta.org, "why": d.why.word()})
        };
        if args.json {
            let forgotten: Vec<_> = dead
                .iter()
                .filter(|d| !failed.iter().any(|(f, _)| f.meta.id == d.meta.id))
                .map(item)
                .collect();
            let bad: Vec<_> = failed
                .iter()
                .map(|(d, e)| {
                    let mut v = item(d);
                    v["error"] = serde_json::Value::String(e.clone());
                    v
                })
                .collect();
            print_json(&serde_json::json!({"forgotten": forgotten, "failed": bad}))?;
        } else {
            let mut s = String::new();
            for d in &dead {
                match failed.iter().find(|(f, _)| f.meta.id == d.meta.id) {
                    Some((_, e)) => s.push_str(&format!(
                        "FAILED     {}  {} ({}): {e}\n",
                        d.meta.id, d.meta.name, d.meta.org
                    )),
                    None => s.push_str(&format!(
                        "forgotten  {}  {} ({}, {})\n",
                        d.meta.id,
                        d.meta.name,
                        d.meta.org,
                        d.why.word()
                    )),
                }
            }
            print_text(&s)?;
        }
        Ok(if failed.is_empty() {
            EXIT_OK
        } else {
            EXIT_PARTIAL
        })
    }
}

/// Asks on a terminal; refuses without one.
fn confirm(dead: &[DeadStored]) -> Result<(), Failure> {
    let mut lines = vec!["These stored tokens no longer work in the service:".to_owned()];
    lines.extend(dead.iter().map(|d| {
        format!(
            "  {}  {} ({}, {})",
            d.meta.id,
            d.meta.name,
            d.meta.org,
            d.why.word()
        )
    }));
    super::ask(super::Ask {
        refusal: format!(
            "refusing to forget {} stored tokens without confirmation",
            dead.len()
        ),
        lines,
        question: "Forget their values? [y/N] ",
        accept: super::is_yes,
        declined: "not confirmed; nothing was forgotten",
    })
}

impl Ctx {
    /// `doctor`'s checks of the mint journal and of the keyring against the service; with
    /// `fix`, orphans are revoked, interrupted revocations finished and dead values forgotten.
    pub(crate) async fn repair_checks(&self, fix: bool) -> Vec<super::doctor::Check> {
        use super::doctor::Check;
        let mut checks = Vec::new();
        match &self.journal {
            None => checks.push(Check {
                name: "mint journal",
                ok: true,
                detail: "none (demo)".into(),
            }),
            Some(j) => {
                let settle = chrono::Duration::seconds(crate::ops::orphans::SETTLE_SECONDS);
                let found = crate::ops::orphans::check(
                    self.backend.as_ref(),
                    self.vault.as_ref().ok(),
                    j,
                    Utc::now(),
                    settle,
                )
                .await;
                checks.push(match found {
                    Err(e) => Check {
                        name: "mint journal",
                        ok: false,
                        detail: e,
                    },
                    Ok(f) => {
                        let mut notes = Vec::new();
                        if f.garbage > 0 || f.torn_tail {
                            notes.push(format!(
                                "{} unreadable lines skipped{}",
                                f.garbage + usize::from(f.torn_tail),
                                if f.torn_tail {
                                    " (the last one torn)"
                                } else {
                                    ""
                                }
                            ));
                        }
                        for (org, e) in &f.unchecked {
                            notes.push(format!("{org} not checked: {e}"));
                        }
                        let mut ok = f.is_empty();
                        let mut detail = if f.is_empty() {
                            format!("{}: no orphaned tokens", j.path().display())
                        } else {
                            let names: Vec<String> = f
                                .orphans
                                .iter()
                                .map(|o| {
                                    format!(
                                        "{} ({}, {}, created {})",
                                        o.token.display_name,
                                        o.token.authorization_id,
                                        o.intent.org,
                                        o.intent.at.format("%Y-%m-%d %H:%M UTC")
                                    )
                                })
                                .chain(f.unfinished_revokes.iter().map(|u| {
                                    format!(
                                        "{} ({}, {}): revocation interrupted",
                                        u.revoke.name, u.revoke.token, u.revoke.org
                                    )
                                }))
                                .collect();
                            format!("{}: {}", f.summary(), names.join("; "))
                        };
                        if fix && !f.is_empty() {
                            let mut failures = Vec::new();
                            for o in &f.orphans {
                                if let Err(e) =
                                    crate::ops::orphans::resolve(self.backend.as_ref(), j, o, true)
                                        .await
                                {
                                    failures.push(format!("{}: {e}", o.token.authorization_id));
                                }
                            }
                            for u in &f.unfinished_revokes {
                                if let Err(e) = crate::ops::orphans::finish_revoke(
                                    self.backend.as_ref(),
                                    self.vault.as_ref().ok(),
                                    j,
                                    u,
                                )
                                .await
                                {
                                    failures.push(format!("{}: {e}", u.revoke.token));
                                }
                            }
                            ok = failures.is_empty();
                            detail = if ok {
                                format!("fixed: revoked {detail}")
                            } else {
                                format!("{detail}; not fixed: {}", failures.join("; "))
                            };
                        } else if !ok {
                            detail.push_str(" — `patui doctor --fix` revokes them");
                        }
                        if !notes.is_empty() {
                            detail.push_str(&format!(" ({})", notes.join("; ")));
                        }
                        Check {
                            name: "mint journal",
                            ok,
                            detail,
                        }
                    }
                });
            }
        }
        if let Ok(v) = &self.vault {
            let missing = v.run(move |v| v.index_without_values(fix)).await;
            checks.push(match missing {
                Ok(m) if m.is_empty() => Check {
                    name: "keyring index",
                    ok: true,
                    detail: "every indexed token has its value".into(),
                },
                Ok(m) => Check {
                    name: "keyring index",
                    ok: fix,
                    detail: format!(
                        "{} {} indexed without a value (removed from the keyring by another program){}",
                        m.len(),
                        if m.len() == 1 { "token is" } else { "tokens are" },
                        if fix {
                            ": dropped from the index"
                        } else {
                            " — `patui doctor --fix` drops them"
                        }
                    ),
                },
                Err(e) => Check {
                    name: "keyring index",
                    ok: false,
                    detail: e.to_string(),
                },
            });
        }
        if self.vault.is_ok() {
            checks.push(match self.dead_stored().await {
                Err(f) => Check {
                    name: "stored tokens",
                    ok: false,
                    detail: f.message,
                },
                Ok(dead) if dead.is_empty() => Check {
                    name: "stored tokens",
                    ok: true,
                    detail: "every stored token still works".into(),
                },
                Ok(dead) => {
                    let list: Vec<String> = dead
                        .iter()
                        .map(|d| format!("{} ({}, {})", d.meta.name, d.meta.org, d.why.word()))
                        .collect();
                    if fix {
                        let failed = self.forget(&dead).await;
                        Check {
                            name: "stored tokens",
                            ok: failed.is_empty(),
                            detail: format!("forgot {}", list.join("; ")),
                        }
                    } else {
                        Check {
                            name: "stored tokens",
                            ok: false,
                            detail: format!(
                                "{} no longer work: {} — `patui prune` or `patui doctor --fix` forgets them",
                                dead.len(),
                                list.join("; ")
                            ),
                        }
                    }
                }
            });
        }
        checks
    }
}
