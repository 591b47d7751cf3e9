//! Lenient readers and exact writers for the wire formats' awkward corners: `null` where a list,
//! string or enum is expected reads as empty (`#[serde(default)]` only covers a missing field),
//! dates without a zone (which the service's other APIs are known to send) read as UTC, and
//! dates go out with milliseconds, as the official examples have them.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// `null` (or a missing field, with `#[serde(default)]`) reads as `T::default()`.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Parses an ISO-8601 date-time; one without a zone (`2030-01-01T00:00:00`, with or without a
/// fraction) is taken as UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// Formats a date the way the official examples do: UTC, milliseconds, `Z`.
pub fn format_date(d: &DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// serde `with` module for a required date: lenient in, milliseconds out.
pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not an ISO-8601 date-time")))
    }
}

/// serde `with` module for an optional date: lenient in, milliseconds out.
pub mod opt_date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_date(d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse_date(&s).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("{s:?} is not an ISO-8601 date-time"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_less_dates_are_utc_and_zoned_ones_are_converted() {
        let a = parse_date("2030-01-01T00:00:00").unwrap();
        assert_eq!(a.to_rfc3339(), "2030-01-01T00:00:00+00:00");
        let b = parse_date("2030-01-01T00:00:00.5233333").unwrap();
        assert_eq!(b.timestamp_subsec_micros(), 523_333);
        let c = parse_date("2030-01-01T02:00:00+02:00").unwrap();
        assert_eq!(c, a);
        assert!(parse_date("tomorrow").is_none());
        assert!(parse_date("").is_none());
    }

    #[test]
    fn dates_go_out_with_milliseconds() {
        let d = DateTime::parse_from_rfc3339("2026-11-29T07:58:26.957413314Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_date(&d), "2026-11-29T07:58:26.957Z");
    }
}
