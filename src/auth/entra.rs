//! Microsoft Entra (v2 endpoints) for a public client: the OAuth 2.0 device code flow and the
//! refresh-token grant, for the Azure DevOps resource. The authority is configurable so tests
//! and the demo point it at the simulator.

use crate::azure::client::parse_base;
use crate::secret::Secret;
use crate::text::sanitize;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde::Deserialize;
use std::time::Duration;
use thiserror::Error;

/// The Azure DevOps resource (application) id.
pub const AZURE_DEVOPS_RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";
/// The scope requested: Azure DevOps `.default` plus a refresh token.
pub const SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access";
/// Default public client: the Azure CLI's.
pub const DEFAULT_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Default authority host.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Default tenant when none is known.
pub const DEFAULT_TENANT: &str = "organizations";
/// Largest sign-in response read: the body is streamed and refused as soon as it passes this,
/// without reading the rest.
pub const MAX_SIGN_IN_BODY: usize = 1024 * 1024;
/// Longest device code lifetime believed, whatever `expires_in` says (Entra gives 15 minutes).
pub const MAX_DEVICE_CODE_LIFE_SECS: u64 = 24 * 3600;
/// Longest token lifetime believed, whatever `expires_in` says (Entra gives about an hour).
pub const MAX_TOKEN_LIFE_SECS: u64 = 30 * 24 * 3600;
/// Shortest polling interval, whatever `interval` says.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Longest polling interval, whatever `interval` or repeated `slow_down`s say.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Sign-in failures, each with a message a person can act on.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SignInError {
    #[error("the sign-in was declined")]
    Declined,
    #[error("the sign-in code expired before it was used: start again")]
    Expired,
    #[error("the sign-in code was not recognised: start again")]
    BadCode,
    #[error(
        "personal Microsoft accounts (MSA) cannot get an Azure DevOps token for this API: manage PATs in the web UI, or sign in with a work or school (Entra) account"
    )]
    PersonalAccount,
    #[error(
        "service principals and managed identities cannot manage personal access tokens: sign in as a user"
    )]
    ServicePrincipal,
    #[error("the refresh token is no longer valid: sign in again")]
    RefreshExpired,
    #[error("Entra refused the request: {0}")]
    Refused(String),
    #[error("cannot reach Entra: {0}")]
    Network(String),
    #[error("Entra answered something unexpected: {0}")]
    Malformed(String),
    #[error("{0}")]
    Config(String),
}

/// What the user must do to finish a device code sign-in.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_at: DateTime<Utc>,
    pub interval: Duration,
    pub message: Option<String>,
}

/// The tokens of a successful grant.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: DateTime<Utc>,
}

/// One poll of the token endpoint.
#[derive(Debug, Clone)]
pub enum Poll {
    /// Not yet: wait `interval` and poll again.
    Pending,
    /// Poll more slowly (add 5 s to the interval).
    SlowDown,
    /// Done.
    Done(TokenSet),
}

#[derive(Deserialize)]
struct DeviceCodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default = "default_expires", deserialize_with = "lenient_secs")]
    expires_in: u64,
    #[serde(default = "default_interval", deserialize_with = "lenient_secs")]
    interval: u64,
    #[serde(default)]
    message: Option<String>,
}

fn default_expires() -> u64 {
    900
}

fn default_interval() -> u64 {
    5
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default = "default_token_life", deserialize_with = "lenient_secs")]
    expires_in: u64,
}

fn default_token_life() -> u64 {
    3600
}

/// A number of seconds as a server sends it: a JSON integer of any size, a fraction, an
/// exponent (`1e300`) or a numeric string (older endpoints quote it), saturated into `u64`:
/// negative and NaN give 0, anything too large `u64::MAX`. Callers clamp the result to a sane
/// range; nothing here can panic.
fn lenient_secs<'de, D>(d: D) -> Result<u64, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Secs {
        Unsigned(u64),
        Signed(i64),
        Float(f64),
        Text(String),
    }
    // `as` from a float saturates (NaN and negatives to 0, too large to u64::MAX).
    match Secs::deserialize(d)? {
        Secs::Unsigned(n) => Ok(n),
        Secs::Signed(n) => Ok(u64::try_from(n).unwrap_or(0)),
        Secs::Float(f) => Ok(f as u64),
        Secs::Text(s) => s
            .trim()
            .parse::<f64>()
            .map(|f| f as u64)
            .map_err(|_| serde::de::Error::custom("a duration that is not a number of seconds")),
    }
}

