//! Filters that turn regex candidates into findings worth a developer's attention. Precision is
//! the product: a hook that blocks on placeholders teaches people to skip it.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;
use serde::Deserialize;

use super::{rule::build_regex, DetectError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterFile {
    placeholder_fragments: Vec<String>,
    reference_patterns: Vec<String>,
    known_examples: Vec<String>,
    lockfiles: Vec<String>,
}

/// Compiled shared filter data (`rules/filters.toml`).
#[derive(Debug)]
pub struct Filters {
    placeholders: AhoCorasick,
    references: Vec<Regex>,
    known_examples: Vec<Vec<u8>>,
    lockfiles: Vec<String>,
}

impl Filters {
    pub fn from_toml(text: &str) -> Result<Filters, DetectError> {
        let f: FilterFile = toml::from_str(text).map_err(|e| DetectError::InvalidRule {
            origin: "filters.toml".into(),
            rule: "-".into(),
            message: e.to_string(),
        })?;
        let placeholders = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&f.placeholder_fragments)
            .expect("placeholder fragments form a valid automaton");
        let references = f
            .reference_patterns
            .iter()
            .map(|p| {
                build_regex(p).map_err(|e| DetectError::InvalidRule {
                    origin: "filters.toml".into(),
                    rule: "reference_patterns".into(),
                    message: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Filters {
            placeholders,
            references,
            known_examples: f
                .known_examples
                .into_iter()
                .map(String::into_bytes)
                .collect(),
            lockfiles: f.lockfiles,
        })
    }

    /// Templates, dummies and masked values.
    pub fn is_placeholder(&self, secret: &[u8]) -> bool {
        self.placeholders.is_match(secret) || is_degenerate(secret)
    }

    /// Environment and secret-manager lookups.
    pub fn is_reference(&self, secret: &[u8]) -> bool {
        self.references.iter().any(|r| r.is_match(secret))
    }

    pub fn is_known_example(&self, secret: &[u8]) -> bool {
        self.known_examples
            .iter()
            .any(|k| secret.windows(k.len()).any(|w| w == k.as_slice()))
    }

    pub fn is_lockfile(&self, path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| self.lockfiles.iter().any(|l| l == n))
    }
}

/// One repeated character, or a run up or down the alphabet or digits (`abcdef`, `123456`).
fn is_degenerate(secret: &[u8]) -> bool {
    let core: Vec<u8> = secret
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric())
        .collect();
    if core.len() < 6 {
        return false;
    }
    let mut distinct = [false; 256];
    let mut n = 0;
    for &b in &core {
        let b = b.to_ascii_lowercase() as usize;
        if !distinct[b] {
            distinct[b] = true;
            n += 1;
        }
    }
    if n <= 3 {
        return true;
    }
    // Keyboard and counting runs typed by a person: `123456789`, `abcdef`, `qwerty`, reversed too.
    const RUNS: [&[u8]; 3] = [
        b"012345678901234567890123456789",
        b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        b"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    ];
    let lower = core.to_ascii_lowercase();
    let reversed: Vec<u8> = lower.iter().rev().copied().collect();
    RUNS.iter().any(|run| {
        [&lower, &reversed]
            .iter()
            .any(|s| s.len() <= run.len() && run.windows(s.len()).any(|w| w == s.as_slice()))
    })
}

/// A hash digest or an identifier that only looks random: hex of a digest's length, a UUID,
/// or an SRI integrity string.
pub fn is_hash_like(secret: &[u8]) -> bool {
    let hex = secret.iter().all(|b| b.is_ascii_hexdigit());
    if hex && matches!(secret.len(), 32 | 40 | 56 | 64 | 96 | 128) {
        return true;
    }
    if is_uuid(secret) {
        return true;
    }
    ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| secret.starts_with(p.as_bytes()))
}

fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Does a value look machine-generated rather than written by a person? Used by rules whose
/// shape alone is not distinctive (`password = "…"`). Words, identifiers, paths and sentences
/// fail; random tokens and real passwords mostly pass.
pub fn looks_random(secret: &[u8]) -> bool {
    if secret.len() < 8 || secret.iter().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    let (mut lower, mut upper, mut digit, mut other) = (0usize, 0usize, 0usize, 0usize);
    for &b in secret {
        match b {
            b'a'..=b'z' => lower += 1,
            b'A'..=b'Z' => upper += 1,
            b'0'..=b'9' => digit += 1,
            _ => other += 1,
        }
    }
    let classes = [lower, upper, digit, other]
        .iter()
        .filter(|&&c| c > 0)
        .count();
    if classes < 2 {
        return false;
    }
    // A path, URL or dotted name is configuration, not a credential.
    if secret.starts_with(b"/")
        || secret.starts_with(b"./")
        || secret.windows(3).any(|w| w == b"://")
    {
        return false;
    }
    // Identifiers (`myDatabasePassword`, `DB_PASSWORD_FIELD`) have no digits and long runs of letters.
    if digit == 0
        && (other == 0
            || secret
                .iter()
                .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'-' || *b == b'.'))
    {
        return false;
    }
    // Mostly digits (a port, a date, a phone number) with a separator.
    if lower + upper < 2 && other <= 2 && secret.len() < 20 {
        return false;
    }
    let min_entropy = if secret.len() >= 20 { 3.3 } else { 2.5 };
    shannon_entropy(secret) >= min_entropy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters() -> Filters {
        Filters::from_toml(include_str!("../../rules/filters.toml")).unwrap()
    }

    #[test]
    fn placeholders() {
        let f = filters();
        for p in [
            "YOUR_API_KEY",
            "<token>",
            "xxxxxxxxxxxxxxxx",
            "changeme",
            "${OPENAI_API_KEY}",
            "{{ api_key }}",
            "sk-proj-****abcd",
            "aaaaaaaaaaaa",
            "1234567890",
            "abcdefghijkl",
        ] {
            assert!(
                f.is_placeholder(p.as_bytes()),
                "{p} should be a placeholder"
            );
        }
        for real in ["q8Zt1mW3xPv7Rk2L", "ghp_Zq8RtY2uVw3XyA4bC5dE6fG7hJ8kL90000"] {
            assert!(
                !f.is_placeholder(real.as_bytes()),
                "{real} is not a placeholder"
            );
        }
    }

    #[test]
    fn references() {
        let f = filters();
        for r in [
            "$DB_PASSWORD",
            "${{ secrets.TOKEN }}",
            "ref+vault://secret/data/app#/k",
            "op://prod/db/password",
            "vault:secret/data/app#token",
            "process.env.API_KEY",
            "%APPDATA%",
        ] {
            assert!(f.is_reference(r.as_bytes()), "{r} should be a reference");
        }
        assert!(!f.is_reference(b"q8Zt1mW3xPv7Rk2L"));
    }

    #[test]
    fn hashes_and_uuids() {
        assert!(is_hash_like(b"d41d8cd98f00b204e9800998ecf8427e"));
        assert!(is_hash_like(b"da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert!(is_hash_like(b"123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_hash_like(b"sha512-AbCdEf0123=="));
        assert!(!is_hash_like(b"d41d8cd98f00b204e9800998ecf8427"));
    }

    #[test]
    fn randomness() {
        for r in ["Tr0ub4dor&3x", "q8Zt1mW3xPv7Rk2LzN0c", "s3cr3t-P4ssw0rd!"] {
            assert!(looks_random(r.as_bytes()), "{r} looks random");
        }
        for w in [
            "myDatabasePassword",
            "DB_PASSWORD_FIELD",
            "/etc/ssl/private.pem",
            "https://example.org/x1",
            "2024-01-01",
            "hello world 123",
            "password",
        ] {
            assert!(!looks_random(w.as_bytes()), "{w} is not random");
        }
    }

    #[test]
    fn lockfiles() {
        let f = filters();
        assert!(f.is_lockfile(Path::new("web/package-lock.json")));
        assert!(!f.is_lockfile(Path::new("src/lock.rs")));
    }
}
