//! Hand-written serde models of the wire formats: PAT lifecycle (tokens 7.1/7.2), profile and
//! accounts. Field names follow the official Swagger definitions; unknown fields are ignored and
//! enums are open so that a newer server never breaks parsing.

use crate::azure::pat_error::PatTokenError;
use crate::azure::wire;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Full access: the scope string the web UI sends for "Full access".
pub const FULL_ACCESS_SCOPE: &str = "app_token";

/// One personal access token, as the service describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatToken {
    pub authorization_id: Uuid,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub display_name: String,
    /// Space-separated scope ids; `app_token` means full access.
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub scope: String,
    /// Organization (account) ids; `None` means every accessible organization (a global PAT).
    #[serde(default)]
    pub target_accounts: Option<Vec<Uuid>>,
    #[serde(with = "wire::date")]
    pub valid_from: DateTime<Utc>,
    #[serde(with = "wire::date")]
    pub valid_to: DateTime<Utc>,
    /// The token value: only present in the create (and regenerate) response.
    #[serde(default)]
    pub token: Option<Secret>,
    /// A token of Azure DevOps Server / TFS (set by that backend, never by the cloud's wire
    /// format). Its "all collections" tokens are not the cloud's global PATs: they do not retire.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_premises: bool,
}

impl PatToken {
    /// The scope ids, split.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    /// True for a full-access token.
    pub fn is_full_access(&self) -> bool {
        self.scopes().any(|s| s == FULL_ACCESS_SCOPE)
    }

    /// True for a token valid in every accessible organization.
    pub fn is_global(&self) -> bool {
        self.target_accounts.is_none()
    }

    /// True for a cloud global PAT, which Microsoft retires (see [`crate::ops::retirement`]).
    pub fn retires(&self) -> bool {
        self.is_global() && !self.on_premises
    }

    /// True when `now` is past `validTo`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.valid_to <= now
    }

    /// Drops the token value (if any) and returns it.
    pub fn take_secret(&mut self) -> Option<Secret> {
        self.token.take()
    }
}

/// `PagedPatTokens`: one page of a list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PagedPatTokens {
    /// Empty, null or missing at the end.
    #[serde(default)]
    pub continuation_token: Option<String>,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub pat_tokens: Vec<PatToken>,
}

impl PagedPatTokens {
    /// The token for the next page, or `None` when this was the last one.
    pub fn next(&self) -> Option<&str> {
        self.continuation_token.as_deref().filter(|t| !t.is_empty())
    }
}

/// `PatTokenResult`: the answer of get, create and update. Errors may arrive inside HTTP 200.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatTokenResult {
    #[serde(default)]
    pub pat_token: Option<PatToken>,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub pat_token_error: PatTokenError,
    /// 7.2 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pat_token_error_message: Option<String>,
}

/// `PatTokenCreateRequest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatTokenCreateRequest {
    pub display_name: String,
    pub scope: String,
    #[serde(with = "wire::date")]
    pub valid_to: DateTime<Utc>,
    pub all_orgs: bool,
}

/// `PatTokenUpdateRequest`. patui always sends every field (see the API notes §2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatTokenUpdateRequest {
    pub authorization_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::opt_date"
    )]
    pub valid_to: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_orgs: Option<bool>,
}

/// Which tokens a list asks for (`displayFilterOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DisplayFilter {
    #[default]
    Active,
    Revoked,
    Expired,
    All,
}

impl DisplayFilter {
    /// The query value.
    pub fn as_query(self) -> &'static str {
        match self {
            DisplayFilter::Active => "active",
            DisplayFilter::Revoked => "revoked",
            DisplayFilter::Expired => "expired",
            DisplayFilter::All => "all",
        }
    }

    /// Parses the query value, case-insensitively (the .NET client sends PascalCase, and the
    /// legacy numbers 1-4 are accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "active" | "1" => Some(DisplayFilter::Active),
            "revoked" | "2" => Some(DisplayFilter::Revoked),
            "expired" | "3" => Some(DisplayFilter::Expired),
            "all" | "4" => Some(DisplayFilter::All),
            _ => None,
        }
    }
}

/// The server-side sort (`sortByOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ServerSort {
    #[default]
    DisplayName,
    DisplayDate,
    Status,
}

impl ServerSort {
    /// The query value.
    pub fn as_query(self) -> &'static str {
        match self {
            ServerSort::DisplayName => "displayName",
            ServerSort::DisplayDate => "displayDate",
            ServerSort::Status => "status",
        }
    }

    /// Parses the query value, case-insensitively (legacy numbers 1-3 too).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "displayname" | "1" => Some(ServerSort::DisplayName),
            "displaydate" | "2" => Some(ServerSort::DisplayDate),
            "status" | "3" => Some(ServerSort::Status),
            _ => None,
        }
    }
}

/// The options of a list request, resent unchanged on every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub filter: DisplayFilter,
    pub sort: ServerSort,
    pub ascending: bool,
}

/// `GET _apis/profile/profiles/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: Uuid,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub display_name: String,
    #[serde(default)]
    pub public_alias: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
}

/// One organization from `GET _apis/accounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub account_id: Uuid,
    pub account_name: String,
    #[serde(default)]
    pub account_uri: Option<String>,
}

/// The `{count, value}` wrapper the accounts API uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueList<T> {
    #[serde(default)]
    pub count: Option<usize>,
    #[serde(
        default = "Vec::new",
        deserialize_with = "wire::null_as_default",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub value: Vec<T>,
}

/// The VSS error body: `{"message": …, "typeKey": …}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VssError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub type_key: Option<String>,
    #[serde(default)]
    pub type_name: Option<String>,
}

