//! `keyward scan --history`: the real binary over a real repository with a history.

mod common;
#[path = "common/history.rs"]
mod fixture;

use common::{keyward, run, stderr, stdout};
use fixture::story;

#[test]
fn scan_history_full_audit_and_range_in_every_format() {
    let st = story();
    let full =
        run(keyward()
            .current_dir(st.path())
            .args(["scan", "--history", "--format", "json"]));
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let json: serde_json::Value = serde_json::from_str(&stdout(&full)).expect("history JSON");
    let text = stdout(&full);
    // A secret deleted long ago is still found, and no secret is printed in full.
    for label in ["pat1", "pat2", "pat3", "pat4", "pat5"] {
        let secret = st.secret(label);
        assert!(
            text.contains(&secret[..8]),
            "{label} missing from the audit"
        );
        assert!(!text.contains(secret), "{label} printed unredacted");
    }
    assert_eq!(json["version"], 1);

    // A range reports only what its commits introduced: pat4 lives on a branch outside it.
    let range = format!("--history={}..main", st.commit("c4"));
    let r = run(keyward()
        .current_dir(st.path())
        .args(["scan", &range, "--format", "sarif"]));
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&r)).expect("SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|res| res["properties"]["commit"]
        .as_str()
        .is_some_and(|c| c.len() == 40)));
    assert!(
        !stdout(&r).contains(st.secret("pat4")) && !stdout(&r).contains(&st.secret("pat4")[..12])
    );

    // Text output names the introducing commit's author.
    let t = run(keyward().current_dir(st.path()).args(["scan", "--history"]));
    assert_eq!(t.status.code(), Some(1));
    assert!(stdout(&t).contains("Alice"), "{}", stdout(&t));
}

#[test]
fn scan_history_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(keyward()
        .current_dir(dir.path())
        .args(["scan", "--history"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn scan_history_json_validates_against_the_report_schema_with_relative_paths() {
    let st = story();
    let o = run(keyward()
        .current_dir(st.path())
        .args(["scan", "--history", "--format", "json"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The report alone on stdout; the coverage summary on stderr, as for tree scans.
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("history JSON");
    assert!(stderr(&o).contains("commits"), "{}", stderr(&o));
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let path = f["path"].as_str().unwrap();
        assert!(!path.starts_with('/'), "relative: {path}");
        assert_eq!(f["provenance"]["kind"], "commit");
        assert_eq!(f["provenance"]["commit"]["id"], f["commit"]);
    }
    assert!(json["summary"]["history"]["commits"].as_u64().unwrap() > 1);

    // SARIF: relative URIs against an absolute %SRCROOT%, even when run as `scan .`.
    let s =
        run(keyward()
            .current_dir(st.path())
            .args(["scan", ".", "--history", "--format", "sarif"]));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&s)).expect("SARIF");
    let base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && !base.contains("/./"),
        "{base}"
    );
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(!uri.starts_with('/') && !uri.starts_with("file:"), "{uri}");

    let Some(check) = common::require_tool("check-jsonschema") else {
        return;
    };
    let file = st.path().join("history.json");
    std::fs::write(&file, stdout(&o)).unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let v = run(std::process::Command::new(check)
        .arg("--schemafile")
        .arg(&schema)
        .arg(&file));
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
}
