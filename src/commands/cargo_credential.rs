//! The Cargo credential provider (`patui cargo-credential --cargo-plugin`, protocol v1, cargo ≥
//! 1.74): `credential-provider = ["patui", "cargo-credential"]` for an Azure Artifacts registry.
//!
//! patui first writes `{"v":[1]}`, then answers each request line cargo sends until stdin ends.
//! `get` is answered from the keyring only (see [`crate::feeds`]), never the network: the token
//! is the whole Authorization value, `Basic base64(patui:PAT)`, cached by cargo until the PAT
//! expires. `login` and `logout` are refused: patui keeps only the tokens it minted. The value
//! leaves only in the reply on stdout; what cargo's user should read goes to stderr.

use super::json_lines::send;
use crate::cli::CargoCredentialArgs;
use crate::feeds::{self, Access};
use crate::vault::Vault;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::io::{BufRead, Write};

/// Prefix of every line patui writes on stderr in this mode.
const PREFIX: &str = "patui (cargo): ";

/// One answer: the reply for cargo, and a line for stderr (prefixed, sanitized), if any.
pub struct Answer {
    pub reply: Value,
    pub note: Option<String>,
}

fn error(kind: &str) -> Value {
    json!({"Err": {"kind": kind}})
}

fn note(text: &str) -> Option<String> {
    Some(format!("{PREFIX}{}", crate::text::sanitize(text)))
}

/// The answer to one request from cargo.
pub fn answer(
    request: &Value,
    vault: &Result<Vault, String>,
    service_url: Option<&str>,
    now: DateTime<Utc>,
) -> Answer {
    let field = |k: &str| request.get(k).and_then(Value::as_str);
    if request.get("v").and_then(Value::as_u64) != Some(1) {
        return Answer {
            reply: json!({"Err": {"kind": "other", "message": "patui speaks version 1 of the credential-provider protocol only"}}),
            note: None,
        };
    }
    match field("kind").unwrap_or("") {
        "get" => {}
        "login" => {
            return Answer {
                reply: error("operation-not-supported"),
                note: note(
                    "patui does not keep tokens given to cargo login: create one with patui (patui create --scopes vso.packaging_write, or n in patui) and cargo will ask patui for it",
                ),
            };
        }
        "logout" => {
            return Answer {
                reply: error("operation-not-supported"),
                note: note(
                    "cargo logout has nothing to forget here: patui keeps only the tokens it minted (revoke one with patui revoke)",
                ),
            };
        }
        _ => {
            return Answer {
                reply: error("operation-not-supported"),
                note: None,
            };
        }
    }
    let index = request
        .pointer("/registry/index-url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let index = index.strip_prefix("sparse+").unwrap_or(index);
    let Some(feed) = feeds::parse(index, service_url) else {
        return Answer {
            reply: error("url-not-supported"),
            note: None,
        };
    };
    let access = match field("operation") {
        Some("read") => Access::Read,
        // publish, owners, yank, unyank (and whatever comes later) change the registry.
        _ => Access::Publish,
    };
    let served = match vault {
        Ok(v) => feeds::resolve(v, &feed, access, now, &[]).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read the keyring: {e}")),
    };
    match served {
        Ok(s) => {
            use zeroize::Zeroize;
            let mut raw = format!("patui:{}", s.value.expose());
            let mut token = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
            );
            raw.zeroize();
            let reply = json!({"Ok": {
                "kind": "get",
                "token": token.as_str(),
                "cache": "expires",
                "expiration": s.valid_to.timestamp(),
                "operation_independent": false,
            }});
            token.zeroize();
            tracing::info!(token = %s.id, feed = %feed.describe(), ?access, "served to cargo");
            Answer { reply, note: None }
        }
        Err(sentence) => Answer {
            reply: json!({"Err": {"kind": "not-found", "message": crate::text::sanitize(&sentence)}}),
            note: note(&sentence),
        },
    }
}

