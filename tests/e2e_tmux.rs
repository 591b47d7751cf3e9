//! End-to-end: the real `patui` binary in a real terminal (tmux), driven by keys, checked by
//! reading the screen, the tmux paste buffer (OSC 52) and the simulator.

// The journeys that use a real shell are Unix-only; their helpers are unused elsewhere.
#![cfg_attr(not(unix), allow(dead_code))]

mod common;

use common::{SimProcess, Tmux, have_tmux, log_file, patui_bin};
use patui::azure::client::{check_pat, parse_base};
use patui::azure::{
    AzureClient, ClientOptions, DisplayFilter, Endpoints, ListQuery, PatTokenCreateRequest,
    ServerSort, StaticToken, list_all,
};
use patui::secret::Secret;
use std::sync::Arc;
use std::time::Duration;

fn env_for<'a>(sim: &'a SimProcess, log: &'a str, config: &'a str) -> Vec<(&'a str, &'a str)> {
    // The keyring service of this test run: a developer's real entries are never touched.
    static SERVICE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let service = SERVICE.get_or_init(|| format!("patui-test-{}", std::process::id()));
    vec![
        ("PATUI_KEYRING_SERVICE", service.as_str()),
        ("PATUI_SERVICE_URL", sim.base_url.as_str()),
        ("PATUI_ACCESS_TOKEN", "e2e-access-token"),
        ("PATUI_LOG_FILE", log),
        ("PATUI_CONFIG", config),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
    ]
}

/// A config in `dir` with an in-memory keyring and the sign-in sources `order` (a TOML array).
fn sign_in_config(dir: &std::path::Path, order: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, format!("keyring = \"memory\"\nsign_in = {order}\n")).unwrap();
    path.display().to_string()
}

/// The environment of a patui that has no token and signs in against the simulator's Entra.
fn sign_in_env<'a>(sim: &'a SimProcess, log: &'a str, config: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("PATUI_SERVICE_URL", sim.base_url.as_str()),
        ("PATUI_AUTHORITY", sim.base_url.as_str()),
        ("PATUI_LOG_FILE", log),
        ("PATUI_CONFIG", config),
        ("PATUI_ACCESS_TOKEN", ""),
    ]
}

fn empty_config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "clipboard_clear_seconds = 0\n").unwrap();
    let p = path.display().to_string();
    (dir, p)
}

/// Creates a token named `name` through the wizard (30 days, the first organization, the Git
/// preset) and confirms the review; the caller waits for the modal.
fn create_through_the_wizard(t: &Tmux, name: &str) {
    t.keys(&["n"]);
    t.wait_for("Name your token");
    t.type_text(name);
    t.keys(&["Enter"]); // -> lifespan (30 days)
    t.wait_for("Expiration:");
    t.keys(&["Enter"]); // -> organization
    t.wait_for("Organization:");
    t.keys(&["Enter"]); // -> scopes
    t.wait_for("Custom defined");
    t.keys(&["2"]); // preset: Git clone/push
    t.wait_for("Read & write");
    t.keys(&["Enter"]); // -> review
    t.wait_for("This request will be sent");
    t.keys(&["Enter"]);
}

fn client(sim: &SimProcess) -> AzureClient {
    AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&sim.base_url).unwrap(),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("e2e".into(), "test")),
    )
    .unwrap()
}

