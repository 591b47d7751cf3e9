//! HTTP Negotiate/NTLM sign-in on Windows through SSPI (`secur32.dll`).
//!
//! This module owns one client security context at a time: the outbound credentials handle
//! (the logged-on user's, so nothing is prompted, or explicit NTLM credentials), the context
//! handle, and the legs of the handshake. It knows nothing about HTTP: the caller base64-encodes
//! the tokens [`SspiContext::step`] returns into `Authorization: Negotiate …` (or `NTLM …`) and
//! feeds back the server's token from `WWW-Authenticate`.
//!
//! Context flags are kept minimal: `ISC_REQ_ALLOCATE_MEMORY` (SSPI allocates the output token,
//! freed here with `FreeContextBuffer` after it is copied) and `ISC_REQ_CONNECTION` (the
//! connection-oriented handshake HTTP authentication uses). Mutual authentication, delegation,
//! integrity and confidentiality are not requested: HTTP sign-in only needs the server to accept
//! the token, and TLS protects the connection.

use std::ffi::c_void;
use std::fmt;
use std::iter::once;
use std::ptr;

use windows_sys::Win32::Foundation::{
    SEC_E_CONTEXT_EXPIRED, SEC_E_INSUFFICIENT_MEMORY, SEC_E_INTERNAL_ERROR, SEC_E_INVALID_HANDLE,
    SEC_E_INVALID_PARAMETER, SEC_E_INVALID_TOKEN, SEC_E_LOGON_DENIED,
    SEC_E_NO_AUTHENTICATING_AUTHORITY, SEC_E_NO_CREDENTIALS, SEC_E_OK, SEC_E_OUT_OF_SEQUENCE,
    SEC_E_SECPKG_NOT_FOUND, SEC_E_TARGET_UNKNOWN, SEC_E_TIME_SKEW, SEC_E_UNKNOWN_CREDENTIALS,
    SEC_E_UNSUPPORTED_FUNCTION, SEC_E_WRONG_PRINCIPAL, SEC_I_COMPLETE_AND_CONTINUE,
    SEC_I_COMPLETE_NEEDED, SEC_I_CONTINUE_NEEDED,
};
use windows_sys::Win32::Security::Authentication::Identity::{
    AcquireCredentialsHandleW, CompleteAuthToken, DeleteSecurityContext, FreeContextBuffer,
    FreeCredentialsHandle, ISC_REQ_ALLOCATE_MEMORY, ISC_REQ_CONNECTION, ISC_REQ_FLAGS,
    InitializeSecurityContextW, SECBUFFER_TOKEN, SECBUFFER_VERSION, SECPKG_CRED_OUTBOUND,
    SECURITY_NATIVE_DREP, SecBuffer, SecBufferDesc,
};
use windows_sys::Win32::Security::Credentials::SecHandle;
use zeroize::{Zeroize, Zeroizing};

/// The context requirements passed to every `InitializeSecurityContextW` call (see the module
/// documentation for why nothing more is asked for).
const CONTEXT_FLAGS: ISC_REQ_FLAGS = ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_CONNECTION;

/// The call named in errors raised before any SSPI call (an argument SSPI cannot take).
const CALL_NEW: &str = "SspiContext::new";

/// An SSPI failure: which call and its SECURITY_STATUS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SspiError {
    /// The SSPI function that failed (or `SspiContext::new` for an argument SSPI cannot take).
    pub call: &'static str,
    /// Its SECURITY_STATUS (an HRESULT).
    pub status: i32,
}

impl SspiError {
    fn new(call: &'static str, status: i32) -> Self {
        Self { call, status }
    }
}

