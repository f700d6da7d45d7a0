//! The pre-commit hook: what a commit adds, judged by the same [`crate::Scanner`] as
//! `keyward scan`, and the installer that puts keyward in front of git.
//!
//! - [`staged`]: the index (honouring `GIT_INDEX_FILE`) against the `HEAD` tree, with gix
//!   in-process; `git diff --cached` only for a sparse index, which gix cannot diff yet.
//! - [`cache_tree`]: the directories the index's cache tree proves unchanged, left out of that
//!   diff the way git leaves them out.
//! - [`lfs`]: the content behind a staged Git LFS pointer.
//! - [`added`]: which lines of a staged blob are new (histogram line diff).
//! - [`check`]: scan whole blobs, keep findings on added lines, decide what blocks.
//! - [`report`]: the messages and the one summary line every run ends with.
//! - [`install`]: the hook shims in `.git/hooks`, `core.hooksPath` or a global hooks directory,
//!   chaining whatever hook was there before.

pub mod added;
pub mod cache_tree;
pub mod check;
pub mod install;
pub mod lfs;
pub mod report;
pub mod staged;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error("git: {0}")]
    Git(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("{0}")]
    GitCli(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}
