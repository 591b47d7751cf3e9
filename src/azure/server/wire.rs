//! The wire formats of Azure DevOps Server and TFS that patui reads and writes: `SessionToken`
//! (the session-token API at `_apis/Token/SessionTokens`), the parts of `connectionData` and of
//! the OPTIONS resource locations used to probe a server, project collections, the product a
//! REST version names, the HTML decoding of names the server stores encoded, and the detection of
//! the server's silent one-year clamp of `validTo`.

use crate::azure::models::{FULL_ACCESS_SCOPE, PatToken};
use crate::azure::wire;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The legacy full-access scope the TFS web page still shows as full access.
pub const LEGACY_FULL_ACCESS_SCOPE: &str = "preview_api_all";

/// One token of the session-token API.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionToken {
    pub authorization_id: Uuid,
    /// HTML-encoded as the server stores it (`&amp;`); see [`html_decode`].
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub display_name: String,
    /// Space-separated; empty means full access.
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub scope: String,
    /// Collection ids; `None` means every collection of the server.
    #[serde(default)]
    pub target_accounts: Option<Vec<Uuid>>,
    #[serde(with = "wire::date")]
    pub valid_from: DateTime<Utc>,
    #[serde(with = "wire::date")]
    pub valid_to: DateTime<Utc>,
    /// The value: only in a create answer.
    #[serde(default)]
    pub token: Option<Secret>,
    /// A self-describing token the create answer carries too. It is itself a credential: it is
    /// read only so that it is zeroized with the rest, and never used, stored or shown.
    #[serde(default)]
    pub alternate_token: Option<Secret>,
    /// False once revoked.
    #[serde(default = "yes", deserialize_with = "true_unless_false")]
    pub is_valid: bool,
    /// True for SSH keys, which share the store.
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub is_public: bool,
}

fn yes() -> bool {
    true
}

fn true_unless_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(true))
}

impl SessionToken {
    /// The token as patui's screens know it: the name decoded, an empty scope as full access,
    /// marked as on-premises. The alternate token is dropped (and zeroized) here.
    pub fn into_pat(self) -> PatToken {
        let scope = if self.scope.trim().is_empty() {
            FULL_ACCESS_SCOPE.to_owned()
        } else {
            self.scope
                .split_whitespace()
                .map(|s| {
                    if s.eq_ignore_ascii_case(LEGACY_FULL_ACCESS_SCOPE) {
                        FULL_ACCESS_SCOPE
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        PatToken {
            authorization_id: self.authorization_id,
            display_name: html_decode(&self.display_name),
            scope,
            target_accounts: self.target_accounts,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            token: self.token,
            on_premises: true,
        }
    }
}

/// The `{count, value}` list the server wraps collections in.
#[derive(Debug, Clone, Deserialize)]
pub struct Listed<T> {
    #[serde(
        default = "Vec::new",
        deserialize_with = "wire::null_as_default",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub value: Vec<T>,
}

/// The body of a create or update: always the full name (decoded), scope and `validTo`, since
/// the server writes what is missing as full access and the year 1.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionTokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_id: Option<Uuid>,
    pub display_name: String,
    pub scope: String,
    #[serde(with = "wire::date")]
    pub valid_to: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_accounts: Option<Vec<Uuid>>,
}

/// The parts of `connectionData` a probe reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerConnectionData {
    pub authenticated_user: ServerUser,
    /// This host's id: the collection's at a collection URL, the server's at its root.
    #[serde(default)]
    pub instance_id: Option<Uuid>,
    #[serde(default)]
    pub deployment_id: Option<Uuid>,
    /// `onPremises` or `hosted`.
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub deployment_type: String,
}

impl ServerConnectionData {
    /// True when the URL asked was the server's root rather than a collection.
    pub fn is_server_root(&self) -> bool {
        self.instance_id.is_some() && self.instance_id == self.deployment_id
    }

    /// True when the deployment says it is the cloud service.
    pub fn is_hosted(&self) -> bool {
        self.deployment_type.eq_ignore_ascii_case("hosted")
    }
}

/// `authenticatedUser` of connectionData.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerUser {
    pub id: Uuid,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub provider_display_name: String,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub custom_display_name: String,
}

/// One resource location of an OPTIONS answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceLocation {
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub area: String,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub resource_name: String,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub max_version: String,
}

