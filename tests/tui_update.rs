//! The update step, driven by messages: navigation, filter, sort, status views, organization
//! picker, notices, the wizard's validation and requests, and the dialogs' rules.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patui::azure::{ApiError, PatTokenError};
use patui::ops::inventory::StatusView;
use patui::tui::app::{App, Command, Modal, Msg, Notice, update};
use patui::tui::keymap::Keymap;
use tui_support::*;

#[test]
fn navigation_keeps_the_selection_in_bounds() {
    let mut app = loaded_app(120, 40);
    assert_eq!(app.visible.len(), 10);
    ch(&mut app, 'k');
    assert_eq!(app.selected, 0);
    ch(&mut app, 'G');
    assert_eq!(app.selected, 9);
    ch(&mut app, 'j');
    assert_eq!(app.selected, 9);
    ch(&mut app, 'g');
    assert_eq!(app.selected, 0);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected, 9);
}

#[test]
fn sorting_by_name_and_reverse_and_expiry() {
    let mut app = loaded_app(120, 40);
    assert_eq!(names(&app)[0], "admin-full");
    ch(&mut app, 'S');
    assert_eq!(names(&app)[0], "wiki-bot");
    ch(&mut app, 'S');
    ch(&mut app, 's'); // created
    ch(&mut app, 's'); // expires
    assert_eq!(
        names(&app)[0],
        "old-ci",
        "expired first when ascending by expiry"
    );
}

#[test]
fn live_filter_matches_name_org_and_scope_and_esc_clears() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, '/');
    typ(&mut app, "contoso");
    assert_eq!(names(&app).len(), 4);
    key(&mut app, KeyCode::Backspace);
    typ(&mut app, "o");
    assert_eq!(names(&app).len(), 4);
    key(&mut app, KeyCode::Esc);
    assert_eq!(names(&app).len(), 10);
    ch(&mut app, '/');
    typ(&mut app, "full access");
    assert_eq!(names(&app), ["admin-full"]);
    key(&mut app, KeyCode::Enter);
    assert!(!app.filter_editing);
    assert_eq!(app.filter, "full access");
    ch(&mut app, '/');
    key(&mut app, KeyCode::Esc);
    ch(&mut app, '/');
    typ(&mut app, "packaging");
    assert_eq!(
        names(&app).len(),
        2,
        "scope display names match: {:?}",
        names(&app)
    );
}

#[test]
fn status_views_filter_and_reload_when_the_service_filter_changes() {
    let mut app = loaded_app(120, 40);
    app.view = StatusView::Revoked;
    app.refilter();
    assert_eq!(names(&app), ["leaked"]);
    // f from revoked goes to retired (listed as active by the service: a new load), then all.
    let cmds = ch(&mut app, 'f');
    assert_eq!(app.view, StatusView::Retired);
    assert!(matches!(
        &cmds[..],
        [Command::LoadTokens {
            view: StatusView::Retired,
            ..
        }]
    ));
    let cmds = ch(&mut app, 'f');
    assert_eq!(app.view, StatusView::All);
    assert!(matches!(
        &cmds[..],
        [Command::LoadTokens {
            view: StatusView::All,
            ..
        }]
    ));
    // Active -> expiring keeps the same service filter: no load.
    app.view = StatusView::Active;
    let cmds = ch(&mut app, 'f');
    assert_eq!(app.view, StatusView::Expiring);
    assert!(cmds.is_empty());
}

#[test]
fn a_stale_load_is_ignored() {
    let mut app = loaded_app(120, 40);
    let old = app.generation;
    let cmds = ctrl(&mut app, 'r');
    assert!(matches!(&cmds[..], [Command::LoadTokens { .. }]));
    update(
        &mut app,
        Msg::Loaded {
            generation: old,
            result: Ok(vec![]),
        },
    );
    assert_eq!(app.rows.len(), 10, "an older load does not overwrite");
    let g = app.generation;
    update(
        &mut app,
        Msg::Loaded {
            generation: g,
            result: Ok(vec![]),
        },
    );
    assert!(app.rows.is_empty());
}

