//! The hook's messages. Every finding names `path:line:column`, the rule, its NHI category and a
//! redacted value, then what to do about it; every run ends with one summary line, so a hook that
//! scanned nothing can never look like a hook that found nothing.

use std::{collections::BTreeSet, io::Write, time::Duration};

use gix::bstr::ByteSlice;

use super::{
    check::{Mode, Outcome, Skipped},
    staged::Via,
};
use crate::detect::Confidence;

/// What the report needs to know besides the outcome.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub block_at: Confidence,
    /// Whether `KEYWARD_SKIP=1` works (the policy may forbid it).
    pub allow_skip: bool,
    /// Run by the pre-commit framework (`PRE_COMMIT=1`): its own `SKIP=keyward` is the bypass.
    pub pre_commit: bool,
    /// ANSI colour (stderr is a terminal, as `--color` and NO_COLOR allow).
    pub color: bool,
}

const RED_BOLD: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

fn paint(on: bool, style: &str, text: &str) -> String {
    if on {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// `keyward: scanned N files, M bytes staged; F findings (B blocking) in T ms`.
pub fn summary_line(out: &Outcome, elapsed: Duration) -> String {
    let what = match out.mode {
        Mode::Staged => "bytes staged",
        Mode::Files => "bytes",
    };
    format!(
        "keyward: scanned {} {}, {} {what}; {} {} ({} blocking), {} suppressed in {} ms",
        out.files_scanned,
        plural(out.files_scanned, "file", "files"),
        out.bytes_scanned,
        out.findings.len(),
        plural(out.findings.len(), "finding", "findings"),
        out.blocking(),
        out.suppressed,
        elapsed.as_millis()
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Writes everything but the summary line.
pub fn write_report(w: &mut impl Write, out: &Outcome, cx: Context) -> std::io::Result<()> {
    if out.via == Via::GitCliSparse {
        writeln!(
            w,
            "keyward: note: sparse index: staged changes listed with `git diff --cached` (blobs still read from the index)"
        )?;
    }
    if out.merge {
        writeln!(
            w,
            "keyward: note: merge commit: only lines new to every parent can block; lines a merged branch already committed are reported as warnings"
        )?;
    }
    for s in &out.skipped {
        match s {
            Skipped::TooLarge { path, size, limit } => writeln!(
                w,
                "keyward: warning: {}: {size} bytes, over scan.max_file_size ({limit}): NOT scanned; raise the limit in .keyward.toml or keep the file out of git",
                path.to_str_lossy()
            )?,
            Skipped::Binary { path } => {
                writeln!(w, "keyward: note: {}: binary, not scanned", path.to_str_lossy())?
            }
            Skipped::Submodule { path } => writeln!(
                w,
                "keyward: note: {}: submodule, scanned by its own repository's hook",
                path.to_str_lossy()
            )?,
            Skipped::Unreadable { path, error } => writeln!(
                w,
                "keyward: warning: {}: cannot read: {error}: NOT scanned",
                path.to_str_lossy()
            )?,
            Skipped::Lfs { path, reason } => writeln!(
                w,
                "keyward: warning: {}: Git LFS file: only its pointer is staged and {reason}: content NOT scanned",
                path.to_str_lossy()
            )?,
        }
    }
    for path in &out.lfs_scanned {
        writeln!(
            w,
            "keyward: note: {}: Git LFS pointer: scanned the content git-lfs stores for it",
            path.to_str_lossy()
        )?;
    }
    for r in &out.findings {
        let f = &r.finding;
        let label = if r.blocking {
            paint(cx.color, RED_BOLD, "BLOCKED")
        } else if r.merged_in {
            paint(
                cx.color,
                YELLOW,
                "warning (already committed on the merged branch)",
            )
        } else {
            paint(cx.color, YELLOW, "warning")
        };
        writeln!(
            w,
            "keyward: {label}: {}:{}:{}: {} ({}, {}, {} confidence): {}",
            r.path.to_str_lossy(),
            f.start.line,
            f.start.column,
            f.rule.name,
            f.rule.id,
            f.category().label(),
            f.confidence(),
            f.secret.redacted()
        )?;
    }
    if !out.findings.is_empty() {
        write_help(w, out, cx)?;
    }
    if out.files_scanned == 0 {
        let why = match out.mode {
            Mode::Staged if out.skipped.is_empty() && out.deletions == 0 => {
                "nothing is staged that adds content"
            }
            Mode::Staged => "no staged file with content keyward can read (see above)",
            Mode::Files => "none of the named files could be scanned (see above)",
        };
        writeln!(w, "keyward: NOTE: scanned nothing: {why}")?;
    }
    Ok(())
}

fn write_help(w: &mut impl Write, out: &Outcome, cx: Context) -> std::io::Result<()> {
    let blocking = out.blocking();
    writeln!(w, "keyward: how to fix:")?;
    let mut env_vars = BTreeSet::new();
    let mut seen_rules = BTreeSet::new();
    for r in &out.findings {
        if let Some(v) = &r.finding.rule.env_var {
            env_vars.insert(v.clone());
        }
        if seen_rules.insert(r.finding.rule.id.clone()) && !r.finding.rule.remediation.is_empty() {
            writeln!(
                w,
                "  - {}: {}",
                r.finding.rule.provider, r.finding.rule.remediation
            )?;
        }
    }
    let env_hint = if env_vars.is_empty() {
        String::new()
    } else {
        let names: Vec<_> = env_vars.into_iter().collect();
        format!(" (e.g. ${})", names.join(", $"))
    };
    writeln!(
        w,
        "  - move the value out of the code into the environment{env_hint} or a vault; in your editor, the `keyward lsp` quick-fix does it for you"
    )?;
    writeln!(
        w,
        "  - a false alarm: add a `keyward:allow` comment on that line"
    )?;
    writeln!(
        w,
        "  - an accepted legacy credential: `keyward baseline` records it so only new ones are reported"
    )?;
    // `pre-commit run --all-files` or `keyward hook FILE…` make no commit: no bypass hint then.
    let files_mode = out.mode == Mode::Files;
    if blocking > 0 {
        writeln!(
            w,
            "keyward: {}: {blocking} {} at or above `{}` confidence",
            paint(
                cx.color,
                RED_BOLD,
                if files_mode {
                    "failed"
                } else {
                    "commit blocked"
                }
            ),
            plural(blocking, "finding", "findings"),
            cx.block_at
        )?;
    }
    if blocking > 0 && !files_mode {
        if cx.allow_skip && cx.pre_commit {
            writeln!(
                w,
                "keyward: emergency bypass (the credential will still leak; rotate it): SKIP=keyward git commit …  or  git commit --no-verify"
            )?;
        } else if cx.allow_skip {
            writeln!(
                w,
                "keyward: emergency bypass (the credential will still leak; rotate it): KEYWARD_SKIP=1 git commit …  or  git commit --no-verify"
            )?;
        } else {
            writeln!(
                w,
                "keyward: KEYWARD_SKIP is disabled by the org policy; `git commit --no-verify` skips every hook and is visible to server-side scanning"
            )?;
        }
    }
    Ok(())
}
