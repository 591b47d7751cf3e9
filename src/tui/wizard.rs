//! The create wizard (`n`) and the edit dialog (`e`), which share steps: name, lifespan,
//! organization (create only), scopes, review. Every step validates inline before any request;
//! a policy error from the service brings the user back to the step it concerns.

use crate::azure::scopes::{self, GROUPS, Preset, ScopeGroup, ScopeLevel};
use crate::azure::{
    ApiError, FULL_ACCESS_SCOPE, PatToken, PatTokenCreateRequest, PatTokenError,
    PatTokenUpdateRequest,
};
use crate::ops::validate;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context, TextEdit, text_edit};
use crate::tui::{format, view};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use uuid::Uuid;

/// The wizard's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Name,
    Lifespan,
    Organization,
    Scopes,
    Review,
}

impl Step {
    fn title(self, org_word: &str) -> &'static str {
        match self {
            Step::Name => "Name",
            Step::Lifespan => "Lifespan",
            Step::Organization if org_word == "collection" => "Collection",
            Step::Organization => "Organization",
            Step::Scopes => "Scopes",
            Step::Review => "Review",
        }
    }
}

/// Create a token, or edit an existing one.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Create,
    Edit {
        id: Uuid,
        org: String,
        original: Box<PatToken>,
    },
}

/// The wizard's state.
#[derive(Debug, Clone)]
pub struct Wizard {
    pub mode: Mode,
    pub step: Step,
    pub name: String,
    /// Index into the lifespan options (edit mode has "keep" first).
    pub lifespan: usize,
    pub custom_date: String,
    pub orgs: Vec<String>,
    /// Index into `orgs`; `orgs.len()` = all accessible organizations.
    pub org: usize,
    pub full_access: bool,
    /// The service's scope groups (the cloud's [`GROUPS`], or a server version's).
    pub groups: &'static [ScopeGroup],
    /// The lifespans offered (days), besides a custom date.
    pub lifespan_days: &'static [u32],
    /// Chosen level index per group (by group position in `groups`).
    pub levels: Vec<Option<usize>>,
    pub search: String,
    /// Cursor among the groups matching the search.
    pub cursor: usize,
    pub presets: Vec<Preset>,
    /// Inline validation message of the current step.
    pub error: Option<String>,
    /// True while the request is in flight.
    pub submitting: bool,
    /// A create whose answer was lost although the service minted the token: enter revokes
    /// it and creates again, esc keeps it.
    pub lost: Option<crate::ops::orphans::Orphan>,
    /// Whether the service retires tokens for all organizations (the cloud; a server's "all
    /// collections" tokens are not retired).
    pub retiring_global: bool,
    /// "organization" or "collection".
    pub org_word: &'static str,
}

/// A lifespan option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifespan {
    Keep,
    Days(u32),
    Custom,
}

impl Wizard {
    /// A new create wizard.
    pub fn create(orgs: Vec<String>, current: Option<&str>, presets: Vec<Preset>) -> Wizard {
        let org = current
            .and_then(|c| orgs.iter().position(|o| o.eq_ignore_ascii_case(c)))
            .unwrap_or(0);
        let default_lifespan = validate::LIFESPAN_PRESETS
            .iter()
            .position(|d| *d == validate::DEFAULT_LIFESPAN_DAYS)
            .unwrap_or(1);
        let groups = GROUPS;
        Wizard {
            mode: Mode::Create,
            step: Step::Name,
            name: String::new(),
            lifespan: default_lifespan,
            custom_date: String::new(),
            orgs,
            org,
            full_access: false,
            groups,
            lifespan_days: &validate::LIFESPAN_PRESETS,
            levels: vec![None; groups.len()],
            search: String::new(),
            cursor: 0,
            presets,
            error: None,
            submitting: false,
            lost: None,
            retiring_global: true,
            org_word: "organization",
        }
    }

    /// An edit dialog over `token` (listed in `org`).
    pub fn edit(token: &PatToken, org: &str, presets: Vec<Preset>) -> Wizard {
        let mut w = Wizard::create(vec![org.to_owned()], Some(org), presets);
        w.mode = Mode::Edit {
            id: token.authorization_id,
            org: org.to_owned(),
            original: Box::new(token.clone()),
        };
        w.name = token.display_name.clone();
        w.lifespan = 0; // keep
        w.full_access = token.is_full_access();
        w.select_scopes(token.scopes());
        w
    }

