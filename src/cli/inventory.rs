//! `keyward inventory`: every credential in a repository's history, one row each, with owner,
//! age and remediation, as text, JSON, CSV, Markdown or a self-contained HTML report.

use std::{
    io::{BufWriter, IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
    sync::Arc,
};

use anyhow::Context;
use keyward::{
    history::{self, HistoryOptions, MissingBlobs, Progress, Revisions},
    inventory::{render::Format, CodeOwners, Inventory, Scope},
    Scanner,
};

use super::{ConfigFiles, FailAt, EXIT_CLEAN, EXIT_FINDINGS};

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    /// Repository to inventory (any directory inside it).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Also list credentials no longer in HEAD: deleted ones and ones only on other refs.
    #[arg(long)]
    pub history: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compute ages as of DATE (`2024-06-30` or RFC 3339) instead of now, for reproducible reports.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Fail instead of skipping blobs a partial clone has not fetched.
    #[arg(long)]
    pub require_all_blobs: bool,
    /// Exit 1 when a listed credential is at or above LEVEL. Default `never`: an inventory is
    /// a report, not a gate (use `keyward scan` to gate).
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailAt::Never)]
    pub fail_at: FailAt,
    #[command(flatten)]
    pub config: ConfigFiles,
}

pub fn run(args: InventoryArgs) -> anyhow::Result<ExitCode> {
    let as_of = match &args.as_of {
        Some(s) => parse_date(s)
            .with_context(|| format!("--as-of `{s}`: expected YYYY-MM-DD or RFC 3339"))?,
        None => jiff::Timestamp::now().as_second(),
    };
    let repo = history::open(&args.repo)?;
    let root = repo
        .workdir()
        .map(PathBuf::from)
        .unwrap_or_else(|| args.repo.clone());
    let settings = keyward::config::Settings::load_with_extra(
        keyward::config::discover(&root).as_deref(),
        &args.config.files,
    )?;
    let scanner = Scanner::new(settings)?;
    let scan = scan_history(&repo, &scanner, Revisions::All, args.require_all_blobs)?;
    let codeowners = CodeOwners::from_head(&repo);
    if let Some(co) = &codeowners {
        for (line, text) in &co.invalid {
            eprintln!(
                "keyward: warning: {}:{line}: ignoring `{text}` (not a valid CODEOWNERS line)",
                co.file
            );
        }
    }
    let scope = if args.history {
        Scope::History
    } else {
        Scope::Head
    };
    let inv = Inventory::build(
        &scan,
        codeowners.as_ref(),
        scope,
        // The repository's folder name, not the argument (`.` names nothing in a title).
        std::path::absolute(&root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| args.repo.display().to_string()),
        as_of,
    );

    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = BufWriter::new(file);
            keyward::inventory::render::write(&inv, args.format, &mut w)
                .and_then(|()| w.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            keyward::inventory::render::write(&inv, args.format, &mut w)
                .and_then(|()| w.flush())?;
        }
    }
    let fails = args
        .fail_at
        .level()
        .is_some_and(|l| inv.credentials.iter().any(|c| c.confidence >= l));
    Ok(if fails { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// Runs a history scan with a progress bar on a terminal; `keyward scan --history` uses it too.
pub(super) fn scan_history(
    repo: &gix::Repository,
    scanner: &Scanner,
    revisions: Revisions,
    require_all_blobs: bool,
) -> Result<history::HistoryScan, history::HistoryError> {
    let (bar, progress) = history_progress();
    let opts = HistoryOptions {
        revisions,
        missing_blobs: if require_all_blobs {
            MissingBlobs::Refuse
        } else {
            MissingBlobs::Skip
        },
        progress,
        ..HistoryOptions::default()
    };
    let scan = history::scan(repo, scanner, &opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    scan
}

/// A progress bar for a history scan, on a terminal only (pipes and CI logs get no control
/// characters), and the callback that drives it. `keyward scan --history` uses it too. Call
/// `finish_and_clear` on the bar when the scan returns.
fn history_progress() -> (
    Option<indicatif::ProgressBar>,
    Option<Arc<history::ProgressFn>>,
) {
    if !std::io::stderr().is_terminal() {
        return (None, None);
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>14} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("static template")
            .progress_chars("=> "),
    );
    let b = bar.clone();
    let callback = Arc::new(move |p: Progress| match p {
        Progress::Commits { total } => {
            b.set_message("reading trees");
            b.set_length(total as u64);
        }
        Progress::Trees { done, .. } => b.set_position(done as u64),
        Progress::Blobs { done, total } => {
            if b.length() != Some(total as u64) {
                b.set_message("scanning blobs");
                b.set_length(total as u64);
            }
            b.set_position(done as u64);
        }
    }) as Arc<history::ProgressFn>;
    (Some(bar), Some(callback))
}

fn parse_date(s: &str) -> anyhow::Result<i64> {
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    let d: jiff::civil::Date = s.parse()?;
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second())
}
