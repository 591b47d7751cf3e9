//! Property tests of every parser that reads outside input (audit item 24): PAT answers and
//! pages, Entra answers, the git credential protocol, the config file, date and lifespan input,
//! the keyring index JSON, and the text sanitizers.
//!
//! They run on stable with the rest of the suite. The same entry points are fuzzed with
//! coverage guidance by the cargo-fuzz targets in `fuzz/` when a nightly toolchain is available
//! (`scripts/fuzz.sh`). Every property holds for any input: "never panics", plus the invariants
//! each parser promises (only https or loopback addresses, nothing unsafe reaches a terminal,
//! dates within a year, round trips).

use chrono::{DateTime, Datelike, Days, NaiveTime, TimeDelta, Utc};
use patui::auth::SourceKind;
use patui::auth::entra::{self, Poll, SignInError, TokenSet};
use patui::azure::client::parse_body_for_fuzz;
use patui::azure::scopes;
use patui::azure::wire;
use patui::azure::{
    FULL_ACCESS_SCOPE, PagedPatTokens, PatToken, PatTokenCreateRequest, PatTokenError,
    PatTokenResult, PatTokenUpdateRequest,
};
use patui::commands::credential::{self, Candidate};
use patui::config::{Config, ConfigError};
use patui::ops::validate;
use patui::secret::Secret;
use patui::text::{self, is_unsafe};
use patui::tui::keymap::{Action, KeySpec};
use patui::vault::{StoreKind, StoredToken, TokenMeta};
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Strategies shared by several parsers.
// ---------------------------------------------------------------------------------------------

/// Characters that break parsers and terminals: C0, DEL, C1, bidi controls, BOM, quotes, the
/// protocol separators, multi-byte and the last code point.
const HOSTILE_CHARS: &[char] = &[
    '\u{0}',
    '\n',
    '\r',
    '\t',
    '\u{1b}',
    '\u{7}',
    '\u{7f}',
    '\u{85}',
    '\u{9b}',
    '\u{9c}',
    '\u{200e}',
    '\u{200f}',
    '\u{61c}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{2028}',
    '\u{feff}',
    '\u{fffd}',
    '"',
    '\'',
    '\\',
    '=',
    '/',
    ':',
    '%',
    '[',
    ']',
    '{',
    '}',
    '#',
    ' ',
    'é',
    '名',
    '\u{10ffff}',
];

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::sample::select(HOSTILE_CHARS),
        1 => any::<char>(),
    ]
}

fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(|v| v.into_iter().collect::<String>())
}

/// A date between 1970 and 9999 (the range ISO-8601 writes with four digits), with nanoseconds.
fn sane_date() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..=253_402_300_799, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range"))
}

/// A "now" between 2000 and 2100.
fn sane_now() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800i64..4_102_444_800, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range"))
}

/// Date-time text the service could send, and text no service should.
fn odd_date() -> impl Strategy<Value = String> {
    const ZONES: &[&str] = &["", "Z", "z", "+14:00", "-12:00", "+0530", "UTC"];
    const ODD: &[&str] = &[
        "",
        "0000-00-00T00:00:00",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999",
        "9999-12-31T23:59:59.999Z",
        "+275760-09-13T00:00:00Z",
        "-262144-01-01T00:00:00Z",
        "2026-02-29T00:00:00",
        "2026-02-30T00:00:00",
        "2026-12-31T23:59:60Z",
        "2026-01-01T00:00:00+25:00",
        "2026-01-01T00:00:00-00:01",
        "2026-01-01T00:00:00.123456789123456789Z",
        "2026-01-01 00:00:00",
        "2026-01-01",
        "1/1/2026 12:00:00 AM",
        "/Date(1767225600000)/",
        " 2026-01-01T00:00:00Z ",
    ];
    prop_oneof![
        2 => prop::sample::select(ODD).prop_map(|s| s.to_owned()),
        2 => (
            any::<i32>(),
            0u32..14,
            0u32..33,
            0u32..25,
            0u32..62,
            0u32..62,
            any::<u32>(),
            prop::sample::select(ZONES),
        )
            .prop_map(|(y, mo, d, h, mi, s, f, z)| {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f}{z}")
            }),
        1 => "[0-9T:.+Zz -]{0,30}",
        1 => hostile_string(20),
    ]
}

/// Number literals as JSON text, including the ones `serde_json::Value` cannot hold.
fn number_text() -> impl Strategy<Value = String> {
    const ODD: &[&str] = &[
        "0",
        "-0",
        "-1",
        "1.5",
        "0.000001",
        "1e300",
        "-1e300",
        "1e400",
        "-1e400",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999",
        "9999999999999",
        "\"9999999999999\"",
        "\"NaN\"",
        "\"inf\"",
        "\"-5\"",
        "\"\"",
        "\" 12 \"",
        "null",
        "true",
        "[]",
        "{}",
    ];
    prop_oneof![
        3 => prop::sample::select(ODD).prop_map(|s| s.to_owned()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| format!("{f:e}")),
    ]
}

fn uuid_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => any::<u128>().prop_map(|n| Value::String(Uuid::from_u128(n).to_string())),
        1 => Just(Value::String(Uuid::nil().to_string())),
        1 => "[0-9a-fA-F{}-]{0,40}".prop_map(Value::String),
    ]
}

fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // NaN and the infinities become null.
        any::<f64>().prop_map(Value::from),
        hostile_string(16).prop_map(Value::String),
        odd_date().prop_map(Value::String),
        uuid_value(),
    ]
    .boxed()
}

/// Object keys: mostly the ones the parsers look for, sometimes garbage.
const KEYS: &[&str] = &[
    "authorizationId",
    "displayName",
    "scope",
    "targetAccounts",
    "validFrom",
    "validTo",
    "token",
    "patTokens",
    "continuationToken",
    "patToken",
    "patTokenError",
    "patTokenErrorMessage",
    "message",
    "typeKey",
    "value",
    "count",
    "id",
    "accountId",
    "accountName",
    "authenticatedUser",
    "org",
    "name",
    "global",
    "error",
];

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(|s| s.to_owned()),
        1 => hostile_string(8),
    ]
}

