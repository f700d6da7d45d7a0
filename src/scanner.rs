//! The one entry point every front-end uses: detector + configuration + suppression.
//! `keyward scan`, the pre-commit hook and the language server all call [`Scanner::scan`], so a
//! secret is judged the same in the editor, at commit and in CI.

use std::path::{Path, PathBuf};

use crate::{
    config::{self, ConfigError, Settings},
    detect::{builtin_specs_for_scanning, Confidence, DetectError, Detector, Finding, Input, Rule},
    suppress::{allowlist::AllowlistError, inline, Allowlist, Baseline, BaselineError, Suppressed},
};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Rule(#[from] DetectError),
    // Transparent: the message already names the option; a prefix plus the source chain
    // printed it twice.
    #[error(transparent)]
    Allowlist(#[from] AllowlistError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
}

/// The result of scanning one buffer.
#[derive(Debug, Default)]
pub struct FileScan {
    /// Findings to report, sorted by position.
    pub findings: Vec<Finding>,
    /// Findings dropped by a suppression, with the reason.
    pub suppressed: Vec<(Finding, Suppressed)>,
}

#[derive(Debug)]
pub struct Scanner {
    settings: Settings,
    detector: Detector,
    allowlist: Allowlist,
    /// The org policy's own path allowlist, which still applies to the rules it locks.
    policy_paths: Option<Allowlist>,
    baseline: Baseline,
}

impl Scanner {
    /// Builds a scanner from effective settings: built-in rules minus disabled ones, plus custom
    /// rules (a custom rule with a built-in id replaces it).
    pub fn new(settings: Settings) -> Result<Scanner, ScanError> {
        let custom: Vec<Rule> = settings
            .custom_rules
            .iter()
            .map(|(origin, spec)| Rule::new(spec.clone(), origin, true))
            .collect::<Result<_, _>>()?;
        // Built-in rules without their example lists: scanning never reads them.
        let (disabled, enabled): (Vec<_>, Vec<_>) = builtin_specs_for_scanning()
            .into_iter()
            .filter(|(_, s)| !custom.iter().any(|c| c.id() == s.id))
            .partition(|(_, s)| settings.disabled_rules.contains(&s.id));
        let mut rules: Vec<Rule> = enabled
            .into_iter()
            .map(|(origin, spec)| Rule::new(spec, origin, false))
            .collect::<Result<_, _>>()?;
        let disabled: Vec<_> = disabled.into_iter().map(|(_, spec)| spec).collect();
        rules.extend(
            custom
                .into_iter()
                .filter(|r| !settings.disabled_rules.contains(r.id())),
        );
        let detector = Detector::with_disabled(rules, &disabled)?;
        let allowlist = Allowlist::from_settings(&settings)?;
        let policy_paths = policy_path_allowlist(&settings)?;
        let baseline = match &settings.baseline_path {
            Some(p) => Baseline::load(p)?,
            None => Baseline::default(),
        };
        Ok(Scanner {
            settings,
            detector,
            allowlist,
            policy_paths,
            baseline,
        })
    }

    /// Finds the repository around `start` (nearest `.git` or `.keyward.toml`) and loads its
    /// configuration layers.
    pub fn discover(start: &Path) -> Result<Scanner, ScanError> {
        let root = config::discover(start);
        Scanner::new(Settings::load(root.as_deref())?)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    pub fn root(&self) -> Option<&Path> {
        self.settings.root.as_deref()
    }

    /// `path` relative to the repository root when it is inside it.
    pub fn relative<'a>(&self, path: &'a Path) -> std::borrow::Cow<'a, Path> {
        match self.root() {
            Some(root) => match path.strip_prefix(root) {
                Ok(rel) => std::borrow::Cow::Borrowed(rel),
                Err(_) => match (path.canonicalize(), root.canonicalize()) {
                    (Ok(p), Ok(r)) => p
                        .strip_prefix(&r)
                        .map(|rel| std::borrow::Cow::Owned(PathBuf::from(rel)))
                        .unwrap_or(std::borrow::Cow::Borrowed(path)),
                    _ => std::borrow::Cow::Borrowed(path),
                },
            },
            None => std::borrow::Cow::Borrowed(path),
        }
    }

    /// Whether a whole file is allowlisted (`rel` relative to the root).
    pub fn path_allowed(&self, rel: &Path) -> Option<Suppressed> {
        self.allowlist.path_allowed(rel)
    }

    /// Does this finding block a commit?
    pub fn blocks(&self, f: &Finding) -> bool {
        f.confidence() >= self.settings.block_at
    }

    pub fn block_at(&self) -> Confidence {
        self.settings.block_at
    }

    /// Scans one buffer. `rel_path` (relative to the repository root) enables path-specific
    /// rules and path allowlists; `None` for stdin and unsaved editor buffers without a path.
    pub fn scan(&self, rel_path: Option<&Path>, bytes: &[u8]) -> FileScan {
        let input = match rel_path {
            Some(p) => Input::with_path(bytes, p),
            None => Input::new(bytes),
        };
        let path_reason = rel_path.and_then(|p| self.path_allowed(p));
        let mut out = FileScan::default();
        for f in self.detector.scan(input) {
            let reason = if let Some(r) = &path_reason {
                Some(r.clone())
            } else if let Some(m) = inline::marker_for(bytes, &f) {
                Some(Suppressed::Inline(m.to_string()))
            } else if let Some(r) = self.allowlist.finding_allowed(&f) {
                Some(r)
            } else if self.baseline.contains(&f.fingerprint()) {
                Some(Suppressed::Baseline)
            } else if f.confidence() < self.settings.report_at {
                Some(Suppressed::BelowReportLevel)
            } else {
                None
            };
            // A rule the org policy locked cannot be silenced by an allowlist the repository
            // controls; inline markers and the baseline still apply (they are reviewed per finding).
            let reason = match reason {
                Some(Suppressed::AllowlistPath(_) | Suppressed::AllowlistRule(_))
                    if self.settings.is_locked(f.rule_id())
                        && !self.policy_allowlisted(rel_path) =>
                {
                    None
                }
                Some(Suppressed::AllowlistValue(_))
                    if self.settings.is_locked(f.rule_id())
                        && self
                            .policy_paths
                            .as_ref()
                            .is_none_or(|a| a.finding_allowed(&f).is_none()) =>
                {
                    None
                }
                r => r,
            };
            match reason {
                Some(r) => out.suppressed.push((f, r)),
                None => out.findings.push(f),
            }
        }
        out
    }

    /// Path allowlists from the policy layer itself still apply to locked rules.
    fn policy_allowlisted(&self, rel_path: Option<&Path>) -> bool {
        match (&self.policy_paths, rel_path) {
            (Some(a), Some(rel)) => a.path_allowed(rel).is_some(),
            _ => false,
        }
    }
}

