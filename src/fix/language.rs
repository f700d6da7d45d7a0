//! Which language a buffer is in, from the LSP `languageId` first and the file name second, and
//! the language facts the fixes need (comment syntax).

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Rust,
    Java,
    Kotlin,
    CSharp,
    Ruby,
    Php,
    Shell,
    DockerCompose,
    Kubernetes,
    GithubActions,
    Terraform,
    /// YAML that is none of the above.
    Yaml,
    Json,
    Dotenv,
    Toml,
    Other,
}

impl Language {
    /// Detects the language. `text` disambiguates YAML (a Kubernetes manifest has `apiVersion:`
    /// and `kind:`).
    pub fn detect(language_id: Option<&str>, path: Option<&Path>, text: &str) -> Language {
        let file_name = path
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
        let by_id = match language_id.unwrap_or("") {
            "python" => Some(Language::Python),
            "javascript" | "javascriptreact" => Some(Language::JavaScript),
            "typescript" | "typescriptreact" => Some(Language::TypeScript),
            "go" => Some(Language::Go),
            "rust" => Some(Language::Rust),
            "java" => Some(Language::Java),
            "kotlin" => Some(Language::Kotlin),
            "csharp" => Some(Language::CSharp),
            "ruby" => Some(Language::Ruby),
            "php" => Some(Language::Php),
            "shellscript" | "sh" | "bash" | "zsh" => Some(Language::Shell),
            "dockercompose" => Some(Language::DockerCompose),
            "github-actions-workflow" => Some(Language::GithubActions),
            "terraform" | "hcl" | "tf" => Some(Language::Terraform),
            "json" => Some(Language::Json),
            "dotenv" => Some(Language::Dotenv),
            "toml" => Some(Language::Toml),
            "yaml" => Some(Language::Yaml),
            _ => None,
        };
        let lang = by_id.unwrap_or_else(|| match ext {
            "py" | "pyw" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" | "tsx" => Language::TypeScript,
            "go" => Language::Go,
            "rs" => Language::Rust,
            "java" => Language::Java,
            "kt" | "kts" => Language::Kotlin,
            "cs" => Language::CSharp,
            "rb" => Language::Ruby,
            "php" => Language::Php,
            "sh" | "bash" | "zsh" => Language::Shell,
            "tf" | "tfvars" | "hcl" => Language::Terraform,
            "json" => Language::Json,
            "toml" => Language::Toml,
            "yml" | "yaml" => Language::Yaml,
            _ if file_name == ".env" || file_name.starts_with(".env.") => Language::Dotenv,
            _ => Language::Other,
        });
        if lang != Language::Yaml {
            return lang;
        }
        let path_str = path
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if path_str.contains(".github/workflows/") {
            Language::GithubActions
        } else if file_name.starts_with("docker-compose") || file_name.starts_with("compose.") {
            Language::DockerCompose
        } else if text.lines().any(|l| l.starts_with("apiVersion:"))
            && text.lines().any(|l| l.starts_with("kind:"))
        {
            Language::Kubernetes
        } else {
            Language::Yaml
        }
    }

    /// How to write a comment that ends a line, or `None` where the language has no comments
    /// (JSON) — then a marker cannot be inserted at all.
    pub fn line_comment(self) -> Option<&'static str> {
        match self {
            Language::Python
            | Language::Ruby
            | Language::Shell
            | Language::DockerCompose
            | Language::Kubernetes
            | Language::GithubActions
            | Language::Terraform
            | Language::Yaml
            | Language::Dotenv
            | Language::Toml
            | Language::Other => Some("#"),
            Language::JavaScript
            | Language::TypeScript
            | Language::Go
            | Language::Rust
            | Language::Java
            | Language::Kotlin
            | Language::CSharp
            | Language::Php => Some("//"),
            Language::Json => None,
        }
    }

    /// Whether a comment after the value would change the value: a dotenv parser may keep
    /// ` # …` as part of an unquoted value, so the marker goes on the line above there.
    pub fn trailing_comment_is_risky(self) -> bool {
        matches!(self, Language::Dotenv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_wins_then_extension_then_content() {
        assert_eq!(
            Language::detect(Some("python"), Some(Path::new("x.txt")), ""),
            Language::Python
        );
        assert_eq!(
            Language::detect(None, Some(Path::new("a/b.ts")), ""),
            Language::TypeScript
        );
        assert_eq!(
            Language::detect(
                Some("yaml"),
                Some(Path::new("r/.github/workflows/ci.yml")),
                ""
            ),
            Language::GithubActions
        );
        assert_eq!(
            Language::detect(Some("yaml"), Some(Path::new("docker-compose.yml")), ""),
            Language::DockerCompose
        );
        assert_eq!(
            Language::detect(
                Some("yaml"),
                Some(Path::new("deploy.yaml")),
                "apiVersion: v1\nkind: Pod\n"
            ),
            Language::Kubernetes
        );
        assert_eq!(
            Language::detect(None, Some(Path::new(".env")), ""),
            Language::Dotenv
        );
        assert_eq!(Language::Json.line_comment(), None);
    }
}
