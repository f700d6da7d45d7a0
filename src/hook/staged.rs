//! What a commit would add: the index git is about to commit, compared with the `HEAD` tree.
//!
//! "The index git is about to commit" is not always `.git/index`: `git commit -a` and
//! `git commit <paths>` point `GIT_INDEX_FILE` at a temporary index, so the repository is opened
//! with git's environment overrides. Blob ids come from the index and the bytes from the object
//! database, never from the working tree, so an unstaged edit can neither hide nor fake a leak.

use std::{ops::ControlFlow, path::Path, process::Command};

use gix::{
    bstr::{BStr, BString, ByteSlice},
    diff::index::ChangeRef,
    status::tree_index::TrackRenames,
    ObjectId,
};

use super::{cache_tree::Unchanged, HookError};

/// How a staged path differs from `HEAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Renamed,
    Copied,
}

/// One staged blob that a commit would add or change.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Repository-relative, `/`-separated, raw bytes (paths need not be UTF-8).
    pub path: BString,
    pub kind: ChangeKind,
    /// The staged blob.
    pub new_id: ObjectId,
    /// What the staged blob is compared with to find added lines: `HEAD`'s version of the path,
    /// or the source of a rename/copy. `None` for a new file.
    pub base_id: Option<ObjectId>,
    /// Where a rename or copy came from.
    pub source_path: Option<BString>,
    /// During a merge: the blob at this path in each merged head (`None` when absent there).
    pub merge_ids: Vec<Option<ObjectId>>,
}

/// How the list of staged changes was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// In-process, with gix, diffing the whole index against the whole `HEAD` tree.
    Gix,
    /// In-process, with gix, leaving out the directories the index's cache tree proves unchanged.
    GixCacheTree,
    /// The index is sparse, which gix cannot diff yet: `git diff --cached` listed the changes
    /// (blobs are still read in-process).
    GitCliSparse,
}

/// Everything the hook needs to know about the staged changes.
#[derive(Debug, Clone)]
pub struct Staged {
    pub files: Vec<StagedFile>,
    /// Paths deleted in the index: nothing to scan, a deletion cannot add a secret.
    pub deletions: usize,
    /// Gitlinks: the staged id is a commit in another repository, scanned by that repository's hook.
    pub submodules: Vec<BString>,
    /// Heads being merged (`MERGE_HEAD`), empty outside a merge.
    pub merge_heads: Vec<ObjectId>,
    pub via: Via,
    /// With [`Via::GixCacheTree`]: how many directories the cache tree proved unchanged.
    pub unchanged_dirs: usize,
}

fn git_err(e: impl std::error::Error + Send + Sync + 'static) -> HookError {
    HookError::Git(Box::new(e))
}

/// Opens the repository around `dir` the way git itself would inside a hook: `GIT_DIR`,
/// `GIT_WORK_TREE` and `GIT_INDEX_FILE` are honoured, and a worktree's `.git` file is followed.
pub fn open(dir: &Path) -> Result<gix::Repository, HookError> {
    let repo = gix::ThreadSafeRepository::discover_with_environment_overrides(dir)
        .map_err(git_err)?
        .to_thread_local();
    Ok(repo)
}

