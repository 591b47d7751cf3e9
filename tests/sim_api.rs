//! The simulator driven over real HTTP: by the client for every operation, and by raw requests
//! for what the client never sends (missing headers, bad parameters).

use patui::azure::{
    ApiError, AzureClient, ClientOptions, DisplayFilter, Endpoints, ListQuery, PatBackend,
    PatTokenCreateRequest, PatTokenError, PatTokenUpdateRequest, RetryPolicy, ServerSort,
    StaticToken, list_all,
};
use patui::sim::{self, LifespanPolicy, SimHandle, SimOptions};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

async fn start(opts: SimOptions) -> SimHandle {
    sim::start(([127, 0, 0, 1], 0).into(), opts).await.unwrap()
}

fn client(h: &SimHandle) -> AzureClient {
    client_with(h, "any-token", 5)
}

fn client_with(h: &SimHandle, bearer: &str, attempts: u32) -> AzureClient {
    AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&h.base_url).unwrap(),
            retry: RetryPolicy {
                max_attempts: attempts,
                base_delay: Duration::from_millis(2),
                max_delay: Duration::from_secs(2),
            },
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new(bearer.into(), "test")),
    )
    .unwrap()
}

fn req(name: &str, days: i64) -> PatTokenCreateRequest {
    PatTokenCreateRequest {
        display_name: name.into(),
        scope: "vso.code".into(),
        valid_to: chrono::Utc::now() + chrono::Duration::days(days),
        all_orgs: false,
    }
}

fn q(filter: DisplayFilter) -> ListQuery {
    ListQuery {
        filter,
        sort: ServerSort::DisplayName,
        ascending: true,
    }
}

#[tokio::test]
async fn paging_over_a_thousand_tokens_with_every_filter() {
    let h = start(SimOptions {
        seed_tokens: 1234,
        ..SimOptions::default()
    })
    .await;
    let c = client(&h);
    let mut pages = 0;
    let all = list_all(&c, "fabrikam", q(DisplayFilter::All), |n| pages = n)
        .await
        .unwrap();
    assert_eq!(all.len(), 1234);
    assert_eq!(pages, 13, "100 per page");
    let ids: HashSet<_> = all.iter().map(|t| t.authorization_id).collect();
    assert_eq!(ids.len(), 1234, "no duplicates across pages");
    let names: Vec<_> = all.iter().map(|t| t.display_name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "sorted by name");
    let mut sum = 0;
    for f in [
        DisplayFilter::Active,
        DisplayFilter::Expired,
        DisplayFilter::Revoked,
    ] {
        let n = list_all(&c, "fabrikam", q(f), |_| {}).await.unwrap().len();
        assert!(n > 0, "{f:?}");
        sum += n;
    }
    assert_eq!(sum, 1234, "active + expired + revoked = all");
    // Descending by date.
    let desc = list_all(
        &c,
        "fabrikam",
        ListQuery {
            filter: DisplayFilter::All,
            sort: ServerSort::DisplayDate,
            ascending: false,
        },
        |_| {},
    )
    .await
    .unwrap();
    assert!(desc.windows(2).all(|w| w[0].valid_from >= w[1].valid_from));
}

#[tokio::test]
async fn create_returns_the_value_once_and_it_authenticates_until_revoked() {
    let h = start(SimOptions::default()).await;
    let c = client(&h);
    let t = c.create("acme", &req("ci", 30)).await.unwrap();
    let value = t.token.clone().unwrap();
    assert_eq!(value.len(), 84);
    assert_eq!(&value.expose()[76..80], "AZDO");
    let again = c.get("acme", t.authorization_id).await.unwrap();
    assert!(again.token.is_none(), "the value is shown only once");
    assert_eq!(again.display_name, "ci");
    let base = patui::azure::client::parse_base(&h.base_url).unwrap();
    let who = patui::azure::client::check_pat(&base, "acme", &value)
        .await
        .unwrap();
    assert_eq!(who.authenticated_user.provider_display_name, "Demo User");
    // Not valid in another organization.
    assert!(
        patui::azure::client::check_pat(&base, "other", &value)
            .await
            .unwrap_err()
            .is_auth()
    );
    c.revoke("acme", t.authorization_id).await.unwrap();
    assert!(
        patui::azure::client::check_pat(&base, "acme", &value)
            .await
            .unwrap_err()
            .is_auth()
    );
    let revoked = list_all(&c, "acme", q(DisplayFilter::Revoked), |_| {})
        .await
        .unwrap();
    assert_eq!(revoked.len(), 1);
    assert!(
        list_all(&c, "acme", q(DisplayFilter::Active), |_| {})
            .await
            .unwrap()
            .is_empty()
    );
    // Revoking twice is a 404, and the simulator counts both requests.
    assert!(matches!(
        c.revoke("acme", t.authorization_id).await,
        Err(ApiError::NotFound(_))
    ));
    h.with_store(|s| {
        assert_eq!(s.revocations(t.authorization_id), 1);
        assert_eq!(s.delete_calls(t.authorization_id), 2);
    });
}

