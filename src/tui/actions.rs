//! The token actions of the list (new, edit, regenerate, revoke, revoke all, copy) and their
//! dialogs.

use crate::tui::app::{App, Command};
use crate::tui::keymap::Action;
use ratatui::Frame;

/// Handles a token action key.
pub fn on_action(app: &mut App, action: Action) -> Vec<Command> {
    app.toast(format!("{action:?}: not available yet"));
    vec![]
}

/// Draws the dialogs of token actions.
pub fn render_modals(_app: &App, _frame: &mut Frame) {}
