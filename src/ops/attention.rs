//! What needs attention: global tokens (which stop working at the retirement cut-off, see
//! [`crate::ops::retirement`]), tokens that expire soon, and keyring entries whose token no
//! longer works. Pure: `patui check` and the TUI's start-up status line both call [`assess`]
//! with the "all" view of an inventory, the stored metadata and their own clock.

use crate::ops::inventory::{GLOBAL_LABEL, TokenEntry, TokenStatus};
use crate::ops::retirement;
use crate::vault::TokenMeta;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// Why a stored token is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadWhy {
    /// The service lists it as revoked.
    Revoked,
    /// Past its `validTo`.
    Expired,
    /// A global token past the retirement cut-off.
    Retired,
    /// The service no longer lists it at all (deleted, or revoked long ago).
    Gone,
}

impl DeadWhy {
    /// The short word (revoked, expired, retired, gone); stable in `--json`.
    pub fn word(self) -> &'static str {
        match self {
            DeadWhy::Revoked => "revoked",
            DeadWhy::Expired => "expired",
            DeadWhy::Retired => "retired",
            DeadWhy::Gone => "gone",
        }
    }
}

/// A keyring entry whose token no longer works.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadStored {
    pub meta: TokenMeta,
    pub why: DeadWhy,
}

/// What needs attention at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    /// Global tokens that still count: active or expiring before the cut-off, retired after it
    /// (revoked and expired ones are left out), soonest first.
    pub global: Vec<TokenEntry>,
    /// Tokens for named organizations that are active and expire within `within_days`,
    /// soonest first.
    pub expiring: Vec<TokenEntry>,
    /// Keyring entries whose token is revoked, expired, retired or gone, by name.
    pub dead_stored: Vec<DeadStored>,
    /// The moment assessed.
    pub now: DateTime<Utc>,
    /// The window of `expiring`, in days.
    pub within_days: u32,
}

/// The stored tokens `entries` loaded from `orgs` can speak for: those of one of `orgs`
/// (case-insensitively) and every global one (a global token is listed under every
/// organization). A stored token of another organization is not judged: it was not looked for.
pub fn stored_in(stored: &[TokenMeta], orgs: &[String]) -> Vec<TokenMeta> {
    stored
        .iter()
        .filter(|m| m.global || orgs.iter().any(|o| o.eq_ignore_ascii_case(&m.org)))
        .cloned()
        .collect()
}

/// Assesses `entries` (the "all" view, so revoked and expired tokens are there) and `stored`
/// (the keyring's metadata, limited to the organizations `entries` covers: see [`stored_in`]) at
/// `now`, with tokens expiring within `within_days` counting as expiring.
pub fn assess(
    entries: &[TokenEntry],
    stored: &[TokenMeta],
    now: DateTime<Utc>,
    within_days: u32,
) -> Attention {
    assess_each(entries.iter(), stored, now, within_days)
}

/// [`assess`] over borrowed entries (the TUI's rows: no copy of the list is made).
pub fn assess_each<'a>(
    entries: impl Iterator<Item = &'a TokenEntry> + Clone,
    stored: &[TokenMeta],
    now: DateTime<Utc>,
    within_days: u32,
) -> Attention {
    let window = chrono::Duration::days(i64::from(within_days));
    let mut global = Vec::new();
    let mut expiring = Vec::new();
    for e in entries.clone() {
        let status = TokenStatus::of(&e.token, e.revoked, now);
        let live = matches!(status, TokenStatus::Active | TokenStatus::Expiring { .. });
        if e.token.retires() {
            if live || status == TokenStatus::Retired {
                global.push(e.clone());
            }
        } else if live && retirement::effective_expiry(&e.token) - now <= window {
            expiring.push(e.clone());
        }
    }
    let soonest = |a: &TokenEntry, b: &TokenEntry| {
        retirement::effective_expiry(&a.token)
            .cmp(&retirement::effective_expiry(&b.token))
            .then_with(|| {
                a.token
                    .display_name
                    .to_lowercase()
                    .cmp(&b.token.display_name.to_lowercase())
            })
            .then_with(|| a.token.authorization_id.cmp(&b.token.authorization_id))
    };
    global.sort_by(soonest);
    expiring.sort_by(soonest);

    let by_id: HashMap<Uuid, &TokenEntry> =
        entries.map(|e| (e.token.authorization_id, e)).collect();
    let mut dead_stored: Vec<DeadStored> = stored
        .iter()
        .filter_map(|m| {
            let why = match by_id.get(&m.id) {
                None => DeadWhy::Gone,
                Some(e) => match TokenStatus::of(&e.token, e.revoked, now) {
                    TokenStatus::Revoked => DeadWhy::Revoked,
                    TokenStatus::Expired => DeadWhy::Expired,
                    TokenStatus::Retired => DeadWhy::Retired,
                    TokenStatus::Active | TokenStatus::Expiring { .. } => return None,
                },
            };
            Some(DeadStored {
                meta: m.clone(),
                why,
            })
        })
        .collect();
    dead_stored.sort_by(|a, b| {
        a.meta
            .name
            .to_lowercase()
            .cmp(&b.meta.name.to_lowercase())
            .then_with(|| a.meta.id.cmp(&b.meta.id))
    });
    Attention {
        global,
        expiring,
        dead_stored,
        now,
        within_days,
    }
}

