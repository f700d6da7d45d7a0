//! The detector: bytes in, findings out. Pure: no I/O, no printing, no global state beyond
//! lazily compiled regexes. The hook, the language server and `keyward scan` all call
//! [`Detector::scan`], so a secret is judged the same everywhere.
//!
//! How a scan stays fast: one pass of a single Aho-Corasick automaton over the buffer finds every
//! rule keyword; a rule's regex then runs only in small windows around its keywords' hits;
//! line/column positions are computed only for the findings that survive the filters.

mod builtin;
mod engine;
mod examples;
pub mod filters;
mod finding;
mod keywords;
mod lines;
mod rule;
mod spec;
pub mod syntax;
pub mod validate;

use std::{collections::HashMap, path::Path, sync::OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

pub use examples::{check_examples, ExampleFailure};
pub use finding::{fingerprint, redact, Finding, Position, Related, Secret, Validation};
pub use lines::LineIndex;
pub use rule::{Category, Confidence, Rule, RuleInfo, RuleSpec};

use builtin::{BUILTIN_FILTERS, BUILTIN_RULES};
use filters::Filters;
use spec::RuleFile;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("{origin}:{line}:{column}: {message}")]
    Toml {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: rule `{rule}`: {message}")]
    InvalidRule {
        origin: String,
        rule: String,
        message: String,
    },
    #[error("{origin}: rule id `{rule}` is defined twice")]
    DuplicateRule { origin: String, rule: String },
}

/// Turns a TOML error into one that names the file, line and column (1-based).
pub fn toml_error(origin: &str, text: &str, err: &toml::de::Error) -> DetectError {
    let (line, column) = match err.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = before.len()
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            (line, col)
        }
        None => (1, 1),
    };
    DetectError::Toml {
        origin: origin.to_string(),
        line,
        column,
        message: err.message().to_string(),
    }
}

/// Parses a rule file (`[[rule]]` tables) into specs.
pub fn parse_rule_file(origin: &str, text: &str) -> Result<Vec<RuleSpec>, DetectError> {
    toml::from_str::<RuleFile>(text)
        .map(|f| f.rule)
        .map_err(|e| toml_error(origin, text, &e))
}

/// Every built-in rule spec with the name of the file it came from, in file-name order. The
/// rule files were parsed and checked by `build.rs`; this copies the generated tables.
pub fn builtin_specs() -> Result<Vec<(&'static str, RuleSpec)>, DetectError> {
    Ok(BUILTIN_RULES
        .iter()
        .map(|r| (r.origin, r.to_spec(true)))
        .collect())
}

/// Whether `id` names a built-in rule (cheap: the rules are static tables).
pub fn is_builtin_rule(id: &str) -> bool {
    BUILTIN_RULES.iter().any(|r| r.id == id)
}

/// Like [`builtin_specs`] without the rules' example lists: what a scan needs, and no more.
pub(crate) fn builtin_specs_for_scanning() -> Vec<(&'static str, RuleSpec)> {
    BUILTIN_RULES
        .iter()
        .map(|r| (r.origin, r.to_spec(false)))
        .collect()
}

fn builtin_filters() -> Filters {
    Filters::from_static(&BUILTIN_FILTERS)
}

/// What to scan: the bytes and, when known, the path they came from (rules may be path-specific
/// and lockfiles are treated differently).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub bytes: &'a [u8],
    pub path: Option<&'a Path>,
}

impl<'a> Input<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Input { bytes, path: None }
    }

    pub fn with_path(bytes: &'a [u8], path: &'a Path) -> Self {
        Input {
            bytes,
            path: Some(path),
        }
    }
}

/// A compiled set of rules plus the keyword automaton that triggers them.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
    keywords: keywords::Keywords,
    /// For each keyword pattern, the rules that listed it as a keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Distinctive keywords of provider rules, matched anchored at the start of a candidate.
    /// Built on first use: only a generic rule's candidate needs it.
    provider_prefix_words: Vec<String>,
    provider_prefixes: OnceLock<AhoCorasick>,
    filters: Filters,
    /// The rules that take the syntax reader's `generated` and `human` values, when enabled.
    reader_rules: ReaderRules,
}

/// Which rule reports each kind of value the syntax reader finds.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ReaderRules {
    pub generated: Option<usize>,
    pub human: Option<usize>,
}

