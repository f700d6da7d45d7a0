//! Suppression that teams can live with: inline markers, config allowlists and a content-keyed
//! baseline. Each says *why* a finding was dropped, so `--show-suppressed` and the language
//! server can explain it.

pub mod allowlist;
pub mod baseline;
pub mod inline;

pub use allowlist::Allowlist;
pub use baseline::{Baseline, BaselineEntry, BaselineError};

/// Why a finding was not reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "detail")]
pub enum Suppressed {
    /// An inline marker (`keyward:allow`, `gitleaks:allow`, …) on the line or the line before.
    Inline(String),
    AllowlistPath(String),
    AllowlistRule(String),
    AllowlistValue(String),
    Baseline,
    RuleDisabled,
    BelowReportLevel,
}