    /// The edit dialog over `token`, with the service's scopes and lifespans.
    pub fn edit_for(
        token: &PatToken,
        org: &str,
        presets: Vec<Preset>,
        service: &crate::tui::service::ServiceInfo,
    ) -> Wizard {
        let mut w = Wizard::edit(token, org, presets).for_service(service);
        w.lifespan = 0; // keep
        w.select_scopes(token.scopes());
        w
    }

    /// Uses the service's scope groups and lifespans (a server's, say).
    pub fn for_service(mut self, service: &crate::tui::service::ServiceInfo) -> Wizard {
        self.groups = service.scope_groups;
        self.levels = vec![None; self.groups.len()];
        self.retiring_global = service.caps.retiring_global_tokens;
        self.org_word = service.org_word;
        if let Some(days) = service.lifespan_days {
            self.lifespan_days = days;
            if !self.is_edit() {
                // The service's default: its shortest lifespan.
                self.lifespan = 0;
            }
        }
        self
    }

    /// The group and level of a scope id among this wizard's groups.
    fn find(&self, scope: &str) -> Option<(usize, usize)> {
        self.groups.iter().enumerate().find_map(|(gi, g)| {
            g.levels
                .iter()
                .position(|l: &ScopeLevel| l.scope.eq_ignore_ascii_case(scope))
                .map(|li| (gi, li))
        })
    }