/// Built once per scanner, not per finding: the path globs and value regexes of the org policy
/// layer alone, which still apply to the rules it locks.
fn policy_path_allowlist(settings: &Settings) -> Result<Option<Allowlist>, ScanError> {
    let policy = || {
        settings
            .layers
            .iter()
            .filter(|l| l.kind == config::LayerKind::Policy)
    };
    let globs: Vec<String> = policy()
        .flat_map(|l| l.file.allowlist.paths.iter().cloned())
        .collect();
    let values: Vec<String> = policy()
        .flat_map(|l| l.file.allowlist.values.iter().cloned())
        .collect();
    if globs.is_empty() && values.is_empty() {
        return Ok(None);
    }
    let only_policy = Settings {
        allow_paths: globs,
        allow_values: values,
        ..Settings::default()
    };
    Ok(Some(Allowlist::from_settings(&only_policy)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigFile, Layer, LayerKind};

    fn layer(kind: LayerKind, text: &str) -> Layer {
        let file: ConfigFile = toml::from_str(text).unwrap();
        Layer {
            kind,
            path: None,
            file,
        }
    }

    fn token() -> String {
        let body = "Zq8RtY2uVw3XyA4bC5dE6fG7hJ8kL9";
        let sum = crate::detect::validate::base62_crc32(body.as_bytes());
        format!("ghp_{body}{}", std::str::from_utf8(&sum).unwrap())
    }

    #[test]
    fn locked_rules_ignore_repository_path_allowlists_but_not_the_policys() {
        let settings = Settings::merge(
            None,
            vec![
                layer(
                    LayerKind::Policy,
                    "[policy]\nlocked_rules = [\"*\"]\n[allowlist]\npaths = [\"vendor/**\"]",
                ),
                layer(LayerKind::Repo, "[allowlist]\npaths = [\"fixtures/**\"]"),
            ],
        );
        let scanner = Scanner::new(settings).unwrap();
        let text = format!("t = \"{}\"\n", token());
        let in_repo_allowlist = scanner.scan(Some(Path::new("fixtures/a.py")), text.as_bytes());
        assert_eq!(in_repo_allowlist.findings.len(), 1, "{in_repo_allowlist:?}");
        let in_policy_allowlist = scanner.scan(Some(Path::new("vendor/a.py")), text.as_bytes());
        assert!(in_policy_allowlist.findings.is_empty());
        assert_eq!(in_policy_allowlist.suppressed.len(), 1);
    }
}
