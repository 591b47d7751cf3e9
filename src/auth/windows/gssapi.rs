//! Kerberos through the system's GSSAPI library (MIT or Heimdal on Linux, the GSS framework on
//! macOS), loaded when first needed, as Firefox and Chromium do: the build needs no Kerberos
//! headers or libraries, and a machine without Kerberos simply has no Kerberos sign-in. It turns
//! the user's ticket cache (`kinit` beforehand; no password is asked) into the SPNEGO token of
//! an HTTP `Negotiate` header for the service `HTTP@host`.
//!
//! Only the handful of calls a client needs are bound; each is declared as in RFC 2744.
//! `PATUI_GSSAPI_LIBRARY` names another library to load.

use libloading::Library;
use std::ffi::c_void;
use std::sync::OnceLock;

/// The environment variable naming the GSSAPI library to load instead of the usual ones.
pub const LIBRARY_ENV: &str = "PATUI_GSSAPI_LIBRARY";

#[cfg(target_os = "macos")]
const LIBRARIES: &[&str] = &[
    "/System/Library/Frameworks/GSS.framework/GSS",
    "libgssapi_krb5.dylib",
];
#[cfg(not(target_os = "macos"))]
const LIBRARIES: &[&str] = &[
    "libgssapi_krb5.so.2",
    "libgssapi_krb5.so",
    "libgssapi.so.3",
    "libgssapi.so",
];

type OmUint32 = u32;

/// `gss_buffer_desc`. Apple's headers pack the GSS structs to 2 bytes on Intel.
#[cfg_attr(all(target_os = "macos", target_arch = "x86_64"), repr(C, packed(2)))]
#[cfg_attr(not(all(target_os = "macos", target_arch = "x86_64")), repr(C))]
struct Buffer {
    length: usize,
    value: *mut c_void,
}

/// `gss_OID_desc`.
#[cfg_attr(all(target_os = "macos", target_arch = "x86_64"), repr(C, packed(2)))]
#[cfg_attr(not(all(target_os = "macos", target_arch = "x86_64")), repr(C))]
struct Oid {
    length: OmUint32,
    elements: *mut c_void,
}

/// 1.2.840.113554.1.2.1.4, GSS_C_NT_HOSTBASED_SERVICE.
const NT_HOSTBASED_SERVICE: &[u8] = b"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04";
/// 1.3.6.1.5.5.2, SPNEGO: what HTTP Negotiate carries.
const SPNEGO: &[u8] = b"\x2b\x06\x01\x05\x05\x02";

const GSS_C_MUTUAL_FLAG: OmUint32 = 2;
const GSS_C_GSS_CODE: i32 = 1;
const GSS_C_MECH_CODE: i32 = 2;
/// GSS_S_NO_CRED: no ticket in the cache.
const GSS_S_NO_CRED: OmUint32 = 7 << 16;
/// The routine-error bits of a major status.
const ROUTINE_ERROR_MASK: OmUint32 = 0xffff_0000;

type ImportName =
    unsafe extern "C" fn(*mut OmUint32, *mut Buffer, *mut Oid, *mut *mut c_void) -> OmUint32;
type InitSecContext = unsafe extern "C" fn(
    *mut OmUint32,
    *mut c_void,
    *mut *mut c_void,
    *mut c_void,
    *mut Oid,
    OmUint32,
    OmUint32,
    *mut c_void,
    *mut Buffer,
    *mut *mut Oid,
    *mut Buffer,
    *mut OmUint32,
    *mut OmUint32,
) -> OmUint32;
type ReleaseName = unsafe extern "C" fn(*mut OmUint32, *mut *mut c_void) -> OmUint32;
type ReleaseBuffer = unsafe extern "C" fn(*mut OmUint32, *mut Buffer) -> OmUint32;
type DeleteSecContext =
    unsafe extern "C" fn(*mut OmUint32, *mut *mut c_void, *mut Buffer) -> OmUint32;
type DisplayStatus = unsafe extern "C" fn(
    *mut OmUint32,
    OmUint32,
    i32,
    *mut Oid,
    *mut OmUint32,
    *mut Buffer,
) -> OmUint32;

