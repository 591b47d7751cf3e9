//! Command-line arguments (clap). Secrets never come from argv: the access token is read from the
//! environment (`PATUI_ACCESS_TOKEN`) or a sign-in source, and token values from the keyring.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The version with the build's commit and date, as `patui --version` prints it.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PATUI_COMMIT"),
    ", built ",
    env!("PATUI_BUILD_DATE"),
    ")"
);

/// patui: Azure DevOps personal access tokens from the keyboard.
#[derive(Debug, Parser)]
#[command(name = "patui", version = LONG_VERSION, about, long_about = None)]
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
    /// An Azure DevOps Server or TFS (on-premises): the URL of a collection
    /// (https://tfs.example.com/tfs/DefaultCollection) or of the server.
    #[arg(
        long,
        env = "PATUI_SERVER_URL",
        global = true,
        value_name = "URL",
        conflicts_with = "service_url"
    )]
    pub server: Option<String>,
    /// With --demo or `sim`: a simulated Azure DevOps Server / TFS of this version (2017, 2018,
    /// 2019, 2020, 2022) instead of the cloud.
    #[arg(long, global = true, value_name = "YEAR")]
    pub server_version: Option<String>,
    /// Extra certificate authorities to trust (PEM), for a server with a private CA.
    #[arg(long, env = "PATUI_CA_FILE", global = true, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// The organization (on a server: the collection) to work in.
    #[arg(long, env = "PATUI_ORG", global = true, value_name = "NAME")]
    pub org: Option<String>,
    /// Monochrome output (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Entra authority (default https://login.microsoftonline.com).
    #[arg(long, env = "PATUI_AUTHORITY", global = true, value_name = "URL")]
    pub authority: Option<String>,
    /// The config file (default: the platform config directory's patui/config.toml).
    #[arg(long, env = "PATUI_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// The subcommands; none opens the TUI.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List tokens.
    List(ListArgs),
    /// Show one token.
    Show(ShowArgs),
    /// Create a token, store it in the keyring and print it once on stdout.
    Create(CreateArgs),
    /// Rename, extend or re-scope a token.
    Update(UpdateArgs),
    /// Regenerate a token: create a new one with the same settings, then revoke the old one.
    Rotate(RotateArgs),
    /// Revoke tokens by id, or every active token with --all.
    Revoke(RevokeArgs),
    /// Replace global tokens (all organizations) with one token per organization, then revoke them.
    MigrateGlobal(MigrateArgs),
    /// Exit 5 when something needs attention (global tokens, tokens expiring soon, stored tokens
    /// that are dead); for cron, CI and shell prompts. Never signs in interactively.
    Check(CheckArgs),
    /// Regenerate the stored tokens that expire soon (same settings; the old ones revoked).
    Renew(RenewArgs),
    /// Forget stored values whose tokens no longer work (revoked, expired, retired, gone).
    Prune(PruneArgs),
    /// Sign in with the device code flow and keep the refresh token in the keyring; with
    /// --server, keep a PAT for that server (asked with hidden input, or read from stdin), or
    /// with --windows a Windows account and password for NTLM.
    Login(LoginArgs),
    /// Forget the cached sign-in (the refresh token in the keyring; with --server, its PAT and
    /// Windows password).
    Logout(LogoutArgs),
    /// Check the config, logs, keyring, sign-in and the service.
    Doctor(DoctorArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Git credential helper (`git config credential.https://dev.azure.com.helper "patui credential"`).
    Credential {
        /// get, store or erase (git's credential protocol on stdin).
        operation: String,
    },
    /// Run the Azure DevOps simulator (prints its base URL on the first line of stdout).
    Sim(SimArgs),
    /// Cargo credential provider (protocol v1): `credential-provider = ["patui", "cargo-credential"]`.
    CargoCredential(CargoCredentialArgs),
    /// The `keyring` command pip and uv call (`--keyring-provider subprocess`): prints the stored
    /// token for an Azure Artifacts feed URL.
    Keyring(KeyringArgs),
    /// NuGet authentication plugin (protocol 2.0.0 over stdio); also run as `nuget-plugin-patui`
    /// or with `-Plugin`.
    #[command(hide = true)]
    NugetPlugin,
    /// Run a command with the feed credentials it reads from the environment (npm, NuGet,
    /// twine, Cargo); its exit code is returned. Children inherit them.
    Exec(ExecArgs),
    /// Make patui the credential provider of a package manager (nuget, cargo, pip, pnpm).
    Setup(SetupArgs),
    /// Find personal access tokens left in plain text (npmrc, NuGet.Config, pip.conf, .netrc,
    /// git credentials, env files…); exit 1 when any is found.
    Scan(ScanArgs),
}

