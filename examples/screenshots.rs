//! Renders the main screens of `patui --demo` to SVG files in assets/ (run
//! `scripts/screenshots.sh`). The demo simulator runs in-process; the screens are drawn with the
//! same `view` as the terminal, into a test backend, then converted cell by cell to SVG.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patui::azure::{AzureClient, ClientOptions, Endpoints, PatBackend, StaticToken};
use patui::ops::inventory;
use patui::tui::app::{App, Command, Msg, update};
use patui::tui::keymap::Keymap;
use patui::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write;
use std::sync::Arc;

fn color(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.into(),
        Color::Black => "#1e1e1e".into(),
        Color::Red => "#e5534b".into(),
        Color::Green => "#57ab5a".into(),
        Color::Yellow => "#c69026".into(),
        Color::Blue => "#316dca".into(),
        Color::Magenta => "#b083f0".into(),
        Color::Cyan => "#39c5cf".into(),
        Color::Gray => "#909dab".into(),
        Color::DarkGray => "#636e7b".into(),
        Color::White => "#ffffff".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => default.into(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The buffer as SVG: one rect per background run, one text per cell run of one style.
fn svg(buf: &Buffer) -> String {
    let (cw, ch) = (8.4f32, 17.0f32);
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14"><rect width="100%" height="100%" fill="#22272e"/>"##,
        w as f32 * cw + 16.0,
        h as f32 * ch + 16.0
    );
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let cell = &buf[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < w {
                let c = &buf[(x, y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let (mut fg, mut bg) = (color(style.0, "#adbac7"), color(style.1, "none"));
            if style.2.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
                if fg == "none" {
                    fg = "#22272e".into();
                }
            }
            let px = 8.0 + start as f32 * cw;
            let py = 8.0 + y as f32 * ch;
            if bg != "none" {
                let _ = write!(
                    out,
                    r##"<rect x="{px}" y="{py}" width="{}" height="{ch}" fill="{bg}"/>"##,
                    (x - start) as f32 * cw
                );
            }
            if !text.trim().is_empty() {
                let weight = if style.2.contains(Modifier::BOLD) {
                    r##" font-weight="bold""##
                } else {
                    ""
                };
                let opacity = if style.2.contains(Modifier::DIM) {
                    r##" opacity="0.6""##
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    r##"<text x="{px}" y="{}" fill="{fg}"{weight}{opacity} xml:space="preserve" textLength="{}" lengthAdjust="spacingAndGlyphs">{}</text>"##,
                    py + ch - 4.0,
                    (x - start) as f32 * cw,
                    esc(&text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn key(app: &mut App, c: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn shot(app: &App, name: &str) {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| patui::tui::view::view(app, f)).expect("draw");
    let path = format!("{}/assets/{name}.svg", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, svg(t.backend().buffer())).expect("write svg");
    println!("{path}");
}

#[tokio::main]
async fn main() {
    let sim = patui::sim::start(([127, 0, 0, 1], 0).into(), patui::sim::demo_options())
        .await
        .expect("sim");
    let client = AzureClient::new(
        ClientOptions {
            endpoints: Endpoints::single(&sim.base_url).expect("url"),
            ..ClientOptions::default()
        },
        Arc::new(StaticToken::new("demo".into(), "demo")),
    )
    .expect("client");
    let mut app = App::new(
        Keymap::default(),
        Theme::new(true),
        vec![],
        None,
        chrono::Utc::now(),
    );
    app.size = (130, 36);
    app.demo = true;
    let _ = app.start();
    let me = client.profile().await.expect("profile");
    let accounts = client.accounts(me.id).await.expect("accounts");
    let orgs: Vec<String> = accounts.iter().map(|a| a.account_name.clone()).collect();
    let cmds = update(&mut app, Msg::OrgsLoaded(Ok(accounts)));
    let generation = cmds
        .iter()
        .find_map(|c| match c {
            Command::LoadTokens { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("load");
    let entries = inventory::load(&client, &orgs, app.view, |_, _| {})
        .await
        .expect("tokens");
    update(
        &mut app,
        Msg::Loaded {
            generation,
            result: Ok(entries),
        },
    );
    shot(&app, "list");
    key(&mut app, KeyCode::Enter);
    shot(&app, "details");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('n'));
    for c in "deploy-bot".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    for _ in 0..3 {
        key(&mut app, KeyCode::Enter);
    }
    key(&mut app, KeyCode::Char('2'));
    shot(&app, "create-scopes");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    app.modals.clear();
    app.notice = None;
    key(&mut app, KeyCode::Char('?'));
    shot(&app, "help");
    app.modals.clear();
    app.device_code = true;
    app.az_login = Some("az".into());
    app.can_sign_in = true;
    let _ = app.begin_sign_in();
    update(
        &mut app,
        Msg::SignInCode(Ok((
            "FQK5HW3UY".into(),
            "https://microsoft.com/devicelogin".into(),
            chrono::Utc::now() + chrono::Duration::minutes(15),
        ))),
    );
    shot(&app, "sign-in");
    sim.shutdown().await;
}
