//! The dialogs over the list: the [`Modal`] stack's enum and one dispatch each for keys, drawing
//! and hints, one line per dialog. Each dialog's state, keys, drawing and hints live in its own
//! file; a new dialog touches that file, this one and `keymap.rs`.

use crate::azure::PatToken;
use crate::tui::app::{App, Command};
use crate::tui::confirm::Confirm;
use crate::tui::revoke_all::RevokeAll;
use crate::tui::token_modal::TokenShown;
use crate::tui::wizard::Wizard;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use uuid::Uuid;

/// A modal on top of the list (the top of the stack gets the keys).
#[derive(Debug, Clone)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    Details {
        id: Uuid,
    },
    OrgPicker {
        selected: usize,
    },
    Wizard(Box<Wizard>),
    TokenShown(Box<TokenShown>),
    Confirm(Box<Confirm>),
    RevokeAll(Box<RevokeAll>),
    SignIn(Box<crate::tui::sign_in::SignInScreen>),
    /// Sign-in to an Azure DevOps Server: a PAT typed or pasted, hidden.
    ServerSignIn(Box<crate::tui::server_sign_in::ServerSignIn>),
    Profile,
    /// Orphans and interrupted revocations found in the mint journal.
    Cleanup(Box<crate::tui::cleanup_dialog::CleanupDialog>),
    /// Replace global tokens with one token per organization.
    Migrate(Box<crate::tui::migrate_dialog::MigrateDialog>),
    /// A quit was asked for while a token's value is neither stored nor copied.
    QuitConfirm(Box<crate::tui::quit_confirm::QuitConfirm>),
    /// PATs found in plain text files; copies of stored tokens can be removed.
    Scan(Box<crate::tui::scan_view::ScanView>),
    /// `e` on an expired token: it cannot be extended; R regenerates.
    Expired {
        token: Box<PatToken>,
        org: String,
    },
}

/// Gives a key to the top dialog. A dialog that stays open is kept under any dialog its keys
/// opened.
pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    let Some(mut top) = app.modals.pop() else {
        return vec![];
    };
    let base = app.modals.len();
    let (keep, cmds) = match &mut top {
        Modal::Help { scroll } => crate::tui::help::on_key(app, scroll, key),
        Modal::Details { id } => crate::tui::details::on_key(app, *id, key),
        Modal::OrgPicker { selected } => crate::tui::org_picker::on_key(app, selected, key),
        Modal::Wizard(w) => crate::tui::wizard::on_key(app, w, key),
        Modal::TokenShown(m) => crate::tui::token_modal::on_key(app, m, key),
        Modal::QuitConfirm(q) => crate::tui::quit_confirm::on_key(app, q, key),
        Modal::Migrate(d) => crate::tui::migrate_dialog::on_key(app, d, key),
        Modal::Cleanup(d) => crate::tui::cleanup_dialog::on_key(app, d, key),
        Modal::Confirm(c) => crate::tui::confirm::on_key(app, c, key),
        Modal::RevokeAll(r) => crate::tui::revoke_all::on_key(app, r, key),
        Modal::SignIn(screen) => crate::tui::sign_in::on_key(app, screen, key),
        Modal::ServerSignIn(d) => crate::tui::server_sign_in::on_key(app, d, key),
        Modal::Profile => crate::tui::profile::on_key(app, key),
        Modal::Scan(v) => crate::tui::scan_view::on_key(app, v, key),
        Modal::Expired { token, org } => crate::tui::expired::on_key(app, token, org, key),
    };
    if keep {
        let pushed = app.modals.split_off(base.min(app.modals.len()));
        app.modals.push(top);
        app.modals.extend(pushed);
    }
    cmds
}

/// Draws one dialog.
pub fn render(app: &App, frame: &mut Frame, modal: &Modal) {
    match modal {
        Modal::Help { scroll } => crate::tui::help::render(app, frame, *scroll),
        Modal::Details { id } => crate::tui::details::render(app, frame, *id),
        Modal::OrgPicker { selected } => crate::tui::org_picker::render(app, frame, *selected),
        Modal::Wizard(w) => crate::tui::wizard::render(app, frame, w),
        Modal::TokenShown(m) => crate::tui::token_modal::render(app, frame, m),
        Modal::QuitConfirm(q) => crate::tui::quit_confirm::render(app, frame, q),
        Modal::Migrate(d) => crate::tui::migrate_dialog::render(app, frame, d),
        Modal::Cleanup(d) => crate::tui::cleanup_dialog::render(app, frame, d),
        Modal::Confirm(c) => crate::tui::confirm::render(app, frame, c),
        Modal::RevokeAll(r) => crate::tui::revoke_all::render(app, frame, r),
        Modal::SignIn(screen) => crate::tui::sign_in::render(app, frame, screen),
        Modal::ServerSignIn(d) => crate::tui::server_sign_in::render(app, frame, d),
        Modal::Profile => crate::tui::profile::render(app, frame),
        Modal::Scan(v) => crate::tui::scan_view::render(app, frame, v),
        Modal::Expired { token, .. } => crate::tui::expired::render(app, frame, token),
    }
}

/// The bottom bar's items while `modal` is on top: (key, label), from the keymap.
pub fn hints(app: &App, modal: &Modal) -> Vec<(String, String)> {
    match modal {
        Modal::Help { .. } => crate::tui::help::hints(app),
        Modal::Details { .. } => crate::tui::details::hints(app),
        Modal::OrgPicker { .. } => crate::tui::org_picker::hints(app),
        Modal::Wizard(w) => crate::tui::wizard::hints(app, w),
        Modal::TokenShown(m) => crate::tui::token_modal::hints(app, m),
        Modal::QuitConfirm(_) => crate::tui::quit_confirm::hints(app),
        Modal::Migrate(d) => crate::tui::migrate_dialog::hints(app, d),
        Modal::Cleanup(_) => crate::tui::cleanup_dialog::hints(app),
        Modal::Confirm(_) => crate::tui::confirm::hints(app),
        Modal::RevokeAll(r) => crate::tui::revoke_all::hints(app, r),
        Modal::SignIn(screen) => crate::tui::sign_in::hints(app, screen),
        Modal::ServerSignIn(_) => crate::tui::server_sign_in::hints(app),
        Modal::Profile => crate::tui::profile::hints(app),
        Modal::Scan(v) => crate::tui::scan_view::hints(app, v),
        Modal::Expired { .. } => crate::tui::expired::hints(app),
    }
}