/// Lists the staged changes: index against the `HEAD` tree (the empty tree before the first
/// commit), with renames followed as git is configured to (on by default).
pub fn staged_changes(repo: &gix::Repository) -> Result<Staged, HookError> {
    let index = read_index(repo)?;
    let merge_heads = merge_heads(repo)?;
    let mut staged = if index.is_sparse() {
        // gix-diff refuses sparse indexes ("Cannot diff indices that contain sparse entries").
        // Scanning nothing would be the worst answer; ask git, which understands them.
        from_git_cli(repo)?
    } else {
        from_gix(repo, index)?
    };
    if !merge_heads.is_empty() {
        let trees = merge_heads
            .iter()
            .map(|id| {
                let commit = repo.find_commit(*id).map_err(git_err)?;
                commit.tree().map_err(git_err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        for f in &mut staged.files {
            f.merge_ids = trees
                .iter()
                .map(|tree| blob_at(tree, f.path.as_ref()))
                .collect::<Result<_, _>>()?;
        }
    }
    staged.merge_heads = merge_heads;
    Ok(staged)
}

fn empty_staged(via: Via) -> Staged {
    Staged {
        files: Vec::new(),
        deletions: 0,
        submodules: Vec::new(),
        merge_heads: Vec::new(),
        via,
        unchanged_dirs: 0,
    }
}

/// Index against `HEAD` in-process. With a cache tree, directories it proves unchanged are left
/// out of both sides before diffing ([`Via::GixCacheTree`]); otherwise gix diffs everything.
fn from_gix(repo: &gix::Repository, mut index: gix::index::File) -> Result<Staged, HookError> {
    let head_tree = repo.head_tree_id_or_empty().map_err(git_err)?.detach();
    if let Some(rewrites) = fast_path_rewrites(repo, &index) {
        let cache = index.tree().expect("checked by fast_path_rewrites");
        let unchanged = Unchanged::find(repo, cache, head_tree)?;
        let mut out = empty_staged(Via::GixCacheTree);
        out.unchanged_dirs = unchanged.len();
        if unchanged.everything() {
            return Ok(out);
        }
        // Rename tracking compares blobs the way `git diff` would, honouring `.gitattributes`
        // from the index. gix's `diff_resource_cache_for_tree_diff` would read the index file a
        // second time for those (as long as everything else here together), so hand it the one
        // already in memory, before directories are removed from it.
        let mut resource_cache = match rewrites {
            Some(_) => {
                let attributes = repo
                    .attributes_only(
                        &index,
                        gix::worktree::stack::state::attributes::Source::IdMapping,
                    )
                    .map_err(git_err)?
                    .detach();
                Some(
                    gix::diff::resource_cache(
                        repo,
                        gix::diff::blob::pipeline::Mode::ToGit,
                        attributes,
                        gix::diff::blob::pipeline::WorktreeRoots::default(),
                    )
                    .map_err(git_err)?,
                )
            }
            None => None,
        };
        let head = unchanged.head_outside(repo, head_tree)?;
        unchanged.remove_from(&mut index);
        // No patterns: every entry left on either side takes part.
        let mut pathspec =
            gix::pathspec::Search::from_specs(None, None, Path::new("")).map_err(git_err)?;
        gix::diff::index(
            &head,
            &index,
            |change| {
                out.push(change, &index);
                Ok(ControlFlow::Continue(()))
            },
            rewrites
                .zip(resource_cache.as_mut())
                .map(
                    |(rewrites, resource_cache)| gix::diff::index::RewriteOptions {
                        resource_cache,
                        find: repo,
                        rewrites,
                    },
                ),
            &mut pathspec,
            &mut |_, _, _, _| false,
        )
        .map_err(git_err)?;
        return Ok(out);
    }
    let mut out = empty_staged(Via::Gix);
    repo.tree_index_status(
        &head_tree,
        &index,
        None,
        TrackRenames::AsConfigured,
        |change, _tree_index, worktree_index| {
            out.push(change, worktree_index);
            Ok(ControlFlow::Continue(()))
        },
    )
    .map_err(git_err)?;
    Ok(out)
}

/// Whether the cache-tree fast path applies, and with which rename tracking (`Some(None)`: none).
///
/// It applies when the index has a cache tree and is a plain index (not split, not sparse), and
/// when rename tracking would only pair changes with changes: renames pair a deletion with an
/// addition, copies (`diff.renames = copies`) an addition with a modified file, and all of these
/// are inside directories the cache tree cannot skip. Copies from *unchanged* files, or a rename
/// configuration that gix reads differently from `diff.renames`, take the full diff instead, as
/// does any configuration value this check cannot read (the full diff then reports it).
fn fast_path_rewrites(
    repo: &gix::Repository,
    index: &gix::index::File,
) -> Option<Option<gix::diff::Rewrites>> {
    if index.tree().is_none() || index.link().is_some() || index.is_sparse() {
        return None;
    }
    let config = repo.config_snapshot();
    let file = config.plumbing();
    // `tree_index_status` looks at its own rename keys first (gix 0.90 reads them from the
    // `merge` section); rather than re-deriving its reading, leave those cases to it.
    for key in [
        "status.renames",
        "status.renameLimit",
        "merge.renames",
        "merge.renameLimit",
    ] {
        if file.raw_value(key).is_ok() {
            return None;
        }
    }
    let (rewrites, configured) = gix::diff::new_rewrites(file, false).ok()?;
    let rewrites = if configured {
        rewrites
    } else {
        Some(gix::diff::Rewrites::default())
    };
    if let Some(copies) = rewrites.as_ref().and_then(|r| r.copies) {
        if copies.source != gix::diff::rewrites::CopySource::FromSetOfModifiedFiles {
            return None;
        }
    }
    Some(rewrites)
}

impl Staged {
    /// Records one change of the index against `HEAD`; `index` is the state `change` indexes into.
    fn push(&mut self, change: ChangeRef<'_, '_>, index: &gix::index::State) {
        let intent_to_add = |i: usize| {
            index
                .entries()
                .get(i)
                .is_some_and(|e| e.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD))
        };
        let (path, kind, new_id, base_id, source_path) = match change {
            ChangeRef::Deletion { .. } => {
                self.deletions += 1;
                return;
            }
            ChangeRef::Addition {
                location,
                index,
                entry_mode,
                id,
            } => {
                if entry_mode.is_submodule() {
                    self.submodules.push(location.into_owned());
                    return;
                }
                // `git add -N`: an empty placeholder git does not commit.
                if intent_to_add(index) {
                    return;
                }
                (
                    location.into_owned(),
                    ChangeKind::Added,
                    id.into_owned(),
                    None,
                    None,
                )
            }
            ChangeRef::Modification {
                location,
                previous_id,
                previous_entry_mode,
                entry_mode,
                id,
                ..
            } => {
                if entry_mode.is_submodule() {
                    self.submodules.push(location.into_owned());
                    return;
                }
                // A file replacing a submodule has no old blob to diff against.
                let base = (!previous_entry_mode.is_submodule()).then(|| previous_id.into_owned());
                (
                    location.into_owned(),
                    ChangeKind::Modified,
                    id.into_owned(),
                    base,
                    None,
                )
            }
            ChangeRef::Rewrite {
                source_location,
                source_id,
                source_entry_mode,
                location,
                entry_mode,
                id,
                copy,
                ..
            } => {
                if entry_mode.is_submodule() {
                    self.submodules.push(location.into_owned());
                    return;
                }
                if !copy {
                    // The source path is gone from the index: that half is a deletion.
                    self.deletions += 1;
                }
                let base = (!source_entry_mode.is_submodule()).then(|| source_id.into_owned());
                let kind = if copy {
                    ChangeKind::Copied
                } else {
                    ChangeKind::Renamed
                };
                (
                    location.into_owned(),
                    kind,
                    id.into_owned(),
                    base,
                    Some(source_location.into_owned()),
                )
            }
        };
        self.files.push(StagedFile {
            path,
            kind,
            new_id,
            base_id,
            source_path,
            merge_ids: Vec::new(),
        });
    }
}

/// Reads the index git is about to commit (`GIT_INDEX_FILE` or `.git/index`), or an empty one
/// before the first `git add`. The trailing checksum is not verified: git wrote this file moments
/// ago and verifies it itself when it commits, and hashing it would double the cost of reading it
/// (half the hook's time in a 50,000-file repository).
fn read_index(repo: &gix::Repository) -> Result<gix::index::File, HookError> {
    gix::index::File::at_or_default(
        repo.index_path(),
        repo.object_hash(),
        true,
        gix::index::decode::Options {
            thread_limit: None,
            min_extension_block_in_bytes_for_threading: 0,
            expected_checksum: None,
            alloc_limit_bytes: None,
        },
    )
    .map_err(git_err)
}

/// Heads listed in `MERGE_HEAD` (one per line; several for an octopus merge).
fn merge_heads(repo: &gix::Repository) -> Result<Vec<ObjectId>, HookError> {
    let path = repo.git_dir().join("MERGE_HEAD");
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(HookError::Io { path, source }),
    };
    text.lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| ObjectId::from_hex(l).map_err(git_err))
        .collect()
}

