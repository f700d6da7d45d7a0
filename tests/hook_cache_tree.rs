//! The hook's cache-tree fast path (`src/hook/cache_tree.rs`): directories the index's `TREE`
//! extension proves unchanged are skipped, and a wrong skip would let a secret through silently.
//! So every test here checks two things against real git: the staged list keyward computes
//! (`keyward hook --list-staged`) is exactly `git diff --cached --name-status -M`, and a secret
//! staged where a skip could hide it blocks the real `git commit`.

mod common;
#[path = "common/hook.rs"]
mod hookkit;

use std::path::Path;

use common::{fake::github_pat, keyward, run, stderr, stdout};
use hookkit::*;

fn secret_line(seed: u64) -> String {
    format!("GITHUB_TOKEN = \"{}\"\n", github_pat(seed))
}

/// Content no other file shares, so renames pair up the same way in git and gix.
fn unique(path: &str) -> String {
    (0..12).map(|i| format!("// {path} line {i}\n")).collect()
}

/// `src/mod{0..4}/sub{0..4}/file{0..3}.rs` plus a top-level file, committed.
fn wide_repo() -> Repo {
    let r = Repo::new();
    for m in 0..4 {
        for s in 0..4 {
            for f in 0..3 {
                let p = format!("src/mod{m}/sub{s}/file{f}.rs");
                r.write(&p, unique(&p));
            }
        }
    }
    r.write("README.md", "readme\n");
    r.git(&["add", "."]);
    r.commit_no_verify(&[]);
    r
}