/// The user a connectionData call authenticates as (only the parts patui reads).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionData {
    pub authenticated_user: ConnectionUser,
}

/// `authenticatedUser` of connectionData.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionUser {
    pub id: Uuid,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub provider_display_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testsupport::shared_example_body;

    #[test]
    fn list_example_parses() {
        for v in ["7.1", "7.2"] {
            let Some(body) = shared_example_body(&format!("{v}-ListPats.json")) else {
                return;
            };
            let page: PagedPatTokens = serde_json::from_value(body).unwrap();
            assert_eq!(page.pat_tokens.len(), 4);
            assert_eq!(page.next(), None);
            let global = &page.pat_tokens[0];
            assert!(global.is_global() && global.is_full_access());
            assert!(global.token.is_none());
            assert_eq!(
                page.pat_tokens[1].scopes().collect::<Vec<_>>(),
                ["vso.work_full"]
            );
            // SQL-datetime fractions (.5233333) survive.
            assert_eq!(global.valid_to.timestamp_subsec_micros(), 523_333);
        }
    }

    #[test]
    fn create_example_carries_the_token_once() {
        let Some(body) = shared_example_body("7.2-CreatePat.json") else {
            return;
        };
        let r: PatTokenResult = serde_json::from_value(body).unwrap();
        assert!(r.pat_token_error.is_none());
        let t = r.pat_token.unwrap();
        assert_eq!(t.display_name, "new_token");
        let secret = t.token.as_ref().expect("token in create response");
        assert_eq!(secret.len(), 52);
        assert!(!format!("{t:?}").contains(secret.expose()));
    }

    #[test]
    fn get_update_revoke_examples_parse() {
        for name in ["7.2-GetPat.json", "7.2-UpdatePat.json", "7.1-GetPat.json"] {
            let Some(body) = shared_example_body(name) else {
                return;
            };
            let r: PatTokenResult = serde_json::from_value(body).unwrap();
            assert!(r.pat_token.is_some(), "{name}");
            assert!(r.pat_token.unwrap().token.is_none(), "{name}");
        }
    }

    #[test]
    fn profile_and_accounts_examples_parse() {
        let Some(body) = shared_example_body("7.2-GET__profile_profiles_me.json") else {
            return;
        };
        let p: Profile = serde_json::from_value(body).unwrap();
        assert!(!p.display_name.is_empty());
        let Some(body) = shared_example_body("7.2-GET__Accounts_memberId-_userId_.json") else {
            return;
        };
        let a: ValueList<Account> = serde_json::from_value(body).unwrap();
        assert!(!a.value.is_empty());
        assert!(!a.value[0].account_name.is_empty());
    }

    #[test]
    fn error_in_a_200_body_is_read() {
        let r: PatTokenResult = serde_json::from_str(
            r#"{"patToken":null,"patTokenError":"fullScopePatPolicyViolation","patTokenErrorMessage":"nope"}"#,
        )
        .unwrap();
        assert_eq!(
            r.pat_token_error,
            PatTokenError::FullScopePatPolicyViolation
        );
        assert!(r.pat_token.is_none());
    }

    #[test]
    fn nulls_read_as_empty_and_zone_less_dates_as_utc() {
        let page: PagedPatTokens =
            serde_json::from_str(r#"{"patTokens":null,"continuationToken":null}"#).unwrap();
        assert!(page.pat_tokens.is_empty() && page.next().is_none());
        let t: PatToken = serde_json::from_str(
            r#"{"authorizationId":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","displayName":null,
                "scope":null,"targetAccounts":null,
                "validFrom":"2026-01-01T00:00:00","validTo":"2030-01-01T00:00:00.123"}"#,
        )
        .unwrap();
        assert_eq!(t.display_name, "");
        assert!(t.is_global());
        assert_eq!(t.valid_to.to_rfc3339(), "2030-01-01T00:00:00.123+00:00");
        let r: PatTokenResult =
            serde_json::from_str(r#"{"patToken":null,"patTokenError":null}"#).unwrap();
        assert!(r.pat_token_error.is_none());
        let v: ValueList<Account> = serde_json::from_str(r#"{"count":0,"value":null}"#).unwrap();
        assert!(v.value.is_empty());
    }

    #[test]
    fn requests_send_dates_in_milliseconds() {
        let when = DateTime::parse_from_rfc3339("2026-12-28T07:58:26.957413314Z")
            .unwrap()
            .with_timezone(&Utc);
        let create = PatTokenCreateRequest {
            display_name: "n".into(),
            scope: "vso.code".into(),
            valid_to: when,
            all_orgs: false,
        };
        let json = serde_json::to_string(&create).unwrap();
        assert!(
            json.contains(r#""validTo":"2026-12-28T07:58:26.957Z""#),
            "{json}"
        );
        let update = PatTokenUpdateRequest {
            authorization_id: Uuid::nil(),
            display_name: None,
            scope: None,
            valid_to: Some(when),
            all_orgs: None,
        };
        let json = serde_json::to_string(&update).unwrap();
        assert!(
            json.contains(r#""validTo":"2026-12-28T07:58:26.957Z""#),
            "{json}"
        );
        let back: PatTokenUpdateRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back.valid_to.unwrap().timestamp_subsec_millis(), 957);
    }

    #[test]
    fn filter_and_sort_parse_any_casing() {
        assert_eq!(DisplayFilter::parse("Active"), Some(DisplayFilter::Active));
        assert_eq!(DisplayFilter::parse("4"), Some(DisplayFilter::All));
        assert_eq!(DisplayFilter::parse("bogus"), None);
        assert_eq!(
            ServerSort::parse("DISPLAYDATE"),
            Some(ServerSort::DisplayDate)
        );
    }
}
