//! `patui scan [PATH…] [--only] [--json] [--remove-stored [--yes]]`: looks for Azure DevOps PATs
//! left in plain text (the usual credential files under the home directory, and the files and
//! directories given), reports each one masked, says whether patui keeps that token in the
//! keyring, and what to do about it. With `--remove-stored`, the lines holding copies of tokens
//! patui keeps are removed (asked once per file unless `--yes`; a backup of each file is kept),
//! and the exit code is that of a scan afterwards. Exit 1 when any PAT is found (for CI), 0 when
//! none, 2 for usage errors (a given path that does not exist, `--remove-stored` without a
//! terminal to ask on and without `--yes`). Finding, matching and removing live in `crate::scan`.

use super::{EXIT_ERROR, EXIT_OK, Failure, print_json, print_text, report, usage};
use crate::cli::ScanArgs;
use crate::scan::fix;
use crate::scan::report::{self as scan_report, Finding, Report, Stored, plural, shown_path};
use crate::scan::stored::StoredRef;
use crate::scan::{Kind, Wrapper};
use crate::secret::Secret;
use crate::text::sanitize;
use crate::vault::Vault;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::Path;

/// `patui scan`.
pub async fn run(args: &ScanArgs, vault: &Result<Vault, String>) -> u8 {
    report(scan_command(args, vault).await)
}

async fn scan_command(args: &ScanArgs, vault: &Result<Vault, String>) -> Result<u8, Failure> {
    if args.remove_stored && !args.yes && !std::io::stdin().is_terminal() {
        return Err(usage(
            "--remove-stored changes files and asks first: there is no terminal to ask on; pass --yes",
        ));
    }
    let outcome = scan_blocking(args, Some(vault.clone())).await?;
    for w in &outcome.warnings {
        crate::eprintln_safe!("patui: {w}");
    }
    if let Some(e) = &outcome.keyring_error {
        crate::eprintln_safe!(
            "patui: cannot read the keyring ({e}); whether patui keeps these tokens is unknown"
        );
    }
    if args.json {
        let json: Vec<FindingJson<'_>> = outcome.findings.iter().map(FindingJson::new).collect();
        print_json(&json)?;
    } else {
        print_text(&text_report(
            &outcome.findings,
            outcome.scanned,
            outcome.home.as_deref(),
        ))?;
    }
    if args.remove_stored {
        return remove_stored(args, outcome).await;
    }
    Ok(exit_code(&outcome))
}

/// 1 when any PAT was found, else 0.
fn exit_code(report: &Report) -> u8 {
    if report.findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    }
}

/// Scans on a blocking task; the keyring (`None`: not compared) is opened only when something
/// was found.
async fn scan_blocking(
    args: &ScanArgs,
    vault: Option<Result<Vault, String>>,
) -> Result<Report, Failure> {
    let (paths, only) = (args.paths.clone(), args.only);
    tokio::task::spawn_blocking(move || {
        let home = scan_report::home();
        match &vault {
            Some(v) => {
                let v = v.as_ref().map_err(String::as_str);
                scan_report::scan_checked(&paths, only, home.as_deref(), v)
            }
            None => scan_report::scan(&paths, only, home.as_deref()),
        }
    })
    .await
    .map_err(|e| Failure {
        code: EXIT_ERROR,
        message: format!("scan failed: {e}"),
    })?
    .map_err(|e| usage(e.to_string()))
}

/// `--remove-stored`: each file holding copies of stored tokens, asked about (unless `--yes`)
/// and changed; then a scan again, whose findings give the exit code.
async fn remove_stored(args: &ScanArgs, outcome: Report) -> Result<u8, Failure> {
    if outcome.kept() == 0 {
        crate::eprintln_safe!(
            "patui: --remove-stored: no copy of a token patui keeps was found; nothing was changed"
        );
        return Ok(exit_code(&outcome));
    }
    let yes = args.yes;
    let lines = tokio::task::spawn_blocking(move || remove_all(&outcome, yes))
        .await
        .map_err(|e| Failure {
            code: EXIT_ERROR,
            message: format!("removing failed: {e}"),
        })?;
    print_text(&lines)?;
    let after = scan_blocking(args, None).await?;
    Ok(exit_code(&after))
}

/// The copies of stored tokens, by file (in the order found): (line, value) each.
fn stored_copies(report: &Report) -> Vec<(&Path, Vec<(usize, &Secret)>)> {
    let mut files: Vec<(&Path, Vec<(usize, &Secret)>)> = Vec::new();
    for f in report.findings.iter().filter(|f| f.stored_ref().is_some()) {
        let copy = (f.hit.line, &f.hit.value);
        match files.iter_mut().find(|(p, _)| *p == f.path.as_path()) {
            Some((_, copies)) => copies.push(copy),
            None => files.push((f.path.as_path(), vec![copy])),
        }
    }
    files
}

/// Removes the copies file by file (asking first unless `yes`); returns what was done and what
/// to use instead, for stdout. Failures and files left alone are said on stderr. Blocking.
fn remove_all(report: &Report, yes: bool) -> String {
    let mut out = String::new();
    for (path, copies) in stored_copies(report) {
        let shown = report.shown_path(path);
        if !yes && !confirm_file(&shown, copies.len()) {
            crate::eprintln_safe!("patui: {shown} left unchanged");
            continue;
        }
        match fix::remove_copies(path, &copies) {
            Ok(backup) => out.push_str(&format!(
                "removed {} from {shown} (backup: {})\n  instead: {}\n",
                copies_word(copies.len()),
                report.shown_path(&backup),
                fix::provider_advice(path)
            )),
            Err(e) => crate::eprintln_safe!("patui: {e}"),
        }
    }
    out
}

