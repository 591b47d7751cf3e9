//! The sign-in screen and the profile screen. Sign-in shows the verification URL and the user
//! code in large type; `y` copies the code, `o` opens the page in a browser, `a` runs `az login`
//! (both with the terminal handed over), Esc cancels. The runner polls Entra at the given
//! interval (slowing down when told to) and reports the outcome.

use crate::external::{External, ExternalError};
use crate::secret::Secret;
use crate::tui::app::{App, Command};
use crate::tui::keymap::{Action, Context};
use crate::tui::view;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_big_text::{BigText, PixelSize};

/// Where the sign-in stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInPhase {
    /// Asking Entra for a device code.
    Starting,
    /// Waiting for the user to enter the code in a browser.
    Code {
        user_code: String,
        verification_uri: String,
        expires_at: DateTime<Utc>,
    },
    /// `az login` finished; asking the Azure CLI for a token.
    CheckingAzureCli,
    /// Nothing running: the device code flow is not allowed, only `az login` is.
    AzureCliOnly,
    Failed(String),
}

/// The sign-in screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct SignInScreen {
    pub phase: SignInPhase,
    /// A problem that does not end the sign-in (the browser did not open, say).
    pub problem: Option<String>,
}

impl SignInScreen {
    /// A screen in `phase` with no problem shown.
    pub fn new(phase: SignInPhase) -> Self {
        Self {
            phase,
            problem: None,
        }
    }

    /// The verification page, while a code is shown.
    fn url(&self) -> Option<&str> {
        match &self.phase {
            SignInPhase::Code {
                verification_uri, ..
            } => Some(verification_uri),
            _ => None,
        }
    }
}

/// The sign-in keys that apply now, in hint order.
fn available(app: &App, s: &SignInScreen) -> Vec<Action> {
    let mut out = Vec::new();
    if s.url().is_some() {
        out.extend([Action::CopyCode, Action::OpenBrowser]);
    }
    if app.az_login.is_some() {
        out.push(Action::AzLogin);
    }
    out
}

/// True when enter starts (again) the device code flow.
fn can_retry(app: &App, s: &SignInScreen) -> bool {
    app.device_code && matches!(s.phase, SignInPhase::Failed(_) | SignInPhase::AzureCliOnly)
}

/// A key on the sign-in screen: (keep the screen open, commands).
pub fn on_key(app: &mut App, s: &mut SignInScreen, key: KeyEvent) -> (bool, Vec<Command>) {
    let dialog = app.keymap.action(Context::Dialog, &key);
    if dialog == Some(Action::Close) {
        return (false, vec![Command::CancelSignIn]);
    }
    if dialog == Some(Action::Confirm) && can_retry(app, s) {
        *s = SignInScreen::new(SignInPhase::Starting);
        return (true, vec![Command::StartSignIn]);
    }
    let action = app
        .keymap
        .action(Context::SignIn, &key)
        .filter(|a| available(app, s).contains(a));
    match (action, &s.phase) {
        (Some(Action::CopyCode), SignInPhase::Code { user_code, .. }) => (
            true,
            vec![Command::Copy {
                value: Secret::from(user_code.as_str()),
                clear_after: 0,
            }],
        ),
        (Some(Action::OpenBrowser), _) => match s.url() {
            Some(url) => {
                let what = External::Browser {
                    url: url.to_owned(),
                };
                (true, vec![Command::HandOver(what)])
            }
            None => (true, vec![]),
        },
        (Some(Action::AzLogin), _) => match app.az_login.clone() {
            Some(az) => {
                s.problem = None;
                let what = External::AzLogin {
                    az,
                    tenant: app.tenant.clone(),
                };
                // The device code is not needed any more.
                (true, vec![Command::CancelSignIn, Command::HandOver(what)])
            }
            None => (true, vec![]),
        },
        _ => (true, vec![]),
    }
}

/// Another program gave the terminal back: (commands).
pub fn handed_back(
    device_code: bool,
    s: &mut SignInScreen,
    what: &External,
    result: Result<(), ExternalError>,
) -> Vec<Command> {
    match (what, result) {
        (External::AzLogin { .. }, Ok(())) => {
            s.phase = SignInPhase::CheckingAzureCli;
            s.problem = None;
            vec![Command::UseAzureCli]
        }
        (External::AzLogin { .. }, Err(e)) => {
            let why = format!("az login did not sign you in: {e}");
            if device_code {
                s.phase = SignInPhase::Failed(why);
            } else {
                s.phase = SignInPhase::AzureCliOnly;
                s.problem = Some(why);
            }
            vec![]
        }
        (External::Browser { .. }, Ok(())) => {
            s.problem = None;
            vec![]
        }
        (External::Browser { .. }, Err(e)) => {
            s.problem = Some(format!(
                "The browser did not open ({e}); open the address yourself."
            ));
            vec![]
        }
    }
}

