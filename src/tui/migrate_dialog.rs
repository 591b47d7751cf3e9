//! "Replace global tokens": for each global token, choose the organizations to create its
//! replacements in (every organization of the account by default; type to filter, space
//! toggles), review, then run the replacements (see [`crate::ops::migrate`]) with live progress
//! and a per-token report; `r` retries what failed without redoing what was done.

use crate::azure::PatToken;
use crate::ops::migrate::{Migration, OldState, ReplacementState};
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// One global token and the organizations chosen for it.
#[derive(Debug, Clone)]
pub struct Choice {
    pub token: PatToken,
    /// Where it is listed (its revocation goes there).
    pub listed_in: String,
    /// Parallel to the dialog's `orgs`.
    pub chosen: Vec<bool>,
}

/// The dialog's phases.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Choosing the organizations of `choices[index]`.
    Choose {
        index: usize,
    },
    Review,
    Running(Vec<Migration>),
    Done(Vec<Migration>),
}

/// The dialog.
#[derive(Debug, Clone)]
pub struct MigrateDialog {
    /// Every organization of the account.
    pub orgs: Vec<String>,
    pub choices: Vec<Choice>,
    pub phase: Phase,
    /// The typed filter on organization names.
    pub filter: String,
    /// The highlighted organization, an index into the filtered list.
    pub cursor: usize,
    pub error: Option<String>,
}

impl MigrateDialog {
    /// For `globals` (token, listed in), with every organization chosen.
    pub fn new(globals: Vec<(PatToken, String)>, orgs: Vec<String>) -> MigrateDialog {
        let choices = globals
            .into_iter()
            .map(|(token, listed_in)| Choice {
                token,
                listed_in,
                chosen: vec![true; orgs.len()],
            })
            .collect();
        MigrateDialog {
            orgs,
            choices,
            phase: Phase::Choose { index: 0 },
            filter: String::new(),
            cursor: 0,
            error: None,
        }
    }

    /// Indices of the organizations matching the filter.
    pub fn visible(&self) -> Vec<usize> {
        let q = self.filter.to_lowercase();
        (0..self.orgs.len())
            .filter(|&i| self.orgs[i].to_lowercase().contains(&q))
            .collect()
    }

    /// The migrations the review describes.
    pub fn migrations(&self) -> Vec<Migration> {
        self.choices
            .iter()
            .map(|c| {
                let orgs: Vec<String> = self
                    .orgs
                    .iter()
                    .zip(&c.chosen)
                    .filter(|(_, on)| **on)
                    .map(|(o, _)| o.clone())
                    .collect();
                Migration::new(c.token.clone(), &c.listed_in, &orgs, false)
            })
            .collect()
    }
}

/// Keys; returns (keep open, commands).
pub fn on_key(app: &mut App, d: &mut MigrateDialog, key: KeyEvent) -> (bool, Vec<Command>) {
    let action = app.keymap.action(Context::Dialog, &key);
    match &mut d.phase {
        Phase::Choose { index } => {
            let index = *index;
            let nav = app
                .keymap
                .nav(&key)
                .filter(|_| crate::tui::keymap::text_edit(&key).is_none());
            match (action.or(nav), crate::tui::keymap::text_edit(&key)) {
                (Some(Action::Close), _) => {
                    if index == 0 {
                        return (false, vec![]);
                    }
                    d.phase = Phase::Choose { index: index - 1 };
                }
                (Some(Action::Confirm), _) => {
                    if !d.choices[index].chosen.iter().any(|c| *c) {
                        d.error = Some(format!(
                            "Choose at least one organization ({}).",
                            app.keymap.keys_label(Action::Toggle)
                        ));
                        return (true, vec![]);
                    }
                    d.error = None;
                    d.filter.clear();
                    d.cursor = 0;
                    d.phase = if index + 1 < d.choices.len() {
                        Phase::Choose { index: index + 1 }
                    } else {
                        Phase::Review
                    };
                }
                (Some(Action::Up), _) => d.cursor = d.cursor.saturating_sub(1),
                (Some(Action::Down), _) => {
                    d.cursor = (d.cursor + 1).min(d.visible().len().saturating_sub(1))
                }
                (Some(Action::Toggle), _) => {
                    if let Some(&i) = d.visible().get(d.cursor) {
                        let c = &mut d.choices[index].chosen[i];
                        *c = !*c;
                    }
                }
                (_, Some(edit)) => {
                    edit.apply(&mut d.filter);
                    d.cursor = 0;
                }
                _ => {}
            }
        }
        Phase::Review => match action {
            Some(Action::Close) => {
                d.phase = Phase::Choose {
                    index: d.choices.len().saturating_sub(1),
                }
            }
            Some(Action::Confirm) => {
                if let Some(why) = &app.keyring_problem {
                    d.error = Some(format!(
                        "Replacing needs a working keyring, where the new values go: {why}"
                    ));
                    return (true, vec![]);
                }
                let migrations = d.migrations();
                d.phase = Phase::Running(migrations.clone());
                return (true, vec![Command::Migrate { migrations }]);
            }
            _ => {}
        },
        Phase::Running(_) => {}
        Phase::Done(done) => match action {
            Some(Action::Close | Action::Confirm) => return (false, vec![]),
            Some(Action::Retry) if !done.iter().all(Migration::is_done) => {
                // The same migrations again: what was created stays, only the rest is retried.
                let migrations = done.clone();
                d.phase = Phase::Running(migrations.clone());
                return (true, vec![Command::Migrate { migrations }]);
            }
            _ => {}
        },
    }
    (true, vec![])
}

