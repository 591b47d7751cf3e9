//! The `?` overlay, generated from the keymap table (with the user's remaps), grouped by context.

use crate::tui::app::App;
use crate::tui::view;
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
    let block = view::popup(frame, area, "Keys (j/k scroll, esc closes)", t.title());
    let mut lines = Vec::new();
    for (title, rows) in app.keymap.help() {
        lines.push(Line::from(Span::styled(title, t.header())));
        for (keys, desc) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18} "), t.key()),
                Span::raw(desc),
            ]));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "Keys are remappable in the [keymap] table of the config file.",
        t.dim(),
    )));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}
