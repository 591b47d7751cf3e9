//! The simulator's on-premises mode: Azure DevOps Server / TFS (2017 to 2022) as seen by a PAT
//! manager. This module owns the server's URL space (`/tfs` and its collections), its
//! authentication (a PAT over Basic, or a Windows identity over IIS Basic), the legacy
//! session-token API (`_apis/Token/SessionTokens`: list, get, create, update, revoke, revoke
//! all), `connectionData`, `projectCollections`, the OPTIONS probe, the unusable
//! `_apis/tokens/pats` of ADS 2022, the server-wide token store with its seed data, and the
//! `/_sim/stats` counters of this mode. Feed URLs (`…/_packaging/…`) go to [`super::feeds`].
//! See `docs/azure-devops-server.md` (shared) §2, §6, §8.

// Request helpers return the error response itself; the simulator is not a hot path.
#![allow(clippy::result_large_err)]

use crate::secret::Secret;
use crate::sim::SimOptions;
use crate::sim::http::{Resp, Shared, post_faults, pre_faults, query_map, vss_error, with_json};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, MutexGuard};
use uuid::Uuid;

/// A version of Azure DevOps Server / Team Foundation Server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerVersion {
    Tfs2017,
    Tfs2018,
    Ads2019,
    Ads2020,
    Ads2022,
}

impl ServerVersion {
    /// Every simulated version, oldest first.
    pub const ALL: [ServerVersion; 5] = [
        ServerVersion::Tfs2017,
        ServerVersion::Tfs2018,
        ServerVersion::Ads2019,
        ServerVersion::Ads2020,
        ServerVersion::Ads2022,
    ];

    /// `2017`, `tfs2017`, `TFS-2017`, `ads2022`, `ads 2022`… (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("tfs")
            .or_else(|| lower.strip_prefix("ads"))
            .unwrap_or(lower.as_str());
        let year = rest.trim_start_matches(['-', '_', ' ']);
        match year {
            "2017" => Some(Self::Tfs2017),
            "2018" => Some(Self::Tfs2018),
            "2019" => Some(Self::Ads2019),
            "2020" => Some(Self::Ads2020),
            "2022" => Some(Self::Ads2022),
            _ => None,
        }
    }

    /// The newest REST API version the server accepts (`maxVersion` of its legacy routes).
    pub fn max_api_version(self) -> &'static str {
        match self {
            Self::Tfs2017 => "3.2",
            Self::Tfs2018 => "4.1",
            Self::Ads2019 => "5.1",
            Self::Ads2020 => "6.0",
            Self::Ads2022 => "7.1",
        }
    }

    /// The product's year.
    pub fn year(self) -> u16 {
        match self {
            Self::Tfs2017 => 2017,
            Self::Tfs2018 => 2018,
            Self::Ads2019 => 2019,
            Self::Ads2020 => 2020,
            Self::Ads2022 => 2022,
        }
    }

    /// The product's name, e.g. `Team Foundation Server 2017`, `Azure DevOps Server 2022`.
    pub fn product_name(self) -> &'static str {
        match self {
            Self::Tfs2017 => "Team Foundation Server 2017",
            Self::Tfs2018 => "Team Foundation Server 2018",
            Self::Ads2019 => "Azure DevOps Server 2019",
            Self::Ads2020 => "Azure DevOps Server 2020",
            Self::Ads2022 => "Azure DevOps Server 2022",
        }
    }

    /// Whether the POST-with-`authorizationId` update exists (not simulated before ADS 2019).
    fn supports_update(self) -> bool {
        self.year() >= 2019
    }

    fn max_api_pair(self) -> (u32, u32) {
        parse_api_version(self.max_api_version()).unwrap_or((0, 0))
    }
}

/// The IIS virtual directory: the server root is `/tfs`.
pub const VIRTUAL_DIR: &str = "tfs";
/// The project collections, under `/tfs/{name}` (case-insensitive).
pub const COLLECTIONS: [&str; 2] = ["DefaultCollection", "Fabrikam"];
/// The value of the seeded PAT "patui sign-in" (scope `vso.tokens`, all collections, valid for
/// 300 days from the store's creation): tests and the demo sign in with it.
pub const SIGN_IN_PAT: &str = "UJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMXGEDN73U55XTPLPFT7";
/// The display name of the sign-in PAT.
pub const SIGN_IN_PAT_NAME: &str = "patui sign-in";
/// The header a Windows-sign-in proxy in front of the simulator sets to the user it
/// authenticated (trusted only with `--trust-windows-proxy`).
pub const WINDOWS_USER_HEADER: &str = "x-patui-windows-user";

