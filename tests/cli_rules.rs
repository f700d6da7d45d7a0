//! `keyward rules` and `keyward config` through the real binary.

mod common;

use std::{fs, path::Path};

use common::{
    fake::github_pat,
    git_repo, keyward,
    scan::{assert_code, kw},
    stderr, stdout,
};

const ACME_RULE: &str = r#"[[rule]]
id = "acme-key"
name = "Acme API key"
provider = "Acme"
category = "ai_agent"
confidence = "high"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{12})\b'''
remediation = "Rotate it in the Acme console."
examples = ['ACME_KEY = "acme_k3j9x0q2m7z1"']
negative_examples = ['ACME_KEY = "acme_short"']
"#;

#[test]
fn rules_list_as_table_and_json() {
    let repo = git_repo();
    fs::write(repo.path().join(".keyward.toml"), ACME_RULE).unwrap();
    let o = kw(repo.path(), &["rules", "list"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    assert!(
        header.starts_with("ID") && header.contains("PROVIDER") && header.contains("VALIDATOR"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("github-pat-classic") && l.contains("github_checksum")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("acme-key (custom)") && l.contains("ai_agent")),
        "{out}"
    );

    let o = kw(repo.path(), &["rules", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let gh = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "github-pat-classic")
        .unwrap();
    assert_eq!(gh["confidence"], "high");
    assert_eq!(gh["validator"], "github_checksum");
}

#[test]
fn rules_check_builtin_and_user_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = kw(dir.path(), &["rules", "check"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("built-in rules:") && stderr(&o).contains("all pass"),
        "{}",
        stderr(&o)
    );

    fs::write(dir.path().join("good.toml"), ACME_RULE).unwrap();
    assert_code(&kw(dir.path(), &["rules", "check", "good.toml"]), 0);

    // A .keyward.toml with other sections is accepted too.
    fs::write(
        dir.path().join("repo.toml"),
        format!("[scan]\nreport_at = \"low\"\n\n{ACME_RULE}"),
    )
    .unwrap();
    assert_code(&kw(dir.path(), &["rules", "check", "repo.toml"]), 0);

    // Examples that do not behave: exit 1 with a readable list.
    let failing = ACME_RULE
        .replace("acme_k3j9x0q2m7z1\"']", "acme_TOOSHORT\"']")
        .replace("acme_short", "acme_q7zk2mx9vr4t");
    fs::write(dir.path().join("failing.toml"), failing).unwrap();
    let o = kw(dir.path(), &["rules", "check", "failing.toml"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains("acme-key: example[0]: example produced no finding"),
        "{out}"
    );
    assert!(
        out.contains("acme-key: negative_example[0]: negative example produced a finding"),
        "{out}"
    );
    assert!(stderr(&o).contains("2 failing"), "{}", stderr(&o));

    // An invalid regex names the rule; exit 2.
    fs::write(
        dir.path().join("bad-regex.toml"),
        ACME_RULE.replace("{12})", "{12}"),
    )
    .unwrap();
    let o = kw(dir.path(), &["rules", "check", "bad-regex.toml"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("bad-regex.toml: rule `acme-key`: invalid `regex`"),
        "{}",
        stderr(&o)
    );

    // Invalid TOML: file:line:col; exit 2.
    fs::write(
        dir.path().join("bad.toml"),
        "[[rule]]\nid = \"x\"\nname = \n",
    )
    .unwrap();
    let o = kw(dir.path(), &["rules", "check", "bad.toml"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).starts_with("keyward: error: bad.toml:3:"),
        "{}",
        stderr(&o)
    );
}

fn policy(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("policy.toml");
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn config_explain_shows_sources_and_a_policy_lock() {
    let repo = git_repo();
    let org = tempfile::tempdir().unwrap();
    let pol = policy(
        org.path(),
        "[policy]\nlocked_rules = [\"github-pat-classic\"]\nlock_block_at = true\n[scan]\nblock_at = \"medium\"\n",
    );
    fs::write(
        repo.path().join(".keyward.toml"),
        "[scan]\nreport_at = \"low\"\nblock_at = \"high\"\n[rules]\ndisable = [\"github-pat-classic\"]\n",
    )
    .unwrap();
    let o = common::run(
        keyward()
            .current_dir(repo.path())
            .env("KEYWARD_POLICY", &pol)
            .args(["config", "explain"]),
    );
    assert_code(&o, 0);
    let out = stdout(&o);
    let line_of = |key: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key} missing:\n{out}"))
            .to_string()
    };
    assert!(
        line_of("scan.block_at").contains("\"medium\"")
            && line_of("scan.block_at").contains("# org policy"),
        "{out}"
    );
    assert!(
        line_of("scan.report_at").contains("\"low\"")
            && line_of("scan.report_at").contains("# repository config"),
        "{out}"
    );
    assert!(
        line_of("scan.max_file_size").contains("# built-in default"),
        "{out}"
    );
    assert!(
        out.contains("locked by the org policy:\n  rules: github-pat-classic"),
        "{out}"
    );
    assert!(out.contains("policy warnings"), "{out}");
    assert!(
        out.contains("ignored `rules.disable = [\"github-pat-classic\"]`: the org policy locks it"),
        "{out}"
    );
    assert!(out.contains("ignored `scan.block_at = \"high\"`"), "{out}");

    // And the lock holds in a scan: the repository could not disable the rule.
    fs::write(
        repo.path().join("k.py"),
        format!("K = \"{}\"\n", github_pat(31)),
    )
    .unwrap();
    let o = common::run(
        keyward()
            .current_dir(repo.path())
            .env("KEYWARD_POLICY", &pol)
            .arg("scan"),
    );
    assert_code(&o, 1);
    // Without the policy the repository's `disable` applies.
    assert_code(&kw(repo.path(), &["scan"]), 0);
}

#[test]
fn config_path_lists_every_layer() {
    let repo = git_repo();
    let o = kw(repo.path(), &["config", "path"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("org policy:") && out.contains("user config:"),
        "{out}"
    );
    let want = repo.path().canonicalize().unwrap().join(".keyward.toml");
    assert!(
        out.contains(&format!(
            "repository config: {} (not found)",
            want.display()
        )),
        "{out}"
    );
}
