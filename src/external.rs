//! Programs patui hands the terminal to: `az login` and a web browser. Builds their command
//! lines (never with a secret in them), checks a server-supplied URL before it reaches a
//! launcher, and runs the candidates in the foreground until one starts.

use std::process::Command;
use thiserror::Error;

/// A program the TUI runs in the foreground, with the terminal handed over to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum External {
    /// `az login`, so the Azure CLI token source works afterwards.
    AzLogin {
        /// The `az` program (a name on PATH or a path).
        az: String,
        /// The Entra tenant, when known.
        tenant: Option<String>,
    },
    /// A web browser at the device code verification page.
    Browser { url: String },
}

/// Why an external program did not do its job.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExternalError {
    #[error("{0} is not installed (not found on PATH)")]
    NotFound(String),
    #[error("{what} exited with {status}")]
    Failed { what: String, status: String },
    #[error("cannot start {what}: {detail}")]
    Start { what: String, detail: String },
    #[error("refusing to open {0:?}: only https addresses (or http on this machine) are opened")]
    UnsafeUrl(String),
    #[error("no way to open a browser here: {0}")]
    NoBrowser(String),
}

impl External {
    /// What it is, for messages.
    pub fn label(&self) -> &'static str {
        match self {
            External::AzLogin { .. } => "az login",
            External::Browser { .. } => "the browser",
        }
    }

    /// The command lines to try, in order, until one starts.
    pub fn commands(&self) -> Result<Vec<Command>, ExternalError> {
        match self {
            External::AzLogin { az, tenant } => {
                Ok(vec![az_login(az, tenant.as_deref(), headless())])
            }
            External::Browser { url } => {
                let url = check_url(url)?;
                browser_commands(&url, std::env::var("BROWSER").ok().as_deref())
            }
        }
    }
}

/// True on a Linux/BSD machine with no graphical session, where `az login` cannot open a
/// browser and must use its own device code flow.
fn headless() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return false;
    }
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    !set("DISPLAY") && !set("WAYLAND_DISPLAY")
}

/// `az login` for Azure DevOps: allowed without an Azure subscription (most Azure DevOps users
/// have none), in the organization's tenant when known, and with a device code when headless.
pub fn az_login(az: &str, tenant: Option<&str>, headless: bool) -> Command {
    let mut cmd = Command::new(az);
    cmd.args(["login", "--allow-no-subscriptions"]);
    if let Some(t) = tenant.filter(|t| !matches!(*t, "organizations" | "common" | "")) {
        cmd.args(["--tenant", t]);
    }
    if headless {
        cmd.arg("--use-device-code");
    }
    cmd
}

/// Accepts `https://…`, and `http://` only to this machine (the simulator); anything else
/// (file paths, `javascript:`, other hosts over http) is refused before a launcher sees it.
pub fn check_url(raw: &str) -> Result<String, ExternalError> {
    let refuse = || ExternalError::UnsafeUrl(raw.chars().take(100).collect());
    let url = url::Url::parse(raw).map_err(|_| refuse())?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url.to_string()),
        "http" if loopback => Ok(url.to_string()),
        _ => Err(refuse()),
    }
}

/// The browser: each entry of `$BROWSER` (colon-separated; `%s` is replaced by the URL, else the
/// URL is appended), then the platform's openers (xdg-open and friends, `open`, `start`).
pub fn browser_commands(url: &str, browser: Option<&str>) -> Result<Vec<Command>, ExternalError> {
    let mut out = Vec::new();
    for entry in browser.unwrap_or("").split(':') {
        let mut words = entry.split_whitespace();
        let Some(program) = words.next() else {
            continue;
        };
        let mut cmd = Command::new(program);
        let mut placed = false;
        for w in words {
            if w.contains("%s") {
                cmd.arg(w.replace("%s", url));
                placed = true;
            } else {
                cmd.arg(w);
            }
        }
        if !placed {
            cmd.arg(url);
        }
        out.push(cmd);
    }
    out.extend(open::commands(url));
    if out.is_empty() {
        return Err(ExternalError::NoBrowser(
            "set BROWSER to your browser's command".into(),
        ));
    }
    Ok(out)
}

