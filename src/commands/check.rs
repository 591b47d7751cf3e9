//! `patui check`: what needs attention, for cron, CI and shell prompts: global tokens (see
//! [`crate::ops::retirement`]), tokens expiring within `--within` days (default `warn_days`),
//! and keyring entries whose token no longer works. Exit 0 when nothing does (nothing on
//! stdout), 5 when anything does (one line per item, or `--json`); errors exit as every
//! command's do (1, 3). Like every command, it never starts an interactive sign-in.

use super::output::TokenJson;
use super::{Ctx, EXIT_ATTENTION, EXIT_OK, Failure, print_json, print_text};
use crate::cli::CheckArgs;
use crate::config::Config;
use crate::ops::attention::{self, DeadStored};
use crate::ops::inventory::{self, GLOBAL_LABEL, StatusView, TokenEntry, TokenStatus};
use crate::vault::TokenMeta;
use chrono::Utc;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use uuid::Uuid;

/// `patui check --json` (stable; fields are only ever added).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckJson {
    attention: bool,
    global: Vec<TokenJson>,
    expiring: Vec<TokenJson>,
    dead_stored: Vec<DeadJson>,
}

/// A dead keyring entry in `--json`.
#[derive(Debug, Serialize)]
struct DeadJson {
    id: Uuid,
    name: String,
    /// Its organization ("All organizations" for a global token).
    organization: String,
    /// revoked, expired, retired or gone.
    why: &'static str,
}

impl DeadJson {
    fn new(d: &DeadStored) -> Self {
        DeadJson {
            id: d.meta.id,
            name: d.meta.name.clone(),
            organization: if d.meta.global {
                GLOBAL_LABEL.to_owned()
            } else {
                d.meta.org.clone()
            },
            why: d.why.word(),
        }
    }
}

impl Ctx {
    /// `patui check`.
    pub async fn check(&self, args: &CheckArgs, config: &Config) -> Result<u8, Failure> {
        let within = args.within.unwrap_or(config.warn_days);
        let (orgs, mut names) = self.scope(args.scope.all_orgs).await?;
        let entries =
            inventory::load(self.backend.as_ref(), &orgs, StatusView::All, |_, _| {}).await?;
        inventory::learn_org_names(&entries, &mut names);
        let stored = stored_metas(self).await;
        let now = Utc::now();
        let found = attention::assess(&entries, &attention::stored_in(&stored, &orgs), now, within);
        if args.json {
            let stored_ids: HashSet<Uuid> = stored.iter().map(|m| m.id).collect();
            let tokens = |list: &[TokenEntry]| -> Vec<TokenJson> {
                list.iter()
                    .map(|e| token_json(e, now, &names, &stored_ids))
                    .collect()
            };
            print_json(&CheckJson {
                attention: !found.is_empty(),
                global: tokens(&found.global),
                expiring: tokens(&found.expiring),
                dead_stored: found.dead_stored.iter().map(DeadJson::new).collect(),
            })?;
        } else if found.is_empty() {
            // Nothing on stdout: cron mails whatever a job prints.
            if std::io::stderr().is_terminal() {
                crate::eprintln_safe!("patui: nothing needs attention");
            }
        } else {
            let mut s = String::new();
            for line in found.lines() {
                s.push_str(&line);
                s.push('\n');
            }
            print_text(&s)?;
        }
        Ok(if found.is_empty() {
            EXIT_OK
        } else {
            EXIT_ATTENTION
        })
    }
}

/// The keyring's metadata: none without a keyring; a keyring that cannot be read is reported on
/// stderr and counts as holding nothing (the rest of the check still stands).
async fn stored_metas(ctx: &Ctx) -> Vec<TokenMeta> {
    let Ok(v) = &ctx.vault else {
        return Vec::new();
    };
    match v.run(|v| v.list()).await {
        Ok(list) => list,
        Err(e) => {
            crate::eprintln_safe!("patui: cannot read the keyring, stored tokens not checked: {e}");
            Vec::new()
        }
    }
}

fn token_json(
    e: &TokenEntry,
    now: chrono::DateTime<Utc>,
    names: &HashMap<Uuid, String>,
    stored: &HashSet<Uuid>,
) -> TokenJson {
    let status = TokenStatus::of(&e.token, e.revoked, now);
    TokenJson::new(
        &e.token,
        status,
        names,
        stored.contains(&e.token.authorization_id),
    )
}
