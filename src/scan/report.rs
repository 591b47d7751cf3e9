//! One scan, shared by `patui scan` and the TUI's scan view: the files to read (the usual places
//! under the home directory and the paths given, each file once), every hit with its file, and
//! whether patui keeps that token (the keyring's values, compared in memory; the keyring is
//! opened only when something was found). Also the words both show: paths with `~`, a hit's
//! kind, the summary line. Blocking: run it off the async workers.

use super::stored::{StoredRef, StoredValues};
use super::{Hit, Wrapper};
use crate::vault::Vault;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a scan did not start (usage errors: nothing was read).
#[derive(Debug, Error)]
pub enum ScanError {
    #[error("--only needs a PATH to scan")]
    OnlyWithoutPaths,
    /// A given path that does not exist or cannot be looked at.
    #[error("{}: {}", .path.display(), .error)]
    Path {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// Whether patui keeps a found token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The stored token the value is.
    Yes(StoredRef),
    /// No token patui keeps has this value.
    No,
    /// The keyring could not be read (or was not asked): nobody knows.
    Unknown,
}

/// One hit, the file it is in, and whether patui keeps it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub path: PathBuf,
    pub hit: Hit,
    pub stored: Stored,
}

impl Finding {
    /// `legacy52`, `pat84 (created 2024-07)`, `… (in base64)`.
    pub fn kind_label(&self) -> String {
        let h = &self.hit;
        let mut kind = h.kind.word().to_owned();
        if let Some(c) = &h.created {
            kind.push_str(&format!(" (created {c})"));
        }
        if h.wrapped == Some(Wrapper::Base64) {
            kind.push_str(" (in base64)");
        }
        kind
    }

    /// The stored token this is, when patui keeps it.
    pub fn stored_ref(&self) -> Option<&StoredRef> {
        match &self.stored {
            Stored::Yes(r) => Some(r),
            Stored::No | Stored::Unknown => None,
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The home directory used (paths under it are shown with `~`).
    pub home: Option<PathBuf>,
    /// Files scanned.
    pub scanned: usize,
    pub findings: Vec<Finding>,
    /// Files that could not be read, and the like.
    pub warnings: Vec<String>,
    /// Why the keyring could not be compared (the findings then say [`Stored::Unknown`]).
    pub keyring_error: Option<String>,
}

impl Report {
    /// Marks each finding kept or not by the keyring's `values`.
    pub fn match_stored(&mut self, values: &StoredValues) {
        for f in &mut self.findings {
            f.stored = values
                .lookup(&f.hit.value)
                .map_or(Stored::No, |r| Stored::Yes(r.clone()));
        }
    }

    /// Findings of tokens patui keeps.
    pub fn kept(&self) -> usize {
        kept(&self.findings)
    }

    /// `path` for people: `~/…` under the home directory.
    pub fn shown_path(&self, path: &Path) -> String {
        shown_path(path, self.home.as_deref())
    }
}

/// The home directory: `HOME` first (tests point it elsewhere), else the platform's.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// Scans the usual places under `home` (unless `only`) and `paths` (files, and directories
/// walked), each file once; nothing is compared with the keyring ([`Stored::Unknown`]). The
/// given paths are checked before anything is read.
pub fn scan(paths: &[PathBuf], only: bool, home: Option<&Path>) -> Result<Report, ScanError> {
    let given = check_given(paths, only)?;
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    if !only {
        match home {
            Some(h) => files.extend(super::usual_places(h).into_iter().filter(|p| p.is_file())),
            None => warnings.push(
                "no home directory (HOME is not set): the usual places are not scanned".to_owned(),
            ),
        }
    }
    for (path, is_dir) in given {
        if is_dir {
            let walk = super::walk(&path);
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
    let mut findings = Vec::new();
    for file in &files {
        match super::scan_file(file) {
            Ok(found) => findings.extend(found.into_iter().map(|hit| Finding {
                path: file.clone(),
                hit,
                stored: Stored::Unknown,
            })),
            Err(e) => warnings.push(format!("cannot scan {}: {e}", file.display())),
        }
    }
    Ok(Report {
        home: home.map(Path::to_path_buf),
        scanned: files.len(),
        findings,
        warnings,
        keyring_error: None,
    })
}

/// [`scan`], then, when something was found, the comparison with the keyring's values: a
/// keyring that cannot be read (or none, with why) leaves the findings [`Stored::Unknown`] and
/// says why in [`Report::keyring_error`].
pub fn scan_checked(
    paths: &[PathBuf],
    only: bool,
    home: Option<&Path>,
    vault: Result<&Vault, &str>,
) -> Result<Report, ScanError> {
    let mut report = scan(paths, only, home)?;
    if report.findings.is_empty() {
        return Ok(report);
    }
    let values = match vault {
        Ok(v) => StoredValues::load(v).map_err(|e| e.to_string()),
        Err(why) => Err(why.to_owned()),
    };
    match values {
        Ok(values) => report.match_stored(&values),
        Err(e) => report.keyring_error = Some(e),
    }
    Ok(report)
}

/// The given paths, each with whether it is a directory; one that does not exist (or cannot
/// be looked at) is an error, as is `only` without paths.
fn check_given(paths: &[PathBuf], only: bool) -> Result<Vec<(PathBuf, bool)>, ScanError> {
    if only && paths.is_empty() {
        return Err(ScanError::OnlyWithoutPaths);
    }
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .map(|m| (p.clone(), m.is_dir()))
                .map_err(|error| ScanError::Path {
                    path: p.clone(),
                    error,
                })
        })
        .collect()
}

fn kept(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|f| matches!(f.stored, Stored::Yes(_)))
        .count()
}

/// `2 PATs in plain text in 1 file (1 kept by patui, 1 unknown to patui)`, with `, N not
/// checked: no keyring` when the keyring could not be read.
pub fn summary(findings: &[Finding]) -> String {
    let files: HashSet<&Path> = findings.iter().map(|f| f.path.as_path()).collect();
    let kept = kept(findings);
    let unknown = findings
        .iter()
        .filter(|f| matches!(f.stored, Stored::No))
        .count();
    let mut s = format!(
        "{} in plain text in {} ({kept} kept by patui, {unknown} unknown to patui",
        plural(findings.len(), "PAT"),
        plural(files.len(), "file"),
    );
    let unchecked = findings.len() - kept - unknown;
    if unchecked > 0 {
        s.push_str(&format!(", {unchecked} not checked: no keyring"));
    }
    s.push(')');
    s
}

/// `~/…` for paths under the home directory.
pub fn shown_path(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => {
            format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display())
        }
        _ => path.display().to_string(),
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::detect::tests::fake_legacy;