    /// Selects exactly `scopes` (ids this service does not offer are dropped).
    fn select_scopes<'a>(&mut self, scopes: impl IntoIterator<Item = &'a str>) {
        self.levels = vec![None; self.groups.len()];
        for s in scopes {
            if let Some((g, l)) = self.find(s) {
                self.levels[g] = Some(l);
            }
        }
    }

    fn is_edit(&self) -> bool {
        matches!(self.mode, Mode::Edit { .. })
    }

    fn steps(&self) -> Vec<Step> {
        if self.is_edit() {
            vec![Step::Name, Step::Lifespan, Step::Scopes, Step::Review]
        } else {
            vec![
                Step::Name,
                Step::Lifespan,
                Step::Organization,
                Step::Scopes,
                Step::Review,
            ]
        }
    }

    fn lifespans(&self) -> Vec<Lifespan> {
        let mut v = Vec::new();
        if self.is_edit() {
            v.push(Lifespan::Keep);
        }
        v.extend(self.lifespan_days.iter().map(|d| Lifespan::Days(*d)));
        v.push(Lifespan::Custom);
        v
    }

    fn current_lifespan(&self) -> Lifespan {
        self.lifespans()
            .get(self.lifespan)
            .copied()
            .unwrap_or(Lifespan::Days(validate::DEFAULT_LIFESPAN_DAYS))
    }

    /// The expiry chosen, or why it is not valid (None = keep the current one).
    pub fn valid_to(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
        match self.current_lifespan() {
            Lifespan::Keep => Ok(None),
            Lifespan::Days(d) => validate::expiry_in_days(d, now).map(Some),
            Lifespan::Custom => validate::expiry_date(&self.custom_date, now).map(Some),
        }
    }

    /// The scope string chosen, or why not.
    pub fn scope(&self) -> Result<String, String> {
        if self.full_access {
            return Ok(FULL_ACCESS_SCOPE.to_owned());
        }
        let chosen: Vec<&str> = self
            .levels
            .iter()
            .enumerate()
            .filter_map(|(g, l)| l.map(|l| self.groups[g].levels[l].scope))
            .collect();
        if chosen.is_empty() {
            return Err("Choose at least one scope, or Full access.".into());
        }
        Ok(chosen.join(" "))
    }

    /// "Organization" or "Collection".
    fn title_word(&self) -> &'static str {
        Step::Organization.title(self.org_word)
    }

    /// The choice for every organization (or collection).
    fn all_label(&self) -> &'static str {
        if self.org_word == "collection" {
            "All collections"
        } else {
            "All accessible organizations"
        }
    }

    fn all_orgs(&self) -> bool {
        self.org >= self.orgs.len()
    }

    /// Groups matching the search (indices into `groups`).
    pub fn matching_groups(&self) -> Vec<usize> {
        let q = self.search.to_lowercase();
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                q.is_empty()
                    || g.name.to_lowercase().contains(&q)
                    || g.levels
                        .iter()
                        .any(|l| l.scope.contains(&q) || l.label.to_lowercase().contains(&q))
            })
            .map(|(i, _)| i)
            .collect()
    }

    fn validate_step(&self, now: DateTime<Utc>) -> Result<(), String> {
        match self.step {
            Step::Name => validate::name(&self.name).map(|_| ()),
            Step::Lifespan => self.valid_to(now).map(|_| ()),
            Step::Organization => {
                if self.all_orgs()
                    && self.retiring_global
                    && crate::ops::retirement::global_creation_blocked(now)
                {
                    Err(crate::ops::retirement::global_choice_note(now))
                } else if self.orgs.is_empty() && !self.all_orgs() {
                    Err("No organization is known.".into())
                } else {
                    Ok(())
                }
            }
            Step::Scopes => self.scope().map(|_| ()),
            Step::Review => Ok(()),
        }
    }

    fn go(&mut self, delta: isize) {
        let steps = self.steps();
        let i = steps.iter().position(|s| *s == self.step).unwrap_or(0) as isize + delta;
        if let Some(s) = steps.get(i.max(0) as usize) {
            self.step = *s;
        }
    }

    /// The create request, once everything is valid.
    pub fn create_request(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(String, PatTokenCreateRequest), String> {
        let name = validate::name(&self.name)?;
        let valid_to = self
            .valid_to(now)?
            .unwrap_or(now + chrono::Duration::days(i64::from(validate::DEFAULT_LIFESPAN_DAYS)));
        let scope = self.scope()?;
        let all = self.all_orgs();
        // A global token is created through any organization; use the first one.
        let org = self
            .orgs
            .get(if all { 0 } else { self.org })
            .cloned()
            .ok_or("No organization is known.")?;
        Ok((
            org,
            PatTokenCreateRequest {
                display_name: name,
                scope,
                valid_to,
                all_orgs: all,
            },
        ))
    }

    /// The update request (full current values with the changes), once valid.
    pub fn update_request(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(String, PatTokenUpdateRequest), String> {
        let Mode::Edit { id, org, original } = &self.mode else {
            return Err("not editing".into());
        };
        Ok((
            org.clone(),
            PatTokenUpdateRequest {
                authorization_id: *id,
                display_name: Some(validate::name(&self.name)?),
                scope: Some(self.scope()?),
                valid_to: Some(self.valid_to(now)?.unwrap_or(original.valid_to)),
                all_orgs: Some(original.is_global()),
            },
        ))
    }

    /// A service error: back to the step it concerns, with the message in place.
    pub fn on_error(&mut self, e: &ApiError) {
        self.submitting = false;
        self.step = match e.pat_error() {
            Some(PatTokenError::DisplayNameRequired | PatTokenError::InvalidDisplayName) => {
                Step::Name
            }
            Some(
                PatTokenError::InvalidValidTo
                | PatTokenError::PatLifespanPolicyViolation
                | PatTokenError::ExpiredPatCannotBeExtended,
            ) => Step::Lifespan,
            Some(PatTokenError::InvalidScope | PatTokenError::FullScopePatPolicyViolation) => {
                Step::Scopes
            }
            Some(
                PatTokenError::GlobalPatPolicyViolation
                | PatTokenError::GlobalPatCreationBlocked
                | PatTokenError::InvalidTargetAccounts,
            ) if !self.is_edit() => Step::Organization,
            _ => Step::Review,
        };
        let retry = if e.is_transient() {
            " Confirm again to try again."
        } else {
            ""
        };
        self.error = Some(format!("{e}{retry}"));
    }
}

/// Handles a key; returns (keep the wizard open, commands).
pub fn on_key(app: &mut App, w: &mut Wizard, key: KeyEvent) -> (bool, Vec<Command>) {
    if w.submitting {
        return (true, vec![]);
    }
    let now = app.now;
    let action = app.keymap.action(Context::Dialog, &key);
    if w.lost.is_some() {
        match action {
            Some(Action::Confirm) => {
                let Some(orphan) = w.lost.take() else {
                    return (true, vec![]);
                };
                let mut cmds = vec![Command::ResolveOrphans {
                    orphans: vec![(orphan, true)],
                    revokes: vec![],
                    forget: vec![],
                }];
                match w.create_request(now) {
                    Ok((org, req)) => {
                        w.submitting = true;
                        w.error = None;
                        cmds.push(Command::Create { org, req });
                    }
                    Err(e) => w.error = Some(e),
                }
                return (true, cmds);
            }
            Some(Action::Close) => {
                let Some(orphan) = w.lost.take() else {
                    return (true, vec![]);
                };
                w.error = Some(format!(
                    "Kept {}: its value is lost; revoke it from the list when you want.",
                    crate::text::sanitize(&orphan.token.display_name)
                ));
                return (
                    true,
                    vec![Command::ResolveOrphans {
                        orphans: vec![(orphan, false)],
                        revokes: vec![],
                        forget: vec![],
                    }],
                );
            }
            _ => return (true, vec![]),
        }
    }
    match action {
        Some(Action::Close) => {
            if w.step == Step::Name || (w.step == Step::Scopes && !w.search.is_empty()) {
                if w.step == Step::Scopes {
                    w.search.clear();
                    w.cursor = 0;
                    return (true, vec![]);
                }
                return (false, vec![]);
            }
            w.error = None;
            w.go(-1);
            return (true, vec![]);
        }
        Some(Action::PrevField) => {
            w.error = None;
            w.go(-1);
            return (true, vec![]);
        }
        Some(Action::Confirm | Action::NextField) => {
            if let Err(e) = w.validate_step(now) {
                w.error = Some(e);
                return (true, vec![]);
            }
            w.error = None;
            if w.step == Step::Review {
                if action == Some(Action::NextField) {
                    return (true, vec![]);
                }
                w.submitting = true;
                let cmd = match &w.mode {
                    Mode::Create => w
                        .create_request(now)
                        .map(|(org, req)| Command::Create { org, req }),
                    Mode::Edit { .. } => w
                        .update_request(now)
                        .map(|(org, req)| Command::Update { org, req }),
                };
                return match cmd {
                    Ok(c) => (true, vec![c]),
                    Err(e) => {
                        w.submitting = false;
                        w.error = Some(e);
                        (true, vec![])
                    }
                };
            }
            w.go(1);
            return (true, vec![]);
        }
        _ => {}
    }
    let edit = text_edit(&key);
    // A printable key in a step that types (name, date, search) is text, not a binding.
    let typing = matches!(edit, Some(TextEdit::Insert(c)) if c != ' ');
    let nav = if typing { None } else { app.keymap.nav(&key) };
    match w.step {
        Step::Name => {
            if let Some(e) = edit {
                e.apply(&mut w.name);
            }
        }
        Step::Lifespan => {
            let n = w.lifespans().len();
            match (edit, nav) {
                (Some(TextEdit::Insert(c)), _) if c.is_ascii_digit() || c == '-' => {
                    w.lifespan = n - 1;
                    if w.custom_date.len() < 10 {
                        w.custom_date.push(c);
                    }
                }
                (Some(TextEdit::DeleteBack | TextEdit::Clear), _) => {
                    if let Some(e) = edit {
                        e.apply(&mut w.custom_date);
                    }
                }
                (_, Some(Action::Up)) => w.lifespan = w.lifespan.saturating_sub(1),
                (_, Some(Action::Down)) => w.lifespan = (w.lifespan + 1).min(n - 1),
                (_, Some(Action::Top | Action::PageUp)) => w.lifespan = 0,
                (_, Some(Action::Bottom | Action::PageDown)) => w.lifespan = n - 1,
                // j and k move even though they are letters: no letter is part of a date.
                (Some(TextEdit::Insert(_)), _) => match app.keymap.nav(&key) {
                    Some(Action::Up) => w.lifespan = w.lifespan.saturating_sub(1),
                    Some(Action::Down) => w.lifespan = (w.lifespan + 1).min(n - 1),
                    _ => {}
                },
                _ => {}
            }
            w.error = None;
        }
        Step::Organization => {
            // After the retirement of global tokens, "all organizations" is not offered.
            let last = if app.service.caps.retiring_global_tokens
                && crate::ops::retirement::global_creation_blocked(app.now)
            {
                w.orgs.len().saturating_sub(1)
            } else {
                w.orgs.len()
            };
            match app.keymap.nav(&key) {
                Some(Action::Up) => w.org = w.org.saturating_sub(1),
                Some(Action::Down) => w.org = (w.org + 1).min(last),
                Some(Action::Top | Action::PageUp) => w.org = 0,
                Some(Action::Bottom | Action::PageDown) => w.org = last,
                _ => {}
            }
        }
        Step::Scopes => {
            let groups = w.matching_groups();
            let act = if typing { None } else { action };
            let step_level = |w: &mut Wizard, forward: bool| {
                if let Some(g) = groups.get(w.cursor) {
                    w.full_access = false;
                    let n = w.groups[*g].levels.len();
                    // None → level 0 → … → last → None
                    let cur = w.levels[*g].map_or(0, |l| l + 1);
                    let next = if forward {
                        (cur + 1) % (n + 1)
                    } else {
                        (cur + n) % (n + 1)
                    };
                    w.levels[*g] = next.checked_sub(1);
                }
            };
            match (act, nav) {
                (Some(Action::FullAccess), _) => w.full_access = !w.full_access,
                (Some(Action::NextChoice | Action::Toggle), _) => step_level(w, true),
                (Some(Action::PrevChoice), _) => step_level(w, false),
                (_, Some(Action::Up)) => w.cursor = w.cursor.saturating_sub(1),
                (_, Some(Action::Down)) => {
                    w.cursor = (w.cursor + 1).min(groups.len().saturating_sub(1))
                }
                (_, Some(Action::PageUp)) => w.cursor = w.cursor.saturating_sub(10),
                (_, Some(Action::PageDown)) => {
                    w.cursor = (w.cursor + 10).min(groups.len().saturating_sub(1))
                }
                (_, Some(Action::Top)) => w.cursor = 0,
                (_, Some(Action::Bottom)) => w.cursor = groups.len().saturating_sub(1),
                _ => match edit {
                    // Digits pick a numbered preset.
                    Some(TextEdit::Insert(c)) if c.is_ascii_digit() && c != '0' => {
                        let i = (c as u8 - b'1') as usize;
                        if let Some(p) = w.presets.get(i).cloned() {
                            w.full_access = false;
                            w.select_scopes(p.scopes.iter().map(String::as_str));
                            app.toast(format!("Preset applied: {}", p.name));
                        }
                    }
                    Some(e) => {
                        e.apply(&mut w.search);
                        w.cursor = 0;
                    }
                    None => {}
                },
            }
            w.error = None;
        }
        Step::Review => {}
    }
    (true, vec![])
}

/// The bottom bar's items for the current step.
pub fn hints(app: &App, w: &Wizard) -> Vec<(String, String)> {
    let items: Vec<(Action, &str)> = if w.lost.is_some() {
        vec![
            (Action::Confirm, "revoke it and create again"),
            (Action::Close, "keep it"),
        ]
    } else {
        match w.step {
            Step::Scopes => vec![
                (Action::Down, "group"),
                (Action::NextChoice, "level"),
                (Action::FullAccess, "full access"),
                (Action::Confirm, "next"),
                (Action::PrevField, "back"),
            ],
            Step::Review => vec![
                (Action::Confirm, if w.is_edit() { "save" } else { "create" }),
                (Action::PrevField, "back"),
                (Action::Close, "back"),
            ],
            Step::Lifespan | Step::Organization => vec![
                (Action::Down, "choose"),
                (Action::Confirm, "next"),
                (Action::PrevField, "back"),
                (Action::Close, "back"),
            ],
            Step::Name => vec![
                (Action::Confirm, "next"),
                (Action::PrevField, "back"),
                (Action::Close, "back"),
            ],
        }
    };
    view::key_hints(app, &items)
}

/// Draws the wizard.
pub fn render(app: &App, frame: &mut Frame, w: &Wizard) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 90, 30);
    let title = if w.is_edit() {
        "Edit token"
    } else {
        "New token"
    };
    let block = view::popup(frame, area, title, t.title());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [steps_area, body, err_area, hint_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    let mut spans = Vec::new();
    for (i, s) in w.steps().iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", t.dim()));
        }
        let style = if *s == w.step { t.selected() } else { t.dim() };
        spans.push(Span::styled(format!(" {} ", s.title(w.org_word)), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), steps_area);
    let lines = match w.step {
        Step::Name => vec![
            Line::from("Name your token:"),
            Line::from(Span::styled(format!("> {}▏", w.name), t.key())),
            Line::from(""),
            Line::from(Span::styled(
                format!(
                    "Up to {} characters. Leading and trailing spaces are trimmed.",
                    validate::MAX_NAME_CHARS
                ),
                t.dim(),
            )),
        ],
        Step::Lifespan => lifespan_lines(app, w),
        Step::Organization if !w.retiring_global => {
            let mut v = vec![Line::from(format!("{}:", w.title_word()))];
            for (i, o) in w.orgs.iter().enumerate() {
                v.push(choice(app, i == w.org, o));
            }
            v.push(choice(app, w.all_orgs(), w.all_label()));
            v
        }
        Step::Organization => {
            let mut v = vec![Line::from("Organization:")];
            for (i, o) in w.orgs.iter().enumerate() {
                v.push(choice(app, i == w.org, o));
            }
            let note = crate::ops::retirement::global_choice_note(app.now);
            if crate::ops::retirement::global_creation_blocked(app.now) {
                v.push(Line::from(""));
                v.push(Line::from(Span::styled(note, t.dim())));
            } else {
                v.push(choice(app, w.all_orgs(), "All accessible organizations"));
                if w.all_orgs() {
                    v.push(Line::from(""));
                    v.push(Line::from(Span::styled(format!("⚠ {note}"), t.warning())));
                }
            }
            v
        }
        Step::Scopes => scope_lines(app, w, usize::from(body.height)),
        Step::Review => review_lines(app, w),
    };
    let para = Paragraph::new(lines);
    let para = if w.step == Step::Scopes {
        para
    } else {
        para.wrap(Wrap { trim: false })
    };
    frame.render_widget(para, body);
    if let Some(e) = &w.error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("✗ {e}"), t.error())).wrap(Wrap { trim: true }),
            err_area,
        );
    } else if w.submitting {
        frame.render_widget(Paragraph::new(Span::styled("Sending…", t.key())), err_area);
    }
    let mut hint = hints(app, w)
        .into_iter()
        .map(|(k, l)| format!("{k} {l}"))
        .collect::<Vec<_>>()
        .join("  ");
    if w.step == Step::Scopes && w.lost.is_none() {
        hint = format!("type to search  1-9 preset  {hint}");
    }
    frame.render_widget(Paragraph::new(Span::styled(hint, t.dim())), hint_area);
}

