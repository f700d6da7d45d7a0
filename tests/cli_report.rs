//! Report formats on real `keyward scan` output: the JSON report against its published schema
//! (check-jsonschema), SARIF against the official 2.1.0 schema and SARIF's rules (Microsoft's
//! SARIF Multitool), and the text report's shape.

mod common;

use std::{
    fs,
    path::{Path, PathBuf},
};

use common::{
    fake::github_pat,
    git_repo,
    scan::{assert_code, assert_no_leak, kw},
    stderr, stdout,
};
use serde_json::Value;

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A repository with a reported finding, a suppressed one, a skipped binary file, a path with
/// a space and a non-ASCII line, and a stale baseline entry: every part of the report filled.
fn busy_repo() -> (tempfile::TempDir, String) {
    let repo = git_repo();
    let token = github_pat(21);
    write(
        repo.path(),
        "gone.py",
        format!("K = \"{}\"\n", github_pat(22)),
    );
    assert_code(&kw(repo.path(), &["baseline"]), 0);
    fs::remove_file(repo.path().join("gone.py")).unwrap();
    write(
        repo.path(),
        "src/my settings.py",
        format!("# é😀\nTOKEN = \"{token}\"  # ünïcode\n"),
    );
    write(
        repo.path(),
        "tests/data.py",
        format!("T = \"{}\"  # keyward:allow\n", github_pat(23)),
    );
    write(repo.path(), "logo.png", b"\x89PNG\0\0\0");
    (repo, token)
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn json_report_matches_its_schema() {
    let Some(check) = common::require_tool("check-jsonschema") else {
        return;
    };
    let (repo, token) = busy_repo();
    let out = repo.path().join("report.json");
    let o = kw(
        repo.path(),
        &[
            "scan",
            "--format",
            "json",
            "--show-suppressed",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_code(&o, 1);
    assert_no_leak(&o, &token);
    let text = fs::read_to_string(&out).unwrap();
    assert!(!text.contains(&token));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{text}");
    assert_eq!(v["findings"][0]["path"], "src/my settings.py");
    assert_eq!(v["findings"][1]["suppressed"]["by"], "inline");
    assert_eq!(v["summary"]["skipped"][0]["reason"], "binary");
    assert_eq!(v["summary"]["stale_baseline"].as_array().unwrap().len(), 1);

    let schema = manifest().join("docs/report.schema.json");
    let o = common::run(
        std::process::Command::new(&check)
            .arg("--schemafile")
            .arg(&schema)
            .arg(&out),
    );
    assert!(
        o.status.success(),
        "schema violation:\n{}{}",
        stdout(&o),
        stderr(&o)
    );

    // The schema is not vacuous: a report with a leaked (unredacted) secret fails it.
    let o = kw(
        repo.path(),
        &[
            "scan",
            "--format",
            "json",
            "--show-secrets",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_code(&o, 1);
    let mut v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    v["findings"][0]["secret_redacted"] = Value::Bool(true);
    fs::write(&out, serde_json::to_string(&v).unwrap()).unwrap();
    let o = common::run(
        std::process::Command::new(&check)
            .arg("--schemafile")
            .arg(&schema)
            .arg(&out),
    );
    assert!(
        !o.status.success(),
        "a redacted flag on a full secret must violate the schema"
    );
}

/// Microsoft's SARIF Multitool, installed by scripts/install-test-deps.sh from npm.
fn sarif_multitool() -> Option<(PathBuf, PathBuf)> {
    let dir = manifest().join("scripts/sarif-validator/node_modules");
    let tool = dir.join(".bin/sarif-multitool");
    let tool = if tool.is_file() {
        tool
    } else {
        common::require_tool("sarif-multitool")?
    };
    let schema = dir.join("@microsoft/sarif-multitool-linux/sarif-2.1.0.json");
    assert!(
        schema.is_file(),
        "the multitool package ships the official schema at {}",
        schema.display()
    );
    Some((tool, schema))
}

/// Runs `sarif-multitool validate` and returns its results (one per problem it found).
fn validate_sarif(tool: &Path, schema: &Path, file: &Path) -> Vec<Value> {
    let out = file.with_extension("validation.sarif");
    let o = common::run(
        std::process::Command::new(tool)
            .arg("validate")
            .arg(file)
            .arg("--json-schema")
            .arg(schema)
            .arg("--output")
            .arg(&out)
            .args(["--log", "ForceOverwrite"]),
    );
    assert!(
        o.status.success(),
        "multitool failed:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn sarif_passes_the_official_schema_and_sarif_rules() {
    let Some((tool, schema)) = sarif_multitool() else {
        return;
    };
    let (repo, token) = busy_repo();
    let file = repo.path().join("keyward.sarif");
    let o = kw(
        repo.path(),
        &[
            "scan",
            "--format",
            "sarif",
            "--show-suppressed",
            "--show-secrets",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_code(&o, 1);
    let text = fs::read_to_string(&file).unwrap();
    assert!(!text.contains(&token), "SARIF never holds the secret");

    let problems: Vec<String> = validate_sarif(&tool, &schema, &file)
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error") | Some("warning") | None))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF Multitool found problems:\n{}\n{text}",
        problems.join("\n")
    );
    // The Multitool stays silent on a log it cannot deserialize (an unknown enum value, for
    // one), so the official schema is also checked by a plain JSON Schema validator.
    check_against_official_schema(&schema, &file, true);

    let v: Value = serde_json::from_str(&text).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "one descriptor per rule that fired");
    assert_eq!(rules[0]["id"], "github-pat-classic");
    assert_eq!(rules[0]["properties"]["category"], "api_key");
    assert!(rules[0]["helpUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let r = &results[0];
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/my%20settings.py");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 10);
    assert_eq!(loc["region"]["endColumn"], 50);
    assert_eq!(
        r["partialFingerprints"]["keywardFingerprint/v1"]
            .as_str()
            .unwrap()
            .len(),
        32
    );
    assert_eq!(results[1]["suppressions"][0]["kind"], "inSource");

    // The validators are real: an invalid level and an unknown property are both reported.
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("critical");
    fs::write(&file, serde_json::to_string(&broken).unwrap()).unwrap();
    check_against_official_schema(&schema, &file, false);
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]["secretValue"] = Value::from("x");
    fs::write(&file, serde_json::to_string(&broken).unwrap()).unwrap();
    let found = validate_sarif(&tool, &schema, &file);
    assert!(
        found.iter().any(|r| r["level"] == "error"),
        "multitool accepted an unknown property: {found:?}"
    );
}

/// Validates `file` against the official SARIF 2.1.0 schema with check-jsonschema.
fn check_against_official_schema(schema: &Path, file: &Path, want_valid: bool) {
    let Some(check) = common::require_tool("check-jsonschema") else {
        return;
    };
    let o = common::run(
        std::process::Command::new(check)
            .arg("--schemafile")
            .arg(schema)
            .arg(file),
    );
    assert_eq!(
        o.status.success(),
        want_valid,
        "check-jsonschema against the official SARIF schema:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn sarif_for_a_clean_scan_is_valid_too() {
    let Some((tool, schema)) = sarif_multitool() else {
        return;
    };
    let repo = git_repo();
    write(repo.path(), "ok.txt", "nothing\n");
    let file = repo.path().join("clean.sarif");
    assert_code(
        &kw(
            repo.path(),
            &["scan", "--format", "sarif", "-o", file.to_str().unwrap()],
        ),
        0,
    );
    let problems: Vec<Value> = validate_sarif(&tool, &schema, &file)
        .into_iter()
        .filter(|r| r["level"] == "error" || r["level"] == "warning")
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    check_against_official_schema(&schema, &file, true);
}

#[test]
fn text_report_is_compiler_shaped_and_uncoloured_off_a_terminal() {
    let (repo, token) = busy_repo();
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    let mut lines = out.lines();
    let first = lines.next().unwrap();
    assert_eq!(
        first,
        format!(
            "src/my settings.py:2:10: [high] github-pat-classic (GitHub, API key) {}…[redacted] (validated offline)",
            &token[..8]
        )
    );
    assert!(
        lines.next().unwrap().starts_with("    help: Revoke it"),
        "{out}"
    );
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    let err = stderr(&o);
    assert!(err.contains("logo.png (binary)"), "{err}");
    assert!(err.contains("scanned 3 files"), "{err}");
    assert!(err.contains("1 finding, 1 suppressed, 1 skipped"), "{err}");
}
