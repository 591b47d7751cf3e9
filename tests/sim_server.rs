//! The simulator's on-premises mode (Azure DevOps Server / TFS session-token API), driven over
//! real HTTP on loopback: version probing, connectionData, the token routes with both identities,
//! the server's validation and quirks (HTML-encoded names, clamped lifetimes, revoke-all), and
//! the bodies against the official on-prem `SessionToken` definition (skipped when ../shared is
//! absent).

use chrono::{DateTime, Duration, Utc};
use patui::sim::server::{
    COLLECTIONS, DEPLOYMENT_ID, SIGN_IN_PAT, ServerStore, ServerVersion, USER_ACCOUNT, USER_NAME,
    WINDOWS_PASSWORD, collection_id,
};
use patui::sim::{self, SimHandle, SimOptions};
use patui::testsupport::shared_file;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const ST: &str = "/_apis/Token/SessionTokens";
const ROOT: &str = "/tfs";
const COLL: &str = "/tfs/DefaultCollection";
const FAB: &str = "/tfs/Fabrikam";

async fn start(v: ServerVersion) -> SimHandle {
    start_with(SimOptions {
        server_version: Some(v),
        ..SimOptions::default()
    })
    .await
}

async fn start_with(opts: SimOptions) -> SimHandle {
    sim::start(([127, 0, 0, 1], 0).into(), opts).await.unwrap()
}

#[derive(Clone)]
enum Auth {
    None,
    Basic(String, String),
}

/// The sign-in PAT over Basic.
fn pat() -> Auth {
    with_pat(SIGN_IN_PAT)
}

fn with_pat(value: &str) -> Auth {
    Auth::Basic(String::new(), value.to_owned())
}

/// The Windows identity (IIS Basic).
fn win() -> Auth {
    Auth::Basic(USER_ACCOUNT.to_owned(), WINDOWS_PASSWORD.to_owned())
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
    raw: Vec<u8>,
}

async fn call(
    h: &SimHandle,
    method: Method,
    path: &str,
    auth: &Auth,
    body: Option<Value>,
) -> Answer {
    let mut rb = reqwest::Client::new().request(method, format!("{}{path}", h.base_url));
    if let Auth::Basic(user, pass) = auth {
        rb = rb.basic_auth(user, Some(pass));
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let raw = r.bytes().await.unwrap().to_vec();
    let body = if raw.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&raw)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&raw).into_owned()))
    };
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

async fn get(h: &SimHandle, path: &str, auth: &Auth) -> Answer {
    call(h, Method::GET, path, auth, None).await
}

async fn post(h: &SimHandle, path: &str, auth: &Auth, body: Value) -> Answer {
    call(h, Method::POST, path, auth, Some(body)).await
}

async fn delete(h: &SimHandle, path: &str, auth: &Auth) -> Answer {
    call(h, Method::DELETE, path, auth, None).await
}

/// The list at `base`, asserted 200, as the `value` array.
async fn list(h: &SimHandle, base: &str, auth: &Auth) -> Vec<Value> {
    let a = get(h, &format!("{base}{ST}?api-version=1.0"), auth).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let value = a.body["value"].as_array().unwrap().clone();
    assert_eq!(a.body["count"].as_u64().unwrap() as usize, value.len());
    value
}

fn by_name<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|t| t["displayName"] == name)
        .unwrap_or_else(|| panic!("{name:?} not listed"))
}

fn by_id<'a>(list: &'a [Value], id: &str) -> Option<&'a Value> {
    list.iter().find(|t| t["authorizationId"] == id)
}

