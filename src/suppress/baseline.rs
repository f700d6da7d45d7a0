//! The baseline: accepted legacy findings. Sorted, with no line numbers or timestamps, so two
//! branches that both add entries merge cleanly.
//!
//! The file is committed, so its keys must not let a reader test guesses of a low-entropy
//! password offline against a table built once for every repository. Version 2 keys each entry
//! with a random per-baseline salt stored in the file: `sha256(salt NUL fingerprint)`, where the
//! fingerprint is the finding's own `sha256(rule NUL secret)`. Version 1 files (unsalted: the key
//! *is* the fingerprint) still suppress; [`Baseline::migrate`] rekeys them without needing the
//! secrets, and `keyward baseline` does so whenever it writes.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::detect::{toml_error, DetectError};

pub const BASELINE_VERSION: u32 = 2;
/// Unsalted baselines written by keyward 0.1.
pub const UNSALTED_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    /// Where it was seen when accepted; informational only, matching ignores it.
    #[serde(default)]
    pub paths: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    #[serde(default)]
    finding: Vec<BaselineEntry>,
}

/// Entries by key; `salt` is `None` for an unsalted (version 1) baseline.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    salt: Option<String>,
    entries: BTreeMap<String, BaselineEntry>,
}

/// A fresh random salt, 128 bits in hex.
fn new_salt() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source is available");
    hex::encode(b)
}

fn salted_key(salt: &str, fingerprint: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(fingerprint.as_bytes());
    hex::encode(&h.finalize()[..16])
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] DetectError),
    #[error("{}: unsupported baseline version {found} (this keyward writes {BASELINE_VERSION})", path.display())]
    Version { path: PathBuf, found: u32 },
    #[error("{}: a version {BASELINE_VERSION} baseline needs its `salt`; regenerate it with `keyward baseline`", path.display())]
    NoSalt { path: PathBuf },
}

impl Baseline {
    /// An empty baseline with a fresh salt.
    pub fn new() -> Baseline {
        Baseline {
            salt: Some(new_salt()),
            entries: BTreeMap::new(),
        }
    }

    /// Loads a baseline; a missing file is an empty (salted) baseline.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::new()),
            Err(source) => {
                return Err(BaselineError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Baseline::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
        let origin = path.display().to_string();
        let file: BaselineFile = toml::from_str(text).map_err(|e| toml_error(&origin, text, &e))?;
        let salt = match (file.version, file.salt) {
            (BASELINE_VERSION, Some(salt)) if !salt.trim().is_empty() => Some(salt),
            (BASELINE_VERSION, _) => {
                return Err(BaselineError::NoSalt {
                    path: path.to_path_buf(),
                })
            }
            (UNSALTED_VERSION, _) => None,
            (found, _) => {
                return Err(BaselineError::Version {
                    path: path.to_path_buf(),
                    found,
                })
            }
        };
        Ok(Baseline {
            salt,
            entries: file
                .finding
                .into_iter()
                .map(|e| (e.fingerprint.clone(), e))
                .collect(),
        })
    }

    /// The key a finding's fingerprint has in this baseline.
    pub fn key(&self, fingerprint: &str) -> String {
        match &self.salt {
            Some(salt) => salted_key(salt, fingerprint),
            None => fingerprint.to_string(),
        }
    }

    /// Whether the finding with this fingerprint ([`crate::detect::Finding::fingerprint`]) is
    /// in the baseline.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.entries.contains_key(&self.key(fingerprint))
    }

    /// Whether this baseline keys its entries with a salt (version 2).
    pub fn is_salted(&self) -> bool {
        self.salt.is_some()
    }

    /// Rekeys an unsalted baseline with a fresh salt; true if it did. An unsalted key is the
    /// finding's fingerprint, so no secret is needed.
    pub fn migrate(&mut self) -> bool {
        if self.salt.is_some() {
            return false;
        }
        let salt = new_salt();
        self.entries = std::mem::take(&mut self.entries)
            .into_values()
            .map(|mut e| {
                e.fingerprint = salted_key(&salt, &e.fingerprint);
                (e.fingerprint.clone(), e)
            })
            .collect();
        self.salt = Some(salt);
        true
    }

