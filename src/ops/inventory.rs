//! The token inventory: which tokens exist across one or more organizations, with their status
//! (active, expiring, expired, revoked) and organization names. Shared by the TUI and `patui list`.
//!
//! The service reports revoked tokens only under the `revoked` filter, so status comes from the
//! filter that returned a token; the "all" view fetches active, expired and revoked and merges
//! them, de-duplicated by authorizationId (a global PAT shows up under every organization).

use crate::azure::{
    ApiError, DisplayFilter, ListQuery, PatBackend, PatToken, ServerSort, list_each,
};
use crate::ops::retirement;
use chrono::{DateTime, Utc};
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Tokens that expire within this many days count as "expiring".
pub const EXPIRING_DAYS: i64 = 7;

/// What a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusView {
    #[default]
    Active,
    Expiring,
    Expired,
    Revoked,
    /// Global tokens past their retirement (see [`crate::ops::retirement`]).
    Retired,
    All,
}

impl StatusView {
    /// Every view, in the order `f` cycles through them.
    pub const ALL: [StatusView; 6] = [
        StatusView::Active,
        StatusView::Expiring,
        StatusView::Expired,
        StatusView::Revoked,
        StatusView::Retired,
        StatusView::All,
    ];

    /// The service filters this view needs.
    pub fn filters(self) -> &'static [DisplayFilter] {
        match self {
            // The service lists a retired token as active (its validTo is still ahead).
            StatusView::Active | StatusView::Expiring | StatusView::Retired => {
                &[DisplayFilter::Active]
            }
            StatusView::Expired => &[DisplayFilter::Expired],
            StatusView::Revoked => &[DisplayFilter::Revoked],
            StatusView::All => &[
                DisplayFilter::Active,
                DisplayFilter::Expired,
                DisplayFilter::Revoked,
            ],
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            StatusView::Active => "active",
            StatusView::Expiring => "expiring",
            StatusView::Expired => "expired",
            StatusView::Revoked => "revoked",
            StatusView::Retired => "retired",
            StatusView::All => "all",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(s.trim()))
    }

    /// True when a token of `status` belongs in this view.
    pub fn admits(self, status: TokenStatus) -> bool {
        match self {
            StatusView::All => true,
            // Retired tokens stay in the active view: the service still lists them there, and
            // they are what needs attention.
            StatusView::Active => matches!(
                status,
                TokenStatus::Active | TokenStatus::Expiring { .. } | TokenStatus::Retired
            ),
            StatusView::Expiring => matches!(status, TokenStatus::Expiring { .. }),
            StatusView::Expired => status == TokenStatus::Expired,
            StatusView::Revoked => status == TokenStatus::Revoked,
            StatusView::Retired => status == TokenStatus::Retired,
        }
    }
}

/// A token's status at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "status")]
pub enum TokenStatus {
    Active,
    /// Active, and expiring within [`EXPIRING_DAYS`]; `days` is whole days left (0 = today).
    Expiring {
        days: i64,
    },
    Expired,
    Revoked,
    /// A global token past the retirement of global tokens: it no longer works.
    Retired,
}

impl TokenStatus {
    /// The status of `token` at `now`, given whether the service listed it as revoked. A global
    /// token counts down to the earlier of its `validTo` and the retirement cut-off.
    pub fn of(token: &PatToken, revoked: bool, now: DateTime<Utc>) -> Self {
        if revoked {
            return TokenStatus::Revoked;
        }
        if retirement::is_retired(token, now) {
            return TokenStatus::Retired;
        }
        if token.valid_to <= now {
            return TokenStatus::Expired;
        }
        let left = retirement::effective_expiry(token) - now;
        if left <= chrono::Duration::days(EXPIRING_DAYS) {
            TokenStatus::Expiring {
                days: left.num_days(),
            }
        } else {
            TokenStatus::Active
        }
    }

    /// The short word (active, expiring, expired, revoked).
    pub fn word(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expiring { .. } => "expiring",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
            TokenStatus::Retired => "retired",
        }
    }
}

