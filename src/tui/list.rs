//! The token table: only the visible window of rows is built, so a frame over 10,000 tokens
//! costs the same as over 40. Columns drop on narrow terminals: scopes first, then created,
//! then absolute dates.

use crate::ops::inventory::TokenStatus;
use crate::tui::app::{App, Row, SortKey};
use crate::tui::format;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

/// Draws the table in `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let block = Block::new().borders(Borders::TOP).border_style(t.border());
    if app.rows.is_empty() || app.visible.is_empty() {
        let text = if !app.busy.is_empty() && app.rows.is_empty() {
            "Loading…".to_owned()
        } else if !app.filter.is_empty() {
            format!("No token matches {:?} (esc clears the filter).", app.filter)
        } else if app.loaded_once {
            format!("No {} tokens here. Press n to create one.", app.view.name())
        } else {
            String::new()
        };
        frame.render_widget(Paragraph::new(text).style(t.dim()).block(block), area);
        return;
    }
    let wide = area.width >= 130;
    let show_scopes = area.width >= 90;
    let show_created = area.width >= 110;
    let arrow = if app.ascending { " ↑" } else { " ↓" };
    let head = |label: &'static str, key: SortKey| {
        let mut s = label.to_owned();
        if app.sort == key {
            s.push_str(arrow);
        }
        Cell::from(s)
    };
    let mut header = vec![
        Cell::from("  "),
        head("NAME", SortKey::Name),
        head(
            if app.service.org_word == "collection" {
                "COLLECTION"
            } else {
                "ORGANIZATION"
            },
            SortKey::Organization,
        ),
        head("STATUS", SortKey::Status),
    ];
    let mut widths = vec![
        Constraint::Length(2),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(19),
    ];
    if show_created {
        header.push(head("CREATED", SortKey::Created));
        widths.push(Constraint::Length(if wide { 11 } else { 14 }));
    }
    header.push(head("EXPIRES", SortKey::Expires));
    widths.push(Constraint::Length(if wide { 27 } else { 15 }));
    if show_scopes {
        header.push(Cell::from("SCOPES"));
        widths.push(Constraint::Fill(4));
    }
    // The organization column's width, as the table will lay it out: a token for all
    // organizations gets a short label when the long one would be cut.
    let org_width = ratatui::layout::Layout::horizontal(widths.clone())
        .spacing(1)
        .split(block.inner(area))
        .get(2)
        .map_or(0, |r| r.width);
    let short_global = usize::from(org_width) < crate::ops::inventory::GLOBAL_LABEL.len();
    let page = usize::from(area.height.saturating_sub(2));
    let end = (app.offset + page).min(app.visible.len());
    let rows: Vec<TableRow> = app.visible[app.offset..end]
        .iter()
        .enumerate()
        .map(|(i, idx)| {
            let r = &app.rows[*idx];
            let selected = app.offset + i == app.selected;
            let cols = Columns {
                show_created,
                wide,
                show_scopes,
                short_global,
            };
            row(app, r, selected, &cols)
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(TableRow::new(header).style(t.header()))
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}

fn status_style(app: &App, r: &Row) -> Style {
    let t = &app.theme;
    match r.status {
        TokenStatus::Retired => t.critical(),
        TokenStatus::Expired | TokenStatus::Revoked => t.dim(),
        TokenStatus::Expiring { days } if days < 1 => t.critical(),
        TokenStatus::Expiring { .. } => t.warning(),
        TokenStatus::Active if (r.entry.token.valid_to - app.now).num_days() <= 14 => t.notice(),
        TokenStatus::Active => t.ok(),
    }
}

/// Which columns the table has at this width.
struct Columns {
    show_created: bool,
    wide: bool,
    show_scopes: bool,
    /// "All orgs" instead of "All organizations".
    short_global: bool,
}

fn row<'a>(app: &App, r: &'a Row, selected: bool, cols: &Columns) -> TableRow<'a> {
    let &Columns {
        show_created,
        wide,
        show_scopes,
        short_global,
    } = cols;
    let t = &app.theme;
    let tok = &r.entry.token;
    // › marks the selection (visible without colours), ◆ a token whose value is in the keyring.
    let marker = format!(
        "{}{}",
        if selected { "›" } else { " " },
        if app.stored.contains(&r.id()) {
            "◆"
        } else {
            " "
        }
    );
    let mut cells = vec![
        Cell::from(marker).style(t.key()),
        Cell::from(crate::text::sanitize(&tok.display_name)),
        Cell::from(if short_global && tok.is_global() {
            if tok.on_premises {
                "All colls"
            } else {
                crate::ops::inventory::GLOBAL_LABEL_SHORT
            }
        } else {
            r.org_label.as_str()
        }),
        Cell::from(Span::styled(
            format::status(r.status, tok, app.now),
            status_style(app, r),
        )),
    ];
    if show_created {
        cells.push(Cell::from(if wide {
            tok.valid_from.format("%Y-%m-%d").to_string()
        } else {
            format::relative(tok.valid_from, app.now)
        }));
    }
    let rel = format::relative(tok.valid_to, app.now);
    cells.push(Cell::from(if wide {
        Line::from(format!("{rel:<15} {}", tok.valid_to.format("%Y-%m-%d")))
    } else {
        Line::from(rel)
    }));
    if show_scopes {
        cells.push(Cell::from(r.scopes_label.as_str()));
    }
    let dimmed = matches!(r.status, TokenStatus::Expired | TokenStatus::Revoked);
    let style = if selected {
        t.selected()
    } else if dimmed {
        t.dim()
    } else {
        Style::new()
    };
    TableRow::new(cells).style(style)
}