#[test]
fn org_picker_switches_to_one_organization() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, 'o');
    assert!(matches!(
        app.modals.last(),
        Some(Modal::OrgPicker { selected: 0 })
    ));
    ch(&mut app, 'j');
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.current_org.as_deref(), Some("fabrikam"));
    assert!(
        matches!(&cmds[..], [Command::LoadTokens { orgs, .. }] if orgs == &["fabrikam".to_owned()])
    );
    assert!(app.modals.is_empty());
}

#[test]
fn errors_stay_until_dismissed_and_toasts_expire() {
    let mut app = loaded_app(120, 40);
    let g = app.generation;
    update(
        &mut app,
        Msg::Loaded {
            generation: g,
            result: Err(ApiError::Timeout),
        },
    );
    assert!(matches!(&app.notice, Some(Notice::Error(e)) if e.contains("timed out")));
    update(&mut app, Msg::Tick(now() + chrono::Duration::seconds(60)));
    assert!(matches!(app.notice, Some(Notice::Error(_))));
    key(&mut app, KeyCode::Esc);
    assert!(app.notice.is_none());
    app.toast("done");
    assert!(app.needs_tick());
    let later = app.now + chrono::Duration::seconds(4);
    update(&mut app, Msg::Tick(later));
    assert!(app.notice.is_none());
    assert!(!app.needs_tick(), "idle: no ticks");
}

#[test]
fn help_and_details_open_and_close() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, '?');
    assert!(matches!(app.modals.last(), Some(Modal::Help { .. })));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modals.last(), Some(Modal::Details { .. })));
    key(&mut app, KeyCode::Esc);
    assert!(app.modals.is_empty());
    ch(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn wizard_validates_each_step_and_sends_what_the_review_shows() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, 'n');
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!("wizard")
    };
    assert!(w.error.as_deref().unwrap().contains("required"));
    typ(&mut app, "  deploy  ");
    key(&mut app, KeyCode::Enter); // lifespan
    // A custom date in the past is refused.
    typ(&mut app, "2026-11-01");
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!("wizard")
    };
    assert!(
        w.error.as_deref().unwrap().contains("past"),
        "{:?}",
        w.error
    );
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "2026-12-24");
    key(&mut app, KeyCode::Enter); // organization
    key(&mut app, KeyCode::Down); // contoso
    key(&mut app, KeyCode::Enter); // scopes
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!("wizard")
    };
    assert!(w.error.is_some(), "no scope chosen");
    typ(&mut app, "pack"); // search
    key(&mut app, KeyCode::Right); // Packaging: Read
    key(&mut app, KeyCode::Enter); // review
    let cmds = key(&mut app, KeyCode::Enter);
    let [Command::Create { org, req }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(org, "contoso");
    assert_eq!(req.display_name, "deploy");
    assert_eq!(req.scope, "vso.packaging");
    assert!(!req.all_orgs);
    assert_eq!(req.valid_to.to_rfc3339(), "2026-12-24T23:59:59+00:00");
    // A policy error brings the user back to the step it concerns.
    update(
        &mut app,
        Msg::Created(Err(ApiError::Policy {
            code: PatTokenError::PatLifespanPolicyViolation,
            server_message: None,
        })),
    );
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!("wizard stays open")
    };
    assert_eq!(w.step, patui::tui::wizard::Step::Lifespan);
    assert!(w.error.as_deref().unwrap().contains("policy"));
}

#[test]
fn presets_and_full_access() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, 'n');
    typ(&mut app, "x");
    for _ in 0..3 {
        key(&mut app, KeyCode::Enter);
    }
    ch(&mut app, '5'); // Read-only
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!()
    };
    assert_eq!(
        w.scope().unwrap(),
        "vso.build vso.code vso.project vso.work"
    );
    ctrl(&mut app, 'f');
    let Some(Modal::Wizard(w)) = app.modals.last() else {
        panic!()
    };
    assert_eq!(w.scope().unwrap(), "app_token");
}

