//! A server with a private certificate authority: the simulated Azure DevOps Server behind a real
//! TLS endpoint (socat with a certificate signed by a throwaway CA made with openssl) on
//! loopback. patui refuses it without the CA, and works with `--ca-file` or PATUI_CA_FILE.

mod common;

use common::{SimProcess, log_file, patui_bin};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(dir: &Path, args: &[&str]) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it, in `dir`.
fn make_certificates(dir: &Path) {
    run(
        dir,
        &[
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=patui test CA",
        ],
    );
    run(
        dir,
        &[
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        dir,
        &[
            "openssl",
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
    );
}

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// socat terminating TLS on a free loopback port and forwarding to `target` (host:port).
fn tls_proxy(dir: &Path, target: &str) -> (Kill, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("socat")
        .arg(format!(
            "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},verify=0",
            dir.join("server.pem").display(),
            dir.join("server.key").display()
        ))
        .arg(format!("TCP:{target}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "socat did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (Kill(child), port)
}

#[test]
fn a_private_ca_is_trusted_only_when_given() {
    if !have("openssl") || !have("socat") {
        assert!(
            std::env::var_os("PATUI_REQUIRE_TLS_TOOLS").is_none(),
            "openssl and socat are required (PATUI_REQUIRE_TLS_TOOLS is set)"
        );
        eprintln!("skipped: openssl and socat are needed for the private-CA test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_certificates(dir.path());
    let sim = SimProcess::start(&["--server-version", "2022"]);
    let target = sim.base_url.trim_start_matches("http://").to_owned();
    let (_proxy, port) = tls_proxy(dir.path(), &target);
    let url = format!("https://localhost:{port}/tfs/DefaultCollection");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "keyring = \"memory\"\n").unwrap();
    let patui = |extra: &[(&str, &str)], args: &[&str]| {
        let mut c = Command::new(patui_bin());
        c.args(["--server", &url])
            .args(args)
            .env("PATUI_CONFIG", &config)
            .env("PATUI_LOG_FILE", log_file())
            .env("PATUI_SERVER_PAT", patui::sim::server::SIGN_IN_PAT)
            .env_remove("PATUI_CA_FILE")
            .env_remove("PATUI_SERVICE_URL")
            .env_remove("PATUI_SERVER_URL");
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // Without the CA: refused, with a reason about the certificate.
    let out = patui(&[], &["list", "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        err.contains("certificate") || err.contains("network"),
        "{err}"
    );
    // With --ca-file, and with PATUI_CA_FILE.
    let ca = dir.path().join("ca.pem").display().to_string();
    let out = patui(&[], &["--ca-file", &ca, "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("build agent"));
    let out = patui(&[("PATUI_CA_FILE", &ca)], &["list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A CA file that holds no certificate is a clear usage error.
    let bogus = dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate\n").unwrap();
    let out = patui(&[], &["--ca-file", &bogus.display().to_string(), "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CA file"), "{err}");
}
