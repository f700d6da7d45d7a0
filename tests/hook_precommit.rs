//! keyward under the real pre-commit framework, using this repository's `.pre-commit-hooks.yaml`.

mod common;
#[path = "common/hook.rs"]
mod hookkit;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use common::{fake::github_pat, git_ok, git_repo, require_tool, run};
use hookkit::*;

/// A temp git repository holding this checkout's hook manifest (pre-commit's `repo:` must be a
/// git repository with a commit). Returns it and the commit to pin.
fn hooks_repo(extra: &[&str]) -> (tempfile::TempDir, String) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = git_repo();
    for f in std::iter::once(".pre-commit-hooks.yaml").chain(extra.iter().copied()) {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        if src.join(f).is_dir() {
            let o = run(Command::new("cp")
                .arg("-r")
                .arg(src.join(f))
                .arg(to.parent().unwrap()));
            assert!(o.status.success());
        } else {
            std::fs::copy(src.join(f), &to).unwrap();
        }
    }
    git_ok(dir.path(), &["add", "-A"]);
    git_ok(dir.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = git_ok(dir.path(), &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    (dir, rev)
}

struct PreCommit {
    exe: PathBuf,
    home: tempfile::TempDir,
}

impl PreCommit {
    /// What pre-commit and git (which runs pre-commit's hook) need: isolated git config, a
    /// private PRE_COMMIT_HOME, and this keyward first on PATH.
    fn env(&self, c: &mut Command) {
        c.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", common::empty_git_config())
            .env("PRE_COMMIT_HOME", self.home.path())
            .env("PATH", path_with_keyward())
            .env_remove("GIT_INDEX_FILE");
    }

    /// `git ...` in `dir`, with pre-commit's environment.
    fn git(&self, dir: &Path) -> Command {
        let mut c = common::git(dir);
        self.env(&mut c);
        c
    }

    /// `pre-commit ...` in `dir`.
    fn run(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        let mut c = Command::new(&self.exe);
        common::isolate(&mut c);
        c.current_dir(dir).args(args);
        self.env(&mut c);
        run(&mut c)
    }
}

/// PATH with the test binary's directory first, so `language: system` finds this keyward.
fn path_with_keyward() -> std::ffi::OsString {
    let bin_dir = common::keyward_bin().parent().unwrap().to_path_buf();
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin");
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(
        [bin_dir, venv]
            .into_iter()
            .chain(std::env::split_paths(&rest)),
    )
    .unwrap()
}

fn project(hooks: &Path, rev: &str, hook_id: &str) -> Repo {
    let r = Repo::bare_hooks();
    r.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: {hook_id}\n",
            hooks.display()
        ),
    );
    r
}

fn commit(pc: &PreCommit, r: &Repo) -> std::process::Output {
    run(pc.git(r.path()).args(["commit", "-q", "-m", "m"]))
}

