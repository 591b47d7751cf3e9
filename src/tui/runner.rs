//! Runs [`Command`]s on tokio tasks against the backend, the keyring and the clipboard, and sends
//! their results back as [`Msg`]s. The only place the TUI does I/O besides drawing.

use crate::azure::PatBackend;
use crate::clipboard::Clipboard;
use crate::ops::{create, inventory, revoke};
use crate::tui::app::{Command, Msg};
use crate::vault::Vault;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;

/// Spawns commands.
#[derive(Clone)]
pub struct Runner {
    pub backend: Arc<dyn PatBackend>,
    pub tx: UnboundedSender<Msg>,
    /// The keyring, or why there is none.
    pub vault: Result<Vault, String>,
    pub clipboard: Arc<Mutex<Clipboard>>,
    /// The sign-in chain (device code flow), when available.
    pub sign_in: Option<Arc<crate::auth::SignIn>>,
    /// The running sign-in, so Esc can cancel it.
    pub sign_in_task: Arc<Mutex<Option<tokio::task::AbortHandle>>>,
    /// The last value copied whose clear is still to come (cleared at quit too).
    pub pending_clear: Arc<Mutex<Option<crate::secret::Secret>>>,
    /// The mint journal (none in the demo and in tests that do not ask for one).
    pub journal: Option<crate::journal::Journal>,
    /// The PAT sign-in of an Azure DevOps Server, which the sign-in dialog gives a PAT.
    pub server_pat: Option<Arc<crate::auth::server_pat::ServerPat>>,
    pub server_windows: Option<Arc<crate::auth::windows::WindowsSignIn>>,
    /// The token load in flight, aborted when a newer one starts.
    pub load_task: Arc<Mutex<Option<tokio::task::AbortHandle>>>,
}

fn write_stdout_osc(
    f: impl FnOnce(
        &mut Clipboard,
        &mut std::io::StdoutLock<'_>,
    ) -> Result<crate::clipboard::CopyMethod, String>,
    cb: &Mutex<Clipboard>,
) -> Result<crate::clipboard::CopyMethod, String> {
    let mut guard = cb
        .lock()
        .map_err(|_| "clipboard lock poisoned".to_owned())?;
    let mut out = std::io::stdout().lock();
    f(&mut guard, &mut out)
}

impl Runner {
    /// Clears the clipboard now if a copied value is still waiting for its clear (at quit: the
    /// timer would die with the process).
    pub fn clear_pending_now(&self) {
        let pending = self.pending_clear.lock().ok().and_then(|mut p| p.take());
        if let Some(value) = pending {
            let _ = write_stdout_osc(
                |c, out| {
                    c.clear_if_unchanged(&value, out);
                    Ok(crate::clipboard::CopyMethod::Osc52)
                },
                &self.clipboard,
            );
        }
    }

    fn vault(&self) -> Option<&Vault> {
        self.vault.as_ref().ok()
    }

