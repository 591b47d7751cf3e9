//! Azure DevOps Server / TFS end to end: the real `patui` binary with `--server` against
//! `patui sim --server-version V` (every simulated version), and the revoke-all ordering of the
//! server backend in-process: list with decoded names, show, update (refused before 2019),
//! revoke, create and rotate refused under PAT sign-in, revoke-all without the DELETE that
//! revokes everything, and `login` / `logout --server` with the real keyring.

mod common;

use assert_cmd::Command;
use async_trait::async_trait;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use common::{SimProcess, log_file, patui_bin};
use patui::auth::server_pat::{PatOrigin, ServerPat};
use patui::azure::backend::SignInToken;
use patui::azure::server::{ServerClient, ServerOptions};
use patui::azure::{
    Account, ApiError, Capabilities, ListQuery, PagedPatTokens, PatBackend, PatToken,
    PatTokenCreateRequest, PatTokenUpdateRequest, Profile,
};
use patui::ops::inventory::{self, StatusView};
use patui::ops::revoke::{RevokeTarget, revoke_many};
use patui::secret::Secret;
use patui::sim::server::{
    SIGN_IN_PAT, SIGN_IN_PAT_NAME, ServerVersion, USER_ACCOUNT, WINDOWS_PASSWORD,
};
use patui::sim::{self, SimHandle, SimOptions};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Output;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Every simulated version, as `patui sim --server-version` takes it.
const VERSIONS: [&str; 5] = ["2017", "2018", "2019", "2020", "2022"];

/// The seeded tokens that are active (valid, not expired), decoded as patui shows them.
const ACTIVE: [&str; 5] = [
    "admin scripts",
    "build agent",
    "nightly <release>",
    "patui sign-in",
    "R&D feed reader",
];

/// Whether `version` lets a PAT edit a token (the POST with an authorizationId).
fn edits(version: &str) -> bool {
    version.parse::<u16>().unwrap() >= 2019
}

