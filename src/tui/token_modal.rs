//! The "copy it now, it will not be shown again" modal after a create or regenerate. The token
//! was written to the keyring before this modal opened; if that failed, the modal says so loudly
//! and insists on a copy before it closes. A minted token is never lost.

use crate::clipboard::CopyMethod;
use crate::secret::Secret;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use uuid::Uuid;

/// The modal's state.
#[derive(Debug, Clone)]
pub struct TokenShown {
    pub id: Uuid,
    pub name: String,
    pub org: String,
    pub value: Secret,
    /// Err(message) when the keyring write failed.
    pub stored: Result<(), String>,
    /// The expiry when a policy changed the one asked for.
    pub clamped: Option<DateTime<Utc>>,
    /// After a regenerate whose revoke failed: why both tokens exist.
    pub old_not_revoked: Option<String>,
    pub copied: Option<Result<CopyMethod, String>>,
    /// The user pressed enter once without a copy or a stored value.
    pub confirm_leave: bool,
    /// The mint journal's intent while the value is only on screen (closed on a copy).
    pub intent: Option<Uuid>,
}

impl TokenShown {
    /// True when the value is in the keyring or was copied: closing loses nothing.
    pub fn safe_to_close(&self) -> bool {
        matches!(self.copied, Some(Ok(_))) || self.stored.is_ok()
    }
}

/// Handles a key; returns (keep open, commands).
pub fn on_key(app: &mut App, m: &mut TokenShown, key: KeyEvent) -> (bool, Vec<Command>) {
    if app.keymap.action(Context::NewToken, &key) == Some(Action::CopyValue) {
        return (
            true,
            vec![Command::Copy {
                value: m.value.clone(),
                clear_after: app.clipboard_clear_seconds,
            }],
        );
    }
    if matches!(
        app.keymap.action(Context::Dialog, &key),
        Some(Action::Confirm)
    ) {
        if m.safe_to_close() {
            return (false, vec![]);
        }
        // Not stored: a copy must at least have been tried (it can fail without a clipboard);
        // then a second enter closes.
        if m.copied.is_some() && m.confirm_leave {
            return (false, vec![]);
        }
        m.confirm_leave = true;
    }
    (true, vec![])
}

/// Draws the modal.
pub fn render(app: &App, frame: &mut Frame, m: &TokenShown) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 100, 18);
    let block = view::popup(frame, area, "Your new token", t.title());
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Token "),
            Span::styled(crate::text::sanitize(&m.name).into_owned(), t.header()),
            Span::raw(format!(" in {} was created.", m.org)),
        ]),
        Line::from(""),
    ];
    // A token wider than the modal is cut into whole lines, and says so: selecting it with the
    // mouse would pick up the line breaks, `y` copies it in one piece.
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let chars: Vec<char> = m.value.expose().chars().collect();
    for chunk in chars.chunks(width) {
        lines.push(Line::styled(chunk.iter().collect::<String>(), t.key()));
    }
    if chars.len() > width {
        lines.push(Line::styled(
            format!(
                "(on {} lines here; y copies it in one piece)",
                chars.len().div_ceil(width)
            ),
            t.dim(),
        ));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "Copy it now: it will not be shown again.",
        t.warning(),
    ));
    match &m.stored {
        Ok(()) => lines.push(Line::styled(
            format!(
                "✓ Stored in your keyring ({} on the list copies it again).",
                app.keymap.keys_label(Action::Copy)
            ),
            t.ok(),
        )),
        Err(e) => {
            lines.push(Line::styled(
                format!("✗ NOT STORED in the keyring: {e}"),
                t.error(),
            ));
            lines.push(Line::styled(
                format!(
                    "Copy it ({}) before closing, or it is lost.",
                    app.keymap.keys_label(Action::CopyValue)
                ),
                t.error(),
            ));
        }
    }
    if let Some(c) = m.clamped {
        lines.push(Line::styled(
            format!(
                "! A policy set the expiry to {} (not the date you asked for).",
                c.format("%Y-%m-%d")
            ),
            t.warning(),
        ));
    }
    if let Some(why) = &m.old_not_revoked {
        lines.push(Line::styled(
            format!("✗ The old token could not be revoked ({why}): both tokens now exist. Revoke the old one from the list."),
            t.error(),
        ));
    }
    match &m.copied {
        Some(Ok(method)) => lines.push(Line::styled(format!("✓ {method}"), t.ok())),
        Some(Err(e)) => lines.push(Line::styled(format!("✗ {e}"), t.error())),
        None => {}
    }
    let copy = app.keymap.keys_label(Action::CopyValue);
    let confirm = app.keymap.keys_label(Action::Confirm);
    if m.confirm_leave && !m.safe_to_close() {
        lines.push(Line::styled(
            if m.copied.is_none() {
                format!("It is not stored anywhere: copy it first ({copy}).")
            } else {
                format!(
                    "It was neither copied nor stored. Press {confirm} again to close and lose it."
                )
            },
            t.error(),
        ));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("{copy} copy   {confirm} close"),
        t.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The bottom bar's items.
pub fn hints(app: &App, m: &TokenShown) -> Vec<(String, String)> {
    let close = if m.safe_to_close() {
        "close"
    } else {
        "close (value not kept!)"
    };
    crate::tui::view::key_hints(
        app,
        &[(Action::CopyValue, "copy"), (Action::Confirm, close)],
    )
}
