//! The OS keyring adapter (keyring-core with the platform stores): Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows, the kernel keyutils store as an explicit
//! choice for headless Linux, and memory only when chosen (or in --demo). There is never a
//! silent fallback to a file or to memory.
//!
//! One entry per token: service `patui`, user `{org}/{authorizationId}` (`*` as the org of a
//! token for all organizations), holding a small JSON with the value and its metadata. An index
//! entry (`patui` / `__index__`, metadata only, no secrets) lists what is stored, because not
//! every store can search. The sign-in refresh token has its own entry (service `patui-auth`).
//! `PATUI_KEYRING_SERVICE` replaces `patui` in both names (two accounts kept apart, or tests
//! that must not touch a developer's real entries).
//! Calls block: async code goes through [`Vault::run`], which uses `spawn_blocking`.

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use keyring_core::{CredentialStore, Entry, Error as KrError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use thiserror::Error;
use uuid::Uuid;

/// The default keyring service of PAT entries (the refresh token's is this + `-auth`).
pub const SERVICE: &str = "patui";
/// The environment variable that replaces [`SERVICE`].
pub const SERVICE_ENV: &str = "PATUI_KEYRING_SERVICE";
const INDEX_KEY: &str = "__index__";

/// The service name in use: `PATUI_KEYRING_SERVICE`, else `patui`.
pub fn service_name() -> Result<String, VaultError> {
    parse_service(std::env::var(SERVICE_ENV).ok())
}

fn parse_service(raw: Option<String>) -> Result<String, VaultError> {
    match raw {
        Some(s) if !s.is_empty() => {
            let ok = s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if ok {
                Ok(s)
            } else {
                Err(VaultError::Unavailable(format!(
                    "{SERVICE_ENV} must be 1 to 64 letters, digits, '-', '_' or '.'"
                )))
            }
        }
        _ => Ok(SERVICE.to_owned()),
    }
}

/// Which store to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The platform's own (Secret Service on Linux).
    Native,
    SecretService,
    /// Linux kernel keyutils (lost on reboot; for headless machines).
    Keyutils,
    /// In memory, gone on exit: only when chosen, and in --demo.
    Memory,
}

impl StoreKind {
    /// Parses a config value.
    pub fn parse(s: &str) -> Option<StoreKind> {
        match s {
            "native" => Some(StoreKind::Native),
            "secret-service" => Some(StoreKind::SecretService),
            "keyutils" => Some(StoreKind::Keyutils),
            "memory" => Some(StoreKind::Memory),
            _ => None,
        }
    }
}

/// A keyring failure.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum VaultError {
    #[error("{0}")]
    Unavailable(String),
    #[error("the keyring refused access ({0}): is it locked?")]
    Denied(String),
    #[error("a keyring entry is damaged: {0}")]
    Corrupt(String),
    #[error("keyring error: {0}")]
    Platform(String),
}

/// What patui keeps next to a token's value (no secret in here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMeta {
    pub org: String,
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub scope: String,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    #[serde(default)]
    pub global: bool,
}

impl TokenMeta {
    /// The metadata of `token`, listed in `org`.
    pub fn of(org: &str, token: &crate::azure::PatToken) -> TokenMeta {
        TokenMeta {
            org: org.to_owned(),
            id: token.authorization_id,
            name: token.display_name.clone(),
            scope: token.scope.clone(),
            valid_from: token.valid_from,
            valid_to: token.valid_to,
            global: token.is_global(),
        }
    }

    fn key(&self) -> String {
        key(if self.global { "*" } else { &self.org }, self.id)
    }
}

fn key(org: &str, id: Uuid) -> String {
    format!("{}/{id}", org.to_ascii_lowercase())
}

/// Key of a server's sign-in PAT in its `-auth` service.
const SERVER_PAT_KEY: &str = "server-pat";

/// Key of a server's Windows account (NTLM) in its `-auth` service.
const WINDOWS_ACCOUNT_KEY: &str = "windows-account";

/// The Windows account patui signs in to a server with over NTLM. Debug never shows the
/// password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WindowsAccount {
    /// `DOMAIN\user` or `user@domain`.
    pub account: String,
    pub password: Secret,
}

/// The PAT patui signs in to an Azure DevOps Server with. Debug never shows the value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSignIn {
    pub pat: Secret,
    /// The token's authorization id, when patui could tell which token it is.
    #[serde(default)]
    pub id: Option<Uuid>,
}

/// A stored token: its value and metadata. Debug never shows the value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredToken {
    pub value: Secret,
    #[serde(flatten)]
    pub meta: TokenMeta,
}

