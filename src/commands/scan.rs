//! `patui scan [PATH…] [--only] [--json]`: looks for Azure DevOps PATs left in plain text (the
//! usual credential files under the home directory, and the files and directories given),
//! reports each one masked, says whether patui keeps that token in the keyring, and what to do
//! about it. Exit 1 when any PAT is found (for CI), 0 when none, 2 for usage errors (a given
//! path that does not exist). Finding and matching live in `crate::scan`.

use super::{EXIT_ERROR, EXIT_OK, Failure, print_json, print_text, report, usage};
use crate::cli::ScanArgs;
use crate::scan::stored::StoredRef;
use crate::scan::{self, Hit, Kind, StoredValues, Wrapper};
use crate::text::sanitize;
use crate::vault::Vault;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// `patui scan`.
pub async fn run(args: &ScanArgs, vault: &Result<Vault, String>) -> u8 {
    report(scan_command(args, vault).await)
}

async fn scan_command(args: &ScanArgs, vault: &Result<Vault, String>) -> Result<u8, Failure> {
    let home = home();
    let (paths, only) = (args.paths.clone(), args.only);
    let task_home = home.clone();
    let outcome = tokio::task::spawn_blocking(move || scan_all(&paths, only, task_home.as_deref()))
        .await
        .map_err(|e| Failure {
            code: EXIT_ERROR,
            message: format!("scan failed: {e}"),
        })??;
    for w in &outcome.warnings {
        crate::eprintln_safe!("patui: {w}");
    }
    // Nothing found, nothing to compare: the keyring is not opened.
    let keyring = if outcome.hits.is_empty() {
        Keyring::Unavailable
    } else {
        load_keyring(vault).await
    };
    let findings: Vec<Finding<'_>> = outcome
        .hits
        .iter()
        .map(|(path, hit)| Finding {
            path,
            hit,
            stored: keyring.lookup(hit),
        })
        .collect();
    if args.json {
        let json: Vec<FindingJson<'_>> = findings.iter().map(FindingJson::new).collect();
        print_json(&json)?;
    } else {
        print_text(&text_report(&findings, outcome.scanned, home.as_deref()))?;
    }
    Ok(if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

/// The home directory: `HOME` first (tests point it elsewhere), else the platform's.
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// What scanning found.
struct Outcome {
    /// Files scanned.
    scanned: usize,
    hits: Vec<(PathBuf, Hit)>,
    /// Files that could not be read, and the like (stderr).
    warnings: Vec<String>,
}

/// Gathers the files (usage errors first, before anything is read) and scans them. Blocking.
fn scan_all(paths: &[PathBuf], only: bool, home: Option<&Path>) -> Result<Outcome, Failure> {
    let given = check_given(paths, only)?;
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    if !only {
        match home {
            Some(h) => files.extend(scan::usual_places(h).into_iter().filter(|p| p.is_file())),
            None => warnings.push(
                "no home directory (HOME is not set): the usual places are not scanned".to_owned(),
            ),
        }
    }
    for (path, is_dir) in given {
        if is_dir {
            let walk = scan::walk(&path);
            files.extend(walk.files);
            warnings.extend(
                walk.errors
                    .iter()
                    .map(|(p, e)| format!("cannot read {}: {e}", p.display())),
            );
        } else {
            files.push(path);
        }
    }
    let mut seen = HashSet::new();
    files.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    let mut hits = Vec::new();
    for file in &files {
        match scan::scan_file(file) {
            Ok(found) => hits.extend(found.into_iter().map(|h| (file.clone(), h))),
            Err(e) => warnings.push(format!("cannot scan {}: {e}", file.display())),
        }
    }
    Ok(Outcome {
        scanned: files.len(),
        hits,
        warnings,
    })
}

/// The given paths, each with whether it is a directory; one that does not exist (or cannot
/// be looked at) is a usage error, as is `--only` without paths.
fn check_given(paths: &[PathBuf], only: bool) -> Result<Vec<(PathBuf, bool)>, Failure> {
    if only && paths.is_empty() {
        return Err(usage("--only needs a PATH to scan"));
    }
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .map(|m| (p.clone(), m.is_dir()))
                .map_err(|e| usage(format!("{}: {e}", p.display())))
        })
        .collect()
}

/// The keyring's values, or why they could not be read.
enum Keyring {
    Checked(StoredValues),
    Unavailable,
}

