//! The cloud backend: an async HTTP client for the PAT Lifecycle Management API (plus profile and
//! accounts), speaking to Azure DevOps Services or, in tests and the demo, to our simulator.
//!
//! Requests go through the shared [`Transport`]: GET, PUT and DELETE are retried on 429, 5xx and
//! connection errors; POST (create) is never retried, because a retry could mint a second token.

use crate::azure::backend::{Capabilities, PatBackend};
use crate::azure::error::ApiError;
use crate::azure::models::{
    Account, ConnectionData, ListQuery, PagedPatTokens, PatToken, PatTokenCreateRequest,
    PatTokenResult, PatTokenUpdateRequest, Profile, ValueList,
};
use crate::azure::token_source::AccessTokenSource;
use crate::azure::transport::{
    Idempotent, Transport, check_complete, classify, decode, map_transport_error,
    parse_retry_after, pat_error_in, read_capped,
};
use crate::secret::Secret;
use async_trait::async_trait;
use reqwest::{Method, StatusCode, Url, header};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// api-version of create, get, update and revoke. 7.2 is what Microsoft's own Go SDK sends for
/// these calls, and patui relies on what 7.2 adds: `patTokenErrorMessage` (the policy's own
/// words) and the newer `patTokenError` values (`globalPATCreationBlocked`,
/// `expiredPatCannotBeExtended`, …).
pub const TOKENS_API_VERSION: &str = "7.2-preview.1";
/// api-version of list. The Go SDK sends 7.1 here; the list's shape is the same in both, and 7.1
/// is the version whose paging (`continuationToken`, `$top` ≤ 100) is documented and examples
/// exist for.
pub const TOKENS_LIST_API_VERSION: &str = "7.1-preview.1";
/// api-version of profile and accounts.
pub const PROFILE_API_VERSION: &str = "7.1";
/// Default org-level host of the tokens API.
pub const DEFAULT_TOKENS_HOST: &str = "https://vssps.dev.azure.com";
/// The organizations' host of Azure DevOps Services (`https://dev.azure.com/{org}`): tenant
/// discovery asks it which Entra tenant backs an organization.
pub const DEFAULT_ORG_HOST: &str = "https://dev.azure.com";
/// Default global host of profile and accounts.
pub const DEFAULT_PROFILE_HOST: &str = "https://app.vssps.visualstudio.com";
/// Page size of list requests (the service's limit).
pub const PAGE_SIZE: u32 = 100;

/// Where the service lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Base for `{org}/_apis/tokens/pats` (vssps.dev.azure.com).
    pub tokens: Url,
    /// Base for `_apis/profile` and `_apis/accounts` (app.vssps.visualstudio.com).
    pub profile: Url,
}

impl Endpoints {
    /// The real Azure DevOps Services hosts.
    pub fn cloud() -> Self {
        Self {
            tokens: parse_base(DEFAULT_TOKENS_HOST).unwrap_or_else(|_| unreachable_url()),
            profile: parse_base(DEFAULT_PROFILE_HOST).unwrap_or_else(|_| unreachable_url()),
        }
    }

    /// One URL that replaces every Azure DevOps host (`--service-url`). Plain http is only
    /// allowed to a loopback host.
    pub fn single(service_url: &str) -> Result<Self, ApiError> {
        let url = parse_base(service_url)?;
        Ok(Self {
            tokens: url.clone(),
            profile: url,
        })
    }
}

fn unreachable_url() -> Url {
    // The constants above are valid URLs; this is never reached.
    Url::parse("https://invalid.invalid/").unwrap_or_else(|_| panic!("static URL"))
}

/// Parses a base URL and enforces HTTPS for anything that is not loopback.
pub fn parse_base(s: &str) -> Result<Url, ApiError> {
    let mut url = Url::parse(s.trim())
        .map_err(|e| ApiError::Config(format!("the service URL {s:?} is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ApiError::Config(format!(
                "refusing plain http to {}: use https (plain http is only allowed to loopback)",
                url.host_str().unwrap_or("?")
            )));
        }
        other => {
            return Err(ApiError::Config(format!(
                "the service URL must be https, not {other}"
            )));
        }
    }
    if url.host_str().is_none() {
        return Err(ApiError::Config(format!(
            "the service URL {s:?} has no host"
        )));
    }
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// How GET and DELETE are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled each time.
    pub base_delay: Duration,
    /// Cap of one delay (Retry-After included).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1-based), given the error that caused it.
    pub fn delay(&self, retry: u32, err: &ApiError) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let wanted = match err {
            ApiError::RateLimited {
                retry_after: Some(d),
            } => (*d).max(exp),
            _ => exp,
        };
        wanted.min(self.max_delay)
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub endpoints: Endpoints,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            endpoints: Endpoints::cloud(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }
}

