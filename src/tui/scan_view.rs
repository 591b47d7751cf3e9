//! The scan view (`F` on the list): the PATs `patui scan` finds in the usual places (npmrc,
//! NuGet.Config, pip.conf, .netrc, git credentials…), each with where it is, masked, and whether
//! patui keeps that token. `d` on a copy of a stored token asks (the focus starts on Cancel),
//! then removes that line from its file (a backup is kept) and scans again; on a token patui
//! does not know it says in place why it cannot (rotate it instead). Errors are shown in place;
//! everything that came from a file or the keyring is sanitized before it is drawn.

use crate::scan::fix;
use crate::scan::report::{self, Finding, Report, Stored};
use crate::text::sanitize;
use crate::tui::app::{App, Command, Modal, Msg};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::path::Path;

/// Rows moved by page up and page down.
const PAGE: isize = 10;
/// Lines under the list: the summary, the selected finding, a note, an error, a warning.
const FOOTER: u16 = 7;

/// The view's state.
#[derive(Debug, Clone, Default)]
pub struct ScanView {
    /// The last scan's result (none before the first one arrives).
    pub report: Option<Report>,
    /// True while a scan runs.
    pub scanning: bool,
    /// True while a copy is being removed.
    pub removing: bool,
    /// Index of the selected finding.
    pub cursor: usize,
    /// The removal being asked about.
    pub confirm: Option<Pending>,
    /// What was done last, or why `d` cannot act here.
    pub note: Option<String>,
    pub error: Option<String>,
}

/// A removal waiting for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// Index of the finding.
    pub index: usize,
    /// True when the focus is on Remove (it starts on Cancel).
    pub focus_remove: bool,
}

impl ScanView {
    fn findings(&self) -> &[Finding] {
        self.report
            .as_ref()
            .map(|r| r.findings.as_slice())
            .unwrap_or_default()
    }

    fn selected(&self) -> Option<&Finding> {
        self.findings().get(self.cursor)
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.findings().len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last) as usize;
    }

    /// `path` for the screen: `~` for the home directory, sanitized.
    fn shown_path(&self, path: &Path) -> String {
        let home = self.report.as_ref().and_then(|r| r.home.as_deref());
        sanitize(&report::shown_path(path, home)).into_owned()
    }
}

/// Opens the view (once) and starts a scan.
pub fn open(app: &mut App) -> Vec<Command> {
    if app.modals.iter().any(|m| matches!(m, Modal::Scan(_))) {
        return vec![];
    }
    app.modals.push(Modal::Scan(Box::new(ScanView {
        scanning: true,
        ..ScanView::default()
    })));
    vec![Command::Scan]
}

/// Keys; returns (keep open, commands).
pub fn on_key(app: &mut App, v: &mut ScanView, key: KeyEvent) -> (bool, Vec<Command>) {
    if v.confirm.is_some() {
        return (true, on_confirm_key(app, v, key));
    }
    let action = app
        .keymap
        .action(Context::Scan, &key)
        .or_else(|| app.keymap.dialog_or_nav(&key));
    match action {
        Some(Action::Close) => return (false, vec![]),
        Some(Action::Up) => v.move_by(-1),
        Some(Action::Down) => v.move_by(1),
        Some(Action::PageUp) => v.move_by(-PAGE),
        Some(Action::PageDown) => v.move_by(PAGE),
        Some(Action::Top) => v.cursor = 0,
        Some(Action::Bottom) => v.move_by(isize::MAX),
        Some(Action::RemoveCopy) => ask_removal(app, v),
        _ => {}
    }
    (true, vec![])
}

/// `d`: asks before removing a stored token's copy; says why not for any other.
fn ask_removal(app: &App, v: &mut ScanView) {
    if v.scanning || v.removing {
        return;
    }
    let Some(f) = v.selected() else {
        return;
    };
    let (note, confirm) = match f.stored {
        Stored::Yes(_) => (
            None,
            Some(Pending {
                index: v.cursor,
                focus_remove: false,
            }),
        ),
        Stored::No => (Some(rotate_advice(app)), None),
        Stored::Unknown => (
            Some(
                "The keyring could not be read, so whether patui keeps this token is unknown: \
                 nothing is removed."
                    .to_owned(),
            ),
            None,
        ),
    };
    v.error = None;
    v.note = note;
    v.confirm = confirm;
}

