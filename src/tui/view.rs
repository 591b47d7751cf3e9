//! The pure view: draws the state and never awaits, locks or mutates. Layout: title line, the
//! token table, status line (spinner, toast or error), hint bar; modals on top.

use crate::tui::app::{App, Notice};
use crate::tui::list;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
/// The smallest usable terminal.
pub const MIN_HEIGHT: u16 = 15;

const SPINNER: [&str; 8] = ["⣷", "⣯", "⣟", "⡿", "⢿", "⣻", "⣽", "⣾"];

/// Draws everything.
pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = vec![
            Line::from("patui needs a larger terminal"),
            Line::from(format!(
                "at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}",
                area.width, area.height
            )),
            Line::from("(q quits)"),
        ];
        frame.render_widget(
            Paragraph::new(msg)
                .wrap(Wrap { trim: true })
                .alignment(ratatui::layout::Alignment::Center),
            area,
        );
        return;
    }
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(title_line(app), title);
    list::render(app, frame, body);
    frame.render_widget(status_line(app), status);
    frame.render_widget(hint_bar(app), hints);
    for modal in &app.modals {
        crate::tui::modal::render(app, frame, modal);
    }
}

fn title_line(app: &App) -> Paragraph<'static> {
    let t = &app.theme;
    let org = app
        .current_org
        .clone()
        .unwrap_or_else(|| format!("all {}s", app.service.org_word));
    let arrow = if app.ascending { "↑" } else { "↓" };
    let mut spans = vec![Span::styled(" patui ", t.title()), Span::raw("│ ")];
    if let Some(label) = &app.service.label {
        spans.push(Span::raw(format!("{} │ ", crate::text::sanitize(label))));
    }
    spans.extend([
        Span::styled(org, t.header()),
        Span::raw(" │ "),
        Span::raw(if app.attention_only {
            format!("{} (needs attention)", app.view.name())
        } else {
            app.view.name().to_owned()
        }),
        Span::raw(format!(" │ sort: {} {arrow}", app.sort.label())),
    ]);
    if app.filter_editing || !app.filter.is_empty() {
        let cursor = if app.filter_editing { "▏" } else { "" };
        spans.push(Span::raw(" │ filter: "));
        spans.push(Span::styled(format!("{}{cursor}", app.filter), t.key()));
    }
    spans.push(Span::raw(format!(
        " │ {} of {}",
        app.visible.len(),
        app.rows
            .iter()
            .filter(|r| app.view.admits(r.status))
            .count()
    )));
    if app.demo {
        spans.push(Span::styled(" │ DEMO", t.warning()));
    }
    Paragraph::new(Line::from(spans))
}

fn status_line(app: &App) -> Paragraph<'static> {
    let t = &app.theme;
    if let Some(Notice::Error(e)) = &app.notice {
        return Paragraph::new(Line::from(vec![
            Span::styled(format!(" ✗ {e} "), t.error()),
            Span::styled(
                format!(
                    "  {} dismisses",
                    app.keymap.keys_label(crate::tui::keymap::Action::Dismiss)
                ),
                t.dim(),
            ),
        ]));
    }
    let mut spans = Vec::new();
    if let Some(p) = &app.keyring_problem {
        spans.push(Span::styled(format!(" ⚠ keyring: {p} "), t.warning()));
    }
    if let Some((_, label)) = app.busy.last() {
        spans.push(Span::styled(
            format!(" {} ", SPINNER[app.spinner % SPINNER.len()]),
            t.key(),
        ));
        spans.push(Span::raw(label.clone()));
    }
    if let Some(Notice::Toast { text, .. }) = &app.notice {
        spans.push(Span::styled(format!(" ✓ {text}"), t.ok()));
    } else if !app.orphans.is_empty() && app.busy.is_empty() {
        spans.push(Span::styled(
            format!(" ! {} ", app.orphans.summary()),
            t.error(),
        ));
        spans.push(Span::styled(
            format!(
                " {} reviews them",
                app.keymap.keys_label(crate::tui::keymap::Action::Cleanup)
            ),
            t.dim(),
        ));
    } else if !app.attention.is_empty() && app.busy.is_empty() {
        // What needs attention, and the keys that act on it (nothing when all is well).
        use crate::tui::keymap::Action;
        spans.push(Span::styled(
            format!(" ! {} ", app.attention.summary()),
            t.warning(),
        ));
        let show = if app.attention_only {
            "shows all"
        } else {
            "shows them"
        };
        spans.push(Span::styled(
            format!(" {} {show}", app.keymap.keys_label(Action::Attention)),
            t.dim(),
        ));
        if !app.attention.global.is_empty() {
            spans.push(Span::styled(
                format!(
                    ", {} replaces global tokens",
                    app.keymap.keys_label(Action::Migrate)
                ),
                t.dim(),
            ));
        }
        if !app.attention.dead_stored.is_empty() {
            spans.push(Span::styled(
                format!(
                    ", {} forgets dead values",
                    app.keymap.keys_label(Action::Cleanup)
                ),
                t.dim(),
            ));
        }
    }
    Paragraph::new(Line::from(spans))
}