#[test]
fn revoke_dialog_starts_on_cancel() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, 'd');
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "enter on Cancel revokes nothing"
    );
    assert!(app.modals.is_empty());
    ch(&mut app, 'd');
    key(&mut app, KeyCode::Right);
    let cmds = key(&mut app, KeyCode::Enter);
    let [Command::Revoke { id, .. }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    // A failure stays in the dialog.
    update(
        &mut app,
        Msg::Revoked {
            id: *id,
            result: Err(ApiError::Timeout),
        },
    );
    let Some(Modal::Confirm(c)) = app.modals.last() else {
        panic!("dialog stays")
    };
    assert!(c.error.as_deref().unwrap().contains("timed out"));
}

#[test]
fn revoke_all_requires_the_typed_word() {
    let mut app = loaded_app(120, 40);
    let cmds = ch(&mut app, 'D');
    assert!(matches!(&cmds[..], [Command::PrepareRevokeAll { .. }]));
    let targets = patui::tui::actions::revoke_targets(entries());
    update(&mut app, Msg::RevokeAllTargets(Ok(targets.clone())));
    typ(&mut app, "revok");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    typ(&mut app, "e");
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        Command::RevokeAll {
            targets: sent,
            concurrency,
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(sent.len(), 9, "the revoked one is not a target");
    assert_eq!(*concurrency, 8);
}

#[test]
fn edit_of_an_expired_token_offers_regenerate() {
    let mut app = loaded_app(120, 40);
    let i = names(&app).iter().position(|n| n == "old-ci").unwrap();
    app.selected = i;
    ch(&mut app, 'e');
    assert!(matches!(app.modals.last(), Some(Modal::Expired { .. })));
    ch(&mut app, 'R');
    assert!(matches!(app.modals.last(), Some(Modal::Confirm(_))));
}

#[test]
fn quitting_over_an_unsaved_token_asks_for_the_typed_word() {
    use patui::tui::token_modal::TokenShown;
    let mut app = loaded_app(120, 40);
    app.modals.push(Modal::TokenShown(Box::new(TokenShown {
        id: uuid::Uuid::from_u128(7),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Err("locked".into()),
        clamped: None,
        old_not_revoked: None,
        copied: None,
        confirm_leave: false,
        intent: None,
    })));
    let ctrl_c = || Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    update(&mut app, ctrl_c());
    assert!(!app.quit, "ctrl-c asks first");
    assert!(matches!(app.modals.last(), Some(Modal::QuitConfirm(_))));
    update(&mut app, ctrl_c());
    assert!(!app.quit, "a second ctrl-c does not skip the question");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.modals.last(), Some(Modal::TokenShown(_))));
    update(&mut app, ctrl_c());
    for c in "quit".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.quit);
    assert!(
        app.unsaved_token().is_some(),
        "the run reports what was lost"
    );
    // With the value copied, ctrl-c quits at once.
    let mut app = loaded_app(120, 40);
    app.modals.push(Modal::TokenShown(Box::new(TokenShown {
        id: uuid::Uuid::from_u128(8),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Err("locked".into()),
        clamped: None,
        old_not_revoked: None,
        copied: Some(Ok(patui::clipboard::CopyMethod::Osc52)),
        confirm_leave: false,
        intent: None,
    })));
    update(&mut app, ctrl_c());
    assert!(app.quit);
    // A signal quits without asking, and is remembered for the exit code.
    let mut app = loaded_app(120, 40);
    update(&mut app, Msg::Signal(15));
    assert!(app.quit && app.exit_signal == Some(15));
}

