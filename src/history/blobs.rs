//! Scanning each unique blob once, on every core.
//!
//! A blob found at several paths is read once; it is scanned once per *path class*: paths that the
//! scanner treats alike (same path-specific rules, same file name for the lockfile filter, same
//! path allowlist verdict). Almost every blob has one class, so this is one scan per blob while
//! keeping path-dependent rules and allowlists exactly as the tree scan applies them.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
};

use gix::{
    objs::{Find, FindHeader},
    ObjectId,
};

use super::{
    trees::{Enumeration, Occurrence},
    Progress, ProgressFn,
};
use crate::{detect::Finding, Scanner};

/// Blobs handed to a worker at a time: small enough to balance, large enough to be cheap.
const BATCH: usize = 32;

/// The findings of one blob scanned as one path class.
pub(crate) struct ClassScan {
    pub blob: u32,
    pub occurrences: Vec<Occurrence>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Counts {
    pub scanned: usize,
    pub bytes: u64,
    pub binary: usize,
    pub too_large: usize,
    pub allowlisted: usize,
    pub suppressed: usize,
    pub missing: Vec<ObjectId>,
}

/// What makes the scanner treat two paths differently: the path-specific rules that apply, the
/// file name (the lockfile filter looks at it) and the path allowlist verdict.
type ClassKey = (Vec<usize>, Vec<u8>, Option<String>);

struct Job {
    blob: u32,
    classes: Vec<(PathBuf, Vec<Occurrence>)>,
}

/// Groups each blob's occurrences into path classes.
fn jobs(scanner: &Scanner, en: &Enumeration) -> Vec<Job> {
    let path_rules: Vec<(usize, &globset::GlobMatcher)> = scanner
        .detector()
        .rules()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.path_glob().map(|g| (i, g)))
        .collect();
    let mut class_of_path: HashMap<u32, u32> = HashMap::new();
    let mut class_ids: HashMap<ClassKey, u32> = HashMap::new();
    let mut class_of = |path_i: u32| -> u32 {
        *class_of_path.entry(path_i).or_insert_with(|| {
            let path = en.paths.path(path_i);
            let rules: Vec<usize> = path_rules
                .iter()
                .filter(|(_, g)| g.is_match(&path))
                .map(|(i, _)| *i)
                .collect();
            let name = path
                .file_name()
                .map(|n| n.as_encoded_bytes().to_vec())
                .unwrap_or_default();
            let allowed = scanner.path_allowed(&path).map(|r| format!("{r:?}"));
            let next = class_ids.len() as u32;
            *class_ids.entry((rules, name, allowed)).or_insert(next)
        })
    };
    en.blobs
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.occurrences.is_empty())
        .map(|(bi, b)| {
            let mut classes: Vec<(u32, PathBuf, Vec<Occurrence>)> = Vec::new();
            for occ in &b.occurrences {
                let c = class_of(occ.path);
                match classes.iter_mut().find(|(k, _, _)| *k == c) {
                    Some((_, _, list)) => list.push(*occ),
                    None => classes.push((c, en.paths.path(occ.path), vec![*occ])),
                }
            }
            Job {
                blob: bi as u32,
                classes: classes.into_iter().map(|(_, p, o)| (p, o)).collect(),
            }
        })
        .collect()
}

/// Reads and scans every introduced blob, in parallel.
pub(crate) fn scan_all(
    repo: &gix::Repository,
    scanner: &Scanner,
    en: &Enumeration,
    threads: usize,
    progress: Option<&ProgressFn>,
) -> (Vec<ClassScan>, Counts) {
    let jobs = jobs(scanner, en);
    let total = jobs.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let shared = repo.clone().into_sync();
    let max_size = scanner.settings().max_file_size;
    // Skipping allowlisted paths unread is only sound when no rule is locked by policy (a locked
    // rule still reports inside a repository-allowlisted path).
    let may_skip_allowed = scanner.settings().locked_rules.is_empty();
    let results = Mutex::new((Vec::new(), Counts::default()));

    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut repo = shared.to_thread_local();
                super::set_pack_cache(&mut repo);
                let mut buf = Vec::new();
                let mut out = Vec::new();
                let mut counts = Counts::default();
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= total {
                        break;
                    }
                    for job in &jobs[start..(start + BATCH).min(total)] {
                        let id = en.blobs[job.blob as usize].id;
                        scan_one(
                            &repo,
                            scanner,
                            job,
                            id,
                            max_size,
                            may_skip_allowed,
                            &mut buf,
                            &mut out,
                            &mut counts,
                        );
                    }
                    let d = done.fetch_add(BATCH, Ordering::Relaxed) + BATCH;
                    if let Some(p) = progress {
                        p(Progress::Blobs {
                            done: d.min(total),
                            total,
                        });
                    }
                }
                let mut all = results
                    .lock()
                    .expect("no worker panics while holding the lock");
                all.0.extend(out);
                merge(&mut all.1, counts);
            });
        }
    });
    let (mut scans, mut counts) = results.into_inner().expect("workers finished");
    scans.sort_by_key(|c: &ClassScan| (c.blob, c.occurrences.first().map(|o| (o.commit, o.path))));
    counts.missing.sort();
    (scans, counts)
}

#[allow(clippy::too_many_arguments)]
fn scan_one(
    repo: &gix::Repository,
    scanner: &Scanner,
    job: &Job,
    id: ObjectId,
    max_size: u64,
    may_skip_allowed: bool,
    buf: &mut Vec<u8>,
    out: &mut Vec<ClassScan>,
    counts: &mut Counts,
) {
    if may_skip_allowed
        && job
            .classes
            .iter()
            .all(|(p, _)| scanner.path_allowed(p).is_some())
    {
        counts.allowlisted += 1;
        return;
    }
    // The header gives the size without inflating the object: oversized blobs cost nothing.
    match repo.objects.try_header(&id) {
        Ok(Some(h)) if h.size > max_size => {
            counts.too_large += 1;
            return;
        }
        Ok(Some(_)) => {}
        Ok(None) | Err(_) => {
            counts.missing.push(id);
            return;
        }
    }
    let data = match repo.objects.try_find(&id, buf) {
        Ok(Some(d)) => d.data,
        Ok(None) | Err(_) => {
            counts.missing.push(id);
            return;
        }
    };
    if crate::source::read::looks_binary(data) {
        counts.binary += 1;
        return;
    }
    let data = &*crate::source::read::as_utf8(data);
    counts.scanned += 1;
    counts.bytes += data.len() as u64;
    for (path, occurrences) in &job.classes {
        let scan = scanner.scan(Some(Path::new(path)), data);
        counts.suppressed += scan.suppressed.len();
        if !scan.findings.is_empty() {
            out.push(ClassScan {
                blob: job.blob,
                occurrences: occurrences.clone(),
                findings: scan.findings,
            });
        }
    }
}

fn merge(into: &mut Counts, from: Counts) {
    into.scanned += from.scanned;
    into.bytes += from.bytes;
    into.binary += from.binary;
    into.too_large += from.too_large;
    into.allowlisted += from.allowlisted;
    into.suppressed += from.suppressed;
    into.missing.extend(from.missing);
}