/// Any JSON value: leaves, arrays and objects nested a few levels.
fn json_value() -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(3, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((json_key(), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// An object with the given fields, some left out (`drop` is a bit mask), plus extra keys.
fn object(fields: Vec<(&str, Value)>, drop: u32, extra: Vec<(String, Value)>) -> Value {
    let mut m = Map::new();
    for (i, (k, v)) in fields.into_iter().enumerate() {
        if drop & (1 << (i % 32)) == 0 {
            m.insert(k.to_owned(), v);
        }
    }
    for (k, v) in extra {
        m.entry(k).or_insert(v);
    }
    Value::Object(m)
}

fn drop_mask() -> impl Strategy<Value = u32> {
    prop_oneof![3 => Just(0u32), 1 => any::<u32>()]
}

fn extra_fields() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec((json_key(), json_value()), 0..2)
}

// ---------------------------------------------------------------------------------------------
// PAT answers and pages.
// ---------------------------------------------------------------------------------------------

const STATUSES: &[u16] = &[
    0, 99, 100, 200, 201, 203, 204, 301, 302, 400, 401, 403, 404, 409, 429, 500, 502, 503, 600,
    999, 1000,
];

const CONTENT_TYPES: &[&str] = &[
    "",
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON; api-version=7.2",
    "application/problem+json",
    "text/html",
    "text/html; charset=utf-8",
    "text/plain",
    "\u{1b}[31m",
];

fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![4 => prop::sample::select(STATUSES), 1 => any::<u16>()]
}

fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(CONTENT_TYPES).prop_map(|s| s.to_owned()),
        1 => hostile_string(12),
    ]
}

fn date_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => sane_date().prop_map(|d| Value::String(wire::format_date(&d))),
        1 => sane_date().prop_map(|d| Value::String(d.format("%Y-%m-%dT%H:%M:%S%.f").to_string())),
        2 => odd_date().prop_map(Value::String),
        1 => json_leaf(),
    ]
}

fn pat_token_json() -> BoxedStrategy<Value> {
    (
        prop_oneof![3 => uuid_value(), 1 => json_leaf()],
        prop_oneof![2 => hostile_string(16).prop_map(Value::String), 1 => json_leaf()],
        prop_oneof![2 => scope_text().prop_map(Value::String), 1 => json_leaf()],
        prop_oneof![
            1 => Just(Value::Null),
            2 => prop::collection::vec(uuid_value(), 0..3).prop_map(Value::Array),
            1 => json_value(),
        ],
        date_value(),
        date_value(),
        prop_oneof![
            2 => Just(Value::Null),
            1 => hostile_string(52).prop_map(Value::String),
            1 => json_leaf(),
        ],
        drop_mask(),
        extra_fields(),
    )
        .prop_map(|(id, name, scope, targets, from, to, token, drop, extra)| {
            object(
                vec![
                    ("authorizationId", id),
                    ("displayName", name),
                    ("scope", scope),
                    ("targetAccounts", targets),
                    ("validFrom", from),
                    ("validTo", to),
                    ("token", token),
                ],
                drop,
                extra,
            )
        })
        .boxed()
}

fn pat_error_value() -> impl Strategy<Value = Value> {
    let known: Vec<String> = PatTokenError::KNOWN
        .iter()
        .map(|e| e.as_wire().to_owned())
        .collect();
    prop_oneof![
        1 => Just(Value::Null),
        3 => prop::sample::select(known).prop_map(Value::String),
        1 => Just(Value::String("NONE".into())),
        1 => hostile_string(16).prop_map(Value::String),
        1 => json_leaf(),
    ]
}

fn pat_answer_json() -> BoxedStrategy<Value> {
    let page = (
        prop_oneof![
            1 => Just(Value::Null),
            2 => hostile_string(12).prop_map(Value::String),
            1 => json_leaf(),
        ],
        prop_oneof![
            1 => Just(Value::Null),
            4 => prop::collection::vec(pat_token_json(), 0..4).prop_map(Value::Array),
            1 => json_value(),
        ],
        drop_mask(),
        extra_fields(),
    )
        .prop_map(|(cont, tokens, drop, extra)| {
            object(
                vec![("continuationToken", cont), ("patTokens", tokens)],
                drop,
                extra,
            )
        });
    let result = (
        prop_oneof![
            1 => Just(Value::Null),
            3 => pat_token_json(),
            1 => json_leaf(),
        ],
        pat_error_value(),
        prop_oneof![
            2 => Just(Value::Null),
            1 => hostile_string(24).prop_map(Value::String),
            1 => json_leaf(),
        ],
        drop_mask(),
        extra_fields(),
    )
        .prop_map(|(token, error, message, drop, extra)| {
            object(
                vec![
                    ("patToken", token),
                    ("patTokenError", error),
                    ("patTokenErrorMessage", message),
                ],
                drop,
                extra,
            )
        });
    let vss = (
        prop_oneof![
            3 => hostile_string(40).prop_map(Value::String),
            1 => Just(Value::String(
                "Service principals are not allowed to perform this action.".into()
            )),
            1 => json_leaf(),
        ],
        json_leaf(),
        drop_mask(),
    )
        .prop_map(|(message, type_key, drop)| {
            object(
                vec![("message", message), ("typeKey", type_key)],
                drop,
                Vec::new(),
            )
        });
    prop_oneof![
        3 => page,
        3 => result,
        2 => pat_token_json(),
        1 => vss,
        2 => json_value(),
    ]
    .boxed()
}

/// The error classes each status may produce (status outside 100..=999: the wrapper's own
/// `Malformed`). A `Policy` error (`patTokenError` in the body) and the service-principal
/// `Forbidden` can come with any status that is not a success.
fn allowed_kinds(status: u16) -> &'static [&'static str] {
    if !(100..=999).contains(&status) {
        &["malformed"]
    } else if status == 203 || (300..=399).contains(&status) {
        &["auth"]
    } else if (200..=299).contains(&status) {
        &["auth", "malformed", "policy", "truncated"]
    } else if status == 401 {
        &["auth", "forbidden", "policy"]
    } else if status == 403 {
        &["forbidden", "policy"]
    } else if status == 404 {
        &["not_found", "forbidden", "policy"]
    } else if status == 429 {
        &["rate_limited", "forbidden", "policy"]
    } else if (500..=599).contains(&status) {
        &["server", "forbidden", "policy"]
    } else {
        &["bad_request", "forbidden", "policy"]
    }
}

