//! The on-premises backend: Azure DevOps Server 2019-2022 and TFS 2017-2018, through the
//! session-token API (`{collection or server}/_apis/Token/SessionTokens`, api-version 1.0),
//! which every on-premises version has and which a PAT in HTTP Basic may use for everything but
//! create. (The cloud's PAT lifecycle API is absent before 2022 and refuses anything but Entra
//! sign-in on 2022.) See `docs/ARCHITECTURE.md` and the server notes it cites.
//!
//! The session-token store is server-wide: list, get, update and revoke answer the same at any
//! collection and at the server root. Only create depends on the level: at a collection the
//! token is for that collection, at the root for every collection.
//!
//! A `DELETE` of the resource without an id revokes every token of the user. It cannot be sent
//! from here: the only function that sends a DELETE takes a [`TokenItem`], which can only be
//! built from a non-nil id, and checks its URL once more before sending.

pub mod wire;

use crate::azure::backend::{Capabilities, PatBackend};
use crate::azure::client::{RetryPolicy, parse_base};
use crate::azure::error::ApiError;
use crate::azure::models::{
    Account, DisplayFilter, ListQuery, PagedPatTokens, PatToken, PatTokenCreateRequest,
    PatTokenUpdateRequest, Profile, ServerSort,
};
use crate::azure::scopes::ScopeGroup;
use crate::azure::token_source::AccessTokenSource;
use crate::azure::transport::{Idempotent, Transport, decode};
use crate::secret::Secret;
use async_trait::async_trait;
use chrono::Utc;
use reqwest::{Method, Url};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use uuid::Uuid;
use wire::{
    Listed, ProjectCollection, ResourceLocation, ServerConnectionData, ServerProduct, SessionToken,
    SessionTokenRequest,
};

/// The api-version of the session-token API: valid on every server (the route never requires
/// one, and a version above the server's newest is refused).
pub const SESSION_TOKENS_API_VERSION: &str = "1.0";

/// Why a PAT cannot create tokens on a server, and what to do instead.
pub const CREATE_NEEDS_WINDOWS_SIGN_IN: &str = "Azure DevOps Server and TFS do not let a personal access token create tokens (the server answers AccessDenied): create it in the web page (your profile → Security → Personal access tokens), or sign in to the server with your Windows account (a Kerberos ticket from kinit, or `patui login --server URL --windows`). Listing, editing, extending and revoking work with the PAT patui signs in with.";

/// How patui signs in to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerSignIn {
    /// A personal access token in HTTP Basic only: everything but create.
    Pat,
    /// Windows sign-in when the server offers it (Kerberos, then NTLM with a stored account),
    /// then the PAT: with a Windows identity, create works too.
    Windows {
        /// Whether to try Kerberos (the ticket cache; SSPI on Windows).
        kerberos: bool,
    },
}

/// Settings of a server backend.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The server's root or a collection's URL, as the user gave it.
    pub url: String,
    pub sign_in: ServerSignIn,
    /// The authorization id of the token patui signs in with, when known: revoke-all revokes it
    /// last.
    pub sign_in_token: Option<Uuid>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// A PEM file of extra certificate authorities (a private CA).
    pub ca_file: Option<std::path::PathBuf>,
    /// The Windows account for NTLM, when one is stored.
    pub ntlm: Option<crate::auth::windows::ntlm::NtlmAccount>,
}

