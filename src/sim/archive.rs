//! Minimal, deterministic archive writers for the simulated package feeds ([`super::feeds`]):
//! CRC-32 (IEEE), ustar tar, gzip with *stored* DEFLATE blocks (no compression), and zip with
//! the stored method. Fixed timestamps and no owner names, so the same input always gives the
//! same bytes (and the feeds' checksums are stable). Only what the feeds need: regular files,
//! ASCII names shorter than 100 bytes, archives far below 4 GiB.

/// The modification time of every entry: 1985-10-26 08:15:00 UTC, the date `npm pack` uses
/// for reproducible tarballs.
pub const MTIME: u32 = 499_162_500;

/// The zip entries' DOS date (2024-01-01) and time (00:00:00).
const DOS_DATE: u16 = ((2024 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// Largest payload of one stored DEFLATE block.
const STORED_MAX: usize = 65_535;

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip and zip use it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Copies `src` into the start of `dst` (cut to fit).
fn put(dst: &mut [u8], src: &[u8]) {
    let n = src.len().min(dst.len());
    dst[..n].copy_from_slice(&src[..n]);
}

/// A ustar header for a regular file (mode 0644, uid/gid 0, fixed mtime).
fn tar_header(name: &str, size: usize) -> [u8; 512] {
    let mut h = [0u8; 512];
    put(&mut h[0..100], name.as_bytes());
    put(&mut h[100..108], b"0000644\0");
    put(&mut h[108..116], b"0000000\0");
    put(&mut h[116..124], b"0000000\0");
    put(&mut h[124..136], format!("{size:011o}\0").as_bytes());
    put(&mut h[136..148], format!("{MTIME:011o}\0").as_bytes());
    h[148..156].fill(b' ');
    h[156] = b'0';
    put(&mut h[257..263], b"ustar\0");
    put(&mut h[263..265], b"00");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    put(&mut h[148..156], format!("{sum:06o}\0 ").as_bytes());
    h
}

/// A ustar archive of regular files, `(path, content)`, in order, ended by two zero blocks.
pub fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        out.extend_from_slice(&tar_header(name, data.len()));
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(512), 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// A gzip member (RFC 1952) whose DEFLATE stream (RFC 1951) is made of stored blocks only.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    // ID1 ID2, CM = deflate, FLG = 0, MTIME = 0, XFL = 0, OS = 255 (unknown).
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    if data.is_empty() {
        push_stored_block(&mut out, &[], true);
    }
    let mut chunks = data.chunks(STORED_MAX).peekable();
    while let Some(chunk) = chunks.next() {
        push_stored_block(&mut out, chunk, chunks.peek().is_none());
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&len32(data.len()).to_le_bytes());
    out
}

/// One stored block: BFINAL and BTYPE = 00 in the first byte (the rest of it is padding to
/// the byte boundary), then LEN and NLEN (little-endian) and the bytes.
fn push_stored_block(out: &mut Vec<u8>, chunk: &[u8], last: bool) {
    let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
    out.push(u8::from(last));
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(&chunk[..usize::from(len)]);
}

/// A gzip'd tar (`.tgz`, `.crate`).
pub fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    gzip(&tar(entries))
}

/// A length as the 32-bit field gzip and zip use (saturated; the feeds' files are tiny).
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn len16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// A zip archive of regular files, `(path, content)`, in order, all stored (method 0).
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = len32(out.len());
        let crc = crc32(data);
        let size = len32(data.len());
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        push_common(&mut out, crc, size, name);
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory header.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&0x0314u16.to_le_bytes()); // made by: Unix, 2.0
        central.extend_from_slice(&20u16.to_le_bytes());
        push_common(&mut central, crc, size, name);
        central.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk number start
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // external: -rw-r--r--
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = len32(out.len());
    let cd_size = len32(central.len());
    let count = len16(entries.len());
    out.extend_from_slice(&central);
    // End of central directory record.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk with the central directory
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

