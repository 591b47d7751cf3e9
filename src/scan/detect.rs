//! Recognising Azure DevOps PAT values in bytes, by hand (no regex): the 84-character format
//! (strict layout, and a looser `…AZDO….` form) and the legacy 52-character base32 format,
//! validated by its CRC-32 checksum. Also the CRC-32 and the base32 decoding it needs.
//!
//! A value is a maximal run of ASCII alphanumerics: `x` + PAT + `y` is no PAT, so a longer
//! random string never yields one by accident.

use serde::Serialize;
use zeroize::Zeroizing;

/// Length of the current PAT format.
const PAT84_LEN: usize = 84;
/// Length of the legacy (base32) format.
const LEGACY_LEN: usize = 52;
/// Bytes a legacy PAT decodes to.
const LEGACY_BYTES: usize = 32;
/// XORed into the CRC of a legacy user PAT.
const LEGACY_SEED: u32 = 0xE0B9_692D;
/// XORed into the CRC of a legacy application secret (Microsoft's SEC101/102 accepts both).
const LEGACY_APP_SEED: u32 = 0x1019_F92E;
/// Byte ranges (start, end exclusive) of a decoded legacy PAT covered by its checksum.
const LEGACY_COVERED: [(usize, usize); 4] = [(0, 2), (3, 7), (9, 22), (23, 32)];

/// What kind of PAT a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// The 84-character format, laid out exactly as documented (`…JQQJ99…AAAAAZDO….`).
    #[serde(rename = "pat84")]
    Pat84,
    /// 84 characters with `AZDO` at 76–79 but not the documented layout.
    #[serde(rename = "pat84-loose")]
    Pat84Loose,
    /// The legacy 52-character base32 format, checksum verified.
    #[serde(rename = "legacy52")]
    Legacy52,
}

impl Kind {
    /// The word used in output (the same as in JSON).
    pub fn word(self) -> &'static str {
        match self {
            Kind::Pat84 => "pat84",
            Kind::Pat84Loose => "pat84-loose",
            Kind::Legacy52 => "legacy52",
        }
    }
}

/// Year and month a strict 84-character PAT was created, from its characters 58 and 59.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    pub year: u16,
    pub month: u8,
}

impl std::fmt::Display for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A PAT value at `start..end` of the bytes searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub created: Option<Created>,
}

/// Every PAT value in `bytes`, in order.
pub fn find(bytes: &[u8]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if let Some((kind, created)) = classify(&bytes[start..i]) {
            out.push(Found {
                start,
                end: i,
                kind,
                created,
            });
        }
    }
    out
}

/// The kind of a whole alphanumeric run, if it is a PAT.
fn classify(run: &[u8]) -> Option<(Kind, Option<Created>)> {
    if is_strict(run) {
        Some((Kind::Pat84, created(run)))
    } else if is_loose(run) {
        Some((Kind::Pat84Loose, None))
    } else if is_legacy(run) {
        Some((Kind::Legacy52, None))
    } else {
        None
    }
}

/// `[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAAAAZDO[A-Za-z0-9]{4}`.
fn is_strict(run: &[u8]) -> bool {
    run.len() == PAT84_LEN
        && run.iter().all(u8::is_ascii_alphanumeric)
        && &run[52..58] == b"JQQJ99"
        && (b'A'..=b'L').contains(&run[59])
        && &run[72..80] == b"AAAAAZDO"
}

/// `[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}`.
fn is_loose(run: &[u8]) -> bool {
    run.len() == PAT84_LEN && run.iter().all(u8::is_ascii_alphanumeric) && &run[76..80] == b"AZDO"
}

/// Creation year (character 58: `A` = 2024, `B` = 2025, … in base64 order) and month
/// (character 59: `A`–`L`).
fn created(run: &[u8]) -> Option<Created> {
    let y = *run.get(58)?;
    let m = *run.get(59)?;
    let index = match y {
        b'A'..=b'Z' => y - b'A',
        b'a'..=b'z' => y - b'a' + 26,
        b'0'..=b'9' => y - b'0' + 52,
        _ => return None,
    };
    if !(b'A'..=b'L').contains(&m) {
        return None;
    }
    Some(Created {
        year: 2024 + u16::from(index),
        month: m - b'A' + 1,
    })
}

/// `[a-z2-7]{52}` whose decoded bytes carry a valid checksum.
fn is_legacy(run: &[u8]) -> bool {
    run.len() == LEGACY_LEN && base32_decode(run).is_some_and(|b| legacy_checksum_ok(&b))
}

/// RFC 4648 base32 (lower-case alphabet, no padding) of exactly 32 bytes: 52 characters whose
/// last 4 bits are zero.
fn base32_decode(s: &[u8]) -> Option<Zeroizing<[u8; LEGACY_BYTES]>> {
    let mut out = Zeroizing::new([0u8; LEGACY_BYTES]);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut n = 0;
    for &c in s {
        let v = match c {
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
            acc &= (1 << bits) - 1;
        }
    }
    (n == LEGACY_BYTES && acc == 0).then_some(out)
}

