//! `keyward hook`: git's pre-commit hook. Scans what the commit adds (or, for
//! `pre-commit run --files/--all-files`, the named files whole), prints every finding with what to
//! do about it, and always ends with one summary line.

use std::{io::IsTerminal, io::Write, path::PathBuf, process::ExitCode, time::Instant};

use gix::bstr::ByteSlice;

use anyhow::Context as _;
use keyward::{
    config::Settings,
    hook::{
        check::{self, Outcome},
        report::{self, Context},
        staged::{self, ChangeKind, Via},
    },
    Scanner,
};

use super::{ConfigFiles, EXIT_CLEAN, EXIT_FINDINGS};

#[derive(Debug, clap::Args)]
pub struct HookArgs {
    /// Scan these files (what `pre-commit run --files` passes). Run by git during a commit
    /// (`GIT_INDEX_FILE` set), only the staged changes of these files are scanned; otherwise the
    /// files are scanned whole from the working tree.
    #[arg(long, num_args = 1.., value_name = "FILE", conflicts_with = "all_files")]
    files: Vec<PathBuf>,
    /// Scan every tracked file whole, from the working tree.
    #[arg(long)]
    all_files: bool,
    /// Print the staged changes keyward sees (git's `--name-status` layout, without scores) and
    /// how it found them, then exit without scanning. For tests and bug reports.
    #[arg(long, hide = true, conflicts_with_all = ["files", "all_files"])]
    list_staged: bool,
    #[command(flatten)]
    config: ConfigFiles,
}

/// `KEYWARD_SKIP=1` (or true/yes) asks to skip the scan.
fn skip_requested() -> bool {
    std::env::var("KEYWARD_SKIP")
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

pub fn run(args: HookArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("current directory")?;
    let repo = staged::open(&cwd)
        .with_context(|| format!("{}: not inside a git repository", cwd.display()))?;
    let root = repo
        .workdir()
        .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf()))
        .context("a bare repository has no commits to check")?;
    if args.list_staged {
        return list_staged(&repo);
    }
    let settings = Settings::load_with_extra(Some(&root), &args.config.files)?;
    let mut err = std::io::stderr().lock();
    for w in &settings.warnings {
        writeln!(err, "keyward: policy: {w}")?;
    }
    let staged_mode = args.files.is_empty() && !args.all_files;
    if skip_requested() {
        if settings.allow_skip {
            writeln!(
                err,
                "keyward: KEYWARD_SKIP is set: secret scan SKIPPED at the committer's request; nothing was checked"
            )?;
            let nothing = Outcome::empty(if staged_mode {
                check::Mode::Staged
            } else {
                check::Mode::Files
            });
            writeln!(err, "{}", report::summary_line(&nothing, started.elapsed()))?;
            return Ok(EXIT_CLEAN);
        }
        let origin = settings
            .sources
            .get("hook.allow_skip")
            .map(|o| o.to_string())
            .unwrap_or_else(|| "the org policy".into());
        writeln!(
            err,
            "keyward: KEYWARD_SKIP is ignored: hook.allow_skip = false ({origin}); scanning anyway"
        )?;
    }
    let block_unscanned = settings.block_unscanned;
    let cx = Context {
        block_at: settings.block_at,
        allow_skip: settings.allow_skip,
        pre_commit: std::env::var_os("PRE_COMMIT").is_some_and(|v| v == "1"),
        color: super::use_color(std::io::stderr().is_terminal()),
    };
    let outcome = if args.all_files {
        let scanner = super::keep_for_process(Scanner::new(settings)?);
        check::check_files(scanner, &check::tracked_files(&repo)?)
    } else if !args.files.is_empty() && std::env::var_os("GIT_INDEX_FILE").is_none() {
        // pre-commit passes file names both from `git commit` (through its git hook) and from
        // `pre-commit run --files/--all-files`. Git sets GIT_INDEX_FILE for commit hooks only:
        // without it, the named working-tree files are what to scan; with it (below), what the
        // commit adds to them.
        let scanner = super::keep_for_process(Scanner::new(settings)?);
        check::check_files(scanner, &args.files)
    } else {
        let only = if args.files.is_empty() {
            None
        } else {
            Some(check::repo_relative(&repo, &args.files)?)
        };
        // Compiling the rules and listing the staged changes are independent and take about
        // as long as each other: do them at once (the repository stays on this thread).
        let (scanner, staged) = std::thread::scope(|s| {
            let building = s.spawn(|| Scanner::new(settings));
            let staged = staged::staged_changes(&repo);
            let scanner = building
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (scanner, staged)
        });
        let scanner = super::keep_for_process(scanner?);
        check::check_listed(&repo, scanner, staged?, only.as_deref())?
    };
    report::write_report(&mut err, &outcome, cx)?;
    writeln!(err, "{}", report::summary_line(&outcome, started.elapsed()))?;
    let unscanned = outcome.skipped.iter().filter(|s| s.is_unscanned()).count();
    if block_unscanned && unscanned > 0 {
        writeln!(
            err,
            "keyward: BLOCKED: {unscanned} staged file(s) could not be scanned (see above) and hook.block_unscanned = true"
        )?;
        return Ok(EXIT_FINDINGS);
    }
    Ok(if outcome.blocking() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// `keyward hook --list-staged`: one line per staged file as `git diff --cached --name-status`
/// prints it (deletions only counted), and on stderr which way the list was made.
fn list_staged(repo: &gix::Repository) -> anyhow::Result<ExitCode> {
    let staged = staged::staged_changes(repo)?;
    let mut out = std::io::stdout().lock();
    for f in &staged.files {
        let letter = match f.kind {
            ChangeKind::Added => "A",
            ChangeKind::Modified => "M",
            ChangeKind::Renamed => "R",
            ChangeKind::Copied => "C",
        };
        match &f.source_path {
            Some(src) => writeln!(
                out,
                "{letter}\t{}\t{}",
                src.to_str_lossy(),
                f.path.to_str_lossy()
            )?,
            None => writeln!(out, "{letter}\t{}", f.path.to_str_lossy())?,
        }
    }
    for s in &staged.submodules {
        writeln!(out, "S\t{}", s.to_str_lossy())?;
    }
    let via = match staged.via {
        Via::Gix => "gix full diff".to_string(),
        Via::GixCacheTree => format!(
            "gix with cache tree, {} unchanged directories skipped",
            staged.unchanged_dirs
        ),
        Via::GitCliSparse => "git diff --cached (sparse index)".to_string(),
    };
    writeln!(
        std::io::stderr(),
        "keyward: staged changes via {via}; {} deletions",
        staged.deletions
    )?;
    Ok(EXIT_CLEAN)
}
