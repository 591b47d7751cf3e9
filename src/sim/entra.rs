//! The simulated Microsoft Entra endpoints: `/{tenant}/oauth2/v2.0/devicecode` and `/token`
//! (device code grant and refresh-token grant). A sign-in is approved after a set number of
//! polls, or declined, or left to expire; the first poll can be told to slow down.
//!
//! Owns the Entra state ([`EntraSim`]) and the OAuth wire answers. It sits below `sim::http`,
//! which holds an `EntraSim` in its shared state and routes the two endpoints here: this module
//! is handed the locks it needs and uses nothing of `http`.

use crate::sim::store::Store;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// How the simulated user answers a device code sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceOutcome {
    #[default]
    Approve,
    Decline,
    Expire,
}

/// Settings of the Entra simulation.
#[derive(Debug, Clone)]
pub struct EntraOptions {
    /// Polls answered `authorization_pending` before the outcome.
    pub approve_after_polls: u32,
    pub outcome: DeviceOutcome,
    /// Answer the first poll with `slow_down`.
    pub slow_down_first: bool,
    /// The `interval` handed out, in seconds.
    pub interval_secs: u64,
    /// Lifetime of issued access tokens.
    pub access_token_lifetime: chrono::Duration,
}

impl Default for EntraOptions {
    fn default() -> Self {
        Self {
            approve_after_polls: 1,
            outcome: DeviceOutcome::Approve,
            slow_down_first: false,
            interval_secs: 1,
            access_token_lifetime: chrono::Duration::hours(1),
        }
    }
}

struct Pending {
    polls: u32,
}

/// The state of the simulation.
pub struct EntraSim {
    opts: EntraOptions,
    devices: HashMap<String, Pending>,
    refresh_tokens: HashMap<String, ()>,
    /// Token requests seen (tests check the polling pace).
    pub token_requests: u32,
}

impl EntraSim {
    /// A fresh simulation.
    pub fn new(opts: EntraOptions) -> Self {
        Self {
            opts,
            devices: HashMap::new(),
            refresh_tokens: HashMap::new(),
            token_requests: 0,
        }
    }
}

fn json(status: StatusCode, v: serde_json::Value) -> Response<Body> {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn oauth_error(error: &str, description: &str) -> Response<Body> {
    json(
        StatusCode::BAD_REQUEST,
        serde_json::json!({"error": error, "error_description": description, "error_codes": []}),
    )
}

/// Handles `devicecode` and `token`, with the Entra state and the store (which issues the
/// access tokens); both are locked, in that order, once the request has a `client_id`.
pub fn handle(
    entra: &Mutex<EntraSim>,
    store: &Mutex<Store>,
    op: &str,
    body: &Bytes,
) -> Response<Body> {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if form.get("client_id").is_none_or(|c| c.is_empty()) {
        return oauth_error(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        );
    }
    let (Ok(mut entra), Ok(mut store)) = (entra.lock(), store.lock()) else {
        return oauth_error("server_error", "state");
    };
    match op {
        "devicecode" => {
            let code = format!("sim-dc-{}", Uuid::new_v4().simple());
            let user_code = format!(
                "SIM{}",
                &Uuid::new_v4().simple().to_string()[..6].to_uppercase()
            );
            entra.devices.insert(code.clone(), Pending { polls: 0 });
            json(
                StatusCode::OK,
                serde_json::json!({
                    "device_code": code, "user_code": user_code,
                    "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": 900, "interval": entra.opts.interval_secs,
                    "message": format!("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {user_code} to authenticate."),
                }),
            )
        }
        "token" => {
            entra.token_requests += 1;
            let opts = entra.opts.clone();
            match form.get("grant_type").map(String::as_str) {
                Some("urn:ietf:params:oauth:grant-type:device_code") => {
                    let code = form.get("device_code").cloned().unwrap_or_default();
                    let Some(p) = entra.devices.get_mut(&code) else {
                        return oauth_error(
                            "bad_verification_code",
                            "AADSTS70019: the code is not valid.",
                        );
                    };
                    p.polls += 1;
                    if opts.slow_down_first && p.polls == 1 {
                        return oauth_error("slow_down", "Polling too fast.");
                    }
                    if p.polls <= opts.approve_after_polls {
                        return oauth_error("authorization_pending", "AADSTS70016: pending.");
                    }
                    entra.devices.remove(&code);
                    match opts.outcome {
                        DeviceOutcome::Decline => {
                            oauth_error("authorization_declined", "AADSTS70000: the user declined.")
                        }
                        DeviceOutcome::Expire => {
                            oauth_error("expired_token", "AADSTS70020: the code expired.")
                        }
                        DeviceOutcome::Approve => {
                            let access = store.issue_access_token(opts.access_token_lifetime);
                            let refresh = format!("sim-rt-{}", Uuid::new_v4().simple());
                            entra.refresh_tokens.insert(refresh.clone(), ());
                            tokens(&access, &refresh, opts.access_token_lifetime)
                        }
                    }
                }
                Some("refresh_token") => {
                    let rt = form.get("refresh_token").cloned().unwrap_or_default();
                    if entra.refresh_tokens.remove(&rt).is_none() {
                        return oauth_error(
                            "invalid_grant",
                            "AADSTS70008: The refresh token has expired or is invalid.",
                        );
                    }
                    let access = store.issue_access_token(opts.access_token_lifetime);
                    let refresh = format!("sim-rt-{}", Uuid::new_v4().simple());
                    entra.refresh_tokens.insert(refresh.clone(), ());
                    tokens(&access, &refresh, opts.access_token_lifetime)
                }
                _ => oauth_error(
                    "unsupported_grant_type",
                    "AADSTS70003: unsupported grant type.",
                ),
            }
        }
        _ => oauth_error("invalid_request", "unknown endpoint"),
    }
}

fn tokens(access: &str, refresh: &str, life: chrono::Duration) -> Response<Body> {
    json(
        StatusCode::OK,
        serde_json::json!({
            "token_type": "Bearer",
            "scope": "499b84ac-1321-427f-aa17-267ca6975798/.default",
            "expires_in": life.num_seconds().max(0), "ext_expires_in": life.num_seconds().max(0),
            "access_token": access, "refresh_token": refresh,
        }),
    )
}
