//! The app state and `update(msg) -> commands`: the only place state changes. Network, keyring
//! and clipboard work is requested as [`Command`]s and comes back as [`Msg`]s.

use crate::azure::scopes::Preset;
use crate::azure::{
    Account, ApiError, PatToken, PatTokenCreateRequest, PatTokenUpdateRequest, scopes,
};
use crate::clipboard::CopyMethod;
use crate::ops::create::{Minted, Regenerated};
use crate::ops::inventory::{StatusView, TokenEntry};
use crate::ops::revoke::{RevokeProgress, RevokeReport, RevokeTarget};
use crate::secret::Secret;
use crate::tui::keymap::{Action, Context, Keymap};
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub use crate::tui::list::{Row, SortKey};
pub use crate::tui::modal::Modal;

/// Input to `update`.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// A mouse event (only when `mouse = true` in the config).
    Mouse(crossterm::event::MouseEvent),
    /// Time passed (spinner frames, toast expiry, relative dates).
    Tick(DateTime<Utc>),
    /// Organizations from the profile and accounts APIs.
    OrgsLoaded(Result<Vec<Account>, ApiError>),
    /// A page of the current load, shown as it arrives.
    Page {
        generation: u64,
        org: String,
        revoked: bool,
        tokens: Vec<PatToken>,
    },
    /// A load whose pages came as [`Msg::Page`] finished (the number of tokens listed).
    LoadDone {
        generation: u64,
        result: Result<usize, ApiError>,
    },
    /// A load finished.
    Loaded {
        generation: u64,
        result: Result<Vec<TokenEntry>, ApiError>,
    },
    /// Ids of tokens whose value is in the keyring.
    /// What the keyring holds (metadata only).
    Stored(Vec<crate::vault::TokenMeta>),
    /// The keyring self-check at start (Err: why no secure store works).
    KeyringStatus(Result<String, String>),
    Created(Result<Minted, ApiError>),
    Updated(Result<PatToken, ApiError>),
    Revoked {
        id: Uuid,
        result: Result<(), ApiError>,
    },
    Regenerated(Result<Regenerated, ApiError>),
    RevokeAllTargets(Result<Vec<RevokeTarget>, ApiError>),
    RevokeAllProgress(RevokeProgress),
    RevokeAllDone(RevokeReport),
    Copied(Result<CopyMethod, String>),
    Profile(crate::azure::Profile),
    /// The Entra tenant in use (after background discovery).
    Tenant(String),
    SignInCode(Result<(String, String, DateTime<Utc>), String>),
    SignedIn(Result<(), String>),
    /// The PAT typed into the server sign-in worked (it is in use and, when `Ok(true)`, kept in
    /// the keyring), or why not.
    /// A server sign-in worked (what to say) or did not (why).
    ServerSignedIn(Result<String, String>),
    /// What the service can do, asked again (a server's probe has run).
    Service(crate::tui::service::ServiceInfo),
    /// Signed out; the source that was in use.
    SignedOut(Result<Option<crate::auth::SourceKind>, String>),
    /// Where the access token in use came from (for the profile screen).
    SignInSource(Option<crate::auth::SourceKind>),
    /// Another program had the terminal (az login, a browser) and gave it back.
    HandedBack {
        what: crate::external::External,
        result: Result<(), crate::external::ExternalError>,
    },
    /// A create failed after the service minted the token anyway (its answer was lost).
    CreateLost {
        error: ApiError,
        orphan: Box<crate::ops::orphans::Orphan>,
    },
    /// The start-up check of the mint journal.
    Orphans(Result<crate::ops::orphans::Findings, String>),
    /// Orphans revoked or kept, interrupted revocations finished: (token id, outcome).
    OrphansResolved(Vec<(Uuid, Result<(), String>)>),
    /// One step of a migration: the state of migration `index`.
    MigrateStep {
        index: usize,
        migration: crate::ops::migrate::Migration,
    },
    /// Every migration ran (each is done, or reports what failed).
    MigrateDone(Vec<crate::ops::migrate::Migration>),
    /// A scan of the usual places for PATs in plain text finished (for the scan view).
    Scanned(Result<crate::scan::report::Report, String>),
    /// A copy of a stored token was removed from line `line` of `path` (the backup's path), or
    /// why not.
    CopyRemoved {
        path: std::path::PathBuf,
        line: usize,
        result: Result<std::path::PathBuf, String>,
    },
    /// Terminate: a signal (its number) arrived.
    Signal(i32),
    /// A background task panicked (the hook has restored the terminal already).
    Panicked,
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    LoadOrgs,
    LoadTokens {
        generation: u64,
        orgs: Vec<String>,
        view: StatusView,
        /// The order to ask the service for (the list's sort, where the service can sort by it).
        order: crate::ops::inventory::Order,
    },
    /// Suspend the process (ctrl-z).
    Suspend,
    /// Keyring self-check and the ids of stored tokens.
    CheckKeyring,
    /// The ids of stored tokens.
    RefreshStored,
    Create {
        org: String,
        req: PatTokenCreateRequest,
    },
    Update {
        org: String,
        req: PatTokenUpdateRequest,
    },
    Revoke {
        org: String,
        id: Uuid,
        name: String,
    },
    Regenerate {
        org: String,
        token: Box<PatToken>,
    },
    /// List the active tokens of these organizations for revoke-all.
    PrepareRevokeAll {
        orgs: Vec<String>,
    },
    /// The value of a minted token reached the user (copied): close its journal intent.
    Delivered {
        intent: Uuid,
        token: Uuid,
    },
    /// Check the mint journal for orphans and interrupted revocations.
    FindOrphans,
    /// Revoke (true) or keep each orphan; finish the interrupted revocations.
    ResolveOrphans {
        orphans: Vec<(crate::ops::orphans::Orphan, bool)>,
        revokes: Vec<crate::ops::orphans::Unfinished>,
        /// Stored values of dead tokens to forget.
        forget: Vec<Uuid>,
    },
    /// Run (or resume) these migrations of global tokens.
    Migrate {
        migrations: Vec<crate::ops::migrate::Migration>,
    },
    RevokeAll {
        targets: Vec<RevokeTarget>,
        concurrency: usize,
    },
    Copy {
        value: Secret,
        clear_after: u64,
    },
    CopyStored {
        id: Uuid,
        clear_after: u64,
    },
    /// A timer: after this many seconds, clear the clipboard if it still holds the token copied
    /// last (a copy with `clear_after` 0, such as a sign-in code, leaves nothing to clear).
    ClearClipboardAfter(u64),
    StartSignIn,
    /// Check this PAT with the server, use it, and keep it in the keyring.
    UseServerPat(crate::secret::Secret),
    /// Checks a Windows account (NTLM) with the server and keeps it in the keyring.
    UseServerWindowsAccount {
        account: String,
        password: crate::secret::Secret,
    },
    CancelSignIn,
    SignOut,
    /// Hand the terminal to another program and wait for it (done by the loop, not the runner).
    HandOver(crate::external::External),
    /// Run a program that needs no terminal (the platform's URL opener) in the background;
    /// its outcome comes back as `Msg::HandedBack`. The loop turns a `HandOver` into this.
    RunDetached(crate::external::External),
    /// After `az login`: take a token from the Azure CLI and use it.
    UseAzureCli,
    /// Scan the usual places for PATs in plain text and compare them with the keyring
    /// (answered by `Msg::Scanned`).
    Scan,
    /// Remove line `line` of `path`, which must still hold `value` (a backup is kept; answered
    /// by `Msg::CopyRemoved`).
    RemoveCopy {
        path: std::path::PathBuf,
        line: usize,
        value: Secret,
    },
}

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Toast { text: String, until: DateTime<Utc> },
    Error(String),
}

