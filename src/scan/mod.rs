//! Finding Azure DevOps PATs left in plain text (`patui scan`): what a hit is, scanning text
//! and files line by line (raw values and values inside base64 wrappers such as npm's `_auth`,
//! Cargo's `Basic …`, git's `extraheader`, Docker's `auth`), and masking. The matchers are in
//! [`detect`], key names in [`keys`], the places to look in [`places`], the keyring comparison
//! in [`stored`], one whole scan (files, hits, the keyring's answer) in [`report`], removing a
//! copy of a stored token from a file in [`fix`]; the command is `commands::scan`, the TUI's view
//! `tui::scan_view`.
//!
//! A value never leaves a [`Hit`] except through [`Secret::expose`]: buffers that held file
//! contents or decoded base64 are zeroized, and output shows only [`mask`]ed values.

pub mod detect;
pub mod fix;
pub mod keys;
pub mod places;
pub mod report;
pub mod stored;

pub use detect::Kind;
pub use places::{MAX_FILE_BYTES, Walk, usual_places, walk};
pub use stored::StoredValues;

use crate::secret::Secret;
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;
use std::io::{self, Read};
use std::path::Path;
use zeroize::Zeroizing;

/// Shortest base64 run worth decoding: a legacy PAT alone encodes to 70 characters.
const MIN_BASE64: usize = 68;

/// Standard base64, padding optional, trailing bits tolerated.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How a value was hidden on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wrapper {
    /// Inside base64 (`user:PAT` or the bare PAT).
    Base64,
}

/// A PAT found in some text.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based line number.
    pub line: usize,
    /// The name the line gives the value (`_password`, `ClearTextPassword`, "url password"…).
    pub key: Option<String>,
    pub kind: Kind,
    /// `YYYY-MM`, for strict 84-character PATs.
    pub created: Option<String>,
    pub wrapped: Option<Wrapper>,
    /// The value; never printed whole.
    pub value: Secret,
}

impl Hit {
    /// The value masked for output.
    pub fn masked(&self) -> String {
        mask(self.value.expose())
    }
}

/// The first 4 and last 4 characters with `…` between; just `…` for a value too short to show
/// any of it safely (under 16 characters).
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    if n < 16 {
        return "…".to_owned();
    }
    let head: String = value.chars().take(4).collect();
    let tail: String = value.chars().skip(n - 4).collect();
    format!("{head}…{tail}")
}

/// Every PAT in `text`.
pub fn scan_text(text: &str) -> Vec<Hit> {
    scan_bytes(text.as_bytes())
}

/// Every PAT in `bytes` (any encoding; lines end at `\n`, a `\r` before it is dropped).
pub fn scan_bytes(bytes: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        scan_line(line, i + 1, &mut hits);
    }
    hits
}

/// Every PAT in the regular file at `path`. A binary file (one with a NUL byte) has none; one
/// that is not a regular file (a FIFO would block) is an error. A file over [`MAX_FILE_BYTES`]
/// (a long shell history) is read a piece at a time, up to [`MAX_STREAMED_BYTES`].
pub fn scan_file(path: &Path) -> io::Result<Vec<Hit>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() && meta.len() > MAX_FILE_BYTES {
        return scan_large(std::fs::File::open(path)?);
    }
    let bytes = read_limited(path)?;
    if bytes.contains(&0) {
        return Ok(Vec::new());
    }
    Ok(scan_bytes(&bytes))
}

/// How much of one file [`scan_file`] reads at most.
pub const MAX_STREAMED_BYTES: u64 = 512 * 1024 * 1024;

/// How much [`scan_large`] reads at a time.
const PIECE: usize = 1024 * 1024;