/// Feeds one response to every PAT parser and checks what the client promises.
fn check_pat_body(status: u16, content_type: &str, body: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(page) = serde_json::from_slice::<PagedPatTokens>(body) {
        prop_assert!(page.next().is_none_or(|t| !t.is_empty()));
    }
    let result = serde_json::from_slice::<PatTokenResult>(body);
    let _ = serde_json::from_slice::<PatToken>(body);
    match parse_body_for_fuzz(status, content_type, body) {
        Ok(b) => {
            prop_assert!(
                (200..=299).contains(&status) && status != 203,
                "status {status} passed"
            );
            prop_assert_eq!(&b[..], body);
            let ct = content_type.to_ascii_lowercase();
            prop_assert!(body.is_empty() || ct.is_empty() || ct.contains("json"));
            // An answer that carries a patTokenError other than none is never a success.
            let has_error_field = serde_json::from_slice::<Value>(body)
                .is_ok_and(|v| v.get("patTokenError").is_some());
            if has_error_field && let Ok(r) = &result {
                prop_assert!(r.pat_token_error.is_none(), "{:?}", r.pat_token_error);
            }
        }
        Err(e) => {
            prop_assert!(
                allowed_kinds(status).contains(&e.kind()),
                "status {status}: {e:?}"
            );
            if let Some(code) = e.pat_error() {
                prop_assert!(!code.is_none());
            }
            let _ = e.to_string();
        }
    }
    Ok(())
}

fn millis(d: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(d.timestamp_millis()).expect("in range")
}

fn pat_token() -> impl Strategy<Value = PatToken> {
    (
        any::<u128>(),
        hostile_string(24),
        scope_text(),
        prop::option::of(prop::collection::vec(any::<u128>(), 0..3)),
        sane_date(),
        sane_date(),
        prop::option::of(hostile_string(52)),
    )
        .prop_map(
            |(id, display_name, scope, targets, valid_from, valid_to, token)| PatToken {
                on_premises: false,
                authorization_id: Uuid::from_u128(id),
                display_name,
                scope,
                target_accounts: targets.map(|t| t.into_iter().map(Uuid::from_u128).collect()),
                valid_from,
                valid_to,
                token: token.map(Secret::from),
            },
        )
}

/// The token as it reads back after a trip through the wire format (dates in milliseconds).
fn on_the_wire(t: &PatToken) -> PatToken {
    PatToken {
        on_premises: false,
        valid_from: millis(t.valid_from),
        valid_to: millis(t.valid_to),
        ..t.clone()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pat_parsers_never_panic_on_bytes(
        body in prop::collection::vec(any::<u8>(), 0..256),
        status in any_status(),
        ct in content_type(),
    ) {
        check_pat_body(status, &ct, &body)?;
        if let Ok(s) = std::str::from_utf8(&body) {
            let _ = wire::parse_date(s);
        }
    }

    #[test]
    fn pat_shaped_json_never_panics_and_classifies_consistently(
        v in pat_answer_json(),
        status in any_status(),
        ct in content_type(),
        pretty in any::<bool>(),
    ) {
        let body = if pretty { serde_json::to_vec_pretty(&v) } else { serde_json::to_vec(&v) }
            .expect("a Value serializes");
        check_pat_body(status, &ct, &body)?;
        // Every 2xx JSON answer, as the client sees it.
        check_pat_body(200, "application/json; charset=utf-8", &body)?;
    }

    #[test]
    fn truncated_pat_answers_never_panic(
        v in pat_answer_json(),
        cut in any::<prop::sample::Index>(),
        status in any_status(),
    ) {
        let body = serde_json::to_vec(&v).expect("a Value serializes");
        let body = &body[..cut.index(body.len() + 1)];
        check_pat_body(status, "application/json", body)?;
    }

    #[test]
    fn wire_dates_round_trip(d in sane_date(), text in odd_date()) {
        prop_assert_eq!(wire::parse_date(&wire::format_date(&d)), Some(millis(d)));
        // Zone-less dates are UTC, at full precision.
        let zone_less = d.format("%Y-%m-%dT%H:%M:%S%.f").to_string();
        prop_assert_eq!(wire::parse_date(&zone_less), Some(d));
        if let Some(p) = wire::parse_date(&text)
            && (0..=9999).contains(&p.year())
        {
            // Whatever was read writes out as a date that reads back (to the millisecond; a
            // leap second stays one).
            let back = wire::parse_date(&wire::format_date(&p));
            prop_assert_eq!(back.map(|b| b.timestamp_millis()), Some(p.timestamp_millis()));
        }
    }

    #[test]
    fn pat_tokens_pages_and_results_round_trip(
        tokens in prop::collection::vec(pat_token(), 0..4),
        cont in prop::option::of(hostile_string(12)),
        error in prop_oneof![
            prop::sample::select(PatTokenError::KNOWN),
            hostile_string(12).prop_map(|s| PatTokenError::from_wire(&s)),
        ],
        message in prop::option::of(hostile_string(24)),
    ) {
        let page = PagedPatTokens { continuation_token: cont.clone(), pat_tokens: tokens.clone() };
        let back: PagedPatTokens =
            serde_json::from_str(&serde_json::to_string(&page).expect("serializes"))
                .expect("a page reads back");
        prop_assert_eq!(&back.continuation_token, &cont);
        let expected: Vec<PatToken> = tokens.iter().map(on_the_wire).collect();
        prop_assert_eq!(&back.pat_tokens, &expected);

        let result = PatTokenResult {
            pat_token: tokens.first().cloned(),
            pat_token_error: error.clone(),
            pat_token_error_message: message.clone(),
        };
        let back: PatTokenResult =
            serde_json::from_str(&serde_json::to_string(&result).expect("serializes"))
                .expect("a result reads back");
        prop_assert_eq!(back.pat_token, tokens.first().map(on_the_wire));
        prop_assert_eq!(back.pat_token_error, error);
        prop_assert_eq!(back.pat_token_error_message, message);
    }

    #[test]
    fn pat_token_errors_keep_unknown_values(s in hostile_string(24)) {
        let e = PatTokenError::from_wire(&s);
        prop_assert!(e.as_wire().eq_ignore_ascii_case(&s));
        let from_json: PatTokenError =
            serde_json::from_value(Value::String(s.clone())).expect("any string is a value");
        prop_assert_eq!(&from_json, &e);
        let back: PatTokenError =
            serde_json::from_str(&serde_json::to_string(&e).expect("serializes"))
                .expect("reads back");
        prop_assert_eq!(back, e);
    }

    #[test]
    fn requests_round_trip_with_dates_in_milliseconds(
        name in hostile_string(40),
        scope in scope_text(),
        when in sane_date(),
        all_orgs in any::<bool>(),
        id in any::<u128>(),
        present in any::<[bool; 4]>(),
    ) {
        let create = PatTokenCreateRequest {
            display_name: name.clone(),
            scope: scope.clone(),
            valid_to: when,
            all_orgs,
        };
        let json = serde_json::to_string(&create).expect("serializes");
        prop_assert!(
            json.contains(&format!("\"validTo\":\"{}\"", wire::format_date(&when))),
            "{json}"
        );
        let back: PatTokenCreateRequest = serde_json::from_str(&json).expect("reads back");
        prop_assert_eq!(back.valid_to.timestamp_subsec_nanos() % 1_000_000, 0);
        prop_assert_eq!(back, PatTokenCreateRequest { valid_to: millis(when), ..create });

        let update = PatTokenUpdateRequest {
            authorization_id: Uuid::from_u128(id),
            display_name: present[0].then(|| name.clone()),
            scope: present[1].then(|| scope.clone()),
            valid_to: present[2].then_some(when),
            all_orgs: present[3].then_some(all_orgs),
        };
        let json = serde_json::to_string(&update).expect("serializes");
        let back: PatTokenUpdateRequest = serde_json::from_str(&json).expect("reads back");
        prop_assert_eq!(back, PatTokenUpdateRequest { valid_to: update.valid_to.map(millis), ..update });
    }
}

// ---------------------------------------------------------------------------------------------
// Entra answers.
// ---------------------------------------------------------------------------------------------

const ENTRA_KEYS: &[&str] = &[
    "device_code",
    "user_code",
    "verification_uri",
    "verification_url",
    "expires_in",
    "interval",
    "message",
    "access_token",
    "refresh_token",
    "token_type",
    "ext_expires_in",
    "error",
    "error_description",
    "error_codes",
    "correlation_id",
];

const OAUTH_ERRORS: &[&str] = &[
    "authorization_pending",
    "slow_down",
    "authorization_declined",
    "access_denied",
    "expired_token",
    "bad_verification_code",
    "invalid_grant",
    "invalid_request",
    "invalid_client",
    "",
];

const AADSTS: &[u64] = &[9002331, 50020, 700016, 70000, 50076, 0, u64::MAX];

const ENTRA_STATUSES: &[u16] = &[200, 400, 401, 403, 429, 500, 0, 999];

const DESCRIPTION_TAILS: &[&str] = &[
    "",
    "Microsoft Account",
    "MSA",
    "service principal",
    "\n",
    "\nsecond line",
];

fn json_str(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

fn url_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "https://[a-z]{1,10}\\.example/[a-z]{0,6}",
        2 => "http://(localhost|LOCALHOST|127\\.0\\.0\\.1|127\\.9\\.9\\.9|\\[::1\\]|example\\.com|10\\.0\\.0\\.1|0\\.0\\.0\\.0)(:[0-9]{1,5})?/[a-z]{0,4}",
        1 => "(javascript|file|data|ftp|HTTPS|https):[a-z/]{0,10}",
        1 => hostile_string(20).prop_map(|s| format!("https://{s}")),
        1 => hostile_string(20),
    ]
}

