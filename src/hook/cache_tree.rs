//! Skipping what provably did not change, the way `git` itself does: with the index's cache-tree
//! extension (`TREE`).
//!
//! The cache tree records, for directories of the index, the id of the tree object git would
//! write for them (`entry_count` -1 marks a directory invalidated since). A valid entry whose id
//! equals `HEAD`'s tree at the same path means nothing below that directory is staged: tree ids
//! are content hashes, so the staged entries there are exactly `HEAD`'s. It is also exactly what
//! `git commit` will record: git writes the commit's tree from the cache tree and reuses a valid
//! entry's id without looking at the entries below it (`update_one()` in `cache-tree.c`). So a
//! skipped directory cannot add anything to the commit, even if the extension were stale.
//!
//! Only a positive match skips anything: an invalid entry, a directory missing from the
//! extension, or a path that is not a tree in `HEAD` is walked entry by entry.

use gix::{
    bstr::{BStr, BString, ByteSlice},
    index::{
        entry::{Flags, Mode, Stat},
        extension::Tree as CacheTree,
        State,
    },
    objs::tree::EntryKind,
    ObjectId,
};

use super::HookError;

fn git_err(e: impl std::error::Error + Send + Sync + 'static) -> HookError {
    HookError::Git(Box::new(e))
}

/// Directories (each with a trailing `/`; the empty string for the whole tree) whose staged
/// content equals `HEAD`'s, in index order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unchanged {
    dirs: Vec<BString>,
}

impl Unchanged {
    /// Compares the cache tree with `HEAD`'s tree (`head_tree`), decoding only the `HEAD` trees
    /// of directories whose cache entry differs from `HEAD` or is invalid.
    pub fn find(
        repo: &gix::Repository,
        cache: &CacheTree,
        head_tree: ObjectId,
    ) -> Result<Unchanged, HookError> {
        let mut dirs = Vec::new();
        let mut path = BString::default();
        walk(repo, cache, Some(head_tree), &mut path, &mut dirs)?;
        dirs.sort();
        Ok(Unchanged { dirs })
    }

    /// Nothing at all is staged.
    pub fn everything(&self) -> bool {
        self.dirs.first().is_some_and(|d| d.is_empty())
    }

    /// How many directories are skipped.
    pub fn len(&self) -> usize {
        self.dirs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dirs.is_empty()
    }

    /// Whether `dir` (with its trailing `/`) is one of the skipped directories.
    fn contains_dir(&self, dir: &BStr) -> bool {
        self.dirs.binary_search_by(|d| d.as_bstr().cmp(dir)).is_ok()
    }

    /// Removes every index entry inside a skipped directory. Entries under one directory are
    /// contiguous in the (path-sorted) index, so each directory is two binary searches.
    pub fn remove_from(&self, index: &mut State) {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(self.dirs.len());
        {
            let entries = index.entries();
            for dir in &self.dirs {
                let dir = dir.as_bstr();
                let lo = entries.partition_point(|e| e.path(index) < dir);
                let n = entries[lo..].partition_point(|e| e.path(index).starts_with(dir));
                if n > 0 {
                    ranges.push(lo..lo + n);
                }
            }
        }
        if ranges.is_empty() {
            return;
        }
        ranges.sort_by_key(|r| r.start);
        let mut next = 0;
        index.remove_entries(|i, _, _| {
            while next < ranges.len() && ranges[next].end <= i {
                next += 1;
            }
            ranges.get(next).is_some_and(|r| r.contains(&i))
        });
    }

    /// `HEAD`'s tree as index entries (what gix's `index_from_tree` makes), without the skipped
    /// directories: only the trees of walked directories are decoded.
    pub fn head_outside(
        &self,
        repo: &gix::Repository,
        head_tree: ObjectId,
    ) -> Result<State, HookError> {
        let mut state = State::new(repo.object_hash());
        if !self.everything() {
            let mut path = BString::default();
            collect(repo, self, head_tree, &mut path, &mut state)?;
            state.sort_entries();
        }
        Ok(state)
    }
}

fn walk(
    repo: &gix::Repository,
    node: &CacheTree,
    head: Option<ObjectId>,
    path: &mut BString,
    out: &mut Vec<BString>,
) -> Result<(), HookError> {
    if node.num_entries.is_some() && head == Some(node.id) {
        out.push(path.clone());
        return Ok(());
    }
    // Without a tree in HEAD here, no directory below can match one either.
    let Some(head) = head else { return Ok(()) };
    if node.children.is_empty() {
        return Ok(());
    }
    let tree = repo.find_tree(head).map_err(git_err)?;
    let decoded = tree.decode().map_err(git_err)?;
    let mut subtrees: Vec<(&BStr, ObjectId)> = decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_tree())
        .map(|e| (e.filename, e.oid.to_owned()))
        .collect();
    subtrees.sort_by(|a, b| a.0.cmp(b.0));
    for child in &node.children {
        let name = child.name.as_bstr();
        let sub = subtrees
            .binary_search_by(|(n, _)| n.cmp(&name))
            .ok()
            .map(|i| subtrees[i].1);
        let len = path.len();
        path.extend_from_slice(name);
        path.push(b'/');
        walk(repo, child, sub, path, out)?;
        path.truncate(len);
    }
    Ok(())
}

fn collect(
    repo: &gix::Repository,
    skip: &Unchanged,
    tree_id: ObjectId,
    path: &mut BString,
    state: &mut State,
) -> Result<(), HookError> {
    let tree = repo.find_tree(tree_id).map_err(git_err)?;
    let decoded = tree.decode().map_err(git_err)?;
    for e in &decoded.entries {
        let len = path.len();
        path.extend_from_slice(e.filename);
        let mode = match e.mode.kind() {
            EntryKind::Tree => {
                path.push(b'/');
                if !skip.contains_dir(path.as_bstr()) {
                    collect(repo, skip, e.oid.to_owned(), path, state)?;
                }
                path.truncate(len);
                continue;
            }
            EntryKind::Blob => Mode::FILE,
            EntryKind::BlobExecutable => Mode::FILE_EXECUTABLE,
            EntryKind::Link => Mode::SYMLINK,
            EntryKind::Commit => Mode::COMMIT,
        };
        state.dangerously_push_entry(
            Stat::default(),
            e.oid.to_owned(),
            Flags::empty(),
            mode,
            path.as_bstr(),
        );
        path.truncate(len);
    }
    Ok(())
}
