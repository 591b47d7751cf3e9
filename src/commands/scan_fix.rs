//! `patui scan --import FILE:LINE` and `patui scan --rotate FILE:LINE`: what to do with a token
//! found in plain text besides removing a copy. The service never says which token a value is,
//! so the user names it (`--id`, or a choice among their active tokens on a terminal), unless
//! patui keeps that value already. Import keeps the value in the keyring under the token's
//! metadata; rotate regenerates the token (a new one with the same settings, kept; the old one
//! revoked) and puts the new value on the line, after asking, with a backup.

use super::{Ctx, EXIT_ERROR, EXIT_OK, Failure, usage};
use crate::azure::PatToken;
use crate::azure::models::{DisplayFilter, ListQuery};
use crate::cli::ScanArgs;
use crate::secret::Secret;
use chrono::Utc;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use uuid::Uuid;

/// `FILE:LINE` (the last colon splits, so a Windows path with a drive letter works).
pub fn parse_location(loc: &str) -> Result<(PathBuf, usize), String> {
    let (file, line) = loc
        .rsplit_once(':')
        .ok_or_else(|| format!("{loc:?}: write FILE:LINE, as patui scan prints it"))?;
    let line: usize = line
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{loc:?}: the line must be a number from 1"))?;
    let file = match file.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or("no home directory")?
            .join(rest),
        None => PathBuf::from(file),
    };
    Ok((file, line))
}

/// The one token on `line` of `path`, and its creation month when its layout carries one.
fn value_at(path: &std::path::Path, line: usize) -> Result<(Secret, Option<String>), String> {
    let hits = crate::scan::scan_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut on_line = hits.into_iter().filter(|h| h.line == line);
    let Some(first) = on_line.next() else {
        return Err(format!(
            "{}:{line} holds no PAT (scan again: the file may have changed)",
            path.display()
        ));
    };
    if on_line.any(|h| !h.value.matches(first.value.expose())) {
        return Err(format!(
            "{}:{line} holds more than one PAT: edit it by hand",
            path.display()
        ));
    }
    Ok((first.value, first.created))
}

/// A value whose layout names its creation month cannot be a token created in another month.
fn check_month(created: Option<&str>, token: &PatToken) -> Result<(), Failure> {
    let Some(month) = created else {
        return Ok(());
    };
    let made = token.valid_from.format("%Y-%m").to_string();
    if made == month {
        return Ok(());
    }
    Err(usage(format!(
        "the value was created in {month}, but \"{}\" was created in {made}: it is another token (choose again, or check --id)",
        crate::text::sanitize(&token.display_name)
    )))
}

