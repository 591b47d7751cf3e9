//! Sign-in to Azure DevOps Server and TFS with a personal access token: the PAT from
//! `PATUI_SERVER_PAT`, or the one `patui login --server URL` (or the TUI's sign-in screen) kept
//! in that server's keyring entry. It goes in HTTP Basic (`:PAT`), as the server expects. The
//! source can be given a PAT while running (the TUI's sign-in screen), and says exactly what to
//! do when it has none.

use crate::azure::error::ApiError;
use crate::azure::token_source::AccessTokenSource;
use crate::secret::Secret;
use async_trait::async_trait;
use base64::Engine;
use std::sync::RwLock;

/// The environment variable with a server PAT (never argv).
pub const SERVER_PAT_ENV: &str = "PATUI_SERVER_PAT";

/// The server PAT from the environment, if set.
pub fn env_server_pat() -> Option<Secret> {
    std::env::var(SERVER_PAT_ENV)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .map(Secret::new)
}

/// Where the PAT came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatOrigin {
    Env,
    Keyring,
    /// Typed into the TUI's sign-in screen in this run.
    Typed,
}

/// A server PAT source.
pub struct ServerPat {
    /// The server's URL, for messages.
    server: String,
    current: RwLock<Option<(Secret, PatOrigin)>>,
    /// The authorization id of the current PAT, when known.
    id: RwLock<Option<uuid::Uuid>>,
}

impl ServerPat {
    /// A source for `server` with `pat`, if one is known yet.
    pub fn new(server: impl Into<String>, pat: Option<(Secret, PatOrigin)>) -> Self {
        Self {
            server: server.into(),
            current: RwLock::new(pat),
            id: RwLock::new(None),
        }
    }

    /// Uses `pat` from now on; which token it is is not known.
    pub fn set(&self, pat: Secret, origin: PatOrigin) {
        if let Ok(mut g) = self.current.write() {
            *g = Some((pat, origin));
        }
        self.set_id(None);
    }

    /// Says which token the current PAT is.
    pub fn set_id(&self, id: Option<uuid::Uuid>) {
        if let Ok(mut g) = self.id.write() {
            *g = id;
        }
    }

    /// The authorization id of the current PAT, when known.
    pub fn id(&self) -> Option<uuid::Uuid> {
        self.id.read().ok().and_then(|g| *g)
    }

    /// True when a PAT is known.
    pub fn has_pat(&self) -> bool {
        self.current.read().is_ok_and(|g| g.is_some())
    }
}

/// What to do without a working PAT.
pub fn sign_in_hint(server: &str) -> String {
    format!(
        "sign in to {server}: in its web page (your profile → Security → Personal access tokens) create a token with the scope \"Delegated Authorization Tokens\" (vso.tokens) or full access, then run `patui login --server {server}` (or set {SERVER_PAT_ENV})"
    )
}

#[async_trait]
impl AccessTokenSource for ServerPat {
    async fn access_token(&self) -> Result<Secret, ApiError> {
        let pat = self
            .current
            .read()
            .ok()
            .and_then(|g| g.as_ref().map(|(p, _)| p.clone()));
        pat.ok_or_else(|| ApiError::Auth {
            status: 0,
            detail: format!("not signed in: {}", sign_in_hint(&self.server)),
        })
    }

    async fn refresh_after(&self, why: &ApiError) -> bool {
        tracing::info!(kind = why.kind(), "the server refused the PAT");
        false
    }

    fn authorization(&self, token: &Secret) -> Secret {
        let mut raw = format!(":{}", token.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw.as_bytes());
        zeroize::Zeroize::zeroize(&mut raw);
        Secret::new(format!("Basic {encoded}"))
    }

    fn describe(&self) -> String {
        let origin = self
            .current
            .read()
            .ok()
            .and_then(|g| g.as_ref().map(|(_, o)| *o));
        match origin {
            Some(PatOrigin::Env) => format!("a PAT from {SERVER_PAT_ENV}"),
            Some(PatOrigin::Keyring) => "a PAT kept in the keyring (patui login --server)".into(),
            Some(PatOrigin::Typed) => "a PAT typed into patui".into(),
            None => "no PAT".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pat_goes_in_basic_with_an_empty_user() {
        let s = ServerPat::new("https://tfs.example.com/tfs", None);
        let e = s.access_token().await.unwrap_err();
        assert!(e.to_string().contains("patui login --server"), "{e}");
        s.set(Secret::from("ABC"), PatOrigin::Typed);
        let t = s.access_token().await.unwrap();
        let h = s.authorization(&t);
        assert_eq!(h.expose(), "Basic OkFCQw==");
        assert_eq!(s.describe(), "a PAT typed into patui");
        assert!(!format!("{h:?}").contains("OkFCQw"));
    }
}
