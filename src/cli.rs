//! Command-line arguments (clap). Secrets never come from argv: the access token is read from the
//! environment (`PATUI_ACCESS_TOKEN`) or a sign-in source, and token values from the keyring.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// patui: Azure DevOps personal access tokens from the keyboard.
#[derive(Debug, Parser)]
#[command(name = "patui", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by the TUI and every command.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Run against a built-in simulator with sample data (touches no real account, keyring or config).
    #[arg(long, global = true)]
    pub demo: bool,
    /// One URL that replaces every Azure DevOps host (https, or http to loopback).
    #[arg(long, env = "PATUI_SERVICE_URL", global = true, value_name = "URL")]
    pub service_url: Option<String>,
    /// The organization to work in.
    #[arg(long, env = "PATUI_ORG", global = true, value_name = "NAME")]
    pub org: Option<String>,
    /// Monochrome output (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// The config file (default: the platform config directory's patui/config.toml).
    #[arg(long, env = "PATUI_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// The subcommands; none opens the TUI.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Azure DevOps simulator (prints its base URL on the first line of stdout).
    Sim(SimArgs),
}

/// `patui sim`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Seed N tokens (deterministic).
    #[arg(long, default_value_t = 0)]
    pub seed_tokens: usize,
    /// Seed the demo data set (3 organizations, about 40 tokens).
    #[arg(long)]
    pub demo_data: bool,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability (0..1) of a 5xx on PAT requests.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub fail_rate: f64,
    /// Probability (0..1) of a truncated JSON body on PAT requests.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub truncate_rate: f64,
    /// Requests per second before 429 + Retry-After (e.g. 50 or 50/s).
    #[arg(long, value_parser = parse_rate)]
    pub rate_limit: Option<u32>,
    /// Refuse full-access tokens (fullScopePatPolicyViolation).
    #[arg(long)]
    pub full_scope_policy: bool,
    /// Refuse lifespans over D days (patLifespanPolicyViolation).
    #[arg(long, value_name = "D")]
    pub max_lifespan_days: Option<u32>,
    /// Answer 404 for organizations that were not seeded.
    #[arg(long)]
    pub strict_orgs: bool,
    /// Seed of the random generator (token values, fault injection).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Output formats of commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

fn parse_probability(s: &str) -> Result<f64, String> {
    let p: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number between 0 and 1"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{s} is not between 0 and 1"))
    }
}

fn parse_rate(s: &str) -> Result<u32, String> {
    let n = s.trim().trim_end_matches("/s");
    match n.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{s:?} is not a rate like 50 or 50/s")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sim_options_parse() {
        let cli =
            Cli::try_parse_from(["patui", "sim", "--rate-limit", "20/s", "--fail-rate", "0.1"])
                .unwrap();
        let Some(Command::Sim(a)) = cli.command else {
            panic!("not sim")
        };
        assert_eq!(a.rate_limit, Some(20));
        assert_eq!(a.fail_rate, 0.1);
        assert!(Cli::try_parse_from(["patui", "sim", "--fail-rate", "2"]).is_err());
        assert!(Cli::try_parse_from(["patui", "sim", "--rate-limit", "x"]).is_err());
    }
}
