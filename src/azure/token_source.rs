//! Where the client gets its Entra bearer token. Today: a fixed token (env PATUI_ACCESS_TOKEN, or
//! the demo simulator's). The sign-in issue adds cached refresh tokens, the Azure CLI and the
//! device code flow as further sources behind the same trait.

use crate::azure::error::ApiError;
use crate::secret::Secret;
use async_trait::async_trait;

/// Supplies bearer access tokens to the client.
#[async_trait]
pub trait AccessTokenSource: Send + Sync + 'static {
    /// The current access token.
    async fn access_token(&self) -> Result<Secret, ApiError>;

    /// Called after a 401: get a fresh token if possible. Returns true when a retry makes sense.
    async fn refresh(&self) -> bool {
        false
    }

    /// [`AccessTokenSource::refresh`], told what the service answered (so a later "sign-in
    /// required" can say why the token was refused).
    async fn refresh_after(&self, why: &ApiError) -> bool {
        let _ = why;
        self.refresh().await
    }

    /// The Authorization header value for `token`: a bearer token by default. A personal access
    /// token for Azure DevOps Server goes in HTTP Basic instead.
    fn authorization(&self, token: &Secret) -> Secret {
        Secret::new(format!("Bearer {}", token.expose()))
    }

    /// A short description for `patui doctor` ("PATUI_ACCESS_TOKEN", "Azure CLI", …).
    fn describe(&self) -> String;
}

/// A fixed token.
#[derive(Debug, Clone)]
pub struct StaticToken {
    token: Secret,
    origin: &'static str,
}

impl StaticToken {
    /// A token and where it came from.
    pub fn new(token: Secret, origin: &'static str) -> Self {
        Self { token, origin }
    }
}

#[async_trait]
impl AccessTokenSource for StaticToken {
    async fn access_token(&self) -> Result<Secret, ApiError> {
        Ok(self.token.clone())
    }

    fn describe(&self) -> String {
        self.origin.to_owned()
    }
}

/// No token at all: every request fails with a clear message.
#[derive(Debug, Clone, Default)]
pub struct NoToken;

#[async_trait]
impl AccessTokenSource for NoToken {
    async fn access_token(&self) -> Result<Secret, ApiError> {
        Err(ApiError::Auth {
            status: 0,
            detail: "not signed in: set PATUI_ACCESS_TOKEN to a Microsoft Entra access token for Azure DevOps (for example from `az account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798 --query accessToken -o tsv`)".into(),
        })
    }

    fn describe(&self) -> String {
        "none".to_owned()
    }
}