#[test]
fn demo_list_filter_help_details_and_quit() {
    if !have_tmux() {
        return;
    }
    let log = log_file();
    let t = Tmux::start_with_env(
        "demo",
        120,
        40,
        &[("PATUI_LOG_FILE", &log), ("NO_COLOR", "1")],
        &format!("{} --demo", patui_bin()),
    );
    t.wait_for("build-agent-linux");
    // Global tokens are labelled.
    t.wait_for_all(&["contoso-ci", "All orgs", "DEMO"]);
    // Live filter.
    t.keys(&["/"]);
    t.type_text("northwind-g");
    let s = t.wait_gone("contoso-ci");
    assert!(s.contains("northwind-git"));
    t.keys(&["Escape"]);
    t.wait_for("contoso-ci");
    // Details of the first row.
    t.keys(&["g", "Enter"]);
    t.wait_for_all(&["Token details", "Valid to"]);
    t.keys(&["Escape"]);
    t.wait_gone("Token details");
    // Help comes from the keymap.
    t.keys(&["?"]);
    t.wait_for_all(&["Reload from the service", "ctrl-r"]);
    t.keys(&["Escape"]);
    t.wait_gone("Reload from the service");
    // Status filter: revoked.
    for _ in 0..3 {
        t.keys(&["f"]);
    }
    t.wait_for("leaked-token");
    // A small terminal asks for more room; resizing back restores the list.
    t.resize(50, 12);
    t.wait_for("larger terminal");
    t.resize(120, 40);
    t.wait_for("leaked-token");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn create_copy_and_the_copied_token_authenticates() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&[]);
    let (_dir, config) = empty_config();
    let log = log_file();
    let t = Tmux::start_with_env(
        "create",
        120,
        40,
        &env_for(&sim, &log, &config),
        &format!("{} --org e2e-create", patui_bin()),
    );
    t.wait_for("No active tokens here");
    t.keys(&["n"]);
    t.wait_for("Name your token");
    // An empty name is refused inline.
    t.keys(&["Enter"]);
    t.wait_for("A name is required");
    t.type_text("e2e-token");
    t.keys(&["Enter"]); // -> lifespan (30 days)
    t.wait_for("Expiration:");
    t.keys(&["Enter"]); // -> organization
    t.wait_for("Organization:");
    t.keys(&["Enter"]); // -> scopes
    t.wait_for("Custom defined");
    t.keys(&["Enter"]);
    t.wait_for("Choose at least one scope");
    t.keys(&["2"]); // preset: Git clone/push
    t.wait_for("Read & write");
    t.keys(&["Enter"]); // -> review
    t.wait_for("This request will be sent");
    t.keys(&["Enter"]);
    // Wait for the whole modal (a capture can land between two writes of one frame).
    let s = t.wait_until("the new token modal", Duration::from_secs(10), |s| {
        s.contains("Your new token") && s.contains("it will not be shown again")
    });
    t.keys(&["y"]);
    t.wait_for("OSC 52");
    let copied = t.buffer().expect("tmux received the OSC 52 copy");
    assert_eq!(copied.len(), 84, "an 84-character token");
    assert!(s.contains(&copied), "the modal shows the same token");
    // The copied token works against the service.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = parse_base(&sim.base_url).unwrap();
    let who = rt
        .block_on(check_pat(
            &base,
            "e2e-create",
            &Secret::from(copied.as_str()),
        ))
        .expect("the copied token authenticates");
    assert_eq!(who.authenticated_user.provider_display_name, "Demo User");
    t.keys(&["Enter"]);
    t.wait_for("e2e-token");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn revoke_all_with_typed_confirmation() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&["--seed-tokens", "30", "--latency-ms", "5"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = client(&sim);
    // A token the user copied earlier.
    let minted = rt
        .block_on(patui::azure::PatBackend::create(
            &c,
            "fabrikam",
            &PatTokenCreateRequest {
                display_name: "copied-earlier".into(),
                scope: "vso.code".into(),
                valid_to: chrono::Utc::now() + chrono::Duration::days(20),
                all_orgs: false,
            },
        ))
        .unwrap();
    let value = minted.token.clone().unwrap();
    let base = parse_base(&sim.base_url).unwrap();
    rt.block_on(check_pat(&base, "fabrikam", &value)).unwrap();
    let (_dir, config) = empty_config();
    let log = log_file();
    let t = Tmux::start_with_env(
        "revokeall",
        120,
        40,
        &env_for(&sim, &log, &config),
        &format!("{} --org fabrikam", patui_bin()),
    );
    t.wait_for("copied-earlier");
    t.keys(&["D"]);
    t.wait_for("Type \"revoke\"");
    t.type_text("revok");
    t.keys(&["Enter"]);
    t.wait_for("Type \"revoke\" to confirm");
    t.type_text("e");
    t.keys(&["Enter"]);
    t.wait_until("the report", Duration::from_secs(20), |s| {
        s.contains("Every token was revoked")
    });
    t.keys(&["Escape"]);
    t.wait_for("No active tokens here");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
    let active = rt
        .block_on(list_all(
            &c,
            "fabrikam",
            ListQuery {
                filter: DisplayFilter::Active,
                sort: ServerSort::DisplayName,
                ascending: true,
            },
            |_| {},
        ))
        .unwrap();
    assert!(active.is_empty(), "no active token left: {}", active.len());
    assert!(
        rt.block_on(check_pat(&base, "fabrikam", &value))
            .unwrap_err()
            .is_auth()
    );
}

