//! Reading and merging the configuration layers into effective [`Settings`].

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    path::{Path, PathBuf},
};

use super::file::{ConfigFile, VaultSection};
use crate::detect::{toml_error, Confidence, DetectError, RuleSpec};

/// Where a layer comes from, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerKind {
    Builtin,
    Policy,
    User,
    Repo,
}

impl LayerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerKind::Builtin => "built-in default",
            LayerKind::Policy => "org policy",
            LayerKind::User => "user config",
            LayerKind::Repo => "repository config",
        }
    }
}

/// One parsed configuration file.
#[derive(Debug, Clone)]
pub struct Layer {
    pub kind: LayerKind,
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

/// Where an effective setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub kind: LayerKind,
    pub path: Option<PathBuf>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{} ({})", self.kind.as_str(), p.display()),
            None => f.write_str(self.kind.as_str()),
        }
    }
}

/// Setting name → the layer that decided it, for `keyward config explain`.
pub type SourcesOf = BTreeMap<String, Origin>;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] DetectError),
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// The effective configuration after merging every layer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Repository root the repository layer and relative paths belong to.
    pub root: Option<PathBuf>,
    pub block_at: Confidence,
    pub report_at: Confidence,
    pub max_file_size: u64,
    pub disabled_rules: BTreeSet<String>,
    /// Custom rules with the file that defined them.
    pub custom_rules: Vec<(String, RuleSpec)>,
    pub allow_paths: Vec<String>,
    pub allow_rules: BTreeSet<String>,
    pub allow_values: Vec<String>,
    /// Absolute path of the baseline file (it may not exist yet).
    pub baseline_path: Option<PathBuf>,
    pub allow_skip: bool,
    pub fail_open: bool,
    pub block_unscanned: bool,
    pub vault: VaultSection,
    /// Rules the org policy locked (`*` = all).
    pub locked_rules: BTreeSet<String>,
    pub sources: SourcesOf,
    /// Attempts by a later layer to weaken a locked setting; they were ignored.
    pub warnings: Vec<String>,
    /// Repository settings a repository may not decide (where a token or secret is sent); they
    /// were ignored. Front-ends show these where the setting would have mattered.
    pub trust_notes: Vec<String>,
    pub layers: Vec<Layer>,
}

pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
pub const DEFAULT_BASELINE: &str = ".keyward-baseline.toml";
pub const REPO_CONFIG: &str = ".keyward.toml";
/// System-wide policy path used when `KEYWARD_POLICY` is not set.
pub const SYSTEM_POLICY: &str = "/etc/keyward/policy.toml";

impl Default for Settings {
    fn default() -> Self {
        let builtin = Origin {
            kind: LayerKind::Builtin,
            path: None,
        };
        let mut sources = SourcesOf::new();
        for key in [
            "scan.block_at",
            "scan.report_at",
            "scan.max_file_size",
            "hook.allow_skip",
            "hook.fail_open",
            "hook.block_unscanned",
            "baseline.path",
        ] {
            sources.insert(key.to_string(), builtin.clone());
        }
        Settings {
            root: None,
            block_at: Confidence::High,
            report_at: Confidence::Medium,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            disabled_rules: BTreeSet::new(),
            custom_rules: Vec::new(),
            allow_paths: Vec::new(),
            allow_rules: BTreeSet::new(),
            allow_values: Vec::new(),
            baseline_path: None,
            allow_skip: true,
            fail_open: false,
            block_unscanned: false,
            vault: VaultSection::default(),
            locked_rules: BTreeSet::new(),
            sources,
            warnings: Vec::new(),
            trust_notes: Vec::new(),
            layers: Vec::new(),
        }
    }
}

impl Settings {
    /// Loads and merges every layer for a repository rooted at `root` (or none, for stdin and
    /// loose files).
    pub fn load(root: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::load_pinned(root, &[], true)
    }

