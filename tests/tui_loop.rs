//! The event loop itself (`run_loop`) on a TestBackend with a scripted host: input comes from the
//! test, the hand-over runs the real program (a fake `az`), and background work runs against
//! the simulator over loopback HTTP. Checks that the terminal is handed over only by the loop,
//! that input is never read while another program has the terminal, and that the sign-in
//! completes through the Azure CLI afterwards.
#![cfg(unix)]

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patui::auth::{Entra, SignIn, SignInOptions, SourceKind};
use patui::azure::{AccessTokenSource, AzureClient, ClientOptions, Endpoints};
use patui::external::{External, ExternalError};
use patui::tui::app::{App, Msg};
use patui::tui::host::Host;
use patui::tui::runner::Runner;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Input from the test; records every hand-over and fails the test if input is read during one.
struct ScriptedHost {
    input: mpsc::UnboundedReceiver<Msg>,
    handed_over: Arc<AtomicBool>,
    hand_overs: Arc<Mutex<Vec<External>>>,
}

impl Host for ScriptedHost {
    async fn next_input(&mut self) -> Option<Msg> {
        assert!(
            !self.handed_over.load(Ordering::SeqCst),
            "input read while another program has the terminal"
        );
        self.input.recv().await
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    async fn hand_over(&mut self, what: &External) -> std::io::Result<Result<(), ExternalError>> {
        self.handed_over.store(true, Ordering::SeqCst);
        self.hand_overs.lock().unwrap().push(what.clone());
        let r = patui::external::run(what).await;
        self.handed_over.store(false, Ordering::SeqCst);
        Ok(r)
    }
}

fn press(c: char, mods: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

/// An `az` that is signed in only after `az login` ran (a marker file next to it).
fn fake_az(dir: &std::path::Path) -> String {
    let az = dir.join("az");
    let exp = chrono::Utc::now().timestamp() + 3600;
    std::fs::write(
        &az,
        format!(
            r#"#!/bin/sh
d=$(dirname "$0")
case "$1" in
  login) echo "$@" > "$d/login-args"; touch "$d/signed-in"; exit 0 ;;
  account)
    [ -f "$d/signed-in" ] || {{ echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; }}
    echo '{{"accessToken": "from-az-after-login", "expires_on": {exp}}}' ;;
  *) exit 2 ;;
esac
"#
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    az.display().to_string()
}

/// A loop under test: the app, a scripted host, and a runner whose results pass through a tap.
/// The tap sees each result before the loop does, may type keys, and ends the loop by
/// returning true (the quit follows the result on the same channel, so the loop applies it
/// first).
struct Rig {
    app: App,
    host: ScriptedHost,
    runner: Runner,
    results: mpsc::UnboundedReceiver<Msg>,
    hand_overs: Arc<Mutex<Vec<External>>>,
}

impl Rig {
    fn new(
        base_url: &str,
        auth: Arc<dyn AccessTokenSource>,
        sign_in: Option<Arc<SignIn>>,
        mut tap: impl FnMut(&Msg, &mpsc::UnboundedSender<Msg>) -> bool + Send + 'static,
    ) -> Rig {
        let client = AzureClient::new(
            ClientOptions {
                endpoints: Endpoints::single(base_url).unwrap(),
                ..ClientOptions::default()
            },
            auth,
        )
        .unwrap();
        let (input_tx, input_rx) = mpsc::unbounded_channel();
        let (runner_tx, mut runner_rx) = mpsc::unbounded_channel::<Msg>();
        let (loop_tx, results) = mpsc::unbounded_channel::<Msg>();
        tokio::spawn(async move {
            while let Some(m) = runner_rx.recv().await {
                let quit = tap(&m, &input_tx);
                let _ = loop_tx.send(m);
                if quit {
                    let _ = loop_tx.send(Msg::Signal(15));
                }
            }
        });
        let runner = tui_support::runner(
            Arc::new(client),
            runner_tx,
            patui::vault::Vault::memory().unwrap(),
            sign_in,
        );
        let mut app = tui_support::app_in("acme");
        app.size = (100, 30);
        let hand_overs = Arc::new(Mutex::new(Vec::new()));
        let host = ScriptedHost {
            input: input_rx,
            handed_over: Arc::new(AtomicBool::new(false)),
            hand_overs: hand_overs.clone(),
        };
        Rig {
            app,
            host,
            runner,
            results,
            hand_overs,
        }
    }