#[test]
fn sign_in_with_the_device_code_flow_then_the_list_loads() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&["--seed-tokens", "5"]);
    let dir = tempfile::tempdir().unwrap();
    let config = sign_in_config(dir.path(), r#"["keyring", "device-code"]"#);
    let log = log_file();
    let env = sign_in_env(&sim, &log, &config);
    let t = Tmux::start_with_env(
        "signin",
        120,
        40,
        &env,
        &format!("{} --org fabrikam", patui_bin()),
    );
    let s = t.wait_for("Sign in to Azure DevOps");
    let s = if s.contains("Enter  SIM") {
        s
    } else {
        t.wait_for("microsoft.com/devicelogin")
    };
    assert!(s.contains("SIM"), "the user code is shown:\n{s}");
    // The simulated user approves; the list loads with the new sign-in.
    t.wait_until("the list", Duration::from_secs(15), |s| {
        s.contains("Signed in") || s.contains("5 of 5") || s.contains("of 4") || s.contains("of 3")
    });
    t.wait_gone("Sign in to Azure DevOps");
    t.keys(&["p"]);
    t.wait_for_all(&["Demo User", "fabrikam"]);
    t.keys(&["Escape"]);
    t.wait_gone("Demo User");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

/// Writes an executable shell script.
#[cfg(unix)]
fn script(path: &std::path::Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The terminal hand-over, for real: from the sign-in screen, `o` runs a browser (a fake one in
/// $BROWSER) and `a` runs `az login` (a fake `az` on PATH). Each fake reads a line typed in the
/// terminal and records whether the terminal was in cooked mode: patui must have given the
/// terminal back and must not read a single key meant for them. Afterwards patui takes the
/// terminal back, signs in through the Azure CLI and lists the tokens.
#[cfg(unix)]
#[test]
fn browser_and_az_login_get_the_terminal_then_patui_takes_it_back() {
    if !have_tmux() {
        return;
    }
    // The simulated user never approves the device code: only az login can sign in.
    let sim = SimProcess::start(&["--seed-tokens", "5", "--sign-in-after-polls", "100000"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let exp = chrono::Utc::now().timestamp() + 3600;
    script(
        &dir.path().join("az"),
        &format!(
            r#"#!/bin/sh
d=$(dirname "$0")
mode=cooked; stty -a | grep -q -- '-icanon' && mode=raw
case "$1" in
  login)
    echo "fake az login: type the word"
    IFS= read -r word
    echo "$mode $word $*" > "$d/az-log"
    echo "env=${{PATUI_ACCESS_TOKEN-unset}}" >> "$d/az-log"
    touch "$d/signed-in" ;;
  account)
    [ -f "$d/signed-in" ] || {{ echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; }}
    echo '{{"accessToken": "from-fake-az", "expires_on": {exp}}}' ;;
  *) exit 2 ;;
esac
"#
        ),
    );
    script(
        &dir.path().join("browser"),
        r#"#!/bin/sh
d=$(dirname "$0")
mode=cooked; stty -a | grep -q -- '-icanon' && mode=raw
echo "fake browser at $1: type the word"
IFS= read -r word
echo "$mode $word $1" > "$d/browser-log"
echo "env=${PATUI_ACCESS_TOKEN-unset}" >> "$d/browser-log"
"#,
    );
    let config = sign_in_config(dir.path(), r#"["azure-cli", "device-code"]"#);
    let log = log_file();
    let browser = format!("{d}/browser");
    let mut env = sign_in_env(&sim, &log, &config);
    env.push(("BROWSER", browser.as_str()));
    // A secret in patui's environment (unused: the configured sign-in skips it) never reaches
    // the programs patui starts.
    env.retain(|(k, _)| *k != "PATUI_ACCESS_TOKEN");
    env.push(("PATUI_ACCESS_TOKEN", "must-not-leak"));
    let t = Tmux::start_with_env(
        "handover",
        100,
        30,
        &env,
        // tmux ignores PATH in -e: the shell puts the fake az first on it.
        &format!("PATH={d}:$PATH {} --org fabrikam", patui_bin()),
    );
    t.wait_until(
        "the code and the az login key",
        Duration::from_secs(15),
        |s| {
            s.contains("Sign in to Azure DevOps")
                && s.contains("o open browser")
                && s.contains("a az login")
        },
    );

    // The browser gets the terminal.
    t.keys(&["o"]);
    let s = t.wait_for("fake browser at");
    assert!(!s.contains("Sign in to Azure DevOps"), "the TUI left:\n{s}");
    t.type_text("seen-by-browser");
    t.keys(&["Enter"]);
    // The TUI is back.
    t.wait_for_all(&["o open browser", "Sign in to Azure DevOps"]);
    let got = std::fs::read_to_string(dir.path().join("browser-log")).unwrap();
    assert!(
        got.starts_with("cooked seen-by-browser http"),
        "the browser read every key, in cooked mode: {got:?}"
    );
    assert!(
        got.lines().next().unwrap_or("").ends_with("/devicelogin"),
        "{got:?}"
    );
    assert!(
        got.contains("env=unset"),
        "the browser got patui's secret: {got:?}"
    );

    // az login gets the terminal; afterwards patui signs in with the Azure CLI.
    t.keys(&["a"]);
    t.wait_for("fake az login: type the word");
    t.type_text("seen-by-az");
    t.keys(&["Enter"]);
    t.wait_until("the list", Duration::from_secs(15), |s| {
        s.contains("ci-0000")
    });
    t.wait_gone("Sign in to Azure DevOps");
    let got = std::fs::read_to_string(dir.path().join("az-log")).unwrap();
    assert!(
        got.starts_with("cooked seen-by-az login --allow-no-subscriptions"),
        "az login read every key, in cooked mode: {got:?}"
    );
    assert!(got.contains("env=unset"), "az got patui's secret: {got:?}");
    // Keys work again after the hand-over, and the terminal is restored on quit.
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

/// ctrl-z in a job-control shell: patui gives the terminal back and stops; `fg` brings it back
/// with the screen repainted and keys working; on quit the shell gets a sane terminal.
#[cfg(unix)]
#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    if !have_tmux() {
        return;
    }
    let log = log_file();
    let t = Tmux::shell("suspend", &[("PATUI_LOG_FILE", &log)]);
    t.run_line(&format!("{} --demo", patui_bin()));
    t.wait_for_all(&["contoso-ci", "DEMO"]);
    t.keys(&["C-z"]);
    let s = t.wait_for("Stopped");
    assert!(!s.contains("contoso-ci"), "the TUI left the screen:\n{s}");
    t.run_line("fg");
    t.wait_for_all(&["contoso-ci", "DEMO"]);
    t.keys(&["?"]);
    t.wait_for("Reload from the service");
    t.keys(&["Escape"]);
    t.wait_gone("Reload from the service");
    t.keys(&["q"]);
    t.wait_gone("contoso-ci");
    assert_eq!(t.shell_state(), "C0ooked");
}

/// A copied token does not stay in tmux's paste buffer: the clear overwrites it after
/// `clipboard_clear_seconds` (an empty OSC 52, which tmux ignores, would not), and quitting
/// before then clears it too.
#[test]
fn the_clipboard_is_cleared_after_the_delay_and_at_quit() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let log = log_file();
    // Long enough for the copy to be read from tmux before it is cleared, on a loaded machine.
    for (seconds, quit_first) in [(3, false), (600, true)] {
        let config = dir.path().join(format!("clear-{seconds}.toml"));
        std::fs::write(
            &config,
            format!("keyring = \"memory\"\nclipboard_clear_seconds = {seconds}\n"),
        )
        .unwrap();
        let config = config.display().to_string();
        let org = format!("e2e-clear-{seconds}");
        let t = Tmux::start_with_env(
            &format!("clear{seconds}"),
            120,
            40,
            &env_for(&sim, &log, &config),
            &format!("{} --org {org}", patui_bin()),
        );
        t.wait_for("No active tokens here");
        create_through_the_wizard(&t, "clip-token");
        t.wait_for("it will not be shown again");
        t.keys(&["y"]);
        t.wait_for("OSC 52");
        let copied = t.buffer().expect("tmux received the OSC 52 copy");
        assert_eq!(copied.len(), 84);
        if quit_first {
            t.keys(&["Enter"]);
            t.wait_for("clip-token");
            t.keys(&["q"]);
            assert_eq!(t.wait_exit(), 0);
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if !t.all_buffers().iter().any(|b| b.contains(&copied)) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the token is still in one of tmux's buffers (quit first: {quit_first})"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The pid of the shell's child (patui).
fn child_of_shell(t: &Tmux) -> String {
    let shell = t.program_pid();
    let out = std::process::Command::new("pgrep")
        .args(["-P", &shell.to_string()])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!pid.is_empty(), "patui runs under the shell");
    pid
}

/// Every catchable fatal signal sent to patui ends it through the normal path: the shell gets
/// its main screen back in cooked mode, with the cursor shown, and the exit code is 128 + the
/// signal, as shells expect.
#[cfg(unix)]
#[test]
fn signals_end_patui_with_the_terminal_restored() {
    if !have_tmux() {
        return;
    }
    let log = log_file();
    let t = Tmux::shell("signals", &[("PATUI_LOG_FILE", &log)]);
    for (signal, number) in [
        ("TERM", libc::SIGTERM),
        ("HUP", libc::SIGHUP),
        ("INT", libc::SIGINT),
        ("QUIT", libc::SIGQUIT),
        ("USR1", libc::SIGUSR1),
        ("USR2", libc::SIGUSR2),
    ] {
        t.run_line("clear");
        t.run_line(&format!("{} --demo; echo rc=$?", patui_bin()));
        t.wait_for_all(&["contoso-ci", "DEMO"]);
        let pid = child_of_shell(&t);
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        t.wait_for(&format!("rc={}", 128 + number));
        assert_eq!(t.shell_state(), "C0ooked", "after SIG{signal}");
    }
}

/// With no keyring, a new token's value is only on screen: ctrl-c asks before quitting, esc
/// goes back to it, and a SIGTERM still ends patui but names the token on stderr once the
/// terminal is restored, so it can be revoked.
#[cfg(unix)]
#[test]
fn an_unsaved_token_is_never_dropped_silently() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&[]);
    let (_dir, config) = empty_config();
    let log = log_file();
    let mut env = env_for(&sim, &log, &config);
    env.push(("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent"));
    let t = Tmux::shell("unsaved", &env);
    t.run_line(&format!("{} --org e2e-unsaved; echo rc=$?", patui_bin()));
    t.wait_for("No active tokens here");
    create_through_the_wizard(&t, "unsaved-token");
    t.wait_for("NOT STORED");
    // ctrl-c asks instead of quitting; esc goes back to the token.
    t.keys(&["C-c"]);
    t.wait_for("Quit and lose the token?");
    t.keys(&["Escape"]);
    t.wait_gone("Quit and lose the token?");
    t.wait_for("NOT STORED");
    // A wrong word does not quit either.
    t.keys(&["C-c"]);
    t.wait_for("Quit and lose the token?");
    t.type_text("nope");
    t.keys(&["Enter"]);
    t.wait_for("to quit, or esc");
    t.keys(&["Escape"]);
    t.wait_gone("Quit and lose the token?");
    // A signal cannot ask: patui ends, and says what was lost after restoring the terminal.
    let pid = child_of_shell(&t);
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let s = t.wait_for("rc=143");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tokens = rt
        .block_on(list_all(
            &client(&sim),
            "e2e-unsaved",
            ListQuery::default(),
            |_| {},
        ))
        .unwrap();
    assert_eq!(tokens.len(), 1);
    let id = tokens[0].authorization_id.to_string();
    let flat = s.replace('\n', "");
    assert!(
        flat.contains(&id) && flat.contains("unsaved-token") && flat.contains("patui revoke"),
        "the token is named on stderr:\n{s}"
    );
    assert_eq!(t.shell_state(), "C0ooked");
}

/// Run as a child by `a_panic_restores_the_terminal` (does nothing otherwise): takes the
/// terminal the way patui does, draws, and panics.
#[test]
fn panic_probe() {
    if std::env::var_os("PATUI_PANIC_PROBE").is_none() {
        return;
    }
    let mut guard = patui::tui::terminal::TerminalGuard::enter(true).unwrap();
    guard
        .terminal
        .draw(|f| f.render_widget(ratatui::widgets::Paragraph::new("probe-screen"), f.area()))
        .unwrap();
    panic!("probe panic");
}

/// A panic while the TUI owns the terminal: the hook restores it before the message prints.
#[cfg(unix)]
#[test]
fn a_panic_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::shell("panic", &[]);
    let exe = std::env::current_exe().unwrap();
    t.run_line(&format!(
        "PATUI_PANIC_PROBE=1 {} --exact panic_probe --nocapture --test-threads 1",
        exe.display()
    ));
    t.wait_until(
        "the panic message on the main screen",
        Duration::from_secs(10),
        |s| s.contains("probe panic") && s.contains("test result: FAILED"),
    );
    // The probe's test fails (status 101); the terminal is cooked.
    assert_eq!(t.shell_state(), "C101ooked");
}