    /// Starts `cmd` in the background. `Suspend` and `HandOver` need the terminal and are
    /// handled by the loop, not here.
    pub fn spawn(&self, cmd: Command) {
        let backend = Arc::clone(&self.backend);
        let tx = self.tx.clone();
        let vault = self.vault().cloned();
        match cmd {
            Command::Suspend | Command::HandOver(_) => {}
            Command::UseServerPat(pat) => {
                let source = self.server_pat.clone();
                tokio::spawn(async move {
                    let Some(source) = source else {
                        let _ = tx.send(Msg::ServerSignedIn(Err(
                            "this is not a server: nothing to sign in to with a PAT".into(),
                        )));
                        return;
                    };
                    source.set(pat.clone(), crate::auth::server_pat::PatOrigin::Typed);
                    // The probe checks the PAT (and learns the product).
                    let r = match backend.profile().await {
                        Err(e) => Err(if e.is_auth() {
                            format!("The server refused this token: {e}")
                        } else {
                            e.to_string()
                        }),
                        Ok(_) => {
                            let _ = tx.send(Msg::Service(crate::tui::service::ServiceInfo::of(
                                backend.as_ref(),
                            )));
                            let entry = crate::vault::ServerSignIn { pat, id: None };
                            match vault {
                                Some(v) => {
                                    match v.run(move |v| v.store_server_sign_in(&entry)).await {
                                        Ok(()) => Ok(SIGNED_IN_KEPT.to_owned()),
                                        Err(e) => {
                                            tracing::warn!("the server PAT was not kept: {e}");
                                            Ok(SIGNED_IN_NOT_KEPT.to_owned())
                                        }
                                    }
                                }
                                None => Ok(SIGNED_IN_NOT_KEPT.to_owned()),
                            }
                        }
                    };
                    let _ = tx.send(Msg::ServerSignedIn(r));
                });
            }
            Command::UseServerWindowsAccount { account, password } => {
                let windows = self.server_windows.clone();
                tokio::spawn(async move {
                    let r = use_windows_account(backend, windows, vault, account, password).await;
                    let _ = tx.send(Msg::ServerSignedIn(r.map(|(said, info)| {
                        let _ = tx.send(Msg::Service(info));
                        said
                    })));
                });
            }
            Command::RunDetached(what) => {
                tokio::spawn(async move {
                    let result = crate::external::run(&what).await;
                    let _ = tx.send(Msg::HandedBack { what, result });
                });
            }
            Command::UseAzureCli => {
                let chain = self.sign_in.clone();
                tokio::spawn(async move {
                    let r = match chain {
                        Some(c) => c.use_azure_cli().await,
                        None => Err("sign-in is not available here".into()),
                    };
                    let _ = tx.send(Msg::SignedIn(r));
                });
            }
            Command::Scan => {
                let slot = self.vault.clone();
                tokio::task::spawn_blocking(move || {
                    let home = crate::scan::report::home();
                    let vault = slot.as_ref().map_err(String::as_str);
                    let r = crate::scan::report::scan_checked(&[], false, home.as_deref(), vault)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Scanned(r));
                });
            }
            Command::RemoveCopy { path, line, value } => {
                tokio::task::spawn_blocking(move || {
                    let result = crate::scan::fix::remove_copy(&path, line, &value)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::CopyRemoved { path, line, result });
                });
            }
            Command::LoadOrgs => {
                let chain = self.sign_in.clone();
                tokio::spawn(async move {
                    let result = async {
                        let me = backend.profile().await?;
                        let _ = tx.send(Msg::Profile(me.clone()));
                        if let Some(c) = &chain {
                            let _ = tx.send(Msg::Tenant(c.entra().tenant().to_owned()));
                            let _ = tx.send(Msg::SignInSource(c.current_source().await));
                        }
                        backend.accounts(me.id).await
                    }
                    .await;
                    let _ = tx.send(Msg::OrgsLoaded(result));
                });
            }
            Command::LoadTokens {
                generation,
                orgs,
                view,
                order,
            } => {
                let task = tokio::spawn(async move {
                    let pages = tx.clone();
                    let result =
                        inventory::load_pages(backend.as_ref(), &orgs, view, order, move |page| {
                            let _ = pages.send(Msg::Page {
                                generation,
                                org: page.org.to_owned(),
                                revoked: page.revoked,
                                tokens: page.tokens,
                            });
                        })
                        .await;
                    let _ = tx.send(Msg::Service(crate::tui::service::ServiceInfo::of(
                        backend.as_ref(),
                    )));
                    let _ = tx.send(Msg::LoadDone { generation, result });
                });
                // A newer load replaces the one still running: its requests stop now.
                if let Ok(mut slot) = self.load_task.lock()
                    && let Some(old) = slot.replace(task.abort_handle())
                {
                    old.abort();
                }
            }
            Command::CheckKeyring => {
                let missing = self.vault.as_ref().err().cloned();
                tokio::spawn(async move {
                    let status = match (vault, missing) {
                        (Some(v), _) => v
                            .run(|v| v.self_check().map(|()| v.describe()))
                            .await
                            .map_err(|e| e.to_string()),
                        (None, why) => Err(why.unwrap_or_else(|| "no keyring".into())),
                    };
                    let _ = tx.send(Msg::KeyringStatus(status));
                });
            }
            Command::RefreshStored => {
                if let Some(v) = vault {
                    tokio::spawn(async move {
                        if let Ok(list) = v.run(|v| v.list()).await {
                            let _ = tx.send(Msg::Stored(list));
                        }
                    });
                }
            }
            Command::Create { org, req } => {
                let slot = self.vault.clone();
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let rec = create::Recorder {
                        journal: journal.as_ref(),
                        kind: crate::journal::IntentKind::Create,
                    };
                    let vault = slot.as_ref().ok();
                    let slot = slot.as_ref().map_err(String::as_str);
                    let r =
                        create::create_and_store_recorded(backend.as_ref(), slot, rec, &org, &req)
                            .await;
                    let msg = match r {
                        Ok(m) => Msg::Created(Ok(m)),
                        // The answer was lost: did the service mint it anyway? Never offer a
                        // retry that would leave two tokens.
                        Err((error, Some(intent))) if journal.is_some() => {
                            let found = match &journal {
                                Some(j) => {
                                    crate::ops::orphans::check_intent(
                                        backend.as_ref(),
                                        vault,
                                        j,
                                        intent,
                                    )
                                    .await
                                }
                                None => None,
                            };
                            match found {
                                Some(orphan) => Msg::CreateLost {
                                    error,
                                    orphan: Box::new(orphan),
                                },
                                None => Msg::Created(Err(error)),
                            }
                        }
                        Err((error, _)) => Msg::Created(Err(error)),
                    };
                    let _ = tx.send(msg);
                });
            }
            Command::Delivered { intent, token } => {
                if let Some(j) = self.journal.clone() {
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) = j.done(intent, Some(token)) {
                            tracing::warn!("the mint journal could not be updated: {e}");
                        }
                    });
                }
            }
            Command::FindOrphans => {
                let Some(j) = self.journal.clone() else {
                    return;
                };
                tokio::spawn(async move {
                    let settle = chrono::Duration::seconds(crate::ops::orphans::SETTLE_SECONDS);
                    let r = crate::ops::orphans::check(
                        backend.as_ref(),
                        vault.as_ref(),
                        &j,
                        chrono::Utc::now(),
                        settle,
                    )
                    .await;
                    let _ = tx.send(Msg::Orphans(r));
                });
            }
            Command::ResolveOrphans {
                orphans,
                revokes,
                forget,
            } => {
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let mut results = Vec::new();
                    if let Some(v) = &vault {
                        for id in forget {
                            let r = v
                                .run(move |v| v.delete(id))
                                .await
                                .map_err(|e| e.to_string());
                            results.push((id, r));
                        }
                    }
                    let Some(j) = journal else {
                        let _ = tx.send(Msg::OrphansResolved(results));
                        return;
                    };
                    for (o, revoke) in &orphans {
                        let r = crate::ops::orphans::resolve(backend.as_ref(), &j, o, *revoke)
                            .await
                            .map_err(|e| e.to_string());
                        results.push((o.token.authorization_id, r));
                    }
                    for u in &revokes {
                        let r = crate::ops::orphans::finish_revoke(
                            backend.as_ref(),
                            vault.as_ref(),
                            &j,
                            u,
                        )
                        .await
                        .map_err(|e| e.to_string());
                        results.push((u.revoke.token, r));
                    }
                    let _ = tx.send(Msg::OrphansResolved(results));
                });
            }
            Command::Update { org, req } => {
                tokio::spawn(async move {
                    let r = backend.update(&org, &req).await;
                    let _ = tx.send(Msg::Updated(r));
                });
            }
            Command::Revoke { org, id, .. } => {
                tokio::spawn(async move {
                    let result = backend.revoke(&org, id).await;
                    if result.is_ok()
                        && let Some(v) = vault
                    {
                        revoke::forget_stored(&v, id).await;
                    }
                    let _ = tx.send(Msg::Revoked { id, result });
                });
            }
            Command::Regenerate { org, token } => {
                let slot = self.vault.clone();
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let r = create::regenerate(
                        backend.as_ref(),
                        slot.as_ref().map_err(String::as_str),
                        journal.as_ref(),
                        &org,
                        &token,
                        chrono::Utc::now(),
                    )
                    .await;
                    let _ = tx.send(Msg::Regenerated(r));
                });
            }
            Command::PrepareRevokeAll { orgs } => {
                tokio::spawn(async move {
                    let r = inventory::load(
                        backend.as_ref(),
                        &orgs,
                        inventory::StatusView::Active,
                        |_, _| {},
                    )
                    .await
                    .map(crate::tui::actions::revoke_targets);
                    let _ = tx.send(Msg::RevokeAllTargets(r));
                });
            }
            Command::RevokeAll {
                targets,
                concurrency,
            } => {
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let progress = tx.clone();
                    let never = std::sync::atomic::AtomicBool::new(false);
                    let report = revoke::revoke_many_until(
                        backend,
                        targets,
                        concurrency,
                        &never,
                        journal.as_ref(),
                        move |p| {
                            let _ = progress.send(Msg::RevokeAllProgress(p));
                        },
                        |_: &revoke::RevokeTarget| {},
                    )
                    .await;
                    if let Some(v) = vault {
                        revoke::forget_stored_all(&v, report.revoked().map(|t| t.id).collect())
                            .await;
                    }
                    let _ = tx.send(Msg::RevokeAllDone(report));
                });
            }
            Command::Migrate { mut migrations } => {
                let slot = self.vault.clone();
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let Ok(vault) = slot else {
                        // The dialog checks the keyring first; this is a last guard.
                        let _ = tx.send(Msg::MigrateDone(migrations));
                        return;
                    };
                    let now = chrono::Utc::now();
                    for (index, m) in migrations.iter_mut().enumerate() {
                        let progress = tx.clone();
                        let j = journal.as_ref();
                        crate::ops::migrate::run(backend.as_ref(), &vault, j, m, now, |m| {
                            let _ = progress.send(Msg::MigrateStep {
                                index,
                                migration: m.clone(),
                            });
                        })
                        .await;
                    }
                    let _ = tx.send(Msg::MigrateDone(migrations));
                });
            }
            Command::Copy { value, clear_after } => {
                let cb = Arc::clone(&self.clipboard);
                let pending = Arc::clone(&self.pending_clear);
                tokio::task::spawn_blocking(move || {
                    let r = write_stdout_osc(
                        |c, out| c.copy(&value, out).map_err(|e| e.to_string()),
                        &cb,
                    );
                    // What to clear when the timer `update` sets on `Copied` fires.
                    if r.is_ok()
                        && clear_after > 0
                        && let Ok(mut p) = pending.lock()
                    {
                        *p = Some(value.clone());
                    }
                    let _ = tx.send(Msg::Copied(r));
                });
            }
            Command::ClearClipboardAfter(secs) => {
                let cb = Arc::clone(&self.clipboard);
                let pending = Arc::clone(&self.pending_clear);
                // A plain timer: at quit it is dropped, and the loop's exit clears what is
                // still pending instead.
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
                    let _ = tokio::task::spawn_blocking(move || {
                        let Some(value) = pending.lock().ok().and_then(|mut p| p.take()) else {
                            return;
                        };
                        let _ = write_stdout_osc(
                            |c, out| {
                                c.clear_if_unchanged(&value, out);
                                Ok(crate::clipboard::CopyMethod::Osc52)
                            },
                            &cb,
                        );
                    })
                    .await;
                });
            }
            Command::StartSignIn => {
                let Some(chain) = self.sign_in.clone() else {
                    let _ = tx.send(Msg::SignInCode(Err("sign-in is not available here".into())));
                    return;
                };
                let task = tokio::spawn(async move {
                    let shown = tx.clone();
                    let mut code_shown = false;
                    let r = chain
                        .device_code_sign_in(|code| {
                            code_shown = true;
                            let _ = shown.send(Msg::SignInCode(Ok((
                                code.user_code.clone(),
                                code.verification_uri.clone(),
                                code.expires_at,
                            ))));
                        })
                        .await;
                    let _ = tx.send(match r {
                        // No code was had: the screen says so in place of the code.
                        Err(crate::auth::source::DeviceCodeError::SignIn(e)) if !code_shown => {
                            Msg::SignInCode(Err(e))
                        }
                        r => Msg::SignedIn(r.map_err(|e| e.to_string())),
                    });
                });
                if let Ok(mut slot) = self.sign_in_task.lock()
                    && let Some(old) = slot.replace(task.abort_handle())
                {
                    old.abort();
                }
            }
            Command::CancelSignIn => {
                if let Ok(mut slot) = self.sign_in_task.lock()
                    && let Some(t) = slot.take()
                {
                    t.abort();
                }
            }
            Command::SignOut => {
                let chain = self.sign_in.clone();
                tokio::spawn(async move {
                    let r = match chain {
                        Some(c) => c.sign_out().await,
                        None => Err("sign-in is not available here".into()),
                    };
                    let _ = tx.send(Msg::SignedOut(r));
                });
            }
            Command::CopyStored { id, clear_after } => {
                let me = self.clone();
                tokio::spawn(async move {
                    let Some(v) = vault else {
                        let _ = tx.send(Msg::Copied(Err("no keyring".into())));
                        return;
                    };
                    match v.run(move |v| v.load(id)).await {
                        Ok(Some(t)) => me.spawn(Command::Copy {
                            value: t.value,
                            clear_after,
                        }),
                        Ok(None) => {
                            let _ = tx.send(Msg::Copied(Err(
                                "the keyring has no value for this token".into(),
                            )));
                        }
                        Err(e) => {
                            let _ = tx.send(Msg::Copied(Err(e.to_string())));
                        }
                    }
                });
            }
        }
    }
}

