//! The cloud backend: an async HTTP client for the PAT Lifecycle Management API (plus profile and
//! accounts), speaking to Azure DevOps Services or, in tests and the demo, to our simulator.
//!
//! One shared `reqwest::Client` (rustls, no redirects, connect and request timeouts). Every
//! request sends `X-TFS-FedAuthRedirect: Suppress` so an auth failure is a 401 rather than a
//! 203 sign-in page. GET and DELETE are retried on 429, 5xx and connection errors with bounded
//! exponential backoff that honours `Retry-After`; POST (create) is never retried, because a
//! retry could mint a second token. A 429 pauses every request of this client (shared across
//! concurrent workers) until its `Retry-After` has passed.

use crate::azure::backend::{Capabilities, PatBackend};
use crate::azure::error::{ApiError, MAX_BODY_BYTES};
use crate::azure::models::{
    Account, ConnectionData, ListQuery, PagedPatTokens, PatToken, PatTokenCreateRequest,
    PatTokenResult, PatTokenUpdateRequest, Profile, ValueList, VssError,
};
use crate::azure::token_source::AccessTokenSource;
use crate::secret::Secret;
use async_trait::async_trait;
use reqwest::{Method, StatusCode, Url, header};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
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
    http: reqwest::Client,
    opts: ClientOptions,
    auth: Arc<dyn AccessTokenSource>,
    /// Set by a 429: no request of this client starts before this instant.
    paused_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for AzureClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureClient")
            .field("endpoints", &self.opts.endpoints)
            .finish_non_exhaustive()
    }
}

/// Whether a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Idempotent {
    Yes,
    No,
}

impl AzureClient {
    /// Builds the client. Fails only if the TLS stack cannot start.
    pub fn new(opts: ClientOptions, auth: Arc<dyn AccessTokenSource>) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.request_timeout)
            .user_agent(concat!("patui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(Self {
            http,
            opts,
            auth,
            paused_until: Mutex::new(None),
        })
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

    async fn wait_if_paused(&self) {
        let until = self.paused_until.lock().map(|g| *g).unwrap_or(None);
        if let Some(t) = until {
            tokio::time::sleep_until(t).await;
        }
    }

    fn pause_for(&self, d: Duration) {
        if let Ok(mut g) = self.paused_until.lock() {
            let t = Instant::now() + d;
            if g.is_none_or(|cur| cur < t) {
                *g = Some(t);
            }
        }
    }

    /// Sends one request (with retries when idempotent) and returns the raw body of a 2xx.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>, ApiError> {
        let mut attempt = 1u32;
        let mut refreshed = false;
        loop {
            self.wait_if_paused().await;
            let result = self
                .send_once(method.clone(), url.clone(), body.clone())
                .await
                .and_then(|b| {
                    // A body cut short is transient for a request that may be repeated; a
                    // create's is reported as it is (the caller must not mint twice).
                    if idempotent == Idempotent::Yes {
                        check_complete(&b)?;
                    }
                    Ok(b)
                });
            match result {
                Ok(b) => return Ok(b),
                Err(e) if e.is_auth() && !refreshed && self.auth.refresh_after(&e).await => {
                    // A fresh access token is worth exactly one more try, for any method:
                    // a 401 means the request was not executed.
                    refreshed = true;
                    tracing::info!(%method, path = url.path(), "access token refreshed after 401");
                }
                // The first attempt may have acted before its answer was lost (a 5xx or a
                // timeout after the service revoked): "not found" on a retried DELETE is done.
                Err(e) if method == Method::DELETE && attempt > 1 && e.is_token_not_found() => {
                    tracing::info!(path = url.path(), attempt, "retried DELETE: already gone");
                    return Ok(Vec::new());
                }
                Err(e) => {
                    if let ApiError::RateLimited {
                        retry_after: Some(d),
                    } = &e
                    {
                        self.pause_for((*d).min(self.opts.retry.max_delay));
                    }
                    let retryable = idempotent == Idempotent::Yes && e.is_transient();
                    if !retryable || attempt >= self.opts.retry.max_attempts {
                        return Err(e);
                    }
                    let delay = self.opts.retry.delay(attempt, &e);
                    tracing::warn!(%method, path = url.path(), attempt, kind = e.kind(), ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn send_once(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ApiError> {
        let token = self.auth.access_token().await?;
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .header("X-TFS-FedAuthRedirect", "Suppress")
            .header(header::ACCEPT, "application/json")
            .bearer_auth(token.expose());
        if let Some(b) = body {
            req = req.header(header::CONTENT_TYPE, "application/json").body(b);
        }
        let resp = req.send().await.map_err(map_transport_error)?;
        let status = resp.status();
        tracing::debug!(%method, path = url.path(), status = status.as_u16(), "response");
        let retry_after = parse_retry_after(resp.headers());
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let body = read_capped(resp).await?;
        classify(status, &content_type, retry_after, body)
    }

    async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, ApiError> {
        let body = self.send(Method::GET, url, None, Idempotent::Yes).await?;
        decode(&body)
    }
}

fn map_transport_error(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        ApiError::Timeout
    } else if e.is_body() || e.is_decode() {
        ApiError::Truncated(format!("the response body broke off: {}", error_chain(&e)))
    } else {
        ApiError::Network(error_chain(&e))
    }
}

/// The error and its causes, without the URL's query (which carries nothing secret, but is long).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let cs = c.to_string();
        if !s.contains(&cs) {
            s.push_str(": ");
            s.push_str(&cs);
        }
        cur = c.source();
    }
    s
}

fn parse_retry_after(h: &header::HeaderMap) -> Option<Duration> {
    let v = h.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(3600.0)));
        }
        return None;
    }
    // HTTP-date form.
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(ApiError::Malformed(format!(
            "the response is larger than {} MiB",
            MAX_BODY_BYTES / (1024 * 1024)
        )));
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(map_transport_error)? {
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::Malformed(format!(
                "the response is larger than {} MiB",
                MAX_BODY_BYTES / (1024 * 1024)
            )));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

