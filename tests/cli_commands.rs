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
    /// What every `patui` of this environment runs under (faketime for a fixed clock).
    wrapper: Vec<String>,
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
        wrapper: Vec::new(),
    }
}

/// [`env`] with the simulator and every `patui` run under faketime at `when` (UTC), or None
/// (skipped with a message) where faketime is missing.
fn env_at(when: &str, sim_args: &[&str], config: &str) -> Option<Env> {
    if !common::have_faketime() {
        return None;
    }
    let sim = SimProcess::start_at(when, sim_args);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    Some(Env {
        sim,
        config: path.display().to_string(),
        _dir: dir,
        wrapper: common::faketime_prefix(when),
    })
}

impl Env {
    fn cmd(&self) -> Command {
        self.cmd_with(&self.wrapper)
    }

    /// `patui` run through `wrapper` (e.g. [`common::faketime_prefix`]), with this environment.
    fn cmd_with(&self, wrapper: &[String]) -> Command {
        let mut c = match wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(patui_bin());
                c
            }
            None => Command::new(patui_bin()),
        };
        c.env("PATUI_SERVICE_URL", &self.sim.base_url)
            .env("PATUI_ACCESS_TOKEN", "cli-test-token")
            .env("PATUI_CONFIG", &self.config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_KEYRING_SERVICE", test_service())
            .env("PATUI_STATE_DIR", self.state_dir())
            .env_remove("PATUI_ORG")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    /// `patui ARGS…` as a plain child process (for spawning, killing, closing its stdout),
    /// with this environment.
    fn process(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(patui_bin());
        c.args(args)
            .env("PATUI_SERVICE_URL", &self.sim.base_url)
            .env("PATUI_ACCESS_TOKEN", "cli-test-token")
            .env("PATUI_CONFIG", &self.config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_KEYRING_SERVICE", test_service())
            .env("PATUI_STATE_DIR", self.state_dir())
            .env_remove("PATUI_ORG");
        c
    }

    /// This environment's own state directory (the mint journal, locks): not the user's, and
    /// not shared with tests running alongside or with earlier runs.
    fn state_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("state")
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

/// The real `git credential fill`, with patui as the helper for dev.azure.com (paths
/// included), `e`'s config, a HOME of its own and the keyring service `service`.
fn git_fill(e: &Env, home: &std::path::Path, service: &str) -> std::process::Command {
    let helper = format!("!{} credential", patui_bin());
    let mut c = std::process::Command::new("git");
    c.args([
        "-c",
        &format!("credential.https://dev.azure.com.helper={helper}"),
        "-c",
        "credential.useHttpPath=true",
        "credential",
        "fill",
    ])
    .env("HOME", home)
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("PATUI_CONFIG", &e.config)
    .env("PATUI_LOG_FILE", log_file())
    .env("PATUI_KEYRING_SERVICE", service);
    c
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
    let out = git_fill(&e, home.path(), &test_service())
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
    // A request that does not say protocol=https gets nothing, not the https token.
    for request in [
        "host=dev.azure.com\npath=gitorg/p/_git/r\n\n",
        "protocol=http\nhost=dev.azure.com\npath=gitorg/p/_git/r\n\n",
    ] {
        let out = e
            .cmd()
            .args(["credential", "get"])
            .write_stdin(request)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{request:?}");
        assert!(out.stdout.is_empty(), "{request:?} got a credential");
    }
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

/// `patui sim` refuses a non-loopback address before it binds (exit 2, nothing served), and
/// names the flag that allows one.
#[test]
fn sim_refuses_a_non_loopback_listen_address() {
    let out = Command::new(patui_bin())
        .args(["sim", "--listen", "0.0.0.0:0"])
        .env("PATUI_LOG_FILE", log_file())
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(msg.contains("--allow-remote"), "{msg}");
    assert!(out.stdout.is_empty(), "no base URL: nothing was served");
}

/// A refusal inside HTTP 200 (as the service's definition has it) fails `patui create` as a
/// 400 would: the policy's message, exit code 1, no value printed and nothing minted.
#[test]
fn create_is_refused_by_a_full_scope_policy_answered_inside_200() {
    let e = env(
        &["--errors-in-200", "--full-scope-policy"],
        "keyring = \"memory\"\n",
    );
    let out = e
        .cmd()
        .args([
            "create",
            "--org",
            "acme",
            "--name",
            "everything",
            "--full-access",
            "--json",
        ])
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains("forbids full-access tokens"), "{msg}");
    assert!(out.stdout.is_empty(), "no value and no JSON on stdout");
    let all = e.json(&["list", "--org", "acme", "--status", "all", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 0, "nothing minted: {all}");
    // Scoped tokens are still allowed.
    let ok = e.json(&[
        "create", "--org", "acme", "--name", "scoped", "--scopes", "vso.code", "--json",
    ]);
    assert_eq!(ok["token"]["name"], "scoped");
}

/// A lifespan policy that clamps (the service's behaviour today): `create --days 90` succeeds
/// with an expiry ~30 days out, says so on stderr, and marks the JSON `"clamped": true`; a
/// request within the limit gets neither.
#[test]
fn create_reports_an_expiry_shortened_by_the_lifespan_policy() {
    let e = env(
        &["--max-lifespan-days", "30", "--lifespan-policy", "clamp"],
        "keyring = \"memory\"\n",
    );
    let out = e
        .cmd()
        .args([
            "create", "--org", "acme", "--name", "long", "--scopes", "vso.code", "--days", "90",
            "--json",
        ])
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{msg}");
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["clamped"], true, "{created}");
    let valid_to =
        chrono::DateTime::parse_from_rfc3339(created["token"]["validTo"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
    let hours = (valid_to - chrono::Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&hours), "{valid_to}");
    let date = valid_to.format("%Y-%m-%d").to_string();
    assert!(
        msg.contains(&format!(
            "note: the service shortened the expiry to {date} (organization policy)"
        )),
        "{msg}"
    );
    // Plain output is still the value alone; the note goes to stderr.
    let out = e
        .cmd()
        .args([
            "create", "--org", "acme", "--name", "plain", "--scopes", "vso.code", "--days", "90",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim().len(), 84);
    assert!(String::from_utf8_lossy(&out.stderr).contains("shortened the expiry"));
    // Within the limit: no note and no "clamped".
    let out = e
        .cmd()
        .args([
            "create", "--org", "acme", "--name", "short", "--scopes", "vso.code", "--days", "10",
            "--json",
        ])
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{msg}");
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(created.get("clamped").is_none(), "{created}");
    assert!(!msg.contains("shortened"), "{msg}");
}

/// True when the real keyring can be used here; otherwise the caller skips (CI requires it).
fn have_session_bus() -> bool {
    common::have_keyring()
}

/// Ten `patui create` processes at once against the real keyring: every value is stored and
/// the index lists all ten (it is updated under a file lock, not only an in-process one), so
/// `list`, `show` and `update` report them as stored; `revoke --all` then forgets them.
#[test]
fn parallel_creates_all_reach_the_keyring_index() {
    if !have_session_bus() {
        return;
    }
    let e = env(&[], "");
    let state = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..10)
        .map(|i| {
            let mut c = std::process::Command::new(patui_bin());
            c.args([
                "create",
                "--org",
                "parallel",
                "--name",
                &format!("p{i}"),
                "--scopes",
                "vso.code",
                "--json",
            ])
            .env("PATUI_SERVICE_URL", &e.sim.base_url)
            .env("PATUI_ACCESS_TOKEN", "cli-test-token")
            .env("PATUI_CONFIG", &e.config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_STATE_DIR", state.path())
            .env("PATUI_KEYRING_SERVICE", format!("{}-par", test_service()))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["stored"], true);
        assert_eq!(v["token"]["stored"], true);
        assert_eq!(v["token"]["organizations"], serde_json::json!(["parallel"]));
        ids.push(v["token"]["id"].as_str().unwrap().to_owned());
    }
    let par = |c: &mut Command| {
        c.env("PATUI_STATE_DIR", state.path())
            .env("PATUI_KEYRING_SERVICE", format!("{}-par", test_service()));
    };
    let mut list = e.cmd();
    par(&mut list);
    let out = list
        .args(["list", "--org", "parallel", "--json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stored: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["stored"] == true)
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(stored.len(), 10, "every value is in the index: {listed}");
    let mut show = e.cmd();
    par(&mut show);
    let shown: Value = serde_json::from_slice(
        &show
            .args(["show", &ids[0], "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(shown["stored"], true);
    let mut update = e.cmd();
    par(&mut update);
    let updated: Value = serde_json::from_slice(
        &update
            .args(["update", &ids[1], "--name", "renamed", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(updated["stored"], true);
    let mut revoke = e.cmd();
    par(&mut revoke);
    revoke
        .args(["revoke", "--all", "--org", "parallel", "--yes"])
        .assert()
        .success();
    let mut list = e.cmd();
    par(&mut list);
    let out = list
        .args(["list", "--org", "parallel", "--status", "all", "--json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["stored"] == false),
        "revoked values are forgotten: {listed}"
    );
}

/// No keyring and a stdout that cannot be written: the value is neither stored nor delivered,
/// so `create` fails and names the token (and the keyring's real error) on stderr.
#[test]
fn a_create_that_can_neither_store_nor_print_fails_and_names_the_token() {
    let e = env(&[], "");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = e
        .process(&[
            "create", "--org", "lost", "--name", "doomed", "--scopes", "vso.code",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .stdout(std::process::Stdio::from(full))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let listed = e.json(&["list", "--org", "lost", "--json"]);
    let id = listed[0]["id"].as_str().unwrap();
    assert!(err.contains(id) && err.contains("doomed"), "{err}");
    assert!(
        err.contains("value is lost") && err.contains("patui revoke"),
        "{err}"
    );
    assert!(
        err.contains("Secret Service"),
        "the keyring's own error: {err}"
    );
    assert!(!err.contains("no keyring is configured"), "{err}");
}

/// Names and messages from the server never reach the terminal raw: a token name carrying an
/// OSC 52 sequence and a bidi override is neutralised in text output and escaped in JSON.
#[test]
fn hostile_token_names_are_neutralised_in_every_output() {
    let e = env(&[], "keyring = \"memory\"\n");
    let evil = "ci\u{202e}gnp.exe";
    let created = e.json(&[
        "create", "--org", "evil", "--name", evil, "--scopes", "vso.code", "--json",
    ]);
    let id = created["token"]["id"].as_str().unwrap().to_owned();
    // JSON: the value is the same, but the bidi control is written as an escape.
    let out = e.cmd().args(["show", &id, "--json"]).output().unwrap();
    let raw = String::from_utf8(out.stdout).unwrap();
    assert!(
        !raw.contains('\u{202e}') && raw.contains("\\u202e"),
        "{raw}"
    );
    let v: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(v["name"], evil);
    // Text: list and show replace it.
    for args in [vec!["list", "--org", "evil"], vec!["show", &id]] {
        let out = e.cmd().args(&args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{202e}'), "{args:?}: {text}");
        assert!(text.contains("ci\u{fffd}gnp.exe"), "{args:?}: {text}");
    }
}

#[test]
fn revoke_all_refuses_a_concurrency_of_zero() {
    let e = env(&["--seed-tokens", "3"], "keyring = \"memory\"\n");
    let out = e
        .cmd()
        .args([
            "revoke",
            "--all",
            "--org",
            "fabrikam",
            "--yes",
            "--concurrency",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--concurrency"));
    let left = e.json(&["list", "--org", "fabrikam", "--json"]);
    assert!(!left.as_array().unwrap().is_empty(), "nothing was revoked");
}

/// `patui credential` with its own config file and no simulator (the helper never calls the
/// service). The directory must outlive the command.
fn credential_cmd(config: &str) -> (tempfile::TempDir, Command) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let mut c = Command::new(patui_bin());
    c.args(["credential", "get"])
        .env("PATUI_CONFIG", &path)
        .env("PATUI_LOG_FILE", log_file())
        .env("PATUI_KEYRING_SERVICE", test_service())
        .env_remove("PATUI_ACCESS_TOKEN");
    (dir, c)
}

/// git's request that is not UTF-8: exit 2 with the reason on stderr, nothing on stdout.
#[test]
fn credential_input_that_is_not_utf8_is_refused_with_a_reason() {
    let (_dir, mut c) = credential_cmd("keyring = \"memory\"\n");
    let out = c
        .write_stdin(b"protocol=https\nhost=dev.azure.com\xff\npath=acme/p/_git/r\n\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("not UTF-8"), "{msg:?}");
    assert!(out.stdout.is_empty());
}

/// A config file that does not load: the helper says so and exits 2, instead of silently
/// falling back to the default keyring.
#[test]
fn credential_reports_a_bad_config_file() {
    for bad in ["keyring = \"bogus\"\n", "keyring = \n"] {
        let (_dir, mut c) = credential_cmd(bad);
        let out = c
            .write_stdin("protocol=https\nhost=dev.azure.com\npath=acme/p/_git/r\n\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let msg = String::from_utf8_lossy(&out.stderr);
        assert!(msg.contains("config.toml:1:"), "{bad:?}: {msg:?}");
        assert!(out.stdout.is_empty());
    }
    // The same request with a good config is answered normally (nothing stored: no output).
    let (_dir, mut c) = credential_cmd("keyring = \"memory\"\n");
    c.write_stdin("protocol=https\nhost=dev.azure.com\npath=acme/p/_git/r\n\n")
        .assert()
        .success()
        .stdout("");
}

/// A running patui has core dumps off and is not dumpable (a dump would hold token values):
/// `doctor` reports it for itself, and the kernel's view of a running `patui sim` agrees.
#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_off_in_every_patui_process() {
    let e = env(&[], "keyring = \"memory\"\n");
    let checks = e.json(&["doctor", "--json"]);
    let core = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "core dumps")
        .expect("a core dumps check");
    assert_eq!(core["ok"], true, "{core}");
    let pid = e.sim.pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{line}");
}

/// SIGTERM during `revoke --all`: the revocations in flight finish, no new one starts, and the
/// report still lists what was revoked (matching the service) and what was not sent; exit 143.
#[cfg(unix)]
#[test]
fn sigterm_during_revoke_all_still_reports_what_was_done() {
    let e = env(
        &["--seed-tokens", "60", "--latency-ms", "100"],
        "keyring = \"memory\"\n",
    );
    // What the service counts as revoked before the run (the seed has some).
    let revoked_now = || {
        let out = e
            .cmd()
            .args(["list", "--org", "fabrikam", "--status", "revoked", "--json"])
            .env("PATUI_KEYRING_SERVICE", format!("{}-sig", test_service()))
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout)
            .map(|v| v.as_array().map_or(0, Vec::len))
            .unwrap_or(0)
    };
    let before = revoked_now();
    let child = e
        .process(&[
            "revoke",
            "--all",
            "--org",
            "fabrikam",
            "--yes",
            "--concurrency",
            "2",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the service has seen the first revocation, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while revoked_now() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "no revocation started"
        );
    }
    // SAFETY: kill sends a signal to our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143));
    let text = String::from_utf8(out.stdout).unwrap();
    let reported = text.lines().filter(|l| l.starts_with("revoked")).count();
    let not_sent = text.lines().filter(|l| l.starts_with("NOT SENT")).count();
    assert!(not_sent > 0, "the run stopped early: {text}");
    assert_eq!(
        reported,
        revoked_now() - before,
        "the report matches the service:\n{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
}

/// `patui check ARGS…`: its exit code, stdout and stderr.
fn check(e: &Env, args: &[&str]) -> (Option<i32>, String, String) {
    let out = e.cmd().arg("check").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `patui check ARGS… --json`: its exit code and the parsed JSON.
fn check_json(e: &Env, args: &[&str]) -> (Option<i32>, Value) {
    let mut args = args.to_vec();
    args.push("--json");
    let (code, stdout, stderr) = check(e, &args);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|err| panic!("{err}: {stdout} {stderr}"));
    (code, v)
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Nothing needs attention (no token at all, then one that lives long): exit 0, nothing on
/// stdout, and `{"attention": false}` with empty lists, for one organization and for all.
#[test]
fn check_with_nothing_to_attend_to_exits_0() {
    let e = env(&[], "keyring = \"memory\"\n");
    let (code, out, err) = check(&e, &["--org", "calm"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.is_empty(), "nothing on stdout: {out}");
    e.json(&[
        "create", "--org", "calm", "--name", "long", "--scopes", "vso.code", "--days", "60",
        "--json",
    ]);
    for args in [&["--org", "calm"][..], &["--all-orgs"][..]] {
        let (code, v) = check_json(&e, args);
        assert_eq!(code, Some(0), "{args:?}: {v}");
        assert_eq!(
            v,
            serde_json::json!({"attention": false, "global": [], "expiring": [],
                "deadStored": []}),
            "{args:?}"
        );
    }
    let (code, out, err) = check(&e, &["--org", "calm"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.is_empty(), "{out}");
    // No organization at all is a usage error, not "nothing to do".
    assert_eq!(check(&e, &[]).0, Some(2));
    // An authentication failure exits 3, not 0 or 5.
    let out = e
        .cmd()
        .args(["check", "--org", "calm"])
        .env("PATUI_ACCESS_TOKEN", "expired-token")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

/// A token expiring in 2 days in a fresh organization: check exits 5 and lists it (text and
/// JSON, for that organization and for all of them), not for another organization nor with a
/// window of 1 day (`--within`, or `warn_days` in the config); once revoked, exit 0.
#[test]
fn check_exits_5_for_a_token_expiring_soon_and_0_once_it_is_revoked() {
    let e = env(&[], "keyring = \"memory\"\n");
    let created = e.json(&[
        "create",
        "--org",
        "soon",
        "--name",
        "short-lived",
        "--scopes",
        "vso.code",
        "--days",
        "2",
        "--json",
    ]);
    let id = created["token"]["id"].as_str().unwrap().to_owned();

    let (code, out, err) = check(&e, &["--org", "soon"]);
    assert_eq!(code, Some(5), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let line = lines[0];
    assert!(line.starts_with("expiring"), "{line}");
    for part in ["short-lived", id.as_str(), "soon", "expires on"] {
        assert!(line.contains(part), "{part} in {line}");
    }

    for args in [&["--org", "soon"][..], &["--all-orgs"][..]] {
        let (code, v) = check_json(&e, args);
        assert_eq!(code, Some(5), "{args:?}: {v}");
        assert_eq!(v["attention"], true);
        assert_eq!(
            ids_of(&v["expiring"]),
            std::slice::from_ref(&id),
            "{args:?}: {v}"
        );
        assert_eq!(v["expiring"][0]["status"], "expiring");
        assert_eq!(
            v["expiring"][0]["organizations"],
            serde_json::json!(["soon"])
        );
        assert_eq!(v["global"], serde_json::json!([]));
        assert_eq!(v["deadStored"], serde_json::json!([]));
    }

    // Another organization does not see it.
    assert_eq!(check(&e, &["--org", "elsewhere"]).0, Some(0));
    // A window of one day does not reach it: --within, and warn_days from the config.
    let (code, out, _) = check(&e, &["--org", "soon", "--within", "1"]);
    assert_eq!(code, Some(0), "{out}");
    let narrow = e._dir.path().join("narrow.toml");
    std::fs::write(&narrow, "keyring = \"memory\"\nwarn_days = 1\n").unwrap();
    let out = e
        .cmd()
        .args(["check", "--org", "soon"])
        .env("PATUI_CONFIG", &narrow)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --within overrides warn_days.
    let out = e
        .cmd()
        .args(["check", "--org", "soon", "--within", "3"])
        .env("PATUI_CONFIG", &narrow)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));

    let r = e.json(&["revoke", "--org", "soon", &id, "--json"]);
    assert_eq!(r["revoked"].as_array().unwrap().len(), 1);
    let (code, out, err) = check(&e, &["--org", "soon"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    let (code, v) = check_json(&e, &["--org", "soon"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["attention"], false, "{v}");
}

/// Against the seeded organization (whatever the seed holds, global tokens or not): check's
/// lists are exactly what `list --status all` says needs attention, and exit 5.
#[test]
fn check_agrees_with_list_on_the_seeded_tokens() {
    let e = env(&["--seed-tokens", "30"], "keyring = \"memory\"\n");
    let all = e.json(&["list", "--org", "fabrikam", "--status", "all", "--json"]);
    let pick = |global: bool, statuses: &[&str]| -> std::collections::BTreeSet<String> {
        all.as_array()
            .unwrap()
            .iter()
            .filter(|t| t["allOrganizations"] == global)
            .filter(|t| statuses.iter().any(|s| t["status"] == *s))
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let want_expiring = pick(false, &["expiring"]);
    let want_global = pick(true, &["active", "expiring", "retired"]);
    assert!(
        !want_expiring.is_empty(),
        "the seed has expiring tokens: {all}"
    );
    let (code, v) = check_json(&e, &["--org", "fabrikam"]);
    assert_eq!(code, Some(5), "{v}");
    let set = |k: &str| {
        ids_of(&v[k])
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(set("expiring"), want_expiring, "{v}");
    assert_eq!(set("global"), want_global, "{v}");
    assert_eq!(v["deadStored"], serde_json::json!([]));
    for t in v["expiring"].as_array().unwrap() {
        let valid_to = chrono::DateTime::parse_from_rfc3339(t["validTo"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert!(
            valid_to - chrono::Utc::now() <= chrono::Duration::days(7),
            "{t}"
        );
    }
    // The text listing has one line per item.
    let (code, out, _) = check(&e, &["--org", "fabrikam"]);
    assert_eq!(code, Some(5));
    assert_eq!(
        out.lines().count(),
        want_expiring.len() + want_global.len(),
        "{out}"
    );
}

/// Sends `DELETE path` to the simulator as another client would (the web UI revoking a token
/// behind patui's back), over a plain HTTP/1.1 connection; returns the status code.
fn raw_delete(base_url: &str, path: &str) -> u16 {
    use std::io::{Read, Write};
    let host = base_url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        s,
        "DELETE {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// A token in the real keyring that was revoked behind patui's back: check lists it under
/// dead stored tokens ("revoked") and exits 5; forgetting the entry makes it 0 again.
#[test]
fn check_finds_a_stored_token_revoked_behind_patuis_back() {
    if !have_session_bus() {
        return;
    }
    let e = env(&[], "");
    let service = format!("{}-check", test_service());
    let cmd = || {
        let mut c = e.cmd();
        c.env("PATUI_KEYRING_SERVICE", &service);
        c
    };
    let out = cmd()
        .args([
            "create", "--org", "deadorg", "--name", "doomed", "--scopes", "vso.code", "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["stored"], true);
    let id = created["token"]["id"].as_str().unwrap().to_owned();
    let value = created["value"].as_str().unwrap().to_owned();
    let run = |json: bool| {
        let mut c = cmd();
        c.args(["check", "--org", "deadorg"]);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    // Forgets the entry (git's `erase`), also when an assertion below fails.
    struct Forget<'a>(&'a dyn Fn());
    impl Drop for Forget<'_> {
        fn drop(&mut self) {
            (self.0)();
        }
    }
    let forget = || {
        let _ = cmd()
            .args(["credential", "erase"])
            .write_stdin(format!(
                "protocol=https\nhost=dev.azure.com\npath=deadorg/p/_git/r\npassword={value}\n\n"
            ))
            .output();
    };
    let _forget = Forget(&forget);

    let out = run(true);
    assert_eq!(out.status.code(), Some(0), "a live stored token is fine");

    let status = raw_delete(
        &e.sim.base_url,
        &format!("/deadorg/_apis/tokens/pats?authorizationId={id}&api-version=7.1-preview.1"),
    );
    assert!((200..300).contains(&status), "the sim revoked it: {status}");

    let out = run(true);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["deadStored"],
        serde_json::json!([{"id": &id, "name": "doomed", "organization": "deadorg",
            "why": "revoked"}]),
        "{v}"
    );
    assert_eq!(
        v["expiring"],
        serde_json::json!([]),
        "a revoked token is not expiring"
    );
    let out = run(false);
    assert_eq!(out.status.code(), Some(5));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("stored") && l.contains(&id) && l.contains("revoked")),
        "{text}"
    );

    forget();
    assert_eq!(run(false).status.code(), Some(0), "the entry is forgotten");
}

/// `migrate-global` replaces a global token with one per organization and revokes it; without a
/// terminal it refuses unless --yes; `rotate` of a global token does the same, never minting a
/// new global token.
#[test]
fn migrate_global_and_rotate_of_a_global_token() {
    // Before the retirement of global tokens (they can still be created then), on any day.
    let Some(e) = env_at("2026-11-20 00:00:00", &[], "keyring = \"memory\"\n") else {
        return;
    };
    let mk = |name: &str| {
        let v = e.json(&[
            "create",
            "--name",
            name,
            "--scopes",
            "vso.code",
            "--all-orgs",
            "--json",
        ]);
        assert_eq!(v["token"]["allOrganizations"], true);
        v["token"]["id"].as_str().unwrap().to_owned()
    };
    let first = mk("global-one");
    // No terminal, no --yes: refused, nothing changed.
    let out = e
        .cmd()
        .args([
            "migrate-global",
            "--org",
            "fabrikam",
            "--orgs",
            "fabrikam,contoso",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = e.json(&[
        "migrate-global",
        "--org",
        "fabrikam",
        "--orgs",
        "fabrikam,contoso",
        "--yes",
        "--json",
    ]);
    let m = &v["migrations"][0];
    assert_eq!(m["id"], first.as_str());
    assert_eq!(m["done"], true, "{v}");
    assert_eq!(m["oldRevoked"]["ok"], true);
    let reps = m["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 2);
    for (r, org) in reps.iter().zip(["fabrikam", "contoso"]) {
        assert_eq!(r["organization"], org);
        assert_eq!(r["ok"], true);
        let shown = e.json(&["show", r["id"].as_str().unwrap(), "--org", org, "--json"]);
        assert_eq!(shown["name"], "global-one");
        assert_eq!(shown["allOrganizations"], false);
        assert_eq!(shown["organizations"], serde_json::json!([org]));
    }
    let revoked = e.json(&["list", "--org", "fabrikam", "--status", "revoked", "--json"]);
    assert!(
        revoked
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == first.as_str()),
        "the global token is revoked"
    );
    // rotate of a global token: replaced per organization, not regenerated as global.
    let second = mk("global-two");
    let out = e
        .cmd()
        .args(["rotate", &second, "--org", "fabrikam", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["migrations"][0]["done"], true, "{v}");
    let active = e.json(&["list", "--org", "fabrikam", "--json"]);
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["allOrganizations"] == false),
        "no global token is left or minted: {active}"
    );
}

/// One HTTP/1.0 request (so the answer is never chunked), with `bearer` when given: the status
/// and the body.
fn raw_http(
    base_url: &str,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    json: &str,
) -> (u16, String) {
    use std::io::{Read, Write};
    let host = base_url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let auth = bearer
        .map(|b| format!("Authorization: Bearer {b}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\n{auth}X-TFS-FedAuthRedirect: Suppress\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or((answer.as_str(), ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    (status, body.to_owned())
}

/// The simulator's counters (`GET /_sim/stats`, no credentials).
fn sim_stats(e: &Env) -> Value {
    let (status, body) = raw_http(&e.sim.base_url, "GET", "/_sim/stats", None, "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Past the retirement of global PATs (a `patui sim` and `patui` itself both under faketime,
/// their clocks at 2026-12-02): the simulator refuses a global create itself, and
/// `patui create --all-orgs` is refused by patui before it asks (exit 2, with the reason), so
/// nothing is minted; a token for one organization is still created.
#[test]
fn create_all_orgs_fails_past_the_retirement_of_global_tokens() {
    let when = "2026-12-02 00:00:00";
    let Some(e) = env_at(when, &[], "keyring = \"memory\"\n") else {
        return;
    };
    // The simulator's clock is past the cut-off: it refuses a global create itself.
    let (status, body) = raw_http(
        &e.sim.base_url,
        "POST",
        "/fabrikam/_apis/tokens/pats?api-version=7.1-preview.1",
        Some("x"),
        r#"{"displayName":"g","scope":"vso.code","validTo":"2027-01-01T00:00:00Z","allOrgs":true}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("globalPATCreationBlocked"), "{body}");

    let faketime = common::faketime_prefix(when);
    let out = e
        .cmd_with(&faketime)
        .args([
            "create",
            "--all-orgs",
            "--name",
            "everywhere",
            "--scopes",
            "vso.code",
            "--json",
        ])
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(
        msg.contains("all organizations were retired on 2026-12-01"),
        "{msg}"
    );
    assert!(out.stdout.is_empty(), "no value and no JSON on stdout");
    assert_eq!(sim_stats(&e)["creates"], 0, "nothing minted");

    // A token for one organization is still created, and counted.
    let out = e
        .cmd_with(&faketime)
        .args([
            "create", "--org", "fabrikam", "--name", "scoped", "--scopes", "vso.code", "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["token"]["allOrganizations"], false, "{created}");
    let stats = sim_stats(&e);
    assert_eq!(
        (&stats["creates"], &stats["revocations"]),
        (&serde_json::json!(1), &serde_json::json!(0)),
        "{stats}"
    );
}

/// Two `git credential fill` at once on a stored token that expires tomorrow: it is renewed
/// exactly once (one create, one revocation in the service), both git processes get the new
/// value, and the new value authenticates.
#[test]
fn concurrent_git_requests_renew_an_expiring_token_once() {
    if !have_session_bus() {
        return;
    }
    let e = env(&[], "");
    let service = format!("{}-renew", test_service());
    let state = tempfile::tempdir().unwrap();
    let created = {
        let out = e
            .cmd()
            .env("PATUI_KEYRING_SERVICE", &service)
            .env("PATUI_STATE_DIR", state.path())
            .args([
                "create", "--org", "reneworg", "--name", "ci-git", "--scopes", "vso.code",
                "--days", "1", "--json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let old_value = created["value"].as_str().unwrap().to_owned();
    let before = sim_stats(&e);
    let home = tempfile::tempdir().unwrap();
    let fill = || {
        git_fill(&e, home.path(), &service)
            .env("PATUI_STATE_DIR", state.path())
            .env("PATUI_SERVICE_URL", &e.sim.base_url)
            .env("PATUI_ACCESS_TOKEN", "cli-test-token")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(b"protocol=https\nhost=dev.azure.com\npath=reneworg/p/_git/r\n\n")
                    .unwrap();
                c
            })
            .unwrap()
    };
    let (a, b) = (fill(), fill());
    let password = |c: std::process::Child| {
        let out = c.wait_with_output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text.lines()
            .find_map(|l| l.strip_prefix("password="))
            .unwrap_or_else(|| panic!("no password: {text}"))
            .to_owned()
    };
    let (pa, pb) = (password(a), password(b));
    assert_eq!(pa, pb, "both git processes get the renewed token");
    assert_ne!(pa, old_value, "renewed, not the old value");
    let after = sim_stats(&e);
    let delta = |k: &str| after[k].as_u64().unwrap() - before[k].as_u64().unwrap();
    assert_eq!(
        delta("creates"),
        1,
        "exactly one renewal: {before} -> {after}"
    );
    assert_eq!(delta("revocations"), 1, "the old token revoked once");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = patui::azure::client::parse_base(&e.sim.base_url).unwrap();
    rt.block_on(patui::azure::client::check_pat(
        &base,
        "reneworg",
        &patui::secret::Secret::from(pa.as_str()),
    ))
    .expect("the renewed token authenticates");
    assert!(
        rt.block_on(patui::azure::client::check_pat(
            &base,
            "reneworg",
            &patui::secret::Secret::from(old_value.as_str()),
        ))
        .is_err(),
        "the old token no longer does"
    );
    // Clean up the keyring entries of this test.
    e.cmd()
        .env("PATUI_KEYRING_SERVICE", &service)
        .env("PATUI_STATE_DIR", state.path())
        .args(["revoke", "--all", "--org", "reneworg", "--yes"])
        .assert()
        .success();
}

/// `patui renew` regenerates stored tokens due within the window (asking first, refused
/// without a terminal unless --yes), revokes the old ones, and leaves the others alone.
#[test]
fn renew_regenerates_the_stored_tokens_that_expire_soon() {
    if !have_session_bus() {
        return;
    }
    let e = env(&[], "");
    let service = format!("{}-renewcmd", test_service());
    let state = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        e.cmd()
            .env("PATUI_KEYRING_SERVICE", &service)
            .env("PATUI_STATE_DIR", state.path())
            .args(args)
            .output()
            .unwrap()
    };
    let id_of = |out: &std::process::Output| -> String {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["token"]["id"].as_str().unwrap().to_owned()
    };
    let soon = id_of(&run(&[
        "create", "--org", "renewcmd", "--name", "soon", "--scopes", "vso.code", "--days", "2",
        "--json",
    ]));
    let later = id_of(&run(&[
        "create", "--org", "renewcmd", "--name", "later", "--scopes", "vso.code", "--days", "30",
        "--json",
    ]));
    let out = run(&["renew", "--within", "3"]);
    assert_eq!(out.status.code(), Some(2), "no terminal, no --yes");
    let out = run(&["renew", "--within", "3", "--yes", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let renewed = v["renewed"].as_array().unwrap();
    assert_eq!(renewed.len(), 1, "{v}");
    assert_eq!(renewed[0]["id"], soon.as_str());
    assert_eq!(renewed[0]["oldRevoked"]["ok"], true);
    let new_id = renewed[0]["newId"].as_str().unwrap();
    let listed: Value = serde_json::from_slice(
        &run(&["list", "--org", "renewcmd", "--status", "all", "--json"]).stdout,
    )
    .unwrap();
    let by_id = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {listed}"))
    };
    assert_eq!(by_id(&soon)["status"], "revoked");
    assert_eq!(by_id(&soon)["stored"], false, "the old value is forgotten");
    assert_eq!(by_id(new_id)["stored"], true);
    assert_eq!(by_id(new_id)["name"], "soon");
    assert_eq!(by_id(&later)["status"], "active");
    // The successor has the same two-day lifespan: due within 3 days again, but not within 1.
    let v: Value =
        serde_json::from_slice(&run(&["renew", "--within", "1", "--yes", "--json"]).stdout)
            .unwrap();
    assert_eq!(v["renewed"], serde_json::json!([]));
    run(&["revoke", "--all", "--org", "renewcmd", "--yes"]);
}

/// `patui` five minutes in the future (past the orphan check's settling time), with `e`'s
/// environment and its own state directory.
fn later(e: &Env, state: &std::path::Path) -> Command {
    let mut c = e.cmd_with(&common::faketime_offset("+5m"));
    c.env("PATUI_STATE_DIR", state);
    c
}

/// The "mint journal" check of `patui doctor --json` (and its exit code).
fn journal_check(e: &Env, state: &std::path::Path, fix: bool) -> (Value, Option<i32>) {
    let mut c = later(e, state);
    c.args(["doctor", "--json"]);
    if fix {
        c.arg("--fix");
    }
    let out = c.output().unwrap();
    let checks: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let check = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "mint journal")
        .cloned()
        .expect("a mint journal check");
    (check, out.status.code())
}

/// `kill -9` while the service holds the create's answer (the token exists, its value is in
/// flight): the next `doctor` reports exactly that orphan, `doctor --fix` revokes it, and no
/// active token of that name is left.
#[cfg(unix)]
#[test]
fn a_create_killed_mid_answer_leaves_an_orphan_that_doctor_finds_and_revokes() {
    if !common::have_faketime() {
        return;
    }
    let e = env(&["--answer-delay-ms", "5000"], "keyring = \"memory\"\n");
    let state = tempfile::tempdir().unwrap();
    let mut child = e
        .process(&[
            "create", "--org", "orph", "--name", "lost-one", "--scopes", "vso.code",
        ])
        .env("PATUI_STATE_DIR", state.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The service has minted it (its answer is held back): kill patui now.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sim_stats(&e)["creates"] != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the create never reached the service"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let (check, code) = journal_check(&e, state.path(), false);
    assert_eq!(check["ok"], false, "{check}");
    assert_eq!(code, Some(1));
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.contains("1 token was created") && detail.contains("lost-one"),
        "{detail}"
    );
    let (check, code) = journal_check(&e, state.path(), true);
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(code, Some(0), "{check}");
    let active = e.json(&["list", "--org", "orph", "--json"]);
    assert_eq!(active, serde_json::json!([]), "the orphan was revoked");
    // Nothing left to report.
    let (check, _) = journal_check(&e, state.path(), false);
    assert_eq!(check["ok"], true, "{check}");
}

/// The service mints the token but its answer is lost: `create` says so and names the token
/// (so it can be revoked), instead of a bare network error; a retry creates one new token, and
/// `doctor --fix` revokes only the orphan.
#[test]
fn a_lost_create_answer_is_named_and_the_retry_never_leaves_two_usable_tokens_unknown() {
    if !common::have_faketime() {
        return;
    }
    let e = env(&["--drop-create-answers", "1"], "keyring = \"memory\"\n");
    let state = tempfile::tempdir().unwrap();
    let create = |name: &str| {
        let mut c = e.cmd();
        c.env("PATUI_STATE_DIR", state.path()).args([
            "create", "--org", "drop", "--name", name, "--scopes", "vso.code", "--json",
        ]);
        c.output().unwrap()
    };
    let out = create("dropped");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let listed = e.json(&["list", "--org", "drop", "--json"]);
    let orphan = listed[0]["id"].as_str().unwrap().to_owned();
    assert!(
        err.contains("answer was lost") && err.contains(&orphan),
        "the orphan is named: {err}"
    );
    let out = create("dropped");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept = made["token"]["id"].as_str().unwrap().to_owned();
    let (check, _) = journal_check(&e, state.path(), true);
    assert_eq!(check["ok"], true, "{check}");
    let active = e.json(&["list", "--org", "drop", "--json"]);
    let ids: Vec<&str> = active
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [kept.as_str()], "only the orphan was revoked");
}

/// A journal with garbage lines and a torn last line is read, reported, and never fatal.
#[test]
fn a_damaged_journal_is_reported_not_fatal() {
    if !common::have_faketime() {
        return;
    }
    let e = env(&[], "keyring = \"memory\"\n");
    let state = tempfile::tempdir().unwrap();
    std::fs::write(
        state.path().join("mint-journal.jsonl"),
        "garbage\n\u{0}\u{1}\n{\"type\":\"intent\",\"intent\":\"not-a-uuid\"}\n{\"type\":\"int",
    )
    .unwrap();
    let (check, code) = journal_check(&e, state.path(), false);
    assert_eq!(code, Some(0), "{check}");
    assert_eq!(check["ok"], true);
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.contains("4 unreadable lines skipped (the last one torn)"),
        "{detail}"
    );
}

/// A stored token revoked behind patui's back (in the web page, by another machine): `prune`
/// forgets its value, and git's helper no longer hands it out.
#[test]
fn a_token_revoked_elsewhere_is_pruned_and_git_no_longer_gets_it() {
    if !have_session_bus() {
        return;
    }
    let e = env(&[], "");
    let service = format!("{}-prune", test_service());
    let run = |args: &[&str], input: Option<&str>| {
        let mut c = e.cmd();
        c.env("PATUI_KEYRING_SERVICE", &service).args(args);
        if let Some(i) = input {
            c.write_stdin(i.to_owned());
        }
        c.output().unwrap()
    };
    let out = run(
        &[
            "create",
            "--org",
            "prune",
            "--name",
            "elsewhere",
            "--scopes",
            "vso.code",
            "--json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["token"]["id"].as_str().unwrap().to_owned();
    let ask = "protocol=https\nhost=dev.azure.com\npath=prune/p/_git/r\n\n";
    assert!(!run(&["credential", "get"], Some(ask)).stdout.is_empty());
    // Revoked behind patui's back.
    let (status, _) = raw_http(
        &e.sim.base_url,
        "DELETE",
        &format!("/prune/_apis/tokens/pats?authorizationId={id}&api-version=7.1-preview.1"),
        Some("x"),
        "",
    );
    assert!(status < 300, "{status}");
    let out = run(&["prune"], None);
    assert_eq!(out.status.code(), Some(2), "no terminal, no --yes");
    let out = run(&["prune", "--yes", "--json"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["forgotten"][0]["id"], id.as_str(), "{v}");
    assert_eq!(v["forgotten"][0]["why"], "revoked");
    assert!(
        run(&["credential", "get"], Some(ask)).stdout.is_empty(),
        "git no longer gets the dead token"
    );
}

/// 30 creates against a simulator that fails 20 % of creates before acting and cuts 30 % of
/// the answers after acting (the token exists, its answer is lost): every create either
/// delivers its value or says what happened, and after `doctor --fix` no token is active whose
/// value nobody holds. Prints the numbers recorded in the README.
#[test]
fn no_token_is_lost_under_create_faults() {
    if !common::have_faketime() {
        return;
    }
    let e = env(
        &[
            "--fail-rate",
            "0.2",
            "--truncate-rate",
            "0.3",
            "--fail-only",
            "POST",
            "--seed",
            "3",
        ],
        "keyring = \"memory\"\n",
    );
    let state = tempfile::tempdir().unwrap();
    let mut delivered = std::collections::HashSet::new();
    let (mut failed_before, mut lost_answers) = (0, 0);
    for i in 0..30 {
        let out = e
            .cmd()
            .env("PATUI_STATE_DIR", state.path())
            .args([
                "create",
                "--org",
                "faults",
                "--name",
                &format!("f{i}"),
                "--scopes",
                "vso.code",
                "--json",
            ])
            .output()
            .unwrap();
        if out.status.success() {
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            delivered.insert(v["token"]["id"].as_str().unwrap().to_owned());
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            if err.contains("answer was lost") {
                lost_answers += 1;
            } else {
                assert!(
                    err.contains("no token named"),
                    "every failure says what happened: {err}"
                );
                failed_before += 1;
            }
        }
    }
    let (check, _) = journal_check(&e, state.path(), true);
    assert_eq!(check["ok"], true, "{check}");
    let active = e.json(&["list", "--org", "faults", "--json"]);
    let alive: std::collections::HashSet<String> = active
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<_> = alive.difference(&delivered).collect();
    eprintln!(
        "create faults: 30 creates, {} delivered, {failed_before} refused before minting, {lost_answers} minted with the answer lost (found and revoked), {} tokens lost",
        delivered.len(),
        lost.len()
    );
    assert!(
        lost_answers > 0 && failed_before > 0,
        "faults were injected"
    );
    assert!(
        lost.is_empty(),
        "tokens alive whose value nobody holds: {lost:?}"
    );
    assert_eq!(alive, delivered);
}

/// `kill -9` in the middle of `revoke --all`: what was revoked is not redone, and what was not
/// is reported by the next `doctor` (still active) and finished by `doctor --fix`.
#[cfg(unix)]
#[test]
fn an_interrupted_revoke_all_is_reported_and_finished() {
    if !common::have_faketime() {
        return;
    }
    let e = env(
        &["--seed-tokens", "30", "--latency-ms", "150"],
        "keyring = \"memory\"\n",
    );
    let state = tempfile::tempdir().unwrap();
    let active_count = || {
        e.json(&["list", "--org", "fabrikam", "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    let before = active_count();
    let mut child = e
        .process(&[
            "revoke",
            "--all",
            "--org",
            "fabrikam",
            "--yes",
            "--concurrency",
            "1",
        ])
        .env("PATUI_STATE_DIR", state.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sim_stats(&e)["revocations"].as_u64().unwrap() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "no revocation happened"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = active_count();
    assert!(
        left > 0 && left < before,
        "interrupted mid-way: {left} of {before}"
    );
    let (check, code) = journal_check(&e, state.path(), false);
    assert_eq!(code, Some(1), "{check}");
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!(
            "{left} interrupted revocations left tokens active"
        )),
        "{detail}"
    );
    let revoked_so_far = sim_stats(&e)["revocations"].as_u64().unwrap();
    let (check, code) = journal_check(&e, state.path(), true);
    assert_eq!(code, Some(0), "{check}");
    assert_eq!(active_count(), 0, "every target revoked in the end");
    assert_eq!(
        sim_stats(&e)["revocations"].as_u64().unwrap(),
        revoked_so_far + left as u64,
        "nothing was revoked twice"
    );
}

/// The man page and the shell completions under `packaging/` are generated from the clap
/// definitions and must match them (`PATUI_UPDATE_GENERATED=1 cargo test generated` rewrites
/// them after a change of the CLI).
#[test]
fn generated_man_page_and_completions_match_the_cli() {
    use clap::CommandFactory;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging");
    let mut files: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    let mut man = Vec::new();
    // The plain version: the commit and build date would make every build differ.
    clap_mangen::Man::new(patui::cli::Cli::command().version(env!("CARGO_PKG_VERSION")))
        .render(&mut man)
        .unwrap();
    files.push((root.join("man/patui.1"), man));
    for (shell, name) in [
        (clap_complete::Shell::Bash, "patui.bash"),
        (clap_complete::Shell::Zsh, "_patui"),
        (clap_complete::Shell::Fish, "patui.fish"),
        (clap_complete::Shell::PowerShell, "_patui.ps1"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut patui::cli::Cli::command(), "patui", &mut out);
        files.push((root.join("completions").join(name), out));
    }
    let update = std::env::var_os("PATUI_UPDATE_GENERATED").is_some();
    for (path, want) in files {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is out of date: run PATUI_UPDATE_GENERATED=1 cargo test generated",
            path.display()
        );
    }
    // The same completions come from the binary itself.
    let e = env(&[], "keyring = \"memory\"\n");
    let out = e.cmd().args(["completions", "bash"]).output().unwrap();
    assert_eq!(
        out.stdout,
        std::fs::read(root.join("completions/patui.bash")).unwrap()
    );
}

/// `patui --version` names the version, the commit it was built from and the build date;
/// `doctor` repeats it with the platform.
#[test]
fn the_binary_tells_what_it_is() {
    let out = std::process::Command::new(patui_bin())
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let expected_commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_owned());
    assert!(
        text.starts_with(&format!("patui {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    if let Some(c) = expected_commit {
        assert!(text.contains(&c), "{text} names commit {c}");
    }
    let date = text
        .split("built ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or_default();
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        "a build date: {text}"
    );
    let e = env(&[], "keyring = \"memory\"\n");
    let checks = e.json(&["doctor", "--json"]);
    let v = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "version")
        .unwrap();
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.contains(text.trim().trim_start_matches("patui ")),
        "{detail}"
    );
    assert!(detail.contains(std::env::consts::OS), "{detail}");
}

/// `list --jsonl` streams JSON Lines: the first line is out while later pages are still to be
/// asked for (the simulator's count of list requests says so), every token comes once, and the
/// set equals `list --json`'s.
#[test]
fn list_jsonl_streams_the_same_tokens_as_json() {
    let e = env(&["--seed-tokens", "900", "--latency-ms", "100"], "");
    let array = e.json(&["list", "--org", "fabrikam", "--json"]);
    let want: std::collections::BTreeSet<String> = array
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let gets = |e: &Env| sim_stats(e)["requests"]["GET"].as_u64().unwrap();
    let before = gets(&e);
    let mut child = e
        .process(&["list", "--org", "fabrikam", "--jsonl"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let first = lines.next().unwrap().unwrap();
    // 720 active tokens are 8 pages of 100 ms, one after the other.
    let asked_at_first = gets(&e) - before;
    let mut got = vec![first];
    got.extend(lines.map(Result::unwrap));
    assert!(child.wait().unwrap().success());
    let asked = gets(&e) - before;
    assert!(
        asked_at_first < asked,
        "the first line was written only after all {asked} pages were asked for"
    );
    let ids: Vec<String> = got
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            assert!(v["name"].is_string() && v["status"].is_string(), "{l}");
            v["id"].as_str().unwrap().to_owned()
        })
        .collect();
    let unique: std::collections::BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "every token once");
    assert_eq!(unique, want);
}