/// One project collection of `GET {root}/_apis/projectCollections`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectCollection {
    pub id: Uuid,
    #[serde(default, deserialize_with = "wire::null_as_default")]
    pub name: String,
}

/// The on-premises product, named by the newest REST version the server speaks (OPTIONS
/// `maxVersion` of a legacy route is the server's newest version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerProduct {
    Tfs2017,
    Tfs2018,
    Ads2019,
    Ads2020,
    Ads2022,
    /// A REST major version above 7: a release after Azure DevOps Server 2022.
    Newer(u16),
}

impl ServerProduct {
    /// From a REST version such as `3.2`, `6.0` or `7.1-preview.1`; `None` for anything older
    /// than TFS 2017 (major 3) or unreadable.
    pub fn from_api_version(v: &str) -> Option<Self> {
        let major: u16 = v.trim().split(['.', '-']).next()?.parse().ok()?;
        Some(match major {
            3 => ServerProduct::Tfs2017,
            4 => ServerProduct::Tfs2018,
            5 => ServerProduct::Ads2019,
            6 => ServerProduct::Ads2020,
            7 => ServerProduct::Ads2022,
            m if m > 7 => ServerProduct::Newer(m),
            _ => return None,
        })
    }

    /// From the OPTIONS answer of `_apis/Token/SessionTokens`: the product, or `None` when the
    /// server does not have the session-token API.
    pub fn from_locations(locations: &[ResourceLocation]) -> Option<Self> {
        locations
            .iter()
            .find(|l| {
                l.area.eq_ignore_ascii_case("Token")
                    && l.resource_name.eq_ignore_ascii_case("SessionTokens")
            })
            .and_then(|l| Self::from_api_version(&l.max_version))
    }

    /// The year of the release (scope lists and labels are kept per year).
    pub fn year(self) -> u16 {
        match self {
            ServerProduct::Tfs2017 => 2017,
            ServerProduct::Tfs2018 => 2018,
            ServerProduct::Ads2019 => 2019,
            ServerProduct::Ads2020 => 2020,
            ServerProduct::Ads2022 | ServerProduct::Newer(_) => 2022,
        }
    }

    /// The product's name, for the header and `doctor`.
    pub fn name(self) -> String {
        match self {
            ServerProduct::Tfs2017 => "TFS 2017".into(),
            ServerProduct::Tfs2018 => "TFS 2018".into(),
            ServerProduct::Ads2019 => "Azure DevOps Server 2019".into(),
            ServerProduct::Ads2020 => "Azure DevOps Server 2020".into(),
            ServerProduct::Ads2022 => "Azure DevOps Server 2022".into(),
            ServerProduct::Newer(m) => format!("Azure DevOps Server (REST {m}.x)"),
        }
    }

    /// False where editing a token through the session-token API is not known to work (TFS
    /// 2017 and 2018): patui still tries, and offers regenerate if the server refuses.
    pub fn update_known(self) -> bool {
        !matches!(self, ServerProduct::Tfs2017 | ServerProduct::Tfs2018)
    }
}