fn fail(code: u8, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

impl Ctx {
    /// `--import` or `--rotate`.
    pub async fn scan_fix(&self, args: &ScanArgs) -> Result<u8, Failure> {
        let (loc, rotating) = match (&args.import, &args.rotate) {
            (Some(l), None) => (l, false),
            (None, Some(l)) => (l, true),
            _ => return Err(usage("give --import FILE:LINE or --rotate FILE:LINE")),
        };
        let (path, line) = parse_location(loc).map_err(usage)?;
        let (value, created) = value_at(&path, line).map_err(usage)?;
        let vault = self
            .vault
            .as_ref()
            .map_err(|e| fail(EXIT_ERROR, format!("no keyring: {e}")))?
            .clone();
        let stored = {
            let v = vault.clone();
            let probe = value.clone();
            tokio::task::spawn_blocking(move || {
                crate::scan::StoredValues::load(&v).map(|s| s.lookup(&probe).cloned())
            })
            .await
            .map_err(|e| fail(EXIT_ERROR, e.to_string()))?
            .map_err(|e| fail(EXIT_ERROR, format!("cannot read the keyring: {e}")))?
        };
        let known_id = match &stored {
            Some(s) if !rotating => {
                crate::eprintln_safe!(
                    "patui: {}:{line} is the token \"{}\" ({}), which patui keeps already: remove the copy with `patui scan --remove-stored`",
                    path.display(),
                    crate::text::sanitize(&s.name),
                    crate::text::sanitize(&s.org)
                );
                return Ok(EXIT_OK);
            }
            Some(_) => self.stored_id_of(&vault, &value).await,
            None => None,
        };
        let (org, token) = self.identify(args.id.or(known_id)).await?;
        check_month(created.as_deref(), &token)?;
        if rotating {
            self.rotate_copy(args, &path, line, &value, &org, &token)
                .await
        } else {
            self.import_copy(&vault, &path, line, value, &org, &token)
                .await
        }
    }

    /// The id of the stored token whose value is `value`.
    async fn stored_id_of(&self, vault: &crate::vault::Vault, value: &Secret) -> Option<Uuid> {
        let v = vault.clone();
        let probe = value.clone();
        tokio::task::spawn_blocking(move || {
            v.list().ok()?.into_iter().find_map(|m| {
                v.load(m.id)
                    .ok()
                    .flatten()
                    .filter(|t| t.value.matches(probe.expose()))
                    .map(|_| m.id)
            })
        })
        .await
        .ok()
        .flatten()
    }

    /// Which token a value is: `id`, or the user's choice among the organization's active
    /// tokens on a terminal.
    async fn identify(&self, id: Option<Uuid>) -> Result<(String, PatToken), Failure> {
        if let Some(id) = id {
            return self.locate(id).await;
        }
        let org = self.org()?;
        let mut tokens = crate::azure::list_all(
            self.backend.as_ref(),
            &org,
            ListQuery {
                filter: DisplayFilter::Active,
                ..ListQuery::default()
            },
            |_| {},
        )
        .await?;
        tokens.sort_by_key(|t| std::cmp::Reverse(t.valid_from));
        if tokens.is_empty() {
            return Err(fail(
                EXIT_ERROR,
                format!(
                    "you have no active token in {org}: this value is not one of yours there (try --org)"
                ),
            ));
        }
        let listing: Vec<String> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "  {}. {}  (created {}, expires {}, id {})",
                    i + 1,
                    crate::text::sanitize(&t.display_name),
                    t.valid_from.date_naive(),
                    t.valid_to.date_naive(),
                    t.authorization_id
                )
            })
            .collect();
        if !std::io::stdin().is_terminal() {
            return Err(usage(format!(
                "the service never says which token a value is: pass --id. Your active tokens in {org}:\n{}",
                listing.join("\n")
            )));
        }
        crate::eprintln_safe!("Which of your tokens in {org} is this value?");
        for l in &listing {
            crate::eprintln_safe!("{l}");
        }
        eprint!("Number (enter cancels): ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        let picked = answer
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| tokens.get(i).cloned())
            .ok_or_else(|| usage("nothing chosen: nothing changed"))?;
        Ok((org, picked))
    }

    async fn import_copy(
        &self,
        vault: &crate::vault::Vault,
        path: &std::path::Path,
        line: usize,
        value: Secret,
        org: &str,
        token: &PatToken,
    ) -> Result<u8, Failure> {
        if token.valid_to <= Utc::now() {
            return Err(fail(
                EXIT_ERROR,
                format!(
                    "the token \"{}\" expired on {}: nothing to keep",
                    token.display_name,
                    token.valid_to.date_naive()
                ),
            ));
        }
        let entry = crate::vault::StoredToken {
            value,
            meta: crate::vault::TokenMeta::of(org, token),
        };
        vault
            .run(move |v| v.store(&entry))
            .await
            .map_err(|e| fail(EXIT_ERROR, format!("the keyring refused the token: {e}")))?;
        crate::eprintln_safe!(
            "patui: the value on {}:{line} is kept in the keyring as \"{}\" ({org}). patui serves it to git and the package managers now: remove the copy with `patui scan --remove-stored`.",
            path.display(),
            crate::text::sanitize(&token.display_name)
        );
        Ok(EXIT_OK)
    }

    async fn rotate_copy(
        &self,
        args: &ScanArgs,
        path: &std::path::Path,
        line: usize,
        old_value: &Secret,
        org: &str,
        token: &PatToken,
    ) -> Result<u8, Failure> {
        if token.retires() {
            return Err(usage(format!(
                "\"{}\" is a token for all organizations, which are retired: use `patui migrate-global`",
                token.display_name
            )));
        }
        let question = format!(
            "Regenerate \"{}\" ({org}), put the new value on {}:{line} (a backup is kept) and revoke the old token",
            crate::text::sanitize(&token.display_name),
            path.display()
        );
        if !args.yes {
            if !std::io::stdin().is_terminal() {
                return Err(usage(format!(
                    "{question}? Pass --yes to confirm without a terminal"
                )));
            }
            eprint!("{question}? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                crate::eprintln_safe!("patui: nothing changed");
                return Ok(EXIT_OK);
            }
        }
        // The line must still hold the value before anything is created or revoked.
        crate::scan::fix::check_copies(path, &[(line, old_value)])
            .map_err(|e| fail(EXIT_ERROR, e.to_string()))?;
        let r = crate::ops::create::regenerate(
            self.backend.as_ref(),
            self.vault_slot(),
            self.journal.as_ref(),
            org,
            token,
            Utc::now(),
        )
        .await?;
        let new_value = r.minted.value.clone();
        crate::ops::create::delivered(self.journal.as_ref(), &r.minted);
        let file = {
            let (p, old, new) = (path.to_path_buf(), old_value.clone(), new_value.clone());
            tokio::task::spawn_blocking(move || {
                crate::scan::fix::replace_copy(&p, line, &old, &new)
            })
            .await
            .map_err(|e| fail(EXIT_ERROR, e.to_string()))?
        };
        match (&file, &r.old_revoked) {
            (Ok(backup), Ok(())) => {
                crate::eprintln_safe!(
                    "patui: \"{}\" was regenerated ({}, expires {}); {}:{line} holds the new value (backup: {}); the old token is revoked.",
                    crate::text::sanitize(&r.minted.token.display_name),
                    r.minted.token.authorization_id,
                    r.minted.token.valid_to.date_naive(),
                    path.display(),
                    backup.display()
                );
                Ok(EXIT_OK)
            }
            (Err(e), _) => {
                match &r.minted.stored {
                    // The new value is kept: say where, so the file can be fixed by hand.
                    Ok(()) => crate::eprintln_safe!(
                        "patui: the token was regenerated and the new value is kept in the keyring (copy it with y in patui), but the file was not changed: {e}",
                    ),
                    // Neither the file nor the keyring has it: the value goes to the user, once.
                    Err(k) => {
                        crate::eprintln_safe!(
                            "patui: the token was regenerated, but neither the file ({e}) nor the keyring ({k}) took the new value: here it is, once, on stdout"
                        );
                        println!("{}", new_value.expose());
                    }
                }
                if let Err(e) = &r.old_revoked {
                    crate::eprintln_safe!(
                        "patui: the old token could not be revoked either ({e}): run `patui revoke {}`",
                        token.authorization_id
                    );
                }
                Ok(EXIT_ERROR)
            }
            (Ok(backup), Err(e)) => {
                crate::eprintln_safe!(
                    "patui: {}:{line} holds the new value (backup: {}), but the old token could not be revoked ({e}): BOTH tokens now exist; run `patui revoke {}`",
                    path.display(),
                    backup.display(),
                    token.authorization_id
                );
                Ok(EXIT_ERROR)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(
            parse_location("/a/b.npmrc:12").unwrap(),
            (PathBuf::from("/a/b.npmrc"), 12)
        );
        assert_eq!(
            parse_location(r"C:\Users\me\.npmrc:3").unwrap(),
            (PathBuf::from(r"C:\Users\me\.npmrc"), 3)
        );
        for bad in ["file", "file:0", "file:x", ":"] {
            assert!(parse_location(bad).is_err(), "{bad}");
        }
    }
}