/// How long a success toast stays.
pub const TOAST_SECONDS: i64 = 3;

/// The whole state.
pub struct App {
    pub now: DateTime<Utc>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub demo: bool,
    /// Known organizations (config, --org, profile).
    pub orgs: Vec<String>,
    /// None = all organizations.
    pub current_org: Option<String>,
    pub org_names: HashMap<Uuid, String>,
    pub orgs_loaded: bool,
    /// Each row in its own allocation: the list grows page by page, and a vector of pointers
    /// doubles cheaply where a vector of rows would copy (and for a moment hold twice) them all.
    pub rows: Vec<Box<Row>>,
    /// Row position by token id, for merging pages as they arrive.
    pub(crate) row_index: HashMap<Uuid, usize>,
    /// Shared copies of the rows' common texts.
    pub(crate) interner: crate::tui::list::Interner,
    /// Pages of the current load received so far (0: the rows are still the last load's).
    pub(crate) pages_seen: usize,
    /// Indices into `rows`, filtered and sorted.
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row of the table (kept so the selection stays in view).
    pub offset: usize,
    pub view: StatusView,
    pub sort: SortKey,
    pub ascending: bool,
    pub filter: String,
    pub filter_editing: bool,
    pub modals: Vec<Modal>,
    /// Work in flight: id → label.
    pub busy: Vec<(u64, String)>,
    pub spinner: usize,
    pub notice: Option<Notice>,
    pub stored: HashSet<Uuid>,
    /// What the keyring holds (metadata only), for the attention line.
    pub stored_meta: Vec<crate::vault::TokenMeta>,
    /// What needs attention in the loaded tokens (global tokens, expiring ones, dead stored
    /// values); recomputed when tokens or the keyring's list change.
    pub attention: crate::ops::attention::Attention,
    /// Tokens expiring within this many days need attention.
    pub warn_days: u32,
    /// True while the list shows only what needs attention (`!`).
    pub attention_only: bool,
    /// What the mint journal's check found (orphans, interrupted revocations).
    pub orphans: crate::ops::orphans::Findings,
    /// Why tokens cannot be stored (no secure keyring), shown on screen.
    pub keyring_problem: Option<String>,
    pub clipboard_clear_seconds: u64,
    pub revoke_concurrency: usize,
    pub presets: Vec<Preset>,
    /// What the service can do and how it names things.
    pub service: crate::tui::service::ServiceInfo,
    /// The server's URL when the TUI is for an Azure DevOps Server (its sign-in takes a PAT).
    pub server: Option<String>,
    /// True when the sign-in screen can sign in (device code or `az login`).
    pub can_sign_in: bool,
    /// True when the device code flow may run.
    pub device_code: bool,
    /// The `az` program, when the Azure CLI source is on and `az` is installed (`a` runs az login).
    pub az_login: Option<String>,
    pub profile: Option<crate::azure::Profile>,
    pub tenant: Option<String>,
    /// Where the access token in use came from, once known.
    pub sign_in_source: Option<crate::auth::SourceKind>,
    pub generation: u64,
    pub loaded_once: bool,
    pub size: (u16, u16),
    pub quit: bool,
    /// The signal that ended the app.
    pub exit_signal: Option<i32>,
    /// True when a background task panicked.
    pub panicked: bool,
    /// Set when the screen must be drawn again.
    pub dirty: bool,
}