/// Why a token patui does not know cannot be replaced, and what to do.
fn rotate_advice(_app: &App) -> String {
    "patui does not keep this token, and the service never says which token a value is: name \
     it with `patui scan --import FILE:LINE --id ID` (keeps it) or `patui scan --rotate FILE:LINE \
     --id ID` (regenerates it, puts the new value on this line, revokes the old one)."
        .to_owned()
}

/// Keys while a removal is asked about: choose, confirm, cancel.
fn on_confirm_key(app: &App, v: &mut ScanView, key: KeyEvent) -> Vec<Command> {
    let Some(mut p) = v.confirm else {
        return vec![];
    };
    match app.keymap.action(Context::Dialog, &key) {
        Some(Action::Close) => v.confirm = None,
        Some(Action::NextChoice | Action::PrevChoice | Action::NextField | Action::PrevField) => {
            p.focus_remove = !p.focus_remove;
            v.confirm = Some(p);
        }
        Some(Action::Confirm) => {
            v.confirm = None;
            if p.focus_remove {
                return remove(v, p.index);
            }
        }
        _ => {}
    }
    vec![]
}

/// The command that removes finding `index`'s line.
fn remove(v: &mut ScanView, index: usize) -> Vec<Command> {
    let Some(f) = v.findings().get(index) else {
        return vec![];
    };
    let cmd = Command::RemoveCopy {
        path: f.path.clone(),
        line: f.hit.line,
        value: f.hit.value.clone(),
    };
    v.removing = true;
    v.note = None;
    v.error = None;
    vec![cmd]
}

/// Applies a scan's or a removal's result to the open view (none: dropped).
pub fn on_result(app: &mut App, msg: Msg) -> Vec<Command> {
    let Some(v) = app.modals.iter_mut().rev().find_map(|m| match m {
        Modal::Scan(v) => Some(&mut **v),
        _ => None,
    }) else {
        return vec![];
    };
    match msg {
        Msg::Scanned(Ok(r)) => {
            v.scanning = false;
            v.cursor = v.cursor.min(r.findings.len().saturating_sub(1));
            v.report = Some(r);
        }
        Msg::Scanned(Err(e)) => {
            v.scanning = false;
            v.error = Some(format!("The scan failed: {e}"));
        }
        Msg::CopyRemoved {
            path,
            line,
            result: Ok(backup),
        } => {
            v.removing = false;
            v.note = Some(format!(
                "Removed line {line} from {} (backup: {}). Use instead: {}",
                v.shown_path(&path),
                v.shown_path(&backup),
                fix::provider_advice(&path)
            ));
            v.scanning = true;
            return vec![Command::Scan];
        }
        Msg::CopyRemoved { result: Err(e), .. } => {
            v.removing = false;
            v.error = Some(e);
        }
        _ => {}
    }
    vec![]
}

/// Draws the view, and the question over it while a removal is asked about.
pub fn render(app: &App, frame: &mut Frame, v: &ScanView) {
    let t = &app.theme;
    let area = view::centered(frame.area(), 120, 30);
    let block = view::popup(frame, area, "PATs in plain text", t.title());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(FOOTER)]).areas(inner);
    frame.render_widget(
        Paragraph::new(list_lines(app, v, usize::from(list.height))),
        list,
    );
    frame.render_widget(
        Paragraph::new(footer_lines(app, v)).wrap(Wrap { trim: false }),
        footer,
    );
    if let Some(p) = v.confirm {
        render_confirm(app, frame, v, p);
    }
}

/// The findings that fit in `rows`, the selected one in view.
fn list_lines(app: &App, v: &ScanView, rows: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(r) = &v.report else {
        return vec![Line::styled(
            "Scanning the usual places (npmrc, NuGet.Config, pip.conf, .netrc, git credentials…)…",
            t.key(),
        )];
    };
    if r.findings.is_empty() {
        return vec![Line::styled(
            format!(
                "No PATs in plain text ({} scanned).",
                report::plural(r.scanned, "file")
            ),
            t.ok(),
        )];
    }
    let start = (v.cursor + 1).saturating_sub(rows.max(1));
    r.findings
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, f)| finding_line(app, v, f, i == v.cursor))
        .collect()
}

