//! The rule and filter file formats exactly as written in TOML: plain data, no compiled parts.
//!
//! This file depends only on `std` and `serde` because `build.rs` includes it too: the build
//! parses and checks the embedded rule files with these very types, and the binary starts from
//! the generated statics instead of parsing TOML at every start.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of non-human identity a credential belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ServiceAccount,
    ApiKey,
    OauthClient,
    CiToken,
    CertificateOrPrivateKey,
    CloudWorkload,
    AiAgent,
    DatabaseCredential,
    Generic,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::ServiceAccount,
        Category::ApiKey,
        Category::OauthClient,
        Category::CiToken,
        Category::CertificateOrPrivateKey,
        Category::CloudWorkload,
        Category::AiAgent,
        Category::DatabaseCredential,
        Category::Generic,
    ];

    /// The snake_case name used in rule files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ServiceAccount => "service_account",
            Category::ApiKey => "api_key",
            Category::OauthClient => "oauth_client",
            Category::CiToken => "ci_token",
            Category::CertificateOrPrivateKey => "certificate_or_private_key",
            Category::CloudWorkload => "cloud_workload",
            Category::AiAgent => "ai_agent",
            Category::DatabaseCredential => "database_credential",
            Category::Generic => "generic",
        }
    }

    /// A human label for reports ("AI agent credential").
    pub fn label(self) -> &'static str {
        match self {
            Category::ServiceAccount => "service account",
            Category::ApiKey => "API key",
            Category::OauthClient => "OAuth client",
            Category::CiToken => "CI/CD token",
            Category::CertificateOrPrivateKey => "certificate / private key",
            Category::CloudWorkload => "cloud workload identity",
            Category::AiAgent => "AI agent credential",
            Category::DatabaseCredential => "database credential",
            Category::Generic => "generic secret",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a rule is. `High` blocks a commit by default, `Medium` warns, `Low` is opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            other => Err(format!(
                "unknown confidence `{other}` (expected low, medium or high)"
            )),
        }
    }
}

/// A rule exactly as written in TOML.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub provider: Option<String>,
    pub category: Category,
    pub confidence: Confidence,
    pub keywords: Vec<String>,
    /// The pattern whose capture group is the secret. Empty for a rule that names a `reader`.
    #[serde(default)]
    pub regex: String,
    /// Instead of a regex, the rule takes the findings of a built-in syntax reader that judges
    /// (name, value) pairs: `generated` (a generated-looking value under a credential name) or
    /// `human` (a person-chosen password under a password name). See `src/detect/syntax/`.
    #[serde(default)]
    pub reader: Option<String>,
    #[serde(default)]
    pub validator: Option<String>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub random: bool,
    /// The captured value is a password: it must pass the syntax reader's password judgement
    /// (`src/detect/syntax/value.rs`), which turns away words such as `password`, labels,
    /// expressions and hashes while keeping person-chosen passwords.
    #[serde(default)]
    pub password_value: bool,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub context_window: Option<usize>,
    #[serde(default)]
    pub window: Option<usize>,
    #[serde(default)]
    pub env_var: Option<String>,
    #[serde(default)]
    pub pairs_with: Option<String>,
    #[serde(default)]
    pub decoder: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    /// Path the examples are scanned as, for rules limited by `path`.
    #[serde(default)]
    pub example_path: Option<String>,
    #[serde(default)]
    pub allow_hex: bool,
    #[serde(default)]
    pub skip_filters: Vec<String>,
    pub remediation: String,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// The shared filter data file, `rules/filters.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterFile {
    pub placeholder_fragments: Vec<String>,
    pub reference_patterns: Vec<String>,
    pub known_examples: Vec<String>,
    pub lockfiles: Vec<String>,
    #[serde(default)]
    pub provider_prefixes: Vec<String>,
}

/// The vocabulary of credential names, `rules/names.toml`: which names mean that the value bound
/// to them is a credential, and which merely contain such a word.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))] // read by build.rs and by a test, not at run time
pub struct NamesFile {
    pub password_words: Vec<String>,
    pub secret_words: Vec<String>,
    pub compound_suffixes: Vec<String>,
    pub not_after: Vec<String>,
    pub not_before: Vec<String>,
    pub not_names: Vec<String>,
    pub credential_names: Vec<String>,
    pub not_password_values: Vec<String>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// A rule file: `[[rule]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}