/// The keyring.
#[derive(Clone)]
pub struct Vault {
    store: Arc<CredentialStore>,
    kind: StoreKind,
    /// Service of PAT entries; the refresh token's is `{service}-auth`.
    service: Arc<str>,
    /// Serialises index updates within this process; [`Vault::index_lock`] adds a file lock
    /// for other processes.
    lock: Arc<Mutex<()>>,
}

/// Held while the index is read, changed and written: the in-process lock and, for stores other
/// processes share, an exclusive lock on a file in the state directory.
struct IndexGuard<'a> {
    _process: std::sync::MutexGuard<'a, ()>,
    /// Unlocked when dropped (closing the file releases the lock).
    _file: Option<std::fs::File>,
}

/// Opens and locks `{state dir}/keyring-{service}.lock` (mode 0600). The file holds nothing.
fn lock_file(service: &str) -> Result<std::fs::File, VaultError> {
    state_lock(&format!("keyring-{service}"))
}

/// Opens and locks (exclusively, waiting) `{state dir}/{name}.lock`, mode 0600; the lock is held
/// until the file is dropped. Serialises work between patui processes (index updates, renewals).
pub fn state_lock(name: &str) -> Result<std::fs::File, VaultError> {
    let dir = crate::logging::state_dir()
        .ok_or_else(|| VaultError::Platform("no state directory for the keyring lock".into()))?;
    crate::logging::create_private_dir(&dir)
        .map_err(|e| VaultError::Platform(format!("{}: {e}", dir.display())))?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{safe}.lock"));
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts
        .open(&path)
        .map_err(|e| VaultError::Platform(format!("{}: {e}", path.display())))?;
    file.lock()
        .map_err(|e| VaultError::Platform(format!("cannot lock {}: {e}", path.display())))?;
    Ok(file)
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({})", self.describe())
    }
}

fn map_err(e: KrError) -> VaultError {
    match e {
        KrError::NoStorageAccess(p) => VaultError::Denied(p.to_string()),
        KrError::BadEncoding(_) | KrError::BadDataFormat(..) => {
            VaultError::Corrupt("not text".into())
        }
        other => VaultError::Platform(other.to_string()),
    }
}

impl Vault {
    /// Opens a store under the service name in use ([`service_name`]). Fails with a message
    /// that says what to do when the store is missing.
    pub fn open(kind: StoreKind) -> Result<Vault, VaultError> {
        Vault::open_as(kind, &service_name()?)
    }

    /// Opens a store under `service` (tests use their own, apart from real entries).
    pub fn open_as(kind: StoreKind, service: &str) -> Result<Vault, VaultError> {
        let store: Arc<CredentialStore> = match kind {
            StoreKind::Memory => keyring_core::mock::Store::new().map_err(map_err)?,
            #[cfg(target_os = "linux")]
            StoreKind::Native | StoreKind::SecretService => {
                zbus_secret_service_keyring_store::Store::new().map_err(|e| {
                    VaultError::Unavailable(format!(
                        "no Secret Service on the session bus ({e}); on a headless machine or WSL, set keyring = \"keyutils\" (lost on reboot) or keyring = \"memory\" (lost on exit) in the config file, or start gnome-keyring"
                    ))
                })?
            }
            #[cfg(target_os = "linux")]
            StoreKind::Keyutils => linux_keyutils_keyring_store::Store::new().map_err(|e| {
                VaultError::Unavailable(format!("the kernel keyutils store is not available: {e}"))
            })?,
            #[cfg(target_os = "macos")]
            StoreKind::Native => apple_native_keyring_store::keychain::Store::new().map_err(|e| {
                VaultError::Unavailable(format!("the macOS Keychain is not available: {e}"))
            })?,
            #[cfg(target_os = "windows")]
            StoreKind::Native => windows_native_keyring_store::Store::new().map_err(|e| {
                VaultError::Unavailable(format!("the Windows Credential Manager is not available: {e}"))
            })?,
            #[cfg(not(target_os = "linux"))]
            _ => {
                return Err(VaultError::Unavailable(
                    "this store exists only on Linux; use keyring = \"native\" or \"memory\"".into(),
                ));
            }
        };
        Ok(Vault {
            store,
            kind,
            service: Arc::from(service),
            lock: Arc::new(Mutex::new(())),
        })
    }

    /// An in-memory vault (demo and tests).
    pub fn memory() -> Result<Vault, VaultError> {
        Vault::open(StoreKind::Memory)
    }

