//! Text made safe for the terminal: every input is text from outside (lossily decoded) and,
//! when it is JSON, a document for `--json` output.
//! Asserts no panic, plus: `sanitize` leaves nothing unsafe and changes only unsafe characters;
//! `sanitize_lines` keeps only newlines; `escape_json` leaves nothing unsafe in serde_json's
//! output and does not change the value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patui::text::{escape_json, is_unsafe, sanitize, sanitize_lines};
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);

    let out = sanitize(&s);
    assert!(!out.chars().any(is_unsafe));
    assert_eq!(out.chars().count(), s.chars().count());
    for (a, b) in s.chars().zip(out.chars()) {
        assert_eq!(b, if is_unsafe(a) { '\u{FFFD}' } else { a });
    }
    assert_eq!(matches!(out, Cow::Borrowed(_)), !s.chars().any(is_unsafe));

    let lines = sanitize_lines(&s);
    assert!(!lines.chars().any(|c| c != '\n' && is_unsafe(c)));
    assert_eq!(lines.matches('\n').count(), s.matches('\n').count());

    let esc = escape_json(&s);
    assert!(!esc.chars().any(|c| is_unsafe(c) && u32::from(c) >= 0x7F));

    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        for pretty in [false, true] {
            let raw = if pretty {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            }
            .expect("a Value serializes");
            let escaped = escape_json(&raw);
            assert!(
                !escaped
                    .chars()
                    .any(|c| is_unsafe(c) && (c != '\n' || !pretty))
            );
            let a: serde_json::Value =
                serde_json::from_str(&raw).expect("serde_json reads its own output");
            let b: serde_json::Value =
                serde_json::from_str(&escaped).expect("the escaped text is JSON");
            assert_eq!(a, b);
        }
    }
});
