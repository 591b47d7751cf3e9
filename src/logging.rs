//! Logs: tracing to a file in the platform state directory, never to the terminal (the TUI owns
//! it). Level from `PATUI_LOG` (default `info`). Token values and Authorization headers are never
//! logged: the client logs method, path and status only, and secrets are [`crate::secret::Secret`].

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

/// The log file path: `$XDG_STATE_HOME/patui/patui.log` on Linux (or the data-local dir elsewhere);
/// `PATUI_LOG_FILE` overrides.
pub fn log_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PATUI_LOG_FILE") {
        return Some(PathBuf::from(p));
    }
    Some(state_dir()?.join("patui.log"))
}

/// patui's state directory (logs, the keyring lock): `PATUI_STATE_DIR`, else
/// `$XDG_STATE_HOME/patui` on Linux (the data-local dir elsewhere).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PATUI_STATE_DIR").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "patui")?;
    Some(
        dirs.state_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf()),
    )
}

/// Creates `dir` (and its parents) readable by the user only.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Starts file logging. Failing to open the log is not fatal: patui runs without logs and says
/// where it tried in the returned message.
pub fn init() -> Result<PathBuf, String> {
    let path = log_path().ok_or_else(|| "no home directory for the log file".to_owned())?;
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let filter = EnvFilter::try_from_env("PATUI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .map_err(|e| e.to_string())?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "patui started");
    Ok(path)
}
