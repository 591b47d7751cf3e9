//! Secret values (minted PAT values, bearer access tokens, refresh tokens).
//!
//! [`Secret`] keeps its value in a zeroize-on-drop buffer (via `secrecy`). Its `Debug` and
//! `Display` never print the value, so a secret that ends up in a log line or a panic message
//! shows as `[redacted]`. The only ways to read it are [`Secret::expose`] (explicit, greppable)
//! and `Serialize`, which exists because the wire format and `--json` output carry the value.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret string: zeroized on drop, redacted in `Debug`/`Display`.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value. The caller's `String` is moved in, so no copy is left behind.
    pub fn new(value: String) -> Self {
        Self(SecretString::from(value))
    }

    /// The value itself. Every call site is a place where the secret leaves our control.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Length in characters, safe to show.
    pub fn len(&self) -> usize {
        self.0.expose_secret().chars().count()
    }

    /// True when the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }

    /// Constant-time-ish equality for comparing a presented secret with a stored one.
    pub fn matches(&self, other: &str) -> bool {
        let a = self.expose().as_bytes();
        let b = other.as_bytes();
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.matches(other.expose())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::from("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        let wrapped = Some(s.clone());
        assert!(!format!("{wrapped:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn matches_compares_whole_values() {
        let s = Secret::from("abc");
        assert!(s.matches("abc"));
        assert!(!s.matches("abd"));
        assert!(!s.matches("ab"));
    }

    #[test]
    fn serde_round_trip_keeps_the_value() {
        let s: Secret = serde_json::from_str("\"tok\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok\"");
    }
}
