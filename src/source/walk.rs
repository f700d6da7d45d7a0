//! The parallel, `.gitignore`-aware tree walk behind `keyward scan` and `keyward baseline`.
//!
//! Hidden files are scanned (`.env` is where credentials live) but `.git/` is not: history is a
//! separate source. Symlinks are not followed unless asked, and when they are, the walker's loop
//! detection turns a cycle into an error event instead of a hang.

use std::path::PathBuf;

use ignore::{WalkBuilder, WalkState};

use super::read::{read_file, Content, SkipReason};

#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore`, `.git/info/exclude` and the global git excludes.
    pub honor_ignore: bool,
    pub follow_symlinks: bool,
    /// Worker threads; 0 lets the walker choose.
    pub threads: usize,
    /// Files over this many bytes are skipped.
    pub max_file_size: u64,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            honor_ignore: true,
            follow_symlinks: false,
            threads: 0,
            max_file_size: crate::config::Settings::default().max_file_size,
        }
    }
}

/// One thing the walk met.
#[derive(Debug)]
pub enum Event {
    /// A text file, read whole (it is under the size cap).
    File { path: PathBuf, bytes: Vec<u8> },
    /// A file deliberately not scanned.
    Skipped { path: PathBuf, reason: SkipReason },
    /// A file or directory that could not be read, or a symlink loop. The walk goes on.
    Unreadable {
        path: Option<PathBuf>,
        message: String,
    },
}

/// Walks `roots` on several threads and calls `visit` for every regular file (and every problem)
/// found. `visit` runs concurrently, so it must be `Sync`; events arrive in no particular order.
pub fn walk<F>(roots: &[PathBuf], opts: &WalkOptions, visit: F)
where
    F: Fn(Event) + Sync,
{
    // A file named on the command line is read here, on the calling thread: the walker would
    // treat it the same way (a root that is not a directory is visited without ignore rules),
    // but starting its thread pool costs a pre-commit hook or an editor more than the scan.
    let mut dirs = Vec::with_capacity(roots.len());
    for root in roots {
        match std::fs::metadata(root) {
            Ok(md) if md.is_file() => visit_file(root.clone(), opts.max_file_size, &visit),
            _ => dirs.push(root),
        }
    }
    let Some((first, rest)) = dirs.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let ignore = opts.honor_ignore;
    builder
        .hidden(false)
        .follow_links(opts.follow_symlinks)
        .threads(opts.threads)
        .ignore(ignore)
        .git_ignore(ignore)
        .git_global(ignore)
        .git_exclude(ignore)
        .parents(ignore)
        // A `.gitignore` means what it says even in a folder that is not (yet) a git repository.
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git");
    let visit = &visit;
    let max = opts.max_file_size;
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    visit(Event::Unreadable {
                        path: None,
                        message: err.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            // Not following symlinks means a link is neither a file nor a directory here; FIFOs
            // and devices are skipped too (reading a FIFO would block forever).
            if entry.file_type().is_some_and(|t| t.is_file()) {
                visit_file(entry.into_path(), max, visit);
            }
            WalkState::Continue
        })
    });
}

/// Reads one regular file and reports it as text, skipped or unreadable.
fn visit_file<F: Fn(Event)>(path: PathBuf, max: u64, visit: &F) {
    match read_file(&path, max) {
        Ok(Content::Text(bytes)) => visit(Event::File { path, bytes }),
        Ok(Content::Binary) => visit(Event::Skipped {
            path,
            reason: SkipReason::Binary,
        }),
        Ok(Content::TooLarge { size }) => visit(Event::Skipped {
            path,
            reason: SkipReason::TooLarge { size, limit: max },
        }),
        Err(err) => visit(Event::Unreadable {
            message: format!("{}: {err}", path.display()),
            path: Some(path),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeSet, fs, sync::Mutex};

    use super::*;

    fn files(root: &std::path::Path, opts: &WalkOptions) -> BTreeSet<String> {
        let seen = Mutex::new(BTreeSet::new());
        walk(&[root.to_path_buf()], opts, |e| {
            if let Event::File { path, .. } = e {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                seen.lock().unwrap().insert(rel);
            }
        });
        seen.into_inner().unwrap()
    }

    #[test]
    fn a_file_root_is_read_even_when_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join(".gitignore"), "ignored.txt\n").unwrap();
        fs::write(d.join("ignored.txt"), "named").unwrap();
        fs::write(d.join("big.txt"), "0123456789").unwrap();
        let events = Mutex::new(Vec::new());
        let opts = WalkOptions {
            max_file_size: 5,
            ..WalkOptions::default()
        };
        walk(&[d.join("ignored.txt"), d.join("big.txt")], &opts, |e| {
            events.lock().unwrap().push(e)
        });
        let events = events.into_inner().unwrap();
        assert!(matches!(&events[0], Event::File { bytes, .. } if bytes == b"named"));
        assert!(matches!(
            &events[1],
            Event::Skipped {
                reason: SkipReason::TooLarge { size: 10, limit: 5 },
                ..
            }
        ));
    }

    #[test]
    fn hidden_files_in_git_dir_excluded_and_gitignore_honoured() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join(".git")).unwrap();
        fs::write(d.join(".git/config"), "x").unwrap();
        fs::write(d.join(".env"), "x").unwrap();
        fs::write(d.join(".gitignore"), "ignored.txt\n").unwrap();
        fs::write(d.join("ignored.txt"), "x").unwrap();
        fs::write(d.join("kept.txt"), "x").unwrap();
        let got = files(d, &WalkOptions::default());
        assert_eq!(
            got,
            [".env", ".gitignore", "kept.txt"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        );
        let all = files(
            d,
            &WalkOptions {
                honor_ignore: false,
                ..WalkOptions::default()
            },
        );
        assert!(all.contains("ignored.txt"));
        assert!(!all.contains(".git/config"));
    }
}
