//! `patTokenError` (a.k.a. `SessionTokenError`): the open enum the PAT API returns inside
//! `PatTokenResult`, with a message a person understands for each of the 37 known values.
//!
//! The server adds values over time (7.1 added 4, 7.2 added 4 more), so unknown values are kept
//! verbatim in [`PatTokenError::Other`] instead of failing to deserialize.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! pat_errors {
    ($( $variant:ident = $wire:literal => $msg:literal, )*) => {
        /// Every known `patTokenError` value, plus [`PatTokenError::Other`] for the ones we don't know.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum PatTokenError {
            $( #[doc = $msg] $variant, )*
            /// A value this version of patui does not know; the original string is kept.
            Other(String),
        }

        impl PatTokenError {
            /// Every known value, in the order of the specification.
            pub const KNOWN: &'static [PatTokenError] = &[ $( PatTokenError::$variant, )* ];

            /// The string on the wire.
            pub fn as_wire(&self) -> &str {
                match self {
                    $( PatTokenError::$variant => $wire, )*
                    PatTokenError::Other(s) => s.as_str(),
                }
            }

            /// Parses a wire value; unknown values are kept. Matching is case-insensitive.
            pub fn from_wire(s: &str) -> Self {
                $( if s.eq_ignore_ascii_case($wire) { return PatTokenError::$variant; } )*
                PatTokenError::Other(s.to_owned())
            }

            /// A sentence for people.
            pub fn message(&self) -> String {
                match self {
                    $( PatTokenError::$variant => $msg.to_owned(), )*
                    PatTokenError::Other(s) => format!("The service refused the request ({s})."),
                }
            }
        }
    };
}

pat_errors! {
    None = "none" => "No error.",
    DisplayNameRequired = "displayNameRequired" => "A token name is required.",
    InvalidDisplayName = "invalidDisplayName" => "The token name is not valid.",
    InvalidValidTo = "invalidValidTo" => "The expiration date is not valid (it is in the past or more than one year away).",
    InvalidScope = "invalidScope" => "One of the scopes is unknown or not allowed.",
    UserIdRequired = "userIdRequired" => "The service needs a user id for this request.",
    InvalidUserId = "invalidUserId" => "The user id is not valid.",
    InvalidUserType = "invalidUserType" => "This kind of identity (for example a service principal) cannot manage personal access tokens.",
    AccessDenied = "accessDenied" => "Access denied: your account may not manage personal access tokens here.",
    FailedToIssueAccessToken = "failedToIssueAccessToken" => "The service failed to issue the token. Try again.",
    InvalidClient = "invalidClient" => "The client application is not valid.",
    InvalidClientType = "invalidClientType" => "The client application type is not allowed.",
    InvalidClientId = "invalidClientId" => "The client id is not valid.",
    InvalidTargetAccounts = "invalidTargetAccounts" => "The organization is not valid for your account.",
    HostAuthorizationNotFound = "hostAuthorizationNotFound" => "The token's authorization was not found for this organization.",
    AuthorizationNotFound = "authorizationNotFound" => "No token with that id exists (it may have been revoked or deleted).",
    FailedToUpdateAccessToken = "failedToUpdateAccessToken" => "The service failed to update the token. Try again.",
    SourceNotSupported = "sourceNotSupported" => "The token source is not supported.",
    InvalidSourceIp = "invalidSourceIP" => "The request came from an IP address the policy does not allow.",
    InvalidSource = "invalidSource" => "The token source is not valid.",
    DuplicateHash = "duplicateHash" => "A token with the same value already exists.",
    SshPolicyDisabled = "sshPolicyDisabled" => "SSH authentication is disabled by policy.",
    InvalidToken = "invalidToken" => "The token is not valid.",
    TokenNotFound = "tokenNotFound" => "The token was not found.",
    InvalidAuthorizationId = "invalidAuthorizationId" => "The token id is not valid.",
    FailedToReadTenantPolicy = "failedToReadTenantPolicy" => "The service could not read your tenant's policies. Try again.",
    GlobalPatPolicyViolation = "globalPatPolicyViolation" => "Your organization's policy forbids tokens for all organizations: pick one organization.",
    FullScopePatPolicyViolation = "fullScopePatPolicyViolation" => "Your organization's policy forbids full-access tokens: choose custom scopes.",
    PatLifespanPolicyViolation = "patLifespanPolicyViolation" => "The lifespan is longer than your organization's policy allows: pick an earlier expiration date.",
    InvalidTokenType = "invalidTokenType" => "The token type is not valid.",
    InvalidAudience = "invalidAudience" => "The token audience is not valid.",
    InvalidSubject = "invalidSubject" => "The token subject is not valid.",
    DeploymentHostNotSupported = "deploymentHostNotSupported" => "This request was sent to the wrong kind of host (check the service URL and organization).",
    DisablePatCreationPolicyViolation = "disablePatCreationPolicyViolation" => "Your organization restricts personal access token creation and you are not on its allow list.",
    FailedToReadOrgPolicy = "failedToReadOrgPolicy" => "The service could not read your organization's policies. Try again.",
    GlobalPatCreationBlocked = "globalPATCreationBlocked" => "Tokens for all organizations can no longer be created: pick one organization.",
    ExpiredPatCannotBeExtended = "expiredPatCannotBeExtended" => "An expired token cannot be extended: regenerate it instead.",
}

impl PatTokenError {
    /// True for `none`.
    pub fn is_none(&self) -> bool {
        matches!(self, PatTokenError::None)
    }

    /// True when trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            PatTokenError::FailedToIssueAccessToken
                | PatTokenError::FailedToUpdateAccessToken
                | PatTokenError::FailedToReadTenantPolicy
                | PatTokenError::FailedToReadOrgPolicy
        )
    }
}

#[allow(clippy::derivable_impls)] // the enum is generated by a macro
impl Default for PatTokenError {
    fn default() -> Self {
        PatTokenError::None
    }
}

impl fmt::Display for PatTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_wire())
    }
}

impl Serialize for PatTokenError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_wire())
    }
}

impl<'de> Deserialize<'de> for PatTokenError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(PatTokenError::from_wire(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_37_known_values_all_distinct_and_round_tripping() {
        assert_eq!(PatTokenError::KNOWN.len(), 37);
        let mut seen = std::collections::HashSet::new();
        for v in PatTokenError::KNOWN {
            assert!(seen.insert(v.as_wire().to_ascii_lowercase()));
            assert_eq!(&PatTokenError::from_wire(v.as_wire()), v);
            assert!(!v.message().is_empty());
        }
    }

    #[test]
    fn unknown_values_are_preserved() {
        let v: PatTokenError = serde_json::from_str("\"brandNewPolicy\"").unwrap();
        assert_eq!(v, PatTokenError::Other("brandNewPolicy".into()));
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"brandNewPolicy\"");
        assert!(v.message().contains("brandNewPolicy"));
    }

    #[test]
    fn every_value_in_the_official_spec_is_known() {
        let Some(spec) = crate::testsupport::shared_file("tokens-7.2.json") else {
            return;
        };
        let doc: serde_json::Value = serde_json::from_str(&spec).unwrap();
        let values = doc["definitions"]["PatTokenResult"]["properties"]["patTokenError"]["enum"]
            .as_array()
            .expect("enum in spec");
        assert_eq!(values.len(), 37);
        for v in values {
            let parsed = PatTokenError::from_wire(v.as_str().unwrap());
            assert!(!matches!(parsed, PatTokenError::Other(_)), "{v} unknown");
        }
    }
}