/// The password of the Windows identity (any `DOMAIN\user` name over IIS Basic).
pub const WINDOWS_PASSWORD: &str = "sim-windows-password";
/// The simulated user (the same for the PAT and the Windows identity).
pub const USER_ID: Uuid = Uuid::from_u128(0x4f0d_3b6a_9c1e_4e2b_8d7a_5b3c_2e1f_0a9d);
/// The simulated user's display name.
pub const USER_NAME: &str = "Demo User";
/// The simulated user's Windows account.
pub const USER_ACCOUNT: &str = "CONTOSO\\demo";
/// The user's Windows SID (in descriptors).
const USER_SID: &str = "S-1-5-21-1004336348-1177238915-682003330-1107";
/// The deployment (server) id: `instanceId` at the root, `deploymentId` everywhere.
pub const DEPLOYMENT_ID: Uuid = Uuid::from_u128(0x8c2f_1e4a_7b3d_4c6e_9a5f_0d1b_3e7c_5a2f);
/// The namespace of collection ids (uuid v5 of the lower-cased name).
const COLLECTION_NAMESPACE: Uuid = Uuid::from_u128(0x2b6e_91d0_4f3a_4c58_b7e2_6a1d_0c9f_3e84);
/// The `clientId` of tokens created by the web UI (`isRequestedByTfsPatWebUI=true`).
pub const WEB_UI_CLIENT_ID: Uuid = Uuid::from_u128(0x9999_9999_9999_9999_9999_9999_9999_9999);
/// The location id of `Token/SessionTokens`.
pub const SESSION_TOKENS_LOCATION: &str = "ada996bc-8c18-4193-b20c-cd41b13f5b4d";
/// The default and the maximum lifetime of a token (the server registry's defaults).
const MAX_LIFETIME_DAYS: i64 = 365;
/// Longest display name accepted.
const MAX_NAME: usize = 256;
/// The full-access scope.
const APP_TOKEN: &str = "app_token";

/// The id of a collection (deterministic: uuid v5 of the lower-cased name).
pub fn collection_id(name: &str) -> Uuid {
    Uuid::new_v5(&COLLECTION_NAMESPACE, name.to_ascii_lowercase().as_bytes())
}

/// Scope ids and the first server year that knows them (a private, inferred catalogue: older
/// servers lack the newer ids and refuse them as `InvalidScope`).
const SCOPES: &[(&str, u16)] = &[
    ("vso.agentpools", 2017),
    ("vso.agentpools_manage", 2017),
    ("vso.build", 2017),
    ("vso.build_execute", 2017),
    ("vso.chat_write", 2017),
    ("vso.chat_manage", 2017),
    ("vso.code", 2017),
    ("vso.code_write", 2017),
    ("vso.code_manage", 2017),
    ("vso.code_full", 2017),
    ("vso.code_status", 2017),
    ("vso.connected_server", 2017),
    ("vso.dashboards", 2017),
    ("vso.dashboards_manage", 2017),
    ("vso.entitlements", 2017),
    ("vso.extension", 2017),
    ("vso.extension_manage", 2017),
    ("vso.extension.data", 2017),
    ("vso.extension.data_write", 2017),
    ("vso.gallery", 2017),
    ("vso.gallery_acquire", 2017),
    ("vso.gallery_publish", 2017),
    ("vso.gallery_manage", 2017),
    ("vso.hooks", 2017),
    ("vso.hooks_write", 2017),
    ("vso.hooks_interact", 2017),
    ("vso.identity", 2017),
    ("vso.loadtest", 2017),
    ("vso.loadtest_write", 2017),
    ("vso.machinegroup_manage", 2017),
    ("vso.notification", 2017),
    ("vso.notification_write", 2017),
    ("vso.notification_manage", 2017),
    ("vso.packaging", 2017),
    ("vso.packaging_write", 2017),
    ("vso.packaging_manage", 2017),
    ("vso.profile", 2017),
    ("vso.project", 2017),
    ("vso.project_write", 2017),
    ("vso.project_manage", 2017),
    ("vso.release", 2017),
    ("vso.release_execute", 2017),
    ("vso.release_manage", 2017),
    ("vso.serviceendpoint", 2017),
    ("vso.serviceendpoint_query", 2017),
    ("vso.serviceendpoint_manage", 2017),
    ("vso.symbols", 2017),
    ("vso.symbols_write", 2017),
    ("vso.symbols_manage", 2017),
    ("vso.test", 2017),
    ("vso.test_write", 2017),
    ("vso.tokens", 2017),
    ("vso.work", 2017),
    ("vso.work_write", 2017),
    ("vso.work_full", 2017),
    ("vso.analytics", 2018),
    ("vso.graph", 2018),
    ("vso.graph_manage", 2018),
    ("vso.identity_manage", 2018),
    ("vso.memberentitlementmanagement", 2018),
    ("vso.memberentitlementmanagement_write", 2018),
    ("vso.profile_write", 2018),
    ("vso.securefiles_read", 2018),
    ("vso.securefiles_write", 2018),
    ("vso.securefiles_manage", 2018),
    ("vso.taskgroups_read", 2018),
    ("vso.taskgroups_write", 2018),
    ("vso.taskgroups_manage", 2018),
    ("vso.threads_full", 2018),
    ("vso.variablegroups_read", 2018),
    ("vso.variablegroups_write", 2018),
    ("vso.variablegroups_manage", 2018),
    ("vso.wiki", 2018),
    ("vso.wiki_write", 2018),
    ("vso.auditlog", 2019),
    ("vso.tokenadministration", 2019),
    ("vso.environment_manage", 2020),
    ("vso.pipelineresources_use", 2020),
    ("vso.pipelineresources_manage", 2020),
    ("vso.advsec", 2022),
    ("vso.advsec_write", 2022),
    ("vso.advsec_manage", 2022),
];

/// Whether `version` knows the (lower-cased) scope id.
fn scope_known(version: ServerVersion, id: &str) -> bool {
    matches!(id, APP_TOKEN | "preview_api_all")
        || SCOPES
            .iter()
            .any(|(s, since)| *s == id && version.year() >= *since)
}

/// Whether a stored scope lets a PAT use the token routes.
fn scope_manages_tokens(scope: &str) -> bool {
    scope
        .split_whitespace()
        .any(|s| matches!(s, "vso.tokens" | APP_TOKEN | "preview_api_all"))
}

