//! End-to-end: the real `patui` binary in a real terminal (tmux), driven by keys, checked by
//! reading the screen, the tmux paste buffer (OSC 52) and the simulator.

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
    vec![
        ("PATUI_SERVICE_URL", sim.base_url.as_str()),
        ("PATUI_ACCESS_TOKEN", "e2e-access-token"),
        ("PATUI_LOG_FILE", log),
        ("PATUI_CONFIG", config),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
    ]
}

fn empty_config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "clipboard_clear_seconds = 0\n").unwrap();
    let p = path.display().to_string();
    (dir, p)
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
    let s = t.wait_for("contoso-ci");
    assert!(
        s.contains("All organiz"),
        "global tokens are labelled:\n{s}"
    );
    assert!(s.contains("DEMO"));
    // Live filter.
    t.keys(&["/"]);
    t.type_text("northwind-g");
    let s = t.wait_gone("contoso-ci");
    assert!(s.contains("northwind-git"));
    t.keys(&["Escape"]);
    t.wait_for("contoso-ci");
    // Details of the first row.
    t.keys(&["g", "Enter"]);
    let s = t.wait_for("Token details");
    assert!(s.contains("Valid to"));
    t.keys(&["Escape"]);
    t.wait_gone("Token details");
    // Help comes from the keymap.
    t.keys(&["?"]);
    let s = t.wait_for("Reload from the service");
    assert!(s.contains("ctrl-r"));
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
    t.wait_for("All accessible organizations");
    t.keys(&["Enter"]); // -> scopes
    t.wait_for("Custom defined");
    t.keys(&["Enter"]);
    t.wait_for("Choose at least one scope");
    t.keys(&["2"]); // preset: Git clone/push
    t.wait_for("Read & write");
    t.keys(&["Enter"]); // -> review
    t.wait_for("This request will be sent");
    t.keys(&["Enter"]);
    let s = t.wait_for("Your new token");
    assert!(s.contains("it will not be shown again"));
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
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "keyring = \"memory\"\nsign_in = [\"keyring\", \"device-code\"]\n",
    )
    .unwrap();
    let config = config.display().to_string();
    let log = log_file();
    let env = vec![
        ("PATUI_SERVICE_URL", sim.base_url.as_str()),
        ("PATUI_AUTHORITY", sim.base_url.as_str()),
        ("PATUI_LOG_FILE", log.as_str()),
        ("PATUI_CONFIG", config.as_str()),
        ("PATUI_ACCESS_TOKEN", ""),
    ];
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
    let s = t.wait_for("Demo User");
    assert!(s.contains("fabrikam"));
    t.keys(&["Escape"]);
    t.wait_gone("Demo User");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}
