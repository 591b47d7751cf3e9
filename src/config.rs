//! The config file: TOML at the platform config directory (`~/.config/patui/config.toml` on
//! Linux; `PATUI_CONFIG` or `--config` overrides). A missing file means defaults; a bad file is
//! an error that names the file, line, column and key, reported before the terminal is touched.
//! Values with a fixed set of names (the keyring store, the sign-in sources) are parsed into
//! their types here, once, so nothing downstream reads them as strings.

use crate::auth::SourceKind;
use crate::azure::scopes::Preset;
use crate::vault::StoreKind;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Theme choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Default,
    Monochrome,
}

/// The settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Organizations to offer in the picker (the profile adds the rest).
    pub organizations: Vec<String>,
    /// An Azure DevOps Server or TFS to work with instead of the cloud: a collection's URL or
    /// the server's (`--server` and PATUI_SERVER_URL take precedence).
    pub server: Option<String>,
    /// A PEM file of extra certificate authorities to trust (a server with a private CA);
    /// `--ca-file` and PATUI_CA_FILE take precedence.
    pub ca_file: Option<PathBuf>,
    /// The organization to open.
    pub default_org: Option<String>,
    /// Action name → keys, e.g. `refresh = ["ctrl-r", "f5"]`. Replaces that action's defaults.
    pub keymap: BTreeMap<String, Vec<String>>,
    pub theme: ThemeName,
    /// Mouse support (off by default).
    pub mouse: bool,
    /// Clear the clipboard this many seconds after copying a token (0 = never).
    pub clipboard_clear_seconds: u64,
    /// Revocations in flight at once during revoke-all.
    pub revoke_concurrency: usize,
    /// Scope presets added to the built-in ones.
    pub presets: Vec<Preset>,
    /// Keyring store: "native" (default), "secret-service", "keyutils" or "memory".
    #[serde(deserialize_with = "keyring")]
    pub keyring: Option<StoreKind>,
    /// Order of sign-in sources: "env", "keyring", "azure-cli" (or "az"), "device-code"; empty
    /// means the default order.
    #[serde(deserialize_with = "sign_in")]
    pub sign_in: Vec<SourceKind>,
    /// Entra authority URL (default https://login.microsoftonline.com).
    pub authority: Option<String>,
    /// Entra tenant (default: discovered from the organization, else "organizations").
    pub tenant: Option<String>,
    /// OAuth public client id (default: the Azure CLI's).
    pub client_id: Option<String>,
    /// Tokens expiring within this many days need attention (start-up line, `patui check`).
    pub warn_days: u32,
    /// The credential helper regenerates a stored token this many days before it expires
    /// (0 = never).
    pub renew_before_days: u32,
    /// Sign in to a server with the Kerberos ticket (kinit; SSPI on Windows) when the server
    /// offers Negotiate. `false` goes straight to NTLM or the PAT (PATUI_KERBEROS=0 likewise).
    pub kerberos: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            organizations: Vec::new(),
            server: None,
            ca_file: None,
            default_org: None,
            keymap: BTreeMap::new(),
            theme: ThemeName::Default,
            mouse: false,
            clipboard_clear_seconds: 60,
            revoke_concurrency: crate::ops::revoke::DEFAULT_CONCURRENCY,
            presets: Vec::new(),
            keyring: None,
            sign_in: Vec::new(),
            authority: None,
            tenant: None,
            client_id: None,
            warn_days: 7,
            renew_before_days: 3,
            kerberos: true,
        }
    }
}

/// A config problem.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads a keyring store's name; an unknown name is an error at the value.
struct KeyringName;

impl serde::de::Visitor<'_> for KeyringName {
    type Value = StoreKind;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("one of native, secret-service, keyutils, memory")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<StoreKind, E> {
        StoreKind::parse(s).ok_or_else(|| {
            E::custom(format!(
                "keyring: {s:?} is not one of native, secret-service, keyutils, memory"
            ))
        })
    }
}

fn keyring<'de, D: Deserializer<'de>>(d: D) -> Result<Option<StoreKind>, D::Error> {
    d.deserialize_str(KeyringName).map(Some)
}

/// Reads a sign-in source's name (as [`SourceKind::parse`] does); an unknown name is an error at
/// that element of the list.
struct SourceName;

impl serde::de::Visitor<'_> for SourceName {
    type Value = SourceKind;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sign-in source (env, keyring, azure-cli, device-code)")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SourceKind, E> {
        SourceKind::parse(s).ok_or_else(|| {
            E::custom(format!(
                "sign_in: unknown source {s:?} (env, keyring, azure-cli, device-code)"
            ))
        })
    }
}

/// One element of `sign_in`.
struct Source(SourceKind);

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(SourceName).map(Source)
    }
}

fn sign_in<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SourceKind>, D::Error> {
    Vec::<Source>::deserialize(d).map(|v| v.into_iter().map(|s| s.0).collect())
}

/// The config path: `PATUI_CONFIG`, else the platform config dir's `patui/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PATUI_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "patui").map(|d| d.config_dir().join("config.toml"))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

impl Config {
    /// Loads `path` (or the default path). A missing file gives the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let Some(path) = path.map(Path::to_path_buf).or_else(config_path) else {
            return Ok(Config::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Self::parse(&text, &path)
    }