/// Runs the provider: `{"v":[1]}`, then one reply per request line until stdin ends (exit 0).
/// Without `--cargo-plugin` (not run by cargo) it prints how to use it and returns 2.
pub fn run(
    args: &CargoCredentialArgs,
    vault: &Result<Vault, String>,
    service_url: Option<&str>,
    mut input: impl BufRead,
    mut output: impl Write,
    now: DateTime<Utc>,
) -> u8 {
    if !args.cargo_plugin {
        crate::eprintln_safe!(
            "usage: cargo runs this as `patui cargo-credential --cargo-plugin`; set credential-provider = [\"patui\", \"cargo-credential\"] for the registry (patui setup cargo)"
        );
        return super::EXIT_USAGE;
    }
    if let Err(e) = send(&mut output, json!({"v": [1]})) {
        crate::eprintln_safe!("{PREFIX}cannot write to cargo: {e}");
        return super::EXIT_ERROR;
    }
    let mut buf = Vec::new();
    loop {
        match super::json_lines::next_line(&mut input, &mut buf) {
            Ok(false) => return super::EXIT_OK,
            Ok(true) => {}
            Err(e) => {
                crate::eprintln_safe!("{PREFIX}cannot read from cargo: {e}");
                return super::EXIT_ERROR;
            }
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let ans = match serde_json::from_str::<Value>(text) {
            Ok(request) if request.is_object() => answer(&request, vault, service_url, now),
            _ => Answer {
                reply: json!({"Err": {"kind": "other", "message": "patui could not read cargo's request"}}),
                note: note("a request that is not a JSON object was answered with an error"),
            },
        };
        if let Some(n) = &ans.note {
            crate::eprintln_safe!("{n}");
        }
        if let Err(e) = send(&mut output, ans.reply) {
            crate::eprintln_safe!("{PREFIX}cannot write to cargo: {e}");
            return super::EXIT_ERROR;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "sparse+https://pkgs.dev.azure.com/fab/_packaging/main/Cargo/index/";

    fn args(cargo_plugin: bool) -> CargoCredentialArgs {
        CargoCredentialArgs {
            cargo_plugin,
            rest: Vec::new(),
        }
    }

    /// An in-memory keyring with `(value, scope)` tokens for "fab", valid 30 more days; and when
    /// they expire.
    fn vault_with(tokens: &[(&str, &str)]) -> (Result<Vault, String>, DateTime<Utc>) {
        let aged: Vec<(&str, &str, i64)> = tokens
            .iter()
            .enumerate()
            .map(|(i, (v, s))| (*v, *s, 1 + i as i64))
            .collect();
        let vault = crate::testsupport::memory_vault("fab", &aged).0;
        // When the tokens expire (the same for all), as the keyring has it.
        let valid_to = vault
            .as_ref()
            .ok()
            .and_then(|v| v.list().ok())
            .and_then(|l| l.first().map(|m| m.valid_to))
            .unwrap_or_else(Utc::now);
        (vault, valid_to)
    }

    fn get(operation: &str, index: &str) -> Value {
        json!({"v": 1, "kind": "get", "operation": operation,
               "registry": {"index-url": index, "name": "fab-main",
                            "headers": ["WWW-Authenticate: Cargo login_url=\"x\""]},
               "args": []})
    }

    fn talk(vault: &Result<Vault, String>, requests: &[Value]) -> (u8, Vec<Value>) {
        let input: String = requests.iter().map(|r| r.to_string() + "\n").collect();
        let mut out = Vec::new();
        let code = run(
            &args(true),
            vault,
            None,
            input.as_bytes(),
            &mut out,
            Utc::now(),
        );
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (code, lines)
    }

    #[test]
    fn hello_first_then_a_basic_token_that_expires_with_the_pat() {
        let (vault, valid_to) = vault_with(&[("pat-read", "vso.packaging")]);
        let (code, lines) = talk(&vault, &[get("read", INDEX)]);
        assert_eq!(code, crate::commands::EXIT_OK);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], json!({"v": [1]}));
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("patui:pat-read")
        );
        assert_eq!(
            lines[1],
            json!({"Ok": {"kind": "get", "token": expected, "cache": "expires",
                          "expiration": valid_to.timestamp(), "operation_independent": false}})
        );
    }

    #[test]
    fn publish_needs_a_write_token() {
        let (vault, _) = vault_with(&[("pat-read", "vso.packaging")]);
        for op in ["publish", "yank", "unyank", "owners"] {
            let a = answer(&get(op, INDEX), &vault, None, Utc::now());
            assert_eq!(a.reply["Err"]["kind"], "not-found", "{op}");
            assert!(
                a.reply["Err"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("only read")
            );
            let n = a.note.unwrap();
            assert!(
                n.starts_with("patui (cargo): ") && !n.contains("pat-read"),
                "{n}"
            );
        }
        let (vault, _) = vault_with(&[
            ("pat-read", "vso.packaging"),
            ("pat-write", "vso.packaging_write"),
        ]);
        let a = answer(&get("publish", INDEX), &vault, None, Utc::now());
        let token = a.reply["Ok"]["token"].as_str().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token.strip_prefix("Basic ").unwrap())
            .unwrap();
        assert_eq!(decoded, b"patui:pat-write");
        assert!(a.note.is_none());
    }

    #[test]
    fn other_registries_are_not_supported_and_login_is_refused() {
        let (vault, _) = vault_with(&[("pat-read", "vso.packaging")]);
        for index in [
            "sparse+https://index.crates.io/",
            "https://github.com/rust-lang/crates.io-index",
            "",
        ] {
            let a = answer(&get("read", index), &vault, None, Utc::now());
            assert_eq!(
                a.reply,
                json!({"Err": {"kind": "url-not-supported"}}),
                "{index}"
            );
            assert!(a.note.is_none());
        }
        for kind in ["login", "logout"] {
            let req = json!({"v": 1, "kind": kind, "registry": {"index-url": INDEX}, "token": "typed-by-user"});
            let a = answer(&req, &vault, None, Utc::now());
            assert_eq!(a.reply, json!({"Err": {"kind": "operation-not-supported"}}));
            assert!(a.note.unwrap().contains("patui"));
        }
        // No keyring: not-found with the reason.
        let broken: Result<Vault, String> = Err("no Secret Service".into());
        let a = answer(&get("read", INDEX), &broken, None, Utc::now());
        assert_eq!(a.reply["Err"]["kind"], "not-found");
    }

    #[test]
    fn every_request_line_is_answered_until_eof() {
        let (vault, _) = vault_with(&[]);
        let (code, lines) = talk(
            &vault,
            &[
                get("read", INDEX),
                json!({"v": 1, "kind": "logout", "registry": {"index-url": INDEX}}),
            ],
        );
        assert_eq!(code, crate::commands::EXIT_OK);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1]["Err"]["kind"], "not-found");
        assert_eq!(lines[2]["Err"]["kind"], "operation-not-supported");
    }

    #[test]
    fn without_cargo_plugin_it_is_a_usage_error() {
        let (vault, _) = vault_with(&[]);
        let mut out = Vec::new();
        let code = run(&args(false), &vault, None, &b""[..], &mut out, Utc::now());
        assert_eq!(code, crate::commands::EXIT_USAGE);
        assert!(out.is_empty());
    }
}
