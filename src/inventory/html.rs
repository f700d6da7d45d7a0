//! The inventory as one self-contained HTML page: inline CSS, no scripts, no external assets, so
//! it can be mailed, attached to a ticket or opened offline. A manager reads the top (counts by
//! category and age, the oldest live secrets, the unowned ones); an engineer reads the table.
//! Every piece of repository text (paths, names, messages) is escaped.

use std::io::{self, Write};

use super::{
    render::{date, location_list, validation_name},
    Credential, Inventory, Scope,
};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#1d2430; --muted:#5b6576; --line:#dde2ea; --bg:#f6f8fb; --live:#b42318; --ok:#067647; --warn:#b54708; --bar:#3559c7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1360px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 10px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card .n { font-size: 28px; font-weight: 700; }
.card .l { color: var(--muted); }
.card.alert .n { color: var(--live); }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; margin-top: 16px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { white-space: nowrap; }
.p, .locs code { overflow-wrap: anywhere; white-space: normal; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.more { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.bar { background: var(--bar); height: 10px; border-radius: 5px; min-width: 2px; }
.barcell { width: 50%; }
.full { background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; }
.full td { font-size: 13px; }
/* Eleven columns in a 1400 px window: fixed widths (the colgroup) instead of content-sized ones,
   and anything long (fingerprints, paths, commit ids, owners) wraps inside its own cell; headers break only between words. */
#credentials { table-layout: fixed; }
#credentials th { white-space: normal; overflow-wrap: normal; }
#credentials td, #credentials code, #credentials .pill { overflow-wrap: anywhere; white-space: normal; }
code { white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: #eef1f6; padding: 1px 4px; border-radius: 4px; }
.pill { white-space: nowrap; display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.pill.live { background: #fee4e2; color: var(--live); }
.pill.gone { background: #e7f6ec; color: var(--ok); }
.pill.noowner { background: #fef0c7; color: var(--warn); }
.locs { margin: 0; padding-left: 16px; }
.empty { color: var(--muted); }
footer { color: var(--muted); margin-top: 24px; font-size: 12px; }
@media (max-width: 800px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } .grid2 { grid-template-columns: minmax(0, 1fr); } }
"#;

/// Column widths of the full table (eleven columns), in the order of its header; they add up to
/// 100 %.
const COLUMNS: &str = "<colgroup><col style=\"width:10%\"><col style=\"width:7%\"><col style=\"width:8%\"><col style=\"width:9%\"><col style=\"width:8%\"><col style=\"width:9%\"><col style=\"width:8%\"><col style=\"width:5%\"><col style=\"width:10%\"><col style=\"width:14%\"><col style=\"width:12%\"></colgroup>";

/// The summary lists at most this many unowned secrets; the full table has them all.
const UNOWNED_SHOWN: usize = 8;

pub fn write_html(inv: &Inventory, out: &mut impl Write) -> io::Result<()> {
    let s = inv.summary();
    let oldest_live = inv.oldest_live(5);
    let unowned = inv.without_owner();
    let e = escape;
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>Credential inventory: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        e(&inv.repository)
    )?;
    writeln!(out, "<h1>Credential inventory</h1>")?;
    let head = inv
        .head
        .as_deref()
        .map(|h| format!(", HEAD <code>{}</code>", e(h.short_id())))
        .unwrap_or_default();
    let scope = match inv.scope {
        Scope::Head => "credentials still in HEAD",
        Scope::History => "every credential in the scanned history",
    };
    writeln!(
        out,
        "<p class=\"sub\"><strong>{}</strong>{head} · {scope} · as of {} · {} commits scanned{}</p>",
        e(&inv.repository),
        date(inv.as_of),
        inv.stats.commits,
        if inv.stats.shallow {
            " · <strong>shallow clone</strong>: older history not scanned"
        } else {
            ""
        }
    )?;

    let oldest_age = oldest_live
        .first()
        .map_or("–".to_string(), |c| format!("{} d", c.age_days));
    writeln!(out, "<section class=\"cards\" id=\"summary\">")?;
    card(
        out,
        "total",
        &s.total.to_string(),
        "credentials found",
        false,
    )?;
    card(
        out,
        "in-head",
        &s.in_head.to_string(),
        "still in HEAD",
        s.in_head > 0,
    )?;
    card(
        out,
        "without-owner",
        &s.without_owner.to_string(),
        "without a CODEOWNERS owner",
        s.without_owner > 0,
    )?;
    card(
        out,
        "oldest-live",
        &oldest_age,
        "age of the oldest live secret",
        false,
    )?;
    writeln!(out, "</section>")?;

    writeln!(out, "<div class=\"grid2\">")?;
    let max_cat = s.by_category.values().copied().max().unwrap_or(0).max(1);
    writeln!(out, "<section class=\"panel\" id=\"by-category\"><h2>By category</h2><table><thead><tr><th>Category</th><th>Count</th><th></th></tr></thead><tbody>")?;
    if s.by_category.is_empty() {
        writeln!(out, "<tr><td colspan=\"3\" class=\"empty\">None</td></tr>")?;
    }
    for (c, n) in &s.by_category {
        bar_row(out, c.label(), *n, max_cat)?;
    }
    writeln!(out, "</tbody></table></section>")?;
    let max_age = s.by_age.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    writeln!(out, "<section class=\"panel\" id=\"by-age\"><h2>By age (since first commit)</h2><table><thead><tr><th>Age</th><th>Count</th><th></th></tr></thead><tbody>")?;
    for (b, n) in &s.by_age {
        bar_row(out, b, *n, max_age)?;
    }
    writeln!(out, "</tbody></table></section>\n</div>")?;

    writeln!(out, "<div class=\"grid2\">")?;
    writeln!(out, "<section class=\"panel\" id=\"oldest-live\"><h2>Oldest live secrets</h2><table><thead><tr><th>Secret</th><th>Where</th><th>Age</th><th>Owner</th></tr></thead><tbody>")?;
    if oldest_live.is_empty() {
        writeln!(
            out,
            "<tr><td colspan=\"4\" class=\"empty\">No credential is left in HEAD.</td></tr>"
        )?;
    }
    for c in &oldest_live {
        let where_ = c
            .locations
            .iter()
            .find(|l| !l.head_lines.is_empty())
            .map(|l| format!("{}:{}", l.path.display(), l.head_lines[0]))
            .unwrap_or_default();
        writeln!(
            out,
            "<tr><td><code>{}</code><br>{}</td><td class=\"p\">{}</td><td class=\"num\">{} d</td><td>{}</td></tr>",
            e(&c.secret),
            e(&c.provider),
            e(&where_),
            c.age_days,
            e(&c.owner.display())
        )?;
    }
    writeln!(out, "</tbody></table></section>")?;
    writeln!(out, "<section class=\"panel\" id=\"no-owner\"><h2>Secrets without an owner</h2><table><thead><tr><th>Secret</th><th>Path</th><th>Introduced by</th></tr></thead><tbody>")?;
    if unowned.is_empty() {
        writeln!(out, "<tr><td colspan=\"3\" class=\"empty\">Every credential has a CODEOWNERS owner.</td></tr>")?;
    }
    for c in unowned.iter().take(UNOWNED_SHOWN) {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"p\">{}</td><td>{}</td></tr>",
            e(&c.secret),
            e(&c.locations
                .first()
                .map(|l| l.path.display().to_string())
                .unwrap_or_default()),
            e(&c.owner.display())
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    if unowned.len() > UNOWNED_SHOWN {
        writeln!(
            out,
            "<p class=\"more\">and {} more: see the full table below.</p>",
            unowned.len() - UNOWNED_SHOWN
        )?;
    }
    writeln!(out, "</section>\n</div>")?;

    writeln!(out, "<h2>All credentials</h2>\n<div class=\"full\"><table id=\"credentials\">{COLUMNS}<thead><tr><th>Secret</th><th>Provider</th><th>Category</th><th>Confidence</th><th>Status</th><th>First seen</th><th>Last seen</th><th>Age</th><th>Owner</th><th>Locations</th><th>Remediation</th></tr></thead><tbody>")?;
    if inv.credentials.is_empty() {
        writeln!(
            out,
            "<tr><td colspan=\"11\" class=\"empty\">No credentials found.</td></tr>"
        )?;
    }
    for c in &inv.credentials {
        full_row(out, c)?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<footer>Generated by keyward {}. Values are redacted; fingerprints identify credentials without revealing them. {} blobs ({:.1} MB) scanned; {} binary, {} over the size limit, {} missing.</footer>",
        env!("CARGO_PKG_VERSION"),
        inv.stats.blobs_scanned,
        inv.stats.bytes_scanned as f64 / 1e6,
        inv.stats.skipped_binary,
        inv.stats.skipped_too_large,
        inv.stats.missing_blobs
    )?;
    writeln!(out, "</main>\n</body>\n</html>")
}

fn card(out: &mut impl Write, id: &str, n: &str, label: &str, alert: bool) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"card{}\" id=\"card-{id}\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>",
        if alert { " alert" } else { "" },
        escape(n),
        escape(label)
    )
}

fn bar_row(out: &mut impl Write, label: &str, n: usize, max: usize) -> io::Result<()> {
    let pct = n * 100 / max;
    writeln!(
        out,
        "<tr><td>{}</td><td class=\"num\">{n}</td><td class=\"barcell\">{}</td></tr>",
        escape(label),
        if n > 0 {
            format!("<div class=\"bar\" style=\"width:{pct}%\"></div>")
        } else {
            String::new()
        }
    )
}

fn full_row(out: &mut impl Write, c: &Credential) -> io::Result<()> {
    let e = escape;
    let status = if c.in_head {
        "<span class=\"pill live\">in HEAD</span>"
    } else {
        "<span class=\"pill gone\">history only</span>"
    };
    let owner = if c.owner.is_assigned() {
        e(&c.owner.display())
    } else {
        format!(
            "{}<br><span class=\"pill noowner\">no CODEOWNERS owner</span>",
            e(&c.owner.display())
        )
    };
    let locs: String = location_list(c)
        .iter()
        .map(|l| format!("<li><code>{}</code></li>", e(l)))
        .collect();
    let reference = c
        .reference
        .as_deref()
        .filter(|r| r.starts_with("https://"))
        .map(|r| format!(" <a href=\"{}\">docs</a>", e(r)))
        .unwrap_or_default();
    writeln!(
        out,
        "<tr class=\"credential\" data-fingerprint=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} ({})</td><td>{status}</td><td>{} <code>{}</code><br>{}</td><td>{} <code>{}</code></td><td class=\"num\">{} d</td><td>{owner}</td><td><ul class=\"locs\">{locs}</ul></td><td class=\"rem\">{}{reference}</td></tr>",
        e(&c.fingerprint),
        e(&c.secret),
        e(&c.provider),
        e(c.category.label()),
        c.confidence,
        validation_name(c),
        date(c.first_seen.author_time),
        e(c.first_seen.short_id()),
        e(&c.first_seen.author_name),
        date(c.last_seen.author_time),
        e(c.last_seen.short_id()),
        c.age_days,
        e(&c.remediation),
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;"
        );
    }
}
