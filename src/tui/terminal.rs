//! The real terminal: entering and leaving raw mode and the alternate screen, a panic hook that
//! restores before the message prints (chained with the previous hook), restoring on drop (quit
//! and errors), every catchable fatal signal turned into a quit, a panic in any task ending the
//! loop, ctrl-z suspend/resume, leaving and re-entering the terminal around another program, and
//! the [`HANDED_OVER`] flag that says another program has it (the hand-over itself is done one
//! layer up, by `tui::host`, which uses this module; this module uses nothing of it).
//!
//! Leaving is done once: a second "leave the alternate screen" (the panic hook, then the guard's
//! drop while unwinding) would move the cursor back to where the TUI started, and the shell
//! would write over the panic message.

use crate::tui::app::Msg;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::DefaultTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::UnboundedSender;

/// True while patui holds the terminal (raw mode, alternate screen).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// True while mouse capture is on.
static MOUSE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: std::sync::Once = std::sync::Once::new();
/// True while another program has the terminal (SIGINT is then meant for it, not for patui).
/// Set around a hand-over by `tui::host`; read by [`forward_signals`].
pub static HANDED_OVER: AtomicBool = AtomicBool::new(false);

/// Owns the terminal while the TUI runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, panic hook; mouse capture when asked.
    pub fn enter(mouse: bool) -> std::io::Result<Self> {
        install_panic_hook();
        reenter(mouse)?;
        let terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()));
        match terminal {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                leave(mouse);
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        leave(MOUSE.load(Ordering::SeqCst));
    }
}

/// Installs (once) the panic hook: give the terminal back, print the message with the previous
/// hook, then tell the loop (see [`forward_panics`]) so the app ends instead of running on half
/// alive after a background task died.
pub fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave(MOUSE.load(Ordering::SeqCst));
            previous(info);
            report_panic();
        }));
    });
}

/// Forwards every catchable fatal signal ([`crate::signals::FATAL`]) as [`Msg::Signal`], so the
/// terminal is restored on the normal path. SIGINT while another program has the terminal is that
/// program's, and ignored.
pub fn forward_signals(tx: UnboundedSender<Msg>) {
    let mut signals = crate::signals::listen();
    tokio::spawn(async move {
        // On Windows there is no hand-over case, so the loop ends at the first signal.
        #[cfg_attr(not(unix), allow(clippy::never_loop))]
        while let Some(sig) = signals.recv().await {
            #[cfg(unix)]
            if sig == libc::SIGINT && HANDED_OVER.load(Ordering::SeqCst) {
                continue;
            }
            tracing::info!(sig, "signal: quitting");
            let _ = tx.send(Msg::Signal(sig));
            break;
        }
    });
}

/// Where the panic hook reports a panic, so the loop ends instead of running on half alive.
static PANIC_TX: std::sync::Mutex<Option<UnboundedSender<Msg>>> = std::sync::Mutex::new(None);

/// A panic anywhere (a background task included) sends [`Msg::Panicked`] to the loop, after the
/// hook has restored the terminal and printed the message.
pub fn forward_panics(tx: UnboundedSender<Msg>) {
    if let Ok(mut slot) = PANIC_TX.lock() {
        *slot = Some(tx);
    }
}

fn report_panic() {
    if let Ok(slot) = PANIC_TX.try_lock()
        && let Some(tx) = slot.as_ref()
    {
        let _ = tx.send(Msg::Panicked);
    }
}

/// Gives the terminal back: no mouse capture, cooked mode, main screen, cursor shown. Does
/// nothing when it was given back already.
pub fn leave(mouse: bool) {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Takes the terminal (again, after [`leave`]): raw mode, alternate screen, hidden cursor, and
/// mouse capture when asked.
pub fn reenter(mouse: bool) -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    MOUSE.store(mouse, Ordering::SeqCst);
    execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::cursor::Hide
    )?;
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// ctrl-z: restore the terminal, stop the process, and take the terminal back on resume.
pub fn suspend(mouse: bool) -> std::io::Result<()> {
    leave(mouse);
    #[cfg(unix)]
    // SAFETY: raise() only sends a signal to this process; SIGTSTP stops it until SIGCONT.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    reenter(mouse)
}