#[test]
fn a_token_that_is_not_stored_cannot_be_closed_without_a_copy() {
    use patui::tui::token_modal::TokenShown;
    let mut app = loaded_app(120, 40);
    let m = TokenShown {
        id: uuid::Uuid::from_u128(5),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Err("locked".into()),
        clamped: None,
        old_not_revoked: None,
        copied: None,
        confirm_leave: false,
        intent: None,
    };
    app.modals.push(Modal::TokenShown(Box::new(m)));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.modals.last(), Some(Modal::TokenShown(_))),
        "still open without a copy"
    );
    let cmds = ch(&mut app, 'y');
    assert!(matches!(&cmds[..], [Command::Copy { .. }]));
    update(&mut app, Msg::Copied(Err("no clipboard".into())));
    key(&mut app, KeyCode::Enter);
    assert!(!app.modals.is_empty(), "a failed copy needs a second enter");
    key(&mut app, KeyCode::Enter);
    assert!(app.modals.is_empty());
    // Stored tokens close at once.
    let mut m2 = TokenShown {
        id: uuid::Uuid::from_u128(6),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Ok(()),
        clamped: None,
        old_not_revoked: None,
        copied: None,
        confirm_leave: false,
        intent: None,
    };
    m2.confirm_leave = false;
    app.modals.push(Modal::TokenShown(Box::new(m2)));
    key(&mut app, KeyCode::Enter);
    assert!(app.modals.is_empty());
}

#[test]
fn an_auth_failure_opens_the_sign_in_screen_once() {
    let mut app = loaded_app(120, 40);
    app.can_sign_in = true;
    app.device_code = true;
    let g = app.generation;
    let auth = || ApiError::Auth {
        status: 401,
        detail: "expired".into(),
    };
    let cmds = update(
        &mut app,
        Msg::Loaded {
            generation: g,
            result: Err(auth()),
        },
    );
    assert!(matches!(&cmds[..], [Command::StartSignIn]));
    assert!(matches!(app.modals.last(), Some(Modal::SignIn(_))));
    assert!(
        update(&mut app, Msg::OrgsLoaded(Err(auth()))).is_empty(),
        "not twice"
    );
    update(
        &mut app,
        Msg::SignInCode(Err("the sign-in was declined".into())),
    );
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(&cmds[..], [Command::StartSignIn]), "enter retries");
    let cmds = update(&mut app, Msg::SignedIn(Ok(())));
    assert!(app.modals.is_empty());
    assert!(cmds.iter().any(|c| matches!(c, Command::LoadOrgs)));
    assert!(cmds.iter().any(|c| matches!(c, Command::LoadTokens { .. })));
    // Esc cancels a running sign-in.
    app.begin_sign_in();
    let cmds = key(&mut app, KeyCode::Esc);
    assert!(matches!(&cmds[..], [Command::CancelSignIn]));
}

fn code_shown(app: &mut App) {
    update(
        app,
        Msg::SignInCode(Ok((
            "SIMAB12CD".into(),
            "https://microsoft.com/devicelogin".into(),
            now() + chrono::Duration::minutes(15),
        ))),
    );
}

fn sign_in_screen(app: &App) -> &patui::tui::sign_in::SignInScreen {
    match app.modals.last() {
        Some(Modal::SignIn(s)) => s,
        other => panic!("no sign-in screen: {other:?}"),
    }
}