/// The loaded library and its calls. Never unloaded.
struct Gss {
    _lib: Library,
    import_name: ImportName,
    init_sec_context: InitSecContext,
    release_name: ReleaseName,
    release_buffer: ReleaseBuffer,
    delete_sec_context: DeleteSecContext,
    display_status: DisplayStatus,
}

/// Why no Kerberos token could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KerberosError {
    /// No GSSAPI library on this machine.
    #[error("no Kerberos (GSSAPI) library is installed ({0})")]
    NoLibrary(String),
    /// The library refused: no ticket, an expired ticket, an unknown service…
    #[error("{0}")]
    Refused(String),
}

fn load() -> Result<Gss, String> {
    let names: Vec<String> = match std::env::var(LIBRARY_ENV) {
        Ok(p) if !p.trim().is_empty() => vec![p],
        _ => LIBRARIES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let mut tried = Vec::new();
    for name in &names {
        // SAFETY: loading a GSSAPI library runs its initialisers, which only set up the library
        // itself; the names are the system's GSSAPI libraries or the one the user named.
        let lib = match unsafe { Library::new(name) } {
            Ok(l) => l,
            Err(e) => {
                tried.push(format!("{name}: {e}"));
                continue;
            }
        };
        let gss = bind(lib);
        match gss {
            Ok(g) => return Ok(g),
            Err(e) => tried.push(format!("{name}: {e}")),
        }
    }
    Err(tried.join("; "))
}

/// Looks up the calls in `lib`.
fn bind(lib: Library) -> Result<Gss, libloading::Error> {
    // SAFETY: each symbol is looked up with the signature RFC 2744 gives it, and the function
    // pointers are kept with the library, which is never unloaded.
    unsafe {
        Ok(Gss {
            import_name: *lib.get::<ImportName>(b"gss_import_name\0")?,
            init_sec_context: *lib.get::<InitSecContext>(b"gss_init_sec_context\0")?,
            release_name: *lib.get::<ReleaseName>(b"gss_release_name\0")?,
            release_buffer: *lib.get::<ReleaseBuffer>(b"gss_release_buffer\0")?,
            delete_sec_context: *lib.get::<DeleteSecContext>(b"gss_delete_sec_context\0")?,
            display_status: *lib.get::<DisplayStatus>(b"gss_display_status\0")?,
            _lib: lib,
        })
    }
}

fn library() -> Result<&'static Gss, KerberosError> {
    static GSS: OnceLock<Result<Gss, String>> = OnceLock::new();
    GSS.get_or_init(load)
        .as_ref()
        .map_err(|e| KerberosError::NoLibrary(e.clone()))
}

/// Whether a GSSAPI library can be loaded here.
pub fn available() -> Result<(), KerberosError> {
    library().map(|_| ())
}

impl Gss {
    /// The library's words for a status (both the GSS and the mechanism's parts).
    fn describe(&self, major: OmUint32, minor: OmUint32) -> String {
        let mut parts = Vec::new();
        for (code, kind) in [(major, GSS_C_GSS_CODE), (minor, GSS_C_MECH_CODE)] {
            if code == 0 {
                continue;
            }
            let mut context: OmUint32 = 0;
            // Bounded: a library that keeps answering is cut off.
            for _ in 0..8 {
                let mut min = 0;
                let mut out = Buffer {
                    length: 0,
                    value: std::ptr::null_mut(),
                };
                // SAFETY: `out` is a valid buffer the library fills and we release below; a null
                // mechanism means the default one.
                let st = unsafe {
                    (self.display_status)(
                        &mut min,
                        code,
                        kind,
                        std::ptr::null_mut(),
                        &mut context,
                        &mut out,
                    )
                };
                if st & ROUTINE_ERROR_MASK != 0 {
                    break;
                }
                let text = take(self, &mut out);
                let text = String::from_utf8_lossy(&text)
                    .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .to_owned();
                if !text.is_empty() && !parts.contains(&text) {
                    parts.push(text);
                }
                if context == 0 {
                    break;
                }
            }
        }
        if parts.is_empty() {
            format!("GSSAPI error {major:#x}/{minor:#x}")
        } else {
            parts.join(": ")
        }
    }
}

