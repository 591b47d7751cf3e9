//! The scriptable commands, run as the real binary against `patui sim`: JSON shapes, exit codes,
//! the refusal without a terminal, partial failures, and git's credential protocol.

mod common;

use assert_cmd::Command;
use common::{SimProcess, log_file, patui_bin};
use serde_json::Value;

struct Env {
    sim: SimProcess,
    _dir: tempfile::TempDir,
    config: String,
}

/// The keyring service of this test run: a developer's real `patui` entries are never touched.
fn test_service() -> String {
    format!("patui-test-{}", std::process::id())
}

fn env(sim_args: &[&str], config: &str) -> Env {
    let sim = SimProcess::start(sim_args);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    Env {
        sim,
        config: path.display().to_string(),
        _dir: dir,
    }
}

impl Env {
    fn cmd(&self) -> Command {
        let mut c = Command::new(patui_bin());
        c.env("PATUI_SERVICE_URL", &self.sim.base_url)
            .env("PATUI_ACCESS_TOKEN", "cli-test-token")
            .env("PATUI_CONFIG", &self.config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_KEYRING_SERVICE", test_service())
            .env_remove("PATUI_ORG")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

#[test]
fn list_json_shape_and_filters() {
    let e = env(&["--seed-tokens", "40"], "");
    let all = e.json(&["list", "--org", "fabrikam", "--status", "all", "--json"]);
    let arr = all.as_array().unwrap();
    assert_eq!(arr.len(), 40);
    let first = &arr[0];
    for key in [
        "id",
        "name",
        "status",
        "organizations",
        "allOrganizations",
        "scopes",
        "validFrom",
        "validTo",
        "stored",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["organizations"], serde_json::json!(["fabrikam"]));
    let count = |s: &str| {
        e.json(&["list", "--org", "fabrikam", "--status", s, "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    let (active, expired, revoked, expiring) = (
        count("active"),
        count("expired"),
        count("revoked"),
        count("expiring"),
    );
    assert_eq!(active + expired + revoked, 40);
    assert!(expiring > 0 && expiring < active);
    // Text output is a table with a header.
    let out = e
        .cmd()
        .args(["list", "--org", "fabrikam"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ID "), "{text}");
    assert_eq!(text.lines().count(), active + 1);
}

#[test]
fn exit_codes() {
    let e = env(&[], "");
    // 2: usage (no organization; a bad service URL; bad arguments).
    e.cmd().args(["list"]).assert().code(2);
    e.cmd()
        .args(["list", "--org", "o"])
        .env("PATUI_SERVICE_URL", "http://example.com")
        .assert()
        .code(2);
    e.cmd().args(["list", "--status", "bogus"]).assert().code(2);
    // 3: authentication.
    e.cmd()
        .args(["list", "--org", "o"])
        .env("PATUI_ACCESS_TOKEN", "expired-token")
        .assert()
        .code(3);
    e.cmd()
        .args(["list", "--org", "o"])
        .env_remove("PATUI_ACCESS_TOKEN")
        .assert()
        .code(3);
    // 1: not found.
    e.cmd()
        .args(["show", "--org", "o", "00000000-0000-0000-0000-000000000001"])
        .assert()
        .code(1);
    // A bad config file names the line and key.
    let bad = env(&[], "mouse = \"yes\"\n");
    let out = bad.cmd().args(["list", "--org", "o"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.toml:1:"));
    // A keymap with one key for two actions: the TUI says which, before touching the terminal.
    let clash = env(&[], "[keymap]\nrefresh = [\"n\"]\n");
    let out = clash.cmd().args(["--org", "acme"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("n is bound to both refresh and new_token"),
        "{msg}"
    );
    assert!(out.stdout.is_empty(), "nothing written to the terminal");
}

#[test]
fn create_show_update_rotate_revoke() {
    let e = env(&[], "keyring = \"memory\"\n");
    let created = e.json(&[
        "create",
        "--org",
        "acme",
        "--name",
        "ci",
        "--preset",
        "Git clone/push",
        "--days",
        "10",
        "--json",
    ]);
    let value = created["value"].as_str().unwrap().to_owned();
    assert_eq!(value.len(), 84);
    let id = created["token"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["token"]["scopes"],
        serde_json::json!(["vso.code_write"])
    );
    // Plain output is the value alone.
    let out = e
        .cmd()
        .args([
            "create", "--org", "acme", "--name", "plain", "--scopes", "vso.code",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 84);
    let shown = e.json(&["show", "--org", "acme", &id, "--json"]);
    assert_eq!(shown["name"], "ci");
    let updated = e.json(&[
        "update",
        "--org",
        "acme",
        &id,
        "--name",
        "ci-renamed",
        "--days",
        "20",
        "--json",
    ]);
    assert_eq!(updated["name"], "ci-renamed");
    assert_eq!(
        updated["scopes"],
        serde_json::json!(["vso.code_write"]),
        "unchanged fields are kept"
    );
    let rotated = e.json(&["rotate", "--org", "acme", &id, "--json"]);
    assert_eq!(rotated["oldRevoked"]["ok"], true);
    assert_ne!(rotated["value"], created["value"]);
    let new_id = rotated["token"]["id"].as_str().unwrap().to_owned();
    let revoked = e.json(&["list", "--org", "acme", "--status", "revoked", "--json"]);
    assert!(
        revoked
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str())
    );
    let r = e.json(&["revoke", "--org", "acme", &new_id, "--json"]);
    assert_eq!(r["revoked"].as_array().unwrap().len(), 1);
    // Bad input is refused before any request.
    e.cmd()
        .args(["create", "--org", "acme", "--name", " ", "--full-access"])
        .assert()
        .code(2);
    e.cmd()
        .args([
            "create", "--org", "acme", "--name", "x", "--scopes", "vso.nope",
        ])
        .assert()
        .code(2);
    e.cmd()
        .args([
            "create",
            "--org",
            "acme",
            "--name",
            "x",
            "--full-access",
            "--days",
            "400",
        ])
        .assert()
        .code(2);
}

#[test]
fn revoke_all_refuses_without_a_terminal_then_reports_partial_failures() {
    let e = env(
        &[
            "--seed-tokens",
            "30",
            "--fail-rate",
            "0.7",
            "--fail-only",
            "DELETE",
            "--seed",
            "7",
        ],
        "",
    );
    let before = e
        .json(&["list", "--org", "fabrikam", "--json"])
        .as_array()
        .unwrap()
        .len();
    let out = e
        .cmd()
        .args(["revoke", "--all", "--org", "fabrikam"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no terminal, no --yes: refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(
        e.json(&["list", "--org", "fabrikam", "--json"])
            .as_array()
            .unwrap()
            .len(),
        before,
        "nothing revoked"
    );

    let out = e
        .cmd()
        .args(["revoke", "--all", "--org", "fabrikam", "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = |k: &str| {
        report[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect::<std::collections::HashSet<_>>()
    };
    let (ok, failed) = (ids("revoked"), ids("failed"));
    assert!(
        !ok.is_empty() && !failed.is_empty(),
        "some of each: {report}"
    );
    assert!(ok.is_disjoint(&failed));
    assert_eq!(
        ok.len() + failed.len(),
        before,
        "every token revoked or reported"
    );
    let still_active: std::collections::HashSet<_> = e
        .json(&["list", "--org", "fabrikam", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        still_active, failed,
        "exactly the failed ones are still active"
    );
}

#[test]
fn completions_and_doctor() {
    let e = env(&[], "keyring = \"memory\"\n");
    let out = e.cmd().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("_patui"));
    let checks = e.json(&["doctor", "--org", "acme", "--json"]);
    let names: Vec<_> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    for n in ["config", "keyring", "sign-in", "service", "organization"] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    assert!(
        checks.as_array().unwrap().iter().all(|c| c["ok"] == true),
        "{checks}"
    );
}

/// A token created by `patui create` is served to the real `git credential fill`.
#[test]
fn git_credential_round_trip() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            std::env::var_os("PATUI_REQUIRE_KEYRING").is_none(),
            "the keyring is required"
        );
        eprintln!(
            "skipped: no session bus for the real keyring (run through scripts/with-keyring.sh)"
        );
        return;
    }
    let e = env(&[], "");
    let created = e.json(&[
        "create", "--org", "gitorg", "--name", "git", "--scopes", "vso.code", "--json",
    ]);
    let value = created["value"].as_str().unwrap().to_owned();
    assert_eq!(created["stored"], true);
    let home = tempfile::tempdir().unwrap();
    let helper = format!("!{} credential", patui_bin());
    let out = std::process::Command::new("git")
        .args([
            "-c",
            &format!("credential.https://dev.azure.com.helper={helper}"),
            "-c",
            "credential.useHttpPath=true",
            "credential",
            "fill",
        ])
        .env("HOME", home.path())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("PATUI_CONFIG", &e.config)
        .env("PATUI_LOG_FILE", log_file())
        .env("PATUI_KEYRING_SERVICE", test_service())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"protocol=https\nhost=dev.azure.com\npath=gitorg/proj/_git/repo\n\n")?;
            c.wait_with_output()
        })
        .unwrap();
    let answer = String::from_utf8(out.stdout).unwrap();
    assert!(
        answer.contains(&format!("password={value}")),
        "git got the stored token"
    );
    // Another organization gets nothing from patui.
    let out = e
        .cmd()
        .args(["credential", "get"])
        .write_stdin("protocol=https\nhost=dev.azure.com\npath=other/p/_git/r\n\n")
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    // erase forgets a rejected token.
    e.cmd()
        .args(["credential", "erase"])
        .write_stdin(format!(
            "protocol=https\nhost=dev.azure.com\npath=gitorg/p/_git/r\npassword={value}\n\n"
        ))
        .assert()
        .success();
    let out = e
        .cmd()
        .args(["credential", "get"])
        .write_stdin("protocol=https\nhost=dev.azure.com\npath=gitorg/p/_git/r\n\n")
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "erased");
}

/// A token id is enough: without --org the account's organizations are searched; with the wrong
/// --org the token is still found, with a note saying where.
#[test]
fn a_token_is_found_in_whichever_organization_holds_it() {
    let e = env(&["--seed-tokens", "3"], "");
    let created = e.json(&[
        "create",
        "--org",
        "elsewhere",
        "--name",
        "far",
        "--scopes",
        "vso.code",
        "--json",
    ]);
    let id = created["token"]["id"].as_str().unwrap().to_owned();
    let shown = e.json(&["show", &id, "--json"]);
    assert_eq!(shown["name"], "far");
    let out = e
        .cmd()
        .args(["show", &id, "--org", "fabrikam", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("is in organization elsewhere, not fabrikam"),
        "{note}"
    );
    // Revoke by id alone, reported by name.
    let revoked = e.json(&["revoke", &id, "--json"]);
    assert_eq!(revoked["revoked"][0]["name"], "far");
    assert_eq!(revoked["revoked"][0]["organization"], "elsewhere");
    // An unknown id names the organizations it was looked for in.
    let unknown = uuid::Uuid::new_v4().to_string();
    let out = e.cmd().args(["show", &unknown]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("elsewhere") && msg.contains("fabrikam"),
        "{msg}"
    );
}
