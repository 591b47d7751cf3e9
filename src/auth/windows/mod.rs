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
//! connection: a Windows sign-in sends one request at a time through an HTTP/1.1 client that
//! keeps a single idle connection per host, so the next leg always finds the connection the
//! previous one left.

pub mod challenge;
#[cfg(unix)]
pub mod gssapi;
pub mod ntlm;
#[cfg(windows)]
pub mod sspi;

use crate::azure::error::ApiError;
use crate::azure::token_source::AccessTokenSource;
use base64::Engine;
use challenge::{Challenge, Scheme};
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

async fn send(req: RequestBuilder) -> Result<Response, ApiError> {
    req.send()
        .await
        .map_err(crate::azure::transport::map_transport_error)
}

/// Reads and drops a 401's body so its connection goes back to the pool for the next leg.
async fn finish(resp: Response) {
    let _ = resp.bytes().await;
}

impl WindowsSignIn {
    /// A sign-in to `host`: Kerberos when `kerberos`, NTLM when `ntlm` is given.
    pub fn new(host: &str, kerberos: bool, ntlm: Option<NtlmAccount>) -> Self {
        Self {
            host: host.to_owned(),
            kerberos,
            ntlm: Mutex::new(ntlm),
            state: Mutex::new(State::default()),
            one_at_a_time: tokio::sync::Mutex::new(()),
        }
    }

    /// Uses `account` for NTLM from now on.
    pub fn set_ntlm(&self, account: Option<NtlmAccount>) {
        if let Ok(mut g) = self.ntlm.lock() {
            *g = account;
        }
        if let Ok(mut s) = self.state.lock() {
            s.ntlm_refused = false;
        }
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

    /// Sends the request `build` makes, signed in by the first method that works; `pat` is the
    /// last resort. A 401 that no method could get past is returned as it is, after the status
    /// records why each method was skipped.
    pub async fn send(
        &self,
        build: &Build<'_>,
        pat: &dyn AccessTokenSource,
    ) -> Result<Response, ApiError> {
        let _one = self.one_at_a_time.lock().await;
        // NTLM signed in the kept connection, which stays signed in: a request without
        // credentials goes through (a new handshake on it would be refused). A 401 means the
        // connection was closed or the server wants a new sign-in. With nothing known yet, the
        // bare request learns what the server offers.
        let on_signed_connection = self.status().in_use == Some(Method::Ntlm);
        let offered = match self.offered() {
            Some(o) if !on_signed_connection => o,
            _ => {
                let resp = send(build(None)).await?;
                if resp.status() != StatusCode::UNAUTHORIZED {
                    return Ok(resp);
                }
                self.remember_offer(&resp);
                finish(resp).await;
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
            // Not offered: nothing to say unless the server offers NTLM (then Kerberos is simply
            // not how this server signs in).
        } else {
            match self.kerberos_token().await {
                Ok(token) => {
                    let resp = send(build(Some(header_value("Negotiate", &token)?))).await?;
                    if resp.status() != StatusCode::UNAUTHORIZED {
                        self.done(Method::Kerberos, None, skipped);
                        return Ok(resp);
                    }
                    self.remember_offer(&resp);
                    finish(resp).await;
                    skipped.push((
                        Method::Kerberos,
                        "the server refused the Kerberos ticket".to_owned(),
                    ));
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
                let resp = send(build(Some(v))).await?;
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

    /// A Negotiate token for the server, or why there is none.
    async fn kerberos_token(&self) -> Result<Vec<u8>, String> {
        #[cfg(unix)]
        {
            match gssapi::first_token(&self.host).await {
                Ok((_ctx, token)) if !token.is_empty() => Ok(token),
                Ok(_) => Err("the Kerberos library produced no token".to_owned()),
                Err(gssapi::KerberosError::NoLibrary(e)) => {
                    Err(format!("no Kerberos library is installed ({e})"))
                }
                Err(gssapi::KerberosError::Refused(e)) => {
                    Err(format!("{e} (run kinit to get a ticket)"))
                }
            }
        }
        #[cfg(windows)]
        {
            let host = self.host.clone();
            tokio::task::spawn_blocking(move || {
                let mut ctx = sspi::SspiContext::new("Negotiate", &format!("HTTP/{host}"), None)
                    .map_err(|e| e.to_string())?;
                ctx.step(None).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())?
        }
        #[cfg(not(any(unix, windows)))]
        {
            Err("Kerberos is not supported on this platform".to_owned())
        }
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
        let resp = send(build(Some(header_value(scheme, &first)?))).await?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            // Already signed in on this connection.
            return Ok(Ok(resp));
        }
        let challenges = challenge::from_headers(resp.headers());
        finish(resp).await;
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
        let resp = send(build(Some(header_value(scheme, &third)?))).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            self.remember_offer(&resp);
            finish(resp).await;
            if let Ok(mut s) = self.state.lock() {
                s.ntlm_refused = true;
            }
            return Ok(Err(format!(
                "the server refused the user name or password of {}",
                account.account
            )));
        }
        Ok(Ok(resp))
    }

    /// Checks `account` against the server without touching what is stored: NTLM only. Used by
    /// `patui login --windows` before it stores anything.
    pub async fn check_ntlm(
        &self,
        build: &Build<'_>,
        account: &NtlmAccount,
    ) -> Result<Response, ApiError> {
        let _one = self.one_at_a_time.lock().await;
        let resp = send(build(None)).await?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let offered = challenge::from_headers(resp.headers());
        finish(resp).await;
        let scheme = if challenge::offers(&offered, &Scheme::Ntlm) {
            "NTLM"
        } else if challenge::offers(&offered, &Scheme::Negotiate) {
            "Negotiate"
        } else {
            return Err(ApiError::Unsupported(
                "the server offers neither NTLM nor Negotiate: Windows sign-in is not possible here".into(),
            ));
        };
        match self.ntlm_handshake(build, account, scheme).await? {
            Ok(resp) => {
                self.done(Method::Ntlm, Some(account.account.clone()), Vec::new());
                Ok(resp)
            }
            Err(why) => Err(ApiError::Auth {
                status: 401,
                detail: why,
            }),
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
