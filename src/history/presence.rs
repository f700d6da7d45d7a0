//! Which commits still held each credential: is it in HEAD, and when was it last seen?
//!
//! Replays the first-parent changes in topological order, tracking per commit only the
//! (path, blob) pairs that carry a finding, so the state is tiny and shared between commits that
//! did not touch a secret. A credential's last sighting is the newest commit that held it; that is
//! always a commit with no child holding it (a tip, or the parent of the commit that removed it),
//! so only those edges are checked.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::PathBuf,
    sync::Arc,
};

use gix::ObjectId;

use super::{
    blobs::ClassScan,
    commits::{Commit, Node},
    trees::Enumeration,
};
use crate::detect::Position;

/// Where the credentials are now, and when each was last there.
#[derive(Debug, Default, Clone)]
pub struct Presence {
    /// Per fingerprint, where the HEAD commit holds it: path and position.
    pub in_head: HashMap<String, Vec<(PathBuf, Position)>>,
    /// Per fingerprint, the newest commit (by committer date) whose tree held it.
    pub last_seen: HashMap<String, Arc<Commit>>,
}

type Pair = (u32, u32);
type State = Arc<BTreeSet<Pair>>;

pub(crate) fn replay(
    nodes: &[Node],
    en: &Enumeration,
    scans: &[ClassScan],
    head: Option<ObjectId>,
) -> Presence {
    let mut fp_ids: HashMap<String, u32> = HashMap::new();
    let mut fp_names: Vec<String> = Vec::new();
    let mut pair_findings: HashMap<Pair, Vec<(u32, Position)>> = HashMap::new();
    for scan in scans {
        for f in &scan.findings {
            let fp = f.fingerprint();
            let next = fp_names.len() as u32;
            let id = *fp_ids.entry(fp.clone()).or_insert_with(|| {
                fp_names.push(fp);
                next
            });
            for occ in &scan.occurrences {
                pair_findings
                    .entry((occ.path, scan.blob))
                    .or_default()
                    .push((id, f.start));
            }
        }
    }
    let mut out = Presence::default();
    if pair_findings.is_empty() {
        return out;
    }

    let index: HashMap<ObjectId, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let parents_in_set: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            let mut ps: Vec<usize> = n
                .parents
                .iter()
                .filter_map(|p| index.get(p).copied())
                .collect();
            ps.dedup();
            ps
        })
        .collect();
    let mut children_left = vec![0usize; nodes.len()];
    for ps in &parents_in_set {
        for &p in ps {
            children_left[p] += 1;
        }
    }

    let fps_of = |state: &State| -> HashSet<u32> {
        state
            .iter()
            .flat_map(|pair| pair_findings[pair].iter().map(|(fp, _)| *fp))
            .collect()
    };
    let mut last: Vec<Option<usize>> = vec![None; fp_names.len()];
    let newer = |a: usize, b: Option<usize>| match b {
        None => true,
        Some(b) => (nodes[a].meta.commit_time, a) > (nodes[b].meta.commit_time, b),
    };
    let mut states: Vec<Option<State>> = vec![None; nodes.len()];
    for i in 0..nodes.len() {
        let mut state: State = match nodes[i].parents.first().and_then(|p| index.get(p)) {
            Some(&p) => states[p].clone().unwrap_or_default(),
            None => State::default(),
        };
        for ch in &en.changes[i] {
            if let Some(old) = ch.old {
                if state.contains(&(ch.path, old)) {
                    Arc::make_mut(&mut state).remove(&(ch.path, old));
                }
            }
            if let Some(new) = ch.new {
                if pair_findings.contains_key(&(ch.path, new)) {
                    Arc::make_mut(&mut state).insert((ch.path, new));
                }
            }
        }
        // Credentials a parent held that this commit no longer holds: that parent is a frontier.
        for &p in &parents_in_set[i] {
            if let Some(ps) = &states[p] {
                if !Arc::ptr_eq(ps, &state) && !ps.is_empty() {
                    let now = fps_of(&state);
                    for fp in fps_of(ps).difference(&now) {
                        if newer(p, last[*fp as usize]) {
                            last[*fp as usize] = Some(p);
                        }
                    }
                }
            }
            children_left[p] -= 1;
            if children_left[p] == 0 {
                states[p] = None;
            }
        }
        if children_left[i] == 0 {
            for fp in fps_of(&state) {
                if newer(i, last[fp as usize]) {
                    last[fp as usize] = Some(i);
                }
            }
        }
        if Some(nodes[i].id) == head {
            for pair in state.iter() {
                let path = en.paths.path(pair.0);
                for (fp, pos) in &pair_findings[pair] {
                    out.in_head
                        .entry(fp_names[*fp as usize].clone())
                        .or_default()
                        .push((path.clone(), *pos));
                }
            }
        }
        if children_left[i] > 0 {
            states[i] = Some(state);
        }
    }
    for (fp, c) in last.into_iter().enumerate() {
        if let Some(c) = c {
            out.last_seen
                .insert(fp_names[fp].clone(), nodes[c].meta.clone());
        }
    }
    for locs in out.in_head.values_mut() {
        locs.sort();
        locs.dedup();
    }
    out
}
