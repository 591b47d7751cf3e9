//! Text shown for dates and statuses: relative times ("in 3 days", "2 months ago") and the
//! status words with their symbols.

use crate::azure::PatToken;
use crate::ops::inventory::TokenStatus;
use crate::ops::retirement;
use chrono::{DateTime, Utc};

/// "in 3 days", "5 hours ago", "today".
pub fn relative(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (when - now).num_seconds();
    let future = secs >= 0;
    let s = secs.unsigned_abs();
    let (n, unit) = if s < 3600 {
        ((s / 60).max(1), "minute")
    } else if s < 86_400 {
        (s / 3600, "hour")
    } else if s < 86_400 * 60 {
        (s / 86_400, "day")
    } else if s < 86_400 * 365 * 2 {
        (s / (86_400 * 30), "month")
    } else {
        (s / (86_400 * 365), "year")
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// The status cell: symbol and words. A global token counts down to its retirement, and says so.
pub fn status(status: TokenStatus, token: &PatToken, now: DateTime<Utc>) -> String {
    let retires = token.retires() && token.valid_to > retirement::global_cutoff();
    let verb = if retires { "retires" } else { "expires" };
    match status {
        TokenStatus::Active if retires => {
            format!("✓ active (retires {})", retirement::cutoff_label())
        }
        TokenStatus::Active => {
            let days = (token.valid_to - now).num_days();
            if days <= 14 {
                format!("✓ active ({days}d)")
            } else {
                "✓ active".to_owned()
            }
        }
        TokenStatus::Expiring { days: 0 } => format!("! {verb} today"),
        TokenStatus::Expiring { days: 1 } => format!("! {verb} in 1 day"),
        TokenStatus::Expiring { days } => format!("! {verb} in {days} days"),
        TokenStatus::Expired => "✗ expired".to_owned(),
        TokenStatus::Revoked => "⊘ revoked".to_owned(),
        TokenStatus::Retired => "⊗ retired".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        let now = Utc::now();
        assert_eq!(
            relative(
                now + chrono::Duration::days(3) + chrono::Duration::minutes(1),
                now
            ),
            "in 3 days"
        );
        assert_eq!(
            relative(now - chrono::Duration::days(70), now),
            "2 months ago"
        );
        assert_eq!(
            relative(
                now + chrono::Duration::hours(5) + chrono::Duration::seconds(5),
                now
            ),
            "in 5 hours"
        );
        assert_eq!(
            relative(now - chrono::Duration::seconds(10), now),
            "1 minute ago"
        );
    }
}