/// `now` plus a lifetime from the network, at most `max_secs` seconds, computed without any
/// constructor or addition that can panic (`now` itself if it cannot be computed, which a sane
/// `max_secs` rules out).
fn expiry(now: DateTime<Utc>, secs: u64, max_secs: u64) -> DateTime<Utc> {
    i64::try_from(secs.min(max_secs))
        .ok()
        .and_then(chrono::TimeDelta::try_seconds)
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(now)
}

/// The polling interval for the server's `interval`, within
/// [`MIN_POLL_INTERVAL`]..=[`MAX_POLL_INTERVAL`].
fn poll_interval(secs: u64) -> Duration {
    Duration::from_secs(secs).clamp(MIN_POLL_INTERVAL, MAX_POLL_INTERVAL)
}

/// Reads a response body of at most [`MAX_SIGN_IN_BODY`] bytes, chunk by chunk: a larger one
/// (announced, or found while streaming) is refused as soon as the cap is crossed, and the rest
/// is never read.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, SignInError> {
    let too_large = || {
        SignInError::Malformed(format!(
            "the response is larger than {} MiB",
            MAX_SIGN_IN_BODY / (1024 * 1024)
        ))
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_SIGN_IN_BODY as u64)
    {
        return Err(too_large());
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SignInError::Network(e.to_string()))?
    {
        if buf.len().saturating_add(chunk.len()) > MAX_SIGN_IN_BODY {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
}

/// A client of one Entra authority and tenant.
#[derive(Debug, Clone)]
pub struct Entra {
    http: reqwest::Client,
    authority: Url,
    tenant: String,
    client_id: String,
}

impl Entra {
    /// `authority` is e.g. `https://login.microsoftonline.com` (https, or http to loopback).
    pub fn new(authority: &str, tenant: &str, client_id: &str) -> Result<Self, SignInError> {
        let authority = parse_base(authority).map_err(|e| SignInError::Config(e.to_string()))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| SignInError::Config(e.to_string()))?;
        let tenant = tenant.trim();
        if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
            return Err(SignInError::Config(format!("{tenant:?} is not a tenant")));
        }
        Ok(Self {
            http,
            authority,
            tenant: tenant.to_owned(),
            client_id: client_id.to_owned(),
        })
    }

    /// The same client for another tenant.
    pub fn with_tenant(&self, tenant: &str) -> Result<Entra, SignInError> {
        let tenant = tenant.trim();
        if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
            return Err(SignInError::Config(format!("{tenant:?} is not a tenant")));
        }
        Ok(Entra {
            tenant: tenant.to_owned(),
            ..self.clone()
        })
    }

    /// The tenant in use.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    fn endpoint(&self, last: &str) -> Result<Url, SignInError> {
        let mut url = self.authority.clone();
        url.path_segments_mut()
            .map_err(|_| SignInError::Config("bad authority URL".into()))?
            .pop_if_empty()
            .extend([self.tenant.as_str(), "oauth2", "v2.0", last]);
        Ok(url)
    }

    async fn post_form(
        &self,
        url: Url,
        form: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>), SignInError> {
        let resp = self
            .http
            .post(url)
            .form(form)
            .send()
            .await
            .map_err(|e| SignInError::Network(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = read_capped(resp).await?;
        Ok((status, body))
    }

    /// Starts a device code sign-in. What the server says is checked before anyone sees it: the
    /// verification address must be https (or http to this machine), as the TUI requires before
    /// opening it; the address, the user code and the message lose control and bidirectional
    /// formatting characters; the lifetime and polling interval are clamped.
    pub async fn start_device_code(&self) -> Result<DeviceCode, SignInError> {
        let url = self.endpoint("devicecode")?;
        let (status, body) = self
            .post_form(url, &[("client_id", &self.client_id), ("scope", SCOPE)])
            .await?;
        device_code_answer(status, &body)
    }

    /// Polls once for the result of a device code sign-in.
    pub async fn poll(&self, code: &DeviceCode) -> Result<Poll, SignInError> {
        let url = self.endpoint("token")?;
        let (status, body) = self
            .post_form(
                url,
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", &self.client_id),
                    ("device_code", code.device_code.expose()),
                ],
            )
            .await?;
        poll_answer(status, &body)
    }

    /// Runs the whole device code flow: polls at the given interval (slowing down when told to)
    /// until done, declined or expired. `cancel` resolving stops it.
    pub async fn wait_for_device_code(&self, code: &DeviceCode) -> Result<TokenSet, SignInError> {
        let mut interval = code.interval;
        loop {
            if Utc::now() >= code.expires_at {
                return Err(SignInError::Expired);
            }
            tokio::time::sleep(interval).await;
            match self.poll(code).await? {
                Poll::Pending => {}
                Poll::SlowDown => {
                    interval = interval
                        .saturating_add(Duration::from_secs(5))
                        .min(MAX_POLL_INTERVAL);
                }
                Poll::Done(t) => return Ok(t),
            }
        }
    }

    /// Exchanges a refresh token for a fresh access token (and usually a new refresh token).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, SignInError> {
        let url = self.endpoint("token")?;
        let (status, body) = self
            .post_form(
                url,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", &self.client_id),
                    ("refresh_token", refresh_token.expose()),
                    ("scope", SCOPE),
                ],
            )
            .await?;
        if status == 200 {
            return token_set(&body);
        }
        match oauth_error(&body) {
            SignInError::Refused(m) if m.starts_with("invalid_grant") => {
                Err(SignInError::RefreshExpired)
            }
            e => Err(e),
        }
    }
}

