//! The retirement of global PATs (tokens for "All accessible organizations", `allOrgs: true`):
//! Microsoft decommissions every one of them on [`global_cutoff`]. From then on they stop
//! authenticating and the service refuses to create or regenerate one
//! (`globalPATCreationBlocked`). Before it, a global token's effective expiry is the earlier of
//! its `validTo` and the cut-off, so it shows as expiring in time.
//!
//! Everything here takes `now` explicitly: the screens use their clock, the commands the system
//! clock (which tests set with libfaketime).

use crate::azure::PatToken;
use chrono::{DateTime, TimeZone, Utc};

/// When global PATs stop working: 2026-12-01T00:00:00Z.
pub fn global_cutoff() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The cut-off as a date for people.
pub fn cutoff_label() -> String {
    global_cutoff().format("%Y-%m-%d").to_string()
}

/// True once global tokens can no longer be created (nor regenerated as global tokens).
pub fn global_creation_blocked(now: DateTime<Utc>) -> bool {
    now >= global_cutoff()
}

/// When `token` stops working: `validTo`, or the cut-off for a global token if that is earlier.
pub fn effective_expiry(token: &PatToken) -> DateTime<Utc> {
    if token.retires() {
        token.valid_to.min(global_cutoff())
    } else {
        token.valid_to
    }
}

/// True for a global token past the cut-off that had not expired before it.
pub fn is_retired(token: &PatToken, now: DateTime<Utc>) -> bool {
    token.retires() && now >= global_cutoff() && token.valid_to > global_cutoff()
}

/// One line on why "All accessible organizations" is not offered (after the cut-off) or what
/// it means (before).
pub fn global_choice_note(now: DateTime<Utc>) -> String {
    if global_creation_blocked(now) {
        format!(
            "Tokens for all organizations were retired on {}: create one token per organization.",
            cutoff_label()
        )
    } else {
        format!(
            "Tokens for all organizations stop working on {}: prefer one token per organization.",
            cutoff_label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn token(global: bool, valid_to: DateTime<Utc>) -> PatToken {
        PatToken {
            on_premises: false,
            authorization_id: Uuid::nil(),
            display_name: "g".into(),
            scope: "vso.code".into(),
            target_accounts: (!global).then(|| vec![Uuid::from_u128(1)]),
            valid_from: valid_to - chrono::Duration::days(90),
            valid_to,
            token: None,
        }
    }

    #[test]
    fn the_cut_off_bounds_a_global_tokens_life() {
        let cut = global_cutoff();
        assert_eq!(cut.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        let later = cut + chrono::Duration::days(60);
        assert_eq!(effective_expiry(&token(true, later)), cut);
        assert_eq!(effective_expiry(&token(false, later)), later);
        let before = cut - chrono::Duration::days(1);
        assert_eq!(effective_expiry(&token(true, before)), before);
        assert!(!is_retired(
            &token(true, later),
            cut - chrono::Duration::seconds(1)
        ));
        assert!(is_retired(&token(true, later), cut));
        assert!(!is_retired(&token(false, later), cut));
        assert!(!is_retired(&token(true, before), cut), "it expired first");
        assert!(!global_creation_blocked(cut - chrono::Duration::seconds(1)));
        assert!(global_creation_blocked(cut));
    }
}
