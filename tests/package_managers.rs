//! Package managers fetch from the simulator's Azure Artifacts feeds with credentials that come
//! only from patui, through the real clients: npm (`patui exec`), pip as installed and the newest
//! pip in a venv (the `keyring` shim of `patui setup pip`), cargo (`patui setup cargo`, the
//! credential provider) and nuget.exe 5.8 on Mono (the plugin of `patui setup nuget`). A revoked
//! or expired token is not served: the client fails and patui says why on stderr. `patui scan`
//! finds PATs planted in a temporary home and tells stored from unknown.
//!
//! The tools come from `scripts/test.sh` (Debian npm and Mono; nuget.exe and the newest pip under
//! `target/pm-tools`); without them a test says `skipped`, unless
//! `PATUI_REQUIRE_PACKAGE_MANAGERS` is set (CI). The tokens live in the real keyring (through
//! `scripts/with-keyring.sh`), under a keyring service of the test's own.

mod common;

use common::{SimProcess, have_faketime, log_file, patui_bin};

/// The clock offset at which every token the tests create (30 days by default) has expired,
/// whatever the real date.
const THREE_MONTHS_ON: &str = "+90d";
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn require() -> bool {
    std::env::var_os("PATUI_REQUIRE_PACKAGE_MANAGERS").is_some()
}

/// Whether `program --version` runs; otherwise a skip (or a failure in CI).
fn have(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !require(),
            "{program} is required (PATUI_REQUIRE_PACKAGE_MANAGERS is set)"
        );
        eprintln!("skipped: {program} is not installed (scripts/test.sh installs it)");
    }
    ok
}

/// `target/pm-tools`, where scripts/test.sh puts nuget.exe and the venv.
fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pm-tools")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The simulator, a home directory and a stored Packaging token for `fabrikam`.
struct Feeds {
    sim: SimProcess,
    home: tempfile::TempDir,
    service: String,
    token_id: String,
    value: String,
}

impl Feeds {
    fn start(name: &str) -> Feeds {
        let sim = SimProcess::start(&[]);
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("config.toml"), "").unwrap();
        let mut f = Feeds {
            sim,
            home,
            service: format!("patui-test-{}-pm-{name}", std::process::id()),
            token_id: String::new(),
            value: String::new(),
        };
        let out = f
            .patui()
            .args([
                "create",
                "--org",
                "fabrikam",
                "--name",
                "feed",
                "--scopes",
                "vso.packaging",
                "--json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "create: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["stored"], true);
        f.token_id = v["token"]["id"].as_str().unwrap().to_owned();
        f.value = v["value"].as_str().unwrap().to_owned();
        f
    }

    /// The environment every process of the test gets: patui's config, keyring service, the
    /// simulator as the service, and the temporary home.
    fn env(&self) -> Vec<(String, String)> {
        let h = self.home.path().display().to_string();
        vec![
            ("HOME".into(), h.clone()),
            ("PATUI_CONFIG".into(), format!("{h}/config.toml")),
            ("PATUI_STATE_DIR".into(), h.clone()),
            ("PATUI_LOG_FILE".into(), log_file()),
            ("PATUI_KEYRING_SERVICE".into(), self.service.clone()),
            ("PATUI_SERVICE_URL".into(), self.sim.base_url.clone()),
            ("PATUI_ACCESS_TOKEN".into(), "test".into()),
            ("npm_config_cache".into(), format!("{h}/npm-cache")),
            ("npm_config_update_notifier".into(), "false".into()),
            ("PIP_CONFIG_FILE".into(), "/dev/null".into()),
            ("CARGO_HOME".into(), format!("{h}/cargo-home")),
        ]
    }

    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        for k in [
            "PATUI_SERVER_URL",
            "PATUI_ORG",
            "NUGET_PLUGIN_PATHS",
            "PIP_INDEX_URL",
        ] {
            c.env_remove(k);
        }
        c.envs(self.env());
        c
    }

    fn patui(&self) -> Command {
        self.cmd(patui_bin())
    }

    /// The feed `main` of `fabrikam`.
    fn feed(&self) -> String {
        format!("{}/fabrikam/_packaging/main", self.sim.base_url)
    }

    /// Revokes the token (patui forgets its value).
    fn revoke(&self) {
        let out = self
            .patui()
            .args(["revoke", "--org", "fabrikam", &self.token_id])
            .output()
            .unwrap();
        assert!(out.status.success(), "revoke: {}", text(&out.stderr));
    }

    /// The simulator's feed counters.
    fn feed_stats(&self) -> (u64, u64) {
        let url = format!("{}/_sim/stats", self.sim.base_url);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let v: serde_json::Value =
            rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        (
            v["feeds"]["authorized"].as_u64().unwrap(),
            v["feeds"]["refused"].as_u64().unwrap(),
        )
    }
}

