//! Sign-in against the simulated Entra: the device code flow (approve, slow_down, declined,
//! expired), refresh on 401 through the chained token source, the Azure CLI source with a fake
//! `az`, and `patui login` end to end.

use patui::auth::entra::{DEFAULT_CLIENT_ID, Poll, SignInError};
use patui::auth::{Entra, RefreshTokenStore, SignIn, SignInOptions, SourceKind};
use patui::azure::{
    AccessTokenSource, AzureClient, ClientOptions, Endpoints, ListQuery, PatBackend,
};
use patui::sim::{self, DeviceOutcome, EntraOptions, SimHandle, SimOptions};
use std::sync::Arc;

async fn start(entra: EntraOptions) -> SimHandle {
    sim::start(
        ([127, 0, 0, 1], 0).into(),
        SimOptions {
            entra,
            ..SimOptions::default()
        },
    )
    .await
    .unwrap()
}

fn entra(h: &SimHandle) -> Entra {
    Entra::new(&h.base_url, "organizations", DEFAULT_CLIENT_ID).unwrap()
}

#[tokio::test]
async fn device_code_happy_path_then_refresh() {
    let h = start(EntraOptions {
        approve_after_polls: 1,
        interval_secs: 1,
        ..EntraOptions::default()
    })
    .await;
    let e = entra(&h);
    let code = e.start_device_code().await.unwrap();
    assert!(code.user_code.starts_with("SIM"));
    assert_eq!(code.verification_uri, "https://microsoft.com/devicelogin");
    let tokens = e.wait_for_device_code(&code).await.unwrap();
    let rt = tokens.refresh_token.clone().unwrap();
    let again = e.refresh(&rt).await.unwrap();
    assert_ne!(again.access_token.expose(), tokens.access_token.expose());
    // Refresh tokens rotate: the old one is spent.
    assert_eq!(
        e.refresh(&rt).await.unwrap_err(),
        SignInError::RefreshExpired
    );
}

#[tokio::test]
async fn slow_down_declined_and_expired() {
    let h = start(EntraOptions {
        approve_after_polls: 2,
        slow_down_first: true,
        ..EntraOptions::default()
    })
    .await;
    let e = entra(&h);
    let code = e.start_device_code().await.unwrap();
    assert!(matches!(e.poll(&code).await.unwrap(), Poll::SlowDown));
    assert!(matches!(e.poll(&code).await.unwrap(), Poll::Pending));
    assert!(matches!(e.poll(&code).await.unwrap(), Poll::Done(_)));
    for (outcome, expected) in [
        (DeviceOutcome::Decline, SignInError::Declined),
        (DeviceOutcome::Expire, SignInError::Expired),
    ] {
        let h = start(EntraOptions {
            approve_after_polls: 0,
            outcome,
            ..EntraOptions::default()
        })
        .await;
        let e = entra(&h);
        let code = e.start_device_code().await.unwrap();
        assert_eq!(e.poll(&code).await.unwrap_err(), expected);
        assert!(!expected.to_string().is_empty());
    }
    let mut bogus = e.start_device_code().await.unwrap();
    bogus.device_code = "nope".into();
    assert_eq!(e.poll(&bogus).await.unwrap_err(), SignInError::BadCode);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_on_401() {
    let h = start(EntraOptions {
        approve_after_polls: 0,
        access_token_lifetime: chrono::Duration::minutes(2),
        ..EntraOptions::default()
    })
    .await;
    let vault = patui::vault::Vault::memory().unwrap();
    let chain = Arc::new(SignIn::new(SignInOptions {
        order: vec![SourceKind::Keyring, SourceKind::DeviceCode],
        env_token: None,
        entra: entra(&h),
        store: Some(Arc::new(vault.clone())),
        az: "/nonexistent/az".into(),
    }));
    // Without a cached sign-in, a sign-in is required.
    let e = chain.access_token().await.unwrap_err();
    assert!(e.to_string().contains("sign-in required"), "{e}");
    // Sign in with the device code flow.
    let code = chain.entra().start_device_code().await.unwrap();
    let tokens = chain.entra().poll(&code).await.unwrap();
    let Poll::Done(tokens) = tokens else {
        panic!("approved")
    };
    chain.complete_device_code(tokens).await.unwrap();
    assert!(
        RefreshTokenStore::load(&vault).unwrap().is_some(),
        "refresh token cached"
    );
    let client = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&h.base_url).unwrap(),
            ..ClientOptions::default()
        },
        chain.clone(),
    )
    .unwrap();
    client
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    // The service's clock passes the token's expiry: the next call gets a 401, refreshes, succeeds.
    h.with_store(|s| s.advance(chrono::Duration::minutes(3)));
    client
        .list_page("org", ListQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(chain.current_source().await, Some(SourceKind::DeviceCode));
    // Signing out forgets the cached refresh token.
    chain.sign_out().await.unwrap();
    assert!(RefreshTokenStore::load(&vault).unwrap().is_none());
}