#[test]
fn keyward_system_hook_under_the_pre_commit_framework() {
    let Some(exe) = require_tool("pre-commit") else {
        return;
    };
    let pc = PreCommit {
        exe,
        home: tempfile::tempdir().unwrap(),
    };
    let (hooks, rev) = hooks_repo(&[]);
    let r = project(hooks.path(), &rev, "keyward-system");
    let o = pc.run(r.path(), &["install"]);
    assert!(o.status.success(), "{}", output(&o));

    // A clean first commit passes, and keyward says what it scanned.
    r.write("app.py", "import os\n");
    r.git(&["add", "."]);
    let o = commit(&pc, &r);
    let text = output(&o);
    assert!(o.status.success(), "{text}");
    let s = summary(&text);
    assert!(
        text.contains("bytes staged"),
        "inside git commit keyward reads the index: {text}"
    );
    assert_eq!(s.files, 2, "{text}");

    // A secret in the staged change is blocked.
    r.write(
        "app.py",
        format!("import os\nTOKEN = \"{}\"\n", github_pat(40)),
    );
    r.git(&["add", "."]);
    let before = r.staged_diff();
    let o = commit(&pc, &r);
    let text = output(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("keyward: BLOCKED: app.py:2:"), "{text}");
    assert_eq!(r.staged_diff(), before, "index intact");
    assert_eq!(r.head_count(), 1);

    // `git commit -a` (a temporary index) under pre-commit is blocked too.
    r.git(&["reset", "-q"]);
    let o = run(pc.git(r.path()).args(["commit", "-q", "-a", "-m", "m"]));
    let text = output(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("keyward: BLOCKED: app.py:2:"), "{text}");
    assert_eq!(r.head_count(), 1);

    // A secret only in the unstaged part of a file: pre-commit stashes it, keyward reads the
    // index; either way the commit passes.
    r.write("app.py", "import os\nTOKEN = os.environ[\"T\"]\n");
    r.git(&["add", "."]);
    r.write(
        "app.py",
        format!(
            "import os\nTOKEN = os.environ[\"T\"]\nX = \"{}\"\n",
            github_pat(41)
        ),
    );
    let o = commit(&pc, &r);
    assert!(o.status.success(), "{}", output(&o));
    assert!(
        std::fs::read_to_string(r.path().join("app.py"))
            .unwrap()
            .contains("ghp_"),
        "unstaged edit kept"
    );
    r.write("app.py", "import os\nTOKEN = os.environ[\"T\"]\n");

    // `pre-commit run --all-files` scans every tracked file whole: the byte count proves it.
    let o = pc.run(r.path(), &["run", "--all-files"]);
    let text = output(&o);
    assert!(o.status.success(), "{text}");
    let tracked = r.git(&["ls-files"]);
    let total: u64 = tracked
        .lines()
        .map(|f| std::fs::metadata(r.path().join(f)).unwrap().len())
        .sum();
    let s = summary(&text);
    assert_eq!(
        (s.files, s.bytes),
        (tracked.lines().count() as u64, total),
        "{text}"
    );
    assert!(total > 0);

    // `pre-commit run --files` with a secret in the working-tree file fails.
    r.write("leak.py", format!("K = \"{}\"\n", github_pat(42)));
    let o = pc.run(r.path(), &["run", "--files", "leak.py"]);
    let text = output(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("leak.py:1:"), "{text}");
    assert_eq!(
        summary(&text).bytes,
        std::fs::metadata(r.path().join("leak.py")).unwrap().len()
    );
}