/// The organizations of the demo data (`patui sim --demo-data`).
const DEMO_ORGS: [&str; 3] = ["fabrikam", "contoso", "northwind"];

/// The global tokens of an organization's listing: (id, name, revoked).
fn global_tokens(sim: &SimProcess) -> Vec<(uuid::Uuid, String, bool)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = client(sim);
    let mut out = Vec::new();
    for (filter, revoked) in [
        (DisplayFilter::Active, false),
        (DisplayFilter::Revoked, true),
    ] {
        let q = ListQuery {
            filter,
            sort: ServerSort::DisplayName,
            ascending: true,
        };
        for t in rt.block_on(list_all(&c, "fabrikam", q, |_| {})).unwrap() {
            if t.is_global() {
                out.push((t.authorization_id, t.display_name, revoked));
            }
        }
    }
    out
}

/// The active tokens named `name` in `org` that target only that organization.
fn replacements_in(sim: &SimProcess, org: &str, name: &str) -> usize {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(list_all(&client(sim), org, ListQuery::default(), |_| {}))
        .unwrap()
        .iter()
        .filter(|t| t.display_name == name && !t.is_global())
        .count()
}

/// What `patui credential get` answers for `org` (the clock of `when`).
fn credential_for(env: &[(&str, &str)], when: &str, org: &str) -> Option<String> {
    use std::io::Write;
    let faketime = common::faketime_prefix(when);
    let mut cmd = std::process::Command::new(&faketime[0]);
    cmd.args(&faketime[1..])
        .arg(patui_bin())
        .args(["credential", "get"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!("protocol=https\nhost=dev.azure.com\npath={org}/p/_git/r\n\n").as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("password=").map(str::to_owned))
}

/// After the retirement of global tokens (the simulator and patui both at 2026-12-02 through
/// faketime): the demo's two global tokens show as retired, the status line says so, and `M`
/// replaces both across the three organizations: one token per organization each, stored in the
/// real keyring (git's helper then answers every organization with a token that works), and the
/// global tokens revoked. Then, against a simulator that fails half of all creates, every
/// global token ends either replaced-and-revoked or untouched, and `r` finishes the job.
#[cfg(unix)]
#[test]
fn global_tokens_past_the_cut_off_are_replaced_per_organization() {
    if !have_tmux() || !common::have_faketime() {
        return;
    }
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            std::env::var_os("PATUI_REQUIRE_KEYRING").is_none(),
            "the keyring is required"
        );
        eprintln!("skipped: no session bus for the real keyring");
        return;
    }
    let when = "2026-12-02 00:00:00";
    for (round, sim_args) in [
        (0, vec!["--demo-data"]),
        (
            1,
            vec![
                "--demo-data",
                "--fail-rate",
                "0.5",
                "--fail-only",
                "POST",
                "--seed",
                "7",
                // Slow enough that each run of the replacements shows "Replacing…" for a
                // while (a poll of the screen must see it, also on a loaded machine).
                "--latency-ms",
                "300",
            ],
        ),
    ] {
        let sim = SimProcess::start_at(when, &sim_args);
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "clipboard_clear_seconds = 0\n").unwrap();
        let config = config.display().to_string();
        let state = dir.path().join("state");
        let state = state.display().to_string();
        let service = format!("patui-test-{}-migrate{round}", std::process::id());
        let log = log_file();
        let mut env = env_for(&sim, &log, &config);
        env.retain(|(k, _)| *k != "PATUI_KEYRING_SERVICE");
        env.push(("PATUI_KEYRING_SERVICE", service.as_str()));
        env.push(("PATUI_STATE_DIR", state.as_str()));
        let globals = global_tokens(&sim);
        assert_eq!(globals.len(), 2, "the demo's global tokens: {globals:?}");
        let t = Tmux::start_with_env(
            &format!("migrate{round}"),
            120,
            40,
            &env,
            &format!(
                "{} {} --org fabrikam",
                common::shell_words(&common::faketime_prefix(when)),
                patui_bin()
            ),
        );
        t.wait_for_all(&["⊗ retired", "2 global tokens stopped working on 2026-12-01"]);
        t.keys(&["M"]);
        t.wait_for("Global token 1 of 2");
        t.wait_for_all(&["[x] fabrikam", "[x] contoso", "[x] northwind"]);
        t.keys(&["Enter"]);
        t.wait_for("Global token 2 of 2");
        t.keys(&["Enter"]);
        t.wait_for("This will, for each global token");
        t.keys(&["Enter"]);
        let finished =
            |s: &str| s.contains("Done. enter closes") || s.contains("r retries what failed");
        t.wait_until("the report", Duration::from_secs(20), finished);
        if round == 1 {
            // Each global token is either replaced everywhere and revoked, or untouched.
            for (id, name, _) in global_tokens(&sim) {
                let revoked = global_tokens(&sim).iter().any(|(i, _, r)| *i == id && *r);
                let made: Vec<usize> = DEMO_ORGS
                    .iter()
                    .map(|o| replacements_in(&sim, o, &name))
                    .collect();
                assert!(made.iter().all(|n| *n <= 1), "{name}: never two: {made:?}");
                if revoked {
                    assert_eq!(made, [1, 1, 1], "{name}: revoked only once all exist");
                }
            }
            // Retry until done (bounded): what was created is not created again.
            for _ in 0..12 {
                if t.screen().contains("Done. enter closes") {
                    break;
                }
                t.wait_for("r retries what failed");
                t.keys(&["r"]);
                t.wait_for("Replacing…");
                t.wait_until("the report", Duration::from_secs(20), finished);
            }
        }
        t.wait_for("Done. enter closes");
        t.keys(&["Enter"]);
        t.keys(&["q"]);
        assert_eq!(t.wait_exit(), 0);
        // Both global tokens are revoked; each organization has exactly one replacement of each.
        let after = global_tokens(&sim);
        assert!(after.iter().all(|(_, _, revoked)| *revoked), "{after:?}");
        for (_, name, _) in &globals {
            for org in DEMO_ORGS {
                assert_eq!(replacements_in(&sim, org, name), 1, "{name} in {org}");
            }
        }
        // git's helper answers every organization with a stored replacement that works.
        let rt = tokio::runtime::Runtime::new().unwrap();
        let base = parse_base(&sim.base_url).unwrap();
        for org in DEMO_ORGS {
            let value = credential_for(&env, when, org)
                .unwrap_or_else(|| panic!("git gets a token for {org}"));
            rt.block_on(check_pat(&base, org, &Secret::from(value.as_str())))
                .unwrap_or_else(|e| panic!("the replacement works in {org}: {e}"));
        }
        // Clean the keyring entries of this round.
        let status = std::process::Command::new(patui_bin())
            .args(["revoke", "--all", "--all-orgs", "--yes"])
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// A config (in-memory keyring, no clipboard clearing), a state directory and the log of one
/// test, in a temporary directory.
struct Files {
    _dir: tempfile::TempDir,
    config: String,
    state: String,
    log: String,
}