/// `patui cargo-credential`.
#[derive(Debug, Clone, Args)]
pub struct CargoCredentialArgs {
    /// Cargo passes it: speak the credential-provider protocol on stdin/stdout.
    #[arg(long)]
    pub cargo_plugin: bool,
    /// Anything else cargo passes (the provider's configured arguments).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<String>,
}

/// `patui keyring`.
#[derive(Debug, Clone, Args)]
pub struct KeyringArgs {
    /// `password` prints the password alone; `creds` prints user name and password.
    #[arg(long, default_value = "password", value_parser = ["password", "creds"])]
    pub mode: String,
    /// `plain`, `json` (`{"username": …, "password": …}`), or `authorization` (the HTTP
    /// `Authorization` value, `Basic …`: pnpm's tokenHelper).
    #[arg(long, default_value = "plain", value_parser = ["plain", "json", "authorization"])]
    pub output: String,
    /// get (set and del are refused: patui keeps only the tokens it minted).
    pub operation: String,
    /// The index URL (pip's "service").
    pub service: String,
    /// The user name pip has, if any.
    pub username: Option<String>,
}

/// `patui exec`.
#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    /// A feed URL to set credentials for (repeatable); by default the feeds the command's
    /// project names (.npmrc, nuget.config, pip.conf, .cargo/config.toml).
    #[arg(long = "feed", value_name = "URL")]
    pub feeds: Vec<String>,
    /// Publish instead of read: the token must allow Packaging (read & write).
    #[arg(long)]
    pub publish: bool,
    /// The command and its arguments.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<String>,
}

/// `patui setup`.
#[derive(Debug, Clone, Args)]
pub struct SetupArgs {
    /// nuget, cargo, pip or pnpm.
    #[arg(value_parser = ["nuget", "cargo", "pip", "pnpm"])]
    pub tool: String,
    /// cargo: the registry name; pnpm: the feed URL.
    pub target: Option<String>,
    /// Change files without asking.
    #[arg(long)]
    pub yes: bool,
    /// Where to put links and shims (default ~/.local/bin; on Windows the user's bin).
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// `patui scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Files or directories to scan besides the usual places (home directory files).
    pub paths: Vec<PathBuf>,
    /// Only the given paths, not the usual places.
    #[arg(long)]
    pub only: bool,
    #[arg(long)]
    pub json: bool,
    /// Remove every copy of a token patui keeps from the files scanned (the whole line; a
    /// backup of each file is kept); tokens unknown to patui are never changed. Asks once per
    /// file.
    #[arg(long, conflicts_with = "json")]
    pub remove_stored: bool,
    /// With --remove-stored or --rotate: change the files without asking.
    #[arg(long)]
    pub yes: bool,
    /// Keep the token found on this line in the keyring (FILE:LINE); --id says which of your
    /// tokens it is (on a terminal, patui asks). Then remove the copy with --remove-stored.
    #[arg(long, value_name = "FILE:LINE", conflicts_with_all = ["remove_stored", "rotate", "json"])]
    pub import: Option<String>,
    /// Regenerate the token found on this line (FILE:LINE): a new token with the same settings
    /// is created and kept, the line gets the new value (after asking; a backup without the old
    /// value is kept), and the old token is revoked. --id says which token it is, unless patui
    /// keeps it.
    #[arg(long, value_name = "FILE:LINE", conflicts_with_all = ["remove_stored", "json"])]
    pub rotate: Option<String>,
    /// With --import or --rotate: which of your tokens the value is.
    #[arg(long, value_name = "ID")]
    pub id: Option<uuid::Uuid>,
}

/// Which organizations a command covers.
#[derive(Debug, Clone, Args)]
pub struct OrgScope {
    /// Every organization of the signed-in user.
    #[arg(long, conflicts_with = "org")]
    pub all_orgs: bool,
}

