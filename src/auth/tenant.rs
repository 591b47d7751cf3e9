//! Tenant discovery: an unauthenticated request to the organization URL answers with
//! `X-VSS-ResourceTenant` (the Entra tenant backing the organization; all zeros for an
//! MSA-backed one).

use reqwest::Url;
use std::time::Duration;

/// The tenant to sign in to for `org`, or `None` when the service did not say.
/// An all-zero tenant (MSA-backed organization) maps to `organizations`.
pub async fn discover(org_base: &Url, org: &str) -> Option<String> {
    let mut url = org_base.clone();
    url.path_segments_mut().ok()?.pop_if_empty().push(org);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .ok()?;
    let resp = http.head(url).send().await.ok()?;
    let header = resp.headers().get("X-VSS-ResourceTenant")?.to_str().ok()?;
    parse_resource_tenant(header)
}

/// Picks the first non-empty GUID of the header (several may be listed).
pub fn parse_resource_tenant(header: &str) -> Option<String> {
    let ids: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let real = ids
        .iter()
        .find(|s| uuid::Uuid::parse_str(s).is_ok_and(|u| !u.is_nil()));
    match real {
        Some(t) => Some((*t).to_owned()),
        None if !ids.is_empty() => Some("organizations".to_owned()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_header_parsing() {
        assert_eq!(
            parse_resource_tenant(
                "00000000-0000-0000-0000-000000000000, 72f988bf-86f1-41af-91ab-2d7cd011db47"
            ),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into())
        );
        assert_eq!(
            parse_resource_tenant("00000000-0000-0000-0000-000000000000"),
            Some("organizations".into())
        );
        assert_eq!(parse_resource_tenant(""), None);
    }
}
