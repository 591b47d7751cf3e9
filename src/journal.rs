//! The mint journal: a small append-only file in the state directory that records every create
//! (and every revocation patui starts) before it is sent, and closes it once the outcome is
//! safe. A token's value exists exactly once, in the create answer; if patui dies, the network
//! drops that answer, or the keyring refuses it, the journal still knows that a token with this
//! name may exist in that organization, so the next start can find it (an *orphan*: minted, its
//! value held by nobody) and offer to revoke it.
//!
//! One JSON object per line (`mint-journal.jsonl`, mode 0600). Appends take an exclusive file
//! lock, write one whole line and fsync; a torn last line (a crash mid-write) and garbage lines
//! are skipped and counted, never fatal. Token values are never written here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;
use uuid::Uuid;

/// Why a journal operation failed.
#[derive(Debug, Error)]
pub enum JournalError {
    #[error("no state directory for the mint journal")]
    NoStateDir,
    #[error("the mint journal {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What an intent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntentKind {
    Create,
    Regenerate,
    Migrate,
    Renew,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    /// A create is about to be sent.
    #[serde(rename_all = "camelCase")]
    Intent {
        intent: Uuid,
        at: DateTime<Utc>,
        kind: IntentKind,
        org: String,
        name: String,
        scope: String,
        valid_to: DateTime<Utc>,
        all_orgs: bool,
    },
    /// The service answered the create: the token exists, its value is not safe yet.
    #[serde(rename_all = "camelCase")]
    Minted { intent: Uuid, token: Uuid },
    /// The intent is closed: the value reached the keyring or the user, or nothing was minted,
    /// or the user decided about the orphan.
    #[serde(rename_all = "camelCase")]
    Done {
        intent: Uuid,
        #[serde(default)]
        token: Option<Uuid>,
    },
    /// A revocation is about to be sent.
    #[serde(rename_all = "camelCase")]
    RevokeIntent {
        intent: Uuid,
        at: DateTime<Utc>,
        org: String,
        token: Uuid,
        name: String,
    },
    /// That revocation ended (either way; failures are reported where they happen).
    #[serde(rename_all = "camelCase")]
    RevokeDone { intent: Uuid },
}

impl Record {
    fn intent(&self) -> Uuid {
        match self {
            Record::Intent { intent, .. }
            | Record::Minted { intent, .. }
            | Record::Done { intent, .. }
            | Record::RevokeIntent { intent, .. }
            | Record::RevokeDone { intent } => *intent,
        }
    }
}

/// A create whose outcome is not known to be safe.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCreate {
    pub intent: Uuid,
    pub at: DateTime<Utc>,
    pub kind: IntentKind,
    pub org: String,
    pub name: String,
    pub scope: String,
    pub valid_to: DateTime<Utc>,
    pub all_orgs: bool,
    /// The token id, when the service's answer arrived.
    pub token: Option<Uuid>,
}

/// A revocation that was started and never recorded as ended.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRevoke {
    pub intent: Uuid,
    pub at: DateTime<Utc>,
    pub org: String,
    pub token: Uuid,
    pub name: String,
}

/// What the journal says is still open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Open {
    pub creates: Vec<OpenCreate>,
    pub revokes: Vec<OpenRevoke>,
    /// Lines that were not records (skipped).
    pub garbage: usize,
    /// The last line was cut short (a crash while writing it).
    pub torn_tail: bool,
    /// Tokens whose intents closed with their value safe (never someone else's orphan).
    pub settled_tokens: std::collections::HashSet<Uuid>,
}

