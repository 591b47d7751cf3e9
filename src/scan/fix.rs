//! Removing copies of a stored token from a file (`patui scan --remove-stored`, `d` in the TUI's
//! scan view). The file is read again and each line checked to still hold its value (scanned
//! again and compared with [`Secret::matches`]); a backup is written next to it
//! (`<file>.patui-bak`, then `.patui-bak.1`, … when one exists, with the file's permissions);
//! then the edited file replaces it atomically (a temporary file in the same
//! directory, renamed over it, with the file's permissions). Only the value goes (a URL keeps
//! its host, `key=PAT` becomes `key=`), so the file keeps its shape. The backup holds everything
//! but the token: [`REMOVED_MARKER`] stands where it was. Everything else stays byte
//! for byte, so the encoding and the line endings (LF or CRLF) stay as they were. A symlink is
//! followed: the file it points to is changed, and backed up next to it. Every buffer that held
//! the file is zeroized. Also what to use instead of the file, per kind of file.

use crate::secret::Secret;
use std::ffi::OsString;
use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;
use zeroize::Zeroizing;

/// Added to the file's name for its backup (then `.1`, `.2`, … when it exists).
pub const BACKUP_SUFFIX: &str = ".patui-bak";
/// Backups tried before giving up.
const MAX_BACKUPS: usize = 1000;
/// Temporary names tried before giving up.
const MAX_TEMPS: usize = 100;

/// Why a copy was not removed. Nothing was changed in the file in every case.
#[derive(Debug, Error)]
pub enum FixError {
    #[error("cannot read {}: {}", .path.display(), .error)]
    Read { path: PathBuf, error: io::Error },
    #[error(
        "{} changed since it was scanned: line {line} no longer holds this token; nothing was changed (scan again)",
        .path.display()
    )]
    Changed { path: PathBuf, line: usize },
    #[error("cannot write a backup of {}: {}; nothing was changed", .path.display(), .error)]
    Backup { path: PathBuf, error: io::Error },
    #[error(
        "cannot write {}: {}; nothing was changed (the backup {} is left)",
        .path.display(),
        .error,
        .backup.display()
    )]
    Write {
        path: PathBuf,
        backup: PathBuf,
        error: io::Error,
    },
}

/// Removes line `line` (1-based) of `path`, which must still hold `value`; returns the backup's
/// path.
pub fn remove_copy(path: &Path, line: usize, value: &Secret) -> Result<PathBuf, FixError> {
    remove_copies(path, &[(line, value)])
}

/// Removes the copies at once, each (1-based line, the value it must still hold), with one
/// backup; returns the backup's path. Any line that no longer holds its value refuses the whole
/// change. Only the value goes, so the file keeps its shape: `user:PAT@` leaves a URL, a
/// base64 wrapper is emptied, `key=PAT` becomes `key=`.
pub fn remove_copies(path: &Path, copies: &[(usize, &Secret)]) -> Result<PathBuf, FixError> {
    rewrite(path, copies, without_value)
}

/// Replaces the token `old` on line `line` (1-based) of `path` with `new`, where it stands raw or
/// inside base64 (npm's `_password`, `_auth`, a `Basic …` header: re-encoded); the rest of the
/// line and file stays byte for byte. Returns the backup's path.
pub fn replace_copy(
    path: &Path,
    line: usize,
    old: &Secret,
    new: &Secret,
) -> Result<PathBuf, FixError> {
    rewrite(path, &[(line, old)], |text, value| {
        replaced_line(text, value, new)
    })
}