fn choice<'a>(app: &App, on: bool, label: &str) -> Line<'a> {
    let mark = if on { "(●)" } else { "( )" };
    let text = format!("  {mark} {label}");
    if on {
        Line::styled(text, app.theme.key())
    } else {
        Line::from(text)
    }
}

fn lifespan_lines(app: &App, w: &Wizard) -> Vec<Line<'static>> {
    let mut v = vec![Line::from("Expiration:")];
    for (i, l) in w.lifespans().iter().enumerate() {
        let label = match l {
            Lifespan::Keep => match &w.mode {
                Mode::Edit { original, .. } => {
                    format!("Keep ({})", original.valid_to.format("%Y-%m-%d"))
                }
                Mode::Create => "Keep".into(),
            },
            Lifespan::Days(365) => "1 year".into(),
            Lifespan::Days(d) => {
                let when = app.now + chrono::Duration::days(i64::from(*d));
                format!("{d} days  ({})", when.format("%Y-%m-%d"))
            }
            Lifespan::Custom => format!("Custom date (YYYY-MM-DD): {}▏", w.custom_date),
        };
        v.push(choice(app, i == w.lifespan, &label));
    }
    if w.current_lifespan() == Lifespan::Custom {
        v.push(Line::from(""));
        v.push(match validate::expiry_date(&w.custom_date, app.now) {
            Ok(d) => Line::styled(validate::describe_date(d, app.now), app.theme.ok()),
            Err(_) if w.custom_date.is_empty() => {
                Line::styled("Type a date, e.g. 2027-01-31", app.theme.dim())
            }
            Err(e) => Line::styled(e, app.theme.warning()),
        });
    }
    v
}