#[tokio::test]
async fn expiry_follows_the_simulated_clock() {
    let h = start(SimOptions::default()).await;
    let c = client(&h);
    let t = c.create("acme", &req("short", 2)).await.unwrap();
    let value = t.token.clone().unwrap();
    let base = patui::azure::client::parse_base(&h.base_url).unwrap();
    patui::azure::client::check_pat(&base, "acme", &value)
        .await
        .unwrap();
    h.with_store(|s| s.advance(chrono::Duration::days(3)));
    assert!(
        patui::azure::client::check_pat(&base, "acme", &value)
            .await
            .unwrap_err()
            .is_auth()
    );
    let expired = list_all(&c, "acme", q(DisplayFilter::Expired), |_| {})
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    // An expired token cannot be extended.
    let e = c
        .update(
            "acme",
            &PatTokenUpdateRequest {
                authorization_id: t.authorization_id,
                display_name: None,
                scope: None,
                valid_to: Some(chrono::Utc::now() + chrono::Duration::days(20)),
                all_orgs: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::ExpiredPatCannotBeExtended)
    );
}

#[tokio::test]
async fn update_keeps_omitted_fields() {
    let h = start(SimOptions::default()).await;
    let c = client(&h);
    let t = c.create("acme", &req("before", 30)).await.unwrap();
    let u = c
        .update(
            "acme",
            &PatTokenUpdateRequest {
                authorization_id: t.authorization_id,
                display_name: Some("after".into()),
                scope: None,
                valid_to: None,
                all_orgs: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(u.display_name, "after");
    assert_eq!(u.scope, "vso.code");
    assert_eq!(u.valid_to, t.valid_to);
}

#[tokio::test]
async fn policy_errors() {
    let h = start(SimOptions {
        full_scope_policy: true,
        max_lifespan_days: Some(30),
        lifespan_policy: LifespanPolicy::Reject,
        ..SimOptions::default()
    })
    .await;
    let c = client(&h);
    let code = |r: Result<_, ApiError>| r.unwrap_err().pat_error().cloned();
    assert_eq!(
        code(c.create("o", &req("", 10)).await),
        Some(PatTokenError::DisplayNameRequired)
    );
    assert_eq!(
        code(c.create("o", &req("n", 60)).await),
        Some(PatTokenError::PatLifespanPolicyViolation)
    );
    let mut full = req("n", 10);
    full.scope = "app_token".into();
    assert_eq!(
        code(c.create("o", &full).await),
        Some(PatTokenError::FullScopePatPolicyViolation)
    );
    let mut bad = req("n", 10);
    bad.scope = "vso.bogus".into();
    assert_eq!(
        code(c.create("o", &bad).await),
        Some(PatTokenError::InvalidScope)
    );
    assert_eq!(
        code(c.create("o", &req("n", 400)).await),
        Some(PatTokenError::InvalidValidTo)
    );
    h.with_store(|s| assert_eq!(s.tokens().len(), 0, "nothing was minted"));
}

/// POSTs a create request as is; returns the status and the JSON body.
async fn post_create(h: &SimHandle, body: &PatTokenCreateRequest) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/o/_apis/tokens/pats?api-version=7.1-preview.1",
            h.base_url
        ))
        .bearer_auth("x")
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// A date of a response body.
fn date_of(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn errors_in_200_put_every_pat_token_refusal_inside_http_200() {
    let mut full = req("n", 10);
    full.scope = "app_token".into();
    // By default a refusal has its own status.
    let h = start(SimOptions {
        full_scope_policy: true,
        ..SimOptions::default()
    })
    .await;
    let (status, body) = post_create(&h, &full).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["patTokenError"], "fullScopePatPolicyViolation");

    let h = start(SimOptions {
        full_scope_policy: true,
        errors_in_200: true,
        ..SimOptions::default()
    })
    .await;
    let (status, body) = post_create(&h, &full).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["patToken"].is_null(), "{body}");
    assert_eq!(body["patTokenError"], "fullScopePatPolicyViolation");
    assert!(
        !body["patTokenErrorMessage"].as_str().unwrap().is_empty(),
        "{body}"
    );
    let (status, body) = post_create(&h, &req("n", -1)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["patTokenError"], "invalidValidTo");
    // Get of an unknown id: authorizationNotFound, inside 200 as well.
    let r = reqwest::Client::new()
        .get(format!(
            "{}/o/_apis/tokens/pats?api-version=7.1-preview.1&authorizationId={}",
            h.base_url,
            uuid::Uuid::new_v4()
        ))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["patTokenError"], "authorizationNotFound");
    assert!(body["patToken"].is_null());
    // The client reads them as the same policy errors, and finds nothing for an unknown id.
    let c = client(&h);
    let e = c.create("o", &full).await.unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::FullScopePatPolicyViolation)
    );
    let e = c.get("o", uuid::Uuid::new_v4()).await.unwrap_err();
    assert!(e.is_token_not_found(), "{e:?}");
    // Revoke answers with no PatTokenResult: an unknown id is still a 404.
    let e = c.revoke("o", uuid::Uuid::new_v4()).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    h.with_store(|s| assert_eq!(s.tokens().len(), 0, "nothing was minted"));
}