    /// The store kind.
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// The service name of PAT entries.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn auth_service(&self) -> String {
        format!("{}-auth", self.service)
    }

    /// For people: "Secret Service", "kernel keyutils", "memory (lost on exit)".
    pub fn describe(&self) -> String {
        let store: String = match self.kind {
            StoreKind::Native if cfg!(target_os = "macos") => "macOS Keychain".into(),
            StoreKind::Native if cfg!(target_os = "windows") => "Windows Credential Manager".into(),
            StoreKind::Native | StoreKind::SecretService => "Secret Service".into(),
            StoreKind::Keyutils => "kernel keyutils (lost on reboot)".into(),
            StoreKind::Memory => "memory only (lost on exit)".into(),
        };
        if &*self.service == SERVICE {
            store
        } else {
            format!("{store}, service {:?}", &*self.service)
        }
    }

    fn entry(&self, service: &str, user: &str) -> Result<Entry, VaultError> {
        Entry::new_in_store(&self.store, service, user).map_err(map_err)
    }

    fn read(&self, service: &str, user: &str) -> Result<Option<String>, VaultError> {
        match self.entry(service, user)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(KrError::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn write(&self, service: &str, user: &str, value: &str) -> Result<(), VaultError> {
        self.entry(service, user)?
            .set_password(value)
            .map_err(map_err)
    }

    fn remove(&self, service: &str, user: &str) -> Result<(), VaultError> {
        match self.entry(service, user)?.delete_credential() {
            Ok(()) | Err(KrError::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn index(&self) -> Result<Vec<TokenMeta>, VaultError> {
        match self.read(&self.service, INDEX_KEY)? {
            None => Ok(Vec::new()),
            Some(s) => serde_json::from_str(&s)
                .map_err(|e| VaultError::Corrupt(format!("the index entry: {e}"))),
        }
    }

    /// Writes the index; an empty index is removed, so nothing is left behind.
    fn save_index(&self, index: &[TokenMeta]) -> Result<(), VaultError> {
        if index.is_empty() {
            return self.remove(&self.service, INDEX_KEY);
        }
        let s = serde_json::to_string(index).map_err(|e| VaultError::Corrupt(e.to_string()))?;
        self.write(&self.service, INDEX_KEY, &s)
    }

    /// Takes the index lock: other threads and, unless the store is in memory, other patui
    /// processes wait. Without a usable lock file the update goes on under the in-process lock
    /// (a warning is logged): losing the index entry is better than losing the token.
    fn index_lock(&self) -> Result<IndexGuard<'_>, VaultError> {
        let process = self
            .lock
            .lock()
            .map_err(|_| VaultError::Platform("lock".into()))?;
        let file = match self.kind {
            StoreKind::Memory => None,
            _ => match lock_file(&self.service) {
                Ok(f) => Some(f),
                Err(e) => {
                    tracing::warn!("keyring index updated without a cross-process lock: {e}");
                    None
                }
            },
        };
        Ok(IndexGuard {
            _process: process,
            _file: file,
        })
    }

    /// Stores a token (replacing an older entry of the same id).
    pub fn store(&self, token: &StoredToken) -> Result<(), VaultError> {
        let _g = self.index_lock()?;
        let json = serde_json::to_string(token).map_err(|e| VaultError::Corrupt(e.to_string()))?;
        self.write(&self.service, &token.meta.key(), &json)?;
        let mut index = self.index()?;
        index.retain(|m| m.id != token.meta.id);
        index.push(token.meta.clone());
        self.save_index(&index)
    }

    /// The stored token with this id, if any.
    pub fn load(&self, id: Uuid) -> Result<Option<StoredToken>, VaultError> {
        let Some(meta) = self.index()?.into_iter().find(|m| m.id == id) else {
            return Ok(None);
        };
        match self.read(&self.service, &meta.key())? {
            None => Ok(None),
            Some(s) => serde_json::from_str(&s)
                .map(Some)
                .map_err(|_| VaultError::Corrupt(format!("the entry of {}", meta.name))),
        }
    }

    /// Deletes a token's entry (a missing one is fine).
    pub fn delete(&self, id: Uuid) -> Result<(), VaultError> {
        let _g = self.index_lock()?;
        let mut index = self.index()?;
        if let Some(meta) = index.iter().find(|m| m.id == id) {
            self.remove(&self.service, &meta.key())?;
        }
        index.retain(|m| m.id != id);
        self.save_index(&index)
    }

    /// Index entries whose value is missing (removed from the keyring by another program):
    /// with `repair`, they are dropped from the index. (A value without an index entry cannot be
    /// found: not every store can be searched, which is why the index exists.)
    pub fn index_without_values(&self, repair: bool) -> Result<Vec<TokenMeta>, VaultError> {
        let _g = self.index_lock()?;
        let mut index = self.index()?;
        let mut missing = Vec::new();
        for m in &index {
            if self.read(&self.service, &m.key())?.is_none() {
                missing.push(m.clone());
            }
        }
        if repair && !missing.is_empty() {
            index.retain(|m| !missing.iter().any(|x| x.id == m.id));
            self.save_index(&index)?;
        }
        Ok(missing)
    }

    /// Metadata of every stored token.
    pub fn list(&self) -> Result<Vec<TokenMeta>, VaultError> {
        self.index()
    }

    /// Write, read back and delete a probe entry.
    pub fn self_check(&self) -> Result<(), VaultError> {
        let probe = format!("__self_check__/{}", Uuid::new_v4());
        self.write(&self.service, &probe, "probe")?;
        let back = self.read(&self.service, &probe)?;
        self.remove(&self.service, &probe)?;
        if back.as_deref() != Some("probe") {
            return Err(VaultError::Platform(
                "the keyring did not return what was written".into(),
            ));
        }
        if self.read(&self.service, &probe)?.is_some() {
            return Err(VaultError::Platform(
                "the keyring did not delete the probe".into(),
            ));
        }
        Ok(())
    }

    /// The sign-in refresh token.
    pub fn load_refresh_token(&self) -> Result<Option<Secret>, VaultError> {
        Ok(self.read(&self.auth_service(), "default")?.map(Secret::new))
    }

    /// Saves the sign-in refresh token.
    pub fn store_refresh_token(&self, token: &Secret) -> Result<(), VaultError> {
        self.write(&self.auth_service(), "default", token.expose())
    }

    /// Forgets the sign-in refresh token.
    pub fn delete_refresh_token(&self) -> Result<(), VaultError> {
        self.remove(&self.auth_service(), "default")
    }

    /// The vault of one Azure DevOps Server (`host[:port]`): the same store, under its own
    /// service name, so a server's tokens, index and sign-in never mix with the cloud's or with
    /// another server's.
    pub fn for_server(&self, host: &str) -> Vault {
        Vault {
            store: Arc::clone(&self.store),
            kind: self.kind,
            service: Arc::from(format!("{}@{}", self.service, host.to_ascii_lowercase())),
            lock: Arc::new(Mutex::new(())),
        }
    }

    /// The PAT patui signs in to a server with (in that server's vault), and the token's id
    /// when known.
    pub fn load_server_sign_in(&self) -> Result<Option<ServerSignIn>, VaultError> {
        match self.read(&self.auth_service(), SERVER_PAT_KEY)? {
            None => Ok(None),
            Some(s) => serde_json::from_str(&s)
                .map(Some)
                .map_err(|e| VaultError::Corrupt(format!("the server sign-in entry: {e}"))),
        }
    }

    /// Keeps the server sign-in.
    pub fn store_server_sign_in(&self, sign_in: &ServerSignIn) -> Result<(), VaultError> {
        let mut s =
            serde_json::to_string(sign_in).map_err(|e| VaultError::Corrupt(e.to_string()))?;
        let r = self.write(&self.auth_service(), SERVER_PAT_KEY, &s);
        zeroize::Zeroize::zeroize(&mut s);
        r
    }

    /// Forgets the server sign-in.
    pub fn delete_server_sign_in(&self) -> Result<(), VaultError> {
        self.remove(&self.auth_service(), SERVER_PAT_KEY)
    }

    /// The Windows account patui signs in to a server with (in that server's vault).
    pub fn load_windows_account(&self) -> Result<Option<WindowsAccount>, VaultError> {
        match self.read(&self.auth_service(), WINDOWS_ACCOUNT_KEY)? {
            None => Ok(None),
            Some(mut s) => {
                let parsed = serde_json::from_str(&s)
                    .map(Some)
                    .map_err(|e| VaultError::Corrupt(format!("the Windows account entry: {e}")));
                zeroize::Zeroize::zeroize(&mut s);
                parsed
            }
        }
    }

    /// Keeps the Windows account.
    pub fn store_windows_account(&self, account: &WindowsAccount) -> Result<(), VaultError> {
        let mut s =
            serde_json::to_string(account).map_err(|e| VaultError::Corrupt(e.to_string()))?;
        let r = self.write(&self.auth_service(), WINDOWS_ACCOUNT_KEY, &s);
        zeroize::Zeroize::zeroize(&mut s);
        r
    }

    /// Forgets the Windows account.
    pub fn delete_windows_account(&self) -> Result<(), VaultError> {
        self.remove(&self.auth_service(), WINDOWS_ACCOUNT_KEY)
    }

    /// Runs blocking vault work off the async runtime's workers.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let v = self.clone();
        tokio::task::spawn_blocking(move || f(&v))
            .await
            .map_err(|e| VaultError::Platform(format!("keyring task failed: {e}")))?
    }
}

impl crate::auth::RefreshTokenStore for Vault {
    fn load(&self) -> Result<Option<Secret>, String> {
        self.load_refresh_token().map_err(|e| e.to_string())
    }
    fn store(&self, token: &Secret) -> Result<(), String> {
        self.store_refresh_token(token).map_err(|e| e.to_string())
    }
    fn delete(&self) -> Result<(), String> {
        self.delete_refresh_token().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_from_the_environment_is_checked() {
        assert_eq!(parse_service(None).unwrap(), "patui");
        assert_eq!(parse_service(Some(String::new())).unwrap(), "patui");
        assert_eq!(
            parse_service(Some("patui-work".into())).unwrap(),
            "patui-work"
        );
        for bad in ["has space", "a/b", &"x".repeat(65)] {
            assert!(parse_service(Some(bad.to_owned())).is_err(), "{bad}");
        }
        let v = Vault::open_as(StoreKind::Memory, "patui-work").unwrap();
        assert!(v.describe().contains("patui-work"));
        assert_eq!(
            Vault::memory().unwrap().describe(),
            "memory only (lost on exit)"
        );
    }

    fn token(org: &str, name: &str, global: bool) -> StoredToken {
        StoredToken {
            value: Secret::from(format!("value-of-{name}")),
            meta: TokenMeta {
                org: org.into(),
                id: Uuid::new_v4(),
                name: name.into(),
                scope: "vso.code".into(),
                valid_from: Utc::now(),
                valid_to: Utc::now() + chrono::Duration::days(3),
                global,
            },
        }
    }

    #[test]
    fn store_load_list_delete() {
        let v = Vault::memory().unwrap();
        v.self_check().unwrap();
        let a = token("Fabrikam", "a", false);
        let b = token("contoso", "b", true);
        v.store(&a).unwrap();
        v.store(&b).unwrap();
        let got = v.load(a.meta.id).unwrap().unwrap();
        assert_eq!(got.value.expose(), "value-of-a");
        assert_eq!(got.meta, a.meta);
        assert!(!format!("{got:?}").contains("value-of-a"));
        assert_eq!(v.list().unwrap().len(), 2);
        v.delete(a.meta.id).unwrap();
        v.delete(a.meta.id).unwrap();
        assert!(v.load(a.meta.id).unwrap().is_none());
        assert_eq!(v.list().unwrap(), vec![b.meta.clone()]);
        // Re-storing the same id replaces it.
        v.store(&b).unwrap();
        assert_eq!(v.list().unwrap().len(), 1);
    }

    #[test]
    fn index_entries_without_a_value_are_found_and_dropped_on_repair() {
        let v = Vault::memory().unwrap();
        let a = token("o", "a", false);
        let b = token("o", "b", false);
        v.store(&a).unwrap();
        v.store(&b).unwrap();
        // Another program removed a's value behind patui's back.
        v.remove(&v.service.clone(), &a.meta.key()).unwrap();
        let missing = v.index_without_values(false).unwrap();
        assert_eq!(missing, vec![a.meta.clone()]);
        assert_eq!(v.list().unwrap().len(), 2, "reported, not changed");
        assert_eq!(v.index_without_values(true).unwrap(), vec![a.meta.clone()]);
        assert_eq!(v.list().unwrap(), vec![b.meta.clone()]);
        assert!(v.index_without_values(false).unwrap().is_empty());
    }

    #[test]
    fn corrupt_entries_are_reported() {
        let v = Vault::memory().unwrap();
        let a = token("o", "a", false);
        v.store(&a).unwrap();
        v.write(&v.service.clone(), &a.meta.key(), "{not json")
            .unwrap();
        assert!(matches!(v.load(a.meta.id), Err(VaultError::Corrupt(_))));
        v.write(&v.service.clone(), INDEX_KEY, "[").unwrap();
        assert!(matches!(v.list(), Err(VaultError::Corrupt(_))));
    }

    #[test]
    fn refresh_token_round_trip() {
        let v = Vault::memory().unwrap();
        assert!(v.load_refresh_token().unwrap().is_none());
        v.store_refresh_token(&Secret::from("rt")).unwrap();
        assert_eq!(v.load_refresh_token().unwrap().unwrap().expose(), "rt");
        v.delete_refresh_token().unwrap();
        assert!(v.load_refresh_token().unwrap().is_none());
    }
}