/// The Azure DevOps Services backend.
pub struct AzureClient {
    transport: Transport,
    opts: ClientOptions,
}

impl std::fmt::Debug for AzureClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureClient")
            .field("endpoints", &self.opts.endpoints)
            .finish_non_exhaustive()
    }
}

impl AzureClient {
    /// Builds the client. Fails only if the TLS stack cannot start.
    pub fn new(opts: ClientOptions, auth: Arc<dyn AccessTokenSource>) -> Result<Self, ApiError> {
        let transport =
            Transport::new(opts.connect_timeout, opts.request_timeout, opts.retry, auth)?;
        Ok(Self { transport, opts })
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.opts.endpoints
    }

    fn pats_url(&self, org: &str) -> Result<Url, ApiError> {
        self.pats_url_at(org, TOKENS_API_VERSION)
    }

    fn pats_url_at(&self, org: &str, api_version: &str) -> Result<Url, ApiError> {
        let org = org.trim();
        if org.is_empty() || org.contains(['/', '?', '#']) {
            return Err(ApiError::Config(format!(
                "{org:?} is not a valid organization name"
            )));
        }
        let mut url = self.opts.endpoints.tokens.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::Config("the service URL cannot be a base".into()))?
            .pop_if_empty()
            .extend([org, "_apis", "tokens", "pats"]);
        url.query_pairs_mut()
            .append_pair("api-version", api_version);
        Ok(url)
    }

    fn profile_url(&self, path: &[&str]) -> Result<Url, ApiError> {
        let mut url = self.opts.endpoints.profile.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::Config("the service URL cannot be a base".into()))?
            .pop_if_empty()
            .extend(path);
        url.query_pairs_mut()
            .append_pair("api-version", PROFILE_API_VERSION);
        Ok(url)
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>, ApiError> {
        self.transport.send(method, url, body, idempotent).await
    }

    async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, ApiError> {
        self.transport.get_json(url).await
    }
}

/// Unpacks a `PatTokenResult`: an error inside a 200 becomes [`ApiError::Policy`].
fn unpack(result: PatTokenResult) -> Result<PatToken, ApiError> {
    if !result.pat_token_error.is_none() {
        return Err(ApiError::Policy {
            code: result.pat_token_error,
            server_message: result.pat_token_error_message,
        });
    }
    result.pat_token.ok_or_else(|| {
        ApiError::Malformed("the service returned neither a token nor an error".into())
    })
}

#[async_trait]
impl PatBackend for AzureClient {
    async fn list_page(
        &self,
        org: &str,
        query: ListQuery,
        continuation: Option<&str>,
    ) -> Result<PagedPatTokens, ApiError> {
        let mut url = self.pats_url_at(org, TOKENS_LIST_API_VERSION)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("displayFilterOption", query.filter.as_query())
                .append_pair("sortByOption", query.sort.as_query())
                .append_pair(
                    "isSortAscending",
                    if query.ascending { "true" } else { "false" },
                )
                .append_pair("$top", &PAGE_SIZE.to_string());
            if let Some(c) = continuation {
                q.append_pair("continuationToken", c);
            }
        }
        self.get_json(url).await
    }

    async fn get(&self, org: &str, id: Uuid) -> Result<PatToken, ApiError> {
        let mut url = self.pats_url(org)?;
        url.query_pairs_mut()
            .append_pair("authorizationId", &id.to_string());
        let result: PatTokenResult = self.get_json(url).await?;
        unpack(result)
    }

    async fn create(&self, org: &str, req: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
        let url = self.pats_url(org)?;
        let body = serde_json::to_vec(req).map_err(|e| ApiError::Config(e.to_string()))?;
        let mut resp = self
            .send(Method::POST, url, Some(body), Idempotent::No)
            .await?;
        let parsed = decode(&resp);
        // The body holds the token's value: overwrite it now rather than leave it in freed
        // memory (the value lives on in a zeroizing Secret).
        zeroize::Zeroize::zeroize(&mut resp);
        let token = unpack(parsed?)?;
        if token.token.as_ref().is_none_or(Secret::is_empty) {
            return Err(ApiError::Malformed(
                "the service created a token but did not return its value".into(),
            ));
        }
        Ok(token)
    }

    async fn update(&self, org: &str, req: &PatTokenUpdateRequest) -> Result<PatToken, ApiError> {
        let url = self.pats_url(org)?;
        let body = serde_json::to_vec(req).map_err(|e| ApiError::Config(e.to_string()))?;
        // PUT with the full values is idempotent.
        let resp = self
            .send(Method::PUT, url, Some(body), Idempotent::Yes)
            .await?;
        unpack(decode(&resp)?)
    }

    async fn revoke(&self, org: &str, id: Uuid) -> Result<(), ApiError> {
        let mut url = self.pats_url(org)?;
        url.query_pairs_mut()
            .append_pair("authorizationId", &id.to_string());
        let body = self
            .send(Method::DELETE, url, None, Idempotent::Yes)
            .await?;
        // Any 2xx is success; an error can still hide in a JSON body.
        if let Some(e) = pat_error_in(&body) {
            return Err(e);
        }
        Ok(())
    }

    async fn profile(&self) -> Result<Profile, ApiError> {
        let url = self.profile_url(&["_apis", "profile", "profiles", "me"])?;
        self.get_json(url).await
    }

    async fn accounts(&self, member_id: Uuid) -> Result<Vec<Account>, ApiError> {
        let mut url = self.profile_url(&["_apis", "accounts"])?;
        url.query_pairs_mut()
            .append_pair("memberId", &member_id.to_string());
        let list: ValueList<Account> = self.get_json(url).await?;
        Ok(list.value)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
}

