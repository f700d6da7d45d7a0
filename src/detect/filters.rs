//! Filters that turn regex candidates into findings worth a developer's attention. Precision is
//! the product: a hook that blocks on placeholders teaches people to skip it.

use std::{borrow::Cow, path::Path, sync::OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;

use super::{builtin::StaticFilters, rule::build_regex, spec::FilterFile, DetectError};

/// Compiled shared filter data (`rules/filters.toml`).
#[derive(Debug)]
pub struct Filters {
    placeholders: AhoCorasick,
    /// Reference patterns, compiled on first use: most scans never reach a candidate that needs
    /// them, and compiling them at every start would be paid by every hook run.
    reference_patterns: Vec<Cow<'static, str>>,
    references: OnceLock<Vec<Regex>>,
    known_examples: Vec<Cow<'static, [u8]>>,
    lockfiles: Vec<Cow<'static, str>>,
    /// Token prefixes beyond the rules' own keywords (see `Detector::has_provider_prefix`).
    pub(crate) provider_prefixes: Vec<Cow<'static, str>>,
}

impl Filters {
    /// Parses and compiles a filter file; every regex is compiled now, so a bad one is reported.
    pub fn from_toml(text: &str) -> Result<Filters, DetectError> {
        let f: FilterFile = toml::from_str(text).map_err(|e| DetectError::InvalidRule {
            origin: "filters.toml".into(),
            rule: "-".into(),
            message: e.to_string(),
        })?;
        let references: Vec<Regex> = f
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
        let filters = Filters {
            placeholders: placeholder_automaton(&f.placeholder_fragments),
            reference_patterns: f.reference_patterns.into_iter().map(Cow::Owned).collect(),
            references: OnceLock::from(references),
            known_examples: f
                .known_examples
                .into_iter()
                .map(|k| Cow::Owned(k.into_bytes()))
                .collect(),
            lockfiles: f.lockfiles.into_iter().map(Cow::Owned).collect(),
            provider_prefixes: f.provider_prefixes.into_iter().map(Cow::Owned).collect(),
        };
        Ok(filters)
    }

    /// The built-in filters from data `build.rs` parsed and checked at build time. The reference
    /// regexes compile on first use (the unit tests compile every one of them).
    pub(crate) fn from_static(f: &StaticFilters) -> Filters {
        Filters {
            placeholders: placeholder_automaton(f.placeholder_fragments),
            reference_patterns: f.reference_patterns.iter().map(|&p| p.into()).collect(),
            references: OnceLock::new(),
            known_examples: f
                .known_examples
                .iter()
                .map(|k| Cow::Borrowed(k.as_bytes()))
                .collect(),
            lockfiles: f.lockfiles.iter().map(|&l| l.into()).collect(),
            provider_prefixes: f.provider_prefixes.iter().map(|&p| p.into()).collect(),
        }
    }

    fn references(&self) -> &[Regex] {
        self.references.get_or_init(|| {
            self.reference_patterns
                .iter()
                .map(|p| {
                    build_regex(p).unwrap_or_else(|e| {
                        panic!("built-in reference pattern `{p}` does not compile: {e}")
                    })
                })
                .collect()
        })
    }

    /// Templates, dummies and masked values, and filler.
    pub fn is_placeholder(&self, secret: &[u8]) -> bool {
        self.is_placeholder_text(secret) || is_filler(secret)
    }

    /// Templates, dummies and masked values: `your-api-key`, `<token>`, `xxxx`.
    pub fn is_placeholder_text(&self, secret: &[u8]) -> bool {
        self.placeholders.is_match(secret) || is_angle_placeholder(secret)
    }

    /// Environment and secret-manager lookups.
    pub fn is_reference(&self, secret: &[u8]) -> bool {
        self.references().iter().any(|r| r.is_match(secret))
    }

    pub fn is_known_example(&self, secret: &[u8]) -> bool {
        self.known_examples
            .iter()
            .any(|k| secret.windows(k.len()).any(|w| w == &**k))
    }

    pub fn is_lockfile(&self, path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| self.lockfiles.iter().any(|l| l == n))
    }
}

/// `<your key>`, `<token`, `key>` (a placeholder cut by the capture), `-->`: angle brackets that
/// open before they close, or stand at an edge. A generated password may hold one `<` or `>`
/// between other characters (`k>qX`), which is not a placeholder.
fn is_angle_placeholder(secret: &[u8]) -> bool {
    encloses(secret, b'<', b'>')
        || secret.first().is_some_and(|b| matches!(b, b'<' | b'>'))
        || secret.last().is_some_and(|b| matches!(b, b'<' | b'>'))
}

/// The characters `django-admin startproject` draws a SECRET_KEY from.
const DJANGO_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";

