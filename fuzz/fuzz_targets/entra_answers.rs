//! Entra answers: every input is the body of a device code answer, a token answer and an OAuth
//! error (with a 200 and with a 400), and an `X-VSS-ResourceTenant` header.
//! Asserts no panic, plus what sign-in promises: the verification address is https (or http to
//! this machine); nothing the server said reaches the terminal with control or bidi characters;
//! lifetimes and polling intervals are clamped.
#![no_main]

use chrono::{TimeDelta, Utc};
use libfuzzer_sys::fuzz_target;
use patui::auth::entra::{self, Poll, SignInError, TokenSet};
use patui::auth::tenant::parse_resource_tenant;
use patui::text::is_unsafe;

fn clean(s: &str) -> bool {
    !s.chars().any(is_unsafe)
}

fn secs(n: u64) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(n).expect("a small constant"))
}

fn check_error(e: &SignInError) {
    let shown = e.to_string();
    assert!(clean(&shown), "{shown:?}");
}

fn check_tokens(t: &TokenSet, before: chrono::DateTime<Utc>, after: chrono::DateTime<Utc>) {
    assert!(!t.access_token.is_empty());
    assert!(t.refresh_token.as_ref().is_none_or(|r| !r.is_empty()));
    assert!(t.expires_at >= before);
    assert!(t.expires_at <= after + secs(entra::MAX_TOKEN_LIFE_SECS));
}

fuzz_target!(|data: &[u8]| {
    for status in [200u16, 400] {
        let before = Utc::now();
        let device = entra::device_code_answer(status, data);
        let poll = entra::poll_answer(status, data);
        let after = Utc::now();
        match &device {
            Ok(d) => {
                assert_eq!(status, 200);
                assert!(clean(&d.user_code));
                assert!(clean(&d.verification_uri));
                assert!(d.message.as_deref().is_none_or(clean));
                assert!(
                    d.verification_uri.starts_with("https://")
                        || d.verification_uri.starts_with("http://"),
                    "{:?}",
                    d.verification_uri
                );
                assert!(d.expires_at >= before);
                assert!(d.expires_at <= after + secs(entra::MAX_DEVICE_CODE_LIFE_SECS));
                assert!(
                    (entra::MIN_POLL_INTERVAL..=entra::MAX_POLL_INTERVAL).contains(&d.interval)
                );
            }
            Err(e) => check_error(e),
        }
        match &poll {
            Ok(Poll::Done(t)) => check_tokens(t, before, after),
            Ok(Poll::Pending | Poll::SlowDown) => assert_ne!(status, 200),
            Err(e) => check_error(e),
        }
    }
    let before = Utc::now();
    let tokens = entra::token_set(data);
    let after = Utc::now();
    match &tokens {
        Ok(t) => check_tokens(t, before, after),
        Err(e) => check_error(e),
    }
    check_error(&entra::oauth_error(data));

    if let Ok(header) = std::str::from_utf8(data)
        && let Some(tenant) = parse_resource_tenant(header)
    {
        assert!(
            tenant == "organizations" || uuid_like(&tenant),
            "{tenant:?}"
        );
    }
});

/// A GUID as `uuid` reads it (hyphenated, simple, braced or URN form), not all zeros.
fn uuid_like(s: &str) -> bool {
    let hex: String = s.chars().filter(char::is_ascii_hexdigit).collect();
    hex.len() >= 32 && hex.chars().any(|c| c != '0')
}
