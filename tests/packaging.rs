//! The release packaging, without the internet: `packaging/manifests.sh` turns checksum files
//! into the Homebrew formula, the Scoop manifest and the winget manifests; `packaging/install.sh`
//! installs from a release served from a local directory (`PATUI_DOWNLOAD_BASE=file://…`) and
//! refuses an archive whose checksum does not match; and the release workflow, the scripts and
//! the manifests agree on the targets and file names.
//!
//! The scripts are POSIX sh, so these tests are for Unix. They need `sh`, `tar`, `curl` and
//! `sha256sum` or `shasum`; where one is missing they skip with a message, except in CI
//! (`CI=true`), where that fails.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The five release targets, as named in the archives (`patui-TARGET.tar.gz` or `.zip`).
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

const RELEASES: &str = "https://github.com/patui/patui/releases/download";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn archive_name(target: &str) -> String {
    if target.contains("windows") {
        format!("patui-{target}.zip")
    } else {
        format!("patui-{target}.tar.gz")
    }
}

/// True when `program ARGS` runs and exits 0.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// True when every tool these tests run is installed. When one is not, the caller skips, unless
/// CI requires them (`CI=true`).
fn have_tools(needs_curl: bool) -> bool {
    let mut missing = Vec::new();
    if !runs("sh", &["-c", "exit 0"]) {
        missing.push("sh");
    }
    if !runs("tar", &["--version"]) {
        missing.push("tar");
    }
    if needs_curl && !runs("curl", &["--version"]) {
        missing.push("curl");
    }
    if needs_curl && !runs("sh", &["-c", "command -v sha256sum || command -v shasum"]) {
        missing.push("sha256sum or shasum");
    }
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} missing",
        missing.join(", ")
    );
    eprintln!("skipped: {} not installed", missing.join(", "));
    false
}

/// `sh SCRIPT ARGS…` with the environment cleared of the settings the scripts read.
fn script(name: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg(repo().join("packaging").join(name));
    for var in [
        "PATUI_VERSION",
        "PATUI_INSTALL_DIR",
        "PATUI_DOWNLOAD_BASE",
        "PATUI_TARGET",
    ] {
        c.env_remove(var);
    }
    c
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The lower-case hex SHA-256 of `data` (FIPS 180-4), so that the tests compute the checksums
/// they hand the scripts instead of trusting a tool for both sides.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for (k, wi) in K.iter().zip(w) {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(*k)
                .wrapping_add(wi);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// A checksum file as the release has it (sha256sum's output: `HASH  FILE`).
fn write_checksum(dir: &Path, target: &str, archive_bytes: &[u8]) -> String {
    let hash = sha256_hex(archive_bytes);
    std::fs::write(
        dir.join(format!("patui-{target}.sha256")),
        format!("{hash}  {}\n", archive_name(target)),
    )
    .unwrap();
    hash
}

#[test]
fn sha256_matches_the_published_test_vectors() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn manifests_carry_each_archive_url_and_checksum() {
    if !have_tools(false) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sums = dir.path().join("checksums");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&sums).unwrap();
    let hashes: Vec<(&str, String)> = TARGETS
        .iter()
        .map(|t| {
            let fake_archive = format!("fake archive of patui for {t}\n").repeat(3);
            (*t, write_checksum(&sums, t, fake_archive.as_bytes()))
        })
        .collect();
    let hash_of = |target: &str| hashes.iter().find(|(t, _)| *t == target).unwrap().1.clone();

    let out = script("manifests.sh")
        .arg("v1.2.3")
        .arg(&sums)
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // Homebrew: the four macOS and Linux archives, each URL followed by its checksum.
    let formula = std::fs::read_to_string(out_dir.join("homebrew/patui.rb")).unwrap();
    assert!(formula.contains("class Patui < Formula"), "{formula}");
    assert!(formula.contains("version \"1.2.3\""), "{formula}");
    let lines: Vec<&str> = formula.lines().map(str::trim).collect();
    for target in &TARGETS[..4] {
        let url = format!("url \"{RELEASES}/v1.2.3/patui-{target}.tar.gz\"");
        let at = lines
            .iter()
            .position(|l| *l == url)
            .unwrap_or_else(|| panic!("no {url} in\n{formula}"));
        assert_eq!(lines[at + 1], format!("sha256 \"{}\"", hash_of(target)));
    }
    assert!(!formula.contains("windows"), "{formula}");
    for file in [
        "bin.install \"patui\"",
        "man1.install \"patui.1\"",
        "completions/patui.bash",
        "completions/_patui",
        "completions/patui.fish",
    ] {
        assert!(formula.contains(file), "{file} not in\n{formula}");
    }

    // Scoop: JSON with the Windows archive and its checksum.
    let scoop: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("scoop/patui.json")).unwrap())
            .unwrap();
    assert_eq!(scoop["version"], "1.2.3");
    assert_eq!(scoop["bin"], "patui.exe");
    let x64 = &scoop["architecture"]["64bit"];
    assert_eq!(
        x64["url"],
        format!("{RELEASES}/v1.2.3/patui-x86_64-pc-windows-msvc.zip")
    );
    assert_eq!(x64["hash"], hash_of("x86_64-pc-windows-msvc"));
    assert_eq!(
        scoop["autoupdate"]["architecture"]["64bit"]["hash"]["url"],
        "https://github.com/patui/patui/releases/download/v$version/patui-x86_64-pc-windows-msvc.sha256"
    );

    // winget: the three files of one version, the installer with the Windows archive.
    let winget = out_dir.join("winget");
    let mut names: Vec<String> = std::fs::read_dir(&winget)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "patui.patui.installer.yaml",
            "patui.patui.locale.en-US.yaml",
            "patui.patui.yaml"
        ]
    );
    for (name, kind) in [
        ("patui.patui.yaml", "version"),
        ("patui.patui.installer.yaml", "installer"),
        ("patui.patui.locale.en-US.yaml", "defaultLocale"),
    ] {
        let yaml = std::fs::read_to_string(winget.join(name)).unwrap();
        assert!(
            yaml.lines().any(|l| l == "PackageIdentifier: patui.patui"),
            "{yaml}"
        );
        assert!(yaml.lines().any(|l| l == "PackageVersion: 1.2.3"), "{yaml}");
        assert!(
            yaml.lines().any(|l| l == format!("ManifestType: {kind}")),
            "{yaml}"
        );
        assert!(!yaml.contains('\t'), "YAML has no tabs: {name}");
    }
    let installer = std::fs::read_to_string(winget.join("patui.patui.installer.yaml")).unwrap();
    let sha_lines: Vec<&str> = installer
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("InstallerSha256:"))
        .collect();
    assert_eq!(
        sha_lines,
        [format!(
            "InstallerSha256: {}",
            hash_of("x86_64-pc-windows-msvc").to_uppercase()
        )]
    );
    assert!(
        installer.contains(&format!(
            "InstallerUrl: {RELEASES}/v1.2.3/patui-x86_64-pc-windows-msvc.zip"
        )),
        "{installer}"
    );
}

