//! Makes sure the file holding secrets (`.env`) is ignored by git, asking git itself rather than
//! re-implementing ignore rules (global excludes, `info/exclude`, nested `.gitignore`s).

use std::{path::Path, process::Command};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    AlreadyIgnored,
    Added,
}

/// Whether git ignores `rel` (relative to `root`). `None` when git cannot tell (no git, not a
/// repository).
pub fn is_ignored(root: &Path, rel: &str) -> Option<bool> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["check-ignore", "-q", "--no-index", "--", rel])
        .output()
        .ok()?;
    match out.status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

/// Whether git tracks `rel` (relative to `root`): a tracked file stays in every commit whatever
/// `.gitignore` says, so it must never receive a secret. `None` when git cannot tell.
pub fn is_tracked(root: &Path, rel: &str) -> Option<bool> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "--error-unmatch", "--", rel])
        .output()
        .ok()?;
    match out.status.code() {
        Some(0) => Some(true),
        Some(1) if !String::from_utf8_lossy(&out.stderr).contains("not a git repository") => {
            Some(false)
        }
        _ => None,
    }
}

/// The line to append to `.gitignore` text so `rel` is ignored, if it is not listed already.
pub fn missing_line(gitignore: &str, rel: &str) -> Option<String> {
    let anchored = format!("/{rel}");
    let listed = gitignore
        .lines()
        .map(str::trim)
        .any(|l| l == rel || l == anchored);
    (!listed).then(|| {
        let sep = if gitignore.is_empty() || gitignore.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        format!("{sep}{rel}\n")
    })
}

/// Adds `rel` to `root/.gitignore` unless git already ignores it.
pub fn ensure_ignored(root: &Path, rel: &str) -> std::io::Result<Outcome> {
    if is_ignored(root, rel) == Some(true) {
        return Ok(Outcome::AlreadyIgnored);
    }
    let path = root.join(".gitignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    match missing_line(&existing, rel) {
        None => Ok(Outcome::AlreadyIgnored),
        Some(line) => {
            super::dotenv::write_atomically(&path, &format!("{existing}{line}"), false)?;
            Ok(Outcome::Added)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_line_appends_once() {
        assert_eq!(missing_line("", ".env").as_deref(), Some(".env\n"));
        assert_eq!(missing_line("target", ".env").as_deref(), Some("\n.env\n"));
        assert_eq!(missing_line("/.env\n", ".env"), None);
        assert_eq!(missing_line(" .env \n", ".env"), None);
    }
}