#[tokio::test]
async fn the_lifespan_policy_clamps_by_default_and_rejects_on_request() {
    assert_eq!(SimOptions::default().lifespan_policy, LifespanPolicy::Clamp);
    let h = start(SimOptions {
        max_lifespan_days: Some(30),
        ..SimOptions::default()
    })
    .await;
    let now = chrono::Utc::now();
    let (status, body) = post_create(&h, &req("long", 90)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["patTokenError"], "none");
    let valid_to = date_of(&body["patToken"]["validTo"]);
    let hours = (valid_to - now).num_hours();
    assert!((30 * 24 - 1..=30 * 24 + 1).contains(&hours), "{valid_to}");
    assert_eq!(
        valid_to,
        date_of(&body["patToken"]["validFrom"]) + chrono::Duration::days(30),
        "now + 30 days"
    );
    // A request within the limit is kept as asked.
    let c = client(&h);
    let short = req("short", 10);
    let t = c.create("o", &short).await.unwrap();
    assert!((t.valid_to - short.valid_to).num_seconds().abs() <= 1);
    // Update: clamped to the creation date + 30 days.
    let u = c
        .update(
            "o",
            &PatTokenUpdateRequest {
                authorization_id: t.authorization_id,
                display_name: None,
                scope: None,
                valid_to: Some(now + chrono::Duration::days(200)),
                all_orgs: None,
            },
        )
        .await
        .unwrap();
    let limit = t.valid_from + chrono::Duration::days(30);
    assert!(
        (u.valid_to - limit).num_seconds().abs() <= 1,
        "{}",
        u.valid_to
    );

    // reject: today's refusal, as 400 or inside 200.
    let h = start(SimOptions {
        max_lifespan_days: Some(30),
        lifespan_policy: LifespanPolicy::Reject,
        ..SimOptions::default()
    })
    .await;
    let (status, body) = post_create(&h, &req("long", 90)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["patTokenError"], "patLifespanPolicyViolation");
    h.with_store(|s| assert_eq!(s.tokens().len(), 0, "nothing was minted"));
    let h = start(SimOptions {
        max_lifespan_days: Some(30),
        lifespan_policy: LifespanPolicy::Reject,
        errors_in_200: true,
        ..SimOptions::default()
    })
    .await;
    let (status, body) = post_create(&h, &req("long", 90)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["patTokenError"], "patLifespanPolicyViolation");
    assert!(body["patToken"].is_null());
}