/// `patui list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub scope: OrgScope,
    /// active, expiring, expired, revoked or all.
    #[arg(long, default_value = "active", value_parser = ["active", "expiring", "expired", "revoked", "all"])]
    pub status: String,
    /// JSON output (one array, when every page has arrived).
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,
    /// JSON Lines: one token per line, written as pages arrive (a script starts on the first
    /// page; tokens come in the service's order, not sorted).
    #[arg(long)]
    pub jsonl: bool,
}

/// `patui show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The token's authorizationId.
    pub id: uuid::Uuid,
    #[arg(long)]
    pub json: bool,
}

/// `patui create`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["scopes", "preset", "full_access"])))]
#[command(group(clap::ArgGroup::new("when").args(["days", "expires"])))]
pub struct CreateArgs {
    /// The token name.
    #[arg(long)]
    pub name: String,
    /// Space-separated scope ids, e.g. "vso.code vso.packaging".
    #[arg(long)]
    pub scopes: Option<String>,
    /// A named preset (built-in or from the config file).
    #[arg(long)]
    pub preset: Option<String>,
    /// Full access (app_token).
    #[arg(long)]
    pub full_access: bool,
    /// Lifespan in days (default 30).
    #[arg(long)]
    pub days: Option<u32>,
    /// Expiry date, YYYY-MM-DD.
    #[arg(long)]
    pub expires: Option<String>,
    #[command(flatten)]
    pub scope: OrgScope,
    #[arg(long)]
    pub json: bool,
}

/// `patui update`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("when").args(["days", "expires"])))]
pub struct UpdateArgs {
    pub id: uuid::Uuid,
    #[arg(long)]
    pub name: Option<String>,
    /// New lifespan, in days from now.
    #[arg(long)]
    pub days: Option<u32>,
    /// New expiry date, YYYY-MM-DD.
    #[arg(long)]
    pub expires: Option<String>,
    /// New space-separated scopes.
    #[arg(long)]
    pub scopes: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// `patui rotate`.
#[derive(Debug, Clone, Args)]
pub struct RotateArgs {
    pub id: uuid::Uuid,
    #[arg(long)]
    pub json: bool,
}

/// `patui revoke`.
#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    /// Token ids.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub ids: Vec<uuid::Uuid>,
    /// Every active token (of --org, or of every organization with --all-orgs).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub scope: OrgScope,
    /// Do not ask (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Revocations in flight at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

/// `patui migrate-global`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Global token ids (default: every global token).
    pub ids: Vec<uuid::Uuid>,
    /// The organizations to create replacements in, comma-separated (default: every organization
    /// of the account).
    #[arg(long, value_delimiter = ',', value_name = "ORGS")]
    pub orgs: Vec<String>,
    /// Keep the global tokens (do not revoke them after their replacements exist).
    #[arg(long)]
    pub keep_old: bool,
    /// Do not ask (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

/// `patui check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Tokens expiring within this many days need attention (default: `warn_days`, 7).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<u32>,
    #[command(flatten)]
    pub scope: OrgScope,
    #[arg(long)]
    pub json: bool,
}

/// `patui renew`.
#[derive(Debug, Clone, Args)]
pub struct RenewArgs {
    /// Renew stored tokens expiring within this many days (default: `renew_before_days`, 3).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<u32>,
    /// Do not ask (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

/// `patui prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// Do not ask (required without a terminal).
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

/// `patui login`.
#[derive(Debug, Clone, Default, Args)]
pub struct LoginArgs {
    /// With --server: keep a Windows account (NTLM) instead of a PAT. Its password is asked
    /// with hidden input (or read from stdin), checked against the server, and kept in the
    /// keyring. (Kerberos needs nothing kept: patui uses the ticket from kinit.)
    #[arg(long)]
    pub windows: bool,
    /// The Windows account for --windows: DOMAIN\user or user@domain (asked when omitted).
    #[arg(long, value_name = "ACCOUNT", requires = "windows")]
    pub user: Option<String>,
}

/// `patui logout`.
#[derive(Debug, Clone, Default, Args)]
pub struct LogoutArgs {
    /// With --server: forget only the Windows account (keep the PAT).
    #[arg(long)]
    pub windows: bool,
}

/// `patui doctor`.
#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// Repair what can be repaired: revoke orphaned tokens (minted, value lost), finish
    /// interrupted revocations, forget stored values of dead tokens.
    #[arg(long)]
    pub fix: bool,
    #[arg(long)]
    pub json: bool,
}