/// Where `program` is on PATH (with Windows' extensions such as `az.cmd`), or None.
pub fn find_program(program: &str) -> Option<std::path::PathBuf> {
    which::which(program).ok()
}

/// Runs the candidates in the foreground, inheriting the terminal, and waits: the first that
/// starts decides. A candidate that is not installed passes to the next; when every candidate
/// fails, the last failure is reported.
pub async fn run(what: &External) -> Result<(), ExternalError> {
    let label = what.label();
    let mut last = None;
    for cmd in what.commands()? {
        let program = cmd.get_program().to_string_lossy().into_owned();
        let mut cmd = tokio::process::Command::from(cmd);
        match cmd.status().await {
            Ok(s) if s.success() => return Ok(()),
            Ok(s) => {
                last = Some(ExternalError::Failed {
                    what: label.to_owned(),
                    status: describe_status(s),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                last.get_or_insert(ExternalError::NotFound(program));
            }
            Err(e) => {
                last = Some(ExternalError::Start {
                    what: label.to_owned(),
                    detail: e.to_string(),
                });
            }
        }
        // az login is the only candidate of its kind: its failure is final.
        if matches!(what, External::AzLogin { .. }) {
            break;
        }
    }
    Err(last.unwrap_or_else(|| ExternalError::NoBrowser("no candidate".into())))
}

fn describe_status(s: std::process::ExitStatus) -> String {
    match s.code() {
        Some(c) => format!("status {c}"),
        None => "a signal".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(c: &Command) -> Vec<String> {
        std::iter::once(c.get_program())
            .chain(c.get_args())
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn az_login_arguments() {
        assert_eq!(
            argv(&az_login("az", Some("organizations"), false)),
            ["az", "login", "--allow-no-subscriptions"]
        );
        assert_eq!(
            argv(&az_login("/opt/az", Some("contoso.onmicrosoft.com"), true)),
            [
                "/opt/az",
                "login",
                "--allow-no-subscriptions",
                "--tenant",
                "contoso.onmicrosoft.com",
                "--use-device-code"
            ]
        );
    }

    #[test]
    fn only_https_or_loopback_http_urls_are_opened() {
        assert!(check_url("https://microsoft.com/devicelogin").is_ok());
        assert!(check_url("http://127.0.0.1:8080/devicelogin").is_ok());
        assert!(check_url("http://localhost/x").is_ok());
        assert!(check_url("http://[::1]:9/x").is_ok());
        for bad in [
            "http://evil.example/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "/usr/bin/xterm",
            "--help",
            "",
        ] {
            assert!(
                matches!(check_url(bad), Err(ExternalError::UnsafeUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn browser_env_entries_come_first_with_placeholder_substitution() {
        let url = "https://microsoft.com/devicelogin";
        let cmds = browser_commands(url, Some("firefox --new-tab %s::w3m")).unwrap();
        assert_eq!(argv(&cmds[0]), ["firefox", "--new-tab", url]);
        assert_eq!(argv(&cmds[1]), ["w3m", url]);
        // Then the platform's openers.
        assert!(cmds.len() > 2);
        let without = browser_commands(url, None).unwrap();
        assert_eq!(without.len(), cmds.len() - 2);
    }

    #[tokio::test]
    async fn a_missing_program_is_reported_as_not_installed() {
        let e = run(&External::AzLogin {
            az: "/nonexistent/patui-test-az".into(),
            tenant: None,
        })
        .await
        .unwrap_err();
        assert!(matches!(e, ExternalError::NotFound(_)), "{e}");
        assert!(e.to_string().contains("not installed"));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn exit_status_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let az = dir.path().join("az");
        std::fs::write(&az, "#!/bin/sh\nexit 3\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = run(&External::AzLogin {
            az: az.display().to_string(),
            tenant: None,
        })
        .await
        .unwrap_err();
        assert_eq!(e.to_string(), "az login exited with status 3");
    }
}
