//! Inline markers. keyward's own, plus those of other tools so teams can migrate without
//! touching every suppressed line.

use crate::detect::Finding;

/// Markers that suppress a finding on the same line.
pub const SAME_LINE: [&str; 6] = [
    "keyward:allow",
    "gitleaks:allow",
    "betterleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
    "kingfisher:ignore",
];

/// Markers that suppress a finding on the following line.
pub const NEXT_LINE: [&str; 2] = [
    "keyward:allow-next-line",
    "pragma: allowlist nextline secret",
];

/// The marker that suppresses `finding` in `bytes`, if any. A marker counts on any line the
/// secret spans (a PEM block can carry it on its BEGIN line), and a next-line marker on the line
/// just before the secret starts.
pub fn marker_for(bytes: &[u8], finding: &Finding) -> Option<&'static str> {
    let first = line_bounds(bytes, finding.span.start);
    let last = line_bounds(
        bytes,
        finding.span.end.saturating_sub(1).max(finding.span.start),
    );
    let spanned = &bytes[first.0..last.1.max(first.1)];
    for line in spanned.split(|&b| b == b'\n') {
        if let Some(m) = SAME_LINE
            .iter()
            .find(|m| contains(line, m.as_bytes()) && !is_next_line_marker(line, m))
        {
            return Some(m);
        }
    }
    if first.0 > 0 {
        let prev = line_bounds(bytes, first.0 - 1);
        let prev_line = &bytes[prev.0..prev.1];
        if let Some(m) = NEXT_LINE.iter().find(|m| contains(prev_line, m.as_bytes())) {
            return Some(m);
        }
    }
    None
}

/// `keyward:allow-next-line` contains `keyward:allow`; it must not also allow its own line.
fn is_next_line_marker(line: &[u8], same: &str) -> bool {
    NEXT_LINE
        .iter()
        .any(|n| n.starts_with(same) && contains(line, n.as_bytes()))
        && !line.windows(same.len()).enumerate().any(|(i, w)| {
            w == same.as_bytes() && !line[i..].starts_with(b"keyward:allow-next-line")
        })
}

fn line_bounds(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    (start, end)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}