    /// Like [`Settings::load`], plus extra repository-level files given on the command line
    /// (`keyward scan --config FILE`), applied after `.keyward.toml` in the order given.
    pub fn load_with_extra(
        root: Option<&Path>,
        extra: &[PathBuf],
    ) -> Result<Settings, ConfigError> {
        Settings::load_pinned(root, extra, true)
    }

    /// Like [`Settings::load_with_extra`]; with `repo_config` false the repository's own
    /// `.keyward.toml` is not read, so CI can scan a pull request with the configuration of its
    /// base branch (`--no-repo-config --config base.toml`) or with the policy and user layers alone.
    pub fn load_pinned(
        root: Option<&Path>,
        extra: &[PathBuf],
        repo_config: bool,
    ) -> Result<Settings, ConfigError> {
        let mut layers = load_layers_from(root, repo_config)?;
        for p in extra {
            layers.push(read_layer(LayerKind::Repo, p)?);
        }
        let s = Settings::merge(root, layers);
        super::trust::check_baseline_path(&s)?;
        Ok(s)
    }

    /// True when the org policy locked this rule.
    pub fn is_locked(&self, rule_id: &str) -> bool {
        self.locked_rules.contains("*") || self.locked_rules.contains(rule_id)
    }

    /// Merges layers, weakest first. Locks set by the policy are enforced here, once, so no
    /// front-end can forget them.
    pub fn merge(root: Option<&Path>, layers: Vec<Layer>) -> Settings {
        let mut s = Settings {
            root: root.map(Path::to_path_buf),
            ..Settings::default()
        };
        let mut lock_block_at = false;
        let mut lock_paths = false;
        let mut skip_locked = false;
        let mut fail_open_locked = false;
        let mut block_unscanned_locked = false;
        for layer in &layers {
            let origin = Origin {
                kind: layer.kind,
                path: layer.path.clone(),
            };
            let f = &layer.file;
            let is_policy = layer.kind == LayerKind::Policy;
            let weakening =
                |what: String| format!("{origin}: ignored `{what}`: the org policy locks it");
            if is_policy {
                s.locked_rules.extend(f.policy.locked_rules.iter().cloned());
                lock_block_at |= f.policy.lock_block_at;
                lock_paths |= f.policy.lock_allowlist_paths;
            }
            // Any lock makes the policy a floor: a later layer may not report less, read less of
            // each file, or add value allowlists and pairings that hide what the policy locks.
            let under_lock = !is_policy && (!s.locked_rules.is_empty() || lock_block_at);
            if let Some(b) = f.scan.block_at {
                if lock_block_at && !is_policy && b > s.block_at {
                    s.warnings
                        .push(weakening(format!("scan.block_at = \"{b}\"")));
                } else {
                    s.block_at = b;
                    s.sources.insert("scan.block_at".into(), origin.clone());
                }
            }
            if let Some(r) = f.scan.report_at {
                if under_lock && r > s.report_at {
                    s.warnings.push(weakening(format!(
                        "scan.report_at = \"{r}\" (reports less than \"{}\")",
                        s.report_at
                    )));
                } else {
                    s.report_at = r;
                    s.sources.insert("scan.report_at".into(), origin.clone());
                }
            }
            if let Some(m) = f.scan.max_file_size {
                if under_lock && m < s.max_file_size {
                    s.warnings.push(weakening(format!(
                        "scan.max_file_size = {m} (below {})",
                        s.max_file_size
                    )));
                } else {
                    s.max_file_size = m;
                    s.sources
                        .insert("scan.max_file_size".into(), origin.clone());
                }
            }
            for id in &f.rules.disable {
                if !is_policy && s.is_locked(id) {
                    s.warnings
                        .push(weakening(format!("rules.disable = [\"{id}\"]")));
                } else {
                    s.disabled_rules.insert(id.clone());
                    s.sources
                        .insert(format!("rules.disable.{id}"), origin.clone());
                }
            }
            let origin_name = layer.path.as_ref().map_or_else(
                || layer.kind.as_str().to_string(),
                |p| p.display().to_string(),
            );
            for spec in &f.rule {
                // A custom rule with a built-in id replaces that rule; for a locked rule that
                // would be a way to switch it off, so only the policy itself may do it.
                if !is_policy && s.is_locked(&spec.id) && crate::detect::is_builtin_rule(&spec.id) {
                    s.warnings.push(weakening(format!(
                        "[[rule]] id = \"{}\" (replaces a built-in rule)",
                        spec.id
                    )));
                    continue;
                }
                // A pairing folds the partner's finding into this rule's: pointed at a locked
                // rule, a repository rule of low confidence would swallow the locked finding.
                if let Some(partner) = spec.pairs_with.as_deref() {
                    if !is_policy && s.is_locked(partner) {
                        s.warnings.push(weakening(format!(
                            "[[rule]] id = \"{}\" with pairs_with = \"{partner}\" (a locked rule)",
                            spec.id
                        )));
                        continue;
                    }
                }
                s.sources
                    .insert(format!("rule.{}", spec.id), origin.clone());
                s.custom_rules.push((origin_name.clone(), spec.clone()));
            }
            for p in &f.allowlist.paths {
                if lock_paths && !is_policy {
                    s.warnings
                        .push(weakening(format!("allowlist.paths = [\"{p}\"]")));
                } else {
                    s.allow_paths.push(p.clone());
                    s.sources
                        .insert(format!("allowlist.paths.{p}"), origin.clone());
                }
            }
            for id in &f.allowlist.rules {
                if !is_policy && s.is_locked(id) {
                    s.warnings
                        .push(weakening(format!("allowlist.rules = [\"{id}\"]")));
                } else {
                    s.allow_rules.insert(id.clone());
                    s.sources
                        .insert(format!("allowlist.rules.{id}"), origin.clone());
                }
            }
            for v in &f.allowlist.values {
                // Under a lock of every rule a value allowlist could only hide locked findings.
                // Under a partial lock it stays, and the scanner ignores it for locked rules.
                if !is_policy && s.locked_rules.contains("*") {
                    s.warnings
                        .push(weakening(format!("allowlist.values = [\"{v}\"]")));
                    continue;
                }
                s.allow_values.push(v.clone());
                s.sources
                    .insert(format!("allowlist.values.{v}"), origin.clone());
            }
            if let Some(p) = &f.baseline.path {
                s.baseline_path = Some(resolve(root, layer, p));
                s.sources.insert("baseline.path".into(), origin.clone());
            }
            if let Some(a) = f.hook.allow_skip {
                if skip_locked && !is_policy {
                    s.warnings.push(weakening(format!("hook.allow_skip = {a}")));
                } else {
                    s.allow_skip = a;
                    skip_locked |= is_policy && !a;
                    s.sources.insert("hook.allow_skip".into(), origin.clone());
                }
            }
            if let Some(o) = f.hook.fail_open {
                // What a shim does without its binary is the org's call once the policy says.
                if fail_open_locked && !is_policy {
                    s.warnings.push(weakening(format!("hook.fail_open = {o}")));
                } else {
                    s.fail_open = o;
                    fail_open_locked |= is_policy;
                    s.sources.insert("hook.fail_open".into(), origin.clone());
                }
            }
            if let Some(b) = f.hook.block_unscanned {
                // Turning it on is stricter and always allowed; off again only if no policy said on.
                if block_unscanned_locked && !is_policy && !b {
                    s.warnings
                        .push(weakening(format!("hook.block_unscanned = {b}")));
                } else {
                    s.block_unscanned = b;
                    block_unscanned_locked |= is_policy && b;
                    s.sources
                        .insert("hook.block_unscanned".into(), origin.clone());
                }
            }
            let v = &f.vault;
            if layer.kind == LayerKind::Repo && !v.allow_refs.is_empty() {
                s.trust_notes.push(format!(
                    "{origin}: ignored `vault.allow_refs`: only the user config or org policy may widen what `keyward run` resolves"
                ));
            }
            for (key, val, slot) in [
                ("vault.address", &v.address, &mut s.vault.address),
                ("vault.mount", &v.mount, &mut s.vault.mount),
                ("vault.path", &v.path, &mut s.vault.path),
                ("vault.namespace", &v.namespace, &mut s.vault.namespace),
            ] {
                // Where the token (and, for the vault fix, the secret) goes is the user's and
                // the org's call: a cloned repository must not point it at its own server.
                let chooses_server = matches!(key, "vault.address" | "vault.namespace");
                if let (Some(v), true) = (val, chooses_server && layer.kind == LayerKind::Repo) {
                    s.trust_notes.push(format!(
                        "{origin}: ignored `{key} = {v:?}`: a repository may not choose where keyward sends a token or secret; set it in the user config or BAO_ADDR/BAO_NAMESPACE"
                    ));
                } else if val.is_some() {
                    slot.clone_from(val);
                    s.sources.insert(key.into(), origin.clone());
                }
            }
        }
        if s.baseline_path.is_none() {
            s.baseline_path = root.map(|r| r.join(DEFAULT_BASELINE));
        }
        s.layers = layers;
        s
    }
}