#[tokio::test]
async fn the_azure_cli_source_with_a_fake_az() {
    let h = start(EntraOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let az = dir.path().join("az");
    let exp = chrono::Utc::now().timestamp() + 3600;
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798\" ] || exit 2\necho '{{\"accessToken\": \"from-fake-az\", \"expires_on\": {exp}, \"tokenType\": \"Bearer\"}}'\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let chain = SignIn::new(SignInOptions {
        order: vec![SourceKind::Env, SourceKind::AzureCli],
        env_token: None,
        entra: entra(&h),
        store: None,
        az: az.display().to_string(),
    });
    assert_eq!(chain.access_token().await.unwrap().expose(), "from-fake-az");
    assert_eq!(chain.current_source().await, Some(SourceKind::AzureCli));
    // Signing out says the Azure CLI was in use, and patui stops taking its token this run.
    assert_eq!(chain.sign_out().await.unwrap(), Some(SourceKind::AzureCli));
    assert!(chain.access_token().await.is_err());
    // `az login` from the sign-in screen brings it back.
    chain.use_azure_cli().await.unwrap();
    assert_eq!(chain.access_token().await.unwrap().expose(), "from-fake-az");
    // An az that is not signed in gives a clear reason.
    std::fs::write(
        &az,
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n",
    )
    .unwrap();
    let chain = SignIn::new(SignInOptions {
        order: vec![SourceKind::AzureCli],
        env_token: None,
        entra: entra(&h),
        store: None,
        az: az.display().to_string(),
    });
    let e = chain.access_token().await.unwrap_err().to_string();
    assert!(e.contains("az login"), "{e}");
}

/// What the scripted authority answers to one request.
enum Reply {
    /// 200 with this JSON body.
    Json(String),
    /// 200 with a chunked body (no Content-Length) of JSON whitespace: 64 MiB of it, then the
    /// connection stays open and silent, as if it never ended.
    EndlessChunked,
    /// 200 announcing a 400 MB body, 64 KiB of it, then silence.
    HugeLength,
}

/// A scripted authority over plain HTTP on loopback, one request per connection: `reply` maps
/// the request's path (lower-cased) to the answer. Returns its base URL.
async fn scripted_authority(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let reply = Arc::new(reply);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                // The request head, then as much body as it announces.
                let mut buf: Vec<u8> = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                match (*reply)(&path) {
                    Reply::Json(body) => {
                        let resp = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = sock.write_all(resp.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    Reply::EndlessChunked => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                        if sock.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let mut piece = format!("{:x}\r\n", 64 * 1024).into_bytes();
                        piece.extend_from_slice(&vec![b' '; 64 * 1024]);
                        piece.extend_from_slice(b"\r\n");
                        for _ in 0..1024 {
                            if sock.write_all(&piece).await.is_err() {
                                return;
                            }
                        }
                        std::future::pending::<()>().await;
                    }
                    Reply::HugeLength => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400000000\r\n\r\n";
                        if sock.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let _ = sock.write_all(&vec![b' '; 64 * 1024]).await;
                        std::future::pending::<()>().await;
                    }
                }
            });
        }
    });
    base
}

/// A device code answer with these raw JSON values.
fn device_code_json(
    user_code: &str,
    verification_uri: &str,
    expires_in: &str,
    interval: &str,
) -> String {
    format!(
        r#"{{"device_code":"dc","user_code":{},"verification_uri":{},"expires_in":{expires_in},"interval":{interval}}}"#,
        serde_json::Value::from(user_code),
        serde_json::Value::from(verification_uri),
    )
}

