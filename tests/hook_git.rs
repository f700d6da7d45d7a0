//! `keyward hook` as git's pre-commit hook, driven through the real `git commit` in real
//! repositories: what a commit adds is judged, not the working tree.

mod common;
#[path = "common/hook.rs"]
mod hookkit;

use std::{os::unix::ffi::OsStrExt, path::Path};

use common::{fake::github_pat, git, run, stdout};
use hookkit::*;

fn secret_line(seed: u64) -> String {
    format!("GITHUB_TOKEN = \"{}\"\n", github_pat(seed))
}

fn numbered_lines(n: usize) -> String {
    (1..=n).map(|i| format!("line_{i} = {i}\n")).collect()
}

#[test]
fn first_commit_with_a_secret_is_blocked_and_the_index_is_untouched() {
    let r = Repo::new();
    r.write("app.py", format!("import os\n{}", secret_line(1)));
    r.git(&["add", "app.py"]);
    let before = r.staged_diff();
    let text = assert_blocked(&r.commit(&[]));
    assert!(
        text.contains("app.py:2:17"),
        "path:line:column named: {text}"
    );
    assert!(
        text.contains("github-pat-classic") && text.contains("API key"),
        "{text}"
    );
    assert!(text.contains("…[redacted]"), "{text}");
    assert!(
        !text.contains(&github_pat(1)),
        "the full secret must never print: {text}"
    );
    assert!(
        text.contains("keyward:allow") && text.contains("keyward baseline"),
        "{text}"
    );
    assert!(
        text.contains("KEYWARD_SKIP=1 git commit"),
        "bypass named: {text}"
    );
    let s = summary(&text);
    assert_eq!((s.files, s.findings, s.blocking), (1, 1, 1));
    assert_eq!(
        s.bytes,
        std::fs::metadata(r.path().join("app.py")).unwrap().len()
    );
    assert_eq!(r.head_count(), 0, "nothing committed");
    assert_eq!(
        r.staged_diff(),
        before,
        "the index is intact after a blocked commit"
    );

    r.write(
        "app.py",
        "import os\nTOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
    );
    r.git(&["add", "app.py"]);
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(summary(&text).files, 1, "{text}");
    assert_eq!(r.head_count(), 1);
}