/// Reads the certificate authorities of a PEM file (DER, for reqwest and for Windows sign-in's
/// own connection).
pub fn read_ca_file(
    path: &std::path::Path,
) -> Result<Vec<tokio_rustls::rustls::pki_types::CertificateDer<'static>>, ApiError> {
    use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
    let pem = std::fs::read(path).map_err(|e| {
        ApiError::Config(format!("cannot read the CA file {}: {e}", path.display()))
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            ApiError::Config(format!(
                "the CA file {} holds no PEM certificate patui can read: {e}",
                path.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(ApiError::Config(format!(
            "the CA file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

impl ServerOptions {
    /// Defaults for `url` with PAT sign-in.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            sign_in: ServerSignIn::Pat,
            sign_in_token: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            ca_file: None,
            ntlm: None,
        }
    }
}

/// What a probe of the server found.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub product: ServerProduct,
    /// The signed-in user's display name.
    pub user: String,
    pub user_id: Uuid,
}

/// The server's root and the collection a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    /// The server root (`https://host/tfs/`, `https://host/`), with a trailing slash.
    pub root: Url,
    /// The collection the URL named, if it named one.
    pub collection: Option<String>,
}

impl ServerUrl {
    /// Splits a server or collection URL. The last path segment is the collection, unless the
    /// path is empty or ends in `tfs` (TFS's virtual directory): then the URL is the root. This
    /// is the layout of every default installation; `--org` names the collection otherwise.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let url = parse_base(s)?;
        let segments: Vec<String> = url
            .path_segments()
            .map(|p| p.filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        match segments.last() {
            None => Ok(Self {
                root: url,
                collection: None,
            }),
            Some(last) if last.eq_ignore_ascii_case("tfs") => Ok(Self {
                root: url,
                collection: None,
            }),
            Some(last) => {
                let collection = percent_decode(last);
                let mut root = url.clone();
                let parent = &segments[..segments.len() - 1];
                let path = if parent.is_empty() {
                    "/".to_owned()
                } else {
                    format!("/{}/", parent.join("/"))
                };
                root.set_path(&path);
                Ok(Self {
                    root,
                    collection: Some(collection),
                })
            }
        }
    }

    /// `host[:port]` of the server, as git names it.
    pub fn host(&self) -> String {
        let host = self.root.host_str().unwrap_or_default();
        match self.root.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        }
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

/// A token id that is not nil: the only way to address one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonNilId(Uuid);

impl NonNilId {
    /// `None` for the nil id.
    pub fn new(id: Uuid) -> Option<Self> {
        (!id.is_nil()).then_some(Self(id))
    }
}

/// The URL of one token. Built only by [`ServerClient::item`], from a [`NonNilId`].
#[derive(Debug, Clone)]
pub struct TokenItem(Url);

/// The Azure DevOps Server / TFS backend.
pub struct ServerClient {
    transport: Transport,
    url: ServerUrl,
    opts: ServerOptions,
    info: OnceLock<ServerInfo>,
    /// The PAT source, when the client was built with one: it knows which token the PAT in use
    /// is (a PAT typed later is not the one the keyring named).
    pat: Option<Arc<crate::auth::server_pat::ServerPat>>,
}

impl std::fmt::Debug for ServerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerClient")
            .field("url", &self.url)
            .field("sign_in", &self.opts.sign_in)
            .finish_non_exhaustive()
    }
}

impl ServerClient {
    /// Builds the client; nothing is sent until the first call.
    pub fn new(opts: ServerOptions, auth: Arc<dyn AccessTokenSource>) -> Result<Self, ApiError> {
        let url = ServerUrl::parse(&opts.url)?;
        let ca = match &opts.ca_file {
            Some(p) => read_ca_file(p)?,
            None => Vec::new(),
        };
        let roots = ca
            .iter()
            .map(|c| reqwest::Certificate::from_der(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::Config(format!("a certificate of the CA file: {e}")))?;
        let transport = match opts.sign_in {
            ServerSignIn::Pat => Transport::with_roots(
                opts.connect_timeout,
                opts.request_timeout,
                opts.retry,
                auth,
                &roots,
            )?,
            ServerSignIn::Windows { kerberos } => Transport::with_windows_sign_in(
                opts.connect_timeout,
                opts.request_timeout,
                opts.retry,
                auth,
                &roots,
                Arc::new(crate::auth::windows::WindowsSignIn::new(
                    url.root.host_str().unwrap_or_default(),
                    kerberos,
                    opts.ntlm.clone(),
                    crate::auth::windows::connection::KeptConnection::new(
                        &ca,
                        opts.connect_timeout,
                        opts.request_timeout,
                    ),
                )),
            )?,
        };
        Ok(Self {
            transport,
            url,
            opts,
            info: OnceLock::new(),
            pat: None,
        })
    }

    /// Builds the client signing in with `pat`, which learns `opts.sign_in_token`.
    pub fn with_pat(
        opts: ServerOptions,
        pat: Arc<crate::auth::server_pat::ServerPat>,
    ) -> Result<Self, ApiError> {
        pat.set_id(opts.sign_in_token);
        let mut c = Self::new(opts, Arc::clone(&pat) as Arc<dyn AccessTokenSource>)?;
        c.pat = Some(pat);
        Ok(c)
    }

    /// The root and collection of the URL.
    pub fn server_url(&self) -> &ServerUrl {
        &self.url
    }

    /// What the probe found, once it ran.
    pub fn info(&self) -> Option<&ServerInfo> {
        self.info.get()
    }

    /// The URL of a host: the collection `org`, or the root for an empty `org`.
    fn host_url(&self, org: &str, path: &[&str]) -> Result<Url, ApiError> {
        let org = org.trim();
        if org.contains(['/', '?', '#', '\\']) {
            return Err(ApiError::Config(format!(
                "{org:?} is not a valid collection name"
            )));
        }
        let mut url = self.url.root.clone();
        {
            let mut segs = url
                .path_segments_mut()
                .map_err(|_| ApiError::Config("the server URL cannot be a base".into()))?;
            segs.pop_if_empty();
            if !org.is_empty() {
                segs.push(org);
            }
            segs.extend(path);
        }
        Ok(url)
    }

    fn tokens_url(&self, org: &str) -> Result<Url, ApiError> {
        let mut url = self.host_url(org, &["_apis", "Token", "SessionTokens"])?;
        url.query_pairs_mut()
            .append_pair("isPublic", "false")
            .append_pair("api-version", SESSION_TOKENS_API_VERSION);
        Ok(url)
    }

    /// The URL of one token.
    pub fn item(&self, org: &str, id: NonNilId) -> Result<TokenItem, ApiError> {
        let mut url =
            self.host_url(org, &["_apis", "Token", "SessionTokens", &id.0.to_string()])?;
        url.query_pairs_mut()
            .append_pair("isPublic", "false")
            .append_pair("api-version", SESSION_TOKENS_API_VERSION);
        Ok(TokenItem(url))
    }

    /// The one place a DELETE is sent. The URL's last segment must be a non-nil token id: a
    /// DELETE of the collection itself would revoke every token of the user.
    async fn delete_item(&self, item: TokenItem) -> Result<(), ApiError> {
        let last = item.0.path_segments().and_then(|mut s| s.next_back());
        match last.map(Uuid::parse_str) {
            Some(Ok(id)) if !id.is_nil() => {}
            _ => {
                return Err(ApiError::Config(
                    "refusing to send a DELETE without a token id (it would revoke every token)"
                        .into(),
                ));
            }
        }
        self.transport
            .send(Method::DELETE, item.0, None, Idempotent::Yes)
            .await
            .map(|_| ())
    }

    /// Probes the server once: who is signed in (connectionData, which also checks the
    /// sign-in) and which product it is (OPTIONS of the session-token API).
    pub async fn probe(&self) -> Result<&ServerInfo, ApiError> {
        if let Some(i) = self.info.get() {
            return Ok(i);
        }
        let org = self.url.collection.clone().unwrap_or_default();
        let mut url = self.host_url(&org, &["_apis", "connectionData"])?;
        url.query_pairs_mut().append_pair("connectOptions", "0");
        let data: ServerConnectionData = self.transport.get_json(url).await?;
        if data.is_hosted() {
            return Err(ApiError::Config(
                "this is Azure DevOps Services (the cloud), not a server: run patui without --server".into(),
            ));
        }
        let url = self.host_url(&org, &["_apis", "Token", "SessionTokens"])?;
        let body = self
            .transport
            .send(Method::OPTIONS, url, None, Idempotent::Yes)
            .await
            .map_err(|e| match e {
                ApiError::NotFound(_) => no_session_tokens(),
                e => e,
            })?;
        let locations: Listed<ResourceLocation> = decode(&body)?;
        let product =
            ServerProduct::from_locations(&locations.value).ok_or_else(no_session_tokens)?;
        let user = &data.authenticated_user;
        let name = if user.provider_display_name.is_empty() {
            user.custom_display_name.clone()
        } else {
            user.provider_display_name.clone()
        };
        let _ = self.info.set(ServerInfo {
            product,
            user: name,
            user_id: user.id,
        });
        self.info
            .get()
            .ok_or_else(|| ApiError::Malformed("the server probe kept nothing".into()))
    }

    /// The product, probing first if needed.
    async fn product(&self) -> Result<ServerProduct, ApiError> {
        Ok(self.probe().await?.product)
    }

    async fn list_raw(&self, org: &str) -> Result<Vec<SessionToken>, ApiError> {
        let url = self.tokens_url(org)?;
        let list: Listed<SessionToken> = self.transport.get_json(url).await?;
        Ok(list.value.into_iter().filter(|t| !t.is_public).collect())
    }

    /// POSTs a create or update; the answer's values (the token and the alternate token) are
    /// overwritten in the body once parsed.
    async fn post(&self, url: Url, body: &SessionTokenRequest) -> Result<PatToken, ApiError> {
        let body = serde_json::to_vec(body).map_err(|e| ApiError::Config(e.to_string()))?;
        let mut resp = self
            .transport
            .send(Method::POST, url, Some(body), Idempotent::No)
            .await?;
        let parsed = decode::<SessionToken>(&resp);
        zeroize::Zeroize::zeroize(&mut resp);
        Ok(parsed?.into_pat())
    }

    /// The Windows sign-in, when the client tries one.
    pub fn windows_sign_in(&self) -> Option<&Arc<crate::auth::windows::WindowsSignIn>> {
        self.transport.windows()
    }

    /// Why the sign-in in use cannot create, if it cannot: only a Windows identity may.
    fn refusal(&self) -> Option<String> {
        match self.transport.windows() {
            Some(w) if w.signed_in_as_windows() => None,
            Some(w) => {
                let status = w.status();
                if status.skipped.is_empty() {
                    Some(CREATE_NEEDS_WINDOWS_SIGN_IN.to_owned())
                } else {
                    let reasons: Vec<String> = status
                        .skipped
                        .iter()
                        .map(|(m, why)| format!("{} skipped: {why}", m.label()))
                        .collect();
                    Some(format!(
                        "{CREATE_NEEDS_WINDOWS_SIGN_IN} ({})",
                        reasons.join("; ")
                    ))
                }
            }
            None => Some(CREATE_NEEDS_WINDOWS_SIGN_IN.to_owned()),
        }
    }

    /// How the client signed in, and why Windows sign-in was not used: for the profile screen
    /// and `patui doctor`.
    pub fn sign_in_summary(&self) -> String {
        match self.transport.windows() {
            Some(w) => w.status().summary(),
            None => crate::auth::windows::Method::Pat.label().to_owned(),
        }
    }
}

fn no_session_tokens() -> ApiError {
    ApiError::Unsupported(
        "this server has no session-token API (Token/SessionTokens): patui needs TFS 2017 or later"
            .into(),
    )
}

/// Maps the server's create and update refusals (a 400 whose message is the reason's name) to
/// sentences.
fn explain(e: ApiError, product: Option<ServerProduct>) -> ApiError {
    match e {
        ApiError::BadRequest {
            status: 400,
            message,
        } => {
            let reason = message.trim();
            let text = match reason {
                "AccessDenied" => CREATE_NEEDS_WINDOWS_SIGN_IN.to_owned(),
                "InvalidScope" => format!(
                    "the server does not know one of these scopes{}: choose scopes from its list",
                    product.map(|p| format!(" ({})", p.name())).unwrap_or_default()
                ),
                "InvalidDisplayName" => {
                    "the server refused the name (empty, longer than 256 characters, or with characters it does not allow)".to_owned()
                }
                "InvalidTargetAccounts" => {
                    "the server refused the collection the token is for".to_owned()
                }
                _ => return ApiError::BadRequest { status: 400, message },
            };
            ApiError::BadRequest {
                status: 400,
                message: text,
            }
        }
        e => e,
    }
}

/// Client-side filter of the plain list (which returns every token, revoked ones included).
fn admitted(t: &SessionToken, filter: DisplayFilter, now: chrono::DateTime<Utc>) -> bool {
    let expired = t.valid_to <= now;
    match filter {
        DisplayFilter::Active => t.is_valid && !expired,
        DisplayFilter::Expired => t.is_valid && expired,
        DisplayFilter::Revoked => !t.is_valid,
        DisplayFilter::All => true,
    }
}

#[async_trait]
impl PatBackend for ServerClient {
    async fn list_page(
        &self,
        org: &str,
        query: ListQuery,
        _continuation: Option<&str>,
    ) -> Result<PagedPatTokens, ApiError> {
        // The probe first: it says clearly when the sign-in or the server is wrong.
        self.probe().await?;
        let now = Utc::now();
        let mut tokens: Vec<PatToken> = self
            .list_raw(org)
            .await?
            .into_iter()
            .filter(|t| admitted(t, query.filter, now))
            .map(SessionToken::into_pat)
            .collect();
        match query.sort {
            ServerSort::DisplayName => {
                tokens.sort_by_cached_key(|t| t.display_name.to_lowercase());
            }
            ServerSort::DisplayDate | ServerSort::Status => tokens.sort_by_key(|t| t.valid_to),
        }
        if !query.ascending {
            tokens.reverse();
        }
        // One page: the plain list is not paged.
        Ok(PagedPatTokens {
            continuation_token: None,
            pat_tokens: tokens,
        })
    }

    async fn get(&self, org: &str, id: Uuid) -> Result<PatToken, ApiError> {
        let id = NonNilId::new(id).ok_or_else(|| ApiError::NotFound("the nil token id".into()))?;
        let item = self.item(org, id)?;
        let t: SessionToken = self.transport.get_json(item.0).await?;
        Ok(t.into_pat())
    }

    async fn create(&self, org: &str, req: &PatTokenCreateRequest) -> Result<PatToken, ApiError> {
        // The probe signs in, which decides whether this sign-in may create. A server patui
        // cannot reach (network, TLS, timeout) is that, not a sign-in that may not create.
        let product = match self.product().await {
            Ok(p) => Some(p),
            Err(e @ (ApiError::Network(_) | ApiError::Timeout | ApiError::Truncated(_))) => {
                return Err(e);
            }
            Err(_) => None,
        };
        if let Some(why) = self.refusal() {
            return Err(ApiError::Unsupported(why));
        }
        let mut url = self.host_url(
            if req.all_orgs { "" } else { org },
            &["_apis", "Token", "SessionTokens"],
        )?;
        url.query_pairs_mut()
            .append_pair("tokenType", "Compact")
            .append_pair("isPublic", "false")
            .append_pair("isRequestedByTfsPatWebUI", "true")
            .append_pair("api-version", SESSION_TOKENS_API_VERSION);
        let body = SessionTokenRequest {
            authorization_id: None,
            display_name: req.display_name.clone(),
            scope: req.scope.clone(),
            valid_to: req.valid_to,
            target_accounts: None,
        };
        let token = self
            .post(url, &body)
            .await
            .map_err(|e| explain(e, product))?;
        if token.token.as_ref().is_none_or(Secret::is_empty) {
            return Err(ApiError::Malformed(
                "the server created a token but did not return its value".into(),
            ));
        }
        Ok(token)
    }

    async fn update(&self, org: &str, req: &PatTokenUpdateRequest) -> Result<PatToken, ApiError> {
        let product = self.product().await.ok();
        // The server writes whatever is missing (full access, the year 1): send everything.
        let current = if req.display_name.is_none() || req.scope.is_none() || req.valid_to.is_none()
        {
            Some(self.get(org, req.authorization_id).await?)
        } else {
            None
        };
        let pick = |field: &Option<String>, from: fn(&PatToken) -> &String| {
            field
                .clone()
                .or_else(|| current.as_ref().map(|c| from(c).clone()))
                .unwrap_or_default()
        };
        let body = SessionTokenRequest {
            authorization_id: Some(req.authorization_id),
            display_name: pick(&req.display_name, |c| &c.display_name),
            scope: pick(&req.scope, |c| &c.scope),
            valid_to: req
                .valid_to
                .or_else(|| current.as_ref().map(|c| c.valid_to))
                .unwrap_or_else(Utc::now),
            // An empty list would write an empty audience; null leaves it as it is.
            target_accounts: None,
        };
        if body.scope.trim().is_empty() {
            return Err(ApiError::Config(
                "refusing to send an update without scopes (the server would make it full access)"
                    .into(),
            ));
        }
        let url = self.tokens_url(org)?;
        self.post(url, &body).await.map_err(|e| match e {
            ApiError::BadRequest { status: 405, .. }
            | ApiError::NotFound(_)
                if product.is_some_and(|p| !p.update_known()) =>
            {
                ApiError::Unsupported(format!(
                    "{} does not let patui edit a token: regenerate it instead (a new token with the new settings, then the old one revoked), or edit it in the web page",
                    product.map(ServerProduct::name).unwrap_or_default()
                ))
            }
            ApiError::BadRequest { status: 405, .. } => ApiError::Unsupported(
                "this server does not let patui edit a token: regenerate it instead, or edit it in the web page".into(),
            ),
            e => explain(e, product),
        })
    }

    async fn revoke(&self, org: &str, id: Uuid) -> Result<(), ApiError> {
        let id = NonNilId::new(id).ok_or_else(|| {
            ApiError::Config(
                "refusing to revoke the nil token id (it would revoke every token)".into(),
            )
        })?;
        let item = self.item(org, id)?;
        self.delete_item(item).await
    }

    async fn profile(&self) -> Result<Profile, ApiError> {
        let info = self.probe().await?;
        Ok(Profile {
            id: info.user_id,
            display_name: info.user.clone(),
            public_alias: None,
            email_address: None,
        })
    }

    async fn accounts(&self, _member_id: Uuid) -> Result<Vec<Account>, ApiError> {
        let url = self.host_url("", &["_apis", "projectCollections"])?;
        let listed: Result<Listed<ProjectCollection>, ApiError> =
            self.transport.get_json(url).await;
        match listed {
            Ok(l) => Ok(l
                .value
                .into_iter()
                .filter(|c| !c.name.is_empty())
                .map(|c| Account {
                    account_id: c.id,
                    account_name: c.name,
                    account_uri: None,
                })
                .collect()),
            // A user who may not list collections still has the one the URL names.
            Err(ApiError::Forbidden(_) | ApiError::NotFound(_)) => Ok(self
                .url
                .collection
                .iter()
                .map(|c| Account {
                    account_id: Uuid::new_v5(&Uuid::NAMESPACE_URL, c.as_bytes()),
                    account_name: c.clone(),
                    account_uri: None,
                })
                .collect()),
            Err(e) => Err(e),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            create: self.refusal().is_none(),
            update: true,
            global_tokens: true,
            retiring_global_tokens: false,
            profile: true,
        }
    }

    fn refusal(&self, op: crate::azure::backend::Operation) -> Option<String> {
        match op {
            crate::azure::backend::Operation::Create => ServerClient::refusal(self),
            crate::azure::backend::Operation::Update => None,
        }
    }

    fn sign_in_token(&self) -> crate::azure::backend::SignInToken {
        use crate::azure::backend::SignInToken;
        let id = match &self.pat {
            Some(p) => p.id(),
            None => self.opts.sign_in_token,
        };
        match id {
            Some(id) => SignInToken::Known(id),
            None => SignInToken::Unknown,
        }
    }

    fn sign_in_summary(&self) -> Option<String> {
        Some(ServerClient::sign_in_summary(self))
    }

    fn describe(&self) -> Option<String> {
        Some(match self.info.get() {
            Some(i) => i.product.name(),
            None => self.url.host(),
        })
    }

    fn scope_groups(&self) -> &'static [ScopeGroup] {
        let year = self.info.get().map(|i| i.product.year()).unwrap_or(2017);
        crate::azure::server_scopes::groups_for(year)
    }

    fn lifespan_days(&self) -> Option<&'static [u32]> {
        Some(&crate::azure::server_scopes::LIFESPAN_DAYS)
    }

    fn org_word(&self) -> &'static str {
        "collection"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::token_source::NoToken;

    fn client(url: &str) -> ServerClient {
        ServerClient::new(ServerOptions::new(url), Arc::new(NoToken)).unwrap()
    }

    #[test]
    fn urls_split_into_root_and_collection() {
        let u = ServerUrl::parse("https://tfs.example.com/tfs/DefaultCollection").unwrap();
        assert_eq!(u.root.as_str(), "https://tfs.example.com/tfs/");
        assert_eq!(u.collection.as_deref(), Some("DefaultCollection"));
        let u = ServerUrl::parse("https://tfs.example.com:8080/tfs/").unwrap();
        assert_eq!(u.root.as_str(), "https://tfs.example.com:8080/tfs/");
        assert_eq!(u.collection, None);
        assert_eq!(u.host(), "tfs.example.com:8080");
        let u = ServerUrl::parse("https://ads.example.com/Fabrikam%20Fiber/").unwrap();
        assert_eq!(u.root.as_str(), "https://ads.example.com/");
        assert_eq!(u.collection.as_deref(), Some("Fabrikam Fiber"));
        let u = ServerUrl::parse("https://ads.example.com").unwrap();
        assert_eq!(u.collection, None);
        assert!(ServerUrl::parse("http://tfs.example.com/tfs").is_err());
    }

    #[test]
    fn a_token_url_always_ends_in_its_id() {
        let c = client("http://127.0.0.1:9/tfs/DefaultCollection");
        assert!(NonNilId::new(Uuid::nil()).is_none());
        let id = Uuid::new_v4();
        let item = c
            .item("DefaultCollection", NonNilId::new(id).unwrap())
            .unwrap();
        assert_eq!(
            item.0.path(),
            format!("/tfs/DefaultCollection/_apis/Token/SessionTokens/{id}")
        );
        assert!(item.0.query().unwrap().contains("api-version=1.0"));
        let root = c.item("", NonNilId::new(id).unwrap()).unwrap();
        assert_eq!(
            root.0.path(),
            format!("/tfs/_apis/Token/SessionTokens/{id}")
        );
        assert!(c.item("a/b", NonNilId::new(id).unwrap()).is_err());
    }

    #[tokio::test]
    async fn a_delete_without_an_id_is_refused_before_sending() {
        let c = client("http://127.0.0.1:9/tfs/DefaultCollection");
        // Forged the only way possible from inside this module: the guard still holds.
        let forged = TokenItem(c.tokens_url("DefaultCollection").unwrap());
        let e = c.delete_item(forged).await.unwrap_err();
        assert!(e.to_string().contains("without a token id"), "{e}");
        let nil = c
            .revoke("DefaultCollection", Uuid::nil())
            .await
            .unwrap_err();
        assert!(nil.to_string().contains("nil token id"), "{nil}");
    }

    #[test]
    fn the_list_filter_follows_is_valid_and_the_date() {
        let now = Utc::now();
        let t = |valid: bool, days: i64| SessionToken {
            authorization_id: Uuid::new_v4(),
            display_name: String::new(),
            scope: String::new(),
            target_accounts: None,
            valid_from: now,
            valid_to: now + chrono::Duration::days(days),
            token: None,
            alternate_token: None,
            is_valid: valid,
            is_public: false,
        };
        assert!(admitted(&t(true, 5), DisplayFilter::Active, now));
        assert!(!admitted(&t(true, -5), DisplayFilter::Active, now));
        assert!(admitted(&t(true, -5), DisplayFilter::Expired, now));
        assert!(!admitted(&t(false, 5), DisplayFilter::Active, now));
        assert!(admitted(&t(false, -5), DisplayFilter::Revoked, now));
        assert!(!admitted(&t(false, -5), DisplayFilter::Expired, now));
    }

    #[test]
    fn refusals_read_as_sentences() {
        let e = explain(
            ApiError::BadRequest {
                status: 400,
                message: "AccessDenied".into(),
            },
            None,
        );
        assert!(e.to_string().contains("web page"), "{e}");
        let e = explain(
            ApiError::BadRequest {
                status: 400,
                message: "InvalidScope".into(),
            },
            Some(ServerProduct::Tfs2017),
        );
        assert!(e.to_string().contains("TFS 2017"), "{e}");
        assert!(client("http://127.0.0.1:9/tfs").capabilities().create.not());
    }

    use std::ops::Not;

    #[test]
    fn a_pat_typed_later_is_not_the_token_the_keyring_named() {
        use crate::auth::server_pat::{PatOrigin, ServerPat};
        use crate::azure::backend::SignInToken;
        let id = Uuid::new_v4();
        let pat = Arc::new(ServerPat::new(
            "http://127.0.0.1:9/tfs",
            Some((Secret::from("OLD"), PatOrigin::Keyring)),
        ));
        let mut opts = ServerOptions::new("http://127.0.0.1:9/tfs");
        opts.sign_in_token = Some(id);
        let c = ServerClient::with_pat(opts, Arc::clone(&pat)).unwrap();
        assert_eq!(c.sign_in_token(), SignInToken::Known(id));
        pat.set(Secret::from("NEW"), PatOrigin::Typed);
        assert_eq!(c.sign_in_token(), SignInToken::Unknown);
    }
}
