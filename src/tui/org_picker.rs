//! The organization picker (`o`): one organization, or all of them at once.

use crate::tui::app::App;
use crate::tui::view;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// Draws the picker with row `selected` highlighted (0 = all organizations).
pub fn render(app: &App, frame: &mut Frame, selected: usize) {
    let t = &app.theme;
    let h = (app.orgs.len() as u16 + 4).min(20);
    let area = view::centered(frame.area(), 44, h);
    let block = view::popup(frame, area, "Organization", t.title());
    let mut lines = Vec::new();
    let items = std::iter::once("All organizations".to_owned()).chain(app.orgs.iter().cloned());
    for (i, name) in items.enumerate() {
        let current = match (&app.current_org, i) {
            (None, 0) => true,
            (Some(o), i) if i > 0 => app
                .orgs
                .get(i - 1)
                .is_some_and(|x| x.eq_ignore_ascii_case(o)),
            _ => false,
        };
        let text = format!("{} {name}", if current { "●" } else { " " });
        lines.push(if i == selected {
            Line::styled(format!("{text:<40}"), t.selected())
        } else {
            Line::from(text)
        });
    }
    let inner_h = usize::from(area.height.saturating_sub(2));
    let scroll = selected.saturating_sub(inner_h.saturating_sub(1)) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}
