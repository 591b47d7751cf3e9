//! `patui migrate-global` (and `patui rotate` of a global token): replace global tokens with one
//! token per organization through [`crate::ops::migrate`], asking first on a terminal, and report
//! per token and organization. Replacement values go to the keyring only (the credential helper
//! and `y` in the TUI serve them); nothing is printed that could leak.

use super::{Ctx, EXIT_OK, EXIT_PARTIAL, Failure, print_json, print_text, usage};
use crate::azure::PatToken;
use crate::cli::MigrateArgs;
use crate::ops::inventory::{self, StatusView};
use crate::ops::migrate::{self, Migration, OldState, ReplacementState};
use chrono::Utc;

/// The word to type before global tokens are replaced.
const CONFIRM_WORD: &str = "replace";

impl Ctx {
    /// `patui migrate-global`.
    pub async fn migrate_global(&self, args: &MigrateArgs) -> Result<u8, Failure> {
        let names = inventory::org_names(self.backend.as_ref()).await?;
        let mut account_orgs: Vec<String> = names.values().cloned().collect();
        account_orgs.sort_by_key(|o| o.to_lowercase());
        let globals: Vec<(PatToken, String)> = if args.ids.is_empty() {
            let org = match self.org() {
                Ok(o) => o,
                Err(e) => account_orgs.first().cloned().ok_or(e)?,
            };
            let entries =
                inventory::load(self.backend.as_ref(), &[org], StatusView::Active, |_, _| {})
                    .await?;
            entries
                .into_iter()
                .filter(|e| e.token.retires() && !e.revoked)
                .map(|e| (e.token, e.listed_in.to_string()))
                .collect()
        } else {
            let mut found = Vec::new();
            for id in &args.ids {
                let (org, token) = self.locate(*id).await?;
                if !token.retires() {
                    return Err(usage(format!(
                        "{} ({id}) is not a token for all organizations: nothing to replace",
                        token.display_name
                    )));
                }
                found.push((token, org));
            }
            found
        };
        if globals.is_empty() {
            if args.json {
                print_json(&serde_json::json!({"migrations": []}))?;
            } else {
                crate::eprintln_safe!("patui: no global tokens: nothing to replace");
            }
            return Ok(EXIT_OK);
        }
        let orgs = if args.orgs.is_empty() {
            account_orgs
        } else {
            args.orgs.clone()
        };
        self.replace_globals(globals, &orgs, args.keep_old, args.yes, args.json)
            .await
    }

    /// Replaces each global token with one token per organization of `orgs`.
    pub(crate) async fn replace_globals(
        &self,
        globals: Vec<(PatToken, String)>,
        orgs: &[String],
        keep_old: bool,
        yes: bool,
        json: bool,
    ) -> Result<u8, Failure> {
        let vault = self.vault.as_ref().map_err(|e| Failure {
            code: super::EXIT_ERROR,
            message: format!(
                "replacing global tokens needs a working keyring, where the new tokens' values go: {e}"
            ),
        })?;
        if orgs.is_empty() {
            return Err(usage(
                "no organizations to create replacements in: pass --orgs a,b",
            ));
        }
        if !yes {
            confirm(&globals, orgs, keep_old)?;
        }
        let now = Utc::now();
        let mut done = Vec::new();
        for (token, listed_in) in globals {
            let mut m = Migration::new(token, &listed_in, orgs, keep_old);
            migrate::run(
                self.backend.as_ref(),
                vault,
                self.journal.as_ref(),
                &mut m,
                now,
                |_| {},
            )
            .await;
            done.push(m);
        }
        if json {
            print_json(&serde_json::json!({
                "migrations": done.iter().map(migration_json).collect::<Vec<_>>()
            }))?;
        } else {
            print_text(&done.iter().map(migration_text).collect::<String>())?;
        }
        Ok(if done.iter().all(Migration::is_done) {
            EXIT_OK
        } else {
            EXIT_PARTIAL
        })
    }
}

/// Asks for the typed word on a terminal; refuses without one.
fn confirm(globals: &[(PatToken, String)], orgs: &[String], keep_old: bool) -> Result<(), Failure> {
    let mut lines = vec![format!(
        "This creates one token per organization ({}) for each of these global tokens{}:",
        orgs.join(", "),
        if keep_old {
            ""
        } else {
            ", then revokes the global token"
        }
    )];
    lines.extend(
        globals
            .iter()
            .map(|(t, _)| format!("  {}  {}", t.authorization_id, t.display_name)),
    );
    super::ask(super::Ask {
        refusal: format!(
            "refusing to replace {} global tokens without confirmation",
            globals.len()
        ),
        lines,
        question: &format!("Type '{CONFIRM_WORD}' to continue: "),
        accept: |s| s == CONFIRM_WORD,
        declined: "not confirmed; nothing was changed",
    })
}

fn migration_json(m: &Migration) -> serde_json::Value {
    let replacements: Vec<_> = m
        .replacements
        .iter()
        .map(|r| match &r.state {
            ReplacementState::Created {
                id,
                valid_to,
                clamped,
            } => serde_json::json!({"organization": r.org, "ok": true, "id": id,
                "validTo": valid_to, "clamped": clamped}),
            ReplacementState::Failed(why) => {
                serde_json::json!({"organization": r.org, "ok": false, "error": why})
            }
            ReplacementState::Pending => {
                serde_json::json!({"organization": r.org, "ok": false, "error": "not attempted"})
            }
        })
        .collect();
    let old = match &m.old {
        OldState::Revoked => serde_json::json!({"ok": true}),
        OldState::Kept => serde_json::json!({"ok": false, "kept": true}),
        OldState::Untouched => serde_json::json!({"ok": false,
            "error": "not revoked: a replacement is missing"}),
        OldState::RevokeFailed(why) => serde_json::json!({"ok": false, "error": why}),
    };
    serde_json::json!({
        "id": m.global.authorization_id,
        "name": m.global.display_name,
        "replacements": replacements,
        "oldRevoked": old,
        "done": m.is_done(),
    })
}

fn migration_text(m: &Migration) -> String {
    let mut s = format!(
        "{} ({}):\n",
        m.global.display_name, m.global.authorization_id
    );
    for r in &m.replacements {
        match &r.state {
            ReplacementState::Created { id, clamped, .. } => s.push_str(&format!(
                "  created  {:<24} {id}{}\n",
                r.org,
                if *clamped {
                    " (expiry shortened by policy)"
                } else {
                    ""
                }
            )),
            ReplacementState::Failed(why) => {
                s.push_str(&format!("  FAILED   {:<24} {why}\n", r.org))
            }
            ReplacementState::Pending => s.push_str(&format!("  NOT SENT {:<24}\n", r.org)),
        }
    }
    s.push_str(match &m.old {
        OldState::Revoked => "  the global token was revoked\n",
        OldState::Kept => "  the global token was kept (--keep-old)\n",
        OldState::Untouched => {
            "  the global token was NOT revoked: a replacement is missing (run again to retry)\n"
        }
        OldState::RevokeFailed(_) => "",
    });
    if let OldState::RevokeFailed(why) = &m.old {
        s.push_str(&format!(
            "  revoking the global token FAILED ({why}): both exist; run again to retry\n"
        ));
    }
    s
}
