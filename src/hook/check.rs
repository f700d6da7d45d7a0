//! Judging what a commit adds (or what pre-commit names) with the one [`Scanner`].

use std::path::{Path, PathBuf};

use gix::bstr::{BStr, BString, ByteSlice};

use super::{
    added::AddedLines,
    lfs,
    staged::{self, Staged, Via},
    HookError,
};
use crate::{detect::Finding, Scanner};

// git's own binary test, shared with the tree scan and the history scan.
use crate::source::read::{as_utf8, into_utf8, looks_binary};

/// What was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The index against `HEAD`: only added lines count.
    Staged,
    /// Named files (or every tracked file) read whole from the working tree.
    Files,
}

/// One finding the hook reports.
#[derive(Debug, Clone)]
pub struct Reported {
    /// Repository-relative path, raw bytes.
    pub path: BString,
    pub finding: Finding,
    /// At or above the blocking level (and not brought in by a merge).
    pub blocking: bool,
    /// During a merge: every line of it was already committed on a merged branch.
    pub merged_in: bool,
}

/// Something the hook did not scan, said out loud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// Over `scan.max_file_size`.
    TooLarge {
        path: BString,
        size: u64,
        limit: u64,
    },
    Binary {
        path: BString,
    },
    Submodule {
        path: BString,
    },
    Unreadable {
        path: BString,
        error: String,
    },
    /// A Git LFS pointer whose content could not be found or read (or is over the size cap):
    /// the pointer alone was staged, the content was not scanned.
    Lfs {
        path: BString,
        reason: lfs::Unavailable,
    },
}

impl Skipped {
    /// Whether this file's content went unchecked (what `hook.block_unscanned` blocks on):
    /// binary files and submodules are judged, just not as text.
    pub fn is_unscanned(&self) -> bool {
        matches!(
            self,
            Skipped::TooLarge { .. } | Skipped::Unreadable { .. } | Skipped::Lfs { .. }
        )
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub mode: Mode,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub findings: Vec<Reported>,
    pub skipped: Vec<Skipped>,
    /// Staged Git LFS pointers whose stored content was scanned in their place.
    pub lfs_scanned: Vec<BString>,
    /// Findings a suppression (inline marker, allowlist, baseline) removed.
    pub suppressed: usize,
    /// Staged paths the commit deletes (nothing to scan there).
    pub deletions: usize,
    pub via: Via,
    /// A merge is being committed (`MERGE_HEAD`).
    pub merge: bool,
}

impl Outcome {
    /// Nothing scanned yet.
    pub fn empty(mode: Mode) -> Outcome {
        Outcome {
            mode,
            files_scanned: 0,
            bytes_scanned: 0,
            findings: Vec::new(),
            skipped: Vec::new(),
            lfs_scanned: Vec::new(),
            suppressed: 0,
            deletions: 0,
            via: Via::Gix,
            merge: false,
        }
    }

    pub fn blocking(&self) -> usize {
        self.findings.iter().filter(|r| r.blocking).count()
    }
}

/// Path bytes as a `Path` for the scanner (lossless on Unix, where paths are bytes).
fn as_path(p: &BStr) -> PathBuf {
    gix::path::from_bstr(p)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| PathBuf::from(p.to_str_lossy().into_owned()))
}

/// A path as raw bytes (lossless on Unix).
fn as_bytes(p: &Path) -> BString {
    gix::path::into_bstr(p)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| BString::from(p.to_string_lossy().into_owned()))
}

fn err(e: impl std::error::Error + Send + Sync + 'static) -> HookError {
    HookError::Git(Box::new(e))
}

/// Scans what the commit adds. `only`: restrict to these repository-relative paths (pre-commit
/// passes the staged files its configuration selects).
pub fn check_staged(
    repo: &gix::Repository,
    scanner: &Scanner,
    only: Option<&[BString]>,
) -> Result<Outcome, HookError> {
    check_listed(repo, scanner, staged::staged_changes(repo)?, only)
}