impl Keyring {
    fn lookup(&self, hit: &Hit) -> Stored<'_> {
        match self {
            Keyring::Checked(values) => values.lookup(&hit.value).map_or(Stored::No, Stored::Yes),
            Keyring::Unavailable => Stored::Unknown,
        }
    }
}

/// Loads the stored values; a keyring that cannot be read leaves "stored" unknown (a note on
/// stderr), not a failure.
async fn load_keyring(vault: &Result<Vault, String>) -> Keyring {
    let result = match vault {
        Ok(v) => v.run(StoredValues::load).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };
    match result {
        Ok(values) => Keyring::Checked(values),
        Err(e) => {
            crate::eprintln_safe!(
                "patui: cannot read the keyring ({e}); whether patui keeps these tokens is unknown"
            );
            Keyring::Unavailable
        }
    }
}

/// Whether patui keeps a found token.
#[derive(Clone, Copy)]
enum Stored<'a> {
    Yes(&'a StoredRef),
    No,
    Unknown,
}

/// One hit, where it is, and whether patui keeps it.
struct Finding<'a> {
    path: &'a Path,
    hit: &'a Hit,
    stored: Stored<'a>,
}

/// A finding in `--json` output (fields are only ever added). Never the value itself.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FindingJson<'a> {
    path: String,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    kind: Kind,
    /// `YYYY-MM` (strict 84-character PATs).
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<&'a str>,
    masked: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    wrapped: Option<Wrapper>,
    /// The stored token it is, when patui keeps it.
    #[serde(skip_serializing_if = "Option::is_none")]
    stored: Option<&'a StoredRef>,
    /// True when the keyring could not be read (then `stored` says nothing).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stored_unknown: bool,
}

impl<'a> FindingJson<'a> {
    fn new(f: &Finding<'a>) -> Self {
        FindingJson {
            path: f.path.display().to_string(),
            line: f.hit.line,
            key: f.hit.key.as_deref(),
            kind: f.hit.kind,
            created: f.hit.created.as_deref(),
            masked: f.hit.masked(),
            wrapped: f.hit.wrapped,
            stored: match f.stored {
                Stored::Yes(r) => Some(r),
                Stored::No | Stored::Unknown => None,
            },
            stored_unknown: matches!(f.stored, Stored::Unknown),
        }
    }
}

