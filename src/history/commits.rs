//! Which commits a history scan visits, in which order, and what we keep of each.
//!
//! A full audit walks every commit reachable from the selected tips; a range (`A..B`) walks what
//! `git log A..B` would. Either way the commits come back in topological order, parents before
//! children and older before newer among independent commits, so that "the first commit that had
//! it" is simply the first one we meet.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, HashMap, HashSet},
    sync::Arc,
};

use gix::{objs::FindExt, ObjectId};
use serde::Serialize;

use super::HistoryError;

/// What we report about a commit: enough to attribute a secret to a person and a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// Full hex object id.
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// Author date, seconds since the Unix epoch.
    pub author_time: i64,
    /// Committer date, seconds since the Unix epoch (what the ordering uses).
    pub commit_time: i64,
    /// First line of the message.
    pub summary: String,
}

impl Commit {
    /// The abbreviated id shown in tables (`path@1a2b3c4d`).
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(8)]
    }

    /// The author date as RFC 3339 in UTC (`2024-03-01T12:00:00Z`).
    pub fn author_date(&self) -> String {
        format_time(self.author_time)
    }
}

pub(crate) fn format_time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

/// A commit as the walk needs it: metadata plus the graph edges inside the walked set.
pub(crate) struct Node {
    pub id: ObjectId,
    pub tree: ObjectId,
    /// Every parent named by the commit object (also hidden ones; none for shallow boundaries).
    pub parents: Vec<ObjectId>,
    pub meta: Arc<Commit>,
}

/// The commits to visit and how they were chosen.
pub(crate) struct Selection {
    /// In topological order, oldest first.
    pub nodes: Vec<Node>,
    pub head: Option<ObjectId>,
    pub shallow: bool,
    /// Some commits were hidden (`A..B`): the walk starts mid-history.
    pub ranged: bool,
}

/// Which commits to walk: every ref (and HEAD), or a revision spec as `git log` takes it.
pub(crate) fn select(
    repo: &gix::Repository,
    spec: Option<&str>,
) -> Result<Selection, HistoryError> {
    let head = repo.head_id().ok().map(|id| id.detach());
    let (tips, hidden) = match spec {
        None => (all_ref_tips(repo, head)?, Vec::new()),
        Some(spec) => parse_spec(repo, spec)?,
    };
    let shallow_commits: HashSet<ObjectId> = repo
        .shallow_commits()
        .map_err(|e| HistoryError::git("reading the shallow file", e))?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();

    let mut infos = Vec::new();
    if !tips.is_empty() {
        let walk = repo
            .rev_walk(tips.iter().copied())
            .with_hidden(hidden.iter().copied())
            .all()
            .map_err(|e| HistoryError::git("walking the commit graph", e))?;
        for info in walk {
            let info = info.map_err(|e| HistoryError::git("walking the commit graph", e))?;
            infos.push(info.id);
        }
    }

    let mut buf = Vec::new();
    let mut nodes = Vec::with_capacity(infos.len());
    for id in infos {
        let commit = repo
            .objects
            .find_commit(&id, &mut buf)
            .map_err(|e| HistoryError::git(format!("reading commit {id}"), e))?;
        let parents = if shallow_commits.contains(&id) {
            Vec::new()
        } else {
            commit.parents().collect()
        };
        let author = commit.author().ok();
        let committer = commit.committer().ok();
        let meta = Commit {
            id: id.to_string(),
            author_name: author.map(|a| a.name.to_string()).unwrap_or_default(),
            author_email: author.map(|a| a.email.to_string()).unwrap_or_default(),
            author_time: author.map(|a| a.seconds()).unwrap_or_default(),
            commit_time: committer.map(|c| c.seconds()).unwrap_or_default(),
            summary: commit.message().summary().to_string(),
        };
        nodes.push(Node {
            id,
            tree: commit.tree(),
            parents,
            meta: Arc::new(meta),
        });
    }
    Ok(Selection {
        nodes: topological(nodes),
        head,
        shallow: !shallow_commits.is_empty(),
        ranged: !hidden.is_empty(),
    })
}

