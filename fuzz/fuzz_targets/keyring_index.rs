//! The keyring index and entries: every input is the JSON of the `__index__` entry (a list of
//! token metadata) or of one token's entry (value and metadata).
//! Asserts no panic, plus: whatever was read writes out as the same index or entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patui::vault::{StoredToken, TokenMeta};

fuzz_target!(|data: &[u8]| {
    if let Ok(index) = serde_json::from_slice::<Vec<TokenMeta>>(data) {
        let json = serde_json::to_string(&index).expect("an index serializes");
        let again: Vec<TokenMeta> =
            serde_json::from_str(&json).expect("an index patui wrote reads back");
        assert_eq!(again, index);
    }
    if let Ok(entry) = serde_json::from_slice::<StoredToken>(data) {
        let json = serde_json::to_string(&entry).expect("an entry serializes");
        let again: StoredToken =
            serde_json::from_str(&json).expect("an entry patui wrote reads back");
        assert_eq!(again.meta, entry.meta);
        assert_eq!(again.value, entry.value);
    }
    let _ = serde_json::from_slice::<TokenMeta>(data);
});
