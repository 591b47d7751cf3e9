//! The simulator's HTTP face (axum): routing (case-insensitive, like the service), bearer and
//! Basic auth, the 203 sign-in page, fault injection (latency, 5xx, truncated bodies, 429), and
//! the wire formats of tokens, profile, accounts and connectionData. The Entra endpoints are
//! routed to [`entra`], which is handed the Entra state and the store from [`Shared`] (the
//! dependency goes one way: `entra` does not use this module).

use crate::azure::models::{
    Account, DisplayFilter, PagedPatTokens, PatTokenCreateRequest, PatTokenResult,
    PatTokenUpdateRequest, Profile, ServerSort, ValueList,
};
use crate::azure::pat_error::PatTokenError;
use crate::sim::store::{Org, Refusal, Store, TENANT_ID, USER_EMAIL, USER_ID, USER_NAME};
use crate::sim::{SimOptions, entra};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::time::Instant;
use uuid::Uuid;

/// Everything a request handler needs.
pub struct Shared {
    pub store: Mutex<Store>,
    pub opts: SimOptions,
    faults: Mutex<Faults>,
    pub entra: Mutex<entra::EntraSim>,
    /// The on-premises server's state (used only when `opts.server_version` is set).
    pub server: Mutex<crate::sim::server::ServerStore>,
    /// The package feeds' counters and packages (both modes).
    pub feeds: crate::sim::feeds::FeedState,
}

struct Faults {
    rng: StdRng,
    window_start: Instant,
    window_count: u32,
    /// Requests seen per method on the PAT routes.
    counts: HashMap<String, u32>,
    /// Create answers dropped so far (see `SimOptions::drop_create_answers`).
    dropped: u32,
}

impl Shared {
    /// State for a server.
    pub fn new(store: Store, opts: SimOptions) -> Self {
        let seed = opts.rng_seed ^ 0x5eed_fa17;
        Self {
            store: Mutex::new(store),
            entra: Mutex::new(entra::EntraSim::new(opts.entra.clone())),
            server: Mutex::new(crate::sim::server::ServerStore::new(&opts)),
            feeds: crate::sim::feeds::FeedState::default(),
            opts,
            faults: Mutex::new(Faults {
                rng: StdRng::seed_from_u64(seed),
                window_start: Instant::now(),
                window_count: 0,
                counts: HashMap::new(),
                dropped: 0,
            }),
        }
    }

    /// PAT requests received with `method` (all of them, faults included).
    pub fn requests(&self, method: &str) -> u32 {
        self.faults
            .lock()
            .map(|f| f.counts.get(method).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Successful creates (tokens minted through the API; refusals and seeding do not count).
    pub fn creates(&self) -> u32 {
        self.store.lock().map(|s| s.creates()).unwrap_or(0)
    }

    /// Successful revocations, of every token.
    pub fn revocations(&self) -> u32 {
        self.store
            .lock()
            .map(|s| s.revocations_total())
            .unwrap_or(0)
    }
}

pub(crate) type Resp = Response<Body>;

pub(crate) fn with_json<T: Serialize>(status: StatusCode, body: &T) -> Resp {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

/// A VSS error body.
pub(crate) fn vss_error(status: StatusCode, message: &str, type_key: &str) -> Resp {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct E<'a> {
        #[serde(rename = "$id")]
        id: &'a str,
        inner_exception: Option<()>,
        message: &'a str,
        type_name: String,
        type_key: &'a str,
        error_code: u32,
        event_id: u32,
    }
    with_json(
        status,
        &E {
            id: "1",
            inner_exception: None,
            message,
            type_name: format!(
                "Microsoft.VisualStudio.Services.{type_key}, Microsoft.VisualStudio.Services.WebApi"
            ),
            type_key,
            error_code: 0,
            event_id: 3000,
        },
    )
}

/// A refusal as a `PatTokenResult`: with its own status (400/404), or inside HTTP 200 when the
/// simulator runs with `errors_in_200`.
fn refusal(shared: &Shared, r: Refusal) -> Resp {
    let status = if shared.opts.errors_in_200 {
        StatusCode::OK
    } else {
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST)
    };
    with_json(
        status,
        &PatTokenResult {
            pat_token: None,
            pat_token_error: r.code,
            pat_token_error_message: Some(r.message),
        },
    )
}

const SIGN_IN_PAGE: &str = "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><p>Sign in to continue.</p></body></html>";

/// The answer to a failed authentication: 401 with Suppress, else the 203 sign-in page.
fn auth_failed(headers: &HeaderMap) -> Resp {
    let suppress = headers
        .get("X-TFS-FedAuthRedirect")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("suppress"));
    if suppress {
        let mut r = vss_error(
            StatusCode::UNAUTHORIZED,
            "TF400813: The user '' is not authorized to access this resource.",
            "UnauthorizedRequestException",
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Bearer authorization_uri=https://login.microsoftonline.com/{TENANT_ID}"
        )) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        r
    } else {
        let mut r = Response::new(Body::from(SIGN_IN_PAGE));
        *r.status_mut() = StatusCode::NON_AUTHORITATIVE_INFORMATION;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

pub(crate) fn basic_password(headers: &HeaderMap) -> Option<String> {
    basic_credentials(headers).map(|(_, p)| p)
}

/// `(user, password)` of a Basic `Authorization` header.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned()))
}

