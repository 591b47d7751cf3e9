//! The `?` overlay, generated from the keymap table (with the user's remaps), grouped by context.

use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// How far the help can scroll in a terminal of `height` rows (the overlay's own height is
/// computed as in [`render`]).
pub fn max_scroll(app: &App, height: u16) -> u16 {
    let lines: usize = app
        .keymap
        .help()
        .iter()
        .map(|(_, rows)| rows.len() + 2)
        .sum::<usize>()
        + 1;
    let inner = view::centered(ratatui::layout::Rect::new(0, 0, 80, height), 74, 40)
        .height
        .saturating_sub(2);
    u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_sub(inner)
}

/// Draws the help, scrolled by `scroll` lines.
pub fn render(app: &App, frame: &mut Frame, scroll: u16) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 74, 40);
    let title = format!(
        "Keys ({}/{} scroll, {} closes)",
        app.keymap
            .keys(Action::Down)
            .first()
            .cloned()
            .unwrap_or_default(),
        app.keymap
            .keys(Action::Up)
            .first()
            .cloned()
            .unwrap_or_default(),
        app.keymap
            .keys(Action::Close)
            .first()
            .cloned()
            .unwrap_or_default(),
    );
    let block = view::popup(frame, area, &title, t.title());
    let mut lines = Vec::new();
    for (title, rows) in app.keymap.help() {
        lines.push(Line::from(Span::styled(title, t.header())));
        for (keys, desc) in rows {
            // What the service cannot do is marked, not hidden: the key says why when pressed.
            let unavailable = !app.service.caps.create
                && [Action::NewToken, Action::Regenerate]
                    .iter()
                    .any(|a| a.description() == desc);
            let mut spans = vec![
                Span::styled(format!("  {keys:<18} "), t.key()),
                Span::raw(desc),
            ];
            if unavailable {
                spans.push(Span::styled("  (not with this sign-in)", t.dim()));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Keys are remappable in the [keymap] table of the config file.",
        t.dim(),
    )));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}

/// Keys: scrolling with the navigation keys; close, the list's quit and help keys close it.
pub fn on_key(app: &mut App, scroll: &mut u16, key: KeyEvent) -> (bool, Vec<Command>) {
    let max = max_scroll(app, app.size.1);
    let closes = app.keymap.action(Context::Dialog, &key) == Some(Action::Close)
        || matches!(
            app.keymap.action(Context::List, &key),
            Some(Action::Quit | Action::Help)
        );
    if closes {
        return (false, vec![]);
    }
    *scroll = match app.keymap.nav(&key) {
        Some(Action::Down) => scroll.saturating_add(1),
        Some(Action::Up) => scroll.saturating_sub(1),
        Some(Action::PageDown) => scroll.saturating_add(10),
        Some(Action::PageUp) => scroll.saturating_sub(10),
        Some(Action::Bottom) => max,
        Some(Action::Top) => 0,
        _ => *scroll,
    }
    .min(max);
    (true, vec![])
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(app, &[(Action::Down, "scroll"), (Action::Close, "close")])
}
