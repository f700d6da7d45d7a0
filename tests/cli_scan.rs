//! `keyward scan` and `keyward baseline` through the real binary, on real directories.

mod common;

use std::{fs, path::Path, time::Duration};

use common::{
    fake::github_pat,
    git_repo, keyward,
    scan::{assert_code, assert_no_leak, kw, run_with_deadline},
    stderr, stdout,
};

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[test]
fn exit_codes_clean_findings_and_missing_path() {
    let repo = git_repo();
    write(repo.path(), "src/ok.py", "print('hello')\n");
    assert_code(&kw(repo.path(), &["scan"]), 0);

    let token = github_pat(1);
    write(
        repo.path(),
        "src/settings.py",
        format!("GITHUB_TOKEN = \"{token}\"\n"),
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o)
            .starts_with("src/settings.py:1:17: [high] github-pat-classic (GitHub, API key) "),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("scanned 2 files"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 finding"), "{}", stderr(&o));

    let o = kw(repo.path(), &["scan", "does-not-exist"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("keyward: error: path not found: does-not-exist"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn secrets_are_redacted_unless_asked() {
    let repo = git_repo();
    let token = github_pat(2);
    write(repo.path(), "app.js", format!("const t = '{token}';\n"));
    for format in ["text", "json", "sarif"] {
        let o = kw(repo.path(), &["scan", "--format", format]);
        assert_code(&o, 1);
        assert_no_leak(&o, &token);
        assert!(stdout(&o).contains(&token[..8]), "{format}: prefix shown");
    }
    let o = kw(repo.path(), &["scan", "--show-secrets"]);
    assert!(stdout(&o).contains(&token));
    // SARIF files get uploaded: never the secret, even when asked.
    let o = kw(
        repo.path(),
        &["scan", "--show-secrets", "--format", "sarif"],
    );
    assert_no_leak(&o, &token);
}

#[test]
fn stdin_is_scanned_with_dash() {
    let dir = tempfile::tempdir().unwrap();
    let token = github_pat(3);
    let mut c = keyward();
    c.current_dir(dir.path()).args(["scan", "-"]);
    let o = assert_cmd_stdin(c, format!("export GITHUB_TOKEN={token}\n"));
    assert_code(&o, 1);
    assert!(stdout(&o).starts_with("<stdin>:1:21:"), "{}", stdout(&o));
    assert_no_leak(&o, &token);

    let mut c = keyward();
    c.current_dir(dir.path()).args(["scan", "-"]);
    assert_code(&assert_cmd_stdin(c, "nothing here\n".into()), 0);
}

fn assert_cmd_stdin(c: std::process::Command, input: String) -> std::process::Output {
    let mut c = assert_cmd::Command::from_std(c);
    c.write_stdin(input).output().unwrap()
}

#[test]
fn gitignore_is_honoured_and_hidden_files_are_scanned() {
    let repo = git_repo();
    let token = github_pat(4);
    write(repo.path(), ".gitignore", "build/\n");
    write(repo.path(), "build/out.txt", format!("{token}\n"));
    assert_code(&kw(repo.path(), &["scan"]), 0);
    let o = kw(repo.path(), &["scan", "--no-ignore"]);
    assert_code(&o, 1);
    assert!(stdout(&o).contains("build/out.txt:1:1:"));

    // .env is hidden and exactly where credentials live; .git/ is never walked.
    write(repo.path(), ".env", format!("GITHUB_TOKEN={token}\n"));
    write(repo.path(), ".git/keyward-test", format!("{token}\n"));
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(out.contains(".env:1:14:"), "{out}");
    assert!(!out.contains(".git/"), "{out}");
}

#[test]
fn binary_files_are_skipped_like_git_does() {
    let repo = git_repo();
    let token = github_pat(5);
    let mut binary = b"\x89PNG\0\0".to_vec();
    binary.extend_from_slice(token.as_bytes());
    write(repo.path(), "logo.png", &binary);
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("logo.png (binary)"), "{}", stderr(&o));

    // A NUL byte past git's 8000-byte sniff window does not make a file binary.
    let mut late_nul = vec![b'#'; 8000];
    late_nul.extend_from_slice(b"\n\0\n");
    late_nul.extend_from_slice(format!("token = \"{token}\"\n").as_bytes());
    write(repo.path(), "notes.txt", &late_nul);
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    assert!(stdout(&o).contains("notes.txt:3:10:"), "{}", stdout(&o));
}

#[test]
fn size_cap_skips_with_a_note_and_huge_files_cost_nothing() {
    let repo = git_repo();
    let token = github_pat(6);
    write(
        repo.path(),
        ".keyward.toml",
        "[scan]\nmax_file_size = 100\n",
    );
    write(
        repo.path(),
        "big.txt",
        format!("{}\n{token}\n", "x".repeat(200)),
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("big.txt (") && stderr(&o).contains("over the 100-byte limit"),
        "{}",
        stderr(&o)
    );

    // A sparse 2 GiB file under the default cap: refused from its size, never read.
    let repo = git_repo();
    let f = fs::File::create(repo.path().join("disk.img")).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let o = run_with_deadline(
        keyward().current_dir(repo.path()).arg("scan"),
        Duration::from_secs(20),
    );
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("disk.img (2147483648 bytes, over the 10485760-byte limit)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_long_single_line_file_is_scanned() {
    let repo = git_repo();
    let token = github_pat(7);
    let mut line = "a,".repeat(4 * 1024 * 1024);
    line.push_str(&format!(" key={token} "));
    line.push_str(&"b,".repeat(512 * 1024));
    write(repo.path(), "bundle.min.js", &line);
    let o = run_with_deadline(
        keyward().current_dir(repo.path()).arg("scan"),
        Duration::from_secs(60),
    );
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains(&format!("bundle.min.js:1:{}:", 8 * 1024 * 1024 + 6)),
        "{}",
        stdout(&o)
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_neither_hang_nor_crash() {
    let repo = git_repo();
    let token = github_pat(8);
    write(repo.path(), "a/key.txt", format!("{token}\n"));
    std::os::unix::fs::symlink("..", repo.path().join("a/loop")).unwrap();
    std::os::unix::fs::symlink("missing-target", repo.path().join("a/dangling")).unwrap();
    // Default: links are not followed at all.
    let o = run_with_deadline(
        keyward().current_dir(repo.path()).arg("scan"),
        Duration::from_secs(20),
    );
    assert_code(&o, 1);
    assert_eq!(
        stdout(&o).matches("key.txt:1:1:").count(),
        1,
        "{}",
        stdout(&o)
    );
    // Followed: the loop is detected and reported, the scan goes on and still finds the token.
    let o = run_with_deadline(
        keyward()
            .current_dir(repo.path())
            .args(["scan", "--follow-symlinks"]),
        Duration::from_secs(20),
    );
    assert_code(&o, 1);
    assert!(stdout(&o).contains("a/key.txt:1:1:"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("keyward: warning: skipped unreadable:") && err.contains("loop"),
        "{err}"
    );
    // The dangling link cannot be read; that is a warning, not an error.
    assert!(
        err.contains("missing-target") || err.contains("dangling"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_warned_about_and_the_scan_continues() {
    use std::os::unix::fs::PermissionsExt;
    let repo = git_repo();
    let token = github_pat(9);
    write(repo.path(), "secret.txt", format!("{token}\n"));
    write(repo.path(), "locked.txt", "nothing\n");
    let locked = repo.path().join("locked.txt");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root: permission bits do not stop reads, so chmod cannot make a file
        // unreadable here. The dangling-link case in `symlink_loops_neither_hang_nor_crash`
        // covers the unreadable path for root; here we only check the scan is unaffected.
        eprintln!("NOTE: running as root; chmod 000 does not block reading, unreadable case not exercised");
        assert_code(&kw(repo.path(), &["scan"]), 1);
        return;
    }
    let o = kw(repo.path(), &["scan"]);
    // Findings decide the exit code; an unreadable file alone is a warning.
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("locked.txt: Permission denied"),
        "{}",
        stderr(&o)
    );
    fs::remove_file(repo.path().join("secret.txt")).unwrap();
    assert_code(&kw(repo.path(), &["scan"]), 0);
}

#[test]
fn invalid_config_names_file_line_and_column() {
    let repo = git_repo();
    write(
        repo.path(),
        ".keyward.toml",
        "[scan]\nblock_at = \"high\"\nreport_at = 3\n",
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    let want = format!(
        "keyward: error: {}:3:13:",
        repo.path()
            .canonicalize()
            .unwrap()
            .join(".keyward.toml")
            .display()
    );
    assert!(stderr(&o).starts_with(&want), "want {want}\n{}", stderr(&o));
}

#[test]
fn custom_rule_with_invalid_regex_is_named() {
    let repo = git_repo();
    write(
        repo.path(),
        ".keyward.toml",
        "[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\ncategory = \"api_key\"\nconfidence = \"high\"\nkeywords = [\"acme_\"]\nregex = '''(acme_[a-z'''\nremediation = \"Rotate it.\"\n",
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("rule `acme-key`: invalid `regex`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_format_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = kw(dir.path(), &["scan", "--format", "xml"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("invalid value 'xml'"), "{}", stderr(&o));
}

#[test]
fn inline_markers_suppress_and_show_suppressed_lists_them() {
    let repo = git_repo();
    let (a, b) = (github_pat(10), github_pat(11));
    write(
        repo.path(),
        "fixtures.py",
        format!("A = \"{a}\"  # keyward:allow\nB = \"{b}\"  # gitleaks:allow\n"),
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("0 findings, 2 suppressed"),
        "{}",
        stderr(&o)
    );
    let o = kw(repo.path(), &["scan", "--show-suppressed"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("[suppressed: inline `keyward:allow`]"),
        "{out}"
    );
    assert!(
        out.contains("[suppressed: inline `gitleaks:allow`]"),
        "{out}"
    );
    assert_no_leak(&o, &a);
}

#[test]
fn baseline_is_written_honoured_and_goes_stale() {
    let repo = git_repo();
    let (old, new) = (github_pat(12), github_pat(13));
    write(repo.path(), "legacy.py", format!("KEY = \"{old}\"\n"));
    let o = kw(repo.path(), &["baseline"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("1 added, 1 total"), "{}", stderr(&o));
    let text = fs::read_to_string(repo.path().join(".keyward-baseline.toml")).unwrap();
    assert!(
        text.contains("rule = \"github-pat-classic\"") && text.contains("legacy.py"),
        "{text}"
    );
    assert!(!text.contains(&old), "the baseline never holds the secret");

    // Honoured: the accepted finding is suppressed, a new one is reported.
    assert_code(&kw(repo.path(), &["scan"]), 0);
    assert_code(&kw(repo.path(), &["scan", "--no-baseline"]), 1);
    write(repo.path(), "new.py", format!("KEY = \"{new}\"\n"));
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains("new.py:1:8:") && !stdout(&o).contains("legacy.py"),
        "{}",
        stdout(&o)
    );
    let o = kw(repo.path(), &["baseline", "--check"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains("new: new.py:1:8: github-pat-classic"),
        "{}",
        stdout(&o)
    );

    // Merging adds the new one and keeps the old.
    let o = kw(repo.path(), &["baseline"]);
    assert!(stderr(&o).contains("1 added, 2 total"), "{}", stderr(&o));
    assert_code(&kw(repo.path(), &["baseline", "--check"]), 0);

    // The legacy credential is removed: its entry is stale, in the scan summary and the check.
    fs::remove_file(repo.path().join("legacy.py")).unwrap();
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("1 baseline entry is no longer found"),
        "{}",
        stderr(&o)
    );
    let o = kw(repo.path(), &["scan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["stale_baseline"][0]["paths"][0], "legacy.py");
    // Scanning one file cannot know what is stale.
    let o = kw(repo.path(), &["scan", "--format", "json", "new.py"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["summary"]["stale_baseline"].is_null());
    let o = kw(repo.path(), &["baseline", "--check"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains("stale: ") && stdout(&o).contains("(legacy.py)"),
        "{}",
        stdout(&o)
    );

    let o = kw(repo.path(), &["baseline", "--prune"]);
    assert!(
        stderr(&o).contains("0 added, 1 total, 1 stale removed"),
        "{}",
        stderr(&o)
    );
    assert_code(&kw(repo.path(), &["baseline", "--check"]), 0);

    // --output chooses another file.
    let o = kw(
        repo.path(),
        &["baseline", "--output", "other-baseline.toml"],
    );
    assert_code(&o, 0);
    assert!(repo.path().join("other-baseline.toml").is_file());
}

#[test]
fn confidence_flag_overrides_report_level() {
    let repo = git_repo();
    write(
        repo.path(),
        ".keyward.toml",
        "[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\nprovider = \"Acme\"\ncategory = \"api_key\"\nconfidence = \"low\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[a-z0-9]{12})\\b'''\nremediation = \"Rotate it.\"\n",
    );
    write(repo.path(), "x.txt", "k = acme_k3j9x0q2m7z1\n");
    assert_code(&kw(repo.path(), &["scan"]), 0);
    // Reported, but below the level the hook blocks at (`high`): exit 0 unless --fail-at low.
    let o = kw(repo.path(), &["scan", "--confidence", "low"]);
    assert_code(&o, 0);
    assert_code(
        &kw(
            repo.path(),
            &["scan", "--confidence", "low", "--fail-at", "low"],
        ),
        1,
    );
    assert!(
        stdout(&o).contains("x.txt:1:5: [low] acme-key (Acme, API key)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn keywards_own_repository_scans_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = kw(root, &["scan", "."]);
    assert_code(&o, 0);
}

/// The unsalted fingerprint keyward reports for the one finding in `dir`.
fn only_fingerprint(dir: &Path) -> String {
    let o = kw(dir, &["scan", "--no-baseline", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn baseline_keys_are_salted_per_repository_and_old_baselines_migrate() {
    let pat = github_pat(61);
    let (a, b) = (git_repo(), git_repo());
    for r in [&a, &b] {
        write(r.path(), "legacy.py", format!("KEY = \"{pat}\"\n"));
        assert_code(&kw(r.path(), &["baseline"]), 0);
    }
    let fp = only_fingerprint(a.path());
    let ta = fs::read_to_string(a.path().join(".keyward-baseline.toml")).unwrap();
    let tb = fs::read_to_string(b.path().join(".keyward-baseline.toml")).unwrap();
    assert!(
        ta.contains("version = 2") && ta.contains("salt = \""),
        "{ta}"
    );
    assert!(
        !ta.contains(&fp),
        "a committed baseline does not hold sha256(rule, secret): {ta}"
    );
    let key = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("fingerprint"))
            .unwrap()
            .to_string()
    };
    assert_ne!(
        key(&ta),
        key(&tb),
        "the same secret keys differently in two repositories"
    );
    assert_code(&kw(a.path(), &["scan"]), 0);

    // A 0.1 (unsalted) baseline still suppresses, and `keyward baseline` rewrites it salted.
    let c = git_repo();
    write(c.path(), "legacy.py", format!("KEY = \"{pat}\"\n"));
    write(
        c.path(),
        ".keyward-baseline.toml",
        format!("version = 1\n\n[[finding]]\nfingerprint = \"{fp}\"\nrule = \"github-pat-classic\"\npaths = [\"legacy.py\"]\n"),
    );
    assert_code(&kw(c.path(), &["scan"]), 0);
    let o = kw(c.path(), &["baseline", "--check"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("unsalted (version 1)"),
        "{}",
        stderr(&o)
    );
    let o = kw(c.path(), &["baseline"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("0 added, 1 total"), "{}", stderr(&o));
    assert!(stderr(&o).contains("unsalted"), "{}", stderr(&o));
    let tc = fs::read_to_string(c.path().join(".keyward-baseline.toml")).unwrap();
    assert!(tc.contains("version = 2") && !tc.contains(&fp), "{tc}");
    assert_code(&kw(c.path(), &["scan"]), 0);
    assert_code(&kw(c.path(), &["baseline", "--check"]), 0);
}

#[test]
fn baseline_path_outside_the_repository_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("repo");
    fs::create_dir(&root).unwrap();
    common::git_ok(&root, &["init", "-q", "-b", "main"]);
    write(
        &root,
        "legacy.py",
        format!("KEY = \"{}\"\n", github_pat(62)),
    );
    write(
        &root,
        ".keyward.toml",
        "# mine\n[baseline]\npath = \"../x.toml\"\n",
    );
    for args in [&["baseline"][..], &["scan"][..]] {
        let o = kw(&root, args);
        assert_code(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains(".keyward.toml:3")
                && err.contains("baseline.path")
                && err.contains("outside the repository"),
            "{err}"
        );
    }
    assert!(!outer.path().join("x.toml").exists());
}

#[cfg(unix)]
#[test]
fn baseline_is_never_written_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let outer = tempfile::tempdir().unwrap();
    let victim = outer.path().join("x");
    fs::write(&victim, "keep\n").unwrap();
    let root = outer.path().join("repo");
    fs::create_dir(&root).unwrap();
    common::git_ok(&root, &["init", "-q", "-b", "main"]);
    write(
        &root,
        "legacy.py",
        format!("KEY = \"{}\"\n", github_pat(63)),
    );
    // 0.1's fixed temp name, committed as a link out of the repository.
    symlink("../x", root.join(".keyward-baseline.toml.tmp")).unwrap();
    assert_code(&kw(&root, &["baseline"]), 0);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep\n");
    assert!(fs::read_to_string(root.join(".keyward-baseline.toml"))
        .unwrap()
        .contains("github-pat-classic"));

    // The baseline itself a link (to a file that reads as a baseline): refused, target untouched.
    fs::write(&victim, "version = 1\n").unwrap();
    fs::remove_file(root.join(".keyward-baseline.toml")).unwrap();
    symlink("../x", root.join(".keyward-baseline.toml")).unwrap();
    let o = kw(&root, &["baseline"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "version = 1\n");
}

/// `keyward scan` under an org policy file.
fn kw_policy(dir: &Path, policy: &Path, args: &[&str]) -> std::process::Output {
    common::run(
        keyward()
            .current_dir(dir)
            .env("KEYWARD_POLICY", policy)
            .args(args),
    )
}

#[test]
fn a_fully_locked_policy_holds_against_every_repository_setting() {
    let pol = tempfile::tempdir().unwrap();
    let policy = pol.path().join("policy.toml");
    // A medium-confidence rule of the org's own, so that `report_at = "high"` would hide it.
    let medium_rule = "[[rule]]\nid = \"acme-medium\"\nname = \"Acme\"\ncategory = \"api_key\"\nconfidence = \"medium\"\nkeywords = [\"acmetok_\"]\nregex = '''\\b(acmetok_[A-Za-z0-9]{24})\\b'''\nremediation = \"Rotate it.\"\n";
    fs::write(
        &policy,
        format!("[policy]\nlocked_rules = [\"*\"]\nlock_block_at = true\nlock_allowlist_paths = true\n{medium_rule}"),
    )
    .unwrap();
    let token = github_pat(41);
    let medium = format!("acmetok_{}", common::fake::base62(41, 24));
    let absorbing = "[[rule]]\nid = \"absorb\"\nname = \"a\"\ncategory = \"api_key\"\nconfidence = \"low\"\nkeywords = [\"TOKEN\"]\nregex = '''(TOKEN)'''\npairs_with = \"github-pat-classic\"\nremediation = \"r\"\n";
    let weakenings = [
        (
            "allowlist.values",
            "[allowlist]\nvalues = [\".*\"]\n".to_string(),
        ),
        (
            "scan.max_file_size",
            "[scan]\nmax_file_size = 10\n".to_string(),
        ),
        (
            "scan.report_at",
            "[scan]\nreport_at = \"high\"\n".to_string(),
        ),
        ("pairs_with", absorbing.to_string()),
    ];
    for (what, config) in weakenings {
        let repo = git_repo();
        write(repo.path(), ".keyward.toml", &config);
        write(
            repo.path(),
            "app.py",
            format!("TOKEN = \"{token}\"\nOTHER = \"{medium}\"\n"),
        );
        let o = kw_policy(repo.path(), &policy, &["scan", "--format", "json"]);
        assert_code(&o, 1);
        let out = stdout(&o);
        assert!(out.contains("github-pat-classic"), "{what}: {out}");
        assert!(out.contains("acme-medium"), "{what}: {out}");
        assert!(
            stderr(&o).contains("the org policy locks it"),
            "{what}: {}",
            stderr(&o)
        );
        let explain = kw_policy(repo.path(), &policy, &["config", "explain"]);
        let text = stdout(&explain);
        assert!(
            text.contains("ignored") && text.contains(what),
            "{what}: explain shows the refusal: {text}"
        );
        assert_no_leak(&o, &token);
    }
}

#[test]
fn ci_can_scan_without_the_repositorys_own_config() {
    let repo = git_repo();
    let token = github_pat(42);
    write(
        repo.path(),
        ".keyward.toml",
        "[allowlist]\npaths = [\"app.py\"]\n",
    );
    write(repo.path(), "app.py", format!("T = \"{token}\"\n"));
    write(repo.path(), "base.toml", "[scan]\nreport_at = \"medium\"\n");
    assert_code(&kw(repo.path(), &["scan"]), 0);
    let o = kw(repo.path(), &["scan", "--no-repo-config"]);
    assert_code(&o, 1);
    let o = kw(
        repo.path(),
        &[
            "scan",
            "--no-repo-config",
            "--config",
            "base.toml",
            "app.py",
        ],
    );
    assert_code(&o, 1);
    // The same for history.
    common::git_ok(repo.path(), &["add", "."]);
    common::git_ok(repo.path(), &["commit", "-qm", "m"]);
    assert_code(&kw(repo.path(), &["scan", "--history"]), 0);
    assert_code(
        &kw(repo.path(), &["scan", "--history", "--no-repo-config"]),
        1,
    );
}

#[test]
fn rule_id_typos_and_bad_config_files_are_errors_naming_file_and_line() {
    let repo = git_repo();
    write(repo.path(), "a.py", "x = 1\n");
    let pol = tempfile::tempdir().unwrap();
    let policy = pol.path().join("policy.toml");
    fs::write(
        &policy,
        "[policy]\nlocked_rules = [\n  \"aws-access-key-id\",\n  \"github-pat-clasic\",\n]\n",
    )
    .unwrap();
    let o = kw_policy(repo.path(), &policy, &["scan"]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}: line 4: policy.locked_rules",
            policy.display()
        )) && err.contains("github-pat-clasic"),
        "{err}"
    );

    write(
        repo.path(),
        ".keyward.toml",
        "[rules]\ndisable = [\"generic-pasword\"]\n",
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("line 2: rules.disable"),
        "{}",
        stderr(&o)
    );

    write(repo.path(), ".keyward.toml", "[scan]\nmax_file_size = 0\n");
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("line 2: scan.max_file_size = 0"),
        "{}",
        stderr(&o)
    );

    fs::remove_file(repo.path().join(".keyward.toml")).unwrap();
    fs::create_dir(repo.path().join(".keyward.toml")).unwrap();
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn named_files_that_cannot_be_scanned_exit_2_and_strict_fails_an_incomplete_walk() {
    let repo = git_repo();
    write(
        repo.path(),
        ".keyward.toml",
        "[scan]\nmax_file_size = 100\n",
    );
    write(repo.path(), "big.txt", "x".repeat(500));
    write(repo.path(), "ok.txt", "x = 1\n");
    let o = kw(repo.path(), &["scan", "big.txt"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("big.txt: 500 bytes, over scan.max_file_size"),
        "{}",
        stderr(&o)
    );
    // Inside a walk the same file is a note, not an error.
    assert_code(&kw(repo.path(), &["scan"]), 0);

    let fifo = repo.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let o = kw(repo.path(), &["scan", "pipe"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("pipe: not a regular file"),
        "{}",
        stderr(&o)
    );
    fs::remove_file(&fifo).unwrap();

    if nix_is_root() {
        return; // root reads every file: no unreadable entry to test with
    }
    use std::os::unix::fs::PermissionsExt;
    let locked = repo.path().join("secret-dir");
    fs::create_dir(&locked).unwrap();
    write(repo.path(), "secret-dir/a.txt", "a\n");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let o = kw(repo.path(), &["scan"]);
    let strict = kw(repo.path(), &["scan", "--strict"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("the scan is incomplete"),
        "{}",
        stderr(&o)
    );
    assert_code(&strict, 2);
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn allowlist_pattern_errors_name_file_line_and_option_once() {
    let repo = git_repo();
    write(repo.path(), "a.py", "x = 1\n");
    write(
        repo.path(),
        ".keyward.toml",
        "[scan]\nreport_at = \"medium\"\n[allowlist]\npaths = [\"a/[b\"]\n",
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(".keyward.toml: line 4: allowlist.paths: invalid glob `a/[b`"),
        "{err}"
    );
    assert_eq!(
        err.matches("invalid glob").count(),
        1,
        "printed once: {err}"
    );
    write(
        repo.path(),
        ".keyward.toml",
        "[allowlist]\nvalues = [\n  'ok',\n  '(unclosed',\n]\n",
    );
    let o = kw(repo.path(), &["scan"]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(".keyward.toml: line 4: allowlist.values: invalid regex `(unclosed`"),
        "{err}"
    );
    assert_eq!(
        err.matches("invalid regex").count(),
        1,
        "printed once: {err}"
    );
}
/// Sixteen PEM headers, each followed by 30 KB of one-line base64 and no end line: the old
/// `.{40,16000}?` rule spent seconds per header (51 s for this file in release).
#[test]
fn pathological_pem_input_scans_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let body = common::fake::base62(3, 30_000);
    let header = format!("-----BEGIN RSA {}-----\n", "PRIVATE KEY");
    let text: String = (0..16).map(|_| format!("{header}{body}\n")).collect();
    assert!(text.len() > 480_000);
    std::fs::write(dir.path().join("p.txt"), &text).unwrap();
    let mut c = common::keyward();
    c.current_dir(dir.path()).args(["scan", "p.txt"]);
    // Generous for a debug build on a busy machine; the old rule took minutes here.
    let o = run_with_deadline(&mut c, std::time::Duration::from_secs(20));
    assert_code(&o, 0);
}
