//! The scope catalogue: the "Custom defined" picker of the web UI (groups, access levels, scope
//! ids), display names for scope strings, high-privilege flags, and the built-in presets.

use crate::azure::models::FULL_ACCESS_SCOPE;

/// One access level of a group, e.g. Code → "Read & write" → `vso.code_write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeLevel {
    pub label: &'static str,
    pub scope: &'static str,
}

/// One group of the picker; a token holds at most one level per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeGroup {
    pub name: &'static str,
    pub levels: &'static [ScopeLevel],
}

macro_rules! groups {
    ($( $name:literal => [ $( $label:literal = $scope:literal ),* $(,)? ] ),* $(,)?) => {
        /// Every group of the custom scope picker, alphabetically, as in the web UI.
        pub const GROUPS: &[ScopeGroup] = &[
            $( ScopeGroup { name: $name, levels: &[ $( ScopeLevel { label: $label, scope: $scope } ),* ] } ),*
        ];
    };
}

groups! {
    "Advanced Security" => ["Read" = "vso.advsec", "Read & write" = "vso.advsec_write", "Read, write & manage" = "vso.advsec_manage"],
    "Agent Pools" => ["Read" = "vso.agentpools", "Read & manage" = "vso.agentpools_manage"],
    "Analytics" => ["Read" = "vso.analytics"],
    "Auditing" => ["Read Audit Log" = "vso.auditlog", "Manage Audit Streams" = "vso.auditstreams_manage", "Delete Audit Streams" = "vso.auditstreams_delete"],
    "Build" => ["Read" = "vso.build", "Read & execute" = "vso.build_execute"],
    "Code" => ["Read" = "vso.code", "Read & write" = "vso.code_write", "Read, write & manage" = "vso.code_manage", "Full" = "vso.code_full", "Status" = "vso.code_status"],
    "Connected server" => ["Connected server" = "vso.connected_server"],
    "Deployment Groups" => ["Read & manage" = "vso.machinegroup_manage"],
    "Entitlements" => ["Read" = "vso.entitlements"],
    "Environment" => ["Read & manage" = "vso.environment_manage"],
    "Extension Data" => ["Read" = "vso.extension.data", "Read & write" = "vso.extension.data_write"],
    "Extensions" => ["Read" = "vso.extension", "Read & manage" = "vso.extension_manage"],
    "GitHub Connections" => ["Read" = "vso.githubconnections", "Read & manage" = "vso.githubconnections_manage"],
    "Graph" => ["Read" = "vso.graph", "Read & manage" = "vso.graph_manage"],
    "Identity" => ["Read" = "vso.identity", "Read & manage" = "vso.identity_manage"],
    "Load Test" => ["Read" = "vso.loadtest", "Read & write" = "vso.loadtest_write"],
    "Marketplace" => ["Read" = "vso.gallery", "Acquire" = "vso.gallery_acquire", "Publish" = "vso.gallery_publish", "Manage" = "vso.gallery_manage"],
    "Member Entitlement Management" => ["Read" = "vso.memberentitlementmanagement", "Read & write" = "vso.memberentitlementmanagement_write"],
    "Notifications" => ["Read" = "vso.notification", "Read & write" = "vso.notification_write", "Read, write & manage" = "vso.notification_manage", "Diagnostics" = "vso.notification_diagnostics"],
    "Packaging" => ["Read" = "vso.packaging", "Read & write" = "vso.packaging_write", "Read, write & manage" = "vso.packaging_manage"],
    "Pipeline Resources" => ["Use" = "vso.pipelineresources_use", "Use & manage" = "vso.pipelineresources_manage"],
    "Project and Team" => ["Read" = "vso.project", "Read & write" = "vso.project_write", "Read, write & manage" = "vso.project_manage"],
    "Pull Request Threads" => ["Read & write" = "vso.threads_full"],
    "Release" => ["Read" = "vso.release", "Read, write & execute" = "vso.release_execute", "Read, write, execute & manage" = "vso.release_manage"],
    "Secure Files" => ["Read" = "vso.securefiles_read", "Read & create" = "vso.securefiles_write", "Read, create & manage" = "vso.securefiles_manage"],
    "Security" => ["Manage" = "vso.security_manage"],
    "Service Connections" => ["Read" = "vso.serviceendpoint", "Read & query" = "vso.serviceendpoint_query", "Read, query & manage" = "vso.serviceendpoint_manage"],
    "Symbols" => ["Read" = "vso.symbols", "Read & write" = "vso.symbols_write", "Read, write & manage" = "vso.symbols_manage"],
    "Task Groups" => ["Read" = "vso.taskgroups_read", "Read & create" = "vso.taskgroups_write", "Read, create & manage" = "vso.taskgroups_manage"],
    "Team Dashboard" => ["Read" = "vso.dashboards", "Read & manage" = "vso.dashboards_manage"],
    "Test Management" => ["Read" = "vso.test", "Read & write" = "vso.test_write"],
    "Tokens" => ["Read & manage" = "vso.tokens"],
    "Token Administration" => ["Read & manage" = "vso.tokenadministration"],
    "User Profile" => ["Read" = "vso.profile", "Read & write" = "vso.profile_write"],
    "Variable Groups" => ["Read" = "vso.variablegroups_read", "Read & create" = "vso.variablegroups_write", "Read, create & manage" = "vso.variablegroups_manage"],
    "Wiki" => ["Read" = "vso.wiki", "Read & write" = "vso.wiki_write"],
    "Work Items" => ["Read" = "vso.work", "Read & write" = "vso.work_write", "Read, write & manage" = "vso.work_full"],
}