/// A stored (Compact) session token.
#[derive(Debug, Clone)]
struct StoredToken {
    authorization_id: Uuid,
    access_id: Uuid,
    host_authorization_id: Uuid,
    client_id: Uuid,
    /// HTML-encoded, as the server stores it.
    name: String,
    /// Normalized: lower-cased, sorted, space-joined.
    scope: String,
    /// `None` = all collections.
    targets: Option<Vec<Uuid>>,
    valid_from: DateTime<Utc>,
    valid_to: DateTime<Utc>,
    is_valid: bool,
    value: Secret,
}

/// The server's state: the server-wide token store and the counters tests read.
#[derive(Debug)]
pub struct ServerStore {
    version: Option<ServerVersion>,
    tokens: Vec<StoredToken>,
    rng: StdRng,
    creates: u32,
    revocations: u32,
    delete_all: u32,
    updates: u32,
    /// Requests on `Token/SessionTokens` per method (all of them, refused ones included).
    requests: BTreeMap<String, u32>,
    /// The server's maximum token lifetime (its registry setting; `--max-lifespan-days`).
    max_lifetime_days: i64,
}

/// Where a request is addressed: the server root or a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Collection(&'static str),
}

impl Level {
    fn instance_id(self) -> Uuid {
        match self {
            Level::Root => DEPLOYMENT_ID,
            Level::Collection(c) => collection_id(c),
        }
    }
}

/// Who the caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    /// Windows (IIS Basic with `DOMAIN\user`): may do everything.
    Windows,
    /// A PAT over Basic; `manages_tokens` when its scope allows the token routes.
    Pat { manages_tokens: bool },
}

fn year_one() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::try_days(n).unwrap_or(TimeDelta::zero())
}

/// `2026-11-29T10:00:00.123Z`.
fn fmt_date(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A date with or without `Z`/offset and fractions (no zone = UTC), or a bare date.
fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            return Some(n.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

/// HTML encoding as the server stores display names (`&`, `<`, `>`, `"`, `'`).
fn html_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `major.minor` of an api-version (`7.1-preview.1` → (7, 1), `1` → (1, 0)).
fn parse_api_version(s: &str) -> Option<(u32, u32)> {
    let core = s.trim().split('-').next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        None => 0,
        Some(m) => m.parse().ok()?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionTokenWire<'a> {
    client_id: Uuid,
    access_id: Uuid,
    authorization_id: Uuid,
    host_authorization_id: Uuid,
    user_id: Uuid,
    valid_from: String,
    valid_to: String,
    display_name: &'a str,
    scope: &'a str,
    target_accounts: Option<&'a [Uuid]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_token: Option<&'a str>,
    is_valid: bool,
    is_public: bool,
    public_data: Option<String>,
    source: Option<String>,
    claims: Option<Value>,
}

impl StoredToken {
    fn wire<'a>(
        &'a self,
        token: Option<&'a str>,
        alternate: Option<&'a str>,
    ) -> SessionTokenWire<'a> {
        SessionTokenWire {
            client_id: self.client_id,
            access_id: self.access_id,
            authorization_id: self.authorization_id,
            host_authorization_id: self.host_authorization_id,
            user_id: USER_ID,
            valid_from: fmt_date(self.valid_from),
            valid_to: fmt_date(self.valid_to),
            display_name: &self.name,
            scope: &self.scope,
            target_accounts: self.targets.as_deref(),
            token,
            alternate_token: alternate,
            is_valid: self.is_valid,
            is_public: false,
            public_data: None,
            source: None,
            claims: None,
        }
    }

    /// Valid now (not revoked, not expired).
    fn usable(&self, now: DateTime<Utc>) -> bool {
        self.is_valid && self.valid_to > now
    }

    /// Usable at `level`: at a collection, the token must target it (or all collections).
    fn usable_at(&self, level: Level) -> bool {
        match level {
            Level::Root => true,
            Level::Collection(c) => {
                let id = collection_id(c);
                self.targets
                    .as_ref()
                    .is_none_or(|t| t.is_empty() || t.contains(&id))
            }
        }
    }
}

#[derive(Serialize)]
struct ValueList<T> {
    count: usize,
    value: Vec<T>,
}

/// Scopes of the generated tokens (`seed_tokens`).
const SEED_SCOPES: &[&str] = &[
    "vso.code",
    "vso.code_write",
    "vso.build_execute",
    "vso.packaging",
    "vso.work_write",
    "vso.release",
    "vso.agentpools_manage",
    "vso.project vso.work",
    APP_TOKEN,
];

impl ServerStore {
    /// The seeded state (empty, and cheap, when `opts.server_version` is `None`).
    pub fn new(opts: &SimOptions) -> ServerStore {
        let mut store = ServerStore {
            version: opts.server_version,
            tokens: Vec::new(),
            rng: StdRng::seed_from_u64(opts.rng_seed ^ 0x0b5e_7e55_7f52_0017),
            creates: 0,
            revocations: 0,
            delete_all: 0,
            updates: 0,
            requests: BTreeMap::new(),
            max_lifetime_days: opts.max_lifespan_days.map_or(MAX_LIFETIME_DAYS, i64::from),
        };
        if opts.server_version.is_some() {
            store.seed(Utc::now(), opts.seed_tokens);
        }
        store
    }

