//! The `patui` binary: parses arguments, starts logging, and hands over to the TUI, the
//! simulator or a command. Exit codes: 0 success, 1 error, 2 usage or configuration.

use clap::Parser;
use patui::cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before anything holds a secret: no core dumps, not dumpable.
    let hardened = patui::hardening::disable_core_dumps();
    let cli = Cli::parse();
    // Logging failures are not fatal; the TUI shows where logs would have gone.
    let log = patui::logging::init();
    if let Err(e) = hardened {
        tracing::warn!("core dumps could not be turned off: {e}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("patui: cannot start the async runtime: {e}");
            return ExitCode::from(patui::commands::EXIT_ERROR);
        }
    };
    let code = runtime.block_on(async move {
        match cli.command {
            None => patui::launch::tui(cli.global, log).await,
            Some(Command::Sim(args)) => patui::launch::sim(args, cli.global.server_version).await,
            Some(other) => patui::launch::command(cli.global, other).await,
        }
    });
    // Background tasks (a spinner, a pending request) must not keep a quitting app alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(code)
}