#[tokio::test]
async fn auth_failures_401_and_203() {
    let h = start(SimOptions::default()).await;
    let e = client_with(&h, "expired-token", 1)
        .list_page("o", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Auth { status: 401, .. }), "{e:?}");
    // Without the Suppress header, the service answers with a 203 sign-in page.
    let r = reqwest::Client::new()
        .get(format!(
            "{}/o/_apis/tokens/pats?api-version=7.1-preview.1",
            h.base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 203);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("text/html")
    );
    let r = reqwest::Client::new()
        .get(format!(
            "{}/o/_apis/tokens/pats?api-version=7.1-preview.1",
            h.base_url
        ))
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn bad_parameters_are_400() {
    let h = start(SimOptions::default()).await;
    let http = reqwest::Client::new();
    for query in [
        "displayFilterOption=bogus",
        "$top=abc",
        "sortByOption=nope",
        "continuationToken=%%%",
    ] {
        let r = http
            .get(format!(
                "{}/o/_apis/tokens/pats?api-version=7.1-preview.1&{query}",
                h.base_url
            ))
            .bearer_auth("x")
            .header("X-TFS-FedAuthRedirect", "Suppress")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{query}");
    }
    let r = http
        .get(format!("{}/o/_apis/tokens/pats", h.base_url))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "api-version is required");
    // Paths are case-insensitive, as on the service.
    let r = http
        .get(format!(
            "{}/o/_apis/Tokens/Pats?api-version=6.1-preview",
            h.base_url
        ))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn strict_orgs_answer_404() {
    let h = start(SimOptions {
        strict_orgs: true,
        ..SimOptions::default()
    })
    .await;
    let c = client(&h);
    assert!(
        c.list_page("fabrikam", ListQuery::default(), None)
            .await
            .is_ok()
    );
    let e = c
        .list_page("nosuchorg", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound(m) if m.contains("nosuchorg")));
}

#[tokio::test]
async fn injected_5xx_are_retried_for_reads_and_reported_for_create() {
    let h = start(SimOptions {
        fail_rate: 1.0,
        ..SimOptions::default()
    })
    .await;
    let c = client_with(&h, "x", 3);
    let e = c
        .list_page("o", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }));
    assert_eq!(h.shared.requests("GET"), 3, "GET retried up to the bound");
    let e = c.create("o", &req("n", 5)).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }));
    assert_eq!(h.shared.requests("POST"), 1, "POST never retried");

    let h = start(SimOptions {
        fail_rate: 0.3,
        seed_tokens: 1000,
        ..SimOptions::default()
    })
    .await;
    let all = list_all(
        &client_with(&h, "x", 8),
        "fabrikam",
        q(DisplayFilter::All),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(all.len(), 1000, "retries hide a 30 % fault rate");
    assert!(
        h.shared.requests("GET") > 10,
        "faults were injected and retried"
    );
}

#[tokio::test]
async fn truncated_bodies_are_reported_as_cut_short_after_retries() {
    let h = start(SimOptions {
        truncate_rate: 1.0,
        seed_tokens: 5,
        ..SimOptions::default()
    })
    .await;
    let e = client(&h)
        .list_page("fabrikam", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Truncated(_)), "{e:?}");
}

