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

/// True when git would call these bytes binary.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
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
    Ok(Content::Text(buf))
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
        assert!(!looks_binary(&bytes));
        bytes[10] = 0;
        assert!(looks_binary(&bytes));
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