impl Detector {
    /// The built-in rules and filters, as shipped.
    pub fn builtin() -> Result<Detector, DetectError> {
        let rules = builtin_specs()?
            .into_iter()
            .map(|(origin, spec)| Rule::new(spec, origin, false))
            .collect::<Result<Vec<_>, _>>()?;
        Detector::new(rules)
    }

    /// Builds a detector from checked rules. Rule ids must be unique.
    pub fn new(rules: Vec<Rule>) -> Result<Detector, DetectError> {
        Detector::with_disabled(rules, &[])
    }

    /// Like [`Detector::new`], but rules a user disabled still claim their token prefixes: with
    /// `github-pat-classic` off, a `ghp_` value is silenced, not re-reported by a generic rule.
    pub fn with_disabled(rules: Vec<Rule>, disabled: &[RuleSpec]) -> Result<Detector, DetectError> {
        let filters = builtin_filters();
        let mut by_id = HashMap::with_capacity(rules.len());
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if by_id.insert(rule.id().to_string(), i).is_some() {
                return Err(DetectError::DuplicateRule {
                    origin: "rules".into(),
                    rule: rule.id().to_string(),
                });
            }
            for kw in &rule.spec.keywords {
                let key = kw.to_ascii_lowercase().into_bytes();
                let idx = *pattern_index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[idx].contains(&i) {
                    keyword_rules[idx].push(i);
                }
            }
        }
        let mut reader_rules = ReaderRules::default();
        for (i, rule) in rules.iter().enumerate() {
            let slot = match rule.spec.reader.as_deref() {
                Some("generated") => &mut reader_rules.generated,
                Some("human") => &mut reader_rules.human,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        let provider_prefix_words = provider_prefix_keywords(
            rules.iter().map(|r| &r.spec).chain(disabled),
            &filters.provider_prefixes,
        );
        Ok(Detector {
            rules,
            by_id,
            keywords: keywords::Keywords::new(patterns),
            keyword_rules,
            provider_prefix_words,
            provider_prefixes: OnceLock::new(),
            filters,
            reader_rules,
        })
    }

    /// Every keyword occurrence in a buffer; `keyword_rules` names the rules each belongs to.
    pub(crate) fn keyword_hits(&self, bytes: &[u8]) -> Vec<keywords::Hit> {
        self.keywords.hits(bytes)
    }

    /// Does `secret` start with a provider's token prefix (`ghp_`, `sk-ant-`, `AKIA`, …)? Such a
    /// value belongs to that provider's rule: if the rule rejected it (bad checksum, truncated),
    /// a generic rule must not report it instead.
    pub(crate) fn has_provider_prefix(&self, secret: &[u8]) -> bool {
        let automaton = self.provider_prefixes.get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .start_kind(aho_corasick::StartKind::Anchored)
                .build(&self.provider_prefix_words)
                .expect("prefix automaton builds from plain literals")
        });
        let input = aho_corasick::Input::new(secret).anchored(aho_corasick::Anchored::Yes);
        automaton.find(input).is_some()
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// All findings in one buffer, sorted by position.
    pub fn scan(&self, input: Input<'_>) -> Vec<Finding> {
        engine::scan(self, input, 0)
    }
}

/// Keywords of non-generic rules that look like token prefixes: four or more characters, or
/// ending in a separator (`sg.`, `r8_`). Short words would make ordinary passwords look prefixed.
fn provider_prefix_keywords<'a>(
    specs: impl Iterator<Item = &'a RuleSpec>,
    extra: &'a [std::borrow::Cow<'static, str>],
) -> Vec<String> {
    let mut out: Vec<String> = specs
        .filter(|s| s.category != Category::Generic)
        .flat_map(|s| s.keywords.iter())
        .filter(|k| k.len() >= 4 || k.ends_with(['_', '-', '.']))
        .filter(|k| k.len() >= 3)
        .map(String::as_str)
        .chain(extra.iter().map(|k| &**k))
        .map(|k| k.to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_name_line_and_column() {
        let text = "[[rule]]\nid = \"x\"\nname = \n";
        let err = parse_rule_file("custom.toml", text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("custom.toml:3:"), "{msg}");
    }

    #[test]
    fn builtin_rules_load_and_compile() {
        let d = Detector::builtin().expect("built-in rules load");
        for r in d.rules() {
            r.compile()
                .unwrap_or_else(|e| panic!("rule {}: {e}", r.id()));
        }
    }
}