/// Like [`check_staged`], with the staged changes already listed (so the listing can run while
/// the rules compile).
pub fn check_listed(
    repo: &gix::Repository,
    scanner: &Scanner,
    staged: Staged,
    only: Option<&[BString]>,
) -> Result<Outcome, HookError> {
    let mut out = Outcome::empty(Mode::Staged);
    out.via = staged.via;
    out.merge = !staged.merge_heads.is_empty();
    out.deletions = staged.deletions;
    let wanted = |p: &BStr| only.is_none_or(|o| o.iter().any(|w| w.as_bstr() == p));
    for path in staged.submodules.iter().filter(|p| wanted(p.as_bstr())) {
        out.skipped.push(Skipped::Submodule { path: path.clone() });
    }
    let limit = scanner.settings().max_file_size;
    let read = |id: gix::ObjectId| -> Result<Vec<u8>, HookError> {
        Ok(repo.find_blob(id).map_err(err)?.take_data())
    };
    for file in staged.files.iter().filter(|f| wanted(f.path.as_bstr())) {
        // A pure rename or mode change adds nothing; don't even read it.
        if file.base_id == Some(file.new_id) && file.merge_ids.is_empty() {
            continue;
        }
        let size = repo.find_header(file.new_id).map_err(err)?.size();
        if size > limit {
            out.skipped.push(Skipped::TooLarge {
                path: file.path.clone(),
                size,
                limit,
            });
            continue;
        }
        let mut new = read(file.new_id)?;
        // A Git LFS pointer stands for content git-lfs keeps outside the object database:
        // scan that content, whole (the pointer's diff says nothing about which lines are new).
        let lfs = lfs::Pointer::parse(&new);
        if let Some(pointer) = &lfs {
            match lfs::content(repo, file.path.as_bstr(), pointer, limit) {
                Ok(content) => {
                    out.lfs_scanned.push(file.path.clone());
                    new = content;
                }
                Err(reason) => {
                    out.skipped.push(Skipped::Lfs {
                        path: file.path.clone(),
                        reason,
                    });
                    continue;
                }
            }
        }
        if looks_binary(&new) {
            out.skipped.push(Skipped::Binary {
                path: file.path.clone(),
            });
            continue;
        }
        let new = into_utf8(new);
        out.files_scanned += 1;
        out.bytes_scanned += new.len() as u64;
        let rel = as_path(file.path.as_bstr());
        let scan = scanner.scan(Some(&rel), &new);
        out.suppressed += scan.suppressed.len();
        if scan.findings.is_empty() {
            continue;
        }
        let vs_head = match file.base_id {
            _ if lfs.is_some() => AddedLines::All,
            Some(old) => AddedLines::between(&as_utf8(&read(old)?), &new),
            None => AddedLines::All,
        };
        // New in the merge itself = added relative to every parent (conflict resolutions, edits
        // made while merging). Lines a merged branch already committed are reported, not blocked.
        let vs_all_parents = if out.merge {
            let mut a = vs_head.clone();
            for id in &file.merge_ids {
                let theirs = match id {
                    Some(id) => AddedLines::between(&read(*id)?, &new),
                    None => AddedLines::All,
                };
                a = a.intersect(theirs);
            }
            a
        } else {
            vs_head.clone()
        };
        for f in scan.findings {
            let (first, last) = (f.start.line, f.end.line);
            if !vs_head.touches(first, last) {
                continue;
            }
            let merged_in = !vs_all_parents.touches(first, last);
            out.findings.push(Reported {
                path: file.path.clone(),
                blocking: !merged_in && scanner.blocks(&f),
                merged_in,
                finding: f,
            });
        }
    }
    Ok(out)
}

/// Scans named files whole, from the working tree (`pre-commit run --files/--all-files`).
/// `paths` are as given (relative to the current directory or absolute).
pub fn check_files(scanner: &Scanner, paths: &[PathBuf]) -> Outcome {
    let mut out = Outcome::empty(Mode::Files);
    let limit = scanner.settings().max_file_size;
    for path in paths {
        let rel = scanner.relative(path).into_owned();
        let shown = as_bytes(&rel);
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                out.skipped.push(Skipped::Unreadable {
                    path: shown,
                    error: e.to_string(),
                });
                continue;
            }
        };
        if meta.is_dir() {
            continue;
        }
        if meta.len() > limit {
            out.skipped.push(Skipped::TooLarge {
                path: shown,
                size: meta.len(),
                limit,
            });
            continue;
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                out.skipped.push(Skipped::Unreadable {
                    path: shown,
                    error: e.to_string(),
                });
                continue;
            }
        };
        if looks_binary(&bytes) {
            out.skipped.push(Skipped::Binary { path: shown });
            continue;
        }
        let bytes = into_utf8(bytes);
        out.files_scanned += 1;
        out.bytes_scanned += bytes.len() as u64;
        let scan = scanner.scan(Some(&rel), &bytes);
        out.suppressed += scan.suppressed.len();
        for f in scan.findings {
            out.findings.push(Reported {
                path: shown.clone(),
                blocking: scanner.blocks(&f),
                merged_in: false,
                finding: f,
            });
        }
    }
    out
}

/// Every tracked file in the index, as working-tree paths (`keyward hook --all-files`).
/// Submodules and sparse directory entries are not files here.
pub fn tracked_files(repo: &gix::Repository) -> Result<Vec<PathBuf>, HookError> {
    let index = repo.index_or_empty().map_err(err)?;
    let root = repo
        .workdir()
        .ok_or_else(|| HookError::Usage("a bare repository has no files to scan".into()))?;
    let mut out = Vec::new();
    let mut last: Option<&BStr> = None;
    for e in index.entries() {
        let path = e.path(&index);
        // Unmerged paths have up to three stage entries; one file.
        if last == Some(path) || e.mode.is_submodule() || e.mode.is_sparse() {
            continue;
        }
        last = Some(path);
        out.push(root.join(as_path(path)));
    }
    Ok(out)
}

/// Turns file names as pre-commit passes them (relative to the current directory) into
/// repository-relative paths, for matching against the staged list.
pub fn repo_relative(repo: &gix::Repository, paths: &[PathBuf]) -> Result<Vec<BString>, HookError> {
    let root = repo
        .workdir()
        .ok_or_else(|| HookError::Usage("a bare repository has no staged files".into()))?;
    let root = root.canonicalize().map_err(|source| HookError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let cwd = std::env::current_dir().map_err(|source| HookError::Io {
        path: ".".into(),
        source,
    })?;
    Ok(paths
        .iter()
        .map(|p| {
            let abs = normalize(&cwd.join(p));
            let rel = abs
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .unwrap_or(abs);
            gix::path::to_unix_separators_on_windows(as_bytes(&rel)).into_owned()
        })
        .collect())
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_probe_matches_git() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_binary(b"plain text\n"));
        let mut late = vec![b'a'; crate::source::read::BINARY_SNIFF_LEN];
        late.push(0);
        assert!(
            !looks_binary(&late),
            "a NUL after the first 8000 bytes is text, as in git"
        );
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
