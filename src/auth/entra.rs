//! Microsoft Entra (v2 endpoints) for a public client: the OAuth 2.0 device code flow and the
//! refresh-token grant, for the Azure DevOps resource. The authority is configurable so tests
//! and the demo point it at the simulator.

use crate::azure::client::parse_base;
use crate::secret::Secret;
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
    #[serde(default = "default_expires")]
    expires_in: u64,
    #[serde(default = "default_interval")]
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
    #[serde(default = "default_token_life")]
    expires_in: u64,
}

fn default_token_life() -> u64 {
    3600
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
        let body = resp
            .bytes()
            .await
            .map_err(|e| SignInError::Network(e.to_string()))?;
        if body.len() > 1024 * 1024 {
            return Err(SignInError::Malformed("response too large".into()));
        }
        Ok((status, body.to_vec()))
    }

    /// Starts a device code sign-in.
    pub async fn start_device_code(&self) -> Result<DeviceCode, SignInError> {
        let url = self.endpoint("devicecode")?;
        let (status, body) = self
            .post_form(url, &[("client_id", &self.client_id), ("scope", SCOPE)])
            .await?;
        if status != 200 {
            return Err(oauth_error(&body));
        }
        let r: DeviceCodeResponse =
            serde_json::from_slice(&body).map_err(|e| SignInError::Malformed(e.to_string()))?;
        Ok(DeviceCode {
            device_code: Secret::new(r.device_code),
            user_code: r.user_code,
            verification_uri: r.verification_uri,
            expires_at: Utc::now() + chrono::Duration::seconds(r.expires_in as i64),
            interval: Duration::from_secs(r.interval.clamp(1, 60)),
            message: r.message,
        })
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
        if status == 200 {
            return token_set(&body).map(Poll::Done);
        }
        let e: OAuthError = serde_json::from_slice(&body)
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
                Poll::SlowDown => interval += Duration::from_secs(5),
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

fn token_set(body: &[u8]) -> Result<TokenSet, SignInError> {
    let t: TokenResponse =
        serde_json::from_slice(body).map_err(|e| SignInError::Malformed(e.to_string()))?;
    if t.access_token.is_empty() {
        return Err(SignInError::Malformed("empty access token".into()));
    }
    Ok(TokenSet {
        access_token: Secret::new(t.access_token),
        refresh_token: t.refresh_token.filter(|r| !r.is_empty()).map(Secret::new),
        expires_at: Utc::now() + chrono::Duration::seconds(t.expires_in as i64),
    })
}

fn oauth_error(body: &[u8]) -> SignInError {
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
    let first_line = desc.lines().next().unwrap_or("").trim();
    if first_line.is_empty() {
        SignInError::Refused(e.error)
    } else {
        SignInError::Refused(format!("{}: {first_line}", e.error))
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
}