    /// Parses config text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        config.check(text, path)?;
        Ok(config)
    }

    /// Checks values serde cannot: key names, numbers in range, the server URL, presets.
    fn check(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let at = |needle: &str, message: String| {
            let offset = text.find(needle).unwrap_or(0);
            let (line, column) = line_col(text, offset);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        for (action, keys) in &self.keymap {
            if crate::tui::keymap::Action::from_name(action).is_none() {
                return Err(at(action, format!("keymap: unknown action {action:?}")));
            }
            for k in keys {
                if let Err(e) = crate::tui::keymap::KeySpec::parse(k) {
                    return Err(at(k, format!("keymap.{action}: {e}")));
                }
            }
        }
        if let Some(server) = &self.server
            && let Err(e) = crate::azure::server::ServerUrl::parse(server)
        {
            return Err(at("server", format!("server: {e}")));
        }
        if self.revoke_concurrency == 0 || self.revoke_concurrency > 64 {
            return Err(at(
                "revoke_concurrency",
                "revoke_concurrency must be between 1 and 64".into(),
            ));
        }
        for p in &self.presets {
            if let Err(e) = crate::ops::validate::scope_list(&p.scopes.join(" ")) {
                return Err(at(&p.name, format!("preset {:?}: {e}", p.name)));
            }
        }
        Ok(())
    }

    /// Built-in presets followed by the user's.
    pub fn all_presets(&self) -> Vec<Preset> {
        let mut v = crate::azure::scopes::builtin_presets();
        v.extend(self.presets.iter().cloned());
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Config, ConfigError> {
        Config::parse(t, Path::new("/x/config.toml"))
    }

    #[test]
    fn defaults_and_a_full_file() {
        let c = parse("").unwrap();
        assert_eq!(c.clipboard_clear_seconds, 60);
        assert!(!c.mouse);
        let c = parse(
            r#"
organizations = ["fabrikam", "contoso"]
default_org = "contoso"
theme = "monochrome"
mouse = true
revoke_concurrency = 4
[keymap]
refresh = ["ctrl-r", "f5"]
[[presets]]
name = "Wiki editor"
scopes = ["vso.wiki_write"]
"#,
        )
        .unwrap();
        assert_eq!(c.organizations, ["fabrikam", "contoso"]);
        assert_eq!(c.theme, ThemeName::Monochrome);
        assert_eq!(c.all_presets().last().unwrap().name, "Wiki editor");
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let e = parse("organizations = [\"a\"]\nmouse = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/x/config.toml:2:"), "{e}");
        let e = parse("\n\ncolour = 1\n").unwrap_err().to_string();
        assert!(
            e.starts_with("/x/config.toml:3:1:") && e.contains("colour"),
            "{e}"
        );
        let e = parse("[keymap]\nrefresh = [\"ctrl-\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("keymap.refresh"), "{e}");
        let e = parse("[keymap]\nfly = [\"x\"]\n").unwrap_err().to_string();
        assert!(e.contains("unknown action \"fly\""), "{e}");
        let e = parse("revoke_concurrency = 0\n").unwrap_err().to_string();
        assert!(e.contains(":1:1:"), "{e}");
        let e = parse("mouse = true\nkeyring = \"file\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/x/config.toml:2:11:")
                && e.contains("keyring: \"file\" is not one of native, secret-service"),
            "{e}"
        );
        let e = parse("sign_in = [\"env\", \"password\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/x/config.toml:1:19:")
                && e.contains("sign_in: unknown source \"password\""),
            "{e}"
        );
        let e = parse("[[presets]]\nname = \"bad\"\nscopes = [\"vso.nope\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("vso.nope"), "{e}");
    }

    /// The keyring store and the sign-in order come out typed.
    #[test]
    fn keyring_and_sign_in_are_typed() {
        let c = parse("").unwrap();
        assert_eq!(c.keyring, None);
        assert!(c.sign_in.is_empty());
        let c = parse(concat!(
            "keyring = \"secret-service\"\n",
            "sign_in = [\"az\", \"Keyring\", \"device-code\"]\n"
        ))
        .unwrap();
        assert_eq!(c.keyring, Some(StoreKind::SecretService));
        assert_eq!(
            c.sign_in,
            [
                SourceKind::AzureCli,
                SourceKind::Keyring,
                SourceKind::DeviceCode
            ]
        );
        for (name, kind) in [
            ("native", StoreKind::Native),
            ("keyutils", StoreKind::Keyutils),
            ("memory", StoreKind::Memory),
        ] {
            let c = parse(&format!("keyring = {name:?}\n")).unwrap();
            assert_eq!(c.keyring, Some(kind));
        }
        assert!(parse("keyring = \"NATIVE\"\n").is_err());
        assert!(parse("keyring = 1\n").is_err());
        assert!(parse("sign_in = \"env\"\n").is_err());
    }

    #[test]
    fn a_missing_file_is_the_defaults() {
        let c = Config::load(Some(Path::new("/nonexistent/patui/config.toml"))).unwrap();
        assert_eq!(c.revoke_concurrency, 8);
    }
}
