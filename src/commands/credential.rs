//! The git credential helper protocol (`patui credential get|store|erase`): parsing git's
//! key=value request, finding the organization it is for, and choosing a stored token.
//! Secrets go only to git on stdout; nothing is logged.

use crate::azure::scopes;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// One request from git.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GitRequest {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    /// Present for `store` and `erase` (the credential git used).
    pub password: Option<crate::secret::Secret>,
}

/// Parses git's request: `key=value` lines until a blank line or the end. Unknown keys are
/// ignored, as the protocol asks; a line without `=` is an error.
pub fn parse_request(input: &str) -> Result<GitRequest, String> {
    let mut map: HashMap<&str, &str> = HashMap::new();
    for line in input.lines() {
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once('=').ok_or_else(|| {
            "a credential line without '=': git's protocol is key=value".to_owned()
        })?;
        map.insert(k, v);
    }
    let get = |k: &str| map.get(k).map(|v| (*v).to_owned());
    let mut req = GitRequest {
        protocol: get("protocol"),
        host: get("host"),
        path: get("path"),
        username: get("username"),
        password: map.get("password").map(|v| crate::secret::Secret::from(*v)),
    };
    // `url=` (git 2.30+ may send it) fills what is missing.
    if let Some(url) = map.get("url")
        && let Ok(u) = reqwest::Url::parse(url)
    {
        req.protocol.get_or_insert_with(|| u.scheme().to_owned());
        if req.host.is_none() {
            req.host = u.host_str().map(str::to_owned);
        }
        if req.path.is_none() {
            req.path = Some(u.path().trim_start_matches('/').to_owned()).filter(|p| !p.is_empty());
        }
    }
    Ok(req)
}

/// The organization a request is for: `dev.azure.com/{org}/…` (needs git's
/// `credential.useHttpPath`, or a user name that is the organization, as Azure Repos URLs carry),
/// or `{org}.visualstudio.com`. Only for a request that says `protocol=https` (or an `https://`
/// `url=`): one without a protocol is not known to be https, and a token is never offered to it.
pub fn organization(req: &GitRequest) -> Option<String> {
    if req.protocol.as_deref() != Some("https") {
        return None;
    }
    let host = req.host.as_deref()?.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or(&host).to_owned();
    if host == "dev.azure.com" || host == "ssh.dev.azure.com" {
        if let Some(first) = req
            .path
            .as_deref()
            .and_then(|p| p.trim_start_matches('/').split('/').next())
            .filter(|s| !s.is_empty())
        {
            return Some(first.to_owned());
        }
        // https://{org}@dev.azure.com/{org}/… : git sends the user name.
        return req.username.clone().filter(|u| !u.is_empty());
    }
    host.strip_suffix(".visualstudio.com")
        .filter(|o| !o.is_empty() && !o.contains('.'))
        .map(str::to_owned)
}

/// What the chooser needs to know of a stored token.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub org: &'a str,
    pub global: bool,
    pub scope: &'a str,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
}

impl<'a> Candidate<'a> {
    /// From a keyring entry's metadata.
    pub fn of(m: &'a crate::vault::TokenMeta) -> Self {
        Candidate {
            org: &m.org,
            global: m.global,
            scope: &m.scope,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
        }
    }
}

/// The index of the newest unexpired candidate for `org` whose scopes allow Code access.
pub fn choose(candidates: &[Candidate<'_>], org: &str, now: DateTime<Utc>) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.global || c.org.eq_ignore_ascii_case(org))
        .filter(|(_, c)| c.valid_to > now + chrono::Duration::minutes(1))
        .filter(|(_, c)| scopes::allows_code_read(c.scope))
        // The newest; of two made at the same moment (a renewal), the one that lives longer.
        .max_by_key(|(_, c)| (c.valid_from, c.valid_to))
        .map(|(i, _)| i)
}

/// Reads git's whole request from `input`. It must be UTF-8 text: anything else is refused with
/// a reason (git's requests always are; a credential helper must not guess).
pub fn read_request(input: &mut impl std::io::Read) -> Result<String, String> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read git's request on stdin: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "git's request is not UTF-8 text (invalid byte at offset {}): nothing answered",
            e.utf8_error().valid_up_to()
        )
    })
}

/// What `patui credential` has once git's request is read and the config and keyring are open.
pub struct Prepared {
    pub request: String,
    pub config: crate::config::Config,
    pub vault: Result<crate::vault::Vault, String>,
}

