//! The token actions of the list (new, edit, regenerate, revoke, revoke all, copy): opening their
//! dialogs, and applying the results of their background work.

use crate::ops::inventory::TokenStatus;
use crate::ops::revoke::RevokeTarget;
use crate::tui::app::{App, Command, Modal, Msg};
use crate::tui::confirm::{Confirm, ConfirmKind};
use crate::tui::keymap::Action;
use crate::tui::revoke_all::{RevokeAll, RevokeAllPhase};
use crate::tui::token_modal::TokenShown;
use crate::tui::wizard::Wizard;
use uuid::Uuid;

/// Handles a token action key on the list.
pub fn on_action(app: &mut App, action: Action) -> Vec<Command> {
    let selected = app.selected_row().cloned();
    match action {
        Action::NewToken => {
            if let Some(why) = app.service.create_refusal.clone() {
                app.error(with_dialog_hint(app, why));
                return vec![];
            }
            if app.orgs.is_empty() {
                app.error(
                    "No organization is known yet: pass --org NAME or wait for the list to load.",
                );
                return vec![];
            }
            let w = Wizard::create(
                app.orgs.clone(),
                app.current_org.as_deref(),
                app.presets.clone(),
            )
            .for_service(&app.service);
            app.modals.push(Modal::Wizard(Box::new(w)));
        }
        Action::Edit => {
            let Some(r) = selected else { return vec![] };
            match r.status {
                TokenStatus::Revoked => app.error("A revoked token cannot be edited."),
                TokenStatus::Retired => app.error(format!(
                    "Tokens for all organizations were retired on {}: {} replaces it with one token per organization.",
                    crate::ops::retirement::cutoff_label(),
                    app.keymap.keys_label(Action::Migrate)
                )),
                TokenStatus::Expired => app.modals.push(Modal::Expired {
                    token: Box::new(r.entry.token.clone()),
                    org: r.entry.listed_in.to_string(),
                }),
                _ => {
                    let w = Wizard::edit_for(
                        &r.entry.token,
                        &r.entry.listed_in,
                        app.presets.clone(),
                        &app.service,
                    );
                    app.modals.push(Modal::Wizard(Box::new(w)));
                }
            }
        }
        Action::Regenerate if app.service.create_refusal.is_some() => {
            let why = app.service.create_refusal.clone().unwrap_or_default();
            app.error(format!("Regenerating creates a new token. {why}"));
        }
        Action::Regenerate | Action::Revoke => {
            let Some(r) = selected else { return vec![] };
            if r.status == TokenStatus::Revoked {
                app.error("This token is already revoked.");
                return vec![];
            }
            // Regenerating a global token would mint another global token: replace it with
            // one token per organization instead.
            if action == Action::Regenerate && r.entry.token.retires() {
                open_migration(
                    app,
                    vec![(r.entry.token.clone(), r.entry.listed_in.to_string())],
                );
                return vec![];
            }
            let kind = if action == Action::Revoke {
                ConfirmKind::Revoke
            } else {
                ConfirmKind::Regenerate
            };
            app.modals.push(Modal::Confirm(Box::new(Confirm::new(
                kind,
                r.entry.token.clone(),
                r.entry.listed_in.to_string(),
                r.org_label.to_string(),
            ))));
        }
        Action::RevokeAll => {
            let orgs = app.scope_orgs();
            if orgs.is_empty() {
                app.error("No organization is known yet.");
                return vec![];
            }
            let scope_label = match &app.current_org {
                Some(o) => o.clone(),
                None => format!("all {} organizations", orgs.len()),
            };
            app.modals.push(Modal::RevokeAll(Box::new(RevokeAll {
                scope_label,
                targets: vec![],
                typed: String::new(),
                phase: RevokeAllPhase::Counting,
                error: None,
                scroll: 0,
            })));
            return vec![Command::PrepareRevokeAll { orgs }];
        }
        Action::Attention => {
            if app.attention.is_empty() && !app.attention_only {
                app.toast("Nothing needs attention.");
                return vec![];
            }
            app.attention_only = !app.attention_only;
            app.refilter();
        }
        Action::Cleanup => {
            let dead = app.attention.dead_stored.clone();
            if app.orphans.is_empty() && dead.is_empty() {
                app.toast("Nothing to clean up.");
                return vec![];
            }
            let d = crate::tui::cleanup_dialog::CleanupDialog::new(app.orphans.clone(), dead);
            app.modals.push(Modal::Cleanup(Box::new(d)));
        }
        Action::Migrate => {
            let globals = app.global_tokens();
            if globals.is_empty() {
                app.toast("No tokens for all organizations here: nothing to replace.");
                return vec![];
            }
            open_migration(app, globals);
        }
        Action::Copy => {
            let Some(r) = selected else { return vec![] };
            if app.stored.contains(&r.id()) {
                return vec![Command::CopyStored {
                    id: r.id(),
                    clear_after: app.clipboard_clear_seconds,
                }];
            }
            app.error("This token's value is not in the keyring: only tokens created or regenerated with patui can be copied.");
        }
        _ => {}
    }
    vec![]
}

