//! End-to-end against a simulated Azure DevOps Server / TFS: the real `patui` binary in a real
//! terminal (tmux) with `--server`, driven by keys, checked on the screen and in the simulator's
//! counters. One journey on TFS 2017 (sign-in screen, create refused, edit refused by the
//! server, the era's scope list, revoke-all with the sign-in PAT last), one on Azure DevOps
//! Server 2022 (edit with an HTML-sensitive name, revoke one).

mod common;

use common::{SimProcess, Tmux, have_tmux, log_file, patui_bin};
use std::time::Duration;

/// The simulator's counters.
fn stats(sim: &SimProcess) -> serde_json::Value {
    let url = format!("{}/_sim/stats", sim.base_url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() })
}

/// Presses esc until no dialog is open (a wizard steps back one step per esc).
fn close_dialogs(t: &Tmux) {
    for _ in 0..8 {
        if !t.screen().contains('┌') {
            return;
        }
        t.keys(&["Escape"]);
        std::thread::sleep(Duration::from_millis(60));
    }
    panic!("a dialog stays open:\n{}", t.screen());
}

/// A config with an in-memory keyring (nothing of the developer's is touched).
fn config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "keyring = \"memory\"\nclipboard_clear_seconds = 0\n").unwrap();
    let p = path.display().to_string();
    (dir, p)
}

#[test]
fn tfs_2017_sign_in_refusals_scopes_and_revoke_all_with_the_own_pat_last() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&["--server-version", "2017"]);
    let url = format!("{}/tfs/DefaultCollection", sim.base_url);
    let (_dir, config) = config();
    let log = log_file();
    let t = Tmux::start_with_env(
        "tfs2017",
        130,
        40,
        &[
            ("PATUI_LOG_FILE", &log),
            ("PATUI_CONFIG", &config),
            ("PATUI_SERVER_PAT", ""),
            ("NO_COLOR", "1"),
        ],
        &format!("{} --server {url}", patui_bin()),
    );
    // No PAT yet: the server's sign-in screen, hidden input.
    t.wait_for_all(&["Sign in to the server", "Delegated Authorization Tokens"]);
    t.type_text("WRONGWRONGWRONG");
    let s = t.wait_for("•••••••••••••••");
    assert!(!s.contains("WRONGWRONG"), "the PAT is never shown:\n{s}");
    t.keys(&["Enter"]);
    t.wait_for("refused this token");
    t.type_text(patui::sim::server::SIGN_IN_PAT);
    t.keys(&["Enter"]);
    t.wait_for_all(&["TFS 2017", "build agent", "R&D feed reader", "All colls"]);
    // Create is not offered, and says why on a press.
    let s = t.screen();
    assert!(
        !s.contains(" n new "),
        "n is not offered on the hint bar:\n{s}"
    );
    t.keys(&["n"]);
    t.wait_for_all(&[
        "To create, sign in with your Windows account",
        "ctrl-s opens the sign-in dialog",
    ]);
    t.keys(&["Escape"]);
    // Help marks it too.
    t.keys(&["?"]);
    t.wait_for_all(&["New token", "(not with this sign-in)"]);
    t.keys(&["Escape"]);
    t.wait_gone("(not with this sign-in)");
    // Edit: the scope list is TFS 2017's; the server refuses the edit: regenerate is named.
    t.keys(&["/"]);
    t.type_text("build agent");
    t.keys(&["Enter"]);
    t.keys(&["e"]);
    t.wait_for("Name");
    t.keys(&["Enter"]); // -> lifespan
    t.wait_for("Expiration:");
    t.keys(&["Enter"]); // -> scopes
    // The era's wording.
    t.wait_for_all(&["Agent Pools", "read, manage"]);
    t.keys(&["/"]);
    t.type_text("Environment");
    t.wait_for("Environment");
    let s = t.screen();
    assert!(
        !s.lines()
            .any(|l| l.contains("Environment") && l.contains("manage")),
        "TFS 2017 has no Environment scope:\n{s}"
    );
    t.keys(&["Escape"]);
    t.keys(&["Enter"]); // -> review
    t.wait_for("This update will be sent");
    t.keys(&["Enter"]);
    t.wait_for("regenerate");
    assert_eq!(stats(&sim)["updates"], 0);
    close_dialogs(&t);
    t.keys(&["/", "C-u", "Escape"]);
    // Revoke every token: patui's own PAT goes last, and no DELETE without an id is sent.
    t.wait_for("build agent");
    t.keys(&["D"]);
    t.wait_for("Type \"revoke\"");
    t.type_text("revoke");
    t.keys(&["Enter"]);
    // The report, or the sign-in screen over it (the reload after the own PAT went).
    t.wait_until("the report", Duration::from_secs(20), |s| {
        s.contains("Every token was revoked") || s.contains("Sign in to the server")
    });
    let st = stats(&sim);
    assert_eq!(st["deleteAll"], 0, "{st}");
    assert_eq!(st["revocations"], 5, "{st}");
    // The sign-in PAT is gone too: the list's reload brings the sign-in screen back.
    t.wait_for("Sign in to the server");
    t.keys(&["Escape"]);
    t.wait_gone("Sign in to the server");
    t.wait_for("Every token was revoked");
    close_dialogs(&t);
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn ads_2022_edit_and_revoke_one() {
    if !have_tmux() {
        return;
    }
    let sim = SimProcess::start(&["--server-version", "2022"]);
    let url = format!("{}/tfs/DefaultCollection", sim.base_url);
    let (_dir, config) = config();
    let log = log_file();
    let t = Tmux::start_with_env(
        "ads2022",
        130,
        40,
        &[
            ("PATUI_LOG_FILE", &log),
            ("PATUI_CONFIG", &config),
            ("PATUI_SERVER_PAT", patui::sim::server::SIGN_IN_PAT),
            ("NO_COLOR", "1"),
        ],
        &format!("{} --server {url}", patui_bin()),
    );
    t.wait_for_all(&["Azure DevOps Server 2022", "build agent", "COLLECTION"]);
    // Rename with characters the server HTML-encodes: shown decoded, stored once-encoded.
    t.keys(&["/"]);
    t.type_text("build agent");
    t.keys(&["Enter"]);
    t.keys(&["e"]);
    t.wait_for("Name");
    for _ in 0.."build agent".len() {
        t.keys(&["BSpace"]);
    }
    t.type_text("build & <deploy>");
    t.keys(&["Enter"]);
    t.wait_for("Expiration:");
    t.keys(&["Enter"]);
    // Azure DevOps Server 2022 has Environment.
    t.wait_for_all(&["Agent Pools", "Environment"]);
    t.keys(&["Enter"]);
    t.wait_for("This update will be sent");
    t.keys(&["Enter"]);
    t.wait_until("the update", Duration::from_secs(10), |_| {
        stats(&sim)["updates"] == 1
    });
    close_dialogs(&t);
    t.keys(&["/", "C-u", "Escape"]);
    t.wait_for_all(&["build & <deploy>", "R&D feed reader"]);
    let st = stats(&sim);
    assert_eq!(st["updates"], 1, "{st}");
    // Revoke the renamed token.
    t.keys(&["/"]);
    t.type_text("deploy");
    t.keys(&["Enter"]);
    t.keys(&["d"]);
    t.wait_for("Revoke build & <deploy>?");
    t.keys(&["Right", "Enter"]);
    t.wait_until("the revocation", Duration::from_secs(10), |_| {
        stats(&sim)["revocations"] == 1
    });
    t.keys(&["Escape"]);
    t.wait_gone("build & <deploy>");
    assert_eq!(stats(&sim)["deleteAll"], 0);
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}