impl Drop for Feeds {
    fn drop(&mut self) {
        let _ = self
            .patui()
            .args(["revoke", "--org", "fabrikam", &self.token_id])
            .output();
    }
}

fn assert_ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what}: {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn npm_view_and_install_through_patui_exec() {
    if !have("npm", &["--version"]) || !common::have_keyring() {
        return;
    }
    let f = Feeds::start("npm");
    let registry = format!("{}/npm/registry/", f.feed());
    let project = f.home.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        r#"{"name":"p","version":"1.0.0","private":true}"#,
    )
    .unwrap();
    // The project names its registry: exec finds it there.
    std::fs::write(project.join(".npmrc"), format!("registry={registry}\n")).unwrap();
    let out = f
        .patui()
        .current_dir(&project)
        .args(["exec", "--", "npm", "view", "patui-demo", "version"])
        .output()
        .unwrap();
    assert_ok("npm view", &out);
    assert_eq!(text(&out.stdout).trim(), "1.0.0");
    assert!(
        text(&out.stderr).contains("inherit"),
        "{}",
        text(&out.stderr)
    );
    let out = f
        .patui()
        .current_dir(&project)
        .args([
            "exec",
            "--",
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "patui-demo",
        ])
        .output()
        .unwrap();
    assert_ok("npm install", &out);
    assert!(
        project
            .join("node_modules/patui-demo/package.json")
            .exists()
    );
    // Nothing of the token landed in the project's files.
    let lock = std::fs::read_to_string(project.join("package-lock.json")).unwrap_or_default();
    assert!(!lock.contains(&f.value));

    // Without patui, the feed refuses npm.
    let (_, refused_before) = f.feed_stats();
    let out = f
        .cmd("npm")
        .current_dir(&project)
        .args(["view", "patui-demo@1.0.0", "version", "--prefer-online"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "npm without credentials");
    assert!(f.feed_stats().1 > refused_before);

    // Revoked: patui no longer serves it, says so, and npm is not run.
    f.revoke();
    let out = f
        .patui()
        .current_dir(&project)
        .args(["exec", "--", "npm", "view", "patui-demo", "version"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("patui keeps no token for fabrikam"),
        "{}",
        text(&out.stderr)
    );
}

/// Runs `pip download patui-demo` with `pip` (a path to a pip executable, or `python3 -m pip`),
/// the keyring shim first on PATH, and with the clock `faked` ahead (`+90d`) if given; returns
/// the output and the download directory.
fn pip_download(
    f: &Feeds,
    pip: &[&str],
    shim_dir: &Path,
    faked: Option<&str>,
) -> (Output, PathBuf) {
    let dl = tempfile::tempdir().unwrap().keep();
    let host = f.sim.base_url.trim_start_matches("http://");
    // pip 26.1 and older ask the keyring only when the URL has a user name.
    let index = format!("http://patui@{host}/fabrikam/_packaging/main/pypi/simple/");
    let path = format!(
        "{}:{}",
        shim_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut words: Vec<String> = Vec::new();
    if let Some(offset) = faked {
        words.extend(common::faketime_offset(offset));
    }
    words.extend(pip.iter().map(|s| (*s).to_owned()));
    let mut c = f.cmd(&words[0]);
    c.args(&words[1..])
        .args([
            "download",
            "patui-demo",
            "--no-deps",
            "--no-cache-dir",
            "--no-input",
            "--disable-pip-version-check",
            "--keyring-provider",
            "subprocess",
            "--index-url",
            &index,
            "-d",
        ])
        .arg(&dl)
        .env("PATH", path);
    (c.output().unwrap(), dl)
}

fn wheel_in(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".whl"))
        })
        .unwrap_or(false)
}

