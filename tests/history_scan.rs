//! The history scan against real repositories made with the git CLI: attribution to the
//! introducing commit, moves, deletions, branches, merges, ranges, shallow and partial clones.

mod common;
#[path = "common/history.rs"]
mod fixture;

use std::{collections::BTreeSet, path::Path};

use common::{fake::github_pat, git_ok, git_repo};
use fixture::{commit_as, story, write};
use keyward::{
    config::Settings,
    history::{self, HistoryOptions, HistoryScan, MissingBlobs, Revisions},
    Scanner,
};

/// A scanner with built-in rules and the repository's own `.keyward.toml` only (no user config
/// or org policy from the machine running the tests).
fn scanner(root: &Path) -> Scanner {
    let layers = match root.join(".keyward.toml").is_file() {
        true => vec![keyward::config::Layer {
            kind: keyward::config::LayerKind::Repo,
            path: Some(root.join(".keyward.toml")),
            file: toml::from_str(&std::fs::read_to_string(root.join(".keyward.toml")).unwrap())
                .unwrap(),
        }],
        false => vec![],
    };
    Scanner::new(Settings::merge(Some(root), layers)).expect("scanner")
}

fn scan(root: &Path, revisions: Revisions) -> HistoryScan {
    let repo = history::open(root).expect("open repo");
    let opts = HistoryOptions {
        revisions,
        ..HistoryOptions::default()
    };
    history::scan(&repo, &scanner(root), &opts).expect("history scan")
}

/// Findings whose secret is `secret`.
fn of<'a>(scan: &'a HistoryScan, secret: &str) -> Vec<&'a history::HistoryFinding> {
    scan.findings
        .iter()
        .filter(|f| f.finding.secret.expose() == secret)
        .collect()
}

