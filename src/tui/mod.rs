//! The terminal UI: state and `update` ([`app`]), the pure [`view`], the [`keymap`] that feeds
//! help and hints, one file per screen or dialog, and the event loop, which is generic over the
//! ratatui backend so tests drive it headless.

pub mod actions;
pub mod app;
pub mod cleanup_dialog;
pub mod confirm;
pub mod details;
pub mod expired;
pub mod format;
pub mod help;
pub mod host;
pub mod keymap;
pub mod list;
pub mod migrate_dialog;
pub mod modal;
pub mod org_picker;
pub mod profile;
pub mod quit_confirm;
pub mod revoke_all;
pub mod runner;
pub mod scan_view;
pub mod server_sign_in;
pub mod service;
pub mod sign_in;
pub mod terminal;
pub mod theme;
pub mod token_modal;
pub mod view;
pub mod wizard;

use crate::azure::PatBackend;
use crate::config::{Config, ThemeName};
use app::{App, Command, Msg};
use ratatui::Terminal;
use ratatui::backend::Backend;
use runner::Runner;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::mpsc;

/// What the binary hands to the TUI.
pub struct AppContext {
    pub orgs: Vec<String>,
    /// None = all organizations.
    pub current_org: Option<String>,
    pub config: Config,
    /// False with NO_COLOR, `--no-color` or the monochrome theme.
    pub color: bool,
    pub demo: bool,
    /// The sign-in chain, when the TUI may run the device code flow.
    pub sign_in: Option<Arc<crate::auth::SignIn>>,
    /// The Entra tenant in use, for the profile screen.
    pub tenant: Option<String>,
    /// The keyring, opened once by `setup::wire` (a server's own entries on a server, memory in
    /// the demo), or why there is none.
    pub vault: Result<crate::vault::Vault, String>,
    /// Set for an Azure DevOps Server / TFS.
    pub server: Option<ServerContext>,
}

/// What the TUI needs of a server: its URL (for the sign-in screen) and the PAT source the
/// sign-in screen gives a PAT to. (Its keyring entries are [`AppContext::vault`].)
pub struct ServerContext {
    pub url: String,
    pub pat: Arc<crate::auth::server_pat::ServerPat>,
    /// The Windows sign-in the dialog gives an NTLM account to (none in the demo).
    pub windows: Option<Arc<crate::auth::windows::WindowsSignIn>>,
}

/// Why the TUI stopped abnormally.
#[derive(Debug, Error)]
pub enum TuiError {
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
}

/// How the TUI ended, for the exit code and for what is said after the terminal is restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The signal that ended it (exit 128 + signal).
    pub signal: Option<i32>,
    /// A background task panicked (exit 101).
    pub panicked: bool,
    /// A minted token whose value was neither stored nor copied when patui ended: what to say
    /// about it (its name, id and organization, so it can be revoked).
    pub lost_token: Option<String>,
}

impl Outcome {
    /// The process exit code: 128 + signal, 101 after a panic, else 0.
    pub fn exit_code(&self) -> u8 {
        match (self.signal, self.panicked) {
            (Some(sig), _) => crate::signals::exit_code(sig),
            (None, true) => 101,
            (None, false) => 0,
        }
    }
}

/// Interval of spinner frames while work is in flight.
pub const TICK: Duration = Duration::from_millis(100);

/// Builds the app from the context.
pub fn build_app(ctx: &AppContext) -> Result<App, TuiError> {
    let keymap = keymap::Keymap::new(&ctx.config.keymap).map_err(TuiError::Config)?;
    let color = ctx.color && ctx.config.theme != ThemeName::Monochrome;
    let mut app = App::new(
        keymap,
        theme::Theme::new(color),
        ctx.orgs.clone(),
        ctx.current_org.clone(),
        chrono::Utc::now(),
    );
    app.demo = ctx.demo;
    app.device_code = ctx.sign_in.as_ref().is_some_and(|s| s.allows_device_code());
    app.az_login = ctx
        .sign_in
        .as_ref()
        .filter(|s| s.allows_azure_cli())
        .and_then(|s| crate::external::find_program(s.az_program()))
        .map(|p| p.display().to_string());
    app.can_sign_in = app.device_code || app.az_login.is_some();
    app.tenant = ctx.tenant.clone();
    app.clipboard_clear_seconds = ctx.config.clipboard_clear_seconds;
    app.revoke_concurrency = ctx.config.revoke_concurrency;
    app.warn_days = ctx.config.warn_days;
    app.presets = ctx.config.all_presets();
    if let Some(s) = &ctx.server {
        app.server = Some(s.url.clone());
        app.can_sign_in = true;
    }
    Ok(app)
}

