//! Copying a token: the system clipboard through arboard, with a handle kept for the life of the
//! app (on X11 the clipboard empties when its owner goes away) and the entry excluded from
//! clipboard history; otherwise, or over SSH, the OSC 52 escape, which the terminal (or tmux with
//! `set-clipboard on`) puts on the clipboard. The caller is told which way worked.

use crate::secret::Secret;
use std::fmt;
use std::io::Write;
use thiserror::Error;

/// How a copy reached the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMethod {
    /// The system clipboard (X11/Wayland/macOS/Windows).
    System,
    /// The terminal's clipboard, through the OSC 52 escape.
    Osc52,
}

impl fmt::Display for CopyMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CopyMethod::System => "copied to the system clipboard",
            CopyMethod::Osc52 => "sent to the terminal's clipboard (OSC 52)",
        })
    }
}

/// A copy that failed every way.
#[derive(Debug, Error)]
#[error("could not copy: {0}")]
pub struct ClipboardError(String);

/// The clipboard.
pub struct Clipboard {
    system: Option<arboard::Clipboard>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clipboard(system: {})", self.system.is_some())
    }
}

fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

impl Clipboard {
    /// Opens the system clipboard when a display is present.
    pub fn new() -> Clipboard {
        let system = if has_display() {
            arboard::Clipboard::new()
                .inspect_err(|e| tracing::info!("no system clipboard: {e}"))
                .ok()
        } else {
            None
        };
        Clipboard { system }
    }

    /// OSC 52 only (tests, and terminals reached over SSH).
    pub fn osc52_only() -> Clipboard {
        Clipboard { system: None }
    }

    /// True when the system clipboard is in use.
    pub fn has_system(&self) -> bool {
        self.system.is_some()
    }

    /// Copies `value`; OSC 52 is written to `out`.
    pub fn copy(
        &mut self,
        value: &Secret,
        out: &mut impl Write,
    ) -> Result<CopyMethod, ClipboardError> {
        if let Some(cb) = self.system.as_mut() {
            let set = cb.set();
            #[cfg(target_os = "linux")]
            let set = {
                use arboard::SetExtLinux;
                set.exclude_from_history()
            };
            match set.text(value.expose().to_owned()) {
                Ok(()) => return Ok(CopyMethod::System),
                Err(e) => tracing::info!("system clipboard failed, trying OSC 52: {e}"),
            }
        }
        write_osc52(value.expose(), out)
            .map(|()| CopyMethod::Osc52)
            .map_err(|e| ClipboardError(e.to_string()))
    }

    /// Clears the clipboard if it still holds `value`, by overwriting it with [`CLEARED`]: an
    /// empty OSC 52 is ignored by tmux (the token would stay in its paste buffer), and some
    /// clipboard managers keep what a "clear" leaves behind. The system clipboard is read first,
    /// so a newer copy of the user's is left alone; OSC 52 cannot be read, so it is overwritten.
    pub fn clear_if_unchanged(&mut self, value: &Secret, out: &mut impl Write) {
        if let Some(cb) = self.system.as_mut() {
            if cb.get_text().is_ok_and(|t| value.matches(&t)) {
                let set = cb.set();
                #[cfg(target_os = "linux")]
                let set = {
                    use arboard::SetExtLinux;
                    set.exclude_from_history()
                };
                if set.text(CLEARED.to_owned()).is_err() {
                    let _ = cb.clear();
                }
            }
        } else {
            let _ = write_osc52(CLEARED, out);
            if std::env::var_os("TMUX").is_some() {
                scrub_tmux_buffers(value);
            }
        }
    }
}

impl Default for Clipboard {
    fn default() -> Self {
        Clipboard::new()
    }
}

/// What a cleared clipboard holds: one space, harmless wherever it is pasted (a shell runs
/// nothing), and accepted by every terminal that takes OSC 52, tmux included.
pub const CLEARED: &str = " ";

/// Writes the OSC 52 "set clipboard" escape for `text`.
pub fn write_osc52(text: &str, out: &mut impl Write) -> std::io::Result<()> {
    crossterm::execute!(
        out,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
    )
}

/// Inside tmux, every OSC 52 copy becomes a paste buffer of its own, and overwriting the
/// clipboard only adds a newer one: the buffers that hold `value` are deleted. The value never
/// goes into argv: each buffer is read (`show-buffer -b NAME`) and compared here.
fn scrub_tmux_buffers(value: &Secret) {
    use std::process::{Command, Stdio};
    let tmux = || {
        let mut c = Command::new("tmux");
        crate::external::without_secrets(&mut c);
        c.stdin(Stdio::null()).stderr(Stdio::null());
        c
    };
    let Ok(list) = tmux()
        .args(["list-buffers", "-F", "#{buffer_name}"])
        .output()
    else {
        return;
    };
    for name in String::from_utf8_lossy(&list.stdout).lines() {
        let Ok(shown) = tmux().args(["show-buffer", "-b", name]).output() else {
            continue;
        };
        let mut text = String::from_utf8_lossy(&shown.stdout).into_owned();
        if value.matches(text.trim_end_matches('\n')) {
            let _ = tmux().args(["delete-buffer", "-b", name]).status();
        }
        zeroize::Zeroize::zeroize(&mut text);
    }
}

/// A hint for `patui doctor` when OSC 52 may be swallowed by tmux.
pub fn osc52_hint() -> Option<String> {
    std::env::var_os("TMUX").map(|_| {
        "inside tmux, OSC 52 copies need `set -g set-clipboard on` in ~/.tmux.conf".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn osc52_sequence_round_trips() {
        let mut out = Vec::new();
        let m = Clipboard::osc52_only()
            .copy(&Secret::from("pat-secret-123"), &mut out)
            .unwrap();
        assert_eq!(m, CopyMethod::Osc52);
        let s = String::from_utf8(out).unwrap();
        let body = s
            .strip_prefix("\x1b]52;c;")
            .and_then(|r| r.strip_suffix('\x07').or_else(|| r.strip_suffix("\x1b\\")))
            .unwrap_or_else(|| panic!("not an OSC 52 sequence: {s:?}"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        assert_eq!(decoded, b"pat-secret-123");
    }
}
