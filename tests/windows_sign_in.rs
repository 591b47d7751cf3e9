//! Windows sign-in to Azure DevOps Server against real servers: an MIT Kerberos KDC and Apache
//! httpd with mod_auth_gssapi (Negotiate with Kerberos; NTLM through gss-ntlmssp) on loopback,
//! started by `scripts/negotiate-proxy.sh` in front of `patui sim --server-version 2022
//! --trust-windows-proxy`. Apache authenticates the Windows user and hands it to the simulator in
//! a header, as IIS does for the real server; a PAT in HTTP Basic passes through untouched.
//!
//! The real `patui` binary: `kinit`, then create from the CLI and from the TUI (tmux); NTLM with
//! a password kept in the real keyring by `patui login --windows`; a wrong password stores
//! nothing; an expired ticket falls back to NTLM or the PAT and says so; a created token signs in
//! with Basic on `connectionData`.
//!
//! Needs krb5-kdc, krb5-admin-server, krb5-user, apache2, libapache2-mod-auth-gssapi and
//! gss-ntlmssp (`scripts/test.sh` installs them); skipped with a message without them, unless
//! `PATUI_REQUIRE_NEGOTIATE` is set (CI).

mod common;

use base64::Engine;
use common::connect_proxy::ConnectProxy;
use common::tls::{have_tls_tools, make_certificates, tls_proxy};
use common::{SimProcess, Tmux, have_tmux, log_file, patui_bin};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Whether the Kerberos and Apache programs are installed; when not, the caller skips (or fails
/// under `PATUI_REQUIRE_NEGOTIATE`).
fn have_servers() -> bool {
    let found = |name: &str| {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
            .iter()
            .any(|d| Path::new(d).join(name).exists())
    };
    let missing: Vec<&str> = [
        ("krb5kdc", found("krb5kdc")),
        ("kinit", found("kinit")),
        ("apache2", found("apache2") || found("httpd")),
        (
            "mod_auth_gssapi",
            Path::new("/usr/lib/apache2/modules/mod_auth_gssapi.so").exists(),
        ),
        ("curl", found("curl")),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| n)
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("PATUI_REQUIRE_NEGOTIATE").is_none(),
        "the Kerberos KDC and Apache with mod_auth_gssapi are required (PATUI_REQUIRE_NEGOTIATE is set); missing: {missing:?}"
    );
    eprintln!(
        "skipped: Windows sign-in needs a KDC and Apache with mod_auth_gssapi; missing {missing:?} (scripts/test.sh installs them)"
    );
    false
}

/// A realm, an Apache proxy and the simulator behind it; stopped on drop.
struct Realm {
    _sim: SimProcess,
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
    /// patui's config and state.
    home: tempfile::TempDir,
    service: String,
}