/// The symbolic name and a short English meaning of the common SECURITY_STATUS codes.
fn status_meaning(status: i32) -> Option<(&'static str, &'static str)> {
    let known = match status {
        SEC_E_NO_CREDENTIALS => ("SEC_E_NO_CREDENTIALS", "no credentials are available"),
        SEC_E_LOGON_DENIED => ("SEC_E_LOGON_DENIED", "the logon was denied"),
        SEC_E_UNKNOWN_CREDENTIALS => (
            "SEC_E_UNKNOWN_CREDENTIALS",
            "the credentials were not recognized",
        ),
        SEC_E_TARGET_UNKNOWN => ("SEC_E_TARGET_UNKNOWN", "the target (SPN) is unknown"),
        SEC_E_WRONG_PRINCIPAL => (
            "SEC_E_WRONG_PRINCIPAL",
            "the target principal name (SPN) is incorrect",
        ),
        SEC_E_INTERNAL_ERROR => ("SEC_E_INTERNAL_ERROR", "an internal SSPI error occurred"),
        SEC_E_INVALID_TOKEN => ("SEC_E_INVALID_TOKEN", "the token supplied is invalid"),
        SEC_E_UNSUPPORTED_FUNCTION => (
            "SEC_E_UNSUPPORTED_FUNCTION",
            "the function requested is not supported",
        ),
        SEC_E_SECPKG_NOT_FOUND => (
            "SEC_E_SECPKG_NOT_FOUND",
            "the security package was not found",
        ),
        SEC_E_NO_AUTHENTICATING_AUTHORITY => (
            "SEC_E_NO_AUTHENTICATING_AUTHORITY",
            "no authority could be contacted for authentication",
        ),
        SEC_E_TIME_SKEW => (
            "SEC_E_TIME_SKEW",
            "the clocks of the client and the server are too far apart",
        ),
        SEC_E_CONTEXT_EXPIRED => ("SEC_E_CONTEXT_EXPIRED", "the security context has expired"),
        SEC_E_OUT_OF_SEQUENCE => (
            "SEC_E_OUT_OF_SEQUENCE",
            "the handshake step was out of sequence",
        ),
        SEC_E_INVALID_HANDLE => ("SEC_E_INVALID_HANDLE", "the handle is invalid"),
        SEC_E_INVALID_PARAMETER => ("SEC_E_INVALID_PARAMETER", "a parameter is invalid"),
        SEC_E_INSUFFICIENT_MEMORY => (
            "SEC_E_INSUFFICIENT_MEMORY",
            "not enough memory to complete the request",
        ),
        _ => return None,
    };
    Some(known)
}

impl fmt::Display for SspiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY_STATUS is an HRESULT: shown as its unsigned hexadecimal bit pattern.
        write!(f, "{} failed: 0x{:08X}", self.call, self.status as u32)?;
        if let Some((name, meaning)) = status_meaning(self.status) {
            write!(f, " ({name}: {meaning})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SspiError {}

/// Explicit credentials for NTLM (otherwise the current logon is used).
pub struct ExplicitCredentials<'a> {
    pub user: &'a str,
    pub domain: &'a str,
    pub password: &'a str,
}

/// `SEC_WINNT_AUTH_IDENTITY_W` (rpcdce.h), mirrored here so that only the features
/// `Win32_Security_Authentication_Identity` and `Win32_Security_Credentials` are needed (the
/// windows-sys definition lives under `Win32_System_Rpc`). The lengths are in UTF-16 code units
/// without the terminating NUL.
#[repr(C)]
#[allow(dead_code, reason = "read by SSPI through a pointer, never by Rust")]
struct WinntAuthIdentityW {
    user: *mut u16,
    user_length: u32,
    domain: *mut u16,
    domain_length: u32,
    password: *mut u16,
    password_length: u32,
    flags: u32,
}

/// `SEC_WINNT_AUTH_IDENTITY_UNICODE`: the strings of [`WinntAuthIdentityW`] are UTF-16.
const SEC_WINNT_AUTH_IDENTITY_UNICODE: u32 = 2;

// The mirror has the C layout of the original: three pointers, each followed by a 32-bit length
// (padded to pointer alignment), then the 32-bit flags.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<WinntAuthIdentityW>() == 48);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<WinntAuthIdentityW>() == 28);

/// `s` as a NUL-terminated UTF-16 string. The capacity is reserved up front (a UTF-8 string never
/// has fewer bytes than UTF-16 code units), so the buffer is never reallocated while filled and no
/// stale copy of a secret is left behind in freed memory.
fn wide(s: &str) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.len() + 1);
    out.extend(s.encode_utf16().chain(once(0)));
    out
}

/// `s` as a NUL-terminated UTF-16 string for a parameter that SSPI reads up to its first NUL:
/// an embedded NUL would silently truncate it (another package, another SPN), so it is refused.
fn wide_no_nul(s: &str) -> Result<Vec<u16>, SspiError> {
    if s.contains('\0') {
        return Err(SspiError::new(CALL_NEW, SEC_E_INVALID_PARAMETER));
    }
    Ok(wide(s))
}

/// The length of a NUL-terminated wide string without its NUL, as the `u32` SSPI takes.
fn wide_len(w: &[u16]) -> Result<u32, SspiError> {
    u32::try_from(w.len().saturating_sub(1))
        .map_err(|_| SspiError::new(CALL_NEW, SEC_E_INVALID_PARAMETER))
}