fn entra_description() -> impl Strategy<Value = String> {
    (
        prop::sample::select(AADSTS),
        hostile_string(30),
        prop::sample::select(DESCRIPTION_TAILS),
    )
        .prop_map(|(code, text, extra)| format!("AADSTS{code}: {text}{extra}"))
}

/// One `key: value` of an Entra answer, the value as JSON text.
fn entra_field() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            4 => prop::sample::select(ENTRA_KEYS).prop_map(|k| k.to_owned()),
            1 => hostile_string(8),
        ],
        prop_oneof![
            2 => number_text(),
            2 => url_text().prop_map(|u| json_str(&u)),
            2 => prop::sample::select(OAUTH_ERRORS).prop_map(json_str),
            1 => entra_description().prop_map(|d| json_str(&d)),
            1 => prop::collection::vec(prop::sample::select(AADSTS), 0..3)
                .prop_map(|c| Value::from(c).to_string()),
            2 => hostile_string(16).prop_map(|s| json_str(&s)),
            1 => json_value().prop_map(|v| v.to_string()),
        ],
    )
}

/// An Entra answer as JSON text: often the required fields of a device code or token answer,
/// with hostile values put in their place or added.
fn entra_answer() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(entra_field(), 0..6),
    )
        .prop_map(|(device, token, fields)| {
            let mut parts: Vec<(String, String)> = Vec::new();
            if device {
                parts.push(("device_code".into(), json_str("d")));
                parts.push(("user_code".into(), json_str("ABCD-EFGH")));
                parts.push((
                    "verification_uri".into(),
                    json_str("https://microsoft.com/devicelogin"),
                ));
            }
            if token {
                parts.push(("access_token".into(), json_str("eyJ0eXAi")));
            }
            for (k, v) in fields {
                match parts.iter_mut().find(|(pk, _)| *pk == k) {
                    Some(p) => p.1 = v,
                    None => parts.push((k, v)),
                }
            }
            let body: Vec<String> = parts
                .iter()
                .map(|(k, v)| format!("{}:{v}", json_str(k)))
                .collect();
            format!("{{{}}}", body.join(","))
        })
}

fn is_loopback_http(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| {
        u.scheme() == "http"
            && match u.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    })
}

fn secs(n: u64) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(n).expect("a small constant"))
}

/// Whatever Entra says ends up on the terminal only without unsafe characters.
fn check_sign_in_error(e: &SignInError) -> Result<(), TestCaseError> {
    let shown = e.to_string();
    prop_assert!(!shown.chars().any(is_unsafe), "{shown:?}");
    Ok(())
}