fn resolve(root: Option<&Path>, layer: &Layer, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    match (
        layer.kind,
        root,
        layer.path.as_deref().and_then(Path::parent),
    ) {
        (LayerKind::Repo, Some(r), _) => r.join(p),
        (_, _, Some(dir)) => dir.join(p),
        _ => p.to_path_buf(),
    }
}

/// The repository root for `start`: the nearest ancestor with `.git` or `.keyward.toml`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists() || d.join(REPO_CONFIG).is_file())
        .map(Path::to_path_buf)
}

fn read_layer(kind: LayerKind, path: &Path) -> Result<Layer, ConfigError> {
    Ok(read_layer_text(kind, path)?.0)
}

/// Every rule id a layer names (`policy.locked_rules`, `rules.disable`, `allowlist.rules`) must
/// exist: a typo there would silently lock, disable or allow nothing. Each must be built in, or a
/// `[[rule]]` of some layer: an error naming the file, line and option otherwise.
fn check_rule_ids(layers: &[(Layer, String)]) -> Result<(), ConfigError> {
    let custom: BTreeSet<&str> = layers
        .iter()
        .flat_map(|(l, _)| l.file.rule.iter().map(|r| r.id.as_str()))
        .collect();
    let known = |id: &str| id == "*" || custom.contains(id) || crate::detect::is_builtin_rule(id);
    for (layer, text) in layers {
        let f = &layer.file;
        let lists = [
            ("policy.locked_rules", &f.policy.locked_rules),
            ("rules.disable", &f.rules.disable),
            ("allowlist.rules", &f.allowlist.rules),
        ];
        for (option, ids) in lists {
            if let Some(id) = ids.iter().find(|id| !known(id)) {
                let key = option.rsplit('.').next().unwrap_or(option);
                return Err(ConfigError::Invalid {
                    message: format!(
                        "line {}: {option}: no rule has the id \"{id}\" (`keyward rules list` shows them)",
                        line_of_value(text, key, id)
                    ),
                    path: layer.path.clone().unwrap_or_default(),
                });
            }
        }
    }
    Ok(())
}

