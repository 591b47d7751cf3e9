//! Text that came from outside (a server, a token name, a config file) made safe to print: control
//! characters (C0, C1, DEL) and bidirectional overrides are neutralised, so a hostile name cannot
//! set the terminal's clipboard or title, move the cursor, or reorder what the user reads.
//!
//! [`sanitize`] is for human-readable output; [`escape_json`] post-processes serde_json output,
//! which escapes C0 but leaves C1 and bidi controls raw.

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw: C0, DEL, C1, and the Unicode
/// bidirectional formatting characters (embeddings, overrides, isolates, marks).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every unsafe character replaced by U+FFFD (tabs and newlines too: one value, one
/// line). Borrows when nothing needs replacing.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// Like [`sanitize`], but keeps newlines (for multi-line messages).
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c != '\n' && is_unsafe(c) {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// JSON text from serde_json with every unsafe character that it left raw (C1, DEL and the bidi
/// controls) written as a `\uXXXX` escape. The JSON value is unchanged; only its spelling is.
/// Safe on whole documents: these characters can only occur inside strings.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        // serde_json already escapes C0 inside strings; the newlines of pretty output are
        // structure and stay as they are.
        if is_unsafe(c) && (c as u32) >= 0x7F {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes one message line to stderr with [`sanitize_lines`] applied.
pub fn eprint_line(s: &str) {
    eprintln!("{}", sanitize_lines(s));
}

/// `eprintln!` for messages that may carry outside text: control characters and bidi
/// overrides are neutralised first (see [`sanitize_lines`]).
#[macro_export]
macro_rules! eprintln_safe {
    ($($arg:tt)*) => {
        $crate::text::eprint_line(&format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_bidi_overrides_are_neutralised() {
        let osc52 = "ci\u{1b}]52;c;ZXZpbA==\u{7}";
        let s = sanitize(osc52);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
        assert!(s.starts_with("ci"));
        for c in [
            '\u{9b}', '\u{85}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200f}',
        ] {
            let s = format!("a{c}b");
            assert_eq!(sanitize(&s), "a\u{FFFD}b", "{:x}", c as u32);
        }
        assert!(matches!(sanitize("plain é 名前"), Cow::Borrowed(_)));
        assert_eq!(sanitize_lines("a\nb\u{1b}"), "a\nb\u{FFFD}");
    }

    #[test]
    fn json_escapes_c1_and_bidi_and_keeps_the_value() {
        let name = "x\u{9b}31m\u{202e}gnp.exe\u{1b}";
        let json = serde_json::to_string_pretty(&serde_json::json!({ "name": name })).unwrap();
        let escaped = escape_json(&json);
        assert!(!escaped.chars().any(is_unsafe_but_layout), "{escaped}");
        assert!(escaped.contains("\\u009b") && escaped.contains("\\u202e"));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["name"], name);
    }

    fn is_unsafe_but_layout(c: char) -> bool {
        is_unsafe(c) && c != '\n'
    }
}