impl Realm {
    fn start(name: &str) -> Realm {
        let sim = SimProcess::start(&["--server-version", "2022", "--trust-windows-proxy"]);
        let port = sim.base_url.rsplit(':').next().unwrap().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/negotiate-proxy.sh");
        let out = Command::new(&script)
            .arg("start")
            .arg(dir.path())
            .arg(&port)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "negotiate-proxy.sh start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = std::fs::read_to_string(dir.path().join("env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            "clipboard_clear_seconds = 0\n",
        )
        .unwrap();
        Realm {
            _sim: sim,
            dir,
            env,
            home,
            service: format!("patui-test-{}-windows-{name}", std::process::id()),
        }
    }

    fn var(&self, k: &str) -> &str {
        self.env
            .get(k)
            .unwrap_or_else(|| panic!("{k} is not in the proxy's env"))
    }

    /// The collection URL through the proxy.
    fn url(&self) -> String {
        format!("{}tfs/DefaultCollection", self.var("PROXY_URL"))
    }

    /// The NTLM account, as a user types it.
    fn ntlm_account(&self) -> String {
        format!("{}\\{}", self.var("NTLM_DOMAIN"), self.var("NTLM_USER"))
    }

    /// The environment patui runs with: the realm's Kerberos files, its own keyring service,
    /// config and state, and no PAT unless given.
    fn patui_env(&self) -> Vec<(String, String)> {
        let home = self.home.path();
        vec![
            ("KRB5_CONFIG".into(), self.var("KRB5_CONFIG").into()),
            ("KRB5CCNAME".into(), self.var("KRB5CCNAME").into()),
            (
                "PATUI_CONFIG".into(),
                home.join("config.toml").display().to_string(),
            ),
            ("PATUI_STATE_DIR".into(), home.display().to_string()),
            ("PATUI_LOG_FILE".into(), log_file()),
            ("PATUI_KEYRING_SERVICE".into(), self.service.clone()),
        ]
    }

    fn cmd(&self) -> Command {
        self.cmd_at(&self.url())
    }

    /// `patui --server URL` with the realm's environment.
    fn cmd_at(&self, url: &str) -> Command {
        let mut c = Command::new(patui_bin());
        c.arg("--server").arg(url);
        for k in [
            "PATUI_SERVER_PAT",
            "PATUI_SERVER_URL",
            "PATUI_SERVICE_URL",
            "PATUI_ACCESS_TOKEN",
            "PATUI_ORG",
            "PATUI_CA_FILE",
            "PATUI_KERBEROS",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            c.env_remove(k);
        }
        c.envs(self.patui_env());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// `patui ARGS` with `input` on stdin.
    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// `kinit` for the realm's user (`lifetime` e.g. "1s"), the password on stdin.
    fn kinit(&self, lifetime: Option<&str>) {
        use std::io::Write;
        let mut c = Command::new("kinit");
        if let Some(l) = lifetime {
            c.args(["-l", l]);
        }
        let mut child = c
            .arg(self.var("KERBEROS_USER"))
            .env("KRB5_CONFIG", self.var("KRB5_CONFIG"))
            .env("KRB5CCNAME", self.var("KRB5CCNAME"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(
            child.stdin.take().unwrap(),
            "{}",
            self.var("KERBEROS_PASSWORD")
        )
        .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "kinit: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `create NAME --json` (code read), asserted successful: the token's value.
    fn create(&self, name: &str) -> String {
        let out = self.run(&["create", "--name", name, "--scopes", "vso.code", "--json"]);
        assert!(
            out.status.success(),
            "create {name}: {:?} {}",
            out.status.code(),
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["token"]["name"], name);
        assert_eq!(v["stored"], true, "the new value is in the keyring: {v}");
        v["value"].as_str().unwrap().to_owned()
    }

    /// The `server auth` line of `patui doctor`.
    fn doctor_auth(&self) -> String {
        let out = self.run(&["doctor"]);
        stdout(&out)
            .lines()
            .find(|l| is_auth_line(l))
            .unwrap_or_else(|| panic!("doctor has no server auth line: {}", stdout(&out)))
            .to_owned()
    }

    /// GET connectionData through the proxy with a PAT in Basic: the status and body.
    fn connection_data_with(&self, pat: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let port = self.var("PROXY_PORT");
        let mut s =
            std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(":{pat}"));
        write!(
            s,
            "GET /tfs/DefaultCollection/_apis/connectionData HTTP/1.0\r\nHost: localhost:{port}\r\nAuthorization: Basic {basic}\r\nX-TFS-FedAuthRedirect: Suppress\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, body.to_owned())
    }

    /// The TUI on the collection in tmux (no PAT), with `extra_env`.
    fn tui(&self, name: &str, extra_env: &[(&str, &str)]) -> Tmux {
        let env = self.patui_env();
        let mut env: Vec<(&str, &str)> =
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
        env.push(("DBUS_SESSION_BUS_ADDRESS", &bus));
        env.push(("NO_COLOR", "1"));
        env.push(("PATUI_SERVER_PAT", ""));
        env.extend_from_slice(extra_env);
        Tmux::start_with_env(
            name,
            130,
            40,
            &env,
            &format!("{} --server {}", patui_bin(), self.url()),
        )
    }

    /// Runs `c` and returns its output with the lines Apache logged meanwhile (one per request,
    /// each naming the client port, that is, the connection).
    fn logged_while(&self, c: &mut Command) -> (Output, Vec<String>) {
        let log = self.dir.path().join("httpd-access.log");
        let read = || std::fs::read_to_string(&log).unwrap_or_default();
        self.log_settled();
        let before = read().lines().count();
        let out = c.output().unwrap();
        let marker = self.log_settled();
        let lines = read()
            .lines()
            .skip(before)
            .take_while(|l| !l.contains(&marker))
            .map(str::to_owned)
            .collect();
        (out, lines)
    }

    /// Apache writes a request's log line after sending the answer, so a client may finish
    /// before its last line is in the log. This sends a marker request on a new connection
    /// and waits for its line, which comes after every line of the connections before it.
    /// Returns the marker.
    fn log_settled(&self) -> String {
        use std::io::{Read, Write};
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let marker = format!(
            "/patui-log-marker-{}",
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let port: u16 = self.var("PROXY_PORT").parse().unwrap();
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {marker} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let log = self.dir.path().join("httpd-access.log");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(&marker)
        {
            assert!(Instant::now() < deadline, "Apache never logged {marker}");
            std::thread::sleep(Duration::from_millis(10));
        }
        marker
    }

    /// Forgets what `login` kept in the keyring.
    fn logout(&self) {
        let _ = self.run(&["logout"]);
    }
}

impl Drop for Realm {
    fn drop(&mut self) {
        self.logout();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/negotiate-proxy.sh");
        let _ = Command::new(script)
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}

/// The requests Apache logged for one run went over one connection, NTLM's three legs first
/// (a 401 without credentials, a 401 with the challenge, then the signed-in user), and every
/// later request went out bare on it and was served as that user.
fn assert_one_signed_connection(lines: &[String], account: &str) {
    let ports: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(ports.len(), 1, "one connection: {lines:#?}");
    assert!(lines.len() >= 4, "{lines:#?}");
    assert!(lines[..2].iter().all(|l| l.contains(" 401 ")), "{lines:#?}");
    let user = account.replace('\\', "\\\\");
    assert!(
        lines[2..]
            .iter()
            .all(|l| l.contains(&user) && !l.contains(" 401 ")),
        "{lines:#?}"
    );
}

/// Whether `line` is doctor's "server auth" check (not another check that mentions it).
fn is_auth_line(line: &str) -> bool {
    line.split_whitespace().skip(1).take(2).collect::<Vec<_>>() == ["server", "auth"]
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// With a ticket from kinit, `patui create --server` creates a token; its value signs in with
/// Basic; doctor says Kerberos is in use. Without a ticket (or any Windows sign-in) create is
/// refused with the reason.
#[test]
fn kerberos_creates_from_the_cli_and_the_new_token_signs_in_with_basic() {
    if !have_servers() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("krb");
    // No ticket yet: create is refused, saying why Kerberos was not used.
    let out = realm.run(&["create", "--name", "too-early", "--scopes", "vso.code"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("no Kerberos ticket"), "{err}");
    assert!(err.contains("kinit"), "{err}");

    realm.kinit(None);
    let value = realm.create("krb-cli");
    let (status, body) = realm.connection_data_with(&value);
    assert_eq!(status, 200, "the new token signs in with Basic: {body}");
    assert!(body.contains("authenticatedUser"), "{body}");
    let (status, _) = realm.connection_data_with("not-a-token");
    assert_eq!(status, 401, "a wrong PAT does not");

    let auth = realm.doctor_auth();
    assert!(auth.contains("Windows sign-in (Kerberos)"), "{auth}");
    let listed = stdout(&realm.run(&["list", "--json"]));
    assert!(listed.contains("\"krb-cli\""), "{listed}");

    // A token for all collections (created at the server's root), without the cloud's
    // retirement warning.
    let out = realm.run(&[
        "create",
        "--name",
        "krb-all",
        "--scopes",
        "vso.code",
        "--all-orgs",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token"]["allOrganizations"], true, "{v}");
    assert!(!stderr(&out).contains("stop working"), "{}", stderr(&out));
    assert_eq!(
        realm.connection_data_with(v["value"].as_str().unwrap()).0,
        200
    );

    // Kerberos turned off: the ticket is not used, and create says so.
    let out = realm
        .cmd()
        .env("PATUI_KERBEROS", "0")
        .args(["create", "--name", "off", "--scopes", "vso.code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("turned off"), "{}", stderr(&out));
}

/// `patui login --windows` checks the password against the server, keeps it in the keyring, and
/// create then signs in with NTLM (no ticket); a wrong password is refused and nothing is
/// stored; `logout --windows` forgets it.
#[test]
fn ntlm_with_a_stored_password_creates_and_a_wrong_one_stores_nothing() {
    if !have_servers() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("ntlm");
    let account = realm.ntlm_account();

    let out = realm.run_with_input(
        &["login", "--windows", "--user", &account],
        "wrong-password\n",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("refused the user name or password") && err.contains("nothing was stored"),
        "{err}"
    );
    let auth = realm.doctor_auth();
    assert!(auth.contains("no Windows account is stored"), "{auth}");

    let out = realm.run_with_input(
        &["login", "--windows", "--user", &account],
        &format!("{}\n", realm.var("NTLM_PASSWORD")),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("with NTLM"), "{}", stderr(&out));

    // Several requests in one run (probe, create, list): the connection NTLM signed in stays
    // signed in.
    let value = realm.create("ntlm-cli");
    assert_eq!(realm.connection_data_with(&value).0, 200);
    let auth = realm.doctor_auth();
    assert!(
        auth.contains(&format!("Windows sign-in (NTLM) as {account}"))
            && auth.contains("no Kerberos ticket"),
        "{auth}"
    );

    // One run, one connection: the three legs and every later request of `list` went over the
    // connection NTLM signed in (Apache's access log names the client port of each request).
    // Several runs, since a client that only usually reuses the connection passes once.
    for _ in 0..5 {
        let (out, lines) = realm.logged_while(realm.cmd().args(["list", "--json"]));
        assert!(out.status.success(), "{}", stderr(&out));
        assert_one_signed_connection(&lines, &account);
    }

    // The password changes on the server: the next run is refused once, forgets the stored
    // password and never sends it again.
    let users = std::path::PathBuf::from(realm.var("SERVER_NTLM_USER_FILE"));
    let text = std::fs::read_to_string(&users).unwrap();
    std::fs::write(
        &users,
        text.replace(realm.var("NTLM_PASSWORD"), "Changed-Passw0rd"),
    )
    .unwrap();
    let (out, lines) = realm.logged_while(
        realm
            .cmd()
            .args(["create", "--name", "stale", "--scopes", "vso.code"]),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("removed from the keyring"),
        "{}",
        stderr(&out)
    );
    let auth = realm.doctor_auth();
    assert!(auth.contains("no Windows account is stored"), "{auth}");
    let third_legs = lines
        .iter()
        .filter(|l| l.contains(" 401 ") && l.contains("keepalive=2"))
        .count();
    assert_eq!(third_legs, 1, "the refused password was sent once");
    std::fs::write(&users, text).unwrap();

    let out = realm.run(&["logout", "--windows"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = realm.run(&["create", "--name", "after-logout", "--scopes", "vso.code"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Windows sign-in over TLS with a private certificate authority (socat terminating TLS in front
/// of the proxy, as IIS with a company certificate): refused without the CA, naming the
/// certificate; with `--ca-file`, Kerberos creates a token, and NTLM signs in and keeps every
/// request of a run on the one TLS connection, also through a CONNECT proxy (`HTTPS_PROXY`).
#[test]
fn over_tls_with_a_private_ca() {
    if !have_servers() || !have_tls_tools() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("tls");
    let certs = tempfile::tempdir().unwrap();
    make_certificates(certs.path());
    let target = format!("127.0.0.1:{}", realm.var("PROXY_PORT"));
    let (_tls, port) = tls_proxy(certs.path(), &target);
    let url = format!("https://localhost:{port}/tfs/DefaultCollection");
    let ca = certs.path().join("ca.pem").display().to_string();
    realm.kinit(None);

    let out = realm
        .cmd_at(&url)
        .args(["create", "--name", "no-ca", "--scopes", "vso.code"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).to_lowercase().contains("certificate") && stderr(&out).contains("--ca-file"),
        "{}",
        stderr(&out)
    );

    let out = realm
        .cmd_at(&url)
        .args(["--ca-file", &ca, "create", "--name", "over-tls"])
        .args(["--scopes", "vso.code", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stored"], true, "{v}");
    assert_eq!(
        realm.connection_data_with(v["value"].as_str().unwrap()).0,
        200
    );

    // NTLM (Kerberos turned off): the password is checked over TLS, kept, and a run's requests
    // share one connection.
    let account = realm.ntlm_account();
    let mut login = realm.cmd_at(&url);
    login
        .env("PATUI_KERBEROS", "0")
        .args(["--ca-file", &ca, "login", "--windows", "--user", &account])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = login.spawn().unwrap();
    {
        use std::io::Write;
        writeln!(
            child.stdin.take().unwrap(),
            "{}",
            realm.var("NTLM_PASSWORD")
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (out, lines) = realm.logged_while(realm.cmd_at(&url).env("PATUI_KERBEROS", "0").args([
        "--ca-file",
        &ca,
        "list",
        "--json",
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("over-tls"), "{}", stdout(&out));
    assert_one_signed_connection(&lines, &account);

    // Through a company proxy (HTTPS_PROXY, with a user and password): one CONNECT tunnel
    // carries the TLS connection, and NTLM signs in over it as before.
    let proxy = ConnectProxy::start(Some(("proxy-user", "proxy-Passw0rd")));
    let through = |proxy_url: &str, no_proxy: &str| {
        realm.logged_while(
            realm
                .cmd_at(&url)
                .env("PATUI_KERBEROS", "0")
                .env("HTTPS_PROXY", proxy_url)
                .env("NO_PROXY", no_proxy)
                .args(["--ca-file", &ca, "list", "--json"]),
        )
    };
    let proxy_url = format!("http://proxy-user:proxy-Passw0rd@127.0.0.1:{}", proxy.port);
    let (out, lines) = through(&proxy_url, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_one_signed_connection(&lines, &account);
    assert_eq!(proxy.targets(), [format!("localhost:{port}")]);
    // NO_PROXY names the server: straight there.
    let (out, _) = through(&proxy_url, "localhost");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(proxy.targets().len(), 1);
    // The proxy refuses a wrong password: the error names the proxy, not the password.
    let wrong = format!("http://proxy-user:wrong@127.0.0.1:{}", proxy.port);
    let (out, _) = through(&wrong, "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("proxy 127.0.0.1:{}", proxy.port)) && !err.contains("wrong@"),
        "{err}"
    );
    assert_eq!(proxy.targets().len(), 1);
    let _ = realm
        .cmd_at(&url)
        .args(["--ca-file", &ca, "logout", "--windows"])
        .output();
}

/// The latest moment to wait for a short-lived ticket to expire.
fn expire_deadline() -> Instant {
    Instant::now() + Duration::from_secs(40)
}

/// A ticket that expires while patui runs: the next sign-in uses the PAT (no NTLM account),
/// then NTLM (once stored), and says that Kerberos was skipped because the ticket expired.
#[test]
fn an_expired_ticket_falls_back_to_the_pat_or_ntlm_and_says_so() {
    if !have_servers() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("expired");
    // Long enough for the first doctor to finish on a loaded machine, short enough to wait for.
    realm.kinit(Some("8s"));
    // Polls until the library itself reports the ticket expired (a second or two after it ends).
    let with_pat = |realm: &Realm| {
        let mut c = realm.cmd();
        c.env("PATUI_SERVER_PAT", patui::sim::server::SIGN_IN_PAT)
            .arg("doctor");
        stdout(&c.output().unwrap())
            .lines()
            .find(|l| is_auth_line(l))
            .unwrap_or_default()
            .to_owned()
    };
    let first = with_pat(&realm);
    let deadline = expire_deadline();
    let auth = loop {
        let auth = with_pat(&realm);
        if auth.contains("expired") || Instant::now() > deadline {
            break auth;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        first.contains("Windows sign-in (Kerberos)"),
        "a fresh ticket signs in with Kerberos: {first}"
    );
    assert!(
        auth.contains("personal access token")
            && auth.contains("Kerberos) skipped")
            && auth.to_lowercase().contains("expired"),
        "{auth}"
    );

    let out = realm.run_with_input(
        &["login", "--windows", "--user", &realm.ntlm_account()],
        &format!("{}\n", realm.var("NTLM_PASSWORD")),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let auth = realm.doctor_auth();
    assert!(
        auth.contains("Windows sign-in (NTLM)") && auth.to_lowercase().contains("expired"),
        "{auth}"
    );
}

/// The TUI with a ticket, then with a stored NTLM account: the wizard creates a token on the
/// server (collection, the server's scopes and lifespans), shows it once, keeps it in the
/// keyring; the profile names the method (and the NTLM account).
#[test]
fn kerberos_and_ntlm_create_a_token_in_the_tui() {
    if !have_servers() || !have_tmux() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("tui");
    realm.kinit(None);
    create_in_the_tui(&realm, &[], "tui-kerberos", "Windows sign-in (Kerberos)");

    // NTLM with the stored account (Kerberos turned off).
    let account = realm.ntlm_account();
    let out = realm.run_with_input(
        &["login", "--windows", "--user", &account],
        &format!("{}\n", realm.var("NTLM_PASSWORD")),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    create_in_the_tui(
        &realm,
        &[("PATUI_KERBEROS", "0")],
        "tui-ntlm",
        &format!("Windows sign-in (NTLM) as {account}"),
    );
}

/// The TUI's wizard creates `name` for all collections (Git preset); its value, shown once,
/// signs in with Basic; the profile screen says "Signed in with {method}".
fn create_in_the_tui(realm: &Realm, extra_env: &[(&str, &str)], name: &str, method: &str) {
    let t = realm.tui(&format!("windows-{name}"), extra_env);
    t.wait_for_all(&["Azure DevOps Server 2022", "build agent"]);
    wizard_creates(realm, &t, name, method);
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

/// In a running TUI: `n`, the wizard for all collections (Git preset), the value shown once and
/// working with Basic, then the profile names `method`.
fn wizard_creates(realm: &Realm, t: &Tmux, name: &str, method: &str) {
    t.keys(&["n"]);
    t.wait_for("Name your token");
    t.type_text(name);
    t.keys(&["Enter"]);
    t.wait_for_all(&["Expiration:", "90 days"]);
    t.keys(&["Enter"]);
    t.wait_for_all(&["Collection:", "All collections"]);
    t.keys(&["Enter"]);
    t.wait_for("Delegated Authorization Tokens");
    t.keys(&["2"]); // preset: Git clone/push (code read and write)
    t.wait_for("read and write ⚠");
    t.keys(&["Enter"]);
    t.wait_for("This request will be sent");
    t.keys(&["Enter"]);
    let s = t.wait_until("the new token", Duration::from_secs(15), |s| {
        s.contains("Your new token") && s.contains("Stored in your keyring")
    });
    let value = s
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .find(|l| l.len() >= 52 && l.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no token value on screen:\n{s}"))
        .to_owned();
    assert_eq!(realm.connection_data_with(&value).0, 200);
    t.keys(&["Enter"]);
    t.keys(&["p"]);
    t.wait_for(&format!("Signed in with {method}"));
    t.keys(&["Escape"]);
    t.wait_gone("Signed in with");
}

/// No ticket and no PAT: the TUI's sign-in dialog takes a Windows account. A wrong password is
/// refused in the dialog and nothing is stored; the right one signs in with NTLM and is kept,
/// and the wizard then creates a token.
#[test]
fn the_tui_sign_in_dialog_takes_a_windows_account() {
    if !have_servers() || !have_tmux() || !common::have_keyring() {
        return;
    }
    let realm = Realm::start("tui-dialog");
    let account = realm.ntlm_account();
    let t = realm.tui("windows-dialog", &[]);
    t.wait_for_all(&["Sign in to the server", "Windows account (NTLM)"]);
    t.keys(&["Tab"]);
    t.type_text(&account);
    t.keys(&["Enter"]); // on to the password
    t.type_text("wrong-Passw0rd");
    let s = t.wait_for("••••••••••••••");
    assert!(
        !s.contains("wrong-Passw0rd"),
        "the password is never shown:\n{s}"
    );
    t.keys(&["Enter"]);
    let s = t.wait_for("refused the user name or password");
    assert!(s.contains("Nothing was stored"), "{s}");
    let auth = realm.doctor_auth();
    assert!(auth.contains("no Windows account is stored"), "{auth}");

    t.type_text(realm.var("NTLM_PASSWORD"));
    t.keys(&["Enter"]);
    t.wait_for_all(&["with NTLM; the password is kept", "build agent"]);
    wizard_creates(
        &realm,
        &t,
        "tui-dialog",
        &format!("Windows sign-in (NTLM) as {account}"),
    );
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
    let auth = realm.doctor_auth();
    assert!(
        auth.contains(&format!("Windows sign-in (NTLM) as {account}")),
        "{auth}"
    );
}
