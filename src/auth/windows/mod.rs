//! Windows sign-in to Azure DevOps Server and TFS: the HTTP `Negotiate` (Kerberos) and `NTLM`
//! handshakes IIS offers, which sign in as the user's Windows identity, the only sign-in with
//! which a server lets patui create tokens.
//!
//! [`WindowsSignIn::send`] sends one request, signing it in the order Kerberos (the ticket cache
//! through the system's GSSAPI on Linux and macOS, the logged-on user through SSPI on Windows)
//! → NTLM (a stored `DOMAIN\user` and password) → the stored PAT (HTTP Basic), using each only
//! when the server offers it, and remembers which method signed in and why the others were
//! skipped (for the profile screen and `patui doctor`).
//!
//! NTLM authenticates the TCP connection, so its three legs must share one kept-alive
//! connection: a Windows sign-in sends one request at a time over the one HTTP/1.1 connection
//! it holds ([`connection::KeptConnection`]), so the next leg always goes where the previous
//! one went.

pub mod challenge;
pub mod connection;
#[cfg(unix)]
pub mod gssapi;
mod negotiate;
pub mod ntlm;
#[cfg(windows)]
pub mod sspi;

use crate::azure::error::ApiError;
use crate::azure::token_source::AccessTokenSource;
use base64::Engine;
use challenge::{Challenge, Scheme};
use connection::KeptConnection;
use ntlm::NtlmAccount;
use reqwest::{RequestBuilder, Response, StatusCode, header};
use std::sync::Mutex;

/// How a request was signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    /// Negotiate with a Kerberos ticket (or, on Windows, SSPI's choice for the logged-on user).
    Kerberos,
    /// NTLM with a stored Windows account.
    Ntlm,
    /// A personal access token in HTTP Basic.
    Pat,
}

impl Method {
    /// Its name in messages.
    pub fn label(self) -> &'static str {
        match self {
            // SSPI's Negotiate may use Kerberos or NTLM for the logged-on user.
            Method::Kerberos if cfg!(windows) => "Windows sign-in (Negotiate)",
            Method::Kerberos => "Windows sign-in (Kerberos)",
            Method::Ntlm => "Windows sign-in (NTLM)",
            Method::Pat => "personal access token",
        }
    }

    /// Whether it signs in as the user's Windows identity (which may create tokens).
    pub fn is_windows(self) -> bool {
        matches!(self, Method::Kerberos | Method::Ntlm)
    }
}

/// Which method signed in last, and why the methods before it were not used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub in_use: Option<Method>,
    /// The account of the method in use, when known (the NTLM account).
    pub account: Option<String>,
    pub skipped: Vec<(Method, String)>,
    /// Whether the server's last 401 offered Negotiate or NTLM.
    pub windows_offered: bool,
}

impl Status {
    /// "Windows sign-in (NTLM) as CONTOSO\alice; Kerberos skipped: no ticket (run kinit)".
    pub fn summary(&self) -> String {
        let mut s = match (self.in_use, &self.account) {
            (Some(m), Some(a)) => format!("{} as {a}", m.label()),
            (Some(m), None) => m.label().to_owned(),
            (None, _) => "not signed in yet".to_owned(),
        };
        if self.in_use.is_some() && !self.windows_offered && self.skipped.is_empty() {
            s.push_str("; the server offers no Windows sign-in (Negotiate or NTLM)");
        }
        for (m, why) in &self.skipped {
            s.push_str(&format!("; {} skipped: {why}", m.label()));
        }
        s
    }
}

/// What the sign-in may use.
pub struct WindowsSignIn {
    /// The server's host name, for the Kerberos service name `HTTP@host`.
    host: String,
    /// Whether to try Kerberos at all.
    kerberos: bool,
    ntlm: Mutex<Option<NtlmAccount>>,
    state: Mutex<State>,
    /// One request at a time (NTLM's legs must share the connection).
    one_at_a_time: tokio::sync::Mutex<()>,
    /// Run once when the server refuses the stored account.
    on_refused: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    /// The connection every request and leg goes over.
    connection: KeptConnection,
}

