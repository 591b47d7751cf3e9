//! Sign-in to an Azure DevOps Server / TFS: a personal access token (the dialog says what token
//! to create in the server's web page) or a Windows account for NTLM (`DOMAIN\user` and its
//! password), both with hidden input. Tab moves between the token, the account and the
//! password; Enter checks what was typed against the server, and on success the runner keeps it
//! in the keyring and the list loads (with a Windows account, patui may create tokens). Esc
//! closes. What was typed is zeroized when it leaves the dialog.

use crate::secret::Secret;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use zeroize::Zeroize;

/// The field that takes what is typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Field {
    #[default]
    Pat,
    Account,
    Password,
}

impl Field {
    fn next(self) -> Field {
        match self {
            Field::Pat => Field::Account,
            Field::Account => Field::Password,
            Field::Password => Field::Pat,
        }
    }

    fn prev(self) -> Field {
        match self {
            Field::Pat => Field::Password,
            Field::Account => Field::Pat,
            Field::Password => Field::Account,
        }
    }
}

/// The dialog's state. Debug never shows the token or the password.
#[derive(Clone, Default)]
pub struct ServerSignIn {
    typed: String,
    account: String,
    password: String,
    pub focus: Field,
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
            .field("account", &self.account)
            .field(
                "password",
                &format_args!("[{} characters]", self.password.chars().count()),
            )
            .field("focus", &self.focus)
            .field("error", &self.error)
            .field("checking", &self.checking)
            .finish()
    }
}

impl Drop for ServerSignIn {
    fn drop(&mut self) {
        self.typed.zeroize();
        self.password.zeroize();
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
        (Some(Action::NextField), _) => d.focus = d.focus.next(),
        (Some(Action::PrevField), _) => d.focus = d.focus.prev(),
        (Some(Action::Confirm), _) => return (true, confirm(app, d)),
        (_, Some(edit)) => {
            match d.focus {
                Field::Pat => edit.apply(&mut d.typed),
                Field::Account => edit.apply(&mut d.account),
                Field::Password => edit.apply(&mut d.password),
            }
            d.error = None;
        }
        _ => {}
    }
    (true, vec![])
}

/// Enter: the token, or the Windows account once it has a password.
fn confirm(app: &App, d: &mut ServerSignIn) -> Vec<Command> {
    if d.focus == Field::Pat {
        let pat = d.typed.trim().to_owned();
        d.typed.zeroize();
        if pat.is_empty() {
            d.error = Some(format!(
                "Paste the personal access token, then press {} (or {} for a Windows account).",
                app.keymap.keys_label(Action::Confirm),
                app.keymap.keys_label(Action::NextField)
            ));
            return vec![];
        }
        d.error = None;
        d.checking = true;
        return vec![Command::UseServerPat(Secret::new(pat))];
    }
    let account = d.account.trim().to_owned();
    if account.is_empty() {
        d.focus = Field::Account;
        d.error = Some("Type the Windows account: DOMAIN\\user or user@domain.".to_owned());
        return vec![];
    }
    if d.password.is_empty() {
        // Enter after the account moves on to the password.
        d.focus = Field::Password;
        d.error = None;
        return vec![];
    }
    let password = Secret::new(std::mem::take(&mut d.password));
    d.error = None;
    d.checking = true;
    vec![Command::UseServerWindowsAccount { account, password }]
}

/// Draws the dialog.
pub fn render(app: &App, frame: &mut Frame, d: &ServerSignIn) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 80, 20);
    let block = view::popup(frame, area, "Sign in to the server", t.title());
    let server = app.server.as_deref().unwrap_or("the server");
    let dots = |s: &str| "•".repeat(s.chars().count().min(60));
    let field = |label: &'static str, value: String, focused: bool| {
        let cursor = if focused { "▏" } else { "" };
        Line::from(vec![
            Span::styled(
                format!("{} {label:<10}", if focused { "›" } else { " " }),
                if focused { t.header() } else { t.dim() },
            ),
            Span::styled(format!("{value}{cursor}"), t.key()),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Sign in to "),
            Span::styled(crate::text::sanitize(server).into_owned(), t.header()),
            Span::raw(" with a personal access token or your Windows account."),
        ]),
        Line::from(""),
        Line::from(
            "A token: in the server's web page (your profile → Security → Personal access tokens), add one with the scope \"Delegated Authorization Tokens\" (vso.tokens) or full access, and paste it here.",
        ),
        field("Token:", dots(&d.typed), d.focus == Field::Pat),
        Line::from(""),
        Line::from(
            "Or a Windows account (NTLM), with which patui can also create tokens here. A Kerberos ticket (kinit) needs nothing here.",
        ),
        field(
            "Account:",
            crate::text::sanitize(&d.account).into_owned(),
            d.focus == Field::Account,
        ),
        field("Password:", dots(&d.password), d.focus == Field::Password),
        Line::styled("What the server accepts is kept in the keyring.", t.dim()),
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
        [
            (Action::Confirm, "sign in"),
            (Action::NextField, "next field"),
        ]
        .into_iter()
        .filter_map(|(a, label)| {
            let key = app.keymap.keys(a).into_iter().next()?;
            Some((key, label.to_owned()))
        })
        .collect(),
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
        &[
            (Action::Confirm, "sign in"),
            (Action::NextField, "next field"),
            (Action::Close, "cancel"),
        ],
    )
}