/// `PATH:LINE  KEY  MASKED  KIND  stored as "NAME" (ORG)` or `unknown to patui`.
fn finding_line(app: &App, v: &ScanView, f: &Finding, selected: bool) -> Line<'static> {
    let t = &app.theme;
    let (note, style) = match &f.stored {
        Stored::Yes(r) => (
            format!("stored as \"{}\" ({})", sanitize(&r.name), sanitize(&r.org)),
            t.ok(),
        ),
        Stored::No => ("unknown to patui".to_owned(), t.warning()),
        Stored::Unknown => ("keyring not readable".to_owned(), t.dim()),
    };
    let text = format!(
        "{}:{}  {}  {}  {}  ",
        v.shown_path(&f.path),
        f.hit.line,
        sanitize(f.hit.key.as_deref().unwrap_or("-")),
        f.hit.masked(),
        f.kind_label()
    );
    if selected {
        Line::styled(format!("{text}{note}"), t.selected())
    } else {
        Line::from(vec![Span::raw(text), Span::styled(note, style)])
    }
}

/// The summary (or what is running), what `d` does on the selected finding, the last note,
/// the last error and the first warning.
fn footer_lines(app: &App, v: &ScanView) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = vec![Line::styled(status(v), t.header())];
    if let Some(f) = v.selected() {
        lines.push(Line::styled(selected_help(app, f), t.dim()));
    }
    if let Some(n) = &v.note {
        lines.push(Line::styled(sanitize(n).into_owned(), t.notice()));
    }
    if let Some(e) = &v.error {
        lines.push(Line::styled(format!("✗ {}", sanitize(e)), t.error()));
    }
    if let Some(w) = v.report.as_ref().and_then(warning) {
        lines.push(Line::styled(w, t.warning()));
    }
    lines
}

/// "Scanning…", "Removing…", or the summary and how many files were read.
fn status(v: &ScanView) -> String {
    if v.removing {
        return "Removing…".to_owned();
    }
    match &v.report {
        _ if v.scanning => "Scanning…".to_owned(),
        Some(r) if !r.findings.is_empty() => format!(
            "{} — {} scanned",
            report::summary(&r.findings),
            report::plural(r.scanned, "file")
        ),
        _ => String::new(),
    }
}

/// What `d` does on `f`.
fn selected_help(app: &App, f: &Finding) -> String {
    let d = app.keymap.keys_label(Action::RemoveCopy);
    match &f.stored {
        Stored::Yes(_) => format!(
            "{d} removes this line from the file (a backup is kept); use instead: {}",
            fix::provider_advice(&f.path)
        ),
        Stored::No => format!("unknown to patui: {d} says what to do"),
        Stored::Unknown => {
            "the keyring could not be read: whether patui keeps this token is unknown".to_owned()
        }
    }
}

/// The keyring's problem, else the first file that could not be read (and how many more).
fn warning(r: &Report) -> Option<String> {
    if let Some(e) = &r.keyring_error {
        return Some(format!("⚠ cannot read the keyring: {}", sanitize(e)));
    }
    let first = r.warnings.first()?;
    let more = match r.warnings.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    Some(format!("⚠ {}{more}", sanitize(first)))
}