/// Checks that a PAT authenticates against `GET {base}/{org}/_apis/connectionData` (HTTP Basic).
/// Used by `patui doctor` and by tests that prove a copied token works.
pub async fn check_pat(base: &Url, org: &str, pat: &Secret) -> Result<ConnectionData, ApiError> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| ApiError::Config(e.to_string()))?;
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|_| ApiError::Config("the service URL cannot be a base".into()))?
        .pop_if_empty()
        .extend([org, "_apis", "connectionData"]);
    let resp = http
        .get(url)
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .basic_auth("", Some(pat.expose()))
        .send()
        .await
        .map_err(map_transport_error)?;
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let ra = parse_retry_after(resp.headers());
    let body = read_capped(resp).await?;
    decode(&classify(status, &ct, ra, body)?)
}

/// The whole body path of a response without the network, for the fuzz targets and property
/// tests: status, content type and body are classified as [`AzureClient`] does, a 2xx body is
/// checked for truncation, and then decoded as every answer the client reads (a list page, a
/// `PatTokenResult`, the profile, the accounts, connectionData). Returns the classified body.
/// An invalid status code (outside 100..=999) is [`ApiError::Malformed`].
#[doc(hidden)]
pub fn parse_body_for_fuzz(
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<Vec<u8>, ApiError> {
    let status = StatusCode::from_u16(status).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let body = classify(
        status,
        &content_type.to_ascii_lowercase(),
        None,
        body.to_vec(),
    )?;
    check_complete(&body)?;
    let _ = decode::<PagedPatTokens>(&body);
    let _ = decode::<PatTokenResult>(&body).and_then(unpack);
    let _ = decode::<Profile>(&body);
    let _ = decode::<ValueList<Account>>(&body);
    let _ = decode::<ConnectionData>(&body);
    let _ = pat_error_in(&body);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_off_loopback() {
        assert!(parse_base("https://vssps.dev.azure.com").is_ok());
        assert!(parse_base("http://127.0.0.1:8080").is_ok());
        assert!(parse_base("http://localhost:1").is_ok());
        assert!(parse_base("http://[::1]:1").is_ok());
        let e = parse_base("http://example.com").unwrap_err();
        assert!(e.to_string().contains("refusing plain http"), "{e}");
        assert!(parse_base("ftp://x").is_err());
        assert!(parse_base("not a url").is_err());
    }

    #[test]
    fn base_gets_a_trailing_slash_and_paths_join() {
        let b = parse_base("http://127.0.0.1:9/prefix").unwrap();
        assert_eq!(b.as_str(), "http://127.0.0.1:9/prefix/");
    }

    #[test]
    fn backoff_is_bounded_and_honours_retry_after() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        };
        let net = ApiError::Network("x".into());
        assert_eq!(p.delay(1, &net), Duration::from_millis(100));
        assert_eq!(p.delay(3, &net), Duration::from_millis(400));
        assert_eq!(p.delay(30, &net), Duration::from_secs(2));
        let rl = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(p.delay(1, &rl), Duration::from_secs(1));
        let rl = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(60)),
        };
        assert_eq!(p.delay(1, &rl), Duration::from_secs(2));
    }
}
