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

const SEED: u64 = 0x6b65_7977_6172_64;
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

#[test]
fn catalogue_meets_precision_and_recall_bars() {
    let started = std::time::Instant::now();
    let files = corpus::build(SEED);
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
