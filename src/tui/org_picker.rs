//! The organization picker (`o`): one organization, or all of them at once.

use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
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
    let items =
        std::iter::once(format!("All {}s", app.service.org_word)).chain(app.orgs.iter().cloned());
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

/// Keys: move with the navigation keys, confirm picks, close cancels.
pub fn on_key(app: &mut App, selected: &mut usize, key: KeyEvent) -> (bool, Vec<Command>) {
    let last = app.orgs.len();
    match app
        .keymap
        .action(Context::Dialog, &key)
        .or_else(|| app.keymap.nav(&key))
    {
        Some(Action::Close) => (false, vec![]),
        Some(Action::Down) => {
            *selected = (*selected + 1).min(last);
            (true, vec![])
        }
        Some(Action::Up) => {
            *selected = selected.saturating_sub(1);
            (true, vec![])
        }
        Some(Action::Top | Action::PageUp) => {
            *selected = 0;
            (true, vec![])
        }
        Some(Action::Bottom | Action::PageDown) => {
            *selected = last;
            (true, vec![])
        }
        Some(Action::Confirm) => {
            let choice = *selected;
            app.current_org = if choice == 0 {
                None
            } else {
                app.orgs.get(choice - 1).cloned()
            };
            app.rows.clear();
            app.refilter();
            (false, app.reload())
        }
        _ => (true, vec![]),
    }
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(
        app,
        &[
            (Action::Down, "move"),
            (Action::Confirm, "pick"),
            (Action::Close, "cancel"),
        ],
    )
}