const LOAD_JOB: u64 = 1;
const ORGS_JOB: u64 = 2;

impl App {
    /// The minted token on screen whose value is neither in the keyring nor copied, if any.
    pub fn unsaved_token(&self) -> Option<&crate::tui::token_modal::TokenShown> {
        self.modals.iter().find_map(|m| match m {
            Modal::TokenShown(t) if !t.safe_to_close() => Some(&**t),
            _ => None,
        })
    }

    /// The global tokens among the loaded rows (not revoked), each once, with where it is listed.
    pub fn global_tokens(&self) -> Vec<(PatToken, String)> {
        let mut seen = HashSet::new();
        self.rows
            .iter()
            .filter(|r| r.entry.token.retires() && !r.entry.revoked)
            .filter(|r| seen.insert(r.entry.token.authorization_id))
            .map(|r| (r.entry.token.clone(), r.entry.listed_in.to_string()))
            .collect()
    }

    /// q or ctrl-c: quits, unless a token's value would be lost; then it asks first.
    pub fn request_quit(&mut self) {
        if self.unsaved_token().is_some() {
            self.modals.push(Modal::QuitConfirm(Box::default()));
        } else {
            self.quit = true;
        }
    }

    /// A fresh app; call [`App::start`] for the first commands.
    pub fn new(
        keymap: Keymap,
        theme: Theme,
        orgs: Vec<String>,
        current_org: Option<String>,
        now: DateTime<Utc>,
    ) -> App {
        App {
            now,
            keymap,
            theme,
            demo: false,
            orgs,
            current_org,
            org_names: HashMap::new(),
            orgs_loaded: false,
            rows: Vec::new(),
            row_index: HashMap::new(),
            interner: Default::default(),
            pages_seen: 0,
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            view: StatusView::Active,
            sort: SortKey::Name,
            ascending: true,
            filter: String::new(),
            filter_editing: false,
            modals: Vec::new(),
            busy: Vec::new(),
            spinner: 0,
            notice: None,
            stored: HashSet::new(),
            stored_meta: Vec::new(),
            attention: crate::ops::attention::assess(&[], &[], now, 7),
            warn_days: 7,
            attention_only: false,
            orphans: Default::default(),
            keyring_problem: None,
            clipboard_clear_seconds: 60,
            revoke_concurrency: crate::ops::revoke::DEFAULT_CONCURRENCY,
            presets: scopes::builtin_presets(),
            service: crate::tui::service::ServiceInfo::default(),
            server: None,
            can_sign_in: false,
            sign_in_source: None,
            device_code: false,
            az_login: None,
            profile: None,
            tenant: None,
            generation: 0,
            loaded_once: false,
            size: (80, 24),
            quit: false,
            exit_signal: None,
            panicked: false,
            dirty: true,
        }
    }

