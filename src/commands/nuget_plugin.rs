//! The NuGet cross-platform authentication plugin (`patui nuget-plugin`, also run as
//! `nuget-plugin-patui` or with `-Plugin`): protocol 2.0.0, one UTF-8 JSON object per line on
//! stdin and stdout, PascalCase names, enums as strings.
//!
//! The handshake is symmetric: patui sends its own `Handshake` request first, then answers
//! NuGet's. It claims `Authentication`, and answers `GetAuthenticationCredentials` for Azure
//! Artifacts feed URLs from the keyring only (see [`crate::feeds`]), never the network. On a
//! retry (`IsRetry: true`: the server refused what patui gave) a token already handed out for
//! that feed in this process is never handed out again. The token value leaves only in that
//! reply on stdout; what NuGet's user should read goes to stderr.
//!
//! [`Plugin`] is the protocol without I/O (the tests drive it); [`run`] is the loop.

use super::json_lines::send;
use crate::feeds::{self, Access, Feed};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use uuid::Uuid;

/// The protocol version patui speaks.
pub const PROTOCOL_VERSION: &str = "2.0.0";
/// The oldest version patui accepts.
pub const MINIMUM_PROTOCOL_VERSION: &str = "1.0.0";
/// The user name sent with a token (Azure Artifacts ignores it).
const USERNAME: &str = "patui";
/// Prefix of every line patui writes on stderr in this mode.
const PREFIX: &str = "patui (NuGet): ";

/// The plugin's state: the keyring, and which tokens were handed out (and refused) per feed.
pub struct Plugin<'a> {
    vault: &'a Result<Vault, String>,
    service_url: Option<String>,
    now: DateTime<Utc>,
    /// Ids handed out per feed (see [`feed_key`]).
    handed: HashMap<String, Vec<Uuid>>,
    /// Ids a retry showed refused, per feed: never handed out again.
    refused: HashMap<String, Vec<Uuid>>,
    /// Lines for stderr, taken by [`Plugin::take_notes`].
    notes: Vec<String>,
    closed: bool,
}

impl<'a> Plugin<'a> {
    pub fn new(
        vault: &'a Result<Vault, String>,
        service_url: Option<&str>,
        now: DateTime<Utc>,
    ) -> Self {
        Plugin {
            vault,
            service_url: service_url.map(str::to_owned),
            now,
            handed: HashMap::new(),
            refused: HashMap::new(),
            notes: Vec::new(),
            closed: false,
        }
    }

    /// patui's own `Handshake` request: the first line it writes.
    pub fn handshake_request(&self) -> Value {
        json!({
            "RequestId": Uuid::new_v4().to_string(),
            "Type": "Request",
            "Method": "Handshake",
            "Payload": {
                "ProtocolVersion": PROTOCOL_VERSION,
                "MinimumProtocolVersion": MINIMUM_PROTOCOL_VERSION,
            },
        })
    }

    /// True once NuGet sent `Close`: the loop ends after writing the answer.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The stderr lines gathered since the last call (already prefixed and sanitized).
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    fn note(&mut self, text: &str) {
        self.notes
            .push(format!("{PREFIX}{}", crate::text::sanitize(text)));
    }

