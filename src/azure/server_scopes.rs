//! The scope catalogue of Azure DevOps Server / TFS (on-premises), per server version, with the
//! titles each era's web page used.
//!
//! The on-prem PAT page (`…/_details/security/tokens`, MVC `PersonalAccessTokenController`) shows
//! one flat checkbox list: every scope definition whose availability is `Public`, titled with the
//! definition's `title` and sorted by it ("Agent Pools (read, manage)", "Build (read and
//! execute)", …). It hides `None`, `Conditional`, `Deprecated` and `System` scopes. Here each
//! title is split into a group (the area, before the parentheses) and a level label (the wording
//! inside them), so that `"{group} ({label})"` gives the era's title back; the few titles without
//! parentheses ("Marketplace", "Connected Server", "PR threads", "Delegated Authorization Tokens",
//! "Token Administration", "Audit Read Log", "Audit Manage Streams") are kept in
//! [`TITLE_OVERRIDES`].
//!
//! Sources and confidence:
//! - **2022** (REST 7.x) is exact: the 78 `Public` definitions of the ADS 2022 server binaries
//!   (`AuthorizationScopeDefinitions`, assembly 19.0), which the PAT page lists.
//! - **2017–2020** are reconstructed, conservatively: a scope appears in the first version where it
//!   is reasonably sure the server knew it. Newer ids (`vso.environment_manage`,
//!   `vso.pipelineresources_*`, `vso.auditlog`, `vso.advsec*`, `vso.threads_full`) are only in
//!   2022; titles are assumed unchanged from 2022. A server may know more than listed here.
//! - `vso.tokens` ("Delegated Authorization Tokens") is listed in every version because patui's
//!   own sign-in PAT needs it; on TFS 2017/2018 the server may reject it (`InvalidScope`).
//!
//! The version is a plain release year (2017, 2018, 2019, 2020, 2022), derived by the caller from
//! the REST API's major version (OPTIONS `maxVersion`: 3 → 2017, 4 → 2018, 5 → 2019, 6 → 2020,
//! 7 → 2022).

use crate::azure::models::FULL_ACCESS_SCOPE;
use crate::azure::scopes::{ScopeGroup, ScopeLevel};

/// The web page's lifespan presets, in days (expiry = now + N days − 1 minute).
pub const LIFESPAN_DAYS: [u32; 3] = [90, 180, 365];

/// The legacy full-access scope; the page shows it as "Full access" like `app_token`.
pub const LEGACY_FULL_ACCESS_SCOPE: &str = "preview_api_all";

/// The versions with their own catalogue, oldest first.
pub const KNOWN_YEARS: [u16; 5] = [2017, 2018, 2019, 2020, 2022];

/// Scope ids that on-prem servers offered but the cloud catalogue no longer knows.
pub const ON_PREM_ONLY: &[&str] = &["vso.chat_write", "vso.chat_manage"];

/// Scopes that a newer version stopped offering: `(first version without it, scope id)`.
/// Team rooms are gone from ADS 2019 on; Load test is `Deprecated` (hidden) in ADS 2022.
pub const RETIRED: &[(u16, &str)] = &[
    (2019, "vso.chat_write"),
    (2019, "vso.chat_manage"),
    (2022, "vso.loadtest"),
    (2022, "vso.loadtest_write"),
];

/// Exact titles that are not `"{group} ({label})"`.
pub const TITLE_OVERRIDES: &[(&str, &str)] = &[
    ("vso.gallery", "Marketplace"),
    ("vso.connected_server", "Connected Server"),
    ("vso.tokens", "Delegated Authorization Tokens"),
    ("vso.tokenadministration", "Token Administration"),
    ("vso.threads_full", "PR threads"),
    ("vso.auditlog", "Audit Read Log"),
    ("vso.auditstreams_manage", "Audit Manage Streams"),
];

macro_rules! group {
    ($name:literal => [ $( $label:literal = $scope:literal ),+ $(,)? ]) => {
        ScopeGroup {
            name: $name,
            levels: &[ $( ScopeLevel { label: $label, scope: $scope } ),+ ],
        }
    };
}

// ---- Groups shared by several versions (lowest level first; a higher level includes the lower).

