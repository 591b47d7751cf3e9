//! The vault against the real OS keyring: Secret Service (gnome-keyring, through
//! scripts/with-keyring.sh in CI) and kernel keyutils on Linux, the Keychain and the Credential
//! Manager on macOS and Windows. Without a session bus these tests skip
//! with a message, unless PATUI_REQUIRE_KEYRING is set (CI), where absence fails.

use patui::secret::Secret;
use patui::vault::{StoreKind, StoredToken, TokenMeta, Vault};
use uuid::Uuid;

fn require() -> bool {
    std::env::var_os("PATUI_REQUIRE_KEYRING").is_some()
}

/// A service of this test run's own, so a developer's real entries are never touched.
fn service() -> String {
    format!("patui-test-{}", std::process::id())
}

fn open(kind: StoreKind, why_missing: &str) -> Option<Vault> {
    match Vault::open_as(kind, &service()) {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(
                !require(),
                "{why_missing}: {e} (PATUI_REQUIRE_KEYRING is set)"
            );
            eprintln!("skipped: {why_missing}: {e} (run through scripts/with-keyring.sh)");
            None
        }
    }
}

fn round_trip(v: &Vault) {
    v.self_check().unwrap();
    let t = StoredToken {
        value: Secret::from("e2e-secret-value-84-chars"),
        meta: TokenMeta {
            org: "fabrikam".into(),
            id: Uuid::new_v4(),
            name: "real keyring".into(),
            scope: "vso.code".into(),
            valid_from: chrono::Utc::now(),
            valid_to: chrono::Utc::now() + chrono::Duration::days(1),
            global: false,
        },
    };
    v.store(&t).unwrap();
    // A second handle (as a second patui process would) sees it.
    let again = Vault::open_as(v.kind(), v.service()).unwrap();
    let got = again.load(t.meta.id).unwrap().expect("stored");
    assert_eq!(got.value.expose(), "e2e-secret-value-84-chars");
    assert!(again.list().unwrap().iter().any(|m| m.id == t.meta.id));
    again.delete(t.meta.id).unwrap();
    assert!(v.load(t.meta.id).unwrap().is_none());
    // Nothing is left behind: the index goes with the last entry.
    assert!(again.list().unwrap().is_empty());
}

#[test]
fn secret_service_round_trip() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            !require(),
            "no session bus, but PATUI_REQUIRE_KEYRING is set"
        );
        eprintln!("skipped: no session bus (run through scripts/with-keyring.sh)");
        return;
    }
    if let Some(v) = open(StoreKind::SecretService, "no Secret Service") {
        round_trip(&v);
    }
}

#[test]
fn keyutils_round_trip() {
    if let Some(v) = open(StoreKind::Keyutils, "no keyutils") {
        match v.self_check() {
            Ok(()) => round_trip(&v),
            Err(e) => {
                assert!(!require(), "keyutils: {e}");
                eprintln!(
                    "skipped: keyutils refused ({e}); it needs a fresh session keyring (keyctl session -)"
                );
            }
        }
    }
}

/// The platform's own keyring on macOS (Keychain) and Windows (Credential Manager), where the
/// CI runners have one.
#[cfg(any(target_os = "macos", windows))]
#[test]
fn native_keyring_round_trip() {
    if let Some(v) = open(StoreKind::Native, "no native keyring") {
        round_trip(&v);
    }
}
