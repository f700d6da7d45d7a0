//! Reading one buffer safely: a size cap enforced before and during the read (a file may grow
//! while we read it, stdin has no size at all) and git's test for binary content.

use std::{
    fs::File,
    io::{self, Read},
    path::Path,
};

/// Git treats a file as binary when its first 8000 bytes contain a NUL (`FIRST_FEW_BYTES` in
/// git's `xdiff-interface.c`); keyward skips the same files git would not diff.
pub const BINARY_SNIFF_LEN: usize = 8000;

/// What reading a buffer produced.
#[derive(Debug)]
pub enum Content {
    /// Text to scan.
    Text(Vec<u8>),
    /// A NUL byte in the first [`BINARY_SNIFF_LEN`] bytes.
    Binary,
    /// Larger than the cap; `size` is the size known when it was refused (at least `limit + 1`).
    TooLarge { size: u64 },
}

/// Why a file was not scanned, for the closing note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge { size: u64, limit: u64 },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary"),
            SkipReason::TooLarge { size, limit } => {
                write!(f, "{} bytes, over the {limit}-byte limit", size)
            }
        }
    }
}

/// True when these bytes are not text: two or more NULs in the first [`BINARY_SNIFF_LEN`] bytes
/// (git's test, except that one stray NUL leaves a text file text) and not UTF-16/UTF-32 text.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    memchr::memchr_iter(0, head).nth(1).is_some() && wide_encoding(bytes).is_none()
}

/// A wide text encoding, recognised by its byte-order mark or by NUL-interleaved ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16 { big: bool, bom: bool },
    Utf32 { big: bool },
}

fn wide_encoding(bytes: &[u8]) -> Option<Wide> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Some(Wide::Utf32 { big: false }),
        [0, 0, 0xFE, 0xFF, ..] => return Some(Wide::Utf32 { big: true }),
        [0xFF, 0xFE, ..] => {
            return Some(Wide::Utf16 {
                big: false,
                bom: true,
            })
        }
        [0xFE, 0xFF, ..] => {
            return Some(Wide::Utf16 {
                big: true,
                bom: true,
            })
        }
        _ => {}
    }
    // No BOM (PowerShell and many Windows tools omit it): mostly-ASCII UTF-16 has a NUL in
    // every other byte and none in the others.
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(Wide::Utf16 {
            big: false,
            bom: false,
        })
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(Wide::Utf16 {
            big: true,
            bom: false,
        })
    } else {
        None
    }
}

/// [`as_utf8`] for a buffer we own: UTF-8 text is returned as it is, not copied.
pub fn into_utf8(bytes: Vec<u8>) -> Vec<u8> {
    let transcoded = match as_utf8(&bytes) {
        std::borrow::Cow::Owned(utf8) => Some(utf8),
        std::borrow::Cow::Borrowed(_) => None,
    };
    transcoded.unwrap_or(bytes)
}

/// The bytes to scan: UTF-16 and UTF-32 text transcoded to UTF-8 (invalid units become U+FFFD;
/// line breaks are kept, so line numbers are those of the original), anything else unchanged.
pub fn as_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let out = match wide_encoding(bytes) {
        None => return std::borrow::Cow::Borrowed(bytes),
        Some(Wide::Utf16 { big, bom }) => {
            let body = &bytes[if bom { 2 } else { 0 }..];
            let units = body.chunks_exact(2).map(|c| {
                let pair = [c[0], c[1]];
                if big {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect::<String>()
        }
        Some(Wide::Utf32 { big }) => bytes[4..]
            .chunks_exact(4)
            .map(|c| {
                let quad = [c[0], c[1], c[2], c[3]];
                let v = if big {
                    u32::from_be_bytes(quad)
                } else {
                    u32::from_le_bytes(quad)
                };
                char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect::<String>(),
    };
    std::borrow::Cow::Owned(out.into_bytes())
}

/// Reads at most `limit` bytes; a reader with more than that yields [`Content::TooLarge`] after
/// reading only `limit + 1` bytes, so memory stays bounded whatever the input.
pub fn read_bounded(reader: impl Read, limit: u64, size_hint: u64) -> io::Result<Content> {
    let mut buf = Vec::with_capacity(size_hint.min(limit) as usize);
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Ok(Content::TooLarge {
            size: size_hint.max(buf.len() as u64),
        });
    }
    if looks_binary(&buf) {
        return Ok(Content::Binary);
    }
    let text = into_utf8(buf);
    Ok(Content::Text(text))
}

/// Reads a file unless it is over `limit` bytes (checked from its metadata first, so a 2 GB
/// file costs one `stat`).
pub fn read_file(path: &Path, limit: u64) -> io::Result<Content> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Content::TooLarge { size });
    }
    read_bounded(file, limit, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_after_the_sniff_window_is_text() {
        let mut bytes = vec![b'a'; BINARY_SNIFF_LEN];
        bytes.push(0);
        bytes.push(0);
        assert!(!looks_binary(&bytes));
        bytes[10] = 0;
        assert!(!looks_binary(&bytes), "one stray NUL is text");
        bytes[20] = 0;
        assert!(looks_binary(&bytes));
    }

    #[test]
    fn utf16_and_utf32_text_is_transcoded() {
        let text = "key = \"v\"\nx\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend(&le);
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend(&be);
        let mut u32le = vec![0xFF, 0xFE, 0, 0];
        u32le.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        for wide in [le, be, le_bom, be_bom, u32le] {
            assert!(!looks_binary(&wide), "{wide:?}");
            assert_eq!(&*as_utf8(&wide), text.as_bytes());
        }
        assert_eq!(&*as_utf8(b"plain"), b"plain");
    }

    #[test]
    fn bounded_read_stops_after_the_limit() {
        let endless = io::repeat(b'x');
        match read_bounded(endless, 1024, 0).unwrap() {
            Content::TooLarge { size } => assert_eq!(size, 1025),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        match read_bounded(&b"abc"[..], 3, 3).unwrap() {
            Content::Text(t) => assert_eq!(t, b"abc"),
            other => panic!("expected text, got {other:?}"),
        }
    }
}