const ADVANCED_SECURITY: ScopeGroup = group!("AdvancedSecurity" => [
    "read" = "vso.advsec",
    "read and write" = "vso.advsec_write",
    "read, write, and manage" = "vso.advsec_manage",
]);
/// TFS 2017: only the manage level is established ("Agent Pools (read, manage)").
const AGENT_POOLS_2017: ScopeGroup = group!("Agent Pools" => [
    "read, manage" = "vso.agentpools_manage",
]);
const AGENT_POOLS: ScopeGroup = group!("Agent Pools" => [
    "read" = "vso.agentpools",
    "read, manage" = "vso.agentpools_manage",
]);
const ANALYTICS: ScopeGroup = group!("Analytics" => ["read" = "vso.analytics"]);
const AUDIT: ScopeGroup = group!("Audit" => [
    "read log" = "vso.auditlog",
    "manage streams" = "vso.auditstreams_manage",
]);
const BUILD: ScopeGroup = group!("Build" => [
    "read" = "vso.build",
    "read and execute" = "vso.build_execute",
]);
const CODE_2017: ScopeGroup = group!("Code" => [
    "read" = "vso.code",
    "read and write" = "vso.code_write",
    "read, write, and manage" = "vso.code_manage",
]);
const CODE_2018: ScopeGroup = group!("Code" => [
    "read" = "vso.code",
    "read and write" = "vso.code_write",
    "read, write, and manage" = "vso.code_manage",
    "status" = "vso.code_status",
]);
const CODE: ScopeGroup = group!("Code" => [
    "read" = "vso.code",
    "read and write" = "vso.code_write",
    "read, write, and manage" = "vso.code_manage",
    "full" = "vso.code_full",
    "status" = "vso.code_status",
]);
const CONNECTED_SERVER: ScopeGroup = group!("Connected Server" => [
    "connected server" = "vso.connected_server",
]);
const DELEGATED_TOKENS: ScopeGroup = group!("Delegated Authorization Tokens" => [
    "read and manage" = "vso.tokens",
]);
const DEPLOYMENT_GROUP: ScopeGroup = group!("Deployment group" => [
    "read, manage" = "vso.machinegroup_manage",
]);
const ENTITLEMENTS: ScopeGroup = group!("Entitlements" => ["Read" = "vso.entitlements"]);
const ENVIRONMENT: ScopeGroup = group!("Environment" => [
    "read, manage" = "vso.environment_manage",
]);
const EXTENSION_DATA: ScopeGroup = group!("Extension data" => [
    "read" = "vso.extension.data",
    "read and write" = "vso.extension.data_write",
]);
const EXTENSIONS: ScopeGroup = group!("Extensions" => [
    "read" = "vso.extension",
    "read and manage" = "vso.extension_manage",
]);
const GRAPH: ScopeGroup = group!("Graph" => [
    "read" = "vso.graph",
    "manage" = "vso.graph_manage",
]);
const IDENTITY_2017: ScopeGroup = group!("Identity" => ["read" = "vso.identity"]);
const IDENTITY: ScopeGroup = group!("Identity" => [
    "read" = "vso.identity",
    "manage" = "vso.identity_manage",
]);
const LOAD_TEST: ScopeGroup = group!("Load test" => [
    "read" = "vso.loadtest",
    "read and write" = "vso.loadtest_write",
]);
const MARKETPLACE: ScopeGroup = group!("Marketplace" => [
    "read" = "vso.gallery",
    "acquire" = "vso.gallery_acquire",
    "publish" = "vso.gallery_publish",
    "manage" = "vso.gallery_manage",
]);
const MEMBER_ENTITLEMENTS: ScopeGroup = group!("MemberEntitlement Management" => [
    "read" = "vso.memberentitlementmanagement",
    "write" = "vso.memberentitlementmanagement_write",
]);
const NOTIFICATIONS_2018: ScopeGroup = group!("Notifications" => [
    "read" = "vso.notification",
    "write" = "vso.notification_write",
    "manage" = "vso.notification_manage",
]);
const NOTIFICATIONS: ScopeGroup = group!("Notifications" => [
    "read" = "vso.notification",
    "write" = "vso.notification_write",
    "manage" = "vso.notification_manage",
    "diagnostics" = "vso.notification_diagnostics",
]);
const PACKAGING: ScopeGroup = group!("Packaging" => [
    "read" = "vso.packaging",
    "read and write" = "vso.packaging_write",
    "read, write, and manage" = "vso.packaging_manage",
]);
const PIPELINE_RESOURCES: ScopeGroup = group!("Pipeline Resources" => [
    "use" = "vso.pipelineresources_use",
    "use and manage" = "vso.pipelineresources_manage",
]);
const PR_THREADS: ScopeGroup = group!("PR threads" => ["read and write" = "vso.threads_full"]);
const PROJECT_AND_TEAM: ScopeGroup = group!("Project and team" => [
    "read" = "vso.project",
    "read and write" = "vso.project_write",
    "read, write and manage" = "vso.project_manage",
]);
const RELEASE: ScopeGroup = group!("Release" => [
    "read" = "vso.release",
    "read, write and execute" = "vso.release_execute",
    "read, write, execute and manage" = "vso.release_manage",
]);
const SECURE_FILES: ScopeGroup = group!("Secure Files" => [
    "read" = "vso.securefiles_read",
    "read, create" = "vso.securefiles_write",
    "read, create, and manage" = "vso.securefiles_manage",
]);
const SECURITY: ScopeGroup = group!("Security" => ["manage" = "vso.security_manage"]);
const SERVICE_ENDPOINTS: ScopeGroup = group!("Service Endpoints" => [
    "read" = "vso.serviceendpoint",
    "read and query" = "vso.serviceendpoint_query",
    "read, query and manage" = "vso.serviceendpoint_manage",
]);
const SYMBOLS: ScopeGroup = group!("Symbols" => [
    "read" = "vso.symbols",
    "read and write" = "vso.symbols_write",
    "read, write and manage" = "vso.symbols_manage",
]);
const TASK_GROUPS: ScopeGroup = group!("Task Groups" => [
    "read" = "vso.taskgroups_read",
    "read, create" = "vso.taskgroups_write",
    "read, create and manage" = "vso.taskgroups_manage",
]);
const TEAM_DASHBOARDS: ScopeGroup = group!("Team dashboards" => [
    "read" = "vso.dashboards",
    "manage" = "vso.dashboards_manage",
]);
const TEAM_ROOMS: ScopeGroup = group!("Team rooms" => [
    "read and write" = "vso.chat_write",
    "read, write, and manage" = "vso.chat_manage",
]);
const TEST_MANAGEMENT: ScopeGroup = group!("Test management" => [
    "read" = "vso.test",
    "read and write" = "vso.test_write",
]);
const TOKEN_ADMINISTRATION: ScopeGroup = group!("Token Administration" => [
    "read and manage" = "vso.tokenadministration",
]);
const USER_PROFILE_2017: ScopeGroup = group!("User profile" => ["read" = "vso.profile"]);
const USER_PROFILE: ScopeGroup = group!("User profile" => [
    "read" = "vso.profile",
    "write" = "vso.profile_write",
]);
const VARIABLE_GROUPS: ScopeGroup = group!("Variable Groups" => [
    "read" = "vso.variablegroups_read",
    "read, create" = "vso.variablegroups_write",
    "read, create and manage" = "vso.variablegroups_manage",
]);
const WIKI: ScopeGroup = group!("Wiki" => [
    "read" = "vso.wiki",
    "read and write" = "vso.wiki_write",
]);
const WORK_ITEMS_2017: ScopeGroup = group!("Work items" => [
    "read" = "vso.work",
    "read and write" = "vso.work_write",
]);
const WORK_ITEMS: ScopeGroup = group!("Work items" => [
    "read" = "vso.work",
    "read and write" = "vso.work_write",
    "full" = "vso.work_full",
]);

