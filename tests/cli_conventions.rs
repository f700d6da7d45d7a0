//! The conventions users of gitleaks, detect-secrets and ggshield expect, through the real
//! binary: `--version`, completions, man page, `--fail-at`, `--color`, `--quiet`, `init`, a
//! closed pipe, and the `--history A..B` mistake.

mod common;

use std::{fs, path::Path, process::Command};

use common::{
    fake::github_pat,
    git_repo, keyward_bin,
    scan::{assert_code, kw},
    stderr, stdout,
};

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A repository with one high-confidence finding (a GitHub classic PAT).
fn repo_with_token() -> (tempfile::TempDir, String) {
    let repo = git_repo();
    let token = github_pat(7);
    write(repo.path(), "app.py", format!("TOKEN = \"{token}\"\n"));
    (repo, token)
}

#[test]
fn version_flag_and_subcommand_agree() {
    let want = format!("keyward {}\n", env!("CARGO_PKG_VERSION"));
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--version"][..], &["version"][..]] {
        let o = kw(dir.path(), args);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), want, "{args:?}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let o = kw(dir.path(), &["completions", "bash"]);
    assert_code(&o, 0);
    let bash = stdout(&o);
    assert!(bash.contains("_keyward()"), "{bash}");
    assert!(bash.contains("--fail-at"), "options are completed: {bash}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = kw(dir.path(), &["completions", shell]);
        assert_code(&o, 0);
        assert!(stdout(&o).contains("keyward"), "{shell}");
    }
    assert_code(&kw(dir.path(), &["completions", "tcsh"]), 2);

    let o = kw(dir.path(), &["man"]);
    assert_code(&o, 0);
    let page = stdout(&o);
    assert!(page.contains(".TH keyward 1"), "{page}");
    assert!(page.contains("completions"), "subcommands are listed");
    let out = dir.path().join("man");
    assert_code(&kw(dir.path(), &["man", "--dir", out.to_str().unwrap()]), 0);
    assert!(out.join("keyward.1").is_file());
    assert!(out.join("keyward-scan.1").is_file());
}

#[test]
fn fail_at_decides_the_exit_code_not_what_is_reported() {
    let (repo, token) = repo_with_token();
    // Default: fail at the hook's block level (high): this finding is high.
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    let o = kw(repo.path(), &["scan", "--fail-at", "never"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("github-pat-classic"), "still reported");
    assert!(!stdout(&o).contains(&token), "redacted");
    assert_code(&kw(repo.path(), &["scan", "--fail-at", "low"]), 1);
    assert_code(&kw(repo.path(), &["scan", "--fail-at", "bogus"]), 2);

    // A repository that blocks at medium fails scans at medium too.
    let medium = common::fake::base62(3, 24);
    write(
        repo.path(),
        ".keyward.toml",
        "[scan]\nblock_at = \"medium\"\n[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\nprovider = \"Acme\"\ncategory = \"api_key\"\nconfidence = \"medium\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[A-Za-z0-9]{24})\\b'''\nremediation = \"Rotate it.\"\n",
    );
    fs::remove_file(repo.path().join("app.py")).unwrap();
    write(repo.path(), "x.txt", format!("k = acme_{medium}\n"));
    assert_code(&kw(repo.path(), &["scan"]), 1);
    assert_code(&kw(repo.path(), &["scan", "--fail-at", "high"]), 0);
}

#[test]
fn color_quiet_and_verbose_are_global_options() {
    let (repo, _) = repo_with_token();
    // `--color always` colours even a pipe and wins over NO_COLOR (set by the test harness).
    let o = kw(repo.path(), &["--color", "always", "scan"]);
    assert!(stdout(&o).contains("\x1b["), "{}", stdout(&o));
    let o = kw(repo.path(), &["scan", "--color", "never"]);
    assert!(!stdout(&o).contains("\x1b["));
    // --quiet: the findings, no summary line on stderr.
    let o = kw(repo.path(), &["scan", "-q"]);
    assert_code(&o, 1);
    assert!(stdout(&o).contains("app.py:1:"));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(stderr(&kw(repo.path(), &["scan"])).contains("keyward: scanned 1 file"));
    assert_code(&kw(repo.path(), &["scan", "-q", "-v"]), 2);
}

#[test]
fn baseline_file_option_accepts_findings_from_that_file() {
    let (repo, _) = repo_with_token();
    let b = repo.path().join("accepted.toml");
    let o = kw(repo.path(), &["baseline", "--output", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_code(&kw(repo.path(), &["scan"]), 1);
    assert_code(
        &kw(repo.path(), &["scan", "--baseline", b.to_str().unwrap()]),
        0,
    );
    let o = kw(repo.path(), &["scan", "--baseline", "missing.toml"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}

/// Runs `keyward ARGS` into a pipe whose reader has already gone, and returns keyward's status.
fn status_into_closed_pipe(args: &str) -> i32 {
    let script = format!(
        "{{ sleep 0.3; exec '{}' {args}; }} | {{ exec 0<&-; sleep 1; }}; exit ${{PIPESTATUS[0]}}",
        keyward_bin().display()
    );
    let o = Command::new("bash")
        .args(["-c", &script])
        .env("KEYWARD_USER_CONFIG", "")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.status.code().expect("exit code")
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    assert_eq!(status_into_closed_pipe("rules list"), 0);
    assert_eq!(status_into_closed_pipe("rules list --format json"), 0);
    assert_eq!(status_into_closed_pipe("completions bash"), 0);
    assert_eq!(status_into_closed_pipe("man"), 0);
}

#[test]
fn history_range_with_a_space_says_to_use_equals() {
    let (repo, _) = repo_with_token();
    let o = kw(repo.path(), &["scan", "--history", "HEAD~1..HEAD"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("--history=HEAD~1..HEAD"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_writes_a_commented_config_and_never_overwrites_one() {
    let repo = git_repo();
    let cfg = repo.path().join(".keyward.toml");
    // stdin is not a terminal here: no prompt, a hint, exit 0.
    let o = kw(repo.path(), &["init"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("keyward install"), "{}", stdout(&o));
    let text = fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("# block_at = \"high\""), "{text}");
    // Every setting is commented out: the file parses and changes nothing.
    assert_code(&kw(repo.path(), &["config", "explain"]), 0);
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());

    fs::write(&cfg, "# mine\n").unwrap();
    let o = kw(repo.path(), &["init", "--install-hook"]);
    assert_code(&o, 0);
    assert_eq!(fs::read_to_string(&cfg).unwrap(), "# mine\n", "kept");
    assert!(stdout(&o).contains("not overwritten"), "{}", stdout(&o));
    let hook = fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("keyward"), "{hook}");
}

#[test]
fn config_option_reaches_rules_list_config_explain_and_the_hook() {
    let repo = git_repo();
    write(
        repo.path(),
        "extra.toml",
        "[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\nprovider = \"Acme\"\ncategory = \"api_key\"\nconfidence = \"high\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[a-z0-9]{12})\\b'''\nremediation = \"Rotate it.\"\n",
    );
    assert!(!stdout(&kw(repo.path(), &["rules", "list"])).contains("acme-key"));
    let o = kw(repo.path(), &["rules", "list", "--config", "extra.toml"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("acme-key (custom)"), "{}", stdout(&o));
    let o = kw(
        repo.path(),
        &["config", "explain", "--config", "extra.toml"],
    );
    assert_code(&o, 0);
    assert!(stdout(&o).contains("extra.toml"), "{}", stdout(&o));
    let o = kw(
        repo.path(),
        &["hook", "--all-files", "--config", "missing.toml"],
    );
    assert_code(&o, 2);
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}
