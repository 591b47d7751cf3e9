//! The scriptable commands (`patui list`, `show`, `create`, `update`, `rotate`, `revoke`,
//! `migrate-global`, `check`, `renew`, `prune`, `doctor`, `completions`, `credential`, `login`,
//! `logout`). They share the TUI's core (`ops`, the backend, the vault), print data on stdout
//! only and use the stable exit codes below (the one set of them: the binary uses these too).

pub mod cargo_credential;
pub mod check;
pub mod credential;
pub mod doctor;
pub mod exec;
pub mod json_lines;
pub mod keyring_cli;
pub mod login;
pub mod migrate;
pub mod mint;
pub mod nuget_plugin;
pub mod output;
pub mod provider_setup;
pub mod prune;
pub mod renew;
pub mod scan;
pub mod scan_fix;
pub mod server_login;

use crate::azure::{ApiError, PatBackend, PatToken, PatTokenUpdateRequest};
use crate::cli::{ListArgs, RevokeArgs, ShowArgs, UpdateArgs};
use crate::ops::inventory::{self, StatusView, TokenStatus};
use crate::ops::revoke::{RevokeProgress, RevokeTarget, forget_stored, revoke_many_until};
use crate::ops::validate;
use chrono::Utc;
use output::TokenJson;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use uuid::Uuid;

/// Success.
pub const EXIT_OK: u8 = 0;
/// An error.
pub const EXIT_ERROR: u8 = 1;
/// Bad usage (including a refused confirmation without a terminal).
pub const EXIT_USAGE: u8 = 2;
/// Authentication failed: sign in again.
pub const EXIT_AUTH: u8 = 3;
/// Some of the work failed (e.g. some revocations).
pub const EXIT_PARTIAL: u8 = 4;
/// `patui check`: something needs attention.
pub const EXIT_ATTENTION: u8 = 5;

/// What every command needs.
pub struct Ctx {
    pub backend: Arc<dyn PatBackend>,
    /// The organization from --org / config, if any.
    pub org: Option<String>,
    /// Organizations named in the config.
    pub config_orgs: Vec<String>,
    pub revoke_concurrency: usize,
    /// The keyring, or why there is none.
    pub vault: Result<crate::vault::Vault, String>,
    /// The mint journal (none in the demo).
    pub journal: Option<crate::journal::Journal>,
}

/// A command's failure: a message and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure {
            code: if e.is_auth() {
                EXIT_AUTH
            } else if matches!(e, ApiError::Unsupported(_)) {
                EXIT_USAGE
            } else {
                EXIT_ERROR
            },
            message: e.to_string(),
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: message.into(),
    }
}

/// Prints a failure on stderr and returns its exit code.
pub fn report(result: Result<u8, Failure>) -> u8 {
    match result {
        Ok(code) => code,
        Err(f) => {
            crate::eprintln_safe!("patui: {}", f.message);
            f.code
        }
    }
}

/// Prints `value` as pretty JSON on stdout, with C1 and bidi controls escaped (serde_json
/// leaves them raw, and a terminal would act on them). The text is zeroized after writing: it
/// may hold a token value.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    use zeroize::Zeroize;
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure {
        code: EXIT_ERROR,
        message: e.to_string(),
    })?;
    let result = {
        let safe = crate::text::escape_json(&text);
        let mut out = std::io::stdout().lock();
        out.write_all(safe.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
    };
    text.zeroize();
    result.map_err(|e| Failure {
        code: EXIT_ERROR,
        message: format!("cannot write to stdout: {e}"),
    })
}

/// Prints human-readable text on stdout with control characters and bidi overrides
/// neutralised (newlines kept).
pub(crate) fn print_text(s: &str) -> Result<(), Failure> {
    let s = crate::text::sanitize_lines(s);
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure {
            code: EXIT_ERROR,
            message: format!("cannot write to stdout: {e}"),
        })
}