    /// The messages to send in answer to `msg` (none for responses, progress, cancels).
    pub fn on_message(&mut self, msg: &Value) -> Vec<Value> {
        let field = |k: &str| msg.get(k).and_then(Value::as_str).unwrap_or("");
        let kind = field("Type");
        let method = field("Method").to_owned();
        if kind.eq_ignore_ascii_case("Fault") {
            let why = msg
                .pointer("/Payload/Message")
                .and_then(Value::as_str)
                .unwrap_or("(no message)");
            self.note(&format!("NuGet reported a fault: {why}"));
            return Vec::new();
        }
        // Responses (to our handshake), progress and cancels need no answer: every request is
        // answered at once, so there is nothing in progress to cancel.
        if !kind.eq_ignore_ascii_case("Request") {
            return Vec::new();
        }
        let id = msg.get("RequestId").cloned().unwrap_or(Value::Null);
        let empty = Value::Object(Default::default());
        let payload = msg
            .get("Payload")
            .filter(|p| p.is_object())
            .unwrap_or(&empty);
        let answer = match method.to_ascii_lowercase().as_str() {
            "handshake" => handshake_answer(payload),
            "initialize" | "setloglevel" | "monitornugetprocessexit" | "setcredentials" => {
                json!({"ResponseCode": "Success"})
            }
            "getoperationclaims" => self.claims(payload),
            "getauthenticationcredentials" => self.credentials(payload),
            "close" => {
                self.closed = true;
                json!({"ResponseCode": "Success"})
            }
            _ => {
                self.note(&format!("unknown request {method:?}: answered Error"));
                json!({"ResponseCode": "Error"})
            }
        };
        vec![json!({
            "RequestId": id,
            "Type": "Response",
            "Method": method,
            "Payload": answer,
        })]
    }

    /// `GetOperationClaims`: `Authentication`, unless asked about a source that is not a feed
    /// patui serves. The answer depends on the URL only (NuGet caches claims for 30 days).
    fn claims(&self, payload: &Value) -> Value {
        let source = payload
            .get("PackageSourceRepository")
            .and_then(Value::as_str)
            .or_else(|| payload.get("ServiceIndex").and_then(Value::as_str))
            .filter(|s| !s.trim().is_empty());
        match source {
            Some(s) if feeds::parse(s, self.service_url.as_deref()).is_none() => {
                json!({"ResponseCode": "Success", "Claims": []})
            }
            _ => json!({"ResponseCode": "Success", "Claims": ["Authentication"]}),
        }
    }

    /// `GetAuthenticationCredentials`: the stored token for the feed, or `NotFound` (NuGet then
    /// asks the next provider).
    fn credentials(&mut self, payload: &Value) -> Value {
        let uri = payload.get("Uri").and_then(Value::as_str).unwrap_or("");
        let Some(feed) = feeds::parse(uri, self.service_url.as_deref()) else {
            return json!({"ResponseCode": "NotFound"});
        };
        let key = feed_key(&feed);
        let retry = payload
            .get("IsRetry")
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"));
        if retry {
            // The server refused what was handed out for this feed.
            let handed = self.handed.get(&key).cloned().unwrap_or_default();
            let refused = self.refused.entry(key.clone()).or_default();
            for id in handed {
                if !refused.contains(&id) {
                    refused.push(id);
                }
            }
        }
        let exclude = self.refused.get(&key).cloned().unwrap_or_default();
        let served = match self.vault {
            Ok(vault) => feeds::resolve(vault, &feed, Access::Read, self.now, &exclude)
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("cannot read the keyring: {e}")),
        };
        match served {
            Ok(s) => {
                let ids = self.handed.entry(key).or_default();
                if !ids.contains(&s.id) {
                    ids.push(s.id);
                }
                tracing::info!(token = %s.id, feed = %feed.describe(), retry, "served to NuGet");
                json!({
                    "ResponseCode": "Success",
                    "Username": USERNAME,
                    "Password": s.value.expose(),
                    "Message": null,
                    "AuthenticationTypes": ["Basic"],
                })
            }
            Err(sentence) => {
                self.note(&sentence);
                json!({
                    "ResponseCode": "NotFound",
                    "Message": crate::text::sanitize(&sentence),
                })
            }
        }
    }
}

/// Which feed a retry is about: refused tokens are remembered per feed.
fn feed_key(f: &Feed) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        f.server.as_deref().unwrap_or(""),
        f.path.join("/"),
        f.org,
        f.project.as_deref().unwrap_or(""),
        f.feed
    )
    .to_lowercase()
}