impl Files {
    fn new() -> Files {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            "keyring = \"memory\"\nclipboard_clear_seconds = 0\n",
        )
        .unwrap();
        Files {
            config: config.display().to_string(),
            state: dir.path().join("state").display().to_string(),
            log: log_file(),
            _dir: dir,
        }
    }

    /// The environment of a patui against `sim` with these files.
    fn env(&self, sim: &SimProcess) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = env_for(sim, &self.log, &self.config)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        env.push(("PATUI_STATE_DIR".into(), self.state.clone()));
        env
    }
}

/// The active tokens named `name` in `org`.
fn active_named(sim: &SimProcess, org: &str, name: &str) -> Vec<uuid::Uuid> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(list_all(&client(sim), org, ListQuery::default(), |_| {}))
        .unwrap()
        .into_iter()
        .filter(|t| t.display_name == name)
        .map(|t| t.authorization_id)
        .collect()
}

/// The service mints the token but its answer is lost: the wizard does not offer a blind retry.
/// It finds the token, says its value is lost, and enter revokes it and creates it again, so
/// exactly one token of that name remains, the one whose value the user holds.
#[test]
fn a_lost_create_answer_in_the_wizard_never_leaves_two_tokens() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&["--drop-create-answers", "1"]);
    let files = Files::new();
    let env = files.env(&sim);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start_with_env(
        "lostanswer",
        120,
        40,
        &env,
        &format!("{} --org e2e-lost", patui_bin()),
    );
    t.wait_for("No active tokens here");
    create_through_the_wizard(&t, "lost-answer");
    t.wait_for("the service's answer was lost");
    assert_eq!(active_named(&sim, "e2e-lost", "lost-answer").len(), 1);
    t.keys(&["Enter"]);
    t.wait_for_all(&["Your new token", "it will not be shown again"]);
    t.keys(&["Enter"]);
    t.wait_gone("Your new token");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(
        active_named(&sim, "e2e-lost", "lost-answer").len(),
        1,
        "the orphan was revoked, the new one kept"
    );
}

