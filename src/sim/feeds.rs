//! The simulator's Azure Artifacts feeds: the URL space below `…/_packaging/{feed}/` of every
//! organization (cloud: `/{org}[/{project}]/_packaging/{feed}/…`) and of every collection
//! (on-premises: `/tfs/{collection}[/{project}]/_packaging/{feed}/…`), their authentication
//! (HTTP Basic with a PAT of the simulator, valid there, whose scope reads Packaging), and the
//! one package each feed holds per protocol: npm (`patui-demo`), PyPI simple (`patui-demo`),
//! NuGet v3 (`PatuiDemo`) and a Cargo sparse registry (`patuidemo`), all version 1.0.0. Any
//! feed name is accepted. Read-only: GET and HEAD; anything else is 405 (publishing is not
//! simulated). The packages are built once, deterministically, with [`super::archive`].
//! Counters: `"feeds": {"authorized", "refused"}` in `/_sim/stats`. See
//! `docs/package-managers.md` (shared) §1–§4 for what the real clients send.

use crate::sim::archive;
use crate::sim::http::{Resp, Shared, basic_credentials, query_map, with_json};
use crate::sim::server::{COLLECTIONS, VIRTUAL_DIR};
use crate::sim::store::{Org, Store};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256, Sha512};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The version of every package.
pub const VERSION: &str = "1.0.0";
/// The npm package (and the PyPI project, normalized).
pub const NPM_NAME: &str = "patui-demo";
/// The PyPI project name (PEP 503 normalized).
pub const PYPI_NAME: &str = "patui-demo";
/// The wheel's file name.
pub const WHEEL_FILE: &str = "patui_demo-1.0.0-py3-none-any.whl";
/// The NuGet package id (lower-cased in flat-container and registration URLs).
pub const NUGET_ID: &str = "PatuiDemo";
/// The crate.
pub const CRATE_NAME: &str = "patuidemo";
const NPM_TGZ: &str = "patui-demo-1.0.0.tgz";
const NUGET_LOWER: &str = "patuidemo";
const NUPKG_FILE: &str = "patuidemo.1.0.0.nupkg";
const NUSPEC_FILE: &str = "patuidemo.nuspec";
const REGISTRATION_LEAF: &str = "1.0.0.json";
const DESCRIPTION: &str = "patui demo package";
/// When the packages were "published" (the archives' fixed mtime, 1985-10-26).
const PUBLISHED: &str = "1985-10-26T08:15:00.000Z";

/// Scopes that let a PAT read feeds (besides full access, `app_token`).
const PACKAGING_READ_SCOPES: [&str; 4] = [
    "vso.packaging",
    "vso.packaging_write",
    "vso.packaging_manage",
    "app_token",
];

/// Which face of the simulator a request came in through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Azure DevOps Services: feeds below `/{org}`.
    Cloud,
    /// Azure DevOps Server: feeds below `/tfs/{collection}`.
    Server,
}

/// The feeds' counters and their packages (built on first use).
#[derive(Debug, Default)]
pub struct FeedState {
    authorized: AtomicU32,
    refused: AtomicU32,
    packages: OnceLock<Packages>,
}

impl FeedState {
    /// Feed requests that passed authentication.
    pub fn authorized(&self) -> u32 {
        self.authorized.load(Ordering::Relaxed)
    }

    /// Feed requests answered 401.
    pub fn refused(&self) -> u32 {
        self.refused.load(Ordering::Relaxed)
    }

    /// `{"authorized": n, "refused": n}` for `/_sim/stats`.
    pub fn stats(&self) -> serde_json::Value {
        json!({"authorized": self.authorized(), "refused": self.refused()})
    }

    /// The packages every feed holds.
    pub fn packages(&self) -> &Packages {
        self.packages.get_or_init(Packages::build)
    }
}

/// The package files, built once with fixed timestamps (so checksums are stable).
#[derive(Debug, Clone)]
pub struct Packages {
    /// npm tarball: `package/package.json`, `package/index.js`.
    pub npm_tgz: Bytes,
    /// `sha512-<base64>` of the tarball.
    pub npm_integrity: String,
    /// The wheel (a zip with the package, METADATA, WHEEL, RECORD).
    pub wheel: Bytes,
    /// sha256 hex of the wheel.
    pub wheel_sha256: String,
    /// The `.nupkg` (a zip with the nuspec and the OPC parts).
    pub nupkg: Bytes,
    /// The `.crate` (a gzip'd tar below `patuidemo-1.0.0/`).
    pub crate_file: Bytes,
    /// sha256 hex of the `.crate` (the index's `cksum`).
    pub crate_cksum: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// `path,sha256=<urlsafe base64, no padding>,size`: one line of a wheel's RECORD.
fn record_line(path: &str, data: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(data));
    format!("{path},sha256={b64},{}\n", data.len())
}

fn npm_package_json() -> String {
    json!({
        "name": NPM_NAME, "version": VERSION, "description": DESCRIPTION,
        "main": "index.js", "license": "MIT",
    })
    .to_string()
}

fn nuspec() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{NUGET_ID}</id><version>{VERSION}</version><authors>patui</authors><description>{DESCRIPTION}</description></metadata></package>\n"
    )
}