/// Checks that `path` still holds the copies (nothing is changed): for a change that must not
/// start unless the file can take it.
pub fn check_copies(path: &Path, copies: &[(usize, &Secret)]) -> Result<(), FixError> {
    let original = super::read_limited(&real_file(path).map_err(|error| FixError::Read {
        path: path.to_path_buf(),
        error,
    })?)
    .map_err(|error| FixError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let spans = line_spans(&original);
    for &(line, value) in copies {
        let held = line
            .checked_sub(1)
            .and_then(|i| spans.get(i))
            .is_some_and(|s| holds(&original[s.start..s.content_end], value));
        if !held {
            return Err(FixError::Changed {
                path: path.to_path_buf(),
                line,
            });
        }
    }
    Ok(())
}

/// One edited line: its index, its new text, and its text in the backup.
type Edit = (usize, Zeroizing<String>, Zeroizing<String>);

/// Writes `path` with each copy's line edited by `edit` (the line's text and the value it
/// holds), after a backup in which each value is replaced by [`REMOVED_MARKER`].
fn rewrite(
    path: &Path,
    copies: &[(usize, &Secret)],
    edit: impl Fn(&str, &Secret) -> Option<Zeroizing<String>>,
) -> Result<PathBuf, FixError> {
    let read_err = |error| FixError::Read {
        path: path.to_path_buf(),
        error,
    };
    let target = real_file(path).map_err(read_err)?;
    let perms = std::fs::metadata(&target).map_err(read_err)?.permissions();
    let original = super::read_limited(&target).map_err(read_err)?;
    let spans = line_spans(&original);
    let changed = |line| FixError::Changed {
        path: path.to_path_buf(),
        line,
    };
    let mut edits: Vec<Edit> = Vec::new();
    for &(line, value) in copies {
        let index = line.checked_sub(1).ok_or_else(|| changed(line))?;
        let span = spans.get(index).ok_or_else(|| changed(line))?;
        let bytes = &original[span.start..span.content_end];
        if !holds(bytes, value) {
            return Err(changed(line));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| changed(line))?;
        let base = edits
            .iter()
            .find(|(i, _, _)| *i == index)
            .map(|(_, n, b)| (n.clone(), b.clone()));
        let (now, backup) = match &base {
            Some((n, b)) => (n.as_str(), b.as_str()),
            None => (text, text),
        };
        let new_text = edit(now, value).ok_or_else(|| changed(line))?;
        let marked =
            marked_line(backup, value).unwrap_or_else(|| Zeroizing::new(backup.to_owned()));
        edits.retain(|(i, _, _)| *i != index);
        edits.push((index, new_text, marked));
    }
    let assemble = |pick: &dyn Fn(&Edit) -> &str| {
        let mut out = Zeroizing::new(Vec::with_capacity(original.len() + 64 * edits.len()));
        for (i, s) in spans.iter().enumerate() {
            match edits.iter().find(|e| e.0 == i) {
                Some(e) => {
                    out.extend_from_slice(pick(e).as_bytes());
                    out.extend_from_slice(&original[s.content_end..s.end]);
                }
                None => out.extend_from_slice(&original[s.start..s.end]),
            }
        }
        out
    };
    let kept = assemble(&|e| e.1.as_str());
    let masked = assemble(&|e| e.2.as_str());
    let backup = write_backup(&target, &masked, &perms).map_err(|error| FixError::Backup {
        path: path.to_path_buf(),
        error,
    })?;
    replace(&target, &kept, &perms).map_err(|error| FixError::Write {
        path: path.to_path_buf(),
        backup: backup.clone(),
        error,
    })?;
    Ok(backup)
}

/// Calls `swap` on the decoded text of each base64 run in `line` (a run: base64 characters and
/// at most two `=`); a `Some` replaces the whole run. `None` when no run was replaced.
fn map_base64_runs(line: &str, swap: impl Fn(&str) -> Option<String>) -> Option<Zeroizing<String>> {
    use base64::Engine;
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/');
    let mut out = Zeroizing::new(String::with_capacity(line.len() + 128));
    let mut found = false;
    let mut rest = line;
    while let Some(start) = rest.find(is_b64) {
        out.push_str(&rest[..start]);
        let body = rest[start..]
            .find(|c: char| !is_b64(c))
            .unwrap_or(rest.len() - start);
        let pad = rest[start + body..]
            .chars()
            .take(2)
            .take_while(|c| *c == '=')
            .count();
        let run = &rest[start..start + body + pad];
        let decoded = super::BASE64
            .decode(&rest[start..start + body])
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Zeroizing::new);
        match decoded.and_then(|d| swap(d.as_str()).map(Zeroizing::new)) {
            Some(replacement) => {
                out.push_str(&replacement);
                found = true;
            }
            None => out.push_str(run),
        }
        rest = &rest[start + body + pad..];
    }
    out.push_str(rest);
    found.then_some(out)
}

/// `line` with `old` replaced by `new`: raw occurrences, else inside each base64 run that decodes
/// to text holding `old` (encoded again, with padding). `None` when `old` is in neither.
fn replaced_line(line: &str, old: &Secret, new: &Secret) -> Option<Zeroizing<String>> {
    use base64::Engine;
    if line.contains(old.expose()) {
        return Some(Zeroizing::new(line.replace(old.expose(), new.expose())));
    }
    map_base64_runs(line, |d| {
        d.contains(old.expose()).then(|| {
            let swapped = Zeroizing::new(d.replace(old.expose(), new.expose()));
            base64::engine::general_purpose::STANDARD.encode(swapped.as_bytes())
        })
    })
}

