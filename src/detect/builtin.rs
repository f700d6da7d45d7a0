//! The built-in rules and filters as static data.
//!
//! `build.rs` parses `rules/*.toml` with the same serde types the runtime uses for custom rules
//! (`spec.rs`), rejects a bad file at build time, and writes the result here as statics. A
//! process start then costs a walk over these tables instead of parsing 270 KB of TOML.

use super::spec::{Category, Confidence, RuleSpec};

/// One built-in rule, field for field a [`RuleSpec`] borrowed from the binary.
#[derive(Debug)]
pub(crate) struct StaticRule {
    /// The rule file it came from (`github.toml`), for error messages.
    pub origin: &'static str,
    pub id: &'static str,
    pub name: &'static str,
    pub provider: Option<&'static str>,
    pub category: Category,
    pub confidence: Confidence,
    pub keywords: &'static [&'static str],
    pub regex: &'static str,
    pub reader: Option<&'static str>,
    pub validator: Option<&'static str>,
    pub min_entropy: Option<f64>,
    pub random: bool,
    pub password_value: bool,
    pub context: Option<&'static str>,
    pub context_window: Option<usize>,
    pub window: Option<usize>,
    pub env_var: Option<&'static str>,
    pub pairs_with: Option<&'static str>,
    pub decoder: Option<&'static str>,
    pub path: Option<&'static str>,
    pub example_path: Option<&'static str>,
    pub allow_hex: bool,
    pub skip_filters: &'static [&'static str],
    pub remediation: &'static str,
    pub reference: Option<&'static str>,
    pub examples: &'static [&'static str],
    pub negative_examples: &'static [&'static str],
}

/// `rules/filters.toml`, borrowed from the binary.
#[derive(Debug)]
pub(crate) struct StaticFilters {
    pub placeholder_fragments: &'static [&'static str],
    pub reference_patterns: &'static [&'static str],
    pub known_examples: &'static [&'static str],
    pub lockfiles: &'static [&'static str],
    pub provider_prefixes: &'static [&'static str],
}

/// `rules/names.toml`, borrowed from the binary.
#[derive(Debug)]
pub(crate) struct StaticNames {
    pub password_words: &'static [&'static str],
    pub secret_words: &'static [&'static str],
    pub compound_suffixes: &'static [&'static str],
    pub not_after: &'static [&'static str],
    pub not_before: &'static [&'static str],
    pub not_names: &'static [&'static str],
    pub credential_names: &'static [&'static str],
    pub not_password_values: &'static [&'static str],
    // The vocabulary's own examples: only its tests read them.
    #[cfg_attr(not(test), allow(dead_code))]
    pub examples: &'static [&'static str],
    #[cfg_attr(not(test), allow(dead_code))]
    pub negative_examples: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl StaticRule {
    /// The spec as if parsed from its file. Without `examples`, the example lists are left
    /// empty: scanning never reads them, and only `rules check` and the tests need them.
    pub fn to_spec(&self, examples: bool) -> RuleSpec {
        let own = |s: Option<&str>| s.map(str::to_string);
        RuleSpec {
            id: self.id.to_string(),
            name: self.name.to_string(),
            provider: own(self.provider),
            category: self.category,
            confidence: self.confidence,
            keywords: owned(self.keywords),
            regex: self.regex.to_string(),
            reader: own(self.reader),
            validator: own(self.validator),
            min_entropy: self.min_entropy,
            random: self.random,
            password_value: self.password_value,
            context: own(self.context),
            context_window: self.context_window,
            window: self.window,
            env_var: own(self.env_var),
            pairs_with: own(self.pairs_with),
            decoder: own(self.decoder),
            path: own(self.path),
            example_path: own(self.example_path),
            allow_hex: self.allow_hex,
            skip_filters: owned(self.skip_filters),
            remediation: self.remediation.to_string(),
            reference: own(self.reference),
            examples: if examples {
                owned(self.examples)
            } else {
                Vec::new()
            },
            negative_examples: if examples {
                owned(self.negative_examples)
            } else {
                Vec::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{filters::Filters, parse_rule_file};

    /// The generated tables say exactly what the TOML files say.
    #[test]
    fn statics_match_the_rule_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut from_files = Vec::new();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml") && n != "filters.toml" && n != "names.toml")
            .collect();
        names.sort();
        for name in &names {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            for spec in parse_rule_file(name, &text).unwrap() {
                from_files.push((name.clone(), serde_json::to_value(spec).unwrap()));
            }
        }
        let from_statics: Vec<_> = BUILTIN_RULES
            .iter()
            .map(|r| {
                (
                    r.origin.to_string(),
                    serde_json::to_value(r.to_spec(true)).unwrap(),
                )
            })
            .collect();
        assert_eq!(from_files.len(), from_statics.len());
        for (a, b) in from_files.iter().zip(&from_statics) {
            assert_eq!(a, b);
        }
    }

    /// The embedded vocabulary says exactly what rules/names.toml says.
    #[test]
    fn names_static_matches_the_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/names.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let n: super::super::spec::NamesFile = toml::from_str(&text).unwrap();
        let s = &BUILTIN_NAMES;
        assert_eq!(n.password_words, owned(s.password_words));
        assert_eq!(n.secret_words, owned(s.secret_words));
        assert_eq!(n.compound_suffixes, owned(s.compound_suffixes));
        assert_eq!(n.not_after, owned(s.not_after));
        assert_eq!(n.not_before, owned(s.not_before));
        assert_eq!(n.not_names, owned(s.not_names));
        assert_eq!(n.credential_names, owned(s.credential_names));
        assert_eq!(n.not_password_values, owned(s.not_password_values));
        assert_eq!(n.examples, owned(s.examples));
        assert_eq!(n.negative_examples, owned(s.negative_examples));
    }

    #[test]
    fn builtin_reference_patterns_compile() {
        let f = Filters::from_static(&BUILTIN_FILTERS);
        assert!(f.is_reference(b"${{ secrets.TOKEN }}"));
        assert!(!f.is_reference(b"q8Zt1mW3xPv7Rk2L"));
    }
}
