//! Date and lifespan input: every input is what a user types for an expiry date, a name or a
//! scope list (the create and edit dialogs, `patui create`, `patui mint`), and a date from the
//! service; its first four bytes are also a lifespan in days.
//! Asserts no panic, plus: an accepted expiry is never in the past nor more than a year away;
//! names are trimmed, bounded and without control characters; scope lists are known, distinct
//! and stable.
#![no_main]

use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, Utc};
use libfuzzer_sys::fuzz_target;
use patui::azure::models::{DisplayFilter, FULL_ACCESS_SCOPE, ServerSort};
use patui::azure::{scopes, wire};
use patui::ops::validate;

fn check_expiry(r: &Result<DateTime<Utc>, String>, now: DateTime<Utc>) {
    if let Ok(d) = r {
        assert!(*d > now, "{d} <= {now}");
        assert!(
            *d <= now + TimeDelta::days(validate::MAX_LIFESPAN_DAYS),
            "{d} > a year after {now}"
        );
        let _ = validate::describe_date(*d, now);
    }
}

fuzz_target!(|data: &[u8]| {
    let nows = [
        Utc::now(),
        // 2026-11-28T10:00:00Z and the last millisecond of 2099.
        DateTime::from_timestamp(1_795_860_000, 0).expect("in range"),
        DateTime::from_timestamp(4_102_444_799, 999_000_000).expect("in range"),
    ];
    if let Some(b) = data.get(..4) {
        let days = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        for now in nows {
            let r = validate::expiry_in_days(days, now);
            assert_eq!(r.is_ok(), (1..=365).contains(&days));
            check_expiry(&r, now);
        }
    }
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for now in nows {
        let r = validate::expiry_date(s, now);
        check_expiry(&r, now);
        if let Ok(d) = r {
            assert_eq!(
                d.time(),
                NaiveTime::from_hms_opt(23, 59, 59).expect("a time")
            );
        }
    }

    if let Ok(n) = validate::name(s) {
        assert_eq!(n, s.trim());
        assert!(!n.is_empty() && n.chars().count() <= validate::MAX_NAME_CHARS);
        assert!(!n.chars().any(char::is_control));
    }

    if let Ok(out) = validate::scope_list(s) {
        let words: Vec<&str> = out.split(' ').collect();
        for (i, w) in words.iter().enumerate() {
            assert!(
                *w == FULL_ACCESS_SCOPE || scopes::find(w).is_some() || scopes::is_extra_scope(w),
                "{w:?}"
            );
            assert!(!words[..i].contains(w));
        }
        assert!(!words.contains(&FULL_ACCESS_SCOPE) || words.len() == 1);
        assert_eq!(validate::scope_list(&out).as_deref(), Ok(out.as_str()));
    }

    if let Some(d) = wire::parse_date(s)
        && (0..=9999).contains(&d.year())
    {
        let back = wire::parse_date(&wire::format_date(&d)).expect("a date patui wrote reads back");
        assert_eq!(back.timestamp_millis(), d.timestamp_millis());
    }
    let _ = DisplayFilter::parse(s);
    let _ = ServerSort::parse(s);
});
