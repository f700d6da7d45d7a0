//! Shared helpers for integration tests that drive the real `keyward` binary.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The `keyward` binary cargo built for this test run.
pub fn keyward_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_keyward"))
}

/// A `keyward` command with a clean environment: no user config or org policy leaks in from the
/// machine running the tests.
pub fn keyward() -> Command {
    let mut c = Command::new(keyward_bin());
    isolate(&mut c);
    c
}

/// Removes ambient configuration from a command's environment.
pub fn isolate(c: &mut Command) {
    c.env("KEYWARD_USER_CONFIG", "")
        .env_remove("KEYWARD_POLICY")
        .env_remove("KEYWARD_SKIP")
        .env("NO_COLOR", "1");
}

/// Finds an external tool the test needs. Under `KEYWARD_REQUIRE_TOOLS=1` (set by
/// scripts/test.sh, so in CI) a missing tool fails the test; otherwise the test is skipped
/// with a message, so `cargo test` still works on a bare machine.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if venv.is_file() {
        return Some(venv);
    }
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    if std::env::var_os("KEYWARD_REQUIRE_TOOLS").is_some() {
        panic!("required test tool `{name}` is not installed (run scripts/install-test-deps.sh)");
    }
    eprintln!("SKIP: `{name}` not installed; run scripts/install-test-deps.sh to run this test");
    None
}

/// Runs a command, returning its output; panics with its stderr if it could not start.
pub fn run(c: &mut Command) -> Output {
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {c:?}: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An empty file to point `GIT_CONFIG_GLOBAL` at, one per test process. Not `/dev/null`: a
/// `git config --global` write under `GIT_CONFIG_GLOBAL=/dev/null` renames its lock file over
/// /dev/null and turns the machine's /dev/null into a regular file.
pub fn empty_git_config() -> &'static Path {
    static FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("keyward-test-gitconfig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir for the empty git config");
        let file = dir.join("gitconfig");
        std::fs::write(&file, "").expect("empty git config");
        file
    })
}

/// A git command in `dir` with a fixed identity and no global/system config or hooks.
pub fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", empty_git_config())
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.test")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.test");
    isolate(&mut c);
    c
}

/// Runs git and asserts success.
pub fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = run(git(dir).args(args));
    assert!(o.status.success(), "git {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// A new repository in a temp dir, with `main` as the initial branch.
pub fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git_ok(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Fake secrets, built at runtime so keyward's own repository stays clean.
pub mod fake {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// Deterministic pseudo-random base62 text from a seed.
    pub fn base62(seed: u64, len: usize) -> String {
        text(seed, len, BASE62)
    }

    /// Deterministic pseudo-random text over `alphabet` (xorshift64 from a seed).
    pub fn text(seed: u64, len: usize, alphabet: &[u8]) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    /// A GitHub classic PAT with a valid checksum.
    pub fn github_pat(seed: u64) -> String {
        let body = base62(seed, 30);
        let sum = keyward::detect::validate::base62_crc32(body.as_bytes());
        format!("{}_{body}{}", "ghp", std::str::from_utf8(&sum).unwrap())
    }
}

pub mod scan;