/// What keyward lists: sorted lines, and its note on how it got them.
fn keyward_listed(dir: &Path) -> (Vec<String>, String) {
    let o = run(keyward().current_dir(dir).args(["hook", "--list-staged"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    lines.sort();
    (lines, stderr(&o))
}

/// What git lists, in keyward's layout: scores dropped, deletions left out (counted instead),
/// type changes shown as modifications.
fn git_listed(r: &Repo) -> (Vec<String>, usize) {
    let text = r.git(&["diff", "--cached", "--name-status", "-M"]);
    let mut deletions = 0;
    let mut lines = Vec::new();
    for l in text.lines() {
        let (status, rest) = l.split_once('\t').unwrap();
        match &status[..1] {
            "D" => deletions += 1,
            "R" => {
                deletions += 1;
                lines.push(format!("R\t{rest}"));
            }
            "T" => lines.push(format!("M\t{rest}")),
            s => lines.push(format!("{s}\t{rest}")),
        }
    }
    lines.sort();
    (lines, deletions)
}

/// Asserts keyward's staged list equals git's and returns keyward's note.
#[track_caller]
fn assert_lists_like_git(r: &Repo) -> String {
    let (ours, note) = keyward_listed(r.path());
    let (theirs, deletions) = git_listed(r);
    assert_eq!(ours, theirs, "keyward vs git diff --cached ({note})");
    assert!(
        note.contains(&format!("; {deletions} deletions")),
        "deletions counted like git ({deletions}): {note}"
    );
    note
}

/// How many directories the cache tree let keyward skip (panics if it took another way).
#[track_caller]
fn skipped_dirs(note: &str) -> usize {
    let rest = note
        .split("gix with cache tree, ")
        .nth(1)
        .unwrap_or_else(|| panic!("expected the cache-tree path: {note}"));
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

/// The index's cache tree as gix decodes it: `(path, valid)` for every directory it records.
fn cache_tree(index_file: &Path) -> Option<Vec<(String, bool)>> {
    let index =
        gix::index::File::at(index_file, gix::hash::Kind::Sha1, false, Default::default()).unwrap();
    fn walk(t: &gix::index::extension::Tree, path: String, out: &mut Vec<(String, bool)>) {
        out.push((path.clone(), t.num_entries.is_some()));
        for c in &t.children {
            let name = String::from_utf8_lossy(&c.name);
            let p = if path.is_empty() {
                name.into_owned()
            } else {
                format!("{path}/{name}")
            };
            walk(c, p, out);
        }
    }
    index.tree().map(|t| {
        let mut out = Vec::new();
        walk(t, String::new(), &mut out);
        out
    })
}

fn valid(tree: &[(String, bool)], dir: &str) -> Option<bool> {
    tree.iter().find(|(p, _)| p == dir).map(|(_, v)| *v)
}

/// Replaces keyward's shim with a hook that first records what keyward lists for the index git
/// hands the hook (`GIT_INDEX_FILE`: a temporary index for `commit -a` and `commit <paths>`).
fn install_listing_hook(r: &Repo) {
    let bin = common::keyward_bin();
    let hook = r.path().join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"index: $GIT_INDEX_FILE\" >>.git/keyward-listed\n\"{0}\" hook --list-staged >>.git/keyward-listed 2>&1\nexec \"{0}\" hook\n",
            bin.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn take_listed(r: &Repo) -> String {
    let p = r.path().join(".git/keyward-listed");
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    let _ = std::fs::remove_file(p);
    text
}

#[test]
fn a_deep_change_beside_valid_sibling_caches_is_found() {
    let r = wide_repo();
    let note = assert_lists_like_git(&r);
    assert_eq!(
        skipped_dirs(&note),
        1,
        "nothing staged: the root matches HEAD"
    );

    let target = "src/mod2/sub3/file1.rs";
    r.write(target, format!("{}{}", unique(target), secret_line(1)));
    r.git(&["add", target]);
    // `git write-tree` revalidates the whole cache tree: the changed directories now have
    // *valid* entries, whose ids differ from HEAD's, right beside valid siblings that match.
    r.git(&["write-tree"]);
    let tree = cache_tree(&r.path().join(".git/index")).expect("git wrote a cache tree");
    assert_eq!(valid(&tree, "src/mod2/sub3"), Some(true), "{tree:?}");
    assert_eq!(valid(&tree, "src/mod2/sub2"), Some(true), "{tree:?}");
    let note = assert_lists_like_git(&r);
    // Skipped: README.md's root level has nothing; src/mod{0,1,3}, src/mod2/sub{0,1,2}.
    assert_eq!(skipped_dirs(&note), 6, "{note}");

    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains(&format!("{target}:13:")), "{text}");
}

#[test]
fn git_add_after_a_commit_invalidates_only_the_changed_path() {
    let r = wide_repo();
    let target = "src/mod0/sub1/file2.rs";
    r.write(target, format!("{}{}", unique(target), secret_line(2)));
    r.git(&["add", target]);
    let tree = cache_tree(&r.path().join(".git/index")).expect("cache tree kept by git add");
    for dir in ["", "src", "src/mod0", "src/mod0/sub1"] {
        assert_eq!(
            valid(&tree, dir),
            Some(false),
            "{dir:?} invalidated: {tree:?}"
        );
    }
    assert_eq!(valid(&tree, "src/mod0/sub0"), Some(true), "{tree:?}");
    let note = assert_lists_like_git(&r);
    assert!(skipped_dirs(&note) >= 6, "{note}");
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains(&format!("{target}:13:")), "{text}");

    // And a second change in a directory the first one left valid.
    r.write(target, unique(target));
    r.git(&["add", target]);
    let other = "src/mod3/sub3/new.rs";
    r.write(other, secret_line(3));
    r.git(&["add", other]);
    assert_lists_like_git(&r);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains(&format!("{other}:1:")), "{text}");
}

#[test]
fn an_index_without_a_cache_tree_takes_the_full_diff() {
    let r = wide_repo();
    let target = "src/mod1/sub1/file0.rs";
    r.write(target, format!("{}{}", unique(target), secret_line(4)));
    r.git(&["add", target]);
    // Rebuild the index from its own entry list: `update-index --index-info` writes no `TREE`
    // (git 2.47's `read-tree` always primes one, see the next test).
    let entries = r.git(&["ls-files", "-s"]);
    std::fs::remove_file(r.path().join(".git/index")).unwrap();
    let mut c = r.git_cmd();
    c.args(["update-index", "--index-info"])
        .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(entries.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(cache_tree(&r.path().join(".git/index")), None);
    let note = assert_lists_like_git(&r);
    assert!(note.contains("gix full diff"), "{note}");
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains(&format!("{target}:13:")), "{text}");
}

#[test]
fn an_index_written_by_read_tree_is_diffed_exactly() {
    let r = wide_repo();
    let target = "src/mod3/sub0/file2.rs";
    r.write(target, format!("{}{}", unique(target), secret_line(5)));
    r.write("src/mod3/sub0/gone.rs", "x\n");
    r.git(&["add", "."]);
    r.commit_no_verify(&[]);
    // The index of the previous commit: the secret line and gone.rs are removed, nothing added.
    r.git(&["read-tree", "HEAD~1"]);
    assert!(cache_tree(&r.path().join(".git/index")).is_some());
    let note = assert_lists_like_git(&r);
    skipped_dirs(&note);
    // Back to HEAD plus a new secret beside it.
    r.git(&["read-tree", "HEAD"]);
    assert_eq!(
        skipped_dirs(&assert_lists_like_git(&r)),
        1,
        "read-tree HEAD: all unchanged"
    );
    r.write("src/mod3/sub0/late.rs", secret_line(6));
    r.git(&["add", "src/mod3/sub0/late.rs"]);
    assert_lists_like_git(&r);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("src/mod3/sub0/late.rs:1:"), "{text}");
}

#[test]
fn a_rename_across_directories_is_paired_and_diffed_against_its_source() {
    let r = wide_repo();
    let old = "src/mod0/sub0/creds.rs";
    let mut content = unique(old);
    content.push_str(&secret_line(7));
    r.write(old, &content);
    r.git(&["add", old]);
    r.commit_no_verify(&[]);

    let new = "src/mod3/sub2/deeper/creds.rs";
    std::fs::create_dir_all(r.path().join("src/mod3/sub2/deeper")).unwrap();
    r.git(&["mv", old, new]);
    content.push_str("more = 1\n");
    r.write(new, &content);
    r.git(&["add", new]);
    let note = assert_lists_like_git(&r);
    assert!(skipped_dirs(&note) > 0, "{note}");
    let (ours, _) = keyward_listed(r.path());
    assert_eq!(ours, vec![format!("R\t{old}\t{new}")]);
    let text = assert_passed(&r.commit(&[]));
    assert_eq!(
        summary(&text).findings,
        0,
        "an old secret moved is not new: {text}"
    );

    // Moved back with a new secret: blocked on the new line only.
    r.git(&["mv", new, old]);
    content.push_str(&secret_line(8));
    r.write(old, &content);
    r.git(&["add", old]);
    assert_lists_like_git(&r);
    let text = assert_blocked(&r.commit(&[]));
    let s = summary(&text);
    assert_eq!((s.findings, s.blocking), (1, 1), "{text}");
    assert!(text.contains(&format!("{old}:15:")), "{text}");
}

#[test]
fn commit_a_in_a_deep_directory_scans_the_temporary_index() {
    let r = wide_repo();
    install_listing_hook(&r);
    let target = "src/mod1/sub3/file1.rs";
    r.write(target, format!("{}{}", unique(target), secret_line(9)));
    assert!(
        r.git(&["diff", "--cached"]).is_empty(),
        "nothing staged in .git/index"
    );
    let text = assert_blocked(&r.commit(&["-a"]));
    assert!(text.contains(&format!("{target}:13:")), "{text}");
    let listed = take_listed(&r);
    assert!(
        listed.contains("index: ") && listed.contains(".lock"),
        "{listed}"
    );
    assert!(listed.contains(&format!("M\t{target}")), "{listed}");
    assert!(
        r.git(&["diff", "--cached"]).is_empty(),
        "the real index was not touched"
    );
}

#[test]
fn a_partial_commit_with_paths_scans_only_those_paths() {
    let r = wide_repo();
    install_listing_hook(&r);
    let leaky = "src/mod2/sub0/file0.rs";
    r.write(leaky, format!("{}{}", unique(leaky), secret_line(10)));
    r.git(&["add", leaky]);
    let clean = "src/mod2/sub1/file0.rs";
    r.write(clean, format!("{}x = 2\n", unique(clean)));

    let text = assert_passed(&r.commit(&[clean]));
    assert_eq!(summary(&text).files, 1, "only {clean}: {text}");
    let listed = take_listed(&r);
    assert!(listed.contains(&format!("M\t{clean}")), "{listed}");
    assert!(!listed.contains(leaky), "{listed}");
    assert!(
        r.git(&["diff", "--cached", "--name-only"]).contains(leaky),
        "still staged"
    );

    let text = assert_blocked(&r.commit(&[leaky]));
    assert!(text.contains(&format!("{leaky}:13:")), "{text}");
    assert!(take_listed(&r).contains(&format!("M\t{leaky}")));
}

/// One change to the index, by git.
type Step = Box<dyn Fn(&Repo)>;

#[test]
fn index_operations_list_exactly_what_git_lists() {
    let r = wide_repo();
    let steps: Vec<(&str, Step)> = vec![
        (
            "modify deep",
            Box::new(|r| {
                r.write("src/mod0/sub0/file0.rs", "changed\n");
                r.git(&["add", "src/mod0/sub0/file0.rs"]);
            }),
        ),
        (
            "delete a whole directory",
            Box::new(|r| {
                r.git(&["rm", "-q", "-r", "--cached", "src/mod1/sub2"]);
            }),
        ),
        (
            "new directory",
            Box::new(|r| {
                r.write("brand/new/dir/a.rs", unique("brand/new/dir/a.rs"));
                r.git(&["add", "brand"]);
            }),
        ),
        (
            "mode change only",
            Box::new(|r| {
                r.git(&["update-index", "--chmod=+x", "src/mod3/sub1/file2.rs"]);
            }),
        ),
        (
            "file becomes a directory",
            Box::new(|r| {
                r.git(&["rm", "-q", "--cached", "README.md"]);
                std::fs::remove_file(r.path().join("README.md")).unwrap();
                r.write("README.md/inner.txt", "inner\n");
                r.git(&["add", "README.md/inner.txt"]);
            }),
        ),
        (
            "directory renamed",
            Box::new(|r| {
                r.git(&["mv", "src/mod2/sub2", "src/mod0/moved"]);
            }),
        ),
        (
            "write-tree revalidates",
            Box::new(|r| {
                r.git(&["write-tree"]);
            }),
        ),
        (
            "unstage one path",
            Box::new(|r| {
                r.git(&["reset", "-q", "--", "src/mod0/sub0/file0.rs"]);
            }),
        ),
        (
            "symlink",
            Box::new(|r| {
                std::os::unix::fs::symlink("file0.rs", r.path().join("src/mod3/sub3/link"))
                    .unwrap();
                r.git(&["add", "src/mod3/sub3/link"]);
            }),
        ),
        (
            "intent to add, cache tree refreshed",
            Box::new(|r| {
                r.write("src/mod1/sub0/later.rs", secret_line(11));
                r.git(&["add", "-N", "src/mod1/sub0/later.rs"]);
                r.git(&["write-tree"]);
            }),
        ),
        (
            "everything back",
            Box::new(|r| {
                r.git(&["read-tree", "HEAD"]);
            }),
        ),
    ];
    for (name, step) in steps {
        step(&r);
        let (ours, note) = keyward_listed(r.path());
        let (theirs, deletions) = git_listed(&r);
        assert_eq!(ours, theirs, "after {name:?} ({note})");
        assert!(
            note.contains(&format!("; {deletions} deletions")),
            "after {name:?}: {deletions} deletions: {note}"
        );
        skipped_dirs(&note);
    }
}