/// Scopes that grant write, execute or admin power worth a second look.
pub const HIGH_PRIVILEGE: &[&str] = &[
    FULL_ACCESS_SCOPE,
    "vso.code_write",
    "vso.code_manage",
    "vso.code_full",
    "vso.build_execute",
    "vso.packaging_write",
    "vso.packaging_manage",
    "vso.release_execute",
    "vso.release_manage",
    "vso.agentpools_manage",
    "vso.environment_manage",
    "vso.machinegroup_manage",
    "vso.security_manage",
    "vso.tokens",
    "vso.tokenadministration",
    "vso.graph_manage",
    "vso.identity_manage",
    "vso.project_manage",
    "vso.serviceendpoint_manage",
    "vso.variablegroups_manage",
    "vso.securefiles_manage",
    "vso.memberentitlementmanagement_write",
    "vso.extension_manage",
    "vso.gallery_manage",
];

/// Valid scope ids that the picker does not offer (seen in existing tokens; accepted on input).
pub const EXTRA_SCOPES: &[&str] = &[
    "vso.governance",
    "vso.settings",
    "vso.settings_write",
    "vso.hooks",
    "vso.hooks_write",
    "vso.hooks_interact",
    "vso.buildcache",
    "vso.buildcache_write",
    "vso.drop",
    "vso.drop_write",
    "vso.drop_manage",
    "vso.codesearch",
    "vso.workitemsearch",
    "vso.features",
    "vso.features_write",
];

/// True for a valid scope id that the picker does not offer.
pub fn is_extra_scope(scope: &str) -> bool {
    EXTRA_SCOPES.contains(&scope)
}

/// True for a scope flagged as high privilege.
pub fn is_high_privilege(scope: &str) -> bool {
    HIGH_PRIVILEGE.contains(&scope)
}

/// The group and level of a scope id, when it is in the picker.
pub fn find(scope: &str) -> Option<(&'static ScopeGroup, &'static ScopeLevel)> {
    GROUPS.iter().find_map(|g| {
        g.levels
            .iter()
            .find(|l| l.scope.eq_ignore_ascii_case(scope))
            .map(|l| (g, l))
    })
}

/// A scope id as people read it: "Code (Read & write)", "Full access", or the raw id when unknown.
pub fn display_name(scope: &str) -> String {
    if scope == FULL_ACCESS_SCOPE {
        return "Full access".to_owned();
    }
    match find(scope) {
        Some((g, l)) if g.levels.len() == 1 && g.name == l.label => g.name.to_owned(),
        Some((g, l)) => format!("{} ({})", g.name, l.label),
        None => scope.to_owned(),
    }
}

/// A scope string (space-separated) as a comma-separated list of display names.
pub fn describe(scope: &str) -> String {
    let names: Vec<String> = scope.split_whitespace().map(display_name).collect();
    if names.is_empty() {
        "(no scopes)".to_owned()
    } else {
        names.join(", ")
    }
}

/// A named set of scopes applied in one key in the create wizard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preset {
    pub name: String,
    pub scopes: Vec<String>,
}

/// The built-in presets (users add their own in the config file).
pub fn builtin_presets() -> Vec<Preset> {
    let p = |name: &str, scopes: &[&str]| Preset {
        name: name.to_owned(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    };
    vec![
        p("Build/release agent", &["vso.agentpools_manage"]),
        p("Git clone/push", &["vso.code_write"]),
        p("Package feeds (NuGet, npm)", &["vso.packaging"]),
        p("Work items", &["vso.work_write"]),
        p(
            "Read-only",
            &["vso.project", "vso.code", "vso.build", "vso.work"],
        ),
    ]
}

/// True when a token's scopes allow reading code (git clone/fetch): used by the credential helper.
pub fn allows_code_read(scope: &str) -> bool {
    scope.split_whitespace().any(|s| {
        matches!(
            s,
            FULL_ACCESS_SCOPE | "vso.code" | "vso.code_write" | "vso.code_manage" | "vso.code_full"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names() {
        assert_eq!(display_name("app_token"), "Full access");
        assert_eq!(display_name("vso.code_write"), "Code (Read & write)");
        assert_eq!(display_name("vso.connected_server"), "Connected server");
        assert_eq!(display_name("vso.governance"), "vso.governance");
        assert_eq!(
            describe("vso.work vso.packaging"),
            "Work Items (Read), Packaging (Read)"
        );
    }

    #[test]
    fn every_scope_is_unique_and_presets_are_in_the_catalogue() {
        let mut seen = std::collections::HashSet::new();
        for g in GROUPS {
            for l in g.levels {
                assert!(seen.insert(l.scope), "{} twice", l.scope);
            }
        }
        for p in builtin_presets() {
            for s in &p.scopes {
                assert!(find(s).is_some(), "{s}");
            }
        }
        for s in HIGH_PRIVILEGE.iter().filter(|s| **s != FULL_ACCESS_SCOPE) {
            assert!(find(s).is_some(), "{s}");
        }
    }

    #[test]
    fn code_read_detection() {
        assert!(allows_code_read("vso.work vso.code"));
        assert!(allows_code_read("app_token"));
        assert!(!allows_code_read("vso.packaging vso.code_status"));
    }
}
