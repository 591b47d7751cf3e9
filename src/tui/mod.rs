//! The terminal UI: state and `update` ([`app`]), the pure [`view`], the [`keymap`] that feeds
//! help and hints, one file per screen or dialog, and the event loop, which is generic over the
//! ratatui backend so tests drive it headless.

pub mod actions;
pub mod app;
pub mod details;
pub mod dialogs;
pub mod format;
pub mod help;
pub mod keymap;
pub mod list;
pub mod org_picker;
pub mod runner;
pub mod sign_in;
pub mod terminal;
pub mod theme;
pub mod token_modal;
pub mod view;
pub mod wizard;

use crate::azure::PatBackend;
use crate::config::{Config, ThemeName};
use app::{App, Command, Msg};
use futures::StreamExt;
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
}

/// Why the TUI stopped abnormally.
#[derive(Debug, Error)]
pub enum TuiError {
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
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
    app.can_sign_in = ctx.sign_in.as_ref().is_some_and(|s| s.allows_device_code());
    app.tenant = ctx.tenant.clone();
    app.clipboard_clear_seconds = ctx.config.clipboard_clear_seconds;
    app.revoke_concurrency = ctx.config.revoke_concurrency;
    app.presets = ctx.config.all_presets();
    Ok(app)
}

/// The keyring the context asks for: memory in the demo (never the user's real keyring).
pub fn open_vault(ctx: &AppContext) -> Result<crate::vault::Vault, String> {
    use crate::vault::{StoreKind, Vault};
    let kind = if ctx.demo {
        StoreKind::Memory
    } else {
        ctx.config
            .keyring
            .as_deref()
            .and_then(StoreKind::parse)
            .unwrap_or(StoreKind::Native)
    };
    Vault::open(kind).map_err(|e| e.to_string())
}

/// Runs the TUI in the real terminal until the user quits.
pub async fn run(backend: Arc<dyn PatBackend>, ctx: AppContext) -> Result<(), TuiError> {
    let mut app = build_app(&ctx)?;
    let mouse = ctx.config.mouse;
    let mut guard = terminal::TerminalGuard::enter(mouse)?;
    let size = guard.terminal.size()?;
    app.size = (size.width, size.height);
    let (tx, rx) = mpsc::unbounded_channel();
    // Signals become a quit message, so the terminal is restored on the normal path.
    terminal::forward_signals(tx.clone());
    let events = crossterm::event::EventStream::new().filter_map(|e| async move {
        match e {
            Ok(crossterm::event::Event::Key(k))
                if k.kind == crossterm::event::KeyEventKind::Press =>
            {
                Some(Msg::Key(k))
            }
            Ok(crossterm::event::Event::Resize(w, h)) => Some(Msg::Resize(w, h)),
            Ok(crossterm::event::Event::Mouse(m)) if mouse => Some(Msg::Mouse(m)),
            _ => None,
        }
    });
    let events = Box::pin(events);
    let vault = open_vault(&ctx);
    let runner = Runner {
        backend,
        tx,
        vault,
        clipboard: Arc::new(std::sync::Mutex::new(crate::clipboard::Clipboard::new())),
        sign_in: ctx.sign_in.clone(),
        sign_in_task: Arc::new(std::sync::Mutex::new(None)),
    };
    let mut suspend = move || terminal::suspend(mouse);
    let result = run_loop(
        &mut guard.terminal,
        &mut app,
        events,
        rx,
        &runner,
        &mut suspend,
    )
    .await;
    drop(guard);
    result
}

/// The event loop: input and background results in, `update`, commands out, draw when dirty.
/// Ticks only while a spinner or toast needs them.
pub async fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: impl futures::Stream<Item = Msg> + Unpin,
    mut results: mpsc::UnboundedReceiver<Msg>,
    runner: &Runner,
    suspend: &mut dyn FnMut() -> std::io::Result<()>,
) -> Result<(), TuiError>
where
    B::Error: Into<std::io::Error>,
{
    let mut events = events;
    for cmd in app.start() {
        runner.spawn(cmd);
    }
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if app.dirty {
            terminal
                .draw(|f| view::view(app, f))
                .map_err(|e| TuiError::Terminal(e.into()))?;
            app.dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        let msg = tokio::select! {
            Some(m) = events.next() => m,
            Some(m) = results.recv() => m,
            _ = ticker.tick(), if app.needs_tick() => Msg::Tick(chrono::Utc::now()),
            else => return Ok(()),
        };
        for cmd in app::update(app, msg) {
            match cmd {
                Command::Suspend => {
                    suspend()?;
                    terminal.clear().map_err(|e| TuiError::Terminal(e.into()))?;
                    app.dirty = true;
                }
                other => runner.spawn(other),
            }
        }
    }
}
