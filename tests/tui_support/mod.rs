//! A deterministic app for TUI tests: a fixed clock, fixed tokens and organizations.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patui::azure::{Account, PatToken};
use patui::ops::inventory::TokenEntry;
use patui::tui::app::{App, Command, Msg, update};
use patui::tui::keymap::Keymap;
use patui::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

/// The fixed "now" of every TUI test.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn org_id(i: u128) -> Uuid {
    Uuid::from_u128(0xA000 + i)
}

fn token(
    i: u128,
    name: &str,
    org: Option<u128>,
    scope: &str,
    created_days_ago: i64,
    expires_in_hours: i64,
) -> PatToken {
    PatToken {
        on_premises: false,
        authorization_id: Uuid::from_u128(i),
        display_name: name.into(),
        scope: scope.into(),
        target_accounts: org.map(|o| vec![org_id(o)]),
        valid_from: now() - chrono::Duration::days(created_days_ago),
        valid_to: now() + chrono::Duration::hours(expires_in_hours),
        token: None,
    }
}

/// Ten tokens in every state over two organizations and one global.
pub fn entries() -> Vec<TokenEntry> {
    let e = |t: PatToken, revoked: bool, org: &str| TokenEntry {
        token: t,
        revoked,
        listed_in: org.into(),
    };
    vec![
        e(
            token(
                1,
                "build-agent",
                Some(1),
                "vso.agentpools_manage",
                20,
                24 * 60,
            ),
            false,
            "fabrikam",
        ),
        e(
            token(2, "git-push", Some(1), "vso.code_write", 10, 24 * 3),
            false,
            "fabrikam",
        ),
        e(
            token(3, "npm-publish", Some(1), "vso.packaging_write", 40, 12),
            false,
            "fabrikam",
        ),
        e(
            token(
                4,
                "release",
                Some(2),
                "vso.release_execute vso.build",
                30,
                24 * 12,
            ),
            false,
            "contoso",
        ),
        e(
            token(5, "admin-full", Some(2), "app_token", 5, 24 * 80),
            false,
            "contoso",
        ),
        e(
            token(6, "old-ci", Some(1), "vso.code vso.build", 200, -24 * 12),
            false,
            "fabrikam",
        ),
        e(
            token(7, "leaked", Some(2), "vso.code_write", 15, 24 * 20),
            true,
            "contoso",
        ),
        e(
            token(8, "everywhere", None, "vso.code vso.packaging", 160, 24 * 3),
            false,
            "fabrikam",
        ),
        e(
            token(9, "wiki-bot", Some(1), "vso.wiki_write", 3, 24 * 200),
            false,
            "fabrikam",
        ),
        e(
            token(10, "unknown-scope", Some(2), "vso.governance", 1, 24 * 40),
            false,
            "contoso",
        ),
    ]
}

/// A fresh app working in one organization, before its start.
pub fn app_in(org: &str) -> App {
    App::new(
        Keymap::default(),
        Theme::new(false),
        vec![org.into()],
        Some(org.into()),
        chrono::Utc::now(),
    )
}

/// A runner against `backend` with an OSC 52-only clipboard.
pub fn runner(
    backend: std::sync::Arc<dyn patui::azure::PatBackend>,
    tx: tokio::sync::mpsc::UnboundedSender<Msg>,
    vault: patui::vault::Vault,
    sign_in: Option<std::sync::Arc<patui::auth::SignIn>>,
) -> patui::tui::runner::Runner {
    use std::sync::{Arc, Mutex};
    patui::tui::runner::Runner {
        backend,
        tx,
        vault: Ok(vault),
        clipboard: Arc::new(Mutex::new(patui::clipboard::Clipboard::osc52_only())),
        sign_in,
        sign_in_task: Arc::new(Mutex::new(None)),
        pending_clear: Arc::new(Mutex::new(None)),
        journal: None,
        server_pat: None,
        server_windows: None,
        load_task: Arc::new(Mutex::new(None)),
    }
}

/// A fixed "now" after the retirement of global tokens (2026-12-01).
pub fn after_cutoff() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// An app with the organizations and the tokens loaded (the "all" status view).
pub fn loaded_app(width: u16, height: u16) -> App {
    loaded_app_at(width, height, now())
}

/// [`loaded_app`] with its clock at `at`.
pub fn loaded_app_at(width: u16, height: u16, at: DateTime<Utc>) -> App {
    let mut app = App::new(Keymap::default(), Theme::new(false), vec![], None, at);
    app.size = (width, height);
    app.view = patui::ops::inventory::StatusView::All;
    let _ = app.start();
    let accounts = vec![
        Account {
            account_id: org_id(1),
            account_name: "fabrikam".into(),
            account_uri: None,
        },
        Account {
            account_id: org_id(2),
            account_name: "contoso".into(),
            account_uri: None,
        },
    ];
    let cmds = update(&mut app, Msg::OrgsLoaded(Ok(accounts)));
    let generation = cmds
        .iter()
        .find_map(|c| match c {
            Command::LoadTokens { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("the list loads once the organizations are known");
    update(
        &mut app,
        Msg::Loaded {
            generation,
            result: Ok(entries()),
        },
    );
    app
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ch(app: &mut App, c: char) -> Vec<Command> {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(app, Msg::Key(KeyEvent::new(KeyCode::Char(c), mods)))
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

/// Renders the app into a test terminal of its size.
pub fn render(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| patui::tui::view::view(app, f)).unwrap();
    t
}

/// The names of the visible rows, in order.
pub fn names(app: &App) -> Vec<String> {
    app.visible
        .iter()
        .map(|i| app.rows[*i].entry.token.display_name.clone())
        .collect()
}

/// The text of a test terminal's screen, one line per row.
pub fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
