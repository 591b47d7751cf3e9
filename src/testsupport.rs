//! Helpers shared by unit and integration tests: finding `../shared/azure-devops` (present in CI,
//! absent on a user's clone, where tests that need it skip with a message).

use std::path::PathBuf;

/// The folder with the official specs and examples, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PATUI_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/azure-devops"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is absent (the official specs live there in CI)",
            dir.display()
        );
        None
    }
}

/// A file of the shared folder, or `None` (with a skip message) when the folder is absent.
pub fn shared_file(name: &str) -> Option<String> {
    let path = shared_dir()?.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => panic!("{} unreadable: {e}", path.display()),
    }
}

/// The `responses.200.body` (or `responses.204.body`) of an httpExamples file.
pub fn shared_example_body(name: &str) -> Option<serde_json::Value> {
    let text = shared_file(name)?;
    let doc: serde_json::Value = serde_json::from_str(&text).expect("example is JSON");
    let responses = &doc["responses"];
    for code in ["200", "201", "204"] {
        if let Some(body) = responses.get(code).and_then(|r| r.get("body")) {
            return Some(body.clone());
        }
    }
    panic!("{name} has no response body")
}

/// An in-memory keyring holding `(value, scope, age in days)` tokens for `org`, each valid 30
/// more days; with their ids, in order.
#[cfg(test)]
pub(crate) fn memory_vault(
    org: &str,
    tokens: &[(&str, &str, i64)],
) -> (Result<crate::vault::Vault, String>, Vec<uuid::Uuid>) {
    use crate::vault::{StoredToken, TokenMeta, Vault};
    let vault = Vault::memory().map_err(|e| e.to_string());
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    if let Ok(v) = &vault {
        for (value, scope, age) in tokens {
            let id = uuid::Uuid::new_v4();
            v.store(&StoredToken {
                value: crate::secret::Secret::from(*value),
                meta: TokenMeta {
                    org: org.into(),
                    id,
                    name: format!("t-{value}"),
                    scope: (*scope).into(),
                    valid_from: now - chrono::Duration::days(*age),
                    valid_to: now + chrono::Duration::days(30),
                    global: false,
                },
            })
            .expect("the memory keyring stores");
            ids.push(id);
        }
    }
    (vault, ids)
}
