//! The JSON report, schema version 1 (documented in `docs/json-schema.md`, machine-checkable in
//! `docs/report.schema.json`). Fields are only ever added within a version; a rename or removal
//! bumps `version`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Item, Options, Provenance, Report};
use crate::{
    detect::{Position, Validation},
    suppress::Suppressed,
};

/// Bumped on any incompatible change to the shape below.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    provider: &'a str,
    category: &'static str,
    category_label: &'static str,
    confidence: &'static str,
    /// Root-relative path; null for stdin.
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    /// Where the finding was read from: `tree`, `staged` or `commit` (with the commit).
    provenance: JsonProvenance<'a>,
    start: Position,
    end: Position,
    /// Byte offsets of the secret in the scanned buffer.
    span: Span,
    secret: String,
    secret_redacted: bool,
    fingerprint: String,
    validation: Validation,
    remediation: &'a str,
    reference: Option<&'a str>,
    env_var: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    suppressed: Option<&'a Suppressed>,
}

#[derive(Serialize)]
struct JsonProvenance<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<JsonCommit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    also_at: Option<Vec<JsonAlsoAt<'a>>>,
}

#[derive(Serialize)]
struct JsonCommit<'a> {
    id: &'a str,
    author_name: &'a str,
    author_email: &'a str,
    author_date: &'a str,
    summary: &'a str,
}

#[derive(Serialize)]
struct JsonAlsoAt<'a> {
    path: &'a str,
    commit: &'a str,
}

#[derive(Serialize)]
struct JsonHistory<'a> {
    revisions: Option<&'a str>,
    commits: u64,
    missing_blobs: u64,
    shallow: bool,
}

fn provenance(p: &Provenance) -> JsonProvenance<'_> {
    match p {
        Provenance::Tree => JsonProvenance {
            kind: "tree",
            commit: None,
            also_at: None,
        },
        Provenance::Staged => JsonProvenance {
            kind: "staged",
            commit: None,
            also_at: None,
        },
        Provenance::Commit { commit, also_at } => JsonProvenance {
            kind: "commit",
            commit: Some(JsonCommit {
                id: &commit.id,
                author_name: &commit.author_name,
                author_email: &commit.author_email,
                author_date: &commit.author_date,
                summary: &commit.summary,
            }),
            also_at: Some(
                also_at
                    .iter()
                    .map(|a| JsonAlsoAt {
                        path: &a.path,
                        commit: &a.commit,
                    })
                    .collect(),
            ),
        },
    }
}

#[derive(Serialize)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    rule_id: &'a str,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: u64,
    bytes: u64,
    findings: u64,
    suppressed: u64,
    skipped: Vec<JsonSkipped<'a>>,
    unreadable: u64,
    /// null when the scan did not cover the whole repository (staleness is then unknown).
    stale_baseline: Option<Vec<JsonStale<'a>>>,
    elapsed_ms: u64,
    /// Present for history scans only.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<JsonHistory<'a>>,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    path: &'a str,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
}

#[derive(Serialize)]
struct JsonStale<'a> {
    fingerprint: &'a str,
    rule: &'a str,
    paths: &'a [String],
}

fn finding<'a>(item: &'a Item, opts: &Options) -> JsonFinding<'a> {
    let f = &item.finding;
    let r = &f.rule;
    JsonFinding {
        rule_id: &r.id,
        rule_name: &r.name,
        provider: &r.provider,
        category: r.category.as_str(),
        category_label: r.category.label(),
        confidence: r.confidence.as_str(),
        path: item.path.as_deref(),
        commit: item.commit(),
        provenance: provenance(&item.provenance),
        start: f.start,
        end: f.end,
        span: Span {
            start: f.span.start,
            end: f.span.end,
        },
        secret: item.shown_secret(opts),
        secret_redacted: !opts.show_secrets,
        fingerprint: f.fingerprint(),
        validation: f.validation,
        remediation: &r.remediation,
        reference: r.reference.as_deref(),
        env_var: r.env_var.as_deref(),
        related: f
            .related
            .iter()
            .map(|x| JsonRelated {
                rule_id: &x.rule_id,
                start: x.start,
                end: x.end,
            })
            .collect(),
        suppressed: item.suppressed.as_ref(),
    }
}

pub fn write(report: &Report, opts: &Options, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let doc = Doc {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "keyward",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report.items.iter().map(|i| finding(i, opts)).collect(),
        summary: JsonSummary {
            files: s.files,
            bytes: s.bytes,
            findings: s.findings,
            suppressed: s.suppressed,
            skipped: s
                .skipped
                .iter()
                .map(|k| JsonSkipped {
                    path: &k.path,
                    reason: match k.reason {
                        crate::source::read::SkipReason::Binary => "binary",
                        crate::source::read::SkipReason::TooLarge { .. } => "too_large",
                    },
                    size: match k.reason {
                        crate::source::read::SkipReason::TooLarge { size, .. } => Some(size),
                        crate::source::read::SkipReason::Binary => None,
                    },
                })
                .collect(),
            unreadable: s.unreadable,
            stale_baseline: s.stale_baseline.as_ref().map(|v| {
                v.iter()
                    .map(|e| JsonStale {
                        fingerprint: &e.fingerprint,
                        rule: &e.rule,
                        paths: &e.paths,
                    })
                    .collect()
            }),
            elapsed_ms: s.elapsed_ms,
            history: s.history.as_ref().map(|h| JsonHistory {
                revisions: h.revisions.as_deref(),
                commits: h.commits,
                missing_blobs: h.missing_blobs,
                shallow: h.shallow,
            }),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;

    #[test]
    fn shape_of_version_1() {
        let mut out = Vec::new();
        write(&testutil::report(), &Options::default(), &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["tool"]["name"], "keyward");
        let f = &v["findings"][0];
        assert_eq!(f["rule_id"], "test-token");
        assert_eq!(f["category"], "ai_agent");
        assert_eq!(f["start"]["line"], 1);
        assert_eq!(f["secret"], "tok_Zq8R…[redacted]");
        assert_eq!(f["secret_redacted"], true);
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
        assert_eq!(v["summary"]["files"], 1);
        assert!(v["summary"]["stale_baseline"].is_null());
    }
}