/// The question over the view: which line of which file, and the two buttons.
fn render_confirm(app: &App, frame: &mut Frame, v: &ScanView, p: Pending) {
    let t = &app.theme;
    let Some(f) = v.findings().get(p.index) else {
        return;
    };
    let stored = f
        .stored_ref()
        .map(|r| format!("\"{}\" ({})", sanitize(&r.name), sanitize(&r.org)))
        .unwrap_or_default();
    let area = view::centered(frame.area(), 80, 10);
    let block = view::popup(frame, area, "Remove this copy", t.warning());
    let lines = vec![
        Line::from(format!(
            "Remove the copy on line {} of {}?",
            f.hit.line,
            v.shown_path(&f.path)
        )),
        Line::from(format!(
            "It holds the stored token {stored} ({}); only the value goes.",
            f.hit.masked()
        )),
        Line::from(format!(
            "A backup without the value is kept next to it ({}).",
            fix::BACKUP_SUFFIX
        )),
        Line::from(""),
        buttons(app, p.focus_remove),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// `[ Cancel ]    [ Remove ]`, the focused one highlighted, and the keys.
fn buttons(app: &App, focus_remove: bool) -> Line<'static> {
    let t = &app.theme;
    let (cancel, remove) = if focus_remove {
        (t.dim(), t.selected())
    } else {
        (t.selected(), t.dim())
    };
    Line::from(vec![
        Span::raw("      "),
        Span::styled("[ Cancel ]", cancel),
        Span::raw("    "),
        Span::styled("[ Remove ]", remove),
        Span::styled(
            format!(
                "     {}",
                view::hint_text(
                    app,
                    &[
                        (Action::NextChoice, "choose"),
                        (Action::Confirm, "confirms"),
                        (Action::Close, "cancels"),
                    ],
                )
            ),
            t.dim(),
        ),
    ])
}

/// The bottom bar's items.
pub fn hints(app: &App, v: &ScanView) -> Vec<(String, String)> {
    if v.confirm.is_some() {
        return view::key_hints(
            app,
            &[
                (Action::NextChoice, "choose"),
                (Action::Confirm, "confirm"),
                (Action::Close, "cancel"),
            ],
        );
    }
    view::key_hints(
        app,
        &[
            (Action::Down, "move"),
            (Action::RemoveCopy, "remove copy"),
            (Action::Close, "close"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::detect::tests::fake_legacy;
    use crate::scan::stored::StoredRef;
    use crate::secret::Secret;
    use crate::tui::app::update;
    use crate::tui::keymap::{KeySpec, Keymap, TABLE};
    use crate::tui::theme::Theme;

    fn app() -> App {
        let mut app = App::new(
            Keymap::default(),
            Theme::new(false),
            vec![],
            None,
            chrono::Utc::now(),
        );
        app.size = (100, 30);
        app
    }

    /// Presses the first default key of `action`.
    fn press(app: &mut App, action: Action) -> Vec<Command> {
        let keys = TABLE
            .iter()
            .find(|r| r.0 == action)
            .map(|r| r.3)
            .unwrap_or_default();
        let k = KeySpec::parse(keys[0]).unwrap();
        update(app, Msg::Key(KeyEvent::new(k.code, k.mods)))
    }

    fn finding(path: &Path, text: &str, stored: Stored) -> Finding {
        Finding {
            path: path.to_path_buf(),
            hit: crate::scan::scan_text(text).remove(0),
            stored,
        }
    }

    fn feed() -> Stored {
        Stored::Yes(StoredRef {
            name: "feed".into(),
            org: "fabrikam".into(),
        })
    }

    fn view_of(app: &App) -> &ScanView {
        match app.modals.last() {
            Some(Modal::Scan(v)) => v,
            other => panic!("not the scan view: {other:?}"),
        }
    }

    fn screen(app: &App) -> String {
        let backend = ratatui::backend::TestBackend::new(app.size.0, app.size.1);
        let mut t = ratatui::Terminal::new(backend).unwrap();
        t.draw(|f| view::view(app, f)).unwrap();
        let buf = t.backend().buffer();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    #[test]
    fn d_removes_stored_copies_after_asking_and_explains_unknown_ones() {
        let mut app = app();
        assert_eq!(press(&mut app, Action::Scan), vec![Command::Scan]);
        assert!(view_of(&app).scanning);
        let (unknown, kept) = (fake_legacy(), fake_legacy());
        let home = Path::new("/home/me");
        let report = Report {
            home: Some(home.to_path_buf()),
            scanned: 4,
            findings: vec![
                finding(&home.join(".env"), &format!("PAT={unknown}"), Stored::No),
                finding(
                    &home.join(".npmrc"),
                    &format!("x\n_authToken={kept}"),
                    feed(),
                ),
            ],
            ..Report::default()
        };
        assert!(update(&mut app, Msg::Scanned(Ok(report))).is_empty());
        assert!(!view_of(&app).scanning);
        // On a token patui does not know: why not, in place; nothing runs.
        assert!(press(&mut app, Action::RemoveCopy).is_empty());
        let v = view_of(&app);
        assert!(v.confirm.is_none());
        assert!(
            v.note
                .as_deref()
                .is_some_and(|n| n.contains("--rotate FILE:LINE"))
        );
        press(&mut app, Action::Down);
        press(&mut app, Action::Down);
        assert_eq!(view_of(&app).cursor, 1, "stays on the last");
        // On a stored copy: asked first; esc and Cancel leave it.
        assert!(press(&mut app, Action::RemoveCopy).is_empty());
        assert!(view_of(&app).confirm.is_some());
        assert!(press(&mut app, Action::Close).is_empty());
        assert!(
            view_of(&app).confirm.is_none(),
            "esc cancels the question only"
        );
        press(&mut app, Action::RemoveCopy);
        assert!(press(&mut app, Action::Confirm).is_empty());
        assert!(view_of(&app).confirm.is_none());
        // Remove chosen: the file, the line and the value to check go to the runner.
        press(&mut app, Action::RemoveCopy);
        press(&mut app, Action::NextChoice);
        let cmds = press(&mut app, Action::Confirm);
        assert_eq!(
            cmds,
            vec![Command::RemoveCopy {
                path: home.join(".npmrc"),
                line: 2,
                value: Secret::from(kept.as_str()),
            }]
        );
        assert!(view_of(&app).removing);
        assert!(press(&mut app, Action::RemoveCopy).is_empty(), "busy");
        // Done: where the backup is, what to use instead, and a new scan.
        let cmds = update(
            &mut app,
            Msg::CopyRemoved {
                path: home.join(".npmrc"),
                line: 2,
                result: Ok(home.join(".npmrc.patui-bak")),
            },
        );
        assert_eq!(cmds, vec![Command::Scan]);
        let note = view_of(&app).note.clone().unwrap_or_default();
        assert!(
            note.contains(".npmrc.patui-bak") && note.contains("patui exec -- npm"),
            "{note}"
        );
        update(&mut app, Msg::Scanned(Err("boom".into())));
        assert_eq!(
            view_of(&app).error.as_deref(),
            Some("The scan failed: boom")
        );
        press(&mut app, Action::Close);
        assert!(app.modals.is_empty());
        // A result for a closed view is dropped.
        assert!(update(&mut app, Msg::Scanned(Ok(Report::default()))).is_empty());
    }

    #[test]
    fn draws_masked_values_sanitized_names_and_the_question() {
        let mut app = app();
        press(&mut app, Action::Scan);
        assert!(screen(&app).contains("Scanning"));
        let pat = fake_legacy();
        let home = Path::new("/home/me");
        let stored = Stored::Yes(StoredRef {
            name: "n\u{1b}[2J".into(),
            org: "fabrikam".into(),
        });
        let report = Report {
            home: Some(home.to_path_buf()),
            scanned: 3,
            findings: vec![finding(
                &home.join("x\u{1b}]52;c;eA==\u{7}.env"),
                &format!("PAT={pat}"),
                stored,
            )],
            ..Report::default()
        };
        update(&mut app, Msg::Scanned(Ok(report)));
        let text = screen(&app);
        assert!(!text.contains(&pat));
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
        assert!(
            text.contains(&format!("{}…{}", &pat[..4], &pat[48..])),
            "{text}"
        );
        assert!(text.contains("stored as \"n"), "{text}");
        assert!(
            text.contains("1 PAT in plain text in 1 file (1 kept by patui, 0 unknown to patui)"),
            "{text}"
        );
        press(&mut app, Action::RemoveCopy);
        let text = screen(&app);
        assert!(text.contains("Remove the copy on line 1 of"), "{text}");
        assert!(text.contains("[ Remove ]"), "{text}");
        // Nothing found.
        let mut app = self::app();
        press(&mut app, Action::Scan);
        update(
            &mut app,
            Msg::Scanned(Ok(Report {
                scanned: 2,
                ..Report::default()
            })),
        );
        assert!(screen(&app).contains("No PATs in plain text (2 files scanned)."));
    }
}
