//! The rule format (`rules/*.toml`, `[[rules]]` in config) and its compiled form.
//!
//! A [`RuleSpec`] is exactly what a file says; a [`Rule`] is a checked spec whose regexes compile
//! on first use, so starting a hook or an editor session does not pay for rules that never fire.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use serde::Serialize;

pub use super::spec::{Category, Confidence, RuleSpec};
use super::{validate::Validator, DetectError};

/// The metadata of a rule that travels with each finding (cheap to share through an `Arc`).
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub category: Category,
    pub confidence: Confidence,
    pub remediation: String,
    pub reference: Option<String>,
    pub env_var: Option<String>,
}

/// Standard filters a rule may opt out of by name.
pub const FILTER_NAMES: [&str; 6] = [
    "placeholder",
    "typed_run",
    "reference",
    "known_example",
    "hash",
    "lockfile",
];

/// Syntax readers a rule may take its candidates from (`src/detect/syntax/`): `generated`
/// values and `human` passwords bound to credential names.
pub const READER_NAMES: [&str; 2] = ["generated", "human"];

/// Decoders a rule may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// The capture is base64: what the decoded text yields is reported, else the plaintext is
    /// judged as the rule's own secret.
    Base64,
    /// The capture is base64 wrapping a credential of another rule's (`ZXlK…` is a JWT once
    /// more encoded): only what the decoded text yields is reported.
    Base64Wrapped,
}

/// A checked rule. Regexes compile lazily, once per process.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    pub info: std::sync::Arc<RuleInfo>,
    pub validator: Option<Validator>,
    pub decoder: Option<Decoder>,
    /// The compiled `path` glob, on first use (see [`Rule::path_glob`]).
    path_glob: OnceLock<Option<globset::GlobMatcher>>,
    /// Index of the capture group that holds the secret.
    secret_group: OnceLock<usize>,
    regex: OnceLock<Regex>,
    context: OnceLock<Option<Regex>>,
}

/// Bytes after a keyword hit that a rule's regex may reach by default.
pub const DEFAULT_WINDOW: usize = 512;
/// Bytes either side of a secret in which a rule's `context` must match by default.
pub const DEFAULT_CONTEXT_WINDOW: usize = 400;
/// Compiled regex size limit per rule: generous for real rules, a wall against pathological ones.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;

pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        // ASCII classes: secrets are ASCII, and Unicode-aware \w and \b are far slower.
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

