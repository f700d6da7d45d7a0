//! A real git repository with a story: secrets added, moved, deleted, re-added, on branches and
//! through merges, by different people on different dates. Shared by the history and inventory
//! tests (`#[path = "common/history.rs"] mod fixture;`).
#![allow(dead_code)]

use std::{collections::BTreeMap, path::Path};

use crate::common::{fake::github_pat, git, git_ok, git_repo, run, stderr, stdout};

/// A repository plus the commit ids of its story, by label.
pub struct Story {
    pub dir: tempfile::TempDir,
    pub commits: BTreeMap<&'static str, String>,
    pub secrets: BTreeMap<&'static str, String>,
}

impl Story {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn commit(&self, label: &str) -> &str {
        &self.commits[label]
    }

    pub fn secret(&self, label: &str) -> &str {
        &self.secrets[label]
    }
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Commits everything staged as `who` (`Name`, email `name@example.test`) on `date` (ISO 8601),
/// returning the new commit id.
pub fn commit_as(dir: &Path, who: &str, date: &str, message: &str) -> String {
    let email = format!("{}@example.test", who.to_lowercase());
    let o = run(git(dir)
        .args(["commit", "-q", "--no-verify", "-m", message])
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date));
    assert!(o.status.success(), "commit failed: {}", stderr(&o));
    git_ok(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

fn merge_as(dir: &Path, who: &str, date: &str, branch: &str) -> String {
    let email = format!("{}@example.test", who.to_lowercase());
    let o = run(git(dir)
        .args(["merge", "-q", "--no-ff", "--no-edit", branch])
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date));
    assert!(
        o.status.success(),
        "merge failed: {} {}",
        stdout(&o),
        stderr(&o)
    );
    git_ok(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

/// The story (dates 2023; labels in `commits`, secrets `pat1`…`pat5`):
/// - `c1` Alice 01-10: CODEOWNERS, README, `config/app.py` with pat1.
/// - `old1` Frank 01-20, branch `old` off c1: `tmp/leak.txt` with pat4 (never merged).
/// - `c2` Bob 02-01: `src/deploy.sh` with pat2; also `assets/logo.bin` (binary holding pat1).
/// - `c3` Alice 03-01: `git mv config/app.py settings/app.py` (moved).
/// - `c4` Carol 04-01: deletes `src/deploy.sh` (pat2 gone).
/// - `f1` Dave 05-01, branch `feature` off c4: `feature/keys.txt` with pat3.
/// - `f2` Dave 05-02: adds pat5 to `feature/keys.txt`; `f3` Dave 05-03 removes it again.
/// - `c6` Bob 05-15 on main: edits `settings/app.py` (pat1 stays, new blob).
/// - `m1` Alice 06-01: merges `feature` into main.
/// - `c8` Erin 07-01: re-adds pat2 in `scripts/ci.sh`.
pub fn story() -> Story {
    let dir = git_repo();
    let d = dir.path();
    let secrets: BTreeMap<&'static str, String> = [
        ("pat1", github_pat(101)),
        ("pat2", github_pat(202)),
        ("pat3", github_pat(303)),
        ("pat4", github_pat(404)),
        ("pat5", github_pat(505)),
    ]
    .into_iter()
    .collect();
    let s = |k: &str| secrets[k].clone();
    let mut commits = BTreeMap::new();

    write(
        d,
        "CODEOWNERS",
        "# owners\n* @acme/everyone\n/settings/ @acme/platform\n*.sh @acme/ci\nfeature/ @acme/feature-team\n/tmp/\n",
    );
    write(d, "README.md", "# demo\n");
    write(
        d,
        "config/app.py",
        &format!("import os\n\nTOKEN = \"{}\"\n", s("pat1")),
    );
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "c1",
        commit_as(d, "Alice", "2023-01-10T10:00:00Z", "initial app"),
    );

    git_ok(d, &["checkout", "-q", "-b", "old"]);
    write(d, "tmp/leak.txt", &format!("token={}\n", s("pat4")));
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "old1",
        commit_as(d, "Frank", "2023-01-20T10:00:00Z", "scratch notes"),
    );
    git_ok(d, &["checkout", "-q", "main"]);

    write(
        d,
        "src/deploy.sh",
        &format!("#!/bin/sh\nexport GITHUB_TOKEN={}\n", s("pat2")),
    );
    let mut bin = b"\x89PNG\0\0\0binary".to_vec();
    bin.extend_from_slice(s("pat1").as_bytes());
    std::fs::create_dir_all(d.join("assets")).unwrap();
    std::fs::write(d.join("assets/logo.bin"), bin).unwrap();
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "c2",
        commit_as(d, "Bob", "2023-02-01T10:00:00Z", "deploy script"),
    );

    std::fs::create_dir_all(d.join("settings")).unwrap();
    git_ok(d, &["mv", "config/app.py", "settings/app.py"]);
    commits.insert(
        "c3",
        commit_as(d, "Alice", "2023-03-01T10:00:00Z", "move config"),
    );

    git_ok(d, &["rm", "-q", "src/deploy.sh"]);
    commits.insert(
        "c4",
        commit_as(d, "Carol", "2023-04-01T10:00:00Z", "remove deploy script"),
    );

    git_ok(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "feature/keys.txt", &format!("key: {}\n", s("pat3")));
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "f1",
        commit_as(d, "Dave", "2023-05-01T10:00:00Z", "feature keys"),
    );
    write(
        d,
        "feature/keys.txt",
        &format!("key: {}\nother: {}\n", s("pat3"), s("pat5")),
    );
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "f2",
        commit_as(d, "Dave", "2023-05-02T10:00:00Z", "another key"),
    );
    write(d, "feature/keys.txt", &format!("key: {}\n", s("pat3")));
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "f3",
        commit_as(d, "Dave", "2023-05-03T10:00:00Z", "drop the other key"),
    );

    git_ok(d, &["checkout", "-q", "main"]);
    write(
        d,
        "settings/app.py",
        &format!("import os\n\nDEBUG = False\nTOKEN = \"{}\"\n", s("pat1")),
    );
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "c6",
        commit_as(d, "Bob", "2023-05-15T10:00:00Z", "debug flag"),
    );

    commits.insert(
        "m1",
        merge_as(d, "Alice", "2023-06-01T10:00:00Z", "feature"),
    );

    write(
        d,
        "scripts/ci.sh",
        &format!("#!/bin/sh\nTOKEN={}\n", s("pat2")),
    );
    git_ok(d, &["add", "-A"]);
    commits.insert(
        "c8",
        commit_as(d, "Erin", "2023-07-01T10:00:00Z", "ci script"),
    );

    Story {
        dir,
        commits,
        secrets,
    }
}