/// "1 token" / "2 tokens".
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn days(n: u32) -> String {
    count(n as usize, "day", "days")
}

impl Attention {
    /// True when nothing needs attention.
    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.expiring.is_empty() && self.dead_stored.is_empty()
    }

    /// True once the global tokens have stopped working (the cut-off has passed).
    fn past_cutoff(&self) -> bool {
        retirement::global_creation_blocked(self.now)
    }

    /// One line for a status bar, without key hints (the caller adds its own), e.g.
    /// "2 global tokens stop working on 2026-12-01 · 3 tokens expire within 7 days · 1 stored
    /// token is dead"; "nothing needs attention" when empty.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.global.is_empty() {
            let n = self.global.len();
            let verb = match (self.past_cutoff(), n == 1) {
                (true, _) => "stopped working",
                (false, true) => "stops working",
                (false, false) => "stop working",
            };
            parts.push(format!(
                "{} {verb} on {}",
                count(n, "global token", "global tokens"),
                retirement::cutoff_label()
            ));
        }
        if !self.expiring.is_empty() {
            let n = self.expiring.len();
            let verb = if n == 1 { "expires" } else { "expire" };
            parts.push(format!(
                "{} {verb} within {}",
                count(n, "token", "tokens"),
                days(self.within_days)
            ));
        }
        if !self.dead_stored.is_empty() {
            let n = self.dead_stored.len();
            let verb = if n == 1 { "is" } else { "are" };
            parts.push(format!(
                "{} {verb} dead",
                count(n, "stored token", "stored tokens")
            ));
        }
        if parts.is_empty() {
            "nothing needs attention".to_owned()
        } else {
            parts.join(" · ")
        }
    }

    /// One line per item, columns aligned: kind (global, expiring, stored), name, id,
    /// organization, and when or why. Names are neutralised (no control or bidi characters).
    pub fn lines(&self) -> Vec<String> {
        let mut rows: Vec<[String; 5]> = Vec::new();
        let org_of = |e: &TokenEntry| {
            if e.token.is_global() {
                GLOBAL_LABEL.to_owned()
            } else {
                e.listed_in.to_string()
            }
        };
        for e in &self.global {
            let when = if TokenStatus::of(&e.token, e.revoked, self.now) == TokenStatus::Retired {
                format!("retired on {}", retirement::cutoff_label())
            } else {
                let end = retirement::effective_expiry(&e.token);
                format!(
                    "stops working on {}{}",
                    end.format("%Y-%m-%d"),
                    self.left(end)
                )
            };
            rows.push(self.row("global", e, org_of(e), when));
        }
        for e in &self.expiring {
            let end = retirement::effective_expiry(&e.token);
            let when = format!("expires on {}{}", end.format("%Y-%m-%d"), self.left(end));
            rows.push(self.row("expiring", e, org_of(e), when));
        }
        for d in &self.dead_stored {
            let why = match d.why {
                DeadWhy::Revoked => "revoked, still in the keyring".to_owned(),
                DeadWhy::Expired => format!(
                    "expired on {}, still in the keyring",
                    d.meta.valid_to.format("%Y-%m-%d")
                ),
                DeadWhy::Retired => format!(
                    "retired on {}, still in the keyring",
                    retirement::cutoff_label()
                ),
                DeadWhy::Gone => "no longer listed by the service, still in the keyring".to_owned(),
            };
            let org = if d.meta.global {
                GLOBAL_LABEL.to_owned()
            } else {
                d.meta.org.clone()
            };
            rows.push([
                "stored".to_owned(),
                crate::text::sanitize(&d.meta.name).into_owned(),
                d.meta.id.to_string(),
                crate::text::sanitize(&org).into_owned(),
                why,
            ]);
        }
        let mut widths = [0usize; 5];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        rows.iter()
            .map(|r| {
                let mut line = String::new();
                for (i, (c, w)) in r.iter().zip(widths).enumerate() {
                    line.push_str(c);
                    if i + 1 < r.len() {
                        line.push_str(&" ".repeat(w - c.chars().count() + 2));
                    }
                }
                line.trim_end().to_owned()
            })
            .collect()
    }

    fn row(&self, kind: &str, e: &TokenEntry, org: String, when: String) -> [String; 5] {
        [
            kind.to_owned(),
            crate::text::sanitize(&e.token.display_name).into_owned(),
            e.token.authorization_id.to_string(),
            crate::text::sanitize(&org).into_owned(),
            when,
        ]
    }

    /// " (in 3 days)", " (today)" for an end ahead of `now`.
    fn left(&self, end: DateTime<Utc>) -> String {
        let d = (end - self.now).num_days();
        match d {
            ..=0 => " (today)".to_owned(),
            1 => " (in 1 day)".to_owned(),
            n => format!(" (in {n} days)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::PatToken;
    use chrono::Duration;

    fn d(n: i64) -> Duration {
        Duration::days(n)
    }

    fn entry(
        n: u128,
        name: &str,
        global: bool,
        valid_to: DateTime<Utc>,
        revoked: bool,
    ) -> TokenEntry {
        TokenEntry {
            token: PatToken {
                on_premises: false,
                authorization_id: Uuid::from_u128(n),
                display_name: name.into(),
                scope: "vso.code".into(),
                target_accounts: (!global).then(|| vec![Uuid::from_u128(1000)]),
                valid_from: valid_to - d(60),
                valid_to,
                token: None,
            },
            revoked,
            listed_in: "fabrikam".into(),
        }
    }

    fn meta(e: &TokenEntry) -> TokenMeta {
        TokenMeta {
            org: e.listed_in.to_string(),
            id: e.token.authorization_id,
            name: e.token.display_name.clone(),
            scope: e.token.scope.clone(),
            valid_from: e.token.valid_from,
            valid_to: e.token.valid_to,
            global: e.token.is_global(),
        }
    }

    fn names(v: &[TokenEntry]) -> Vec<&str> {
        v.iter().map(|e| e.token.display_name.as_str()).collect()
    }

    /// Before the cut-off: live global tokens (not revoked, not expired) count, soonest first;
    /// only live tokens for named organizations within the window are expiring; dead stored
    /// tokens are found for every reason a token dies before the cut-off.
    #[test]
    fn before_the_cut_off() {
        let now = retirement::global_cutoff() - d(10);
        let entries = vec![
            entry(1, "g-far", true, now + d(300), false),
            entry(2, "g-near", true, now + d(5), false),
            entry(3, "g-revoked", true, now + d(300), true),
            entry(4, "g-expired", true, now - d(1), false),
            entry(5, "soon", false, now + d(3), false),
            entry(6, "edge", false, now + d(7), false),
            entry(7, "later", false, now + d(8), false),
            entry(8, "soon-revoked", false, now + d(2), true),
            entry(9, "dead-expired", false, now - d(2), false),
            entry(10, "very-soon", false, now + Duration::hours(3), false),
        ];
        let gone = TokenMeta {
            id: Uuid::from_u128(99),
            name: "vanished".into(),
            ..meta(&entries[4])
        };
        let stored = vec![
            meta(&entries[4]), // live: not dead
            meta(&entries[7]), // revoked
            meta(&entries[8]), // expired
            meta(&entries[0]), // live global: in `global`, not dead
            gone,
        ];
        let a = assess(&entries, &stored, now, 7);
        assert_eq!(names(&a.global), ["g-near", "g-far"]);
        assert_eq!(names(&a.expiring), ["very-soon", "soon", "edge"]);
        let dead: Vec<_> = a
            .dead_stored
            .iter()
            .map(|x| (x.meta.name.as_str(), x.why))
            .collect();
        assert_eq!(
            dead,
            [
                ("dead-expired", DeadWhy::Expired),
                ("soon-revoked", DeadWhy::Revoked),
                ("vanished", DeadWhy::Gone),
            ]
        );
        assert!(!a.is_empty());
        assert_eq!(
            a.summary(),
            "2 global tokens stop working on 2026-12-01 · 3 tokens expire within 7 days · 3 stored tokens are dead"
        );
        // A wider window takes in more; a zero window none.
        assert_eq!(
            names(&assess(&entries, &[], now, 8).expiring),
            ["very-soon", "soon", "edge", "later"]
        );
        assert!(assess(&entries, &[], now, 0).expiring.is_empty());
    }

    /// After the cut-off: global tokens are retired (still listed, they no longer work), and a
    /// stored one is dead for that reason.
    #[test]
    fn after_the_cut_off() {
        let now = retirement::global_cutoff() + d(3);
        let entries = vec![
            entry(1, "g-retired", true, now + d(100), false),
            entry(2, "g-revoked", true, now + d(100), true),
            entry(3, "fine", false, now + d(60), false),
        ];
        let a = assess(&entries, &[meta(&entries[0]), meta(&entries[2])], now, 7);
        assert_eq!(names(&a.global), ["g-retired"]);
        assert!(a.expiring.is_empty());
        assert_eq!(a.dead_stored.len(), 1);
        assert_eq!(a.dead_stored[0].why, DeadWhy::Retired);
        assert_eq!(a.dead_stored[0].why.word(), "retired");
        assert_eq!(
            a.summary(),
            "1 global token stopped working on 2026-12-01 · 1 stored token is dead"
        );
        let lines = a.lines();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("global"), "{lines:?}");
        assert!(
            lines[0].contains("All organizations") && lines[0].contains("retired on 2026-12-01"),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("stored"), "{lines:?}");
    }

    #[test]
    fn nothing_needs_attention() {
        let now = retirement::global_cutoff() - d(30);
        let entries = vec![
            entry(1, "fine", false, now + d(60), false),
            entry(2, "old", false, now - d(60), false),
            entry(3, "gone-global", true, now + d(100), true),
        ];
        let a = assess(&entries, &[meta(&entries[0])], now, 7);
        assert!(a.is_empty(), "{a:?}");
        assert_eq!(a.summary(), "nothing needs attention");
        assert!(a.lines().is_empty());
    }

    #[test]
    fn singular_wording_and_the_listing() {
        let now = retirement::global_cutoff() - d(30);
        let entries = vec![
            entry(1, "g", true, now + d(100), false),
            entry(
                2,
                "ci\u{202e}evil",
                false,
                now + d(1) + Duration::hours(2),
                false,
            ),
        ];
        let a = assess(&entries, &[], now, 2);
        assert_eq!(
            a.summary(),
            "1 global token stops working on 2026-12-01 · 1 token expires within 2 days"
        );
        let today = [entry(3, "t", false, now + Duration::hours(20), false)];
        assert_eq!(
            assess(&today, &[], now, 1).summary(),
            "1 token expires within 1 day"
        );
        assert!(assess(&today, &[], now, 1).lines()[0].contains("(today)"));
        let lines = a.lines();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].contains("stops working on 2026-12-01 (in 30 days)"),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("expiring"), "{lines:?}");
        assert!(lines[1].contains("fabrikam"), "{lines:?}");
        assert!(
            lines[1].contains(&Uuid::from_u128(2).to_string()),
            "{lines:?}"
        );
        assert!(lines[1].contains("(in 1 day)"), "{lines:?}");
        assert!(
            !lines[1].contains('\u{202e}') && lines[1].contains("ci\u{fffd}evil"),
            "names are neutralised: {lines:?}"
        );
        // Columns line up: the id starts at the same place on both lines.
        let col = |l: &str, id: u128| {
            l.find(&Uuid::from_u128(id).to_string())
                .map(|at| l[..at].chars().count())
        };
        assert_eq!(col(&lines[0], 1), col(&lines[1], 2));
    }

    #[test]
    fn only_stored_tokens_of_the_organizations_looked_at_are_judged() {
        let now = Utc::now();
        let mut a = meta(&entry(1, "a", false, now, false));
        a.org = "Fabrikam".into();
        let mut b = meta(&entry(2, "b", false, now, false));
        b.org = "contoso".into();
        let mut g = meta(&entry(3, "g", true, now, false));
        g.org = "contoso".into();
        let kept = stored_in(&[a.clone(), b, g.clone()], &["fabrikam".to_owned()]);
        assert_eq!(kept, vec![a, g]);
    }
}