/// The line of the first quoted `value` after a `key =`, for messages (1 when not found).
fn line_of_value(text: &str, key: &str, value: &str) -> usize {
    let from = text
        .match_indices(key)
        .find(|(i, _)| text[i + key.len()..].trim_start().starts_with('='))
        .map_or(0, |(i, _)| i);
    let at = [format!("\"{value}\""), format!("'{value}'")]
        .iter()
        .filter_map(|q| text[from..].find(q.as_str()).map(|i| i + from))
        .min()
        .unwrap_or(from);
    text[..at].matches('\n').count() + 1
}

fn read_layer_text(kind: LayerKind, path: &Path) -> Result<(Layer, String), ConfigError> {
    if path.is_dir() {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: "is a directory, not a configuration file".into(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let origin = path.display().to_string();
    let file: ConfigFile = toml::from_str(&text).map_err(|e| toml_error(&origin, &text, &e))?;
    if kind != LayerKind::Policy
        && (!file.policy.locked_rules.is_empty()
            || file.policy.lock_block_at
            || file.policy.lock_allowlist_paths)
    {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: "[policy] is only allowed in the org policy file (KEYWARD_POLICY or /etc/keyward/policy.toml)".into(),
        });
    }
    check_allowlist_patterns(path, &text, &file)?;
    if file.scan.max_file_size == Some(0) {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "line {}: scan.max_file_size = 0 would scan nothing; give a size in bytes",
                line_of_value(&text, "max_file_size", "0").max(line_of_key(&text, "max_file_size"))
            ),
        });
    }
    let layer = Layer {
        kind,
        path: Some(path.to_path_buf()),
        file,
    };
    Ok((layer, text))
}

