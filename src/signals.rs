//! The catchable signals whose default action ends the process, turned into a stream of numbers
//! so that the TUI and long commands (revoke-all) can end through their normal path: terminal
//! restored, work reported, exit 128 + signal.

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Every catchable signal whose default action ends the process.
#[cfg(unix)]
pub const FATAL: &[i32] = &[
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGALRM,
    libc::SIGVTALRM,
    libc::SIGPROF,
    libc::SIGXCPU,
    libc::SIGXFSZ,
    libc::SIGPIPE,
    #[cfg(target_os = "linux")]
    libc::SIGIO,
    #[cfg(target_os = "linux")]
    libc::SIGPWR,
];

/// Catches every signal of [`FATAL`] from now on and sends its number on the returned channel.
/// Must be called inside a tokio runtime. (On other platforms the channel never yields.)
pub fn listen() -> UnboundedReceiver<i32> {
    let (tx, rx) = unbounded_channel();
    #[cfg(unix)]
    {
        use futures::StreamExt;
        use tokio::signal::unix::{SignalKind, signal};
        let mut streams = futures::stream::SelectAll::new();
        for &sig in FATAL {
            match signal(SignalKind::from_raw(sig)) {
                Ok(mut s) => streams.push(
                    futures::stream::poll_fn(move |cx| s.poll_recv(cx).map(|o| o.map(|()| sig)))
                        .boxed(),
                ),
                Err(e) => tracing::warn!(sig, "cannot catch signal: {e}"),
            }
        }
        tokio::spawn(async move {
            while let Some(sig) = streams.next().await {
                if tx.send(sig).is_err() {
                    break;
                }
            }
        });
    }
    #[cfg(not(unix))]
    drop(tx);
    rx
}

/// The exit code a shell expects after `sig`: 128 + sig.
pub fn exit_code(sig: i32) -> u8 {
    u8::try_from(128 + sig).unwrap_or(1)
}