/// Draws the dialog.
pub fn render(app: &App, frame: &mut Frame, d: &MigrateDialog) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 96, 28);
    let block = view::popup(frame, area, "Replace global tokens", t.warning());
    let mut lines: Vec<Line> = Vec::new();
    let name = |tok: &PatToken| crate::text::sanitize(&tok.display_name).into_owned();
    match &d.phase {
        Phase::Choose { index } => {
            let c = &d.choices[*index];
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "Global token {} of {}: ",
                    index + 1,
                    d.choices.len()
                )),
                Span::styled(name(&c.token), t.header()),
            ]));
            lines.push(Line::styled(
                crate::ops::retirement::global_choice_note(app.now),
                t.warning(),
            ));
            lines.push(Line::from(
                "Create one token with the same name, scopes and expiry in each organization:",
            ));
            lines.push(Line::from(vec![
                Span::raw("Filter: "),
                Span::styled(format!("{}▏", d.filter), t.key()),
            ]));
            let visible = d.visible();
            let room = usize::from(area.height.saturating_sub(10));
            let start = d.cursor.saturating_sub(room.saturating_sub(1));
            for (row, &i) in visible.iter().enumerate().skip(start).take(room) {
                let mark = if c.chosen[i] { "[x]" } else { "[ ]" };
                let style = if row == d.cursor {
                    t.selected()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::styled(format!("  {mark} {}", d.orgs[i]), style));
            }
            if visible.is_empty() {
                lines.push(Line::styled("  (no organization matches)", t.dim()));
            }
            lines.push(Line::styled(
                format!(
                    "{}  type to filter  {}",
                    view::hint_text(app, &[(Action::Down, "move"), (Action::Toggle, "choose")]),
                    view::hint_text(app, &[(Action::Confirm, "next"), (Action::Close, "back")])
                ),
                t.dim(),
            ));
        }
        Phase::Review => {
            lines.push(Line::from("This will, for each global token:"));
            for m in d.migrations() {
                let orgs: Vec<&str> = m.replacements.iter().map(|r| r.org.as_str()).collect();
                let noun = if orgs.len() == 1 { "token" } else { "tokens" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}", name(&m.global)), t.header()),
                    Span::raw(format!(" → {} new {noun}: {}", orgs.len(), orgs.join(", "))),
                ]));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Each new token is stored in the keyring before it counts. The global token is \
                 revoked only after all its replacements exist; any failure leaves it untouched.",
            ));
            lines.push(Line::styled(
                view::hint_text(
                    app,
                    &[(Action::Confirm, "replaces"), (Action::Close, "back")],
                ),
                t.dim(),
            ));
        }
        Phase::Running(ms) | Phase::Done(ms) => {
            let running = matches!(d.phase, Phase::Running(_));
            if running {
                lines.push(Line::styled("Replacing…", t.key()));
            }
            for m in ms {
                lines.push(Line::styled(name(&m.global), t.header()));
                for r in &m.replacements {
                    let line = match &r.state {
                        ReplacementState::Pending if running => {
                            Line::styled(format!("  … {}", r.org), t.dim())
                        }
                        ReplacementState::Pending => {
                            Line::styled(format!("  · {} (not attempted)", r.org), t.dim())
                        }
                        ReplacementState::Created { clamped, .. } => Line::styled(
                            format!(
                                "  ✓ {} created and stored{}",
                                r.org,
                                if *clamped {
                                    " (expiry shortened by policy)"
                                } else {
                                    ""
                                }
                            ),
                            t.ok(),
                        ),
                        ReplacementState::Failed(why) => Line::styled(
                            format!("  ✗ {}: {}", r.org, crate::text::sanitize(why)),
                            t.error(),
                        ),
                    };
                    lines.push(line);
                }
                lines.push(match &m.old {
                    OldState::Revoked => Line::styled("  ✓ global token revoked", t.ok()),
                    OldState::Kept => Line::styled("  global token kept", t.dim()),
                    OldState::Untouched if running => Line::styled("  … global token", t.dim()),
                    OldState::Untouched => Line::styled(
                        "  global token untouched (a replacement is missing)",
                        t.warning(),
                    ),
                    OldState::RevokeFailed(why) => Line::styled(
                        format!(
                            "  ✗ revoking the global token failed: {}",
                            crate::text::sanitize(why)
                        ),
                        t.error(),
                    ),
                });
            }
            if !running {
                let all = ms.iter().all(Migration::is_done);
                lines.push(Line::styled(
                    if all {
                        format!(
                            "Done. {}",
                            view::hint_text(app, &[(Action::Confirm, "closes")])
                        )
                    } else {
                        view::hint_text(
                            app,
                            &[
                                (Action::Retry, "retries what failed"),
                                (Action::Confirm, "closes"),
                            ],
                        )
                    },
                    t.dim(),
                ));
            }
        }
    }
    if let Some(e) = &d.error {
        lines.push(Line::styled(format!("✗ {e}"), t.error()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The bottom bar's items in each phase.
pub fn hints(app: &App, d: &MigrateDialog) -> Vec<(String, String)> {
    let items: &[(Action, &str)] = match &d.phase {
        Phase::Choose { .. } => &[
            (Action::Down, "move"),
            (Action::Toggle, "choose"),
            (Action::Confirm, "next"),
            (Action::Close, "back"),
        ],
        Phase::Review => &[(Action::Confirm, "replace"), (Action::Close, "back")],
        Phase::Running(_) => &[],
        Phase::Done(ms) if !ms.iter().all(Migration::is_done) => {
            &[(Action::Retry, "retry"), (Action::Confirm, "close")]
        }
        Phase::Done(_) => &[(Action::Confirm, "close")],
    };
    view::key_hints(app, items)
}
