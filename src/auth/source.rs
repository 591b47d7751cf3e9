//! The chained access-token source. Sources are tried in a configurable order:
//! `env` (PATUI_ACCESS_TOKEN), `keyring` (a cached refresh token, refreshed silently), `azure-cli`,
//! and `device-code` (interactive: the TUI's sign-in screen runs it and hands the result back).
//! A token that gets a 401 is refreshed once (the client asks); after that the user signs in again.

use crate::auth::azcli;
use crate::auth::entra::{Entra, SignInError, TokenSet};
use crate::azure::{AccessTokenSource, ApiError};
use crate::secret::Secret;
use async_trait::async_trait;
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::Mutex;

/// One place an access token can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Env,
    Keyring,
    AzureCli,
    DeviceCode,
}

impl SourceKind {
    /// The default order.
    pub const DEFAULT_ORDER: [SourceKind; 4] = [
        SourceKind::Env,
        SourceKind::Keyring,
        SourceKind::AzureCli,
        SourceKind::DeviceCode,
    ];

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Env => "PATUI_ACCESS_TOKEN",
            SourceKind::Keyring => "cached sign-in (keyring)",
            SourceKind::AzureCli => "Azure CLI",
            SourceKind::DeviceCode => "device code sign-in",
        }
    }

    /// Parses a config value.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "env" => Some(SourceKind::Env),
            "keyring" => Some(SourceKind::Keyring),
            "azure-cli" | "az" => Some(SourceKind::AzureCli),
            "device-code" => Some(SourceKind::DeviceCode),
            _ => None,
        }
    }
}

/// Where the refresh token is cached (the keyring, apart from PATs).
pub trait RefreshTokenStore: Send + Sync + 'static {
    fn load(&self) -> Result<Option<Secret>, String>;
    fn store(&self, token: &Secret) -> Result<(), String>;
    fn delete(&self) -> Result<(), String>;
}

/// Settings of the chain.
pub struct SignInOptions {
    pub order: Vec<SourceKind>,
    pub env_token: Option<Secret>,
    pub entra: Entra,
    pub store: Option<Arc<dyn RefreshTokenStore>>,
    /// The `az` program (name or path).
    pub az: String,
}

struct Current {
    tokens: TokenSet,
    source: SourceKind,
}

/// The chained source.
pub struct SignIn {
    opts: SignInOptions,
    /// The Entra client in use; its tenant can be set once discovered (see [`SignIn::set_tenant`]).
    entra: std::sync::RwLock<Entra>,
    current: Mutex<Option<Current>>,
    /// Sources that failed or were refused since the last interactive sign-in.
    exhausted: Mutex<Vec<SourceKind>>,
    /// Of those, the sources whose token the service refused (a 401 or a sign-in page that a
    /// refresh did not cure), so "sign-in required" says so instead of "set …".
    refused: Mutex<Vec<SourceKind>>,
    /// What the service answered when it refused a source's token (its words, shortened).
    refused_why: Mutex<std::collections::HashMap<SourceKind, String>>,
    /// The answer of the request that triggered the refresh in progress.
    last_refusal: Mutex<Option<String>>,
}

/// The marker text of "no non-interactive source worked": the TUI shows its sign-in screen.
pub const SIGN_IN_REQUIRED: &str = "sign-in required";

impl SignIn {
    /// A chain with the given options.
    pub fn new(opts: SignInOptions) -> Self {
        Self {
            entra: std::sync::RwLock::new(opts.entra.clone()),
            opts,
            current: Mutex::new(None),
            exhausted: Mutex::new(Vec::new()),
            refused: Mutex::new(Vec::new()),
            refused_why: Mutex::new(std::collections::HashMap::new()),
            last_refusal: Mutex::new(None),
        }
    }

