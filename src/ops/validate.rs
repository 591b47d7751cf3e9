//! Validation of what a user types, shared by the create/edit dialogs and the commands, so that
//! every mistake is caught with a reason before any request: names, lifespans and dates, scopes.

use crate::azure::models::FULL_ACCESS_SCOPE;
use crate::azure::scopes;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

/// Longest name patui sends (the service's limit is undocumented; 256 is a safe cap).
pub const MAX_NAME_CHARS: usize = 256;
/// The longest lifespan the service allows.
pub const MAX_LIFESPAN_DAYS: i64 = 365;
/// The lifespan presets of the create wizard, in days.
pub const LIFESPAN_PRESETS: [u32; 6] = [7, 30, 60, 90, 180, 365];
/// The default lifespan.
pub const DEFAULT_LIFESPAN_DAYS: u32 = 30;

/// A name, trimmed, or why it is refused.
pub fn name(input: &str) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("A name is required.".into());
    }
    let n = t.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(format!(
            "The name has {n} characters; the limit is {MAX_NAME_CHARS}."
        ));
    }
    if t.chars().any(char::is_control) {
        return Err("The name cannot contain control characters.".into());
    }
    Ok(t.to_owned())
}

/// The expiry `days` days from `now`.
pub fn expiry_in_days(days: u32, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if days == 0 {
        return Err("The lifespan must be at least one day.".into());
    }
    if i64::from(days) > MAX_LIFESPAN_DAYS {
        return Err(format!(
            "{days} days is more than the maximum of one year ({MAX_LIFESPAN_DAYS} days)."
        ));
    }
    Ok(now + chrono::Duration::days(i64::from(days)))
}

/// A typed date `YYYY-MM-DD` as an expiry (end of that day, UTC), or why it is refused.
pub fn expiry_date(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let date = NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not a date like 2027-01-31.", input.trim()))?;
    let end = date
        .and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        .and_utc();
    if end <= now {
        return Err(format!("{date} is in the past."));
    }
    if end > now + chrono::Duration::days(MAX_LIFESPAN_DAYS) {
        return Err(format!(
            "{date} is more than one year away (latest: {}).",
            (now + chrono::Duration::days(MAX_LIFESPAN_DAYS)).date_naive()
        ));
    }
    Ok(end)
}

/// "Friday, 12 days from now" for a date the user typed.
pub fn describe_date(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (when.date_naive() - now.date_naive()).num_days();
    let weekday = match when.weekday() {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    };
    match days {
        0 => format!("{weekday}, today"),
        1 => format!("{weekday}, tomorrow"),
        d => format!("{weekday}, {d} days from now"),
    }
}

/// A space-separated scope string: known scope ids (or full access), no duplicates.
pub fn scope_list(input: &str) -> Result<String, String> {
    let mut out: Vec<&str> = Vec::new();
    for s in input
        .split([' ', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if s != FULL_ACCESS_SCOPE && scopes::find(s).is_none() && !scopes::is_extra_scope(s) {
            return Err(format!(
                "{s:?} is not a known scope (see `patui create --help`)."
            ));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err("Choose at least one scope.".into());
    }
    if out.contains(&FULL_ACCESS_SCOPE) && out.len() > 1 {
        return Err("Full access already includes every scope: choose it alone.".into());
    }
    Ok(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn names() {
        assert_eq!(name("  ci  ").unwrap(), "ci");
        assert!(name("   ").unwrap_err().contains("required"));
        assert!(name(&"x".repeat(257)).unwrap_err().contains("257"));
        assert!(name("a\u{7}b").is_err());
    }

    #[test]
    fn lifespans_and_dates() {
        assert_eq!(
            expiry_in_days(30, now()).unwrap(),
            now() + chrono::Duration::days(30)
        );
        assert!(expiry_in_days(366, now()).is_err());
        assert!(expiry_in_days(0, now()).is_err());
        let d = expiry_date("2026-12-01", now()).unwrap();
        assert_eq!(d.to_rfc3339(), "2026-12-01T23:59:59+00:00");
        assert!(
            expiry_date("2026-11-27", now())
                .unwrap_err()
                .contains("past")
        );
        assert!(
            expiry_date("2027-12-01", now())
                .unwrap_err()
                .contains("one year")
        );
        assert!(expiry_date("tomorrow", now()).is_err());
        assert_eq!(describe_date(d, now()), "Tuesday, 3 days from now");
    }

    #[test]
    fn scopes() {
        assert_eq!(
            scope_list("vso.code, vso.packaging vso.code").unwrap(),
            "vso.code vso.packaging"
        );
        assert!(scope_list("vso.nope").is_err());
        assert!(scope_list("").is_err());
        assert!(scope_list("app_token vso.code").is_err());
        assert_eq!(scope_list("app_token").unwrap(), "app_token");
    }
}
