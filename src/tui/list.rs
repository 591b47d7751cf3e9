//! The token list: its rows (with their derived text precomputed), the sort keys, the live
//! filter and the status view, the selection and scrolling, and the table drawn from them. Only
//! the visible window of rows is built, so a frame over 10,000 tokens costs the same as over
//! 40. Columns drop on narrow terminals: scopes first, then created, then absolute dates.

use crate::azure::scopes;
use crate::ops::inventory::TokenStatus;
use crate::ops::inventory::{TokenEntry, org_label};
use crate::tui::app::App;
use crate::tui::format;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Client-side sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Created,
    Expires,
    Status,
    Organization,
}

impl SortKey {
    /// The order to ask the service for: its own sort where it has one for this key (so the
    /// first page is the top of the list); by name otherwise (the list sorts as pages come).
    pub fn server_order(self, ascending: bool) -> crate::ops::inventory::Order {
        use crate::azure::ServerSort;
        let sort = match self {
            SortKey::Name | SortKey::Created | SortKey::Organization => ServerSort::DisplayName,
            SortKey::Expires => ServerSort::DisplayDate,
            SortKey::Status => ServerSort::Status,
        };
        crate::ops::inventory::Order { sort, ascending }
    }

    const ORDER: [SortKey; 5] = [
        SortKey::Name,
        SortKey::Created,
        SortKey::Expires,
        SortKey::Status,
        SortKey::Organization,
    ];

    /// The column label.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Created => "created",
            SortKey::Expires => "expires",
            SortKey::Status => "status",
            SortKey::Organization => "organization",
        }
    }

    pub(crate) fn next(self) -> SortKey {
        let i = Self::ORDER.iter().position(|k| *k == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }
}

/// Shared copies of the texts many rows have in common (an organization's label, a scope
/// list's description): 10,000 rows of one organization hold one copy, not 10,000.
#[derive(Debug, Default)]
pub struct Interner(std::collections::HashSet<Arc<str>>);

impl Interner {
    /// The shared copy of `s`.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(Arc::clone(&a));
        a
    }
}

/// One row, with its derived text precomputed (filtering 10,000 rows stays cheap). Texts shared
/// by many rows are interned.
#[derive(Debug, Clone)]
pub struct Row {
    pub entry: TokenEntry,
    pub status: TokenStatus,
    pub org_label: Arc<str>,
    pub scopes_label: Arc<str>,
    /// Lower-cased name, organization and scopes (description and ids), for the live filter
    /// and for sorting without allocating.
    /// The lower-cased name, kept only where it differs from the name (most names are
    /// lower-case already: 10,000 rows then hold no second copy).
    name_lower: Option<Box<str>>,
    org_key: Arc<str>,
    scopes_key: Arc<str>,
}

impl Row {
    pub(crate) fn new(
        entry: TokenEntry,
        names: &HashMap<Uuid, String>,
        now: DateTime<Utc>,
        interner: &mut Interner,
    ) -> Row {
        let status = TokenStatus::of(&entry.token, entry.revoked, now);
        let org = org_label(&entry.token, names);
        let org_label = interner.get(&org);
        let org_key = interner.get(&org.to_lowercase());
        let described = scopes::describe(&entry.token.scope);
        let scopes_key =
            interner.get(&format!("{described}\u{1}{}", entry.token.scope).to_lowercase());
        let scopes_label = interner.get(&described);
        let lower = entry.token.display_name.to_lowercase();
        let name_lower = (lower != entry.token.display_name).then(|| lower.into_boxed_str());
        Row {
            entry,
            status,
            org_label,
            scopes_label,
            name_lower,
            org_key,
            scopes_key,
        }
    }

    /// The lower-cased name, for sorting and the filter.
    fn name_key(&self) -> &str {
        self.name_lower
            .as_deref()
            .unwrap_or(&self.entry.token.display_name)
    }

    /// True when the live filter's lower-cased `needle` is in the name, organization or scopes.
    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.name_key().contains(needle)
            || self.org_key.contains(needle)
            || self.scopes_key.contains(needle)
    }

    /// The token id.
    pub fn id(&self) -> Uuid {
        self.entry.token.authorization_id
    }
}

impl App {
    /// Relabels every row's organizations from the names known now.
    pub(crate) fn relabel_orgs(&mut self) {
        let names = &self.org_names;
        let interner = &mut self.interner;
        for r in &mut self.rows {
            let org = org_label(&r.entry.token, names);
            r.org_label = interner.get(&org);
            r.org_key = interner.get(&org.to_lowercase());
        }
    }

    /// The selected row.
    pub fn selected_row(&self) -> Option<&Row> {
        self.visible
            .get(self.selected)
            .and_then(|i| self.rows.get(*i))
            .map(|r| &**r)
    }

    /// A row by token id.
    pub fn row(&self, id: Uuid) -> Option<&Row> {
        self.rows.iter().find(|r| r.id() == id).map(|r| &**r)
    }

