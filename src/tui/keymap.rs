//! The one keymap table. Every binding lives here with its context and description; the `?` help
//! overlay and the hint bar are both generated from it (with the user's remaps applied), so help
//! can never drift from the real bindings.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Moving in any list: the tokens, help, pickers, reports, the wizard's lists (lazygit's
    /// "universal" keys).
    Nav,
    List,
    Filter,
    Dialog,
    /// The window that shows a new token's value once.
    NewToken,
    SignIn,
    Profile,
    /// The scan view: PATs found in plain text files.
    Scan,
}

impl Context {
    /// Heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Nav => "Moving (every list)",
            Context::List => "Token list",
            Context::Filter => "Filter (after /)",
            Context::Dialog => "Dialogs",
            Context::NewToken => "New token's value",
            Context::SignIn => "Sign-in screen",
            Context::Profile => "Profile screen",
            Context::Scan => "Scan view (PATs in plain text)",
        }
    }
}

macro_rules! actions {
    ($( $variant:ident = $name:literal, $ctx:ident, [$($key:literal),*], $desc:literal, $hint:expr; )*) => {
        /// Everything a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $( $variant, )* }

        /// (action, config name, context, default keys, description, hint-bar label)
        pub const TABLE: &[(Action, &str, Context, &[&str], &str, Option<&str>)] = &[
            $( (Action::$variant, $name, Context::$ctx, &[$($key),*], $desc, $hint), )*
        ];
    };
}

actions! {
    Up = "up", Nav, ["k", "up"], "Move up", None;
    Down = "down", Nav, ["j", "down"], "Move down", None;
    Top = "top", Nav, ["g", "home"], "First item", None;
    Bottom = "bottom", Nav, ["G", "end"], "Last item", None;
    PageUp = "page_up", Nav, ["pgup", "ctrl-u"], "Page up", None;
    PageDown = "page_down", Nav, ["pgdn", "ctrl-d"], "Page down", None;
    Details = "details", List, ["enter"], "Details of the token", Some("details");
    Filter = "filter", List, ["/"], "Filter by name, organization or scope", Some("filter");
    CycleStatus = "cycle_status", List, ["f"], "Status: active, expiring, expired, revoked, retired, all", Some("status");
    CycleSort = "cycle_sort", List, ["s"], "Sort: name, created, expires, status, organization", Some("sort");
    ReverseSort = "reverse_sort", List, ["S"], "Reverse the sort", None;
    OrgPicker = "org_picker", List, ["o"], "Pick the organization (or all)", Some("org");
    Refresh = "refresh", List, ["ctrl-r"], "Reload from the service", None;
    NewToken = "new_token", List, ["n"], "New token", Some("new");
    Edit = "edit", List, ["e"], "Edit: rename, extend, change scopes", Some("edit");
    Regenerate = "regenerate", List, ["R"], "Regenerate (new value, old one revoked)", None;
    Revoke = "revoke", List, ["d", "delete"], "Revoke the token", Some("revoke");
    RevokeAll = "revoke_all", List, ["D"], "Revoke all active tokens in view", None;
    Migrate = "migrate", List, ["M"], "Replace global tokens (one per organization)", None;
    Attention = "attention", List, ["!"], "Show what needs attention", None;
    Cleanup = "cleanup", List, ["X"], "Clean up tokens whose values were lost", None;
    Scan = "scan", List, ["F"], "Find PATs left in plain text files", None;
    Copy = "copy", List, ["y"], "Copy the stored token value", Some("copy");
    Profile = "profile", List, ["p"], "Profile, organizations, sign out", None;
    SignIn = "sign_in", List, ["ctrl-s"], "Sign in (device code, az login, PAT, Windows)", None;
    Help = "help", List, ["?"], "This help", Some("help");
    Quit = "quit", List, ["q", "ctrl-c"], "Quit", Some("quit");
    Dismiss = "dismiss", List, ["esc"], "Dismiss the error shown, then clear a kept filter", None;
    FilterKeep = "filter_keep", Filter, ["enter"], "Keep the filter", None;
    FilterClear = "filter_clear", Filter, ["esc"], "Clear the filter", None;
    Close = "close", Dialog, ["esc"], "Close / cancel / back", None;
    Confirm = "confirm", Dialog, ["enter"], "Confirm / next", None;
    NextField = "next_field", Dialog, ["tab"], "Next field or step", None;
    PrevField = "prev_field", Dialog, ["shift-tab", "backtab"], "Previous field or step", None;
    Toggle = "toggle", Dialog, ["space"], "Select or unselect (scopes, tokens to clean up)", Some("select");
    NextChoice = "next_choice", Dialog, ["right", "l"], "Next button or access level", None;
    PrevChoice = "prev_choice", Dialog, ["left", "h"], "Previous button or access level", None;
    FullAccess = "full_access", Dialog, ["ctrl-f"], "Full access on or off (new token's scopes)", Some("full access");
    CopyValue = "copy_value", NewToken, ["y", "c"], "Copy the new token's value", Some("copy");
    Retry = "retry", Dialog, ["r"], "Retry what failed (revoke-all, replacing global tokens)", Some("retry");
    CopyCode = "copy_code", SignIn, ["y"], "Copy the sign-in code", Some("copy code");
    OpenBrowser = "open_browser", SignIn, ["o"], "Open the sign-in page in the browser", Some("open browser");
    AzLogin = "az_login", SignIn, ["a"], "Sign in with the Azure CLI (runs az login)", Some("az login");
    SignOut = "sign_out", Profile, ["L"], "Sign out (forget the cached sign-in)", Some("sign out");
    RemoveCopy = "remove_copy", Scan, ["d", "delete"], "Remove a stored token's copy from its file (a backup is kept)", Some("remove copy");
}