fn paths(f: &history::HistoryFinding) -> BTreeSet<String> {
    f.locations
        .iter()
        .map(|l| l.path.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn full_audit_attributes_each_blob_to_its_introducing_commit() {
    let st = story();
    let scan = scan(st.path(), Revisions::All);

    // pat1: introduced by Alice in c1 at config/app.py; the same blob moved to settings/app.py
    // in c3; then edited by Bob in c6 (a new blob that still holds it).
    let pat1 = of(&scan, st.secret("pat1"));
    assert_eq!(pat1.len(), 2, "two blobs hold pat1: {pat1:#?}");
    assert_eq!(pat1[0].commit().id, st.commit("c1"));
    assert_eq!(pat1[0].commit().author_name, "Alice");
    assert_eq!(pat1[0].commit().author_date(), "2023-01-10T10:00:00Z");
    assert_eq!(
        paths(pat1[0]),
        ["config/app.py", "settings/app.py"]
            .map(String::from)
            .into()
    );
    assert_eq!(
        pat1[0].locations[1].commit.id,
        st.commit("c3"),
        "moved in c3"
    );
    assert_eq!(pat1[1].commit().id, st.commit("c6"));
    assert_eq!(pat1[1].finding.start.line, 4);

    // pat2: Bob's deploy script (deleted in c4), re-added by Erin in c8 in another file.
    let pat2 = of(&scan, st.secret("pat2"));
    assert_eq!(pat2.len(), 2);
    assert_eq!(pat2[0].commit().id, st.commit("c2"));
    assert_eq!(pat2[0].path(), Path::new("src/deploy.sh"));
    assert_eq!(pat2[1].commit().id, st.commit("c8"));
    assert_eq!(pat2[1].commit().author_name, "Erin");

    // pat3: introduced on the feature branch by Dave, not by Alice's merge.
    let pat3 = of(&scan, st.secret("pat3"));
    assert!(!pat3.is_empty());
    assert_eq!(pat3[0].commit().id, st.commit("f1"));
    assert!(
        pat3.iter().all(|f| f.commit().id != st.commit("m1")),
        "a merge never introduces what one side already had"
    );

    // pat4 lives only on the unmerged `old` branch; pat5 was added and removed on `feature`.
    let pat4 = of(&scan, st.secret("pat4"));
    assert_eq!(pat4.len(), 1);
    assert_eq!(pat4[0].commit().id, st.commit("old1"));
    let pat5 = of(&scan, st.secret("pat5"));
    assert_eq!(pat5.len(), 1);
    assert_eq!(pat5[0].commit().id, st.commit("f2"));

    // The binary blob holding pat1 is skipped and counted, never scanned.
    assert_eq!(scan.stats.skipped_binary, 1);
    assert!(scan
        .findings
        .iter()
        .all(|f| f.path() != Path::new("assets/logo.bin")));
    assert_eq!(scan.stats.commits, 11);
    assert!(!scan.stats.shallow);
    assert_eq!(scan.stats.missing_blobs, 0);
}

#[test]
fn each_unique_blob_is_scanned_once() {
    let st = story();
    let scan = scan(st.path(), Revisions::All);
    // Blobs: CODEOWNERS, README, app.py v1, leak.txt, deploy.sh, logo.bin, keys v1, keys v2,
    // app.py v2, ci.sh. The move (c3), deletion (c4), revert of keys (f3) and the merge add none.
    assert_eq!(scan.stats.blobs, 10, "{:?}", scan.stats);
    assert_eq!(scan.stats.blobs_scanned, 9);
    let mut seen = BTreeSet::new();
    for f in &scan.findings {
        assert!(
            seen.insert((f.blob.clone(), f.finding.fingerprint(), f.finding.start)),
            "a finding is reported twice for the same blob: {f:#?}"
        );
    }
}

#[test]
fn presence_knows_what_head_still_holds_and_when_the_rest_was_last_seen() {
    let st = story();
    let scan = scan(st.path(), Revisions::All);
    let presence = scan.presence.as_ref().expect("full audit has presence");
    let fp = |label: &str| of(&scan, st.secret(label))[0].finding.fingerprint();
    let head = |label: &str| {
        presence
            .in_head
            .get(&fp(label))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(head("pat1").len(), 1);
    assert_eq!(head("pat1")[0].0, Path::new("settings/app.py"));
    assert_eq!(head("pat1")[0].1.line, 4);
    assert_eq!(head("pat2")[0].0, Path::new("scripts/ci.sh"));
    assert_eq!(head("pat3")[0].0, Path::new("feature/keys.txt"));
    assert!(head("pat4").is_empty(), "pat4 is only on branch `old`");
    assert!(head("pat5").is_empty(), "pat5 was removed in f3");

    let last = |label: &str| presence.last_seen[&fp(label)].id.clone();
    assert_eq!(
        last("pat5"),
        st.commit("f2"),
        "last held by f2, removed in f3"
    );
    assert_eq!(last("pat4"), st.commit("old1"), "tip of branch `old`");
    assert_eq!(last("pat1"), st.commit("c8"), "still in HEAD");
    assert_eq!(last("pat2"), st.commit("c8"), "re-added, still in HEAD");
}

#[test]
fn a_range_scans_only_what_its_commits_introduced() {
    let st = story();
    // c4..main: f1, f2, f3, c6, m1, c8.
    let scan = scan(
        st.path(),
        Revisions::Spec(format!("{}..main", st.commit("c4"))),
    );
    assert_eq!(scan.stats.commits, 6);
    assert!(scan.presence.is_none());
    let found: BTreeSet<&str> = scan
        .findings
        .iter()
        .map(|f| f.finding.secret.expose())
        .collect();
    let expect: BTreeSet<&str> = ["pat1", "pat2", "pat3", "pat5"]
        .iter()
        .map(|l| st.secret(l))
        .collect();
    assert_eq!(found, expect);
    // pat1 is reported only for the blob c6 introduced, not the older one the range inherited.
    let pat1 = of(&scan, st.secret("pat1"));
    assert_eq!(pat1.len(), 1);
    assert_eq!(pat1[0].commit().id, st.commit("c6"));
    // pat2 only as re-added in c8.
    assert_eq!(of(&scan, st.secret("pat2"))[0].commit().id, st.commit("c8"));

    // The last commit alone: only Erin's script.
    let scan = scan_spec(st.path(), "HEAD~1..HEAD");
    assert_eq!(scan.stats.commits, 1);
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(scan.findings[0].finding.secret.expose(), st.secret("pat2"));

    // A merge of a branch whose secrets were pushed before introduces nothing of its own.
    let scan = scan_spec(
        st.path(),
        &format!("{}^1..{}", st.commit("m1"), st.commit("m1")),
    );
    let merge_only: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| f.commit().id == st.commit("m1"))
        .collect();
    assert!(merge_only.is_empty(), "{merge_only:#?}");
}

fn scan_spec(root: &Path, spec: &str) -> HistoryScan {
    scan(root, Revisions::Spec(spec.to_string()))
}

#[test]
fn bad_revisions_are_named_in_the_error() {
    let st = story();
    let repo = history::open(st.path()).unwrap();
    let err = history::scan(
        &repo,
        &scanner(st.path()),
        &HistoryOptions {
            revisions: Revisions::Spec("no-such-branch..HEAD".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("no-such-branch"), "{err}");
    let not_repo = tempfile::tempdir().unwrap();
    let err = history::open(not_repo.path()).unwrap_err();
    assert!(err.to_string().contains("not a git repository"), "{err}");
}

#[test]
fn a_shallow_clone_is_scanned_as_far_as_it_goes_and_says_so() {
    let st = story();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", st.path().display());
    git_ok(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "c",
        ],
    );
    let root = clone.path().join("c");
    let scan = scan(&root, Revisions::All);
    assert!(scan.stats.shallow);
    let found: BTreeSet<&str> = scan
        .findings
        .iter()
        .map(|f| f.finding.secret.expose())
        .collect();
    // Every branch tip's tree is there: main (pat1, pat2, pat3), feature (pat1, pat3), old (pat4).
    for label in ["pat1", "pat2", "pat3", "pat4"] {
        assert!(
            found.contains(st.secret(label)),
            "{label} missing from {found:?}"
        );
    }
    assert!(
        !found.contains(st.secret("pat5")),
        "pat5 is before the shallow boundary"
    );
    let mut text = Vec::new();
    history::report::write_text(&scan, &mut text).unwrap();
    assert!(String::from_utf8(text).unwrap().contains("shallow clone"));
}

#[test]
fn missing_blobs_of_a_partial_clone_are_counted_or_refused() {
    let src = git_repo();
    let d = src.path();
    write(d, "a.txt", &format!("token {}\n", github_pat(1)));
    git_ok(d, &["add", "-A"]);
    commit_as(d, "Alice", "2023-01-01T00:00:00Z", "one");
    write(d, "a.txt", &format!("token {}\n", github_pat(2)));
    git_ok(d, &["add", "-A"]);
    commit_as(d, "Alice", "2023-01-02T00:00:00Z", "two");
    git_ok(d, &["config", "uploadpack.allowFilter", "true"]);
    // A real partial clone: no blobs at first; the checkout fetches only HEAD's.
    let copy = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.display());
    git_ok(
        copy.path(),
        &["clone", "-q", "--filter=blob:none", &url, "c"],
    );
    let root = copy.path().join("c");

    let scan = scan(&root, Revisions::All);
    assert_eq!(scan.stats.missing_blobs, 1, "{:?}", scan.stats);
    assert_eq!(scan.findings.len(), 1, "HEAD's blob is still scanned");
    assert_eq!(scan.findings[0].finding.secret.expose(), github_pat(2));
    let mut text = Vec::new();
    history::report::write_text(&scan, &mut text).unwrap();
    assert!(String::from_utf8(text)
        .unwrap()
        .contains("1 missing (partial clone)"));

    let repo = history::open(&root).unwrap();
    let err = history::scan(
        &repo,
        &scanner(&root),
        &HistoryOptions {
            missing_blobs: MissingBlobs::Refuse,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("partial clone"), "{err}");
}

#[test]
fn same_rules_and_suppressions_as_the_tree_scan() {
    let dir = git_repo();
    let d = dir.path();
    let allowed = github_pat(7);
    let marked = github_pat(8);
    let custom = format!("acme_{}", common::fake::base62(9, 32));
    write(
        d,
        ".keyward.toml",
        "[allowlist]\npaths = [\"fixtures/**\"]\n\n[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\nprovider = \"Acme\"\ncategory = \"api_key\"\nconfidence = \"high\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[A-Za-z0-9]{32})\\b'''\nremediation = \"Rotate it in the Acme console.\"\n",
    );
    write(d, "fixtures/sample.txt", &format!("{allowed}\n"));
    write(
        d,
        "app.txt",
        &format!("t = {marked} # keyward:allow\nk = {custom}\n"),
    );
    git_ok(d, &["add", "-A"]);
    commit_as(d, "Alice", "2023-01-01T00:00:00Z", "one");
    let scan = scan(d, Revisions::All);
    let found: Vec<&str> = scan
        .findings
        .iter()
        .map(|f| f.finding.secret.expose())
        .collect();
    assert_eq!(found, vec![custom.as_str()], "{:?}", scan.stats);
    assert_eq!(scan.findings[0].finding.rule_id(), "acme-key");
    assert_eq!(scan.stats.skipped_allowlisted, 1);
    assert!(
        scan.stats.suppressed >= 1,
        "the inline marker suppressed one"
    );
}

#[test]
fn json_report_is_versioned_and_redacted() {
    let st = story();
    let scan = scan(st.path(), Revisions::All);
    let mut out = Vec::new();
    history::report::write_json(&scan, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for s in st.secrets.values() {
        assert!(!text.contains(s.as_str()), "full secret in JSON");
    }
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["kind"], "history");
    let first = &v["findings"][0];
    assert_eq!(first["commit"]["id"], st.commit("c1"));
    assert_eq!(first["path"], "config/app.py");
    assert_eq!(first["locations"].as_array().unwrap().len(), 2);
}
