//! The real terminal: entering and leaving raw mode and the alternate screen, a panic hook that
//! restores before printing (ratatui's, chained with the previous hook), restoring on drop (quit
//! and errors), SIGTERM/SIGHUP/SIGINT turned into a quit, ctrl-z suspend/resume, and leaving and
//! re-entering the terminal around another program (see [`crate::tui::host`]).

use crate::tui::app::Msg;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc::UnboundedSender;

/// Owns the terminal while the TUI runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
    mouse: bool,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, panic hook; mouse capture when asked.
    pub fn enter(mouse: bool) -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        if mouse {
            execute!(std::io::stdout(), EnableMouseCapture)?;
        }
        Ok(Self { terminal, mouse })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if self.mouse {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
        }
        ratatui::restore();
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

/// Gives the terminal back: no mouse capture, cooked mode, main screen, cursor shown.
pub fn leave(mouse: bool) {
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    let _ = execute!(std::io::stdout(), crossterm::cursor::Show);
}

/// Takes the terminal again after [`leave`].
pub fn reenter(mouse: bool) -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
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