#[test]
fn pip_as_installed_and_the_newest_pip_through_the_keyring_shim() {
    if !have("python3", &["-m", "pip", "--version"]) || !common::have_keyring() {
        return;
    }
    let venv_pip = tools().join("venv/bin/pip");
    if !venv_pip.exists() {
        assert!(!require(), "{} is required", venv_pip.display());
        eprintln!("skipped: no venv with the newest pip (scripts/test.sh makes it)");
        return;
    }
    let f = Feeds::start("pip");
    let shims = f.home.path().join("bin");
    let out = f
        .patui()
        .args(["setup", "pip", "--bin-dir"])
        .arg(&shims)
        .output()
        .unwrap();
    assert_ok("setup pip", &out);
    let venv_pip = venv_pip.display().to_string();
    for pip in [vec!["python3", "-m", "pip"], vec![venv_pip.as_str()]] {
        let (out, dl) = pip_download(&f, &pip, &shims, None);
        assert_ok(&format!("{pip:?} download"), &out);
        assert!(wheel_in(&dl), "{pip:?}: no wheel downloaded");
    }
    // Expired (the clock three months on): not served by either pip; pip 23 shows patui's
    // reason (pip 26 captures the keyring's stderr: patui then writes it to the terminal).
    if have_faketime() {
        for pip in [vec!["python3", "-m", "pip"], vec![venv_pip.as_str()]] {
            let (out, dl) = pip_download(&f, &pip, &shims, Some(THREE_MONTHS_ON));
            assert!(
                !out.status.success(),
                "{pip:?}: an expired token was served"
            );
            assert!(!wheel_in(&dl));
            if pip[0] == "python3" {
                let err = text(&out.stderr);
                assert!(
                    err.contains("patui (pip)") && err.contains("expired"),
                    "{err}"
                );
            }
        }
    }
}

/// A crate that depends on `patuidemo` from the registry `sim`, and the registry's index.
fn cargo_project(f: &Feeds) -> PathBuf {
    let dir = f.home.path().join("crate");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\npatuidemo = { version = \"1.0.0\", registry = \"sim\" }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        format!(
            "[registries.sim]\nindex = \"sparse+{}/Cargo/index/\"\n",
            f.feed()
        ),
    )
    .unwrap();
    dir
}

#[test]
fn cargo_fetch_through_the_credential_provider() {
    if !have("cargo", &["--version"]) || !common::have_keyring() {
        return;
    }
    let f = Feeds::start("cargo");
    let out = f
        .patui()
        .args(["setup", "cargo", "sim", "--yes"])
        .output()
        .unwrap();
    assert_ok("setup cargo", &out);
    let config = std::fs::read_to_string(f.home.path().join("cargo-home/config.toml")).unwrap();
    assert!(config.contains("cargo-credential"), "{config}");
    let project = cargo_project(&f);
    let out = f
        .cmd("cargo")
        .current_dir(&project)
        .args(["fetch"])
        .output()
        .unwrap();
    assert_ok("cargo fetch", &out);
    assert!(
        text(&out.stderr).contains("Downloaded patuidemo v1.0.0"),
        "{}",
        text(&out.stderr)
    );

    // Expired, in a fresh cargo home (nothing cached): cargo fails, patui says why.
    if have_faketime() {
        let home2 = f.home.path().join("cargo-home-2");
        std::fs::create_dir_all(&home2).unwrap();
        std::fs::copy(
            f.home.path().join("cargo-home/config.toml"),
            home2.join("config.toml"),
        )
        .unwrap();
        let _ = std::fs::remove_file(project.join("Cargo.lock"));
        let prefix = common::faketime_offset(THREE_MONTHS_ON);
        let out = f
            .cmd(&prefix[0])
            .args(&prefix[1..])
            .args(["cargo", "fetch"])
            .current_dir(&project)
            .env("CARGO_HOME", &home2)
            .output()
            .unwrap();
        assert!(!out.status.success(), "an expired token was served");
        let err = text(&out.stderr);
        assert!(
            err.contains("patui (cargo)") && err.contains("expired"),
            "{err}"
        );
    }
}

/// `mono nuget.exe install PatuiDemo` from the feed into `out`, with the plugin.
fn nuget_install(f: &Feeds, nuget: &Path, out_dir: &Path) -> Output {
    let work = f.home.path().join("nuget");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("nuget.config"),
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><packageSources><clear /><add key=\"main\" value=\"{}/nuget/v3/index.json\" /></packageSources></configuration>\n",
            f.feed()
        ),
    )
    .unwrap();
    // NuGet keeps an HTTP cache in the home directory: a run must ask the feed.
    let _ = std::fs::remove_dir_all(f.home.path().join(".local/share/NuGet"));
    let plugin = f
        .home
        .path()
        .join(".nuget/plugins/netfx/nuget-plugin-patui/nuget-plugin-patui.exe");
    f.cmd("mono")
        .current_dir(&work)
        .arg(nuget)
        .args([
            "install",
            "PatuiDemo",
            "-Version",
            "1.0.0",
            "-ConfigFile",
            "nuget.config",
            "-NonInteractive",
            "-NoCache",
            "-OutputDirectory",
        ])
        .arg(out_dir)
        // Mono's NuGet does not look in ~/.nuget/plugins: it is named here.
        .env("NUGET_PLUGIN_PATHS", plugin)
        .output()
        .unwrap()
}