/// Reads git's request from `input` and opens the keyring the config file at `config_path` (or
/// the default path) chooses, an in-memory one with `demo`. A request that is not UTF-8 and a
/// config file that does not load are reported on stderr as exit code 2 (the `Err`): a broken
/// config never silently means the default keyring.
pub fn prepare(
    config_path: Option<&std::path::Path>,
    demo: bool,
    input: &mut impl std::io::Read,
) -> Result<Prepared, u8> {
    let request = read_request(input).map_err(|e| {
        crate::eprintln_safe!("patui credential: {e}");
        super::EXIT_USAGE
    })?;
    let config = if demo {
        crate::config::Config::default()
    } else {
        crate::config::Config::load(config_path).map_err(|e| {
            crate::eprintln_safe!("patui credential: {e}");
            super::EXIT_USAGE
        })?
    };
    let vault = crate::setup::open_vault(&config, demo);
    Ok(Prepared {
        request,
        config,
        vault,
    })
}

/// Runs `patui credential OP` as the binary does, without renewal (see [`answer`]).
pub fn run_stdio(
    config_path: Option<&std::path::Path>,
    demo: bool,
    op: &str,
    input: &mut impl std::io::Read,
    out: &mut impl std::io::Write,
    now: DateTime<Utc>,
) -> u8 {
    match prepare(config_path, demo, input) {
        Ok(p) => run(&p.vault, op, &p.request, out, now),
        Err(code) => code,
    }
}

/// Answers git. For `get` with a `backend` (a silent sign-in is available) and
/// `renew_before_days` > 0 in the config, a chosen token that expires within that many days is
/// first renewed (see [`crate::ops::renew`]) under a lock every patui process shares, so two git
/// processes asking at once renew once: the second waits, then finds the new token. Any failure
/// answers with the old value and says why on stderr. Never prompts.
pub async fn answer(
    p: &Prepared,
    op: &str,
    out: &mut impl std::io::Write,
    now: DateTime<Utc>,
    backend: Option<&dyn crate::azure::PatBackend>,
) -> u8 {
    let days = p.config.renew_before_days;
    // Where a renewal may happen, the answer is read under the renewal lock too: a git process
    // that asks while another one renews waits for it, and never answers with the token that is
    // about to be revoked.
    let mut _lock = None;
    if op == "get"
        && days > 0
        && let (Some(backend), Ok(vault), Ok(req)) = (backend, &p.vault, parse_request(&p.request))
        && let Some(org) = organization(&req)
        && let Some(before) = chosen(vault, &org, now)
    {
        _lock = renew_under_lock(backend, vault, &org, before.id, now, days).await;
    }
    run(&p.vault, op, &p.request, out, now)
}

/// The stored token `get` would answer `org` with.
fn chosen(
    vault: &crate::vault::Vault,
    org: &str,
    now: DateTime<Utc>,
) -> Option<crate::vault::TokenMeta> {
    let metas = vault.list().ok()?;
    let candidates: Vec<Candidate<'_>> = metas.iter().map(Candidate::of).collect();
    choose(&candidates, org, now).map(|i| metas[i].clone())
}

/// Takes the renewal lock every patui process shares, then renews the token `get` would answer
/// with, `before`, if it is due and still the one to answer with (another process may have
/// renewed it while this one waited: its replacement is not renewed again). Returns the lock, to
/// be held while the answer is read.
async fn renew_under_lock(
    backend: &dyn crate::azure::PatBackend,
    vault: &crate::vault::Vault,
    org: &str,
    before: uuid::Uuid,
    now: DateTime<Utc>,
    days: u32,
) -> Option<std::fs::File> {
    let name = crate::ops::renew::lock_name(vault);
    let lock = tokio::task::spawn_blocking(move || crate::vault::state_lock(&name)).await;
    let lock = match lock {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => {
            crate::eprintln_safe!("patui credential: not renewed ({e}); using the current token");
            return None;
        }
        Err(e) => {
            crate::eprintln_safe!("patui credential: not renewed ({e}); using the current token");
            return None;
        }
    };
    let mut lock = lock;
    let meta = match chosen(vault, org, now) {
        Some(m)
            if m.id == before
                && crate::ops::renew::is_due(&m, now, days)
                && !just_renewed(&mut lock, m.id, now) =>
        {
            m
        }
        _ => return Some(lock),
    };
    let meta = &meta;
    let journal = crate::journal::Journal::open_default().ok();
    match crate::ops::renew::renew(backend, vault, journal.as_ref(), meta, now).await {
        Ok(r) => {
            record_renewal(&mut lock, r.minted.token.authorization_id, now);
            tracing::info!(old = %meta.id, new = %r.minted.token.authorization_id, "renewed for git");
            if let Err(e) = r.old_revoked {
                crate::eprintln_safe!(
                    "patui credential: renewed {}, but the old token {} could not be revoked ({e}): revoke it with `patui revoke {}`",
                    meta.name,
                    meta.id,
                    meta.id
                );
            }
        }
        Err(e) => crate::eprintln_safe!(
            "patui credential: {} expires {} and was not renewed: {e}; using it until then",
            meta.name,
            meta.valid_to.date_naive()
        ),
    }
    Some(lock)
}