    fn new_id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    /// A 52-character base32 value (`^[A-Z2-7]{52}$`).
    fn compact_value(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        (0..52)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    /// A self-describing token: three base64url parts, like a signed JWT.
    fn jwt_value(
        &mut self,
        scope: &str,
        targets: Option<&[Uuid]>,
        now: DateTime<Utc>,
        valid_to: DateTime<Utc>,
    ) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut thumb = [0u8; 20];
        self.rng.fill(&mut thumb[..]);
        let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5t": b64.encode(thumb)});
        let payload = serde_json::json!({
            "nameid": USER_ID,
            "scp": scope,
            "aui": self.new_id(),
            "sid": self.new_id(),
            "aud": targets.map(|t| t.iter().map(|u| u.to_string()).collect::<Vec<_>>()),
            "iss": "app.vstoken.visualstudio.com",
            "nbf": now.timestamp(),
            "exp": valid_to.timestamp(),
        });
        let mut signature = vec![0u8; 256];
        self.rng.fill(signature.as_mut_slice());
        format!(
            "{}.{}.{}",
            b64.encode(header.to_string()),
            b64.encode(payload.to_string()),
            b64.encode(signature)
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn seed_one(
        &mut self,
        name: &str,
        scope: &str,
        targets: Option<Vec<Uuid>>,
        valid_from: DateTime<Utc>,
        valid_to: DateTime<Utc>,
        is_valid: bool,
        value: Option<&str>,
    ) {
        let value = match value {
            Some(v) => v.to_owned(),
            None => self.compact_value(),
        };
        let token = StoredToken {
            authorization_id: self.new_id(),
            access_id: self.new_id(),
            host_authorization_id: self.new_id(),
            client_id: WEB_UI_CLIENT_ID,
            name: html_encode(name),
            scope: scope.to_owned(),
            targets,
            valid_from,
            valid_to,
            is_valid,
            value: Secret::new(value),
        };
        self.tokens.push(token);
    }

    fn seed(&mut self, now: DateTime<Utc>, extra: usize) {
        let default = collection_id(COLLECTIONS[0]);
        let fabrikam = collection_id(COLLECTIONS[1]);
        self.seed_one(
            SIGN_IN_PAT_NAME,
            "vso.tokens",
            None,
            now - days(65),
            now + days(300),
            true,
            Some(SIGN_IN_PAT),
        );
        self.seed_one(
            "build agent",
            "vso.agentpools_manage",
            Some(vec![default]),
            now - days(275),
            now + days(90),
            true,
            None,
        );
        self.seed_one(
            "R&D feed reader",
            "vso.packaging",
            Some(vec![default]),
            now - days(160),
            now + days(200),
            true,
            None,
        );
        self.seed_one(
            "nightly <release>",
            "vso.build_execute vso.release_execute",
            Some(vec![fabrikam]),
            now - days(60),
            now + days(30),
            true,
            None,
        );
        self.seed_one(
            "admin scripts",
            APP_TOKEN,
            None,
            now - days(215),
            now + days(150),
            true,
            None,
        );
        self.seed_one(
            "old deploy key",
            "vso.code",
            Some(vec![default]),
            now - days(100),
            now - days(10),
            true,
            None,
        );
        self.seed_one(
            "leaked laptop token",
            "vso.code_write",
            Some(vec![fabrikam]),
            now - days(30),
            now + days(60),
            false,
            None,
        );
        for i in 1..=extra {
            let scope = SEED_SCOPES[self.rng.random_range(0..SEED_SCOPES.len())];
            let targets = match i % 3 {
                1 => Some(vec![default]),
                2 => Some(vec![fabrikam]),
                _ => None,
            };
            let lifetime = [30, 90, 180, 365][self.rng.random_range(0..4usize)];
            let age = self.rng.random_range(0..400i64);
            let valid_from = now - days(age);
            let is_valid = i % 9 != 0;
            self.seed_one(
                &format!("token {i:04}"),
                scope,
                targets,
                valid_from,
                valid_from + days(lifetime),
                is_valid,
                None,
            );
        }
    }

    /// The simulated version (`None` when the simulator runs in cloud mode).
    pub fn version(&self) -> Option<ServerVersion> {
        self.version
    }

    /// `DELETE …/SessionTokens` requests without an id (revoke all) that were carried out.
    pub fn delete_all_requests(&self) -> u32 {
        self.delete_all
    }

    /// Every stored token: id, stored (HTML-encoded) name, `isValid`.
    pub fn tokens(&self) -> Vec<(Uuid, String, bool)> {
        self.tokens
            .iter()
            .map(|t| (t.authorization_id, t.name.clone(), t.is_valid))
            .collect()
    }

    /// Successful creates (Compact and self-describing; seeding does not count).
    pub fn creates(&self) -> u32 {
        self.creates
    }

    /// Tokens revoked (a change from valid to revoked), one by one or by revoke-all.
    pub fn revocations(&self) -> u32 {
        self.revocations
    }

    /// Successful updates.
    pub fn updates(&self) -> u32 {
        self.updates
    }

    /// Requests on `Token/SessionTokens` with `method` (refused ones included).
    pub fn requests(&self, method: &str) -> u32 {
        self.requests
            .get(&method.to_ascii_uppercase())
            .copied()
            .unwrap_or(0)
    }

    fn count_request(&mut self, method: &Method) {
        *self.requests.entry(method.as_str().to_owned()).or_default() += 1;
    }

    /// Who the caller is, at `level`: the Windows user a trusted proxy names, or the Basic
    /// credentials in `headers`.
    fn authenticate(
        &self,
        headers: &HeaderMap,
        level: Level,
        now: DateTime<Utc>,
        trust_windows_proxy: bool,
    ) -> Option<Identity> {
        if trust_windows_proxy
            && headers
                .get(WINDOWS_USER_HEADER)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|u| !u.trim().is_empty() && u != "(null)")
        {
            return Some(Identity::Windows);
        }
        let (user, password) = crate::sim::http::basic_credentials(headers)?;
        if password.is_empty() {
            return None;
        }
        if let Some(t) = self.tokens.iter().find(|t| t.value.matches(&password)) {
            return (t.usable(now) && t.usable_at(level)).then(|| Identity::Pat {
                manages_tokens: scope_manages_tokens(&t.scope),
            });
        }
        (user.contains('\\') && password == WINDOWS_PASSWORD).then_some(Identity::Windows)
    }

    /// What the feeds ([`crate::sim::feeds`]) need to know about the PAT whose value is
    /// `password`, presented at `collection`; `None` when no stored token has that value.
    pub(crate) fn feed_token(
        &self,
        password: &str,
        collection: &'static str,
        now: DateTime<Utc>,
    ) -> Option<crate::sim::feeds::TokenFacts> {
        let t = self.tokens.iter().find(|t| t.value.matches(password))?;
        Some(crate::sim::feeds::TokenFacts {
            scope: t.scope.clone(),
            revoked: !t.is_valid,
            expired: t.valid_to <= now,
            valid_here: t.usable_at(Level::Collection(collection)),
            retired_global: false,
        })
    }

    fn find(&self, id: Uuid) -> Option<&StoredToken> {
        self.tokens.iter().find(|t| t.authorization_id == id)
    }

    fn list(&self, q: &HashMap<String, String>) -> Resp {
        let public = q
            .get("ispublic")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let value: Vec<SessionTokenWire<'_>> = if public {
            Vec::new()
        } else {
            self.tokens.iter().map(|t| t.wire(None, None)).collect()
        };
        with_json(
            StatusCode::OK,
            &ValueList {
                count: value.len(),
                value,
            },
        )
    }