/// One client security context.
pub struct SspiContext {
    /// The package name, for `Debug` only.
    package: String,
    /// The target SPN, for `Debug` only.
    target: String,
    /// The target SPN, NUL-terminated UTF-16, passed as `pszTargetName` on every leg.
    target_w: Vec<u16>,
    /// The outbound credentials handle; valid for the whole life of the value.
    cred: SecHandle,
    /// The context handle; valid only when `has_context`.
    ctx: SecHandle,
    /// Whether `InitializeSecurityContextW` created a context (then it must be deleted).
    has_context: bool,
    /// Whether `SEC_E_OK` (or `SEC_I_COMPLETE_NEEDED`) was seen: the handshake is over.
    complete: bool,
}

// The handles are plain data (two `usize`s each) that any thread may use, so `SspiContext` is
// `Send` without an `unsafe impl`; this keeps it so.
const fn assert_send<T: Send>() {}
const _: () = assert_send::<SspiContext>();

/// Frees an output buffer SSPI allocated (`ISC_REQ_ALLOCATE_MEMORY`) on every path out of
/// [`SspiContext::step`].
struct ContextBuffer(*mut c_void);

impl Drop for ContextBuffer {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer was allocated by SSPI for the output token of
            // InitializeSecurityContextW (ISC_REQ_ALLOCATE_MEMORY), is freed only here, once,
            // and no slice into it outlives this guard (the token is copied before).
            unsafe {
                FreeContextBuffer(self.0);
            }
        }
    }
}

impl SspiContext {
    /// package: "Negotiate" or "NTLM"; target: the SPN, "HTTP/host" (pass it as pszTargetName).
    pub fn new(
        package: &str,
        target: &str,
        explicit: Option<ExplicitCredentials<'_>>,
    ) -> Result<Self, SspiError> {
        let package_w = wide_no_nul(package)?;
        let target_w = wide_no_nul(target)?;
        let mut cred = SecHandle::default();
        let mut expiry: i64 = 0;

        let status = match explicit {
            None => {
                // SAFETY: `package_w` is a NUL-terminated UTF-16 string alive for the call; a
                // null principal, logon id and auth data select the current logon; no key
                // callback; `cred` and `expiry` are valid, writable locals.
                unsafe {
                    AcquireCredentialsHandleW(
                        ptr::null(),
                        package_w.as_ptr(),
                        SECPKG_CRED_OUTBOUND,
                        ptr::null(),
                        ptr::null(),
                        None,
                        ptr::null(),
                        &mut cred,
                        &mut expiry,
                    )
                }
            }
            Some(creds) => {
                let mut user_w = Zeroizing::new(wide(creds.user));
                let mut domain_w = Zeroizing::new(wide(creds.domain));
                let mut password_w = Zeroizing::new(wide(creds.password));
                let user_length = wide_len(&user_w)?;
                let domain_length = wide_len(&domain_w)?;
                let password_length = wide_len(&password_w)?;
                let identity = WinntAuthIdentityW {
                    user: user_w.as_mut_ptr(),
                    user_length,
                    // An empty domain is passed as none, so a UPN user ("user@domain") works.
                    domain: if domain_length == 0 {
                        ptr::null_mut()
                    } else {
                        domain_w.as_mut_ptr()
                    },
                    domain_length,
                    password: password_w.as_mut_ptr(),
                    password_length,
                    flags: SEC_WINNT_AUTH_IDENTITY_UNICODE,
                };
                // SAFETY: `package_w` is a NUL-terminated UTF-16 string; `identity` has the
                // layout of SEC_WINNT_AUTH_IDENTITY_W and points into `user_w`, `domain_w` and
                // `password_w`, which are neither moved nor mutated until the call returns;
                // the lengths match the buffers (without their NULs); SSPI copies what it keeps.
                // `cred` and `expiry` are valid, writable locals.
                let status = unsafe {
                    AcquireCredentialsHandleW(
                        ptr::null(),
                        package_w.as_ptr(),
                        SECPKG_CRED_OUTBOUND,
                        ptr::null(),
                        (&raw const identity).cast::<c_void>(),
                        None,
                        ptr::null(),
                        &mut cred,
                        &mut expiry,
                    )
                };
                // The password is wiped as soon as SSPI is done with it (and again, harmlessly,
                // when the `Zeroizing` wrappers drop, on every path).
                password_w.zeroize();
                user_w.zeroize();
                domain_w.zeroize();
                status
            }
        };

        if status != SEC_E_OK {
            return Err(SspiError::new("AcquireCredentialsHandleW", status));
        }
        Ok(Self {
            package: package.to_owned(),
            target: target.to_owned(),
            target_w,
            cred,
            ctx: SecHandle::default(),
            has_context: false,
            complete: false,
        })
    }