fn check_token_set(
    t: &TokenSet,
    before: DateTime<Utc>,
    after: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    prop_assert!(!t.access_token.is_empty());
    prop_assert!(t.refresh_token.as_ref().is_none_or(|r| !r.is_empty()));
    prop_assert!(t.expires_at >= before);
    prop_assert!(t.expires_at <= after + secs(entra::MAX_TOKEN_LIFE_SECS));
    Ok(())
}

/// Feeds one answer to every Entra parser and checks what sign-in promises.
fn check_entra(status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    let before = Utc::now();
    let device = entra::device_code_answer(status, body);
    let poll = entra::poll_answer(status, body);
    let tokens = entra::token_set(body);
    let error = entra::oauth_error(body);
    let after = Utc::now();
    match &device {
        Ok(d) => {
            prop_assert_eq!(status, 200);
            prop_assert!(!d.user_code.chars().any(is_unsafe), "{:?}", d.user_code);
            prop_assert!(
                !d.verification_uri.chars().any(is_unsafe),
                "{:?}",
                d.verification_uri
            );
            if let Some(m) = &d.message {
                prop_assert!(!m.chars().any(is_unsafe), "{m:?}");
            }
            prop_assert!(
                d.verification_uri.starts_with("https://") || is_loopback_http(&d.verification_uri),
                "{:?}",
                d.verification_uri
            );
            prop_assert!(d.expires_at >= before);
            prop_assert!(d.expires_at <= after + secs(entra::MAX_DEVICE_CODE_LIFE_SECS));
            prop_assert!(
                (entra::MIN_POLL_INTERVAL..=entra::MAX_POLL_INTERVAL).contains(&d.interval)
            );
        }
        Err(e) => check_sign_in_error(e)?,
    }
    match &poll {
        Ok(Poll::Done(t)) => {
            prop_assert_eq!(status, 200);
            check_token_set(t, before, after)?;
        }
        Ok(Poll::Pending | Poll::SlowDown) => prop_assert_ne!(status, 200),
        Err(e) => check_sign_in_error(e)?,
    }
    match &tokens {
        Ok(t) => check_token_set(t, before, after)?,
        Err(e) => check_sign_in_error(e)?,
    }
    check_sign_in_error(&error)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn entra_parsers_never_panic_on_bytes(
        body in prop::collection::vec(any::<u8>(), 0..256),
        status in prop::sample::select(ENTRA_STATUSES),
    ) {
        check_entra(status, &body)?;
    }

    #[test]
    fn entra_answers_are_checked_clamped_and_sanitized(
        text in entra_answer(),
        status in prop_oneof![3 => Just(200u16), 1 => prop::sample::select(ENTRA_STATUSES)],
    ) {
        check_entra(status, text.as_bytes())?;
    }

    #[test]
    fn entra_shaped_json_values_never_panic(v in json_value(), status in prop::sample::select(ENTRA_STATUSES)) {
        check_entra(status, v.to_string().as_bytes())?;
    }
}

// ---------------------------------------------------------------------------------------------
// The git credential protocol.
// ---------------------------------------------------------------------------------------------

const GIT_KEYS: &[&str] = &[
    "protocol",
    "host",
    "path",
    "username",
    "password",
    "url",
    "capability[]",
    "wwwauth[]",
    "password_expiry_utc",
    "oauth_refresh_token",
    "quit",
    "",
];

const GIT_WORDS: &[&str] = &[
    "https",
    "http",
    "ssh",
    "HTTPS",
    "dev.azure.com",
    "ssh.dev.azure.com",
    "fabrikam.visualstudio.com",
    "dev.azure.com:443",
    ".visualstudio.com",
    "",
];

const GIT_ENDINGS: &[&str] = &["", "\n", "\r\n", "\n\n"];

fn git_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(GIT_WORDS).prop_map(|s| s.to_owned()),
        2 => "(https|http|ssh)://([a-z]{1,6}@)?(dev\\.azure\\.com|[a-z]{1,6}\\.visualstudio\\.com|[a-z]{1,6})(:[0-9]{1,5})?/[a-z/_]{0,16}",
        1 => "[a-z]{0,8}(/[a-z_]{0,6}){0,3}",
        2 => hostile_string(16),
    ]
}

fn git_input() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        8 => (
            prop_oneof![4 => prop::sample::select(GIT_KEYS).prop_map(|s| s.to_owned()), 1 => hostile_string(6)],
            git_value(),
        )
            .prop_map(|(k, v)| format!("{k}={v}")),
        1 => git_value(),
        1 => Just(String::new()),
    ];
    (
        prop::collection::vec(line, 0..8),
        prop::sample::select(GIT_ENDINGS),
    )
        .prop_map(|(lines, end)| format!("{}{end}", lines.join("\n")))
}

/// The request as the protocol defines it: `key=value` lines up to the first blank line, the
/// last value of a key winning; `None` when a line has no `=`.
fn protocol_model(input: &str) -> Option<HashMap<String, String>> {
    let mut m = HashMap::new();
    for line in input.lines() {
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once('=')?;
        m.insert(k.to_owned(), v.to_owned());
    }
    Some(m)
}

fn check_git_request(input: &str) -> Result<(), TestCaseError> {
    let parsed = credential::parse_request(input);
    let Some(m) = protocol_model(input) else {
        prop_assert!(parsed.is_err(), "{input:?}");
        return Ok(());
    };
    let req = parsed.map_err(TestCaseError::fail)?;
    if let Some(org) = credential::organization(&req) {
        prop_assert_eq!(req.protocol.as_deref(), Some("https"));
        prop_assert!(!org.is_empty());
    }
    // Only the keys it was given (or what their `url=` says) are filled in.
    let url = m.get("url").and_then(|u| url::Url::parse(u).ok());
    let given = |key: &str, from_url: Option<String>| m.get(key).cloned().or(from_url);
    prop_assert_eq!(
        req.protocol,
        given("protocol", url.as_ref().map(|u| u.scheme().to_owned()))
    );
    prop_assert_eq!(
        req.host,
        given(
            "host",
            url.as_ref().and_then(|u| u.host_str().map(str::to_owned))
        )
    );
    prop_assert_eq!(
        req.path,
        given(
            "path",
            url.as_ref()
                .map(|u| u.path().trim_start_matches('/').to_owned())
                .filter(|p| !p.is_empty())
        )
    );
    prop_assert_eq!(req.username, m.get("username").cloned());
    prop_assert_eq!(
        req.password.as_ref().map(|p| p.expose().to_owned()),
        m.get("password").cloned()
    );
    Ok(())
}

