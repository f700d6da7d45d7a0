//! What a detection produces: a [`Finding`], its position and the secret itself, which never
//! prints in full unless a front-end asks for it explicitly.

use std::{fmt, ops::Range, sync::Arc};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::rule::{Category, Confidence, RuleInfo};

/// A 1-based line and a 1-based column counted in bytes (UTF-8). The language server converts
/// columns to the editor's encoding; everything else reports bytes like compilers do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A secret value. `Debug` and `Display` redact it, so a stray `{:?}` cannot leak it into a log.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    pub fn new(bytes: &[u8]) -> Secret {
        Secret(String::from_utf8_lossy(bytes).into_owned())
    }

    /// The full value. Call sites are the fix path (which stores it) and `--show-secrets`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `ghp_AbC1…[redacted]`: enough to recognise the credential, never enough to use it.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Shows a prefix that identifies the credential's type but not enough to use it: at most 8
/// characters, and never more than a quarter of a short value. Multi-line values show their
/// first line's prefix only.
pub fn redact(value: &str) -> String {
    let first_line = value.lines().next().unwrap_or("");
    let chars: Vec<char> = first_line.chars().collect();
    let total = value.chars().count();
    let shown = (total / 4).clamp(0, 8).min(chars.len());
    let prefix: String = chars[..shown].iter().collect();
    format!("{prefix}…[redacted]")
}

/// Whether an offline check proved the candidate well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// The rule has an offline validator and the candidate passed it.
    Confirmed,
    /// No offline check exists for this kind of credential.
    Unchecked,
}

/// Another part of the same credential (the AWS secret key next to its key id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub rule_id: String,
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
}

/// One hardcoded credential in one buffer.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Arc<RuleInfo>,
    /// Byte range of the secret in the scanned buffer.
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub secret: Secret,
    pub validation: Validation,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn rule_id(&self) -> &str {
        &self.rule.id
    }

    pub fn category(&self) -> Category {
        self.rule.category
    }

    pub fn confidence(&self) -> Confidence {
        self.rule.confidence
    }

    /// Stable identity of the credential: a hash of the rule id and the secret, never the
    /// secret. Independent of path and line, so baselines survive edits and merges.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.rule.id, self.secret.expose())
    }
}

/// `sha256(rule_id NUL secret)`, first 16 bytes in hex.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    hex::encode(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_more_than_a_quarter() {
        assert_eq!(redact("abcdefgh"), "ab…[redacted]");
        let long = "ghp_AbC1defghijklmnopqrstuvwxyz0123456789";
        let r = redact(long);
        assert_eq!(r, "ghp_AbC1…[redacted]");
        assert!(!r.contains("defgh"));
        assert_eq!(redact(""), "…[redacted]");
        assert_eq!(
            redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
            "-----BEG…[redacted]"
        );
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new(b"sk_live_0123456789abcdefghijklmn");
        assert!(!format!("{s:?}").contains("0123456789"));
        assert!(!format!("{s}").contains("0123456789"));
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret_only() {
        assert_eq!(fingerprint("a", "x"), fingerprint("a", "x"));
        assert_ne!(fingerprint("a", "x"), fingerprint("b", "x"));
        assert_ne!(fingerprint("a", "x"), fingerprint("a", "y"));
        assert_eq!(fingerprint("a", "x").len(), 32);
    }
}