pub(crate) fn query_map(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn bad_request(message: &str) -> Resp {
    vss_error(StatusCode::BAD_REQUEST, message, "ArgumentException")
}

/// The one handler: routes by lower-cased path segments.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Resp {
    let path = uri.path().to_owned();
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    if crate::sim::feeds::is_feed_path(&lower) {
        return crate::sim::feeds::handle(
            &shared,
            crate::sim::feeds::Mode::Cloud,
            &method,
            &uri,
            &headers,
        );
    }
    let q = query_map(&uri);

    match lower.as_slice() {
        [_tenant, "oauth2", "v2.0", op] if method == Method::POST => {
            entra::handle(&shared.entra, &shared.store, op, &body)
        }
        // The simulator's own counters, for tests against a `patui sim` process (no auth).
        ["_sim", "stats"] if method == Method::GET => with_json(
            StatusCode::OK,
            &serde_json::json!({
                "creates": shared.creates(),
                "revocations": shared.revocations(),
                "requests": {"GET": shared.requests("GET"), "DELETE": shared.requests("DELETE")},
                "feeds": shared.feeds.stats(),
            }),
        ),
        ["_apis", "profile", "profiles", "me"] if method == Method::GET => {
            if let Some(r) = check_bearer(&shared, &headers) {
                return r;
            }
            with_json(
                StatusCode::OK,
                &ProfileWire {
                    profile: Profile {
                        id: USER_ID,
                        display_name: USER_NAME.into(),
                        public_alias: Some(USER_ID.to_string()),
                        email_address: Some(USER_EMAIL.into()),
                    },
                    core_revision: 1,
                    time_stamp: "2026-01-01T00:00:00+00:00",
                    revision: 1,
                },
            )
        }
        ["_apis", "accounts"] if method == Method::GET => {
            if let Some(r) = check_bearer(&shared, &headers) {
                return r;
            }
            let member = q.get("memberid").or_else(|| q.get("ownerid"));
            match member.map(|m| Uuid::parse_str(m)) {
                None => bad_request("memberId or ownerId is required."),
                Some(Err(_)) => bad_request("memberId is not a valid GUID."),
                Some(Ok(id)) if id != USER_ID => with_json(
                    StatusCode::OK,
                    &ValueList::<AccountWire> {
                        count: Some(0),
                        value: vec![],
                    },
                ),
                Some(Ok(_)) => {
                    let orgs = shared.store.lock().map(|s| s.orgs()).unwrap_or_default();
                    let value: Vec<AccountWire> = orgs.into_iter().map(account).collect();
                    with_json(
                        StatusCode::OK,
                        &ValueList {
                            count: Some(value.len()),
                            value,
                        },
                    )
                }
            }
        }
        [_org, "_apis", "connectiondata"] if method == Method::GET => {
            let org = shared.store.lock().ok().and_then(|mut s| s.org(&segs[0]));
            let Some(org) = org else {
                return vss_error(
                    StatusCode::NOT_FOUND,
                    "Organization not found.",
                    "AccountNotFoundException",
                );
            };
            connection_data(&shared, &org, &headers)
        }
        [_org, "_apis", "tokens", "pats"] => {
            pats(&shared, &segs[0], method, &q, &headers, &body).await
        }
        [_org] if method == Method::HEAD || method == Method::GET => {
            // The tenant probe: unauthenticated, answers with the tenant headers.
            let mut r = auth_failed(&headers);
            if let Ok(v) = HeaderValue::from_str(&TENANT_ID.to_string()) {
                r.headers_mut().insert("X-VSS-ResourceTenant", v);
            }
            r
        }
        _ => vss_error(
            StatusCode::NOT_FOUND,
            "The resource cannot be found.",
            "NotFoundException",
        ),
    }
}

