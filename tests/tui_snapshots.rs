//! Snapshots of every screen and dialog at 80x24 and 120x40 with a fixed clock (insta +
//! TestBackend). Review changes with `cargo insta review`; CI refuses missing snapshots.

mod tui_support;

use crossterm::event::KeyCode;
use patui::azure::ApiError;
use patui::clipboard::CopyMethod;
use patui::tui::app::{Modal, Msg, update};
use patui::tui::token_modal::TokenShown;
use tui_support::*;
use uuid::Uuid;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, setup: impl Fn(&mut patui::tui::app::App)) {
    for (w, h) in SIZES {
        let mut app = loaded_app(w, h);
        setup(&mut app);
        let t = render(&app);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

#[test]
fn list() {
    snap("list", |_| {});
}

/// After the retirement of global tokens: the global token is retired (list, details), the
/// status line says what needs attention, and the wizard offers no "all organizations".
#[test]
fn after_the_global_token_cut_off() {
    for (w, h) in SIZES {
        let mut app = loaded_app_at(w, h, after_cutoff());
        let t = render(&app);
        insta::assert_snapshot!(format!("after_cutoff_list_{w}x{h}"), t.backend());
        let row = app
            .visible
            .iter()
            .position(|&i| app.rows[i].entry.token.is_global())
            .expect("a global token");
        app.selected = row;
        key(&mut app, KeyCode::Enter);
        let t = render(&app);
        insta::assert_snapshot!(format!("after_cutoff_details_{w}x{h}"), t.backend());
        key(&mut app, KeyCode::Esc);
        ch(&mut app, 'n');
        typ(&mut app, "after");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Enter);
        for _ in 0..5 {
            key(&mut app, KeyCode::Down);
        }
        let t = render(&app);
        insta::assert_snapshot!(format!("after_cutoff_wizard_org_{w}x{h}"), t.backend());
    }
}

/// M opens "Replace global tokens" with every organization chosen; space and typing change the
/// choice; the review leads to one Migrate command for the chosen organizations.
#[test]
fn replace_global_tokens_dialog() {
    use patui::tui::app::Command;
    for (w, h) in SIZES {
        let mut app = loaded_app(w, h);
        ch(&mut app, 'M');
        let t = render(&app);
        insta::assert_snapshot!(format!("migrate_choose_{w}x{h}"), t.backend());
        typ(&mut app, "con");
        ch(&mut app, ' ');
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Enter);
        let t = render(&app);
        insta::assert_snapshot!(format!("migrate_review_{w}x{h}"), t.backend());
        let cmds = key(&mut app, KeyCode::Enter);
        let [Command::Migrate { migrations }] = &cmds[..] else {
            panic!("{cmds:?}")
        };
        assert_eq!(migrations.len(), 1);
        let orgs: Vec<&str> = migrations[0]
            .replacements
            .iter()
            .map(|r| r.org.as_str())
            .collect();
        assert_eq!(orgs, ["fabrikam"], "contoso was unticked");
    }
}

#[test]
fn list_sorted_by_expiry_descending() {
    snap("list_expiry_desc", |app| {
        ch(app, 's');
        ch(app, 's');
        ch(app, 'S');
    });
}

#[test]
fn filter() {
    snap("filter", |app| {
        ch(app, '/');
        typ(app, "code");
    });
}

#[test]
fn details() {
    snap("details", |app| {
        ch(app, 'j');
        key(app, KeyCode::Enter);
    });
}

#[test]
fn help() {
    snap("help", |app| {
        ch(app, '?');
    });
}

#[test]
fn org_picker() {
    snap("org_picker", |app| {
        ch(app, 'o');
    });
}

#[test]
fn error_notice() {
    snap("error", |app| {
        let g = app.generation;
        update(
            app,
            Msg::Loaded {
                generation: g,
                result: Err(ApiError::Auth {
                    status: 401,
                    detail: "TF400813: not authorized".into(),
                }),
            },
        );
    });
}

#[test]
fn small_terminal() {
    let mut app = loaded_app(50, 12);
    app.size = (50, 12);
    insta::assert_snapshot!("small_50x12", render(&app).backend());
}

#[test]
fn wizard_steps() {
    snap("wizard_name", |app| {
        ch(app, 'n');
        typ(app, "deploy");
    });
    snap("wizard_lifespan_custom", |app| {
        ch(app, 'n');
        typ(app, "deploy");
        key(app, KeyCode::Enter);
        typ(app, "2027-01-15");
    });
    snap("wizard_org_all", |app| {
        ch(app, 'n');
        typ(app, "deploy");
        key(app, KeyCode::Enter);
        key(app, KeyCode::Enter);
        for _ in 0..3 {
            key(app, KeyCode::Down);
        }
    });
    snap("wizard_scopes", |app| {
        ch(app, 'n');
        typ(app, "deploy");
        for _ in 0..3 {
            key(app, KeyCode::Enter);
        }
        ch(app, '2');
        typ(app, "co");
    });
    snap("wizard_review", |app| {
        ch(app, 'n');
        typ(app, "deploy");
        for _ in 0..3 {
            key(app, KeyCode::Enter);
        }
        ch(app, '3');
        key(app, KeyCode::Enter);
    });
}

