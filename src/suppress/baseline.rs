//! The baseline: accepted legacy findings, keyed on a hash of rule id + secret. Sorted, with no
//! line numbers or timestamps, so two branches that both add entries merge cleanly.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::detect::{toml_error, DetectError};

pub const BASELINE_VERSION: u32 = 1;

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
    #[serde(default)]
    finding: Vec<BaselineEntry>,
}

#[derive(Debug, Default, Clone)]
pub struct Baseline {
    entries: BTreeMap<String, BaselineEntry>,
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
}

impl Baseline {
    /// Loads a baseline; a missing file is an empty baseline.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::default()),
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
        if file.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                found: file.version,
            });
        }
        Ok(Baseline {
            entries: file
                .finding
                .into_iter()
                .map(|e| (e.fingerprint.clone(), e))
                .collect(),
        })
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.entries.contains_key(fingerprint)
    }

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

    /// Entries whose fingerprint is not among `seen`: the credential is gone, the entry is stale.
    pub fn stale<'a>(
        &'a self,
        seen: &'a std::collections::HashSet<String>,
    ) -> impl Iterator<Item = &'a BaselineEntry> {
        self.entries
            .values()
            .filter(move |e| !seen.contains(&e.fingerprint))
    }

    /// Sorted, timestamp-free TOML.
    pub fn to_toml(&self) -> String {
        let file = BaselineFile {
            version: BASELINE_VERSION,
            finding: self.entries.values().cloned().collect(),
        };
        let body = toml::to_string(&file).expect("baseline serializes");
        format!(
            "# keyward baseline: accepted findings, keyed on sha256(rule id, secret) — never the secret.\n\
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
    }
}
