//! What the event loop needs from its terminal besides drawing: input events, ctrl-z, and
//! handing the terminal to another program (`az login`, a `$BROWSER`) and taking it back. (A
//! program that needs no terminal, the platform's URL opener, is not handed anything: the loop
//! gives it to the runner, which runs it detached.)
//!
//! The hand-over drops crossterm's event stream first, which stops its reader thread, so not a
//! single keystroke meant for the other program is read by patui; then it restores the terminal
//! (cooked mode, main screen, cursor, no mouse capture), runs the program in the foreground, and
//! enters raw mode and the alternate screen again. While the program runs, ctrl-c reaches it
//! (same process group) and patui ignores it: the host raises [`terminal::HANDED_OVER`] for the
//! duration, and the signal forwarder in [`terminal`] skips SIGINT while it is up.
//!
//! This module sits above [`terminal`] (it uses its leave, re-enter, suspend and the flag);
//! `terminal` does not use this module.

use crate::external::{External, ExternalError};
use crate::tui::app::Msg;
use crate::tui::terminal::{self, HANDED_OVER};
use futures::StreamExt;
use futures::stream::BoxStream;
use std::sync::atomic::Ordering;

/// The terminal side of the event loop. The real one is [`TerminalHost`]; tests script one.
pub trait Host {
    /// The next input event as a message; None when input has ended.
    fn next_input(&mut self) -> impl Future<Output = Option<Msg>>;
    /// ctrl-z: give the terminal back to the shell and stop until resumed.
    fn suspend(&mut self) -> std::io::Result<()>;
    /// Runs `what` with the terminal handed over, and takes the terminal back. The outer error
    /// is the terminal's (fatal); the inner one is the program's (shown to the user).
    fn hand_over(
        &mut self,
        what: &External,
    ) -> impl Future<Output = std::io::Result<Result<(), ExternalError>>>;
}

/// The real terminal.
pub struct TerminalHost {
    mouse: bool,
    /// Created on first use and dropped around a hand-over or a suspend.
    events: Option<BoxStream<'static, Msg>>,
}

impl TerminalHost {
    /// A host for a terminal already in raw mode and the alternate screen.
    pub fn new(mouse: bool) -> Self {
        Self {
            mouse,
            events: None,
        }
    }
}

/// Key presses, resizes and (when enabled) mouse events, as messages.
fn input_stream(mouse: bool) -> BoxStream<'static, Msg> {
    use crossterm::event::{Event, EventStream, KeyEventKind};
    EventStream::new()
        .filter_map(move |e| async move {
            match e {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Some(Msg::Key(k)),
                Ok(Event::Resize(w, h)) => Some(Msg::Resize(w, h)),
                Ok(Event::Mouse(m)) if mouse => Some(Msg::Mouse(m)),
                _ => None,
            }
        })
        .boxed()
}

impl TerminalHost {
    /// Stops reading the terminal. Dropping the stream wakes crossterm's reader thread and
    /// ends it; the zero-timeout poll then waits for that thread to let go of the reader (it
    /// holds a lock while it reads) and consumes the wake-up if no thread was there to take it
    /// (a stale wake-up would make crossterm's next read give up at once).
    fn stop_input(&mut self) {
        if self.events.take().is_some() {
            let _ = crossterm::event::poll(std::time::Duration::ZERO);
        }
    }
}

impl Host for TerminalHost {
    async fn next_input(&mut self) -> Option<Msg> {
        let mouse = self.mouse;
        self.events
            .get_or_insert_with(|| input_stream(mouse))
            .next()
            .await
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.stop_input();
        terminal::suspend(self.mouse)
    }

    async fn hand_over(&mut self, what: &External) -> std::io::Result<Result<(), ExternalError>> {
        self.stop_input();
        terminal::leave(self.mouse);
        HANDED_OVER.store(true, Ordering::SeqCst);
        tracing::info!(program = what.label(), "terminal handed over");
        let result = crate::external::run(what).await;
        HANDED_OVER.store(false, Ordering::SeqCst);
        tracing::info!(
            program = what.label(),
            ok = result.is_ok(),
            "terminal taken back"
        );
        terminal::reenter(self.mouse)?;
        Ok(result)
    }
}