#[test]
fn manifests_refuse_a_missing_or_malformed_checksum() {
    if !have_tools(false) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sums = dir.path().join("checksums");
    std::fs::create_dir(&sums).unwrap();
    for target in &TARGETS[..4] {
        write_checksum(&sums, target, target.as_bytes());
    }
    let run = |version: &str, out: &str| {
        script("manifests.sh")
            .arg(version)
            .arg(&sums)
            .arg(dir.path().join(out))
            .output()
            .unwrap()
    };
    let out = run("0.1.0", "missing");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("patui-x86_64-pc-windows-msvc.sha256"),
        "{}",
        text(&out)
    );
    assert!(!dir.path().join("missing").exists(), "nothing is written");

    std::fs::write(
        sums.join("patui-x86_64-pc-windows-msvc.sha256"),
        "not-a-hash  patui-x86_64-pc-windows-msvc.zip\n",
    )
    .unwrap();
    let out = run("0.1.0", "malformed");
    assert!(!out.status.success(), "{}", text(&out));

    write_checksum(&sums, "x86_64-pc-windows-msvc", b"zip");
    let out = run("latest", "bad-version");
    assert!(!out.status.success(), "{}", text(&out));
    let out = run("0.1.0", "fine");
    assert!(out.status.success(), "{}", text(&out));
}

