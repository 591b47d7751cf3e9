//! The TUI's update + runner against the simulator over HTTP, with an in-memory keyring:
//! create from the wizard → the value is in the keyring → the list marks the token; revoke
//! deletes the keyring entry.

mod tui_support;

use crossterm::event::KeyCode;
use patui::azure::{AzureClient, ClientOptions, Endpoints, StaticToken};
use patui::tui::app::{App, Command, Modal, Msg, update};
use patui::tui::runner::Runner;
use patui::vault::Vault;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tui_support::{ch, key, typ};

async fn pump(
    app: &mut App,
    runner: &Runner,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    cmds: Vec<Command>,
    done: impl Fn(&App) -> bool,
) {
    for c in cmds {
        runner.spawn(c);
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(app) {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("open");
        for c in update(app, msg) {
            runner.spawn(c);
        }
    }
}

#[tokio::test]
async fn create_stores_the_value_and_the_list_marks_it_then_revoke_forgets_it() {
    let sim = patui::sim::start(
        ([127, 0, 0, 1], 0).into(),
        patui::sim::SimOptions::default(),
    )
    .await
    .unwrap();
    let client = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&sim.base_url).unwrap(),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("t".into(), "test")),
    )
    .unwrap();
    let vault = Vault::memory().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let runner = tui_support::runner(Arc::new(client), tx, vault.clone(), None);
    let mut app = tui_support::app_in("acme");
    let cmds = app.start();
    pump(&mut app, &runner, &mut rx, cmds, |a| {
        a.loaded_once && a.busy.is_empty() && a.keyring_problem.is_none()
    })
    .await;
    assert!(app.rows.is_empty());
    // The wizard.
    ch(&mut app, 'n');
    typ(&mut app, "from-the-wizard");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '2');
    key(&mut app, KeyCode::Enter);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(&cmds[..], [Command::Create { .. }]));
    pump(&mut app, &runner, &mut rx, cmds, |a| {
        !a.stored.is_empty() && a.rows.len() == 1
    })
    .await;
    let Some(Modal::TokenShown(m)) = app.modals.last() else {
        panic!("the token modal")
    };
    assert!(m.stored.is_ok());
    let id = m.id;
    let stored = vault.load(id).unwrap().expect("in the keyring");
    assert!(stored.value.matches(m.value.expose()));
    assert_eq!(stored.meta.name, "from-the-wizard");
    key(&mut app, KeyCode::Enter);
    assert!(app.modals.is_empty(), "stored: closes at once");
    let screen = format!("{}", tui_support::render(&app).backend());
    assert!(
        screen.contains("◆ from-the-wizard")
            || screen.contains("◆  from-the-wizard")
            || screen.contains("›◆ from-the-wizard"),
        "{screen}"
    );
    // Revoke: the keyring entry goes too.
    ch(&mut app, 'd');
    key(&mut app, KeyCode::Right);
    let cmds = key(&mut app, KeyCode::Enter);
    pump(&mut app, &runner, &mut rx, cmds, |a| {
        a.modals.is_empty() && a.stored.is_empty()
    })
    .await;
    assert!(vault.load(id).unwrap().is_none());
}
