//! The name a line gives a value found in it: `key = value`, `key: value`, `key=value`,
//! `"key": "value"`, an XML attribute (`<add key="ClearTextPassword" value="…"/>` → the `key`
//! attribute), an XML element (`<password>…</password>`), a `.netrc` word (`password …`) or a
//! URL's userinfo (`https://user:…@host` → "url password"). Works on bytes: files need not be
//! UTF-8. Keys are outside text: callers sanitise them before printing.

/// The key reported for a value in a URL's userinfo.
pub const URL_PASSWORD: &str = "url password";
/// Longer names are not reported (not a key, or not a useful one).
const MAX_KEY: usize = 100;
/// `.netrc` words that precede a secret.
const NETRC_WORDS: [&str; 4] = ["password", "passwd", "login", "account"];

/// The key of the value at `start..end` of `line`, if the line names one.
pub fn key_at(line: &[u8], start: usize, end: usize) -> Option<String> {
    if in_url_userinfo(line, start, end) {
        return Some(URL_PASSWORD.to_owned());
    }
    let before = line.get(..start)?;
    let name = quoted_value_name(line, before)
        .or_else(|| xml_element(before))
        .or_else(|| netrc_word(before))
        .or_else(|| assignment(before))?;
    finish(name)
}

/// Quotes trimmed, an npm scoped key (`//host/path/:_password`) shortened to its last part.
fn finish(name: &[u8]) -> Option<String> {
    let mut name = trim_quotes(name);
    if name.starts_with(b"//")
        && let Some(colon) = name.iter().rposition(|&c| c == b':')
    {
        name = &name[colon + 1..];
    }
    // A key that is itself a token (a map keyed by tokens) is never shown.
    if name.is_empty() || name.len() > MAX_KEY || !super::detect::find(name).is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(name).into_owned())
}

/// True when the value sits in the userinfo of a URL (`scheme://[user:]VALUE@host`, or as the
/// user part).
fn in_url_userinfo(line: &[u8], start: usize, end: usize) -> bool {
    let (Some(before), Some(after)) = (line.get(..start), line.get(end..)) else {
        return false;
    };
    let Some(at) = before.windows(3).rposition(|w| w == b"://") else {
        return false;
    };
    let userinfo = &before[at + 3..];
    !userinfo.iter().any(|&c| ends_authority(c) || c == b'@')
        && after
            .iter()
            .copied()
            .find(|&c| ends_authority(c) || c == b'@')
            == Some(b'@')
}

/// Characters that end a URL's authority part (or the URL).
fn ends_authority(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>')
}

/// The value is in quotes after `name=`, `name = `, `name:` or `"name":` (XML attributes,
/// JSON, TOML, YAML, shell). For an XML `value="…"`, the `key` attribute names it.
fn quoted_value_name<'a>(line: &'a [u8], before: &'a [u8]) -> Option<&'a [u8]> {
    let q = before.iter().rposition(|&c| c == b'"' || c == b'\'')?;
    let quote = before[q];
    if !before[..q]
        .iter()
        .filter(|&&c| c == quote)
        .count()
        .is_multiple_of(2)
    {
        // A closing quote: the value is not inside this pair.
        return None;
    }
    let (&sep, head) = trim_end(&before[..q]).split_last()?;
    if sep != b'=' && sep != b':' {
        return None;
    }
    let name = last_name(trim_end(head))?;
    if name.eq_ignore_ascii_case(b"value")
        && let Some(key) = attribute(line, b"key")
    {
        return Some(key);
    }
    Some(name)
}

/// The value of XML attribute `name` (`name="…"` or `name='…'`) in `line`.
fn attribute<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(off) = find_ignore_case(&line[from..], name) {
        let at = from + off;
        let after = at + name.len();
        let word_start = at == 0 || line[at - 1].is_ascii_whitespace();
        if word_start
            && line.get(after) == Some(&b'=')
            && let Some(&q) = line.get(after + 1)
            && (q == b'"' || q == b'\'')
        {
            let value = &line[after + 2..];
            let close = value.iter().position(|&c| c == q)?;
            return Some(&value[..close]);
        }
        from = at + 1;
    }
    None
}

/// `<name>` right before the value.
fn xml_element(before: &[u8]) -> Option<&[u8]> {
    let (&last, rest) = trim_end(before).split_last()?;
    if last != b'>' {
        return None;
    }
    let open = rest.iter().rposition(|&c| c == b'<')?;
    let name = &rest[open + 1..];
    let is_name = |&c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':');
    (!name.is_empty() && name.iter().all(is_name)).then_some(name)
}

