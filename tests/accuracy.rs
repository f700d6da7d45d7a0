//! Independent accuracy harness: a generated held-out corpus of realistic files (about a
//! hundred credential kinds in many syntaxes, plus hundreds of decoys) scanned with the default
//! `Scanner`, scored by location. `cargo test --test accuracy -- --nocapture` prints the
//! per-provider and per-decoy-kind tables, every false positive with its rule and every miss
//! with its provider and syntax.
//!
//! The bars are the ones the catalogue is judged on: precision ≥ 0.95 and recall ≥ 0.95.

#[path = "accuracy/corpus.rs"]
mod corpus;
#[path = "accuracy/decoys.rs"]
mod decoys;
#[path = "accuracy/docs.rs"]
mod docs;
#[path = "accuracy/embed.rs"]
mod embed;
#[path = "accuracy/encode.rs"]
mod encode;
#[path = "accuracy/formats.rs"]
mod formats;
#[path = "accuracy/rng.rs"]
mod rng;
#[path = "accuracy/score.rs"]
mod score;

use keyward::{config::Settings, Scanner};

const SEED: u64 = 0x006b_6579_7761_7264;
const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;

#[test]
fn corpus_is_deterministic_and_well_formed() {
    let a = corpus::build(SEED);
    let b = corpus::build(SEED);
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
    let positives: usize = a.iter().map(|f| f.plants.len()).sum();
    let decoys = a.iter().filter(|f| f.decoy.is_some()).count();
    assert!(positives >= 500, "{positives} planted secrets");
    assert!(decoys >= 400, "{decoys} decoy files");
    let providers: std::collections::BTreeSet<_> = a
        .iter()
        .flat_map(|f| f.plants.iter().map(|p| p.provider))
        .collect();
    assert!(providers.len() >= 100, "{} providers", providers.len());
    for f in &a {
        for p in &f.plants {
            assert!(
                p.span.end <= f.text.len() && p.span.start < p.span.end,
                "{}",
                f.path
            );
            assert!(f.decoy.is_none());
        }
    }
}

/// Offline checks in the corpus must really pass: a checksum-valid token is what the
/// validators are there to accept.
#[test]
fn generated_checksums_validate() {
    use keyward::detect::validate::Validator;
    let mut r = rng::Rng::new(7);
    for p in formats::providers() {
        let v = match p.id {
            id if id.starts_with("github-") && id != "github-fine-grained" => {
                Validator::GithubChecksum
            }
            "npm" => Validator::NpmChecksum,
            "pypi" => Validator::PypiMacaroon,
            "age" => Validator::AgeBech32,
            "jwt" => Validator::Jwt,
            "pem-rsa" | "pem-ec" | "pem-pkcs8-rsa" => Validator::PemPrivateKey,
            "openssh" => Validator::OpensshPrivateKey,
            "aws-access-key-id" | "aws-sts-key-id" => Validator::AwsKeyId,
            _ => continue,
        };
        let t = (p.gen)(&mut r);
        assert!(v.check(t.text.as_bytes()), "{} fails {v:?}", p.id);
    }
}

/// The corpus seed: `KEYWARD_ACCURACY_SEED=N` builds another corpus of the same shapes (with
/// other values, names, decoy picks and file mixes), to see whether a rule generalises.
fn seed() -> u64 {
    match std::env::var("KEYWARD_ACCURACY_SEED") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("KEYWARD_ACCURACY_SEED={s}: not a number")),
        Err(_) => SEED,
    }
}

#[test]
fn catalogue_meets_precision_and_recall_bars() {
    let started = std::time::Instant::now();
    let files = corpus::build(seed());
    let scanner = Scanner::new(Settings::default()).expect("default scanner builds");
    let report = score::score(&scanner, &files);
    let elapsed = started.elapsed();
    let mut out = String::new();
    report.render(&mut out);
    println!("{out}");
    println!("corpus built and scanned in {:.2?}", elapsed);
    assert!(
        report.precision() >= MIN_PRECISION && report.recall() >= MIN_RECALL,
        "precision {:.3} (bar {MIN_PRECISION}), recall {:.3} (bar {MIN_RECALL}); run with --nocapture for the tables",
        report.precision(),
        report.recall()
    );
}