/// How long a token minted by a renewal is not renewed again (a token whose whole lifespan is
/// within the renewal window is due as soon as it exists: a second git process that saw it
/// appear must not replace it at once).
const RENEWED_RECENTLY_SECONDS: i64 = 120;

/// True when the last renewal under this lock (written in the lock file) minted `id` a moment
/// ago.
fn just_renewed(lock: &mut std::fs::File, id: uuid::Uuid, now: DateTime<Utc>) -> bool {
    use std::io::{Read, Seek};
    let mut text = String::new();
    if lock.rewind().is_err() || lock.read_to_string(&mut text).is_err() {
        return false;
    }
    let mut parts = text.split_whitespace();
    let (Some(last), Some(at)) = (parts.next(), parts.next()) else {
        return false;
    };
    let at = DateTime::parse_from_rfc3339(at).map(|d| d.with_timezone(&Utc));
    last.parse::<uuid::Uuid>().is_ok_and(|l| l == id)
        && at.is_ok_and(|at| (now - at).num_seconds() < RENEWED_RECENTLY_SECONDS)
}

/// Writes what this renewal minted into the lock file, for [`just_renewed`].
fn record_renewal(lock: &mut std::fs::File, id: uuid::Uuid, now: DateTime<Utc>) {
    use std::io::{Seek, Write};
    let written = lock
        .set_len(0)
        .and_then(|()| lock.rewind())
        .and_then(|()| writeln!(lock, "{id} {}", now.to_rfc3339()));
    if let Err(e) = written {
        tracing::warn!("the renewal was not noted in its lock file: {e}");
    }
}

/// For an https request to a host that is not the cloud's: that server's vault and the
/// collection named in the path (`{collection}/…/_git/…`, with `credential.useHttpPath`), or
/// an empty collection (then only tokens for all collections match). `None` when patui keeps
/// no token for that host.
fn server_request(
    vault: &crate::vault::Vault,
    req: &GitRequest,
) -> Option<(crate::vault::Vault, String)> {
    if req.protocol.as_deref() != Some("https") && !is_loopback_http(req) {
        return None;
    }
    let host = req.host.as_deref()?.to_ascii_lowercase();
    let server = vault.for_server(&host);
    let metas = server.list().ok()?;
    if metas.is_empty() {
        return None;
    }
    let segments: Vec<&str> = req
        .path
        .as_deref()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    // The first path segment that names a stored collection (a project named like another
    // collection comes after it).
    let collection = segments
        .iter()
        .find(|s| {
            metas
                .iter()
                .any(|m| !m.org.is_empty() && m.org.eq_ignore_ascii_case(s))
        })
        .map(|s| (*s).to_owned())
        .unwrap_or_default();
    Some((server, collection))
}

/// Plain http is only ever answered on loopback (tests and the simulator).
fn is_loopback_http(req: &GitRequest) -> bool {
    req.protocol.as_deref() == Some("http")
        && req.host.as_deref().is_some_and(|h| {
            let h = h.rsplit_once(':').map_or(h, |(h, _)| h);
            h == "127.0.0.1" || h.eq_ignore_ascii_case("localhost") || h == "[::1]"
        })
}

/// Answers `get` from `vault`'s tokens for `org` (a cloud organization, or a server's
/// collection in that server's vault).
fn answer_from(
    vault: &crate::vault::Vault,
    req: &GitRequest,
    org: &str,
    out: &mut impl std::io::Write,
    now: DateTime<Utc>,
) -> u8 {
    let metas = match vault.list() {
        Ok(m) => m,
        Err(e) => {
            crate::eprintln_safe!("patui credential: {e}");
            return super::EXIT_ERROR;
        }
    };
    let candidates: Vec<Candidate<'_>> = metas.iter().map(Candidate::of).collect();
    let Some(i) = choose(&candidates, org, now) else {
        // Say why a stored token was not offered, when one exists but is dead.
        if let Some(m) = metas.iter().find(|m| {
            (m.global || m.org.eq_ignore_ascii_case(org))
                && m.valid_to <= now
                && crate::azure::scopes::allows_code_read(&m.scope)
        }) {
            crate::eprintln_safe!(
                "patui credential: the stored token {} expired on {}: not offered; create a new one (patui create, or n in patui)",
                m.name,
                m.valid_to.date_naive()
            );
        }
        return super::EXIT_OK;
    };
    match vault.load(metas[i].id) {
        Ok(Some(t)) => {
            let user = req.username.clone().unwrap_or_else(|| "pat".to_owned());
            if writeln!(out, "username={user}\npassword={}", t.value.expose()).is_err() {
                return super::EXIT_ERROR;
            }
            super::EXIT_OK
        }
        Ok(None) => super::EXIT_OK,
        Err(e) => {
            crate::eprintln_safe!("patui credential: {e}");
            super::EXIT_ERROR
        }
    }
}