/// Allowlist globs and regexes are compiled here once to name the file and line of a bad one;
/// the scanner compiles them again from the merged settings.
fn check_allowlist_patterns(path: &Path, text: &str, file: &ConfigFile) -> Result<(), ConfigError> {
    let bad = |key: &str, value: &str, what: &str, message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message: format!(
            "line {}: allowlist.{key}: invalid {what} `{value}`: {message}",
            line_of_value(text, key, value)
        ),
    };
    for g in &file.allowlist.paths {
        // The same gitignore-like form the allowlist builds (a bare name matches at any depth).
        let pattern = if g.contains('/') {
            g.trim_start_matches('/').to_string()
        } else {
            format!("**/{g}")
        };
        globset::Glob::new(&pattern).map_err(|e| bad("paths", g, "glob", e.kind().to_string()))?;
    }
    for v in &file.allowlist.values {
        regex::Regex::new(v).map_err(|e| bad("values", v, "regex", e.to_string()))?;
    }
    Ok(())
}

fn line_of_key(text: &str, key: &str) -> usize {
    text.find(key)
        .map_or(1, |i| text[..i].matches('\n').count() + 1)
}

/// The policy file: `KEYWARD_POLICY` if set (it must exist), else the system path if present.
fn policy_path() -> Result<Option<PathBuf>, ConfigError> {
    if let Some(p) = std::env::var_os("KEYWARD_POLICY").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if !p.is_file() {
            return Err(ConfigError::Invalid {
                path: p,
                message: "KEYWARD_POLICY names a file that does not exist".into(),
            });
        }
        return Ok(Some(p));
    }
    let sys = PathBuf::from(SYSTEM_POLICY);
    Ok(sys.is_file().then_some(sys))
}

/// The user config: `KEYWARD_USER_CONFIG` if set, else `<config dir>/keyward/config.toml`.
pub fn user_config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KEYWARD_USER_CONFIG") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    dirs::config_dir().map(|d| d.join("keyward").join("config.toml"))
}

/// Reads every layer that exists, weakest first.
pub fn load_layers(root: Option<&Path>) -> Result<Vec<Layer>, ConfigError> {
    load_layers_from(root, true)
}