impl Action {
    /// By config name.
    pub fn from_name(name: &str) -> Option<Action> {
        TABLE.iter().find(|r| r.1 == name).map(|r| r.0)
    }

    fn row(
        self,
    ) -> &'static (
        Action,
        &'static str,
        Context,
        &'static [&'static str],
        &'static str,
        Option<&'static str>,
    ) {
        // Every action has exactly one row (checked by a test).
        TABLE.iter().find(|r| r.0 == self).unwrap_or(&TABLE[0])
    }

    /// What the action does, as the help says it.
    pub fn description(self) -> &'static str {
        self.row().4
    }

    /// The context the action belongs to.
    pub fn context(self) -> Context {
        self.row().2
    }
}

/// One key: a code and its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeySpec {
    /// Parses "j", "G", "?", "ctrl-r", "alt-x", "shift-tab", "enter", "esc", "pgdn", "f5", "space".
    pub fn parse(s: &str) -> Result<KeySpec, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("an empty key".into());
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= m;
            rest = &rest[len..];
        }
        if rest.is_empty() {
            return Err(format!("{s:?} names no key after the modifier"));
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "delete" | "del" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            "insert" => KeyCode::Insert,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => {
                        return Err(format!(
                            "{s:?} is not a key (try \"j\", \"ctrl-r\", \"enter\", \"pgdn\", \"f5\")"
                        ));
                    }
                }
            }
        };
        Ok(KeySpec { code, mods })
    }

    /// True when a pressed key is this one. Shift is part of a character (`G`), so it is ignored
    /// for characters.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match (self.code, key.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                let b = if key.modifiers.contains(KeyModifiers::CONTROL) {
                    b.to_ascii_lowercase()
                } else {
                    b
                };
                a == b && (self.mods & relevant) == (key.modifiers & relevant)
            }
            (a, b) => a == b && (self.mods & relevant) == (key.modifiers & relevant),
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The active bindings: defaults with the user's remaps applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<KeySpec>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self::new(&BTreeMap::new()).unwrap_or(Keymap { bindings: vec![] })
    }
}