    /// The first commands: the organizations, and the tokens when an organization is known.
    pub fn start(&mut self) -> Vec<Command> {
        self.set_busy(ORGS_JOB, "Loading organizations…".into());
        let mut cmds = vec![Command::LoadOrgs, Command::CheckKeyring];
        if self.current_org.is_some() {
            cmds.extend(self.reload());
        }
        cmds
    }

    pub(crate) fn set_busy(&mut self, job: u64, label: String) {
        match self.busy.iter_mut().find(|(j, _)| *j == job) {
            Some(b) => b.1 = label,
            None => self.busy.push((job, label)),
        }
    }

    pub(crate) fn clear_busy(&mut self, job: u64) {
        self.busy.retain(|(j, _)| *j != job);
    }

    /// True while a spinner or a toast needs timer ticks.
    pub fn needs_tick(&self) -> bool {
        !self.busy.is_empty() || matches!(self.notice, Some(Notice::Toast { .. }))
    }

    /// The organizations the current view covers.
    pub fn scope_orgs(&self) -> Vec<String> {
        match &self.current_org {
            Some(o) => vec![o.clone()],
            None => self.orgs.clone(),
        }
    }

    /// Starts a (re)load of the current view.
    pub fn reload(&mut self) -> Vec<Command> {
        let orgs = self.scope_orgs();
        if orgs.is_empty() {
            if self.orgs_loaded {
                self.notice = Some(Notice::Error(
                    "No organization: pass --org NAME or list organizations in the config file."
                        .into(),
                ));
            }
            return vec![];
        }
        self.generation += 1;
        self.pages_seen = 0;
        let label = match &self.current_org {
            Some(o) => format!("Loading {o}…"),
            None => format!("Loading {} organizations…", orgs.len()),
        };
        self.set_busy(LOAD_JOB, label);
        vec![Command::LoadTokens {
            generation: self.generation,
            orgs,
            view: self.view,
            order: self.sort.server_order(self.ascending),
        }]
    }