/// The keyring of the context: opened once, before the TUI starts (memory in the demo, never the
/// user's real keyring; a server's own entries on a server). Nothing is opened here.
pub fn open_vault(ctx: &AppContext) -> Result<crate::vault::Vault, String> {
    ctx.vault.clone()
}

/// Runs the TUI in the real terminal until the user quits (or a signal or a panic ends it).
pub async fn run(backend: Arc<dyn PatBackend>, ctx: AppContext) -> Result<Outcome, TuiError> {
    let mut app = build_app(&ctx)?;
    let mouse = ctx.config.mouse;
    let mut guard = terminal::TerminalGuard::enter(mouse)?;
    let size = guard.terminal.size()?;
    app.size = (size.width, size.height);
    let (tx, rx) = mpsc::unbounded_channel();
    // Signals become a quit message, so the terminal is restored on the normal path; a panic
    // in a background task ends the loop the same way.
    terminal::forward_signals(tx.clone());
    terminal::forward_panics(tx.clone());
    let vault = open_vault(&ctx);
    let runner = Runner {
        backend,
        tx,
        vault,
        clipboard: Arc::new(std::sync::Mutex::new(crate::clipboard::Clipboard::new())),
        sign_in: ctx.sign_in.clone(),
        sign_in_task: Arc::new(std::sync::Mutex::new(None)),
        pending_clear: Arc::new(std::sync::Mutex::new(None)),
        journal: if ctx.demo {
            None
        } else {
            crate::journal::Journal::open_default().ok()
        },
        server_pat: ctx.server.as_ref().map(|s| Arc::clone(&s.pat)),
        server_windows: ctx.server.as_ref().and_then(|s| s.windows.clone()),
        load_task: Arc::new(std::sync::Mutex::new(None)),
    };
    app.service = service::ServiceInfo::of(runner.backend.as_ref());
    let mut host = host::TerminalHost::new(mouse);
    let result = run_loop(&mut guard.terminal, &mut app, &mut host, rx, &runner).await;
    // A copied token is not left in the clipboard because patui quit before its clear.
    runner.clear_pending_now();
    drop(guard);
    result?;
    Ok(Outcome {
        signal: app.exit_signal,
        panicked: app.panicked,
        lost_token: app.unsaved_token().map(|m| {
            format!(
                "the token {:?} (id {}) was created in {} but its value was neither stored in the keyring nor copied: it is lost; revoke it with `patui revoke {}`",
                m.name, m.id, m.org, m.id
            )
        }),
    })
}

/// Clears the screen and makes the next draw paint every cell, at the terminal's current size
/// (after another program used the screen). Not `Terminal::clear`, which asks the terminal for
/// the cursor position and fails where the terminal does not answer.
fn repaint_all<B: Backend>(terminal: &mut Terminal<B>) -> Result<ratatui::layout::Size, B::Error> {
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::from((
        ratatui::layout::Position::ORIGIN,
        size,
    )))?;
    Ok(size)
}

/// The event loop: input and background results in, `update`, commands out, draw when dirty.
/// Ticks only while a spinner or toast needs them. Suspending and handing the terminal to
/// another program are done here, in the loop, because they need the terminal.
pub async fn run_loop<B: Backend, H: host::Host>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut H,
    mut results: mpsc::UnboundedReceiver<Msg>,
    runner: &Runner,
) -> Result<(), TuiError>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let term_err = |e: B::Error| TuiError::Terminal(std::io::Error::other(e));
    let mut pending: std::collections::VecDeque<Command> = app.start().into();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        while let Some(cmd) = pending.pop_front() {
            match cmd {
                Command::Suspend => {
                    host.suspend()?;
                    repaint_all(terminal).map_err(term_err)?;
                    app.dirty = true;
                }
                Command::HandOver(what) if !what.needs_terminal() => {
                    runner.spawn(Command::RunDetached(what));
                }
                Command::HandOver(what) => {
                    let result = host.hand_over(&what).await?;
                    let size = repaint_all(terminal).map_err(term_err)?;
                    // The size may have changed while the other program ran.
                    app::update(app, Msg::Resize(size.width, size.height));
                    pending.extend(app::update(app, Msg::HandedBack { what, result }));
                    app.dirty = true;
                }
                other => runner.spawn(other),
            }
        }
        // Checked before drawing: after a panic the hook has given the terminal back already.
        if app.quit {
            return Ok(());
        }
        if app.dirty {
            terminal.draw(|f| view::view(app, f)).map_err(term_err)?;
            app.dirty = false;
        }
        let msg = tokio::select! {
            Some(m) = host.next_input() => m,
            Some(m) = results.recv() => m,
            _ = ticker.tick(), if app.needs_tick() => Msg::Tick(chrono::Utc::now()),
            else => return Ok(()),
        };
        pending.extend(app::update(app, msg));
    }
}
