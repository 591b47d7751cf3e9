//! The one error type of the Azure DevOps client. Each variant is a class of failure that the
//! screens and commands treat differently (sign in again, fix the form, wait, retry, report).

use crate::azure::pat_error::PatTokenError;
use std::time::Duration;
use thiserror::Error;

/// Largest response body the client reads; anything longer is a malformed response.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What went wrong talking to the service.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ApiError {
    /// 401, a 203 sign-in page, any HTML or non-JSON body, or a redirect.
    #[error("authentication failed: {detail}")]
    Auth { status: u16, detail: String },
    /// 403.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404 (wrong organization or host, or an unknown token id).
    #[error("not found: {0}")]
    NotFound(String),
    /// The service refused the request for a policy or validation reason (`patTokenError`).
    #[error("{}", policy_message(.code, .server_message))]
    Policy {
        code: PatTokenError,
        server_message: Option<String>,
    },
    /// A 4xx that is none of the above (e.g. a 400 with a VSS error body).
    #[error("the service rejected the request ({status}): {message}")]
    BadRequest { status: u16, message: String },
    /// 429, with the server's Retry-After when it gave one.
    #[error("rate limited by the service{}", retry_hint(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx.
    #[error("the service failed ({status}): {message}")]
    Server { status: u16, message: String },
    /// Connection refused, reset, DNS, TLS.
    #[error("network error: {0}")]
    Network(String),
    /// The connect or request timeout elapsed.
    #[error("the request timed out")]
    Timeout,
    /// A body that broke off or ended before its JSON value did. Transient: a GET, PUT or
    /// DELETE is retried; a create is not (its token may exist).
    #[error("the response was cut short: {0}")]
    Truncated(String),
    /// A body we could not understand: bad JSON, too large, missing fields.
    #[error("malformed response from the service: {0}")]
    Malformed(String),
    /// Not sent: the work was interrupted (a signal) before this request started.
    #[error("not sent: interrupted before this request started")]
    Interrupted,
    /// The backend cannot do this at all (e.g. create a token on Azure DevOps Server while
    /// signed in with a PAT); the text says why and what would work.
    #[error("{0}")]
    Unsupported(String),
    /// A configuration problem found before any request (e.g. plain http to a remote host).
    #[error("{0}")]
    Config(String),
}

fn policy_message(code: &PatTokenError, server_message: &Option<String>) -> String {
    match server_message.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => format!("{} ({m})", code.message()),
        None => code.message(),
    }
}

fn retry_hint(d: &Option<Duration>) -> String {
    match d {
        Some(d) => format!("; retry after {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

impl ApiError {
    /// True for failures a GET or DELETE may retry: 429, 5xx and connection errors.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Network(_)
                | ApiError::Timeout
                | ApiError::Truncated(_)
        )
    }

    /// True when the user must sign in again.
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Auth { .. })
    }

    /// True when the organization does not know this token (it may live in another one).
    pub fn is_token_not_found(&self) -> bool {
        matches!(
            self,
            ApiError::NotFound(_)
                | ApiError::Policy {
                    code: PatTokenError::AuthorizationNotFound
                        | PatTokenError::HostAuthorizationNotFound,
                    ..
                }
        )
    }

    /// The `patTokenError` when this is a policy or validation error.
    pub fn pat_error(&self) -> Option<&PatTokenError> {
        match self {
            ApiError::Policy { code, .. } => Some(code),
            _ => None,
        }
    }

    /// A short name of the class, for logs and `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Auth { .. } => "auth",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Policy { .. } => "policy",
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Server { .. } => "server",
            ApiError::Network(_) => "network",
            ApiError::Timeout => "timeout",
            ApiError::Truncated(_) => "truncated",
            ApiError::Malformed(_) => "malformed",
            ApiError::Interrupted => "interrupted",
            ApiError::Unsupported(_) => "unsupported",
            ApiError::Config(_) => "config",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_errors_read_like_sentences() {
        let e = ApiError::Policy {
            code: PatTokenError::FullScopePatPolicyViolation,
            server_message: None,
        };
        assert!(e.to_string().contains("full-access"));
        assert!(!e.is_transient());
        let e = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert!(e.to_string().contains("retry after 7 s"));
        assert!(e.is_transient());
    }
}