/// One token as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenEntry {
    pub token: PatToken,
    /// True when the service listed it under `revoked`.
    pub revoked: bool,
    /// The organization it was listed under (where update and revoke are sent).
    pub listed_in: std::sync::Arc<str>,
}

/// The order a load asks the service for, so the first page is already the top of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub sort: ServerSort,
    pub ascending: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            sort: ServerSort::DisplayName,
            ascending: true,
        }
    }
}

/// One page of a load, as it arrives.
#[derive(Debug)]
pub struct Page<'a> {
    /// The organization it was listed under.
    pub org: &'a str,
    /// Listed under the service's `revoked` filter.
    pub revoked: bool,
    /// Pages of this organization and filter so far.
    pub pages: usize,
    pub tokens: Vec<PatToken>,
}

/// Loads a view over `orgs`, handing each page to `on_page` as it arrives: every organization
/// and filter concurrently, one organization's pages in order. Returns the number of tokens
/// listed (a token listed twice, as a global one is, counts twice). The pages of a load that is
/// dropped stop arriving at once.
pub async fn load_pages(
    backend: &dyn PatBackend,
    orgs: &[String],
    view: StatusView,
    order: Order,
    on_page: impl Fn(Page<'_>) + Send + Sync,
) -> Result<usize, ApiError> {
    let on_page = &on_page;
    let jobs = orgs.iter().flat_map(|org| {
        view.filters().iter().map(move |filter| async move {
            let query = ListQuery {
                filter: *filter,
                sort: order.sort,
                ascending: order.ascending,
            };
            list_each(backend, org, query, |pages, tokens| {
                on_page(Page {
                    org,
                    revoked: *filter == DisplayFilter::Revoked,
                    pages,
                    tokens,
                })
            })
            .await
        })
    });
    let mut total = 0;
    for r in join_all(jobs).await {
        total += r?;
    }
    Ok(total)
}

/// Merges pages into entries, de-duplicated by authorizationId (a global token is listed under
/// every organization; a revoked listing marks it revoked), in the order first seen.
#[derive(Debug, Default)]
pub struct Merger {
    index: HashMap<Uuid, usize>,
    pub entries: Vec<TokenEntry>,
}

impl Merger {
    /// Adds a page; returns how many entries it added.
    pub fn add(&mut self, page: Page<'_>) -> usize {
        let before = self.entries.len();
        let org: std::sync::Arc<str> = std::sync::Arc::from(page.org);
        for token in page.tokens {
            match self.index.get(&token.authorization_id) {
                Some(&i) => self.entries[i].revoked |= page.revoked,
                None => {
                    self.index
                        .insert(token.authorization_id, self.entries.len());
                    self.entries.push(TokenEntry {
                        token,
                        revoked: page.revoked,
                        listed_in: std::sync::Arc::clone(&org),
                    });
                }
            }
        }
        self.entries.len() - before
    }
}

/// Loads a view over `orgs` (see [`load_pages`]), merged. `on_page` is called with
/// (organization, pages done) as pages arrive.
pub async fn load(
    backend: &dyn PatBackend,
    orgs: &[String],
    view: StatusView,
    on_page: impl Fn(&str, usize) + Send + Sync,
) -> Result<Vec<TokenEntry>, ApiError> {
    let merger = std::sync::Mutex::new(Merger::default());
    load_pages(backend, orgs, view, Order::default(), |page| {
        on_page(page.org, page.pages);
        if let Ok(mut m) = merger.lock() {
            m.add(page);
        }
    })
    .await?;
    Ok(merger.into_inner().map(|m| m.entries).unwrap_or_default())
}

/// Organization GUID → name, from the profile and accounts APIs.
pub async fn org_names(backend: &dyn PatBackend) -> Result<HashMap<Uuid, String>, ApiError> {
    let me = backend.profile().await?;
    let accounts = backend.accounts(me.id).await?;
    Ok(accounts
        .into_iter()
        .map(|a| (a.account_id, a.account_name))
        .collect())
}

/// Learns GUID → name from tokens listed under an organization that target exactly one account.
pub fn learn_org_names(entries: &[TokenEntry], names: &mut HashMap<Uuid, String>) {
    for e in entries {
        if let Some([only]) = e.token.target_accounts.as_deref() {
            names
                .entry(*only)
                .or_insert_with(|| e.listed_in.to_string());
        }
    }
}

/// The label of a token for all organizations.
pub const GLOBAL_LABEL: &str = "All organizations";
/// The same, where the long one does not fit.
pub const GLOBAL_LABEL_SHORT: &str = "All orgs";

/// The label of a server's token for all its collections.
pub const ALL_COLLECTIONS_LABEL: &str = "All collections";

/// The organizations of a token by name ("All organizations" for a global one, "All
/// collections" on a server).
pub fn org_label(token: &PatToken, names: &HashMap<Uuid, String>) -> String {
    match &token.target_accounts {
        None if token.on_premises => ALL_COLLECTIONS_LABEL.to_owned(),
        None => GLOBAL_LABEL.to_owned(),
        Some(ids) => ids
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(valid_to: DateTime<Utc>) -> PatToken {
        PatToken {
            on_premises: false,
            authorization_id: Uuid::nil(),
            display_name: "t".into(),
            scope: "vso.code".into(),
            target_accounts: Some(vec![Uuid::from_u128(7)]),
            valid_from: valid_to - chrono::Duration::days(30),
            valid_to,
            token: None,
        }
    }

    #[test]
    fn status_at_a_fixed_clock() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let d = chrono::Duration::days;
        assert_eq!(
            TokenStatus::of(&token(now + d(30)), false, now),
            TokenStatus::Active
        );
        assert_eq!(
            TokenStatus::of(&token(now + d(3)), false, now),
            TokenStatus::Expiring { days: 3 }
        );
        assert_eq!(
            TokenStatus::of(&token(now - d(1)), false, now),
            TokenStatus::Expired
        );
        assert_eq!(
            TokenStatus::of(&token(now + d(30)), true, now),
            TokenStatus::Revoked
        );
        assert!(StatusView::Active.admits(TokenStatus::Expiring { days: 1 }));
        assert!(!StatusView::Expiring.admits(TokenStatus::Active));
        assert_eq!(StatusView::parse("Revoked"), Some(StatusView::Revoked));
    }

    #[test]
    fn global_tokens_count_down_to_the_cut_off_then_retire() {
        let cut = retirement::global_cutoff();
        let d = chrono::Duration::days;
        let mut g = token(cut + d(90));
        g.target_accounts = None;
        assert_eq!(
            TokenStatus::of(&g, false, cut - d(2)),
            TokenStatus::Expiring { days: 2 },
            "expiring at the cut-off, not at its validTo"
        );
        assert_eq!(TokenStatus::of(&g, false, cut - d(30)), TokenStatus::Active);
        assert_eq!(TokenStatus::of(&g, false, cut), TokenStatus::Retired);
        assert_eq!(TokenStatus::of(&g, true, cut), TokenStatus::Revoked);
        assert!(StatusView::Active.admits(TokenStatus::Retired));
        assert!(StatusView::Retired.admits(TokenStatus::Retired));
        assert!(!StatusView::Retired.admits(TokenStatus::Active));
        assert_eq!(TokenStatus::Retired.word(), "retired");
        assert_eq!(StatusView::parse("retired"), Some(StatusView::Retired));
    }

    #[test]
    fn org_labels_use_names() {
        let now = Utc::now();
        let mut names = HashMap::new();
        let e = TokenEntry {
            token: token(now),
            revoked: false,
            listed_in: "fabrikam".into(),
        };
        learn_org_names(std::slice::from_ref(&e), &mut names);
        assert_eq!(org_label(&e.token, &names), "fabrikam");
        let mut g = e.token.clone();
        g.target_accounts = None;
        assert_eq!(org_label(&g, &names), "All organizations");
    }
}