/// CRC-32 over the covered bytes, XOR the seed, equals the little-endian u32 of bytes
/// 22, 8, 7, 2.
fn legacy_checksum_ok(b: &[u8; LEGACY_BYTES]) -> bool {
    let parts = LEGACY_COVERED.map(|(s, e)| &b[s..e]);
    let stored = u32::from_le_bytes([b[22], b[8], b[7], b[2]]);
    let crc = crc32(&parts);
    crc ^ LEGACY_SEED == stored || crc ^ LEGACY_APP_SEED == stored
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of the concatenated parts.
pub(crate) fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = u32::MAX;
    for part in parts {
        for &byte in *part {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
    }
    !crc
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::Rng;

    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    pub(crate) fn alnum(n: usize) -> String {
        let mut rng = rand::rng();
        (0..n)
            .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
            .collect()
    }

    /// A made-up PAT in the strict 84-character layout, created 2024-07.
    pub(crate) fn fake_pat84() -> String {
        format!("{}JQQJ99AG{}AAAAAZDO{}", alnum(52), alnum(12), alnum(4))
    }

    fn base32_encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut out = String::new();
        let mut acc: u32 = 0;
        let mut bits = 0;
        for &b in bytes {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
            }
            acc &= (1 << bits) - 1;
        }
        if bits > 0 {
            out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
        }
        out
    }

    /// A made-up legacy PAT: 32 random bytes with a valid checksum, base32-encoded.
    pub(crate) fn fake_legacy() -> String {
        let mut b = [0u8; 32];
        rand::rng().fill(&mut b[..]);
        let parts = LEGACY_COVERED.map(|(s, e)| &b[s..e]);
        let sum = (crc32(&parts) ^ LEGACY_SEED).to_le_bytes();
        b[22] = sum[0];
        b[8] = sum[1];
        b[7] = sum[2];
        b[2] = sum[3];
        base32_encode(&b)
    }

    #[test]
    fn crc32_is_the_ieee_one() {
        assert_eq!(crc32(&[b"123456789".as_slice()]), 0xCBF4_3926);
        assert_eq!(
            crc32(&[b"1234".as_slice(), b"56789".as_slice()]),
            0xCBF4_3926
        );
        assert_eq!(crc32(&[]), 0);
    }

    #[test]
    fn strict_pat84_is_found_with_its_month() {
        let pat = fake_pat84();
        let text = format!("x={pat};");
        let found = find(text.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (2, 86));
        assert_eq!(found[0].kind, Kind::Pat84);
        assert_eq!(
            found[0].created.map(|c| c.to_string()).as_deref(),
            Some("2024-07")
        );
    }

    #[test]
    fn loose_pat84_needs_azdo_at_76() {
        let pat = format!("{}AZDO{}", alnum(76), alnum(4));
        let found = find(pat.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Pat84Loose);
        assert_eq!(found[0].created, None);
        let moved = format!("{}AZDO{}", alnum(75), alnum(5));
        assert!(find(moved.as_bytes()).is_empty());
    }

    #[test]
    fn runs_of_83_and_85_are_not_pats() {
        let pat = fake_pat84();
        assert!(find(&pat.as_bytes()[1..]).is_empty());
        assert!(find(format!("{pat}x").as_bytes()).is_empty());
        assert!(find(format!("7{pat}").as_bytes()).is_empty());
        assert!(find(alnum(83).as_bytes()).is_empty());
    }

    #[test]
    fn legacy_is_found_and_a_changed_character_is_not() {
        for _ in 0..20 {
            let pat = fake_legacy();
            assert_eq!(pat.len(), 52);
            let found = find(format!("pat:{pat}\n").as_bytes());
            assert_eq!(found.len(), 1, "{}", pat.len());
            assert_eq!(found[0].kind, Kind::Legacy52);
            assert_eq!((found[0].start, found[0].end), (4, 56));
            // Characters 0 and 10 lie wholly in checksummed bytes (0 and 6): any change is seen.
            for at in [0, 10] {
                let mut bytes = pat.clone().into_bytes();
                bytes[at] = if bytes[at] == b'b' { b'c' } else { b'b' };
                assert!(find(&bytes).is_empty());
            }
            // The last character's 4 padding bits must be zero ('a' or 'q' end a real one).
            let mut bytes = pat.clone().into_bytes();
            bytes[51] = if bytes[51] == b'a' { b'b' } else { b'r' };
            assert!(find(&bytes).is_empty());
        }
    }

    #[test]
    fn random_lowercase_52_is_not_a_legacy_pat() {
        const B32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut rng = rand::rng();
        let mut hits = 0;
        for _ in 0..200 {
            let s: String = (0..52)
                .map(|_| char::from(B32[rng.random_range(0..B32.len())]))
                .collect();
            hits += find(s.as_bytes()).len();
        }
        assert_eq!(hits, 0);
    }

    #[test]
    fn uuids_and_hex_are_not_pats() {
        let text = format!("{} {}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4().simple());
        assert!(find(text.as_bytes()).is_empty());
    }
}
