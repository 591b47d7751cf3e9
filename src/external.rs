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

/// One way to run it: the command line, and whether it gets the terminal (`az login`, a
/// `$BROWSER` such as w3m) or runs detached with no terminal at all (the platform's opener,
/// whose browser must never write into the TUI).
#[derive(Debug)]
pub struct Launch {
    pub command: Command,
    pub attached: bool,
}

/// How long a detached opener may take before it counts as started (some openers wait for the
/// browser they start).
const OPENER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl External {
    /// What it is, for messages.
    pub fn label(&self) -> &'static str {
        match self {
            External::AzLogin { .. } => "az login",
            External::Browser { .. } => "the browser",
        }
    }

    /// True when the program needs the terminal, so the TUI must hand it over.
    pub fn needs_terminal(&self) -> bool {
        match self {
            External::AzLogin { .. } => true,
            External::Browser { .. } => browser_env().is_some(),
        }
    }

    /// The ways to run it, in order, until one starts.
    pub fn launches(&self) -> Result<Vec<Launch>, ExternalError> {
        match self {
            External::AzLogin { az, tenant } => Ok(vec![Launch {
                command: az_login(az, tenant.as_deref(), headless()),
                attached: true,
            }]),
            External::Browser { url } => {
                let url = check_url(url)?;
                browser_launches(&url, browser_env().as_deref())
            }
        }
    }
}

fn browser_env() -> Option<String> {
    std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
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

/// patui's secret environment variables: never passed to a program patui starts (a browser, `az`,
/// tmux), nor to whatever those start.
pub const SECRET_ENV: &[&str] = &["PATUI_ACCESS_TOKEN", "PATUI_SERVER_PAT"];

/// Removes [`SECRET_ENV`] from a child's environment.
pub fn without_secrets(cmd: &mut Command) -> &mut Command {
    for k in SECRET_ENV {
        cmd.env_remove(k);
    }
    cmd
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
/// URL is appended), with the terminal; then the platform's openers (xdg-open and friends,
/// `open`, `start`), detached.
pub fn browser_launches(url: &str, browser: Option<&str>) -> Result<Vec<Launch>, ExternalError> {
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
        out.push(Launch {
            command: cmd,
            attached: true,
        });
    }
    out.extend(open::commands(url).into_iter().map(|command| Launch {
        command,
        attached: false,
    }));
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

/// Runs the launches in order until one starts: an attached one in the foreground with the
/// terminal, waited for; a detached one with no terminal, waited for at most a few seconds (a
/// browser still running then has opened). A launch that is not installed passes to the next;
/// when all fail, the last failure is reported.
pub async fn run(what: &External) -> Result<(), ExternalError> {
    let only_one = matches!(what, External::AzLogin { .. });
    run_launches(what.label(), what.launches()?, only_one, OPENER_WAIT).await
}

async fn run_launches(
    label: &str,
    launches: Vec<Launch>,
    only_one: bool,
    opener_wait: std::time::Duration,
) -> Result<(), ExternalError> {
    use std::process::Stdio;
    let mut last = None;
    for launch in launches {
        let program = launch.command.get_program().to_string_lossy().into_owned();
        let mut std_cmd = launch.command;
        without_secrets(&mut std_cmd);
        let mut cmd = tokio::process::Command::from(std_cmd);
        if !launch.attached {
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
        }
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                last.get_or_insert(ExternalError::NotFound(program));
                continue;
            }
            Err(e) => {
                last = Some(ExternalError::Start {
                    what: label.to_owned(),
                    detail: e.to_string(),
                });
                continue;
            }
        };
        let status = if launch.attached {
            child.wait().await
        } else {
            match tokio::time::timeout(opener_wait, child.wait()).await {
                Ok(s) => s,
                Err(_) => return Ok(()),
            }
        };
        match status {
            Ok(s) if s.success() => return Ok(()),
            Ok(s) => {
                // A browser has several openers: name the one that failed.
                let what = if only_one {
                    label.to_owned()
                } else {
                    program.rsplit('/').next().unwrap_or(&program).to_owned()
                };
                last = Some(ExternalError::Failed {
                    what,
                    status: describe_status(s),
                });
            }
            Err(e) => {
                last = Some(ExternalError::Start {
                    what: label.to_owned(),
                    detail: e.to_string(),
                });
            }
        }
        // az login is the only launch of its kind: its failure is final.
        if only_one {
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
    fn browser_env_entries_come_first_with_the_terminal_then_detached_openers() {
        let url = "https://microsoft.com/devicelogin";
        let l = browser_launches(url, Some("firefox --new-tab %s::w3m")).unwrap();
        assert_eq!(argv(&l[0].command), ["firefox", "--new-tab", url]);
        assert_eq!(argv(&l[1].command), ["w3m", url]);
        assert!(l[0].attached && l[1].attached);
        // Then the platform's openers, which never get the terminal.
        assert!(l.len() > 2);
        assert!(l[2..].iter().all(|x| !x.attached));
        let without = browser_launches(url, None).unwrap();
        assert_eq!(without.len(), l.len() - 2);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn detached_openers_a_failure_passes_to_the_next_and_one_still_running_has_started() {
        let detached = |program: &str, args: &[&str]| {
            let mut command = Command::new(program);
            command.args(args);
            Launch {
                command,
                attached: false,
            }
        };
        // `false` fails, then `sleep` stands in for an opener that waits for its browser.
        let r = run_launches(
            "the browser",
            vec![detached("false", &[]), detached("sleep", &["3"])],
            false,
            std::time::Duration::from_millis(200),
        )
        .await;
        assert_eq!(r, Ok(()));
        let r = run_launches(
            "the browser",
            vec![detached("/nonexistent/opener", &[]), detached("false", &[])],
            false,
            std::time::Duration::from_secs(5),
        )
        .await;
        assert_eq!(
            r,
            Err(ExternalError::Failed {
                what: "false".into(),
                status: "status 1".into()
            })
        );
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
        // Another test's child may still hold the script open for writing for an instant (it
        // was forked while the file was being written): exec then fails with ETXTBSY. Retry.
        let mut e = None;
        for _ in 0..50 {
            let r = run(&External::AzLogin {
                az: az.display().to_string(),
                tenant: None,
            })
            .await
            .unwrap_err();
            if !r.to_string().contains("Text file busy") {
                e = Some(r);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let e = e.expect("the script stayed busy");
        assert_eq!(e.to_string(), "az login exited with status 3");
    }
}