impl Packages {
    /// Builds every package file.
    pub fn build() -> Self {
        let npm_tgz = archive::tar_gz(&[
            ("package/package.json", npm_package_json().as_bytes()),
            ("package/index.js", b"module.exports = \"patui-demo\";\n"),
        ]);
        let npm_integrity = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&npm_tgz))
        );
        let wheel = build_wheel();
        let crate_file = archive::tar_gz(&[
            (
                "patuidemo-1.0.0/Cargo.toml",
                b"[package]\nname = \"patuidemo\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"patui demo crate\"\nlicense = \"MIT\"\n",
            ),
            (
                "patuidemo-1.0.0/src/lib.rs",
                b"//! patui demo crate.\n\n/// The demo's greeting.\npub fn hello() -> &'static str {\n    \"patui-demo\"\n}\n",
            ),
        ]);
        Packages {
            npm_integrity,
            npm_tgz: Bytes::from(npm_tgz),
            wheel_sha256: sha256_hex(&wheel),
            wheel: Bytes::from(wheel),
            nupkg: Bytes::from(build_nupkg()),
            crate_cksum: sha256_hex(&crate_file),
            crate_file: Bytes::from(crate_file),
        }
    }
}

fn build_wheel() -> Vec<u8> {
    let init: &[u8] = b"\"\"\"patui demo package.\"\"\"\n__version__ = \"1.0.0\"\n";
    let metadata: &[u8] =
        b"Metadata-Version: 2.1\nName: patui-demo\nVersion: 1.0.0\nSummary: patui demo package\n";
    let wheel: &[u8] =
        b"Wheel-Version: 1.0\nGenerator: patui-sim\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
    let files = [
        ("patui_demo/__init__.py", init),
        ("patui_demo-1.0.0.dist-info/METADATA", metadata),
        ("patui_demo-1.0.0.dist-info/WHEEL", wheel),
    ];
    let mut record: String = files.iter().map(|(p, d)| record_line(p, d)).collect();
    record.push_str("patui_demo-1.0.0.dist-info/RECORD,,\n");
    let mut entries = files.to_vec();
    entries.push(("patui_demo-1.0.0.dist-info/RECORD", record.as_bytes()));
    archive::zip(&entries)
}

fn build_nupkg() -> Vec<u8> {
    let rels = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/PatuiDemo.nuspec\" Id=\"R1\" /></Relationships>";
    let types = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\" /><Default Extension=\"nuspec\" ContentType=\"application/octet\" /><Default Extension=\"_\" ContentType=\"application/octet\" /></Types>";
    let spec = nuspec();
    archive::zip(&[
        ("_rels/.rels", rels.as_bytes()),
        ("PatuiDemo.nuspec", spec.as_bytes()),
        ("lib/netstandard2.0/_._", b""),
        ("[Content_Types].xml", types.as_bytes()),
    ])
}

/// The Cargo index file of the crate: one JSON line.
fn cargo_index_line(cksum: &str) -> String {
    let line = json!({
        "name": CRATE_NAME, "vers": VERSION, "deps": [], "cksum": cksum,
        "features": {}, "yanked": false,
    });
    format!("{line}\n")
}

/// True when a path (decoded, lower-cased segments) is in a feed's URL space.
pub fn is_feed_path(lower_segments: &[&str]) -> bool {
    lower_segments.contains(&"_packaging")
}

/// A feed URL, split.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FeedPath {
    /// The organization or collection, decoded, as written.
    place: String,
    /// The raw path of the organization (`/fabrikam`) or collection (`/tfs/Fabrikam`).
    place_root: String,
    /// The raw path up to and including the feed (`/fabrikam/web/_packaging/feed`).
    feed_root: String,
    /// Decoded, lower-cased segments after the feed.
    rest: Vec<String>,
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The byte of a `%XY` escape starting at `b[i]`.
fn escaped_byte(b: &[u8], i: usize) -> Option<u8> {
    if b.get(i) != Some(&b'%') {
        return None;
    }
    Some(hex_value(*b.get(i + 1)?)? * 16 + hex_value(*b.get(i + 2)?)?)
}

/// Percent-decoding of one path segment (invalid escapes are kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match escaped_byte(b, i) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `/{org}[/{project}]/_packaging/{feed}/…` (cloud) or
/// `/tfs/{collection}[/{project}]/_packaging/{feed}/…` (server).
fn parse_feed_path(raw_path: &str, mode: Mode) -> Option<FeedPath> {
    let raw: Vec<&str> = raw_path.split('/').filter(|s| !s.is_empty()).collect();
    let decoded: Vec<String> = raw.iter().map(|s| percent_decode(s)).collect();
    let at = decoded
        .iter()
        .position(|s| s.eq_ignore_ascii_case("_packaging"))?;
    let place_len = match mode {
        Mode::Cloud => 1,
        Mode::Server => {
            if !decoded.first()?.eq_ignore_ascii_case(VIRTUAL_DIR) {
                return None;
            }
            2
        }
    };
    // The place, then at most one project, then `_packaging` and the feed.
    if at < place_len || at > place_len + 1 || decoded.len() < at + 2 {
        return None;
    }
    let place = decoded[place_len - 1].clone();
    if place.starts_with('_') {
        return None;
    }
    let join = |n: usize| format!("/{}", raw[..n].join("/"));
    Some(FeedPath {
        place,
        place_root: join(place_len),
        feed_root: join(at + 2),
        rest: decoded[at + 2..]
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
    })
}