// ---- One list per version, alphabetical by group like the web page.

/// TFS 2017 (REST 3.x): the conservative set.
pub const GROUPS_2017: &[ScopeGroup] = &[
    AGENT_POOLS_2017,
    BUILD,
    CODE_2017,
    DELEGATED_TOKENS,
    EXTENSION_DATA,
    EXTENSIONS,
    IDENTITY_2017,
    LOAD_TEST,
    MARKETPLACE,
    PACKAGING,
    PROJECT_AND_TEAM,
    RELEASE,
    TEAM_DASHBOARDS,
    TEAM_ROOMS,
    TEST_MANAGEMENT,
    USER_PROFILE_2017,
    WORK_ITEMS_2017,
];

/// TFS 2018 (REST 4.x).
pub const GROUPS_2018: &[ScopeGroup] = &[
    AGENT_POOLS,
    BUILD,
    CODE_2018,
    CONNECTED_SERVER,
    DELEGATED_TOKENS,
    DEPLOYMENT_GROUP,
    ENTITLEMENTS,
    EXTENSION_DATA,
    EXTENSIONS,
    IDENTITY_2017,
    LOAD_TEST,
    MARKETPLACE,
    NOTIFICATIONS_2018,
    PACKAGING,
    PROJECT_AND_TEAM,
    RELEASE,
    SERVICE_ENDPOINTS,
    TEAM_DASHBOARDS,
    TEAM_ROOMS,
    TEST_MANAGEMENT,
    USER_PROFILE,
    WORK_ITEMS_2017,
];