    /// Opens the sign-in screen (once) and starts the device code flow.
    pub fn begin_sign_in(&mut self) -> Vec<Command> {
        if self
            .modals
            .iter()
            .any(|m| matches!(m, Modal::SignIn(_) | Modal::ServerSignIn(_)))
        {
            return vec![];
        }
        if self.server.is_some() {
            self.modals.push(Modal::ServerSignIn(Box::default()));
            return vec![];
        }
        use crate::tui::sign_in::{SignInPhase, SignInScreen};
        if !self.device_code && self.az_login.is_none() {
            self.error(if self.demo {
                "The demo needs no sign-in."
            } else {
                "No interactive sign-in is enabled: add \"device-code\" (or \"azure-cli\" with az installed) to sign_in in the config file."
            });
            return vec![];
        }
        if self.device_code {
            self.modals.push(Modal::SignIn(Box::new(SignInScreen::new(
                SignInPhase::Starting,
            ))));
            vec![Command::StartSignIn]
        } else {
            self.modals.push(Modal::SignIn(Box::new(SignInScreen::new(
                SignInPhase::AzureCliOnly,
            ))));
            vec![]
        }
    }

    /// Success message that goes away by itself.
    pub fn toast(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice::Toast {
            text: text.into(),
            until: self.now + chrono::Duration::seconds(TOAST_SECONDS),
        });
    }

    /// Error message that stays until dismissed.
    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice::Error(text.into()));
    }

    /// Recomputes [`App::attention`] from the loaded rows and the keyring's list. Dead stored
    /// values are judged only when the view lists every live token (its service filter includes
    /// "active"), and only for the organizations loaded.
    pub fn recompute_attention(&mut self) {
        use crate::ops::attention;
        let complete = self
            .view
            .filters()
            .contains(&crate::azure::DisplayFilter::Active);
        let stored = if complete && self.loaded_once_or_now() {
            attention::stored_in(&self.stored_meta, &self.scope_orgs())
        } else {
            Vec::new()
        };
        self.attention = attention::assess_each(
            self.rows.iter().map(|r| &r.entry),
            &stored,
            self.now,
            self.warn_days,
        );
        if self.attention_only {
            self.refilter();
        }
    }

    /// True once a load has arrived (before, every stored value would look gone).
    fn loaded_once_or_now(&self) -> bool {
        !self.rows.is_empty() || self.loaded_once
    }
}

/// The end of a load: `n` tokens are in the list, or why not.
fn loaded(app: &mut App, result: Result<usize, ApiError>) -> Vec<Command> {
    app.clear_busy(LOAD_JOB);
    match result {
        Ok(n) => {
            if app.loaded_once {
                app.toast(format!("Loaded {n} tokens"));
            }
            let first = !app.loaded_once;
            app.loaded_once = true;
            // Signed in and answering: look for tokens whose values were lost.
            if first {
                return vec![Command::FindOrphans];
            }
        }
        Err(e) if e.is_auth() && app.can_sign_in => return app.begin_sign_in(),
        Err(e) => app.error(format!("Could not load tokens: {e}")),
    }
    vec![]
}

