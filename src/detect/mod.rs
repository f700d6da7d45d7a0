//! The detector: bytes in, findings out. Pure: no I/O, no printing, no global state beyond
//! lazily compiled regexes. The hook, the language server and `keyward scan` all call
//! [`Detector::scan`], so a secret is judged the same everywhere.
//!
//! How a scan stays fast: one pass of a single Aho-Corasick automaton over the buffer finds every
//! rule keyword; a rule's regex then runs only in small windows around its keywords' hits;
//! line/column positions are computed only for the findings that survive the filters.

mod engine;
mod examples;
pub mod filters;
mod finding;
mod lines;
mod rule;
pub mod validate;

use std::{collections::HashMap, path::Path};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use examples::{check_examples, ExampleFailure};
pub use finding::{fingerprint, redact, Finding, Position, Related, Secret, Validation};
pub use lines::LineIndex;
pub use rule::{Category, Confidence, Rule, RuleInfo, RuleSpec};

use filters::Filters;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The shared filter data file, which sits among the rule files but holds no rules.
const FILTERS_FILE: &str = "filters.toml";

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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

/// Parses a rule file (`[[rule]]` tables) into specs.
pub fn parse_rule_file(origin: &str, text: &str) -> Result<Vec<RuleSpec>, DetectError> {
    toml::from_str::<RuleFile>(text)
        .map(|f| f.rule)
        .map_err(|e| toml_error(origin, text, &e))
}

/// Every built-in rule spec with the name of the file it came from.
pub fn builtin_specs() -> Result<Vec<(&'static str, RuleSpec)>, DetectError> {
    let mut out = Vec::new();
    for (name, text) in EMBEDDED_RULE_FILES {
        if *name == FILTERS_FILE {
            continue;
        }
        for spec in parse_rule_file(name, text)? {
            out.push((*name, spec));
        }
    }
    Ok(out)
}

fn builtin_filters() -> Result<Filters, DetectError> {
    let text = EMBEDDED_RULE_FILES
        .iter()
        .find(|(n, _)| *n == FILTERS_FILE)
        .map(|(_, t)| *t)
        .unwrap_or("");
    Filters::from_toml(text)
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
    keywords: AhoCorasick,
    /// For each automaton pattern, the rules that listed it as a keyword.
    keyword_rules: Vec<Vec<usize>>,
    filters: Filters,
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
        let filters = builtin_filters()?;
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
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("keyword automaton builds from plain literals");
        Ok(Detector {
            rules,
            by_id,
            keywords,
            keyword_rules,
            filters,
        })
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
