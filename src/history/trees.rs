//! From commits to unique blobs: every (path, blob) pair the history ever held, each recorded once
//! with the commit that introduced it.
//!
//! Each commit is diffed against its first parent (the empty tree for a root or a shallow
//! boundary). That diff only descends into directories that changed, so this costs about what a
//! `git log --raw` does and never reads a blob. Because commits arrive parents-first, the first
//! commit whose diff adds a pair is the earliest commit that has it while its parents did not: the
//! one that introduced it. Every pair any commit holds is added somewhere along its first-parent
//! chain, so no blob is missed.

use std::collections::{HashMap, HashSet};

use gix::{
    bstr::{BString, ByteSlice},
    diff::tree::{recorder::Change as RecChange, Recorder, State},
    objs::{FindExt, TreeRefIter},
    ObjectId,
};

use super::{commits::Node, HistoryError};

/// Interned repository paths (`src/config.py`), so pairs and changes are small integers.
#[derive(Default)]
pub(crate) struct Paths {
    index: HashMap<BString, u32>,
    list: Vec<BString>,
}

impl Paths {
    fn intern(&mut self, path: BString) -> u32 {
        if let Some(&i) = self.index.get(&path) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(path.clone());
        self.index.insert(path, i);
        i
    }

    pub fn get(&self, i: u32) -> &BString {
        &self.list[i as usize]
    }

    /// The path as a `PathBuf` (lossy only where the platform cannot represent the bytes).
    pub fn path(&self, i: u32) -> std::path::PathBuf {
        let bytes = self.get(i);
        gix::path::from_bstr(bytes.as_bstr())
            .map(|p| p.into_owned())
            .unwrap_or_else(|_| bytes.to_str_lossy().into_owned().into())
    }
}

/// The commit that introduced a blob at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub path: u32,
    /// Index into the topologically ordered commits.
    pub commit: u32,
}

pub(crate) struct Blob {
    pub id: ObjectId,
    /// Every path the blob was introduced at, earliest first.
    pub occurrences: Vec<Occurrence>,
}

/// One file-level change along a commit's first-parent edge, in blob indices (`None`: no file,
/// or a blob outside the walked history).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Change {
    pub path: u32,
    pub old: Option<u32>,
    pub new: Option<u32>,
}

#[derive(Default)]
pub(crate) struct Enumeration {
    pub paths: Paths,
    pub blobs: Vec<Blob>,
    blob_index: HashMap<ObjectId, u32>,
    seen: HashSet<(u32, u32)>,
    /// Per commit, the changes along its first-parent edge (kept only when asked for, to replay
    /// which secrets each commit holds).
    pub changes: Vec<Vec<Change>>,
    /// Submodule entries and symlinks met (not scanned: their "content" is a commit id or a path).
    pub skipped_links: usize,
}

impl Enumeration {
    fn blob(&mut self, id: ObjectId) -> u32 {
        if let Some(&i) = self.blob_index.get(&id) {
            return i;
        }
        let i = self.blobs.len() as u32;
        self.blobs.push(Blob {
            id,
            occurrences: Vec::new(),
        });
        self.blob_index.insert(id, i);
        i
    }

    pub fn blob_of(&self, id: &ObjectId) -> Option<u32> {
        self.blob_index.get(id).copied()
    }
}

