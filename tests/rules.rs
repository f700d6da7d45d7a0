//! Every example of every built-in rule, through the same detector all front-ends use.

use keyward::detect::{check_examples, Category, Detector};

#[test]
fn every_rule_example_behaves() {
    let detector = Detector::builtin().expect("built-in rules load");
    let mut failures = Vec::new();
    for rule in detector.rules() {
        for f in check_examples(&detector, rule) {
            let kind = if f.positive {
                "example"
            } else {
                "negative_example"
            };
            failures.push(format!("{} {kind}[{}]: {}", f.rule, f.index, f.problem));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_is_complete() {
    let detector = Detector::builtin().expect("built-in rules load");
    for rule in detector.rules() {
        let s = &rule.spec;
        assert!(!s.remediation.trim().is_empty(), "{}: remediation", s.id);
        assert!(s.reference.is_some(), "{}: reference URL", s.id);
        rule.compile().unwrap_or_else(|e| panic!("{}: {e}", s.id));
    }
}

#[test]
fn catalogue_covers_every_category() {
    let detector = Detector::builtin().expect("built-in rules load");
    for cat in Category::ALL {
        assert!(
            detector.rules().iter().any(|r| r.spec.category == cat),
            "no rule in category {cat}"
        );
    }
}