fn scope_lines(app: &App, w: &Wizard, height: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut v = vec![
        Line::from(vec![
            Span::raw("Scopes: "),
            Span::styled(
                if w.full_access {
                    "(●) Full access"
                } else {
                    "( ) Full access"
                },
                if w.full_access { t.key() } else { t.dim() },
            ),
            Span::raw("   "),
            Span::styled(
                if w.full_access {
                    "( ) Custom defined"
                } else {
                    "(●) Custom defined"
                },
                if w.full_access { t.dim() } else { t.key() },
            ),
        ]),
        Line::from(vec![
            Span::raw("Search: "),
            Span::styled(format!("{}▏", w.search), t.key()),
            Span::styled(
                format!(
                    "   presets: {}",
                    w.presets
                        .iter()
                        .take(9)
                        .enumerate()
                        .map(|(i, p)| format!("{} {}", i + 1, p.name))
                        .collect::<Vec<_>>()
                        .join(" · ")
                ),
                t.dim(),
            ),
        ]),
    ];
    if w.full_access {
        v.push(Line::from(""));
        v.push(Line::styled(
            "⚠ Full access grants every scope, in every project. Prefer custom scopes.",
            t.high_privilege(),
        ));
        return v;
    }
    let groups = w.matching_groups();
    let room = height.saturating_sub(3).max(1);
    let start = w.cursor.saturating_sub(room.saturating_sub(1));
    for (i, g) in groups.iter().enumerate().skip(start).take(room) {
        let group = &w.groups[*g];
        let level = w.levels[*g].map(|l| group.levels[l]);
        let mut spans = vec![Span::styled(
            format!(
                "{} {:<30}",
                if i == w.cursor { "›" } else { " " },
                group.name
            ),
            if i == w.cursor {
                t.selected()
            } else if level.is_some() {
                t.key()
            } else {
                ratatui::style::Style::new()
            },
        )];
        match level {
            Some(l) => {
                spans.push(Span::raw(format!(" {}", l.label)));
                if scopes::is_high_privilege(l.scope) {
                    spans.push(Span::styled(" ⚠ high privilege", t.high_privilege()));
                }
            }
            None => spans.push(Span::styled(
                format!(
                    " — ({})",
                    group
                        .levels
                        .iter()
                        .map(|l| l.label)
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
                t.dim(),
            )),
        }
        v.push(Line::from(spans));
    }
    if groups.is_empty() {
        v.push(Line::styled("No scope group matches the search.", t.dim()));
    }
    v
}

fn review_lines(app: &App, w: &Wizard) -> Vec<Line<'static>> {
    let t = &app.theme;
    let now = app.now;
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), t.header()),
            Span::raw(v),
        ])
    };
    let mut v = vec![
        Line::from(if w.is_edit() {
            "This update will be sent:"
        } else {
            "This request will be sent:"
        }),
        Line::from(""),
    ];
    v.push(field("Name", w.name.trim().to_owned()));
    let expires = match w.valid_to(now) {
        Ok(Some(d)) => format!(
            "{} ({})",
            d.format("%Y-%m-%d %H:%M UTC"),
            format::relative(d, now)
        ),
        Ok(None) => "unchanged".into(),
        Err(e) => e,
    };
    v.push(field("Expires", expires));
    if !w.is_edit() {
        v.push(field(
            w.title_word(),
            if w.all_orgs() {
                w.all_label().into()
            } else {
                w.orgs.get(w.org).cloned().unwrap_or_default()
            },
        ));
    }
    match w.scope() {
        Ok(s) => {
            v.push(field("Scopes", s.clone()));
            v.push(field("", scopes::describe(&s)));
        }
        Err(e) => v.push(field("Scopes", e)),
    }
    if !w.is_edit() {
        v.push(Line::from(""));
        v.push(Line::styled(
            "The token is stored in your keyring and shown once.",
            t.dim(),
        ));
    }
    v
}