#[test]
fn nuget_exe_on_mono_through_the_plugin() {
    let nuget = tools().join("node_modules/nuget-exe/nuget-5.8.0.exe");
    if !have("mono", &["--version"]) || !common::have_keyring() {
        return;
    }
    if !nuget.exists() {
        assert!(!require(), "{} is required", nuget.display());
        eprintln!("skipped: no nuget.exe (scripts/test.sh installs it)");
        return;
    }
    let f = Feeds::start("nuget");
    let out = f
        .patui()
        .args(["setup", "nuget", "--bin-dir"])
        .arg(f.home.path().join("bin"))
        .output()
        .unwrap();
    assert_ok("setup nuget", &out);
    let installed = f.home.path().join("packages");
    let out = nuget_install(&f, &nuget, &installed);
    assert_ok("nuget install", &out);
    assert!(
        installed
            .join("PatuiDemo.1.0.0/PatuiDemo.1.0.0.nupkg")
            .exists(),
        "{}",
        text(&out.stdout)
    );
    // Revoked on the server behind patui's back (the keyring still holds it): NuGet gets it
    // once, is refused, asks again with IsRetry, and the plugin never hands it back.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .delete(format!(
                "{}/fabrikam/_apis/tokens/pats?authorizationId={}&api-version=7.1-preview.1",
                f.sim.base_url, f.token_id
            ))
            .bearer_auth("test")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(status.is_success(), "{status}");
    let out = nuget_install(&f, &nuget, &f.home.path().join("packages-stale"));
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("patui (NuGet)") && all.contains("refused every token"),
        "{all}"
    );

    // `patui prune` forgets the dead value: NotFound, and why.
    let out = f
        .patui()
        .args(["prune", "--yes", "--org", "fabrikam"])
        .output()
        .unwrap();
    assert_ok("prune", &out);
    let out = nuget_install(&f, &nuget, &f.home.path().join("packages-2"));
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("patui (NuGet)") && all.contains("patui keeps no token for fabrikam"),
        "{all}"
    );
}

