//! Scanning a repository's git history: every blob any selected commit ever held, each scanned
//! once, each finding attributed to the commit that introduced it.
//!
//! Two modes, one algorithm ([`scan`]):
//! - **full audit** ([`Revisions::All`], or a single revision such as `main`): every commit
//!   reachable from the tips; every unique (path, blob) pair is found by diffing each commit with
//!   its first parent, every unique blob is read and scanned once (in parallel), and each finding
//!   carries the earliest commit that added it plus every path it appeared at.
//! - **range** (`origin/main..HEAD`, `A...B`): only the commits `git log` would list, and only the
//!   blobs they introduced relative to their parents (a merge introduces only what neither side
//!   had), for pre-push hooks and CI.
//!
//! The same [`Scanner`] as the tree scan judges every blob, so rules, filters, allowlists, inline
//! markers and the baseline apply identically. Shallow clones are scanned as far as they go and
//! say so; blobs a partial clone never fetched are counted (or refused, see [`MissingBlobs`]).

mod blobs;
mod commits;
mod presence;
pub mod report;
mod trees;

use std::{path::PathBuf, sync::Arc, time::Instant};

pub use commits::Commit;
pub use presence::Presence;

use crate::{detect::Finding, Scanner};

/// Which commits to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Revisions {
    /// Every ref (branches, tags, remotes, stashes, notes…) and HEAD: the full audit.
    #[default]
    All,
    /// A revision or range as `git log` takes it: `HEAD`, `main`, `origin/main..HEAD`, `A...B`.
    Spec(String),
}

/// What to do about blobs the object database does not have (a partial clone's unfetched blobs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingBlobs {
    /// Scan the rest and count them in [`HistoryStats::missing_blobs`].
    #[default]
    Skip,
    /// Fail with [`HistoryError::MissingBlobs`]: a scan that could not read everything is no audit.
    Refuse,
}

/// Progress reports, for a front-end's progress bar. Called from worker threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Commits selected; about to enumerate their trees.
    Commits { total: usize },
    /// Trees of `done` commits enumerated.
    Trees { done: usize, total: usize },
    /// `done` of `total` unique blobs read and scanned.
    Blobs { done: usize, total: usize },
}

pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// How to scan.
#[derive(Clone, Default)]
pub struct HistoryOptions {
    pub revisions: Revisions,
    /// Worker threads for blob scanning; `None` uses every core.
    pub threads: Option<usize>,
    pub missing_blobs: MissingBlobs,
    pub progress: Option<Arc<ProgressFn>>,
}

impl std::fmt::Debug for HistoryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryOptions")
            .field("revisions", &self.revisions)
            .field("threads", &self.threads)
            .field("missing_blobs", &self.missing_blobs)
            .finish_non_exhaustive()
    }
}

/// A path and the commit that first put this blob there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub commit: Arc<Commit>,
}

/// One finding in one unique blob, with its provenance. Positions (`finding.start`) are in that
/// blob, the same at every location listed.
#[derive(Debug, Clone)]
pub struct HistoryFinding {
    pub finding: Finding,
    /// The blob's object id (hex).
    pub blob: String,
    /// Every path this blob was introduced at, earliest first; `locations[0]` is where and when
    /// this finding first entered the history.
    pub locations: Vec<Location>,
}

impl HistoryFinding {
    /// The commit that introduced this finding.
    pub fn commit(&self) -> &Arc<Commit> {
        &self.locations[0].commit
    }

    /// The path it was introduced at.
    pub fn path(&self) -> &std::path::Path {
        &self.locations[0].path
    }
}

/// Counts that make a scan's coverage visible: what was read, what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HistoryStats {
    pub commits: usize,
    /// Unique blobs introduced by the scanned commits.
    pub blobs: usize,
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
    pub skipped_binary: usize,
    pub skipped_too_large: usize,
    /// Blobs only at allowlisted paths (not read).
    pub skipped_allowlisted: usize,
    /// Symlinks and submodule entries (their content is a path or a commit id).
    pub skipped_links: usize,
    /// Blobs the object database does not have (partial clone).
    pub missing_blobs: usize,
    /// Findings dropped by inline markers, allowlists, the baseline or the report level.
    pub suppressed: usize,
    /// The repository is a shallow clone: history before its boundary was not scanned.
    pub shallow: bool,
    /// Wall time of the whole scan, and of its two phases: walking commits and trees, and
    /// reading and scanning blobs.
    pub elapsed_ms: u128,
    pub trees_ms: u128,
    pub blobs_ms: u128,
}

/// The result of [`scan`].
#[derive(Debug, Clone, Default)]
pub struct HistoryScan {
    /// Sorted by introducing commit (oldest first), then path and position.
    pub findings: Vec<HistoryFinding>,
    pub stats: HistoryStats,
    /// What was scanned: `None` for every ref, or the revision spec.
    pub revisions: Option<String>,
    /// The HEAD commit, when HEAD points at one.
    pub head: Option<Arc<Commit>>,
    /// Which credentials HEAD still holds and when each was last seen; a full audit only (a range
    /// does not know the state of the commits before it).
    pub presence: Option<Presence>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: not a git repository: {message}")]
    NotARepository { path: PathBuf, message: String },
    #[error("revision `{spec}`: {message}")]
    Revision { spec: String, message: String },
    #[error("{context}: {source}")]
    Git {
        context: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "{count} blob(s) are missing from the object database (first: {first}); this looks like a \
         partial clone: fetch them (`git fetch --refetch`) or scan without refusing missing blobs"
    )]
    MissingBlobs { count: usize, first: String },
}

