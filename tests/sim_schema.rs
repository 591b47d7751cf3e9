//! The simulator's response bodies against the official Swagger definitions (and, where the
//! service returns more than the definitions say, against the official examples), so the
//! simulator cannot drift from the service. Skips with a message when ../shared is absent.

use patui::sim::{self, SimOptions};
use patui::testsupport::{shared_example_body, shared_file};
use serde_json::Value;

/// Validates `v` against `schema` (Swagger 2 subset: $ref, type, properties, required, items,
/// enum, format uuid/date-time). `extra` lists property names the examples show beyond the schema.
fn validate(
    doc: &Value,
    schema: &Value,
    v: &Value,
    path: &str,
    extra: &[String],
    errors: &mut Vec<String>,
) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/definitions/");
        let target = &doc["definitions"][name];
        assert!(!target.is_null(), "unknown $ref {r}");
        return validate(doc, target, v, path, extra, errors);
    }
    if v.is_null() {
        return; // the service sends null for absent values (e.g. targetAccounts of a global PAT)
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        errors.push(format!("{path}: {v} not in enum"));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let Some(obj) = v.as_object() else {
                errors.push(format!("{path}: expected object, got {v}"));
                return;
            };
            let props = schema["properties"].as_object().unwrap();
            for req in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !obj.contains_key(req.as_str().unwrap()) {
                    errors.push(format!("{path}: missing required {req}"));
                }
            }
            for (k, val) in obj {
                match props.get(k) {
                    Some(s) => validate(doc, s, val, &format!("{path}.{k}"), extra, errors),
                    None if extra.iter().any(|e| e == k) => {}
                    None => errors.push(format!("{path}: property {k:?} is not in the definition")),
                }
            }
        }
        Some("object") | None => {}
        Some("array") => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate(
                        doc,
                        &schema["items"],
                        item,
                        &format!("{path}[{i}]"),
                        extra,
                        errors,
                    );
                }
            }
            None => errors.push(format!("{path}: expected array")),
        },
        Some("string") => match v.as_str() {
            Some(s) => match schema.get("format").and_then(Value::as_str) {
                Some("uuid") if uuid::Uuid::parse_str(s).is_err() => {
                    errors.push(format!("{path}: {s:?} is not a uuid"))
                }
                Some("date-time") if chrono::DateTime::parse_from_rfc3339(s).is_err() => {
                    errors.push(format!("{path}: {s:?} is not a date-time"))
                }
                _ => {}
            },
            None => errors.push(format!("{path}: expected string, got {v}")),
        },
        Some("boolean") if !v.is_boolean() => errors.push(format!("{path}: expected boolean")),
        Some("integer") if !v.is_i64() && !v.is_u64() => {
            errors.push(format!("{path}: expected integer"))
        }
        _ => {}
    }
}

fn check(doc: &Value, definition: &str, body: &Value, extra: &[String]) {
    let mut errors = Vec::new();
    let schema = serde_json::json!({"$ref": format!("#/definitions/{definition}")});
    validate(doc, &schema, body, definition, extra, &mut errors);
    let mut shown = body.clone();
    if let Some(t) = shown
        .pointer_mut("/patToken/token")
        .filter(|t| t.is_string())
    {
        *t = Value::from("[redacted]");
    }
    assert!(
        errors.is_empty(),
        "{definition}: {errors:#?}\nbody: {shown}"
    );
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn get(http: &reqwest::Client, url: String) -> Value {
    let r = http
        .get(url)
        .bearer_auth("x")
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

#[tokio::test]
async fn every_operation_matches_the_official_definitions() {
    let (Some(tokens), Some(profile), Some(accounts)) = (
        shared_file("tokens-7.2.json"),
        shared_file("profile-7.2.json"),
        shared_file("accounts-7.2.json"),
    ) else {
        return;
    };
    let tokens: Value = serde_json::from_str(&tokens).unwrap();
    let profile: Value = serde_json::from_str(&profile).unwrap();
    let accounts: Value = serde_json::from_str(&accounts).unwrap();
    let h = sim::start(
        ([127, 0, 0, 1], 0).into(),
        SimOptions {
            demo: true,
            ..SimOptions::default()
        },
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let pats = format!(
        "{}/fabrikam/_apis/tokens/pats?api-version=7.1-preview.1",
        h.base_url
    );

    // List (every filter), with a global token (targetAccounts null) among them.
    for f in ["active", "expired", "revoked", "all"] {
        let body = get(&http, format!("{pats}&displayFilterOption={f}&$top=5")).await;
        check(&tokens, "PagedPatTokens", &body, &[]);
    }
    // Create.
    let created: Value = http
        .post(&pats)
        .bearer_auth("x")
        .json(&serde_json::json!({"displayName":"schema","scope":"vso.code vso.work","validTo":(chrono::Utc::now()+chrono::Duration::days(9)).to_rfc3339(),"allOrgs":false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&tokens, "PatTokenResult", &created, &[]);
    let id = created["patToken"]["authorizationId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Get.
    let got = get(&http, format!("{pats}&authorizationId={id}")).await;
    check(&tokens, "PatTokenResult", &got, &[]);
    // Update.
    let updated: Value = http
        .put(&pats)
        .bearer_auth("x")
        .json(&serde_json::json!({"authorizationId": id, "displayName": "renamed"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&tokens, "PatTokenResult", &updated, &[]);
    // A policy error body.
    let refused: Value = http
        .post(&pats)
        .bearer_auth("x")
        .json(&serde_json::json!({"displayName":"","scope":"vso.code","validTo":"2099-01-01T00:00:00Z","allOrgs":false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&tokens, "PatTokenResult", &refused, &[]);
    // Revoke: 2xx with an empty body.
    let r = http
        .delete(format!("{pats}&authorizationId={id}"))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert!(r.bytes().await.unwrap().is_empty());

    // Profile: the definition plus what the official example shows.
    let me = get(
        &http,
        format!("{}/_apis/profile/profiles/me?api-version=7.1", h.base_url),
    )
    .await;
    let example = shared_example_body("7.2-GET__profile_profiles_me.json").unwrap();
    check(&profile, "Profile", &me, &keys(&example));
    // Accounts: {count, value} as in the example, each value an Account.
    let me_id = me["id"].as_str().unwrap();
    let list = get(
        &http,
        format!(
            "{}/_apis/accounts?memberId={me_id}&api-version=7.1",
            h.base_url
        ),
    )
    .await;
    let example = shared_example_body("7.2-GET__Accounts_memberId-_userId_.json").unwrap();
    let mut a = keys(&list);
    a.sort();
    let mut b = keys(&example);
    b.sort();
    assert_eq!(a, b, "the wrapper matches the example");
    for item in list["value"].as_array().unwrap() {
        check(&accounts, "Account", item, &[]);
    }
}
