//! Speed targets of the list screen with 10,000 tokens: one frame at 200x50 (≤ 1 ms) and one
//! filter keystroke, recompute + render (≤ 2 ms). Run: `cargo bench --bench tui`.

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patui::azure::{Account, PatToken};
use patui::ops::inventory::{StatusView, TokenEntry};
use patui::tui::app::{App, Command, Msg, update};
use patui::tui::keymap::Keymap;
use patui::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use uuid::Uuid;

const SCOPES: [&str; 5] = [
    "vso.code",
    "vso.code_write vso.work",
    "app_token",
    "vso.packaging",
    "vso.build_execute vso.release",
];

fn app_with(n: usize, w: u16, h: u16) -> App {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut app = App::new(Keymap::default(), Theme::new(true), vec![], None, now);
    app.size = (w, h);
    app.view = StatusView::All;
    let _ = app.start();
    let orgs: Vec<Account> = (0..5)
        .map(|i| Account {
            account_id: Uuid::from_u128(1000 + i),
            account_name: format!("org-{i}"),
            account_uri: None,
        })
        .collect();
    let cmds = update(&mut app, Msg::OrgsLoaded(Ok(orgs)));
    let generation = cmds
        .iter()
        .find_map(|c| match c {
            Command::LoadTokens { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap();
    let entries: Vec<TokenEntry> = (0..n)
        .map(|i| TokenEntry {
            token: PatToken {
                on_premises: false,
                authorization_id: Uuid::from_u128(i as u128 + 1),
                display_name: format!("token-{:05}-{}", i, ["ci", "deploy", "nuget", "bot"][i % 4]),
                scope: SCOPES[i % SCOPES.len()].into(),
                target_accounts: Some(vec![Uuid::from_u128(1000 + (i % 5) as u128)]),
                valid_from: now - chrono::Duration::days((i % 300) as i64),
                valid_to: now + chrono::Duration::hours((i % 2000) as i64 - 200),
                token: None,
            },
            revoked: i.is_multiple_of(17),
            listed_in: format!("org-{}", i % 5).into(),
        })
        .collect();
    update(
        &mut app,
        Msg::Loaded {
            generation,
            result: Ok(entries),
        },
    );
    app
}

fn bench(c: &mut Criterion) {
    let app = app_with(10_000, 200, 50);
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("render 10k tokens at 200x50", |b| {
        b.iter(|| {
            term.draw(|f| patui::tui::view::view(black_box(&app), f))
                .unwrap();
        })
    });
    let mut app = app_with(10_000, 200, 50);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
    );
    let mut i = 0usize;
    c.bench_function(
        "filter keystroke (recompute + render) over 10k tokens",
        |b| {
            b.iter(|| {
                // Alternate typing and deleting so every iteration recomputes the filter.
                let code = if i.is_multiple_of(2) {
                    KeyCode::Char('9')
                } else {
                    KeyCode::Backspace
                };
                i += 1;
                update(&mut app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
                term.draw(|f| patui::tui::view::view(&app, f)).unwrap();
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
