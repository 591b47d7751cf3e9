//! The two-button confirmation of revoking one token or regenerating it: focus starts on Cancel,
//! errors are shown in place.

use crate::azure::PatToken;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Revoke one, or regenerate: a two-button confirmation.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub token: PatToken,
    pub org: String,
    pub org_label: String,
    /// True when the focus is on the action button (it starts on Cancel).
    pub focus_action: bool,
    pub busy: bool,
    pub error: Option<String>,
}

/// Which action a [`Confirm`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Revoke,
    Regenerate,
}

impl Confirm {
    /// A dialog over `token`, listed in `org`.
    pub fn new(kind: ConfirmKind, token: PatToken, org: String, org_label: String) -> Confirm {
        Confirm {
            kind,
            token,
            org,
            org_label,
            focus_action: false,
            busy: false,
            error: None,
        }
    }
}

/// Keys of a [`Confirm`]; returns (keep open, commands).
pub fn on_key(app: &mut App, c: &mut Confirm, key: KeyEvent) -> (bool, Vec<Command>) {
    if c.busy {
        return (true, vec![]);
    }
    match app.keymap.action(Context::Dialog, &key) {
        Some(Action::Close) => return (false, vec![]),
        Some(Action::NextChoice | Action::PrevChoice | Action::NextField | Action::PrevField) => {
            c.focus_action = !c.focus_action;
        }
        Some(Action::Confirm) => {
            if !c.focus_action {
                return (false, vec![]);
            }
            c.busy = true;
            c.error = None;
            let cmd = match c.kind {
                ConfirmKind::Revoke => Command::Revoke {
                    org: c.org.clone(),
                    id: c.token.authorization_id,
                    name: c.token.display_name.clone(),
                },
                ConfirmKind::Regenerate => Command::Regenerate {
                    org: c.org.clone(),
                    token: Box::new(c.token.clone()),
                },
            };
            return (true, vec![cmd]);
        }
        _ => {}
    }
    (true, vec![])
}

fn buttons(app: &App, action: &str, focus_action: bool) -> Line<'static> {
    let t = &app.theme;
    let (cancel, act) = if focus_action {
        (t.dim(), t.selected())
    } else {
        (t.selected(), t.dim())
    };
    let k = |a: Action| app.keymap.keys_label(a);
    Line::from(vec![
        Span::raw("      "),
        Span::styled("[ Cancel ]", cancel),
        Span::raw("    "),
        Span::styled(format!("[ {action} ]"), act),
        Span::styled(
            format!(
                "     {}/{} choose, {} confirms, {} cancels",
                app.keymap
                    .keys(Action::PrevChoice)
                    .first()
                    .cloned()
                    .unwrap_or_default(),
                app.keymap
                    .keys(Action::NextChoice)
                    .first()
                    .cloned()
                    .unwrap_or_default(),
                k(Action::Confirm),
                k(Action::Close)
            ),
            t.dim(),
        ),
    ])
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    crate::tui::view::key_hints(
        app,
        &[
            (Action::NextChoice, "choose"),
            (Action::Confirm, "confirm"),
            (Action::Close, "cancel"),
        ],
    )
}

/// Draws a [`Confirm`].
pub fn render(app: &App, frame: &mut Frame, c: &Confirm) {
    let t = &app.theme;
    let (title, verb) = match c.kind {
        ConfirmKind::Revoke => ("Revoke token", "Revoke"),
        ConfirmKind::Regenerate => ("Regenerate token", "Regenerate"),
    };
    let area = view::centered(frame.area(), 80, 13);
    let block = view::popup(frame, area, title, t.warning());
    let mut lines = vec![
        Line::from(vec![
            Span::raw(format!("{verb} ")),
            Span::styled(
                crate::text::sanitize(&c.token.display_name).into_owned(),
                t.header(),
            ),
            Span::raw("?"),
        ]),
        Line::from(format!("Organization: {}", c.org_label)),
        Line::from(format!("Expires: {}", c.token.valid_to.format("%Y-%m-%d"))),
        Line::from(""),
        Line::styled(
            match c.kind {
                ConfirmKind::Revoke => {
                    "Anything using this token stops working now. This cannot be undone."
                }
                ConfirmKind::Regenerate => {
                    "A new token with the same settings is created; the old value stops working now."
                }
            },
            t.warning(),
        ),
        Line::from(""),
        buttons(app, verb, c.focus_action),
    ];
    if c.busy {
        lines.push(Line::styled("Working…", t.key()));
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(format!("✗ {e}"), t.error()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
