//! Confirmation dialogs: revoke one (focus starts on Cancel; errors shown in place), revoke all
//! (typed confirmation, live progress, a per-token report with retry), regenerate, and the
//! notice for an expired token that cannot be extended.

use crate::azure::PatToken;
use crate::ops::revoke::{RevokeProgress, RevokeReport, RevokeTarget};
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Revoke one, or regenerate: a two-button confirmation.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub token: PatToken,
    pub org: String,
    pub org_label: String,
    /// True when the focus is on the action button (it starts on Cancel).
    pub focus_action: bool,
    pub busy: bool,
    pub error: Option<String>,
}

/// Which action a [`Confirm`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Revoke,
    Regenerate,
}

impl Confirm {
    /// A dialog over `token`, listed in `org`.
    pub fn new(kind: ConfirmKind, token: PatToken, org: String, org_label: String) -> Confirm {
        Confirm {
            kind,
            token,
            org,
            org_label,
            focus_action: false,
            busy: false,
            error: None,
        }
    }
}

/// Keys of a [`Confirm`]; returns (keep open, commands).
pub fn confirm_key(app: &mut App, c: &mut Confirm, key: KeyEvent) -> (bool, Vec<Command>) {
    if c.busy {
        return (true, vec![]);
    }
    match (app.keymap.action(Context::Dialog, &key), key.code) {
        (Some(Action::Close), _) => return (false, vec![]),
        (
            _,
            KeyCode::Left
            | KeyCode::Right
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Char('h' | 'l'),
        ) => {
            c.focus_action = !c.focus_action;
        }
        (Some(Action::Confirm), _) => {
            if !c.focus_action {
                return (false, vec![]);
            }
            c.busy = true;
            c.error = None;
            let cmd = match c.kind {
                ConfirmKind::Revoke => Command::Revoke {
                    org: c.org.clone(),
                    id: c.token.authorization_id,
                    name: c.token.display_name.clone(),
                },
                ConfirmKind::Regenerate => Command::Regenerate {
                    org: c.org.clone(),
                    token: Box::new(c.token.clone()),
                },
            };
            return (true, vec![cmd]);
        }
        _ => {}
    }
    (true, vec![])
}

fn buttons(app: &App, action: &str, focus_action: bool) -> Line<'static> {
    let t = &app.theme;
    let (cancel, act) = if focus_action {
        (t.dim(), t.selected())
    } else {
        (t.selected(), t.dim())
    };
    Line::from(vec![
        Span::raw("      "),
        Span::styled("[ Cancel ]", cancel),
        Span::raw("    "),
        Span::styled(format!("[ {action} ]"), act),
        Span::styled("     ←/→ choose, enter confirms, esc cancels", t.dim()),
    ])
}

