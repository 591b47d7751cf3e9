//! `patui keyring`: the `keyring` command pip and uv run with `--keyring-provider subprocess`
//! (through a `keyring` shim that execs `patui keyring "$@"`). Both generations of pip:
//!
//! - pip ≤ 26.1: `keyring get SERVICE USER`, the password alone on stdout;
//! - pip ≥ 26.2: `keyring --mode=creds --output=json get SERVICE [USER]`,
//!   `{"username": …, "password": …}` on stdout.
//!
//! SERVICE is the index URL (credentials removed), or on pip's second try a bare netloc, which
//! is never a feed: exit 1 silently, as for any URL that is not an Azure Artifacts feed (pip then
//! goes on without). The token comes from the keyring only (see [`crate::feeds`]), never the
//! network; its value is written only to `out`. `set` and `del` are refused: patui keeps only
//! the tokens it minted.

use crate::cli::KeyringArgs;
use crate::feeds::{self, Access};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use std::io::Write;

/// Prefix of every line patui writes on stderr in this mode.
const PREFIX: &str = "patui (pip): ";

/// pip 26.2 and later capture the keyring command's stderr and never show it: when stderr is not
/// a terminal, the reason also goes to the controlling terminal, if there is one, so the user
/// learns why the feed refused them.
fn tell_the_terminal(line: &str) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        return;
    }
    #[cfg(unix)]
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = writeln!(tty, "{}", crate::text::sanitize_lines(line));
    }
    #[cfg(not(unix))]
    let _ = line;
}
/// The user name given when pip has none (Azure Artifacts ignores it).
const USERNAME: &str = "patui";

/// Publishing (`…/pypi/upload/`) needs a token that may write packages; anything else reads.
fn access_for(service: &str) -> Access {
    let path = service.split(['?', '#']).next().unwrap_or("");
    let last = path.split('/').rev().find(|s| !s.is_empty()).unwrap_or("");
    if last.eq_ignore_ascii_case("upload") {
        Access::Publish
    } else {
        Access::Read
    }
}

