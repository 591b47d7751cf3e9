//! The HTTP transport both backends share: one `reqwest::Client` (rustls, no redirects, connect
//! and request timeouts), the Authorization header from an [`AccessTokenSource`], retries with
//! bounded exponential backoff that honours `Retry-After` for idempotent requests only, a shared
//! pause after a 429, a body size cap, and the mapping of status, content type and body to
//! [`ApiError`]. Every request sends `X-TFS-FedAuthRedirect: Suppress` so an auth failure is a
//! 401 rather than a 203 sign-in page (the cloud and Azure DevOps Server both honour it).

use crate::azure::client::RetryPolicy;
use crate::azure::error::{ApiError, MAX_BODY_BYTES};
use crate::azure::models::{PatTokenResult, VssError};
use crate::azure::token_source::AccessTokenSource;
use reqwest::{Method, StatusCode, Url, header};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Whether a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotent {
    Yes,
    No,
}

/// Sends requests for a backend.
pub struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
    auth: Arc<dyn AccessTokenSource>,
    /// Set by a 429: no request of this transport starts before this instant.
    paused_until: Mutex<Option<Instant>>,
    /// A server's Windows sign-in (Kerberos, NTLM), tried before `auth`.
    windows: Option<Arc<crate::auth::windows::WindowsSignIn>>,
}

impl Transport {
    /// Builds the transport. Fails only if the TLS stack cannot start.
    pub fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        retry: RetryPolicy,
        auth: Arc<dyn AccessTokenSource>,
    ) -> Result<Self, ApiError> {
        Self::with_roots(connect_timeout, request_timeout, retry, auth, &[])
    }

    /// [`Transport::new`], trusting the certificate authorities in `extra_roots` (PEM) besides
    /// the built-in ones.
    pub fn with_roots(
        connect_timeout: Duration,
        request_timeout: Duration,
        retry: RetryPolicy,
        auth: Arc<dyn AccessTokenSource>,
        extra_roots: &[reqwest::Certificate],
    ) -> Result<Self, ApiError> {
        Self::build(
            connect_timeout,
            request_timeout,
            retry,
            auth,
            extra_roots,
            None,
        )
    }

    /// [`Transport::with_roots`] for a server that may sign in with Windows: requests go one at
    /// a time over HTTP/1.1 with one kept-alive connection, so NTLM's legs share it.
    pub fn with_windows_sign_in(
        connect_timeout: Duration,
        request_timeout: Duration,
        retry: RetryPolicy,
        auth: Arc<dyn AccessTokenSource>,
        extra_roots: &[reqwest::Certificate],
        windows: Arc<crate::auth::windows::WindowsSignIn>,
    ) -> Result<Self, ApiError> {
        Self::build(
            connect_timeout,
            request_timeout,
            retry,
            auth,
            extra_roots,
            Some(windows),
        )
    }

    fn build(
        connect_timeout: Duration,
        request_timeout: Duration,
        retry: RetryPolicy,
        auth: Arc<dyn AccessTokenSource>,
        extra_roots: &[reqwest::Certificate],
        windows: Option<Arc<crate::auth::windows::WindowsSignIn>>,
    ) -> Result<Self, ApiError> {
        let mut builder = reqwest::Client::builder();
        for c in extra_roots {
            builder = builder.add_root_certificate(c.clone());
        }
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .user_agent(concat!("patui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(Self {
            http,
            retry,
            auth,
            paused_until: Mutex::new(None),
            windows,
        })
    }

    /// The Windows sign-in, for a server that has one.
    pub fn windows(&self) -> Option<&Arc<crate::auth::windows::WindowsSignIn>> {
        self.windows.as_ref()
    }

    /// Where the credentials come from.
    pub fn auth(&self) -> &Arc<dyn AccessTokenSource> {
        &self.auth
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
    pub async fn send(
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
                        self.pause_for((*d).min(self.retry.max_delay));
                    }
                    let retryable = idempotent == Idempotent::Yes && e.is_transient();
                    if !retryable || attempt >= self.retry.max_attempts {
                        return Err(e);
                    }
                    let delay = self.retry.delay(attempt, &e);
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
        let build = |auth: Option<header::HeaderValue>| {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header("X-TFS-FedAuthRedirect", "Suppress")
                .header(header::ACCEPT, "application/json");
            if let Some(a) = auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            if let Some(b) = &body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            req
        };
        // A Windows sign-in's legs of one request must not interleave with another request's.
        let _turn = match &self.windows {
            Some(w) => Some(w.exclusive().await),
            None => None,
        };
        let resp = match &self.windows {
            Some(w) => w.send(&build, self.auth.as_ref()).await?,
            None => {
                let token = self.auth.access_token().await?;
                build(Some(authorization_header(self.auth.as_ref(), &token)?))
                    .send()
                    .await
                    .map_err(map_transport_error)?
            }
        };
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
        match (
            classify(status, &content_type, retry_after, body),
            &self.windows,
        ) {
            (Err(e @ ApiError::Auth { .. }), Some(w)) => {
                Err(crate::auth::windows::with_reasons(e, &w.status().skipped))
            }
            (r, _) => r,
        }
    }

    pub async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, ApiError> {
        let body = self.send(Method::GET, url, None, Idempotent::Yes).await?;
        decode(&body)
    }
}

/// The Authorization header value, marked sensitive (hidden from reqwest's Debug output).
fn authorization_header(
    auth: &dyn AccessTokenSource,
    token: &crate::secret::Secret,
) -> Result<header::HeaderValue, ApiError> {
    let value = auth.authorization(token);
    let mut v = header::HeaderValue::from_str(value.expose()).map_err(|_| {
        ApiError::Config("the credential contains characters a header cannot carry".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

pub(crate) fn map_transport_error(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        ApiError::Timeout
    } else if e.is_body() || e.is_decode() {
        ApiError::Truncated(format!("the response body broke off: {}", error_chain(&e)))
    } else {
        with_certificate_hint(ApiError::Network(error_chain(&e)))
    }
}

/// A network error about the server's certificate, with how to trust a private CA.
pub(crate) fn with_certificate_hint(e: ApiError) -> ApiError {
    match e {
        ApiError::Network(m) if m.to_ascii_lowercase().contains("certificate") => {
            ApiError::Network(format!(
                "{m} (a server with a certificate from a private authority: give the authority's PEM file with --ca-file, PATUI_CA_FILE or ca_file in the config)"
            ))
        }
        other => other,
    }
}

/// The error and its causes, without the URL's query (which carries nothing secret, but is long).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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

pub(crate) fn parse_retry_after(h: &header::HeaderMap) -> Option<Duration> {
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

pub(crate) async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ApiError> {
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
pub(crate) fn classify(
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
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    let e: VssError = serde_json::from_slice(body).ok()?;
    let m = e.message.trim();
    if m.is_empty() {
        None
    } else {
        Some(m.chars().take(500).collect())
    }
}

pub(crate) fn pat_error_in(body: &[u8]) -> Option<ApiError> {
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
pub(crate) fn check_complete(body: &[u8]) -> Result<(), ApiError> {
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

pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::models::PagedPatTokens;
    use crate::azure::pat_error::PatTokenError;

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