#[test]
fn token_modal() {
    let shown =
        |stored: Result<(), String>, copied: Option<Result<CopyMethod, String>>| TokenShown {
            id: Uuid::from_u128(99),
            name: "deploy".into(),
            org: "fabrikam".into(),
            value:
                "EXAMPLE0NOT0A0REAL0TOKEN0EXAMPLE0NOT0A0REAL0TOKEN0EXAMPLE0NOT0A0REAL0TOKENAZDO0000"
                    .into(),
            stored,
            clamped: None,
            old_not_revoked: None,
            copied,
            confirm_leave: false,
            intent: None,
        };
    snap("token_stored", |app| {
        app.modals.push(Modal::TokenShown(Box::new(shown(
            Ok(()),
            Some(Ok(CopyMethod::Osc52)),
        ))));
    });
    snap("token_not_stored", |app| {
        let mut m = shown(Err("no Secret Service on the session bus".into()), None);
        m.confirm_leave = true;
        app.modals.push(Modal::TokenShown(Box::new(m)));
    });
}

#[test]
fn dialogs() {
    snap("revoke_one", |app| {
        ch(app, 'd');
    });
    snap("revoke_all_confirm", |app| {
        ch(app, 'D');
        update(
            app,
            Msg::RevokeAllTargets(Ok(patui::tui::actions::revoke_targets(entries()))),
        );
        typ(app, "rev");
    });
    snap("edit", |app| {
        ch(app, 'e');
    });
}

#[test]
fn sign_in_and_profile() {
    use patui::tui::sign_in::{SignInPhase, SignInScreen};
    let code = || SignInPhase::Code {
        user_code: "SIMAB12CD".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_at: now() + chrono::Duration::minutes(15),
    };
    snap("sign_in_code", |app| {
        app.device_code = true;
        app.modals
            .push(Modal::SignIn(Box::new(SignInScreen::new(code()))));
    });
    snap("sign_in_code_with_az_and_a_browser_problem", |app| {
        app.device_code = true;
        app.az_login = Some("/usr/bin/az".into());
        let mut s = SignInScreen::new(code());
        s.problem = Some(
            "The browser did not open (xdg-open exited with status 3); open the address yourself."
                .into(),
        );
        app.modals.push(Modal::SignIn(Box::new(s)));
    });
    snap("sign_in_declined", |app| {
        app.device_code = true;
        app.modals.push(Modal::SignIn(Box::new(SignInScreen::new(
            SignInPhase::Failed("the sign-in was declined".into()),
        ))));
    });
    snap("sign_in_azure_cli_only", |app| {
        app.az_login = Some("/usr/bin/az".into());
        app.can_sign_in = true;
        app.begin_sign_in();
    });
    snap("profile", |app| {
        app.profile = Some(patui::azure::Profile {
            id: Uuid::from_u128(42),
            display_name: "Demo User".into(),
            public_alias: None,
            email_address: Some("demo.user@example.com".into()),
        });
        app.tenant = Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into());
        app.sign_in_source = Some(patui::auth::SourceKind::AzureCli);
        ch(app, 'p');
    });
}

#[test]
fn sign_in_code_in_a_small_terminal_falls_back_to_plain_text() {
    use patui::tui::sign_in::{SignInPhase, SignInScreen};
    let mut app = loaded_app(60, 15);
    app.modals.push(Modal::SignIn(Box::new(SignInScreen::new(
        SignInPhase::Code {
            user_code: "SIMAB12CD".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: now() + chrono::Duration::minutes(15),
        },
    ))));
    let t = render(&app);
    insta::assert_snapshot!("sign_in_code_60x15", t.backend());
}

#[test]
fn revoke_all_progress_and_report_and_regenerate() {
    use patui::ops::revoke::{RevokeOutcome, RevokeProgress, RevokeReport};
    snap("revoke_all_running", |app| {
        ch(app, 'D');
        update(
            app,
            Msg::RevokeAllTargets(Ok(patui::tui::actions::revoke_targets(entries()))),
        );
        typ(app, "revoke");
        key(app, KeyCode::Enter);
        update(
            app,
            Msg::RevokeAllProgress(RevokeProgress {
                done: 4,
                failed: 1,
                total: 9,
            }),
        );
    });
    snap("revoke_all_report", |app| {
        ch(app, 'D');
        let targets = patui::tui::actions::revoke_targets(entries());
        update(app, Msg::RevokeAllTargets(Ok(targets.clone())));
        typ(app, "revoke");
        key(app, KeyCode::Enter);
        let results = targets
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let o = if i == 2 {
                    RevokeOutcome::Failed(ApiError::Server {
                        status: 503,
                        message: "unavailable".into(),
                    })
                } else {
                    RevokeOutcome::Revoked
                };
                (t, o)
            })
            .collect();
        update(app, Msg::RevokeAllDone(RevokeReport { results }));
    });
    snap("regenerate", |app| {
        ch(app, 'R');
        key(app, KeyCode::Right);
    });
}

/// A large list while it loads: the rows of the pages so far, the header counting what is
/// loaded, and a reload that keeps the previous rows until the new load's first page.
#[test]
fn list_while_loading() {
    for (w, h) in SIZES {
        let mut app = loaded_app(w, h);
        let _ = app.reload();
        let generation = app.generation;
        let mut tokens: Vec<_> = entries().into_iter().map(|e| e.token).collect();
        let second_page = tokens.split_off(3);
        // Until the first page, the last load's rows stay.
        assert_eq!(app.rows.len(), entries().len());
        update(
            &mut app,
            Msg::Page {
                generation,
                org: "fabrikam".into(),
                revoked: false,
                tokens,
            },
        );
        assert_eq!(
            app.rows.len(),
            3,
            "the first page replaces the last load's rows"
        );
        let t = render(&app);
        insta::assert_snapshot!(format!("list_while_loading_{w}x{h}"), t.backend());
        // A page of an older load is ignored.
        update(
            &mut app,
            Msg::Page {
                generation: generation - 1,
                org: "fabrikam".into(),
                revoked: false,
                tokens: second_page,
            },
        );
        assert_eq!(app.rows.len(), 3);
    }
}