const SIGNED_IN_KEPT: &str = "Signed in; the token is kept in the keyring";
const SIGNED_IN_NOT_KEPT: &str =
    "Signed in (the keyring did not keep the token: you will be asked again)";

/// The sign-in dialog's Windows account: NTLM uses it from the next request on, an uncached
/// request (the collections) checks it, and it is kept in the keyring only once the server
/// accepted it. Returns what to say and the service's new description (it may now create).
async fn use_windows_account(
    backend: Arc<dyn PatBackend>,
    windows: Option<Arc<crate::auth::windows::WindowsSignIn>>,
    vault: Option<Vault>,
    account: String,
    password: crate::secret::Secret,
) -> Result<(String, crate::tui::service::ServiceInfo), String> {
    use crate::auth::windows::{Method, ntlm::NtlmAccount};
    let windows =
        windows.ok_or_else(|| "Windows sign-in is not available for this server".to_owned())?;
    let ntlm = NtlmAccount::parse(&account, password.clone()).map_err(|e| e.to_string())?;
    windows.set_ntlm_account(Some(ntlm));
    let checked = backend.accounts(uuid::Uuid::nil()).await;
    let status = windows.status();
    match status.in_use {
        Some(Method::Ntlm) => {}
        Some(Method::Kerberos) => {
            windows.set_ntlm_account(None);
            return Err(
                "You are signed in with Kerberos (a ticket from kinit): patui can already create tokens here, so the account was neither checked nor kept."
                    .to_owned(),
            );
        }
        _ => {
            windows.set_ntlm_account(None);
            let why = status
                .skipped
                .iter()
                .find(|(m, _)| *m == Method::Ntlm)
                .map(|(_, why)| why.clone())
                .or_else(|| checked.err().map(|e| e.to_string()))
                .unwrap_or_else(|| {
                    "the server offers no Windows sign-in (Negotiate or NTLM)".to_owned()
                });
            return Err(format!("Not signed in: {why}. Nothing was stored."));
        }
    }
    let info = crate::tui::service::ServiceInfo::of(backend.as_ref());
    let entry = crate::vault::WindowsAccount {
        account: account.clone(),
        password,
    };
    let kept = match vault {
        Some(v) => match v.run(move |v| v.store_windows_account(&entry)).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("the Windows account was not kept: {e}");
                false
            }
        },
        None => false,
    };
    Ok((
        if kept {
            format!("Signed in as {account} with NTLM; the password is kept in the keyring")
        } else {
            format!(
                "Signed in as {account} with NTLM (the keyring did not keep the password: you will be asked again)"
            )
        },
        info,
    ))
}