/// `major.minor.patch` of a version string (pre-release and build parts ignored).
fn version(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

/// NuGet's `Handshake`: Success with the negotiated version (the lower of the two), or Error
/// when the ranges do not meet. Unreadable versions are taken as NuGet's current 2.0.0.
fn handshake_answer(payload: &Value) -> Value {
    let ours = (2, 0, 0);
    let our_min = (1, 0, 0);
    let theirs_text = payload.get("ProtocolVersion").and_then(Value::as_str);
    let theirs = theirs_text.and_then(version).unwrap_or(ours);
    let their_min = payload
        .get("MinimumProtocolVersion")
        .and_then(Value::as_str)
        .and_then(version)
        .unwrap_or(our_min);
    if their_min > ours || theirs < our_min || their_min > theirs {
        return json!({"ResponseCode": "Error"});
    }
    let agreed = match theirs_text {
        Some(t) if theirs < ours => t.trim().to_owned(),
        _ => PROTOCOL_VERSION.to_owned(),
    };
    json!({"ResponseCode": "Success", "ProtocolVersion": agreed})
}

/// Runs the plugin: our handshake request first, then NuGet's messages until `Close` or the
/// end of stdin (exit 0). A line that is not a JSON object is reported on stderr and skipped.
pub fn run(
    vault: &Result<Vault, String>,
    service_url: Option<&str>,
    mut input: impl BufRead,
    mut output: impl Write,
    now: DateTime<Utc>,
) -> u8 {
    let mut plugin = Plugin::new(vault, service_url, now);
    if let Err(e) = send(&mut output, plugin.handshake_request()) {
        crate::eprintln_safe!("{PREFIX}cannot write to NuGet: {e}");
        return super::EXIT_ERROR;
    }
    let mut buf = Vec::new();
    loop {
        match super::json_lines::next_line(&mut input, &mut buf) {
            Ok(false) => return super::EXIT_OK,
            Ok(true) => {}
            Err(e) => {
                crate::eprintln_safe!("{PREFIX}cannot read from NuGet: {e}");
                return super::EXIT_ERROR;
            }
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            crate::eprintln_safe!("{PREFIX}a message that is not UTF-8 was skipped");
            continue;
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let msg = match serde_json::from_str::<Value>(text) {
            Ok(v) if v.is_object() => v,
            Ok(_) => {
                crate::eprintln_safe!("{PREFIX}a message that is not a JSON object was skipped");
                continue;
            }
            Err(e) => {
                crate::eprintln_safe!("{PREFIX}a message that is not JSON was skipped ({e})");
                continue;
            }
        };
        let answers = plugin.on_message(&msg);
        for note in plugin.take_notes() {
            crate::eprintln_safe!("{note}");
        }
        for answer in answers {
            if let Err(e) = send(&mut output, answer) {
                crate::eprintln_safe!("{PREFIX}cannot write to NuGet: {e}");
                return super::EXIT_ERROR;
            }
        }
        if plugin.is_closed() {
            return super::EXIT_OK;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "https://pkgs.dev.azure.com/fab/_packaging/main/nuget/v3/index.json";

    fn vault_with(tokens: &[(&str, &str, i64)]) -> (Result<Vault, String>, Vec<Uuid>) {
        crate::testsupport::memory_vault("fab", tokens)
    }

    fn request(method: &str, payload: Value) -> Value {
        json!({"RequestId": "r-1", "Type": "Request", "Method": method, "Payload": payload})
    }

    fn ask(p: &mut Plugin<'_>, uri: &str, retry: bool) -> Value {
        let out = p.on_message(&request(
            "GetAuthenticationCredentials",
            json!({"Uri": uri, "IsRetry": retry, "IsNonInteractive": true, "CanShowDialog": false}),
        ));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["Type"], "Response");
        assert_eq!(out[0]["RequestId"], "r-1");
        assert_eq!(out[0]["Method"], "GetAuthenticationCredentials");
        out[0]["Payload"].clone()
    }

    /// Our handshake request is the first line; NuGet's handshake, the response to ours and
    /// the setup requests are answered as the real transcript (NuGet.exe 5.8) expects.
    #[test]
    fn handshake_order_and_setup_requests() {
        let (vault, _) = vault_with(&[]);
        let input = [
            json!({"RequestId": "n1", "Type": "Request", "Method": "Handshake",
                   "Payload": {"ProtocolVersion": "2.0.0", "MinimumProtocolVersion": "1.0.0"}}),
            json!({"RequestId": "ours", "Type": "Response", "Method": "Handshake",
                   "Payload": {"ResponseCode": "Success", "ProtocolVersion": "2.0.0"}}),
            json!({"RequestId": "n2", "Type": "Request", "Method": "MonitorNuGetProcessExit",
                   "Payload": {"ProcessId": 42}}),
            json!({"RequestId": "n3", "Type": "Request", "Method": "Initialize",
                   "Payload": {"ClientVersion": "5.8.0", "Culture": "en", "RequestTimeout": "00:00:05"}}),
            json!({"RequestId": "n4", "Type": "Request", "Method": "SetLogLevel",
                   "Payload": {"LogLevel": "Information"}}),
        ]
        .iter()
        .map(|v| v.to_string() + "\n")
        .collect::<String>()
            + "not json\n";
        let mut out = Vec::new();
        let code = run(&vault, None, input.as_bytes(), &mut out, Utc::now());
        assert_eq!(code, crate::commands::EXIT_OK);
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert_eq!(lines[0]["Type"], "Request");
        assert_eq!(lines[0]["Method"], "Handshake");
        assert_eq!(lines[0]["Payload"]["ProtocolVersion"], "2.0.0");
        assert_eq!(lines[0]["Payload"]["MinimumProtocolVersion"], "1.0.0");
        assert!(Uuid::parse_str(lines[0]["RequestId"].as_str().unwrap()).is_ok());
        assert_eq!(lines[1]["RequestId"], "n1");
        assert_eq!(lines[1]["Type"], "Response");
        assert_eq!(lines[1]["Method"], "Handshake");
        assert_eq!(
            lines[1]["Payload"],
            json!({"ResponseCode": "Success", "ProtocolVersion": "2.0.0"})
        );
        for (line, id) in lines[2..].iter().zip(["n2", "n3", "n4"]) {
            assert_eq!(line["RequestId"], id);
            assert_eq!(line["Payload"], json!({"ResponseCode": "Success"}));
        }
    }

    #[test]
    fn close_ends_the_loop_and_unknown_requests_get_error() {
        let (vault, _) = vault_with(&[]);
        let input = concat!(
            r#"{"RequestId":"c0","Type":"Cancel","Method":"GetAuthenticationCredentials"}"#,
            "\n",
            r#"{"RequestId":"u1","Type":"Request","Method":"DownloadPackage","Payload":{}}"#,
            "\n",
            r#"{"RequestId":"c1","Type":"Request","Method":"Close"}"#,
            "\n",
            r#"{"RequestId":"after","Type":"Request","Method":"Initialize","Payload":{}}"#,
            "\n",
        );
        let mut out = Vec::new();
        let code = run(&vault, None, input.as_bytes(), &mut out, Utc::now());
        assert_eq!(code, crate::commands::EXIT_OK);
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[1]["RequestId"], "u1");
        assert_eq!(lines[1]["Payload"]["ResponseCode"], "Error");
        assert_eq!(lines[2]["RequestId"], "c1");
        assert_eq!(lines[2]["Payload"]["ResponseCode"], "Success");
    }

    #[test]
    fn handshake_negotiation() {
        let ok = handshake_answer(
            &json!({"ProtocolVersion": "2.0.0", "MinimumProtocolVersion": "1.0.0"}),
        );
        assert_eq!(ok["ProtocolVersion"], "2.0.0");
        let newer = handshake_answer(
            &json!({"ProtocolVersion": "3.1.0", "MinimumProtocolVersion": "1.0.0"}),
        );
        assert_eq!(newer["ProtocolVersion"], "2.0.0");
        let too_new = handshake_answer(
            &json!({"ProtocolVersion": "4.0.0", "MinimumProtocolVersion": "3.0.0"}),
        );
        assert_eq!(too_new, json!({"ResponseCode": "Error"}));
    }

    #[test]
    fn claims_depend_on_the_source() {
        let (vault, _) = vault_with(&[]);
        let mut p = Plugin::new(&vault, None, Utc::now());
        let claims = |p: &mut Plugin<'_>, payload: Value| {
            p.on_message(&request("GetOperationClaims", payload))[0]["Payload"].clone()
        };
        let all = json!({"ResponseCode": "Success", "Claims": ["Authentication"]});
        let none = json!({"ResponseCode": "Success", "Claims": []});
        assert_eq!(claims(&mut p, json!({})), all);
        assert_eq!(
            claims(
                &mut p,
                json!({"PackageSourceRepository": FEED, "ServiceIndex": {"version": "3.0.0"}})
            ),
            all
        );
        assert_eq!(
            claims(
                &mut p,
                json!({"PackageSourceRepository": "https://api.nuget.org/v3/index.json", "ServiceIndex": {}})
            ),
            none
        );
    }

    #[test]
    fn a_stored_token_is_served() {
        let (vault, _) = vault_with(&[("pat-one", "vso.packaging", 1)]);
        let mut p = Plugin::new(&vault, None, Utc::now());
        let a = ask(&mut p, FEED, false);
        assert_eq!(
            a,
            json!({"ResponseCode": "Success", "Username": "patui", "Password": "pat-one",
                   "Message": null, "AuthenticationTypes": ["Basic"]})
        );
        assert!(p.take_notes().is_empty());
        // The same feed asked again without a retry: the same token.
        assert_eq!(ask(&mut p, FEED, false)["Password"], "pat-one");
    }

    #[test]
    fn a_retry_never_returns_a_token_handed_out_before() {
        let (vault, _) = vault_with(&[
            ("older", "vso.packaging", 10),
            ("newer", "vso.packaging_write", 1),
        ]);
        let mut p = Plugin::new(&vault, None, Utc::now());
        assert_eq!(ask(&mut p, FEED, false)["Password"], "newer");
        assert_eq!(ask(&mut p, FEED, true)["Password"], "older");
        let last = ask(&mut p, FEED, true);
        assert_eq!(last["ResponseCode"], "NotFound");
        assert!(last.get("Password").is_none());
        let message = last["Message"].as_str().unwrap();
        assert!(message.contains("refused"), "{message}");
        let notes = p.take_notes();
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("patui (NuGet): "), "{notes:?}");
        assert!(!notes[0].contains("older") && !notes[0].contains("newer"));
        // Refused ones stay refused for that feed, even when NuGet asks afresh.
        assert_eq!(ask(&mut p, FEED, false)["ResponseCode"], "NotFound");
        // Another feed of the organization is a fresh start.
        let other = "https://pkgs.dev.azure.com/fab/_packaging/other/nuget/v3/index.json";
        assert_eq!(ask(&mut p, other, false)["Password"], "newer");
    }

    #[test]
    fn not_found_for_what_is_not_a_feed_or_has_no_token() {
        let (vault, _) = vault_with(&[("pat-one", "vso.code", 1)]);
        let mut p = Plugin::new(&vault, None, Utc::now());
        for uri in ["https://api.nuget.org/v3/index.json", "", "nonsense"] {
            assert_eq!(
                ask(&mut p, uri, false),
                json!({"ResponseCode": "NotFound"}),
                "{uri}"
            );
        }
        assert!(p.take_notes().is_empty(), "not ours: silent");
        // A feed of an organization without a Packaging token: NotFound with the reason.
        let a = ask(&mut p, FEED, false);
        assert_eq!(a["ResponseCode"], "NotFound");
        assert!(a["Message"].as_str().unwrap().contains("Packaging"), "{a}");
        assert_eq!(p.take_notes().len(), 1);
        // No keyring at all.
        let broken: Result<Vault, String> = Err("no Secret Service".into());
        let mut p = Plugin::new(&broken, None, Utc::now());
        let a = ask(&mut p, FEED, false);
        assert_eq!(a["ResponseCode"], "NotFound");
        assert!(a["Message"].as_str().unwrap().contains("no Secret Service"));
    }
}