    #[test]
    fn given_paths_must_exist_and_only_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = scan(&[missing], false, Some(dir.path())).err().unwrap();
        assert!(matches!(err, ScanError::Path { .. }), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
        let err = scan(&[], true, None).err().unwrap();
        assert!(matches!(err, ScanError::OnlyWithoutPaths));
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
        let out = scan(&[home.path().to_path_buf()], false, Some(home.path())).unwrap();
        // (XDG_CONFIG_HOME and the current directory are the test process's: not counted.)
        let mut keys: Vec<_> = out
            .findings
            .iter()
            .filter(|f| f.path.starts_with(home.path()))
            .map(|f| f.hit.key.clone())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [Some("PAT".to_owned()), Some("_authToken".to_owned())]
        );
        let only = scan(&[home.path().join("proj")], true, Some(home.path())).unwrap();
        assert_eq!(only.findings.len(), 1);
        assert_eq!(only.scanned, 1);
        assert_eq!(only.findings[0].stored, Stored::Unknown);
    }

    #[test]
    fn the_keyring_says_which_tokens_patui_keeps() {
        use crate::secret::Secret;
        use crate::vault::{StoredToken, TokenMeta};
        let dir = tempfile::tempdir().unwrap();
        let (kept, other) = (fake_legacy(), crate::scan::detect::tests::fake_pat84());
        let file = dir.path().join(".env");
        std::fs::write(&file, format!("A={kept}\nB={other}\n")).unwrap();
        let vault = Vault::memory().unwrap();
        vault
            .store(&StoredToken {
                value: Secret::from(kept.as_str()),
                meta: TokenMeta {
                    org: "fabrikam".into(),
                    id: uuid::Uuid::new_v4(),
                    name: "feed".into(),
                    scope: "vso.packaging".into(),
                    valid_from: chrono::Utc::now(),
                    valid_to: chrono::Utc::now() + chrono::Duration::days(30),
                    global: false,
                },
            })
            .unwrap();
        let r = scan_checked(std::slice::from_ref(&file), true, None, Ok(&vault)).unwrap();
        assert_eq!(r.kept(), 1);
        assert_eq!(
            r.findings[0].stored_ref().map(|s| s.name.as_str()),
            Some("feed")
        );
        assert_eq!(r.findings[1].stored, Stored::No);
        assert_eq!(
            summary(&r.findings),
            "2 PATs in plain text in 1 file (1 kept by patui, 1 unknown to patui)"
        );
        let r = scan_checked(&[file], true, None, Err("no keyring here")).unwrap();
        assert_eq!(r.keyring_error.as_deref(), Some("no keyring here"));
        assert!(r.findings.iter().all(|f| f.stored == Stored::Unknown));
        assert!(summary(&r.findings).ends_with(", 2 not checked: no keyring)"));
    }
}
