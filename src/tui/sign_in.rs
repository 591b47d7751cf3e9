//! The sign-in screen (device code flow) and the profile screen. Sign-in shows the verification
//! URL and the user code large; `y` copies the code; Esc cancels. The runner polls Entra at the
//! given interval (slowing down when told to) and reports the outcome.

use crate::azure::Profile;
use crate::tui::app::App;
use crate::tui::view;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// What the sign-in modal shows.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInPhase {
    Starting,
    Code {
        user_code: String,
        verification_uri: String,
        expires_at: DateTime<Utc>,
    },
    Failed(String),
}

/// Draws the sign-in modal.
pub fn render(app: &App, frame: &mut Frame, phase: &SignInPhase) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 76, 14);
    let block = view::popup(frame, area, "Sign in to Azure DevOps", t.title());
    let mut lines = vec![Line::from(
        "patui needs a Microsoft Entra sign-in to manage your tokens.",
    )];
    lines.push(Line::from(""));
    match phase {
        SignInPhase::Starting => lines.push(Line::from("Asking Microsoft Entra for a code…")),
        SignInPhase::Code {
            user_code,
            verification_uri,
            expires_at,
        } => {
            lines.push(Line::from(vec![
                Span::raw("1. Open  "),
                Span::styled(verification_uri.clone(), t.key()),
            ]));
            lines.push(Line::from(vec![
                Span::raw("2. Enter "),
                Span::styled(format!(" {user_code} "), t.selected()),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::styled(
                format!(
                    "Waiting for you to finish in the browser… (code expires {})",
                    crate::tui::format::relative(*expires_at, app.now)
                ),
                t.dim(),
            ));
        }
        SignInPhase::Failed(e) => {
            lines.push(Line::styled(format!("✗ {e}"), t.error()));
            lines.push(Line::from("enter tries again"));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::styled("y copies the code   esc cancels", t.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// Draws the profile screen.
pub fn render_profile(app: &App, frame: &mut Frame, profile: Option<&Profile>) {
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
            lines.push(field("Name", p.display_name.clone()));
            lines.push(field("E-mail", p.email_address.clone().unwrap_or_default()));
            lines.push(field("Id", p.id.to_string()));
        }
        None => lines.push(Line::styled(
            "The profile is not loaded (not signed in?).",
            t.dim(),
        )),
    }
    lines.push(field(
        "Tenant",
        app.tenant
            .clone()
            .unwrap_or_else(|| "organizations (not discovered)".into()),
    ));
    lines.push(Line::from(""));
    lines.push(Line::styled("Organizations", t.header()));
    for o in &app.orgs {
        lines.push(Line::from(format!("  {o}")));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "L signs out (forgets the cached sign-in)   esc closes",
        t.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