/// Reads journal text: open intents in order, garbage counted. Never fails.
pub fn parse(text: &str) -> Open {
    let mut out = Open::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len().saturating_sub(1);
    let mut records = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            // A last line without its newline that does not parse: torn by a crash.
            Err(_) if i == last => out.torn_tail = true,
            Err(_) => out.garbage += 1,
        }
    }
    let closed: std::collections::HashSet<Uuid> = records
        .iter()
        .filter(|r| matches!(r, Record::Done { .. } | Record::RevokeDone { .. }))
        .map(Record::intent)
        .collect();
    out.settled_tokens = records
        .iter()
        .filter_map(|r| match r {
            Record::Done { token: Some(t), .. } => Some(*t),
            _ => None,
        })
        .collect();
    let minted: std::collections::HashMap<Uuid, Uuid> = records
        .iter()
        .filter_map(|r| match r {
            Record::Minted { intent, token } => Some((*intent, *token)),
            _ => None,
        })
        .collect();
    for r in records {
        match r {
            Record::Intent {
                intent,
                at,
                kind,
                org,
                name,
                scope,
                valid_to,
                all_orgs,
            } if !closed.contains(&intent) => out.creates.push(OpenCreate {
                intent,
                at,
                kind,
                org,
                name,
                scope,
                valid_to,
                all_orgs,
                token: minted.get(&intent).copied(),
            }),
            Record::RevokeIntent {
                intent,
                at,
                org,
                token,
                name,
            } if !closed.contains(&intent) => out.revokes.push(OpenRevoke {
                intent,
                at,
                org,
                token,
                name,
            }),
            _ => {}
        }
    }
    out
}

/// The journal file.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

/// Appends above this size rewrite the file with only what is still open.
const COMPACT_BYTES: u64 = 256 * 1024;

impl Journal {
    /// The journal in patui's state directory (`PATUI_STATE_DIR` overrides).
    pub fn open_default() -> Result<Journal, JournalError> {
        let dir = crate::logging::state_dir().ok_or(JournalError::NoStateDir)?;
        Ok(Journal::at(dir.join("mint-journal.jsonl")))
    }

    /// A journal at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Journal {
        Journal { path: path.into() }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Opens `path` for writing, created with mode 0600: appending, or truncated.
    fn private_file(&self, path: &Path, append: bool) -> Result<std::fs::File, JournalError> {
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true);
        if append {
            opts.append(true);
        } else {
            opts.write(true).truncate(true);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(path).map_err(|e| self.io(e))
    }

    /// The journal's lock: an exclusive lock on `{path}.lock` beside it.
    fn lock(&self) -> Result<std::fs::File, JournalError> {
        if let Some(dir) = self.path.parent() {
            crate::logging::create_private_dir(dir).map_err(|e| self.io(e))?;
        }
        let f = self.private_file(&self.path.with_extension("lock"), true)?;
        f.lock().map_err(|e| self.io(e))?;
        Ok(f)
    }

    /// Appends one record: one line, written whole and fsynced, under the journal's lock.
    pub fn append(&self, record: &Record) -> Result<(), JournalError> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Appends records in one write and one fsync (a revoke-all's plan).
    pub fn append_all(&self, records: &[Record]) -> Result<(), JournalError> {
        if records.is_empty() {
            return Ok(());
        }
        let _lock = self.lock()?;
        let mut line = String::new();
        for r in records {
            line.push_str(&serde_json::to_string(r).map_err(|e| self.io(e.into()))?);
            line.push('\n');
        }
        let mut f = self.private_file(&self.path, true)?;
        f.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        f.sync_all().map_err(|e| self.io(e))?;
        let big = f
            .metadata()
            .map(|m| m.len() > COMPACT_BYTES)
            .unwrap_or(false);
        drop(f);
        if big {
            self.compact_locked()?;
        }
        Ok(())
    }

    /// What is still open.
    pub fn read(&self) -> Result<Open, JournalError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(parse(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Open::default()),
            Err(e) => Err(self.io(e)),
        }
    }

    /// Records a create about to be sent; returns its intent id.
    pub fn intend_create(
        &self,
        kind: IntentKind,
        org: &str,
        req: &crate::azure::PatTokenCreateRequest,
    ) -> Result<Uuid, JournalError> {
        let intent = Uuid::new_v4();
        self.append(&Record::Intent {
            intent,
            at: Utc::now(),
            kind,
            org: org.to_owned(),
            name: req.display_name.clone(),
            scope: req.scope.clone(),
            valid_to: req.valid_to,
            all_orgs: req.all_orgs,
        })?;
        Ok(intent)
    }