    fn get(&self, id: &str) -> Resp {
        let Ok(id) = Uuid::parse_str(id) else {
            return invalid_id(id);
        };
        match self.find(id) {
            Some(t) => with_json(StatusCode::OK, &t.wire(None, None)),
            None => not_found_token(id),
        }
    }

    fn create(
        &mut self,
        version: ServerVersion,
        level: Level,
        identity: Identity,
        q: &HashMap<String, String>,
        body: &serde_json::Map<String, Value>,
    ) -> Resp {
        if identity != Identity::Windows {
            return create_error("AccessDenied");
        }
        let now = Utc::now();
        let name = match check_name(field(body, "displayName")) {
            Ok(n) => n,
            Err(r) => return r,
        };
        let scope = match normalize_scope(version, field(body, "scope")) {
            Ok(s) => s,
            Err(r) => return r,
        };
        let targets = match field(body, "targetAccounts") {
            None => match level {
                Level::Root => None,
                Level::Collection(c) => Some(vec![collection_id(c)]),
            },
            Some(v) => match check_targets(level, v) {
                Ok(t) => t,
                Err(r) => return r,
            },
        };
        let max = now + days(self.max_lifetime_days);
        let valid_to = match field(body, "validTo").map(date_field) {
            None => max,
            Some(Err(r)) => return r,
            Some(Ok(d)) if d <= year_one() => max,
            Some(Ok(d)) => d.min(max),
        };
        let compact = q
            .get("tokentype")
            .is_some_and(|t| t.eq_ignore_ascii_case("compact"));
        let web_ui = q
            .get("isrequestedbytfspatwebui")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let jwt = self.jwt_value(&scope, targets.as_deref(), now, valid_to);
        let (value, alternate) = if compact {
            (self.compact_value(), Some(jwt))
        } else {
            (jwt, None)
        };
        let token = StoredToken {
            authorization_id: self.new_id(),
            access_id: self.new_id(),
            host_authorization_id: self.new_id(),
            client_id: if web_ui {
                WEB_UI_CLIENT_ID
            } else {
                Uuid::nil()
            },
            name,
            scope,
            targets,
            valid_from: now,
            valid_to,
            is_valid: true,
            value: Secret::new(value.clone()),
        };
        self.creates += 1;
        let r = with_json(
            StatusCode::OK,
            &token.wire(Some(&value), alternate.as_deref()),
        );
        if compact {
            self.tokens.push(token);
        }
        r
    }

