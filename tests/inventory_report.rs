//! `keyward inventory` on a real repository with a story (see `common/history.rs`): one row per
//! credential, its true first commit and owner, deleted and moved secrets, every format, and the
//! HTML report as headless Chromium renders it.

mod common;
#[path = "common/history.rs"]
mod fixture;

use std::path::Path;

use common::{keyward, require_tool, run, stderr, stdout};
use fixture::story;
use serde_json::Value;

const AS_OF: &str = "2024-07-01";

fn inventory(root: &Path, extra: &[&str]) -> std::process::Output {
    run(keyward()
        .arg("inventory")
        .arg(root)
        .args(["--as-of", AS_OF])
        .args(extra))
}

fn json(root: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let o = inventory(root, &args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "an inventory is a report: exit 0 with credentials unless --fail-at; {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(&o)))
}

fn row<'a>(v: &'a Value, secret_fingerprint: &str) -> &'a Value {
    v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fingerprint"] == secret_fingerprint)
        .unwrap_or_else(|| panic!("no row for {secret_fingerprint}"))
}

fn fp(secret: &str) -> String {
    keyward::detect::fingerprint("github-pat-classic", secret)
}

#[test]
fn history_inventory_has_one_row_per_credential_with_true_provenance_and_owner() {
    let st = story();
    let v = json(st.path(), &["--history"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["kind"], "inventory");
    assert_eq!(v["scope"], "history");
    let creds = v["credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 5, "each credential once: {creds:#?}");

    // pat1: Alice's c1, moved to settings/ (both paths listed), still in HEAD at line 4, owned by
    // the /settings/ CODEOWNERS line (its HEAD path).
    let p1 = row(&v, &fp(st.secret("pat1")));
    assert_eq!(p1["first_seen"]["id"], st.commit("c1"));
    assert_eq!(p1["first_seen"]["author_name"], "Alice");
    assert_eq!(p1["in_head"], true);
    let paths: Vec<&str> = p1["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["config/app.py", "settings/app.py"]);
    let settings = &p1["locations"][1];
    assert_eq!(settings["commit"], st.commit("c3"));
    assert_eq!(settings["head_lines"], serde_json::json!([4]));
    assert_eq!(p1["owner"]["name"], "@acme/platform");
    assert_eq!(p1["owner"]["source"], "codeowners");
    assert_eq!(p1["owner"]["pattern"], "/settings/");
    // 2023-01-10 → 2024-07-01.
    assert_eq!(p1["age_days"], 537);
    assert_eq!(p1["validation"], "confirmed");
    assert_eq!(p1["category"], "api_key");
    assert_eq!(p1["provider"], "GitHub");
    assert!(p1["secret"].as_str().unwrap().ends_with("…[redacted]"));

    // pat2: deleted in c4 then re-added in c8; first seen is Bob's c2; owned by `*.sh`.
    let p2 = row(&v, &fp(st.secret("pat2")));
    assert_eq!(p2["first_seen"]["id"], st.commit("c2"));
    assert_eq!(p2["in_head"], true);
    assert_eq!(p2["owner"]["name"], "@acme/ci");
    assert_eq!(p2["locations"].as_array().unwrap().len(), 2);

    // pat3 came from Dave's feature branch, not the merge.
    let p3 = row(&v, &fp(st.secret("pat3")));
    assert_eq!(p3["first_seen"]["id"], st.commit("f1"));
    assert_eq!(p3["owner"]["name"], "@acme/feature-team");

    // pat4: only on branch `old`, under /tmp/ which CODEOWNERS leaves unowned → the author.
    let p4 = row(&v, &fp(st.secret("pat4")));
    assert_eq!(p4["in_head"], false);
    assert_eq!(p4["owner"]["source"], "author");
    assert_eq!(p4["owner"]["name"], "Frank <frank@example.test>");
    assert_eq!(p4["last_seen"]["id"], st.commit("old1"));

    // pat5: deleted before the merge: in history, not in HEAD, last seen in f2.
    let p5 = row(&v, &fp(st.secret("pat5")));
    assert_eq!(p5["in_head"], false);
    assert_eq!(p5["first_seen"]["id"], st.commit("f2"));
    assert_eq!(p5["last_seen"]["id"], st.commit("f2"));
    assert_eq!(p5["locations"][0]["head_lines"], serde_json::json!([]));

    assert_eq!(v["summary"]["total"], 5);
    assert_eq!(v["summary"]["in_head"], 3);
    assert_eq!(v["summary"]["without_owner"], 1);
    assert_eq!(v["summary"]["by_category"]["api_key"], 5);
    assert_eq!(v["codeowners"], "CODEOWNERS");
}

#[test]
fn default_inventory_lists_only_what_head_still_holds() {
    let st = story();
    let v = json(st.path(), &[]);
    assert_eq!(v["scope"], "head");
    let fps: Vec<&str> = v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fingerprint"].as_str().unwrap())
        .collect();
    let mut expect: Vec<String> = ["pat1", "pat2", "pat3"]
        .iter()
        .map(|l| fp(st.secret(l)))
        .collect();
    expect.sort();
    let mut got: Vec<String> = fps.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, expect);
}

#[test]
fn text_csv_and_markdown_never_show_a_full_secret() {
    let st = story();
    for format in ["text", "csv", "markdown", "html", "json"] {
        let o = inventory(st.path(), &["--history", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        for s in st.secrets.values() {
            assert!(!out.contains(s.as_str()), "{format} shows a full secret");
            // Not even the part after the redacted prefix.
            assert!(!out.contains(&s[8..]), "{format} shows the secret's tail");
        }
        assert!(out.contains("…[redacted]"), "{format}");
    }
}

#[test]
fn csv_has_a_header_and_one_quoted_record_per_credential() {
    let st = story();
    let o = inventory(st.path(), &["--history", "--format", "csv"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(lines[0].starts_with("fingerprint,provider,rule_id,category"));
    // Remediation texts with commas are quoted; the owner with `<…>` is plain text.
    for l in &lines[1..] {
        assert!(l.starts_with(|c: char| c.is_ascii_hexdigit()), "{l}");
    }
    assert!(out.contains("Frank <frank@example.test>"));
}

#[test]
fn text_and_markdown_summaries() {
    let st = story();
    let text = stdout(&inventory(st.path(), &["--history"]));
    assert!(
        text.contains("5 credentials (3 still in HEAD, 1 without a CODEOWNERS owner)"),
        "{text}"
    );
    assert!(text.contains("by category: API key: 5"), "{text}");
    assert!(text.contains("settings/app.py@"), "{text}");
    assert!(text.contains("scanned 11 commits"), "{text}");
    let md = stdout(&inventory(
        st.path(),
        &["--history", "--format", "markdown"],
    ));
    assert!(md.starts_with("# Credential inventory"), "{md}");
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| `")).count(),
        5,
        "{md}"
    );
}

#[test]
fn output_file_and_errors() {
    let st = story();
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("inv.json");
    let o = inventory(
        st.path(),
        &["--format", "json", "--output", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["summary"]["total"], 3);

    let o = inventory(st.path(), &["--output", "/nonexistent-dir/x.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent-dir/x.html"),
        "{}",
        stderr(&o)
    );

    let bare = tempfile::tempdir().unwrap();
    let o = inventory(bare.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );

    let o = run(keyward()
        .args(["inventory", "--as-of", "yesterday"])
        .arg(st.path()));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of"), "{}", stderr(&o));
}

#[test]
fn a_clean_repository_exits_zero() {
    let dir = common::git_repo();
    fixture::write(dir.path(), "README.md", "nothing here\n");
    common::git_ok(dir.path(), &["add", "-A"]);
    fixture::commit_as(dir.path(), "Alice", "2023-01-01T00:00:00Z", "docs");
    let o = inventory(dir.path(), &["--history", "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("No credentials found."));
}

/// The story's history inventory written as HTML into `out`; returns the report's path.
fn html_report(st: &fixture::Story, out: &Path) -> std::path::PathBuf {
    let html = out.join("report.html");
    let o = inventory(
        st.path(),
        &[
            "--history",
            "--format",
            "html",
            "--output",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    html
}

/// Runs headless Chromium on a file and returns the rendered DOM.
fn chromium_dom(chromium: &Path, html: &Path, profile: &Path) -> String {
    chromium_dom_with(chromium, html, profile, &[])
}

/// `chromium_dom` with more Chromium flags (a window size, say).
fn chromium_dom_with(chromium: &Path, html: &Path, profile: &Path, extra: &[&str]) -> String {
    let o = run(std::process::Command::new(chromium)
        .args(extra)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display())));
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chromium) = require_tool("chromium") else {
        return;
    };
    let st = story();
    let out = tempfile::tempdir().unwrap();
    let html = html_report(&st, out.path());
    let source = std::fs::read_to_string(&html).unwrap();
    // Self-contained: no scripts, no external assets.
    for bad in ["<script", "src=\"http", "<link", "@import", "url("] {
        assert!(!source.contains(bad), "report contains {bad}");
    }

    let dom = chromium_dom(&chromium, &html, &out.path().join("profile"));
    assert!(dom.contains("Credential inventory"), "{dom}");
    // The summary cards as rendered.
    let card = |id: &str| -> String {
        let at = dom
            .find(&format!("id=\"card-{id}\""))
            .unwrap_or_else(|| panic!("card {id}"));
        let n = &dom[at..];
        let start = n.find("class=\"n\">").unwrap() + "class=\"n\">".len();
        n[start..start + n[start..].find('<').unwrap()].to_string()
    };
    assert_eq!(card("total"), "5");
    assert_eq!(card("in-head"), "3");
    assert_eq!(card("without-owner"), "1");
    assert_eq!(card("oldest-live"), "537 d");
    // One table row per credential, keyed by fingerprint.
    assert_eq!(dom.matches("class=\"credential\"").count(), 5);
    for label in ["pat1", "pat2", "pat3", "pat4", "pat5"] {
        assert!(dom.contains(&fp(st.secret(label))), "{label} row missing");
    }
    assert!(dom.contains("settings/app.py@"));
    assert!(
        dom.contains("Frank &lt;frank@example.test&gt;"),
        "author owner, escaped"
    );
    // Age buckets: all five credentials are over a year old on the as-of date.
    let by_age = &dom[dom.find("id=\"by-age\"").unwrap()..];
    assert!(
        by_age.contains("1–2 years</td><td class=\"num\">5</td>"),
        "{by_age}"
    );
    for s in st.secrets.values() {
        assert!(!dom.contains(s.as_str()), "full secret in the DOM");
        assert!(!dom.contains(&s[8..]), "secret tail in the DOM");
    }
}

#[test]
fn html_escapes_hostile_repository_text() {
    let Some(chromium) = require_tool("chromium") else {
        return;
    };
    let dir = common::git_repo();
    let d = dir.path();
    let name = "<img src=x onerror=alert(1)>.txt";
    fixture::write(d, name, &format!("t = {}\n", common::fake::github_pat(77)));
    common::git_ok(d, &["add", "-A"]);
    fixture::commit_as(d, "Mallory<b>", "2023-01-01T00:00:00Z", "x");
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("r.html");
    let o = inventory(d, &["--format", "html", "--output", html.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dom = chromium_dom(&chromium, &html, &out.path().join("profile"));
    assert!(!dom.contains("<img"), "path became markup");
    assert!(!dom.contains("<b>"), "author became markup");
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
}

#[test]
fn fail_at_makes_an_inventory_a_gate() {
    let st = story();
    let o = inventory(st.path(), &["--format", "csv", "--fail-at", "high"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = inventory(st.path(), &["--format", "csv", "--fail-at", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The full table's columns fit a 1400 px window: no horizontal scrolling of the page or of the
/// table, and every column visible. Chromium lays out a copy of the report with a measuring
/// script appended (the report itself has no scripts); the script writes what it measured into
/// the DOM that `--dump-dom` returns.
#[test]
fn html_report_fits_1400px_without_horizontal_scrolling() {
    let Some(chromium) = require_tool("chromium") else {
        return;
    };
    let st = story();
    let out = tempfile::tempdir().unwrap();
    let report = std::fs::read_to_string(html_report(&st, out.path())).unwrap();
    let repo_name = st.path().file_name().unwrap().to_str().unwrap();
    assert!(
        report.contains(&format!("<title>Credential inventory: {repo_name}</title>")),
        "titled with the repository name"
    );
    const PROBE: &str = r#"<script>
const full = document.querySelector('.full');
const box = full.getBoundingClientRect();
const cells = [...document.querySelectorAll('#credentials th, #credentials td')];
const outside = cells.filter(c => { const r = c.getBoundingClientRect(); return r.right > box.right + 0.5 || r.left < box.left - 0.5; }).length;
const spill = cells.filter(c => c.scrollWidth > c.clientWidth + 1).length;
document.body.setAttribute('data-fit', [window.innerWidth, document.documentElement.scrollWidth, full.scrollWidth, full.clientWidth, document.querySelectorAll('#credentials th').length, outside, spill].join(' '));
</script></body>"#;
    let probe = out.path().join("probe.html");
    std::fs::write(&probe, report.replace("</body>", PROBE)).unwrap();
    let dom = chromium_dom_with(
        &chromium,
        &probe,
        &out.path().join("profile"),
        &["--hide-scrollbars", "--window-size=1400,1000"],
    );
    let at = dom.find("data-fit=\"").expect("the probe ran") + "data-fit=\"".len();
    let m: Vec<i64> = dom[at..at + dom[at..].find('"').unwrap()]
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let [view, page, table, table_box, columns, outside, spill] = m[..] else {
        panic!("probe wrote {m:?}")
    };
    assert_eq!(view, 1400, "the window is 1400 px wide");
    assert_eq!(columns, 11, "every column is in the table");
    assert!(
        page <= view,
        "the page scrolls sideways: {page} px > {view} px"
    );
    assert!(
        table <= table_box,
        "the credentials table scrolls sideways: {table} px in a {table_box} px box"
    );
    assert_eq!(outside, 0, "cells outside the table's box");
    assert_eq!(spill, 0, "cells whose content overflows them");
}