impl Ctx {
    /// The keyring, or why there is none.
    pub(crate) fn vault_slot(&self) -> crate::ops::create::VaultSlot<'_> {
        self.vault.as_ref().map_err(String::as_str)
    }

    /// Ids of the tokens whose values the keyring holds (none without a keyring; a keyring
    /// error is logged, not fatal: `stored` then reads false).
    pub(crate) async fn stored_ids(&self) -> std::collections::HashSet<Uuid> {
        let Ok(v) = &self.vault else {
            return Default::default();
        };
        match v.run(|v| v.list()).await {
            Ok(list) => list.into_iter().map(|m| m.id).collect(),
            Err(e) => {
                tracing::warn!("cannot read the keyring index: {e}");
                Default::default()
            }
        }
    }

    pub(crate) fn org(&self) -> Result<String, Failure> {
        self.org
            .clone()
            .or_else(|| self.config_orgs.first().cloned())
            .ok_or_else(|| usage("no organization: pass --org NAME (or set PATUI_ORG)"))
    }

    /// Where token `id` lives, and the token. The organization from --org or the config is asked
    /// first; when it does not know the token, the account's other organizations (and the
    /// config's) are asked concurrently, and a token found elsewhere is used with a note on
    /// stderr: an id names one token, whichever organization it was created in.
    pub(crate) async fn locate(&self, id: Uuid) -> Result<(String, PatToken), Failure> {
        use futures::StreamExt;
        let mut tried = Vec::new();
        if let Some(org) = &self.org {
            match self.backend.get(org, id).await {
                Ok(t) => return Ok((org.clone(), t)),
                Err(e) if e.is_token_not_found() => tried.push(org.clone()),
                Err(e) => return Err(e.into()),
            }
        }
        let mut candidates: Vec<String> = Vec::new();
        let names = inventory::org_names(self.backend.as_ref())
            .await
            .unwrap_or_default();
        let mut account_orgs: Vec<String> = names.into_values().collect();
        account_orgs.sort_by_key(|o| o.to_lowercase());
        for o in self.config_orgs.iter().chain(account_orgs.iter()) {
            let known = |x: &String| x.eq_ignore_ascii_case(o);
            if !tried.iter().any(known) && !candidates.iter().any(known) {
                candidates.push(o.clone());
            }
        }
        if candidates.is_empty() && tried.is_empty() {
            return Err(usage("no organization: pass --org NAME (or set PATUI_ORG)"));
        }
        let backend = &self.backend;
        let mut asks = futures::stream::iter(candidates.clone())
            .map(|org| async move {
                let r = backend.get(&org, id).await;
                (org, r)
            })
            .buffer_unordered(8);
        let mut first_error = None;
        while let Some((org, r)) = asks.next().await {
            match r {
                Ok(t) => {
                    if let Some(asked) = tried.first() {
                        crate::eprintln_safe!(
                            "patui: token {id} is in organization {org}, not {asked}"
                        );
                    }
                    return Ok((org, t));
                }
                Err(e) if e.is_token_not_found() => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e.into());
        }
        tried.extend(candidates);
        Err(Failure {
            code: EXIT_ERROR,
            message: format!(
                "no token {id} in {} (revoked, deleted, or in an organization patui does not know: pass --org)",
                tried.join(", ")
            ),
        })
    }

    /// The organizations a command covers, and the GUID → name map.
    async fn scope(&self, all_orgs: bool) -> Result<(Vec<String>, HashMap<Uuid, String>), Failure> {
        if all_orgs {
            let names = inventory::org_names(self.backend.as_ref()).await?;
            let mut orgs: Vec<String> = names.values().cloned().collect();
            orgs.sort_by_key(|o| o.to_lowercase());
            if orgs.is_empty() {
                return Err(usage("your account belongs to no organization"));
            }
            Ok((orgs, names))
        } else {
            let org = self.org()?;
            let names = inventory::org_names(self.backend.as_ref())
                .await
                .unwrap_or_default();
            Ok((vec![org], names))
        }
    }

    /// `patui list`.
    pub async fn list(&self, args: &ListArgs) -> Result<u8, Failure> {
        let view = StatusView::parse(&args.status)
            .ok_or_else(|| usage(format!("unknown status {:?}", args.status)))?;
        let (orgs, mut names) = self.scope(args.scope.all_orgs).await?;
        if args.jsonl {
            return self.list_streaming(&orgs, view, names).await;
        }
        let entries = inventory::load(self.backend.as_ref(), &orgs, view, |_, _| {}).await?;
        inventory::learn_org_names(&entries, &mut names);
        let now = Utc::now();
        let mut shown: Vec<_> = entries
            .iter()
            .map(|e| (e, TokenStatus::of(&e.token, e.revoked, now)))
            .filter(|(_, s)| view.admits(*s))
            .collect();
        shown.sort_by(|a, b| {
            a.0.token
                .display_name
                .to_lowercase()
                .cmp(&b.0.token.display_name.to_lowercase())
        });
        if args.json {
            let stored = self.stored_ids().await;
            let v: Vec<TokenJson> = shown
                .iter()
                .map(|(e, s)| {
                    let id = e.token.authorization_id;
                    TokenJson::new(&e.token, *s, &names, stored.contains(&id))
                })
                .collect();
            print_json(&v)?;
        } else {
            print_text(&output::table(&shown, &names))?;
        }
        Ok(EXIT_OK)
    }

    /// `patui list --jsonl`: each token on its own line as its page arrives (each once: a global
    /// token listed under several organizations is written the first time).
    async fn list_streaming(
        &self,
        orgs: &[String],
        view: StatusView,
        names: HashMap<Uuid, String>,
    ) -> Result<u8, Failure> {
        let stored = self.stored_ids().await;
        let now = Utc::now();
        let state = std::sync::Mutex::new((std::collections::HashSet::new(), names, None));
        inventory::load_pages(
            self.backend.as_ref(),
            orgs,
            view,
            inventory::Order::default(),
            |page| {
                let Ok(mut guard) = state.lock() else {
                    return;
                };
                let (seen, names, failed) = &mut *guard;
                if failed.is_some() {
                    return;
                }
                let mut out = String::new();
                for token in &page.tokens {
                    if let Some([only]) = token.target_accounts.as_deref() {
                        names.entry(*only).or_insert_with(|| page.org.to_owned());
                    }
                    let status = TokenStatus::of(token, page.revoked, now);
                    if !view.admits(status) || !seen.insert(token.authorization_id) {
                        continue;
                    }
                    let json = TokenJson::new(
                        token,
                        status,
                        names,
                        stored.contains(&token.authorization_id),
                    );
                    match serde_json::to_string(&json) {
                        Ok(line) => {
                            out.push_str(&crate::text::escape_json(&line));
                            out.push('\n');
                        }
                        Err(e) => *failed = Some(e.to_string()),
                    }
                }
                let mut stdout = std::io::stdout().lock();
                if let Err(e) = stdout
                    .write_all(out.as_bytes())
                    .and_then(|()| stdout.flush())
                {
                    *failed = Some(format!("cannot write to stdout: {e}"));
                }
            },
        )
        .await?;
        match state.into_inner().ok().and_then(|s| s.2) {
            Some(message) => Err(Failure {
                code: EXIT_ERROR,
                message,
            }),
            None => Ok(EXIT_OK),
        }
    }

    /// `patui show`.
    pub async fn show(&self, args: &ShowArgs) -> Result<u8, Failure> {
        let (org, token) = self.locate(args.id).await?;
        let mut names = inventory::org_names(self.backend.as_ref())
            .await
            .unwrap_or_default();
        let entry = inventory::TokenEntry {
            token,
            revoked: false,
            listed_in: org.into(),
        };
        inventory::learn_org_names(std::slice::from_ref(&entry), &mut names);
        let status = TokenStatus::of(&entry.token, false, Utc::now());
        if args.json {
            let stored = self
                .stored_ids()
                .await
                .contains(&entry.token.authorization_id);
            print_json(&TokenJson::new(&entry.token, status, &names, stored))?;
        } else {
            let t = &entry.token;
            let mut s = String::new();
            s.push_str(&format!("id:            {}\n", t.authorization_id));
            s.push_str(&format!("name:          {}\n", t.display_name));
            s.push_str(&format!("status:        {}\n", status.word()));
            s.push_str(&format!(
                "organizations: {}\n",
                inventory::org_label(t, &names)
            ));
            s.push_str(&format!("valid from:    {}\n", t.valid_from.to_rfc3339()));
            s.push_str(&format!("valid to:      {}\n", t.valid_to.to_rfc3339()));
            s.push_str("scopes:\n");
            for sc in t.scopes() {
                let flag = if crate::azure::scopes::is_high_privilege(sc) {
                    "  (high privilege)"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "  {sc:<28} {}{flag}\n",
                    crate::azure::scopes::display_name(sc)
                ));
            }
            print_text(&s)?;
        }
        Ok(EXIT_OK)
    }

    /// `patui update`: sends the full current values with the changes applied.
    pub async fn update(&self, args: &UpdateArgs) -> Result<u8, Failure> {
        let now = Utc::now();
        let name = args
            .name
            .as_deref()
            .map(validate::name)
            .transpose()
            .map_err(usage)?;
        let valid_to = match (&args.days, &args.expires) {
            (Some(d), _) => Some(validate::expiry_in_days(*d, now).map_err(usage)?),
            (_, Some(date)) => Some(validate::expiry_date(date, now).map_err(usage)?),
            _ => None,
        };
        let scope = args
            .scopes
            .as_deref()
            .map(validate::scope_list)
            .transpose()
            .map_err(usage)?;
        if name.is_none() && valid_to.is_none() && scope.is_none() {
            return Err(usage(
                "nothing to change: pass --name, --days/--expires or --scopes",
            ));
        }
        let (org, current) = self.locate(args.id).await?;
        if current.is_expired_at(now) && valid_to.is_some() {
            return Err(Failure {
                code: EXIT_ERROR,
                message: format!(
                    "{} has expired and cannot be extended: run `patui rotate {}` to regenerate it",
                    current.display_name, current.authorization_id
                ),
            });
        }
        let req = PatTokenUpdateRequest {
            authorization_id: current.authorization_id,
            display_name: Some(name.unwrap_or(current.display_name.clone())),
            scope: Some(scope.unwrap_or(current.scope.clone())),
            valid_to: Some(valid_to.unwrap_or(current.valid_to)),
            all_orgs: Some(current.is_global()),
        };
        let updated = self.backend.update(&org, &req).await?;
        let names = inventory::org_names(self.backend.as_ref())
            .await
            .unwrap_or_default();
        let status = TokenStatus::of(&updated, false, now);
        if args.json {
            let stored = self.stored_ids().await.contains(&updated.authorization_id);
            print_json(&TokenJson::new(&updated, status, &names, stored))?;
        } else {
            if let Some(asked) = req.valid_to
                && (updated.valid_to - asked).num_minutes().abs() > 1
            {
                crate::eprintln_safe!(
                    "patui: the service set the expiry to {} (a policy limits the lifespan)",
                    updated.valid_to.date_naive()
                );
            }
            print_text(&format!(
                "updated {} ({}), expires {}\n",
                updated.display_name,
                updated.authorization_id,
                updated.valid_to.date_naive()
            ))?;
        }
        Ok(EXIT_OK)
    }

    /// `patui revoke ID…` and `patui revoke --all`. The stored value of each revoked token is
    /// forgotten as soon as it is revoked (on the blocking pool, awaited before the report).
    pub async fn revoke(&self, args: &RevokeArgs) -> Result<u8, Failure> {
        let concurrency = match args.concurrency {
            Some(0) => return Err(usage("--concurrency must be at least 1")),
            Some(n) => n,
            None => self.revoke_concurrency.max(1),
        };
        let targets: Vec<RevokeTarget> = if args.all {
            let (orgs, mut names) = self.scope(args.scope.all_orgs).await?;
            let entries =
                inventory::load(self.backend.as_ref(), &orgs, StatusView::Active, |_, _| {})
                    .await?;
            inventory::learn_org_names(&entries, &mut names);
            entries
                .into_iter()
                .map(|e| RevokeTarget::of(&e.token, &*e.listed_in))
                .collect()
        } else {
            let mut targets = Vec::new();
            for id in &args.ids {
                let (org, token) = self.locate(*id).await?;
                targets.push(RevokeTarget::of(&token, org));
            }
            targets
        };
        if targets.is_empty() {
            if args.json {
                print_json(&serde_json::json!({"revoked": [], "failed": []}))?;
            } else {
                crate::eprintln_safe!("patui: no active tokens to revoke");
            }
            return Ok(EXIT_OK);
        }
        if args.all && !args.yes {
            confirm_revoke_all(targets.len())?;
        }
        let progress_on_tty = std::io::stderr().is_terminal();
        // A signal stops new revocations; the ones in flight finish, and the report still says
        // what was done. A second signal ends patui at once.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let caught = Arc::new(std::sync::atomic::AtomicI32::new(0));
        let watcher = {
            let (stop, caught) = (Arc::clone(&stop), Arc::clone(&caught));
            let mut signals = crate::signals::listen();
            tokio::spawn(async move {
                if let Some(sig) = signals.recv().await {
                    caught.store(sig, std::sync::atomic::Ordering::SeqCst);
                    stop.store(true, std::sync::atomic::Ordering::SeqCst);
                    crate::eprintln_safe!(
                        "\npatui: interrupted: finishing the revocations in flight, then reporting (again to stop at once)"
                    );
                }
                if let Some(sig) = signals.recv().await {
                    std::process::exit(i32::from(crate::signals::exit_code(sig)));
                }
            })
        };

        let vault = self.vault.as_ref().ok();
        let forgets: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>> = Default::default();
        let report = revoke_many_until(
            Arc::clone(&self.backend),
            targets,
            concurrency,
            &stop,
            self.journal.as_ref(),
            |p: RevokeProgress| {
                if progress_on_tty {
                    eprint!("\rrevoking {}/{} ({} failed)   ", p.done, p.total, p.failed);
                }
            },
            |t: &RevokeTarget| {
                if let Some(v) = vault {
                    let (v, id) = (v.clone(), t.id);
                    let task = tokio::spawn(async move { forget_stored(&v, id).await });
                    if let Ok(mut f) = forgets.lock() {
                        f.push(task);
                    }
                }
            },
        )
        .await;
        let forgets = forgets.into_inner().unwrap_or_else(|p| p.into_inner());
        for task in forgets {
            if let Err(e) = task.await {
                tracing::warn!("forgetting a revoked token's stored value failed: {e}");
            }
        }
        if progress_on_tty {
            eprintln!();
        }
        if let crate::azure::backend::SignInToken::Known(own) = self.backend.sign_in_token()
            && let Some(t) = report.revoked().find(|t| t.id == own)
        {
            crate::eprintln_safe!(
                "patui: {} was the PAT patui signs in with; it was revoked last, and patui needs a new one now (patui login --server URL)",
                t.name
            );
        }
        let failed: Vec<_> = report.failed().collect();
        if args.json {
            let revoked: Vec<_> = report
                .revoked()
                .map(|t| serde_json::json!({"id": t.id, "name": t.name, "organization": t.org}))
                .collect();
            let failed_json: Vec<_> = failed
                .iter()
                .map(|(t, e)| {
                    serde_json::json!({"id": t.id, "name": t.name, "organization": t.org,
                        "error": e.to_string(), "errorKind": e.kind()})
                })
                .collect();
            print_json(&serde_json::json!({"revoked": revoked, "failed": failed_json}))?;
        } else {
            let mut s = String::new();
            for t in report.revoked() {
                s.push_str(&format!("revoked  {}  {}\n", t.id, t.name));
            }
            for (t, e) in &failed {
                let word = if matches!(e, ApiError::Interrupted) {
                    "NOT SENT"
                } else {
                    "FAILED  "
                };
                s.push_str(&format!("{word} {}  {}: {e}\n", t.id, t.name));
            }
            print_text(&s)?;
        }
        watcher.abort();
        let sig = caught.load(std::sync::atomic::Ordering::SeqCst);
        if sig != 0 {
            Ok(crate::signals::exit_code(sig))
        } else if failed.is_empty() {
            Ok(EXIT_OK)
        } else if failed.iter().all(|(_, e)| e.is_auth()) && report.revoked().next().is_none() {
            Ok(EXIT_AUTH)
        } else if report.revoked().next().is_none() && report.results.len() == 1 {
            Ok(EXIT_ERROR)
        } else {
            Ok(EXIT_PARTIAL)
        }
    }
}

