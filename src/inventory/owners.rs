//! Who owns a path: the repository's CODEOWNERS, read from the HEAD commit.
//!
//! Lookup follows GitHub: the first file found among `.github/CODEOWNERS`, `CODEOWNERS` and
//! `docs/CODEOWNERS` is used; patterns are gitignore-style; the *last* matching line wins; a
//! matching line without owners makes the path explicitly unowned.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Where GitHub looks for the file, in its order of precedence.
pub const CODEOWNERS_PATHS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

#[derive(Debug)]
struct Entry {
    pattern: String,
    owners: Vec<String>,
    matcher: Gitignore,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Default)]
pub struct CodeOwners {
    /// The file's path in the repository (`.github/CODEOWNERS`).
    pub file: String,
    entries: Vec<Entry>,
    /// Lines that could not be used, with their 1-based line numbers.
    pub invalid: Vec<(usize, String)>,
}

/// The owners of a path and the line that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerMatch {
    pub owners: Vec<String>,
    pub pattern: String,
}

impl CodeOwners {
    pub fn parse(file: &str, text: &str) -> CodeOwners {
        let mut out = CodeOwners {
            file: file.to_string(),
            ..CodeOwners::default()
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut tokens = line.split_whitespace();
            let Some(pattern) = tokens.next() else {
                continue;
            };
            let owners: Vec<String> = tokens
                .take_while(|t| !t.starts_with('#'))
                .map(str::to_string)
                .collect();
            // CODEOWNERS has no negation; `!` lines are an error on GitHub too.
            if pattern.starts_with('!') {
                out.invalid.push((i + 1, line.to_string()));
                continue;
            }
            let mut b = GitignoreBuilder::new("");
            match b.add_line(None, pattern).and_then(|b| b.build()) {
                Ok(matcher) => out.entries.push(Entry {
                    pattern: pattern.to_string(),
                    owners,
                    matcher,
                }),
                Err(_) => out.invalid.push((i + 1, line.to_string())),
            }
        }
        out
    }

    /// Reads the first CODEOWNERS file of the HEAD commit's tree; `None` when there is none.
    pub fn from_head(repo: &gix::Repository) -> Option<CodeOwners> {
        let tree = repo.head_commit().ok()?.tree().ok()?;
        CODEOWNERS_PATHS.iter().find_map(|p| {
            let entry = tree.lookup_entry_by_path(p).ok()??;
            let blob = entry.object().ok()?;
            Some(CodeOwners::parse(p, &String::from_utf8_lossy(&blob.data)))
        })
    }

    /// The last line matching `path` (relative to the repository root).
    pub fn owners_of(&self, path: &Path) -> Option<OwnerMatch> {
        self.entries
            .iter()
            .rev()
            .find(|e| {
                e.matcher
                    .matched_path_or_any_parents(path, false)
                    .is_ignore()
            })
            .map(|e| OwnerMatch {
                owners: e.owners.clone(),
                pattern: e.pattern.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(co: &CodeOwners, path: &str) -> Option<Vec<String>> {
        co.owners_of(Path::new(path)).map(|m| m.owners)
    }

    #[test]
    fn last_matching_pattern_wins_with_gitignore_semantics() {
        let co = CodeOwners::parse(
            "CODEOWNERS",
            "# comment\n* @all\n*.js @js-team # trailing comment\n/build/logs/ @ops\ndocs/ @docs\n/apps/ @apps\n/apps/github\n",
        );
        assert_eq!(owners(&co, "README.md").unwrap(), ["@all"]);
        assert_eq!(owners(&co, "src/x.js").unwrap(), ["@js-team"]);
        assert_eq!(owners(&co, "build/logs/a/b.txt").unwrap(), ["@ops"]);
        // Unanchored directory pattern matches at any depth.
        assert_eq!(owners(&co, "x/docs/guide.md").unwrap(), ["@docs"]);
        // Anchored: only at the root.
        assert_eq!(owners(&co, "lib/build/logs/x").unwrap(), ["@all"]);
        assert_eq!(owners(&co, "apps/web/main.rs").unwrap(), ["@apps"]);
        // A later line without owners makes the path unowned.
        assert_eq!(owners(&co, "apps/github/x").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn negation_is_reported_not_applied() {
        let co = CodeOwners::parse("CODEOWNERS", "* @all\n!secret.txt @nobody\n");
        assert_eq!(co.invalid, vec![(2, "!secret.txt @nobody".to_string())]);
        assert_eq!(owners(&co, "secret.txt").unwrap(), ["@all"]);
    }

    #[test]
    fn no_match_is_none() {
        let co = CodeOwners::parse("CODEOWNERS", "/src/ @dev\n");
        assert!(co.owners_of(Path::new("README.md")).is_none());
    }
}