/// Forty or more characters of Django's key alphabet with digits and six or more distinct
/// symbols: a generated key whose brackets mean nothing even when they pair, since code in
/// that alphabet would need a `.`, `,`, `;`, a quote or a blank somewhere.
pub(crate) fn is_django_key_shaped(v: &[u8]) -> bool {
    v.len() >= 40
        && v.iter().all(|b| DJANGO_ALPHABET.contains(b))
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
        && distinct_ci(
            &v.iter()
                .copied()
                .filter(u8::is_ascii_punctuation)
                .collect::<Vec<_>>(),
        ) >= 6
}

/// `open` occurs, and `close` somewhere after it: a bracket pair around something.
fn encloses(s: &[u8], open: u8, close: u8) -> bool {
    s.iter()
        .position(|&b| b == open)
        .is_some_and(|i| s[i..].contains(&close))
}

fn placeholder_automaton<S: AsRef<[u8]>>(fragments: &[S]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(fragments)
        .expect("placeholder fragments form a valid automaton")
}

/// Filler: one repeated character, or a run up or down the alphabet or digits (`abcdef`,
/// `123456`), in the whole value or in one long alphanumeric segment of it
/// (`sk_live_0000000000000000`: the prefix is real, the body is filler).
pub fn is_filler(secret: &[u8]) -> bool {
    if secret
        .split(|b| !b.is_ascii_alphanumeric())
        .any(degenerate_segment)
    {
        return true;
    }
    degenerate_core(secret)
}

/// A segment long enough that a random token never looks like this: one to two distinct
/// characters over 12+, at most four over 20+, or a counting run of 10+.
fn degenerate_segment(seg: &[u8]) -> bool {
    if seg.len() < 10 {
        return false;
    }
    let n = distinct_ci(seg);
    (seg.len() >= 12 && n <= 2) || (seg.len() >= 20 && n <= 4) || is_run(seg) || mostly_steps(seg)
}

/// A short value that is one keyboard or counting run and nothing else (`123456`, `qwerty`,
/// `abcdefg`): filler in a token, but the weakest passwords people choose, so the person-chosen
/// password rule keeps them (`skip_filters = ["typed_run"]`).
pub fn is_typed_run(secret: &[u8]) -> bool {
    (6..=16).contains(&secret.len())
        && secret.iter().all(u8::is_ascii_alphanumeric)
        && is_run(secret)
}

/// Counting typed in chunks (`1234567890abcdef`): nearly every neighbour is one step away.
fn mostly_steps(seg: &[u8]) -> bool {
    let lower = seg.to_ascii_lowercase();
    let steps = lower
        .windows(2)
        .filter(|w| {
            let (a, b) = (w[0], w[1]);
            b == a.wrapping_add(1)
                || a == b.wrapping_add(1)
                || (a == b'9' && b == b'0')
                || (a == b'0' && b == b'9')
        })
        .count();
    steps * 10 >= (lower.len() - 1) * 8
}

fn distinct_ci(s: &[u8]) -> usize {
    let mut seen = [false; 256];
    let mut n = 0;
    for &b in s {
        let b = b.to_ascii_lowercase() as usize;
        if !seen[b] {
            seen[b] = true;
            n += 1;
        }
    }
    n
}

