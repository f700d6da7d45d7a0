//! Scores findings by location: a finding overlapping a planted span (or whose paired part
//! does) is a true positive; any other finding is a false positive; a plant nothing overlaps
//! is a miss. Also checks the right provider family fired.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::ops::Range;
use std::path::Path;

use keyward::Scanner;

use super::embed::CorpusFile;

pub struct FalsePositive {
    pub kind: String,
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub redacted: String,
}

pub struct Miss {
    pub provider: &'static str,
    pub syntax: &'static str,
    pub path: String,
    /// Rules that fired elsewhere in the file (a hint why it was missed).
    pub other_rules: Vec<String>,
}

#[derive(Default)]
pub struct ProviderStats {
    pub planted: usize,
    pub detected: usize,
    pub right_family: usize,
    pub rules: BTreeMap<String, usize>,
}

#[derive(Default)]
pub struct Report {
    pub findings: usize,
    pub correct_findings: usize,
    pub planted: usize,
    pub detected: usize,
    pub right_family: usize,
    pub providers: BTreeMap<&'static str, ProviderStats>,
    pub decoy_files: BTreeMap<&'static str, (usize, usize)>,
    pub false_positives: Vec<FalsePositive>,
    pub misses: Vec<Miss>,
    pub wrong_family: Vec<(&'static str, &'static str, String)>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

pub fn score(scanner: &Scanner, files: &[CorpusFile]) -> Report {
    let mut rep = Report::default();
    for f in files {
        let scan = scanner.scan(Some(Path::new(&f.path)), f.text.as_bytes());
        let mut hit = vec![false; f.plants.len()];
        let mut family_ok = vec![false; f.plants.len()];
        let mut fired: Vec<Vec<String>> = vec![Vec::new(); f.plants.len()];
        if let Some(kind) = f.decoy {
            let e = rep.decoy_files.entry(kind).or_default();
            e.0 += 1;
            if !scan.findings.is_empty() {
                e.1 += 1;
            }
        }
        for finding in &scan.findings {
            rep.findings += 1;
            let spans: Vec<Range<usize>> = std::iter::once(finding.span.clone())
                .chain(finding.related.iter().map(|r| r.span.clone()))
                .collect();
            let id = finding.rule_id().to_ascii_lowercase();
            let provider = finding.rule.provider.to_ascii_lowercase();
            let mut matched = false;
            for (i, plant) in f.plants.iter().enumerate() {
                if spans.iter().any(|s| overlaps(s, &plant.span)) {
                    matched = true;
                    hit[i] = true;
                    fired[i].push(finding.rule_id().to_string());
                    if plant
                        .family
                        .iter()
                        .any(|fam| id.contains(fam) || provider.contains(fam))
                    {
                        family_ok[i] = true;
                    }
                }
            }
            if matched {
                rep.correct_findings += 1;
            } else {
                let kind = match f.decoy {
                    Some(k) => k.to_string(),
                    None => format!(
                        "unplanted location in {} file",
                        f.plants.first().map_or("?", |p| p.provider)
                    ),
                };
                rep.false_positives.push(FalsePositive {
                    kind,
                    rule: finding.rule_id().to_string(),
                    path: f.path.clone(),
                    line: finding.start.line,
                    redacted: finding.secret.redacted(),
                });
            }
        }
        let all_rules: Vec<String> = scan
            .findings
            .iter()
            .map(|x| x.rule_id().to_string())
            .collect();
        for (i, plant) in f.plants.iter().enumerate() {
            rep.planted += 1;
            let st = rep.providers.entry(plant.provider).or_default();
            st.planted += 1;
            if hit[i] {
                rep.detected += 1;
                st.detected += 1;
                for r in &fired[i] {
                    *st.rules.entry(r.clone()).or_default() += 1;
                }
                if family_ok[i] {
                    rep.right_family += 1;
                    st.right_family += 1;
                } else {
                    rep.wrong_family
                        .push((plant.provider, plant.syntax, fired[i].join(",")));
                }
            } else {
                // `KEYWARD_ACCURACY_DUMP=DIR` keeps each missed file (fake values made at run
                // time) for reading why it was missed.
                if let Some(dir) = std::env::var_os("KEYWARD_ACCURACY_DUMP") {
                    let name = format!(
                        "{}-{}-{}.txt",
                        rep.misses.len(),
                        plant.provider,
                        plant.syntax
                    );
                    let _ = std::fs::write(Path::new(&dir).join(name), &f.text);
                }
                rep.misses.push(Miss {
                    provider: plant.provider,
                    syntax: plant.syntax,
                    path: f.path.clone(),
                    other_rules: all_rules.clone(),
                });
            }
        }
    }
    rep
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl Report {
    pub fn precision(&self) -> f64 {
        ratio(self.correct_findings, self.findings)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.detected, self.planted)
    }

    pub fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\n== keyward accuracy on the generated held-out corpus =="
        );
        let _ = writeln!(
            out,
            "precision {:.3} ({} of {} findings at planted secrets)\nrecall    {:.3} ({} of {} planted secrets found by any rule)\nright-rule recall {:.3} ({} found by a rule of the expected provider family)",
            self.precision(),
            self.correct_findings,
            self.findings,
            self.recall(),
            self.detected,
            self.planted,
            ratio(self.right_family, self.planted),
            self.right_family,
        );
        let _ = writeln!(
            out,
            "\n-- per provider (planted / found / right rule; rules that fired) --"
        );
        for (p, s) in &self.providers {
            let flag = if s.detected < s.planted {
                "  <-- MISSES"
            } else {
                ""
            };
            let rules: Vec<String> = s.rules.iter().map(|(r, n)| format!("{r}×{n}")).collect();
            let _ = writeln!(
                out,
                "{p:<32} {:>3} {:>3} {:>3}  {}{flag}",
                s.planted,
                s.detected,
                s.right_family,
                rules.join(" ")
            );
        }
        let _ = writeln!(out, "\n-- per decoy kind (files / files with a finding) --");
        for (k, (n, bad)) in &self.decoy_files {
            let _ = writeln!(out, "{k:<32} {n:>4} {bad:>4}");
        }
        let mut by_rule: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for fp in &self.false_positives {
            *by_rule
                .entry(&fp.rule)
                .or_default()
                .entry(&fp.kind)
                .or_default() += 1;
        }
        let _ = writeln!(out, "\n-- false positives by rule (decoy kind × count) --");
        for (rule, kinds) in &by_rule {
            let k: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}×{n}")).collect();
            let _ = writeln!(out, "{rule:<36} {}", k.join(", "));
        }
        let _ = writeln!(out, "\n-- every false positive --");
        for fp in &self.false_positives {
            let _ = writeln!(
                out,
                "FP {:<30} {:<28} {}:{} {}",
                fp.rule, fp.kind, fp.path, fp.line, fp.redacted
            );
        }
        let _ = writeln!(
            out,
            "\n-- every miss (provider, syntax, path; other rules that fired in the file) --"
        );
        for m in &self.misses {
            let _ = writeln!(
                out,
                "MISS {:<30} {:<22} {} [{}]",
                m.provider,
                m.syntax,
                m.path,
                m.other_rules.join(",")
            );
        }
        let _ = writeln!(
            out,
            "\n-- found, but by a rule outside the expected family --"
        );
        for (p, s, rules) in &self.wrong_family {
            let _ = writeln!(out, "FAMILY {p:<30} {s:<22} {rules}");
        }
    }
}