/// What a feed needs to know about the stored token a request presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFacts {
    /// The stored scope (space-separated ids).
    pub scope: String,
    pub revoked: bool,
    pub expired: bool,
    /// Valid for the organization (collection) the feed belongs to.
    pub valid_here: bool,
    /// A global token after global tokens were retired (cloud only).
    pub retired_global: bool,
}

/// Whether a scope lets a PAT read feeds.
pub fn scope_reads_packages(scope: &str) -> bool {
    scope.split_whitespace().any(|s| {
        PACKAGING_READ_SCOPES
            .iter()
            .any(|ok| ok.eq_ignore_ascii_case(s))
    })
}

/// Why a feed request is refused (401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    NoCredentials,
    UnknownToken,
    Revoked,
    Expired,
    OtherPlace,
    RetiredGlobal,
    NoPackagingScope,
}

impl Refused {
    /// The 401 body.
    fn message(self, place: &str) -> String {
        match self {
            Refused::NoCredentials => "authentication required: send HTTP Basic credentials with a personal access token as the password".into(),
            Refused::UnknownToken => "the personal access token is not valid".into(),
            Refused::Revoked => "the token is revoked".into(),
            Refused::Expired => "the token expired".into(),
            Refused::OtherPlace => format!("the token is not valid for {place}"),
            Refused::RetiredGlobal => "the token is a global token, and global tokens are retired".into(),
            Refused::NoPackagingScope => "the token's scope does not allow Packaging (read): it needs vso.packaging, vso.packaging_write, vso.packaging_manage or full access".into(),
        }
    }
}

/// The decision on a presented token (`None`: no stored token has that value).
fn verdict(facts: Option<&TokenFacts>) -> Result<(), Refused> {
    let f = facts.ok_or(Refused::UnknownToken)?;
    if f.revoked {
        Err(Refused::Revoked)
    } else if f.expired {
        Err(Refused::Expired)
    } else if !f.valid_here {
        Err(Refused::OtherPlace)
    } else if f.retired_global {
        Err(Refused::RetiredGlobal)
    } else if !scope_reads_packages(&f.scope) {
        Err(Refused::NoPackagingScope)
    } else {
        Ok(())
    }
}

/// The organization or collection a feed belongs to.
enum Place {
    Org(Org),
    Collection(&'static str),
}

fn resolve_place(shared: &Shared, mode: Mode, name: &str) -> Option<Place> {
    match mode {
        Mode::Cloud => {
            let org = shared.store.lock().ok().and_then(|mut s| s.org(name));
            org.map(Place::Org)
        }
        Mode::Server => COLLECTIONS
            .iter()
            .copied()
            .find(|c| c.eq_ignore_ascii_case(name))
            .map(Place::Collection),
    }
}

/// 404 for an unknown organization (strict mode) or collection.
fn place_not_found(mode: Mode, name: &str) -> Resp {
    let message = match mode {
        Mode::Cloud => {
            format!("VS800075: The project collection or organization '{name}' was not found.")
        }
        Mode::Server => format!("TF400898: The collection {name} was not found."),
    };
    text(StatusCode::NOT_FOUND, message)
}

fn cloud_facts(store: &Store, org: &Org, password: &str) -> Option<TokenFacts> {
    let t = store.tokens().iter().find(|t| t.value.matches(password))?;
    Some(TokenFacts {
        scope: t.scope.clone(),
        revoked: t.revoked,
        expired: t.valid_to <= store.now(),
        valid_here: t.targets_org(org.id),
        retired_global: t.targets.is_none() && store.globals_retired(),
    })
}

fn token_facts(shared: &Shared, place: &Place, password: &str) -> Option<TokenFacts> {
    match place {
        Place::Org(org) => {
            let store = shared.store.lock().ok()?;
            cloud_facts(&store, org, password)
        }
        Place::Collection(c) => {
            let server = match shared.server.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            server.feed_token(password, c, chrono::Utc::now())
        }
    }
}

fn authorize(shared: &Shared, place: &Place, headers: &HeaderMap) -> Result<(), Refused> {
    let password = basic_credentials(headers)
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty())
        .ok_or(Refused::NoCredentials)?;
    verdict(token_facts(shared, place, &password).as_ref())
}

/// `http://{Host}` (else the URI's authority, else `http://localhost`).
fn base_url(uri: &Uri, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".into());
    format!("http://{host}")
}