/// Runs `patui keyring OPERATION SERVICE [USER]`; the answer goes to `out`. Exit 0 with a
/// credential, 1 without one (pip's "not found"), 2 for an unknown operation.
pub fn run(
    args: &KeyringArgs,
    vault: &Result<Vault, String>,
    service_url: Option<&str>,
    mut out: impl Write,
    now: DateTime<Utc>,
) -> u8 {
    match args.operation.as_str() {
        "get" => {}
        "set" | "del" => {
            crate::eprintln_safe!(
                "{PREFIX}patui keeps only the tokens it minted: create one with patui"
            );
            return super::EXIT_ERROR;
        }
        other => {
            crate::eprintln_safe!(
                "{PREFIX}unknown operation {:?} (get; set and del are refused)",
                crate::text::sanitize(other)
            );
            return super::EXIT_USAGE;
        }
    }
    // A netloc (pip's second try) or any URL that is not a feed: not ours, silently.
    let Some(feed) = feeds::parse(&args.service, service_url) else {
        return super::EXIT_ERROR;
    };
    let vault = match vault {
        Ok(v) => v,
        Err(e) => {
            crate::eprintln_safe!(
                "{PREFIX}cannot read the keyring: {}",
                crate::text::sanitize(e)
            );
            return super::EXIT_ERROR;
        }
    };
    let served = match feeds::resolve(vault, &feed, access_for(&args.service), now, &[]) {
        Ok(s) => s,
        Err(why) => {
            let line = format!("{PREFIX}{}", crate::text::sanitize(&why.to_string()));
            crate::eprintln_safe!("{line}");
            tell_the_terminal(&line);
            return super::EXIT_ERROR;
        }
    };
    let user = args.username.as_deref().filter(|u| !u.is_empty());
    let pat = served.value.expose();
    let mut text = match (args.mode.as_str(), args.output.as_str()) {
        // pnpm's tokenHelper: the Authorization value itself.
        (_, "authorization") => {
            use base64::Engine;
            let pair = format!("{}:{pat}", user.unwrap_or(USERNAME));
            format!(
                "Basic {}\n",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
        ("creds", "json") => {
            let v = serde_json::json!({"username": user.unwrap_or(USERNAME), "password": pat});
            v.to_string() + "\n"
        }
        ("creds", _) => format!("{}\n{pat}\n", user.unwrap_or(USERNAME)),
        // keyring's password mode has no user name: JSON says null.
        (_, "json") => serde_json::json!({"username": null, "password": pat}).to_string() + "\n",
        _ => format!("{pat}\n"),
    };
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    zeroize::Zeroize::zeroize(&mut text);
    match written {
        Ok(()) => {
            tracing::info!(token = %served.id, feed = %feed.describe(), "served to pip");
            super::EXIT_OK
        }
        Err(e) => {
            crate::eprintln_safe!("{PREFIX}cannot write to stdout: {e}");
            super::EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "https://pkgs.dev.azure.com/fab/_packaging/main/pypi/simple/";

    fn args(
        mode: &str,
        output: &str,
        operation: &str,
        service: &str,
        user: Option<&str>,
    ) -> KeyringArgs {
        KeyringArgs {
            mode: mode.into(),
            output: output.into(),
            operation: operation.into(),
            service: service.into(),
            username: user.map(str::to_owned),
        }
    }

    /// An in-memory keyring with `(value, scope)` tokens for "fab".
    fn vault_with(tokens: &[(&str, &str)]) -> Result<Vault, String> {
        let aged: Vec<(&str, &str, i64)> = tokens
            .iter()
            .enumerate()
            .map(|(i, (v, s))| (*v, *s, 1 + i as i64))
            .collect();
        crate::testsupport::memory_vault("fab", &aged).0
    }

    fn call(vault: &Result<Vault, String>, a: &KeyringArgs) -> (u8, String) {
        let mut out = Vec::new();
        let code = run(a, vault, None, &mut out, Utc::now());
        (code, String::from_utf8(out).unwrap())
    }

    #[test]
    fn pnpm_gets_an_authorization_value() {
        use base64::Engine;
        let vault = vault_with(&[("pat-1", "vso.packaging")]);
        let (code, out) = call(&vault, &args("creds", "authorization", "get", INDEX, None));
        assert_eq!(code, 0);
        let b64 = out.trim().strip_prefix("Basic ").unwrap();
        let pair = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert!(String::from_utf8(pair).unwrap().ends_with(":pat-1"));
    }

    #[test]
    fn both_pip_generations_get_the_token() {
        let vault = vault_with(&[("pat-1", "vso.packaging")]);
        // pip ≤ 26.1: password alone.
        let (code, out) = call(&vault, &args("password", "plain", "get", INDEX, Some("me")));
        assert_eq!((code, out.as_str()), (0, "pat-1\n"));
        // pip ≥ 26.2: JSON, with pip's user name or patui's.
        let (code, out) = call(&vault, &args("creds", "json", "get", INDEX, None));
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"username": "patui", "password": "pat-1"})
        );
        let (_, out) = call(&vault, &args("creds", "json", "get", INDEX, Some("me")));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["username"], "me");
        // Without the trailing slash, too; creds in plain text is two lines.
        let no_slash = INDEX.trim_end_matches('/');
        let (code, out) = call(&vault, &args("creds", "plain", "get", no_slash, None));
        assert_eq!((code, out.as_str()), (0, "patui\npat-1\n"));
        let (_, out) = call(&vault, &args("password", "json", "get", INDEX, None));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"username": null, "password": "pat-1"})
        );
    }

    #[test]
    fn netlocs_and_other_indexes_exit_1_with_nothing_written() {
        let vault = vault_with(&[("pat-1", "vso.packaging")]);
        for service in [
            "pkgs.dev.azure.com",
            "127.0.0.1:18765",
            "https://pypi.org/simple/",
        ] {
            let (code, out) = call(&vault, &args("creds", "json", "get", service, None));
            assert_eq!((code, out.as_str()), (1, ""), "{service}");
        }
    }

    #[test]
    fn no_token_set_and_del_exit_1() {
        let vault = vault_with(&[("pat-code", "vso.code")]);
        let (code, out) = call(&vault, &args("creds", "json", "get", INDEX, None));
        assert_eq!((code, out.as_str()), (1, ""));
        let broken: Result<Vault, String> = Err("no Secret Service".into());
        let (code, out) = call(&broken, &args("password", "plain", "get", INDEX, Some("u")));
        assert_eq!((code, out.as_str()), (1, ""));
        for op in ["set", "del"] {
            let (code, out) = call(&vault, &args("password", "plain", op, INDEX, Some("u")));
            assert_eq!((code, out.as_str()), (1, ""), "{op}");
        }
        let (code, _) = call(&vault, &args("password", "plain", "diagnose", INDEX, None));
        assert_eq!(code, crate::commands::EXIT_USAGE);
    }

    #[test]
    fn uploads_need_a_write_token() {
        assert_eq!(access_for(INDEX), Access::Read);
        let upload = "https://pkgs.dev.azure.com/fab/_packaging/main/pypi/upload/";
        assert_eq!(access_for(upload), Access::Publish);
        let vault = vault_with(&[
            ("pat-read", "vso.packaging"),
            ("pat-write", "vso.packaging_write"),
        ]);
        let (_, out) = call(&vault, &args("password", "plain", "get", upload, None));
        assert_eq!(out, "pat-write\n");
        let (_, out) = call(&vault, &args("password", "plain", "get", INDEX, None));
        assert_eq!(out, "pat-read\n");
    }
}