/// Every branch, tag, remote-tracking ref and other ref that leads to a commit, plus HEAD.
fn all_ref_tips(
    repo: &gix::Repository,
    head: Option<ObjectId>,
) -> Result<Vec<ObjectId>, HistoryError> {
    let mut tips: Vec<ObjectId> = head.into_iter().collect();
    let refs = repo
        .references()
        .map_err(|e| HistoryError::git("listing references", e))?;
    let all = refs
        .all()
        .map_err(|e| HistoryError::git("listing references", e))?;
    for r in all {
        let Ok(mut r) = r else { continue };
        // Refs to blobs or trees (rare, e.g. a tag on a key file) have no history to walk.
        if let Ok(commit) = r.peel_to_commit() {
            tips.push(commit.id);
        }
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// Turns `HEAD`, `A..B`, `A...B`, `A^@`, `A^!` into tips to walk and tips to hide.
fn parse_spec(
    repo: &gix::Repository,
    spec: &str,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), HistoryError> {
    use gix::revision::plumbing::Spec;
    let parsed = repo
        .rev_parse(spec)
        .map_err(|e| HistoryError::Revision {
            spec: spec.to_string(),
            message: e.to_string(),
        })?
        .detach();
    let peel = |id: ObjectId| -> Result<ObjectId, HistoryError> {
        repo.find_object(id)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id)
            .map_err(|e| HistoryError::Revision {
                spec: spec.to_string(),
                message: format!("{id} is not a commit: {e}"),
            })
    };
    let parents_of = |id: ObjectId| -> Result<Vec<ObjectId>, HistoryError> {
        let mut buf = Vec::new();
        let parents = repo
            .objects
            .find_commit(&peel(id)?, &mut buf)
            .map_err(|e| HistoryError::git(format!("reading commit {id}"), e))?
            .parents()
            .collect();
        Ok(parents)
    };
    Ok(match parsed {
        Spec::Include(id) => (vec![peel(id)?], vec![]),
        Spec::Range { from, to } => (vec![peel(to)?], vec![peel(from)?]),
        Spec::Merge { theirs, ours } => {
            let (theirs, ours) = (peel(theirs)?, peel(ours)?);
            let base = repo
                .merge_base(theirs, ours)
                .map_err(|e| HistoryError::git("finding the merge base", e))?;
            (
                vec![theirs, ours],
                base.map(|b| b.detach()).into_iter().collect(),
            )
        }
        Spec::IncludeOnlyParents(id) => (parents_of(id)?, vec![]),
        Spec::ExcludeParents(id) => (vec![peel(id)?], parents_of(id)?),
        Spec::Exclude(_) => {
            return Err(HistoryError::Revision {
                spec: spec.to_string(),
                message: "a lone exclusion (`^REV`) selects no commits; use `REV..HEAD`".into(),
            })
        }
    })
}

/// Kahn's algorithm over the walked set: a commit comes after all of its walked parents; among
/// commits that are ready, the oldest committer date goes first (ties by id, so the order is
/// deterministic).
fn topological(nodes: Vec<Node>) -> Vec<Node> {
    let index: HashMap<ObjectId, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut pending = vec![0usize; nodes.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        let mut seen = HashSet::new();
        for p in &n.parents {
            if let Some(&pi) = index.get(p) {
                if seen.insert(pi) {
                    pending[i] += 1;
                    children[pi].push(i);
                }
            }
        }
    }
    let key = |i: usize| Reverse((nodes[i].meta.commit_time, nodes[i].id, i));
    let mut ready: BinaryHeap<_> = (0..nodes.len())
        .filter(|&i| pending[i] == 0)
        .map(key)
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(Reverse((_, _, i))) = ready.pop() {
        order.push(i);
        for &c in &children[i] {
            pending[c] -= 1;
            if pending[c] == 0 {
                ready.push(key(c));
            }
        }
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|i| slots[i].take().expect("each commit is ordered once"))
        .collect()
}