    /// The Entra client (for the device code flow).
    pub fn entra(&self) -> Entra {
        match self.entra.read() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Uses `tenant` from now on (tenant discovery finishes after start-up, off the start path).
    pub fn set_tenant(&self, tenant: &str) {
        if let Ok(e) = self.entra().with_tenant(tenant)
            && let Ok(mut slot) = self.entra.write()
        {
            *slot = e;
        }
    }

    /// True when the order allows the interactive device code flow.
    pub fn allows_device_code(&self) -> bool {
        self.opts.order.contains(&SourceKind::DeviceCode)
    }

    /// True when the order includes the Azure CLI.
    pub fn allows_azure_cli(&self) -> bool {
        self.opts.order.contains(&SourceKind::AzureCli)
    }

    /// The `az` program this chain runs (name or path).
    pub fn az_program(&self) -> &str {
        &self.opts.az
    }

    /// After `az login`: takes a token from the Azure CLI now and uses it from then on.
    pub async fn use_azure_cli(&self) -> Result<(), String> {
        let tokens = azcli::get_token(&self.opts.az, Some(self.entra().tenant()))
            .await
            .map_err(|e| e.to_string())?;
        *self.current.lock().await = Some(Current {
            tokens,
            source: SourceKind::AzureCli,
        });
        self.exhausted.lock().await.clear();
        self.refused.lock().await.clear();
        Ok(())
    }

    /// The source of the current token, if any.
    pub async fn current_source(&self) -> Option<SourceKind> {
        self.current.lock().await.as_ref().map(|c| c.source)
    }

    /// The whole device code sign-in: asks Entra for a code, hands it to `show` (the TUI's
    /// screen, or stderr for `patui login`), waits for the user to enter it, then keeps the
    /// result as [`SignIn::complete_device_code`] does. The TUI and `patui login` both run this.
    pub async fn device_code_sign_in(
        &self,
        show: impl FnOnce(&crate::auth::DeviceCode),
    ) -> Result<(), DeviceCodeError> {
        let entra = self.entra();
        let code = entra
            .start_device_code()
            .await
            .map_err(|e| DeviceCodeError::SignIn(e.to_string()))?;
        show(&code);
        let tokens = entra
            .wait_for_device_code(&code)
            .await
            .map_err(|e| DeviceCodeError::SignIn(e.to_string()))?;
        self.complete_device_code(tokens)
            .await
            .map_err(DeviceCodeError::NotKept)
    }

    /// Takes the result of an interactive sign-in: caches the refresh token and uses the tokens.
    pub async fn complete_device_code(&self, tokens: TokenSet) -> Result<(), String> {
        let mut stored = Ok(());
        if let (Some(store), Some(rt)) = (&self.opts.store, &tokens.refresh_token) {
            stored = store.store(rt);
        }
        *self.current.lock().await = Some(Current {
            tokens,
            source: SourceKind::DeviceCode,
        });
        self.exhausted.lock().await.clear();
        self.refused.lock().await.clear();
        stored
    }

    /// Forgets the cached refresh token and the current token; for the rest of this run neither
    /// the environment's token nor the source in use is taken again (the next request asks for
    /// an interactive sign-in). Returns the source that was in use, so the caller can say what
    /// still signs in elsewhere (the Azure CLI stays signed in until `az logout`).
    pub async fn sign_out(&self) -> Result<Option<SourceKind>, String> {
        let was = self.current.lock().await.take().map(|c| c.source);
        {
            let mut exhausted = self.exhausted.lock().await;
            exhausted.push(SourceKind::Env);
            if let Some(k) = was.filter(|k| *k != SourceKind::DeviceCode) {
                exhausted.push(k);
            }
        }
        match &self.opts.store {
            Some(s) => s.delete().map(|()| was),
            None => Ok(was),
        }
    }

    /// Tries the non-interactive sources in order.
    async fn acquire(&self) -> Result<Current, ApiError> {
        let exhausted = self.exhausted.lock().await.clone();
        let mut reasons = Vec::new();
        let refused = self.refused.lock().await.clone();
        for kind in &self.opts.order {
            if exhausted.contains(kind) {
                if refused.contains(kind) {
                    let why = self.refused_why.lock().await.get(kind).cloned();
                    reasons.push(match why {
                        Some(w) => format!("{} ({w})", refused_reason(*kind)),
                        None => refused_reason(*kind),
                    });
                }
                continue;
            }
            let got = match kind {
                SourceKind::Env => self.opts.env_token.clone().map(|t| {
                    Ok(TokenSet {
                        access_token: t,
                        refresh_token: None,
                        // Unknown lifetime: used until the service refuses it.
                        expires_at: Utc::now() + chrono::Duration::days(365),
                    })
                }),
                SourceKind::Keyring => match &self.opts.store {
                    Some(store) => match store.load() {
                        Ok(Some(rt)) => Some(self.entra().refresh(&rt).await.inspect(|t| {
                            if let Some(new_rt) = &t.refresh_token {
                                let _ = store.store(new_rt);
                            }
                        })),
                        Ok(None) => None,
                        Err(e) => Some(Err(SignInError::Config(e))),
                    },
                    None => None,
                },
                SourceKind::AzureCli => {
                    Some(azcli::get_token(&self.opts.az, Some(self.entra().tenant())).await)
                }
                SourceKind::DeviceCode => None,
            };
            match got {
                Some(Ok(tokens)) => {
                    tracing::info!(source = kind.label(), "access token acquired");
                    return Ok(Current {
                        tokens,
                        source: *kind,
                    });
                }
                Some(Err(e)) => {
                    tracing::info!(source = kind.label(), error = %e, "token source failed");
                    if matches!(e, SignInError::RefreshExpired)
                        && let Some(s) = &self.opts.store
                    {
                        let _ = s.delete();
                    }
                    reasons.push(format!("{}: {e}", kind.label()));
                    self.exhausted.lock().await.push(*kind);
                }
                None => {}
            }
        }
        // PATUI_ACCESS_TOKEN is only worth setting when it is not set already.
        let env_hint = if self.opts.env_token.is_some() {
            "or replace PATUI_ACCESS_TOKEN with a valid token"
        } else {
            "or set PATUI_ACCESS_TOKEN"
        };
        let hint = format!("run `patui login`, sign in to the Azure CLI (`az login`), {env_hint}");
        let detail = if reasons.is_empty() {
            format!("{SIGN_IN_REQUIRED}: {hint}")
        } else {
            format!("{SIGN_IN_REQUIRED} ({}): {hint}", reasons.join("; "))
        };
        Err(ApiError::Auth { status: 0, detail })
    }
}

/// Why a source whose token the service refused is not tried again, for "sign-in required".
fn refused_reason(kind: SourceKind) -> String {
    match kind {
        SourceKind::Env => "PATUI_ACCESS_TOKEN was refused by the service".to_owned(),
        other => format!("{}: its token was refused by the service", other.label()),
    }
}

#[async_trait]
impl AccessTokenSource for SignIn {
    async fn access_token(&self) -> Result<Secret, ApiError> {
        let mut cur = self.current.lock().await;
        if let Some(c) = cur.as_ref() {
            if c.tokens.expires_at > Utc::now() + chrono::Duration::seconds(60) {
                return Ok(c.tokens.access_token.clone());
            }
            // Expired: a refresh token (device code sign-in) renews it silently.
            if let Some(rt) = c.tokens.refresh_token.clone()
                && let Ok(t) = self.entra().refresh(&rt).await
            {
                let source = c.source;
                let token = t.access_token.clone();
                *cur = Some(Current { tokens: t, source });
                return Ok(token);
            }
        }
        let c = self.acquire().await?;
        let token = c.tokens.access_token.clone();
        *cur = Some(c);
        Ok(token)
    }

