//! The Azure CLI as a token source: `az account get-access-token --resource <Azure DevOps>`.
//! The token comes back on az's stdout (never through argv or a file); az's own errors are
//! summarised, not echoed.

use crate::auth::entra::{AZURE_DEVOPS_RESOURCE, SignInError, TokenSet};
use crate::secret::Secret;
use chrono::{TimeZone, Utc};
use serde::Deserialize;
use std::time::Duration;
use tokio::process::Command;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzToken {
    access_token: String,
    #[serde(default, rename = "expires_on")]
    expires_on_unix: Option<i64>,
}

/// Runs `az` (the name or path given) for an Azure DevOps token. `tenant` is passed when known.
pub async fn get_token(az: &str, tenant: Option<&str>) -> Result<TokenSet, SignInError> {
    let mut cmd = Command::new(az);
    cmd.args([
        "account",
        "get-access-token",
        "--resource",
        AZURE_DEVOPS_RESOURCE,
        "--output",
        "json",
    ]);
    if let Some(t) = tenant.filter(|t| *t != "organizations" && *t != "common") {
        cmd.args(["--tenant", t]);
    }
    cmd.stdin(std::process::Stdio::null()).kill_on_drop(true);
    for k in crate::external::SECRET_ENV {
        cmd.env_remove(k);
    }
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .map_err(|_| SignInError::Network("the Azure CLI did not answer within 60 s".into()))?
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                SignInError::Config("the Azure CLI (az) is not installed".into())
            } else {
                SignInError::Config(format!("cannot run the Azure CLI: {e}"))
            }
        })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let hint = if err.contains("az login") || err.contains("Please run") {
            "the Azure CLI is not signed in (run `az login`)".to_owned()
        } else {
            let first = err
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no message");
            format!(
                "the Azure CLI failed: {}",
                first.chars().take(200).collect::<String>()
            )
        };
        return Err(SignInError::Refused(hint));
    }
    let t: AzToken = serde_json::from_slice(&out.stdout)
        .map_err(|e| SignInError::Malformed(format!("Azure CLI output: {e}")))?;
    let expires_at = t
        .expires_on_unix
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .unwrap_or_else(|| Utc::now() + chrono::Duration::minutes(30));
    Ok(TokenSet {
        access_token: Secret::new(t.access_token),
        refresh_token: None,
        expires_at,
    })
}