#[derive(Default)]
struct State {
    status: Status,
    /// What the server offered in its last 401.
    offered: Option<Vec<Challenge>>,
    /// The stored account was refused: it is not tried again (a wrong password tried on every
    /// request would lock the account).
    ntlm_refused: bool,
}

impl std::fmt::Debug for WindowsSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowsSignIn")
            .field("host", &self.host)
            .field("kerberos", &self.kerberos)
            .finish_non_exhaustive()
    }
}

/// Builds the request once more with the given Authorization (or none).
pub type Build<'a> = dyn Fn(Option<header::HeaderValue>) -> RequestBuilder + Send + Sync + 'a;

fn header_value(scheme: &str, token: &[u8]) -> Result<header::HeaderValue, ApiError> {
    let value = format!(
        "{scheme} {}",
        base64::engine::general_purpose::STANDARD.encode(token)
    );
    let mut v = header::HeaderValue::from_str(&value)
        .map_err(|_| ApiError::Config("a sign-in token cannot go in a header".into()))?;
    v.set_sensitive(true);
    Ok(v)
}

fn built(req: RequestBuilder) -> Result<reqwest::Request, ApiError> {
    req.build()
        .map_err(|e| ApiError::Config(format!("cannot build the request: {e}")))
}

/// Whether a 401 comes from the service behind the sign-in (a JSON body such as TF400813: the
/// user is signed in but may not do this) rather than from the sign-in layer (IIS, the proxy).
fn answered_by_the_service(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"))
}

impl WindowsSignIn {
    /// A sign-in to `host` over `connection`: Kerberos when `kerberos`, NTLM when `ntlm` is
    /// given.
    pub fn new(
        host: &str,
        kerberos: bool,
        ntlm: Option<NtlmAccount>,
        connection: KeptConnection,
    ) -> Self {
        Self {
            host: host.to_owned(),
            kerberos,
            ntlm: Mutex::new(ntlm),
            state: Mutex::new(State::default()),
            one_at_a_time: tokio::sync::Mutex::new(()),
            on_refused: Mutex::new(None),
            connection,
        }
    }

    /// Uses `account` for NTLM from the next request on (the TUI's sign-in dialog), or none.
    /// A new account is tried even if an earlier one was refused in this run; the hook that
    /// forgets a refused stored password is dropped, since this one is not stored yet.
    pub fn set_ntlm_account(&self, account: Option<NtlmAccount>) {
        if let Ok(mut g) = self.ntlm.lock() {
            *g = account;
        }
        if let Ok(mut s) = self.state.lock() {
            s.ntlm_refused = false;
        }
        if let Ok(mut g) = self.on_refused.lock() {
            *g = None;
        }
    }

    /// Sends one request (or a handshake's first leg) over the kept connection, or a new one;
    /// the body is read when it returns.
    async fn send_one(&self, req: RequestBuilder) -> Result<Response, ApiError> {
        self.connection.send(built(req)?).await
    }

    /// Sends a handshake's next leg over the connection the previous leg went over, never over
    /// another: `None` when it closed (nothing was sent).
    async fn send_continuing(&self, req: RequestBuilder) -> Result<Option<Response>, ApiError> {
        self.connection.send_continuing(built(req)?).await
    }

    /// Whether an NTLM account is known.
    pub fn has_ntlm(&self) -> bool {
        self.ntlm.lock().is_ok_and(|g| g.is_some())
    }

    /// What signed in last and why other methods were skipped.
    pub fn status(&self) -> Status {
        self.state
            .lock()
            .map(|s| s.status.clone())
            .unwrap_or_default()
    }

    /// Whether the method in use signs in as a Windows identity.
    pub fn signed_in_as_windows(&self) -> bool {
        self.status().in_use.is_some_and(Method::is_windows)
    }

