//! The git credential helper protocol: every input is what git writes on the helper's stdin.
//! Asserts no panic, plus: only UTF-8 is accepted; a request holds only keys it was given (or
//! what its `url=` says); a token is only ever offered for `protocol=https`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patui::commands::credential;

fuzz_target!(|data: &[u8]| {
    let read = credential::read_request(&mut &data[..]);
    assert_eq!(read.is_ok(), std::str::from_utf8(data).is_ok());
    let Ok(input) = read else {
        return;
    };
    let Ok(req) = credential::parse_request(&input) else {
        // Refused only for a line without '=' before the first blank line.
        assert!(
            input
                .lines()
                .take_while(|l| !l.is_empty())
                .any(|l| !l.contains('='))
        );
        return;
    };
    let given = |key: &str| {
        input
            .lines()
            .any(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with('=')))
    };
    let has_url = given("url");
    assert!(req.protocol.is_none() || given("protocol") || has_url);
    assert!(req.host.is_none() || given("host") || has_url);
    assert!(req.path.is_none() || given("path") || has_url);
    assert!(req.username.is_none() || given("username"));
    assert!(req.password.is_none() || given("password"));
    if let Some(org) = credential::organization(&req) {
        assert_eq!(req.protocol.as_deref(), Some("https"));
        assert!(!org.is_empty());
    }
});
