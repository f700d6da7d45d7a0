//! One [`Scanner`] per repository root, shared by every open document of that repository, and
//! rebuilt when a file it was built from changes (`.keyward.toml`, the baseline, the user config,
//! the org policy). A modification-time check before each use catches edits made outside the
//! editor even when the client does not watch files.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::SystemTime,
};

use crate::{config, Scanner};

struct Entry {
    scanner: Arc<Scanner>,
    stamps: Vec<(PathBuf, Option<SystemTime>)>,
}

#[derive(Default)]
pub struct Scanners {
    /// Directory → repository root (`None`: no repository, the built-in/user/policy layers).
    roots: HashMap<PathBuf, Option<PathBuf>>,
    by_root: HashMap<Option<PathBuf>, Entry>,
}

fn stamp(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

impl Scanners {
    /// The scanner for a file at `path` (or for an unsaved buffer when `None`).
    pub fn for_path(&mut self, path: Option<&Path>) -> Result<Arc<Scanner>, String> {
        let root = match path.and_then(Path::parent) {
            Some(dir) => self
                .roots
                .entry(dir.to_path_buf())
                .or_insert_with(|| config::discover(dir))
                .clone(),
            None => None,
        };
        if let Some(e) = self.by_root.get(&root) {
            if e.stamps.iter().all(|(p, s)| stamp(p) == *s) {
                return Ok(e.scanner.clone());
            }
        }
        let scanner = Arc::new(
            match &root {
                Some(r) => Scanner::discover(r),
                None => config::Settings::load(None)
                    .map_err(Into::into)
                    .and_then(Scanner::new),
            }
            .map_err(|e| e.to_string())?,
        );
        let mut watched: Vec<PathBuf> = Vec::new();
        if let Some(r) = &root {
            watched.push(r.join(config::REPO_CONFIG));
        }
        watched.extend(scanner.settings().baseline_path.clone());
        watched.extend(config::user_config_path());
        watched.push(PathBuf::from(
            std::env::var_os("KEYWARD_POLICY").unwrap_or_else(|| config::SYSTEM_POLICY.into()),
        ));
        let stamps = watched
            .into_iter()
            .map(|p| (stamp(&p), p))
            .map(|(s, p)| (p, s))
            .collect();
        self.by_root.insert(
            root,
            Entry {
                scanner: scanner.clone(),
                stamps,
            },
        );
        Ok(scanner)
    }

    /// Forgets everything: the next scan re-reads configuration and re-discovers roots.
    pub fn clear(&mut self) {
        self.roots.clear();
        self.by_root.clear();
    }
}