/// Opens "Replace global tokens" for `globals`, every organization of the account chosen.
fn open_migration(app: &mut App, globals: Vec<(crate::azure::PatToken, String)>) {
    if app.orgs.is_empty() {
        app.error("No organization is known yet: the replacements need organizations.");
        return;
    }
    let d = crate::tui::migrate_dialog::MigrateDialog::new(globals, app.orgs.clone());
    app.modals.push(Modal::Migrate(Box::new(d)));
}

/// After a change of tokens: reload the list and which of them the keyring holds.
fn reload_with_stored(app: &mut App) -> Vec<Command> {
    let mut cmds = app.reload();
    cmds.push(Command::RefreshStored);
    cmds
}

fn find<T>(app: &mut App, pick: impl Fn(&mut Modal) -> Option<&mut T>) -> Option<&mut T> {
    app.modals.iter_mut().rev().find_map(pick)
}

macro_rules! modal_finder {
    ($name:ident, $variant:ident, $ty:ty) => {
        fn $name(app: &mut App) -> Option<&mut $ty> {
            find(app, |m| match m {
                Modal::$variant(x) => Some(&mut **x),
                _ => None,
            })
        }
    };
}

modal_finder!(confirm_modal, Confirm, Confirm);
modal_finder!(wizard_modal, Wizard, Wizard);
modal_finder!(revoke_all_modal, RevokeAll, RevokeAll);
modal_finder!(token_modal, TokenShown, TokenShown);
modal_finder!(
    migrate_modal,
    Migrate,
    crate::tui::migrate_dialog::MigrateDialog
);

/// Shows a failure in the open confirmation dialog; false when there is none.
fn confirm_failed(app: &mut App, message: String) -> bool {
    match confirm_modal(app) {
        Some(c) => {
            c.busy = false;
            c.error = Some(message);
            true
        }
        None => false,
    }
}

modal_finder!(sign_in_modal, SignIn, crate::tui::sign_in::SignInScreen);

