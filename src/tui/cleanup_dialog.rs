//! "Clean up": the tokens the mint journal found minted but never stored or shown (orphans: their
//! values cannot be recovered), and revocations that were interrupted and left a token active.
//! Each orphan is revoked by default (space keeps it instead); enter applies, esc decides later.

use crate::ops::orphans::Findings;
use crate::tui::app::{App, Command};
use crate::tui::keymap::Action;
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The dialog: one choice per orphan (true = revoke).
#[derive(Debug, Clone)]
pub struct CleanupDialog {
    pub findings: Findings,
    /// Stored values whose tokens no longer work: forgotten on enter.
    pub dead: Vec<crate::ops::attention::DeadStored>,
    pub revoke: Vec<bool>,
    pub cursor: usize,
    pub busy: bool,
}

impl CleanupDialog {
    /// Every orphan set to be revoked, every dead value to be forgotten.
    pub fn new(findings: Findings, dead: Vec<crate::ops::attention::DeadStored>) -> CleanupDialog {
        let revoke = vec![true; findings.orphans.len()];
        CleanupDialog {
            findings,
            dead,
            revoke,
            cursor: 0,
            busy: false,
        }
    }
}

/// Keys; returns (keep open, commands).
pub fn on_key(app: &mut App, d: &mut CleanupDialog, key: KeyEvent) -> (bool, Vec<Command>) {
    if d.busy {
        return (true, vec![]);
    }
    match app.keymap.dialog_or_nav(&key) {
        Some(Action::Close) => return (false, vec![]),
        Some(Action::Confirm) => {
            d.busy = true;
            let orphans = d
                .findings
                .orphans
                .iter()
                .cloned()
                .zip(d.revoke.iter().copied())
                .collect();
            return (
                true,
                vec![Command::ResolveOrphans {
                    orphans,
                    revokes: d.findings.unfinished_revokes.clone(),
                    forget: d.dead.iter().map(|x| x.meta.id).collect(),
                }],
            );
        }
        Some(Action::Up) => d.cursor = d.cursor.saturating_sub(1),
        Some(Action::Down) => d.cursor = (d.cursor + 1).min(d.revoke.len().saturating_sub(1)),
        Some(Action::Toggle) => {
            if let Some(r) = d.revoke.get_mut(d.cursor) {
                *r = !*r;
            }
        }
        _ => {}
    }
    (true, vec![])
}

/// Draws the dialog.
pub fn render(app: &App, frame: &mut Frame, d: &CleanupDialog) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 96, 24);
    let block = view::popup(frame, area, "Clean up", t.warning());
    let mut lines = Vec::new();
    if !d.findings.orphans.is_empty() {
        lines.push(Line::from(
            "These tokens were created, but their values were never stored or shown (patui was \
             stopped, or the service's answer was lost). They cannot be recovered; revoking them \
             is safe.",
        ));
        lines.push(Line::from(""));
    }
    for (i, o) in d.findings.orphans.iter().enumerate() {
        let choice = if d.revoke[i] { "[revoke]" } else { "[keep]  " };
        let style = if i == d.cursor {
            t.selected()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::styled(
            format!(
                "  {choice} {} in {}, created {}",
                crate::text::sanitize(&o.token.display_name),
                o.intent.org,
                o.intent.at.format("%Y-%m-%d %H:%M UTC")
            ),
            style,
        ));
    }
    if !d.findings.unfinished_revokes.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Revocations that were interrupted; these tokens are still active and will be revoked:",
        ));
        for u in &d.findings.unfinished_revokes {
            lines.push(Line::from(format!(
                "  {} in {}",
                crate::text::sanitize(&u.revoke.name),
                u.revoke.org
            )));
        }
    }
    if !d.dead.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(
            "Stored values of tokens that no longer work; they will be forgotten, so nothing \
             (git's helper included) hands them out:",
        ));
        for x in &d.dead {
            lines.push(Line::from(format!(
                "  {} in {} ({})",
                crate::text::sanitize(&x.meta.name),
                x.meta.org,
                x.why.word()
            )));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(vec![Span::styled(
        if d.busy {
            "Working…".to_owned()
        } else {
            view::hint_text(
                app,
                &[
                    (Action::Toggle, "revoke/keep"),
                    (Action::Confirm, "apply"),
                    (Action::Close, "later"),
                ],
            )
        },
        t.dim(),
    )]));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The bottom bar's items.
pub fn hints(app: &App) -> Vec<(String, String)> {
    view::key_hints(
        app,
        &[
            (Action::Down, "move"),
            (Action::Toggle, "revoke/keep"),
            (Action::Confirm, "apply"),
            (Action::Close, "later"),
        ],
    )
}
