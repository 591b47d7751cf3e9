//! The details pane (Enter): every field of a token, the full scope list with display names and
//! high-privilege flags, target organizations by name, and validity (absolute and relative).

use crate::azure::scopes;
use crate::tui::app::{App, Command, Row};
use crate::tui::keymap::{Action, Context};
use crate::tui::{format, view};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use uuid::Uuid;

/// The list's token actions that also work from the details, with their hint labels.
const ACTION_HINTS: [(Action, &str); 4] = [
    (Action::Edit, "edit"),
    (Action::Regenerate, "regenerate"),
    (Action::Revoke, "revoke"),
    (Action::Copy, "copy"),
];

/// True for the list's token actions that also work from the details.
pub fn acts_here(action: Action) -> bool {
    ACTION_HINTS.iter().any(|(a, _)| *a == action)
}

/// Draws the details of token `id`.
pub fn render(app: &App, frame: &mut Frame, id: Uuid) {
    let t = &app.theme;
    let Some(r) = app.row(id) else {
        return;
    };
    let tok = &r.entry.token;
    let area = view::centered(frame.area(), 96, 30);
    let block = view::popup(frame, area, "Token details", t.title());
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), t.header()),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        field(
            "Name",
            crate::text::sanitize(&tok.display_name).into_owned(),
        ),
        field("Status", format::status(r.status, tok, app.now)),
        field("Id", tok.authorization_id.to_string()),
        field("Organizations", r.org_label.to_string()),
        field(
            "Valid from",
            format!(
                "{} ({})",
                tok.valid_from.format("%Y-%m-%d %H:%M UTC"),
                format::relative(tok.valid_from, app.now)
            ),
        ),
        field(
            "Valid to",
            format!(
                "{} ({})",
                tok.valid_to.format("%Y-%m-%d %H:%M UTC"),
                format::relative(tok.valid_to, app.now)
            ),
        ),
        field(
            "In keyring",
            if app.stored.contains(&id) {
                "yes (y copies it)".into()
            } else {
                "no".into()
            },
        ),
    ];
    if tok.retires() {
        let cut = crate::ops::retirement::global_cutoff();
        let (when, what) = if app.now >= cut {
            ("Retired", "global tokens no longer work".to_owned())
        } else {
            (
                "Retires",
                format!(
                    "{} (global tokens stop working then)",
                    format::relative(cut, app.now)
                ),
            )
        };
        lines.push(field(
            when,
            format!(
                "{}: {what}; {} replaces it with one token per organization",
                crate::ops::retirement::cutoff_label(),
                app.keymap.keys_label(crate::tui::keymap::Action::Migrate)
            ),
        ));
    }
    if let Some(ids) = &tok.target_accounts {
        for a in ids {
            let name = app
                .org_names
                .get(a)
                .cloned()
                .unwrap_or_else(|| "(unknown)".into());
            lines.push(field("  target", format!("{name}  {a}")));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Scopes", t.header())));
    for s in tok.scopes() {
        let mut spans = vec![
            Span::raw(format!("  {:<30} ", scopes::display_name(s))),
            Span::styled(s.to_owned(), t.dim()),
        ];
        if scopes::is_high_privilege(s) {
            spans.push(Span::styled("  ⚠ high privilege", t.high_privilege()));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    let actions = ACTION_HINTS
        .iter()
        .filter(|(a, _)| app.service.caps.create || *a != Action::Regenerate)
        .filter_map(|(a, label)| {
            Some((app.keymap.keys(*a).into_iter().next()?, (*label).to_owned()))
        })
        .collect();
    lines.push(view::dialog_hints(app, actions, "close"));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// Keys: the token's own actions work here as on the list (for the token shown, when it is the
/// selected one); close, confirm or the list's quit key close.
pub fn on_key(app: &mut App, id: Uuid, key: KeyEvent) -> (bool, Vec<Command>) {
    let shown_is_selected = app.selected_row().map(Row::id) == Some(id);
    match app.keymap.action(Context::List, &key) {
        Some(a) if shown_is_selected && acts_here(a) => {
            (false, crate::tui::actions::on_action(app, a))
        }
        Some(Action::Quit) => (false, vec![]),
        _ => (
            !matches!(
                app.keymap.action(Context::Dialog, &key),
                Some(Action::Close | Action::Confirm)
            ),
            vec![],
        ),
    }
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    let mut items: Vec<(Action, &str)> = ACTION_HINTS
        .iter()
        .filter(|(a, _)| app.service.caps.create || *a != Action::Regenerate)
        .copied()
        .collect();
    items.push((Action::Close, "close"));
    view::key_hints(app, &items)
}