    fn update(
        &mut self,
        version: ServerVersion,
        level: Level,
        id: Uuid,
        body: &serde_json::Map<String, Value>,
    ) -> Resp {
        if !version.supports_update() {
            return vss_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "The requested resource does not support http method 'POST' with an authorization id.",
                "HttpMethodNotSupportedException",
            );
        }
        let now = Utc::now();
        if !self.find(id).is_some_and(|t| t.is_valid) {
            return not_found_token(id);
        }
        let name = match check_name(field(body, "displayName")) {
            Ok(n) => n,
            Err(r) => return r,
        };
        let scope = match normalize_scope(version, field(body, "scope")) {
            Ok(s) => s,
            Err(r) => return r,
        };
        let targets = match field(body, "targetAccounts") {
            None => None,
            Some(Value::Array(a)) if a.is_empty() => Some(Some(Vec::new())),
            Some(v) => match check_targets(level, v) {
                Ok(t) => Some(t),
                Err(r) => return r,
            },
        };
        let max = now + days(self.max_lifetime_days);
        let valid_to = match field(body, "validTo").map(date_field) {
            None => year_one(),
            Some(Err(r)) => return r,
            Some(Ok(d)) => d.min(max),
        };
        let Some(t) = self.tokens.iter_mut().find(|t| t.authorization_id == id) else {
            return not_found_token(id);
        };
        t.name = name;
        t.scope = scope;
        t.valid_to = valid_to;
        if let Some(targets) = targets {
            t.targets = targets;
        }
        self.updates += 1;
        let t = t.clone();
        with_json(StatusCode::OK, &t.wire(None, None))
    }

    fn revoke(&mut self, id: &str) -> Resp {
        let Ok(id) = Uuid::parse_str(id) else {
            return invalid_id(id);
        };
        let Some(t) = self.tokens.iter_mut().find(|t| t.authorization_id == id) else {
            return not_found_token(id);
        };
        if t.is_valid {
            t.is_valid = false;
            self.revocations += 1;
        }
        empty_ok()
    }

    fn revoke_all(&mut self) -> Resp {
        let mut revoked = 0;
        for t in self.tokens.iter_mut().filter(|t| t.is_valid) {
            t.is_valid = false;
            revoked += 1;
        }
        self.revocations += revoked;
        self.delete_all += 1;
        empty_ok()
    }

    fn stats(&self) -> Value {
        serde_json::json!({
            "creates": self.creates,
            "revocations": self.revocations,
            "deleteAll": self.delete_all,
            "updates": self.updates,
            "requests": self.requests,
        })
    }
}

fn lock(shared: &Shared) -> MutexGuard<'_, ServerStore> {
    match shared.server.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A body property, matched case-insensitively (as .NET model binding does); null = absent.
fn field<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

fn date_field(v: &Value) -> Result<DateTime<Utc>, Resp> {
    v.as_str()
        .and_then(parse_date)
        .ok_or_else(|| bad_request(&format!("validTo {v} is not a valid date.")))
}

/// The HTML-encoded name, or `InvalidDisplayName`.
fn check_name(v: Option<&Value>) -> Result<String, Resp> {
    let name = v.and_then(Value::as_str).unwrap_or("");
    if name.trim().is_empty()
        || name.chars().count() > MAX_NAME
        || name.chars().any(char::is_control)
    {
        return Err(create_error("InvalidDisplayName"));
    }
    Ok(html_encode(name))
}

/// The normalized scope (missing or empty = `app_token`), or `InvalidScope`.
fn normalize_scope(version: ServerVersion, v: Option<&Value>) -> Result<String, Resp> {
    let raw = match v {
        None => "",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(create_error("InvalidScope")),
    };
    let ids: BTreeSet<String> = raw
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    if ids.is_empty() {
        return Ok(APP_TOKEN.to_owned());
    }
    if !ids.iter().all(|s| scope_known(version, s)) {
        return Err(create_error("InvalidScope"));
    }
    Ok(ids.into_iter().collect::<Vec<_>>().join(" "))
}

/// A non-null `targetAccounts` at `level`: at a collection exactly its id; at the root known
/// collection ids (an empty list = all collections).
fn check_targets(level: Level, v: &Value) -> Result<Option<Vec<Uuid>>, Resp> {
    let invalid = || create_error("InvalidTargetAccounts");
    let Some(items) = v.as_array() else {
        return Err(invalid());
    };
    let mut ids: Vec<Uuid> = Vec::new();
    for item in items {
        let id = item
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(invalid)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    match level {
        Level::Collection(c) => {
            let own = collection_id(c);
            if ids == [own] {
                Ok(Some(ids))
            } else {
                Err(invalid())
            }
        }
        Level::Root => {
            if ids.is_empty() {
                Ok(None)
            } else if ids
                .iter()
                .all(|id| COLLECTIONS.iter().any(|c| collection_id(c) == *id))
            {
                Ok(Some(ids))
            } else {
                Err(invalid())
            }
        }
    }
}

fn create_error(message: &str) -> Resp {
    vss_error(
        StatusCode::BAD_REQUEST,
        message,
        "SessionTokenCreateException",
    )
}

fn bad_request(message: &str) -> Resp {
    vss_error(StatusCode::BAD_REQUEST, message, "ArgumentException")
}

fn invalid_id(id: &str) -> Resp {
    bad_request(&format!("The authorizationId '{id}' is not a valid GUID."))
}

fn not_found_token(id: Uuid) -> Resp {
    vss_error(
        StatusCode::NOT_FOUND,
        &format!("The session token {id} was not found."),
        "SessionTokenNotFoundException",
    )
}

fn not_found() -> Resp {
    vss_error(
        StatusCode::NOT_FOUND,
        "The resource cannot be found.",
        "NotFoundException",
    )
}

fn method_not_allowed(method: &Method) -> Resp {
    vss_error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("The requested resource does not support http method '{method}'."),
        "HttpMethodNotSupportedException",
    )
}

fn empty_ok() -> Resp {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::OK;
    r
}

/// 401 with the VSS body and IIS's three challenges as separate headers.
fn unauthorized() -> Resp {
    let mut r = vss_error(
        StatusCode::UNAUTHORIZED,
        "TF400813: The user '' is not authorized to access this resource.",
        "UnauthorizedRequestException",
    );
    let h = r.headers_mut();
    h.append(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Negotiate"),
    );
    h.append(header::WWW_AUTHENTICATE, HeaderValue::from_static("NTLM"));
    h.append(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"localhost\""),
    );
    r
}

