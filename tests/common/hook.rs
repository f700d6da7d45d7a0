//! Included by the hook tests with `#[path = "common/hook.rs"] mod hookkit;` next to `mod common;`.
//! Helpers for the hook tests: a real repository with keyward installed as its pre-commit hook,
//! commits through the real `git commit`, and the hook's summary line parsed.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use crate::common::{git, git_ok, git_repo, keyward, run, stderr, stdout};

/// The numbers of `keyward: scanned N files, M bytes staged; F findings (B blocking) in T ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
    pub blocking: u64,
}

/// The last summary line in `text` (panics if there is none: a hook must always print one).
pub fn summary(text: &str) -> Summary {
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("keyward: scanned "))
        .unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    Summary {
        files: nums[0],
        bytes: nums[1],
        findings: nums[2],
        blocking: nums[3],
    }
}

/// stdout and stderr together (git sends a hook's stdout to its stderr anyway).
pub fn output(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// A repository with keyward installed as its pre-commit hook by `keyward install`.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let r = Repo::bare_hooks();
        r.install();
        r
    }

    /// A repository without keyward installed.
    pub fn bare_hooks() -> Repo {
        let dir = git_repo();
        Repo { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn install(&self) -> String {
        let o = run(installer(self.path()).arg("install"));
        assert!(o.status.success(), "keyward install failed: {}", output(&o));
        stdout(&o)
    }

    pub fn write(&self, rel: impl AsRef<Path>, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(p, content).unwrap();
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_ok(self.path(), args)
    }

    pub fn git_cmd(&self) -> Command {
        git(self.path())
    }

    /// `git commit -m msg <args>` with the hook running.
    pub fn commit(&self, args: &[&str]) -> Output {
        self.commit_env(args, &[])
    }

    pub fn commit_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = git(self.path());
        c.args(["commit", "-q", "-m", "test commit"]).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        run(&mut c)
    }

    /// Commits without the hook (how legacy secrets got into history).
    pub fn commit_no_verify(&self, args: &[&str]) {
        let mut a = vec!["commit", "-q", "--no-verify", "-m", "legacy"];
        a.extend_from_slice(args);
        self.git(&a);
    }

    /// Takes the last commit back into the index (to commit the same change again).
    pub fn undo_commit(&self) {
        self.git(&["reset", "-q", "--soft", "HEAD~1"]);
    }

    pub fn staged_diff(&self) -> String {
        self.git(&["diff", "--cached", "--binary"])
    }

    pub fn head_count(&self) -> usize {
        let o = run(git(self.path()).args(["rev-list", "--count", "HEAD"]));
        if !o.status.success() {
            return 0;
        }
        stdout(&o).trim().parse().unwrap()
    }
}

/// A keyward command for install/uninstall with git's global config isolated like `git()`.
pub fn installer(dir: &Path) -> Command {
    let mut c = keyward();
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", crate::common::empty_git_config());
    c
}

/// Asserts the commit was blocked by keyward and returns its output.
#[track_caller]
pub fn assert_blocked(o: &Output) -> String {
    let text = output(o);
    assert!(!o.status.success(), "commit should be blocked:\n{text}");
    assert!(text.contains("keyward: BLOCKED"), "{text}");
    assert!(summary(&text).blocking > 0, "{text}");
    text
}

/// Asserts the commit went through with keyward having run, and returns its output.
#[track_caller]
pub fn assert_passed(o: &Output) -> String {
    let text = output(o);
    assert!(o.status.success(), "commit should pass:\n{text}");
    assert_eq!(summary(&text).blocking, 0, "{text}");
    text
}

/// A custom medium-confidence rule, for tests about what blocks.
pub const MEDIUM_RULE: &str = r#"
[[rule]]
id = "test-medium-token"
name = "Test medium token"
category = "api_key"
confidence = "medium"
keywords = ["kwtest_"]
regex = '''\b(kwtest_[A-Za-z0-9]{24})\b'''
remediation = "Rotate it."
"#;

/// A custom multi-line private-key rule.
pub const KEY_RULE: &str = r#"
[[rule]]
id = "test-private-key"
name = "Test private key"
category = "certificate_or_private_key"
confidence = "high"
keywords = ["-----BEGIN TEST KEY-----"]
regex = '''(-----BEGIN TEST KEY-----[A-Za-z0-9+/=\r\n]+-----END TEST KEY-----)'''
window = 4096
remediation = "Regenerate the key pair."
"#;

/// A test token for [`MEDIUM_RULE`].
pub fn medium_token(seed: u64) -> String {
    format!("kwtest_{}", crate::common::fake::base62(seed, 24))
}

pub fn write_policy(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("policy.toml");
    std::fs::write(&p, text).unwrap();
    p
}
