//! Parsing `WWW-Authenticate`: every header of a response (IIS sends `Negotiate` and `NTLM` as
//! separate headers, and a proxy may fold several challenges into one), into the schemes a
//! server offers and the token it sent with each (RFC 7235: `scheme [token68 | auth-param, …]`).

use base64::Engine;

/// An authentication scheme, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Negotiate,
    Ntlm,
    Basic,
    Bearer,
    /// Any other scheme, lower-cased.
    Other(String),
}

impl Scheme {
    fn parse(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "negotiate" => Scheme::Negotiate,
            "ntlm" => Scheme::Ntlm,
            "basic" => Scheme::Basic,
            "bearer" => Scheme::Bearer,
            other => Scheme::Other(other.to_owned()),
        }
    }

    /// The name to send in an Authorization header.
    pub fn header_name(&self) -> &str {
        match self {
            Scheme::Negotiate => "Negotiate",
            Scheme::Ntlm => "NTLM",
            Scheme::Basic => "Basic",
            Scheme::Bearer => "Bearer",
            Scheme::Other(s) => s,
        }
    }
}

/// One challenge: a scheme and what followed it (a token68 such as an NTLM challenge, or
/// parameters such as `realm="…"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: Scheme,
    /// The token68 after the scheme, when there is one.
    pub token68: Option<String>,
    /// `name=value` parameters (names lower-cased, quotes removed).
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The token68 decoded from base64, when it is one.
    pub fn token(&self) -> Option<Vec<u8>> {
        let t = self.token68.as_deref()?;
        base64::engine::general_purpose::STANDARD.decode(t).ok()
    }
}

/// Splits at commas outside quoted strings.
fn split_commas(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// `name=value` (value a token or a quoted string), if `s` is one.
fn auth_param(s: &str) -> Option<(String, String)> {
    let (name, value) = s.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(is_token_char) {
        return None;
    }
    let value = value.trim();
    // A token68 ends in '=' padding ("abc=="), which is not a parameter.
    if value.is_empty() || value.starts_with('=') {
        return None;
    }
    let value = match value.strip_prefix('"') {
        Some(rest) => {
            let mut out = String::new();
            let mut escaped = false;
            for c in rest.chars() {
                match c {
                    _ if escaped => {
                        out.push(c);
                        escaped = false;
                    }
                    '\\' => escaped = true,
                    '"' => break,
                    _ => out.push(c),
                }
            }
            out
        }
        None => value.to_owned(),
    };
    Some((name.to_ascii_lowercase(), value))
}

/// Every challenge in `values` (the values of all `WWW-Authenticate` headers), in order.
/// Anything that is not a challenge is skipped.
pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for value in values {
        // A new header always starts a new challenge.
        let mut in_challenge = false;
        for part in split_commas(value) {
            let part = part.trim_matches(|c: char| c == ' ' || c == '\t');
            if part.is_empty() {
                continue;
            }
            if in_challenge && let Some(p) = auth_param(part) {
                if let Some(last) = out.last_mut() {
                    last.params.push(p);
                }
                continue;
            }
            let (name, rest) = match part.find([' ', '\t']) {
                Some(i) => (&part[..i], part[i..].trim()),
                None => (part, ""),
            };
            if name.is_empty() || !name.chars().all(is_token_char) {
                in_challenge = false;
                continue;
            }
            let mut challenge = Challenge {
                scheme: Scheme::parse(name),
                token68: None,
                params: Vec::new(),
            };
            if !rest.is_empty() {
                match auth_param(rest) {
                    Some(p) => challenge.params.push(p),
                    None => challenge.token68 = Some(rest.to_owned()),
                }
            }
            out.push(challenge);
            in_challenge = true;
        }
    }
    out
}

/// The schemes a response offers, from its headers.
pub fn from_headers(headers: &reqwest::header::HeaderMap) -> Vec<Challenge> {
    parse(
        headers
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

/// Whether `challenges` offer `scheme`.
pub fn offers(challenges: &[Challenge], scheme: &Scheme) -> bool {
    challenges.iter().any(|c| &c.scheme == scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemes(c: &[Challenge]) -> Vec<Scheme> {
        c.iter().map(|c| c.scheme.clone()).collect()
    }

    #[test]
    fn separate_headers_are_separate_challenges() {
        let c = parse(["Negotiate", "NTLM", "Basic realm=\"tfs\""]);
        assert_eq!(
            schemes(&c),
            [Scheme::Negotiate, Scheme::Ntlm, Scheme::Basic]
        );
        assert_eq!(c[2].params, [("realm".to_owned(), "tfs".to_owned())]);
    }

    #[test]
    fn one_header_may_fold_several_challenges_with_parameters() {
        let c = parse([r#"Basic realm="a, \"quoted\" realm", charset=UTF-8,  Negotiate ,NTLM"#]);
        assert_eq!(
            schemes(&c),
            [Scheme::Basic, Scheme::Negotiate, Scheme::Ntlm]
        );
        assert_eq!(
            c[0].params,
            [
                ("realm".to_owned(), "a, \"quoted\" realm".to_owned()),
                ("charset".to_owned(), "UTF-8".to_owned())
            ]
        );
    }

    #[test]
    fn tokens_with_padding_are_tokens_not_parameters() {
        let c = parse(["NTLM TlRMTVNTUAACAAA=", "negotiate\toYGg=  "]);
        assert_eq!(c[0].scheme, Scheme::Ntlm);
        assert_eq!(c[0].token68.as_deref(), Some("TlRMTVNTUAACAAA="));
        assert_eq!(
            c[0].token().as_deref().map(|t| &t[..7]),
            Some(&b"NTLMSSP"[..])
        );
        assert_eq!(c[1].scheme, Scheme::Negotiate);
        assert_eq!(c[1].token68.as_deref(), Some("oYGg="));
    }

    #[test]
    fn unknown_schemes_and_noise_are_kept_apart() {
        let c = parse([
            "Digest realm=x, nonce=\"1,2\"",
            "",
            " , ",
            "Mutual  ",
            "\"bad",
        ]);
        assert_eq!(
            schemes(&c),
            [
                Scheme::Other("digest".into()),
                Scheme::Other("mutual".into())
            ]
        );
        assert_eq!(c[0].params.len(), 2);
        assert!(!offers(&c, &Scheme::Negotiate));
        assert!(offers(&c, &Scheme::Other("digest".into())));
    }

    #[test]
    fn a_bad_token_decodes_to_nothing() {
        let c = parse(["NTLM not*base64"]);
        assert_eq!(c[0].token(), None);
    }
}
