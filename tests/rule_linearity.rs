//! Every built-in rule scans in time linear in its input. A rule whose regex backtracks over a
//! long window (the old `pem-private-key` `.{40,16000}?` cost ~3 s per header) turns a 90 KB
//! staged file into a 15-second commit and a language server that lags on every edit.
//!
//! For each rule alone and each of its keywords, pathological inputs — the keyword then one line
//! of base64, the keyword then one repeated character, the keyword repeated with spaces, and one
//! long minified line of `"keyword", ` or `keyword: | ` — are scanned at a small and a large size. Wall-clock limits would be flaky on a shared
//! CI machine, so the check is on the shape: the time per byte at the large size may not exceed
//! three times the time per byte at the small size (best of several runs, ten times the size),
//! and no rule may fall under a floor far below any build's speed. Throughput is printed;
//! in an optimised build (`cargo test --release`) it must also reach 50 MB/s over the whole set.

mod common;

use std::time::{Duration, Instant};

use keyward::detect::{builtin_specs, Detector, Input, Rule, RuleSpec};

const SMALL: usize = 50 * 1024;
const LARGE: usize = 500 * 1024;
/// A floor per rule and input, under what any build reaches (a debug build scans the whole set
/// at ~55 MB/s, its slowest input, a one-line run of YAML block-scalar markers, at ~3 MB/s; a
/// value under the floor is measured again, longer, before it fails), and far over a
/// window-bound blow-up like 0.1.0's `pem-private-key` `.{40,16000}?`, which is linear in the
/// number of headers but ~3 s each (~0.01 MB/s): the ratio alone would not see that.
const MIN_RULE_MB_PER_S: f64 = 2.0;
/// How much worse than linear the large input may scale before it counts as super-linear.
const MAX_RATIO: f64 = 3.0;

fn base64_line(n: usize) -> String {
    // A fixed pseudo-random sequence: no repeats the engine could shortcut.
    common::fake::text(
        0x9e37_79b9,
        n,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    )
}

/// The text of `example` up to the end of its first `keyword` (ASCII case-insensitive), so a
/// pathological body follows a real header (`-----BEGIN RSA PRIVATE KEY-----`) rather than the
/// bare keyword.
fn header_of(example: &str, keyword: &str) -> Option<String> {
    let at = example
        .to_ascii_lowercase()
        .find(&keyword.to_ascii_lowercase())?;
    let end = at + keyword.len();
    example
        .is_char_boundary(end)
        .then(|| example[..end].to_string())
}

/// The pathological inputs for one keyword at `size` bytes, with a label for messages;
/// `header`, from one of the rule's examples, adds the header-then-garbage shapes.
fn inputs(keyword: &str, header: Option<&str>, size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut b64 = format!("{keyword}=");
    b64.push_str(&base64_line(size.saturating_sub(b64.len())));
    let mut same = format!("{keyword}: \"");
    same.push_str(&"A".repeat(size.saturating_sub(same.len())));
    let unit = format!("{keyword} ");
    let dense = unit.repeat(size / unit.len().max(1) + 1);
    // Minified code on one long line: the keyword as a quoted name followed by a comma
    // (`"token", `), and as a field opening a YAML block scalar (`token: | `), at every hit.
    let listed = format!("\"{keyword}\", ");
    let listed = listed.repeat(size / listed.len().max(1) + 1);
    let block = format!("{keyword}: | ");
    let block = block.repeat(size / block.len().max(1) + 1);
    let mut out = vec![
        ("keyword + one-line base64", b64.into_bytes()),
        ("keyword + repeated character", same.into_bytes()),
        ("repeated keyword", dense.into_bytes()),
        (
            "repeated quoted keyword and comma, one line",
            listed.into_bytes(),
        ),
        (
            "repeated keyword and block-scalar marker, one line",
            block.into_bytes(),
        ),
    ];
    if let Some(h) = header {
        let mut one = format!("{h}\n");
        one.push_str(&base64_line(size.saturating_sub(one.len())));
        // Many headers, each followed by 30 KB of one-line base64 and no end line.
        let block = format!("{h}\n{}\n", base64_line(30 * 1024));
        let many = block.repeat(size / block.len() + 1);
        out.push(("example header + one-line base64", one.into_bytes()));
        out.push(("example header + 30 KB base64, repeated", many.into_bytes()));
    }
    out
}

