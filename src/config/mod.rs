//! Layered configuration: built-in defaults < org policy < user < repository `.keyward.toml`.
//!
//! The org policy may *lock* settings (rules that cannot be disabled, the confidence that blocks,
//! whether `KEYWARD_SKIP` works); later layers cannot weaken a locked setting, and an attempt to
//! is reported rather than silently ignored.

mod file;
mod layers;
pub mod trust;

pub use file::{ConfigFile, PolicySection};
pub use layers::{
    discover, load_layers, user_config_path, ConfigError, Layer, LayerKind, Origin, Settings,
    SourcesOf, DEFAULT_BASELINE, REPO_CONFIG, SYSTEM_POLICY,
};