#[tokio::test]
async fn rate_limit_gives_429_with_retry_after_and_the_client_waits() {
    let h = start(SimOptions {
        rate_limit: Some(5),
        seed_tokens: 3,
        ..SimOptions::default()
    })
    .await;
    let http = reqwest::Client::new();
    let mut saw_429 = false;
    for _ in 0..8 {
        let r = http
            .get(format!(
                "{}/fabrikam/_apis/tokens/pats?api-version=7.1-preview.1",
                h.base_url
            ))
            .bearer_auth("x")
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 429 {
            assert_eq!(r.headers()["retry-after"], "1");
            saw_429 = true;
        }
    }
    assert!(saw_429);
    // The client honours it: 12 reads over a 5/s limit all succeed.
    let c = Arc::new(client_with(&h, "x", 6));
    let jobs: Vec<_> = (0..12)
        .map(|_| {
            let c = Arc::clone(&c);
            tokio::spawn(async move { c.list_page("fabrikam", ListQuery::default(), None).await })
        })
        .collect();
    for j in jobs {
        j.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn profile_accounts_and_tenant_probe() {
    let h = start(sim::demo_options()).await;
    let c = client(&h);
    let me = c.profile().await.unwrap();
    assert_eq!(me.display_name, "Demo User");
    let accounts = c.accounts(me.id).await.unwrap();
    let names: Vec<_> = accounts.iter().map(|a| a.account_name.as_str()).collect();
    assert_eq!(names, ["contoso", "fabrikam", "northwind"]);
    let base = patui::azure::client::parse_base(&h.base_url).unwrap();
    let tenant = patui::auth::tenant::discover(&base, "fabrikam").await;
    assert_eq!(
        tenant.as_deref(),
        Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
    );
}

#[tokio::test]
async fn demo_data_has_every_kind_of_token() {
    let h = start(sim::demo_options()).await;
    let now = chrono::Utc::now();
    h.with_store(|s| {
        let t = s.tokens();
        assert!((35..=45).contains(&t.len()));
        assert!(t.iter().any(|t| t.revoked));
        assert!(t.iter().any(|t| !t.revoked && t.valid_to < now));
        assert!(t.iter().any(|t| !t.revoked
            && t.valid_to > now
            && t.valid_to < now + chrono::Duration::days(7)));
        assert!(t.iter().any(|t| t.scope == "app_token"));
        assert!(t.iter().any(|t| t.targets.is_none()));
        assert_eq!(s.orgs().len(), 3);
    });
}

#[tokio::test]
async fn all_organizations_at_once_deduplicates_global_tokens() {
    use patui::ops::inventory::{self, StatusView};
    let h = start(sim::demo_options()).await;
    let c = client(&h);
    let orgs: Vec<String> = ["fabrikam", "contoso", "northwind"]
        .map(String::from)
        .to_vec();
    let all = inventory::load(&c, &orgs, StatusView::All, |_, _| {})
        .await
        .unwrap();
    let ids: HashSet<_> = all.iter().map(|e| e.token.authorization_id).collect();
    assert_eq!(ids.len(), all.len(), "each token once");
    let store_count = h.with_store(|s| s.tokens().len());
    assert_eq!(all.len(), store_count, "every token of every organization");
    let globals: Vec<_> = all
        .iter()
        .filter(|e| e.token.target_accounts.is_none())
        .collect();
    assert_eq!(
        globals.len(),
        2,
        "global tokens listed once although every organization returns them"
    );
    assert_eq!(all.iter().filter(|e| e.revoked).count(), 3);
}

#[tokio::test]
async fn a_service_principal_gets_an_explanation() {
    use axum::Router;
    let app = Router::new().fallback(|| async {
        (
            axum::http::StatusCode::UNAUTHORIZED,
            [("content-type", "application/json")],
            r#"{"message":"Service principals are not allowed to perform this action.","typeKey":"InvalidAccessException"}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let c = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&format!("http://{addr}")).unwrap(),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("sp".into(), "test")),
    )
    .unwrap();
    let e = c
        .list_page("o", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("sign in as a user"), "{e}");
}

/// Moves the simulator's clock to `at`.
fn set_clock(h: &SimHandle, at: chrono::DateTime<chrono::Utc>) {
    h.with_store(|s| {
        let by = at - s.now();
        s.advance(by);
    });
}

/// A create request expiring `days` after the simulator's (moved) clock.
fn req_on_sim_clock(h: &SimHandle, name: &str, days: i64, all_orgs: bool) -> PatTokenCreateRequest {
    let now = h.with_store(|s| s.now());
    PatTokenCreateRequest {
        display_name: name.into(),
        scope: "vso.code".into(),
        valid_to: now + chrono::Duration::days(days),
        all_orgs,
    }
}

/// The status of `GET /{org}/_apis/connectionData` with `pat` as the Basic password.
async fn connection_data_status(h: &SimHandle, org: &str, pat: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/{org}/_apis/connectionData", h.base_url))
        .basic_auth("", Some(pat))
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The simulator follows the retirement of global PATs on its own clock: before the cut-off a
/// global token is minted and works everywhere; from the cut-off creating one is refused with
/// `globalPATCreationBlocked` (HTTP 400), the one minted before stops authenticating (401),
/// and tokens for one organization are still created and work.
#[tokio::test]
async fn global_tokens_are_retired_at_the_cut_off_on_the_simulated_clock() {
    let cut = patui::ops::retirement::global_cutoff();
    let h = start(SimOptions::default()).await;
    set_clock(&h, cut - chrono::Duration::days(2));
    // Global creates go over raw HTTP: they test the simulator, not what the client allows.
    let (status, body) = post_create(&h, &req_on_sim_clock(&h, "global", 30, true)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["patTokenError"], "none");
    assert!(body["patToken"]["targetAccounts"].is_null(), "{body}");
    let global = body["patToken"]["token"].as_str().unwrap().to_owned();
    assert_eq!(connection_data_status(&h, "o", &global).await, 200);
    assert_eq!(connection_data_status(&h, "elsewhere", &global).await, 200);

    set_clock(&h, cut + chrono::Duration::days(1));
    let (status, body) = post_create(&h, &req_on_sim_clock(&h, "global-2", 30, true)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["patTokenError"], "globalPATCreationBlocked");
    assert!(body["patToken"].is_null(), "{body}");
    let message = body["patTokenErrorMessage"].as_str().unwrap();
    assert!(message.contains("can no longer be created"), "{message}");
    assert!(message.contains("all organizations"), "{message}");
    // The client reads it as that policy error.
    let c = client(&h);
    let e = c
        .create("o", &req_on_sim_clock(&h, "global-3", 30, true))
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::GlobalPatCreationBlocked),
        "{e:?}"
    );
    // A token for one organization is still created and works.
    let t = c
        .create("o", &req_on_sim_clock(&h, "scoped", 30, false))
        .await
        .unwrap();
    let scoped = t.token.clone().unwrap();
    assert_eq!(connection_data_status(&h, "o", scoped.expose()).await, 200);
    // The global token minted before the cut-off no longer authenticates, anywhere.
    assert_eq!(connection_data_status(&h, "o", &global).await, 401);
    assert_eq!(connection_data_status(&h, "elsewhere", &global).await, 401);
    let base = patui::azure::client::parse_base(&h.base_url).unwrap();
    let e = patui::azure::client::check_pat(&base, "o", &patui::secret::Secret::new(global))
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    h.with_store(|s| {
        assert_eq!(
            s.tokens().len(),
            2,
            "only the first global and the scoped one"
        );
        assert_eq!(s.creates(), 2);
    });
}

/// With `errors_in_200` the refusal of a global create comes inside HTTP 200, as every
/// `PatTokenResult` refusal does, and the client still reads `globalPATCreationBlocked`.
#[tokio::test]
async fn global_creation_blocked_comes_inside_200_with_errors_in_200() {
    let h = start(SimOptions {
        errors_in_200: true,
        ..SimOptions::default()
    })
    .await;
    set_clock(
        &h,
        patui::ops::retirement::global_cutoff() + chrono::Duration::hours(1),
    );
    let (status, body) = post_create(&h, &req_on_sim_clock(&h, "global", 30, true)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["patToken"].is_null(), "{body}");
    assert_eq!(body["patTokenError"], "globalPATCreationBlocked");
    let c = client(&h);
    let e = c
        .create("o", &req_on_sim_clock(&h, "global", 30, true))
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::GlobalPatCreationBlocked)
    );
    let t = c
        .create("o", &req_on_sim_clock(&h, "scoped", 30, false))
        .await
        .unwrap();
    assert_eq!(t.target_accounts.as_ref().map(Vec::len), Some(1));
    h.with_store(|s| assert_eq!(s.tokens().len(), 1, "no global token was minted"));
}

/// Making a token global is creating a global token: allowed before the cut-off, refused with
/// `globalPATCreationBlocked` after it (the token is left as it was).
#[tokio::test]
async fn an_update_cannot_make_a_token_global_after_the_cut_off() {
    let cut = patui::ops::retirement::global_cutoff();
    let h = start(SimOptions::default()).await;
    let c = client(&h);
    let make_global = |id| PatTokenUpdateRequest {
        authorization_id: id,
        display_name: None,
        scope: None,
        valid_to: None,
        all_orgs: Some(true),
    };
    set_clock(&h, cut - chrono::Duration::days(3));
    let before = c
        .create("o", &req_on_sim_clock(&h, "before", 30, false))
        .await
        .unwrap();
    let u = c
        .update("o", &make_global(before.authorization_id))
        .await
        .unwrap();
    assert!(u.target_accounts.is_none(), "global before the cut-off");

    set_clock(&h, cut + chrono::Duration::days(1));
    let after = c
        .create("o", &req_on_sim_clock(&h, "after", 30, false))
        .await
        .unwrap();
    let e = c
        .update("o", &make_global(after.authorization_id))
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::GlobalPatCreationBlocked),
        "{e:?}"
    );
    let kept = c.get("o", after.authorization_id).await.unwrap();
    assert_eq!(
        kept.target_accounts, after.target_accounts,
        "left as it was"
    );
    // Other updates still work.
    let renamed = c
        .update(
            "o",
            &PatTokenUpdateRequest {
                authorization_id: after.authorization_id,
                display_name: Some("renamed".into()),
                scope: None,
                valid_to: None,
                all_orgs: Some(false),
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.display_name, "renamed");
}