impl Keymap {
    /// Defaults, with `overrides` (action name → keys) replacing an action's keys.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut bindings = Vec::new();
        for (action, name, _, defaults, _, _) in TABLE {
            let keys: Vec<&str> = match overrides.get(*name) {
                Some(v) => v.iter().map(String::as_str).collect(),
                None => defaults.to_vec(),
            };
            let specs = keys
                .iter()
                .map(|k| KeySpec::parse(k).map_err(|e| format!("keymap.{name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            bindings.push((*action, specs));
        }
        for name in overrides.keys() {
            if Action::from_name(name).is_none() {
                return Err(format!("keymap: unknown action {name:?}"));
            }
        }
        let keymap = Keymap { bindings };
        keymap.check_conflicts()?;
        Ok(keymap)
    }

    /// Refuses one key bound to two actions that can be active at once: within a context, and
    /// between the dialog keys and the sign-in, profile and scan screens (which are dialogs).
    fn check_conflicts(&self) -> Result<(), String> {
        let together = |a: Context, b: Context| {
            a == b
                || a == Context::Nav
                || b == Context::Nav
                || matches!(
                    (a, b),
                    (
                        Context::Dialog,
                        Context::SignIn | Context::Profile | Context::NewToken | Context::Scan
                    ) | (
                        Context::SignIn | Context::Profile | Context::NewToken | Context::Scan,
                        Context::Dialog
                    )
                )
        };
        for (i, (a, a_keys)) in self.bindings.iter().enumerate() {
            for (b, b_keys) in &self.bindings[i + 1..] {
                if !together(a.context(), b.context()) {
                    continue;
                }
                if let Some(k) = a_keys.iter().find(|k| b_keys.contains(k)) {
                    return Err(format!(
                        "keymap: {k} is bound to both {} and {} ({})",
                        a.row().1,
                        b.row().1,
                        b.context().title()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The action a key triggers in a context.
    pub fn action(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .filter(|(a, _)| a.context() == ctx)
            .find(|(_, keys)| keys.iter().any(|k| k.matches(key)))
            .map(|(a, _)| *a)
    }

    /// The navigation action of a key (up, down, page, first, last), in any list.
    pub fn nav(&self, key: &KeyEvent) -> Option<Action> {
        self.action(Context::Nav, key)
    }

    /// A dialog's action, or else a navigation action.
    pub fn dialog_or_nav(&self, key: &KeyEvent) -> Option<Action> {
        self.action(Context::Dialog, key).or_else(|| self.nav(key))
    }

    /// The first key of an action with its hint label, for a dialog's own hint line.
    pub fn hint(&self, action: Action) -> Option<(String, &'static str)> {
        let label = action.row().5?;
        Some((self.keys(action).into_iter().next()?, label))
    }

    /// The keys of an action, as shown to people (each once: "shift-tab" and "backtab" are
    /// the same key).
    /// The keys of `action` for people, joined by "/" (e.g. "d/Delete").
    pub fn keys_label(&self, action: Action) -> String {
        self.keys(action).join("/")
    }

    pub fn keys(&self, action: Action) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some((_, keys)) = self.bindings.iter().find(|(a, _)| *a == action) {
            for k in keys {
                let shown = k.to_string();
                if !out.contains(&shown) {
                    out.push(shown);
                }
            }
        }
        out
    }

    /// The help overlay's lines: (context title, [(keys, description)]).
    pub fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let mut out: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
        for ctx in [
            Context::Nav,
            Context::List,
            Context::Filter,
            Context::Dialog,
            Context::NewToken,
            Context::SignIn,
            Context::Profile,
            Context::Scan,
        ] {
            let lines = TABLE
                .iter()
                .filter(|r| r.2 == ctx)
                .map(|r| (self.keys(r.0).join(" "), r.4))
                .collect();
            out.push((ctx.title(), lines));
        }
        out
    }

    /// The hint bar's items: (first key, label) of the list's actions.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        self.hints_for(Context::List)
    }

    /// The hint items of a context's actions: (first key, label).
    pub fn hints_for(&self, ctx: Context) -> Vec<(String, &'static str)> {
        TABLE
            .iter()
            .filter(|r| r.2 == ctx)
            .filter_map(|r| {
                let label = r.5?;
                let key = self.keys(r.0).into_iter().next()?;
                Some((key, label))
            })
            .collect()
    }
}

/// What a key does to a text field (a name, a search, a typed confirmation, a PAT). Text is
/// typing, not a binding: these are the only keys a field takes besides the dialog's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEdit {
    Insert(char),
    DeleteBack,
    /// ctrl-u: clear the field.
    Clear,
}

/// The text edit a key makes, if any (printable characters without ctrl or alt, backspace,
/// ctrl-u).
pub fn text_edit(key: &KeyEvent) -> Option<TextEdit> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('u') if ctrl => Some(TextEdit::Clear),
        KeyCode::Char(c)
            if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
        {
            Some(TextEdit::Insert(c))
        }
        KeyCode::Backspace => Some(TextEdit::DeleteBack),
        _ => None,
    }
}

impl TextEdit {
    /// Applies the edit to `field`.
    pub fn apply(self, field: &mut String) {
        match self {
            TextEdit::Insert(c) => field.push(c),
            TextEdit::DeleteBack => {
                field.pop();
            }
            TextEdit::Clear => field.clear(),
        }
    }
}

/// ctrl-c and ctrl-z: quit and suspend work everywhere, whatever the keymap says (a terminal
/// program that ignores them traps its user).
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// See [`is_interrupt`].
pub fn is_suspend(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// The default key table as Markdown, one section per context (the README's "Keys" table is
/// this text; a test keeps them equal).
pub fn markdown_table() -> String {
    let km = Keymap::default();
    let mut out = String::new();
    for (title, lines) in km.help() {
        out.push_str(&format!(
            "\n**{title}**\n\n| Keys | Action | Config name |\n|---|---|---|\n"
        ));
        let ctx_rows = TABLE.iter().filter(|r| r.2.title() == title);
        for (r, (keys, desc)) in ctx_rows.zip(lines) {
            let keys = keys
                .split(' ')
                .map(|k| format!("`{}`", k.replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!("| {keys} | {desc} | `{}` |\n", r.1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    /// The README's key table is the keymap's (regenerated with PATUI_UPDATE_GENERATED=1).
    #[test]
    fn readme_key_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let begin = readme.find("<!-- keys:begin").expect("the begin marker");
        let body_start = begin + readme[begin..].find("-->").unwrap() + 3;
        let end = readme.find("<!-- keys:end -->").expect("the end marker");
        let want = format!("{}\n", markdown_table());
        if std::env::var_os("PATUI_UPDATE_GENERATED").is_some() {
            let updated = format!("{}{want}{}", &readme[..body_start], &readme[end..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        assert_eq!(
            &readme[body_start..end],
            want,
            "README.md's key table is out of date: PATUI_UPDATE_GENERATED=1 cargo test --lib readme_key_table"
        );
    }

    #[test]
    fn every_action_has_one_row_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for r in TABLE {
            assert!(names.insert(r.1), "{} twice", r.1);
            assert_eq!(TABLE.iter().filter(|x| x.0 == r.0).count(), 1);
        }
    }

    #[test]
    fn parse_and_match() {
        let k = KeySpec::parse("ctrl-r").unwrap();
        assert!(k.matches(&key(KeyCode::Char('r'), KeyModifiers::CONTROL)));
        assert!(!k.matches(&key(KeyCode::Char('r'), KeyModifiers::NONE)));
        let g = KeySpec::parse("G").unwrap();
        assert!(g.matches(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(!g.matches(&key(KeyCode::Char('g'), KeyModifiers::NONE)));
        assert_eq!(KeySpec::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeySpec::parse("f5").unwrap().code, KeyCode::F(5));
        assert!(KeySpec::parse("ctrl-").is_err());
        assert!(KeySpec::parse("banana").is_err());
        assert_eq!(KeySpec::parse("ctrl-r").unwrap().to_string(), "ctrl-r");
    }

    #[test]
    fn remaps_replace_defaults_and_show_in_help_and_hints() {
        let mut o = BTreeMap::new();
        o.insert("refresh".to_owned(), vec!["f5".to_owned()]);
        o.insert("help".to_owned(), vec!["h".to_owned()]);
        let km = Keymap::new(&o).unwrap();
        assert_eq!(
            km.action(Context::List, &key(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Action::Refresh)
        );
        assert_eq!(
            km.action(
                Context::List,
                &key(KeyCode::Char('r'), KeyModifiers::CONTROL)
            ),
            None
        );
        let help = km.help();
        assert!(
            help.iter()
                .find(|(title, _)| *title == Context::List.title())
                .is_some_and(|(_, rows)| rows
                    .iter()
                    .any(|(k, d)| k == "f5" && d.contains("Reload")))
        );
        assert!(km.hints().iter().any(|(k, l)| k == "h" && *l == "help"));
        assert!(Keymap::new(&BTreeMap::from([("nope".to_owned(), vec![])])).is_err());
    }

    #[test]
    fn a_key_bound_twice_where_both_apply_is_refused() {
        let remap = |pairs: &[(&str, &str)]| {
            let o: BTreeMap<String, Vec<String>> = pairs
                .iter()
                .map(|(a, k)| ((*a).to_owned(), vec![(*k).to_owned()]))
                .collect();
            Keymap::new(&o)
        };
        // The defaults are free of conflicts.
        assert!(Keymap::new(&BTreeMap::new()).is_ok());
        let e = remap(&[("refresh", "n")]).unwrap_err();
        assert!(
            e.contains("refresh") && e.contains("new_token") && e.contains(" n "),
            "{e}"
        );
        // Dialog keys are live on the sign-in screen.
        assert!(remap(&[("copy_code", "esc")]).is_err());
        assert!(remap(&[("sign_out", "enter")]).is_err());
        // The list and a dialog never take keys at once: `y` copies in both.
        assert!(remap(&[("copy_code", "y")]).is_ok());
        assert!(remap(&[("open_browser", "d")]).is_ok());
    }
}