/// True for what must never reach a terminal raw: controls (C0, DEL, C1) and bidi formatting.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Huge `expires_in` / `interval` / `ext_expires_in` values from the authority are clamped:
/// no panic (`TimeDelta::seconds out of bounds` on 9999999999999), no refusal of `1e300`.
#[tokio::test]
async fn hostile_lifetimes_and_intervals_are_clamped_not_fatal() {
    for raw in [
        "9999999999999",
        "18446744073709551615",
        "1e300",
        "99999999999999999999999999",
        "-1",
        "\"9999999999999\"",
    ] {
        let raw_owned = raw.to_owned();
        let base = scripted_authority(move |path| {
            if path.ends_with("/devicecode") {
                Reply::Json(device_code_json(
                    "CODE",
                    "https://microsoft.com/devicelogin",
                    &raw_owned,
                    &raw_owned,
                ))
            } else {
                Reply::Json(format!(
                    r#"{{"access_token":"at","refresh_token":"rt","expires_in":{raw_owned},"ext_expires_in":{raw_owned}}}"#
                ))
            }
        })
        .await;
        let e = Entra::new(&base, "organizations", DEFAULT_CLIENT_ID).unwrap();
        let before = chrono::Utc::now();
        let code = e.start_device_code().await.unwrap();
        assert!(code.expires_at >= before, "{raw}");
        assert!(
            code.expires_at <= chrono::Utc::now() + chrono::TimeDelta::days(1),
            "{raw}: {}",
            code.expires_at
        );
        assert!(
            code.interval >= std::time::Duration::from_secs(1)
                && code.interval <= std::time::Duration::from_secs(60),
            "{raw}: {:?}",
            code.interval
        );
        let Poll::Done(tokens) = e.poll(&code).await.unwrap() else {
            panic!("{raw}: the token endpoint answered with tokens")
        };
        assert!(
            tokens.expires_at <= chrono::Utc::now() + chrono::TimeDelta::days(30),
            "{raw}"
        );
        let refreshed = e.refresh(&patui::secret::Secret::from("rt")).await.unwrap();
        assert!(
            refreshed.expires_at <= chrono::Utc::now() + chrono::TimeDelta::days(30),
            "{raw}"
        );
    }
}

/// A sign-in answer over 1 MiB is refused as soon as the cap is crossed, whether it has no
/// length (chunked, never ending) or announces a huge one: long before the 30 s request timeout,
/// and without reading the rest.
#[tokio::test]
async fn an_oversized_sign_in_answer_is_refused_promptly() {
    let endless = scripted_authority(|_| Reply::EndlessChunked).await;
    let huge = scripted_authority(|_| Reply::HugeLength).await;
    for base in [endless, huge] {
        let e = Entra::new(&base, "organizations", DEFAULT_CLIENT_ID).unwrap();
        let r = tokio::time::timeout(std::time::Duration::from_secs(10), e.start_device_code())
            .await
            .expect("refused promptly, not after the request timeout");
        match r {
            Err(SignInError::Malformed(m)) => assert!(m.contains("larger than 1 MiB"), "{m}"),
            other => panic!("{base}: {other:?}"),
        }
        let rt = patui::secret::Secret::from("rt");
        let r = tokio::time::timeout(std::time::Duration::from_secs(10), e.refresh(&rt))
            .await
            .expect("refused promptly");
        assert!(matches!(r, Err(SignInError::Malformed(_))), "{r:?}");
    }
}

/// The verification address must be https (or http to this machine), as the TUI requires before
/// opening it; the address and the user code lose control and bidi characters.
#[tokio::test]
async fn the_verification_address_is_checked_and_the_code_is_cleaned() {
    for bad in [
        "http://evil.example/devicelogin",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
    ] {
        let bad_owned = bad.to_owned();
        let base = scripted_authority(move |_| {
            Reply::Json(device_code_json("CODE", &bad_owned, "900", "5"))
        })
        .await;
        let e = Entra::new(&base, "organizations", DEFAULT_CLIENT_ID).unwrap();
        match e.start_device_code().await {
            Err(SignInError::Malformed(m)) => assert!(m.contains("https"), "{bad}: {m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    let base = scripted_authority(|_| {
        Reply::Json(device_code_json(
            "AB\u{1b}]52;c;ZXZpbA==\u{7}CD\u{202e}\u{9b}2J",
            "https://microsoft.com/device\u{1b}[2J\u{202e}login",
            "900",
            "5",
        ))
    })
    .await;
    let e = Entra::new(&base, "organizations", DEFAULT_CLIENT_ID).unwrap();
    let code = e.start_device_code().await.unwrap();
    assert!(
        !code.user_code.chars().any(unsafe_char),
        "{:?}",
        code.user_code
    );
    assert!(code.user_code.starts_with("AB"), "{:?}", code.user_code);
    assert!(
        !code.verification_uri.chars().any(unsafe_char),
        "{:?}",
        code.verification_uri
    );
    assert!(
        code.verification_uri.starts_with("https://microsoft.com/"),
        "{:?}",
        code.verification_uri
    );
    // Loopback http stays allowed (the simulator).
    let base = scripted_authority(|_| {
        Reply::Json(device_code_json(
            "CODE",
            "http://127.0.0.1:9/devicelogin",
            "900",
            "5",
        ))
    })
    .await;
    let e = Entra::new(&base, "organizations", DEFAULT_CLIENT_ID).unwrap();
    assert_eq!(
        e.start_device_code().await.unwrap().verification_uri,
        "http://127.0.0.1:9/devicelogin"
    );
}

/// Runs `patui login` against `authority` with an in-memory keyring; returns its output.
async fn patui_login(authority: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "keyring = \"memory\"\n").unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_patui"));
    cmd.arg("login")
        .env("PATUI_AUTHORITY", authority)
        .env("PATUI_CONFIG", &config)
        .env("PATUI_LOG_FILE", dir.path().join("patui.log"))
        .env(
            "PATUI_KEYRING_SERVICE",
            format!("patui-test-{}", std::process::id()),
        )
        .env_remove("PATUI_ACCESS_TOKEN")
        .env_remove("PATUI_ORG")
        .env_remove("PATUI_SERVICE_URL")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("patui login finished")
        .unwrap()
}