    async fn refresh_after(&self, why: &ApiError) -> bool {
        let words: String = crate::text::sanitize(&why.to_string())
            .chars()
            .take(200)
            .collect();
        *self.last_refusal.lock().await = Some(words);
        self.refresh().await
    }

    async fn refresh(&self) -> bool {
        let mut cur = self.current.lock().await;
        let Some(c) = cur.take() else {
            return false;
        };
        // Try this source's refresh token once, then the next sources.
        if let Some(rt) = &c.tokens.refresh_token
            && let Ok(t) = self.entra().refresh(rt).await
        {
            if let (Some(store), Some(new_rt)) = (&self.opts.store, &t.refresh_token) {
                let _ = store.store(new_rt);
            }
            *cur = Some(Current {
                tokens: t,
                source: c.source,
            });
            return true;
        }
        self.exhausted.lock().await.push(c.source);
        self.refused.lock().await.push(c.source);
        if let Some(why) = self.last_refusal.lock().await.take() {
            self.refused_why.lock().await.insert(c.source, why);
        }
        match self.acquire().await {
            Ok(next) => {
                *cur = Some(next);
                true
            }
            Err(_) => false,
        }
    }

    fn describe(&self) -> String {
        let order: Vec<&str> = self.opts.order.iter().map(|k| k.label()).collect();
        format!("sign-in chain: {}", order.join(" → "))
    }
}

/// Why a device code sign-in ended without a kept sign-in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceCodeError {
    /// The code could not be had, or the user did not complete the sign-in.
    #[error("{0}")]
    SignIn(String),
    /// Signed in, but the keyring refused the refresh token (this run is signed in).
    #[error("signed in, but the keyring refused the sign-in: {0}")]
    NotKept(String),
}