    fn offered(&self) -> Option<Vec<Challenge>> {
        self.state.lock().ok().and_then(|s| s.offered.clone())
    }

    fn remember_offer(&self, resp: &Response) {
        let offered = challenge::from_headers(resp.headers());
        if let Ok(mut s) = self.state.lock() {
            s.offered = Some(offered);
        }
    }

    fn done(&self, method: Method, account: Option<String>, skipped: Vec<(Method, String)>) {
        if let Ok(mut s) = self.state.lock() {
            let windows_offered = s.offered.as_deref().is_some_and(offers_windows);
            s.status = Status {
                in_use: Some(method),
                account,
                skipped,
                windows_offered,
            };
        }
    }

    /// The turn to send: held by the caller for a whole [`WindowsSignIn::send`], so one request's
    /// legs never interleave with another's on the kept connection.
    pub async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.one_at_a_time.lock().await
    }

    /// Sends the request `build` makes, signed in by the first method that works; `pat` is the
    /// last resort. A 401 that no method could get past is returned as it is, after the status
    /// records why each method was skipped. The caller holds [`WindowsSignIn::exclusive`]
    /// meanwhile; the response's body is already read.
    pub async fn send(
        &self,
        build: &Build<'_>,
        pat: &dyn AccessTokenSource,
    ) -> Result<Response, ApiError> {
        // NTLM signed in the kept connection, which stays signed in: a request without
        // credentials goes through (a new handshake on it would be refused). A 401 means the
        // connection was closed or the server wants a new sign-in. With nothing known yet, the
        // bare request learns what the server offers.
        let on_signed_connection = self.status().in_use == Some(Method::Ntlm);
        let offered = match self.offered() {
            Some(o) if !on_signed_connection => o,
            _ => {
                let resp = self.send_one(build(None)).await?;
                if resp.status() != StatusCode::UNAUTHORIZED {
                    return Ok(resp);
                }
                self.remember_offer(&resp);
                self.offered().unwrap_or_default()
            }
        };
        let mut skipped = Vec::new();

        // 1. Kerberos.
        if !self.kerberos {
            skipped.push((
                Method::Kerberos,
                "turned off (kerberos = false in the config, or PATUI_KERBEROS=0)".to_owned(),
            ));
        } else if !challenge::offers(&offered, &Scheme::Negotiate) {
            if challenge::offers(&offered, &Scheme::Ntlm) {
                skipped.push((
                    Method::Kerberos,
                    "the server offers NTLM but not Negotiate".to_owned(),
                ));
            }
        } else {
            match self.negotiate(build).await? {
                Ok(resp) => {
                    self.done(Method::Kerberos, None, skipped);
                    return Ok(resp);
                }
                Err(why) => skipped.push((Method::Kerberos, why)),
            }
        }

        // 2. NTLM.
        let account = self.ntlm.lock().ok().and_then(|g| g.clone());
        let refused = self.state.lock().is_ok_and(|s| s.ntlm_refused);
        let scheme = if challenge::offers(&offered, &Scheme::Ntlm) {
            Some("NTLM")
        } else if challenge::offers(&offered, &Scheme::Negotiate) {
            Some("Negotiate")
        } else {
            None
        };
        match (account, scheme) {
            (None, None) => {}
            (None, Some(_)) => skipped.push((
                Method::Ntlm,
                "no Windows account is stored (patui login --server URL --windows)".to_owned(),
            )),
            (Some(_), None) => skipped.push((
                Method::Ntlm,
                "the server offers neither NTLM nor Negotiate".to_owned(),
            )),
            (Some(a), Some(_)) if refused => skipped.push((
                Method::Ntlm,
                format!("the server refused {} earlier in this run", a.account),
            )),
            (Some(account), Some(scheme)) => {
                match self.ntlm_handshake(build, &account, scheme).await? {
                    Ok(resp) => {
                        self.done(Method::Ntlm, Some(account.account.clone()), skipped);
                        return Ok(resp);
                    }
                    Err(why) => skipped.push((Method::Ntlm, why)),
                }
            }
        }

        // 3. The PAT.
        match pat.access_token().await {
            Ok(token) => {
                let value = pat.authorization(&token);
                let mut v = header::HeaderValue::from_str(value.expose()).map_err(|_| {
                    ApiError::Config(
                        "the credential contains characters a header cannot carry".into(),
                    )
                })?;
                v.set_sensitive(true);
                let resp = self.send_one(build(Some(v))).await?;
                self.done(Method::Pat, None, skipped);
                Ok(resp)
            }
            Err(e) => {
                if let Ok(mut s) = self.state.lock() {
                    let windows_offered = s.offered.as_deref().is_some_and(offers_windows);
                    s.status = Status {
                        in_use: None,
                        account: None,
                        skipped: skipped.clone(),
                        windows_offered,
                    };
                }
                Err(with_reasons(e, &skipped))
            }
        }
    }

    /// The Negotiate handshake: the security context's token, and again with the server's answer
    /// while a 401 carries one (SPNEGO may take more than one round; SSPI falls back to NTLM
    /// inside Negotiate), at most three rounds. The outer error is a transport failure; the
    /// inner one says why Negotiate did not sign in.
    async fn negotiate(&self, build: &Build<'_>) -> Result<Result<Response, String>, ApiError> {
        let mut context = None;
        let mut input: Option<Vec<u8>> = None;
        for _ in 0..3 {
            let (ctx, token) = match negotiate::step(context.take(), &self.host, input.take()).await
            {
                Ok(x) => x,
                Err(why) => return Ok(Err(why)),
            };
            if token.is_empty() {
                return Ok(Err("the security library produced no token".to_owned()));
            }
            let resp = self
                .send_one(build(Some(header_value("Negotiate", &token)?)))
                .await?;
            if resp.status() != StatusCode::UNAUTHORIZED || answered_by_the_service(&resp) {
                // Signed in (a 401 from the service itself means signed in, without access).
                return Ok(Ok(resp));
            }
            let next = challenge::from_headers(resp.headers())
                .iter()
                .filter(|c| c.scheme == Scheme::Negotiate)
                .find_map(Challenge::token);
            self.remember_offer(&resp);
            match next {
                Some(t) => {
                    context = Some(ctx);
                    input = Some(t);
                }
                None => {
                    // NTLM, if tried next, starts on a fresh connection.
                    self.connection.forget().await;
                    return Ok(Err("the server refused the Kerberos ticket".to_owned()));
                }
            }
        }
        self.connection.forget().await;
        Ok(Err(
            "the Negotiate handshake did not finish in three rounds".to_owned(),
        ))
    }

    /// NTLM's three legs. The outer error is a transport failure; the inner one says why the
    /// server did not accept the account.
    async fn ntlm_handshake(
        &self,
        build: &Build<'_>,
        account: &NtlmAccount,
        scheme: &str,
    ) -> Result<Result<Response, String>, ApiError> {
        let first = match ntlm::negotiate() {
            Ok(m) => m,
            Err(e) => return Ok(Err(e)),
        };
        let resp = self
            .send_one(build(Some(header_value(scheme, &first)?)))
            .await?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            // The server did not ask for the password: nothing was checked.
            return Ok(Err(format!(
                "the server answered NTLM's first message with {} instead of a challenge",
                resp.status()
            )));
        }
        let challenges = challenge::from_headers(resp.headers());
        let Some(server_challenge) = challenges
            .iter()
            .filter(|c| c.scheme.header_name().eq_ignore_ascii_case(scheme))
            .find_map(Challenge::token)
        else {
            return Ok(Err(format!(
                "the server answered NTLM's first message without a challenge ({scheme})"
            )));
        };
        let third = match ntlm::authenticate(account, &server_challenge) {
            Ok(m) => m,
            Err(e) => return Ok(Err(e)),
        };
        // The AUTHENTICATE leg only ever goes over the connection that carried the challenge:
        // on another one the server could not check it and would answer as if the password
        // were wrong.
        let resp = match self
            .send_continuing(build(Some(header_value(scheme, &third)?)))
            .await
        {
            Ok(Some(r)) => r,
            Ok(None) => {
                return Ok(Err(format!(
                    "the server closed the connection during the NTLM handshake, before the password of {} was sent",
                    account.account
                )));
            }
            Err(e) => {
                // The password may have reached the server, with no answer: not sent again in
                // this run, but kept (a network failure does not say the password is wrong).
                self.stop_ntlm_for_this_run();
                return Err(e);
            }
        };
        if resp.status() == StatusCode::UNAUTHORIZED && !answered_by_the_service(&resp) {
            self.remember_offer(&resp);
            // The next handshake (another account) starts on a fresh connection.
            self.connection.forget().await;
            let removed = self.refuse_ntlm();
            return Ok(Err(format!(
                "the server refused the user name or password of {}{}",
                account.account,
                if removed {
                    " (the stored password was removed from the keyring so it is not sent again: run patui login --server URL --windows)"
                } else {
                    ""
                }
            )));
        }
        Ok(Ok(resp))
    }

    /// Stops NTLM for this run without forgetting the stored account.
    fn stop_ntlm_for_this_run(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.ntlm_refused = true;
        }
    }

    /// Stops NTLM for this run and runs the refusal hook (which forgets the stored password).
    /// Returns whether a hook ran.
    fn refuse_ntlm(&self) -> bool {
        self.stop_ntlm_for_this_run();
        match self.on_refused.lock().ok().and_then(|mut g| g.take()) {
            Some(hook) => {
                hook();
                true
            }
            None => false,
        }
    }

    /// Runs `hook` the first time the server refuses the stored account (setup makes it forget
    /// the password, so no later run sends it again).
    pub fn on_ntlm_refused(&self, hook: Box<dyn FnOnce() + Send>) {
        if let Ok(mut g) = self.on_refused.lock() {
            *g = Some(hook);
        }
    }
}

