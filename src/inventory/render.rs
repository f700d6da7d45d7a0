//! The inventory as text, JSON, CSV and Markdown (HTML is in [`super::html`]). Every format
//! carries redacted values only.
//!
//! JSON (`"version": 1`, `"kind": "inventory"`): `repository`, `scope` (`head`|`history`),
//! `as_of` (RFC 3339), `head` (commit or null), `codeowners` (file or null), `summary`
//! (`total`, `in_head`, `without_owner`, `by_category` {category: n}, `by_age` [{bucket, count}]),
//! `stats` (history scan coverage), `credentials`: [{`fingerprint`, `rule_id`, `rule_name`,
//! `provider`, `category`, `category_label`, `confidence`, `validation`, `secret` (redacted),
//! `in_head`, `first_seen`, `last_seen` (commits: `id`, `author_name`, `author_email`,
//! `author_date`, `summary`), `age_days`, `owner` ({`name`, `source`: `codeowners`|`author`,
//! `file`, `pattern`}), `locations` [{`path`, `commit`, `date`, `head_lines`}], `remediation`,
//! `reference`}].

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Credential, Inventory, Owner, Scope, JSON_VERSION};
use crate::history::{self, report::commit_json};

/// Output formats of `keyward inventory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
    Markdown,
    Html,
}

pub fn write(inv: &Inventory, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Text => write_text(inv, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(inv))?;
            writeln!(out)
        }
        Format::Csv => write_csv(inv, out),
        Format::Markdown => write_markdown(inv, out),
        Format::Html => super::html::write_html(inv, out),
    }
}

pub(crate) fn date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

/// `settings/app.py@1a2b3c4d (HEAD:4)` for each location.
pub(crate) fn location_list(c: &Credential) -> Vec<String> {
    c.locations
        .iter()
        .map(|l| {
            let mut s = format!("{}@{}", l.path.display(), l.commit.short_id());
            if !l.head_lines.is_empty() {
                let lines: Vec<String> = l.head_lines.iter().map(|n| n.to_string()).collect();
                s.push_str(&format!(" (HEAD:{})", lines.join(",")));
            }
            s
        })
        .collect()
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Head => "head",
        Scope::History => "history",
    }
}