/// The user code in large type when it fits: `cols` x 4 cells (quadrant pixels, 4 columns a
/// character).
fn big_code_width(code: &str) -> u16 {
    u16::try_from(code.chars().count() * 4).unwrap_or(u16::MAX)
}

/// Height of the large code (4 rows) with a blank line after it.
const BIG_CODE_HEIGHT: u16 = 5;

/// Draws the sign-in screen.
pub fn render(app: &App, frame: &mut Frame, s: &SignInScreen) {
    let t = &app.theme;
    let code = match &s.phase {
        SignInPhase::Code { user_code, .. } => Some(user_code.as_str()),
        _ => None,
    };
    let mut lines = vec![Line::from(
        "patui needs a Microsoft Entra sign-in to manage your tokens.",
    )];
    lines.push(Line::from(""));
    match &s.phase {
        SignInPhase::Starting => lines.push(Line::from("Asking Microsoft Entra for a code…")),
        SignInPhase::Code {
            user_code,
            verification_uri,
            ..
        } => {
            lines.push(Line::from(vec![
                Span::raw("1. Open  "),
                Span::styled(verification_uri.clone(), t.key()),
            ]));
            lines.push(Line::from(vec![
                Span::raw("2. Enter "),
                Span::styled(format!(" {user_code} "), t.selected()),
            ]));
        }
        SignInPhase::CheckingAzureCli => {
            lines.push(Line::from(
                "az login finished; asking the Azure CLI for a token…",
            ));
        }
        SignInPhase::AzureCliOnly => {
            lines.push(Line::from(
                "Sign in with the Azure CLI: patui runs az login, then uses its sign-in.",
            ));
        }
        SignInPhase::Failed(e) => {
            lines.push(Line::styled(format!("✗ {e}"), t.error()));
        }
    }
    let mut after = Vec::new();
    if let SignInPhase::Code { expires_at, .. } = &s.phase {
        after.push(Line::styled(
            format!(
                "Waiting for you to finish in the browser… (code expires {})",
                crate::tui::format::relative(*expires_at, app.now)
            ),
            t.dim(),
        ));
    }
    if let Some(p) = &s.problem {
        after.push(Line::styled(format!("⚠ {p}"), t.warning()));
    }
    if !after.is_empty() {
        after.push(Line::from(""));
    }
    after.push(hint_line(app, s));

    let inner_width = view::centered(frame.area(), 76, 1).width.saturating_sub(2);
    let top = Paragraph::new(lines).wrap(Wrap { trim: false });
    let bottom = Paragraph::new(after).wrap(Wrap { trim: false });
    let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    let top_height = to_u16(top.line_count(inner_width));
    let bottom_height = to_u16(bottom.line_count(inner_width));
    // Borders, the text, and one blank line between the steps and the rest.
    let base = 2 + top_height + 1 + bottom_height;
    let room = frame.area().height.saturating_sub(2);
    let big = code.filter(|c| big_code_width(c) <= inner_width && base + BIG_CODE_HEIGHT <= room);
    let gap = if big.is_some() {
        1 + BIG_CODE_HEIGHT
    } else {
        1
    };
    let area = view::centered(frame.area(), 76, 2 + top_height + gap + bottom_height);
    let block = view::popup(frame, area, "Sign in to Azure DevOps", t.title());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // When space is short, the hints at the bottom win over the text at the top.
    let [top_area, gap_area, bottom_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(gap),
        Constraint::Length(bottom_height),
    ])
    .areas(inner);
    frame.render_widget(top, top_area);
    if let Some(code) = big {
        let [_, glyphs, _] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(4),
            Constraint::Length(1),
        ])
        .areas(gap_area);
        frame.render_widget(
            BigText::builder()
                .pixel_size(PixelSize::Quadrant)
                .style(t.key())
                .alignment(Alignment::Center)
                .lines(vec![Line::from(code.to_owned())])
                .build(),
            glyphs,
        );
    }
    frame.render_widget(bottom, bottom_area);
}

/// "y copy code  o open browser  a az login  enter retry  esc cancel", from the keymap.
fn hint_line(app: &App, s: &SignInScreen) -> Line<'static> {
    let mut items: Vec<(String, String)> = available(app, s)
        .into_iter()
        .filter_map(|a| app.keymap.hint(a))
        .map(|(k, label)| (k, label.to_owned()))
        .collect();
    if can_retry(app, s) {
        let enter = app.keymap.keys(Action::Confirm).into_iter().next();
        items.extend(enter.map(|k| (k, "try again".to_owned())));
    }
    view::dialog_hints(app, items, "cancel")
}

/// The bottom bar's items.
pub fn hints(app: &App, s: &SignInScreen) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = available(app, s)
        .into_iter()
        .filter_map(|a| app.keymap.hint(a))
        .map(|(k, label)| (k, label.to_owned()))
        .collect();
    items.extend(view::key_hints(app, &[(Action::Close, "cancel")]));
    items
}
