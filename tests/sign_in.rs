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
