//! The real terminal: entering and leaving raw mode and the alternate screen, a panic hook that
//! restores before printing (ratatui's, chained with the previous hook), restoring on drop (quit
//! and errors), SIGTERM/SIGHUP turned into a quit, and ctrl-z suspend/resume.

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

/// Forwards SIGTERM and SIGHUP as [`Msg::Quit`].
pub fn forward_signals(tx: UnboundedSender<Msg>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Msg::Quit);
    });
    #[cfg(not(unix))]
    drop(tx);
}

/// ctrl-z: restore the terminal, stop the process, and take the terminal back on resume.
pub fn suspend(mouse: bool) -> std::io::Result<()> {
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    #[cfg(unix)]
    // SAFETY: raise() only sends a signal to this process; SIGTSTP stops it until SIGCONT.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    crossterm::terminal::enable_raw_mode()?;
    execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}
