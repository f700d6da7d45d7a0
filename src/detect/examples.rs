//! Runs a rule's own examples through a detector: the test suite and `keyward rules check`
//! share this, so a rule that ships is a rule whose examples pass.

use std::path::Path;

use super::{Detector, Finding, Input, Rule};

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    /// `true` for an example that should have matched, `false` for a negative example that did.
    pub positive: bool,
    pub index: usize,
    pub problem: String,
}

/// Whether `finding` is `rule`'s. A decoder rule's finding carries the identity of the rule that
/// recognised the decoded text (a base64-wrapped PEM key reports as `pem-private-key`), so for
/// such a rule a finding on exactly the bytes its regex captures is its own.
fn is_rules_finding(rule: &Rule, finding: &Finding, text: &[u8]) -> bool {
    if finding.rule.id == rule.id() {
        return true;
    }
    rule.decoder.is_some()
        && rule
            .regex()
            .captures_iter(text)
            .filter_map(|c| c.get(rule.secret_group()))
            .any(|m| m.range() == finding.span)
}

/// Checks every example of `rule` against `detector` (which must contain the rule). Each
/// positive example must yield a finding of this rule (or, for a decoder rule, of the rule its
/// decoded text matched); each negative example must not.
pub fn check_examples(detector: &Detector, rule: &Rule) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    let path = rule.spec.example_path.as_deref().map(Path::new);
    let scan = |text: &str| {
        let input = match path {
            Some(p) => Input::with_path(text.as_bytes(), p),
            None => Input::new(text.as_bytes()),
        };
        detector.scan(input)
    };
    if rule.spec.examples.is_empty() {
        failures.push(ExampleFailure {
            rule: rule.id().to_string(),
            positive: true,
            index: 0,
            problem: "has no examples".into(),
        });
    }
    if rule.spec.negative_examples.is_empty() {
        failures.push(ExampleFailure {
            rule: rule.id().to_string(),
            positive: false,
            index: 0,
            problem: "has no negative examples".into(),
        });
    }
    for (i, ex) in rule.spec.examples.iter().enumerate() {
        let found = scan(ex);
        if !found
            .iter()
            .any(|f| is_rules_finding(rule, f, ex.as_bytes()))
        {
            let others: Vec<&str> = found.iter().map(|f| f.rule.id.as_str()).collect();
            failures.push(ExampleFailure {
                rule: rule.id().to_string(),
                positive: true,
                index: i,
                problem: if others.is_empty() {
                    "example produced no finding".into()
                } else {
                    format!("example matched other rules instead: {}", others.join(", "))
                },
            });
        }
    }
    for (i, ex) in rule.spec.negative_examples.iter().enumerate() {
        if scan(ex)
            .iter()
            .any(|f| is_rules_finding(rule, f, ex.as_bytes()))
        {
            failures.push(ExampleFailure {
                rule: rule.id().to_string(),
                positive: false,
                index: i,
                problem: "negative example produced a finding".into(),
            });
        }
    }
    failures
}