fn looks_like_html(content_type: &str, body: &[u8]) -> bool {
    if content_type.contains("html") {
        return true;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    let t = head.trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html")
}

/// Maps status, content type and body to a body or an [`ApiError`].
fn classify(
    status: StatusCode,
    content_type: &str,
    retry_after: Option<Duration>,
    body: Vec<u8>,
) -> Result<Vec<u8>, ApiError> {
    let code = status.as_u16();
    if status == StatusCode::NON_AUTHORITATIVE_INFORMATION {
        return Err(ApiError::Auth {
            status: code,
            detail: "the service answered with a sign-in page (203): the access token is missing, expired or for the wrong tenant".into(),
        });
    }
    if status.is_redirection() {
        return Err(ApiError::Auth {
            status: code,
            detail: format!("the service redirected ({code}) to a sign-in page"),
        });
    }
    if status.is_success() {
        if !body.is_empty() && !content_type.is_empty() && !content_type.contains("json") {
            return Err(if looks_like_html(content_type, &body) {
                ApiError::Auth {
                    status: code,
                    detail:
                        "the service answered with an HTML page instead of JSON (a sign-in page?)"
                            .into(),
                }
            } else {
                ApiError::Malformed(format!("expected JSON, got {content_type}"))
            });
        }
        if looks_like_html(content_type, &body) {
            return Err(ApiError::Auth {
                status: code,
                detail: "the service answered with an HTML page instead of JSON (a sign-in page?)"
                    .into(),
            });
        }
        // A patTokenError other than none is an error in any answer, a list's included.
        if let Some(e) = pat_error_in(&body) {
            return Err(e);
        }
        return Ok(body);
    }
    let message = server_message(&body);
    if message
        .as_deref()
        .is_some_and(|m| m.contains("Service principals are not allowed"))
    {
        return Err(ApiError::Forbidden(
            "service principals and managed identities cannot manage personal access tokens; sign in as a user (patui login, or az login with a user account)".into(),
        ));
    }
    // A PatTokenResult with an error can come with 400 (or other 4xx).
    if let Some(e) = pat_error_in(&body) {
        return Err(e);
    }
    Err(match code {
        401 => ApiError::Auth {
            status: code,
            detail: message.unwrap_or_else(|| "the access token was refused (401)".into()),
        },
        403 => ApiError::Forbidden(message.unwrap_or_else(|| "access denied (403)".into())),
        404 => ApiError::NotFound(
            message.unwrap_or_else(|| "the organization or token does not exist (404)".into()),
        ),
        429 => ApiError::RateLimited { retry_after },
        500..=599 => ApiError::Server {
            status: code,
            message: message.unwrap_or_else(|| status_text(status)),
        },
        _ => ApiError::BadRequest {
            status: code,
            message: message.unwrap_or_else(|| status_text(status)),
        },
    })
}

fn status_text(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("unexpected status")
        .to_owned()
}

/// The VSS error message of a JSON error body, if any (HTML bodies are not quoted).
fn server_message(body: &[u8]) -> Option<String> {
    let e: VssError = serde_json::from_slice(body).ok()?;
    let m = e.message.trim();
    if m.is_empty() {
        None
    } else {
        Some(m.chars().take(500).collect())
    }
}

fn pat_error_in(body: &[u8]) -> Option<ApiError> {
    const FIELD: &[u8] = b"patTokenError";
    if !body
        .windows(FIELD.len())
        .any(|w| w.eq_ignore_ascii_case(FIELD))
    {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("patTokenError")?;
    let r: PatTokenResult = serde_json::from_value(v).ok()?;
    (!r.pat_token_error.is_none()).then_some(ApiError::Policy {
        code: r.pat_token_error,
        server_message: r.pat_token_error_message,
    })
}

/// A non-empty JSON body that ends before its value does is [`ApiError::Truncated`].
fn check_complete(body: &[u8]) -> Result<(), ApiError> {
    if body.is_empty() {
        return Ok(());
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Err(e) if e.is_eof() => Err(ApiError::Truncated(format!(
            "the response was cut short ({e})"
        ))),
        _ => Ok(()),
    }
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::Malformed("the response body is empty".into()));
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_eof() {
            ApiError::Truncated(format!("the response was cut short ({e})"))
        } else {
            ApiError::Malformed(e.to_string())
        }
    })
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
    use crate::azure::pat_error::PatTokenError;

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

    #[test]
    fn classify_maps_every_class() {
        let ok = classify(StatusCode::OK, "application/json", None, b"{}".to_vec());
        assert!(ok.is_ok());
        let html = b"<html><body>Sign in</body></html>".to_vec();
        assert!(matches!(
            classify(
                StatusCode::NON_AUTHORITATIVE_INFORMATION,
                "text/html",
                None,
                html.clone()
            ),
            Err(ApiError::Auth { status: 203, .. })
        ));
        assert!(matches!(
            classify(StatusCode::OK, "text/html", None, html),
            Err(ApiError::Auth { .. })
        ));
        assert!(matches!(
            classify(StatusCode::FOUND, "", None, vec![]),
            Err(ApiError::Auth { status: 302, .. })
        ));
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, "application/json", None, br#"{"message":"TF400813: no"}"#.to_vec()),
            Err(ApiError::Auth { detail, .. }) if detail.contains("TF400813")
        ));
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, "", None, vec![]),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, "", None, vec![]),
            Err(ApiError::NotFound(_))
        ));
        assert_eq!(
            classify(
                StatusCode::TOO_MANY_REQUESTS,
                "",
                Some(Duration::from_secs(3)),
                vec![]
            ),
            Err(ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(3))
            })
        );
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, "", None, vec![]),
            Err(ApiError::Server { status: 502, .. })
        ));
        let policy = br#"{"patToken":null,"patTokenError":"patLifespanPolicyViolation"}"#.to_vec();
        assert_eq!(
            classify(StatusCode::BAD_REQUEST, "application/json", None, policy)
                .unwrap_err()
                .pat_error(),
            Some(&PatTokenError::PatLifespanPolicyViolation)
        );
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, "application/json", None, br#"{"message":"bad"}"#.to_vec()),
            Err(ApiError::BadRequest { status: 400, message }) if message == "bad"
        ));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let mut h = header::HeaderMap::new();
        h.insert(header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(header::RETRY_AFTER, "garbage".parse().unwrap());
        assert_eq!(parse_retry_after(&h), None);
        h.insert(
            header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn truncated_json_is_malformed() {
        let e = decode::<PagedPatTokens>(br#"{"patTokens":[{"authoriz"#).unwrap_err();
        assert!(matches!(e, ApiError::Truncated(m) if m.contains("cut short")));
        assert!(check_complete(br#"{"patTokens":[{"authoriz"#).is_err());
        assert!(check_complete(br#"{"patTokens":[]}"#).is_ok());
        assert!(check_complete(b"").is_ok());
    }

    #[test]
    fn a_pat_token_error_in_a_200_is_an_error_even_in_a_list() {
        let body = br#"{"patToken":null,"patTokenError":"accessDenied"}"#.to_vec();
        let e = classify(StatusCode::OK, "application/json", None, body).unwrap_err();
        assert_eq!(e.pat_error(), Some(&PatTokenError::AccessDenied));
        let body = br#"{"patToken":null,"patTokenError":"none"}"#.to_vec();
        assert!(classify(StatusCode::OK, "application/json", None, body).is_ok());
        let body = br#"{"patTokens":[],"patTokenError":null}"#.to_vec();
        assert!(classify(StatusCode::OK, "application/json", None, body).is_ok());
    }
}