const CHOOSER_ORGS: &[&str] = &["fabrikam", "Fabrikam", "contoso", ""];
const CHOOSER_SCOPES: &[&str] = &[
    "vso.code",
    "vso.code_write",
    "vso.packaging",
    "app_token",
    "",
    "vso.code vso.build",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn git_requests_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let read = credential::read_request(&mut bytes.as_slice());
        prop_assert_eq!(read.is_ok(), std::str::from_utf8(&bytes).is_ok());
        if let Ok(s) = read {
            check_git_request(&s)?;
        }
    }

    #[test]
    fn git_requests_yield_only_the_keys_they_were_given(input in git_input()) {
        check_git_request(&input)?;
    }

    #[test]
    fn the_chooser_picks_the_newest_eligible_token(
        cands in prop::collection::vec(
            (
                prop::sample::select(CHOOSER_ORGS),
                any::<bool>(),
                prop::sample::select(CHOOSER_SCOPES),
                -400i64..400,
                -400i64..400,
            ),
            0..8,
        ),
        org in prop::sample::select(CHOOSER_ORGS),
        now in sane_now(),
    ) {
        let list: Vec<Candidate<'_>> = cands
            .iter()
            .map(|(o, global, scope, from, to)| Candidate {
                org: o,
                global: *global,
                scope,
                valid_from: now + TimeDelta::hours(*from),
                valid_to: now + TimeDelta::hours(*to),
            })
            .collect();
        let eligible = |c: &Candidate<'_>| {
            (c.global || c.org.eq_ignore_ascii_case(org))
                && c.valid_to > now + TimeDelta::minutes(1)
                && scopes::allows_code_read(c.scope)
        };
        match credential::choose(&list, org, now) {
            None => prop_assert!(!list.iter().any(eligible)),
            Some(i) => {
                prop_assert!(eligible(&list[i]));
                prop_assert!(
                    list.iter().filter(|&c| eligible(c)).all(|c| c.valid_from <= list[i].valid_from)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The config file.
// ---------------------------------------------------------------------------------------------

const CONFIG_KEYS: &[&str] = &[
    "organizations",
    "default_org",
    "keymap",
    "theme",
    "mouse",
    "clipboard_clear_seconds",
    "revoke_concurrency",
    "presets",
    "keyring",
    "sign_in",
    "authority",
    "tenant",
    "client_id",
    "name",
    "scopes",
    "refresh",
    "quit",
];

const CONFIG_WORDS: &[&str] = &[
    "refresh",
    "quit",
    "copy_code",
    "revoke_all",
    "ctrl-r",
    "f5",
    "f13",
    "shift-tab",
    "ctrl-",
    "alt-shift-x",
    "G",
    "pgdn",
    "env",
    "az",
    "azure-cli",
    "device-code",
    "native",
    "memory",
    "keyutils",
    "monochrome",
    "default",
    "vso.code",
    "app_token",
    "https://login.microsoftonline.com",
];

const KEY_SPECS: &[&str] = &[
    "j",
    "G",
    "?",
    "ctrl-r",
    "CTRL-R",
    "alt-x",
    "shift-tab",
    "shift-",
    "ctrl-",
    "enter",
    "esc",
    "pgdn",
    "f5",
    "f0",
    "f12",
    "f13",
    "f",
    "space",
    "tab",
    "",
    " ",
    "é",
    "ab",
];

const KEYRINGS: &[&str] = &[
    "native",
    "secret-service",
    "keyutils",
    "memory",
    "file",
    "NATIVE",
];

fn config_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(CONFIG_KEYS).prop_map(|s| s.to_owned()),
        1 => hostile_string(8),
    ]
}

fn toml_value() -> BoxedStrategy<toml::Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(toml::Value::Integer),
        (-2i64..80).prop_map(toml::Value::Integer),
        any::<f64>().prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
        hostile_string(16).prop_map(toml::Value::String),
        prop::sample::select(CONFIG_WORDS).prop_map(|s| toml::Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::vec((config_key(), inner), 0..4)
                .prop_map(|kv| toml::Value::Table(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A TOML basic string of printable ASCII.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn printable() -> impl Strategy<Value = String> {
    "[ -~]{0,10}"
}

fn check_config(text: &str) -> Result<Option<Config>, TestCaseError> {
    match Config::parse(text, Path::new("/x/config.toml")) {
        Ok(c) => {
            prop_assert!((1..=64).contains(&c.revoke_concurrency));
            for (action, keys) in &c.keymap {
                prop_assert!(Action::from_name(action).is_some(), "{action:?}");
                for k in keys {
                    prop_assert!(KeySpec::parse(k).is_ok(), "{k:?}");
                }
            }
            for p in &c.presets {
                prop_assert!(validate::scope_list(&p.scopes.join(" ")).is_ok());
            }
            Ok(Some(c))
        }
        Err(ConfigError::Invalid { line, column, .. }) => {
            prop_assert!(line >= 1 && column >= 1);
            prop_assert!(line <= text.lines().count() + 1, "line {line} of {text:?}");
            Ok(None)
        }
        Err(e) => Err(TestCaseError::fail(format!("parse read a file: {e}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn config_never_panics_on_text(text in prop_oneof![
        hostile_string(64),
        "[a-z_ =\\[\\]\"'0-9.,{}#\n-]{0,80}",
    ]) {
        check_config(&text)?;
    }

    #[test]
    fn toml_shaped_configs_never_panic(
        fields in prop::collection::vec((config_key(), toml_value()), 0..6),
    ) {
        let table: toml::Table = fields.into_iter().collect();
        if let Ok(text) = toml::to_string(&table) {
            check_config(&text)?;
        }
    }

    #[test]
    fn config_values_are_range_checked(
        n in prop_oneof![-5i64..=70, any::<i64>()],
        keyring in prop_oneof![
            prop::sample::select(KEYRINGS).prop_map(|s| s.to_owned()),
            printable(),
        ],
        sources in prop::collection::vec(
            prop_oneof![prop::sample::select(CONFIG_WORDS).prop_map(|s| s.to_owned()), printable()],
            0..3,
        ),
        action in prop_oneof![prop::sample::select(CONFIG_WORDS).prop_map(|s| s.to_owned()), printable()],
        key in prop_oneof![prop::sample::select(KEY_SPECS).prop_map(|s| s.to_owned()), printable()],
    ) {
        let c = check_config(&format!("revoke_concurrency = {n}\n"))?;
        prop_assert!(c.is_some() == (1..=64).contains(&n), "revoke_concurrency = {n}");

        let c = check_config(&format!("keyring = {}\n", toml_str(&keyring)))?;
        prop_assert_eq!(
            c.is_some(),
            ["native", "secret-service", "keyutils", "memory"].contains(&keyring.as_str())
        );
        prop_assert_eq!(c.and_then(|c| c.keyring), StoreKind::parse(&keyring));

        let list: Vec<String> = sources.iter().map(|s| toml_str(s)).collect();
        let c = check_config(&format!("sign_in = [{}]\n", list.join(", ")))?;
        let parsed: Option<Vec<SourceKind>> = sources.iter().map(|s| SourceKind::parse(s)).collect();
        prop_assert_eq!(c.is_some(), parsed.is_some());
        prop_assert_eq!(c.map(|c| c.sign_in), parsed);

        let c = check_config(&format!("[keymap]\n{} = [{}]\n", toml_str(&action), toml_str(&key)))?;
        prop_assert_eq!(
            c.is_some(),
            Action::from_name(&action).is_some() && KeySpec::parse(&key).is_ok()
        );
    }

    #[test]
    fn key_specs_never_panic(s in prop_oneof![
        prop::sample::select(KEY_SPECS).prop_map(|s| s.to_owned()),
        "((ctrl|alt|shift|CTRL|Shift)-){0,3}[a-zé0-9]{0,6}",
        hostile_string(12),
    ]) {
        let _ = KeySpec::parse(&s);
        let _ = SourceKind::parse(&s);
        let _ = Action::from_name(&s);
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, lifespans, names and scopes typed by the user.
// ---------------------------------------------------------------------------------------------

const PADDING: &[&str] = &["", " ", "\t", "\n "];

const SEPARATORS: &[&str] = &[" ", ",", ", ", "  ", " ,, ", "\t", ""];

fn date_input() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (-20000i64..30000, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        1 => (any::<i32>(), any::<u32>(), any::<u32>())
            .prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
        1 => "[0-9+ -]{0,14}",
        1 => hostile_string(12),
    ]
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).expect("a time")
}

fn check_expiry(
    r: &Result<DateTime<Utc>, String>,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    if let Ok(d) = r {
        prop_assert!(*d > now, "{d} is not after {now}");
        prop_assert!(
            *d <= now + TimeDelta::days(validate::MAX_LIFESPAN_DAYS),
            "{d} is more than a year after {now}"
        );
        let _ = validate::describe_date(*d, now);
    }
    Ok(())
}

/// Every scope id patui knows, full access, and a few that are wrong.
fn scope_words() -> Vec<String> {
    let mut v: Vec<String> = scopes::GROUPS
        .iter()
        .flat_map(|g| g.levels.iter().map(|l| l.scope.to_owned()))
        .collect();
    v.extend(scopes::EXTRA_SCOPES.iter().map(|s| (*s).to_owned()));
    v.push(FULL_ACCESS_SCOPE.to_owned());
    v.extend(
        [
            "VSO.CODE",
            "vso.nope",
            "vso",
            "vso.code\t",
            "\u{a0}vso.code",
        ]
        .map(String::from),
    );
    v
}

fn scope_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        6 => prop::sample::select(scope_words()),
        1 => hostile_string(10),
    ];
    let sep = prop::sample::select(SEPARATORS);
    prop::collection::vec((word, sep), 0..6)
        .prop_map(|parts| parts.into_iter().map(|(w, s)| w + s).collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn typed_dates_are_never_in_the_past_or_beyond_a_year(
        input in date_input(),
        now in sane_now(),
    ) {
        let r = validate::expiry_date(&input, now);
        check_expiry(&r, now)?;
        if let Ok(d) = r {
            prop_assert_eq!(d.time(), end_of_day());
        }
    }

    #[test]
    fn every_date_within_the_year_is_accepted_and_others_refused(
        days in prop_oneof![1u64..=364, 366u64..=4000],
        past in 1u64..=4000,
        now in sane_now(),
        pad in prop::sample::select(PADDING),
    ) {
        let today = now.date_naive();
        let ahead = today.checked_add_days(Days::new(days)).expect("in range");
        let r = validate::expiry_date(&format!("{pad}{}{pad}", ahead.format("%Y-%m-%d")), now);
        check_expiry(&r, now)?;
        if days <= 364 {
            let d = r.map_err(TestCaseError::fail)?;
            prop_assert_eq!(d.date_naive(), ahead);
        } else {
            prop_assert!(r.is_err());
        }
        let before = today.checked_sub_days(Days::new(past)).expect("in range");
        prop_assert!(validate::expiry_date(&before.format("%Y-%m-%d").to_string(), now).is_err());
    }

    #[test]
    fn lifespans_are_one_day_to_one_year(
        days in prop_oneof![0u32..=400, any::<u32>()],
        now in sane_now(),
    ) {
        let r = validate::expiry_in_days(days, now);
        check_expiry(&r, now)?;
        prop_assert_eq!(r.is_ok(), (1..=365).contains(&days));
        if let Ok(d) = r {
            prop_assert_eq!(d, now + TimeDelta::days(i64::from(days)));
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_without_controls(s in hostile_string(300)) {
        let r = validate::name(&s);
        let t = s.trim();
        let fits = !t.is_empty()
            && t.chars().count() <= validate::MAX_NAME_CHARS
            && !t.chars().any(char::is_control);
        prop_assert_eq!(r.is_ok(), fits);
        if let Ok(n) = r {
            prop_assert_eq!(n.as_str(), t);
            prop_assert_eq!(validate::name(&n), Ok::<String, String>(n.clone()));
        }
    }

    #[test]
    fn scope_lists_are_known_distinct_and_stable(input in scope_text()) {
        if let Ok(out) = validate::scope_list(&input) {
            let words: Vec<&str> = out.split(' ').collect();
            prop_assert!(!words.is_empty());
            for (i, w) in words.iter().enumerate() {
                prop_assert!(!w.is_empty(), "{out:?}");
                prop_assert!(
                    *w == FULL_ACCESS_SCOPE
                        || scopes::find(w).is_some()
                        || scopes::is_extra_scope(w),
                    "{w:?}"
                );
                prop_assert!(!words[..i].contains(w), "{out:?}");
            }
            if words.contains(&FULL_ACCESS_SCOPE) {
                prop_assert_eq!(words.len(), 1);
            }
            prop_assert_eq!(validate::scope_list(&out), Ok::<String, String>(out.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The keyring index and entries.
// ---------------------------------------------------------------------------------------------

fn token_meta() -> impl Strategy<Value = TokenMeta> {
    (
        hostile_string(20),
        any::<u128>(),
        hostile_string(30),
        scope_text(),
        sane_date(),
        sane_date(),
        any::<bool>(),
    )
        .prop_map(
            |(org, id, name, scope, valid_from, valid_to, global)| TokenMeta {
                org,
                id: Uuid::from_u128(id),
                name,
                scope,
                valid_from,
                valid_to,
                global,
            },
        )
}

fn index_entry_json() -> impl Strategy<Value = Value> {
    (
        prop_oneof![2 => hostile_string(12).prop_map(Value::String), 1 => json_leaf()],
        prop_oneof![3 => uuid_value(), 1 => json_leaf()],
        prop_oneof![2 => hostile_string(12).prop_map(Value::String), 1 => json_leaf()],
        prop_oneof![2 => scope_text().prop_map(Value::String), 1 => json_leaf()],
        date_value(),
        date_value(),
        prop_oneof![2 => any::<bool>().prop_map(Value::Bool), 1 => json_leaf()],
        prop_oneof![2 => hostile_string(20).prop_map(Value::String), 1 => json_leaf()],
        drop_mask(),
        extra_fields(),
    )
        .prop_map(
            |(org, id, name, scope, from, to, global, value, drop, extra)| {
                object(
                    vec![
                        ("org", org),
                        ("id", id),
                        ("name", name),
                        ("scope", scope),
                        ("validFrom", from),
                        ("validTo", to),
                        ("global", global),
                        ("value", value),
                    ],
                    drop,
                    extra,
                )
            },
        )
}

fn check_keyring_json(body: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(index) = serde_json::from_slice::<Vec<TokenMeta>>(body) {
        // What was read writes out as the same index.
        let again: Vec<TokenMeta> =
            serde_json::from_str(&serde_json::to_string(&index).expect("serializes"))
                .expect("an index patui wrote reads back");
        prop_assert_eq!(again, index);
    }
    if let Ok(entry) = serde_json::from_slice::<StoredToken>(body) {
        let again: StoredToken =
            serde_json::from_str(&serde_json::to_string(&entry).expect("serializes"))
                .expect("an entry patui wrote reads back");
        prop_assert_eq!(again.meta, entry.meta);
        prop_assert_eq!(again.value, entry.value);
    }
    let _ = serde_json::from_slice::<TokenMeta>(body);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn keyring_index_round_trips(index in prop::collection::vec(token_meta(), 0..5), value in hostile_string(52)) {
        let json = serde_json::to_string(&index).expect("serializes");
        let back: Vec<TokenMeta> = serde_json::from_str(&json).expect("reads back");
        prop_assert_eq!(&back, &index);
        if let Some(meta) = index.first() {
            let stored = StoredToken { value: Secret::from(value.clone()), meta: meta.clone() };
            let json = serde_json::to_string(&stored).expect("serializes");
            let back: StoredToken = serde_json::from_str(&json).expect("reads back");
            prop_assert_eq!(back.value.expose(), value.as_str());
            prop_assert_eq!(&back.meta, meta);
        }
    }

    #[test]
    fn keyring_json_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..256)) {
        check_keyring_json(&body)?;
    }

    #[test]
    fn keyring_shaped_json_never_panics(
        entries in prop::collection::vec(index_entry_json(), 0..4),
        single in any::<bool>(),
        other in json_value(),
    ) {
        let v = if single {
            entries.first().cloned().unwrap_or_default()
        } else {
            Value::Array(entries)
        };
        check_keyring_json(v.to_string().as_bytes())?;
        check_keyring_json(other.to_string().as_bytes())?;
    }
}

// ---------------------------------------------------------------------------------------------
// Text made safe for the terminal.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sanitize_leaves_nothing_unsafe(s in hostile_string(64)) {
        let out = text::sanitize(&s);
        prop_assert!(!out.chars().any(is_unsafe), "{out:?}");
        prop_assert_eq!(out.chars().count(), s.chars().count());
        for (a, b) in s.chars().zip(out.chars()) {
            prop_assert_eq!(b, if is_unsafe(a) { '\u{FFFD}' } else { a });
        }
        prop_assert_eq!(matches!(out, Cow::Borrowed(_)), !s.chars().any(is_unsafe));

        let lines = text::sanitize_lines(&s);
        prop_assert!(!lines.chars().any(|c| c != '\n' && is_unsafe(c)), "{lines:?}");
        prop_assert_eq!(lines.matches('\n').count(), s.matches('\n').count());
        prop_assert_eq!(lines.chars().count(), s.chars().count());

        // On any text, not only JSON: nothing at or above DEL is left raw.
        let esc = text::escape_json(&s);
        prop_assert!(!esc.chars().any(|c| is_unsafe(c) && u32::from(c) >= 0x7F), "{esc:?}");
    }

    #[test]
    fn escape_json_keeps_the_value_and_leaves_nothing_unsafe(
        v in json_value(),
        pretty in any::<bool>(),
    ) {
        let raw = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }
            .expect("a Value serializes");
        let escaped = text::escape_json(&raw);
        prop_assert!(!escaped.chars().any(|c| is_unsafe(c) && c != '\n'), "{escaped}");
        if !pretty {
            prop_assert!(!escaped.contains('\n'), "{escaped}");
        }
        let a: Value = serde_json::from_str(&raw).expect("serde_json reads its own output");
        let b: Value = serde_json::from_str(&escaped).expect("the escaped text is JSON");
        prop_assert_eq!(a, b);
    }
}
