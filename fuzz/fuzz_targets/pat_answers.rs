//! PAT answers and pages: every input is a response body, classified as the client does for a
//! set of statuses and content types, then read as each PAT model directly.
//! Asserts no panic, plus what the client promises: only a 2xx (not 203) passes, unchanged; a
//! policy error never carries `none`; a token that was read writes out and reads back.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use patui::azure::client::parse_body_for_fuzz;
use patui::azure::wire;
use patui::azure::{PagedPatTokens, PatToken, PatTokenError, PatTokenResult};

const RESPONSES: &[(u16, &str)] = &[
    (200, "application/json; charset=utf-8"),
    (200, ""),
    (200, "text/html"),
    (200, "text/plain"),
    (203, "text/html"),
    (204, ""),
    (302, ""),
    (400, "application/json"),
    (401, "application/json"),
    (403, ""),
    (404, "application/json"),
    (429, ""),
    (500, "application/json"),
    (600, ""),
];

fn four_digit_year(t: &PatToken) -> bool {
    (0..=9999).contains(&t.valid_from.year()) && (0..=9999).contains(&t.valid_to.year())
}

fuzz_target!(|data: &[u8]| {
    for &(status, content_type) in RESPONSES {
        match parse_body_for_fuzz(status, content_type, data) {
            Ok(body) => {
                assert!((200..=299).contains(&status) && status != 203, "{status}");
                assert_eq!(body, data);
            }
            Err(e) => {
                if let Some(code) = e.pat_error() {
                    assert!(!code.is_none());
                }
                let _ = e.to_string();
            }
        }
    }

    if let Ok(page) = serde_json::from_slice::<PagedPatTokens>(data) {
        assert!(page.next().is_none_or(|t| !t.is_empty()));
    }
    if let Ok(result) = serde_json::from_slice::<PatTokenResult>(data) {
        let _ = result.pat_token_error.message();
    }
    if let Ok(t) = serde_json::from_slice::<PatToken>(data)
        && four_digit_year(&t)
    {
        let json = serde_json::to_vec(&t).expect("a token serializes");
        let back: PatToken = serde_json::from_slice(&json).expect("a token patui wrote reads back");
        assert_eq!(back.authorization_id, t.authorization_id);
        assert_eq!(back.display_name, t.display_name);
        assert_eq!(back.scope, t.scope);
        assert_eq!(back.target_accounts, t.target_accounts);
        assert_eq!(back.token, t.token);
        assert_eq!(
            back.valid_from.timestamp_millis(),
            t.valid_from.timestamp_millis()
        );
        assert_eq!(
            back.valid_to.timestamp_millis(),
            t.valid_to.timestamp_millis()
        );
    }

    if let Ok(s) = std::str::from_utf8(data) {
        let e = PatTokenError::from_wire(s);
        assert!(e.as_wire().eq_ignore_ascii_case(s));
        if let Some(d) = wire::parse_date(s)
            && (0..=9999).contains(&d.year())
        {
            let back =
                wire::parse_date(&wire::format_date(&d)).expect("a date patui wrote reads back");
            assert_eq!(back.timestamp_millis(), d.timestamp_millis());
        }
    }
});