/// Keyboard and counting runs typed by a person: `123456789`, `abcdef`, `qwerty`, reversed too.
fn is_run(s: &[u8]) -> bool {
    const RUNS: [&[u8]; 3] = [
        b"012345678901234567890123456789",
        b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        b"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    ];
    let lower = s.to_ascii_lowercase();
    let reversed: Vec<u8> = lower.iter().rev().copied().collect();
    RUNS.iter().any(|run| {
        [&lower, &reversed]
            .iter()
            .any(|s| s.len() <= run.len() && run.windows(s.len()).any(|w| w == s.as_slice()))
    })
}

fn degenerate_core(secret: &[u8]) -> bool {
    let core: Vec<u8> = secret
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric())
        .collect();
    if core.len() < 6 {
        return false;
    }
    distinct_ci(&core) <= 3 || is_run(&core)
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
    // A percent-encoded value (a URL's userinfo or query) is judged as what it encodes:
    // `pass%2Eword` is `pass.word`, not a mix of four character classes.
    if let Some(plain) = percent_decoded(secret) {
        return looks_random(&plain);
    }
    if secret.len() < 8 || !secret.iter().all(|b| (0x21..=0x7e).contains(b)) {
        // Whitespace, control bytes or non-ASCII: prose, or garbage from decoding a word.
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
    if is_path_or_url(secret) {
        return false;
    }
    // Format strings, templates and calls: `{password}`, `{0}`, `getpass()`, `%(pw)s`.
    // A bracket closed before any opens (`}/vYR)T`) is a generated password's symbol.
    let brackets = encloses(secret, b'{', b'}') || encloses(secret, b'(', b')');
    if (brackets && !is_django_key_shaped(secret)) || secret.starts_with(b"%") {
        return false;
    }
    if is_email(secret) || is_version(secret) {
        return false;
    }
    // Identifiers (`myDatabasePassword`, `DB_PASSWORD_FIELD`) have no digits and long runs of
    // letters; random letters-only tokens mix cases throughout.
    if digit == 0
        && (other == 0
            || secret
                .iter()
                .all(|b| b.is_ascii_alphabetic() || b"_-./:".contains(b)))
    {
        let mixed = other == 0
            && secret.len() >= 16
            && upper * 4 >= secret.len()
            && lower * 4 >= secret.len();
        if !(mixed && shannon_entropy(secret) >= 3.8) {
            return false;
        }
    }
    // Mostly digits (a port, a date, a phone number) with a separator.
    if lower + upper < 2 && other <= 2 && secret.len() < 20 {
        return false;
    }
    if is_phrase(secret) || is_repetition(secret) || is_encoded_word(secret) {
        return false;
    }
    // Words a person typed, with digits or leetspeak around them: `password123`, `P@ssw0rd!`,
    // `test_key_2024`, `s3cr3t-dev`. What is left after removing them must still be long.
    if residue_after_words(secret) < 6 {
        return false;
    }
    let min_entropy = if secret.len() >= 20 { 3.3 } else { 2.5 };
    shannon_entropy(secret) >= min_entropy
}

/// `secret` with its `%XX` escapes decoded, when it has any (and `None` when it has none, so
/// the decoded text, always shorter, is judged once).
fn percent_decoded(secret: &[u8]) -> Option<Vec<u8>> {
    let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(secret.len());
    let (mut i, mut decoded) = (0, false);
    while i < secret.len() {
        if let (b'%', Some(hi), Some(lo)) = (
            secret[i],
            secret.get(i + 1).copied().and_then(hex),
            secret.get(i + 2).copied().and_then(hex),
        ) {
            out.push(hi << 4 | lo);
            i += 3;
            decoded = true;
        } else {
            out.push(secret[i]);
            i += 1;
        }
    }
    decoded.then_some(out)
}

/// An absolute, relative or home path, a Windows drive path, or a URL: where something is.
pub(crate) fn is_path_or_url(s: &[u8]) -> bool {
    s.starts_with(b"/")
        || s.starts_with(b"./")
        || s.starts_with(b"~/")
        || s.windows(3).any(|w| w == b"://")
        || s.windows(2).any(|w| w == b":\\")
}

/// `test-token-for-unit-tests-1`, `Some_Descriptive.Name`: three or more separated parts, each
/// a plain word or a short number.
fn is_phrase(s: &[u8]) -> bool {
    let parts: Vec<&[u8]> = s
        .split(|b| b"-_. ".contains(b))
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            let word = p.iter().all(u8::is_ascii_lowercase)
                || p.iter().all(u8::is_ascii_uppercase)
                || (p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase));
            word || (p.len() <= 4 && p.iter().all(u8::is_ascii_digit))
        })
}

/// `hunter2hunter2`, `abcabcabc`: one chunk typed again.
fn is_repetition(s: &[u8]) -> bool {
    (1..=s.len() / 2).any(|n| s.len().is_multiple_of(n) && s.chunks(n).all(|c| c == &s[..n]))
}

/// Base64 of a short human value (`dGVzdA==` is `test`).
fn is_encoded_word(s: &[u8]) -> bool {
    if !s.ends_with(b"=") || s.len() > 64 {
        return false;
    }
    super::validate::decode_base64_any(s).is_some_and(|plain| {
        plain.iter().all(|b| (0x20..=0x7e).contains(b)) && !looks_random(&plain)
    })
}

/// Words that make up human-chosen test values and identifiers, longest first.
#[rustfmt::skip]
const WEAK_WORDS: &[&str] = &[
    "credentials", "development", "credential", "production", "localhost", "baseball", "changeme",
    "football", "iloveyou", "password", "passwort", "princess", "sunshine", "template", "account",
    "default", "example", "freedom", "letmein", "private", "secrets", "service", "staging",
    "testing", "trustno", "welcome", "abc123", "access", "autumn", "client", "config", "dragon",
    "hunter", "master", "monkey", "public", "qwerty", "sample", "secret", "server", "shadow",
    "spring", "string", "summer", "system", "winter", "admin", "dummy", "guest", "hello", "local",
    "login", "mongo", "mysql", "passw", "redis", "super", "tests", "token", "value", "world",
    "demo", "fake", "mock", "only", "pass", "prod", "root", "temp", "test", "unit", "user", "abc",
    "api", "app", "bar", "baz", "dev", "foo", "for", "key", "pwd", "qux", "xyz", "db", "my",
];

