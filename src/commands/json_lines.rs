//! JSON Lines over stdio for the credential protocols patui speaks (NuGet's plugin, Cargo's
//! credential provider): one message per line, flushed, and every string of a message (which
//! may hold a token) overwritten once it is written.

use serde_json::Value;
use std::io::Write;

/// Overwrites every string in `v` before it is dropped.
pub fn wipe(v: &mut Value) {
    use zeroize::Zeroize;
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe),
        Value::Object(o) => o.values_mut().for_each(wipe),
        _ => {}
    }
}

/// Writes `msg` as one line and flushes; the text and the message are zeroized afterwards.
pub fn send(output: &mut impl Write, mut msg: Value) -> std::io::Result<()> {
    use zeroize::Zeroize;
    let result = serde_json::to_string(&msg)
        .map_err(std::io::Error::other)
        .and_then(|mut line| {
            line.push('\n');
            let r = output
                .write_all(line.as_bytes())
                .and_then(|()| output.flush());
            line.zeroize();
            r
        });
    wipe(&mut msg);
    result
}

/// Reads the next line into `buf` (cleared first); `false` at the end of input.
pub fn next_line(input: &mut impl std::io::BufRead, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.clear();
    loop {
        match input.read_until(b'\n', buf) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_message_and_strings_wiped() {
        let mut out = Vec::new();
        send(&mut out, serde_json::json!({"a": ["x", {"b": "y"}]})).unwrap();
        assert_eq!(out, b"{\"a\":[\"x\",{\"b\":\"y\"}]}\n");
        let mut v = serde_json::json!({"t": "secret", "n": 1});
        wipe(&mut v);
        assert_eq!(v["t"], "");
        assert_eq!(v["n"], 1);
    }
}