/// The blob at `path` in `tree`, if there is a regular blob there.
fn blob_at(tree: &gix::Tree<'_>, path: &BStr) -> Result<Option<ObjectId>, HookError> {
    let entry = tree.lookup_entry(path.split_str("/")).map_err(git_err)?;
    Ok(entry
        .filter(|e| e.mode().is_blob() || e.mode().is_link())
        .map(|e| e.object_id()))
}

/// The fallback for a sparse index: `git diff --cached --raw -z -M` lists the changes exactly as
/// `git commit` sees them (git inherits `GIT_INDEX_FILE` from our environment).
fn from_git_cli(repo: &gix::Repository) -> Result<Staged, HookError> {
    let mut cmd = Command::new("git");
    if let Some(wd) = repo.workdir() {
        cmd.current_dir(wd);
    }
    // A relative GIT_INDEX_FILE is relative to where git started us, so keep our directory's view
    // of it absolute before changing directory.
    if let Some(idx) = std::env::var_os("GIT_INDEX_FILE") {
        let idx = Path::new(&idx);
        if idx.is_relative() {
            if let Ok(cwd) = std::env::current_dir() {
                cmd.env("GIT_INDEX_FILE", cwd.join(idx));
            }
        }
    }
    let out = cmd
        .args([
            "diff",
            "--cached",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules=none",
        ])
        .output()
        .map_err(|source| HookError::Io {
            path: "git".into(),
            source,
        })?;
    if !out.status.success() {
        return Err(HookError::GitCli(format!(
            "`git diff --cached` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    parse_raw_diff(&out.stdout)
}

/// Parses `git diff --raw -z` records: `:oldmode newmode oldid newid status\0path\0` and, for
/// renames and copies, `...R<score>\0source\0destination\0`.
pub(crate) fn parse_raw_diff(raw: &[u8]) -> Result<Staged, HookError> {
    let bad = |what: &str| HookError::GitCli(format!("unexpected `git diff --raw` output: {what}"));
    let mut out = empty_staged(Via::GitCliSparse);
    let mut fields = raw.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(header) = fields.next() {
        let header = header
            .strip_prefix(b":")
            .ok_or_else(|| bad("record without ':'"))?;
        let parts: Vec<&[u8]> = header.split(|&b| b == b' ').collect();
        let [old_mode, new_mode, old_id, new_id, status] = parts[..] else {
            return Err(bad("header"));
        };
        let oid = |hex: &[u8]| ObjectId::from_hex(hex).map_err(|_| bad("object id"));
        let (old_id, new_id) = (oid(old_id)?, oid(new_id)?);
        let is_gitlink = |mode: &[u8]| mode == b"160000";
        let letter = *status.first().ok_or_else(|| bad("status"))?;
        let first = BString::from(fields.next().ok_or_else(|| bad("path"))?);
        let (path, source) = if matches!(letter, b'R' | b'C') {
            let dest = BString::from(fields.next().ok_or_else(|| bad("rename target"))?);
            (dest, Some(first))
        } else {
            (first, None)
        };
        if letter == b'D' {
            out.deletions += 1;
            continue;
        }
        if is_gitlink(new_mode) {
            out.submodules.push(path);
            continue;
        }
        let base_id = (!old_id.is_null() && !is_gitlink(old_mode)).then_some(old_id);
        let kind = match letter {
            b'A' => ChangeKind::Added,
            b'R' => {
                out.deletions += 1;
                ChangeKind::Renamed
            }
            b'C' => ChangeKind::Copied,
            _ => ChangeKind::Modified,
        };
        out.files.push(StagedFile {
            path,
            kind,
            new_id,
            base_id,
            source_path: source,
            merge_ids: Vec::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_diff_records_parse() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let mut raw =
            format!(":000000 100644 {z} {a} A\0new.txt\0:100644 100644 {a} {b} R087\0old name\0")
                .into_bytes();
        raw.extend_from_slice(b"new\xffname\0");
        raw.extend_from_slice(
            format!(":100644 000000 {a} {z} D\0gone\0:000000 160000 {z} {b} A\0sub\0").as_bytes(),
        );
        let s = parse_raw_diff(&raw).unwrap();
        assert_eq!(s.files.len(), 2);
        assert_eq!(s.files[0].kind, ChangeKind::Added);
        assert_eq!(s.files[0].base_id, None);
        assert_eq!(s.files[1].kind, ChangeKind::Renamed);
        assert_eq!(s.files[1].path.as_slice(), b"new\xffname");
        assert_eq!(s.files[1].source_path, Some(BString::from("old name")));
        assert_eq!(s.files[1].base_id.unwrap().to_string(), a);
        assert_eq!(s.deletions, 2, "the delete and the rename's source");
        assert_eq!(s.submodules, vec![BString::from("sub")]);
    }

    #[test]
    fn raw_diff_rejects_garbage() {
        assert!(parse_raw_diff(b"not a record\0").is_err());
    }
}
