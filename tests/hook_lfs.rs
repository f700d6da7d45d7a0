//! Git LFS through the real hook: the staged blob of an LFS path is only a pointer, and the
//! content git-lfs stores is what the clean filter read — the working-tree file. The hook must
//! scan that content, or name each LFS file it could not scan.

mod common;
#[path = "common/hook.rs"]
mod hookkit;

use common::{fake::github_pat, git, require_tool, run};
use hookkit::*;

const ATTRIBUTES: &str = "*.bin filter=lfs diff=lfs merge=lfs -text\n";

/// A pointer in git-lfs's format (spec v1) for `content`; the oid need not be real for the
/// hook, which never fetches.
fn pointer(content: &[u8]) -> String {
    use std::fmt::Write;
    // A stand-in oid: 64 hex digits derived from the content length, so no sha256 crate is
    // needed here (the hook does not verify it).
    let mut oid = String::new();
    for i in 0..32 {
        write!(oid, "{:02x}", (content.len() + i) % 256).unwrap();
    }
    format!(
        "version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {}\n",
        content.len()
    )
}

/// Stages `pointer_text` as the blob of `path` without git-lfs: `hash-object -w` then
/// `update-index --cacheinfo`, as the clean filter would have left the index.
fn stage_pointer(r: &Repo, path: &str, pointer_text: &str) {
    let tmp = r.path().join(".git").join("pointer.tmp");
    std::fs::write(&tmp, pointer_text).unwrap();
    let oid = r.git(&["hash-object", "-w", tmp.to_str().unwrap()]);
    std::fs::remove_file(&tmp).unwrap();
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("100644,{},{path}", oid.trim()),
    ]);
}

fn lfs_repo() -> Repo {
    let r = Repo::new();
    r.write(".gitattributes", ATTRIBUTES);
    r.git(&["add", ".gitattributes"]);
    r.commit_no_verify(&[]);
    r
}

#[test]
fn a_secret_in_an_lfs_file_blocks_though_only_its_pointer_is_staged() {
    let r = lfs_repo();
    let content = format!("config dump\ntoken = \"{}\"\n", github_pat(71));
    r.write("data/dump.bin", &content);
    stage_pointer(&r, "data/dump.bin", &pointer(content.as_bytes()));
    let staged = r.git(&["show", ":data/dump.bin"]);
    assert!(staged.starts_with("version https://git-lfs.github.com/spec/v1"));
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("data/dump.bin:2:"), "{text}");
    assert!(
        text.contains("Git LFS"),
        "says it scanned the LFS content: {text}"
    );
    assert!(!text.contains(&github_pat(71)), "{text}");
}

#[test]
fn an_lfs_file_missing_from_the_working_tree_is_named_and_counts_as_unscanned() {
    let r = lfs_repo();
    let content = b"whatever was stored\n";
    stage_pointer(&r, "gone.bin", &pointer(content));
    // No working-tree file and no LFS object: nothing to scan but the pointer.
    let o = r.commit(&[]);
    let text = output(&o);
    assert!(o.status.success(), "off by default it commits: {text}");
    assert!(
        text.contains("gone.bin") && text.contains("Git LFS") && text.contains("NOT scanned"),
        "the skipped file is named: {text}"
    );
    r.undo_commit();
    r.write(".keyward.toml", "[hook]\nblock_unscanned = true\n");
    r.git(&["add", ".keyward.toml"]);
    let o = r.commit(&[]);
    let text = output(&o);
    assert!(!o.status.success(), "block_unscanned blocks it: {text}");
    assert!(text.contains("could not be scanned"), "{text}");
}

#[test]
fn an_lfs_file_over_the_size_cap_is_named() {
    let r = lfs_repo();
    r.write(".keyward.toml", "[scan]\nmax_file_size = 1000\n");
    r.git(&["add", ".keyward.toml"]);
    let content = "x".repeat(5000);
    r.write("big.bin", &content);
    stage_pointer(&r, "big.bin", &pointer(content.as_bytes()));
    let o = r.commit(&[]);
    let text = output(&o);
    assert!(
        text.contains("big.bin") && text.contains("5000 bytes") && text.contains("NOT scanned"),
        "{text}"
    );
}

#[test]
fn an_ordinary_file_that_only_mentions_the_pointer_format_is_scanned_as_itself() {
    let r = Repo::new();
    // Not under an LFS attribute and not a pointer (text after the header): scanned as staged.
    let body = format!(
        "version https://git-lfs.github.com/spec/v1 is the header line\nt = \"{}\"\n",
        github_pat(72)
    );
    r.write("notes.txt", &body);
    r.git(&["add", "notes.txt"]);
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("notes.txt:2:"), "{text}");
}

#[test]
fn real_git_lfs_track_and_add() {
    if require_tool("git-lfs").is_none() {
        return;
    }
    let r = Repo::new();
    r.git(&["lfs", "install", "--local"]);
    r.git(&["lfs", "track", "*.bin"]);
    let content = format!("blob\napi = \"{}\"\n", github_pat(73));
    r.write("model.bin", &content);
    r.git(&["add", ".gitattributes", "model.bin"]);
    let staged = run(git(r.path()).args(["cat-file", "-p", ":model.bin"]));
    assert!(
        String::from_utf8_lossy(&staged.stdout).starts_with("version https://git-lfs"),
        "git-lfs staged a pointer"
    );
    // The working tree changes after `git add`: what git-lfs stored is still what counts.
    r.write("model.bin", "harmless now\n");
    let text = assert_blocked(&r.commit(&[]));
    assert!(text.contains("model.bin:2:"), "{text}");
}
