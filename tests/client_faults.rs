//! The client against a scripted HTTP server on loopback: every error class, retries for GET and
//! DELETE (not POST), Retry-After, and the body size cap. (The simulator covers the happy paths.)

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use patui::azure::{
    ApiError, AzureClient, ClientOptions, DisplayFilter, Endpoints, ListQuery, PatBackend,
    PatTokenCreateRequest, PatTokenError, RetryPolicy, StaticToken,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A server that answers each request with the next scripted response (the last one repeats),
/// and records the requests' methods and whether they carried the Suppress header.
type Headers = Vec<(&'static str, String)>;

#[derive(Clone, Default)]
struct Script {
    responses: Arc<Mutex<Vec<(u16, Headers, String)>>>,
    seen: Arc<Mutex<Vec<(String, bool, bool)>>>,
    count: Arc<AtomicUsize>,
}

async fn serve(script: Script) -> String {
    let s = script.clone();
    let app = Router::new().fallback(any(move |req: axum::extract::Request| {
        let s = s.clone();
        async move {
            let headers: &HeaderMap = req.headers();
            let suppress = headers
                .get("X-TFS-FedAuthRedirect")
                .is_some_and(|v| v == "Suppress");
            let bearer = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == "Bearer test-token");
            s.seen
                .lock()
                .unwrap()
                .push((req.method().to_string(), suppress, bearer));
            let n = s.count.fetch_add(1, Ordering::SeqCst);
            let list = s.responses.lock().unwrap();
            let (status, hdrs, body) = list[n.min(list.len() - 1)].clone();
            let mut resp: Response = (StatusCode::from_u16(status).unwrap(), body).into_response();
            for (k, v) in hdrs {
                resp.headers_mut()
                    .insert(k, HeaderValue::from_str(&v).unwrap());
            }
            resp
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

fn json() -> Headers {
    vec![("content-type", "application/json; charset=utf-8".into())]
}

fn client(base: &str) -> AzureClient {
    AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(base).unwrap(),
            retry: RetryPolicy {
                max_attempts: 4,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_secs(2),
            },
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("test-token".into(), "test")),
    )
    .unwrap()
}

const PAGE: &str = r#"{"continuationToken":"","patTokens":[]}"#;
const CREATED: &str = r#"{"patToken":{"displayName":"n","validTo":"2027-01-01T00:00:00Z","scope":"vso.code","targetAccounts":["38aaa865-2c70-4bf7-a308-0c6539c38c1a"],"validFrom":"2026-11-01T00:00:00Z","authorizationId":"4ab5764f-4193-4f1d-b995-64144880b7d7","token":"abc"},"patTokenError":"none"}"#;

fn script(responses: Vec<(u16, Headers, &str)>) -> Script {
    Script {
        responses: Arc::new(Mutex::new(
            responses
                .into_iter()
                .map(|(s, h, b)| (s, h, b.to_owned()))
                .collect(),
        )),
        ..Default::default()
    }
}

fn create_req() -> PatTokenCreateRequest {
    PatTokenCreateRequest {
        display_name: "n".into(),
        scope: "vso.code".into(),
        valid_to: chrono::Utc::now() + chrono::Duration::days(30),
        all_orgs: false,
    }
}

#[tokio::test]
async fn every_request_carries_the_bearer_and_suppress_header() {
    let s = script(vec![(200, json(), PAGE)]);
    let c = client(&serve(s.clone()).await);
    c.list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(s.seen.lock().unwrap()[0], ("GET".into(), true, true));
}

#[tokio::test]
async fn get_is_retried_on_5xx_and_connection_errors_then_succeeds() {
    let s = script(vec![
        (503, json(), r#"{"message":"busy"}"#),
        (502, vec![], ""),
        (200, json(), PAGE),
    ]);
    let c = client(&serve(s.clone()).await);
    c.list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(s.count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let s = script(vec![(500, json(), r#"{"message":"down"}"#)]);
    let c = client(&serve(s.clone()).await);
    let e = c
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Server { status: 500, ref message } if message == "down"),
        "{e:?}"
    );
    assert_eq!(s.count.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn post_create_is_never_retried() {
    let s = script(vec![
        (503, json(), r#"{"message":"busy"}"#),
        (200, json(), CREATED),
    ]);
    let c = client(&serve(s.clone()).await);
    let e = c.create("org", &create_req()).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }));
    assert_eq!(s.count.load(Ordering::SeqCst), 1, "exactly one POST");
}

#[tokio::test]
async fn delete_is_retried_and_any_2xx_is_success() {
    let s = script(vec![(503, vec![], ""), (204, vec![], "")]);
    let c = client(&serve(s.clone()).await);
    c.revoke("org", uuid::Uuid::nil()).await.unwrap();
    let seen = s.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|(m, _, _)| m == "DELETE"));
}

#[tokio::test]
async fn rate_limit_honours_retry_after() {
    let s = script(vec![
        (429, vec![("retry-after", "1".into())], ""),
        (200, json(), PAGE),
    ]);
    let c = client(&serve(s.clone()).await);
    let t = Instant::now();
    c.list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(s.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn rate_limit_surfaces_when_retries_run_out() {
    let s = script(vec![(429, vec![("retry-after", "0".into())], "")]);
    let c = client(&serve(s).await);
    let e = c
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::ZERO)
        }
    );
}

#[tokio::test]
async fn a_203_sign_in_page_is_an_auth_error() {
    let html =
        "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head></html>";
    let s = script(vec![(
        203,
        vec![("content-type", "text/html".into())],
        html,
    )]);
    let c = client(&serve(s.clone()).await);
    let e = c
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Auth { status: 203, .. }), "{e:?}");
    assert_eq!(
        s.count.load(Ordering::SeqCst),
        1,
        "auth errors are not retried"
    );
}

#[tokio::test]
async fn html_in_a_200_and_redirects_are_auth_errors() {
    let s = script(vec![(
        200,
        vec![("content-type", "text/html".into())],
        "<html>sign in</html>",
    )]);
    let e = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    let s = script(vec![(
        302,
        vec![("location", "https://example.invalid/_signin".into())],
        "",
    )]);
    let e = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Auth { status: 302, .. }), "{e:?}");
}