impl Rule {
    /// Checks a spec. With `eager`, the regexes are compiled now (user rules: an invalid regex
    /// must be reported at load time, naming the rule); built-in rules compile on first use and
    /// are covered by the rule tests.
    pub fn new(spec: RuleSpec, origin: &str, eager: bool) -> Result<Rule, DetectError> {
        let rule_id = spec.id.clone();
        let bad = |message: String| DetectError::InvalidRule {
            origin: origin.to_string(),
            rule: rule_id.clone(),
            message,
        };
        if spec.id.is_empty()
            || !spec
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        {
            return Err(bad(
                "`id` must be non-empty kebab-case (a-z, 0-9, `-`, `.`)".into(),
            ));
        }
        if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
            return Err(bad(
                "`keywords` must list at least one literal of two or more bytes; the regex only runs near them".into(),
            ));
        }
        match (&spec.reader, spec.regex.is_empty()) {
            (Some(r), true) if READER_NAMES.contains(&r.as_str()) => {}
            (Some(r), true) => {
                return Err(bad(format!(
                    "unknown reader `{r}` (known: {})",
                    READER_NAMES.join(", ")
                )))
            }
            (Some(_), false) => {
                return Err(bad(
                    "give either `regex` or `reader`, not both: a reader finds the value itself"
                        .into(),
                ))
            }
            (None, true) => return Err(bad("`regex` is missing (or name a `reader`)".into())),
            (None, false) => {}
        }
        let validator = match &spec.validator {
            None => None,
            Some(name) => Some(Validator::from_name(name).ok_or_else(|| {
                bad(format!(
                    "unknown validator `{name}` (known: {})",
                    Validator::NAMES.join(", ")
                ))
            })?),
        };
        let decoder = match spec.decoder.as_deref() {
            None => None,
            Some("base64") => Some(Decoder::Base64),
            Some("base64-wrapped") => Some(Decoder::Base64Wrapped),
            Some(other) => {
                return Err(bad(format!(
                    "unknown decoder `{other}` (known: base64, base64-wrapped)"
                )))
            }
        };
        for f in &spec.skip_filters {
            if !FILTER_NAMES.contains(&f.as_str()) {
                return Err(bad(format!(
                    "unknown filter `{f}` in skip_filters (known: {})",
                    FILTER_NAMES.join(", ")
                )));
            }
        }
        // A bad glob is an error now (naming the rule); compiling it for matching waits for a
        // file that needs it, once per distinct glob in the process.
        if let Some(g) = &spec.path {
            globset::Glob::new(g).map_err(|e| bad(format!("invalid `path` glob: {e}")))?;
        }
        let info = std::sync::Arc::new(RuleInfo {
            id: spec.id.clone(),
            name: spec.name.clone(),
            provider: spec.provider.clone().unwrap_or_else(|| spec.name.clone()),
            category: spec.category,
            confidence: spec.confidence,
            remediation: spec.remediation.clone(),
            reference: spec.reference.clone(),
            env_var: spec.env_var.clone(),
        });
        let rule = Rule {
            spec,
            info,
            validator,
            decoder,
            path_glob: OnceLock::new(),
            secret_group: OnceLock::new(),
            regex: OnceLock::new(),
            context: OnceLock::new(),
        };
        if eager {
            rule.compile().map_err(bad)?;
        }
        Ok(rule)
    }

    /// Compiles both regexes, reporting a readable error instead of panicking later.
    pub fn compile(&self) -> Result<(), String> {
        let _ = self.path_glob();
        if self.spec.reader.is_some() {
            return Ok(());
        }
        let re = build_regex(&self.spec.regex).map_err(|e| format!("invalid `regex`: {e}"))?;
        let group = secret_group_of(&re)?;
        let ctx = match &self.spec.context {
            Some(c) => Some(build_regex(c).map_err(|e| format!("invalid `context`: {e}"))?),
            None => None,
        };
        let _ = self.secret_group.set(group);
        let _ = self.regex.set(re);
        let _ = self.context.set(ctx);
        Ok(())
    }

    /// The rule's `path` glob, compiled on first use and shared by every rule with the same
    /// glob text (the MCP configuration rules name one file list three times): a process
    /// start then pays for no glob, and a scan for each distinct glob once.
    pub fn path_glob(&self) -> Option<&globset::GlobMatcher> {
        self.path_glob
            .get_or_init(|| self.spec.path.as_deref().map(shared_glob))
            .as_ref()
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The rule's regex, compiled on first use. Built-in rules are tested to compile; a user
    /// rule was compiled eagerly at load time, so this cannot fail for a loaded rule.
    pub(crate) fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            build_regex(&self.spec.regex)
                .unwrap_or_else(|e| panic!("rule {} has an invalid regex: {e}", self.spec.id))
        })
    }

    pub(crate) fn secret_group(&self) -> usize {
        *self
            .secret_group
            .get_or_init(|| secret_group_of(self.regex()).unwrap_or(0))
    }

    pub(crate) fn context_regex(&self) -> Option<&Regex> {
        self.context
            .get_or_init(|| {
                self.spec.context.as_ref().map(|c| {
                    build_regex(c).unwrap_or_else(|e| {
                        panic!("rule {} has an invalid context regex: {e}", self.spec.id)
                    })
                })
            })
            .as_ref()
    }

    pub(crate) fn window(&self) -> usize {
        self.spec.window.unwrap_or(DEFAULT_WINDOW)
    }

    pub(crate) fn context_window(&self) -> usize {
        self.spec.context_window.unwrap_or(DEFAULT_CONTEXT_WINDOW)
    }

    pub(crate) fn skips(&self, filter: &str) -> bool {
        self.spec.skip_filters.iter().any(|f| f == filter)
    }
}

fn shared_glob(glob: &str) -> globset::GlobMatcher {
    static CACHE: OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, globset::GlobMatcher>>,
    > = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(glob.to_string())
        .or_insert_with(|| {
            globset::GlobBuilder::new(glob)
                .literal_separator(false)
                .build()
                .expect("rule globs are checked when the rule is created")
                .compile_matcher()
        })
        .clone()
}

/// The secret is the named group `secret` if there is one, else group 1, else the whole match.
fn secret_group_of(re: &Regex) -> Result<usize, String> {
    if let Some(i) = re.capture_names().position(|n| n == Some("secret")) {
        return Ok(i);
    }
    Ok(if re.captures_len() > 1 { 1 } else { 0 })
}