/// Draws a [`Confirm`].
pub fn render_confirm(app: &App, frame: &mut Frame, c: &Confirm) {
    let t = &app.theme;
    let (title, verb) = match c.kind {
        ConfirmKind::Revoke => ("Revoke token", "Revoke"),
        ConfirmKind::Regenerate => ("Regenerate token", "Regenerate"),
    };
    let area = view::centered(frame.area(), 80, 13);
    let block = view::popup(frame, area, title, t.warning());
    let mut lines = vec![
        Line::from(vec![
            Span::raw(format!("{verb} ")),
            Span::styled(
                crate::text::sanitize(&c.token.display_name).into_owned(),
                t.header(),
            ),
            Span::raw("?"),
        ]),
        Line::from(format!("Organization: {}", c.org_label)),
        Line::from(format!("Expires: {}", c.token.valid_to.format("%Y-%m-%d"))),
        Line::from(""),
        Line::styled(
            match c.kind {
                ConfirmKind::Revoke => {
                    "Anything using this token stops working now. This cannot be undone."
                }
                ConfirmKind::Regenerate => {
                    "A new token with the same settings is created; the old value stops working now."
                }
            },
            t.warning(),
        ),
        Line::from(""),
        buttons(app, verb, c.focus_action),
    ];
    if c.busy {
        lines.push(Line::styled("Working…", t.key()));
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(format!("✗ {e}"), t.error()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The phases of revoke-all.
#[derive(Debug, Clone)]
pub enum RevokeAllPhase {
    /// Waiting for the list of active tokens.
    Counting,
    /// Asking for the typed word.
    Confirm,
    Running(RevokeProgress),
    Done(RevokeReport),
}

/// Revoke-all state.
#[derive(Debug, Clone)]
pub struct RevokeAll {
    pub scope_label: String,
    pub targets: Vec<RevokeTarget>,
    pub typed: String,
    pub phase: RevokeAllPhase,
    pub error: Option<String>,
    pub scroll: u16,
}

/// The word to type.
pub const CONFIRM_WORD: &str = "revoke";

/// Keys of revoke-all; returns (keep open, commands).
pub fn revoke_all_key(app: &mut App, r: &mut RevokeAll, key: KeyEvent) -> (bool, Vec<Command>) {
    let action = app.keymap.action(Context::Dialog, &key);
    match &r.phase {
        RevokeAllPhase::Counting => {
            if action == Some(Action::Close) {
                return (false, vec![]);
            }
        }
        RevokeAllPhase::Confirm => match (action, key.code) {
            (Some(Action::Close), _) => return (false, vec![]),
            (Some(Action::Confirm), _) => {
                if r.typed.trim() == CONFIRM_WORD && !r.targets.is_empty() {
                    r.phase = RevokeAllPhase::Running(RevokeProgress {
                        total: r.targets.len(),
                        ..Default::default()
                    });
                    return (
                        true,
                        vec![Command::RevokeAll {
                            targets: r.targets.clone(),
                            concurrency: app.revoke_concurrency,
                        }],
                    );
                }
                r.error = Some(format!("Type {CONFIRM_WORD:?} to confirm."));
            }
            (_, KeyCode::Backspace) => {
                r.typed.pop();
            }
            (_, KeyCode::Char(c)) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                r.typed.push(c)
            }
            _ => {}
        },
        RevokeAllPhase::Running(_) => {}
        RevokeAllPhase::Done(report) => match (action, key.code) {
            (Some(Action::Close | Action::Confirm), _) => return (false, vec![]),
            (_, KeyCode::Char('r')) if !report.all_ok() => {
                let targets = report.retry_targets();
                r.phase = RevokeAllPhase::Running(RevokeProgress {
                    total: targets.len(),
                    ..Default::default()
                });
                r.targets = targets.clone();
                return (
                    true,
                    vec![Command::RevokeAll {
                        targets,
                        concurrency: app.revoke_concurrency,
                    }],
                );
            }
            (_, KeyCode::Down | KeyCode::Char('j')) => r.scroll = r.scroll.saturating_add(1),
            (_, KeyCode::Up | KeyCode::Char('k')) => r.scroll = r.scroll.saturating_sub(1),
            _ => {}
        },
    }
    (true, vec![])
}

/// Draws revoke-all.
pub fn render_revoke_all(app: &App, frame: &mut Frame, r: &RevokeAll) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 90, 24);
    let block = view::popup(frame, area, "Revoke all active tokens", t.error());
    let mut lines = Vec::new();
    match &r.phase {
        RevokeAllPhase::Counting => lines.push(Line::from(format!(
            "Counting active tokens in {}…",
            r.scope_label
        ))),
        RevokeAllPhase::Confirm => {
            if r.targets.is_empty() {
                lines.push(Line::from(format!(
                    "No active tokens in {}.",
                    r.scope_label
                )));
                lines.push(Line::styled("esc closes", t.dim()));
            } else {
                lines.push(Line::from(vec![
                    Span::raw("This revokes "),
                    Span::styled(format!("{} active tokens", r.targets.len()), t.error()),
                    Span::raw(format!(" in {}:", r.scope_label)),
                ]));
                let mut per_org: std::collections::BTreeMap<&str, usize> = Default::default();
                for tg in &r.targets {
                    *per_org.entry(tg.org.as_str()).or_default() += 1;
                }
                for (org, n) in per_org {
                    lines.push(Line::from(format!("  {org:<30} {n}")));
                }
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    "Everything using them stops working. This cannot be undone.",
                    t.warning(),
                ));
                lines.push(Line::from(vec![
                    Span::raw(format!("Type {CONFIRM_WORD:?} and press enter: ")),
                    Span::styled(format!("{}▏", r.typed), t.key()),
                ]));
                lines.push(Line::styled("esc cancels", t.dim()));
            }
        }
        RevokeAllPhase::Running(p) => {
            lines.push(Line::from(format!(
                "Revoking… {} / {} done, {} failed",
                p.done, p.total, p.failed
            )));
            let width = 50usize;
            let filled = (p.done * width).checked_div(p.total).unwrap_or(width);
            lines.push(Line::styled(
                format!("[{}{}]", "█".repeat(filled), "·".repeat(width - filled)),
                t.key(),
            ));
        }
        RevokeAllPhase::Done(report) => {
            let ok = report.revoked().count();
            let failed: Vec<_> = report.failed().collect();
            lines.push(Line::styled(format!("✓ {ok} revoked"), t.ok()));
            if failed.is_empty() {
                lines.push(Line::from("Every token was revoked."));
            } else {
                lines.push(Line::styled(
                    format!("✗ {} failed — r retries them", failed.len()),
                    t.error(),
                ));
                for (tg, e) in &failed {
                    lines.push(Line::from(format!(
                        "  ✗ {} ({}): {}",
                        crate::text::sanitize(&tg.name),
                        tg.org,
                        crate::text::sanitize(&e.to_string())
                    )));
                }
            }
            lines.push(Line::from(""));
            for tg in report.revoked() {
                lines.push(Line::styled(
                    format!("  ✓ {} ({})", crate::text::sanitize(&tg.name), tg.org),
                    t.dim(),
                ));
            }
        }
    }
    if let Some(e) = &r.error {
        lines.push(Line::styled(format!("✗ {e}"), t.error()));
    }
    let scroll = if matches!(r.phase, RevokeAllPhase::Done(_)) {
        r.scroll
    } else {
        0
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

/// The notice for `e` on an expired token.
pub fn render_expired(app: &App, frame: &mut Frame, name: &str) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 72, 8);
    let block = view::popup(frame, area, "Expired token", t.warning());
    let lines = vec![
        Line::from(format!(
            "{name} has expired and cannot be extended (expiredPatCannotBeExtended)."
        )),
        Line::from(""),
        Line::from(vec![
            Span::styled("R", t.key()),
            Span::raw(" regenerates it with the same settings   "),
            Span::styled("esc", t.key()),
            Span::raw(" cancels"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