fn date(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a date: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

fn near(v: &Value, want: DateTime<Utc>) {
    let got = date(v);
    assert!(
        (got - want).num_seconds().abs() <= 60,
        "{got} is not near {want}"
    );
}

fn is_compact(s: &str) -> bool {
    s.len() == 52
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

fn looks_like_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    s.starts_with("eyJ")
        && s.len() > 84
        && parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn in_days(n: i64) -> DateTime<Utc> {
    Utc::now() + Duration::days(n)
}

fn create_body(name: &str, scope: &str, valid_to: DateTime<Utc>) -> Value {
    json!({"displayName": name, "scope": scope, "validTo": valid_to.to_rfc3339()})
}

/// Creates a Compact token with the Windows identity at `base`; returns the whole answer body.
async fn create_compact(h: &SimHandle, base: &str, body: Value) -> Value {
    let a = post(
        h,
        &format!("{base}{ST}?tokenType=Compact&isPublic=false&api-version=1.0"),
        &win(),
        body,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

fn assert_error(a: &Answer, status: u16, message: &str, type_key: &str) {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.body["message"], message, "{}", a.body);
    assert_eq!(a.body["typeKey"], type_key, "{}", a.body);
}

#[tokio::test]
async fn options_report_each_versions_max_version() {
    let expected = [
        (ServerVersion::Tfs2017, "3.2"),
        (ServerVersion::Tfs2018, "4.1"),
        (ServerVersion::Ads2019, "5.1"),
        (ServerVersion::Ads2020, "6.0"),
        (ServerVersion::Ads2022, "7.1"),
    ];
    assert_eq!(
        ServerVersion::ALL.to_vec(),
        expected.iter().map(|(v, _)| *v).collect::<Vec<_>>()
    );
    for (v, max) in expected {
        assert_eq!(v.max_api_version(), max);
        let h = start(v).await;
        for base in [ROOT, COLL, "/tfs/fabrikam"] {
            // No credentials needed.
            let a = call(
                &h,
                Method::OPTIONS,
                &format!("{base}{ST}"),
                &Auth::None,
                None,
            )
            .await;
            assert_eq!(a.status, 200, "{v:?} {base}: {}", a.body);
            assert_eq!(a.body["count"], 1);
            let loc = &a.body["value"][0];
            assert_eq!(loc["id"], "ada996bc-8c18-4193-b20c-cd41b13f5b4d");
            assert_eq!(loc["area"], "Token");
            assert_eq!(loc["resourceName"], "SessionTokens");
            assert_eq!(
                loc["routeTemplate"],
                "_apis/{area}/{resource}/{authorizationId}"
            );
            assert_eq!(loc["maxVersion"], max, "{v:?}");
            assert_eq!(loc["releasedVersion"], max, "{v:?}");
        }
    }
}

#[test]
fn versions_parse_from_years_and_product_prefixes() {
    assert_eq!(ServerVersion::parse("2017"), Some(ServerVersion::Tfs2017));
    assert_eq!(
        ServerVersion::parse("TFS2018"),
        Some(ServerVersion::Tfs2018)
    );
    assert_eq!(
        ServerVersion::parse("ads2019"),
        Some(ServerVersion::Ads2019)
    );
    assert_eq!(ServerVersion::parse("2020"), Some(ServerVersion::Ads2020));
    assert_eq!(
        ServerVersion::parse("ADS2022"),
        Some(ServerVersion::Ads2022)
    );
    assert_eq!(ServerVersion::parse("2021"), None);
    assert_eq!(ServerVersion::parse("cloud"), None);
    let years: Vec<u16> = ServerVersion::ALL.iter().map(|v| v.year()).collect();
    assert_eq!(years, [2017, 2018, 2019, 2020, 2022]);
}

#[tokio::test]
async fn connection_data_differs_between_root_and_collections() {
    let h = start(ServerVersion::Ads2022).await;
    let root = get(&h, &format!("{ROOT}/_apis/connectionData"), &pat()).await;
    assert_eq!(root.status, 200, "{}", root.body);
    let coll = get(&h, &format!("{COLL}/_apis/connectionData"), &pat()).await;
    assert_eq!(coll.status, 200);
    let fab = get(&h, &format!("{FAB}/_apis/connectionData"), &win()).await;
    assert_eq!(fab.status, 200);
    for a in [&root, &coll, &fab] {
        assert_eq!(a.body["deploymentType"], "onPremises");
        assert_eq!(a.body["deploymentId"], DEPLOYMENT_ID.to_string());
        let user = &a.body["authenticatedUser"];
        assert_eq!(user["providerDisplayName"], USER_NAME);
        assert_eq!(user["isActive"], true);
        assert_eq!(user["properties"]["Account"]["$value"], USER_ACCOUNT);
        assert_eq!(a.body["authorizedUser"], *user);
        assert_eq!(
            a.body["locationServiceData"]["serviceOwner"],
            "00025394-6065-48ca-87d9-7f5672854ef7"
        );
    }
    // The same user for the PAT and the Windows identity.
    assert_eq!(
        root.body["authenticatedUser"]["id"],
        fab.body["authenticatedUser"]["id"]
    );
    assert_eq!(root.body["instanceId"], DEPLOYMENT_ID.to_string());
    assert_eq!(
        coll.body["instanceId"],
        collection_id("DefaultCollection").to_string()
    );
    assert_eq!(
        fab.body["instanceId"],
        collection_id("Fabrikam").to_string()
    );
    assert_ne!(coll.body["instanceId"], root.body["instanceId"]);
    assert_ne!(coll.body["instanceId"], fab.body["instanceId"]);
    assert_eq!(
        collection_id("defaultcollection"),
        collection_id("DefaultCollection")
    );
}

#[tokio::test]
async fn the_list_has_the_seeded_tokens_encoded_and_without_values() {
    let h = start(ServerVersion::Ads2019).await;
    let at_root = list(&h, ROOT, &pat()).await;
    let at_coll = list(&h, COLL, &pat()).await;
    let at_fab = list(&h, FAB, &win()).await;
    assert_eq!(at_root, at_coll, "the store is server-wide");
    assert_eq!(at_root, at_fab);
    assert!(at_root.len() >= 7, "{}", at_root.len());

    let sign_in = by_name(&at_root, "patui sign-in");
    assert_eq!(sign_in["scope"], "vso.tokens");
    assert!(sign_in["targetAccounts"].is_null(), "all collections");
    assert_eq!(sign_in["isValid"], true);
    near(&sign_in["validTo"], in_days(300));

    let build = by_name(&at_root, "build agent");
    assert_eq!(build["scope"], "vso.agentpools_manage");
    assert_eq!(
        build["targetAccounts"],
        json!([collection_id("DefaultCollection")])
    );
    // Names are stored (and returned) HTML-encoded.
    by_name(&at_root, "R&amp;D feed reader");
    let nightly = by_name(&at_root, "nightly &lt;release&gt;");
    assert_eq!(nightly["scope"], "vso.build_execute vso.release_execute");
    assert_eq!(
        nightly["targetAccounts"],
        json!([collection_id("Fabrikam")])
    );
    assert!(by_name(&at_root, "admin scripts")["targetAccounts"].is_null());
    assert!(
        !at_root
            .iter()
            .any(|t| t["displayName"] == "R&D feed reader"),
        "never decoded"
    );
    // Revoked and expired ones are listed too.
    assert!(at_root.iter().any(|t| t["isValid"] == false));
    assert!(
        at_root
            .iter()
            .any(|t| t["isValid"] == true && date(&t["validTo"]) < Utc::now())
    );
    // No values.
    for t in &at_root {
        assert!(t.get("token").is_none_or(Value::is_null), "{t}");
        assert!(t.get("alternateToken").is_none_or(Value::is_null), "{t}");
        assert_eq!(t["isPublic"], false);
    }
    // The store's own view agrees.
    let stored = h.shared.server.lock().unwrap().tokens();
    assert_eq!(stored.len(), at_root.len());
    for (id, name, valid) in stored {
        let t = by_id(&at_root, &id.to_string()).unwrap();
        assert_eq!(t["displayName"], name.as_str());
        assert_eq!(t["isValid"], valid);
    }
}

#[tokio::test]
async fn a_pat_cannot_create() {
    let h = start(ServerVersion::Ads2022).await;
    for base in [ROOT, COLL] {
        let a = post(
            &h,
            &format!("{base}{ST}?tokenType=Compact&api-version=1.0"),
            &pat(),
            create_body("nope", "vso.code", in_days(10)),
        )
        .await;
        assert_error(&a, 400, "AccessDenied", "SessionTokenCreateException");
    }
    assert_eq!(h.shared.server.lock().unwrap().creates(), 0);
    let names: Vec<Value> = list(&h, ROOT, &pat())
        .await
        .into_iter()
        .map(|t| t["displayName"].clone())
        .collect();
    assert!(!names.contains(&json!("nope")));
}

#[tokio::test]
async fn windows_creates_a_compact_token_that_is_listed_and_works() {
    let h = start(ServerVersion::Ads2020).await;
    let want_to = in_days(30);
    let a = post(
        &h,
        &format!("{COLL}{ST}?tokenType=compact&isPublic=false&isRequestedByTfsPatWebUI=true&api-version=1.0"),
        &win(),
        create_body("ci <main> & 'co'", "VSO.Code", want_to),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let t = &a.body;
    let value = t["token"].as_str().unwrap().to_owned();
    assert!(is_compact(&value), "{} chars", value.len());
    let alt = t["alternateToken"].as_str().unwrap();
    assert!(looks_like_jwt(alt));
    assert_ne!(alt, value);
    assert_eq!(t["displayName"], "ci &lt;main&gt; &amp; &#39;co&#39;");
    assert_eq!(t["scope"], "vso.code");
    assert_eq!(
        t["targetAccounts"],
        json!([collection_id("DefaultCollection")])
    );
    assert_eq!(t["clientId"], "99999999-9999-9999-9999-999999999999");
    assert_eq!(t["isValid"], true);
    assert_eq!(t["isPublic"], false);
    near(&t["validTo"], want_to);
    near(&t["validFrom"], Utc::now());
    let cd = get(&h, &format!("{COLL}/_apis/connectionData"), &pat()).await;
    assert_eq!(t["userId"], cd.body["authenticatedUser"]["id"]);
    let id = t["authorizationId"].as_str().unwrap().to_owned();

    // Listed (at the root too), without its value.
    let listed = list(&h, ROOT, &pat()).await;
    let item = by_id(&listed, &id).expect("listed");
    assert!(item.get("token").is_none_or(Value::is_null));
    assert_eq!(item["displayName"], t["displayName"]);
    let one = get(&h, &format!("{ROOT}{ST}/{id}"), &pat()).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["authorizationId"], id.as_str());
    assert!(one.body.get("token").is_none_or(Value::is_null));
    assert_eq!(h.shared.server.lock().unwrap().creates(), 1);

    // Without the web-UI flag the client id is nil.
    let plain = create_compact(&h, ROOT, create_body("plain", "vso.code", in_days(5))).await;
    assert_eq!(plain["clientId"], uuid::Uuid::nil().to_string());
    assert!(
        plain["targetAccounts"].is_null(),
        "root create = all collections"
    );

    // The new value authenticates where it targets, but its scope does not reach the token routes.
    let me = with_pat(&value);
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &me)
            .await
            .status,
        200
    );
    assert_eq!(
        get(&h, &format!("{FAB}/_apis/connectionData"), &me)
            .await
            .status,
        401
    );
    assert_eq!(get(&h, &format!("{COLL}{ST}"), &me).await.status, 401);
}

#[tokio::test]
async fn self_describing_tokens_are_not_stored() {
    let h = start(ServerVersion::Ads2022).await;
    let before = h.shared.server.lock().unwrap().tokens().len();
    let a = post(
        &h,
        &format!("{ROOT}{ST}?api-version=1.0"),
        &win(),
        create_body("jwt", "vso.code", in_days(7)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let value = a.body["token"].as_str().unwrap();
    assert!(looks_like_jwt(value), "{} chars", value.len());
    let id = a.body["authorizationId"].as_str().unwrap().to_owned();
    assert!(by_id(&list(&h, ROOT, &pat()).await, &id).is_none());
    assert_eq!(h.shared.server.lock().unwrap().tokens().len(), before);
    assert_eq!(h.shared.server.lock().unwrap().creates(), 1);
    let one = get(&h, &format!("{ROOT}{ST}/{id}"), &pat()).await;
    assert_error(
        &one,
        404,
        &format!("The session token {id} was not found."),
        "SessionTokenNotFoundException",
    );
    assert_eq!(
        delete(&h, &format!("{ROOT}{ST}/{id}"), &pat()).await.status,
        404
    );
    // An explicit SelfDescribing is the same.
    let b = post(
        &h,
        &format!("{ROOT}{ST}?tokenType=SelfDescribing"),
        &win(),
        create_body("jwt2", "vso.code", in_days(7)),
    )
    .await;
    assert!(looks_like_jwt(b.body["token"].as_str().unwrap()));
    assert_eq!(h.shared.server.lock().unwrap().tokens().len(), before);
}

#[tokio::test]
async fn lifetimes_are_clamped_and_scopes_normalized() {
    let h = start(ServerVersion::Ads2019).await;
    let long = create_compact(&h, COLL, create_body("long", "vso.code", in_days(1000))).await;
    near(&long["validTo"], in_days(365));
    let missing = create_compact(
        &h,
        COLL,
        json!({"displayName": "no date", "scope": "vso.code"}),
    )
    .await;
    near(&missing["validTo"], in_days(365));
    // Without a zone and with fractions: read as UTC.
    let naive = in_days(10);
    let t = create_compact(
        &h,
        COLL,
        json!({"displayName": "naive", "scope": "vso.code", "validTo": naive.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()}),
    )
    .await;
    near(&t["validTo"], naive);
    // Scope: empty or missing = full access; ids lower-cased and sorted.
    let empty = create_compact(&h, COLL, create_body("empty", "", in_days(5))).await;
    assert_eq!(empty["scope"], "app_token");
    let none = create_compact(&h, COLL, json!({"displayName": "none"})).await;
    assert_eq!(none["scope"], "app_token");
    let sorted = create_compact(
        &h,
        COLL,
        create_body("sorted", "VSO.Work vso.code", in_days(5)),
    )
    .await;
    assert_eq!(sorted["scope"], "vso.code vso.work");
    // Names: empty or too long.
    for name in [String::new(), "x".repeat(257)] {
        let a = post(
            &h,
            &format!("{COLL}{ST}?tokenType=Compact"),
            &win(),
            create_body(&name, "vso.code", in_days(5)),
        )
        .await;
        assert_error(&a, 400, "InvalidDisplayName", "SessionTokenCreateException");
    }
    create_compact(
        &h,
        COLL,
        create_body(&"x".repeat(256), "vso.code", in_days(5)),
    )
    .await;
}

#[tokio::test]
async fn scope_catalogues_differ_per_version() {
    for (v, scope, ok) in [
        (ServerVersion::Tfs2017, "vso.advsec", false),
        (ServerVersion::Ads2022, "vso.advsec", true),
        (ServerVersion::Ads2019, "vso.environment_manage", false),
        (ServerVersion::Ads2020, "vso.environment_manage", true),
        (ServerVersion::Tfs2017, "vso.tokens", true),
        (ServerVersion::Tfs2017, "vso.nonsense", false),
    ] {
        let h = start(v).await;
        let a = post(
            &h,
            &format!("{COLL}{ST}?tokenType=Compact"),
            &win(),
            create_body("scoped", scope, in_days(5)),
        )
        .await;
        if ok {
            assert_eq!(a.status, 200, "{v:?} {scope}: {}", a.body);
            assert_eq!(a.body["scope"], scope);
        } else {
            assert_error(&a, 400, "InvalidScope", "SessionTokenCreateException");
        }
    }
}

#[tokio::test]
async fn target_accounts_depend_on_the_level() {
    let h = start(ServerVersion::Ads2022).await;
    let default = collection_id("DefaultCollection");
    let fabrikam = collection_id("Fabrikam");
    let with_targets = |targets: Value| json!({"displayName": "t", "scope": "vso.code", "validTo": in_days(5).to_rfc3339(), "targetAccounts": targets});
    // Collection: exactly its own id.
    let own = create_compact(&h, COLL, with_targets(json!([default]))).await;
    assert_eq!(own["targetAccounts"], json!([default]));
    for bad in [
        json!([fabrikam]),
        json!([default, fabrikam]),
        json!([]),
        json!(["not-a-guid"]),
    ] {
        let a = post(
            &h,
            &format!("{COLL}{ST}?tokenType=Compact"),
            &win(),
            with_targets(bad),
        )
        .await;
        assert_error(
            &a,
            400,
            "InvalidTargetAccounts",
            "SessionTokenCreateException",
        );
    }
    // Root: known collections, or null for all of them.
    let both = create_compact(&h, ROOT, with_targets(json!([default, fabrikam]))).await;
    assert_eq!(both["targetAccounts"], json!([default, fabrikam]));
    let all = create_compact(&h, ROOT, with_targets(Value::Null)).await;
    assert!(all["targetAccounts"].is_null());
    let a = post(
        &h,
        &format!("{ROOT}{ST}?tokenType=Compact"),
        &win(),
        with_targets(json!([uuid::Uuid::new_v4()])),
    )
    .await;
    assert_error(
        &a,
        400,
        "InvalidTargetAccounts",
        "SessionTokenCreateException",
    );
}

#[tokio::test]
async fn update_is_refused_on_2017_and_rewrites_on_2022() {
    // TFS 2017: not supported (our simulation of an unknown behaviour).
    let h = start(ServerVersion::Tfs2017).await;
    let before = list(&h, ROOT, &pat()).await;
    let build = by_name(&before, "build agent").clone();
    let a = post(
        &h,
        &format!("{ROOT}{ST}?api-version=1.0"),
        &pat(),
        json!({"authorizationId": build["authorizationId"], "displayName": "renamed", "scope": "vso.code", "validTo": in_days(3).to_rfc3339()}),
    )
    .await;
    assert_eq!(a.status, 405, "{}", a.body);
    assert_eq!(a.body["typeKey"], "HttpMethodNotSupportedException");
    assert_eq!(list(&h, ROOT, &pat()).await, before, "nothing changed");

    // ADS 2022: a PAT may update.
    let h = start(ServerVersion::Ads2022).await;
    let tokens = list(&h, ROOT, &pat()).await;
    let build = by_name(&tokens, "build agent").clone();
    let id = build["authorizationId"].as_str().unwrap().to_owned();
    let want_to = in_days(20);
    let a = post(
        &h,
        &format!("{COLL}{ST}?api-version=7.1"),
        &pat(),
        json!({"authorizationId": id, "displayName": "renamed & co", "scope": "vso.agentpools vso.build", "validTo": want_to.to_rfc3339()}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["displayName"], "renamed &amp; co");
    assert_eq!(a.body["scope"], "vso.agentpools vso.build");
    assert_eq!(
        a.body["targetAccounts"], build["targetAccounts"],
        "null = unchanged"
    );
    near(&a.body["validTo"], want_to);
    assert!(a.body.get("token").is_none_or(Value::is_null));
    let again = get(&h, &format!("{ROOT}{ST}/{id}"), &pat()).await;
    assert_eq!(again.body["displayName"], "renamed &amp; co");
    assert_eq!(again.body["validFrom"], build["validFrom"]);
    // A missing validTo is written as year 1, a missing scope as full access.
    let a = post(
        &h,
        &format!("{ROOT}{ST}"),
        &win(),
        json!({"authorizationId": id, "displayName": "dated"}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body["validTo"]
            .as_str()
            .unwrap()
            .starts_with("0001-01-01T00:00:00"),
        "{}",
        a.body["validTo"]
    );
    assert_eq!(a.body["scope"], "app_token");
    // Beyond a year: clamped.
    let a = post(
        &h,
        &format!("{ROOT}{ST}"),
        &pat(),
        json!({"authorizationId": id, "displayName": "far", "scope": "vso.code", "validTo": in_days(900).to_rfc3339()}),
    )
    .await;
    near(&a.body["validTo"], in_days(365));
    // A revoked token cannot be updated; neither can an unknown one.
    let revoked = tokens.iter().find(|t| t["isValid"] == false).unwrap();
    for target in [
        revoked["authorizationId"].clone(),
        json!(uuid::Uuid::new_v4()),
    ] {
        let a = post(
            &h,
            &format!("{ROOT}{ST}"),
            &pat(),
            json!({"authorizationId": target, "displayName": "x", "scope": "vso.code", "validTo": in_days(3).to_rfc3339()}),
        )
        .await;
        assert_eq!(a.status, 404, "{}", a.body);
        assert_eq!(a.body["typeKey"], "SessionTokenNotFoundException");
    }
    assert_eq!(h.shared.server.lock().unwrap().updates(), 3);
}

#[tokio::test]
async fn delete_with_an_id_revokes_that_token() {
    let h = start(ServerVersion::Ads2019).await;
    let tokens = list(&h, ROOT, &pat()).await;
    let id = by_name(&tokens, "build agent")["authorizationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = delete(&h, &format!("{COLL}{ST}/{id}?api-version=1.0"), &pat()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.raw.is_empty());
    let after = list(&h, ROOT, &pat()).await;
    assert_eq!(by_id(&after, &id).unwrap()["isValid"], false);
    let still_valid = |l: &[Value]| l.iter().filter(|t| t["isValid"] == true).count();
    assert_eq!(
        still_valid(&after[..]),
        still_valid(&tokens[..]) - 1,
        "only that one"
    );
    // Again: still 200. Unknown: 404.
    assert_eq!(
        delete(&h, &format!("{ROOT}{ST}/{id}"), &pat()).await.status,
        200
    );
    let unknown = uuid::Uuid::new_v4();
    let a = delete(&h, &format!("{ROOT}{ST}/{unknown}"), &pat()).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.body["typeKey"], "SessionTokenNotFoundException");
    let store = h.shared.server.lock().unwrap();
    assert_eq!(store.revocations(), 1);
    assert_eq!(store.delete_all_requests(), 0);
}

#[tokio::test]
async fn delete_without_an_id_revokes_everything() {
    let h = start(ServerVersion::Tfs2018).await;
    assert!(
        list(&h, ROOT, &pat())
            .await
            .iter()
            .any(|t| t["isValid"] == true)
    );
    let a = delete(&h, &format!("{COLL}{ST}?api-version=1.0"), &pat()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.raw.is_empty());
    {
        let store = h.shared.server.lock().unwrap();
        assert_eq!(store.delete_all_requests(), 1);
        assert!(store.tokens().iter().all(|(_, _, valid)| !valid));
    }
    // The sign-in PAT was revoked with the rest.
    assert_eq!(get(&h, &format!("{ROOT}{ST}"), &pat()).await.status, 401);
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &pat())
            .await
            .status,
        401
    );
    let after = list(&h, ROOT, &win()).await;
    assert!(!after.is_empty());
    assert!(after.iter().all(|t| t["isValid"] == false));
}

#[tokio::test]
async fn the_pat_lifecycle_api_is_missing_or_forbidden() {
    let h = start(ServerVersion::Ads2019).await;
    let a = get(
        &h,
        &format!("{COLL}/_apis/tokens/pats?api-version=7.1-preview.1"),
        &pat(),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let h = start(ServerVersion::Ads2022).await;
    for method in [Method::GET, Method::POST] {
        let a = call(
            &h,
            method,
            &format!("{COLL}/_apis/tokens/pats?api-version=7.1-preview.1"),
            &pat(),
            Some(json!({})),
        )
        .await;
        assert_error(
            &a,
            403,
            "The requested operation is not allowed.",
            "InvalidAccessException",
        );
    }
}

#[tokio::test]
async fn api_versions_above_the_server_max_are_refused() {
    let h = start(ServerVersion::Tfs2017).await;
    let a = get(&h, &format!("{COLL}{ST}?api-version=7.1-preview.1"), &pat()).await;
    assert_error(
        &a,
        400,
        "The requested REST API version of 7.1-preview.1 is out of range for this server. The latest REST API version for this server is 3.2.",
        "VssVersionOutOfRangeException",
    );
    for ok in ["1.0", "3.0-preview.1", "3.2", ""] {
        let path = if ok.is_empty() {
            format!("{COLL}{ST}")
        } else {
            format!("{COLL}{ST}?api-version={ok}")
        };
        assert_eq!(get(&h, &path, &pat()).await.status, 200, "{ok}");
    }
    assert_eq!(
        get(&h, &format!("{COLL}{ST}?api-version=4.0"), &pat())
            .await
            .status,
        400
    );
    let h = start(ServerVersion::Ads2022).await;
    assert_eq!(
        get(&h, &format!("{COLL}{ST}?api-version=7.1-preview.1"), &pat())
            .await
            .status,
        200
    );
    assert_eq!(
        get(&h, &format!("{COLL}{ST}?api-version=7.2-preview.1"), &pat())
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn failed_authentication_is_401_with_three_challenges() {
    let h = start(ServerVersion::Ads2020).await;
    let bad = [
        Auth::None,
        with_pat("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        Auth::Basic(USER_ACCOUNT.into(), "wrong".into()),
        Auth::Basic("demo".into(), WINDOWS_PASSWORD.into()),
    ];
    for auth in &bad {
        for path in [
            format!("{COLL}{ST}"),
            format!("{ROOT}/_apis/connectionData"),
        ] {
            let a = get(&h, &path, auth).await;
            assert_eq!(a.status, 401, "{path}");
            assert_eq!(a.body["typeKey"], "UnauthorizedRequestException");
            let challenges: Vec<&str> = a
                .headers
                .get_all("www-authenticate")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            assert_eq!(
                challenges,
                ["Negotiate", "NTLM", "Basic realm=\"localhost\""]
            );
        }
    }
    // A PAT with vso.tokens works until it is revoked or expires.
    let t = create_compact(&h, ROOT, create_body("manager", "vso.tokens", in_days(5))).await;
    let me = with_pat(t["token"].as_str().unwrap());
    assert_eq!(get(&h, &format!("{COLL}{ST}"), &me).await.status, 200);
    let id = t["authorizationId"].as_str().unwrap();
    assert_eq!(
        delete(&h, &format!("{ROOT}{ST}/{id}"), &win()).await.status,
        200
    );
    assert_eq!(get(&h, &format!("{COLL}{ST}"), &me).await.status, 401);
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &me)
            .await
            .status,
        401
    );
    // A past validTo is accepted; the token is expired at once.
    let t = create_compact(&h, ROOT, create_body("expired", "app_token", in_days(-1))).await;
    let old = with_pat(t["token"].as_str().unwrap());
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &old)
            .await
            .status,
        401
    );
    // A valid PAT without vso.tokens: connectionData yes, the token routes no.
    let t = create_compact(&h, ROOT, create_body("reader", "vso.code", in_days(5))).await;
    let reader = with_pat(t["token"].as_str().unwrap());
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &reader)
            .await
            .status,
        200
    );
    assert_eq!(get(&h, &format!("{COLL}{ST}"), &reader).await.status, 401);
    // Full access reaches them.
    let t = create_compact(&h, ROOT, create_body("full", "", in_days(5))).await;
    let full = with_pat(t["token"].as_str().unwrap());
    assert_eq!(get(&h, &format!("{COLL}{ST}"), &full).await.status, 200);
}

#[tokio::test]
async fn routing_is_case_insensitive_and_limited_to_tfs() {
    let h = start(ServerVersion::Ads2022).await;
    let a = get(
        &h,
        "/TFS/defaultcollection/_APIS/token/SESSIONTOKENS",
        &pat(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = get(&h, "/tfs/Contoso/_apis/connectionData", &pat()).await;
    assert_error(
        &a,
        404,
        "TF400898: The collection Contoso was not found.",
        "CollectionDoesNotExistException",
    );
    assert_eq!(
        get(&h, "/DefaultCollection/_apis/connectionData", &pat())
            .await
            .status,
        404
    );
    assert_eq!(get(&h, "/_apis/connectionData", &pat()).await.status, 404);
    assert_eq!(
        get(&h, "/tfs/DefaultCollection/_apis/nothing", &pat())
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn project_collections_are_listed_at_the_root_only() {
    let h = start(ServerVersion::Tfs2017).await;
    let a = get(&h, &format!("{ROOT}/_apis/projectCollections"), &pat()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["count"], 2);
    let value = a.body["value"].as_array().unwrap();
    for (item, name) in value.iter().zip(COLLECTIONS) {
        let id = collection_id(name);
        assert_eq!(item["name"], name);
        assert_eq!(item["id"], id.to_string());
        assert_eq!(
            item["url"],
            format!("{}/tfs/_apis/projectCollections/{id}", h.base_url)
        );
        assert_eq!(item["state"], "Started");
    }
    let a = get(&h, &format!("{COLL}/_apis/projectCollections"), &pat()).await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn stats_count_the_token_operations() {
    let h = start(ServerVersion::Ads2022).await;
    let t = create_compact(&h, COLL, create_body("s", "vso.code", in_days(5))).await;
    let id = t["authorizationId"].as_str().unwrap();
    post(
        &h,
        &format!("{COLL}{ST}"),
        &win(),
        json!({"authorizationId": id, "displayName": "s2", "scope": "vso.code", "validTo": in_days(4).to_rfc3339()}),
    )
    .await;
    delete(&h, &format!("{COLL}{ST}/{id}"), &win()).await;
    let valid_before = h
        .shared
        .server
        .lock()
        .unwrap()
        .tokens()
        .iter()
        .filter(|t| t.2)
        .count();
    delete(&h, &format!("{COLL}{ST}"), &win()).await;
    let a = get(&h, "/_sim/stats", &Auth::None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["creates"], 1);
    assert_eq!(a.body["updates"], 1);
    assert_eq!(a.body["deleteAll"], 1);
    assert_eq!(a.body["revocations"], 1 + valid_before as u64);
    assert_eq!(a.body["requests"]["POST"], 2);
    assert_eq!(a.body["requests"]["DELETE"], 2);
}

#[tokio::test]
async fn injected_faults_hit_the_token_routes_only() {
    let h = start_with(SimOptions {
        server_version: Some(ServerVersion::Ads2022),
        fail_rate: 1.0,
        ..SimOptions::default()
    })
    .await;
    let a = get(&h, &format!("{COLL}{ST}"), &pat()).await;
    assert_eq!(a.status, 503, "{}", a.body);
    assert_eq!(
        get(&h, &format!("{COLL}/_apis/connectionData"), &pat())
            .await
            .status,
        200
    );
}

#[test]
fn seeding_is_deterministic_and_sized() {
    let opts = |seed: u64, n: usize| SimOptions {
        server_version: Some(ServerVersion::Ads2019),
        seed_tokens: n,
        rng_seed: seed,
        ..SimOptions::default()
    };
    let a = ServerStore::new(&opts(7, 25)).tokens();
    let b = ServerStore::new(&opts(7, 25)).tokens();
    let c = ServerStore::new(&opts(8, 25)).tokens();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let base = ServerStore::new(&opts(7, 0)).tokens().len();
    assert_eq!(a.len(), base + 25);
    for i in 1..=25 {
        let name = format!("token {i:04}");
        assert!(a.iter().any(|t| t.1 == name), "{name}");
    }
    assert!(a.iter().any(|t| !t.2), "some revoked");
    // Cloud mode: empty.
    assert!(ServerStore::new(&SimOptions::default()).tokens().is_empty());
}

// ---- The bodies against the official on-prem definition --------------------------------------

/// Validates `v` against `schema` (Swagger 2 subset: $ref, type, properties, items, format
/// uuid/date-time, additionalProperties). Nulls pass (the server sends null for absent values).
fn validate(doc: &Value, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/definitions/");
        let target = &doc["definitions"][name];
        assert!(!target.is_null(), "unknown $ref {r}");
        return validate(doc, target, v, path, errors);
    }
    if v.is_null() {
        return;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None => {
            let Some(obj) = v.as_object() else {
                errors.push(format!("{path}: expected object, got {v}"));
                return;
            };
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for (k, val) in obj {
                match (props.and_then(|p| p.get(k)), additional) {
                    (Some(s), _) => validate(doc, s, val, &format!("{path}.{k}"), errors),
                    (None, Some(s)) => validate(doc, s, val, &format!("{path}.{k}"), errors),
                    (None, None) => {
                        errors.push(format!("{path}: property {k:?} is not in the definition"))
                    }
                }
            }
        }
        Some("array") => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate(doc, &schema["items"], item, &format!("{path}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{path}: expected array, got {v}")),
        },
        Some("string") => match v.as_str() {
            Some(s) => match schema.get("format").and_then(Value::as_str) {
                Some("uuid") if uuid::Uuid::parse_str(s).is_err() => {
                    errors.push(format!("{path}: {s:?} is not a uuid"))
                }
                Some("date-time") if DateTime::parse_from_rfc3339(s).is_err() => {
                    errors.push(format!("{path}: {s:?} is not a date-time"))
                }
                _ => {}
            },
            None => errors.push(format!("{path}: expected string, got {v}")),
        },
        Some("boolean") if !v.is_boolean() => {
            errors.push(format!("{path}: expected boolean, got {v}"))
        }
        Some("integer") if !v.is_i64() && !v.is_u64() => {
            errors.push(format!("{path}: expected integer, got {v}"))
        }
        _ => {}
    }
}

fn check_session_token(doc: &Value, body: &Value, what: &str) {
    let mut errors = Vec::new();
    let schema = json!({"$ref": "#/definitions/SessionToken"});
    validate(doc, &schema, body, what, &mut errors);
    let mut shown = body.clone();
    for key in ["token", "alternateToken"] {
        if let Some(t) = shown.get_mut(key).filter(|t| t.is_string()) {
            *t = Value::from("[redacted]");
        }
    }
    assert!(errors.is_empty(), "{what}: {errors:#?}\nbody: {shown}");
    // The properties every SessionToken of ours carries.
    for key in [
        "clientId",
        "accessId",
        "authorizationId",
        "hostAuthorizationId",
        "userId",
        "validFrom",
        "validTo",
        "displayName",
        "scope",
        "targetAccounts",
        "isValid",
        "isPublic",
    ] {
        assert!(
            body.get(key).is_some(),
            "{what}: {key} missing\nbody: {shown}"
        );
    }
}

#[test]
fn the_validator_catches_a_wrong_body() {
    let doc = json!({"definitions": {"SessionToken": {"type": "object", "properties": {
        "isValid": {"type": "boolean"}, "userId": {"type": "string", "format": "uuid"}}}}});
    let schema = json!({"$ref": "#/definitions/SessionToken"});
    for bad in [
        json!({"isValid": "yes"}),
        json!({"userId": "x"}),
        json!({"extra": 1}),
    ] {
        let mut errors = Vec::new();
        validate(&doc, &schema, &bad, "t", &mut errors);
        assert!(!errors.is_empty(), "{bad}");
    }
}

#[tokio::test]
async fn bodies_match_the_official_session_token_definition() {
    let Some(text) = shared_file("tokenAdmin-onprem-azure-devops-server-6.0.json") else {
        eprintln!("skipped: tokenAdmin-onprem-azure-devops-server-6.0.json is absent");
        return;
    };
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["definitions"]["SessionToken"].is_object());
    let h = start(ServerVersion::Ads2020).await;

    // List: {count, value: [SessionToken]}.
    let a = get(
        &h,
        &format!("{ROOT}{ST}?isPublic=false&api-version=1.0"),
        &pat(),
    )
    .await;
    assert_eq!(a.status, 200);
    let mut keys: Vec<&str> = a
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["count", "value"]);
    let items = a.body["value"].as_array().unwrap();
    assert!(!items.is_empty());
    for (i, t) in items.iter().enumerate() {
        check_session_token(&doc, t, &format!("list[{i}]"));
    }
    // Create, Compact and self-describing.
    let created = create_compact(
        &h,
        COLL,
        create_body("schema & co", "vso.code vso.work", in_days(9)),
    )
    .await;
    check_session_token(&doc, &created, "create (Compact)");
    assert!(created["token"].is_string() && created["alternateToken"].is_string());
    let jwt = post(
        &h,
        &format!("{ROOT}{ST}?isPublic=false&api-version=1.0"),
        &win(),
        create_body("schema jwt", "vso.code", in_days(9)),
    )
    .await;
    assert_eq!(jwt.status, 200);
    check_session_token(&doc, &jwt.body, "create (SelfDescribing)");
    // Get.
    let id = created["authorizationId"].as_str().unwrap();
    let one = get(
        &h,
        &format!("{COLL}{ST}/{id}?isPublic=false&api-version=1.0"),
        &pat(),
    )
    .await;
    assert_eq!(one.status, 200);
    check_session_token(&doc, &one.body, "get");
    // Update.
    let updated = post(
        &h,
        &format!("{COLL}{ST}?isPublic=false&api-version=1.0"),
        &pat(),
        json!({"authorizationId": id, "displayName": "schema 2", "scope": "vso.code", "validTo": in_days(8).to_rfc3339()}),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    check_session_token(&doc, &updated.body, "update");
}