/// `patui login` refuses a verification address that is not https (exit 3, nothing to open
/// printed), and prints the address and code of a good answer without control characters.
#[tokio::test]
async fn patui_login_checks_and_cleans_what_it_prints() {
    let base = scripted_authority(|_| {
        Reply::Json(device_code_json(
            "CODE",
            "http://evil.example/devicelogin",
            "900",
            "1",
        ))
    })
    .await;
    let out = patui_login(&base).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(!err.contains("To sign in, open"), "{err}");
    assert!(err.contains("https"), "{err}");

    let base = scripted_authority(|path| {
        if path.ends_with("/devicecode") {
            Reply::Json(device_code_json(
                "AB\u{1b}]52;c;ZXZpbA==\u{7}CD\u{202e}",
                "https://microsoft.com/devicelogin",
                "900",
                "1",
            ))
        } else {
            Reply::Json(r#"{"access_token":"at","refresh_token":"rt","expires_in":3600}"#.into())
        }
    })
    .await;
    let out = patui_login(&base).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("To sign in, open https://microsoft.com/devicelogin and enter the code AB"),
        "{err}"
    );
    assert!(!err.chars().any(|c| c != '\n' && unsafe_char(c)), "{err:?}");
}

/// When the service refuses PATUI_ACCESS_TOKEN, the next "sign-in required" says so, instead of
/// asking to set a variable that is set.
#[tokio::test]
async fn a_refused_env_token_is_named_not_asked_for() {
    let h = start(EntraOptions::default()).await;
    let chain = Arc::new(SignIn::new(SignInOptions {
        order: vec![SourceKind::Env, SourceKind::AzureCli],
        env_token: Some(patui::secret::Secret::from("expired-by-the-service")),
        entra: entra(&h),
        store: None,
        az: "/nonexistent/az".into(),
    }));
    let client = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&h.base_url).unwrap(),
            ..ClientOptions::default()
        },
        chain.clone(),
    )
    .unwrap();
    // The service's own answer first.
    let first = client.profile().await.unwrap_err();
    assert!(first.is_auth(), "{first}");
    // Then the chain has no source left, and says why, with what the service answered.
    let second = client.profile().await.unwrap_err();
    let msg = second.to_string();
    assert!(second.is_auth(), "{msg}");
    assert!(
        msg.contains("PATUI_ACCESS_TOKEN was refused by the service"),
        "{msg}"
    );
    let answered = first.to_string();
    let detail = answered.trim_start_matches("authentication failed: ");
    assert!(
        msg.contains(detail),
        "the service's answer {detail:?} in {msg}"
    );
    assert!(!msg.contains("set PATUI_ACCESS_TOKEN"), "{msg}");
    // Without PATUI_ACCESS_TOKEN, the hint still says to set it.
    let chain = SignIn::new(SignInOptions {
        order: vec![SourceKind::Env, SourceKind::AzureCli],
        env_token: None,
        entra: entra(&h),
        store: None,
        az: "/nonexistent/az".into(),
    });
    let msg = chain.access_token().await.unwrap_err().to_string();
    assert!(msg.contains("or set PATUI_ACCESS_TOKEN"), "{msg}");
}