/// The device code endpoint's answer (status and body) as a [`DeviceCode`]. What the server says
/// is checked before anyone sees it (see [`Entra::start_device_code`]). Public for the fuzz
/// targets and property tests only.
#[doc(hidden)]
pub fn device_code_answer(status: u16, body: &[u8]) -> Result<DeviceCode, SignInError> {
    if status != 200 {
        return Err(oauth_error(body));
    }
    let r: DeviceCodeResponse = serde_json::from_slice(body)
        .map_err(|e| SignInError::Malformed(sanitize(&e.to_string()).into_owned()))?;
    let verification_uri = crate::external::check_url(&r.verification_uri)
        .map_err(|e| SignInError::Malformed(sanitize(&e.to_string()).into_owned()))?;
    Ok(DeviceCode {
        device_code: Secret::new(r.device_code),
        user_code: sanitize(&r.user_code).into_owned(),
        verification_uri: sanitize(&verification_uri).into_owned(),
        expires_at: expiry(Utc::now(), r.expires_in, MAX_DEVICE_CODE_LIFE_SECS),
        interval: poll_interval(r.interval),
        message: r.message.map(|m| sanitize(&m).into_owned()),
    })
}

/// The token endpoint's answer to one device code poll. Public for the fuzz targets and
/// property tests only.
#[doc(hidden)]
pub fn poll_answer(status: u16, body: &[u8]) -> Result<Poll, SignInError> {
    if status == 200 {
        return token_set(body).map(Poll::Done);
    }
    let e: OAuthError = serde_json::from_slice(body)
        .map_err(|_| SignInError::Malformed(format!("HTTP {status} without an OAuth error")))?;
    match e.error.as_str() {
        "authorization_pending" => Ok(Poll::Pending),
        "slow_down" => Ok(Poll::SlowDown),
        "authorization_declined" | "access_denied" => Err(SignInError::Declined),
        "expired_token" => Err(SignInError::Expired),
        "bad_verification_code" => Err(SignInError::BadCode),
        _ => Err(classify_oauth(e)),
    }
}

/// A 200 answer of the token endpoint. Public for the fuzz targets and property tests only.
#[doc(hidden)]
pub fn token_set(body: &[u8]) -> Result<TokenSet, SignInError> {
    let t: TokenResponse = serde_json::from_slice(body)
        .map_err(|e| SignInError::Malformed(sanitize(&e.to_string()).into_owned()))?;
    if t.access_token.is_empty() {
        return Err(SignInError::Malformed("empty access token".into()));
    }
    Ok(TokenSet {
        access_token: Secret::new(t.access_token),
        refresh_token: t.refresh_token.filter(|r| !r.is_empty()).map(Secret::new),
        expires_at: expiry(Utc::now(), t.expires_in, MAX_TOKEN_LIFE_SECS),
    })
}

/// An error answer of either endpoint. Public for the fuzz targets and property tests only.
#[doc(hidden)]
pub fn oauth_error(body: &[u8]) -> SignInError {
    match serde_json::from_slice::<OAuthError>(body) {
        Ok(e) => classify_oauth(e),
        Err(_) => SignInError::Malformed("an error without an OAuth error body".into()),
    }
}