    /// Records a revocation about to be sent; returns its intent id (None, logged, when the
    /// journal cannot be written: the revocation goes ahead).
    pub fn intend_revoke(&self, org: &str, token: &crate::azure::PatToken) -> Option<Uuid> {
        let intent = Uuid::new_v4();
        self.append(&Record::RevokeIntent {
            intent,
            at: Utc::now(),
            org: org.to_owned(),
            token: token.authorization_id,
            name: token.display_name.clone(),
        })
        .map_err(|e| tracing::warn!("revoking without a journal record: {e}"))
        .ok()
        .map(|()| intent)
    }

    /// Closes a revocation's intent.
    pub fn revoke_done(&self, intent: Option<Uuid>) {
        if let Some(intent) = intent
            && let Err(e) = self.append(&Record::RevokeDone { intent })
        {
            tracing::warn!("the mint journal could not be updated: {e}");
        }
    }

    /// Closes an intent.
    pub fn done(&self, intent: Uuid, token: Option<Uuid>) -> Result<(), JournalError> {
        self.append(&Record::Done { intent, token })
    }

    /// Rewrites the file with only the records of open intents (a temp file renamed over it).
    fn compact_locked(&self) -> Result<(), JournalError> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| self.io(e))?;
        let open = parse(&text);
        let keep: std::collections::HashSet<Uuid> = open
            .creates
            .iter()
            .map(|c| c.intent)
            .chain(open.revokes.iter().map(|r| r.intent))
            .collect();
        let mut out = String::new();
        for line in std::io::Cursor::new(text.as_bytes())
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(r) = serde_json::from_str::<Record>(&line)
                && keep.contains(&r.intent())
            {
                out.push_str(&line);
                out.push('\n');
            }
        }
        let tmp = self.path.with_extension("jsonl.tmp");
        let mut f = self.private_file(&tmp, false)?;
        f.write_all(out.as_bytes()).map_err(|e| self.io(e))?;
        f.sync_all().map_err(|e| self.io(e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.io(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str) -> crate::azure::PatTokenCreateRequest {
        crate::azure::PatTokenCreateRequest {
            display_name: name.into(),
            scope: "vso.code".into(),
            valid_to: Utc::now() + chrono::Duration::days(30),
            all_orgs: false,
        }
    }

    #[test]
    fn open_intents_survive_and_closed_ones_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::at(dir.path().join("j.jsonl"));
        let a = j.intend_create(IntentKind::Create, "o", &req("a")).unwrap();
        let b = j.intend_create(IntentKind::Create, "o", &req("b")).unwrap();
        let t = Uuid::new_v4();
        j.append(&Record::Minted {
            intent: b,
            token: t,
        })
        .unwrap();
        j.done(a, None).unwrap();
        let open = j.read().unwrap();
        assert_eq!(open.creates.len(), 1);
        assert_eq!(open.creates[0].name, "b");
        assert_eq!(open.creates[0].token, Some(t));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn garbage_and_a_torn_last_line_are_counted_not_fatal() {
        let good = serde_json::to_string(&Record::Intent {
            intent: Uuid::from_u128(1),
            at: Utc::now(),
            kind: IntentKind::Create,
            org: "o".into(),
            name: "n".into(),
            scope: "vso.code".into(),
            valid_to: Utc::now(),
            all_orgs: false,
        })
        .unwrap();
        let text = format!(
            "not json\n{good}\n\u{0}\u{1}binary\n{}",
            &good[..good.len() / 2]
        );
        let open = parse(&text);
        assert_eq!(open.creates.len(), 1);
        assert_eq!(open.garbage, 2);
        assert!(open.torn_tail);
        assert_eq!(parse(""), Open::default());
    }

    #[test]
    fn compaction_keeps_only_what_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::at(dir.path().join("j.jsonl"));
        let keep = j
            .intend_create(IntentKind::Create, "o", &req("keep"))
            .unwrap();
        for i in 0..20 {
            let x = j
                .intend_create(IntentKind::Create, "o", &req(&format!("x{i}")))
                .unwrap();
            j.done(x, None).unwrap();
        }
        let _lock = j.lock().unwrap();
        j.compact_locked().unwrap();
        let text = std::fs::read_to_string(j.path()).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert_eq!(j.read().unwrap().creates[0].intent, keep);
    }
}