/// `patui sim`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (loopback only, unless --allow-remote).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Allow a --listen address that is not loopback (e.g. 0.0.0.0). The simulator accepts any
    /// bearer token, so anyone who can reach it can use it.
    #[arg(long)]
    pub allow_remote: bool,
    /// Seed N tokens (deterministic).
    #[arg(long, default_value_t = 0)]
    pub seed_tokens: usize,
    /// Seed the demo data set (3 organizations, about 40 tokens).
    #[arg(long)]
    pub demo_data: bool,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Answer a create this many milliseconds after minting the token.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub answer_delay_ms: u64,
    /// The first N creates mint the token, then lose the answer (the connection breaks).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub drop_create_answers: u32,
    /// Probability (0..1) of a 5xx on PAT requests.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub fail_rate: f64,
    /// Inject the 5xx faults only into requests with this method (GET, POST, PUT, DELETE).
    #[arg(long, value_name = "METHOD")]
    pub fail_only: Option<String>,
    /// Probability (0..1) of a truncated JSON body on PAT requests.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub truncate_rate: f64,
    /// Requests per second before 429 + Retry-After (e.g. 50 or 50/s).
    #[arg(long, value_parser = parse_rate)]
    pub rate_limit: Option<u32>,
    /// Refuse full-access tokens (fullScopePatPolicyViolation).
    #[arg(long)]
    pub full_scope_policy: bool,
    /// Limit lifespans to D days; see --lifespan-policy for what a longer request gets.
    #[arg(long, value_name = "D")]
    pub max_lifespan_days: Option<u32>,
    /// What --max-lifespan-days does with a later expiry.
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = LifespanPolicy::Clamp)]
    pub lifespan_policy: LifespanPolicy,
    /// Answer refusals (patTokenError) inside HTTP 200, as the service's definition has it,
    /// instead of 400/404.
    #[arg(long = "errors-in-200")]
    pub errors_in_200: bool,
    /// Answer 404 for organizations that were not seeded.
    #[arg(long)]
    pub strict_orgs: bool,
    /// With --server-version: trust the `X-Patui-Windows-User` header that a Negotiate/NTLM
    /// proxy in front of the simulator sets (as IIS does for Windows sign-in). Only behind such
    /// a proxy: anyone who can reach the simulator could send the header.
    #[arg(long)]
    pub trust_windows_proxy: bool,
    /// Seed of the random generator (token values, fault injection).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Simulated Entra sign-in: polls answered "pending" before the outcome.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub sign_in_after_polls: u32,
    /// Simulated Entra sign-in: what the user does with the device code.
    #[arg(long, value_enum, default_value_t = SignInOutcome::Approve)]
    pub sign_in_outcome: SignInOutcome,
}

/// What the simulated user does with a device code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignInOutcome {
    Approve,
    Decline,
    Expire,
}

/// What the simulated lifespan policy does with an expiry beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LifespanPolicy {
    /// Shorten the expiry to the limit and succeed (what the service does today).
    Clamp,
    /// Refuse with patLifespanPolicyViolation (the service's older behaviour).
    Reject,
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

    #[test]
    fn sim_policy_and_exposure_flags_parse() {
        let sim = |args: &[&str]| {
            let mut argv = vec!["patui", "sim"];
            argv.extend_from_slice(args);
            let cli = Cli::try_parse_from(argv).unwrap();
            match cli.command {
                Some(Command::Sim(a)) => a,
                _ => panic!("not sim"),
            }
        };
        let a = sim(&[]);
        assert_eq!(a.lifespan_policy, LifespanPolicy::Clamp, "clamp by default");
        assert!(!a.errors_in_200 && !a.allow_remote);
        let a = sim(&[
            "--max-lifespan-days",
            "30",
            "--lifespan-policy",
            "reject",
            "--errors-in-200",
            "--allow-remote",
            "--listen",
            "0.0.0.0:0",
        ]);
        assert_eq!(a.lifespan_policy, LifespanPolicy::Reject);
        assert_eq!(a.max_lifespan_days, Some(30));
        assert!(a.errors_in_200 && a.allow_remote);
        assert!(Cli::try_parse_from(["patui", "sim", "--lifespan-policy", "ignore"]).is_err());
    }
}