fn text(status: StatusCode, body: String) -> Resp {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn bytes(content_type: &'static str, body: Bytes) -> Resp {
    let mut r = Response::new(Body::from(body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn html(body: String) -> Resp {
    let mut r = text(StatusCode::OK, body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn not_found() -> Resp {
    text(
        StatusCode::NOT_FOUND,
        "The feed has no such package or resource.".into(),
    )
}

/// 401 with `Basic realm="<base>"`, and on Cargo paths a `Cargo login_url=…` challenge too.
fn unauthorized(base: &str, path: &FeedPath, why: Refused) -> Resp {
    let mut r = text(StatusCode::UNAUTHORIZED, why.message(&path.place));
    let h = r.headers_mut();
    let basic = HeaderValue::from_str(&format!("Basic realm=\"{base}/\""))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic realm=\"patui-sim\""));
    h.append(header::WWW_AUTHENTICATE, basic);
    if path.rest.first().is_some_and(|p| p == "cargo") {
        let login = format!(
            "Cargo login_url=\"{base}{}/_usersSettings/tokens\"",
            path.place_root
        );
        let cargo =
            HeaderValue::from_str(&login).unwrap_or_else(|_| HeaderValue::from_static("Cargo"));
        h.append(header::WWW_AUTHENTICATE, cargo);
    }
    r
}

fn method_not_allowed() -> Resp {
    let mut r = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "The simulated feeds are read-only: GET and HEAD only.".into(),
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}

/// Answers a request whose path contains `_packaging` (see [`is_feed_path`]): 404 unless it is
/// a feed URL of `mode` in a known organization/collection, then 401 unless the Basic password
/// is a usable PAT there with a Packaging scope, then 405 unless GET/HEAD, then the resource.
pub fn handle(
    shared: &Shared,
    mode: Mode,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Resp {
    let Some(path) = parse_feed_path(uri.path(), mode) else {
        return not_found();
    };
    let Some(place) = resolve_place(shared, mode, &path.place) else {
        return place_not_found(mode, &path.place);
    };
    let base = base_url(uri, headers);
    if let Err(why) = authorize(shared, &place, headers) {
        shared.feeds.refused.fetch_add(1, Ordering::Relaxed);
        return unauthorized(&base, &path, why);
    }
    shared.feeds.authorized.fetch_add(1, Ordering::Relaxed);
    if *method != Method::GET && *method != Method::HEAD {
        return method_not_allowed();
    }
    let feed_url = format!("{base}{}", path.feed_root);
    let rest: Vec<&str> = path.rest.iter().map(String::as_str).collect();
    let q = query_map(uri);
    let search = q.get("q").map(String::as_str).unwrap_or("");
    serve(shared.feeds.packages(), &feed_url, &rest, search)
}

/// The resource at `rest` (lower-cased segments after the feed) of a feed at `feed_url`.
fn serve(p: &Packages, feed_url: &str, rest: &[&str], search: &str) -> Resp {
    let found = match rest {
        ["npm", "registry", tail @ ..] => npm(p, feed_url, tail),
        ["pypi", tail @ ..] => pypi(p, feed_url, tail),
        ["nuget", "v3", tail @ ..] => nuget(p, feed_url, tail, search),
        ["cargo", tail @ ..] => cargo(p, feed_url, tail),
        _ => None,
    };
    found.unwrap_or_else(not_found)
}

fn npm(p: &Packages, feed: &str, rest: &[&str]) -> Option<Resp> {
    match rest {
        [NPM_NAME] => {
            let tarball = format!("{feed}/npm/registry/{NPM_NAME}/-/{NPM_TGZ}");
            let version = json!({
                "_id": format!("{NPM_NAME}@{VERSION}"), "name": NPM_NAME, "version": VERSION,
                "description": DESCRIPTION, "main": "index.js", "license": "MIT",
                "dist": {"tarball": tarball, "integrity": p.npm_integrity},
            });
            Some(with_json(
                StatusCode::OK,
                &json!({
                    "_id": NPM_NAME, "name": NPM_NAME, "description": DESCRIPTION,
                    "dist-tags": {"latest": VERSION},
                    "versions": {VERSION: version},
                    "time": {"created": PUBLISHED, "modified": PUBLISHED, VERSION: PUBLISHED},
                }),
            ))
        }
        [NPM_NAME, "-", NPM_TGZ] => Some(bytes("application/octet-stream", p.npm_tgz.clone())),
        _ => None,
    }
}

/// PEP 503 name normalization: lower-case, runs of `-`, `_`, `.` become one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn simple_page(title: &str, href: &str, label: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>{title}</title></head>\n<body><h1>{title}</h1>\n<a href=\"{}\">{label}</a><br/>\n</body></html>\n",
        html_escape(href)
    )
}

fn pypi(p: &Packages, feed: &str, rest: &[&str]) -> Option<Resp> {
    match rest {
        ["simple"] => Some(html(simple_page(
            "Simple index",
            &format!("{feed}/pypi/simple/{PYPI_NAME}/"),
            PYPI_NAME,
        ))),
        ["simple", name] if pep503(name) == PYPI_NAME => Some(html(simple_page(
            &format!("Links for {PYPI_NAME}"),
            &format!(
                "{feed}/pypi/download/{PYPI_NAME}/{VERSION}/{WHEEL_FILE}#sha256={}",
                p.wheel_sha256
            ),
            WHEEL_FILE,
        ))),
        ["download", name, VERSION, WHEEL_FILE] if pep503(name) == PYPI_NAME => {
            Some(bytes("application/octet-stream", p.wheel.clone()))
        }
        _ => None,
    }
}

fn nuget(p: &Packages, feed: &str, rest: &[&str], search: &str) -> Option<Resp> {
    let v3 = format!("{feed}/nuget/v3");
    let registration = format!("{v3}/registrations2/{NUGET_LOWER}/index.json");
    let leaf = format!("{v3}/registrations2/{NUGET_LOWER}/{VERSION}.json");
    let content = format!("{v3}/flat2/{NUGET_LOWER}/{VERSION}/{NUPKG_FILE}");
    let ok = |body: serde_json::Value| Some(with_json(StatusCode::OK, &body));
    match rest {
        ["index.json"] => ok(nuget_service_index(&v3)),
        ["flat2", NUGET_LOWER, "index.json"] => ok(json!({"versions": [VERSION]})),
        ["flat2", NUGET_LOWER, VERSION, NUPKG_FILE] => {
            Some(bytes("application/octet-stream", p.nupkg.clone()))
        }
        ["flat2", NUGET_LOWER, VERSION, NUSPEC_FILE] => {
            let mut r = text(StatusCode::OK, nuspec());
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml"),
            );
            Some(r)
        }
        ["registrations2", NUGET_LOWER, "index.json"] => {
            let entry = json!({
                "@id": format!("{leaf}#catalogEntry"), "@type": "PackageDetails",
                "id": NUGET_ID, "version": VERSION, "authors": "patui",
                "description": DESCRIPTION, "listed": true, "dependencyGroups": [],
                "packageContent": content,
            });
            ok(json!({
                "@id": registration, "count": 1,
                "items": [{
                    "@id": format!("{registration}#page/{VERSION}/{VERSION}"),
                    "count": 1, "lower": VERSION, "upper": VERSION, "parent": registration,
                    "items": [{
                        "@id": leaf, "@type": "Package", "catalogEntry": entry,
                        "packageContent": content, "registration": registration,
                    }],
                }],
            }))
        }
        ["registrations2", NUGET_LOWER, REGISTRATION_LEAF] => ok(json!({
            "@id": leaf, "listed": true, "packageContent": content,
            "registration": registration,
        })),
        ["query2"] => {
            let hit = NUGET_LOWER.contains(&search.trim().to_ascii_lowercase());
            let data: Vec<serde_json::Value> = hit
                .then(|| {
                    json!({
                        "@id": registration, "@type": "Package", "registration": registration,
                        "id": NUGET_ID, "version": VERSION, "description": DESCRIPTION,
                        "authors": ["patui"], "totalDownloads": 0,
                        "versions": [{"version": VERSION, "downloads": 0, "@id": leaf}],
                    })
                })
                .into_iter()
                .collect();
            ok(json!({"totalHits": data.len(), "data": data}))
        }
        _ => None,
    }
}

fn nuget_service_index(v3: &str) -> serde_json::Value {
    let resource = |id: String, kind: &str| json!({"@id": id, "@type": kind});
    let flat = format!("{v3}/flat2/");
    let reg = format!("{v3}/registrations2/");
    let query = format!("{v3}/query2/");
    json!({
        "version": "3.0.0",
        "resources": [
            resource(flat, "PackageBaseAddress/3.0.0"),
            resource(reg.clone(), "RegistrationsBaseUrl"),
            resource(reg.clone(), "RegistrationsBaseUrl/3.0.0-beta"),
            resource(reg, "RegistrationsBaseUrl/3.0.0-rc"),
            resource(query.clone(), "SearchQueryService"),
            resource(query.clone(), "SearchQueryService/3.0.0-beta"),
            resource(query, "SearchQueryService/3.0.0-rc"),
        ],
    })
}

fn cargo(p: &Packages, feed: &str, rest: &[&str]) -> Option<Resp> {
    match rest {
        ["index", "config.json"] => Some(with_json(
            StatusCode::OK,
            &json!({
                "dl": format!("{feed}/Cargo/api/v1/crates"),
                "api": format!("{feed}/Cargo"),
                "auth-required": true,
            }),
        )),
        ["index", "pa", "tu", CRATE_NAME] => {
            Some(text(StatusCode::OK, cargo_index_line(&p.crate_cksum)))
        }
        ["api", "v1", "crates", CRATE_NAME, VERSION, "download"] => {
            Some(bytes("application/gzip", p.crate_file.clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::archive::tests::{gunzip_stored, untar, unzip};
    use crate::sim::{SimOptions, build_store, http, server};
    use axum::extract::State;
    use std::sync::Arc;

    fn facts(scope: &str) -> TokenFacts {
        TokenFacts {
            scope: scope.into(),
            revoked: false,
            expired: false,
            valid_here: true,
            retired_global: false,
        }
    }

    #[test]
    fn feed_paths_parse_in_both_modes() {
        let p = parse_feed_path(
            "/Fabrikam/_packaging/My%20Feed/npm/registry/patui-demo",
            Mode::Cloud,
        )
        .unwrap();
        assert_eq!(p.place, "Fabrikam");
        assert_eq!(p.place_root, "/Fabrikam");
        assert_eq!(p.feed_root, "/Fabrikam/_packaging/My%20Feed");
        assert_eq!(p.rest, ["npm", "registry", "patui-demo"]);
        let p = parse_feed_path(
            "/org/Web/_Packaging/f@Local/Cargo/index/config.json",
            Mode::Cloud,
        )
        .unwrap();
        assert_eq!(p.feed_root, "/org/Web/_Packaging/f@Local");
        assert_eq!(p.rest, ["cargo", "index", "config.json"]);
        let p = parse_feed_path(
            "/tfs/DefaultCollection/proj/_packaging/f/pypi/simple/",
            Mode::Server,
        )
        .unwrap();
        assert_eq!(p.place, "DefaultCollection");
        assert_eq!(p.place_root, "/tfs/DefaultCollection");
        assert_eq!(p.rest, ["pypi", "simple"]);
        for bad in [
            "/_packaging/f/npm",
            "/org/_packaging",
            "/org/a/b/_packaging/f/npm",
            "/_apis/_packaging/f",
        ] {
            assert_eq!(parse_feed_path(bad, Mode::Cloud), None, "{bad}");
        }
        assert_eq!(parse_feed_path("/tfs/_packaging/f/x", Mode::Server), None);
        assert_eq!(
            parse_feed_path("/nottfs/c/_packaging/f/x", Mode::Server),
            None
        );
        assert!(is_feed_path(&["org", "_packaging", "f"]));
        assert!(!is_feed_path(&["org", "_apis", "tokens"]));
    }

    #[test]
    fn percent_decoding_and_pep503() {
        assert_eq!(percent_decode("a%20b%2Fc%zz%4"), "a b/c%zz%4");
        assert_eq!(pep503("Patui__Demo"), "patui-demo");
        assert_eq!(pep503("patui.demo"), "patui-demo");
        assert_eq!(pep503("patui-demo"), "patui-demo");
    }

    #[test]
    fn packaging_scopes_read_feeds() {
        for ok in [
            "vso.packaging",
            "vso.code vso.Packaging_Write",
            "vso.packaging_manage",
            "app_token",
        ] {
            assert!(scope_reads_packages(ok), "{ok}");
        }
        for no in [
            "vso.code",
            "vso.tokens",
            "",
            "vso.packagingx",
            "preview_api_all",
        ] {
            assert!(!scope_reads_packages(no), "{no}");
        }
    }

    #[test]
    fn verdicts_say_why() {
        assert_eq!(verdict(None), Err(Refused::UnknownToken));
        assert_eq!(verdict(Some(&facts("vso.packaging"))), Ok(()));
        assert_eq!(
            verdict(Some(&facts("vso.code"))),
            Err(Refused::NoPackagingScope)
        );
        let mut f = facts("vso.packaging");
        f.expired = true;
        assert_eq!(verdict(Some(&f)), Err(Refused::Expired));
        f.revoked = true;
        assert_eq!(verdict(Some(&f)), Err(Refused::Revoked), "revoked wins");
        let mut f = facts("app_token");
        f.valid_here = false;
        assert_eq!(verdict(Some(&f)), Err(Refused::OtherPlace));
        let mut f = facts("app_token");
        f.retired_global = true;
        assert_eq!(verdict(Some(&f)), Err(Refused::RetiredGlobal));
        assert_eq!(Refused::Revoked.message("x"), "the token is revoked");
        assert_eq!(Refused::Expired.message("x"), "the token expired");
    }

    #[test]
    fn packages_are_deterministic_and_well_formed() {
        let p = Packages::build();
        let again = Packages::build();
        assert_eq!(p.npm_tgz, again.npm_tgz);
        assert_eq!(p.crate_cksum, again.crate_cksum);
        assert_eq!(p.wheel_sha256, again.wheel_sha256);
        // npm
        let npm = untar(&gunzip_stored(&p.npm_tgz));
        let names: Vec<&str> = npm.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["package/package.json", "package/index.js"]);
        let pj: serde_json::Value = serde_json::from_slice(&npm[0].1).unwrap();
        assert_eq!(
            (pj["name"].as_str(), pj["version"].as_str()),
            (Some(NPM_NAME), Some(VERSION))
        );
        assert!(p.npm_integrity.starts_with("sha512-") && p.npm_integrity.len() == 7 + 88);
        // crate
        assert_eq!(p.crate_cksum, sha256_hex(&p.crate_file));
        let krate = untar(&gunzip_stored(&p.crate_file));
        assert_eq!(krate[0].0, "patuidemo-1.0.0/Cargo.toml");
        assert_eq!(krate[1].0, "patuidemo-1.0.0/src/lib.rs");
        let manifest: toml::Table =
            toml::from_str(std::str::from_utf8(&krate[0].1).unwrap()).unwrap();
        assert_eq!(manifest["package"]["name"].as_str(), Some(CRATE_NAME));
        // wheel: RECORD lists every other file with its hash and size
        let wheel = unzip(&p.wheel);
        let (last, record) = wheel.last().unwrap();
        assert_eq!(last, "patui_demo-1.0.0.dist-info/RECORD");
        let record = std::str::from_utf8(record).unwrap();
        for (name, data) in &wheel[..wheel.len() - 1] {
            assert!(
                record.contains(&record_line(name, data)),
                "{name}: {record}"
            );
        }
        assert!(record.ends_with("patui_demo-1.0.0.dist-info/RECORD,,\n"));
        assert_eq!(p.wheel_sha256, sha256_hex(&p.wheel));
        // nupkg
        let nupkg = unzip(&p.nupkg);
        let spec = nupkg.iter().find(|(n, _)| n == "PatuiDemo.nuspec").unwrap();
        assert!(
            std::str::from_utf8(&spec.1)
                .unwrap()
                .contains("<id>PatuiDemo</id>")
        );
        assert!(nupkg.iter().any(|(n, _)| n == "[Content_Types].xml"));
    }

    #[test]
    fn record_lines_use_unpadded_urlsafe_sha256() {
        assert_eq!(
            record_line("a", b""),
            "a,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"
        );
    }

    #[test]
    fn the_index_line_names_the_crate_and_its_checksum() {
        let line = cargo_index_line("abc");
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["name"], CRATE_NAME);
        assert_eq!(v["vers"], VERSION);
        assert_eq!(v["cksum"], "abc");
        assert_eq!(v["deps"], json!([]));
        assert_eq!(v["yanked"], false);
    }

    #[test]
    fn serve_routes_every_protocol() {
        let p = Packages::build();
        let feed = "http://h/org/_packaging/f";
        let status = |path: &str| {
            let rest: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            serve(&p, feed, &rest, "").status().as_u16()
        };
        for ok in [
            "npm/registry/patui-demo",
            "npm/registry/patui-demo/-/patui-demo-1.0.0.tgz",
            "pypi/simple",
            "pypi/simple/patui_demo",
            "pypi/download/patui-demo/1.0.0/patui_demo-1.0.0-py3-none-any.whl",
            "nuget/v3/index.json",
            "nuget/v3/flat2/patuidemo/index.json",
            "nuget/v3/flat2/patuidemo/1.0.0/patuidemo.1.0.0.nupkg",
            "nuget/v3/flat2/patuidemo/1.0.0/patuidemo.nuspec",
            "nuget/v3/registrations2/patuidemo/index.json",
            "nuget/v3/registrations2/patuidemo/1.0.0.json",
            "nuget/v3/query2",
            "cargo/index/config.json",
            "cargo/index/pa/tu/patuidemo",
            "cargo/api/v1/crates/patuidemo/1.0.0/download",
        ] {
            assert_eq!(status(ok), 200, "{ok}");
        }
        for missing in [
            "npm/registry/left-pad",
            "pypi/simple/requests",
            "nuget/v3/flat2/other/index.json",
            "cargo/index/se/rd/serde",
            "maven",
            "",
        ] {
            assert_eq!(status(missing), 404, "{missing}");
        }
    }

    async fn body_text(r: Resp) -> String {
        let b = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8_lossy(&b).into_owned()
    }

    fn basic(password: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:9"));
        if !password.is_empty() {
            let v = base64::engine::general_purpose::STANDARD.encode(format!("x:{password}"));
            h.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Basic {v}")).unwrap(),
            );
        }
        h
    }

    fn cloud_shared() -> Arc<Shared> {
        let opts = SimOptions::default();
        Arc::new(Shared::new(build_store(&opts), opts))
    }

    fn mint(shared: &Shared, org: &str, scope: &str) -> String {
        let mut s = shared.store.lock().unwrap();
        let org = s.org(org).unwrap();
        let valid_to = s.now() + chrono::Duration::days(10);
        let t = s.create(&org, "feed", scope, valid_to, false).unwrap();
        t.token.unwrap().expose().to_owned()
    }

    #[tokio::test]
    async fn cloud_feeds_authenticate_with_packaging_pats() {
        let shared = cloud_shared();
        let pat = mint(&shared, "fabrikam", "vso.packaging");
        let code = mint(&shared, "fabrikam", "vso.code");
        let uri: Uri = "/fabrikam/_packaging/feed/Cargo/index/config.json"
            .parse()
            .unwrap();
        let get = |h: &HeaderMap| handle(&shared, Mode::Cloud, &Method::GET, &uri, h);
        let ok = get(&basic(&pat));
        assert_eq!(ok.status(), 200);
        let config: serde_json::Value = serde_json::from_str(&body_text(ok).await).unwrap();
        assert_eq!(
            config["dl"],
            "http://127.0.0.1:9/fabrikam/_packaging/feed/Cargo/api/v1/crates"
        );
        assert_eq!(config["auth-required"], true);
        let refused = get(&basic(""));
        assert_eq!(refused.status(), 401);
        let challenges: Vec<&str> = refused
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(challenges[0], "Basic realm=\"http://127.0.0.1:9/\"");
        assert!(
            challenges[1].starts_with("Cargo login_url="),
            "{challenges:?}"
        );
        assert_eq!(get(&basic(&code)).status(), 401);
        assert_eq!(get(&basic("nope")).status(), 401);
        // Another organization's token.
        let other = mint(&shared, "contoso", "vso.packaging");
        assert_eq!(get(&basic(&other)).status(), 401);
        // Revoked, then expired.
        {
            let mut s = shared.store.lock().unwrap();
            let org = s.org("fabrikam").unwrap();
            let id = s
                .tokens()
                .iter()
                .find(|t| t.value.matches(&pat))
                .unwrap()
                .id;
            s.revoke(&org, id).unwrap();
        }
        assert_eq!(body_text(get(&basic(&pat))).await, "the token is revoked");
        let fresh = mint(&shared, "fabrikam", "vso.packaging_write");
        assert_eq!(get(&basic(&fresh)).status(), 200);
        shared
            .store
            .lock()
            .unwrap()
            .advance(chrono::Duration::days(11));
        assert_eq!(body_text(get(&basic(&fresh))).await, "the token expired");
        assert_eq!(shared.feeds.authorized(), 2);
        assert_eq!(shared.feeds.refused(), 6);
        // No Cargo challenge elsewhere; writes are not simulated.
        let npm: Uri = "/fabrikam/proj/_packaging/feed/npm/registry/patui-demo"
            .parse()
            .unwrap();
        let r = handle(&shared, Mode::Cloud, &Method::GET, &npm, &basic(""));
        assert_eq!(
            r.headers().get_all(header::WWW_AUTHENTICATE).iter().count(),
            1
        );
        let admin = mint(&shared, "fabrikam", "app_token");
        let r = handle(&shared, Mode::Cloud, &Method::PUT, &npm, &basic(&admin));
        assert_eq!(r.status(), 405);
        let r = handle(&shared, Mode::Cloud, &Method::GET, &npm, &basic(&admin));
        let doc: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
        assert_eq!(
            doc["versions"]["1.0.0"]["dist"]["tarball"],
            "http://127.0.0.1:9/fabrikam/proj/_packaging/feed/npm/registry/patui-demo/-/patui-demo-1.0.0.tgz"
        );
    }

    #[tokio::test]
    async fn the_cloud_router_sends_feed_paths_here_and_counts_them() {
        let shared = cloud_shared();
        let pat = mint(&shared, "fabrikam", "vso.packaging");
        let uri: Uri = "/fabrikam/_packaging/f/pypi/simple/patui-demo/"
            .parse()
            .unwrap();
        let r = http::handle(
            State(Arc::clone(&shared)),
            Method::GET,
            uri,
            basic(&pat),
            Bytes::new(),
        )
        .await;
        assert_eq!(r.status(), 200);
        let page = body_text(r).await;
        assert!(page.contains("/fabrikam/_packaging/f/pypi/download/patui-demo/1.0.0/patui_demo-1.0.0-py3-none-any.whl#sha256="), "{page}");
        let stats: Uri = "/_sim/stats".parse().unwrap();
        let r = http::handle(
            State(Arc::clone(&shared)),
            Method::GET,
            stats,
            HeaderMap::new(),
            Bytes::new(),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
        assert_eq!(v["feeds"], json!({"authorized": 1, "refused": 0}));
    }

    #[tokio::test]
    async fn server_feeds_take_collection_pats() {
        let opts = SimOptions {
            server_version: Some(server::ServerVersion::Ads2022),
            ..SimOptions::default()
        };
        let shared = Arc::new(Shared::new(build_store(&opts), opts));
        let call = |method: Method, path: &str, headers: HeaderMap, body: &str| {
            server::handle(
                State(Arc::clone(&shared)),
                method,
                path.parse().unwrap(),
                headers,
                Bytes::from(body.to_owned()),
            )
        };
        // A Windows user mints a Compact packaging token for DefaultCollection.
        let mut win = HeaderMap::new();
        let v = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            server::USER_ACCOUNT,
            server::WINDOWS_PASSWORD
        ));
        win.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {v}")).unwrap(),
        );
        win.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let created = call(
            Method::POST,
            "/tfs/DefaultCollection/_apis/Token/SessionTokens?tokenType=compact",
            win,
            r#"{"displayName":"feeds","scope":"vso.packaging"}"#,
        )
        .await;
        assert_eq!(created.status(), 200);
        let created: serde_json::Value = serde_json::from_str(&body_text(created).await).unwrap();
        let pat = created["token"].as_str().unwrap().to_owned();
        let index = "/tfs/DefaultCollection/_packaging/f/nuget/v3/index.json";
        let r = call(Method::GET, index, basic(&pat), "").await;
        assert_eq!(r.status(), 200);
        let doc: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
        assert_eq!(
            doc["resources"][0]["@id"],
            "http://127.0.0.1:9/tfs/DefaultCollection/_packaging/f/nuget/v3/flat2/"
        );
        // Another collection, the sign-in PAT (vso.tokens), an unknown collection.
        let other = "/tfs/Fabrikam/_packaging/f/nuget/v3/index.json";
        assert_eq!(
            call(Method::GET, other, basic(&pat), "").await.status(),
            401
        );
        let r = call(Method::GET, index, basic(server::SIGN_IN_PAT), "").await;
        assert_eq!(r.status(), 401);
        assert!(body_text(r).await.contains("Packaging"));
        let nowhere = "/tfs/Nowhere/_packaging/f/nuget/v3/index.json";
        assert_eq!(
            call(Method::GET, nowhere, basic(&pat), "").await.status(),
            404
        );
        let stats = call(Method::GET, "/_sim/stats", HeaderMap::new(), "").await;
        let v: serde_json::Value = serde_json::from_str(&body_text(stats).await).unwrap();
        assert_eq!(v["feeds"], json!({"authorized": 1, "refused": 2}));
    }
}