/// Percent-decoded path segments.
fn segments(uri: &Uri) -> Vec<String> {
    uri.path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// The one handler of on-premises mode: routes by lower-cased path segments.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Resp {
    let segs = segments(&uri);
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    if matches!(lower.as_slice(), ["_sim", "stats"]) && method == Method::GET {
        let mut stats = lock(&shared).stats();
        stats["feeds"] = shared.feeds.stats();
        return with_json(StatusCode::OK, &stats);
    }
    if crate::sim::feeds::is_feed_path(&lower) {
        return crate::sim::feeds::handle(
            &shared,
            crate::sim::feeds::Mode::Server,
            &method,
            &uri,
            &headers,
        );
    }
    let Some(version) = shared.opts.server_version else {
        return not_found();
    };
    let Some((first, rest)) = lower.split_first() else {
        return not_found();
    };
    if *first != VIRTUAL_DIR {
        return not_found();
    }
    let (level, rest) = match rest.first() {
        None => return not_found(),
        Some(&"_apis") => (Level::Root, rest),
        Some(_) => {
            let name = segs.get(1).map(String::as_str).unwrap_or("");
            match COLLECTIONS
                .iter()
                .copied()
                .find(|c| c.eq_ignore_ascii_case(name))
            {
                Some(c) => (Level::Collection(c), &rest[1..]),
                None => {
                    return vss_error(
                        StatusCode::NOT_FOUND,
                        &format!("TF400898: The collection {name} was not found."),
                        "CollectionDoesNotExistException",
                    );
                }
            }
        }
    };
    let is_session_tokens = matches!(rest, ["_apis", "token", "sessiontokens", ..]);
    if is_session_tokens {
        lock(&shared).count_request(&method);
    }
    if method == Method::OPTIONS {
        return match rest {
            ["_apis", "token", "sessiontokens"] => options(version),
            _ => not_found(),
        };
    }
    let trust = shared.opts.trust_windows_proxy;
    let identity = lock(&shared).authenticate(&headers, level, Utc::now(), trust);
    let Some(identity) = identity else {
        return unauthorized();
    };
    let q = query_map(&uri);
    match rest {
        ["_apis", "token", "sessiontokens", tail @ ..] if tail.len() <= 1 => {
            session_tokens(
                &shared,
                version,
                level,
                identity,
                &method,
                tail.first().copied(),
                &q,
                &body,
            )
            .await
        }
        ["_apis", "connectiondata"] if method == Method::GET => connection_data(level),
        ["_apis", "projectcollections", tail @ ..]
            if method == Method::GET && level == Level::Root && tail.len() <= 1 =>
        {
            project_collections(&headers, tail.first().copied())
        }
        ["_apis", "tokens", "pats", ..] => {
            if version == ServerVersion::Ads2022 && level != Level::Root {
                vss_error(
                    StatusCode::FORBIDDEN,
                    "The requested operation is not allowed.",
                    "InvalidAccessException",
                )
            } else {
                not_found()
            }
        }
        _ => not_found(),
    }
}

/// `OPTIONS …/_apis/Token/SessionTokens`: the resource location.
fn options(version: ServerVersion) -> Resp {
    let max = version.max_api_version();
    with_json(
        StatusCode::OK,
        &serde_json::json!({
            "count": 1,
            "value": [{
                "id": SESSION_TOKENS_LOCATION,
                "area": "Token",
                "resourceName": "SessionTokens",
                "routeTemplate": "_apis/{area}/{resource}/{authorizationId}",
                "resourceVersion": 1,
                "minVersion": "1.0",
                "maxVersion": max,
                "releasedVersion": max,
            }]
        }),
    )
}

fn connection_data(level: Level) -> Resp {
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let user = serde_json::json!({
        "id": USER_ID,
        "descriptor": format!("Microsoft.TeamFoundation.Identity;{USER_SID}"),
        "subjectDescriptor": format!("win.{}", b64.encode(USER_SID)),
        "providerDisplayName": USER_NAME,
        "isActive": true,
        "properties": {"Account": {"$type": "System.String", "$value": USER_ACCOUNT}},
    });
    with_json(
        StatusCode::OK,
        &serde_json::json!({
            "authenticatedUser": user,
            "authorizedUser": user,
            "instanceId": level.instance_id(),
            "deploymentId": DEPLOYMENT_ID,
            "deploymentType": "onPremises",
            "locationServiceData": {
                "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
                "defaultAccessMappingMoniker": "PublicAccessMapping",
                "lastChangeId": 1,
                "lastChangeId64": 1,
            },
        }),
    )
}

/// `GET /tfs/_apis/projectCollections[/{idOrName}]`.
fn project_collections(headers: &HeaderMap, one: Option<&str>) -> Resp {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let entry = |name: &str| {
        let id = collection_id(name);
        serde_json::json!({
            "id": id,
            "name": name,
            "url": format!("http://{host}/{VIRTUAL_DIR}/_apis/projectCollections/{id}"),
            "state": "Started",
        })
    };
    match one {
        None => {
            let value: Vec<Value> = COLLECTIONS.iter().copied().map(&entry).collect();
            with_json(
                StatusCode::OK,
                &ValueList {
                    count: value.len(),
                    value,
                },
            )
        }
        Some(key) => {
            let found = COLLECTIONS.iter().copied().find(|c| {
                c.eq_ignore_ascii_case(key)
                    || Uuid::parse_str(key).is_ok_and(|id| id == collection_id(c))
            });
            match found {
                Some(c) => with_json(StatusCode::OK, &entry(c)),
                None => vss_error(
                    StatusCode::NOT_FOUND,
                    &format!("TF400898: The collection {key} was not found."),
                    "CollectionDoesNotExistException",
                ),
            }
        }
    }
}

