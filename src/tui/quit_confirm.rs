//! "Quit anyway?": asked when a quit is requested (q, ctrl-c) while a minted token whose value
//! is neither in the keyring nor copied is on screen. Quitting then loses the value for good, so
//! the user types a word, as for revoke-all; esc goes back to the token.

use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The word to type.
pub const QUIT_WORD: &str = "quit";

/// The dialog's state.
#[derive(Debug, Clone, Default)]
pub struct QuitConfirm {
    pub typed: String,
    pub error: Option<String>,
}

/// Keys; returns (keep open, commands). Confirming sets `app.quit`.
pub fn on_key(app: &mut App, q: &mut QuitConfirm, key: KeyEvent) -> (bool, Vec<Command>) {
    match (
        app.keymap.action(Context::Dialog, &key),
        crate::tui::keymap::text_edit(&key),
    ) {
        (Some(Action::Close), _) => return (false, vec![]),
        (Some(Action::Confirm), _) => {
            if q.typed.trim() == QUIT_WORD {
                app.quit = true;
                return (false, vec![]);
            }
            q.error = Some(format!(
                "Type {QUIT_WORD:?} to quit, or {} to go back.",
                app.keymap.keys_label(Action::Close)
            ));
        }
        (_, Some(edit)) => edit.apply(&mut q.typed),
        _ => {}
    }
    (true, vec![])
}

/// Draws the question over the token modal.
pub fn render(app: &App, frame: &mut Frame, q: &QuitConfirm) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 70, 10);
    let block = view::popup(frame, area, "Quit and lose the token?", t.error());
    let name = app
        .unsaved_token()
        .map(|m| crate::text::sanitize(&m.name).into_owned())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(vec![
            Span::raw("The token "),
            Span::styled(name, t.header()),
            Span::raw(" is not stored or copied: its value will be lost."),
        ]),
        Line::from(""),
        Line::from(vec![
            Span::raw(format!(
                "Quit anyway? Type {QUIT_WORD:?} and press {}: ",
                app.keymap.keys_label(Action::Confirm)
            )),
            Span::styled(format!("{}▏", q.typed), t.key()),
        ]),
        Line::styled(
            format!(
                "{} goes back to the token ({} copies it)",
                app.keymap.keys_label(Action::Close),
                app.keymap
                    .keys(Action::CopyValue)
                    .first()
                    .cloned()
                    .unwrap_or_default()
            ),
            t.dim(),
        ),
    ];
    if let Some(e) = &q.error {
        lines.push(Line::styled(e.clone(), t.error()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(app, &[(Action::Confirm, "quit"), (Action::Close, "back")])
}