/// [`scan_bytes`] over `file` a piece at a time: whole lines are scanned as they complete, so
/// memory stays at two pieces however long the file is (a line longer than a piece is cut).
/// Every buffer is zeroized.
fn scan_large(file: std::fs::File) -> io::Result<Vec<Hit>> {
    let mut file = file.take(MAX_STREAMED_BYTES);
    let mut hits = Vec::new();
    let mut piece = Zeroizing::new(vec![0u8; PIECE]);
    // Never grows past its capacity (what is carried over is at most one piece), so no copy of
    // the contents is left behind by a reallocation.
    let mut pending: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(2 * PIECE));
    let mut lines_before = 0;
    fn scan_lines(text: &[u8], lines_before: usize, hits: &mut Vec<Hit>) {
        hits.extend(scan_bytes(text).into_iter().map(|mut h| {
            h.line += lines_before;
            h
        }));
    }
    loop {
        let n = file.read(&mut piece)?;
        if n == 0 {
            break;
        }
        if piece[..n].contains(&0) {
            return Ok(Vec::new());
        }
        pending.extend_from_slice(&piece[..n]);
        if let Some(end) = pending.iter().rposition(|&b| b == b'\n') {
            scan_lines(&pending[..end], lines_before, &mut hits);
            lines_before += pending[..end].iter().filter(|&&b| b == b'\n').count() + 1;
            pending.copy_within(end + 1.., 0);
            let kept = pending.len() - (end + 1);
            pending[kept..].iter_mut().for_each(|b| *b = 0);
            pending.truncate(kept);
        }
        if pending.len() > PIECE {
            // A line longer than a piece: scanned as far as it goes, the rest with its end.
            scan_lines(&pending, lines_before, &mut hits);
            pending.iter_mut().for_each(|b| *b = 0);
            pending.clear();
        }
    }
    if !pending.is_empty() {
        scan_lines(&pending, lines_before, &mut hits);
    }
    Ok(hits)
}

/// The file's contents, in a buffer zeroized on drop.
pub(crate) fn read_limited(path: &Path) -> io::Result<Zeroizing<Vec<u8>>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let too_big = || io::Error::new(io::ErrorKind::InvalidData, "larger than 1 MiB, not scanned");
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let file = std::fs::File::open(path)?;
    // Room for it all up front: a growing Vec would leave copies behind in freed memory.
    let capacity = usize::try_from(meta.len().min(MAX_FILE_BYTES) + 1).unwrap_or(0);
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(buf)
}

/// The hits of one line: raw values, then values inside base64 runs; a value already found on
/// this line is not reported again.
fn scan_line(line: &[u8], number: usize, hits: &mut Vec<Hit>) {
    let first = hits.len();
    for f in detect::find(line) {
        let key = keys::key_at(line, f.start, f.end);
        push_new(
            hits,
            first,
            hit(number, key, &f, &line[f.start..f.end], None),
        );
    }
    for (start, end) in base64_runs(line) {
        let Some(decoded) = decode_base64(&line[start..end]) else {
            continue;
        };
        for f in detect::find(&decoded) {
            let key = keys::key_at(line, start, end);
            let value = &decoded[f.start..f.end];
            push_new(
                hits,
                first,
                hit(number, key, &f, value, Some(Wrapper::Base64)),
            );
        }
    }
}

/// Adds `hit` unless `hits[first..]` has its value.
fn push_new(hits: &mut Vec<Hit>, first: usize, hit: Hit) {
    if !hits[first..].iter().any(|h| h.value == hit.value) {
        hits.push(hit);
    }
}

fn hit(
    line: usize,
    key: Option<String>,
    f: &detect::Found,
    value: &[u8],
    wrapped: Option<Wrapper>,
) -> Hit {
    Hit {
        line,
        key,
        kind: f.kind,
        created: f.created.map(|c| c.to_string()),
        wrapped,
        value: secret_of(value),
    }
}

/// A found value (ASCII alphanumerics) as a [`Secret`], built in place.
fn secret_of(value: &[u8]) -> Secret {
    let mut s = String::with_capacity(value.len());
    s.extend(value.iter().map(|&b| char::from(b)));
    Secret::new(s)
}