/// `id: keyward` (`language: rust`): pre-commit builds keyward from the repository with
/// `cargo install --path .` (the lockfile is not honoured: pre-commit passes no `--locked`, and
/// cargo has no setting for it; hooks/README.md says so). That is a release build of keyward
/// and its dependencies, so the test keeps cargo's target directory in a cache outside the
/// repository (`$KEYWARD_CACHE`, default `~/.cache/keyward-test/precommit-rust-target`): the first
/// run on a machine compiles everything, later runs only what changed. Optimisation is turned
/// down through cargo's own profile variables: what is tested is the route (clone, resolve,
/// compile, install, run), not the optimiser.
#[test]
fn keyward_rust_hook_builds_from_this_repository() {
    let Some(exe) = require_tool("pre-commit") else {
        return;
    };
    let pc = PreCommit {
        exe,
        home: tempfile::tempdir().unwrap(),
    };
    let (hooks, rev) = hooks_repo(&[
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src",
        "rules",
        "hooks",
        "benches",
    ]);
    let r = project(hooks.path(), &rev, "keyward");
    let target = std::env::var_os("KEYWARD_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::cache_dir().unwrap().join("keyward-test"))
        .join("precommit-rust-target");
    let started = std::time::Instant::now();
    let mut c = Command::new(&pc.exe);
    common::isolate(&mut c);
    c.current_dir(r.path()).arg("install-hooks");
    pc.env(&mut c);
    c.env("CARGO_TARGET_DIR", &target)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256");
    let o = run(&mut c);
    assert!(o.status.success(), "{}", output(&o));
    eprintln!(
        "pre-commit built keyward (language: rust) in {:?}",
        started.elapsed()
    );
    // The binary pre-commit built is in its own environment, not the one this test put on PATH.
    let built: Vec<PathBuf> = walk_files(pc.home.path())
        .into_iter()
        .filter(|p| {
            p.ends_with("rustenv-system/bin/keyward") || p.ends_with("rustenv-default/bin/keyward")
        })
        .collect();
    assert_eq!(
        built.len(),
        1,
        "one keyward in pre-commit's rust env: {built:?}"
    );
    let o = pc.run(r.path(), &["install"]);
    assert!(o.status.success(), "{}", output(&o));
    r.write("app.py", format!("TOKEN = \"{}\"\n", github_pat(43)));
    r.git(&["add", "."]);
    let o = commit(&pc, &r);
    let text = output(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("keyward: BLOCKED: app.py:1:"), "{text}");
}

/// Every file under `dir`, recursively (symlinks not followed).
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                todo.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

/// The fast route the README documents first: the pre-commit mirror (written by
/// `scripts/release.sh --mirror`, tagged `v<version>`) whose `language: python` hook installs the
/// prebuilt `keyward-bin` wheel. The wheel is not on PyPI for an unreleased version, so pip finds
/// the one release.sh just built through `PIP_FIND_LINKS` (what a user gets from PyPI); no Rust is
/// compiled by pre-commit. The README snippet is used as written, with only `repo:` changed.
#[test]
fn keyward_python_hook_from_the_tagged_mirror_installs_the_wheel() {
    let Some(exe) = require_tool("pre-commit") else {
        return;
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let (dist, mirror) = (work.path().join("dist"), work.path().join("mirror"));
    let cache = std::env::var_os("KEYWARD_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::cache_dir().unwrap().join("keyward-release"));
    let o = run(Command::new(src.join("scripts/release.sh"))
        .args(["--profile", "dev", "--skip", "npm,vsix,crate", "--out"])
        .arg(&dist)
        .arg("--mirror")
        .arg(&mirror)
        .env("KEYWARD_CACHE", &cache));
    assert!(o.status.success(), "{}", output(&o));
    let readme = std::fs::read_to_string(src.join("README.md")).unwrap();
    let snippet_start = readme
        .find("repos:\n- repo: https://github.com/keyward/keyward-pre-commit")
        .expect("README snippet");
    let snippet = &readme[snippet_start..];
    let snippet = &snippet[..snippet.find("```").unwrap()];
    let config = snippet.replace(
        "https://github.com/keyward/keyward-pre-commit",
        &mirror.display().to_string(),
    );
    let pc = PreCommit {
        exe,
        home: tempfile::tempdir().unwrap(),
    };
    let r = Repo::bare_hooks();
    r.write(".pre-commit-config.yaml", &config);
    let mut c = Command::new(&pc.exe);
    common::isolate(&mut c);
    c.current_dir(r.path()).args(["install-hooks"]);
    pc.env(&mut c);
    // Without Rust on PATH: the hook must not compile anything.
    c.env("PATH", "/usr/bin:/bin")
        .env("PIP_FIND_LINKS", &dist)
        .env("PIP_CACHE_DIR", cache.join("pip"));
    let o = run(&mut c);
    assert!(o.status.success(), "{}", output(&o));
    let o = pc.run(r.path(), &["install"]);
    assert!(o.status.success(), "{}", output(&o));
    r.write("app.py", format!("TOKEN = \"{}\"\n", github_pat(44)));
    r.git(&["add", "."]);
    let o = commit(&pc, &r);
    let text = output(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("keyward: BLOCKED: app.py:1:"), "{text}");
    assert_eq!(r.head_count(), 0);
}

/// keyward runs as its own pre-commit hook: `pre-commit run --all-files` with this repository's
/// `.pre-commit-config.yaml` over a clone of its committed tree passes, having scanned every
/// tracked file (not zero bytes).
#[test]
fn keyward_is_its_own_pre_commit_hook() {
    let Some(exe) = require_tool("pre-commit") else {
        return;
    };
    let pc = PreCommit {
        exe,
        home: tempfile::tempdir().unwrap(),
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clone = tempfile::tempdir().unwrap();
    let o = run(common::git(src)
        .args(["clone", "-q", "--no-hardlinks", "."])
        .arg(clone.path()));
    assert!(o.status.success(), "{}", output(&o));
    let tracked = git_ok(clone.path(), &["ls-files"]).lines().count() as u64;
    let o = pc.run(clone.path(), &["run", "--all-files"]);
    let text = output(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("Passed"), "{text}");
    let s = summary(&text);
    // Every tracked file is named to the hook; binary files are counted but not read.
    assert!(s.files + 8 >= tracked && s.bytes > 500_000, "{text}");
    assert_eq!(s.findings, 0, "{text}");
}
