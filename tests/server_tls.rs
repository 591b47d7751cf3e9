//! A server with a private certificate authority: the simulated Azure DevOps Server behind a real
//! TLS endpoint (socat with a certificate signed by a throwaway CA made with openssl) on
//! loopback. patui refuses it without the CA, and works with `--ca-file` or PATUI_CA_FILE.

mod common;

use common::tls::{have_tls_tools, make_certificates, tls_proxy};
use common::{SimProcess, log_file, patui_bin};
use std::process::Command;

#[test]
fn a_private_ca_is_trusted_only_when_given() {
    if !have_tls_tools() {
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
        err.contains("certificate") && err.contains("--ca-file"),
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