/// Recognises the hard cases (personal accounts, service principals) by their AADSTS codes.
fn classify_oauth(e: OAuthError) -> SignInError {
    let desc = e.error_description.unwrap_or_default();
    let has = |code: u64| e.error_codes.contains(&code) || desc.contains(&format!("AADSTS{code}"));
    // AADSTS50020 / 9002331 / 70000 with MSA wording: a personal account against a work-only app or resource.
    if has(9002331) || has(50020) || desc.contains("Microsoft Account") || desc.contains("MSA") {
        return SignInError::PersonalAccount;
    }
    if has(700016) && desc.contains("service principal") {
        return SignInError::ServicePrincipal;
    }
    // Both come from the server and end up on the terminal.
    let first_line = desc.lines().next().unwrap_or("").trim();
    let error = sanitize(&e.error);
    if first_line.is_empty() {
        SignInError::Refused(error.into_owned())
    } else {
        SignInError::Refused(format!("{error}: {}", sanitize(first_line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_cases_are_recognised() {
        let e = oauth_error(br#"{"error":"invalid_grant","error_description":"AADSTS9002331: Application is configured for use by Microsoft Account users only","error_codes":[9002331]}"#);
        assert_eq!(e, SignInError::PersonalAccount);
        let e = oauth_error(
            br#"{"error":"invalid_request","error_description":"AADSTS900144: missing"}"#,
        );
        assert!(matches!(e, SignInError::Refused(m) if m.contains("invalid_request")));
    }

    #[test]
    fn endpoints_are_built_under_the_tenant() {
        let e = Entra::new("http://127.0.0.1:1/", "contoso", DEFAULT_CLIENT_ID).unwrap();
        assert_eq!(
            e.endpoint("devicecode").unwrap().as_str(),
            "http://127.0.0.1:1/contoso/oauth2/v2.0/devicecode"
        );
        assert!(Entra::new("http://login.example.com", "t", "c").is_err());
        assert!(Entra::new("https://login.example.com", "a/b", "c").is_err());
    }

    /// Huge, negative, fractional and quoted `expires_in` / `interval` values are read, clamped,
    /// and turned into instants and intervals without a panic (`TimeDelta::seconds` used to
    /// panic on 9999999999999).
    #[test]
    fn hostile_durations_are_clamped_without_panicking() {
        let now = Utc::now();
        let hostile = [
            "1e300",
            "18446744073709551615",
            "9999999999999",
            "99999999999999999999999999",
            "-5",
            "-1e300",
            "0.5",
            "\"9999999999999\"",
            "\"NaN\"",
            "\"inf\"",
        ];
        for raw in hostile {
            let body = format!(
                r#"{{"device_code":"d","user_code":"u","verification_uri":"https://x.example/","expires_in":{raw},"interval":{raw}}}"#
            );
            let r: DeviceCodeResponse = serde_json::from_str(&body).unwrap();
            let at = expiry(now, r.expires_in, MAX_DEVICE_CODE_LIFE_SECS);
            assert!(at >= now, "{raw}");
            assert!(at <= now + chrono::TimeDelta::days(1), "{raw}");
            let interval = poll_interval(r.interval);
            assert!(
                (MIN_POLL_INTERVAL..=MAX_POLL_INTERVAL).contains(&interval),
                "{raw}"
            );
            let t = token_set(
                format!(r#"{{"access_token":"a","expires_in":{raw},"ext_expires_in":{raw}}}"#)
                    .as_bytes(),
            )
            .unwrap();
            assert!(
                t.expires_at <= Utc::now() + chrono::TimeDelta::days(30),
                "{raw}"
            );
        }
        // Saturation itself.
        assert_eq!(expiry(now, u64::MAX, u64::MAX), now);
        assert_eq!(
            expiry(now, 90, MAX_TOKEN_LIFE_SECS),
            now + chrono::TimeDelta::seconds(90)
        );
        assert_eq!(poll_interval(0), MIN_POLL_INTERVAL);
        assert_eq!(poll_interval(u64::MAX), MAX_POLL_INTERVAL);
        // Text that is no number is still refused, as before.
        assert!(token_set(br#"{"access_token":"a","expires_in":"soon"}"#).is_err());
    }

    /// The server's OAuth error text reaches the terminal only without control characters.
    #[test]
    fn oauth_error_text_is_sanitized() {
        let e = oauth_error(
            br#"{"error":"invalid_request\u001b]0;x\u0007","error_description":"AADSTS900144: \u202egnp.exe \u009b2J"}"#,
        );
        let m = match e {
            SignInError::Refused(m) => m,
            other => panic!("refused: {other:?}"),
        };
        assert!(
            !m.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}']),
            "{m:?}"
        );
        assert!(m.starts_with("invalid_request"), "{m}");
    }
}