fn load_layers_from(root: Option<&Path>, repo_config: bool) -> Result<Vec<Layer>, ConfigError> {
    let root = root.filter(|_| repo_config);
    let mut layers = Vec::new();
    if let Some(p) = policy_path()? {
        layers.push(read_layer_text(LayerKind::Policy, &p)?);
    }
    if let Some(p) = user_config_path().filter(|p| p.is_file()) {
        layers.push(read_layer_text(LayerKind::User, &p)?);
    }
    // `exists`, not `is_file`: a `.keyward.toml` that is a directory is an error, not silence.
    if let Some(p) = root.map(|r| r.join(REPO_CONFIG)).filter(|p| p.exists()) {
        layers.push(read_layer_text(LayerKind::Repo, &p)?);
    }
    check_rule_ids(&layers)?;
    Ok(layers.into_iter().map(|(l, _)| l).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(kind: LayerKind, toml_text: &str) -> Layer {
        Layer {
            kind,
            path: None,
            file: toml::from_str(toml_text).unwrap(),
        }
    }

    #[test]
    fn repo_cannot_weaken_locked_policy() {
        let s = Settings::merge(
            None,
            vec![
                layer(
                    LayerKind::Policy,
                    "[policy]\nlocked_rules=[\"aws-access-key-id\"]\nlock_block_at=true\n[scan]\nblock_at=\"medium\"\n[hook]\nallow_skip=false\nfail_open=false",
                ),
                layer(
                    LayerKind::Repo,
                    "[rules]\ndisable=[\"aws-access-key-id\",\"generic-password\"]\n[scan]\nblock_at=\"high\"\n[hook]\nallow_skip=true\nfail_open=true",
                ),
            ],
        );
        assert_eq!(s.block_at, Confidence::Medium);
        assert!(!s.disabled_rules.contains("aws-access-key-id"));
        assert!(s.disabled_rules.contains("generic-password"));
        assert!(!s.allow_skip);
        assert!(!s.fail_open, "a policy that sets fail_open decides it");
        assert_eq!(s.warnings.len(), 4, "{:?}", s.warnings);
    }

    #[test]
    fn repo_cannot_replace_a_locked_builtin_rule() {
        let rule = "[[rule]]\nid = \"github-pat-classic\"\nname = \"n\"\ncategory = \"api_key\"\nconfidence = \"low\"\nkeywords = [\"zz\"]\nregex = 'zz(never)'\nremediation = \"r\"\n";
        let mine = rule.replace("github-pat-classic", "acme-key");
        let s = Settings::merge(
            None,
            vec![
                layer(LayerKind::Policy, "[policy]\nlocked_rules=[\"*\"]"),
                layer(LayerKind::Repo, &format!("{rule}\n{mine}")),
            ],
        );
        let ids: Vec<&str> = s.custom_rules.iter().map(|(_, r)| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["acme-key"],
            "a new rule is an addition; a locked built-in id is not"
        );
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    }

    #[test]
    fn under_a_lock_a_repository_cannot_report_read_or_pair_less() {
        let absorb = "[[rule]]\nid = \"absorb\"\nname = \"n\"\ncategory = \"api_key\"\nconfidence = \"low\"\nkeywords = [\"zz\"]\nregex = 'zz(never)'\npairs_with = \"github-pat-classic\"\nremediation = \"r\"\n";
        let s = Settings::merge(
            None,
            vec![
                layer(
                    LayerKind::Policy,
                    "[policy]\nlocked_rules=[\"*\"]\n[hook]\nblock_unscanned=true",
                ),
                layer(
                    LayerKind::Repo,
                    &format!("[scan]\nreport_at=\"high\"\nmax_file_size=5\n[allowlist]\nvalues=[\".*\"]\n[hook]\nblock_unscanned=false\n{absorb}"),
                ),
            ],
        );
        assert_eq!(s.report_at, Confidence::Medium);
        assert_eq!(s.max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert!(s.allow_values.is_empty());
        assert!(s.custom_rules.is_empty());
        assert!(s.block_unscanned);
        assert_eq!(s.warnings.len(), 5, "{:?}", s.warnings);
    }

    #[test]
    fn later_layers_override_and_are_traced() {
        let s = Settings::merge(
            None,
            vec![
                layer(LayerKind::User, "[scan]\nreport_at=\"low\""),
                layer(LayerKind::Repo, "[scan]\nreport_at=\"high\""),
            ],
        );
        assert_eq!(s.report_at, Confidence::High);
        assert_eq!(s.sources["scan.report_at"].kind, LayerKind::Repo);
        assert_eq!(s.sources["scan.block_at"].kind, LayerKind::Builtin);
    }
}
