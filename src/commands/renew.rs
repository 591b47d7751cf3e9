//! `patui renew`: regenerate the stored tokens that expire soon (same name, scopes, organization
//! and lifespan), each successor stored before its predecessor is revoked; see
//! [`crate::ops::renew`]. Asks on a terminal, refuses without one unless `--yes`.

use super::{Ctx, EXIT_OK, EXIT_PARTIAL, Failure, print_json, print_text};
use crate::cli::RenewArgs;
use crate::config::Config;
use crate::ops::renew;
use chrono::Utc;
use std::io::IsTerminal;

impl Ctx {
    /// `patui renew`.
    pub async fn renew(&self, args: &RenewArgs, config: &Config) -> Result<u8, Failure> {
        let vault = self.vault.as_ref().map_err(|e| Failure {
            code: super::EXIT_ERROR,
            message: format!("renewing needs the keyring, where the tokens patui renews are: {e}"),
        })?;
        let days = args.within.unwrap_or(config.renew_before_days.max(1));
        let now = Utc::now();
        let stored = vault.run(|v| v.list()).await.map_err(|e| Failure {
            code: super::EXIT_ERROR,
            message: e.to_string(),
        })?;
        let due: Vec<_> = stored
            .into_iter()
            .filter(|m| renew::is_due(m, now, days))
            .collect();
        if due.is_empty() {
            if args.json {
                print_json(&serde_json::json!({"renewed": [], "failed": []}))?;
            } else if std::io::stderr().is_terminal() {
                crate::eprintln_safe!("patui: no stored token expires within {days} days");
            }
            return Ok(EXIT_OK);
        }
        if !args.yes {
            confirm(&due)?;
        }
        let (mut renewed, mut failed) = (Vec::new(), Vec::new());
        for m in &due {
            match renew::renew(self.backend.as_ref(), vault, self.journal.as_ref(), m, now).await {
                Ok(r) => renewed.push((m, r)),
                Err(e) => failed.push((m, e)),
            }
        }
        let partial = !failed.is_empty() || renewed.iter().any(|(_, r)| r.old_revoked.is_err());
        if args.json {
            let ok: Vec<_> = renewed
                .iter()
                .map(|(m, r)| {
                    serde_json::json!({"id": m.id, "name": m.name, "organization": m.org,
                        "newId": r.minted.token.authorization_id,
                        "validTo": r.minted.token.valid_to,
                        "oldRevoked": r.old_revoked.as_ref().map_or_else(
                            |e| serde_json::json!({"ok": false, "error": e}),
                            |()| serde_json::json!({"ok": true}))})
                })
                .collect();
            let bad: Vec<_> = failed
                .iter()
                .map(|(m, e)| {
                    serde_json::json!({"id": m.id, "name": m.name, "organization": m.org, "error": e})
                })
                .collect();
            print_json(&serde_json::json!({"renewed": ok, "failed": bad}))?;
        } else {
            let mut s = String::new();
            for (m, r) in &renewed {
                s.push_str(&format!(
                    "renewed  {}  {} ({}): new {} expires {}\n",
                    m.id,
                    m.name,
                    m.org,
                    r.minted.token.authorization_id,
                    r.minted.token.valid_to.date_naive()
                ));
                if let Err(e) = &r.old_revoked {
                    s.push_str(&format!(
                        "         the old token could not be revoked ({e}): run `patui revoke {}`\n",
                        m.id
                    ));
                }
            }
            for (m, e) in &failed {
                s.push_str(&format!("FAILED   {}  {} ({}): {e}\n", m.id, m.name, m.org));
            }
            print_text(&s)?;
        }
        Ok(if partial { EXIT_PARTIAL } else { EXIT_OK })
    }
}

/// Asks for `y` on a terminal; refuses without one.
fn confirm(due: &[crate::vault::TokenMeta]) -> Result<(), Failure> {
    let mut lines = vec!["These stored tokens expire soon and will be regenerated:".to_owned()];
    lines.extend(due.iter().map(|m| {
        format!(
            "  {}  {} ({}), expires {}",
            m.id,
            m.name,
            m.org,
            m.valid_to.date_naive()
        )
    }));
    super::ask(super::Ask {
        refusal: format!(
            "refusing to renew {} tokens without confirmation",
            due.len()
        ),
        lines,
        question: "Renew them? [y/N] ",
        accept: super::is_yes,
        declined: "not confirmed; nothing was renewed",
    })
}
