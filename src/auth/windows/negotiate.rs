//! One step of a Negotiate security context, on a blocking thread (the security library may ask
//! the KDC for a service ticket): the system GSSAPI (SPNEGO with the Kerberos ticket cache) on
//! Unix, SSPI's Negotiate package with the logged-on user on Windows. The context moves into the
//! step and back, so a handshake of several rounds keeps it.

#[cfg(unix)]
pub type Context = super::gssapi::KerberosContext;
#[cfg(windows)]
pub type Context = super::sspi::SspiContext;
/// No security library on this platform.
#[cfg(not(any(unix, windows)))]
#[derive(Debug)]
pub struct Context;

#[cfg(unix)]
fn new_context(host: &str) -> Result<Context, String> {
    super::gssapi::KerberosContext::new(host).map_err(reason)
}

#[cfg(unix)]
fn step_context(ctx: &mut Context, input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    ctx.step(input).map_err(reason)
}

#[cfg(unix)]
fn reason(e: super::gssapi::KerberosError) -> String {
    match e {
        super::gssapi::KerberosError::NoLibrary(e) => {
            format!("no Kerberos library is installed ({e})")
        }
        super::gssapi::KerberosError::Refused(e) => format!("{e} (run kinit to get a ticket)"),
    }
}

#[cfg(windows)]
fn new_context(host: &str) -> Result<Context, String> {
    super::sspi::SspiContext::new("Negotiate", &format!("HTTP/{host}"), None)
        .map_err(|e| e.to_string())
}

#[cfg(windows)]
fn step_context(ctx: &mut Context, input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    ctx.step(input).map_err(|e| e.to_string())
}

#[cfg(not(any(unix, windows)))]
fn new_context(_host: &str) -> Result<Context, String> {
    Err("Negotiate sign-in is not supported on this platform".to_owned())
}

#[cfg(not(any(unix, windows)))]
fn step_context(_ctx: &mut Context, _input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    Err("Negotiate sign-in is not supported on this platform".to_owned())
}

/// Steps `context` (a new one for `HTTP@host` when `None`) with the server's `input`; returns the
/// context and the token to send, or why there is none.
pub async fn step(
    context: Option<Context>,
    host: &str,
    input: Option<Vec<u8>>,
) -> Result<(Context, Vec<u8>), String> {
    let host = host.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut ctx = match context {
            Some(c) => c,
            None => new_context(&host)?,
        };
        let token = step_context(&mut ctx, input.as_deref())?;
        Ok((ctx, token))
    })
    .await
    .map_err(|e| format!("the sign-in step stopped: {e}"))?
}