#[tokio::test]
async fn status_classes() {
    for (status, check) in [
        (
            401u16,
            (|e: &ApiError| e.is_auth()) as fn(&ApiError) -> bool,
        ),
        (
            403,
            |e| matches!(e, ApiError::Forbidden(m) if m.contains("not allowed")),
        ),
        (404, |e| matches!(e, ApiError::NotFound(_))),
        (409, |e| {
            matches!(e, ApiError::BadRequest { status: 409, .. })
        }),
    ] {
        let s = script(vec![(
            status,
            json(),
            r#"{"message":"The requested operation is not allowed.","typeKey":"InvalidAccessException"}"#,
        )]);
        let e = client(&serve(s).await)
            .list_page("org", ListQuery::default(), None)
            .await
            .unwrap_err();
        assert!(check(&e), "{status}: {e:?}");
    }
}

#[tokio::test]
async fn malformed_and_truncated_json_are_clear_errors() {
    let s = script(vec![(
        200,
        json(),
        r#"{"continuationToken":"","patTokens":[{"authori"#,
    )]);
    let e = client(&serve(s.clone()).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Truncated(m) if m.contains("cut short")),
        "{e:?}"
    );
    assert_eq!(s.count.load(Ordering::SeqCst), 4, "a cut body is retried");
    let s = script(vec![(200, json(), r#"{"patTokens":[{"displayName":3}]}"#)]);
    let e = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
}

#[tokio::test]
async fn policy_errors_inside_200_and_400_keep_unknown_values() {
    let s = script(vec![(
        200,
        json(),
        r#"{"patToken":null,"patTokenError":"someFuturePolicyViolation","patTokenErrorMessage":"new rule"}"#,
    )]);
    let e = client(&serve(s).await)
        .create("org", &create_req())
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::Other("someFuturePolicyViolation".into()))
    );
    assert!(e.to_string().contains("new rule"));
    let s = script(vec![(
        400,
        json(),
        r#"{"patToken":null,"patTokenError":"fullScopePatPolicyViolation"}"#,
    )]);
    let e = client(&serve(s).await)
        .create("org", &create_req())
        .await
        .unwrap_err();
    assert_eq!(
        e.pat_error(),
        Some(&PatTokenError::FullScopePatPolicyViolation)
    );
}

