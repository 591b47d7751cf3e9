//! The profile screen (`p`): who is signed in, with what, the tenant or server, the
//! organizations; the sign-out key forgets the cached sign-in.

use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Keys: sign out; close, confirm or the list's quit key close.
pub fn on_key(app: &mut App, key: KeyEvent) -> (bool, Vec<Command>) {
    if app.keymap.action(Context::Profile, &key) == Some(Action::SignOut) {
        return (false, vec![Command::SignOut]);
    }
    let closes = matches!(
        app.keymap.action(Context::Dialog, &key),
        Some(Action::Close | Action::Confirm)
    ) || app.keymap.action(Context::List, &key) == Some(Action::Quit);
    (!closes, vec![])
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(
        app,
        &[(Action::SignOut, "sign out"), (Action::Close, "close")],
    )
}

/// Draws the profile screen.
pub fn render(app: &App, frame: &mut Frame) {
    let profile = app.profile.as_ref();
    let t = &app.theme;
    let area = view::centered(frame.area(), 70, 20);
    let block = view::popup(frame, area, "Profile", t.title());
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<15}"), t.header()),
            Span::raw(v),
        ])
    };
    let mut lines = Vec::new();
    match profile {
        Some(p) => {
            lines.push(field(
                "Name",
                crate::text::sanitize(&p.display_name).into_owned(),
            ));
            lines.push(field("E-mail", p.email_address.clone().unwrap_or_default()));
            lines.push(field("Id", p.id.to_string()));
        }
        None => lines.push(Line::styled(
            "The profile is not loaded (not signed in?).",
            t.dim(),
        )),
    }
    if let Some(src) = app.sign_in_source {
        lines.push(field("Signed in with", src.label().to_owned()));
    }
    if let Some(how) = &app.service.sign_in {
        // Server sign-in: the method and each method skipped, one per line.
        let mut parts = how.split("; ");
        if let Some(first) = parts.next() {
            lines.push(field(
                "Signed in with",
                crate::text::sanitize(first).into_owned(),
            ));
        }
        for p in parts {
            lines.push(field("", crate::text::sanitize(p).into_owned()));
        }
    }
    match &app.server {
        Some(server) => lines.push(field("Server", crate::text::sanitize(server).into_owned())),
        None => lines.push(field(
            "Tenant",
            app.tenant
                .clone()
                .unwrap_or_else(|| "organizations (not discovered)".into()),
        )),
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        if app.service.org_word == "collection" {
            "Collections"
        } else {
            "Organizations"
        },
        t.header(),
    ));
    for o in &app.orgs {
        lines.push(Line::from(format!("  {o}")));
    }
    lines.push(Line::from(""));
    let sign_out = app
        .keymap
        .hint(Action::SignOut)
        .map(|(k, label)| (k, format!("{label} (forgets the cached sign-in)")));
    lines.push(view::dialog_hints(
        app,
        sign_out.into_iter().collect(),
        "close",
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