/// Alphanumeric characters left after removing weak words (leetspeak folded).
fn residue_after_words(secret: &[u8]) -> usize {
    let mut folded: Vec<u8> = secret
        .iter()
        .map(|&b| match b.to_ascii_lowercase() {
            b'0' => b'o',
            b'1' | b'!' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' => b't',
            c => c,
        })
        .collect();
    let mut removed = vec![false; folded.len()];
    for w in WEAK_WORDS {
        let w = w.as_bytes();
        let mut i = 0;
        while i + w.len() <= folded.len() {
            if &folded[i..i + w.len()] == w {
                for r in &mut removed[i..i + w.len()] {
                    *r = true;
                }
                for f in &mut folded[i..i + w.len()] {
                    *f = b' ';
                }
                i += w.len();
            } else {
                i += 1;
            }
        }
    }
    secret
        .iter()
        .zip(&removed)
        .filter(|(b, r)| !**r && b.is_ascii_alphanumeric())
        .count()
}

fn is_email(s: &[u8]) -> bool {
    let Some(at) = s.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    !local.is_empty()
        && local
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(b))
        && domain.contains(&b'.')
        && domain
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b".-".contains(b))
        && domain
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
}

/// `1.2.3`, `v2.14.0-rc.1`, `10.0.0.1`.
fn is_version(s: &[u8]) -> bool {
    let s = s.strip_prefix(b"v").unwrap_or(s);
    let core_end = s
        .iter()
        .position(|&b| b == b'-' || b == b'+')
        .unwrap_or(s.len());
    let core = &s[..core_end];
    let parts: Vec<&[u8]> = core.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
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
            "<your-key-here>",
            "key>",
            "<token",
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
        // One angle bracket inside a generated password is one of its symbols.
        for p in ["Kq8v>Lm2Rx9zQ7pW", "7xDx}vYR&k<qXG3CF@vy"] {
            assert!(!f.is_placeholder(p.as_bytes()), "{p} is not a placeholder");
        }
        // Real prefix, filler body.
        for p in [
            "sk_live_000000000000000000000000",
            "xoxp-0000000000-0000000000-0000000000-00000000000000000000000000000000",
            "SG.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
            "00000000-0000-0000-0000-000000000000",
            "rk_live_1234567890abcdef",
        ] {
            assert!(
                f.is_placeholder(p.as_bytes()),
                "{p} should be a placeholder"
            );
        }
        for real in [
            "q8Zt1mW3xPv7Rk2L",
            "ghp_Zq8RtY2uVw3XyA4bC5dE6fG7hJ8kL90000",
            "xoxb-4829103756-7715320948-Zq8RtY2uVw3XyA4bC5dE6fG7", // keyward:allow (fake)
            "sl.u.AAAAAAAAAAA9kQ2mZ7xR4pLvN1cT8bWqYs3HdJ6fK0gUeO5iA2rX",
        ] {
            assert!(
                !f.is_placeholder(real.as_bytes()),
                "{real} is not a placeholder"
            );
        }
    }

    #[test]
    fn typed_runs_are_short_runs_and_nothing_else() {
        for run in ["123456", "qwerty", "abcdefgh", "987654321", "QWERTYUIOP"] {
            assert!(is_typed_run(run.as_bytes()), "{run}");
            assert!(is_filler(run.as_bytes()), "{run} is filler in a token");
        }
        for other in [
            "12345",
            "123456.789",
            "+ssh-dss",
            "0123456789abcdef0123456789abcdef",
            "qwerty123",
            "aaaaaaaa",
        ] {
            assert!(!is_typed_run(other.as_bytes()), "{other}");
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
        for r in [
            "Tr0ub4dor&3x",
            "q8Zt1mW3xPv7Rk2LzN0c",
            "Vb8nQ2rLx7ZpK4mT",
            "kJhGtRfDsEwQaZxCvBnMlPoI",
            "django-insecure-7h#k2@v9!q$z3m^x8w*r1t&y6p",
            "Tq8%2FvLm2Rx9Zk%40w4",
        ] {
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
            "password123",
            "P@ssw0rd!",
            "s3cr3t-P4ssw0rd!",
            "test_key_2024",
            "devpassword1",
            "{password}",
            "getpass()",
            "ops@acme.io",
            "v2.14.0-rc.1",
            "C:\\secrets\\app.pfx",
            "my-service-account-01",
            "AWS_SECRET_ACCESS_KEY_2",
            "kubernetes.io/service-account-token",
            "test-token-for-unit-tests-only-1",
            "dGVzdA==",
            "hunter2hunter2",
            "Summer2024!",
            "pass%2Eword",
            "pass%3Acolon",
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