#[tokio::test]
async fn a_create_without_a_token_value_is_malformed() {
    let body = CREATED.replace(r#""token":"abc""#, r#""token":null"#);
    let s = script(vec![(200, json(), &body)]);
    let e = client(&serve(s).await)
        .create("org", &create_req())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = format!(
        r#"{{"continuationToken":"","patTokens":[],"pad":"{}"}}"#,
        "x".repeat(17 * 1024 * 1024)
    );
    let s = script(vec![(200, json(), &big)]);
    let e = client(&serve(s).await)
        .list_page(
            "org",
            ListQuery {
                filter: DisplayFilter::All,
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Malformed(m) if m.contains("larger")),
        "{e:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = client(&format!("http://{addr}"));
    let e = c
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let e = Endpoints::single("http://dev.azure.com").unwrap_err();
    assert!(e.to_string().contains("https"));
}

#[tokio::test]
async fn a_truncated_get_is_retried_like_a_5xx() {
    let s = script(vec![
        (
            200,
            json(),
            r#"{"continuationToken":"","patTokens":[{"authori"#,
        ),
        (200, json(), PAGE),
    ]);
    let c = client(&serve(s.clone()).await);
    c.list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(s.count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_truncated_create_is_not_retried() {
    let s = script(vec![(200, json(), &CREATED[..60])]);
    let c = client(&serve(s.clone()).await);
    let e = c.create("org", &create_req()).await.unwrap_err();
    assert!(matches!(e, ApiError::Truncated(_)), "{e:?}");
    assert_eq!(s.count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_list_answered_with_a_pat_token_error_in_a_200_fails() {
    let s = script(vec![(
        200,
        json(),
        r#"{"patToken":null,"patTokenError":"accessDenied"}"#,
    )]);
    let e = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap_err();
    assert_eq!(e.pat_error(), Some(&PatTokenError::AccessDenied), "{e:?}");
}

#[tokio::test]
async fn a_list_with_null_tokens_and_zone_less_dates_reads() {
    let s = script(vec![(
        200,
        json(),
        r#"{"continuationToken":null,"patTokens":null}"#,
    )]);
    let page = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert!(page.pat_tokens.is_empty());
    let s = script(vec![(
        200,
        json(),
        r#"{"patTokens":[{"authorizationId":"4ab5764f-4193-4f1d-b995-64144880b7d7","displayName":null,"scope":"vso.code","targetAccounts":null,"validFrom":"2026-11-01T00:00:00","validTo":"2030-01-01T00:00:00"}],"patTokenError":null}"#,
    )]);
    let page = client(&serve(s).await)
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(
        page.pat_tokens[0].valid_to.to_rfc3339(),
        "2030-01-01T00:00:00+00:00"
    );
}

#[tokio::test]
async fn a_retried_delete_that_finds_nothing_was_done_by_the_first_attempt() {
    // The first DELETE acted but its answer was lost (503); the retry finds no token.
    let s = script(vec![
        (503, json(), r#"{"message":"gateway lost the answer"}"#),
        (404, json(), r#"{"message":"not found"}"#),
    ]);
    let c = client(&serve(s.clone()).await);
    c.revoke("org", uuid::Uuid::new_v4()).await.unwrap();
    assert_eq!(s.count.load(Ordering::SeqCst), 2);
    // Without a retry, "not found" stays an error.
    let s = script(vec![(404, json(), r#"{"message":"not found"}"#)]);
    let e = client(&serve(s).await)
        .revoke("org", uuid::Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(e.is_token_not_found(), "{e:?}");
}

#[tokio::test]
async fn api_versions_follow_the_documented_choice() {
    let s = script(vec![(200, json(), PAGE)]);
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen2 = Arc::clone(&seen);
    let app = Router::new().fallback(any(move |req: axum::extract::Request| {
        let seen = Arc::clone(&seen2);
        async move {
            seen.lock().unwrap().push(format!(
                "{} {}",
                req.method(),
                req.uri().query().unwrap_or("")
            ));
            let body = if req.method() == axum::http::Method::GET
                && !req.uri().query().unwrap_or("").contains("authorizationId")
            {
                PAGE
            } else {
                CREATED
            };
            (StatusCode::OK, [("content-type", "application/json")], body).into_response()
        }
    }));
    drop(s);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let c = client(&format!("http://{addr}"));
    let id = uuid::Uuid::new_v4();
    c.list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    c.get("org", id).await.unwrap();
    c.create("org", &create_req()).await.unwrap();
    c.revoke("org", id).await.unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].starts_with("GET") && seen[0].contains("api-version=7.1-preview.1"),
        "{seen:?}"
    );
    for r in &seen[1..] {
        assert!(r.contains("api-version=7.2-preview.1"), "{r}");
    }
}

#[tokio::test]
async fn paging_stops_on_alternating_continuation_tokens() {
    let s = script(vec![
        (200, json(), r#"{"continuationToken":"a","patTokens":[]}"#),
        (200, json(), r#"{"continuationToken":"b","patTokens":[]}"#),
        (200, json(), r#"{"continuationToken":"a","patTokens":[]}"#),
    ]);
    let c = client(&serve(s).await);
    let e = patui::azure::list_all(&c, "org", ListQuery::default(), |_| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("continuation"), "{e}");
}