#[test]
fn az_login_hands_the_terminal_over_then_uses_the_azure_cli() {
    use patui::external::{External, ExternalError};
    use patui::tui::sign_in::SignInPhase;
    let mut app = loaded_app(120, 40);
    app.can_sign_in = true;
    app.device_code = true;
    app.az_login = Some("/opt/az/bin/az".into());
    app.tenant = Some("contoso.onmicrosoft.com".into());
    app.begin_sign_in();
    code_shown(&mut app);
    let az = External::AzLogin {
        az: "/opt/az/bin/az".into(),
        tenant: Some("contoso.onmicrosoft.com".into()),
    };
    // `a` stops the device code flow and hands the terminal to az login.
    let cmds = ch(&mut app, 'a');
    assert_eq!(
        cmds,
        vec![Command::CancelSignIn, Command::HandOver(az.clone())]
    );
    // az login failed: the reason is shown; enter goes back to the device code.
    let cmds = update(
        &mut app,
        Msg::HandedBack {
            what: az.clone(),
            result: Err(ExternalError::Failed {
                what: "az login".into(),
                status: "status 1".into(),
            }),
        },
    );
    assert!(cmds.is_empty());
    match &sign_in_screen(&app).phase {
        SignInPhase::Failed(e) => assert!(e.contains("az login exited with status 1"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(key(&mut app, KeyCode::Enter), vec![Command::StartSignIn]);
    // This time az login succeeds: patui takes the Azure CLI's token.
    code_shown(&mut app);
    ch(&mut app, 'a');
    let cmds = update(
        &mut app,
        Msg::HandedBack {
            what: az,
            result: Ok(()),
        },
    );
    assert_eq!(cmds, vec![Command::UseAzureCli]);
    assert_eq!(sign_in_screen(&app).phase, SignInPhase::CheckingAzureCli);
    let cmds = update(&mut app, Msg::SignedIn(Ok(())));
    assert!(app.modals.is_empty());
    assert!(cmds.iter().any(|c| matches!(c, Command::LoadTokens { .. })));
}

#[test]
fn the_browser_key_opens_the_verification_page_and_a_failure_is_shown_in_place() {
    use patui::external::{External, ExternalError};
    use patui::tui::sign_in::SignInPhase;
    let mut app = loaded_app(120, 40);
    app.can_sign_in = true;
    app.device_code = true;
    app.begin_sign_in();
    // No code yet: nothing to open.
    assert!(ch(&mut app, 'o').is_empty());
    code_shown(&mut app);
    let browser = External::Browser {
        url: "https://microsoft.com/devicelogin".into(),
    };
    assert_eq!(ch(&mut app, 'o'), vec![Command::HandOver(browser.clone())]);
    update(
        &mut app,
        Msg::HandedBack {
            what: browser,
            result: Err(ExternalError::NotFound("xdg-open".into())),
        },
    );
    let s = sign_in_screen(&app);
    assert!(matches!(s.phase, SignInPhase::Code { .. }), "still waiting");
    assert!(s.problem.as_deref().unwrap().contains("xdg-open"));
    // Without az, `a` does nothing.
    assert!(ch(&mut app, 'a').is_empty());
}

#[test]
fn sign_in_keys_follow_the_keymap() {
    use std::collections::BTreeMap;
    let mut app = loaded_app(120, 40);
    app.keymap = Keymap::new(&BTreeMap::from([
        ("open_browser".to_owned(), vec!["b".to_owned()]),
        ("sign_out".to_owned(), vec!["X".to_owned()]),
    ]))
    .unwrap();
    app.can_sign_in = true;
    app.device_code = true;
    app.begin_sign_in();
    code_shown(&mut app);
    assert!(ch(&mut app, 'o').is_empty());
    assert!(matches!(&ch(&mut app, 'b')[..], [Command::HandOver(_)]));
    let t = render(&app);
    assert!(screen_text(&t).contains("b open browser"));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'p');
    assert!(ch(&mut app, 'L').is_empty());
    assert_eq!(ch(&mut app, 'X'), vec![Command::SignOut]);
}

#[test]
fn with_only_the_azure_cli_the_sign_in_screen_offers_az_login() {
    use patui::tui::sign_in::SignInPhase;
    let mut app = loaded_app(120, 40);
    app.can_sign_in = true;
    app.az_login = Some("az".into());
    assert!(app.begin_sign_in().is_empty(), "no device code flow starts");
    assert_eq!(sign_in_screen(&app).phase, SignInPhase::AzureCliOnly);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(&ch(&mut app, 'a')[..], [_, Command::HandOver(_)]));
}

#[test]
fn mouse_wheel_and_click_select_rows() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = loaded_app(120, 40);
    let ev = |kind, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut app, ev(MouseEventKind::ScrollDown, 10));
    assert_eq!(app.selected, 3);
    update(&mut app, ev(MouseEventKind::Down(MouseButton::Left), 3 + 5));
    assert_eq!(app.selected, 5);
    update(&mut app, ev(MouseEventKind::Down(MouseButton::Left), 39));
    assert_eq!(app.selected, 5, "a click below the rows changes nothing");
}