/// The api-version check of the legacy route: optional, at most the server's newest.
fn check_api_version(version: ServerVersion, q: &HashMap<String, String>) -> Option<Resp> {
    let raw = q
        .get("api-version")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())?;
    let Some(asked) = parse_api_version(raw) else {
        return Some(vss_error(
            StatusCode::BAD_REQUEST,
            &format!("The api-version '{raw}' is not in a valid format."),
            "VssInvalidApiVersionException",
        ));
    };
    (asked > version.max_api_pair()).then(|| {
        vss_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "The requested REST API version of {raw} is out of range for this server. The latest REST API version for this server is {}.",
                version.max_api_version()
            ),
            "VssVersionOutOfRangeException",
        )
    })
}

/// What a POST body asks for.
enum PostKind {
    Create,
    Update(Uuid),
}

fn post_kind(body: &serde_json::Map<String, Value>) -> Result<PostKind, Resp> {
    match field(body, "authorizationId") {
        None => Ok(PostKind::Create),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(PostKind::Create),
        Some(Value::String(s)) => match Uuid::parse_str(s.trim()) {
            Ok(id) if id.is_nil() => Ok(PostKind::Create),
            Ok(id) => Ok(PostKind::Update(id)),
            Err(_) => Err(invalid_id(s)),
        },
        Some(other) => Err(bad_request(&format!(
            "authorizationId {other} is not a valid GUID."
        ))),
    }
}

fn body_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, Resp> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(bad_request(
            "The request body must be a JSON SessionToken object.",
        )),
    }
}

#[allow(clippy::too_many_arguments)]
async fn session_tokens(
    shared: &Shared,
    version: ServerVersion,
    level: Level,
    identity: Identity,
    method: &Method,
    id: Option<&str>,
    q: &HashMap<String, String>,
    body: &Bytes,
) -> Resp {
    if identity
        == (Identity::Pat {
            manages_tokens: false,
        })
    {
        return unauthorized();
    }
    if let Some(r) = check_api_version(version, q) {
        return r;
    }
    if let Some(r) = pre_faults(shared, method).await {
        return r;
    }
    let r = {
        let mut store = lock(shared);
        if *method == Method::GET {
            match id {
                None => store.list(q),
                Some(id) => store.get(id),
            }
        } else if *method == Method::POST {
            match (id, body_object(body)) {
                (Some(_), _) => method_not_allowed(method),
                (None, Err(r)) => r,
                (None, Ok(obj)) => match post_kind(&obj) {
                    Err(r) => r,
                    Ok(PostKind::Create) => store.create(version, level, identity, q, &obj),
                    Ok(PostKind::Update(id)) => store.update(version, level, id, &obj),
                },
            }
        } else if *method == Method::DELETE {
            match id {
                None => store.revoke_all(),
                Some(id) => store.revoke(id),
            }
        } else {
            method_not_allowed(method)
        }
    };
    post_faults(shared, r).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_in_every_form() {
        for v in ServerVersion::ALL {
            let y = v.year().to_string();
            assert_eq!(ServerVersion::parse(&y), Some(v));
            assert_eq!(ServerVersion::parse(&format!("TFS{y}")), Some(v));
            assert_eq!(ServerVersion::parse(&format!("ads{y}")), Some(v));
        }
        assert_eq!(ServerVersion::parse("2021"), None);
        assert_eq!(ServerVersion::parse(""), None);
    }

    #[test]
    fn sign_in_pat_is_compact() {
        assert_eq!(SIGN_IN_PAT.len(), 52);
        assert!(
            SIGN_IN_PAT
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
    }

    #[test]
    fn api_versions_and_dates_parse() {
        assert_eq!(parse_api_version("7.1-preview.1"), Some((7, 1)));
        assert_eq!(parse_api_version("1"), Some((1, 0)));
        assert_eq!(parse_api_version("x"), None);
        assert!(parse_date("2026-06-30T00:00:00Z").is_some());
        assert!(parse_date("2026-06-30T00:00:00.1234567").is_some());
        assert!(parse_date("2026-06-30T00:00:00").is_some());
        assert!(parse_date("2026-06-30T00:00:00+02:00").is_some());
        assert!(parse_date("soon").is_none());
        assert_eq!(fmt_date(year_one()), "0001-01-01T00:00:00.000Z");
        assert_eq!(html_encode("a&<>\"'"), "a&amp;&lt;&gt;&quot;&#39;");
    }

    #[test]
    fn scopes_are_normalized_and_per_version() {
        let s = |v, x: &str| normalize_scope(v, Some(&Value::from(x))).ok();
        assert_eq!(
            s(ServerVersion::Tfs2017, "VSO.Work  vso.code vso.work").as_deref(),
            Some("vso.code vso.work")
        );
        assert_eq!(s(ServerVersion::Tfs2017, " ").as_deref(), Some(APP_TOKEN));
        assert!(s(ServerVersion::Tfs2017, "vso.advsec").is_none());
        assert!(s(ServerVersion::Ads2022, "vso.advsec").is_some());
        assert!(s(ServerVersion::Ads2019, "vso.environment_manage").is_none());
        assert!(s(ServerVersion::Ads2020, "vso.environment_manage").is_some());
    }
}
