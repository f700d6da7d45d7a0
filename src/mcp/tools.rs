//! What each MCP tool does, without the protocol: plain functions from a request to a
//! serialisable answer, built on the one [`Scanner`] like every other front-end.
//!
//! The answers go to a model, so they are built only from a finding's rule, kind of identity,
//! location and fingerprint: no field ever holds any part of the secret, not even the redacted
//! prefix the terminal report shows, and there is no option to ask for it.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
};

use rmcp::schemars::{self, JsonSchema};
use serde::Serialize;

use crate::{
    agent,
    config::{self, Settings},
    detect::{builtin_specs, Finding, RuleSpec},
    hook::{check, staged},
    source::{
        read::SkipReason,
        walk::{walk, Event, WalkOptions},
    },
    Scanner,
};

/// `scan_text` refuses more than this (the agent hook's bound, for the same reason: one call
/// must not hold the process hostage).
pub const MAX_TEXT: usize = agent::MAX_INPUT;
/// Findings listed in one answer; the count says how many there were in all.
pub const MAX_FINDINGS: usize = 500;
/// Skipped or unreadable files listed in one answer.
pub const MAX_SKIPPED: usize = 50;

/// The directory the server may read: every `scan_path` target must resolve inside it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Canonical (symlinks resolved), so a prefix test on canonical paths is a containment test.
    root: PathBuf,
}