/// Azure DevOps Server 2019 (REST 5.x): team rooms are gone.
pub const GROUPS_2019: &[ScopeGroup] = &[
    AGENT_POOLS,
    ANALYTICS,
    BUILD,
    CODE,
    CONNECTED_SERVER,
    DELEGATED_TOKENS,
    DEPLOYMENT_GROUP,
    ENTITLEMENTS,
    EXTENSION_DATA,
    EXTENSIONS,
    GRAPH,
    IDENTITY,
    LOAD_TEST,
    MARKETPLACE,
    MEMBER_ENTITLEMENTS,
    NOTIFICATIONS,
    PACKAGING,
    PROJECT_AND_TEAM,
    RELEASE,
    SECURE_FILES,
    SECURITY,
    SERVICE_ENDPOINTS,
    SYMBOLS,
    TASK_GROUPS,
    TEAM_DASHBOARDS,
    TEST_MANAGEMENT,
    TOKEN_ADMINISTRATION,
    USER_PROFILE,
    VARIABLE_GROUPS,
    WIKI,
    WORK_ITEMS,
];

/// Azure DevOps Server 2020 (REST 6.0). Nothing beyond 2019 could be established, so the
/// newer ids (environment, pipeline resources, audit, PR threads) are left to 2022.
pub const GROUPS_2020: &[ScopeGroup] = GROUPS_2019;

/// Azure DevOps Server 2022 (REST 7.x): exactly the 78 `Public` scopes of the server binaries.
/// Load test is `Deprecated` there and no longer shown.
pub const GROUPS_2022: &[ScopeGroup] = &[
    ADVANCED_SECURITY,
    AGENT_POOLS,
    ANALYTICS,
    AUDIT,
    BUILD,
    CODE,
    CONNECTED_SERVER,
    DELEGATED_TOKENS,
    DEPLOYMENT_GROUP,
    ENTITLEMENTS,
    ENVIRONMENT,
    EXTENSION_DATA,
    EXTENSIONS,
    GRAPH,
    IDENTITY,
    MARKETPLACE,
    MEMBER_ENTITLEMENTS,
    NOTIFICATIONS,
    PACKAGING,
    PIPELINE_RESOURCES,
    PR_THREADS,
    PROJECT_AND_TEAM,
    RELEASE,
    SECURE_FILES,
    SECURITY,
    SERVICE_ENDPOINTS,
    SYMBOLS,
    TASK_GROUPS,
    TEAM_DASHBOARDS,
    TEST_MANAGEMENT,
    TOKEN_ADMINISTRATION,
    USER_PROFILE,
    VARIABLE_GROUPS,
    WIKI,
    WORK_ITEMS,
];

/// The catalogue version used for a release year: the nearest older known one; years before
/// 2017 use 2017 and years after 2022 use 2022.
pub fn era(year: u16) -> u16 {
    match year {
        0..=2017 => 2017,
        2018 => 2018,
        2019 => 2019,
        2020 | 2021 => 2020,
        _ => 2022,
    }
}

/// The picker's groups for a server version (see [`era`] for the year mapping).
pub fn groups_for(year: u16) -> &'static [ScopeGroup] {
    match era(year) {
        2017 => GROUPS_2017,
        2018 => GROUPS_2018,
        2019 => GROUPS_2019,
        2020 => GROUPS_2020,
        _ => GROUPS_2022,
    }
}