/// `line` without `value`: `scheme://user:PAT@host` loses its user information, a base64 run
/// holding it is emptied, anything else loses just the value. `None` when it is not there.
fn without_value(line: &str, value: &Secret) -> Option<Zeroizing<String>> {
    let v = value.expose();
    if let Some(at) = line.find(v) {
        let mut out = Zeroizing::new(line.to_owned());
        let after = at + v.len();
        let userinfo_start = line[..at]
            .rfind("//")
            .map(|p| p + 2)
            .filter(|p| !line[*p..at].contains(['/', '@', ' ']));
        match userinfo_start {
            Some(p) if line[after..].starts_with('@') => out.replace_range(p..after + 1, ""),
            _ => out.replace_range(at..after, ""),
        }
        // Further copies on the same line go too.
        return match without_value(&out, value) {
            Some(more) => Some(more),
            None => Some(out),
        };
    }
    map_base64_runs(line, |d| d.contains(v).then(String::new))
}

/// `line` with `value` (or the base64 run holding it) replaced by [`REMOVED_MARKER`]: what the
/// backup keeps of the line.
fn marked_line(line: &str, value: &Secret) -> Option<Zeroizing<String>> {
    let v = value.expose();
    if line.contains(v) {
        return Some(Zeroizing::new(line.replace(v, REMOVED_MARKER)));
    }
    map_base64_runs(line, |d| d.contains(v).then(|| REMOVED_MARKER.to_owned()))
}

/// The file to change: `path`, or the file a symlink points to (a rename over the link would
/// replace the link).
fn real_file(path: &Path) -> io::Result<PathBuf> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        std::fs::canonicalize(path)
    } else {
        Ok(path.to_path_buf())
    }
}

/// One line of a file: where it starts, where its text ends (before `\r\n` or `\n`), and where
/// the next line starts.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    content_end: usize,
    end: usize,
}

/// The lines of `bytes`, numbered as [`super::scan_bytes`] numbers them (split at `\n`).
fn line_spans(bytes: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    while start <= bytes.len() {
        let newline = bytes[start..].iter().position(|&b| b == b'\n');
        let (text_end, end) = match newline {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len() + 1),
        };
        let content_end = if bytes[start..text_end].ends_with(b"\r") {
            text_end - 1
        } else {
            text_end
        };
        spans.push(Span {
            start,
            content_end,
            end: end.min(bytes.len()),
        });
        start = end;
    }
    spans
}

/// True when `line` still holds `value` (as the scan finds it: raw or inside base64).
fn holds(line: &[u8], value: &Secret) -> bool {
    super::scan_bytes(line)
        .iter()
        .any(|h| h.value.matches(value.expose()))
}

/// What stands in the backup where a token was.
pub const REMOVED_MARKER: &str = "<removed-by-patui>";

/// `<file>.patui-bak`, then `<file>.patui-bak.N`.
fn backup_name(target: &Path, n: usize) -> PathBuf {
    let mut name: OsString = target.file_name().map(OsString::from).unwrap_or_default();
    name.push(BACKUP_SUFFIX);
    if n > 0 {
        name.push(format!(".{n}"));
    }
    target.with_file_name(name)
}