fn check_bearer(shared: &Shared, headers: &HeaderMap) -> Option<Resp> {
    let ok = bearer(headers).is_some_and(|t| shared.store.lock().is_ok_and(|s| s.bearer_ok(t)));
    (!ok).then(|| auth_failed(headers))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileWire {
    #[serde(flatten)]
    profile: Profile,
    core_revision: u32,
    time_stamp: &'static str,
    revision: u32,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountWire {
    #[serde(flatten)]
    account: Account,
    properties: serde_json::Map<String, serde_json::Value>,
}

fn account(o: Org) -> AccountWire {
    AccountWire {
        account: Account {
            account_id: o.id,
            account_uri: Some(format!("https://vssps.dev.azure.com/{}/", o.name)),
            account_name: o.name,
        },
        properties: serde_json::Map::new(),
    }
}

fn connection_data(shared: &Shared, org: &Org, headers: &HeaderMap) -> Resp {
    let Some(pat) = basic_password(headers) else {
        return auth_failed(headers);
    };
    let ok = shared
        .store
        .lock()
        .is_ok_and(|s| s.authenticate_pat(org, &pat).is_some());
    if !ok {
        return auth_failed(headers);
    }
    let user = serde_json::json!({
        "id": USER_ID, "descriptor": format!("aad.{}", USER_ID.simple()),
        "subjectDescriptor": format!("aad.{}", USER_ID.simple()),
        "providerDisplayName": USER_NAME, "isActive": true,
    });
    with_json(
        StatusCode::OK,
        &serde_json::json!({
            "authenticatedUser": user, "authorizedUser": user,
            "instanceId": org.id, "deploymentType": "hosted",
            "locationServiceData": {"serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7"}
        }),
    )
}

/// Latency, the rate limit and the 5xx fault, decided before the request acts.
/// Returns a response when the request must fail here.
pub(crate) async fn pre_faults(shared: &Shared, method: &Method) -> Option<Resp> {
    let (fail, limited) = {
        let Ok(mut f) = shared.faults.lock() else {
            return None;
        };
        *f.counts.entry(method.to_string()).or_default() += 1;
        let mut limited = false;
        if let Some(limit) = shared.opts.rate_limit {
            let now = Instant::now();
            if now.duration_since(f.window_start) >= std::time::Duration::from_secs(1) {
                f.window_start = now;
                f.window_count = 0;
            }
            f.window_count += 1;
            limited = f.window_count > limit;
        }
        let p = shared.opts.fail_rate;
        let applies = shared
            .opts
            .fail_only
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        let fail = applies && p > 0.0 && f.rng.random_bool(p.min(1.0));
        (fail, limited)
    };
    if limited {
        let mut r = vss_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Global' in namespace 'User'.",
            "RequestBlockedException",
        );
        let h = r.headers_mut();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        h.insert("X-RateLimit-Resource", HeaderValue::from_static("Global"));
        h.insert("X-RateLimit-Remaining", HeaderValue::from_static("0"));
        return Some(r);
    }
    if !shared.opts.latency.is_zero() {
        tokio::time::sleep(shared.opts.latency).await;
    }
    if fail {
        return Some(vss_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is temporarily unavailable (injected fault).",
            "ServiceUnavailableException",
        ));
    }
    None
}