impl HistoryError {
    fn git(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        HistoryError::Git {
            context: context.into(),
            source: Box::new(source),
        }
    }
}

/// Packed objects are mostly deltas against other objects; without a cache of recently decoded
/// bases every read re-inflates its whole delta chain. gix only installs one with its
/// `max-performance` feature (which also pulls in zlib-ng), so we install its LRU here.
pub(crate) fn set_pack_cache(repo: &mut gix::Repository) {
    repo.objects
        .set_pack_cache(|| Box::<gix::odb::pack::cache::lru::StaticLinkedList<64>>::default());
}

/// Opens the repository at or above `path` (honouring `GIT_DIR` and friends).
pub fn open(path: &std::path::Path) -> Result<gix::Repository, HistoryError> {
    gix::ThreadSafeRepository::discover_with_environment_overrides(path)
        .map(|r| r.to_thread_local())
        .map_err(|e| HistoryError::NotARepository {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// Scans the history of `repo` with `scanner`'s rules and suppressions.
pub fn scan(
    repo: &gix::Repository,
    scanner: &Scanner,
    opts: &HistoryOptions,
) -> Result<HistoryScan, HistoryError> {
    let started = Instant::now();
    let mut repo = repo.clone();
    // Trees are read twice (as a commit's tree and its child's parent tree): a small cache pays.
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    set_pack_cache(&mut repo);
    let progress = opts.progress.as_deref();
    let spec = match &opts.revisions {
        Revisions::All => None,
        Revisions::Spec(s) => Some(s.as_str()),
    };
    let selection = commits::select(&repo, spec)?;
    if let Some(p) = progress {
        p(Progress::Commits {
            total: selection.nodes.len(),
        });
    }
    let total = selection.nodes.len();
    // A range does not know what the commits before it held, so presence is for full audits.
    let full_audit = !selection.ranged;
    let en = trees::enumerate(&repo, &selection.nodes, full_audit, |done| {
        if let Some(p) = progress {
            if done % 64 == 0 || done == total {
                p(Progress::Trees { done, total });
            }
        }
    })?;
    let trees_ms = started.elapsed().as_millis();
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let (scans, counts) = blobs::scan_all(&repo, scanner, &en, threads, progress);
    let blobs_ms = started.elapsed().as_millis() - trees_ms;
    if opts.missing_blobs == MissingBlobs::Refuse && !counts.missing.is_empty() {
        return Err(HistoryError::MissingBlobs {
            count: counts.missing.len(),
            first: counts.missing[0].to_string(),
        });
    }
    let presence =
        full_audit.then(|| presence::replay(&selection.nodes, &en, &scans, selection.head));

    let commit = |i: u32| selection.nodes[i as usize].meta.clone();
    let mut findings = Vec::new();
    for scan in scans {
        let blob = &en.blobs[scan.blob as usize];
        let mut occurrences = scan.occurrences.clone();
        occurrences.sort_by_key(|o| (o.commit, o.path));
        let locations: Vec<Location> = occurrences
            .iter()
            .map(|o| Location {
                path: en.paths.path(o.path),
                commit: commit(o.commit),
            })
            .collect();
        let order = occurrences[0].commit;
        for finding in scan.findings {
            findings.push((
                order,
                HistoryFinding {
                    finding,
                    blob: blob.id.to_string(),
                    locations: locations.clone(),
                },
            ));
        }
    }
    findings.sort_by(|(a, fa), (b, fb)| {
        (a, fa.path(), fa.finding.start, fa.rule_id_key()).cmp(&(
            b,
            fb.path(),
            fb.finding.start,
            fb.rule_id_key(),
        ))
    });
    let head = selection.head.and_then(|h| {
        selection
            .nodes
            .iter()
            .find(|n| n.id == h)
            .map(|n| n.meta.clone())
    });
    Ok(HistoryScan {
        findings: findings.into_iter().map(|(_, f)| f).collect(),
        stats: HistoryStats {
            commits: total,
            blobs: en
                .blobs
                .iter()
                .filter(|b| !b.occurrences.is_empty())
                .count(),
            blobs_scanned: counts.scanned,
            bytes_scanned: counts.bytes,
            skipped_binary: counts.binary,
            skipped_too_large: counts.too_large,
            skipped_allowlisted: counts.allowlisted,
            skipped_links: en.skipped_links,
            missing_blobs: counts.missing.len(),
            suppressed: counts.suppressed,
            shallow: selection.shallow,
            elapsed_ms: started.elapsed().as_millis(),
            trees_ms,
            blobs_ms,
        },
        revisions: spec.map(str::to_string),
        head,
        presence,
    })
}

impl HistoryFinding {
    fn rule_id_key(&self) -> &str {
        self.finding.rule_id()
    }
}
