//! Writing a [`HistoryScan`] as text or JSON until the shared report module learns provenance.
//! Secrets are always redacted.
//!
//! JSON schema (`"version": 1`, `"kind": "history"`): `revisions` (null for every ref), `stats`
//! ([`HistoryStats`](super::HistoryStats) fields), `head` (commit or null) and `findings`, each with
//! `rule_id`, `rule_name`, `provider`, `category`, `confidence`, `validation`, `fingerprint`,
//! `secret` (redacted), `blob`, `path`, `start`/`end` (`{line, column}`, 1-based, in the blob),
//! `commit` (`{id, author_name, author_email, author_date, summary}`), `locations`
//! (`[{path, commit, date}]`, earliest first), `remediation`.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Commit, HistoryScan};

pub const JSON_VERSION: u32 = 1;

pub fn commit_json(c: &Commit) -> Value {
    json!({
        "id": c.id,
        "author_name": c.author_name,
        "author_email": c.author_email,
        "author_date": c.author_date(),
        "summary": c.summary,
    })
}

/// The versioned JSON document described in the module docs.
pub fn to_json(scan: &HistoryScan) -> Value {
    let findings: Vec<Value> = scan
        .findings
        .iter()
        .map(|h| {
            let f = &h.finding;
            json!({
                "rule_id": f.rule.id,
                "rule_name": f.rule.name,
                "provider": f.rule.provider,
                "category": f.rule.category,
                "confidence": f.rule.confidence,
                "validation": f.validation,
                "fingerprint": f.fingerprint(),
                "secret": f.secret.redacted(),
                "blob": h.blob,
                "path": h.path().to_string_lossy(),
                "start": f.start,
                "end": f.end,
                "commit": commit_json(h.commit()),
                "locations": h.locations.iter().map(|l| json!({
                    "path": l.path.to_string_lossy(),
                    "commit": l.commit.id,
                    "date": l.commit.author_date(),
                })).collect::<Vec<_>>(),
                "remediation": f.rule.remediation,
            })
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "kind": "history",
        "revisions": scan.revisions,
        "stats": scan.stats,
        "head": scan.head.as_deref().map(commit_json),
        "findings": findings,
    })
}

pub fn write_json(scan: &HistoryScan, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_json(scan))?;
    writeln!(out)
}

/// One block per finding, then a coverage summary.
pub fn write_text(scan: &HistoryScan, out: &mut impl Write) -> io::Result<()> {
    for h in &scan.findings {
        let f = &h.finding;
        let c = h.commit();
        writeln!(
            out,
            "{}:{}:{}: {} {} [{}, {}]",
            h.path().display(),
            f.start.line,
            f.start.column,
            f.rule.name,
            f.secret.redacted(),
            f.rule.id,
            f.rule.confidence
        )?;
        writeln!(
            out,
            "    introduced in {} {} by {} <{}>: {}",
            c.short_id(),
            c.author_date(),
            c.author_name,
            c.author_email,
            c.summary
        )?;
        for l in h.locations.iter().skip(1) {
            writeln!(
                out,
                "    also at {}@{}",
                l.path.display(),
                l.commit.short_id()
            )?;
        }
        writeln!(out, "    fix: {}", f.rule.remediation)?;
    }
    writeln!(out, "{}", summary_line(scan))
}

/// `3 findings in 120 commits (845 blobs, 4.2 MB scanned; skipped 3 binary, …)`.
pub fn summary_line(scan: &HistoryScan) -> String {
    let s = &scan.stats;
    let mut skipped = Vec::new();
    for (n, what) in [
        (s.skipped_binary, "binary"),
        (s.skipped_too_large, "over the size limit"),
        (s.skipped_allowlisted, "allowlisted"),
        (s.missing_blobs, "missing (partial clone)"),
    ] {
        if n > 0 {
            skipped.push(format!("{n} {what}"));
        }
    }
    let mut line = format!(
        "{} finding{} in {} commit{} ({} blobs, {:.1} MB scanned",
        scan.findings.len(),
        if scan.findings.len() == 1 { "" } else { "s" },
        s.commits,
        if s.commits == 1 { "" } else { "s" },
        s.blobs_scanned,
        s.bytes_scanned as f64 / 1e6
    );
    if !skipped.is_empty() {
        line.push_str(&format!("; skipped {}", skipped.join(", ")));
    }
    line.push(')');
    if s.shallow {
        line.push_str("; shallow clone: history before the shallow boundary was not scanned");
    }
    line
}

/// Seconds since the epoch as RFC 3339 in UTC (`2024-03-01T12:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    super::commits::format_time(seconds)
}