/// `GET /_sim/stats`, without credentials.
async fn sim_stats(h: &SimHandle) -> serde_json::Value {
    let r = reqwest::get(format!("{}/_sim/stats", h.base_url))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

/// The simulator counts successful creates and revocations only (not refusals, not seeded
/// tokens, not a second DELETE), in-process and at `GET /_sim/stats` (JSON, no auth).
#[tokio::test]
async fn creates_and_revocations_are_counted_and_served_at_sim_stats() {
    let h = start(SimOptions {
        seed_tokens: 3,
        ..SimOptions::default()
    })
    .await;
    assert_eq!(
        sim_stats(&h).await,
        serde_json::json!({"creates": 0, "revocations": 0, "requests": {"GET": 0, "DELETE": 0}, "feeds": {"authorized": 0, "refused": 0}}),
        "seeded tokens are not creates"
    );
    let c = client(&h);
    let a = c.create("fabrikam", &req("a", 10)).await.unwrap();
    c.create("fabrikam", &req("b", 10)).await.unwrap();
    let mut bad = req("c", 10);
    bad.scope = "vso.bogus".into();
    assert!(c.create("fabrikam", &bad).await.is_err());
    c.revoke("fabrikam", a.authorization_id).await.unwrap();
    assert!(c.revoke("fabrikam", a.authorization_id).await.is_err());
    assert_eq!(h.shared.requests("POST"), 3, "three create requests");
    assert_eq!(h.shared.creates(), 2, "two of them succeeded");
    assert_eq!(h.shared.revocations(), 1, "the second DELETE found nothing");
    assert_eq!(
        sim_stats(&h).await,
        serde_json::json!({"creates": 2, "revocations": 1, "requests": {"GET": 0, "DELETE": 2}, "feeds": {"authorized": 0, "refused": 0}})
    );
}

/// `seed_tokens` makes one token in 50 global (active, listed in every organization), the same
/// ones every time; fewer than 50 seeded tokens have none.
#[tokio::test]
async fn seeded_tokens_include_one_global_in_fifty_deterministically() {
    let opts = |n| SimOptions {
        seed_tokens: n,
        ..SimOptions::default()
    };
    let globals = |s: &patui::sim::Store| {
        s.tokens()
            .iter()
            .filter(|t| t.targets.is_none())
            .map(|t| (t.id, t.name.clone()))
            .collect::<Vec<_>>()
    };
    let first = globals(&sim::build_store(&opts(100)));
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(
        first,
        globals(&sim::build_store(&opts(100))),
        "deterministic"
    );
    assert!(globals(&sim::build_store(&opts(49))).is_empty());

    let h = start(opts(100)).await;
    let c = client(&h);
    let all = list_all(&c, "fabrikam", q(DisplayFilter::All), |_| {})
        .await
        .unwrap();
    assert_eq!(all.len(), 100, "the seeded organization lists every token");
    let elsewhere = list_all(&c, "contoso", q(DisplayFilter::Active), |_| {})
        .await
        .unwrap();
    let ids: Vec<_> = elsewhere.iter().map(|t| t.authorization_id).collect();
    let global_ids: Vec<_> = first.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>(),
        global_ids.iter().collect::<HashSet<_>>(),
        "the global tokens, active, in any other organization"
    );
}