/// True for `app_token` and the legacy `preview_api_all`.
pub fn is_full_access(scope: &str) -> bool {
    scope.eq_ignore_ascii_case(FULL_ACCESS_SCOPE)
        || scope.eq_ignore_ascii_case(LEGACY_FULL_ACCESS_SCOPE)
}

fn find_in(
    groups: &'static [ScopeGroup],
    scope: &str,
) -> Option<(&'static ScopeGroup, &'static ScopeLevel)> {
    groups.iter().find_map(|g| {
        g.levels
            .iter()
            .find(|l| l.scope.eq_ignore_ascii_case(scope))
            .map(|l| (g, l))
    })
}

/// The group and level of a scope id in that version's picker.
pub fn find(year: u16, scope: &str) -> Option<(&'static ScopeGroup, &'static ScopeLevel)> {
    find_in(groups_for(year), scope)
}

fn title(group: &ScopeGroup, level: &ScopeLevel) -> String {
    TITLE_OVERRIDES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(level.scope))
        .map_or_else(
            || format!("{} ({})", group.name, level.label),
            |(_, t)| (*t).to_owned(),
        )
}

/// The era's title of one scope id, e.g. `(2017, "vso.agentpools_manage")` →
/// "Agent Pools (read, manage)"; `app_token` / `preview_api_all` → "Full access".
///
/// A scope the version no longer offers but an older one did (e.g. `vso.chat_write` on 2019)
/// gets the older title, so existing tokens still read well. A scope unknown to this version
/// and all older ones gives `None`.
pub fn label(year: u16, scope: &str) -> Option<String> {
    if is_full_access(scope) {
        return Some("Full access".to_owned());
    }
    let newest = era(year);
    KNOWN_YEARS
        .iter()
        .rev()
        .filter(|y| **y <= newest)
        .find_map(|y| find(*y, scope))
        .map(|(g, l)| title(g, l))
}