/// Spans of base64 text (`[A-Za-z0-9+/]+` and up to two `=`) long enough to hold a PAT.
fn base64_runs(line: &[u8]) -> Vec<(usize, usize)> {
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if !is_b64(line[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && is_b64(line[i]) {
            i += 1;
        }
        let body = i;
        while i < line.len() && line[i] == b'=' && i - body < 2 {
            i += 1;
        }
        if i - start >= MIN_BASE64 {
            out.push((start, i));
        }
    }
    out
}

/// The decoded bytes, zeroized on drop; `None` when the run is not base64.
fn decode_base64(run: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; run.len() / 4 * 3 + 3]);
    let n = BASE64.decode_slice(run, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::detect::tests::{alnum, fake_legacy, fake_pat84};
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn npmrc_password_in_base64() {
        let pat = fake_pat84();
        let text = format!(
            "registry=https://registry.npmjs.org/\n//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:username=o\n//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:_password={}\n",
            b64(&pat)
        );
        let hits = scan_text(&text);
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert_eq!(h.line, 3);
        assert_eq!(h.key.as_deref(), Some("_password"));
        assert_eq!(h.kind, Kind::Pat84);
        assert_eq!(h.created.as_deref(), Some("2024-07"));
        assert_eq!(h.wrapped, Some(Wrapper::Base64));
        assert!(h.value.matches(&pat));
    }

    #[test]
    fn npm_auth_and_basic_headers_hold_user_colon_pat() {
        let pat = fake_legacy();
        let wrapped = b64(&format!("me:{pat}"));
        let text = format!(
            "_auth={wrapped}\ntoken = \"Basic {wrapped}\"\n\textraheader = AUTHORIZATION: basic {wrapped}\n  \"auth\": \"{wrapped}\"\n"
        );
        let hits = scan_text(&text);
        let keys: Vec<_> = hits.iter().map(|h| h.key.as_deref()).collect();
        assert_eq!(
            keys,
            [
                Some("_auth"),
                Some("token"),
                Some("extraheader"),
                Some("auth")
            ]
        );
        assert!(
            hits.iter()
                .all(|h| h.kind == Kind::Legacy52 && h.wrapped.is_some())
        );
    }

    #[test]
    fn nuget_git_credentials_netrc_and_env() {
        let pat = fake_legacy();
        let text = format!(
            "<add key=\"Username\" value=\"me\" />\n<add key=\"ClearTextPassword\" value=\"{pat}\" />\nhttps://user:{pat}@dev.azure.com\nmachine x login y password {pat}\nAZURE_DEVOPS_EXT_PAT={pat}\n"
        );
        let hits = scan_text(&text);
        let got: Vec<_> = hits
            .iter()
            .map(|h| (h.line, h.key.as_deref(), h.wrapped))
            .collect();
        assert_eq!(
            got,
            [
                (2, Some("ClearTextPassword"), None),
                (3, Some("url password"), None),
                (4, Some("password"), None),
                (5, Some("AZURE_DEVOPS_EXT_PAT"), None),
            ]
        );
        assert!(hits.iter().all(|h| h.value.matches(&pat)));
    }

    #[test]
    fn a_value_both_raw_and_wrapped_on_one_line_is_one_hit() {
        let pat = fake_pat84();
        let text = format!("a={pat} b={}", b64(&format!("u:{pat}")));
        let hits = scan_text(&text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].wrapped, None);
        // On separate lines, both are reported.
        let text = format!("a={pat}\nb={}", b64(&pat));
        assert_eq!(scan_text(&text).len(), 2);
    }

    #[test]
    fn negatives() {
        let pat = fake_legacy();
        let mut bad = pat.clone().into_bytes();
        bad[0] = if bad[0] == b'b' { b'c' } else { b'b' };
        let bad = String::from_utf8(bad).unwrap();
        let pat84 = fake_pat84();
        let text = format!(
            "password={bad}\ntoken={}\ntoken={}x\nid={}\nkey={}\nAZURE_DEVOPS_EXT_PAT=\n",
            &pat84[1..],
            pat84,
            uuid::Uuid::new_v4(),
            alnum(85)
        );
        assert!(scan_text(&text).is_empty());
    }

    #[test]
    fn masks_show_at_most_eight_characters() {
        let pat = fake_pat84();
        let m = mask(&pat);
        assert_eq!(m, format!("{}…{}", &pat[..4], &pat[80..]));
        assert_eq!(m.chars().filter(|&c| c != '…').count(), 8);
        for n in 0..20 {
            let v = alnum(n);
            let shown = mask(&v).chars().filter(|&c| c != '…').count();
            assert!(shown <= 8 && shown < n.max(1), "{n}: {shown}");
        }
        let legacy = fake_legacy();
        let hits = scan_text(&legacy);
        assert_eq!(
            hits[0].masked(),
            format!("{}…{}", &legacy[..4], &legacy[48..])
        );
        assert!(!format!("{:?}", hits[0]).contains(&legacy));
    }

    #[test]
    fn files_binary_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        let text = dir.path().join(".env");
        std::fs::write(&text, format!("# x\r\nPAT={pat}\r\n")).unwrap();
        let hits = scan_file(&text).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].line, hits[0].key.as_deref()), (2, Some("PAT")));
        let binary = dir.path().join("blob");
        std::fs::write(&binary, format!("\0{pat}\n")).unwrap();
        assert!(scan_file(&binary).unwrap().is_empty());
        assert!(scan_file(dir.path()).is_err());
    }

    /// A long history (over [`MAX_FILE_BYTES`]) is read a piece at a time: values near the
    /// start, across the boundary between pieces and at the end (without a final newline) are
    /// found on their lines; a NUL anywhere makes it binary.
    #[test]
    fn files_larger_than_a_piece_are_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (fake_legacy(), fake_pat84(), fake_legacy());
        let filler = "ls -la /tmp/some/directory && echo done\n";
        let mut text = format!("echo {a}\n");
        let mut lines = 1;
        // Line `lines + 1` straddles the first piece's end.
        while text.len() + filler.len() < PIECE - 20 {
            text.push_str(filler);
            lines += 1;
        }
        let boundary_line = lines + 1;
        text.push_str(&format!("curl -u :{b} https://dev.azure.com\n"));
        lines += 1;
        while text.len() < 3 * PIECE {
            text.push_str(filler);
            lines += 1;
        }
        text.push_str(&format!("export PAT={c}"));
        let last_line = lines + 1;
        let path = dir.path().join(".bash_history");
        std::fs::write(&path, &text).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > MAX_FILE_BYTES);
        let hits = scan_file(&path).unwrap();
        let found: Vec<(usize, &str)> = hits.iter().map(|h| (h.line, h.value.expose())).collect();
        assert_eq!(
            found,
            [
                (1, a.as_str()),
                (boundary_line, b.as_str()),
                (last_line, c.as_str())
            ]
        );
        // The same text scanned whole agrees.
        let whole: Vec<usize> = scan_text(&text).iter().map(|h| h.line).collect();
        assert_eq!(whole, [1, boundary_line, last_line]);
        text.push('\0');
        std::fs::write(&path, &text).unwrap();
        assert!(scan_file(&path).unwrap().is_empty());
    }

    /// A line longer than a piece is cut, and the line count stays right after it.
    #[test]
    fn a_line_longer_than_a_piece_keeps_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let pat = fake_legacy();
        let text = format!("{}\nsecond\nPAT={pat}\n", "x".repeat(PIECE * 2 + 10));
        let path = dir.path().join("long");
        std::fs::write(&path, &text).unwrap();
        let hits = scan_file(&path).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].line, 3);
    }
}