pub fn to_json(inv: &Inventory) -> Value {
    let s = inv.summary();
    let credentials: Vec<Value> = inv
        .credentials
        .iter()
        .map(|c| {
            let owner = match &c.owner {
                Owner::CodeOwners {
                    owners,
                    file,
                    pattern,
                } => json!({"name": owners.join(" "), "source": "codeowners", "file": file, "pattern": pattern}),
                Owner::Author { name, email } => {
                    json!({"name": format!("{name} <{email}>"), "source": "author", "file": null, "pattern": null})
                }
            };
            json!({
                "fingerprint": c.fingerprint,
                "rule_id": c.rule_id,
                "rule_name": c.rule_name,
                "provider": c.provider,
                "category": c.category,
                "category_label": c.category.label(),
                "confidence": c.confidence,
                "validation": c.validation,
                "secret": c.secret,
                "in_head": c.in_head,
                "first_seen": commit_json(&c.first_seen),
                "last_seen": commit_json(&c.last_seen),
                "age_days": c.age_days,
                "owner": owner,
                "locations": c.locations.iter().map(|l| json!({
                    "path": l.path.to_string_lossy(),
                    "commit": l.commit.id,
                    "date": l.commit.author_date(),
                    "head_lines": l.head_lines,
                })).collect::<Vec<_>>(),
                "remediation": c.remediation,
                "reference": c.reference,
            })
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "kind": "inventory",
        "repository": inv.repository,
        "scope": scope_name(inv.scope),
        "as_of": history::report::rfc3339(inv.as_of),
        "head": inv.head.as_deref().map(commit_json),
        "codeowners": inv.codeowners,
        "summary": {
            "total": s.total,
            "in_head": s.in_head,
            "without_owner": s.without_owner,
            "by_category": s.by_category.iter().map(|(k, v)| (k.as_str().to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "by_age": s.by_age.iter().map(|(b, n)| json!({"bucket": b, "count": n})).collect::<Vec<_>>(),
        },
        "stats": inv.stats,
        "credentials": credentials,
    })
}

/// A summary, then an aligned table.
pub fn write_text(inv: &Inventory, out: &mut impl Write) -> io::Result<()> {
    let s = inv.summary();
    writeln!(
        out,
        "{}: {} credential{} ({} still in HEAD, {} without a CODEOWNERS owner)",
        inv.repository,
        s.total,
        if s.total == 1 { "" } else { "s" },
        s.in_head,
        s.without_owner
    )?;
    if s.total > 0 {
        let cats: Vec<String> = s
            .by_category
            .iter()
            .map(|(c, n)| format!("{}: {n}", c.label()))
            .collect();
        writeln!(out, "by category: {}", cats.join(", "))?;
        let ages: Vec<String> = s
            .by_age
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(b, n)| format!("{b}: {n}"))
            .collect();
        writeln!(out, "by age: {}", ages.join(", "))?;
        writeln!(out)?;
        let header = [
            "SECRET",
            "PROVIDER",
            "CATEGORY",
            "FIRST SEEN",
            "AGE",
            "HEAD",
            "OWNER",
            "LOCATIONS",
        ];
        let rows: Vec<[String; 8]> = inv
            .credentials
            .iter()
            .map(|c| {
                [
                    c.secret.clone(),
                    c.provider.clone(),
                    c.category.label().to_string(),
                    format!(
                        "{} {}",
                        date(c.first_seen.author_time),
                        c.first_seen.short_id()
                    ),
                    format!("{}d", c.age_days),
                    if c.in_head { "yes" } else { "no" }.to_string(),
                    c.owner.display(),
                    location_list(c).join(", "),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let mut s = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
                }
            }
            s
        };
        writeln!(out, "{}", line(&header.map(String::from)))?;
        for r in &rows {
            writeln!(out, "{}", line(r))?;
        }
    }
    writeln!(out)?;
    let scan = history::HistoryScan {
        stats: inv.stats.clone(),
        ..Default::default()
    };
    let coverage = history::report::summary_line(&scan);
    // The summary line starts with the finding count; the inventory counts credentials instead.
    let coverage = coverage
        .split_once(" in ")
        .map_or(coverage.as_str(), |(_, rest)| rest);
    writeln!(out, "scanned {coverage}")
}

const CSV_HEADER: [&str; 17] = [
    "fingerprint",
    "provider",
    "rule_id",
    "category",
    "confidence",
    "validation",
    "secret",
    "in_head",
    "first_seen_commit",
    "first_seen_date",
    "last_seen_commit",
    "last_seen_date",
    "age_days",
    "owner",
    "owner_source",
    "locations",
    "remediation",
];

/// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled. A
/// field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
/// `'` (OWASP's CSV-injection advice): paths and commit messages are attacker-controlled text.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A header line and one record per credential, CRLF line ends as RFC 4180 says.
pub fn write_csv(inv: &Inventory, out: &mut impl Write) -> io::Result<()> {
    let record = |fields: Vec<String>| -> String {
        let cells: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        format!("{}\r\n", cells.join(","))
    };
    out.write_all(record(CSV_HEADER.iter().map(|s| s.to_string()).collect()).as_bytes())?;
    for c in &inv.credentials {
        let source = if c.owner.is_assigned() {
            "codeowners"
        } else {
            "author"
        };
        out.write_all(
            record(vec![
                c.fingerprint.clone(),
                c.provider.clone(),
                c.rule_id.clone(),
                c.category.as_str().to_string(),
                c.confidence.as_str().to_string(),
                validation_name(c),
                c.secret.clone(),
                c.in_head.to_string(),
                c.first_seen.id.clone(),
                c.first_seen.author_date(),
                c.last_seen.id.clone(),
                c.last_seen.author_date(),
                c.age_days.to_string(),
                c.owner.display(),
                source.to_string(),
                location_list(c).join("; "),
                c.remediation.clone(),
            ])
            .as_bytes(),
        )?;
    }
    Ok(())
}

pub(crate) fn validation_name(c: &Credential) -> String {
    match c.validation {
        crate::detect::Validation::Confirmed => "confirmed".into(),
        crate::detect::Validation::Unchecked => "unchecked".into(),
    }
}

/// Markdown table cell: pipes and backslashes escaped, HTML neutralised, one line.
pub fn md_cell(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "\\`")
        .replace(['\r', '\n'], " ")
}

pub fn write_markdown(inv: &Inventory, out: &mut impl Write) -> io::Result<()> {
    let s = inv.summary();
    writeln!(
        out,
        "# Credential inventory: {}\n",
        md_cell(&inv.repository)
    )?;
    writeln!(
        out,
        "**{}** credentials, **{}** still in HEAD, **{}** without a CODEOWNERS owner (as of {}).\n",
        s.total,
        s.in_head,
        s.without_owner,
        date(inv.as_of)
    )?;
    writeln!(out, "| Category | Count |\n|---|---:|")?;
    for (c, n) in &s.by_category {
        writeln!(out, "| {} | {n} |", c.label())?;
    }
    writeln!(out, "\n| Age | Count |\n|---|---:|")?;
    for (b, n) in &s.by_age {
        writeln!(out, "| {b} | {n} |")?;
    }
    writeln!(
        out,
        "\n| Secret | Provider | Category | Confidence | In HEAD | First seen | Last seen | Age (days) | Owner | Locations | Remediation |\n|---|---|---|---|---|---|---|---:|---|---|---|"
    )?;
    for c in &inv.credentials {
        writeln!(
            out,
            "| `{}` | {} | {} | {} ({}) | {} | {} {} | {} {} | {} | {} | {} | {} |",
            c.secret.replace('`', "'"),
            md_cell(&c.provider),
            c.category.label(),
            c.confidence,
            validation_name(c),
            if c.in_head { "yes" } else { "no" },
            date(c.first_seen.author_time),
            c.first_seen.short_id(),
            date(c.last_seen.author_time),
            c.last_seen.short_id(),
            c.age_days,
            md_cell(&c.owner.display()),
            md_cell(&location_list(c).join(", ")),
            md_cell(&c.remediation),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_follow_rfc_4180() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn csv_fields_never_start_a_formula() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-----BEG…[redacted]"), "'-----BEG…[redacted]");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(md_cell("a|b"), "a\\|b");
        assert_eq!(md_cell("<script>"), "&lt;script&gt;");
        assert_eq!(md_cell("x\ny"), "x y");
    }
}