/// patui killed (-9) while the service holds the create's answer: at the next start (its clock
/// past the settling time) the status line names the orphan, and X → enter revokes it.
#[cfg(unix)]
#[test]
fn an_orphan_from_a_killed_tui_is_found_at_the_next_start_and_revoked() {
    if !have_tmux() || !common::have_faketime() {
        return;
    }
    let sim = SimProcess::start(&["--answer-delay-ms", "5000"]);
    let files = Files::new();
    let env = files.env(&sim);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::shell("killed", &env);
    t.run_line(&format!("{} --org e2e-orphan", patui_bin()));
    t.wait_for("No active tokens here");
    create_through_the_wizard(&t, "orphaned");
    // Minted, its answer held back by the service: kill patui.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while active_named(&sim, "e2e-orphan", "orphaned").is_empty() {
        assert!(std::time::Instant::now() < deadline, "never minted");
    }
    let pid = child_of_shell(&t);
    std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap();
    t.wait_gone("No active tokens here");
    t.run_line("stty sane; clear");
    t.run_line(&format!(
        "{} {} --org e2e-orphan",
        common::shell_words(&common::faketime_offset("+5m")),
        patui_bin()
    ));
    t.wait_for_all(&[
        "1 token was created but its value was never stored or shown",
        "X reviews them",
    ]);
    t.keys(&["X"]);
    t.wait_for_all(&["Clean up", "[revoke] orphaned in e2e-orphan"]);
    t.keys(&["Enter"]);
    t.wait_gone("its value was never stored or shown");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !active_named(&sim, "e2e-orphan", "orphaned").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the orphan was not revoked"
        );
    }
    t.keys(&["q"]);
}