impl Workspace {
    /// A workspace rooted at `dir`, which must exist. The filesystem root is refused: a server
    /// started from `/` (as some desktop clients do) would otherwise serve the whole machine.
    pub fn new(dir: &Path) -> Result<Workspace, String> {
        let root = dir
            .canonicalize()
            .map_err(|e| format!("workspace {}: {e}", dir.display()))?;
        if !root.is_dir() {
            return Err(format!("workspace {} is not a directory", root.display()));
        }
        if root.parent().is_none() {
            return Err(format!(
                "refusing to serve {} as the workspace: pass --workspace DIR (the project directory)",
                root.display()
            ));
        }
        Ok(Workspace { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Resolves a path the client named (relative to the workspace, or absolute) to a canonical
    /// path inside the workspace, or says why not. Canonicalising resolves every symlink on the
    /// way, so a link inside the workspace that leads out of it is refused like `../x` is.
    pub fn confine(&self, requested: &str) -> Result<PathBuf, String> {
        let requested = requested.trim();
        if requested.is_empty() {
            return Err(
                "`path` is empty: name a file or directory in the workspace (`.` for all of it)"
                    .into(),
            );
        }
        let lexical = Path::new(requested);
        let joined = if lexical.is_absolute() {
            lexical.to_path_buf()
        } else {
            self.root.join(lexical)
        };
        let canonical = joined.canonicalize().map_err(|e| {
            format!(
                "{requested}: {e} (paths are relative to the workspace {})",
                self.root.display()
            )
        })?;
        if canonical.starts_with(&self.root) {
            return Ok(canonical);
        }
        let lexically_inside = normalise(&joined).starts_with(&self.root);
        Err(if lexically_inside {
            format!(
                "refusing {requested}: it is (or goes through) a symbolic link that leads outside the workspace {}",
                self.root.display()
            )
        } else {
            format!(
                "refusing {requested}: it lies outside the workspace {}; only files under it can be scanned",
                self.root.display()
            )
        })
    }

    /// `path` relative to the workspace root for display (`.` for the root itself).
    fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// The scanner for this workspace: the configuration layers of the repository around it,
    /// loaded per call so an edited `.keyward.toml` counts without restarting the server. The
    /// layers are the ones every front-end merges, so a repository's own file can only make
    /// the scan stricter where the trust rules say so.
    fn scanner(&self, root: Option<&Path>) -> Result<Scanner, String> {
        let settings = Settings::load(root).map_err(|e| format!("configuration error: {e}"))?;
        Scanner::new(settings).map_err(|e| format!("configuration error: {e}"))
    }

    fn config_root(&self) -> Option<PathBuf> {
        config::discover(&self.root)
    }
}

/// Removes `.` and `..` without touching the filesystem (to tell a `..` escape from a link).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Where a finding is. Lines and columns are 1-based; columns count bytes, as compilers do.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Location {
    /// The file, relative to the workspace (or repository for `check_staged`); absent for text
    /// scanned without a path hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One hardcoded credential, described without any part of its value.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingOut {
    /// The rule that matched (`explain_finding` tells more about it).
    pub rule_id: String,
    pub rule_name: String,
    pub provider: String,
    /// The kind of non-human identity (`api_key`, `ci_token`, `service_account`, …).
    pub kind: String,
    /// The same kind for people ("CI/CD token").
    pub kind_label: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    /// An offline check (a checksum, a structure) proved the value well-formed.
    pub validated: bool,
    /// A commit adding it would be blocked by `keyward hook` here.
    pub blocks_commit: bool,
    pub location: Location,
    /// What to do: revoke or rotate, then read the value from the environment or a vault.
    pub remediation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The environment variable to read instead, when the rule suggests one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// The code to write in place of the literal (`os.environ["GITHUB_TOKEN"]`), when the
    /// language is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace_with: Option<String>,
    /// Stable identity of the credential (a hash of rule id and value, never the value): the
    /// same secret has the same fingerprint everywhere, and baselines list these.
    pub fingerprint: String,
}

fn finding_out(
    scanner: &Scanner,
    f: &Finding,
    path: Option<String>,
    replace_with: Option<String>,
) -> FindingOut {
    let r = &f.rule;
    FindingOut {
        rule_id: r.id.clone(),
        rule_name: r.name.clone(),
        provider: r.provider.clone(),
        kind: r.category.as_str().into(),
        kind_label: r.category.label().into(),
        confidence: r.confidence.as_str().into(),
        validated: f.validation == crate::detect::Validation::Confirmed,
        blocks_commit: scanner.blocks(f),
        location: Location {
            path,
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
        },
        remediation: r.remediation.clone(),
        reference: r.reference.clone(),
        env_var: r.env_var.clone(),
        replace_with,
        fingerprint: f.fingerprint(),
    }
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SkippedOut {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScanTextResult {
    /// One sentence for the model to act on.
    pub summary: String,
    pub findings: Vec<FindingOut>,
    /// Findings removed by an inline marker, allowlist or baseline.
    pub suppressed: usize,
}

/// `scan_text`: scans a buffer the client sends. `path` is a hint only (path-specific rules,
/// allowlists, the language of the suggested replacement); nothing is read from disk.
pub fn scan_text(ws: &Workspace, text: &str, path: Option<&str>) -> Result<ScanTextResult, String> {
    if text.len() > MAX_TEXT {
        return Err(format!(
            "the text is {} bytes, over the {MAX_TEXT}-byte limit: scan the file with scan_path instead",
            text.len()
        ));
    }
    let root = ws.config_root();
    let scanner = ws.scanner(root.as_deref())?;
    let hint = path.map(str::trim).filter(|p| !p.is_empty()).map(|p| {
        let p = Path::new(p);
        // An absolute hint is made relative to the repository, where path rules are anchored.
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            ws.root.join(p)
        };
        scanner.relative(&abs).into_owned()
    });
    let scan = scanner.scan(hint.as_deref(), text.as_bytes());
    let label = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let findings: Vec<FindingOut> = scan
        .findings
        .iter()
        .take(MAX_FINDINGS)
        .map(|f| {
            let fix = agent::instead(text, hint.as_deref(), f);
            finding_out(&scanner, f, label.clone(), fix)
        })
        .collect();
    Ok(ScanTextResult {
        summary: summary(scan.findings.len(), "the text"),
        findings,
        suppressed: scan.suppressed.len(),
    })
}

fn summary(n: usize, what: &str) -> String {
    match n {
        0 => format!("No hardcoded credential found in {what}."),
        1 => format!("1 hardcoded credential found in {what}: move it out of the code (see remediation; the move_secret_to_vault prompt explains how) and never repeat or print its value."),
        n => format!("{n} hardcoded credentials found in {what}: move them out of the code (see remediation; the move_secret_to_vault prompt explains how) and never repeat or print their values."),
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScanPathResult {
    pub summary: String,
    /// What was scanned, relative to the workspace.
    pub path: String,
    pub files_scanned: usize,
    /// All findings, even those past the listed ones.
    pub total_findings: usize,
    /// Sorted by path and position; at most 500.
    pub findings: Vec<FindingOut>,
    pub suppressed: usize,
    /// Binary, too large or unreadable files (at most 50 listed).
    pub skipped: Vec<SkippedOut>,
    pub total_skipped: usize,
}

/// `scan_path`: a file or directory under the workspace, walked like `keyward scan` walks it
/// (`.gitignore` honoured, `.git/` and binaries skipped, symlinks inside not followed, so the
/// walk cannot leave the workspace either).
pub fn scan_path(ws: &Workspace, requested: &str) -> Result<ScanPathResult, String> {
    let target = ws.confine(requested)?;
    let root = config::discover(&target).or_else(|| ws.config_root());
    let scanner = ws.scanner(root.as_deref())?;
    let opts = WalkOptions {
        max_file_size: scanner.settings().max_file_size,
        ..WalkOptions::default()
    };
    struct Acc {
        files: usize,
        findings: Vec<(PathBuf, FindingOut)>,
        suppressed: usize,
        skipped: Vec<SkippedOut>,
    }
    let acc = Mutex::new(Acc {
        files: 0,
        findings: Vec::new(),
        suppressed: 0,
        skipped: Vec::new(),
    });
    walk(std::slice::from_ref(&target), &opts, |event| match event {
        Event::File { path, bytes } => {
            let rel = scanner.relative(&path).into_owned();
            let scan = scanner.scan(Some(&rel), &bytes);
            let shown = ws.display(&path);
            let text = String::from_utf8_lossy(&bytes);
            let found: Vec<_> = scan
                .findings
                .iter()
                .map(|f| {
                    let fix = agent::instead(&text, Some(&rel), f);
                    (
                        path.clone(),
                        finding_out(&scanner, f, Some(shown.clone()), fix),
                    )
                })
                .collect();
            let mut a = acc.lock().unwrap_or_else(|p| p.into_inner());
            a.files += 1;
            a.suppressed += scan.suppressed.len();
            a.findings.extend(found);
        }
        Event::Skipped { path, reason } => {
            let reason = match reason {
                SkipReason::Binary => "binary".to_string(),
                r @ SkipReason::TooLarge { .. } => r.to_string(),
            };
            let mut a = acc.lock().unwrap_or_else(|p| p.into_inner());
            a.skipped.push(SkippedOut {
                path: ws.display(&path),
                reason,
            });
        }
        Event::Unreadable { path, message } => {
            let mut a = acc.lock().unwrap_or_else(|p| p.into_inner());
            a.skipped.push(SkippedOut {
                path: path.map(|p| ws.display(&p)).unwrap_or_default(),
                // The walker's message names the absolute path; the relative one is above.
                reason: format!(
                    "unreadable: {}",
                    message.replace(&*ws.root.to_string_lossy(), ".")
                ),
            });
        }
    });
    let mut a = acc.into_inner().unwrap_or_else(|p| p.into_inner());
    // The walk is parallel: sort so the same tree gives the same answer.
    a.findings.sort_by(|(pa, fa), (pb, fb)| {
        (pa, fa.location.line, fa.location.column).cmp(&(pb, fb.location.line, fb.location.column))
    });
    a.skipped.sort_by(|x, y| x.path.cmp(&y.path));
    let total_findings = a.findings.len();
    let total_skipped = a.skipped.len();
    let shown = ws.display(&target);
    Ok(ScanPathResult {
        summary: summary(total_findings, &shown),
        path: shown,
        files_scanned: a.files,
        total_findings,
        findings: a
            .findings
            .into_iter()
            .take(MAX_FINDINGS)
            .map(|(_, f)| f)
            .collect(),
        suppressed: a.suppressed,
        skipped: a.skipped.into_iter().take(MAX_SKIPPED).collect(),
        total_skipped,
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StagedResult {
    pub summary: String,
    /// Whether `keyward hook` would block a commit of the index as it is now.
    pub would_block: bool,
    /// The lowest confidence that blocks (`scan.block_at`).
    pub block_at: String,
    pub files_scanned: usize,
    /// Only the lines the commit adds; paths relative to the repository.
    pub findings: Vec<FindingOut>,
    pub total_findings: usize,
    pub suppressed: usize,
    pub skipped: Vec<SkippedOut>,
    pub deletions: usize,
}

/// `check_staged`: what `keyward hook` would say about the workspace repository's index: the
/// same staged diff, the same configuration (from the repository root), the same blocking rule.
/// It blocks nothing and ignores `KEYWARD_SKIP`: it answers what a commit would meet.
pub fn check_staged(ws: &Workspace) -> Result<StagedResult, String> {
    let repo = staged::open(&ws.root).map_err(|e| {
        format!(
            "the workspace {} is not inside a git repository ({e})",
            ws.root.display()
        )
    })?;
    let workdir = repo
        .workdir()
        .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf()))
        .ok_or("the workspace repository is bare: it has no index to check")?;
    let scanner = ws.scanner(Some(&workdir))?;
    let outcome = check::check_staged(&repo, &scanner, None)
        .map_err(|e| format!("reading the staged changes failed: {e}"))?;
    let skipped: Vec<SkippedOut> = outcome
        .skipped
        .iter()
        .map(|s| match s {
            check::Skipped::TooLarge { path, size, limit } => SkippedOut {
                path: path.to_string(),
                reason: format!("{size} bytes, over the {limit}-byte limit"),
            },
            check::Skipped::Binary { path } => SkippedOut {
                path: path.to_string(),
                reason: "binary".into(),
            },
            check::Skipped::Submodule { path } => SkippedOut {
                path: path.to_string(),
                reason: "submodule (scanned in its own repository)".into(),
            },
            check::Skipped::Unreadable { path, error } => SkippedOut {
                path: path.to_string(),
                reason: format!("unreadable: {error}"),
            },
            check::Skipped::Lfs { path, reason } => SkippedOut {
                path: path.to_string(),
                reason: format!("Git LFS file whose content could not be scanned: {reason}"),
            },
        })
        .collect();
    let unscanned = outcome
        .skipped
        .iter()
        .filter(|s| {
            matches!(
                s,
                check::Skipped::TooLarge { .. } | check::Skipped::Unreadable { .. }
            )
        })
        .count();
    let blocking = outcome.blocking();
    let would_block = blocking > 0 || (scanner.settings().block_unscanned && unscanned > 0);
    let summary = if blocking > 0 {
        format!("A commit now would be BLOCKED: {blocking} staged credential(s) at or above `{}`. Move each out of the staged files (see remediation), then stage the fix.", scanner.block_at())
    } else if would_block {
        format!("A commit now would be BLOCKED: {unscanned} staged file(s) could not be scanned and hook.block_unscanned = true.")
    } else if outcome.findings.is_empty() {
        format!(
            "The staged changes add no hardcoded credential ({} file(s) scanned).",
            outcome.files_scanned
        )
    } else {
        format!(
            "A commit would pass, with {} warning(s) below the blocking level.",
            outcome.findings.len()
        )
    };
    let findings = outcome
        .findings
        .iter()
        .take(MAX_FINDINGS)
        .map(|r| {
            let mut f = finding_out(&scanner, &r.finding, Some(r.path.to_string()), None);
            f.blocks_commit = r.blocking;
            f
        })
        .collect();
    Ok(StagedResult {
        summary,
        would_block,
        block_at: scanner.block_at().as_str().into(),
        files_scanned: outcome.files_scanned,
        total_findings: outcome.findings.len(),
        findings,
        suppressed: outcome.suppressed,
        skipped: skipped.into_iter().take(MAX_SKIPPED).collect(),
        deletions: outcome.deletions,
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RuleExplanation {
    pub rule_id: String,
    pub name: String,
    pub provider: String,
    /// What the rule detects, in a sentence.
    pub detects: String,
    /// The kind of non-human identity (`api_key`, `ci_token`, …) and its label.
    pub kind: String,
    pub kind_label: String,
    pub confidence: String,
    /// Whether the rule checks a value offline (checksum or structure) before reporting it.
    pub validated_offline: bool,
    /// Whether the rule is in effect in this workspace (a configuration may disable it).
    pub enabled: bool,
    /// A rule from a configuration file rather than keyward's catalogue.
    pub custom: bool,
    pub remediation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// The steps that apply to every finding.
    pub how_to_fix: Vec<String>,
}

/// `explain_finding`: a rule by id, from the rules in effect here or, when configuration
/// disabled it, from the built-in catalogue.
pub fn explain(ws: &Workspace, rule_id: &str) -> Result<RuleExplanation, String> {
    let rule_id = rule_id.trim();
    let root = ws.config_root();
    let scanner = ws.scanner(root.as_deref())?;
    let custom = scanner
        .settings()
        .custom_rules
        .iter()
        .any(|(_, s)| s.id == rule_id);
    let (spec, enabled): (RuleSpec, bool) = match scanner.detector().rule(rule_id) {
        Some(r) => (r.spec.clone(), true),
        None => {
            let builtin = builtin_specs().map_err(|e| e.to_string())?;
            match builtin.into_iter().find(|(_, s)| s.id == rule_id) {
                Some((_, s)) => (s, false),
                None => {
                    return Err(format!(
                        "no rule `{rule_id}`: use the rule_id of a finding (`keyward rules list` lists them all)"
                    ))
                }
            }
        }
    };
    let provider = spec.provider.clone().unwrap_or_else(|| spec.name.clone());
    let mut how = vec![
        "Treat the credential as leaked: revoke or rotate it with the provider first (see remediation); removing it from the code does not un-leak it.".to_string(),
        format!(
            "Replace the literal with a read of {} (the finding's replace_with shows the idiom for the file's language), and put the new value in a git-ignored .env, the CI's secret store or a vault.",
            spec.env_var.as_deref().map_or("an environment variable".to_string(), |v| format!("the environment variable {v}"))
        ),
        "If it was committed, it is in history: rotating it is what makes history harmless.".into(),
        "Never paste, print or repeat the value; refer to it by its variable name.".into(),
    ];
    if !enabled {
        how.push("This rule is disabled by the configuration here, so keyward does not report it in this workspace.".into());
    }
    Ok(RuleExplanation {
        detects: format!(
            "{}. Kind of identity: {}. Confidence: {}.{}",
            spec.name,
            spec.category.label(),
            spec.confidence.as_str(),
            if spec.validator.is_some() {
                " Values are checked offline (checksum or structure) before they are reported."
            } else {
                ""
            }
        ),
        rule_id: spec.id.clone(),
        name: spec.name.clone(),
        provider,
        kind: spec.category.as_str().into(),
        kind_label: spec.category.label().into(),
        confidence: spec.confidence.as_str().into(),
        validated_offline: spec.validator.is_some(),
        enabled,
        custom,
        remediation: spec.remediation.clone(),
        reference: spec.reference.clone(),
        env_var: spec.env_var.clone(),
        how_to_fix: how,
    })
}