    /// Runs the loop until the tap ends it; returns the screen's text.
    async fn run(&mut self, what: &str) -> String {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let results = std::mem::replace(&mut self.results, mpsc::unbounded_channel().1);
        tokio::time::timeout(
            Duration::from_secs(20),
            patui::tui::run_loop(
                &mut terminal,
                &mut self.app,
                &mut self.host,
                results,
                &self.runner,
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("{what}"))
        .unwrap();
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect()
    }
}

async fn sim(options: patui::sim::SimOptions) -> patui::sim::SimHandle {
    patui::sim::start(([127, 0, 0, 1], 0).into(), options)
        .await
        .unwrap()
}

#[tokio::test]
async fn az_login_from_the_sign_in_screen_hands_the_terminal_over_and_signs_in() {
    let sim = sim(patui::sim::SimOptions {
        seed_tokens: 3,
        seed_org: "acme".into(),
        ..patui::sim::SimOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let az = fake_az(dir.path());
    let chain = Arc::new(SignIn::new(SignInOptions {
        order: vec![SourceKind::AzureCli],
        env_token: None,
        entra: Entra::new(&sim.base_url, "organizations", "client").unwrap(),
        store: None,
        az: az.clone(),
    }));
    // The tap plays the user: once the first load has failed for want of a sign-in, ctrl-s
    // opens the sign-in screen and `a` runs az login; the loop ends after the next good load.
    let mut asked = false;
    let mut rig = Rig::new(
        &sim.base_url,
        chain.clone(),
        Some(chain.clone()),
        move |m, keys| {
            match m {
                Msg::LoadDone { result: Err(_), .. } if !asked => {
                    asked = true;
                    let _ = keys.send(press('s', KeyModifiers::CONTROL));
                    let _ = keys.send(press('a', KeyModifiers::NONE));
                }
                Msg::LoadDone { result: Ok(_), .. } => {
                    assert!(asked, "no load succeeds before az login");
                    return true;
                }
                _ => {}
            }
            false
        },
    );
    rig.app.az_login = Some(az.clone());
    rig.app.can_sign_in = true;
    let screen = rig.run("the list loads after az login").await;
    assert_eq!(
        *rig.hand_overs.lock().unwrap(),
        vec![External::AzLogin { az, tenant: None }]
    );
    let args = std::fs::read_to_string(dir.path().join("login-args")).unwrap();
    assert!(args.starts_with("login --allow-no-subscriptions"), "{args}");
    assert_eq!(chain.current_source().await, Some(SourceKind::AzureCli));
    assert!(rig.app.modals.is_empty(), "the sign-in screen closed");
    assert!(!rig.app.rows.is_empty(), "the seeded tokens are listed");
    assert!(screen.contains("Signed in"), "{screen}");
}

/// Opening the browser without `$BROWSER` needs no terminal: the loop gives it to the runner
/// (the host is never asked to hand over) and the outcome comes back in place. The address here
/// is one a hostile server could send, so nothing is launched at all: it is refused.
#[tokio::test]
async fn the_platform_opener_runs_detached_and_a_hostile_address_is_refused() {
    if std::env::var_os("BROWSER").is_some_and(|b| !b.is_empty()) {
        eprintln!("skipped: BROWSER is set, so the browser would get the terminal");
        return;
    }
    use patui::tui::app::Modal;
    use patui::tui::sign_in::{SignInPhase, SignInScreen};
    let sim = sim(patui::sim::SimOptions::default()).await;
    let auth = Arc::new(patui::azure::StaticToken::new("t".into(), "test"));
    let mut sent = false;
    let mut rig = Rig::new(&sim.base_url, auth, None, move |m, keys| {
        // Once the start-up load is in, `o` on the sign-in screen.
        if matches!(m, Msg::LoadDone { .. }) && !sent {
            sent = true;
            let _ = keys.send(press('o', KeyModifiers::NONE));
        }
        matches!(m, Msg::HandedBack { .. })
    });
    rig.app
        .modals
        .push(Modal::SignIn(Box::new(SignInScreen::new(
            SignInPhase::Code {
                user_code: "SIMCODE12".into(),
                verification_uri: "file:///etc/passwd".into(),
                expires_at: chrono::Utc::now() + chrono::Duration::minutes(15),
            },
        ))));
    rig.run("the outcome comes back").await;
    assert!(rig.hand_overs.lock().unwrap().is_empty(), "no hand-over");
    match rig.app.modals.last() {
        Some(Modal::SignIn(s)) => {
            let p = s.problem.as_deref().unwrap_or("");
            assert!(p.contains("refusing to open"), "{p}");
        }
        other => panic!("the sign-in screen stays: {other:?}"),
    }
}

/// A sign-in source that panics, as a bug in a background task would.
struct PanickingAuth;

#[async_trait::async_trait]
impl AccessTokenSource for PanickingAuth {
    async fn access_token(&self) -> Result<patui::secret::Secret, patui::azure::ApiError> {
        panic!("injected panic in a background task");
    }
    fn describe(&self) -> String {
        "panics".into()
    }
}

/// A panic inside a runner task ends the loop (the app does not run on half alive with the
/// terminal already given back), and the outcome says so for the exit code.
#[tokio::test]
async fn a_panic_in_a_background_task_ends_the_loop() {
    let sim = sim(patui::sim::SimOptions::default()).await;
    let mut rig = Rig::new(&sim.base_url, Arc::new(PanickingAuth), None, |_, _| false);
    patui::tui::terminal::install_panic_hook();
    patui::tui::terminal::forward_panics(rig.runner.tx.clone());
    rig.run("the loop ends after the panic").await;
    assert!(rig.app.quit && rig.app.panicked);
    let outcome = patui::tui::Outcome {
        panicked: true,
        ..Default::default()
    };
    assert_eq!(outcome.exit_code(), 101);
}