fn hint_bar(app: &App) -> Paragraph<'static> {
    use crate::tui::keymap::Action;
    let t = &app.theme;
    let mut items: Vec<(String, String)> = Vec::new();
    if let Some(top) = app.modals.last() {
        // The bar follows the dialog on top.
        items = crate::tui::modal::hints(app, top);
    } else if app.filter_editing {
        items = key_hints(
            app,
            &[(Action::FilterKeep, "keep"), (Action::FilterClear, "clear")],
        );
    } else {
        // While global tokens exist, the key that replaces them leads the bar.
        if !app.attention.global.is_empty() {
            items.push((
                app.keymap.keys_label(Action::Migrate),
                "replace global".into(),
            ));
        }
        let offered = |label: &str| {
            app.service.caps.create || !matches!(label, "new" | "regenerate" | "renew")
        };
        items.extend(
            app.keymap
                .hints()
                .into_iter()
                .filter(|(_, l)| offered(l))
                .map(|(k, l)| (k, l.to_owned())),
        );
    }
    let mut spans = Vec::new();
    for (k, label) in items {
        spans.push(Span::styled(format!(" {k}"), t.key()));
        spans.push(Span::styled(format!(" {label} "), t.dim()));
    }
    Paragraph::new(Line::from(spans))
}

/// "k label  k label": a dialog's inline hint text, from the keymap.
pub fn hint_text(app: &App, items: &[(crate::tui::keymap::Action, &str)]) -> String {
    key_hints(app, items)
        .into_iter()
        .map(|(k, l)| format!("{k} {l}"))
        .collect::<Vec<_>>()
        .join("  ")
}

/// (first key, label) of each action, from the keymap; actions without a key are left out.
pub fn key_hints(app: &App, items: &[(crate::tui::keymap::Action, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|(a, label)| {
            let key = app.keymap.keys(*a).into_iter().next()?;
            Some((key, (*label).to_owned()))
        })
        .collect()
}

/// A dialog's hint line, "k label   k label   esc close": the items, then the dialog's close key
/// (from the keymap) with `close_label`.
pub fn dialog_hints(app: &App, items: Vec<(String, String)>, close_label: &str) -> Line<'static> {
    let t = &app.theme;
    let close = app
        .keymap
        .keys(crate::tui::keymap::Action::Close)
        .into_iter()
        .next()
        .map(|k| (k, close_label.to_owned()));
    let mut spans = Vec::new();
    for (k, label) in items.into_iter().chain(close) {
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(format!(" {label}   "), t.dim()));
    }
    Line::from(spans)
}

/// A centred rectangle of at most `w`x`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(10);
    let h = h.min(area.height.saturating_sub(2)).max(3);
    Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w.min(area.width),
        height: h.min(area.height),
    }
}

/// Clears a popup area and returns a bordered block for it.
pub fn popup<'a>(
    frame: &mut Frame,
    area: Rect,
    title: &'a str,
    style: Style,
) -> ratatui::widgets::Block<'a> {
    frame.render_widget(Clear, area);
    ratatui::widgets::Block::bordered()
        .title(Span::styled(format!(" {title} "), style))
        .border_style(style)
}
