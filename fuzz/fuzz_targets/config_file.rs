//! The config file: every input is the text of `config.toml`.
//! Asserts no panic, plus: a config that loads has every value in range (keymap actions and
//! keys, concurrency, presets; the keyring and the sign-in sources are typed); an error names a
//! line and column inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patui::auth::SourceKind;
use patui::config::{Config, ConfigError};
use patui::ops::validate;
use patui::tui::keymap::{Action, KeySpec};
use patui::vault::StoreKind;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("config.toml")) {
        Ok(c) => {
            assert!((1..=64).contains(&c.revoke_concurrency));
            for (action, keys) in &c.keymap {
                assert!(Action::from_name(action).is_some(), "{action:?}");
                for k in keys {
                    assert!(KeySpec::parse(k).is_ok(), "{k:?}");
                }
            }
            for p in &c.presets {
                assert!(validate::scope_list(&p.scopes.join(" ")).is_ok());
            }
            let _ = c.all_presets();
        }
        Err(ConfigError::Invalid { line, column, .. }) => {
            assert!(line >= 1 && column >= 1);
            assert!(line <= text.lines().count() + 1, "line {line}");
        }
        Err(e) => panic!("parse read a file: {e}"),
    }
    // The pieces the config check uses, on their own.
    let _ = KeySpec::parse(text);
    let _ = SourceKind::parse(text);
    let _ = Action::from_name(text);
    let _ = StoreKind::parse(text);
});