#[test]
fn ctrl_s_without_any_sign_in_method_explains_instead_of_opening_an_empty_screen() {
    let mut app = loaded_app(120, 40);
    assert!(ctrl(&mut app, 's').is_empty());
    assert!(app.modals.is_empty());
    assert!(matches!(&app.notice, Some(Notice::Error(e)) if e.contains("sign_in")));
    app.demo = true;
    app.notice = None;
    ctrl(&mut app, 's');
    assert!(matches!(&app.notice, Some(Notice::Error(e)) if e.contains("demo")));
}

#[test]
fn help_scrolls_to_its_end_and_no_further() {
    let mut app = loaded_app(80, 24);
    ch(&mut app, '?');
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
    }
    let Some(Modal::Help { scroll }) = app.modals.last() else {
        panic!("help is open")
    };
    let at_end = *scroll;
    assert!(at_end > 0);
    assert!(
        screen_text(&render(&app)).contains("remappable"),
        "the last line shows"
    );
    ch(&mut app, 'j');
    assert!(matches!(app.modals.last(), Some(Modal::Help { scroll }) if *scroll == at_end));
    ch(&mut app, 'g');
    assert!(matches!(app.modals.last(), Some(Modal::Help { scroll: 0 })));
    ch(&mut app, 'G');
    assert!(matches!(app.modals.last(), Some(Modal::Help { scroll }) if *scroll == at_end));
}

#[test]
fn signing_out_says_what_still_signs_in_elsewhere() {
    use patui::auth::SourceKind;
    let mut app = loaded_app(120, 40);
    update(&mut app, Msg::SignInSource(Some(SourceKind::AzureCli)));
    ch(&mut app, 'p');
    assert_eq!(ch(&mut app, 'L'), vec![Command::SignOut]);
    update(&mut app, Msg::SignedOut(Ok(Some(SourceKind::AzureCli))));
    assert!(matches!(&app.notice, Some(Notice::Toast { text, .. }) if text.contains("az logout")));
    assert_eq!(app.sign_in_source, None);
    update(&mut app, Msg::SignedOut(Ok(Some(SourceKind::DeviceCode))));
    assert!(
        matches!(&app.notice, Some(Notice::Toast { text, .. }) if text.contains("cached sign-in was removed"))
    );
}

#[test]
fn the_token_actions_work_from_its_details() {
    let mut app = loaded_app(120, 40);
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modals.last(), Some(Modal::Details { .. })));
    // `d` from the details asks to revoke this token.
    ch(&mut app, 'd');
    assert_eq!(app.modals.len(), 1);
    assert!(matches!(app.modals.last(), Some(Modal::Confirm(_))));
    key(&mut app, KeyCode::Esc);
    assert!(app.modals.is_empty());
    // `e` opens the editor for it; other list keys do nothing there.
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'n');
    assert!(matches!(app.modals.last(), Some(Modal::Details { .. })));
    ch(&mut app, 'e');
    assert!(matches!(app.modals.last(), Some(Modal::Wizard(_))));
    assert_eq!(app.modals.len(), 1);
}