/// True for the first `drop_create_answers` successful creates.
fn drop_this_answer(shared: &Shared) -> bool {
    let n = shared.opts.drop_create_answers;
    n > 0
        && shared.faults.lock().is_ok_and(|mut f| {
            let drop = f.dropped < n;
            f.dropped += u32::from(drop);
            drop
        })
}

/// Cuts a JSON body in half, with the configured probability.
pub(crate) async fn post_faults(shared: &Shared, r: Resp) -> Resp {
    let p = shared.opts.truncate_rate;
    if p <= 0.0 || !r.status().is_success() {
        return r;
    }
    let cut = shared
        .faults
        .lock()
        .is_ok_and(|mut f| f.rng.random_bool(p.min(1.0)));
    if !cut {
        return r;
    }
    let (parts, body) = r.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let half = bytes.len() / 2;
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..half)))
}

fn continuation(row: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{row}-patapitoken"))
}

fn parse_continuation(s: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_suffix("-patapitoken")?.parse().ok()
}

async fn pats(
    shared: &Shared,
    org_name: &str,
    method: Method,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Resp {
    if let Some(r) = check_bearer(shared, headers) {
        return r;
    }
    if !q.contains_key("api-version") {
        return vss_error(
            StatusCode::BAD_REQUEST,
            "No api-version was supplied for the request.",
            "VssVersionNotSpecifiedException",
        );
    }
    if let Some(r) = pre_faults(shared, &method).await {
        return r;
    }
    let org = shared.store.lock().ok().and_then(|mut s| s.org(org_name));
    let Some(org) = org else {
        return vss_error(
            StatusCode::NOT_FOUND,
            &format!(
                "VS800075: The project collection or organization '{org_name}' was not found."
            ),
            "HostDoesNotExistException",
        );
    };
    let r = match method {
        Method::GET => match q.get("authorizationid") {
            Some(id) => get_one(shared, &org, id),
            None => list(shared, &org, q),
        },
        Method::POST => {
            let r = create(shared, &org, body);
            if r.status().is_success() {
                if !shared.opts.answer_delay.is_zero() {
                    tokio::time::sleep(shared.opts.answer_delay).await;
                }
                if drop_this_answer(shared) {
                    // The token exists; its answer breaks off mid-body.
                    let (parts, _) = r.into_parts();
                    let broken = futures::stream::iter([
                        Ok(Bytes::from_static(b"{\"patToken\":{")),
                        Err(std::io::Error::other("connection lost (injected)")),
                    ]);
                    return Response::from_parts(parts, Body::from_stream(broken));
                }
            }
            r
        }
        Method::PUT => update(shared, &org, body),
        Method::DELETE => revoke(shared, &org, q),
        _ => vss_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed.",
            "NotSupportedException",
        ),
    };
    post_faults(shared, r).await
}