#[test]
fn add_p_only_the_staged_half_counts() {
    let r = Repo::new();
    r.write("cfg.py", numbered_lines(30));
    r.git(&["add", "cfg.py"]);
    assert_passed(&r.commit(&[]));

    // Two hunks far apart: a clean line at the top, a secret at the bottom.
    let mut content = String::from("import os\n");
    content.push_str(&numbered_lines(30));
    content.push_str(&secret_line(2));
    r.write("cfg.py", &content);
    let add_p = |answers: &str| {
        let mut c = r.git_cmd();
        c.args(["add", "-p", "cfg.py"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answers.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "git add -p: {}", common::stderr(&o));
    };
    // Stage the top hunk only: the secret stays in the working tree.
    add_p("y\nn\n");
    let staged = r.git(&["diff", "--cached"]);
    assert!(
        staged.contains("+import os") && !staged.contains("ghp_"),
        "{staged}"
    );
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(summary(&text).findings, 0, "{text}");

    // Now stage the secret hunk.
    add_p("y\n");
    assert!(r.git(&["diff", "--cached"]).contains("GITHUB_TOKEN"));
    let text = assert_blocked(&r.commit(&[]));
    assert!(
        text.contains("cfg.py:32:"),
        "line in the staged blob: {text}"
    );
}

#[test]
fn commit_a_scans_the_temporary_index() {
    let r = Repo::new();
    r.write("a.py", "x = 1\n");
    r.git(&["add", "a.py"]);
    assert_passed(&r.commit(&[]));
    r.write("a.py", format!("x = 1\n{}", secret_line(3)));
    // Nothing staged in .git/index: only `-a` brings the secret into the commit.
    let text = assert_blocked(&r.commit(&["-a"]));
    assert!(text.contains("a.py:2:"), "{text}");
    assert!(
        r.git(&["diff", "--cached"]).is_empty(),
        "the real index was not touched"
    );
    // An untracked file with a secret is not part of `commit -a`.
    r.write("a.py", "x = 2\n");
    r.write("untracked.py", secret_line(4));
    assert_passed(&r.commit(&["-a"]));
}

#[test]
fn commit_with_paths_scans_only_those_paths() {
    let r = Repo::new();
    r.write("a.py", "a = 1\n");
    r.write("b.py", "b = 1\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    // b.py has a staged secret; a.py a clean working-tree change.
    r.write("b.py", format!("b = 1\n{}", secret_line(5)));
    r.git(&["add", "b.py"]);
    r.write("a.py", "a = 2\n");
    let text = assert_passed(&r.commit(&["a.py"]));
    assert_eq!(
        summary(&text).files,
        1,
        "only a.py is in this commit: {text}"
    );
    assert!(
        r.git(&["diff", "--cached", "--name-only"]).contains("b.py"),
        "b.py is still staged"
    );
    assert_blocked(&r.commit(&["b.py"]));
}

#[test]
fn a_secret_deleted_from_the_index_but_left_in_the_working_tree_passes() {
    let r = Repo::new();
    r.write("legacy.py", secret_line(6));
    r.git(&["add", "legacy.py"]);
    r.commit_no_verify(&[]);
    r.git(&["rm", "-q", "--cached", "legacy.py"]);
    assert!(r.path().join("legacy.py").exists());
    let text = assert_passed(&r.commit(&[]));
    let s = summary(&text);
    assert_eq!((s.files, s.findings), (0, 0), "{text}");
}

#[test]
fn a_rename_is_diffed_against_its_source() {
    let r = Repo::new();
    let mut content = numbered_lines(20);
    content.push_str(&secret_line(7));
    r.write("old_name.py", &content);
    r.git(&["add", "."]);
    r.commit_no_verify(&[]);
    r.git(&["mv", "old_name.py", "new_name.py"]);
    content.push_str("more = 1\n");
    r.write("new_name.py", &content);
    r.git(&["add", "new_name.py"]);
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(
        summary(&text).findings,
        0,
        "an old secret moved is not a new leak: {text}"
    );
    assert_eq!(summary(&text).files, 1, "{text}");
}

#[test]
fn a_baselined_legacy_secret_passes_even_when_copied_to_a_new_file() {
    let r = Repo::new();
    let token = github_pat(8);
    let fp = keyward::detect::fingerprint("github-pat-classic", &token);
    r.write(
        ".keyward-baseline.toml",
        format!(
            "version = 1\n\n[[finding]]\nfingerprint = \"{fp}\"\nrule = \"github-pat-classic\"\n"
        ),
    );
    r.write("legacy.py", secret_line(8));
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    // Renamed with an edit, and copied into a brand-new file: the baseline covers both.
    r.git(&["mv", "legacy.py", "moved.py"]);
    r.write("moved.py", format!("{}x = 1\n", secret_line(8)));
    r.write("fresh.py", secret_line(8));
    r.git(&["add", "."]);
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(summary(&text).findings, 0, "{text}");
    // Control: a different secret in the same place blocks.
    r.write("fresh2.py", secret_line(9));
    r.git(&["add", "fresh2.py"]);
    assert_blocked(&r.commit(&[]));
}

#[test]
fn binary_files_are_skipped_with_a_note() {
    let r = Repo::new();
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0".to_vec();
    bytes.extend_from_slice(secret_line(10).as_bytes());
    r.write("logo.png", &bytes);
    r.git(&["add", "logo.png"]);
    let text = assert_passed(&r.commit(&[]));
    assert!(text.contains("logo.png: binary, not scanned"), "{text}");
    assert!(
        text.contains("scanned nothing"),
        "a hook that scanned nothing says so: {text}"
    );
}

#[test]
fn a_file_over_the_size_cap_is_warned_about_not_silently_passed() {
    let r = Repo::new();
    // 50 MB of text with a secret at the end; git compresses it quickly.
    let line = "data = 0123456789abcdef0123456789abcdef0123456789abcdef\n";
    let mut big = line.repeat(50 * 1024 * 1024 / line.len());
    big.push_str(&secret_line(11));
    r.write("dump.sql", &big);
    r.write("small.py", "ok = 1\n");
    r.git(&["add", "."]);
    let o = r.commit(&[]);
    let text = output(&o);
    assert!(o.status.success(), "{text}");
    let warning = text
        .lines()
        .find(|l| l.contains("dump.sql"))
        .unwrap_or_else(|| panic!("no line about dump.sql: {text}"));
    assert!(
        warning.contains("warning") && warning.contains("NOT scanned"),
        "{warning}"
    );
    assert!(
        warning.contains(&big.len().to_string()),
        "size named: {warning}"
    );
    assert_eq!(summary(&text).files, 1, "{text}");
}

#[test]
fn submodules_are_not_scanned_from_the_superproject() {
    let sub = Repo::bare_hooks();
    sub.write("inner.py", secret_line(12));
    sub.git(&["add", "."]);
    sub.commit_no_verify(&[]);
    let r = Repo::new();
    let o = run(r.git_cmd().args([
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.path().to_str().unwrap(),
        "vendor/sub",
    ]));
    assert!(o.status.success(), "{}", output(&o));
    let text = assert_passed(&r.commit(&[]));
    assert!(text.contains("vendor/sub: submodule"), "{text}");
    assert_eq!(summary(&text).files, 1, ".gitmodules is scanned: {text}");
}

#[test]
fn merge_blocks_only_what_the_merge_itself_adds() {
    let r = Repo::new();
    r.write("app.py", numbered_lines(10));
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.git(&["checkout", "-q", "-b", "feature"]);
    let mut feature = numbered_lines(10);
    feature.push_str(&secret_line(13));
    r.write("app.py", &feature);
    r.git(&["add", "."]);
    r.commit_no_verify(&[]);
    r.git(&["checkout", "-q", "main"]);
    r.write("other.py", "o = 1\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.git(&["merge", "-q", "--no-ff", "--no-commit", "feature"]);
    assert!(r.path().join(".git/MERGE_HEAD").exists());

    // A secret added while merging is new to every parent: it blocks.
    r.write("app.py", format!("{feature}{}", secret_line(14)));
    r.git(&["add", "app.py"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("app.py:12:"), "{text}");
    assert!(text.contains("merge commit"), "{text}");

    // The branch's own (already committed) secret is reported but does not block.
    r.write("app.py", &feature);
    r.git(&["add", "app.py"]);
    let text = assert_passed(&r.commit(&[]));
    assert!(
        text.contains("already committed on the merged branch"),
        "{text}"
    );
    assert!(text.contains("app.py:11:"), "{text}");
    assert_eq!(summary(&text).findings, 1, "{text}");
    let parents = r.git(&["rev-list", "--parents", "-n", "1", "HEAD"]);
    assert_eq!(
        parents.split_whitespace().count(),
        3,
        "a merge commit was made"
    );
}

#[test]
fn worktrees_use_the_shared_hook_and_their_own_index() {
    let r = Repo::new();
    r.write("a.py", "a = 1\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    let wt_parent = tempfile::tempdir().unwrap();
    let wt = wt_parent.path().join("wt");
    r.git(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    assert!(wt.join(".git").is_file(), "a worktree has a .git file");
    std::fs::write(wt.join("b.py"), secret_line(15)).unwrap();
    common::git_ok(&wt, &["add", "b.py"]);
    let o = run(git(&wt).args(["commit", "-q", "-m", "x"]));
    let text = assert_blocked(&o);
    assert!(text.contains("b.py:1:"), "{text}");
    // The main worktree's index is not the one that was scanned.
    assert!(r.git(&["diff", "--cached"]).is_empty());
    std::fs::write(wt.join("b.py"), "b = 1\n").unwrap();
    common::git_ok(&wt, &["add", "b.py"]);
    assert_passed(&run(git(&wt).args(["commit", "-q", "-m", "x"])));
}

#[test]
fn crlf_files_are_scanned_and_lines_counted() {
    let r = Repo::new();
    let content = format!("first = 1\r\n{}", secret_line(16).replace('\n', "\r\n"));
    r.write("win.ini", &content);
    r.git(&["add", "win.ini"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("win.ini:2:"), "{text}");
}

#[test]
fn non_utf8_file_names_are_scanned() {
    let r = Repo::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    r.write(Path::new(name), secret_line(17));
    r.git(&["add", "-A"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("caf\u{fffd}.py:1:"), "{text}");
}

#[test]
fn multi_line_private_key_added_in_one_hunk_is_seen_whole() {
    let r = Repo::new();
    r.write(".keyward.toml", KEY_RULE);
    r.write("keys.txt", "keys:\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    let body: String = (0..6)
        .map(|i| format!("{}\n", common::fake::base62(100 + i, 64)))
        .collect();
    r.write(
        "keys.txt",
        format!("keys:\n-----BEGIN TEST KEY-----\n{body}-----END TEST KEY-----\n"),
    );
    r.git(&["add", "keys.txt"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(
        text.contains("keys.txt:2:1") && text.contains("test-private-key"),
        "{text}"
    );
}

#[test]
fn a_locked_policy_rule_disabled_in_the_repository_still_blocks() {
    let r = Repo::new();
    r.write(
        ".keyward.toml",
        "[rules]\ndisable = [\"github-pat-classic\"]\n",
    );
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write("a.py", secret_line(18));
    r.git(&["add", "."]);
    // Control: without a policy the repository may disable the rule.
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(summary(&text).findings, 0, "{text}");
    r.undo_commit();

    let pol = tempfile::tempdir().unwrap();
    let policy = write_policy(
        pol.path(),
        "[policy]\nlocked_rules = [\"github-pat-classic\"]\n",
    );
    let text = assert_blocked(&r.commit_env(&[], &[("KEYWARD_POLICY", policy.to_str().unwrap())]));
    assert!(
        text.contains("keyward: policy:") && text.contains("rules.disable"),
        "{text}"
    );
}

#[test]
fn the_policy_can_lower_the_blocking_level_and_a_repository_cannot_raise_it() {
    let r = Repo::new();
    r.write(
        ".keyward.toml",
        format!("{MEDIUM_RULE}\n[scan]\nblock_at = \"high\"\n"),
    );
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write("a.py", format!("token = \"{}\"\n", medium_token(1)));
    r.git(&["add", "."]);
    let text = assert_passed(&r.commit(&[]));
    assert!(
        text.contains("keyward: warning:"),
        "medium only warns by default: {text}"
    );
    assert_eq!(summary(&text).findings, 1, "{text}");
    r.undo_commit();

    let pol = tempfile::tempdir().unwrap();
    let policy = write_policy(
        pol.path(),
        "[scan]\nblock_at = \"medium\"\n[policy]\nlock_block_at = true\n",
    );
    let text = assert_blocked(&r.commit_env(&[], &[("KEYWARD_POLICY", policy.to_str().unwrap())]));
    assert!(text.contains("at or above `medium`"), "{text}");
}

#[test]
fn keyward_skip_works_unless_the_policy_forbids_it() {
    let r = Repo::new();
    r.write("README", "r\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write("a.py", secret_line(19));
    r.git(&["add", "."]);
    let o = r.commit_env(&[], &[("KEYWARD_SKIP", "1")]);
    let text = output(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("SKIPPED"), "{text}");
    assert_eq!(summary(&text).files, 0, "{text}");
    r.undo_commit();

    let pol = tempfile::tempdir().unwrap();
    let policy = write_policy(pol.path(), "[hook]\nallow_skip = false\n");
    let text = assert_blocked(&r.commit_env(
        &[],
        &[
            ("KEYWARD_SKIP", "1"),
            ("KEYWARD_POLICY", policy.to_str().unwrap()),
        ],
    ));
    assert!(text.contains("KEYWARD_SKIP is ignored"), "{text}");
    assert!(
        !text.contains("KEYWARD_SKIP=1 git commit"),
        "no bypass offered: {text}"
    );
}

#[test]
fn an_existing_hook_is_chained_and_restored_by_uninstall() {
    let r = Repo::bare_hooks();
    let hook = r.path().join(".git/hooks/pre-commit");
    let original = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/old-hook-ran\"\nexit \"${OLD_HOOK_EXIT:-0}\"\n";
    std::fs::write(&hook, original).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    let said = r.install();
    assert!(said.contains("pre-commit.keyward-backup"), "{said}");
    let marker = r.path().join(".git/old-hook-ran");

    r.write("a.py", "a = 1\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    assert!(marker.exists(), "the old hook ran after keyward");
    std::fs::remove_file(&marker).unwrap();

    // keyward blocks first; the old hook does not run then.
    r.write("b.py", secret_line(20));
    r.git(&["add", "."]);
    assert_blocked(&r.commit(&[]));
    assert!(!marker.exists());
    r.git(&["rm", "-q", "--cached", "b.py"]);

    // The old hook's failure still fails the commit.
    let o = r.commit_env(&[], &[("OLD_HOOK_EXIT", "3")]);
    assert!(!o.status.success(), "{}", output(&o));
    assert!(marker.exists());

    // Installing twice keeps the original backup.
    r.install();
    let o = run(installer(r.path()).arg("uninstall"));
    assert!(o.status.success(), "{}", output(&o));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        original,
        "restored byte for byte"
    );
    assert!(std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111 != 0);
    assert!(!r
        .path()
        .join(".git/hooks/pre-commit.keyward-backup")
        .exists());
}

#[test]
fn uninstall_refuses_to_remove_a_hook_that_is_not_keywards() {
    let r = Repo::bare_hooks();
    let hook = r.path().join(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    let o = run(installer(r.path()).arg("uninstall"));
    assert_eq!(o.status.code(), Some(2), "{}", output(&o));
    assert!(output(&o).contains("not keyward's hook"), "{}", output(&o));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
}

#[test]
fn install_respects_core_hookspath() {
    let r = Repo::bare_hooks();
    r.git(&["config", "core.hooksPath", ".githooks"]);
    r.install();
    assert!(r.path().join(".githooks/pre-commit").is_file());
    assert!(!r.path().join(".git/hooks/pre-commit").exists());
    r.write("a.py", secret_line(21));
    r.git(&["add", "a.py"]);
    assert_blocked(&r.commit(&[]));
}

#[test]
fn global_install_runs_keyward_then_each_repositorys_own_hooks_and_uninstall_restores() {
    let home = tempfile::tempdir().unwrap();
    let gitconfig = home.path().join("gitconfig");
    let prev_dir = home.path().join("previous-hooks");
    std::fs::create_dir_all(&prev_dir).unwrap();
    std::fs::write(&gitconfig, "").unwrap();
    let env = |c: &mut std::process::Command| {
        c.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("GIT_CONFIG_GLOBAL", &gitconfig);
    };
    let global_get = || {
        let mut c = std::process::Command::new("git");
        c.args(["config", "--global", "--get", "core.hooksPath"]);
        env(&mut c);
        stdout(&run(&mut c)).trim().to_string()
    };
    let keyward_in = |dir: &Path, args: &[&str]| {
        let mut c = common::keyward();
        c.current_dir(dir).args(args);
        env(&mut c);
        let o = run(&mut c);
        assert!(o.status.success(), "keyward {args:?}: {}", output(&o));
        stdout(&o)
    };

    // 1. No previous global hooksPath: the repository's own .git/hooks still run.
    let r = Repo::bare_hooks();
    let said = keyward_in(r.path(), &["install", "--global"]);
    let dir = home.path().join("config/keyward/hooks");
    assert!(said.contains("core.hooksPath"), "{said}");
    assert_eq!(global_get(), dir.to_str().unwrap());
    assert!(dir.join("pre-commit").is_file() && dir.join("commit-msg").is_file());
    let own = r.path().join(".git/hooks/commit-msg");
    std::fs::write(
        &own,
        "#!/bin/sh\necho own-commit-msg-ran > \"$(git rev-parse --git-dir)/own-ran\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o755)).unwrap();
    let commit = |args: &[&str]| {
        let mut c = r.git_cmd();
        c.args(["commit", "-q", "-m", "m"]).args(args);
        env(&mut c);
        run(&mut c)
    };
    r.write("a.py", secret_line(22));
    r.git(&["add", "."]);
    assert_blocked(&commit(&[]));
    r.write("a.py", "a = 1\n");
    r.git(&["add", "."]);
    assert_passed(&commit(&[]));
    assert!(
        r.path().join(".git/own-ran").exists(),
        "the repository's own commit-msg hook ran"
    );
    keyward_in(r.path(), &["uninstall", "--global"]);
    assert_eq!(global_get(), "", "unset again");
    assert!(!dir.exists());

    // 2. A previous global hooksPath: kept, chained, restored.
    {
        let mut c = std::process::Command::new("git");
        c.args([
            "config",
            "--global",
            "core.hooksPath",
            prev_dir.to_str().unwrap(),
        ]);
        env(&mut c);
        assert!(run(&mut c).status.success());
    }
    let prev_hook = prev_dir.join("pre-commit");
    std::fs::write(
        &prev_hook,
        "#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/prev-global-ran\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&prev_hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    keyward_in(r.path(), &["install", "--global"]);
    keyward_in(r.path(), &["install", "--global"]); // idempotent: still remembers prev_dir
    assert_eq!(global_get(), dir.to_str().unwrap());
    r.write("a.py", "a = 2\n");
    r.git(&["add", "."]);
    let text = assert_passed(&commit(&[]));
    assert!(text.contains("keyward: scanned 1 file"), "{text}");
    assert!(
        r.path().join(".git/prev-global-ran").exists(),
        "previous global hook chained"
    );
    keyward_in(r.path(), &["uninstall", "--global"]);
    assert_eq!(
        global_get(),
        prev_dir.to_str().unwrap(),
        "previous value restored"
    );
}

#[test]
fn the_shim_fails_closed_without_the_binary_unless_the_policy_says_fail_open() {
    let bin_dir = tempfile::tempdir().unwrap();
    let copy = bin_dir.path().join("keyward");
    std::fs::copy(common::keyward_bin(), &copy).unwrap();
    let install_with = |r: &Repo, policy: Option<&Path>| {
        let mut c = std::process::Command::new(&copy);
        common::isolate(&mut c);
        c.current_dir(r.path())
            .arg("install")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", common::empty_git_config());
        if let Some(p) = policy {
            c.env("KEYWARD_POLICY", p);
        }
        assert!(run(&mut c).status.success());
    };
    let closed = Repo::bare_hooks();
    install_with(&closed, None);
    let pol = tempfile::tempdir().unwrap();
    let policy = write_policy(pol.path(), "[hook]\nfail_open = true\n");
    let open = Repo::bare_hooks();
    install_with(&open, Some(&policy));
    std::fs::remove_file(&copy).unwrap();

    for r in [&closed, &open] {
        r.write("a.py", "a = 1\n");
        r.git(&["add", "."]);
    }
    let o = closed.commit_env(&[], &[("PATH", "/usr/bin:/bin")]);
    let text = output(&o);
    assert!(!o.status.success(), "fails closed: {text}");
    assert!(
        text.contains("binary was not found")
            && text.contains("pipx install keyward-bin")
            && text.contains("cargo install --locked"),
        "{text}"
    );
    let o = open.commit_env(&[], &[("PATH", "/usr/bin:/bin")]);
    let text = output(&o);
    assert!(o.status.success(), "fail_open: {text}");
    assert!(text.contains("NOT scanned"), "{text}");
}

#[test]
fn sparse_index_falls_back_to_git_and_still_scans() {
    let r = Repo::new();
    r.write("in/a.py", "a = 1\n");
    r.write("out/b.py", "b = 1\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    r.git(&["sparse-checkout", "set", "in"]);
    assert!(
        !r.path().join("out/b.py").exists(),
        "out/ is outside the cone"
    );
    r.write("in/a.py", format!("a = 1\n{}", secret_line(23)));
    r.git(&["add", "in/a.py"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(
        text.contains("sparse index"),
        "the fallback is named: {text}"
    );
    assert!(text.contains("in/a.py:2:"), "{text}");
}

#[test]
fn files_mode_scans_named_files_whole_from_the_working_tree() {
    let r = Repo::bare_hooks();
    r.write("a.py", format!("x = 1\n{}", secret_line(24)));
    r.write("b.txt", "clean\n");
    let o = run(common::keyward()
        .current_dir(r.path())
        .args(["hook", "--files", "a.py", "b.txt"])
        .env_remove("GIT_INDEX_FILE"));
    let text = output(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    let s = summary(&text);
    let size = |f: &str| std::fs::metadata(r.path().join(f)).unwrap().len();
    assert_eq!(
        (s.files, s.bytes, s.blocking),
        (2, size("a.py") + size("b.txt"), 1),
        "{text}"
    );
    assert!(
        text.contains(&format!("scanned 2 files, {} bytes;", s.bytes)),
        "{text}"
    );
}

#[test]
fn a_hook_that_merely_mentions_the_shim_marker_is_kept_not_overwritten() {
    let r = Repo::bare_hooks();
    let hook = r.path().join(".git/hooks/pre-commit");
    // The user's own hook, copied from an old shim or quoting it: not keyward's.
    let mine = "#!/bin/sh\n# keyward-shim-version: 1\nmake lint\n";
    std::fs::write(&hook, mine).unwrap();

    // uninstall leaves it alone.
    let o = run(installer(r.path()).arg("uninstall"));
    assert_eq!(o.status.code(), Some(2), "{}", output(&o));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), mine);

    // install keeps it as the chained backup instead of overwriting it.
    let said = r.install();
    assert!(said.contains("pre-commit.keyward-backup"), "{said}");
    let backup = r.path().join(".git/hooks/pre-commit.keyward-backup");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);

    // keyward's own shim, edited by hand, is no longer keyward's either: uninstall keeps it.
    let shim = std::fs::read_to_string(&hook).unwrap();
    let edited = format!("{shim}echo extra\n");
    std::fs::write(&hook, &edited).unwrap();
    let o = run(installer(r.path()).arg("uninstall"));
    assert_eq!(o.status.code(), Some(2), "{}", output(&o));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), edited);

    // The unedited shim is recognised: uninstall removes it and restores the user's hook.
    std::fs::write(&hook, &shim).unwrap();
    let o = run(installer(r.path()).arg("uninstall"));
    assert!(o.status.success(), "{}", output(&o));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), mine);
}

#[test]
fn install_never_writes_through_a_committed_symlink_in_core_hookspath() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("profile");
    std::fs::write(&victim, "# keep\n").unwrap();
    let r = Repo::bare_hooks();
    r.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir(r.path().join(".githooks")).unwrap();
    // The fixed temp name 0.1 wrote the shim through.
    std::os::unix::fs::symlink(&victim, r.path().join(".githooks/pre-commit.keyward-tmp")).unwrap();
    r.install();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "# keep\n");
    let shim = std::fs::read_to_string(r.path().join(".githooks/pre-commit")).unwrap();
    assert!(shim.contains("keyward-shim-version"), "{shim}");
}

#[test]
fn an_environment_variable_cannot_skip_the_shim_and_global_over_local_scans_once() {
    // Old shims skipped the scan when KEYWARD_HOOK_RAN was set, whatever the policy said.
    let r = Repo::new();
    r.write("README", "r\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write("a.py", secret_line(31));
    r.git(&["add", "."]);
    let pol = tempfile::tempdir().unwrap();
    let policy = write_policy(pol.path(), "[hook]\nallow_skip = false\n");
    let policy = policy.to_str().unwrap();
    assert_blocked(&r.commit_env(
        &[],
        &[("KEYWARD_HOOK_RAN", "1"), ("KEYWARD_POLICY", policy)],
    ));
    assert_blocked(&r.commit_env(&[], &[("KEYWARD_HOOK_RAN", "1")]));

    // A global install over a repository with its own keyward shim scans once, not twice.
    let home = tempfile::tempdir().unwrap();
    let gitconfig = home.path().join("gitconfig");
    std::fs::write(&gitconfig, "").unwrap();
    let env = |c: &mut std::process::Command| {
        c.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("GIT_CONFIG_GLOBAL", &gitconfig);
    };
    let mut c = common::keyward();
    c.current_dir(r.path()).args(["install", "--global"]);
    env(&mut c);
    assert!(run(&mut c).status.success());
    let commit = || {
        let mut c = r.git_cmd();
        c.args(["commit", "-q", "-m", "m"]);
        env(&mut c);
        run(&mut c)
    };
    let text = assert_blocked(&commit());
    assert_eq!(text.matches("keyward: scanned").count(), 1, "{text}");
    r.write("a.py", "a = 1\n");
    r.git(&["add", "."]);
    let text = assert_passed(&commit());
    assert_eq!(text.matches("keyward: scanned").count(), 1, "{text}");
}

#[test]
fn block_unscanned_from_the_policy_blocks_an_oversized_file_and_a_repository_cannot_undo_it() {
    let r = Repo::new();
    r.write("README", "r\n");
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write(".keyward.toml", "[hook]\nblock_unscanned = false\n");
    r.write("dump.sql", format!("{}\n", "x".repeat(5000)));
    r.git(&["add", "."]);
    let pol = tempfile::tempdir().unwrap();
    // By default a large data file still commits, with the loud warning.
    let default = write_policy(pol.path(), "[scan]\nmax_file_size = 1000\n");
    let text = assert_passed(&r.commit_env(&[], &[("KEYWARD_POLICY", default.to_str().unwrap())]));
    assert!(text.contains("NOT scanned"), "{text}");
    r.undo_commit();
    let policy = write_policy(
        pol.path(),
        "[policy]\nlock_block_at = true\n[scan]\nmax_file_size = 1000\n[hook]\nblock_unscanned = true\n",
    );
    let o = r.commit_env(&[], &[("KEYWARD_POLICY", policy.to_str().unwrap())]);
    let text = output(&o);
    assert!(!o.status.success(), "blocked: {text}");
    assert!(text.contains("hook.block_unscanned = true"), "{text}");
    assert!(text.contains("dump.sql"), "{text}");
    // Raising the cap is allowed (stricter); lowering it under a lock is not.
    r.write(".keyward.toml", "[scan]\nmax_file_size = 10\n");
    r.write("dump.sql", "y = 1\n");
    r.write("small.py", "z = 2\n");
    r.git(&["add", "."]);
    let text = assert_passed(&r.commit_env(&[], &[("KEYWARD_POLICY", policy.to_str().unwrap())]));
    assert!(
        text.contains("scan.max_file_size = 10"),
        "refusal said: {text}"
    );
}
/// An AWS key id and secret key, built at runtime (random fakes, not real credentials).
fn aws_pair() -> (String, String) {
    (
        format!("{}{}", "AKIA", "2HJ7Z2E622YZAHB4"),
        format!("{}{}", "Y0NXij0T6544oE9R1", "/QkQRrXYpLnEpsizOm7F6Wp"),
    )
}

#[test]
fn a_secret_key_added_next_to_a_committed_key_id_is_reported() {
    let (id, secret) = aws_pair();
    let r = Repo::new();
    r.write(
        "creds.ini",
        format!("[default]\naws_access_key_id = {id}\n"),
    );
    r.git(&["add", "."]);
    assert_blocked(&r.commit(&[]));
    r.commit_no_verify(&[]);
    // Only the secret key is new: it is its own finding, on its own line.
    r.write(
        "creds.ini",
        format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    );
    r.git(&["add", "."]);
    // A medium-confidence secret key warns by default; before, it vanished into the key id.
    let text = output(&r.commit(&[]));
    assert_eq!(summary(&text).findings, 1, "{text}");
    assert!(text.contains("creds.ini:3:"), "{text}");
    assert!(text.contains("aws-secret-access-key"), "{text}");
    assert!(!text.contains(&secret), "{text}");
}

#[test]
fn an_allow_marker_on_the_key_id_does_not_hide_a_secret_key_far_below() {
    let (id, secret) = aws_pair();
    let r = Repo::new();
    let filler = numbered_lines(40);
    r.write(
        "settings.py",
        format!(
            "AWS_ACCESS_KEY_ID = \"{id}\"  # keyward:allow\n{filler}AWS_SECRET_ACCESS_KEY = \"{secret}\"\n"
        ),
    );
    r.git(&["add", "."]);
    let text = output(&r.commit(&[]));
    assert!(text.contains("settings.py:42:"), "{text}");
    assert_eq!(summary(&text).findings, 1, "only the secret key: {text}");
}

#[test]
fn a_baselined_key_id_does_not_hide_its_secret_key_added_later() {
    let (id, secret) = aws_pair();
    let r = Repo::new();
    let fp = keyward::detect::fingerprint("aws-access-key-id", &id);
    r.write(
        ".keyward-baseline.toml",
        format!(
            "version = 1\n\n[[finding]]\nfingerprint = \"{fp}\"\nrule = \"aws-access-key-id\"\n"
        ),
    );
    r.write("env.sh", format!("export AWS_ACCESS_KEY_ID={id}\n"));
    r.git(&["add", "."]);
    assert_passed(&r.commit(&[]));
    r.write(
        "env.sh",
        format!("export AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    r.git(&["add", "."]);
    let text = output(&r.commit(&[]));
    assert_eq!(summary(&text).findings, 1, "{text}");
    assert!(text.contains("env.sh:2:"), "{text}");
    // The same in `keyward scan`.
    let o = run(common::keyward()
        .current_dir(r.path())
        .args(["scan", "--fail-at", "medium", "."]));
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("aws-secret-access-key"), "{out}");
    assert!(!out.contains("] aws-access-key-id"), "baselined: {out}");
    assert!(
        out.contains("also: env.sh:1:"),
        "pairing still enriches: {out}"
    );
}

#[test]
fn a_token_in_a_utf16_file_is_scanned_not_skipped_as_binary() {
    let r = Repo::new();
    let text = format!("# PowerShell output\r\n{}", secret_line(21));
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    r.write("out.txt", &bytes);
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    r.write("nobom.txt", &no_bom);
    r.git(&["add", "."]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(!text.contains("binary, not scanned"), "{text}");
    assert!(
        text.contains("out.txt:2:") && text.contains("nobom.txt:2:"),
        "{text}"
    );
    assert_eq!(summary(&text).blocking, 2, "{text}");
}

#[test]
fn under_pre_commit_the_bypass_hint_names_skip_keyward_and_suppressed_findings_are_counted() {
    let r = Repo::new();
    let allowed = format!(
        "OLD = \"{}\"  # keyward:allow\n{}",
        github_pat(31),
        secret_line(32)
    );
    r.write("app.py", allowed);
    r.install();
    r.git(&["add", "app.py"]);
    let text = assert_blocked(&r.commit_env(&[], &[("PRE_COMMIT", "1")]));
    assert!(text.contains("SKIP=keyward git commit"), "{text}");
    assert!(!text.contains("KEYWARD_SKIP=1 git commit"), "{text}");
    assert!(text.contains("1 suppressed"), "{text}");
    // Outside pre-commit, keyward's own switch is named.
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("KEYWARD_SKIP=1 git commit"), "{text}");
}

#[test]
fn all_files_mode_fails_without_claiming_a_commit_was_blocked() {
    let r = Repo::new();
    r.write("app.py", secret_line(33));
    r.git(&["add", "app.py"]);
    r.commit_no_verify(&[]);
    let o = run(common::keyward()
        .current_dir(r.path())
        .args(["hook", "--all-files"]));
    let text = output(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("failed: 1 finding"), "{text}");
    assert!(!text.contains("commit blocked"), "{text}");
    assert!(!text.contains("\x1b["), "no colour off a terminal: {text}");
}