/// A token name from the server carrying terminal escapes and a bidi override is shown
/// neutralised in the list and in its details (the data itself is not changed).
#[test]
fn hostile_token_names_are_neutralised_on_screen() {
    use patui::ops::inventory::TokenEntry;
    let mut app = App::new(
        Keymap::default(),
        patui::tui::theme::Theme::new(false),
        vec![],
        None,
        now(),
    );
    app.size = (120, 40);
    app.view = StatusView::All;
    let _ = app.start();
    let mut evil = entries().remove(0);
    evil.token.display_name = "ci\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}gnp.exe".into();
    let name = evil.token.display_name.clone();
    let cmds = update(&mut app, Msg::OrgsLoaded(Ok(vec![])));
    let generation = cmds
        .iter()
        .find_map(|c| match c {
            Command::LoadTokens { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap_or(app.generation);
    update(
        &mut app,
        Msg::Loaded {
            generation,
            result: Ok(vec![TokenEntry { ..evil }]),
        },
    );
    assert_eq!(app.rows.len(), 1, "the token is listed");
    for open_details in [false, true] {
        if open_details {
            key(&mut app, KeyCode::Enter);
        }
        let text = screen_text(&render(&app));
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{1b}'),
            "{text}"
        );
        assert!(text.contains("ci\u{fffd}]52;c;ZXZpbA=="), "{text}");
    }
    assert_eq!(app.rows[0].entry.token.display_name, name, "data unchanged");
}

/// `!` narrows the list to what needs attention (the global token, tokens expiring within
/// `warn_days`) and back; with nothing to attend to it says so instead.
#[test]
fn attention_key_filters_to_what_needs_attention() {
    let mut app = loaded_app(120, 40);
    assert!(!app.attention.is_empty());
    let all = names(&app).len();
    ch(&mut app, '!');
    assert!(app.attention_only);
    let shown = names(&app);
    assert!(shown.contains(&"everywhere".to_owned()), "{shown:?}");
    assert!(shown.len() < all);
    for r in app.visible.iter().map(|&i| &app.rows[i]) {
        let s = r.status;
        assert!(
            r.entry.token.is_global()
                || matches!(s, patui::ops::inventory::TokenStatus::Expiring { .. }),
            "{} {s:?}",
            r.entry.token.display_name
        );
    }
    ch(&mut app, '!');
    assert!(!app.attention_only);
    assert_eq!(names(&app).len(), all);
    // Only long-lived organization tokens: nothing to show, and `!` says so.
    let mut calm = loaded_app(120, 40);
    calm.rows.retain(|r| {
        !r.entry.token.is_global() && r.status == patui::ops::inventory::TokenStatus::Active
    });
    calm.recompute_attention();
    assert!(calm.attention.is_empty(), "{:?}", calm.attention.summary());
    ch(&mut calm, '!');
    assert!(!calm.attention_only);
}

/// A minted value that the keyring refused stays open in the mint journal until it is copied:
/// the copy closes it (a failed copy does not).
#[test]
fn copying_an_unstored_token_closes_its_journal_record() {
    use patui::tui::token_modal::TokenShown;
    let mut app = loaded_app(120, 40);
    let intent = uuid::Uuid::from_u128(77);
    app.modals.push(Modal::TokenShown(Box::new(TokenShown {
        id: uuid::Uuid::from_u128(78),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Err("no keyring".into()),
        clamped: None,
        old_not_revoked: None,
        copied: None,
        confirm_leave: false,
        intent: Some(intent),
    })));
    let cmds = update(&mut app, Msg::Copied(Err("no clipboard".into())));
    assert!(cmds.is_empty(), "a failed copy delivers nothing: {cmds:?}");
    let cmds = update(
        &mut app,
        Msg::Copied(Ok(patui::clipboard::CopyMethod::Osc52)),
    );
    assert_eq!(
        cmds,
        [
            Command::Delivered {
                intent,
                token: uuid::Uuid::from_u128(78)
            },
            Command::ClearClipboardAfter(app.clipboard_clear_seconds)
        ]
    );
    // Once only.
    let cmds = update(
        &mut app,
        Msg::Copied(Ok(patui::clipboard::CopyMethod::Osc52)),
    );
    assert_eq!(
        cmds,
        [Command::ClearClipboardAfter(app.clipboard_clear_seconds)],
        "delivered once; each copy still gets its clear"
    );
}

/// Dialog keys and the universal navigation keys are keymap actions: remapped in the config,
/// the new key acts, the old one no longer does, and the hint bar follows the dialog on top.
#[test]
fn dialog_and_navigation_keys_follow_the_keymap() {
    use patui::tui::token_modal::TokenShown;
    use std::collections::BTreeMap;
    let mut app = loaded_app(120, 40);
    app.keymap = Keymap::new(&BTreeMap::from([
        ("copy_value".to_owned(), vec!["x".to_owned()]),
        ("down".to_owned(), vec!["ctrl-n".to_owned()]),
    ]))
    .unwrap();
    app.modals.push(Modal::TokenShown(Box::new(TokenShown {
        id: uuid::Uuid::from_u128(5),
        name: "n".into(),
        org: "o".into(),
        value: "v".into(),
        stored: Ok(()),
        clamped: None,
        old_not_revoked: None,
        copied: None,
        confirm_leave: false,
        intent: None,
    })));
    assert!(ch(&mut app, 'y').is_empty(), "y no longer copies");
    assert!(matches!(&ch(&mut app, 'x')[..], [Command::Copy { .. }]));
    let bottom = screen_text(&render(&app));
    let last = bottom.lines().last().unwrap_or("");
    assert!(
        last.contains("x copy"),
        "the bar follows the dialog: {last}"
    );
    assert!(!last.contains("/ filter"), "not the list's keys: {last}");
    key(&mut app, KeyCode::Enter);
    assert!(app.modals.is_empty());
    // Navigation: the organization picker moves with the remapped key only.
    ch(&mut app, 'o');
    let selected = |app: &App| match app.modals.last() {
        Some(Modal::OrgPicker { selected }) => *selected,
        other => panic!("{other:?}"),
    };
    let start = selected(&app);
    ch(&mut app, 'j');
    assert_eq!(selected(&app), start, "j no longer moves");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
    );
    assert_eq!(selected(&app), start + 1);
}

/// No key is matched as a literal outside the keymap (text typed into a field is not a key).
#[test]
fn no_literal_key_matches_outside_the_keymap() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "keymap.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let literal = line.contains("KeyCode::Char('")
                || [
                    "KeyCode::Up",
                    "KeyCode::Down",
                    "KeyCode::Left",
                    "KeyCode::Right",
                    "KeyCode::Enter",
                    "KeyCode::Esc",
                    "KeyCode::Tab",
                    "KeyCode::BackTab",
                    "KeyCode::PageUp",
                    "KeyCode::PageDown",
                    "KeyCode::Home",
                    "KeyCode::End",
                    "KeyCode::Backspace",
                    "KeyCode::Delete",
                ]
                .iter()
                .any(|k| line.contains(k));
            if literal && !line.trim_start().starts_with("//") {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "literal keys outside keymap.rs:\n{}",
        found.join("\n")
    );
}

/// A copy that worked sets the clipboard's clear as a plain timer command; with
/// `clipboard_clear_seconds = 0`, or a failed copy, there is none.
#[test]
fn a_copy_sets_the_clear_timer() {
    use patui::clipboard::CopyMethod;
    let mut app = loaded_app(120, 40);
    app.clipboard_clear_seconds = 45;
    let cmds = update(&mut app, Msg::Copied(Ok(CopyMethod::Osc52)));
    assert_eq!(cmds, vec![Command::ClearClipboardAfter(45)]);
    assert!(update(&mut app, Msg::Copied(Err("no clipboard".into()))).is_empty());
    app.clipboard_clear_seconds = 0;
    assert!(update(&mut app, Msg::Copied(Ok(CopyMethod::Osc52))).is_empty());
}
