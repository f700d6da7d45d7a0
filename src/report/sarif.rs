//! SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, VS Code's SARIF
//! viewer). Never contains a full secret, whatever the options: SARIF files get uploaded.

use std::{
    collections::BTreeMap,
    io::{self, Write},
    path::Path,
};

use serde_json::{json, Value};

use super::{text::describe_suppression, Item, Report};
use crate::{
    detect::{Confidence, RuleInfo},
    suppress::Suppressed,
};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of keyward's fingerprint in `partialFingerprints`; versioned like SARIF asks.
pub const FINGERPRINT_KEY: &str = "keywardFingerprint/v1";
const INFORMATION_URI: &str = "https://github.com/keyward/keyward";

/// high → error, medium → warning, low → note.
pub fn level(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

/// `github-pat-classic` → `GithubPatClassic`: SARIF wants an identifier-like rule name.
fn pascal_case(id: &str) -> String {
    id.split(['-', '.', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encodes a path for use in a URI (RFC 3986 unreserved characters and `/` stay).
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file:///abs/dir/` for a directory (the trailing slash makes it a base for relative URIs).
pub fn dir_uri(dir: &Path) -> String {
    let mut p = super::display_path(dir);
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{}", encode_uri_path(&p))
}

fn rule_descriptor(r: &RuleInfo) -> Value {
    let mut help = r.remediation.trim().to_string();
    if let Some(v) = &r.env_var {
        help.push_str(&format!(" Suggested environment variable: {v}."));
    }
    let mut d = json!({
        "id": r.id,
        "name": pascal_case(&r.id),
        "shortDescription": { "text": format!("{} ({})", r.name, r.provider) },
        "fullDescription": {
            "text": format!("A hardcoded {} issued by {}: {}.", r.category.label(), r.provider, r.name)
        },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(r.confidence) },
        "properties": {
            "category": r.category.as_str(),
            "categoryLabel": r.category.label(),
            "confidence": r.confidence.as_str(),
            "provider": r.provider,
            "tags": ["security", "secret", r.category.as_str()],
            "precision": match r.confidence {
                Confidence::High => "very-high",
                Confidence::Medium => "high",
                Confidence::Low => "medium",
            },
        },
    });
    if let Some(uri) = &r.reference {
        d["helpUri"] = json!(uri);
    }
    d
}

fn result(item: &Item, rule_index: usize) -> Value {
    let f = &item.finding;
    let r = &f.rule;
    let mut res = json!({
        "ruleId": r.id,
        "ruleIndex": rule_index,
        "level": level(r.confidence),
        "message": {
            "text": format!(
                "{} ({}, {}): {}. {}",
                r.name,
                r.provider,
                r.category.label(),
                f.secret.redacted(),
                r.remediation.trim()
            )
        },
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint() },
        "properties": {
            "confidence": r.confidence.as_str(),
            "category": r.category.as_str(),
            "validation": match f.validation {
                crate::detect::Validation::Confirmed => "confirmed",
                crate::detect::Validation::Unchecked => "unchecked",
            },
        },
    });
    if let Some(path) = &item.path {
        res["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": encode_uri_path(path), "uriBaseId": "%SRCROOT%" },
                "region": {
                    "startLine": f.start.line,
                    "startColumn": item.utf16_columns.0,
                    "endLine": f.end.line,
                    "endColumn": item.utf16_columns.1,
                }
            }
        }]);
    }
    if let Some(commit) = item.commit() {
        res["properties"]["commit"] = json!(commit);
    }
    if let Some(s) = &item.suppressed {
        let kind = if matches!(s, Suppressed::Inline(_)) {
            "inSource"
        } else {
            "external"
        };
        res["suppressions"] = json!([{ "kind": kind, "justification": describe_suppression(s) }]);
    }
    res
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // One descriptor per rule that fired, sorted by id; results point at them by index.
    let mut fired: BTreeMap<&str, &RuleInfo> = BTreeMap::new();
    for item in &report.items {
        fired
            .entry(&item.finding.rule.id)
            .or_insert(&item.finding.rule);
    }
    let index: BTreeMap<&str, usize> = fired.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = fired.values().map(|r| rule_descriptor(r)).collect();
    let results: Vec<Value> = report
        .items
        .iter()
        .map(|i| result(i, index[i.finding.rule.id.as_str()]))
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "keyward",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [{ "executionSuccessful": true }],
        "columnKind": "utf16CodeUnits",
        "results": results,
    });
    if let Some(root) = &report.root {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": dir_uri(root) } });
    }
    let doc = json!({ "$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run] });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;

    #[test]
    fn one_rule_per_fired_rule_and_levels() {
        let mut r = testutil::report();
        r.items.push(r.items[0].clone());
        let mut out = Vec::new();
        write(&r, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 1);
        assert_eq!(run["tool"]["driver"]["rules"][0]["name"], "TestToken");
        assert_eq!(run["results"].as_array().unwrap().len(), 2);
        let res = &run["results"][0];
        assert_eq!(res["level"], "error");
        assert_eq!(
            res["locations"][0]["physicalLocation"]["region"]["startColumn"],
            9
        );
        assert_eq!(
            res["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(encode_uri_path("a dir/x#1.py"), "a%20dir/x%231.py");
        assert_eq!(dir_uri(Path::new("/tmp/my repo")), "file:///tmp/my%20repo/");
    }
}