/// Best of `runs` scan times (the minimum is the least disturbed by other load).
fn best(det: &Detector, bytes: &[u8], runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(det.scan(Input::new(bytes)));
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// Super-linear cases of `specs` (one message each), bytes scanned at the large size and the
/// time that took.
fn superlinear(specs: Vec<(&str, RuleSpec)>) -> (Vec<String>, usize, Duration) {
    let mut failures = Vec::new();
    let (mut bytes_total, mut time_total) = (0usize, Duration::ZERO);
    let mut slowest: Option<(f64, String)> = None;
    for (origin, spec) in specs {
        let id = spec.id.clone();
        let keywords = spec.keywords.clone();
        let examples = spec.examples.clone();
        let rule = Rule::new(spec, origin, false).expect("rule compiles");
        let det = Detector::new(vec![rule]).expect("detector");
        for kw in &keywords {
            let header = examples.iter().find_map(|e| header_of(e, kw));
            let small = inputs(kw, header.as_deref(), SMALL);
            let large = inputs(kw, header.as_deref(), LARGE);
            for ((label, s), (_, l)) in small.iter().zip(&large) {
                let ratio_of = |ts: Duration, tl: Duration| {
                    let ts = ts.max(Duration::from_micros(50));
                    (tl.as_secs_f64() / l.len() as f64) / (ts.as_secs_f64() / s.len() as f64)
                };
                let (mut ts, mut tl) = (best(&det, s, 2), best(&det, l, 2));
                bytes_total += l.len();
                time_total += tl;
                let mb_per_s_of = |tl: Duration| l.len() as f64 / 1e6 / tl.as_secs_f64();
                let mut ratio = ratio_of(ts, tl);
                if ratio > MAX_RATIO || mb_per_s_of(tl) < MIN_RULE_MB_PER_S {
                    // Measure a suspect again, longer: one preemption on a busy machine must
                    // not pass for a super-linear or slow rule.
                    (ts, tl) = (best(&det, s, 7), best(&det, l, 5));
                    ratio = ratio_of(ts, tl);
                }
                let mb_per_s = mb_per_s_of(tl);
                if slowest.as_ref().is_none_or(|(v, _)| mb_per_s < *v) {
                    slowest = Some((mb_per_s, format!("{id} ({label})")));
                }
                if mb_per_s < MIN_RULE_MB_PER_S {
                    failures.push(format!(
                        "{id} (keyword {kw:?}, {label}): {mb_per_s:.2} MB/s, under {MIN_RULE_MB_PER_S} MB/s"
                    ));
                }
                if ratio > MAX_RATIO {
                    failures.push(format!(
                        "{id} (keyword {kw:?}, {label}): {:.1} ms for {} KB vs {:.1} ms for {} KB: {ratio:.1}x worse than linear",
                        tl.as_secs_f64() * 1e3,
                        l.len() / 1024,
                        ts.as_secs_f64() * 1e3,
                        s.len() / 1024
                    ));
                }
            }
        }
    }
    if let Some((v, what)) = slowest {
        eprintln!("rule_linearity: slowest: {what} at {v:.0} MB/s");
    }
    (failures, bytes_total, time_total)
}

#[test]
fn every_builtin_rule_scans_pathological_input_in_linear_time() {
    let specs = builtin_specs().expect("built-in rules parse");
    assert!(specs.len() > 100, "{} rules", specs.len());
    let (failures, bytes_total, time_total) = superlinear(specs);
    let mb_per_s = bytes_total as f64 / 1e6 / time_total.as_secs_f64();
    eprintln!(
        "rule_linearity: {:.0} MB of pathological input at {mb_per_s:.0} MB/s overall",
        bytes_total as f64 / 1e6
    );
    assert!(
        failures.is_empty(),
        "super-linear rules:\n{}",
        failures.join("\n")
    );
    if !cfg!(debug_assertions) {
        assert!(
            mb_per_s >= 50.0,
            "pathological input scans at {mb_per_s:.0} MB/s, under 50 MB/s"
        );
    }
}
