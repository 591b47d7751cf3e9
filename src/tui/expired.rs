//! `e` on an expired token: it cannot be extended (the service refuses with
//! `expiredPatCannotBeExtended`), so this notice offers regenerating it with the same settings.

use crate::azure::PatToken;
use crate::ops::inventory::org_label;
use crate::tui::app::{App, Command, Modal};
use crate::tui::confirm::{Confirm, ConfirmKind};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Keys: the list's regenerate key asks to regenerate; close goes back.
pub fn on_key(app: &mut App, token: &PatToken, org: &str, key: KeyEvent) -> (bool, Vec<Command>) {
    if app.keymap.action(Context::Dialog, &key) == Some(Action::Close) {
        return (false, vec![]);
    }
    if app.keymap.action(Context::List, &key) == Some(Action::Regenerate) {
        if let Some(why) = app.service.create_refusal.clone() {
            app.error(format!("Regenerating creates a new token. {why}"));
            return (false, vec![]);
        }
        let label = org_label(token, &app.org_names);
        app.modals.push(Modal::Confirm(Box::new(Confirm::new(
            ConfirmKind::Regenerate,
            token.clone(),
            org.to_owned(),
            label,
        ))));
        return (false, vec![]);
    }
    (true, vec![])
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(
        app,
        &[
            (Action::Regenerate, "regenerate"),
            (Action::Close, "cancel"),
        ],
    )
}

/// Draws the notice.
pub fn render(app: &App, frame: &mut Frame, token: &PatToken) {
    let t = &app.theme;
    let name = crate::text::sanitize(&token.display_name);
    let area = view::centered(frame.area(), 72, 8);
    let block = view::popup(frame, area, "Expired token", t.warning());
    let lines = vec![
        Line::from(format!(
            "{name} has expired and cannot be extended (expiredPatCannotBeExtended)."
        )),
        Line::from(""),
        Line::from(vec![
            Span::styled(app.keymap.keys_label(Action::Regenerate), t.key()),
            Span::raw(" regenerates it with the same settings   "),
            Span::styled(app.keymap.keys_label(Action::Close), t.key()),
            Span::raw(" cancels"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