/// A release directory laid out like GitHub's (`download/vVERSION/…`) holding a fake
/// `patui-TARGET.tar.gz` (a shell script named `patui` that prints a version) and its checksum
/// file; returns the archive's SHA-256.
fn fake_release(root: &Path, version: &str, target: &str) -> String {
    let stage = root.join("stage");
    std::fs::create_dir_all(stage.join("completions")).unwrap();
    std::fs::write(
        stage.join("patui"),
        format!("#!/bin/sh\necho \"patui {version} (fake)\"\n"),
    )
    .unwrap();
    for (name, body) in [
        ("README.md", "# patui\n"),
        ("LICENSE", "MIT\n"),
        ("patui.1", ".TH patui 1\n"),
        ("completions/patui.bash", "# bash\n"),
    ] {
        std::fs::write(stage.join(name), body).unwrap();
    }
    let release = root.join("releases/download").join(format!("v{version}"));
    std::fs::create_dir_all(&release).unwrap();
    let archive = release.join(format!("patui-{target}.tar.gz"));
    let out = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .args(["patui", "README.md", "LICENSE", "patui.1", "completions"])
        .output()
        .unwrap();
    assert!(out.status.success(), "tar: {}", text(&out));
    write_checksum(&release, target, &std::fs::read(&archive).unwrap())
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn install(base: &Path, install_dir: &Path, version: &str, target: &str) -> Output {
    script("install.sh")
        .env("PATUI_DOWNLOAD_BASE", file_url(&base.join("releases")))
        .env("PATUI_INSTALL_DIR", install_dir)
        .env("PATUI_VERSION", version)
        .env("PATUI_TARGET", target)
        .output()
        .unwrap()
}

#[test]
fn install_script_checks_the_checksum_and_installs() {
    use std::os::unix::fs::PermissionsExt;
    if !have_tools(true) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = "x86_64-unknown-linux-gnu";
    let hash = fake_release(dir.path(), "0.9.1", target);

    // A good release installs, into a directory that does not exist yet.
    let bin_dir: PathBuf = dir.path().join("home/.local/bin");
    let out = install(dir.path(), &bin_dir, "0.9.1", target);
    assert!(out.status.success(), "{}", text(&out));
    let installed = bin_dir.join("patui");
    let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "executable: {mode:o}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("checksum OK (sha256 {hash})")),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains("installed patui 0.9.1 (fake)"),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains(&format!(
            "gh attestation verify patui-{target}.tar.gz --repo patui/patui"
        )),
        "{}",
        text(&out)
    );
    let run = Command::new(&installed).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "patui 0.9.1 (fake)\n");
    // Only the binary lands in the install directory, and no temporary file is left there.
    let entries: Vec<_> = std::fs::read_dir(&bin_dir).unwrap().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");

    // A version given with its v installs the same release.
    let out = install(dir.path(), &dir.path().join("bin-v"), "v0.9.1", target);
    assert!(out.status.success(), "{}", text(&out));

    // A checksum that does not match: an error, and nothing installed.
    let sums = dir
        .path()
        .join(format!("releases/download/v0.9.1/patui-{target}.sha256"));
    let flipped = if hash.starts_with('0') { "1" } else { "0" };
    std::fs::write(
        &sums,
        format!("{flipped}{}  patui-{target}.tar.gz\n", &hash[1..]),
    )
    .unwrap();
    let bad_dir = dir.path().join("bad/bin");
    let out = install(dir.path(), &bad_dir, "0.9.1", target);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("checksum mismatch"),
        "{}",
        text(&out)
    );
    assert!(!bad_dir.join("patui").exists(), "nothing installed");
    assert!(
        !bad_dir.exists(),
        "the install directory is not even created"
    );

    // The same into the directory of the earlier install: the installed binary is kept as it was.
    let before = std::fs::read(&installed).unwrap();
    let out = install(dir.path(), &bin_dir, "0.9.1", target);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read(&installed).unwrap(), before);

    // A release that does not exist: an error, and nothing installed.
    let out = install(dir.path(), &dir.path().join("none"), "0.0.1", target);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(!dir.path().join("none").exists());
}

/// The release workflow, the install scripts and manifests.sh name the same targets, archives
/// and checksum files, and every file the workflow puts into the archives exists.
#[test]
fn release_workflow_and_scripts_agree() {
    let read = |p: &str| std::fs::read_to_string(repo().join(p)).unwrap();
    let workflow = read(".github/workflows/release.yml");
    let manifests = read("packaging/manifests.sh");
    let install_sh = read("packaging/install.sh");
    let install_ps1 = read("packaging/install.ps1");

    for target in TARGETS {
        assert!(
            workflow.contains(&format!("- target: {target}\n")),
            "{target} is not built by release.yml"
        );
        assert!(
            manifests.contains(&format!("sha_of {target}")),
            "manifests.sh does not read {target}"
        );
    }
    assert!(!workflow.contains("linux-musl"), "Linux builds are glibc");
    assert!(workflow.contains("archive: $bin-$target\n"));
    assert!(workflow.contains("checksum: sha256\n"));
    assert!(install_sh.contains("archive=patui-$target.tar.gz"));
    assert!(install_sh.contains("checksums=patui-$target.sha256"));
    assert!(install_ps1.contains("$target = 'x86_64-pc-windows-msvc'"));
    assert!(install_ps1.contains("$archive = \"patui-$target.zip\""));
    assert!(install_ps1.contains("$checksums = \"patui-$target.sha256\""));

    let include = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("include: "))
        .expect("an include: line in release.yml");
    let included: Vec<&str> = include.split(',').map(str::trim).collect();
    for want in [
        "README.md",
        "LICENSE",
        "packaging/completions",
        "packaging/man/patui.1",
    ] {
        assert!(included.contains(&want), "{want} is not in the archives");
    }
    for path in included {
        assert!(
            repo().join(path).exists(),
            "{path} (in the archives) is missing"
        );
    }
}