    /// One leg: `input` is None for the first call, then the server's token from WWW-Authenticate.
    /// Returns the token to send (may be empty when the context completed with nothing to send).
    ///
    /// A leg without `input` once a context exists, or any leg after the handshake completed, is
    /// refused with `SEC_E_OUT_OF_SEQUENCE` (named as `InitializeSecurityContextW`).
    pub fn step(&mut self, input: Option<&[u8]>) -> Result<Vec<u8>, SspiError> {
        const CALL: &str = "InitializeSecurityContextW";
        if self.complete || (self.has_context && input.is_none()) {
            return Err(SspiError::new(CALL, SEC_E_OUT_OF_SEQUENCE));
        }

        // The input token, copied so SSPI gets a buffer it may treat as writable.
        let mut input_copy: Vec<u8> = input.map(<[u8]>::to_vec).unwrap_or_default();
        let mut in_buffer = SecBuffer {
            cbBuffer: u32::try_from(input_copy.len())
                .map_err(|_| SspiError::new(CALL, SEC_E_INVALID_TOKEN))?,
            BufferType: SECBUFFER_TOKEN,
            pvBuffer: input_copy.as_mut_ptr().cast::<c_void>(),
        };
        let in_desc = SecBufferDesc {
            ulVersion: SECBUFFER_VERSION,
            cBuffers: 1,
            pBuffers: &raw mut in_buffer,
        };
        let in_desc_ptr: *const SecBufferDesc = if input.is_some() {
            &raw const in_desc
        } else {
            ptr::null()
        };

        let mut out_buffer = SecBuffer {
            cbBuffer: 0,
            BufferType: SECBUFFER_TOKEN,
            pvBuffer: ptr::null_mut(),
        };
        let mut out_desc = SecBufferDesc {
            ulVersion: SECBUFFER_VERSION,
            cBuffers: 1,
            pBuffers: &raw mut out_buffer,
        };

        // On the first leg there is no context yet (null) and SSPI writes the new one into
        // `self.ctx`; on later legs the same handle is both the context and the new context.
        let ctx_ptr: *mut SecHandle = &raw mut self.ctx;
        let ctx_in: *const SecHandle = if self.has_context {
            ctx_ptr.cast_const()
        } else {
            ptr::null()
        };
        let mut attributes: u32 = 0;
        let mut expiry: i64 = 0;

        // SAFETY: `self.cred` is a credentials handle acquired in `new` and not yet freed;
        // `ctx_in` is null or the live context handle, and `ctx_ptr` points to writable storage
        // for it (aliasing the input handle is allowed by SSPI); `target_w` is a NUL-terminated
        // UTF-16 string; `in_desc_ptr` is null or describes one token buffer of exactly
        // `input_copy.len()` bytes, alive for the call; `out_desc` describes one empty token
        // buffer that SSPI allocates (ISC_REQ_ALLOCATE_MEMORY); the remaining out-parameters are
        // valid, writable locals. All these locals outlive the call.
        let status = unsafe {
            InitializeSecurityContextW(
                &raw const self.cred,
                ctx_in,
                self.target_w.as_ptr(),
                CONTEXT_FLAGS,
                0,
                SECURITY_NATIVE_DREP,
                in_desc_ptr,
                0,
                ctx_ptr,
                &raw mut out_desc,
                &raw mut attributes,
                &raw mut expiry,
            )
        };
        // Whatever happened, a buffer SSPI allocated is freed when this guard drops.
        let allocated = ContextBuffer(out_buffer.pvBuffer);

        let (needs_completion, done) = match status {
            SEC_E_OK => (false, true),
            SEC_I_CONTINUE_NEEDED => (false, false),
            SEC_I_COMPLETE_NEEDED => (true, true),
            SEC_I_COMPLETE_AND_CONTINUE => (true, false),
            // A failed first leg creates no context; a failed later leg leaves the existing one,
            // still deleted on drop.
            _ => return Err(SspiError::new(CALL, status)),
        };
        self.has_context = true;

        if needs_completion {
            // SAFETY: `self.ctx` is the context handle just created or updated by
            // InitializeSecurityContextW; `out_desc` still describes the output token it
            // returned (not yet freed: `allocated` drops at the end of this function).
            let completed = unsafe { CompleteAuthToken(&raw const self.ctx, &raw const out_desc) };
            if completed != SEC_E_OK {
                return Err(SspiError::new("CompleteAuthToken", completed));
            }
        }

        let token = if allocated.0.is_null() || out_buffer.cbBuffer == 0 {
            Vec::new()
        } else {
            // SAFETY: SSPI returned `pvBuffer` pointing to `cbBuffer` initialized bytes that stay
            // allocated until `allocated` drops, after this copy.
            unsafe {
                std::slice::from_raw_parts(
                    allocated.0.cast::<u8>().cast_const(),
                    out_buffer.cbBuffer as usize,
                )
            }
            .to_vec()
        };
        drop(allocated);

        self.complete = done;
        Ok(token)
    }