/// `.netrc`: `machine x login y password VALUE`.
fn netrc_word(before: &[u8]) -> Option<&[u8]> {
    if !before.last().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let word = before
        .split(|c: &u8| c.is_ascii_whitespace())
        .rfind(|w| !w.is_empty())?;
    NETRC_WORDS
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k.as_bytes()))
        .then_some(word)
}

/// `key = value`, `key: value`, `export KEY=value`, npm's `//host/path/:_auth=value`: the
/// name before the first `=` or `:` (a `:` of `://` does not count).
fn assignment(before: &[u8]) -> Option<&[u8]> {
    let t = trim_start(before);
    let sep = if t.starts_with(b"//") {
        t.iter().position(|&c| c == b'=')?
    } else {
        (0..t.len()).find(|&i| t[i] == b'=' || (t[i] == b':' && !t[i + 1..].starts_with(b"//")))?
    };
    last_name(trim_end(&t[..sep]))
}

/// The name that ends `head`: a quoted one, or the last word.
fn last_name(head: &[u8]) -> Option<&[u8]> {
    let (&last, rest) = head.split_last()?;
    let name = if last == b'"' || last == b'\'' {
        let open = rest.iter().rposition(|&c| c == last)?;
        &rest[open + 1..]
    } else {
        let from = head
            .iter()
            .rposition(|&c| stops_name(c))
            .map_or(0, |i| i + 1);
        &head[from..]
    };
    (!name.is_empty()).then_some(name)
}

/// Characters a bare name cannot contain.
fn stops_name(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'<' | b'{' | b'[' | b'(' | b',' | b';' | b'"' | b'\'' | b'?' | b'&' | b'$'
        )
}

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn trim_quotes(s: &[u8]) -> &[u8] {
    let s = s.strip_prefix(b"\"").unwrap_or(s);
    s.strip_suffix(b"\"").unwrap_or(s)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let from = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[from..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let to = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &s[..to]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of the value `V…V` (a placeholder) in `line`.
    fn key(line: &str) -> Option<String> {
        let start = line.find("VVVV").unwrap();
        let end = start
            + line[start..]
                .find(|c: char| c != 'V')
                .unwrap_or(line.len() - start);
        key_at(line.as_bytes(), start, end)
    }

    #[test]
    fn keys_of_the_usual_shapes() {
        let cases = [
            ("AZURE_DEVOPS_EXT_PAT=VVVV", Some("AZURE_DEVOPS_EXT_PAT")),
            (
                "export AZURE_DEVOPS_EXT_PAT=\"VVVV\"",
                Some("AZURE_DEVOPS_EXT_PAT"),
            ),
            ("token = \"Basic VVVV\"", Some("token")),
            ("  npmAuthToken: VVVV", Some("npmAuthToken")),
            (
                "//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:_password=VVVV",
                Some("_password"),
            ),
            (
                "<add key=\"ClearTextPassword\" value=\"VVVV\" />",
                Some("ClearTextPassword"),
            ),
            (
                "<add value=\"VVVV\" key='ClearTextPassword' />",
                Some("ClearTextPassword"),
            ),
            ("      <password>VVVV</password>", Some("password")),
            ("\"auth\": \"VVVV\"", Some("auth")),
            (
                "{\"auths\":{\"https://x.io/v1/\":{\"auth\":\"VVVV\"}}}",
                Some("auth"),
            ),
            (
                "https://user:VVVV@dev.azure.com/o/p/_git/r",
                Some(URL_PASSWORD),
            ),
            ("url = https://VVVV@dev.azure.com/o", Some(URL_PASSWORD)),
            (
                "index-url = https://x:VVVV@pkgs.dev.azure.com/o/_packaging/f/pypi/simple/",
                Some(URL_PASSWORD),
            ),
            ("machine x login y password VVVV", Some("password")),
            (
                "\textraheader = AUTHORIZATION: basic VVVV",
                Some("extraheader"),
            ),
            (
                "systemProp.azurePassword=VVVV",
                Some("systemProp.azurePassword"),
            ),
            ("VVVV", None),
            ("echo VVVV", None),
        ];
        for (line, want) in cases {
            assert_eq!(key(line).as_deref(), want, "{line}");
        }
    }

    #[test]
    fn a_url_path_is_not_userinfo() {
        assert_ne!(
            key("see https://dev.azure.com/VVVV@x").as_deref(),
            Some(URL_PASSWORD)
        );
        assert_eq!(key("curl https://x/y?pat=VVVV").as_deref(), Some("pat"));
    }
}