/// Copies a buffer the library allocated and releases it.
fn take(gss: &Gss, buf: &mut Buffer) -> Vec<u8> {
    let (len, ptr) = (buf.length, buf.value);
    let out = if ptr.is_null() || len == 0 {
        Vec::new()
    } else {
        // SAFETY: the library returned `len` readable bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(ptr as *const u8, len) }.to_vec()
    };
    let mut min = 0;
    // SAFETY: the buffer came from the library and is released once.
    unsafe { (gss.release_buffer)(&mut min, buf) };
    out
}

/// A client context for one HTTP exchange with `HTTP@host`.
pub struct KerberosContext {
    gss: &'static Gss,
    name: *mut c_void,
    ctx: *mut c_void,
}

// SAFETY: the context and name are only used by the thread holding `&mut self`; GSSAPI contexts
// may move between threads as long as they are not used concurrently.
unsafe impl Send for KerberosContext {}

impl std::fmt::Debug for KerberosContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KerberosContext").finish_non_exhaustive()
    }
}

impl KerberosContext {
    /// A context for the service `HTTP@host` (the library makes it `HTTP/host@REALM`).
    pub fn new(host: &str) -> Result<Self, KerberosError> {
        let gss = library()?;
        let mut service = format!("HTTP@{host}").into_bytes();
        let mut buf = Buffer {
            length: service.len(),
            value: service.as_mut_ptr().cast(),
        };
        let mut oid = Oid {
            length: NT_HOSTBASED_SERVICE.len() as OmUint32,
            elements: NT_HOSTBASED_SERVICE.as_ptr() as *mut c_void,
        };
        let mut name = std::ptr::null_mut();
        let mut minor = 0;
        // SAFETY: the buffer and OID point at live bytes for the call; the library copies them.
        let major = unsafe { (gss.import_name)(&mut minor, &mut buf, &mut oid, &mut name) };
        if major & ROUTINE_ERROR_MASK != 0 {
            return Err(KerberosError::Refused(gss.describe(major, minor)));
        }
        Ok(Self {
            gss,
            name,
            ctx: std::ptr::null_mut(),
        })
    }

    /// One step: `input` is `None` first, then the server's token. Returns the token to send
    /// (blocking: the library may ask the KDC for a service ticket).
    pub fn step(&mut self, input: Option<&[u8]>) -> Result<Vec<u8>, KerberosError> {
        let mut in_bytes = input.map(<[u8]>::to_vec).unwrap_or_default();
        let mut in_buf = Buffer {
            length: in_bytes.len(),
            value: in_bytes.as_mut_ptr().cast(),
        };
        let mut mech = Oid {
            length: SPNEGO.len() as OmUint32,
            elements: SPNEGO.as_ptr() as *mut c_void,
        };
        let mut out = Buffer {
            length: 0,
            value: std::ptr::null_mut(),
        };
        let mut minor = 0;
        // SAFETY: every pointer is live for the call; the default credential (null) is the
        // user's ticket cache; the output buffer is released by `take`.
        let major = unsafe {
            (self.gss.init_sec_context)(
                &mut minor,
                std::ptr::null_mut(),
                &mut self.ctx,
                self.name,
                &mut mech,
                GSS_C_MUTUAL_FLAG,
                0,
                std::ptr::null_mut(),
                if input.is_some() {
                    &mut in_buf
                } else {
                    std::ptr::null_mut()
                },
                std::ptr::null_mut(),
                &mut out,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        let token = take(self.gss, &mut out);
        if major & ROUTINE_ERROR_MASK == GSS_S_NO_CRED {
            return Err(KerberosError::Refused("no Kerberos ticket".to_owned()));
        }
        if major & ROUTINE_ERROR_MASK != 0 {
            return Err(KerberosError::Refused(self.gss.describe(major, minor)));
        }
        Ok(token)
    }
}

impl Drop for KerberosContext {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the handles came from the library and are released once.
        unsafe {
            if !self.ctx.is_null() {
                (self.gss.delete_sec_context)(&mut minor, &mut self.ctx, std::ptr::null_mut());
            }
            if !self.name.is_null() {
                (self.gss.release_name)(&mut minor, &mut self.name);
            }
        }
    }
}