/// Applies the result of background work.
pub fn on_result(app: &mut App, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::KeyringStatus(r) => match r {
            Ok(_) => return vec![Command::RefreshStored],
            Err(e) => app.keyring_problem = Some(e),
        },
        Msg::Created(r) => {
            let Some(w) = wizard_modal(app) else {
                // The wizard is gone; still never drop a minted token.
                if let Ok(m) = r {
                    app.modals.push(Modal::TokenShown(Box::new(shown(m, None))));
                }
                return vec![];
            };
            match r {
                Ok(minted) => {
                    app.modals.retain(|m| !matches!(m, Modal::Wizard(_)));
                    let name = minted.token.display_name.clone();
                    app.modals
                        .push(Modal::TokenShown(Box::new(shown(minted, None))));
                    app.toast(format!("Created {name}"));
                    return reload_with_stored(app);
                }
                Err(e) => w.on_error(&e),
            }
        }
        Msg::Updated(r) => {
            let now = app.now;
            let Some(w) = wizard_modal(app) else {
                return vec![];
            };
            match r {
                Ok(t) => {
                    // A server may shorten the life asked for without a word: say so.
                    let asked = w.valid_to(now).ok().flatten();
                    let shortened = asked
                        .and_then(|a| crate::azure::server::wire::clamped(a, t.valid_to))
                        .is_some();
                    app.modals.retain(|m| !matches!(m, Modal::Wizard(_)));
                    app.toast(format!(
                        "Saved {}, expires {}{}",
                        t.display_name,
                        t.valid_to.format("%Y-%m-%d"),
                        if shortened {
                            " (shortened by the service: its maximum lifetime)"
                        } else {
                            ""
                        }
                    ));
                    return app.reload();
                }
                Err(e) => w.on_error(&e),
            }
        }
        Msg::Revoked { id, result } => {
            let name = app
                .row(id)
                .map(|r| r.entry.token.display_name.clone())
                .unwrap_or_default();
            match result {
                Ok(()) => {
                    app.modals.retain(
                        |m| !matches!(m, Modal::Confirm(c) if c.token.authorization_id == id),
                    );
                    app.toast(format!("Revoked {name}"));
                    return reload_with_stored(app);
                }
                Err(e) => {
                    if !confirm_failed(app, e.to_string()) {
                        app.error(format!("Could not revoke {name}: {e}"));
                    }
                }
            }
        }
        Msg::Regenerated(r) => match r {
            Ok(regen) => {
                app.modals.retain(|m| !matches!(m, Modal::Confirm(_)));
                let why = regen.old_revoked.err().map(|e| e.to_string());
                app.modals
                    .push(Modal::TokenShown(Box::new(shown(regen.minted, why))));
                return reload_with_stored(app);
            }
            Err(e) => {
                confirm_failed(app, format!("No new token was created: {e}"));
            }
        },
        Msg::RevokeAllTargets(r) => {
            if let Some(ra) = revoke_all_modal(app) {
                match r {
                    Ok(targets) => {
                        ra.targets = targets;
                        ra.phase = RevokeAllPhase::Confirm;
                    }
                    Err(e) => {
                        ra.phase = RevokeAllPhase::Confirm;
                        ra.error = Some(format!("Could not list the active tokens: {e}"));
                    }
                }
            }
        }
        Msg::RevokeAllProgress(p) => {
            if let Some(ra) = revoke_all_modal(app) {
                ra.phase = RevokeAllPhase::Running(p);
            }
        }
        Msg::CreateLost { error, orphan } => {
            let (confirm, close) = (
                app.keymap.keys_label(Action::Confirm),
                app.keymap.keys_label(Action::Close),
            );
            if let Some(w) = wizard_modal(app) {
                w.on_error(&error);
                tracing::warn!(id = %orphan.token.authorization_id, "create answer lost: {error}");
                w.error = Some(format!(
                    "The token was created, but the service's answer was lost: its value cannot be recovered. {confirm} revokes it and creates it again; {close} keeps it."
                ));
                w.lost = Some(*orphan);
            } else {
                app.orphans.orphans.push(*orphan);
            }
        }
        Msg::Orphans(r) => match r {
            Ok(f) => {
                if f.garbage > 0 || f.torn_tail {
                    tracing::warn!(
                        garbage = f.garbage,
                        torn = f.torn_tail,
                        "mint journal lines skipped"
                    );
                }
                app.orphans = f;
            }
            Err(e) => tracing::warn!("the mint journal could not be read: {e}"),
        },
        Msg::OrphansResolved(results) => {
            let failed: Vec<String> = results
                .iter()
                .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{id}: {e}")))
                .collect();
            let done: std::collections::HashSet<Uuid> = results
                .iter()
                .filter(|(_, r)| r.is_ok())
                .map(|(id, _)| *id)
                .collect();
            app.orphans
                .orphans
                .retain(|o| !done.contains(&o.token.authorization_id));
            app.orphans
                .unfinished_revokes
                .retain(|u| !done.contains(&u.revoke.token));
            app.modals.retain(|m| !matches!(m, Modal::Cleanup(_)));
            if failed.is_empty() {
                app.toast(format!("Cleaned up {} tokens", done.len()));
            } else {
                app.error(format!("Some could not be revoked: {}", failed.join("; ")));
            }
            return reload_with_stored(app);
        }
        Msg::MigrateStep { index, migration } => {
            if let Some(d) = migrate_modal(app)
                && let crate::tui::migrate_dialog::Phase::Running(ms) = &mut d.phase
                && let Some(slot) = ms.get_mut(index)
            {
                *slot = migration;
            }
        }
        Msg::MigrateDone(done) => {
            let replaced = done.iter().filter(|m| m.is_done()).count();
            let total = done.len();
            if let Some(d) = migrate_modal(app) {
                d.phase = crate::tui::migrate_dialog::Phase::Done(done);
            }
            app.toast(format!("Replaced {replaced} of {total} global tokens"));
            return reload_with_stored(app);
        }
        Msg::RevokeAllDone(report) => {
            let ok = report.revoked().count();
            if let Some(ra) = revoke_all_modal(app) {
                ra.phase = RevokeAllPhase::Done(report);
            }
            app.toast(format!("Revoked {ok} tokens"));
            return reload_with_stored(app);
        }
        Msg::Profile(p) => app.profile = Some(p),
        Msg::Tenant(t) => app.tenant = Some(t),
        Msg::SignInCode(r) => {
            if let Some(screen) = sign_in_modal(app) {
                screen.phase = match r {
                    Ok((user_code, verification_uri, expires_at)) => {
                        crate::tui::sign_in::SignInPhase::Code {
                            user_code,
                            verification_uri,
                            expires_at,
                        }
                    }
                    Err(e) => crate::tui::sign_in::SignInPhase::Failed(e),
                };
            }
        }
        Msg::SignedIn(r) => match r {
            Ok(()) => {
                app.modals.retain(|m| !matches!(m, Modal::SignIn(_)));
                app.toast("Signed in");
                let mut cmds = vec![Command::LoadOrgs];
                cmds.extend(app.reload());
                return cmds;
            }
            Err(e) => {
                if let Some(screen) = sign_in_modal(app) {
                    screen.phase = crate::tui::sign_in::SignInPhase::Failed(e);
                }
            }
        },
        Msg::HandedBack { what, result } => {
            let device_code = app.device_code;
            match sign_in_modal(app) {
                Some(screen) => {
                    return crate::tui::sign_in::handed_back(device_code, screen, &what, result);
                }
                None => {
                    if let Err(e) = result {
                        app.error(e.to_string());
                    }
                }
            }
        }
        Msg::SignedOut(r) => match r {
            Ok(was) => {
                use crate::auth::SourceKind;
                app.profile = None;
                app.sign_in_source = None;
                match was {
                    Some(SourceKind::AzureCli) => app.toast(
                        "Signed out of patui; the Azure CLI is still signed in (az logout signs out there)",
                    ),
                    Some(SourceKind::Env) => app.toast(
                        "Signed out of patui; PATUI_ACCESS_TOKEN is still set in your environment",
                    ),
                    _ => app.toast("Signed out: the cached sign-in was removed"),
                }
            }
            Err(e) => app.error(format!("Sign-out: {e}")),
        },
        Msg::SignInSource(s) => app.sign_in_source = s,
        Msg::Copied(r) => {
            let seconds = app.clipboard_clear_seconds;
            let clear = (r.is_ok() && seconds > 0).then_some(Command::ClearClipboardAfter(seconds));
            if let Some(m) = token_modal(app) {
                let delivered = match (&r, m.intent.take()) {
                    (Ok(_), Some(intent)) => Some(Command::Delivered {
                        intent,
                        token: m.id,
                    }),
                    (_, intent) => {
                        m.intent = intent;
                        None
                    }
                };
                m.copied = Some(r);
                m.confirm_leave = false;
                return delivered.into_iter().chain(clear).collect();
            }
            match r {
                Ok(method) => app.toast(method.to_string()),
                Err(e) => app.error(e),
            }
            return clear.into_iter().collect();
        }
        // Handled by `update` itself; named so that a new message is a decision, not a
        // silent no-op.
        Msg::Key(_)
        | Msg::Resize(..)
        | Msg::Mouse(_)
        | Msg::Tick(_)
        | Msg::OrgsLoaded(_)
        | Msg::Loaded { .. }
        | Msg::Page { .. }
        | Msg::LoadDone { .. }
        | Msg::Stored(_)
        | Msg::ServerSignedIn(_)
        | Msg::Service(_)
        | Msg::Scanned(_)
        | Msg::CopyRemoved { .. }
        | Msg::Signal(_)
        | Msg::Panicked => {}
    }
    vec![]
}