/// What a confirmation asks.
pub(crate) struct Ask<'a> {
    /// Why nothing happens without a terminal (`… pass --yes` is added).
    pub refusal: String,
    /// What will happen, one line each, shown before the question.
    pub lines: Vec<String>,
    /// The question, e.g. "Renew them? [y/N] ".
    pub question: &'a str,
    /// True when the answer (trimmed) confirms.
    pub accept: fn(&str) -> bool,
    /// The message when it does not.
    pub declined: &'a str,
}

/// Asks on the terminal (stderr) and reads the answer from stdin; without a terminal, refuses
/// (exit 2): scripts pass `--yes`.
pub(crate) fn ask(a: Ask<'_>) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "{}: no terminal to ask on; pass --yes",
            a.refusal
        )));
    }
    let mut err = std::io::stderr().lock();
    for l in &a.lines {
        let _ = writeln!(err, "{}", crate::text::sanitize_lines(l));
    }
    let _ = write!(err, "{}", a.question);
    let _ = err.flush();
    drop(err);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| usage(e.to_string()))?;
    if (a.accept)(line.trim()) {
        Ok(())
    } else {
        Err(usage(a.declined))
    }
}

/// A yes/no answer: `y` or `yes`, any case.
pub(crate) fn is_yes(s: &str) -> bool {
    s.eq_ignore_ascii_case("y") || s.eq_ignore_ascii_case("yes")
}

/// Asks for the typed word on a terminal; refuses without one.
fn confirm_revoke_all(count: usize) -> Result<(), Failure> {
    ask(Ask {
        refusal: format!("refusing to revoke {count} tokens without confirmation"),
        lines: vec![],
        question: &format!("This revokes {count} active tokens. Type 'revoke' to continue: "),
        accept: |s| s == "revoke",
        declined: "not confirmed; nothing was revoked",
    })
}

/// `patui completions SHELL`.
pub fn completions(shell: crate::cli::Shell) -> u8 {
    use clap::CommandFactory;
    use clap_complete::Shell as S;
    let mut cmd = crate::cli::Cli::command();
    let s = match shell {
        crate::cli::Shell::Bash => S::Bash,
        crate::cli::Shell::Zsh => S::Zsh,
        crate::cli::Shell::Fish => S::Fish,
        crate::cli::Shell::Powershell => S::PowerShell,
    };
    clap_complete::generate(s, &mut cmd, "patui", &mut std::io::stdout());
    EXIT_OK
}