    /// Whether the handshake completed (SEC_E_OK seen).
    pub fn is_complete(&self) -> bool {
        self.complete
    }
}

impl Drop for SspiContext {
    fn drop(&mut self) {
        if self.has_context {
            // SAFETY: `has_context` is set only once InitializeSecurityContextW created the
            // context, which is deleted only here, once.
            unsafe {
                DeleteSecurityContext(&raw const self.ctx);
            }
        }
        // SAFETY: `cred` was acquired in `new` (a value exists only if that succeeded) and is
        // freed only here, once.
        unsafe {
            FreeCredentialsHandle(&raw const self.cred);
        }
    }
}

impl fmt::Debug for SspiContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SspiContext")
            .field("package", &self.package)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_call_the_code_and_its_meaning() {
        let err = SspiError::new("InitializeSecurityContextW", SEC_E_NO_CREDENTIALS);
        assert_eq!(
            err.to_string(),
            "InitializeSecurityContextW failed: 0x8009030E \
             (SEC_E_NO_CREDENTIALS: no credentials are available)"
        );
        let err = SspiError::new("AcquireCredentialsHandleW", SEC_E_SECPKG_NOT_FOUND);
        assert_eq!(
            err.to_string(),
            "AcquireCredentialsHandleW failed: 0x80090305 \
             (SEC_E_SECPKG_NOT_FOUND: the security package was not found)"
        );
        for status in [
            SEC_E_NO_CREDENTIALS,
            SEC_E_LOGON_DENIED,
            SEC_E_TARGET_UNKNOWN,
            SEC_E_WRONG_PRINCIPAL,
            SEC_E_INTERNAL_ERROR,
            SEC_E_INVALID_TOKEN,
            SEC_E_UNSUPPORTED_FUNCTION,
            SEC_E_SECPKG_NOT_FOUND,
            SEC_E_NO_AUTHENTICATING_AUTHORITY,
            SEC_E_TIME_SKEW,
            SEC_E_CONTEXT_EXPIRED,
        ] {
            assert!(status_meaning(status).is_some(), "{status:#X} unmapped");
        }
    }

    #[test]
    fn display_of_an_unknown_code_is_just_the_code() {
        let err = SspiError::new("CompleteAuthToken", 0x1234_5678);
        assert_eq!(err.to_string(), "CompleteAuthToken failed: 0x12345678");
    }

    #[test]
    fn embedded_nul_in_the_target_is_refused() {
        let err = SspiContext::new("Negotiate", "HTTP/a\0b", None).err();
        assert_eq!(err, Some(SspiError::new(CALL_NEW, SEC_E_INVALID_PARAMETER)));
    }

    #[test]
    fn negotiate_with_the_current_logon_starts_a_handshake() {
        let mut ctx = match SspiContext::new("Negotiate", "HTTP/localhost", None) {
            Ok(ctx) => ctx,
            Err(e) => panic!("AcquireCredentialsHandleW for the current logon: {e}"),
        };
        assert!(!ctx.is_complete());
        let debug = format!("{ctx:?}");
        assert!(
            debug.contains("Negotiate") && debug.contains("HTTP/localhost"),
            "{debug}"
        );
        match ctx.step(None) {
            Ok(token) => assert!(!token.is_empty(), "the first leg produced no token"),
            // No domain on a CI runner: SSPI may refuse, but the failure names the call.
            Err(e) => assert_eq!(e.call, "InitializeSecurityContextW", "{e}"),
        }
    }
}
