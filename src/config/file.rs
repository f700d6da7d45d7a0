//! The on-disk format shared by every layer (`.keyward.toml`, the user config, the org policy).

use serde::{Deserialize, Serialize};

use crate::detect::{Confidence, RuleSpec};

/// One configuration file as written. Every field is optional: a layer only says what it changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub scan: ScanSection,
    #[serde(default)]
    pub rules: RulesSection,
    /// Custom rules, in the same format as `rules/*.toml`.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    #[serde(default)]
    pub allowlist: AllowlistSection,
    #[serde(default)]
    pub baseline: BaselineSection,
    #[serde(default)]
    pub hook: HookSection,
    #[serde(default)]
    pub vault: VaultSection,
    /// Only honoured in the org policy layer.
    #[serde(default)]
    pub policy: PolicySection,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Findings at or above this confidence block a commit (default `high`).
    pub block_at: Option<Confidence>,
    /// Findings below this confidence are not reported at all (default `medium`).
    pub report_at: Option<Confidence>,
    /// Files larger than this many bytes are skipped with a note (default 10 MiB).
    pub max_file_size: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSection {
    /// Path globs (gitignore-style, `/`-separated, relative to the repository root).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Rule ids whose findings are never reported.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Regexes; a finding whose secret matches one is not reported.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSection {
    /// Baseline file, relative to the repository root (default `.keyward-baseline.toml`).
    pub path: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookSection {
    /// Whether `KEYWARD_SKIP=1` bypasses the hook (default true; a policy may forbid it).
    pub allow_skip: Option<bool>,
    /// What a shim does when the keyward binary is missing: false = block (default), true = pass.
    pub fail_open: Option<bool>,
    /// Block a commit that stages a file keyward could not scan (over `scan.max_file_size`, or
    /// unreadable) instead of warning (default false). Set by the org policy, later layers cannot
    /// turn it off.
    pub block_unscanned: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultSection {
    /// Vault/OpenBao address; falls back to `BAO_ADDR`, then `VAULT_ADDR`.
    pub address: Option<String>,
    /// KV v2 mount (default `secret`).
    pub mount: Option<String>,
    /// Path template under the mount; `{project}` is the repository folder name (default `{project}`).
    pub path: Option<String>,
    /// Namespace header for Vault Enterprise / OpenBao namespaces.
    pub namespace: Option<String>,
    /// KV locations (`mount/path` prefixes) `keyward run` may resolve beyond the project's own
    /// `mount/path`. Honoured in the user config and org policy only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_refs: Vec<String>,
}

/// What an org policy locks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// Rule ids later layers may not disable or allowlist; `["*"]` locks every rule.
    #[serde(default)]
    pub locked_rules: Vec<String>,
    /// When true, later layers may not lower `scan.block_at` below the policy's value.
    #[serde(default)]
    pub lock_block_at: bool,
    /// When true, later layers may not add path allowlists.
    #[serde(default)]
    pub lock_allowlist_paths: bool,
}