    /// Rows of the table body at the current size.
    pub fn page_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(6)).max(1)
    }

    /// Recomputes `visible` from rows, view, filter and sort, keeping the selection if possible.
    pub fn refilter(&mut self) {
        let keep = self.selected_row().map(Row::id);
        self.refilter_keeping(keep);
    }

    pub(crate) fn refilter_keeping(&mut self, keep: Option<Uuid>) {
        let needle = self.filter.to_lowercase();
        let mut visible: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| self.view.admits(r.status))
            .filter(|(_, r)| !self.attention_only || self.needs_attention(r))
            .filter(|(_, r)| r.matches(&needle))
            .map(|(i, _)| i)
            .collect();
        let rows = &self.rows;
        let key = self.sort;
        visible.sort_by(|a, b| {
            let (a, b) = (&rows[*a], &rows[*b]);
            let o = match key {
                SortKey::Name => a.name_key().cmp(b.name_key()),
                SortKey::Created => a.entry.token.valid_from.cmp(&b.entry.token.valid_from),
                SortKey::Expires => a.entry.token.valid_to.cmp(&b.entry.token.valid_to),
                SortKey::Status => status_rank(a.status).cmp(&status_rank(b.status)),
                SortKey::Organization => a.org_key.cmp(&b.org_key),
            }
            .then_with(|| a.name_key().cmp(b.name_key()))
            .then_with(|| a.id().cmp(&b.id()));
            if self.ascending { o } else { o.reverse() }
        });
        self.visible = visible;
        self.selected = keep
            .and_then(|id| self.visible.iter().position(|i| self.rows[*i].id() == id))
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
        self.scroll_into_view();
    }

    pub(crate) fn scroll_into_view(&mut self) {
        let page = self.page_rows();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        let max_offset = self.visible.len().saturating_sub(page);
        self.offset = self.offset.min(max_offset);
    }

    pub(crate) fn move_to(&mut self, i: isize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = i.clamp(0, last.max(0)) as usize;
        self.scroll_into_view();
    }

    /// Adds a page of the current load: the first page replaces the last load's rows; a token
    /// listed again (a global one, under another organization) is merged; the selection stays on
    /// the same token.
    pub(crate) fn add_page(
        &mut self,
        org: &str,
        revoked: bool,
        tokens: Vec<crate::azure::PatToken>,
    ) {
        let keep = self.selected_row().map(Row::id);
        if self.pages_seen == 0 {
            self.rows.clear();
            self.row_index.clear();
        }
        self.pages_seen += 1;
        let now = self.now;
        for token in tokens {
            let id = token.authorization_id;
            if let Some(&i) = self.row_index.get(&id) {
                if revoked && !self.rows[i].entry.revoked {
                    self.rows[i].entry.revoked = true;
                    self.rows[i].status = TokenStatus::of(&self.rows[i].entry.token, true, now);
                }
                continue;
            }
            let entry = TokenEntry {
                token,
                revoked,
                listed_in: self.interner.get(org),
            };
            if let Some([only]) = entry.token.target_accounts.as_deref() {
                self.org_names
                    .entry(*only)
                    .or_insert_with(|| org.to_owned());
            }
            self.row_index.insert(id, self.rows.len());
            self.rows.push(Box::new(Row::new(
                entry,
                &self.org_names,
                now,
                &mut self.interner,
            )));
        }
        self.recompute_attention();
        self.refilter_keeping(keep);
    }

    /// Replaces the rows with a fresh load.
    pub(crate) fn set_entries(&mut self, entries: Vec<TokenEntry>) {
        let keep = self.selected_row().map(Row::id);
        crate::ops::inventory::learn_org_names(&entries, &mut self.org_names);
        let now = self.now;
        let names = &self.org_names;
        let interner = &mut self.interner;
        self.rows = entries
            .into_iter()
            .map(|e| Box::new(Row::new(e, names, now, interner)))
            .collect();
        self.row_index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id(), i))
            .collect();
        self.pages_seen = 0;
        self.visible.clear();
        self.recompute_attention();
        self.refilter_keeping(keep);
    }

    /// True when `r` needs attention (the `!` filter).
    pub(crate) fn needs_attention(&self, r: &Row) -> bool {
        let id = r.id();
        self.attention
            .global
            .iter()
            .chain(&self.attention.expiring)
            .any(|e| e.token.authorization_id == id)
            || (self.stored.contains(&id)
                && matches!(
                    r.status,
                    TokenStatus::Expired | TokenStatus::Revoked | TokenStatus::Retired
                ))
    }

    /// Recomputes statuses (a tick crossed an expiry) and org labels.
    pub(crate) fn restatus(&mut self) {
        let now = self.now;
        let mut changed = false;
        for r in &mut self.rows {
            let s = TokenStatus::of(&r.entry.token, r.entry.revoked, now);
            if s != r.status {
                r.status = s;
                changed = true;
            }
        }
        if changed {
            self.recompute_attention();
            self.refilter();
        }
    }
}

fn status_rank(s: TokenStatus) -> u8 {
    match s {
        TokenStatus::Retired => 0,
        TokenStatus::Expiring { .. } => 1,
        TokenStatus::Active => 2,
        TokenStatus::Expired => 3,
        TokenStatus::Revoked => 4,
    }
}

/// Draws the table in `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let block = Block::new().borders(Borders::TOP).border_style(t.border());
    if app.rows.is_empty() || app.visible.is_empty() {
        let text = if !app.busy.is_empty() && app.rows.is_empty() {
            "Loading…".to_owned()
        } else if !app.filter.is_empty() {
            format!(
                "No token matches {:?} ({} clears the filter).",
                app.filter,
                app.keymap.keys_label(crate::tui::keymap::Action::Dismiss)
            )
        } else if app.loaded_once && app.service.caps.create {
            format!(
                "No {} tokens here. Press {} to create one.",
                app.view.name(),
                app.keymap.keys_label(crate::tui::keymap::Action::NewToken)
            )
        } else if app.loaded_once {
            format!("No {} tokens here.", app.view.name())
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
            &*r.org_label
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
        cells.push(Cell::from(&*r.scopes_label));
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