/// The text report: one line per finding, a summary, then what to do.
fn text_report(findings: &[Finding<'_>], scanned: usize, home: Option<&Path>) -> String {
    if findings.is_empty() {
        return format!(
            "no PATs in plain text ({} scanned)\n",
            plural(scanned, "file")
        );
    }
    let mut s = String::new();
    for f in findings {
        s.push_str(&finding_line(f, home));
        s.push('\n');
    }
    let files: HashSet<&Path> = findings.iter().map(|f| f.path).collect();
    let kept = findings
        .iter()
        .filter(|f| matches!(f.stored, Stored::Yes(_)))
        .count();
    let unknown = findings
        .iter()
        .filter(|f| matches!(f.stored, Stored::No))
        .count();
    s.push_str(&format!(
        "\n{} in plain text in {} ({kept} kept by patui, {unknown} unknown to patui",
        plural(findings.len(), "PAT"),
        plural(files.len(), "file"),
    ));
    let unchecked = findings.len() - kept - unknown;
    if unchecked > 0 {
        s.push_str(&format!(", {unchecked} not checked: no keyring"));
    }
    s.push_str(")\n");
    s.push_str(&advice(kept > 0, unknown + unchecked > 0));
    s
}

/// `PATH:LINE  KEY  MASKED  KIND  NOTE`.
fn finding_line(f: &Finding<'_>, home: Option<&Path>) -> String {
    let h = f.hit;
    let mut kind = h.kind.word().to_owned();
    if let Some(c) = &h.created {
        kind.push_str(&format!(" (created {c})"));
    }
    if h.wrapped == Some(Wrapper::Base64) {
        kind.push_str(" (in base64)");
    }
    let note = match f.stored {
        Stored::Yes(r) => format!(
            "stored as \"{}\" ({}) — delete this copy and use the provider instead",
            sanitize(&r.name),
            sanitize(&r.org)
        ),
        Stored::No => "unknown to patui — import it, or rotate it".to_owned(),
        Stored::Unknown => "keyring not readable — cannot tell whether patui keeps it".to_owned(),
    };
    format!(
        "{}:{}  {}  {}  {kind}  {note}",
        sanitize(&shown_path(f.path, home)),
        h.line,
        sanitize(h.key.as_deref().unwrap_or("-")),
        h.masked(),
    )
}

/// What to do next, for kept and for unknown tokens.
fn advice(kept: bool, unknown: bool) -> String {
    let mut s = String::from("\nWhat to do:\n");
    if kept {
        s.push_str("  kept by patui: delete this copy; patui serves it to git/npm/NuGet/Cargo/pip without files (patui setup …, patui exec)\n");
    }
    if unknown {
        s.push_str("  unknown to patui: import it into the keyring (coming: patui scan --import) or rotate it (create a new token with the same scopes in patui, replace the line, revoke the old one)\n");
    }
    s
}

/// `~/…` for paths under the home directory.
fn shown_path(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => {
            format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display())
        }
        _ => path.display().to_string(),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_legacy() -> String {
        crate::scan::detect::tests::fake_legacy()
    }

    fn hit(path: &Path, text: &str) -> (PathBuf, Hit) {
        let h = scan::scan_text(text).remove(0);
        (path.to_path_buf(), h)
    }

    #[test]
    fn text_report_masks_and_advises() {
        let pat = fake_legacy();
        let home = Path::new("/home/me");
        let (path, h) = hit(&home.join(".npmrc"), &format!("\n_authToken={pat}"));
        let kept = StoredRef {
            name: "feed\u{1b}]52".into(),
            org: "fabrikam".into(),
        };
        let findings = [
            Finding {
                path: &path,
                hit: &h,
                stored: Stored::Yes(&kept),
            },
            Finding {
                path: &path,
                hit: &h,
                stored: Stored::No,
            },
        ];
        let text = text_report(&findings, 3, Some(home));
        assert!(!text.contains(&pat));
        assert!(!text.contains('\u{1b}'));
        let first = text.lines().next().unwrap();
        let sep = std::path::MAIN_SEPARATOR;
        assert!(
            first.starts_with(&format!("~{sep}.npmrc:2  _authToken  {}…", &pat[..4])),
            "{first}"
        );
        assert!(
            first.contains("legacy52") && first.contains("stored as \"feed"),
            "{first}"
        );
        assert!(
            text.contains("2 PATs in plain text in 1 file (1 kept by patui, 1 unknown to patui)")
        );
        assert!(text.contains("kept by patui: delete this copy"));
        assert!(text.contains("unknown to patui: import it"));
        assert_eq!(
            text_report(&[], 1, None),
            "no PATs in plain text (1 file scanned)\n"
        );
    }

    #[test]
    fn json_has_no_value() {
        let pat = fake_legacy();
        let (path, h) = hit(Path::new("/x/.env"), &format!("PAT={pat}"));
        let f = Finding {
            path: &path,
            hit: &h,
            stored: Stored::Unknown,
        };
        let json = serde_json::to_value(FindingJson::new(&f)).unwrap();
        assert!(!json.to_string().contains(&pat));
        assert_eq!(json["kind"], "legacy52");
        assert_eq!(json["key"], "PAT");
        assert_eq!(json["line"], 1);
        assert_eq!(json["storedUnknown"], true);
        assert!(json.get("stored").is_none() && json.get("wrapped").is_none());
    }

    #[test]
    fn given_paths_must_exist_and_only_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = scan_all(&[missing], false, Some(dir.path())).err().unwrap();
        assert_eq!(err.code, super::super::EXIT_USAGE);
        let err = scan_all(&[], true, None).err().unwrap();
        assert_eq!(err.code, super::super::EXIT_USAGE);
    }

    #[test]
    fn scans_usual_places_and_given_directories_once() {
        let home = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        std::fs::write(
            home.path().join(".npmrc"),
            format!("//x/:_authToken={pat}\n"),
        )
        .unwrap();
        std::fs::create_dir_all(home.path().join("proj")).unwrap();
        std::fs::write(home.path().join("proj/.env"), format!("PAT={pat}\n")).unwrap();
        // The home directory given as a path too: .npmrc is scanned once.
        let out = scan_all(&[home.path().to_path_buf()], false, Some(home.path())).unwrap();
        // (XDG_CONFIG_HOME and the current directory are the test process's: not counted.)
        let mut keys: Vec<_> = out
            .hits
            .iter()
            .filter(|(p, _)| p.starts_with(home.path()))
            .map(|(_, h)| h.key.clone())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [Some("PAT".to_owned()), Some("_authToken".to_owned())]
        );
        let only = scan_all(&[home.path().join("proj")], true, Some(home.path())).unwrap();
        assert_eq!(only.hits.len(), 1);
        assert_eq!(only.scanned, 1);
    }
}