/// Asks on the terminal whether to change one file.
fn confirm_file(shown: &str, n: usize) -> bool {
    let question = if n == 1 {
        format!("Remove 1 copy of a stored token from {shown} (a backup is kept)? [y/N] ")
    } else {
        format!("Remove {n} copies of stored tokens from {shown} (a backup is kept)? [y/N] ")
    };
    super::ask(super::Ask {
        refusal: format!("{shown} not changed"),
        lines: vec![],
        question: &sanitize(&question),
        accept: super::is_yes,
        declined: "not confirmed",
    })
    .is_ok()
}

/// `1 copy`, `2 copies`.
fn copies_word(n: usize) -> String {
    if n == 1 {
        "1 copy".to_owned()
    } else {
        format!("{n} copies")
    }
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
    fn new(f: &'a Finding) -> Self {
        FindingJson {
            path: f.path.display().to_string(),
            line: f.hit.line,
            key: f.hit.key.as_deref(),
            kind: f.hit.kind,
            created: f.hit.created.as_deref(),
            masked: f.hit.masked(),
            wrapped: f.hit.wrapped,
            stored: f.stored_ref(),
            stored_unknown: matches!(f.stored, Stored::Unknown),
        }
    }
}

/// The text report: one line per finding, a summary, then what to do.
fn text_report(findings: &[Finding], scanned: usize, home: Option<&Path>) -> String {
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
    s.push_str(&format!("\n{}\n", scan_report::summary(findings)));
    let kept = findings.iter().any(|f| matches!(f.stored, Stored::Yes(_)));
    let other = findings.iter().any(|f| !matches!(f.stored, Stored::Yes(_)));
    s.push_str(&advice(kept, other));
    s
}

/// `PATH:LINE  KEY  MASKED  KIND  NOTE`.
fn finding_line(f: &Finding, home: Option<&Path>) -> String {
    let h = &f.hit;
    let note = match &f.stored {
        Stored::Yes(r) => format!(
            "stored as \"{}\" ({}) — delete this copy and use the provider instead",
            sanitize(&r.name),
            sanitize(&r.org)
        ),
        Stored::No => "unknown to patui — rotate it".to_owned(),
        Stored::Unknown => "keyring not readable — cannot tell whether patui keeps it".to_owned(),
    };
    format!(
        "{}:{}  {}  {}  {}  {note}",
        sanitize(&shown_path(&f.path, home)),
        h.line,
        sanitize(h.key.as_deref().unwrap_or("-")),
        h.masked(),
        f.kind_label(),
    )
}

/// What to do next, for kept and for unknown tokens.
fn advice(kept: bool, unknown: bool) -> String {
    let mut s = String::from("\nWhat to do:\n");
    if kept {
        s.push_str("  kept by patui: delete this copy (patui scan --remove-stored keeps a backup); patui serves it to git/npm/NuGet/Cargo/pip without files (patui setup …, patui exec)\n");
    }
    if unknown {
        s.push_str("  unknown to patui: the service never says which token a value is, so name it: `patui scan --import FILE:LINE --id ID` keeps it in the keyring; `patui scan --rotate FILE:LINE --id ID` regenerates it, puts the new value on the line and revokes the old one (without --id, on a terminal, patui lists your tokens)\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{self, Hit};
    use std::path::PathBuf;

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
                path: path.clone(),
                hit: h.clone(),
                stored: Stored::Yes(kept),
            },
            Finding {
                path,
                hit: h,
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
        assert!(text.contains("unknown to patui: the service never says"));
        assert!(text.contains("--import FILE:LINE") && text.contains("--rotate FILE:LINE"));
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
            path,
            hit: h,
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
    fn remove_all_changes_only_stored_copies_and_names_the_provider() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, other) = (fake_legacy(), fake_legacy());
        let npmrc = dir.path().join(".npmrc");
        std::fs::write(&npmrc, format!("a={kept}\nb={other}\nc={kept}\n")).unwrap();
        let mut report =
            scan_report::scan(std::slice::from_ref(&npmrc), true, Some(dir.path())).unwrap();
        let feed = StoredRef {
            name: "feed".into(),
            org: "fabrikam".into(),
        };
        for f in &mut report.findings {
            f.stored = if f.hit.value.matches(&kept) {
                Stored::Yes(feed.clone())
            } else {
                Stored::No
            };
        }
        let copies = stored_copies(&report);
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0].1.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 3]);
        let out = remove_all(&report, true);
        let sep = std::path::MAIN_SEPARATOR;
        assert!(
            out.starts_with(&format!(
                "removed 2 copies from ~{sep}.npmrc (backup: ~{sep}.npmrc.patui-bak)"
            )),
            "{out}"
        );
        assert!(out.contains("patui exec -- npm"), "{out}");
        assert!(!out.contains(&kept));
        assert_eq!(
            std::fs::read_to_string(&npmrc).unwrap(),
            format!("a=\nb={other}\nc=\n")
        );
    }
}
