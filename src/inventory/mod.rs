//! The credential inventory: one row per distinct credential (by fingerprint, never by value)
//! across a repository's history, with where it is, since when, who owns it and what to do.
//!
//! Built from a full-audit [`HistoryScan`](crate::history::HistoryScan) plus the HEAD commit's
//! CODEOWNERS; rendered by [`render`] as text, JSON, CSV, Markdown or a self-contained HTML page.

pub mod html;
pub mod owners;
pub mod render;

use std::{
    collections::{BTreeMap, HashMap},
    path::PathBuf,
    sync::Arc,
};

use crate::{
    detect::{Category, Confidence, Validation},
    history::{Commit, HistoryScan, HistoryStats},
};
pub use owners::CodeOwners;

/// Bumped when a field of the JSON form changes meaning or disappears.
pub const JSON_VERSION: u32 = 1;

const DAY: i64 = 86_400;

/// Age buckets for the summary, by days since the credential was first committed.
pub const AGE_BUCKETS: [(&str, i64); 5] = [
    ("under 30 days", 30),
    ("30–90 days", 90),
    ("90 days–1 year", 365),
    ("1–2 years", 730),
    ("over 2 years", i64::MAX),
];

/// Which credentials the inventory lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Credentials the HEAD commit still holds (their history is still used for first seen and
    /// owner).
    Head,
    /// Every credential any scanned commit ever held, deleted ones included.
    History,
}

/// Who answers for a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A CODEOWNERS line matched its path.
    CodeOwners {
        owners: Vec<String>,
        file: String,
        pattern: String,
    },
    /// No CODEOWNERS owner: the author of the commit that introduced it.
    Author { name: String, email: String },
}

impl Owner {
    /// `@acme/platform` or `Alice <alice@example.com>`.
    pub fn display(&self) -> String {
        match self {
            Owner::CodeOwners { owners, .. } => owners.join(" "),
            Owner::Author { name, email } => format!("{name} <{email}>"),
        }
    }

    /// True when a team or person is named in CODEOWNERS (not just the author).
    pub fn is_assigned(&self) -> bool {
        matches!(self, Owner::CodeOwners { .. })
    }
}

/// One path a credential appeared at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialLocation {
    pub path: PathBuf,
    /// The first commit that put it at this path.
    pub commit: Arc<Commit>,
    /// Lines in HEAD's version of this path that hold it (empty: not in HEAD at this path).
    pub head_lines: Vec<usize>,
}

/// One distinct credential.
#[derive(Debug, Clone)]
pub struct Credential {
    pub fingerprint: String,
    pub rule_id: String,
    pub rule_name: String,
    pub provider: String,
    pub category: Category,
    pub confidence: Confidence,
    pub validation: Validation,
    /// Redacted value (`ghp_AbC1…[redacted]`): the inventory never holds the secret.
    pub secret: String,
    pub locations: Vec<CredentialLocation>,
    pub first_seen: Arc<Commit>,
    pub last_seen: Arc<Commit>,
    /// Whole days from the first commit (author date) to the inventory's date.
    pub age_days: i64,
    pub in_head: bool,
    pub owner: Owner,
    pub remediation: String,
    pub reference: Option<String>,
}

impl Credential {
    pub fn age_bucket(&self) -> &'static str {
        age_bucket(self.age_days)
    }
}

pub fn age_bucket(days: i64) -> &'static str {
    AGE_BUCKETS
        .iter()
        .find(|(_, limit)| days < *limit)
        .map_or(AGE_BUCKETS[AGE_BUCKETS.len() - 1].0, |(name, _)| name)
}

/// The whole inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// What the user pointed at (for the report header).
    pub repository: String,
    pub scope: Scope,
    /// The date ages are computed against, seconds since the epoch.
    pub as_of: i64,
    pub head: Option<Arc<Commit>>,
    /// The CODEOWNERS file used, if any.
    pub codeowners: Option<String>,
    pub stats: HistoryStats,
    /// Sorted: live first, then oldest first.
    pub credentials: Vec<Credential>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub in_head: usize,
    pub without_owner: usize,
    pub by_category: BTreeMap<Category, usize>,
    /// In [`AGE_BUCKETS`] order, every bucket present.
    pub by_age: Vec<(&'static str, usize)>,
}

