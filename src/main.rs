//! The `patui` binary: parses arguments, starts logging, and hands over to the TUI, the
//! simulator or a command. Exit codes: 0 success, 1 error, 2 usage or configuration.

use clap::Parser;
use patui::cli::{Cli, Command};
use std::process::ExitCode;

/// NuGet starts its plugins with the single argument `-Plugin`, and finds patui on PATH as
/// `nuget-plugin-patui`: either way, the hidden `nuget-plugin` command. Cargo starts a credential
/// provider with the single argument `--cargo-plugin`: `cargo-credential`. Other arguments are
/// kept.
fn nuget_plugin_args(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let as_plugin = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().starts_with("nuget-plugin-patui"));
    let plugin_flag = args.len() == 2
        && args[1]
            .to_str()
            .is_some_and(|a| a.eq_ignore_ascii_case("-plugin"));
    // Cargo runs a credential provider as `PATH --cargo-plugin` (its configured arguments
    // arrive in the request, not in argv).
    let cargo_plugin = args.len() == 2 && args[1].to_str() == Some("--cargo-plugin");
    if cargo_plugin {
        args.insert(1, "cargo-credential".into());
    } else if plugin_flag {
        args.truncate(1);
        args.push("nuget-plugin".into());
    } else if as_plugin && args.len() == 1 {
        eprintln!(
            "nuget-plugin-patui: patui's NuGet authentication plugin; NuGet starts it with -Plugin (see `patui setup nuget`)"
        );
        std::process::exit(0);
    }
    // Any other arguments (`nuget-plugin-patui --version`) are patui's own.
    args
}

fn main() -> ExitCode {
    // Before anything holds a secret: no core dumps, not dumpable.
    let hardened = patui::hardening::disable_core_dumps();
    let cli = Cli::parse_from(nuget_plugin_args(std::env::args_os().collect()));
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

#[cfg(test)]
mod tests {
    use super::nuget_plugin_args;

    fn rewrite(args: &[&str]) -> Vec<String> {
        nuget_plugin_args(args.iter().map(|a| (*a).into()).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn the_plugin_and_provider_argv_become_commands() {
        assert_eq!(rewrite(&["patui", "-Plugin"]), ["patui", "nuget-plugin"]);
        assert_eq!(
            rewrite(&["/x/nuget-plugin-patui.exe", "-plugin"]),
            ["/x/nuget-plugin-patui.exe", "nuget-plugin"]
        );
        assert_eq!(
            rewrite(&["patui", "--cargo-plugin"]),
            ["patui", "cargo-credential", "--cargo-plugin"]
        );
        // Everything else is left alone.
        for args in [
            vec!["patui", "list", "-Plugin"],
            vec!["nuget-plugin-patui", "--version"],
            vec!["patui", "cargo-credential", "--cargo-plugin"],
        ] {
            assert_eq!(rewrite(&args), args);
        }
    }
}