/// Whether `offered` includes a Windows scheme.
fn offers_windows(offered: &[Challenge]) -> bool {
    challenge::offers(offered, &Scheme::Negotiate) || challenge::offers(offered, &Scheme::Ntlm)
}

/// `e` with the reasons the Windows methods were skipped.
pub fn with_reasons(e: ApiError, skipped: &[(Method, String)]) -> ApiError {
    if skipped.is_empty() {
        return e;
    }
    let reasons: Vec<String> = skipped
        .iter()
        .map(|(m, why)| format!("{} skipped: {why}", m.label()))
        .collect();
    match e {
        ApiError::Auth { status, detail } => ApiError::Auth {
            status,
            detail: format!("{detail} ({})", reasons.join("; ")),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_method_and_each_skip() {
        let s = Status {
            in_use: Some(Method::Ntlm),
            account: Some("C\\alice".into()),
            skipped: vec![(Method::Kerberos, "no ticket".into())],
            windows_offered: true,
        };
        assert_eq!(
            s.summary(),
            "Windows sign-in (NTLM) as C\\alice; Windows sign-in (Kerberos) skipped: no ticket"
        );
        assert_eq!(Status::default().summary(), "not signed in yet");
        let pat_only = Status {
            in_use: Some(Method::Pat),
            ..Status::default()
        };
        assert_eq!(
            pat_only.summary(),
            "personal access token; the server offers no Windows sign-in (Negotiate or NTLM)"
        );
    }

    #[test]
    fn reasons_join_an_auth_error_only() {
        let skipped = [(Method::Kerberos, "no ticket".to_owned())];
        let e = with_reasons(
            ApiError::Auth {
                status: 401,
                detail: "sign in".into(),
            },
            &skipped,
        );
        assert!(
            e.to_string().contains("Kerberos) skipped: no ticket"),
            "{e}"
        );
        let e = with_reasons(ApiError::NotFound("x".into()), &skipped);
        assert!(!e.to_string().contains("skipped"));
    }
}
