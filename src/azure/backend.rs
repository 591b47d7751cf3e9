//! The small trait every service backend implements: the cloud PAT lifecycle API
//! ([`crate::azure::AzureClient`]) and the on-premises session-token API
//! ([`crate::azure::server::ServerClient`]). Screens and commands only ever see this trait, and
//! ask its [`Capabilities`] before they offer an action.

use crate::azure::error::ApiError;
use crate::azure::models::{
    Account, ListQuery, PagedPatTokens, PatToken, PatTokenCreateRequest, PatTokenUpdateRequest,
    Profile,
};
use async_trait::async_trait;
use uuid::Uuid;

/// What a backend can do; screens hide the keys of what it cannot, and say why on a press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Create a token (and so regenerate, rotate and renew, which create one).
    pub create: bool,
    /// Change a token's name, scopes or expiry.
    pub update: bool,
    /// Tokens for every organization (collection) at once.
    pub global_tokens: bool,
    /// Those are the cloud's global PATs, which Microsoft retires (see
    /// [`crate::ops::retirement`]); a server's all-collections tokens are not.
    pub retiring_global_tokens: bool,
    pub profile: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self {
            create: true,
            update: true,
            global_tokens: true,
            retiring_global_tokens: true,
            profile: true,
        }
    }
}

/// The token a backend signs in with, among those it manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInToken {
    /// The sign-in is not a PAT (the cloud's Entra sign-in).
    NotAToken,
    /// A PAT, and this is its id.
    Known(uuid::Uuid),
    /// A PAT, but which one is not known.
    Unknown,
}

/// An operation a backend may be unable to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

/// A PAT service. `org` is the organization (cloud) or collection (on-premises) name.
#[async_trait]
pub trait PatBackend: Send + Sync + 'static {
    /// One page of the list; `continuation` is the previous page's token.
    async fn list_page(
        &self,
        org: &str,
        query: ListQuery,
        continuation: Option<&str>,
    ) -> Result<PagedPatTokens, ApiError>;

    /// One token by id.
    async fn get(&self, org: &str, id: Uuid) -> Result<PatToken, ApiError>;

    /// Mints a token. The result carries the value (`token`) exactly once. Never retried.
    async fn create(&self, org: &str, req: &PatTokenCreateRequest) -> Result<PatToken, ApiError>;

    /// Changes name, scopes or expiry.
    async fn update(&self, org: &str, req: &PatTokenUpdateRequest) -> Result<PatToken, ApiError>;

    /// Revokes one token.
    async fn revoke(&self, org: &str, id: Uuid) -> Result<(), ApiError>;

    /// The signed-in user.
    async fn profile(&self) -> Result<Profile, ApiError>;

    /// The organizations the user belongs to.
    async fn accounts(&self, member_id: Uuid) -> Result<Vec<Account>, ApiError>;

    /// What this backend supports.
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// Why this backend cannot do `op` (a sentence for the user), or `None` when it can.
    fn refusal(&self, op: Operation) -> Option<String> {
        let c = self.capabilities();
        let can = match op {
            Operation::Create => c.create,
            Operation::Update => c.update,
        };
        (!can).then(|| "this service does not support that".to_owned())
    }

    /// Whether this backend signs in with one of the tokens it manages (a PAT), and which:
    /// revoke-all revokes that one last.
    fn sign_in_token(&self) -> SignInToken {
        SignInToken::NotAToken
    }

    /// How the backend signed in, when that is more than its sign-in source says (a server's
    /// Windows sign-in, and why it was not used).
    fn sign_in_summary(&self) -> Option<String> {
        None
    }

    /// A short name of the service for the header ("Azure DevOps Server 2022"); `None` for the
    /// cloud.
    fn describe(&self) -> Option<String> {
        None
    }

    /// The scope picker's groups.
    fn scope_groups(&self) -> &'static [crate::azure::scopes::ScopeGroup] {
        crate::azure::scopes::GROUPS
    }

    /// The lifespans (days) the service's own web page offers, when they differ from the cloud's.
    fn lifespan_days(&self) -> Option<&'static [u32]> {
        None
    }

    /// What an organization is called here: "organization", or "collection" on a server.
    fn org_word(&self) -> &'static str {
        "organization"
    }
}

