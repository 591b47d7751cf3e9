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

/// A large organization behind 20 ms pages: the first rows are listed after the first page,
/// long before the last; the selection stays on its token as pages arrive; switching to
/// another organization mid-load stops the first load, and no page of it reaches the list.
#[tokio::test]
async fn pages_show_as_they_arrive_and_a_switch_mid_load_shows_only_the_new_organization() {
    let sim = patui::sim::start(
        ([127, 0, 0, 1], 0).into(),
        patui::sim::SimOptions {
            seed_tokens: 2000,
            latency: Duration::from_millis(20),
            ..patui::sim::SimOptions::default()
        },
    )
    .await
    .unwrap();
    // A second, small organization.
    sim.with_store(|s| {
        let now = s.now();
        let org = s.add_org("contoso");
        for i in 0..3 {
            s.seed_token(
                &format!("contoso-{i}"),
                "vso.code",
                Some(vec![org.id]),
                now,
                now + chrono::Duration::days(30),
                false,
            );
        }
    });
    let client = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&sim.base_url).unwrap(),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("t".into(), "test")),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let runner = tui_support::runner(Arc::new(client), tx, Vault::memory().unwrap(), None);
    let mut app = tui_support::app_in("fabrikam");
    app.orgs.push("contoso".into());
    let cmds = app.reload();
    // Rows after the first page, while the load goes on.
    pump(&mut app, &runner, &mut rx, cmds, |a| !a.rows.is_empty()).await;
    let first = app.rows.len();
    assert!(first > 0 && first < 1600, "one page, not all: {first}");
    assert!(!app.busy.is_empty(), "still loading");
    let screen = tui_support::screen_text(&tui_support::render(&app));
    assert!(
        screen.contains("loaded…"),
        "the header says how far: {screen}"
    );
    // The selection follows its token as rows are added.
    tui_support::key(&mut app, KeyCode::Down);
    let chosen = app.selected_row().map(|r| r.id()).unwrap();
    pump(&mut app, &runner, &mut rx, vec![], |a| a.rows.len() > first).await;
    assert_eq!(app.selected_row().map(|r| r.id()), Some(chosen));
    // Switch organization mid-load.
    let gets_before = sim.shared.requests("GET");
    app.current_org = Some("contoso".into());
    let cmds = app.reload();
    let generation = app.generation;
    pump(&mut app, &runner, &mut rx, cmds, |a| a.busy.is_empty()).await;
    assert_eq!(app.generation, generation);
    // contoso's own tokens, and the global tokens (listed in every organization).
    let names: Vec<&str> = app
        .rows
        .iter()
        .filter(|r| !r.entry.token.is_global())
        .map(|r| r.entry.token.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["contoso-0", "contoso-1", "contoso-2"],
        "only contoso's tokens"
    );
    assert!(app.rows.iter().all(|r| &*r.entry.listed_in == "contoso"));
    let contoso_rows = app.rows.len();
    // The first load stopped: far fewer than its 16 remaining pages were asked for.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let extra = sim.shared.requests("GET") - gets_before;
    assert!(extra < 8, "the old load kept going: {extra} more requests");
    while let Ok(msg) = rx.try_recv() {
        update(&mut app, msg);
    }
    assert_eq!(app.rows.len(), contoso_rows, "no stale page arrived");
    assert!(app.rows.iter().all(|r| &*r.entry.listed_in == "contoso"));
}