fn list(shared: &Shared, org: &Org, q: &HashMap<String, String>) -> Resp {
    let filter = match q.get("displayfilteroption") {
        None => DisplayFilter::Active,
        Some(v) => match DisplayFilter::parse(v) {
            Some(f) => f,
            None => return bad_request(&format!("displayFilterOption {v:?} is not valid.")),
        },
    };
    let sort = match q.get("sortbyoption") {
        None => ServerSort::DisplayName,
        Some(v) => match ServerSort::parse(v) {
            Some(s) => s,
            None => return bad_request(&format!("sortByOption {v:?} is not valid.")),
        },
    };
    let ascending = match q.get("issortascending").map(|s| s.to_ascii_lowercase()) {
        None => true,
        Some(v) if v == "true" => true,
        Some(v) if v == "false" => false,
        Some(v) => return bad_request(&format!("isSortAscending {v:?} is not a boolean.")),
    };
    let top = match q.get("$top") {
        None => 100,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n > 0 => (n as usize).min(100),
            _ => return bad_request(&format!("$top {v:?} is not a positive integer.")),
        },
    };
    let start = match q.get("continuationtoken").filter(|s| !s.is_empty()) {
        None => 0,
        Some(t) => match parse_continuation(t) {
            Some(n) => n,
            None => return bad_request("The continuation token is not valid."),
        },
    };
    let Ok(store) = shared.store.lock() else {
        return vss_error(StatusCode::INTERNAL_SERVER_ERROR, "state", "Exception");
    };
    let all = store.list(org, filter, sort, ascending);
    let page: Vec<_> = all
        .iter()
        .skip(start)
        .take(top)
        .map(|t| t.to_wire())
        .collect();
    let next = start + page.len();
    let token = if next < all.len() {
        continuation(next)
    } else {
        String::new()
    };
    with_json(
        StatusCode::OK,
        &PagedPatTokens {
            continuation_token: Some(token),
            pat_tokens: page,
        },
    )
}

fn get_one(shared: &Shared, org: &Org, id: &str) -> Resp {
    let Ok(id) = Uuid::parse_str(id) else {
        return refusal(
            shared,
            Refusal {
                status: 400,
                code: PatTokenError::InvalidAuthorizationId,
                message: "The authorizationId is not a GUID.".into(),
            },
        );
    };
    let found = shared.store.lock().ok().and_then(|s| {
        s.token(id)
            .filter(|t| t.targets_org(org.id))
            .map(|t| t.to_wire())
    });
    match found {
        Some(t) => with_json(
            StatusCode::OK,
            &PatTokenResult {
                pat_token: Some(t),
                pat_token_error: PatTokenError::None,
                pat_token_error_message: None,
            },
        ),
        None => refusal(
            shared,
            Refusal {
                status: 404,
                code: PatTokenError::AuthorizationNotFound,
                message: "No such token.".into(),
            },
        ),
    }
}

fn create(shared: &Shared, org: &Org, body: &Bytes) -> Resp {
    let req: PatTokenCreateRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return bad_request(&format!("The request body is not valid: {e}")),
    };
    with_store(shared, |store| {
        store.create(
            org,
            &req.display_name,
            &req.scope,
            req.valid_to,
            req.all_orgs,
        )
    })
}

/// Runs a store operation and answers with its `PatTokenResult`.
fn with_store(
    shared: &Shared,
    op: impl FnOnce(&mut Store) -> Result<crate::azure::PatToken, Refusal>,
) -> Resp {
    let Ok(mut store) = shared.store.lock() else {
        return vss_error(StatusCode::INTERNAL_SERVER_ERROR, "state", "Exception");
    };
    match op(&mut store) {
        Ok(t) => with_json(
            StatusCode::OK,
            &PatTokenResult {
                pat_token: Some(t),
                pat_token_error: PatTokenError::None,
                pat_token_error_message: None,
            },
        ),
        Err(r) => refusal(shared, r),
    }
}

fn update(shared: &Shared, org: &Org, body: &Bytes) -> Resp {
    let req: PatTokenUpdateRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return bad_request(&format!("The request body is not valid: {e}")),
    };
    with_store(shared, |store| {
        store.update(
            org,
            req.authorization_id,
            req.display_name.as_deref(),
            req.scope.as_deref(),
            req.valid_to,
            req.all_orgs,
        )
    })
}

fn revoke(shared: &Shared, org: &Org, q: &HashMap<String, String>) -> Resp {
    let Some(id) = q
        .get("authorizationid")
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return bad_request("authorizationId is required and must be a GUID.");
    };
    let Ok(mut store) = shared.store.lock() else {
        return vss_error(StatusCode::INTERNAL_SERVER_ERROR, "state", "Exception");
    };
    match store.revoke(org, id) {
        Ok(()) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NO_CONTENT;
            r
        }
        Err(_) => vss_error(
            StatusCode::NOT_FOUND,
            "The personal access token was not found (or is already revoked).",
            "SessionTokenNotFoundException",
        ),
    }
}
