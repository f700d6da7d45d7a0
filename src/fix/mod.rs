//! Quick-fixes as pure functions: given a buffer and a finding, what to change and where. The
//! language server (`crate::lsp`) turns these byte-range edits into LSP edits; `keyward run`
//! reads what the fixes wrote. Everything that touches the disk or the network is in the few
//! functions named `store_*`/`write_*` and in [`vault`], so the decisions stay unit-testable.

pub mod dotenv;
pub mod env_read;
pub mod gitignore;
pub mod language;
pub mod literal;
pub mod marker;
pub mod refs;
pub mod vault;

use std::ops::Range;

pub use language::Language;

/// Replace `range` (bytes of the original buffer) with `text`. Edits of one fix never overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            text: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }
}

/// Applies non-overlapping edits to `text` (for tests and for the server's own checks).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `deployToken`, `deploy-token`, `deploy.token` → `DEPLOY_TOKEN`.
pub fn upper_snake(ident: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in ident.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// Whether `name` is a portable environment variable name.
pub fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_snake_cases() {
        assert_eq!(upper_snake("deployToken"), "DEPLOY_TOKEN");
        assert_eq!(upper_snake("deploy-token"), "DEPLOY_TOKEN");
        assert_eq!(upper_snake("GITHUB_TOKEN"), "GITHUB_TOKEN");
        assert_eq!(upper_snake("api.key2"), "API_KEY2");
        assert_eq!(upper_snake("HTTPToken"), "HTTPTOKEN");
        assert_eq!(upper_snake("9lives"), "_9LIVES");
        assert!(is_env_name("A_1"));
        assert!(!is_env_name("1A"));
        assert!(!is_env_name("A-B"));
    }

    #[test]
    fn apply_sorts_edits() {
        let e = [Edit::replace(4..7, "X"), Edit::insert(0, ">")];
        assert_eq!(apply("abc def", &e), ">abc X");
    }
}
