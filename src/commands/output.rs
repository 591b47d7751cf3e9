//! The stable shapes of `--json` output and the plain-text tables of the commands. Data goes to
//! stdout only; progress and messages go to stderr.

use crate::azure::{PatToken, scopes};
use crate::ops::inventory::{TokenEntry, TokenStatus, org_label};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// One token in `--json` output (documented in README; fields are only ever added).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenJson {
    pub id: Uuid,
    pub name: String,
    pub status: &'static str,
    /// Organization names; empty for a global token.
    pub organizations: Vec<String>,
    pub all_organizations: bool,
    pub scopes: Vec<String>,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    /// True when the token's value is in the keyring.
    pub stored: bool,
}

impl TokenJson {
    /// From a token, its status and the org-name map.
    pub fn new(
        token: &PatToken,
        status: TokenStatus,
        names: &HashMap<Uuid, String>,
        stored: bool,
    ) -> Self {
        Self {
            id: token.authorization_id,
            name: token.display_name.clone(),
            status: status.word(),
            organizations: token
                .target_accounts
                .iter()
                .flatten()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| id.to_string()))
                .collect(),
            all_organizations: token.target_accounts.is_none(),
            scopes: token.scopes().map(str::to_owned).collect(),
            valid_from: token.valid_from,
            valid_to: token.valid_to,
            stored,
        }
    }
}

/// A plain-text table of entries, columns padded.
pub fn table(entries: &[(&TokenEntry, TokenStatus)], names: &HashMap<Uuid, String>) -> String {
    let mut rows = vec![[
        "ID".to_owned(),
        "NAME".to_owned(),
        "ORGANIZATION".to_owned(),
        "STATUS".to_owned(),
        "EXPIRES".to_owned(),
        "SCOPES".to_owned(),
    ]];
    for (e, status) in entries {
        let status = match status {
            TokenStatus::Expiring { days } => format!("expiring ({days}d)"),
            s => s.word().to_owned(),
        };
        rows.push([
            e.token.authorization_id.to_string(),
            e.token.display_name.clone(),
            org_label(&e.token, names),
            status,
            e.token.valid_to.format("%Y-%m-%d").to_string(),
            scopes::describe(&e.token.scope),
        ]);
    }
    let mut widths = [0usize; 6];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(widths).enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
