//! Revoke all: the typed confirmation, live progress, and a per-token report with retry.

use crate::ops::revoke::{RevokeProgress, RevokeReport, RevokeTarget};
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

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
pub fn on_key(app: &mut App, r: &mut RevokeAll, key: KeyEvent) -> (bool, Vec<Command>) {
    let action = app.keymap.action(Context::Dialog, &key);
    match &r.phase {
        RevokeAllPhase::Counting => {
            if action == Some(Action::Close) {
                return (false, vec![]);
            }
        }
        RevokeAllPhase::Confirm => match (action, crate::tui::keymap::text_edit(&key)) {
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
            (_, Some(edit)) => edit.apply(&mut r.typed),
            _ => {}
        },
        RevokeAllPhase::Running(_) => {}
        RevokeAllPhase::Done(report) => match action.or_else(|| app.keymap.nav(&key)) {
            Some(Action::Close | Action::Confirm) => return (false, vec![]),
            Some(Action::Retry) if !report.all_ok() => {
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
            Some(Action::Down) => r.scroll = r.scroll.saturating_add(1),
            Some(Action::Up) => r.scroll = r.scroll.saturating_sub(1),
            Some(Action::PageDown) => r.scroll = r.scroll.saturating_add(10),
            Some(Action::PageUp) => r.scroll = r.scroll.saturating_sub(10),
            Some(Action::Top) => r.scroll = 0,
            _ => {}
        },
    }
    (true, vec![])
}

/// Draws revoke-all.
pub fn render(app: &App, frame: &mut Frame, r: &RevokeAll) {
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
                lines.push(Line::styled(
                    view::hint_text(app, &[(Action::Close, "closes")]),
                    t.dim(),
                ));
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
                    Span::raw(format!(
                        "Type {CONFIRM_WORD:?} and press {}: ",
                        app.keymap.keys_label(Action::Confirm)
                    )),
                    Span::styled(format!("{}▏", r.typed), t.key()),
                ]));
                lines.push(Line::styled(
                    view::hint_text(app, &[(Action::Close, "cancels")]),
                    t.dim(),
                ));
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
                    format!(
                        "✗ {} failed — {} retries them",
                        failed.len(),
                        app.keymap
                            .keys(Action::Retry)
                            .first()
                            .cloned()
                            .unwrap_or_default()
                    ),
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

/// The bottom bar's items in each phase.
pub fn hints(app: &App, r: &RevokeAll) -> Vec<(String, String)> {
    let items: &[(Action, &str)] = match &r.phase {
        RevokeAllPhase::Counting | RevokeAllPhase::Running(_) => &[(Action::Close, "cancel")],
        RevokeAllPhase::Confirm => &[(Action::Confirm, "revoke"), (Action::Close, "cancel")],
        RevokeAllPhase::Done(report) if !report.all_ok() => &[
            (Action::Retry, "retry failed"),
            (Action::Down, "scroll"),
            (Action::Close, "close"),
        ],
        RevokeAllPhase::Done(_) => &[(Action::Down, "scroll"), (Action::Close, "close")],
    };
    view::key_hints(app, items)
}