/// Writes `bytes` to the first free backup name, with `perms`; returns its path.
fn write_backup(target: &Path, bytes: &[u8], perms: &Permissions) -> io::Result<PathBuf> {
    for n in 0..MAX_BACKUPS {
        let path = backup_name(target, n);
        match create_new_private(&path) {
            Ok(file) => {
                return match fill(file, bytes, perms) {
                    Ok(()) => Ok(path),
                    Err(e) => {
                        let _ = std::fs::remove_file(&path);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_BACKUPS} backups exist already"),
    ))
}

/// Replaces `target` with `bytes` atomically: a temporary file beside it, renamed over it.
fn replace(target: &Path, bytes: &[u8], perms: &Permissions) -> io::Result<()> {
    let (tmp, file) = temp_beside(target)?;
    let result = fill(file, bytes, perms).and_then(|()| std::fs::rename(&tmp, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return result;
    }
    sync_parent(target);
    Ok(())
}

/// A new file next to `target` that nobody else has opened (`.<name>.patui-tmp.<pid>.<n>`).
fn temp_beside(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 0..MAX_TEMPS {
        let path = target.with_file_name(format!(".{name}.patui-tmp.{}.{n}", std::process::id()));
        match create_new_private(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary name",
    ))
}

/// Creates `path`, which must not exist, readable by its owner only until [`fill`] sets the
/// permissions wanted.
fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to `file`, flushes them to the disk, and sets `perms`.
fn fill(mut file: File, bytes: &[u8], perms: &Permissions) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()?;
    file.set_permissions(perms.clone())
}

/// Makes the rename durable (best effort).
#[cfg(unix)]
fn sync_parent(target: &Path) {
    if let Some(dir) = target.parent()
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Directories cannot be opened for syncing here.
#[cfg(not(unix))]
fn sync_parent(_target: &Path) {}

/// What to use instead of a credentials file, by its name.
pub fn provider_advice(path: &Path) -> &'static str {
    const GIT: &str =
        "git: git config --global credential.https://dev.azure.com.helper \"patui credential\"";
    let lower = |p: Option<&std::ffi::OsStr>| {
        p.map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let name = lower(path.file_name());
    let parent = lower(path.parent().and_then(Path::file_name));
    match name.as_str() {
        ".npmrc" => {
            "npm: run it as `patui exec -- npm …` (pnpm: `patui setup pnpm FEED_URL` sets a tokenHelper)"
        }
        "nuget.config" => "NuGet: `patui setup nuget` (NuGet then asks patui for the token)",
        "pip.conf" | "pip.ini" => "pip: `patui setup pip`",
        ".netrc" | "_netrc" => concat!(
            "pip: `patui setup pip`; ",
            "git: git config --global credential.https://dev.azure.com.helper \"patui credential\""
        ),
        ".pypirc" => "twine: `patui exec -- twine upload …`",
        "credentials" | "credentials.toml" if parent == ".cargo" => {
            "Cargo: `patui setup cargo REGISTRY`"
        }
        ".git-credentials" | ".gitconfig" => GIT,
        "credentials" | "config" if parent == "git" || parent == ".git" => GIT,
        _ => {
            "`patui exec -- COMMAND` gives a command its feed credentials in the environment; git: `patui credential` as the credential helper"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::detect::tests::{fake_legacy, fake_pat84};
    use base64::Engine;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn a_copy_is_replaced_raw_or_inside_base64() {
        use base64::Engine;
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (fake_legacy(), crate::scan::detect::tests::fake_pat84());
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let text = format!(
            "x=1\r\nurl=https://u:{old}@host/ # {old}\r\n//h/:_password={}\r\nauth=Basic {}\r\n",
            b64(&old),
            b64(&format!("me:{old}"))
        );
        let p = write(dir.path(), ".npmrc", &text);
        let (o, n) = (Secret::from(old.as_str()), Secret::from(new.as_str()));
        for line in [2, 3, 4] {
            replace_copy(&p, line, &o, &n).unwrap();
        }
        assert_eq!(
            read(&p),
            format!(
                "x=1\r\nurl=https://u:{new}@host/ # {new}\r\n//h/:_password={}\r\nauth=Basic {}\r\n",
                b64(&new),
                b64(&format!("me:{new}"))
            )
        );
        // The backups never hold the old token; a line that no longer holds it is refused.
        assert!(!read(&dir.path().join(".npmrc.patui-bak")).contains(&old));
        assert!(matches!(
            replace_copy(&p, 2, &o, &n),
            Err(FixError::Changed { line: 2, .. })
        ));
        assert!(matches!(
            replace_copy(&p, 9, &o, &n),
            Err(FixError::Changed { .. })
        ));
    }

    #[test]
    fn removes_the_value_and_keeps_a_backup_without_the_token() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        let original = format!("a=1\nPAT={pat}\nb=2\n");
        let p = write(dir.path(), ".env", &original);
        let backup = remove_copy(&p, 2, &Secret::from(pat.as_str())).unwrap();
        assert_eq!(read(&p), "a=1\nPAT=\nb=2\n");
        let marked = format!("a=1\nPAT={REMOVED_MARKER}\nb=2\n");
        assert_eq!(read(&backup), marked);
        assert!(crate::scan::scan_text(&read(&backup)).is_empty());
        assert_eq!(backup, dir.path().join(".env.patui-bak"));
        // A second removal numbers its backup; the first stays.
        let again = format!("PAT={pat}\nc=3");
        std::fs::write(&p, &again).unwrap();
        let second = remove_copy(&p, 1, &Secret::from(pat.as_str())).unwrap();
        assert_eq!(second, dir.path().join(".env.patui-bak.1"));
        assert_eq!(read(&second), format!("PAT={REMOVED_MARKER}\nc=3"));
        assert_eq!(read(&backup), marked);
        assert_eq!(read(&p), "PAT=\nc=3");
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains("patui-tmp")), "{names:?}");
    }

    #[test]
    fn a_value_in_base64_and_the_last_line_without_newline() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_pat84();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&pat);
        let p = write(
            dir.path(),
            ".npmrc",
            &format!("registry=x\n//feed/:_password={b64}"),
        );
        remove_copy(&p, 2, &Secret::from(pat.as_str())).unwrap();
        assert_eq!(read(&p), "registry=x\n//feed/:_password=");
    }

    #[test]
    fn urls_keep_their_host_and_one_line_files_their_shape() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_pat84();
        let v = Secret::from(pat.as_str());
        let p = write(
            dir.path(),
            "pip.conf",
            &format!(
                "[global]\nindex-url = https://me:{pat}@pkgs.dev.azure.com/o/_packaging/f/pypi/simple/\n"
            ),
        );
        remove_copy(&p, 2, &v).unwrap();
        assert_eq!(
            read(&p),
            "[global]\nindex-url = https://pkgs.dev.azure.com/o/_packaging/f/pypi/simple/\n"
        );
        let json = write(
            dir.path(),
            "config.json",
            &format!("{{\"auths\":{{\"x\":{{\"password\":\"{pat}\"}}}},\"other\":1}}"),
        );
        remove_copy(&json, 1, &v).unwrap();
        assert_eq!(
            read(&json),
            "{\"auths\":{\"x\":{\"password\":\"\"}},\"other\":1}"
        );
    }

    #[test]
    fn refuses_when_the_line_no_longer_holds_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let (pat, other) = (fake_legacy(), fake_legacy());
        let original = format!("x=1\nPAT={other}\n");
        let p = write(dir.path(), ".env", &original);
        let value = Secret::from(pat.as_str());
        for line in [0, 1, 2, 3, 9] {
            let err = remove_copy(&p, line, &value).unwrap_err();
            assert!(matches!(err, FixError::Changed { .. }), "{line}: {err}");
            assert!(!err.to_string().contains(&pat));
        }
        assert_eq!(read(&p), original);
        assert!(!dir.path().join(".env.patui-bak").exists());
        // A missing file is a read error.
        let err = remove_copy(&dir.path().join("gone"), 1, &value).unwrap_err();
        assert!(matches!(err, FixError::Read { .. }), "{err}");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        let p = write(
            dir.path(),
            "NuGet.Config",
            &format!("<c>\r\n  <add key=\"ClearTextPassword\" value=\"{pat}\" />\r\n</c>\r\n"),
        );
        remove_copy(&p, 2, &Secret::from(pat.as_str())).unwrap();
        assert_eq!(
            read(&p),
            "<c>\r\n  <add key=\"ClearTextPassword\" value=\"\" />\r\n</c>\r\n"
        );
    }

    #[test]
    fn several_lines_one_backup() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (fake_legacy(), fake_pat84());
        let p = write(dir.path(), ".env", &format!("A={a}\nX=1\nB={b}\n"));
        let (sa, sb) = (Secret::from(a.as_str()), Secret::from(b.as_str()));
        let backup = remove_copies(&p, &[(1, &sa), (3, &sb)]).unwrap();
        assert_eq!(read(&p), "A=\nX=1\nB=\n");
        assert!(backup.exists());
        assert!(!dir.path().join(".env.patui-bak.1").exists());
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_symlinks_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        for mode in [0o600, 0o640] {
            let p = write(
                dir.path(),
                &format!("f{mode:o}"),
                &format!("PAT={pat}\nz\n"),
            );
            std::fs::set_permissions(&p, Permissions::from_mode(mode)).unwrap();
            let backup = remove_copy(&p, 1, &Secret::from(pat.as_str())).unwrap();
            let got = |q: &Path| std::fs::metadata(q).unwrap().permissions().mode() & 0o777;
            assert_eq!(got(&p), mode);
            assert_eq!(got(&backup), mode);
        }
        let real = write(dir.path(), "real", &format!("PAT={pat}\n"));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let backup = remove_copy(&link, 1, &Secret::from(pat.as_str())).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read(&real), "PAT=\n");
        assert_eq!(backup.file_name().unwrap(), "real.patui-bak");
        assert!(backup.exists());
    }

    #[test]
    fn advice_per_file() {
        let a = |p: &str| provider_advice(Path::new(p));
        assert!(a("/h/.npmrc").contains("patui exec -- npm"));
        assert!(a("/h/.nuget/NuGet/NuGet.Config").contains("patui setup nuget"));
        assert!(a("/h/.config/pip/pip.conf").contains("patui setup pip"));
        assert!(a("/h/.cargo/credentials.toml").contains("patui setup cargo"));
        assert!(a("/h/.git-credentials").contains("patui credential"));
        assert!(a("/h/.config/git/credentials").contains("patui credential"));
        assert!(a("/h/proj/.env").contains("patui exec"));
    }
}