/// Diffs every commit against its first parent and records the pairs it introduces.
/// `on_commit` is called after each commit (for progress).
pub(crate) fn enumerate(
    repo: &gix::Repository,
    nodes: &[Node],
    keep_changes: bool,
    mut on_commit: impl FnMut(usize),
) -> Result<Enumeration, HistoryError> {
    let mut out = Enumeration::default();
    let mut state = State::default();
    let mut lhs_buf = Vec::new();
    let mut rhs_buf = Vec::new();
    let kind = repo.object_hash();
    let mut commit_buf = Vec::new();
    let tree_ids: HashMap<ObjectId, ObjectId> = nodes.iter().map(|n| (n.id, n.tree)).collect();
    // The previous commit's root tree, still decoded in `prev_buf`: in a mostly linear history it
    // is the next commit's parent tree, so each root tree is read once instead of twice.
    let mut prev_buf = Vec::new();
    let mut prev_tree: Option<ObjectId> = None;

    for (ci, node) in nodes.iter().enumerate() {
        match node.parents.first() {
            Some(p) => {
                let parent_tree = match tree_ids.get(p) {
                    Some(t) => *t,
                    None => repo
                        .objects
                        .find_commit(p, &mut commit_buf)
                        .map_err(|e| HistoryError::git(format!("reading commit {p}"), e))?
                        .tree(),
                };
                if prev_tree == Some(parent_tree) {
                    std::mem::swap(&mut lhs_buf, &mut prev_buf);
                } else {
                    read_tree(repo, &parent_tree, &mut lhs_buf)?;
                }
            }
            None => lhs_buf.clear(),
        }
        read_tree(repo, &node.tree, &mut rhs_buf)?;
        let mut rec = Recorder::default();
        gix::diff::tree(
            TreeRefIter::from_bytes(&lhs_buf, kind),
            TreeRefIter::from_bytes(&rhs_buf, kind),
            &mut state,
            repo,
            &mut rec,
        )
        .map_err(|e| HistoryError::git(format!("diffing commit {}", node.id), e))?;

        let mut changes = Vec::new();
        for change in rec.records {
            let (path, old, new) = match change {
                RecChange::Addition {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => (path, None, Some((entry_mode, oid))),
                RecChange::Deletion {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => (path, Some((entry_mode, oid)), None),
                RecChange::Modification {
                    previous_entry_mode,
                    previous_oid,
                    entry_mode,
                    oid,
                    path,
                } => (
                    path,
                    Some((previous_entry_mode, previous_oid)),
                    Some((entry_mode, oid)),
                ),
            };
            if let Some((mode, _)) = new {
                if mode.is_link() || mode.is_commit() {
                    out.skipped_links += 1;
                }
            }
            let old = old.filter(|(m, _)| m.is_blob()).map(|(_, id)| id);
            let new = new.filter(|(m, _)| m.is_blob()).map(|(_, id)| id);
            if old.is_none() && new.is_none() {
                continue;
            }
            let path_i = out.paths.intern(path);
            let old_i = old.and_then(|id| out.blob_of(&id));
            let new_i = new.map(|id| out.blob(id));
            if let Some(b) = new_i {
                if !out.seen.contains(&(path_i, b))
                    && !in_other_parent(
                        repo,
                        node,
                        out.paths.get(path_i),
                        &out.blobs[b as usize].id,
                    )?
                {
                    out.seen.insert((path_i, b));
                    out.blobs[b as usize].occurrences.push(Occurrence {
                        path: path_i,
                        commit: ci as u32,
                    });
                }
            }
            if keep_changes {
                changes.push(Change {
                    path: path_i,
                    old: old_i,
                    new: new_i,
                });
            }
        }
        out.changes.push(changes);
        prev_buf.clear();
        prev_buf.extend_from_slice(&rhs_buf);
        prev_tree = Some(node.tree);
        on_commit(ci + 1);
    }
    Ok(out)
}

/// For a merge: does another parent already have this exact blob at this path? Then the merge
/// did not introduce it (it came from that side, possibly from outside a scanned range).
fn in_other_parent(
    repo: &gix::Repository,
    node: &Node,
    path: &BString,
    blob: &ObjectId,
) -> Result<bool, HistoryError> {
    for p in node.parents.iter().skip(1) {
        let tree = repo
            .find_commit(*p)
            .and_then(|c| c.tree())
            .map_err(|e| HistoryError::git(format!("reading commit {p}"), e))?;
        let entry = tree
            .lookup_entry(path.split_str("/"))
            .map_err(|e| HistoryError::git(format!("reading tree of {p}"), e))?;
        if entry.is_some_and(|e| e.object_id() == *blob) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn read_tree(repo: &gix::Repository, id: &ObjectId, buf: &mut Vec<u8>) -> Result<(), HistoryError> {
    repo.objects
        .find_tree_iter(id, buf)
        .map_err(|e| HistoryError::git(format!("reading tree {id}"), e))?;
    Ok(())
}
