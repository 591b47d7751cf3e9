//! The real terminal: entering and leaving raw mode and the alternate screen, a panic hook that
//! restores before the message prints (chained with the previous hook), restoring on drop (quit
//! and errors), SIGTERM/SIGHUP/SIGINT turned into a quit, ctrl-z suspend/resume, and leaving and
//! re-entering the terminal around another program (see [`crate::tui::host`]).
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

/// Owns the terminal while the TUI runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, panic hook; mouse capture when asked.
    pub fn enter(mouse: bool) -> std::io::Result<Self> {
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                leave(MOUSE.load(Ordering::SeqCst));
                previous(info);
            }));
        });
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

/// Forwards SIGTERM, SIGHUP and SIGINT as [`Msg::Quit`], so the terminal is restored on the
/// normal path. SIGINT while another program has the terminal is that program's, and ignored.
pub fn forward_signals(tx: UnboundedSender<Msg>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use crate::tui::host::HANDED_OVER;
        use std::sync::atomic::Ordering;
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = hup.recv() => break,
                _ = int.recv() => {
                    if !HANDED_OVER.load(Ordering::SeqCst) {
                        break;
                    }
                }
            }
        }
        let _ = tx.send(Msg::Quit);
    });
    #[cfg(not(unix))]
    drop(tx);
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
