//! Whether a value found in plain text is a token patui keeps in the keyring: every stored
//! value of the main vault is loaded once and compared with [`Secret::matches`]. (Server vaults'
//! sign-in PATs are not compared.)

use crate::secret::Secret;
use crate::vault::{TokenMeta, Vault, VaultError};
use serde::Serialize;

/// The stored token a found value is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredRef {
    pub name: String,
    /// Its organization, or "all organizations" for a global token.
    pub org: String,
}

/// The keyring's token values, held for comparison (zeroized on drop).
#[derive(Debug, Default)]
pub struct StoredValues {
    tokens: Vec<(Secret, StoredRef)>,
}

impl StoredValues {
    /// Loads every stored token's value (blocking: run it off the async workers). A token whose
    /// entry cannot be read is left out (logged); an unreadable index is an error.
    pub fn load(vault: &Vault) -> Result<StoredValues, VaultError> {
        let mut tokens = Vec::new();
        for meta in vault.list()? {
            match vault.load(meta.id) {
                Ok(Some(t)) => tokens.push((t.value, stored_ref(&meta))),
                Ok(None) => {}
                Err(e) => tracing::warn!("cannot read stored token {}: {e}", meta.id),
            }
        }
        Ok(StoredValues { tokens })
    }

    /// The stored token whose value is `value`.
    pub fn lookup(&self, value: &Secret) -> Option<&StoredRef> {
        self.tokens
            .iter()
            .find(|(v, _)| v.matches(value.expose()))
            .map(|(_, r)| r)
    }

    /// How many values are held.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the keyring holds no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

fn stored_ref(meta: &TokenMeta) -> StoredRef {
    StoredRef {
        name: meta.name.clone(),
        org: if meta.global {
            "all organizations".to_owned()
        } else {
            meta.org.clone()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::detect::tests::fake_pat84;
    use crate::vault::StoredToken;
    use chrono::Utc;

    #[test]
    fn a_stored_value_is_recognised() {
        let vault = Vault::memory().unwrap();
        let pat = fake_pat84();
        vault
            .store(&StoredToken {
                value: Secret::from(pat.as_str()),
                meta: TokenMeta {
                    org: "fabrikam".into(),
                    id: uuid::Uuid::new_v4(),
                    name: "ci feed".into(),
                    scope: "vso.packaging".into(),
                    valid_from: Utc::now(),
                    valid_to: Utc::now() + chrono::Duration::days(30),
                    global: false,
                },
            })
            .unwrap();
        let stored = StoredValues::load(&vault).unwrap();
        assert_eq!(stored.len(), 1);
        let hit = crate::scan::scan_text(&format!("PAT={pat}")).remove(0);
        let found = stored.lookup(&hit.value).unwrap();
        assert_eq!(
            (found.name.as_str(), found.org.as_str()),
            ("ci feed", "fabrikam")
        );
        assert!(stored.lookup(&Secret::from(fake_pat84())).is_none());
    }
}