/// Decodes the HTML entities the server encodes names with (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`, `&apos;` and numeric references). Anything else is left as it is.
pub fn html_decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = tail
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&tail[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// When the server gave a token a shorter life than asked (it clamps `validTo` to its maximum
/// lifetime without saying so): the date it chose. A difference under a minute is rounding.
pub fn clamped(requested: DateTime<Utc>, granted: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (requested - granted > chrono::Duration::minutes(1)).then_some(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_every_entity_the_server_writes() {
        assert_eq!(html_decode("R&amp;D feed reader"), "R&D feed reader");
        assert_eq!(
            html_decode("&lt;release&gt; &quot;x&quot; &#39;y&#39; &apos;z&apos;"),
            "<release> \"x\" 'y' 'z'"
        );
        assert_eq!(html_decode("&#233;t&#xE9;"), "été");
        // Not entities: left alone.
        assert_eq!(html_decode("a & b"), "a & b");
        assert_eq!(html_decode("&bogus; &; &#xZZ;"), "&bogus; &; &#xZZ;");
        assert_eq!(html_decode("tail &amp"), "tail &amp");
        // Decoded once, not twice.
        assert_eq!(html_decode("&amp;amp;"), "&amp;");
    }

    #[test]
    fn the_product_follows_the_major_version() {
        let cases = [
            ("3.2", ServerProduct::Tfs2017),
            ("4.1", ServerProduct::Tfs2018),
            ("5.0", ServerProduct::Ads2019),
            ("5.1-preview.1", ServerProduct::Ads2019),
            ("6.0", ServerProduct::Ads2020),
            ("7.0", ServerProduct::Ads2022),
            ("7.1", ServerProduct::Ads2022),
            ("8.0", ServerProduct::Newer(8)),
        ];
        for (v, p) in cases {
            assert_eq!(ServerProduct::from_api_version(v), Some(p), "{v}");
        }
        assert_eq!(ServerProduct::from_api_version("2.0"), None);
        assert_eq!(ServerProduct::from_api_version(""), None);
        assert_eq!(ServerProduct::from_api_version("x.1"), None);
    }

    #[test]
    fn probing_reads_the_session_token_location_only() {
        let body = r#"{"count":2,"value":[
            {"id":"x","area":"Other","resourceName":"Thing","maxVersion":"9.0"},
            {"id":"ada996bc-8c18-4193-b20c-cd41b13f5b4d","area":"Token","resourceName":"SessionTokens",
             "routeTemplate":"_apis/{area}/{resource}/{authorizationId}","resourceVersion":1,
             "minVersion":"1.0","maxVersion":"3.2","releasedVersion":"3.2"}]}"#;
        let l: Listed<ResourceLocation> = serde_json::from_str(body).unwrap();
        assert_eq!(
            ServerProduct::from_locations(&l.value),
            Some(ServerProduct::Tfs2017)
        );
        let empty: Listed<ResourceLocation> =
            serde_json::from_str(r#"{"count":0,"value":[]}"#).unwrap();
        assert_eq!(ServerProduct::from_locations(&empty.value), None);
    }

    #[test]
    fn clamping_is_seen_only_beyond_a_minute() {
        let asked = DateTime::parse_from_rfc3339("2028-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let got = asked - chrono::Duration::days(200);
        assert_eq!(clamped(asked, got), Some(got));
        assert_eq!(clamped(asked, asked - chrono::Duration::seconds(30)), None);
        assert_eq!(clamped(asked, asked), None);
    }

    #[test]
    fn a_session_token_reads_leniently_and_converts() {
        let t: SessionToken = serde_json::from_str(
            r#"{"authorizationId":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","displayName":"R&amp;D",
                "scope":"","targetAccounts":null,"validFrom":"2026-01-01T00:00:00",
                "validTo":"2027-01-01T00:00:00.5Z","isValid":null,"isPublic":false,
                "token":null,"alternateToken":null,"clientId":"00000000-0000-0000-0000-000000000000"}"#,
        )
        .unwrap();
        assert!(t.is_valid);
        let p = t.into_pat();
        assert_eq!(p.display_name, "R&D");
        assert_eq!(p.scope, FULL_ACCESS_SCOPE);
        assert!(p.is_global() && p.on_premises && !p.retires());
        let legacy: SessionToken = serde_json::from_str(
            r#"{"authorizationId":"4a7e1e36-8a55-4b3a-9f4c-3a3b0c1d2e3f","scope":"preview_api_all vso.code",
                "validFrom":"2026-01-01T00:00:00Z","validTo":"0001-01-01T00:00:00","isValid":false}"#,
        )
        .unwrap();
        assert!(!legacy.is_valid);
        assert!(legacy.into_pat().is_full_access());
    }

    #[test]
    fn a_request_always_carries_name_scope_and_date() {
        let r = SessionTokenRequest {
            authorization_id: None,
            display_name: "R&D".into(),
            scope: "vso.code".into(),
            valid_to: DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            target_accounts: None,
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["displayName"], "R&D");
        assert_eq!(json["scope"], "vso.code");
        assert_eq!(json["validTo"], "2027-01-01T00:00:00.000Z");
        assert!(json.get("authorizationId").is_none());
        assert!(json.get("targetAccounts").is_none());
    }
}