/// True when the version's page offers the scope, or it is full access or `vso.tokens`.
pub fn is_known(year: u16, scope: &str) -> bool {
    is_full_access(scope) || scope.eq_ignore_ascii_case("vso.tokens") || find(year, scope).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ids(year: u16) -> Vec<&'static str> {
        groups_for(year)
            .iter()
            .flat_map(|g| g.levels.iter().map(|l| l.scope))
            .collect()
    }

    #[test]
    fn agent_pools_2017() {
        let (g, l) = find(2017, "vso.agentpools_manage").expect("in 2017");
        assert_eq!((g.name, l.label), ("Agent Pools", "read, manage"));
        assert_eq!(
            label(2017, "vso.agentpools_manage").as_deref(),
            Some("Agent Pools (read, manage)")
        );
    }

    #[test]
    fn era_titles() {
        let cases = [
            (2017, "vso.build_execute", "Build (read and execute)"),
            (2017, "vso.code_manage", "Code (read, write, and manage)"),
            (2017, "vso.chat_write", "Team rooms (read and write)"),
            (2017, "vso.tokens", "Delegated Authorization Tokens"),
            (2017, "vso.gallery", "Marketplace"),
            (
                2018,
                "vso.machinegroup_manage",
                "Deployment group (read, manage)",
            ),
            (2018, "vso.entitlements", "Entitlements (Read)"),
            (2018, "vso.connected_server", "Connected Server"),
            (2019, "vso.tokenadministration", "Token Administration"),
            (
                2019,
                "vso.project_manage",
                "Project and team (read, write and manage)",
            ),
            (2022, "vso.environment_manage", "Environment (read, manage)"),
            (2022, "vso.threads_full", "PR threads"),
            (2022, "vso.auditlog", "Audit Read Log"),
            (
                2022,
                "vso.advsec_manage",
                "AdvancedSecurity (read, write, and manage)",
            ),
        ];
        for (year, scope, want) in cases {
            assert_eq!(label(year, scope).as_deref(), Some(want), "{year} {scope}");
        }
    }

    #[test]
    fn newer_scopes_only_on_newer_servers() {
        for s in [
            "vso.environment_manage",
            "vso.advsec",
            "vso.pipelineresources_use",
            "vso.auditlog",
        ] {
            assert!(!is_known(2017, s), "{s}");
            assert!(label(2017, s).is_none(), "{s}");
        }
        assert!(is_known(2022, "vso.environment_manage"));
        assert!(!is_known(2018, "vso.tokenadministration"));
        assert!(is_known(2019, "vso.tokenadministration"));
        assert!(is_known(2018, "vso.chat_write"));
        assert!(!is_known(2019, "vso.chat_write"));
        // Retired scopes keep their old title for display.
        assert_eq!(
            label(2022, "vso.chat_manage").as_deref(),
            Some("Team rooms (read, write, and manage)")
        );
        assert_eq!(
            label(2022, "vso.loadtest").as_deref(),
            Some("Load test (read)")
        );
    }

    #[test]
    fn every_id_is_a_real_scope() {
        for year in KNOWN_YEARS {
            for id in ids(year) {
                assert!(
                    crate::azure::scopes::find(id).is_some()
                        || crate::azure::scopes::is_extra_scope(id)
                        || ON_PREM_ONLY.contains(&id),
                    "{year}: {id}"
                );
            }
        }
        let special = RETIRED.iter().map(|(_, id)| *id);
        for id in special.chain(TITLE_OVERRIDES.iter().map(|(id, _)| *id)) {
            assert!(
                crate::azure::scopes::find(id).is_some() || ON_PREM_ONLY.contains(&id),
                "{id}"
            );
        }
    }

    #[test]
    fn no_duplicates_sorted_and_non_empty() {
        for year in KNOWN_YEARS {
            let mut seen = HashSet::new();
            for id in ids(year) {
                assert!(seen.insert(id), "{year}: {id} twice");
            }
            let groups = groups_for(year);
            let mut names = HashSet::new();
            for g in groups {
                assert!(!g.levels.is_empty(), "{year}: {}", g.name);
                assert!(names.insert(g.name), "{year}: group {} twice", g.name);
            }
            for w in groups.windows(2) {
                assert!(
                    w[0].name.to_lowercase() < w[1].name.to_lowercase(),
                    "{year}: {} before {}",
                    w[0].name,
                    w[1].name
                );
            }
        }
        assert_eq!(ids(2022).len(), 78, "ADS 2022 lists 78 public scopes");
    }

    #[test]
    fn newer_versions_are_supersets_minus_retired() {
        for w in KNOWN_YEARS.windows(2) {
            let (old, new) = (w[0], w[1]);
            for id in ids(old) {
                let retired = RETIRED
                    .iter()
                    .any(|(y, s)| *s == id && *y > old && *y <= new);
                assert_eq!(is_known(new, id), !retired, "{old}→{new}: {id}");
            }
        }
        for (y, s) in RETIRED {
            assert!(!is_known(*y, s), "{y}: {s}");
        }
    }

    #[test]
    fn full_access_and_unknown() {
        assert_eq!(label(2017, "app_token").as_deref(), Some("Full access"));
        assert_eq!(
            label(2022, "preview_api_all").as_deref(),
            Some("Full access")
        );
        assert!(is_known(2017, "app_token"));
        assert!(is_known(2017, "preview_api_all"));
        assert!(label(2022, "vso.nonsense").is_none());
        assert!(!is_known(2022, "vso.nonsense"));
        assert!(
            label(2022, "vso.githubconnections").is_none(),
            "Conditional: hidden"
        );
        for year in KNOWN_YEARS {
            assert!(is_known(year, "vso.tokens"), "{year}");
            assert!(ids(year).contains(&"vso.tokens"), "{year}");
        }
        assert!(is_known(2019, "VSO.Code_Write"), "case-insensitive");
    }

    #[test]
    fn year_mapping() {
        assert_eq!(era(0), 2017);
        assert_eq!(era(2015), 2017);
        assert_eq!(era(2017), 2017);
        assert_eq!(era(2018), 2018);
        assert_eq!(era(2019), 2019);
        assert_eq!(era(2020), 2020);
        assert_eq!(era(2021), 2020);
        assert_eq!(era(2022), 2022);
        assert_eq!(era(2025), 2022);
        assert_eq!(era(u16::MAX), 2022);
        assert_eq!(groups_for(2016), GROUPS_2017);
        assert_eq!(groups_for(2021), GROUPS_2020);
        assert_eq!(groups_for(2030), GROUPS_2022);
        assert_eq!(LIFESPAN_DAYS, [90, 180, 365]);
    }
}