/// Runs `patui credential OP` with git's request on `input`; the answer goes to `out`.
/// Returns the exit code. Nothing secret is written anywhere but `out`.
pub fn run(
    vault: &Result<crate::vault::Vault, String>,
    op: &str,
    input: &str,
    out: &mut impl std::io::Write,
    now: DateTime<Utc>,
) -> u8 {
    let req = match parse_request(input) {
        Ok(r) => r,
        Err(e) => {
            crate::eprintln_safe!("patui credential: {e}");
            return super::EXIT_USAGE;
        }
    };
    let vault = match vault {
        Ok(v) => v,
        Err(e) => {
            crate::eprintln_safe!("patui credential: no keyring: {e}");
            return super::EXIT_ERROR;
        }
    };
    match op {
        "get" => {
            let Some(org) = organization(&req) else {
                // Not the cloud: an Azure DevOps Server whose tokens patui keeps, if any.
                return match server_request(vault, &req) {
                    Some((server_vault, collection)) => {
                        answer_from(&server_vault, &req, &collection, out, now)
                    }
                    None => super::EXIT_OK, // let git ask the next helper
                };
            };
            answer_from(vault, &req, &org, out, now)
        }
        // patui keeps only the tokens it minted; a credential that worked needs no storing.
        "store" => super::EXIT_OK,
        "erase" => {
            // git rejected this credential: forget the stored token with that value.
            let (Some(pw), Some(org)) = (&req.password, organization(&req)) else {
                return super::EXIT_OK;
            };
            let metas = vault.list().unwrap_or_default();
            for m in metas
                .iter()
                .filter(|m| m.global || m.org.eq_ignore_ascii_case(&org))
            {
                if let Ok(Some(t)) = vault.load(m.id)
                    && t.value.matches(pw.expose())
                {
                    let _ = vault.delete(m.id);
                }
            }
            super::EXIT_OK
        }
        other => {
            crate::eprintln_safe!(
                "patui credential: unknown operation {other:?} (get, store or erase)"
            );
            super::EXIT_USAGE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_requests() {
        let r = parse_request("protocol=https\nhost=dev.azure.com\npath=fabrikam/proj/_git/repo\nusername=fabrikam\n\nignored=1\n").unwrap();
        assert_eq!(organization(&r).as_deref(), Some("fabrikam"));
        let r = parse_request("protocol=https\nhost=dev.azure.com\nusername=contoso\n").unwrap();
        assert_eq!(organization(&r).as_deref(), Some("contoso"));
        let r = parse_request("protocol=https\nhost=contoso.visualstudio.com\n").unwrap();
        assert_eq!(organization(&r).as_deref(), Some("contoso"));
        let r = parse_request("protocol=http\nhost=dev.azure.com\npath=x\n").unwrap();
        assert_eq!(organization(&r), None);
        let r = parse_request("url=https://dev.azure.com/acme/p/_git/r\n").unwrap();
        assert_eq!(organization(&r).as_deref(), Some("acme"));
        assert!(parse_request("garbage\n").is_err());
        let r = parse_request("protocol=https\nhost=dev.azure.com\npassword=s3cret\n").unwrap();
        assert!(!format!("{r:?}").contains("s3cret"));
    }

    #[test]
    fn chooses_the_newest_unexpired_code_token() {
        let now = Utc::now();
        let d = chrono::Duration::days;
        let c = |org, scope, from_days_ago: i64, to_days: i64| Candidate {
            org,
            global: false,
            scope,
            valid_from: now - d(from_days_ago),
            valid_to: now + d(to_days),
        };
        let list = [
            c("fabrikam", "vso.code", 10, 20),
            c("fabrikam", "vso.code_write", 2, 20),
            c("fabrikam", "vso.packaging", 1, 20),
            c("fabrikam", "vso.code", 1, -1),
            c("other", "vso.code", 0, 20),
        ];
        assert_eq!(choose(&list, "Fabrikam", now), Some(1));
        assert_eq!(choose(&list, "nobody", now), None);
    }

    /// An in-memory keyring holding one unexpired Code token for `org`.
    fn vault_with_token(org: &str, value: &str) -> Result<crate::vault::Vault, String> {
        let vault = crate::vault::Vault::memory().map_err(|e| e.to_string())?;
        let now = Utc::now();
        vault
            .store(&crate::vault::StoredToken {
                value: crate::secret::Secret::from(value),
                meta: crate::vault::TokenMeta {
                    org: org.to_owned(),
                    id: uuid::Uuid::new_v4(),
                    name: "git".to_owned(),
                    scope: "vso.code".to_owned(),
                    valid_from: now - chrono::Duration::days(1),
                    valid_to: now + chrono::Duration::days(10),
                    global: false,
                },
            })
            .map_err(|e| e.to_string())?;
        Ok(vault)
    }

    /// A request without `protocol=https` (none at all, or another) gets no token, and exit 0
    /// (git then asks the next helper); the same request with it does.
    #[test]
    fn only_an_https_request_gets_a_token() {
        let vault = vault_with_token("acme", "s3cret");
        assert!(vault.is_ok(), "{vault:?}");
        let answer = |input: &str| {
            let mut out = Vec::new();
            let code = run(&vault, "get", input, &mut out, Utc::now());
            (code, String::from_utf8_lossy(&out).into_owned())
        };
        let (code, out) = answer("protocol=https\nhost=dev.azure.com\npath=acme/p/_git/r\n\n");
        assert_eq!(code, crate::commands::EXIT_OK);
        assert!(out.contains("password=s3cret"), "{out}");
        for input in [
            "host=dev.azure.com\npath=acme/p/_git/r\n\n",
            "host=dev.azure.com\nusername=acme\n\n",
            "host=acme.visualstudio.com\n\n",
            "protocol=http\nhost=dev.azure.com\npath=acme/p/_git/r\n\n",
            "protocol=ssh\nhost=ssh.dev.azure.com\npath=acme/p/_git/r\n\n",
        ] {
            let (code, out) = answer(input);
            assert_eq!(code, crate::commands::EXIT_OK, "{input:?}");
            assert!(out.is_empty(), "{input:?} got {out:?}");
        }
        let r = parse_request("host=dev.azure.com\npath=acme/p/_git/r\n").unwrap();
        assert_eq!(organization(&r), None);
    }

    /// Input that is not UTF-8 is refused with a reason (exit 2), not silently.
    #[test]
    fn a_request_that_is_not_utf8_is_refused_with_a_reason() {
        let e = read_request(&mut &b"protocol=https\nhost=dev.azure.com\xff\n"[..]).unwrap_err();
        assert!(e.contains("UTF-8") && e.contains("offset 33"), "{e}");
        assert_eq!(
            read_request(&mut &b"protocol=https\n"[..]).unwrap(),
            "protocol=https\n"
        );
        let mut out = Vec::new();
        let code = run_stdio(
            None,
            true,
            "get",
            &mut &b"protocol=https\n\xc3\n"[..],
            &mut out,
            Utc::now(),
        );
        assert_eq!(code, crate::commands::EXIT_USAGE);
        assert!(out.is_empty());
    }

    /// A config file that does not load is an error (exit 2), not "use the default keyring".
    #[test]
    fn a_bad_config_file_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let request = "protocol=https\nhost=dev.azure.com\npath=acme/p/_git/r\n\n";
        for bad in ["keyring = \"bogus\"\n", "keyring = \n"] {
            std::fs::write(&path, bad).unwrap();
            let mut out = Vec::new();
            let code = run_stdio(
                Some(path.as_path()),
                false,
                "get",
                &mut request.as_bytes(),
                &mut out,
                Utc::now(),
            );
            assert_eq!(code, crate::commands::EXIT_USAGE, "{bad:?}");
            assert!(out.is_empty());
        }
        // A good one with the memory keyring answers (nothing stored: nothing to say).
        std::fs::write(&path, "keyring = \"memory\"\n").unwrap();
        let mut out = Vec::new();
        let code = run_stdio(
            Some(path.as_path()),
            false,
            "get",
            &mut request.as_bytes(),
            &mut out,
            Utc::now(),
        );
        assert_eq!(code, crate::commands::EXIT_OK);
        assert!(out.is_empty());
    }
}