/// The keyring service of this test run: a developer's real `patui` entries are never touched.
fn test_service() -> String {
    format!("patui-test-{}-server", std::process::id())
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One HTTP/1.0 request (so the answer is never chunked), with an `Authorization` header when
/// given: the status and the body.
fn raw_http(
    base_url: &str,
    method: &str,
    path: &str,
    authorization: Option<&str>,
) -> (u16, String) {
    use std::io::{Read, Write};
    let host = base_url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\n{auth}X-TFS-FedAuthRedirect: Suppress\r\nContent-Length: 0\r\n\r\n"
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

/// A `patui sim --server-version V` process, a config file and a state directory of its own.
struct Server {
    sim: SimProcess,
    dir: tempfile::TempDir,
    config: String,
    version: String,
}

impl Server {
    /// The simulator of `version`, with an in-memory keyring (nothing outlives a command).
    fn start(version: &str) -> Server {
        Self::start_with(version, "keyring = \"memory\"\n")
    }

    fn start_with(version: &str, config: &str) -> Server {
        Self::launch(&["--server-version", version], version, config)
    }

    /// The simulator started with `args` (which name the version).
    fn start_sim(args: &[&str]) -> Server {
        let version = args
            .iter()
            .skip_while(|a| **a != "--server-version")
            .nth(1)
            .copied()
            .unwrap_or("2022");
        Self::launch(args, version, "keyring = \"memory\"\n")
    }

    fn launch(args: &[&str], version: &str, config: &str) -> Server {
        let sim = SimProcess::start(args);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, config).unwrap();
        let s = Server {
            sim,
            config: path.display().to_string(),
            dir,
            version: version.to_owned(),
        };
        let stats = s.stats();
        assert!(
            stats.get("deleteAll").is_some(),
            "`patui sim --server-version {version}` did not start the on-premises simulator \
             (its /_sim/stats has no deleteAll: {stats}); the global --server-version must reach \
             SimOptions::server_version in `patui sim`"
        );
        s
    }

    /// The URL of a collection.
    fn collection_url(&self, collection: &str) -> String {
        format!("{}/tfs/{collection}", self.sim.base_url)
    }

    /// The URL patui is given: the default collection.
    fn url(&self) -> String {
        self.collection_url("DefaultCollection")
    }

    /// `patui --server URL` signed in with the seeded PAT from PATUI_SERVER_PAT.
    fn cmd(&self) -> Command {
        self.cmd_at(&self.url())
    }

    fn cmd_at(&self, url: &str) -> Command {
        let mut c = Command::new(patui_bin());
        c.arg("--server")
            .arg(url)
            .env("PATUI_SERVER_PAT", SIGN_IN_PAT)
            .env("PATUI_CONFIG", &self.config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_STATE_DIR", self.dir.path())
            .env("PATUI_KEYRING_SERVICE", test_service())
            .env_remove("PATUI_SERVICE_URL")
            .env_remove("PATUI_SERVER_URL")
            .env_remove("PATUI_ACCESS_TOKEN")
            .env_remove("PATUI_ORG")
            .env_remove("PATUI_CA_FILE")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// `patui ARGS…` asserted successful, its stdout as JSON.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?}: {:?} {}",
            self.version,
            out.status.code(),
            stderr(&out)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)))
    }

    /// `list --status STATUS --json`.
    fn list(&self, status: &str) -> Vec<Value> {
        self.json(&["list", "--status", status, "--json"])
            .as_array()
            .unwrap()
            .clone()
    }

    /// The names `list --status STATUS` shows.
    fn names(&self, status: &str) -> BTreeSet<String> {
        self.list(status)
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The id of the token named `name` (any status).
    fn id_of(&self, name: &str) -> String {
        self.list("all")
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name:?} is not listed"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The simulator's counters (`GET /_sim/stats`, no credentials).
    fn stats(&self) -> Value {
        let (status, body) = raw_http(&self.sim.base_url, "GET", "/_sim/stats", None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Requests on the session-token API with `method`, so far.
    fn requests(&self, method: &str) -> u64 {
        self.stats()["requests"][method].as_u64().unwrap_or(0)
    }

    /// The server's whole token list as the Windows identity sees it (names HTML-encoded).
    fn tokens_as_windows(&self) -> Vec<Value> {
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{USER_ACCOUNT}:{WINDOWS_PASSWORD}"));
        let (status, body) = raw_http(
            &self.sim.base_url,
            "GET",
            "/tfs/_apis/Token/SessionTokens?api-version=1.0",
            Some(&format!("Basic {basic}")),
        );
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        v["value"].as_array().unwrap().clone()
    }
}

fn date(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a date: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// Every version lists the seeded active tokens with their names decoded, and the revoked and
/// the expired one only under their own status; listing changes nothing on the server.
#[test]
fn list_shows_the_seeded_tokens_decoded_on_every_version() {
    for v in VERSIONS {
        let s = Server::start(v);
        let out = s.run(&["list", "--json"]);
        assert!(out.status.success(), "{v}: {}", stderr(&out));
        let raw = stdout(&out);
        assert!(
            !raw.contains("&amp;") && !raw.contains("&lt;"),
            "{v}: names are decoded: {raw}"
        );
        assert_eq!(s.names("active"), set(&ACTIVE), "{v}");
        assert_eq!(s.names("revoked"), set(&["leaked laptop token"]), "{v}");
        assert_eq!(s.names("expired"), set(&["old deploy key"]), "{v}");
        let all = s.names("all");
        assert_eq!(all.len(), ACTIVE.len() + 2, "{v}: {all:?}");

        // The table: a header and one line per active token, names decoded.
        let out = s.run(&["list"]);
        assert!(out.status.success(), "{v}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.starts_with("ID "), "{v}: {text}");
        assert_eq!(text.lines().count(), ACTIVE.len() + 1, "{v}: {text}");
        assert!(text.contains("R&D feed reader"), "{v}: {text}");
        assert!(text.contains("nightly <release>"), "{v}: {text}");
        assert!(!text.contains("leaked laptop token"), "{v}: {text}");
        assert!(!text.contains("old deploy key"), "{v}: {text}");

        let stats = s.stats();
        for counter in ["creates", "revocations", "deleteAll", "updates"] {
            assert_eq!(stats[counter], 0, "{v}: listing changed {counter}: {stats}");
        }
        assert!(s.requests("GET") > 0, "{v}: {stats}");
    }
    // The store is server-wide: another collection's URL lists the same tokens.
    let s = Server::start("2022");
    let at_fabrikam: BTreeSet<String> = {
        let out = s
            .cmd_at(&s.collection_url("Fabrikam"))
            .args(["list", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(at_fabrikam, set(&ACTIVE));
}

/// `show ID` finds a token by id (JSON and text), with its collection by name; an unknown id
/// exits 1.
#[test]
fn show_a_token_by_id() {
    for v in ["2017", "2022"] {
        let s = Server::start(v);
        let id = s.id_of("build agent");
        let shown = s.json(&["show", &id, "--json"]);
        assert_eq!(shown["id"], id.as_str(), "{v}");
        assert_eq!(shown["name"], "build agent", "{v}");
        assert_eq!(shown["status"], "active", "{v}");
        assert_eq!(
            shown["scopes"],
            serde_json::json!(["vso.agentpools_manage"]),
            "{v}"
        );
        assert_eq!(
            shown["organizations"],
            serde_json::json!(["DefaultCollection"]),
            "{v}: {shown}"
        );
        assert_eq!(shown["allOrganizations"], false, "{v}");

        let rd = s.id_of("R&D feed reader");
        assert_eq!(
            s.json(&["show", &rd, "--json"])["name"],
            "R&D feed reader",
            "{v}"
        );

        let out = s.run(&["show", &id]);
        assert!(out.status.success(), "{v}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(&id), "{v}: {text}");
        assert!(text.contains("build agent"), "{v}: {text}");
        assert!(text.contains("vso.agentpools_manage"), "{v}: {text}");

        let out = s.run(&["show", &Uuid::new_v4().to_string()]);
        assert_eq!(out.status.code(), Some(1), "{v}: {}", stderr(&out));
    }
}

/// `update` renames and extends on 2019 and later (the name goes back decoded, so the server
/// encodes it once); TFS 2017 and 2018 answer 405, and patui says to regenerate (exit 2) with
/// nothing changed.
#[test]
fn update_renames_and_extends_or_says_to_regenerate() {
    for v in VERSIONS {
        let s = Server::start(v);
        let id = s.id_of("build agent");
        let out = s.run(&["update", &id, "--name", "renamed & co", "--json"]);
        if !edits(v) {
            assert_eq!(out.status.code(), Some(2), "{v}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(err.contains("regenerate"), "{v}: {err}");
            assert_eq!(s.stats()["updates"], 0, "{v}");
            let names = s.names("active");
            assert!(names.contains("build agent"), "{v}: {names:?}");
            assert!(!names.contains("renamed & co"), "{v}: {names:?}");
            continue;
        }
        assert!(out.status.success(), "{v}: {}", stderr(&out));
        let updated: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(updated["name"], "renamed & co", "{v}: {updated}");
        assert_eq!(s.stats()["updates"], 1, "{v}");
        let names = s.names("active");
        assert!(names.contains("renamed & co"), "{v}: {names:?}");
        assert!(!names.contains("build agent"), "{v}: {names:?}");

        // Extend: the name is sent back as it is (decoded), never encoded twice; the scopes and
        // the collection are kept.
        let extended = s.json(&["update", &id, "--days", "60", "--json"]);
        let want = Utc::now() + Duration::days(60);
        let got = date(&extended["validTo"]);
        assert!(
            (got - want).num_hours().abs() <= 24,
            "{v}: expires {got}, not about {want}"
        );
        assert_eq!(s.stats()["updates"], 2, "{v}");
        let shown = s.json(&["show", &id, "--json"]);
        assert_eq!(shown["name"], "renamed & co", "{v}: {shown}");
        assert_eq!(
            shown["scopes"],
            serde_json::json!(["vso.agentpools_manage"]),
            "{v}"
        );
        assert_eq!(
            shown["organizations"],
            serde_json::json!(["DefaultCollection"]),
            "{v}: {shown}"
        );
    }
}

/// `revoke ID` revokes that token alone with one DELETE of its id.
#[test]
fn revoke_one_token() {
    for v in ["2017", "2022"] {
        let s = Server::start(v);
        let id = s.id_of("build agent");
        let out = s.run(&["revoke", &id]);
        assert!(out.status.success(), "{v}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("revoked") && text.contains(&id),
            "{v}: {text}"
        );
        let stats = s.stats();
        assert_eq!(stats["revocations"], 1, "{v}: {stats}");
        assert_eq!(stats["deleteAll"], 0, "{v}: {stats}");
        assert_eq!(s.requests("DELETE"), 1, "{v}");
        let active = s.names("active");
        assert!(!active.contains("build agent"), "{v}: {active:?}");
        assert_eq!(active.len(), ACTIVE.len() - 1, "{v}: {active:?}");
        assert_eq!(
            s.names("revoked"),
            set(&["build agent", "leaked laptop token"]),
            "{v}"
        );

        // The JSON report names the token decoded, with its collection.
        let rd = s.id_of("R&D feed reader");
        let report = s.json(&["revoke", &rd, "--json"]);
        assert_eq!(
            report,
            serde_json::json!({
                "revoked": [{"id": rd, "name": "R&D feed reader", "organization": "DefaultCollection"}],
                "failed": []
            }),
            "{v}"
        );
        assert_eq!(s.stats()["revocations"], 2, "{v}");
    }
}

/// Under PAT sign-in a server cannot create tokens: `create` and `rotate` exit 2 with what to do
/// instead, and nothing is sent (no POST, no DELETE).
#[test]
fn create_and_rotate_are_refused_under_pat_sign_in() {
    for v in ["2017", "2022"] {
        let s = Server::start(v);
        let out = s.run(&["create", "--name", "x", "--scopes", "vso.code"]);
        assert_eq!(out.status.code(), Some(2), "{v}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{v}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("web page"), "{v}: {err}");
        assert!(err.contains("Windows"), "{v}: {err}");

        let id = s.id_of("build agent");
        let out = s.run(&["rotate", &id]);
        assert_eq!(out.status.code(), Some(2), "{v}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("web page"), "{v}: {err}");

        let stats = s.stats();
        assert_eq!(stats["creates"], 0, "{v}: {stats}");
        assert_eq!(stats["revocations"], 0, "{v}: {stats}");
        assert_eq!(s.requests("POST"), 0, "{v}: no create was sent");
        assert_eq!(
            s.requests("DELETE"),
            0,
            "{v}: the old token was not revoked"
        );
        assert_eq!(s.names("active"), set(&ACTIVE), "{v}");
        assert!(!s.names("all").contains("x"), "{v}");
    }
}

/// `revoke --all --yes --json` revokes every active token one DELETE each, never the DELETE
/// without an id; the sign-in PAT goes with them, so patui is signed out afterwards. (With the
/// PAT from PATUI_SERVER_PAT patui does not know which token it is: the tokens that can manage
/// tokens go last, in the list's order, "admin scripts" before "patui sign-in".)
#[test]
fn revoke_all_revokes_each_token_by_id_on_every_version() {
    for v in VERSIONS {
        let s = Server::start(v);
        let before: BTreeSet<String> = s
            .list("active")
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(before.len(), ACTIVE.len(), "{v}");
        let out = s.run(&["revoke", "--all", "--yes", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let revoked: BTreeSet<String> = report["revoked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(revoked, before, "{v}: {report}");
        assert_eq!(report["failed"], serde_json::json!([]), "{v}: {report}");
        let names: BTreeSet<String> = report["revoked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, set(&ACTIVE), "{v}");

        let stats = s.stats();
        assert_eq!(
            stats["deleteAll"], 0,
            "{v}: a DELETE without an id was sent"
        );
        assert_eq!(stats["revocations"], ACTIVE.len() as u64, "{v}: {stats}");
        assert_eq!(s.requests("DELETE"), ACTIVE.len() as u64, "{v}: {stats}");
        let tokens = s.tokens_as_windows();
        assert_eq!(tokens.len(), ACTIVE.len() + 2, "{v}");
        // Every active token is revoked; the expired one is left as it was (revoke --all
        // revokes active tokens, as on the cloud).
        assert!(
            tokens
                .iter()
                .all(|t| (t["isValid"] == false) != (t["displayName"] == "old deploy key")),
            "{v}: every active token is revoked, the expired one untouched: {tokens:?}"
        );

        // The sign-in PAT was among them.
        let out = s.run(&["list"]);
        assert_eq!(out.status.code(), Some(3), "{v}: {}", stderr(&out));
    }
}

/// A [`PatBackend`] that hands everything to a [`ServerClient`] and records when each
/// revocation was sent and when its answer came.
struct Recording {
    inner: Arc<ServerClient>,
    events: Mutex<Vec<Ev>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ev {
    Sent(Uuid),
    Answered(Uuid),
}

impl Ev {
    fn id(self) -> Uuid {
        match self {
            Ev::Sent(id) | Ev::Answered(id) => id,
        }
    }
}

#[async_trait]
impl PatBackend for Recording {
    async fn list_page(
        &self,
        org: &str,
        query: ListQuery,
        continuation: Option<&str>,
    ) -> Result<PagedPatTokens, ApiError> {
        self.inner.list_page(org, query, continuation).await
    }
    async fn get(&self, org: &str, id: Uuid) -> Result<PatToken, ApiError> {
        PatBackend::get(self.inner.as_ref(), org, id).await
    }
    async fn create(&self, org: &str, req: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
        self.inner.create(org, req).await
    }
    async fn update(&self, org: &str, req: &PatTokenUpdateRequest) -> Result<PatToken, ApiError> {
        self.inner.update(org, req).await
    }
    async fn revoke(&self, org: &str, id: Uuid) -> Result<(), ApiError> {
        self.events.lock().unwrap().push(Ev::Sent(id));
        let r = self.inner.revoke(org, id).await;
        self.events.lock().unwrap().push(Ev::Answered(id));
        r
    }
    async fn profile(&self) -> Result<Profile, ApiError> {
        self.inner.profile().await
    }
    async fn accounts(&self, member_id: Uuid) -> Result<Vec<Account>, ApiError> {
        self.inner.accounts(member_id).await
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn sign_in_token(&self) -> SignInToken {
        self.inner.sign_in_token()
    }
}

/// The simulated ADS 2022, in-process.
async fn start_2022() -> SimHandle {
    sim::start(
        ([127, 0, 0, 1], 0).into(),
        SimOptions {
            server_version: Some(ServerVersion::Ads2022),
            ..SimOptions::default()
        },
    )
    .await
    .unwrap()
}

/// The id of the seeded sign-in PAT.
fn sign_in_id(h: &SimHandle) -> Uuid {
    let tokens = h.shared.server.lock().unwrap().tokens();
    tokens
        .into_iter()
        .find(|(_, name, _)| name == SIGN_IN_PAT_NAME)
        .map(|(id, _, _)| id)
        .expect("the sign-in PAT is seeded")
}

/// Whether the server still holds `id` as valid.
fn still_valid(h: &SimHandle, id: Uuid) -> bool {
    let tokens = h.shared.server.lock().unwrap().tokens();
    tokens
        .iter()
        .find(|(t, _, _)| *t == id)
        .map(|(_, _, valid)| *valid)
        .expect("the token exists")
}

/// A recording backend on the default collection, signed in with the seeded PAT;
/// `sign_in_token` is what patui knows of which token that PAT is.
fn recording(h: &SimHandle, sign_in_token: Option<Uuid>) -> Arc<Recording> {
    let url = format!("{}/tfs/DefaultCollection", h.base_url);
    let pat = ServerPat::new(
        url.clone(),
        Some((Secret::from(SIGN_IN_PAT), PatOrigin::Env)),
    );
    let opts = ServerOptions {
        sign_in_token,
        ..ServerOptions::new(url)
    };
    let client = ServerClient::new(opts, Arc::new(pat)).unwrap();
    Arc::new(Recording {
        inner: Arc::new(client),
        events: Mutex::new(Vec::new()),
    })
}

/// The active tokens as revoke targets (what `revoke --all` builds).
async fn active_targets(backend: &Recording) -> Vec<RevokeTarget> {
    let entries = inventory::load(
        backend,
        &["DefaultCollection".to_owned()],
        StatusView::Active,
        |_, _| {},
    )
    .await
    .unwrap();
    entries
        .iter()
        .map(|e| RevokeTarget::of(&e.token, &*e.listed_in))
        .collect()
}

/// Creates a token for all collections with the Windows identity; its id.
async fn windows_create(h: &SimHandle, name: &str, scope: &str) -> Uuid {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/tfs/_apis/Token/SessionTokens?tokenType=Compact&isPublic=false&api-version=1.0",
            h.base_url
        ))
        .basic_auth(USER_ACCOUNT, Some(WINDOWS_PASSWORD))
        .json(&serde_json::json!({
            "displayName": name,
            "scope": scope,
            "validTo": (Utc::now() + Duration::days(30)).to_rfc3339(),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    v["authorizationId"].as_str().unwrap().parse().unwrap()
}

/// With the sign-in PAT known, revoke-all (8 at once) sends it alone after every other answer
/// came, even when it is the first target; everything is revoked, one DELETE per id.
#[tokio::test]
async fn revoke_all_sends_the_known_sign_in_pat_last() {
    let h = start_2022().await;
    let own = sign_in_id(&h);
    let backend = recording(&h, Some(own));
    let mut targets = active_targets(&backend).await;
    assert_eq!(targets.len(), ACTIVE.len());
    targets.sort_by_key(|t| (t.id != own, t.name.clone()));
    assert_eq!(targets[0].id, own, "the sign-in PAT is the first target");
    let ids: BTreeSet<Uuid> = targets.iter().map(|t| t.id).collect();

    let report = revoke_many(
        Arc::clone(&backend) as Arc<dyn PatBackend>,
        targets,
        8,
        |_| {},
        |_| {},
    )
    .await;

    let failed: Vec<_> = report
        .failed()
        .map(|(t, e)| (t.name.clone(), e.to_string()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let revoked: BTreeSet<Uuid> = report.revoked().map(|t| t.id).collect();
    assert_eq!(revoked, ids);

    let events = backend.events.lock().unwrap().clone();
    assert_eq!(
        events.len(),
        2 * ids.len(),
        "one DELETE per token: {events:?}"
    );
    let n = events.len();
    assert_eq!(
        events[n - 2..],
        [Ev::Sent(own), Ev::Answered(own)],
        "the sign-in PAT is sent last, alone: {events:?}"
    );
    let others: BTreeSet<Uuid> = events[..n - 2].iter().map(|e| e.id()).collect();
    assert_eq!(others.len(), ids.len() - 1);
    assert!(!others.contains(&own));

    let store = h.shared.server.lock().unwrap();
    assert_eq!(store.delete_all_requests(), 0);
    assert_eq!(store.revocations() as usize, ids.len());
    for (id, _, valid) in store.tokens() {
        if ids.contains(&id) {
            assert!(!valid, "{id} is revoked");
        }
    }
}

/// With the sign-in PAT unknown, every token that can manage tokens (full access or vso.tokens)
/// goes after all the others, one at a time. When one of them was the PAT patui signs in with,
/// the next is refused by the server (401), and the rest are reported as not sent (auth errors)
/// without a request: here the sign-in PAT is the first of them.
#[tokio::test]
async fn revoke_all_with_an_unknown_sign_in_pat_stops_after_it() {
    let h = start_2022().await;
    let full = windows_create(&h, "ops full access", "app_token").await;
    let janitor = windows_create(&h, "token janitor", "vso.tokens vso.code").await;
    let own = sign_in_id(&h);
    let backend = recording(&h, None);
    let mut targets = active_targets(&backend).await;
    assert_eq!(targets.len(), ACTIVE.len() + 2);
    // Managers first in the input, the sign-in PAT the very first: the order patui sends them
    // in must not depend on it.
    targets.sort_by_key(|t| (t.id != own, !t.manages_tokens, t.name.clone()));
    let managers: Vec<Uuid> = targets
        .iter()
        .filter(|t| t.manages_tokens)
        .map(|t| t.id)
        .collect();
    let admin = targets
        .iter()
        .find(|t| t.name == "admin scripts")
        .map(|t| t.id)
        .unwrap();
    assert_eq!(managers, [own, admin, full, janitor], "{targets:?}");
    let plain: BTreeSet<Uuid> = targets
        .iter()
        .filter(|t| !t.manages_tokens)
        .map(|t| t.id)
        .collect();
    assert_eq!(
        plain.len(),
        3,
        "build agent, R&D feed reader, nightly: {targets:?}"
    );

    let report = revoke_many(
        Arc::clone(&backend) as Arc<dyn PatBackend>,
        targets,
        8,
        |_| {},
        |_| {},
    )
    .await;

    // What was sent: the plain tokens (concurrently), then the sign-in PAT, then the next
    // manager, which the server refused; nothing after that.
    let events = backend.events.lock().unwrap().clone();
    let n = plain.len() * 2;
    assert_eq!(events.len(), n + 4, "{events:?}");
    assert_eq!(
        events[..n].iter().map(|e| e.id()).collect::<BTreeSet<_>>(),
        plain,
        "every plain token is answered before a manager is sent: {events:?}"
    );
    assert_eq!(
        events[n..],
        [
            Ev::Sent(own),
            Ev::Answered(own),
            Ev::Sent(admin),
            Ev::Answered(admin)
        ],
        "{events:?}"
    );

    let mut revoked: BTreeSet<Uuid> = report.revoked().map(|t| t.id).collect();
    assert!(revoked.remove(&own), "the sign-in PAT itself is revoked");
    assert_eq!(revoked, plain);
    let failed: Vec<(Uuid, ApiError)> = report.failed().map(|(t, e)| (t.id, e.clone())).collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    for (id, e) in &failed {
        assert!(e.is_auth(), "{id}: {e}");
        if *id == admin {
            assert!(
                !e.to_string().contains("not sent"),
                "admin scripts was sent and refused: {e}"
            );
        } else {
            assert!([full, janitor].contains(id), "{id}: {e}");
            assert!(e.to_string().contains("not sent"), "{id}: {e}");
        }
    }

    for id in [admin, full, janitor] {
        assert!(still_valid(&h, id), "{id} was not revoked");
    }
    assert!(!still_valid(&h, own));
    let store = h.shared.server.lock().unwrap();
    assert_eq!(store.delete_all_requests(), 0);
    assert_eq!(store.revocations() as usize, plain.len() + 1);
}

/// True when the real keyring can be used here; otherwise the caller skips (CI requires it).
fn have_session_bus() -> bool {
    common::have_keyring()
}

/// `login --server` reads the PAT from stdin, checks it and keeps it in the keyring (a wrong one
/// exits 3 and keeps nothing); then commands work without PATUI_SERVER_PAT, until `logout
/// --server` forgets it.
#[test]
fn login_and_logout_with_a_server_pat_in_the_keyring() {
    if !have_session_bus() {
        return;
    }
    let s = Server::start_with("2022", "");
    let cmd = || {
        let mut c = s.cmd();
        c.env_remove("PATUI_SERVER_PAT")
            .env("PATUI_KEYRING_SERVICE", test_service());
        c
    };
    // Forgets the sign-in, also when an assertion below fails.
    struct Logout<'a>(&'a dyn Fn());
    impl Drop for Logout<'_> {
        fn drop(&mut self) {
            (self.0)();
        }
    }
    let logout = || {
        let _ = cmd().arg("logout").output();
    };
    let _logout = Logout(&logout);
    let signed_out = |when: &str| {
        let out = cmd().arg("list").output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{when}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("patui login --server"), "{when}: {err}");
    };

    let out = cmd().arg("login").write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no PAT: {}", stderr(&out));

    let out = cmd()
        .arg("login")
        .write_stdin("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRST\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "a wrong PAT: {}", stderr(&out));
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
    signed_out("after a refused login");

    let out = cmd()
        .arg("login")
        .write_stdin(format!("{SIGN_IN_PAT}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Signed in"), "{}", stderr(&out));

    let out = cmd().args(["list", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, set(&ACTIVE));

    let out = cmd().arg("logout").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    signed_out("after logout");
}

/// A token kept for an on-premises collection is served to the real `git credential fill` for
/// that server's host and collection, and to no other collection.
#[test]
fn git_credential_fill_for_an_on_premises_host() {
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
    use patui::vault::{StoreKind, StoredToken, TokenMeta, Vault};
    let service = format!("patui-test-{}-git-server", std::process::id());
    let host = "tfs.example.test";
    let vault = Vault::open_as(StoreKind::Native, &service)
        .unwrap()
        .for_server(host);
    let id = uuid::Uuid::new_v4();
    let value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRST";
    vault
        .store(&StoredToken {
            value: patui::secret::Secret::from(value),
            meta: TokenMeta {
                org: "DefaultCollection".into(),
                id,
                name: "git on the server".into(),
                scope: "vso.code".into(),
                valid_from: chrono::Utc::now(),
                valid_to: chrono::Utc::now() + chrono::Duration::days(30),
                global: false,
            },
        })
        .unwrap();
    struct Cleanup(Vault, uuid::Uuid);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = self.0.delete(self.1);
        }
    }
    let _cleanup = Cleanup(vault.clone(), id);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let fill = |path: &str| {
        use std::io::Write;
        let mut c = std::process::Command::new("git")
            .args([
                "-c",
                &format!(
                    "credential.https://{host}.helper=!{} credential",
                    patui_bin()
                ),
                "-c",
                "credential.useHttpPath=true",
                "credential",
                "fill",
            ])
            .env("HOME", home.path())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("PATUI_CONFIG", &config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_KEYRING_SERVICE", &service)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(format!("protocol=https\nhost={host}\npath={path}\n\n").as_bytes())
            .unwrap();
        let out = c.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let answer = fill("tfs/DefaultCollection/Project/_git/repo");
    assert!(answer.contains(&format!("password={value}")), "{answer}");
    // Another collection of the same server gets nothing from patui.
    let other = fill("tfs/Fabrikam/Project/_git/repo");
    assert!(!other.contains(value), "{other}");
}

/// The server clamps an expiry beyond its maximum lifetime (a registry setting; here 90 days)
/// without a word: patui compares and says so.
#[test]
fn an_expiry_beyond_the_servers_maximum_is_clamped_and_reported() {
    let s = Server::start_sim(&["--server-version", "2022", "--max-lifespan-days", "90"]);
    let list = s.json(&["list", "--json"]);
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "build agent")
        .and_then(|t| t["id"].as_str())
        .unwrap()
        .to_owned();
    // The expected date, before and after the run (a run across midnight UTC may see either).
    let granted_before = (Utc::now() + Duration::days(90)).date_naive().to_string();
    let out = s.run(&["update", &id, "--days", "200"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let granted_after = (Utc::now() + Duration::days(90)).date_naive().to_string();
    assert!(
        err.contains("set the expiry to")
            && (err.contains(&granted_before) || err.contains(&granted_after)),
        "the clamp is reported: {err}"
    );
}