/// Runs an external example suite (Nosey Parker `examples`/`negative_examples`, gitleaks
/// `tps`/`fps`) extracted locally as described in `benches/accuracy/external-suites.md`.
/// Their text is not ours to commit, so the suite is read from `KEYWARD_EXTERNAL_SUITE` and the
/// test is ignored by default: `KEYWARD_EXTERNAL_SUITE=/tmp/suite.json cargo test --test
/// accuracy external -- --ignored --nocapture`.
#[test]
#[ignore = "needs a locally extracted suite; see benches/accuracy/external-suites.md"]
fn external_example_suite() {
    let path = std::env::var("KEYWARD_EXTERNAL_SUITE").expect("set KEYWARD_EXTERNAL_SUITE");
    let text = std::fs::read_to_string(&path).expect("suite file reads");
    let suite: Vec<serde_json::Value> = serde_json::from_str(&text).expect("suite is a JSON array");
    // `KEYWARD_EXTERNAL_CONFIDENCE=low` also counts the opt-in tier (person-chosen passwords,
    // password hashes), as `--confidence low` would.
    let mut settings = Settings::default();
    if let Ok(level) = std::env::var("KEYWARD_EXTERNAL_CONFIDENCE") {
        settings.report_at = level.parse().expect("low, medium or high");
    }
    let scanner = Scanner::new(settings).expect("default scanner builds");
    let (mut pos, mut found, mut neg, mut flagged) = (0usize, 0usize, 0usize, 0usize);
    let mut per_rule: std::collections::BTreeMap<String, (usize, usize, usize, usize)> =
        Default::default();
    let mut lines = Vec::new();
    // `KEYWARD_EXTERNAL_REPORT=FILE` also writes, per example, its index and the rule ids found
    // (never the text), for grouping misses by cause outside the test.
    let mut report = Vec::new();
    for (index, ex) in suite.iter().enumerate() {
        let rule = format!(
            "{}:{}",
            ex["suite"].as_str().unwrap_or("?"),
            ex["rule"].as_str().unwrap_or("?")
        );
        let sample = ex["text"].as_str().unwrap_or("");
        let positive = ex["positive"].as_bool().unwrap_or(true);
        let findings = scanner.scan(None, sample.as_bytes()).findings;
        let ids: Vec<&str> = findings.iter().map(|f| f.rule_id()).collect();
        report.push(serde_json::json!({ "index": index, "found": ids }));
        let e = per_rule.entry(rule.clone()).or_default();
        if positive {
            pos += 1;
            e.0 += 1;
            if findings.is_empty() {
                lines.push(format!("MISS {rule}"));
            } else {
                found += 1;
                e.1 += 1;
            }
        } else {
            neg += 1;
            e.2 += 1;
            if !findings.is_empty() {
                flagged += 1;
                e.3 += 1;
                lines.push(format!("FP   {rule} <- {}", ids.join(",")));
            }
        }
    }
    if let Ok(out) = std::env::var("KEYWARD_EXTERNAL_REPORT") {
        let text = serde_json::to_string(&report).expect("report serialises");
        std::fs::write(&out, text).expect("report writes");
    }
    println!("\n== external example suite: {path} ==");
    println!(
        "recall {:.3} ({found}/{pos} positive examples flagged); negatives flagged {flagged}/{neg}; precision {:.3}",
        found as f64 / pos.max(1) as f64,
        found as f64 / (found + flagged).max(1) as f64
    );
    for (rule, (p, f, n, fl)) in &per_rule {
        println!("{rule:<40} pos {f}/{p}  neg flagged {fl}/{n}");
    }
    for l in &lines {
        println!("{l}");
    }
}
