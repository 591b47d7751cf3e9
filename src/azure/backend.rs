//! The small trait every service backend implements: the cloud PAT lifecycle API today, the
//! on-premises session-token API later. Screens and commands only ever see this trait.

use crate::azure::error::ApiError;
use crate::azure::models::{
    Account, ListQuery, PagedPatTokens, PatToken, PatTokenCreateRequest, PatTokenUpdateRequest,
    Profile,
};
use async_trait::async_trait;
use uuid::Uuid;

/// What a backend can do; screens hide the keys of what it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub update: bool,
    pub global_tokens: bool,
    pub profile: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self {
            update: true,
            global_tokens: true,
            profile: true,
        }
    }
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
}

/// Fetches every page of a list, calling `on_page(pages_done)` after each page.
pub async fn list_all(
    backend: &dyn PatBackend,
    org: &str,
    query: ListQuery,
    mut on_page: impl FnMut(usize) + Send,
) -> Result<Vec<PatToken>, ApiError> {
    let mut all = Vec::new();
    let mut continuation: Option<String> = None;
    let mut pages = 0usize;
    loop {
        let page = backend
            .list_page(org, query, continuation.as_deref())
            .await?;
        pages += 1;
        on_page(pages);
        let next = page.next().map(str::to_owned);
        all.extend(page.pat_tokens);
        match next {
            // A server that hands back the same token forever would loop us forever.
            Some(t) if Some(&t) == continuation.as_ref() => {
                return Err(ApiError::Malformed(
                    "the service repeated a continuation token".into(),
                ));
            }
            Some(t) => continuation = Some(t),
            None => return Ok(all),
        }
    }
}