/// The most pages one list may take (100,000 tokens at 100 a page, far beyond any real account).
/// A server that never stops handing out new continuation tokens is cut off here.
pub const MAX_LIST_PAGES: usize = 1_000;

/// Fetches every page of a list, calling `on_page(pages_done)` after each page.
pub async fn list_all(
    backend: &dyn PatBackend,
    org: &str,
    query: ListQuery,
    mut on_page: impl FnMut(usize) + Send,
) -> Result<Vec<PatToken>, ApiError> {
    let mut all = Vec::new();
    list_each(backend, org, query, |pages, tokens| {
        on_page(pages);
        all.extend(tokens);
    })
    .await?;
    Ok(all)
}

/// Fetches every page of a list and hands each page's tokens to `on_page(pages_done, tokens)`
/// as it arrives (nothing is kept here). Stops with an error when the server repeats any
/// continuation token (a loop) or passes [`MAX_LIST_PAGES`]. One organization's pages are
/// fetched in order: each continuation token comes from the page before.
pub async fn list_each(
    backend: &dyn PatBackend,
    org: &str,
    query: ListQuery,
    mut on_page: impl FnMut(usize, Vec<PatToken>) + Send,
) -> Result<usize, ApiError> {
    let mut continuation: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0usize;
    let mut count = 0usize;
    loop {
        let page = backend
            .list_page(org, query, continuation.as_deref())
            .await?;
        pages += 1;
        let next = page.next().map(str::to_owned);
        count += page.pat_tokens.len();
        on_page(pages, page.pat_tokens);
        match next {
            None => return Ok(count),
            // A server that hands back a token it gave before would loop us forever.
            Some(t) if !seen.insert(t.clone()) => {
                return Err(ApiError::Malformed(
                    "the service repeated a continuation token (the list would never end)".into(),
                ));
            }
            Some(_) if pages >= MAX_LIST_PAGES => {
                return Err(ApiError::Malformed(format!(
                    "the service kept sending pages: stopped after {MAX_LIST_PAGES} pages ({count} tokens)"
                )));
            }
            Some(t) => continuation = Some(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A server that hands out a fresh continuation token with every page, forever.
    struct EndlessPages(AtomicUsize);

    #[async_trait]
    impl PatBackend for EndlessPages {
        async fn list_page(
            &self,
            _org: &str,
            _query: ListQuery,
            _continuation: Option<&str>,
        ) -> Result<PagedPatTokens, ApiError> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Ok(PagedPatTokens {
                continuation_token: Some(format!("page-{n}")),
                pat_tokens: Vec::new(),
            })
        }
        async fn get(&self, _: &str, _: Uuid) -> Result<PatToken, ApiError> {
            Err(ApiError::Config("unused".into()))
        }
        async fn create(&self, _: &str, _: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
            Err(ApiError::Config("unused".into()))
        }
        async fn update(&self, _: &str, _: &PatTokenUpdateRequest) -> Result<PatToken, ApiError> {
            Err(ApiError::Config("unused".into()))
        }
        async fn revoke(&self, _: &str, _: Uuid) -> Result<(), ApiError> {
            Err(ApiError::Config("unused".into()))
        }
        async fn profile(&self) -> Result<Profile, ApiError> {
            Err(ApiError::Config("unused".into()))
        }
        async fn accounts(&self, _: Uuid) -> Result<Vec<Account>, ApiError> {
            Err(ApiError::Config("unused".into()))
        }
    }

    #[tokio::test]
    async fn ever_new_continuation_tokens_stop_at_the_page_limit() {
        let b = EndlessPages(AtomicUsize::new(0));
        let e = list_all(&b, "o", ListQuery::default(), |_| {})
            .await
            .unwrap_err();
        assert!(e.to_string().contains("stopped after"), "{e}");
        assert_eq!(b.0.load(Ordering::SeqCst), MAX_LIST_PAGES);
    }
}
