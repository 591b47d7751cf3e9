//! Deterministic sample data: `--seed-tokens N` and the `--demo` data set (three organizations,
//! about forty tokens in every state).

use crate::sim::store::Store;
use chrono::Duration;

const WORDS: &[&str] = &[
    "ci",
    "deploy",
    "nuget",
    "npm",
    "release",
    "backup",
    "mirror",
    "agent",
    "docs",
    "audit",
    "sync",
    "bot",
    "analytics",
    "wiki",
    "terraform",
    "helm",
];
const SCOPES: &[&str] = &[
    "vso.code",
    "vso.code_write",
    "vso.packaging",
    "vso.build_execute",
    "vso.work_write",
    "vso.agentpools_manage",
    "vso.code vso.work",
    "app_token",
    "vso.project vso.code vso.build vso.work",
    "vso.release_execute vso.build",
];

/// Seeds `n` tokens into `org`: mostly active, some expiring, expired and revoked. One in 50
/// (the 50th, 100th, …, all active) is global: valid in every organization.
pub fn seed_tokens(store: &mut Store, org: &str, n: usize) {
    let org = store.add_org(org);
    let now = store.now();
    for i in 0..n {
        let name = format!(
            "{}-{}-{:04}",
            WORDS[i % WORDS.len()],
            WORDS[(i / 7) % WORDS.len()],
            i
        );
        let scope = SCOPES[i % SCOPES.len()];
        let created = now - Duration::days(1 + (i % 90) as i64);
        let (valid_to, revoked) = match i % 10 {
            0 => (now + Duration::hours(6 + (i % 100) as i64), false), // expiring
            1 => (now - Duration::days(1 + (i % 30) as i64), false),   // expired
            2 => (now + Duration::days(40), true),                     // revoked
            _ => (now + Duration::days(8 + (i % 300) as i64), false),  // active
        };
        let targets = (i % 50 != 49).then(|| vec![org.id]);
        store.seed_token(&name, scope, targets, created, valid_to, revoked);
    }
}

/// The demo organizations.
pub const DEMO_ORGS: [&str; 3] = ["fabrikam", "contoso", "northwind"];

/// One demo token: name, organization index (None = global), scope, created days ago,
/// expires in, revoked.
type DemoRow = (
    &'static str,
    Option<usize>,
    &'static str,
    i64,
    Duration,
    bool,
);

/// The demo data set.
pub fn seed_demo(store: &mut Store) {
    let now = store.now();
    let orgs: Vec<_> = DEMO_ORGS.iter().map(|o| store.add_org(o)).collect();
    let d = Duration::days;
    let h = Duration::hours;
    let rows: &[DemoRow] = &[
        (
            "build-agent-linux",
            Some(0),
            "vso.agentpools_manage",
            20,
            d(70),
            false,
        ),
        (
            "build-agent-windows",
            Some(0),
            "vso.agentpools_manage",
            20,
            d(5),
            false,
        ),
        (
            "git-push-laptop",
            Some(0),
            "vso.code_write",
            12,
            d(48),
            false,
        ),
        (
            "nuget-feed-readonly",
            Some(0),
            "vso.packaging",
            80,
            d(100),
            false,
        ),
        (
            "npm-publish",
            Some(0),
            "vso.packaging_write",
            40,
            h(20),
            false,
        ),
        (
            "release-pipeline",
            Some(0),
            "vso.release_execute vso.build",
            30,
            d(13),
            false,
        ),
        ("work-item-sync", Some(0), "vso.work_write", 60, d(2), false),
        ("full-access-admin", Some(0), "app_token", 10, d(80), false),
        (
            "old-ci-token",
            Some(0),
            "vso.code vso.build",
            200,
            -d(12),
            false,
        ),
        (
            "terraform-provider",
            Some(0),
            "vso.project_manage vso.serviceendpoint_manage",
            90,
            -d(3),
            false,
        ),
        ("leaked-token", Some(0), "vso.code_write", 15, d(20), true),
        ("docs-wiki-bot", Some(0), "vso.wiki_write", 5, d(25), false),
        (
            "analytics-dashboard",
            Some(0),
            "vso.analytics",
            100,
            d(265),
            false,
        ),
        ("mirror-to-github", Some(0), "vso.code", 33, d(57), false),
        (
            "contoso-deploy",
            Some(1),
            "vso.release_manage",
            14,
            d(16),
            false,
        ),
        (
            "contoso-ci",
            Some(1),
            "vso.build_execute vso.code",
            45,
            d(6),
            false,
        ),
        (
            "contoso-packages",
            Some(1),
            "vso.packaging_manage",
            70,
            d(110),
            false,
        ),
        (
            "contoso-readonly",
            Some(1),
            "vso.project vso.code vso.build vso.work",
            3,
            d(87),
            false,
        ),
        ("contoso-audit", Some(1), "vso.auditlog", 150, -d(30), false),
        ("contoso-old-admin", Some(1), "app_token", 300, d(40), true),
        (
            "contoso-test-plans",
            Some(1),
            "vso.test_write",
            22,
            d(38),
            false,
        ),
        (
            "contoso-variable-groups",
            Some(1),
            "vso.variablegroups_read",
            9,
            h(30),
            false,
        ),
        (
            "contoso-symbols",
            Some(1),
            "vso.symbols_write",
            180,
            -d(1),
            false,
        ),
        ("contoso-graph", Some(1), "vso.graph", 11, d(49), false),
        (
            "northwind-agent",
            Some(2),
            "vso.agentpools",
            8,
            d(52),
            false,
        ),
        ("northwind-git", Some(2), "vso.code_full", 27, d(3), false),
        (
            "northwind-nuget",
            Some(2),
            "vso.packaging",
            61,
            d(29),
            false,
        ),
        (
            "northwind-release",
            Some(2),
            "vso.release",
            17,
            d(73),
            false,
        ),
        (
            "northwind-security",
            Some(2),
            "vso.security_manage",
            2,
            d(9),
            false,
        ),
        ("northwind-expired", Some(2), "vso.work", 120, -d(45), false),
        (
            "northwind-revoked",
            Some(2),
            "vso.code_write vso.packaging_write",
            50,
            d(15),
            true,
        ),
        (
            "northwind-dashboards",
            Some(2),
            "vso.dashboards_manage",
            6,
            d(174),
            false,
        ),
        (
            "northwind-extensions",
            Some(2),
            "vso.extension_manage",
            44,
            d(12),
            false,
        ),
        ("northwind-wiki", Some(2), "vso.wiki", 13, d(77), false),
        (
            "all-orgs-legacy",
            None,
            "vso.code vso.packaging",
            160,
            d(3),
            false,
        ),
        ("all-orgs-reader", None, "vso.profile", 40, d(60), false),
        (
            "personal-scripts",
            Some(0),
            "vso.code vso.work vso.build",
            4,
            d(356),
            false,
        ),
        (
            "ssh-migration",
            Some(0),
            "vso.code_manage",
            95,
            -d(60),
            false,
        ),
        (
            "secure-files",
            Some(1),
            "vso.securefiles_read",
            21,
            d(44),
            false,
        ),
        (
            "service-connections",
            Some(2),
            "vso.serviceendpoint_query",
            19,
            d(66),
            false,
        ),
    ];
    for (name, org, scope, ago, expires, revoked) in rows {
        let targets = org.map(|i| vec![orgs[i].id]);
        store.seed_token(
            name,
            scope,
            targets,
            now - d(*ago),
            now + *expires,
            *revoked,
        );
    }
}