    /// Adds a finding by its fingerprint (keyed for this baseline).
    pub fn insert_finding(&mut self, fingerprint: &str, rule: &str, paths: Vec<String>) {
        self.insert(BaselineEntry {
            fingerprint: self.key(fingerprint),
            rule: rule.to_string(),
            paths,
        });
    }

    /// Drops the entry with this key (as stored, e.g. from [`Baseline::stale`]).
    pub fn remove_key(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Adds an entry whose `fingerprint` is already this baseline's key.
    pub fn insert(&mut self, entry: BaselineEntry) {
        let slot = self
            .entries
            .entry(entry.fingerprint.clone())
            .or_insert_with(|| BaselineEntry {
                paths: Vec::new(),
                ..entry.clone()
            });
        for p in entry.paths {
            if !slot.paths.contains(&p) {
                slot.paths.push(p);
            }
        }
        slot.paths.sort();
    }

    pub fn entries(&self) -> impl Iterator<Item = &BaselineEntry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries for none of the fingerprints `seen`: the credential is gone, the entry is stale.
    pub fn stale<'a>(
        &'a self,
        seen: &'a std::collections::HashSet<String>,
    ) -> impl Iterator<Item = &'a BaselineEntry> {
        let keys: std::collections::HashSet<String> = seen.iter().map(|f| self.key(f)).collect();
        self.entries
            .values()
            .filter(move |e| !keys.contains(&e.fingerprint))
    }

    /// Sorted, timestamp-free TOML.
    pub fn to_toml(&self) -> String {
        let file = BaselineFile {
            version: if self.salt.is_some() {
                BASELINE_VERSION
            } else {
                UNSALTED_VERSION
            },
            salt: self.salt.clone(),
            finding: self.entries.values().cloned().collect(),
        };
        let body = toml::to_string(&file).expect("baseline serializes");
        format!(
            "# keyward baseline: accepted findings, keyed on sha256(salt, sha256(rule id, secret)) — never the secret.\n\
             # Sorted and free of line numbers so branches merge cleanly. Regenerate with `keyward baseline`.\n{body}"
        )
    }

    /// Writes atomically through [`crate::fsutil::write_atomic`] (no symlink followed), so an
    /// interrupted write never leaves half a file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        crate::fsutil::write_atomic(
            path,
            self.to_toml().as_bytes(),
            crate::fsutil::Mode::Shared,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_sorted() {
        let mut b = Baseline::default();
        for (fp, p) in [("bb", "z.py"), ("aa", "a.py"), ("bb", "b.py")] {
            b.insert(BaselineEntry {
                fingerprint: fp.into(),
                rule: "r".into(),
                paths: vec![p.into()],
            });
        }
        let text = b.to_toml();
        assert!(text.find("\"aa\"").unwrap() < text.find("\"bb\"").unwrap());
        let back = Baseline::parse(Path::new("b.toml"), &text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.entries.get("bb").unwrap().paths, vec!["b.py", "z.py"]);
    }

    #[test]
    fn wrong_version_is_an_error() {
        let err = Baseline::parse(Path::new("b.toml"), "version = 9\n").unwrap_err();
        assert!(err.to_string().contains("unsupported baseline version 9"));
        let err = Baseline::parse(Path::new("b.toml"), "version = 2\n").unwrap_err();
        assert!(err.to_string().contains("needs its `salt`"), "{err}");
    }

    #[test]
    fn salted_keys_hide_the_fingerprint_and_migration_keeps_matches() {
        let fp = crate::detect::fingerprint("generic-password", "hunter2");
        let mut old = Baseline::parse(
            Path::new("b.toml"),
            &format!(
                "version = 1\n[[finding]]\nfingerprint = \"{fp}\"\nrule = \"generic-password\"\n"
            ),
        )
        .unwrap();
        assert!(old.contains(&fp), "an unsalted baseline still suppresses");
        assert!(old.migrate());
        assert!(old.contains(&fp), "and still does once salted");
        let text = old.to_toml();
        assert!(
            !text.contains(&fp),
            "the unsalted fingerprint is gone: {text}"
        );
        let back = Baseline::parse(Path::new("b.toml"), &text).unwrap();
        assert!(back.contains(&fp));
        let mut other = Baseline::new();
        other.insert_finding(&fp, "generic-password", Vec::new());
        assert_ne!(
            other.entries().next().unwrap().fingerprint,
            back.entries().next().unwrap().fingerprint,
            "two baselines key the same secret differently"
        );
    }
}