/// The one state transition.
pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    app.dirty = true;
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Mouse(m) => {
            use crossterm::event::{MouseButton, MouseEventKind};
            if !app.modals.is_empty() {
                return vec![];
            }
            match m.kind {
                MouseEventKind::ScrollDown => app.move_to(app.selected as isize + 3),
                MouseEventKind::ScrollUp => app.move_to(app.selected as isize - 3),
                // Rows start below the title, the table's top border and its header.
                MouseEventKind::Down(MouseButton::Left) if m.row >= 3 => {
                    let i = app.offset + usize::from(m.row - 3);
                    if i < app.visible.len() {
                        app.move_to(i as isize);
                    }
                }
                _ => {}
            }
            vec![]
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.scroll_into_view();
            vec![]
        }
        Msg::Tick(now) => {
            let before = (app.spinner, app.notice.clone());
            app.now = now;
            if !app.busy.is_empty() {
                app.spinner = app.spinner.wrapping_add(1);
            }
            if let Some(Notice::Toast { until, .. }) = &app.notice
                && *until <= now
            {
                app.notice = None;
            }
            app.restatus();
            app.dirty = before != (app.spinner, app.notice.clone()) || app.dirty;
            vec![]
        }
        Msg::OrgsLoaded(result) => {
            app.clear_busy(ORGS_JOB);
            app.orgs_loaded = true;
            match result {
                Ok(accounts) => {
                    for a in &accounts {
                        app.org_names.insert(a.account_id, a.account_name.clone());
                        if !app
                            .orgs
                            .iter()
                            .any(|o| o.eq_ignore_ascii_case(&a.account_name))
                        {
                            app.orgs.push(a.account_name.clone());
                        }
                    }
                    app.relabel_orgs();
                }
                Err(e) => {
                    tracing::info!(error = %e, "organizations not loaded");
                    if e.is_auth() && app.can_sign_in {
                        return app.begin_sign_in();
                    }
                    if e.is_auth() && app.current_org.is_none() {
                        app.error(format!("Cannot list your organizations: {e}"));
                    }
                }
            }
            // With no organization chosen, the list waits for the organizations.
            if !app.loaded_once
                && app.current_org.is_none()
                && app.busy.iter().all(|(j, _)| *j != LOAD_JOB)
            {
                if app.orgs.len() == 1 {
                    app.current_org = app.orgs.first().cloned();
                }
                return app.reload();
            }
            vec![]
        }
        Msg::Page {
            generation,
            org,
            revoked,
            tokens,
        } => {
            if generation != app.generation {
                return vec![]; // a page of a load that was superseded
            }
            app.add_page(&org, revoked, tokens);
            app.set_busy(LOAD_JOB, format!("{} loaded…", app.rows.len()));
            vec![]
        }
        Msg::LoadDone { generation, result } => {
            if generation != app.generation {
                return vec![];
            }
            if result.is_ok() && app.pages_seen == 0 {
                app.set_entries(Vec::new());
            }
            loaded(app, result.map(|_| app.rows.len()))
        }
        Msg::Loaded { generation, result } => {
            if generation != app.generation {
                return vec![]; // a newer load superseded this one
            }
            let result = result.map(|entries| {
                let n = entries.len();
                app.set_entries(entries);
                n
            });
            loaded(app, result)
        }
        Msg::Stored(metas) => {
            app.stored = metas.iter().map(|m| m.id).collect();
            app.stored_meta = metas;
            app.recompute_attention();
            vec![]
        }
        Msg::KeyringStatus(_)
        | Msg::Created(_)
        | Msg::Updated(_)
        | Msg::Revoked { .. }
        | Msg::Regenerated(_)
        | Msg::RevokeAllTargets(_)
        | Msg::RevokeAllProgress(_)
        | Msg::RevokeAllDone(_)
        | Msg::Copied(_)
        | Msg::Profile(_)
        | Msg::Tenant(_)
        | Msg::SignInCode(_)
        | Msg::SignedIn(_)
        | Msg::SignedOut(_)
        | Msg::SignInSource(_)
        | Msg::MigrateStep { .. }
        | Msg::CreateLost { .. }
        | Msg::Orphans(_)
        | Msg::OrphansResolved(_)
        | Msg::MigrateDone(_)
        | Msg::HandedBack { .. } => crate::tui::actions::on_result(app, msg),
        Msg::Service(info) => {
            app.service = info;
            vec![]
        }
        Msg::Scanned(_) | Msg::CopyRemoved { .. } => crate::tui::scan_view::on_result(app, msg),
        Msg::ServerSignedIn(r) => match r {
            Ok(said) => {
                app.modals.retain(|m| !matches!(m, Modal::ServerSignIn(_)));
                app.toast(said);
                let mut cmds = vec![Command::LoadOrgs];
                cmds.extend(app.reload());
                cmds
            }
            Err(e) => {
                if let Some(Modal::ServerSignIn(d)) = app
                    .modals
                    .iter_mut()
                    .rev()
                    .find(|m| matches!(m, Modal::ServerSignIn(_)))
                {
                    d.checking = false;
                    d.error = Some(e);
                }
                vec![]
            }
        },
        Msg::Signal(sig) => {
            app.quit = true;
            app.exit_signal = Some(sig);
            vec![]
        }
        Msg::Panicked => {
            app.quit = true;
            app.panicked = true;
            vec![]
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    // ctrl-c always quits, whatever the mode or the keymap, unless that would lose a token's
    // value: then it asks first.
    if crate::tui::keymap::is_interrupt(&key) {
        if !matches!(app.modals.last(), Some(Modal::QuitConfirm(_))) {
            app.request_quit();
        }
        return vec![];
    }
    if crate::tui::keymap::is_suspend(&key) {
        return vec![Command::Suspend];
    }
    if !app.modals.is_empty() {
        return crate::tui::modal::on_key(app, key);
    }
    if app.filter_editing {
        return on_filter_key(app, key);
    }
    let Some(action) = app
        .keymap
        .action(Context::List, &key)
        .or_else(|| app.keymap.nav(&key))
    else {
        return vec![];
    };
    let page = app.page_rows() as isize;
    let sel = app.selected as isize;
    match action {
        Action::Up => app.move_to(sel - 1),
        Action::Down => app.move_to(sel + 1),
        Action::Top => app.move_to(0),
        Action::Bottom => app.move_to(isize::MAX / 2),
        Action::PageUp => app.move_to(sel - page),
        Action::PageDown => app.move_to(sel + page),
        Action::Details => {
            if let Some(r) = app.selected_row() {
                let id = r.id();
                app.modals.push(Modal::Details { id });
            }
        }
        Action::Filter => app.filter_editing = true,
        Action::CycleStatus => {
            let i = StatusView::ALL
                .iter()
                .position(|v| *v == app.view)
                .unwrap_or(0);
            let next = StatusView::ALL[(i + 1) % StatusView::ALL.len()];
            let need_fetch = next.filters() != app.view.filters();
            app.view = next;
            if need_fetch {
                app.rows.clear();
                app.refilter();
                return app.reload();
            }
            app.refilter();
        }
        Action::CycleSort => {
            app.sort = app.sort.next();
            app.refilter();
        }
        Action::ReverseSort => {
            app.ascending = !app.ascending;
            app.refilter();
        }
        Action::OrgPicker => {
            let selected = match &app.current_org {
                None => 0,
                Some(o) => app
                    .orgs
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(o))
                    .map_or(0, |i| i + 1),
            };
            app.modals.push(Modal::OrgPicker { selected });
        }
        Action::Refresh => return app.reload(),
        Action::Scan => return crate::tui::scan_view::open(app),
        Action::Help => app.modals.push(Modal::Help { scroll: 0 }),
        Action::Profile => app.modals.push(Modal::Profile),
        Action::SignIn => return app.begin_sign_in(),
        Action::Quit => app.request_quit(),
        // Dismisses an error first, then clears a kept filter.
        Action::Dismiss => {
            if matches!(app.notice, Some(Notice::Error(_))) {
                app.notice = None;
            } else if !app.filter.is_empty() {
                app.filter.clear();
                app.refilter();
            }
        }
        Action::NewToken
        | Action::Edit
        | Action::Regenerate
        | Action::Revoke
        | Action::RevokeAll
        | Action::Migrate
        | Action::Attention
        | Action::Cleanup
        | Action::Copy => return crate::tui::actions::on_action(app, action),
        Action::FilterKeep
        | Action::FilterClear
        | Action::Close
        | Action::Confirm
        | Action::NextField
        | Action::PrevField
        | Action::Toggle
        | Action::NextChoice
        | Action::PrevChoice
        | Action::FullAccess
        | Action::CopyValue
        | Action::Retry
        | Action::CopyCode
        | Action::OpenBrowser
        | Action::AzLogin
        | Action::SignOut
        | Action::RemoveCopy => {}
    }
    vec![]
}

fn on_filter_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    match app.keymap.action(Context::Filter, &key) {
        Some(Action::FilterKeep) => {
            app.filter_editing = false;
            return vec![];
        }
        Some(Action::FilterClear) => {
            app.filter_editing = false;
            app.filter.clear();
            app.refilter();
            return vec![];
        }
        _ => {}
    }
    // Typing goes into the filter; the navigation keys that are not letters still move.
    match crate::tui::keymap::text_edit(&key) {
        Some(edit) => {
            edit.apply(&mut app.filter);
            app.refilter();
        }
        None => match app.keymap.nav(&key) {
            Some(Action::Up) => app.move_to(app.selected as isize - 1),
            Some(Action::Down) => app.move_to(app.selected as isize + 1),
            _ => {}
        },
    }
    vec![]
}