fn shown(m: crate::ops::create::Minted, old_not_revoked: Option<String>) -> TokenShown {
    TokenShown {
        id: m.token.authorization_id,
        name: m.token.display_name.clone(),
        org: if m.token.is_global() {
            "all organizations".into()
        } else {
            m.org.clone()
        },
        value: m.value,
        stored: m.stored.map_err(|e| e.to_string()),
        clamped: m.clamped,
        old_not_revoked,
        copied: None,
        confirm_leave: false,
        intent: m.intent,
    }
}

/// Targets of revoke-all from a loaded inventory.
pub fn revoke_targets(entries: Vec<crate::ops::inventory::TokenEntry>) -> Vec<RevokeTarget> {
    entries
        .into_iter()
        .filter(|e| !e.revoked)
        .map(|e| RevokeTarget::of(&e.token, &*e.listed_in))
        .collect()
}

/// On a server, a refusal to create starts with the way out (the error bar is one line): the
/// sign-in dialog, where a Windows account can be given without leaving patui.
fn with_dialog_hint(app: &App, why: String) -> String {
    if app.server.is_none() || !app.can_sign_in {
        return why;
    }
    format!(
        "To create, sign in with your Windows account: {} opens the sign-in dialog, {} moves to the account (or kinit for Kerberos). {why}",
        app.keymap.keys_label(Action::SignIn),
        app.keymap.keys_label(Action::NextField)
    )
}