impl Inventory {
    /// Groups a full-audit scan's findings by fingerprint.
    pub fn build(
        scan: &HistoryScan,
        codeowners: Option<&CodeOwners>,
        scope: Scope,
        repository: String,
        as_of: i64,
    ) -> Inventory {
        let presence = scan.presence.clone().unwrap_or_default();
        let mut order: Vec<String> = Vec::new();
        let mut by_fp: HashMap<String, Vec<&crate::history::HistoryFinding>> = HashMap::new();
        for h in &scan.findings {
            let fp = h.finding.fingerprint();
            by_fp
                .entry(fp.clone())
                .or_insert_with(|| {
                    order.push(fp);
                    Vec::new()
                })
                .push(h);
        }
        let mut credentials = Vec::new();
        for fp in order {
            let hits = &by_fp[&fp];
            // Findings arrive sorted by introducing commit in topological order.
            let first = hits[0];
            let head_locs = presence.in_head.get(&fp).cloned().unwrap_or_default();
            let in_head = !head_locs.is_empty();
            if scope == Scope::Head && !in_head {
                continue;
            }
            let mut locations: Vec<CredentialLocation> = Vec::new();
            for h in hits {
                for l in &h.locations {
                    match locations.iter_mut().find(|x| x.path == l.path) {
                        Some(x) if l.commit.commit_time < x.commit.commit_time => {
                            x.commit = l.commit.clone()
                        }
                        Some(_) => {}
                        None => locations.push(CredentialLocation {
                            path: l.path.clone(),
                            commit: l.commit.clone(),
                            head_lines: Vec::new(),
                        }),
                    }
                }
            }
            for (path, pos) in &head_locs {
                match locations.iter_mut().find(|x| &x.path == path) {
                    Some(x) => x.head_lines.push(pos.line),
                    None => unreachable_location(&mut locations, path, pos.line, first.commit()),
                }
            }
            for l in &mut locations {
                l.head_lines.sort_unstable();
                l.head_lines.dedup();
            }
            let first_seen = first.commit().clone();
            let last_seen = presence
                .last_seen
                .get(&fp)
                .cloned()
                .unwrap_or_else(|| first_seen.clone());
            let owner_path = head_locs
                .first()
                .map(|(p, _)| p.clone())
                .unwrap_or_else(|| first.path().to_path_buf());
            let owner = match codeowners.and_then(|co| co.owners_of(&owner_path).map(|m| (co, m))) {
                Some((co, m)) if !m.owners.is_empty() => Owner::CodeOwners {
                    owners: m.owners,
                    file: co.file.clone(),
                    pattern: m.pattern,
                },
                _ => Owner::Author {
                    name: first_seen.author_name.clone(),
                    email: first_seen.author_email.clone(),
                },
            };
            let f = &first.finding;
            credentials.push(Credential {
                fingerprint: fp,
                rule_id: f.rule.id.clone(),
                rule_name: f.rule.name.clone(),
                provider: f.rule.provider.clone(),
                category: f.rule.category,
                confidence: f.rule.confidence,
                validation: hits
                    .iter()
                    .map(|h| h.finding.validation)
                    .find(|v| *v == Validation::Confirmed)
                    .unwrap_or(f.validation),
                secret: f.secret.redacted(),
                locations,
                age_days: ((as_of - first_seen.author_time) / DAY).max(0),
                first_seen,
                last_seen,
                in_head,
                owner,
                remediation: f.rule.remediation.clone(),
                reference: f.rule.reference.clone(),
            });
        }
        credentials.sort_by(|a, b| {
            b.in_head
                .cmp(&a.in_head)
                .then(a.first_seen.author_time.cmp(&b.first_seen.author_time))
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        Inventory {
            repository,
            scope,
            as_of,
            head: scan.head.clone(),
            codeowners: codeowners.map(|c| c.file.clone()),
            stats: scan.stats.clone(),
            credentials,
        }
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.credentials.len(),
            by_age: AGE_BUCKETS.iter().map(|(n, _)| (*n, 0)).collect(),
            ..Summary::default()
        };
        for c in &self.credentials {
            s.in_head += usize::from(c.in_head);
            s.without_owner += usize::from(!c.owner.is_assigned());
            *s.by_category.entry(c.category).or_default() += 1;
            let bucket = c.age_bucket();
            if let Some(slot) = s.by_age.iter_mut().find(|(n, _)| *n == bucket) {
                slot.1 += 1;
            }
        }
        s
    }

    /// Credentials still in HEAD, oldest first (the ones to rotate first).
    pub fn oldest_live(&self, n: usize) -> Vec<&Credential> {
        let mut live: Vec<&Credential> = self.credentials.iter().filter(|c| c.in_head).collect();
        live.sort_by_key(|c| std::cmp::Reverse(c.age_days));
        live.truncate(n);
        live
    }

    pub fn without_owner(&self) -> Vec<&Credential> {
        self.credentials
            .iter()
            .filter(|c| !c.owner.is_assigned())
            .collect()
    }
}

/// HEAD holds it at a path no introduction recorded (cannot happen for a full audit; kept total
/// rather than panicking).
fn unreachable_location(
    locations: &mut Vec<CredentialLocation>,
    path: &std::path::Path,
    line: usize,
    commit: &Arc<Commit>,
) {
    locations.push(CredentialLocation {
        path: path.to_path_buf(),
        commit: commit.clone(),
        head_lines: vec![line],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_buckets_have_closed_lower_bounds() {
        assert_eq!(age_bucket(0), "under 30 days");
        assert_eq!(age_bucket(29), "under 30 days");
        assert_eq!(age_bucket(30), "30–90 days");
        assert_eq!(age_bucket(364), "90 days–1 year");
        assert_eq!(age_bucket(365), "1–2 years");
        assert_eq!(age_bucket(5000), "over 2 years");
    }
}
