//! Sign-in to an Azure DevOps Server / TFS: the server takes a personal access token, so this
//! dialog says what token to create in the server's web page and takes it with hidden input
//! (typed or pasted). Enter checks it against the server; on success the runner keeps it in the
//! keyring and the list loads. Esc closes. The typed value is zeroized when it leaves the dialog.

use crate::secret::Secret;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use zeroize::Zeroize;

/// The dialog's state. Debug never shows what was typed.
#[derive(Clone, Default)]
pub struct ServerSignIn {
    typed: String,
    pub error: Option<String>,
    /// True while the server is asked.
    pub checking: bool,
}

impl std::fmt::Debug for ServerSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSignIn")
            .field(
                "typed",
                &format_args!("[{} characters]", self.typed.chars().count()),
            )
            .field("error", &self.error)
            .field("checking", &self.checking)
            .finish()
    }
}

impl Drop for ServerSignIn {
    fn drop(&mut self) {
        self.typed.zeroize();
    }
}

/// Keys; returns (keep open, commands).
pub fn on_key(app: &mut App, d: &mut ServerSignIn, key: KeyEvent) -> (bool, Vec<Command>) {
    if d.checking {
        return (true, vec![]);
    }
    match (
        app.keymap.action(Context::Dialog, &key),
        crate::tui::keymap::text_edit(&key),
    ) {
        (Some(Action::Close), _) => return (false, vec![]),
        (Some(Action::Confirm), _) => {
            let pat = d.typed.trim().to_owned();
            d.typed.zeroize();
            if pat.is_empty() {
                d.error = Some(format!(
                    "Paste the personal access token, then press {}.",
                    app.keymap.keys_label(Action::Confirm)
                ));
                return (true, vec![]);
            }
            d.error = None;
            d.checking = true;
            return (true, vec![Command::UseServerPat(Secret::new(pat))]);
        }
        (_, Some(edit)) => {
            edit.apply(&mut d.typed);
            d.error = None;
        }
        _ => {}
    }
    (true, vec![])
}

/// Draws the dialog.
pub fn render(app: &App, frame: &mut Frame, d: &ServerSignIn) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 78, 16);
    let block = view::popup(frame, area, "Sign in to the server", t.title());
    let server = app.server.as_deref().unwrap_or("the server");
    let dots = "•".repeat(d.typed.chars().count().min(60));
    let mut lines = vec![
        Line::from(vec![
            Span::raw("patui signs in to "),
            Span::styled(crate::text::sanitize(server).into_owned(), t.header()),
            Span::raw(" with a personal access token."),
        ]),
        Line::from(""),
        Line::from(
            "In the server's web page (your profile → Security → Personal access tokens), add a token with the scope \"Delegated Authorization Tokens\" (vso.tokens) or full access, and paste it here. It is kept in the keyring.",
        ),
        Line::from(""),
        Line::from(vec![
            Span::raw("Token: "),
            Span::styled(format!("{dots}▏"), t.key()),
        ]),
    ];
    if d.checking {
        lines.push(Line::styled("Checking it with the server…", t.dim()));
    }
    if let Some(e) = &d.error {
        lines.push(Line::styled(
            crate::text::sanitize(e).into_owned(),
            t.error(),
        ));
    }
    lines.push(Line::from(""));
    lines.push(view::dialog_hints(
        app,
        app.keymap
            .hint(Action::Confirm)
            .map(|(k, _)| vec![(k, "sign in".to_owned())])
            .unwrap_or_default(),
        "cancel",
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(
        app,
        &[(Action::Confirm, "sign in"), (Action::Close, "cancel")],
    )
}