/// A legacy 52-character PAT with a valid checksum (base32 of 32 bytes whose CRC-32 over the
/// checked bytes, XOR 0xE0B9692D, sits in bytes 22, 8, 7 and 2).
fn legacy_pat(seed: u8) -> String {
    let mut b = [0u8; 32];
    for (i, x) in b.iter_mut().enumerate() {
        *x = seed
            .wrapping_mul(31)
            .wrapping_add((i as u8).wrapping_mul(17))
            ^ 0x5a;
    }
    let mut data = Vec::new();
    for r in [0..2, 3..7, 9..22, 23..32] {
        data.extend_from_slice(&b[r]);
    }
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let sum = (!crc ^ 0xE0B9_692D).to_le_bytes();
    (b[22], b[8], b[7], b[2]) = (sum[0], sum[1], sum[2], sum[3]);
    // base32, lower case, no padding: 256 bits → 52 characters (the last one padded with 0s).
    let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0);
    for byte in b {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(alphabet[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(alphabet[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[test]
fn scan_finds_planted_pats_masks_them_and_knows_the_stored_one() {
    if !common::have_keyring() {
        return;
    }
    let f = Feeds::start("scan");
    let home = f.home.path();
    let legacy = legacy_pat(7);
    assert_eq!(legacy.len(), 52);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&f.value);
    std::fs::write(
        home.join(".npmrc"),
        format!("//pkgs.dev.azure.com/fabrikam/_packaging/main/npm/registry/:username=me\n//pkgs.dev.azure.com/fabrikam/_packaging/main/npm/registry/:_password={b64}\n"),
    )
    .unwrap();
    std::fs::create_dir_all(home.join(".nuget/NuGet")).unwrap();
    std::fs::write(
        home.join(".nuget/NuGet/NuGet.Config"),
        format!("<configuration>\n <packageSourceCredentials>\n  <main>\n   <add key=\"Username\" value=\"me\" />\n   <add key=\"ClearTextPassword\" value=\"{legacy}\" />\n  </main>\n </packageSourceCredentials>\n</configuration>\n"),
    )
    .unwrap();
    std::fs::write(
        home.join(".git-credentials"),
        format!("https://me:{}@dev.azure.com\n", f.value),
    )
    .unwrap();
    std::fs::write(
        home.join(".netrc"),
        format!("machine dev.azure.com login me password {legacy}\n"),
    )
    .unwrap();
    let env_dir = home.join("project");
    std::fs::create_dir_all(&env_dir).unwrap();
    std::fs::write(
        env_dir.join(".env"),
        format!("AZURE_DEVOPS_EXT_PAT={}\nOTHER=1\n", f.value),
    )
    .unwrap();

    let out = f
        .patui()
        .arg("scan")
        .arg(&env_dir)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        !all.contains(&f.value) && !all.contains(&legacy),
        "a whole value was printed"
    );
    assert!(!all.contains(&b64));
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let files: std::collections::BTreeSet<String> = found
        .iter()
        .map(|h| {
            Path::new(h["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for f in [
        ".npmrc",
        "NuGet.Config",
        ".git-credentials",
        ".netrc",
        ".env",
    ] {
        assert!(files.contains(f), "{f} not reported: {files:?}");
    }
    let stored = found.iter().filter(|h| h["stored"].is_object()).count();
    assert_eq!(
        stored, 3,
        "the stored value is found in npmrc (base64), git and .env: {found:?}"
    );
    let legacy_hits: Vec<_> = found.iter().filter(|h| h["kind"] == "legacy52").collect();
    assert_eq!(legacy_hits.len(), 2);
    assert!(legacy_hits.iter().all(|h| h["stored"].is_null()));
    assert!(found.iter().any(|h| h["wrapped"] == "base64"));

    // Text output: masked values and what to do.
    let out = f.patui().arg("scan").arg(&env_dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    assert!(
        t.contains(&format!("{}…{}", &f.value[..4], &f.value[80..])),
        "{t}"
    );
    assert!(!t.contains(&f.value));

    // Remove the copies of the stored token; the unknown legacy ones stay (exit 1).
    let out = f
        .patui()
        .arg("scan")
        .arg(&env_dir)
        .args(["--remove-stored", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    for file in [
        home.join(".npmrc"),
        home.join(".git-credentials"),
        env_dir.join(".env"),
    ] {
        let now = std::fs::read_to_string(&file).unwrap();
        assert!(
            !now.contains(&f.value) && !now.contains(&b64),
            "{}",
            file.display()
        );
        // The backup keeps the rest of the file, never the token.
        let backup = std::fs::read_to_string(format!("{}.patui-bak", file.display())).unwrap();
        assert!(!backup.contains(&f.value) && !backup.contains(&b64));
        assert!(backup.contains(patui::scan::fix::REMOVED_MARKER));
    }
    // Only the value goes: the files keep their shape.
    assert_eq!(
        std::fs::read_to_string(env_dir.join(".env")).unwrap(),
        "AZURE_DEVOPS_EXT_PAT=\nOTHER=1\n"
    );
    assert_eq!(
        std::fs::read_to_string(home.join(".git-credentials")).unwrap(),
        "https://dev.azure.com\n"
    );
    assert!(
        std::fs::read_to_string(home.join(".netrc"))
            .unwrap()
            .contains(&legacy)
    );
    let out = f
        .patui()
        .arg("scan")
        .arg(&env_dir)
        .arg("--json")
        .output()
        .unwrap();
    let left: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(left.len(), 2, "{left:?}");

    // Nothing planted: exit 0.
    let clean = tempfile::tempdir().unwrap();
    let out = f
        .patui()
        .env("HOME", clean.path())
        .arg("scan")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// The TUI's scan view (`F`): it lists the copy of a stored token planted in the home
/// directory, masked, and `d` then confirming removes that line and keeps a backup.
#[test]
fn the_tui_scan_view_removes_a_stored_copy() {
    if !common::have_tmux() || !common::have_keyring() {
        return;
    }
    let f = Feeds::start("tui");
    let home = f.home.path();
    let creds = home.join(".git-credentials");
    let original = format!(
        "https://me:{}@dev.azure.com\nhttps://other@example.com\n",
        f.value
    );
    std::fs::write(&creds, &original).unwrap();
    let env = f.env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    env.push(("DBUS_SESSION_BUS_ADDRESS", &bus));
    env.push(("NO_COLOR", "1"));
    env.push(("PATUI_ORG", "fabrikam"));
    let t = common::Tmux::start_with_env("pm-scan", 130, 40, &env, patui_bin());
    t.wait_for("feed");
    t.keys(&["F"]);
    let masked = format!("{}…{}", &f.value[..4], &f.value[80..]);
    let s = t.wait_for_all(&["PATs in plain text", &masked, "stored as \"feed\""]);
    assert!(!s.contains(&f.value), "a whole value on screen");
    t.keys(&["d"]);
    t.wait_for("Remove the copy on line 1");
    t.keys(&["Tab"]);
    t.keys(&["Enter"]);
    t.wait_for("No PATs in plain text");
    let now = std::fs::read_to_string(&creds).unwrap();
    assert_eq!(now, "https://dev.azure.com\nhttps://other@example.com\n");
    let backup = std::fs::read_to_string(home.join(".git-credentials.patui-bak")).unwrap();
    assert_eq!(
        backup,
        format!(
            "https://me:{}@dev.azure.com\nhttps://other@example.com\n",
            patui::scan::fix::REMOVED_MARKER
        )
    );
    t.keys(&["Escape"]);
    t.wait_gone("PATs in plain text");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
}

/// A token created outside patui, found in plain text: `--import` (with `--id`; without a
/// terminal patui lists the candidates) keeps it; `--rotate` regenerates it, puts the new value
/// on the line (inside base64 where it was) and revokes the old one.
#[test]
fn scan_imports_and_rotates_a_token_found_in_plain_text() {
    if !common::have_keyring() {
        return;
    }
    use base64::Engine;
    let f = Feeds::start("rotate");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let created: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .post(format!(
                "{}/fabrikam/_apis/tokens/pats?api-version=7.1-preview.1",
                f.sim.base_url
            ))
            .bearer_auth("test")
            .json(&serde_json::json!({
                "displayName": "made in the web page",
                "scope": "vso.packaging",
                "validTo": (chrono::Utc::now() + chrono::Duration::days(20)).to_rfc3339(),
                "allOrgs": false
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let old = created["patToken"]["token"].as_str().unwrap().to_owned();
    let id = created["patToken"]["authorizationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let home = f.home.path();
    let env_file = home.join("project.env");
    std::fs::write(&env_file, format!("PAT={old}\n")).unwrap();
    let npmrc = home.join(".npmrc");
    std::fs::write(
        &npmrc,
        format!(
            "//h/npm/registry/:username=me\n//h/npm/registry/:_password={}\n",
            b64(&old)
        ),
    )
    .unwrap();
    let loc = format!("{}:1", env_file.display());

    // Without --id and without a terminal: the candidates, nothing kept.
    let out = f
        .patui()
        .args(["scan", "--import", &loc, "--org", "fabrikam"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("made in the web page") && err.contains(&id),
        "{err}"
    );

    let out = f
        .patui()
        .args(["scan", "--import", &loc, "--org", "fabrikam", "--id", &id])
        .output()
        .unwrap();
    assert_ok("scan --import", &out);
    let found = |p: &Path| -> serde_json::Value {
        let out = f
            .patui()
            .args(["scan", "--only", "--json"])
            .arg(p)
            .output()
            .unwrap();
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()[0].clone()
    };
    assert_eq!(found(&env_file)["stored"]["name"], "made in the web page");

    // Rotate the copy in .npmrc: patui keeps that value now, so no --id is needed.
    let out = f
        .patui()
        .args(["scan", "--org", "fabrikam", "--yes", "--rotate"])
        .arg(format!("{}:2", npmrc.display()))
        .output()
        .unwrap();
    assert_ok("scan --rotate", &out);
    let now = std::fs::read_to_string(&npmrc).unwrap();
    let line = now.lines().nth(1).unwrap();
    let new = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(line.rsplit_once('=').unwrap().1)
            .unwrap(),
    )
    .unwrap();
    assert_ne!(new, old);
    assert_eq!(new.len(), 84);
    assert_eq!(now.lines().next().unwrap(), "//h/npm/registry/:username=me");
    assert_eq!(found(&npmrc)["stored"]["name"], "made in the web page");
    assert!(
        !std::fs::read_to_string(format!("{}.patui-bak", npmrc.display()))
            .unwrap()
            .contains(&b64(&old))
    );
    // The feed takes the new value and refuses the old one (revoked).
    let feed_status = |pat: &str| -> u16 {
        rt.block_on(async {
            reqwest::Client::new()
                .get(format!("{}/npm/registry/patui-demo", f.feed()))
                .basic_auth("me", Some(pat))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    assert_eq!(feed_status(&new), 200);
    assert_eq!(feed_status(&old), 401);
}
