//! Config allowlists: path globs, rule ids and value regexes.

use std::{collections::BTreeSet, path::Path};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;

use super::Suppressed;
use crate::{config::Settings, detect::Finding};

#[derive(Debug)]
pub struct Allowlist {
    paths: GlobSet,
    path_globs: Vec<String>,
    rules: BTreeSet<String>,
    values: Vec<(String, Regex)>,
}

#[derive(Debug, thiserror::Error)]
pub enum AllowlistError {
    #[error("allowlist.paths: invalid glob `{glob}`: {message}")]
    Glob { glob: String, message: String },
    #[error("allowlist.values: invalid regex `{pattern}`: {message}")]
    Regex { pattern: String, message: String },
}

impl Allowlist {
    pub fn from_settings(s: &Settings) -> Result<Allowlist, AllowlistError> {
        let mut b = GlobSetBuilder::new();
        for g in &s.allow_paths {
            // gitignore-like: a pattern without `/` matches at any depth.
            let pattern = if g.contains('/') {
                g.trim_start_matches('/').to_string()
            } else {
                format!("**/{g}")
            };
            for p in [
                pattern.clone(),
                format!("{}/**", pattern.trim_end_matches('/')),
            ] {
                b.add(Glob::new(&p).map_err(|e| AllowlistError::Glob {
                    glob: g.clone(),
                    message: e.kind().to_string(),
                })?);
            }
        }
        let values = s
            .allow_values
            .iter()
            .map(|v| {
                Regex::new(v)
                    .map(|r| (v.clone(), r))
                    .map_err(|e| AllowlistError::Regex {
                        pattern: v.clone(),
                        message: e.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Allowlist {
            paths: b.build().map_err(|e| AllowlistError::Glob {
                glob: "*".into(),
                message: e.to_string(),
            })?,
            path_globs: s.allow_paths.clone(),
            rules: s.allow_rules.clone(),
            values,
        })
    }

    /// Whether a whole file is allowlisted. `rel` is relative to the repository root.
    pub fn path_allowed(&self, rel: &Path) -> Option<Suppressed> {
        let normalized = rel.to_string_lossy().replace('\\', "/");
        let normalized = normalized.trim_start_matches("./");
        self.paths.matches(normalized).first().map(|&i| {
            // Each glob was added twice (itself and `glob/**`).
            Suppressed::AllowlistPath(self.path_globs[i / 2].clone())
        })
    }

    pub fn finding_allowed(&self, f: &Finding) -> Option<Suppressed> {
        if self.rules.contains(f.rule_id()) {
            return Some(Suppressed::AllowlistRule(f.rule_id().to_string()));
        }
        self.values
            .iter()
            .find(|(_, r)| r.is_match(f.secret.expose().as_bytes()))
            .map(|(p, _)| Suppressed::AllowlistValue(p.clone()))
    }
}