/// The fields local and central headers share, from the flags to the name length.
fn push_common(out: &mut Vec<u8>, crc: u32, size: u32, name: &str) {
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
    out.extend_from_slice(&DOS_TIME.to_le_bytes());
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes()); // compressed size
    out.extend_from_slice(&size.to_le_bytes()); // uncompressed size
    out.extend_from_slice(&len16(name.len()).to_le_bytes());
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn u16_at(b: &[u8], i: usize) -> u16 {
        u16::from_le_bytes([b[i], b[i + 1]])
    }

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
    }

    /// Reads a gzip member made of stored blocks back (and checks CRC and ISIZE).
    pub(crate) fn gunzip_stored(gz: &[u8]) -> Vec<u8> {
        assert_eq!(&gz[..4], &[0x1f, 0x8b, 8, 0], "magic, deflate, no flags");
        let mut i = 10;
        let mut out = Vec::new();
        loop {
            let head = gz[i];
            assert_eq!(head & 0b110, 0, "BTYPE 00 (stored)");
            let len = usize::from(u16_at(gz, i + 1));
            assert_eq!(u16_at(gz, i + 3), !u16_at(gz, i + 1), "NLEN");
            out.extend_from_slice(&gz[i + 5..i + 5 + len]);
            i += 5 + len;
            if head & 1 == 1 {
                break;
            }
        }
        assert_eq!(u32_at(gz, i), crc32(&out), "CRC-32");
        assert_eq!(u32_at(gz, i + 4) as usize, out.len(), "ISIZE");
        assert_eq!(gz.len(), i + 8, "nothing after the trailer");
        out
    }

    /// Lists a ustar archive as `(name, content)`, checking every header's checksum.
    pub(crate) fn untar(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
        assert_eq!(tar.len() % 512, 0);
        let mut out = Vec::new();
        let mut i = 0;
        while tar[i..i + 512].iter().any(|&b| b != 0) {
            let h = &tar[i..i + 512];
            let field = |a: usize, b: usize| {
                let s = std::str::from_utf8(&h[a..b]).unwrap();
                s.trim_matches(|c| c == '\0' || c == ' ').to_owned()
            };
            let mut blank = h.to_vec();
            blank[148..156].fill(b' ');
            let sum: u32 = blank.iter().map(|&b| u32::from(b)).sum();
            assert_eq!(u32::from_str_radix(&field(148, 156), 8).unwrap(), sum);
            assert_eq!(&h[257..265], b"ustar\x0000");
            assert_eq!(h[156], b'0');
            let size = usize::from_str_radix(&field(124, 136), 8).unwrap();
            assert_eq!(u32::from_str_radix(&field(136, 148), 8).unwrap(), MTIME);
            out.push((field(0, 100), tar[i + 512..i + 512 + size].to_vec()));
            i += 512 + size.div_ceil(512) * 512;
        }
        assert!(tar[i..].iter().all(|&b| b == 0) && tar.len() - i >= 1024);
        out
    }

    /// Lists a stored zip through its central directory, checking the local headers and CRCs.
    pub(crate) fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4b50, "end of central directory");
        let count = usize::from(u16_at(zip, end + 10));
        let cd_size = u32_at(zip, end + 12) as usize;
        let mut c = u32_at(zip, end + 16) as usize;
        assert_eq!(c + cd_size, end);
        let mut out = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, c), 0x0201_4b50);
            assert_eq!(u16_at(zip, c + 10), 0, "stored");
            let crc = u32_at(zip, c + 16);
            let size = u32_at(zip, c + 20) as usize;
            assert_eq!(u32_at(zip, c + 24) as usize, size);
            let name_len = usize::from(u16_at(zip, c + 28));
            let local = u32_at(zip, c + 42) as usize;
            let name = String::from_utf8(zip[c + 46..c + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(zip, local), 0x0403_4b50);
            assert_eq!(u32_at(zip, local + 14), crc);
            assert_eq!(&zip[local + 30..local + 30 + name_len], name.as_bytes());
            let start = local + 30 + name_len + usize::from(u16_at(zip, local + 28));
            let data = zip[start..start + size].to_vec();
            assert_eq!(crc32(&data), crc, "{name}");
            out.push((name, data));
            c += 46 + name_len;
        }
        out
    }

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    }

    #[test]
    fn gzip_uses_stored_blocks_and_round_trips() {
        for len in [0usize, 1, 511, 65_535, 65_536, 140_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let gz = gzip(&data);
            assert_eq!(gz[9], 255, "OS unknown");
            assert_eq!(gunzip_stored(&gz), data, "{len}");
            let blocks = len.div_ceil(STORED_MAX).max(1);
            assert_eq!(gz.len(), 10 + 5 * blocks + len + 8, "{len}");
        }
        assert_eq!(
            gzip(b"hi"),
            [
                0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255, 1, 2, 0, 0xfd, 0xff, b'h', b'i', 0xac, 0x2a,
                0x93, 0xd8, 2, 0, 0, 0
            ]
        );
    }

    #[test]
    fn tar_has_ustar_headers_padding_and_the_end_blocks() {
        let big = vec![b'x'; 600];
        let t = tar(&[("a/b.txt", b"hello"), ("a/big", &big)]);
        assert_eq!(t.len(), 512 + 512 + 512 + 1024 + 1024);
        let entries = untar(&t);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0], ("a/b.txt".to_owned(), b"hello".to_vec()));
        assert_eq!(entries[1].1, big);
        assert_eq!(&t[100..108], b"0000644\0");
        assert_eq!(&t[124..136], b"00000000005\0");
        assert_eq!(t[154..156], [0, b' '], "checksum: six digits, NUL, space");
        assert_eq!(tar(&[]).len(), 1024);
    }

    #[test]
    fn zip_round_trips_and_is_deterministic() {
        let entries: [(&str, &[u8]); 3] = [("x/one.txt", b"1"), ("two", b""), ("RECORD", b"abc")];
        let z = zip(&entries);
        assert_eq!(&z[..4], b"PK\x03\x04");
        let back = unzip(&z);
        assert_eq!(back.len(), 3);
        for ((n, d), (bn, bd)) in entries.iter().zip(&back) {
            assert_eq!((*n, *d), (bn.as_str(), bd.as_slice()));
        }
        assert_eq!(z, zip(&entries));
        assert_eq!(zip(&[]).len(), 22);
    }
}
