//! `keyward scan`: files, directories and stdin through the one [`Scanner`], reported as text,
//! JSON or SARIF. The walk and collection here are shared with `keyward baseline`.

use std::{
    collections::HashSet,
    fs::File,
    io::{self, BufWriter, IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use keyward::{
    config::{self, Settings},
    detect::Confidence,
    report::{self, Format, Item, Report, Skipped},
    source::{
        read::{Content, SkipReason},
        stdin::read_stdin,
        walk::{walk, Event, WalkOptions},
    },
    Scanner,
};

use super::{FailAt, EXIT_CLEAN, EXIT_FINDINGS};

/// What to scan and how to walk it; shared by `scan` and `baseline`.
#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Files or directories to scan; `-` reads standard input. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// An extra repository-level config file, applied after `.keyward.toml` (repeatable).
    #[arg(long, value_name = "FILE")]
    pub config: Vec<PathBuf>,
    /// Do not read the repository's `.keyward.toml`: only the org policy, the user config and
    /// `--config` files apply. For CI scanning a pull request, which could otherwise weaken its
    /// own scan (pin the base branch's config with `--config`).
    #[arg(long)]
    pub no_repo_config: bool,
    /// Scan files that `.gitignore`/`.ignore` exclude too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links (loops are detected and reported, not followed forever).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Worker threads (0 = one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

impl From<ConfidenceArg> for Confidence {
    fn from(c: ConfidenceArg) -> Confidence {
        match c {
            ConfidenceArg::Low => Confidence::Low,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::High => Confidence::High,
        }
    }
}

/// Exit 1 when a reported (not suppressed) finding reaches the fail level.
fn exit_for(items: &[Item], fail_at: Option<FailAt>, block_at: Confidence) -> ExitCode {
    let level = match fail_at {
        Some(f) => f.level(),
        None => Some(block_at),
    };
    let fails = level.is_some_and(|l| {
        items
            .iter()
            .any(|i| i.suppressed.is_none() && i.finding.confidence() >= l)
    });
    if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `--baseline FILE`/`--no-baseline` over the configured baseline.
fn apply_baseline_args(args: &ScanArgs, settings: &mut Settings) -> anyhow::Result<()> {
    if args.no_baseline {
        settings.baseline_path = None;
    } else if let Some(b) = &args.baseline {
        if !b.is_file() {
            anyhow::bail!("--baseline {}: no such file", b.display());
        }
        settings.baseline_path = Some(std::path::absolute(b)?);
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print full secret values (text and JSON; SARIF never contains them).
    #[arg(long)]
    pub show_secrets: bool,
    /// Report findings at or above this confidence (overrides `scan.report_at`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub confidence: Option<ConfidenceArg>,
    /// Ignore the baseline: report findings it accepted too.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
    /// Use FILE as the baseline instead of `baseline.path` from the configuration.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 only for reported findings at or above LEVEL (`never`: always exit 0 unless an
    /// error). Default: `scan.block_at`, the level at which the hook blocks a commit (`high`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_at: Option<FailAt>,
    /// Also list suppressed findings, with the reason.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Scan git history instead of files: every blob reachable from any ref once, or with
    /// `--history=REV-RANGE` (e.g. `--history=origin/main..HEAD`) only what those commits introduced.
    #[arg(long, value_name = "REV-RANGE", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub history: Option<String>,
    /// Exit 2 when any file or directory inside the walk could not be read (the scan is
    /// incomplete); without it such entries are warned about and counted as skipped.
    #[arg(long)]
    pub strict: bool,
    /// With --history: fail when a partial clone lacks blobs instead of skipping and counting them.
    #[arg(long, requires = "history")]
    pub require_all_blobs: bool,
}

/// The resolved inputs of a scan.
pub struct Targets {
    /// Repository root, from the first path (or the current directory).
    pub root: Option<PathBuf>,
    /// Canonical file and directory paths to walk.
    pub paths: Vec<PathBuf>,
    pub stdin: bool,
    /// True when one of the paths is the repository root itself, so every tracked credential
    /// was seen and baseline entries not seen are stale.
    pub whole_repo: bool,
}

/// Checks every PATH exists (a missing one is exit 2, before any work) and finds the root.
pub fn resolve_targets(args: &TargetArgs) -> anyhow::Result<Targets> {
    let given = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut paths = Vec::new();
    let mut stdin = false;
    for p in &given {
        if p.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        if std::fs::symlink_metadata(p).is_err() {
            anyhow::bail!("path not found: {}", p.display());
        }
        // Canonical paths make root-relative names a cheap prefix strip per file. An explicit
        // argument that is a symlink is followed: the user named it.
        let canonical = p
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", p.display()))?;
        // A FIFO, device or socket named on the command line would otherwise pass unscanned
        // (a walk skips them: reading a FIFO can block forever).
        let md = std::fs::metadata(&canonical)
            .with_context(|| format!("cannot read {}", p.display()))?;
        if !md.is_file() && !md.is_dir() {
            anyhow::bail!(
                "{}: not a regular file or directory (a FIFO, device or socket): not scanned",
                p.display()
            );
        }
        paths.push(canonical);
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = config::discover(paths.first().map_or(cwd.as_path(), PathBuf::as_path));
    let whole_repo = root.as_ref().is_some_and(|r| paths.iter().any(|p| p == r));
    Ok(Targets {
        root,
        paths,
        stdin,
        whole_repo,
    })
}

pub fn load_settings(targets: &Targets, args: &TargetArgs) -> anyhow::Result<Settings> {
    let settings =
        Settings::load_pinned(targets.root.as_deref(), &args.config, !args.no_repo_config)?;
    print_policy_warnings(&settings);
    Ok(settings)
}

/// Settings a lock refused are said on every run, as the hook does, not only in `config explain`.
fn print_policy_warnings(settings: &Settings) {
    let mut err = std::io::stderr().lock();
    for w in &settings.warnings {
        let _ = writeln!(err, "keyward: policy: {w}");
    }
}

pub fn walk_options(args: &TargetArgs, settings: &Settings) -> WalkOptions {
    WalkOptions {
        honor_ignore: !args.no_ignore,
        follow_symlinks: args.follow_symlinks,
        threads: args.threads,
        max_file_size: settings.max_file_size,
    }
}

/// What a walk produced.
pub struct Collected {
    pub report: Report,
    /// Fingerprints of every finding, reported or suppressed, for staleness.
    pub seen: HashSet<String>,
    /// Messages for files and directories that could not be read.
    pub unreadable: Vec<String>,
}

#[derive(Default)]
struct State {
    report: Report,
    seen: HashSet<String>,
    unreadable: Vec<String>,
}

impl State {
    fn add(&mut self, scanner: &Scanner, path: Option<&Path>, bytes: &[u8], keep_suppressed: bool) {
        let rel = path.map(|p| {
            scanner
                .root()
                .and_then(|r| p.strip_prefix(r).ok())
                .unwrap_or(p)
        });
        let scan = scanner.scan(rel, bytes);
        let s = &mut self.report.summary;
        s.files += 1;
        s.bytes += bytes.len() as u64;
        s.findings += scan.findings.len() as u64;
        s.suppressed += scan.suppressed.len() as u64;
        for f in scan.findings {
            self.seen.insert(f.fingerprint());
            self.report.items.push(Item::new(rel, f, None, bytes));
        }
        for (f, why) in scan.suppressed {
            self.seen.insert(f.fingerprint());
            if keep_suppressed {
                self.report.items.push(Item::new(rel, f, Some(why), bytes));
            }
        }
    }

    fn skip(&mut self, scanner: &Scanner, path: &Path, reason: SkipReason) {
        let rel = scanner
            .root()
            .and_then(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        self.report.summary.skipped.push(Skipped {
            path: report::display_path(rel),
            reason,
        });
    }
}

/// A spinner on stderr that only appears when stderr is a terminal and the scan has already
/// taken a noticeable time, so quick scans and pipelines never see it.
struct Progress {
    bar: Option<ProgressBar>,
    shown: AtomicBool,
    started: Instant,
}

const PROGRESS_AFTER: Duration = Duration::from_millis(300);

impl Progress {
    fn new() -> Progress {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} scanning: {pos} files, {msg}")
                    .expect("static progress template"),
            );
            bar
        });
        Progress {
            bar,
            shown: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    fn file_done(&self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        bar.set_message(human_bytes(bytes));
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() > PROGRESS_AFTER {
            self.shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Walks and scans every target. Suppressed findings are kept in the report when asked.
pub fn collect(
    scanner: &Scanner,
    targets: &Targets,
    opts: &WalkOptions,
    keep_suppressed: bool,
) -> anyhow::Result<Collected> {
    let state = Mutex::new(State::default());
    let progress = Progress::new();
    let total_bytes = std::sync::atomic::AtomicU64::new(0);
    if targets.stdin {
        match read_stdin(opts.max_file_size).context("cannot read standard input")? {
            Content::Text(bytes) => lock(&state).add(scanner, None, &bytes, keep_suppressed),
            Content::Binary => lock(&state).report.summary.skipped.push(Skipped {
                path: "<stdin>".into(),
                reason: SkipReason::Binary,
            }),
            Content::TooLarge { size } => lock(&state).report.summary.skipped.push(Skipped {
                path: "<stdin>".into(),
                reason: SkipReason::TooLarge {
                    size,
                    limit: opts.max_file_size,
                },
            }),
        }
    }
    walk(&targets.paths, opts, |event| match event {
        Event::File { path, bytes } => {
            // Scan outside the lock; only the merge of results is serialised.
            let mut local = State::default();
            local.add(scanner, Some(&path), &bytes, keep_suppressed);
            let n =
                total_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
            progress.file_done(n);
            merge(&mut lock(&state), local);
        }
        Event::Skipped { path, reason } => lock(&state).skip(scanner, &path, reason),
        Event::Unreadable { message, .. } => lock(&state).unreadable.push(message),
    });
    progress.finish();
    let mut state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    state.report.root = targets.root.clone();
    state.report.summary.unreadable = state.unreadable.len() as u64;
    state.report.sort();
    state.unreadable.sort();
    Ok(Collected {
        report: state.report,
        seen: state.seen,
        unreadable: state.unreadable,
    })
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic in one visitor must not hide every other file's results.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn merge(into: &mut State, from: State) {
    let (a, b) = (&mut into.report.summary, from.report.summary);
    a.files += b.files;
    a.bytes += b.bytes;
    a.findings += b.findings;
    a.suppressed += b.suppressed;
    into.report.items.extend(from.report.items);
    into.seen.extend(from.seen);
}

/// A file named on the command line that cannot be scanned whole is an error (exit 2), not a
/// note: the user asked for that file and would otherwise read "0 findings" as "clean".
fn refuse_unscannable_files(
    targets: &Targets,
    given: &[PathBuf],
    limit: u64,
) -> anyhow::Result<()> {
    for (canonical, shown) in targets
        .paths
        .iter()
        .zip(given.iter().filter(|p| p.as_os_str() != "-"))
    {
        let Ok(md) = std::fs::metadata(canonical) else {
            continue;
        };
        if !md.is_file() {
            continue;
        }
        if md.len() > limit {
            anyhow::bail!(
                "{}: {} bytes, over scan.max_file_size ({limit}): not scanned; raise the limit or pass --config",
                shown.display(),
                md.len()
            );
        }
        File::open(canonical)
            .with_context(|| format!("cannot read {}: not scanned", shown.display()))?;
    }
    Ok(())
}

/// `1.2 MiB`, for people.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Notes for skipped and unreadable files, at most this many listed by name.
const LIST_AT_MOST: usize = 20;

/// Prints the notes and the closing summary on stderr.
pub fn print_notes(collected: &Collected) {
    let s = &collected.report.summary;
    for m in &collected.unreadable {
        eprintln!("keyward: warning: skipped unreadable: {m}");
    }
    if !s.skipped.is_empty() {
        eprintln!(
            "keyward: note: not scanned: {}",
            plural(s.skipped.len() as u64, "file", "files")
        );
        let at_most = if super::globals().verbose {
            usize::MAX
        } else {
            LIST_AT_MOST
        };
        for k in s.skipped.iter().take(at_most) {
            eprintln!("  {} ({})", k.path, k.reason);
        }
        if s.skipped.len() > at_most {
            eprintln!("  … and {} more", s.skipped.len() - LIST_AT_MOST);
        }
    }
    if let Some(stale) = s.stale_baseline.as_ref().filter(|v| !v.is_empty()) {
        eprintln!(
            "keyward: note: {} no longer found (the credential was removed): run `keyward baseline --prune`",
            plural(stale.len() as u64, "baseline entry is", "baseline entries are")
        );
        for e in stale.iter().take(LIST_AT_MOST) {
            eprintln!("  {} {} ({})", e.fingerprint, e.rule, e.paths.join(", "));
        }
    }
}

pub fn print_summary(s: &report::Summary) {
    eprintln!(
        "keyward: scanned {} ({}) in {} ms: {}, {} suppressed, {} skipped",
        plural(s.files, "file", "files"),
        human_bytes(s.bytes),
        s.elapsed_ms,
        plural(s.findings, "finding", "findings"),
        s.suppressed,
        s.skipped.len() as u64 + s.unreadable,
    );
}

/// Colour only for text on standard output, as `--color` and NO_COLOR say.
fn use_color(format: Format, output: &Option<PathBuf>) -> bool {
    format == Format::Text && output.is_none() && super::use_color(io::stdout().is_terminal())
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    if let Some(range) = &args.history {
        return run_history(&args, range);
    }
    let started = Instant::now();
    let targets = resolve_targets(&args.target)?;
    let mut settings = load_settings(&targets, &args.target)?;
    if let Some(c) = args.confidence {
        settings.report_at = c.into();
    }
    apply_baseline_args(&args, &mut settings)?;
    let opts = walk_options(&args.target, &settings);
    refuse_unscannable_files(&targets, &args.target.paths, opts.max_file_size)?;
    let block_at = settings.block_at;
    let scanner = super::keep_for_process(Scanner::new(settings)?);
    let mut collected = collect(scanner, &targets, &opts, args.show_suppressed)?;
    if targets.whole_repo && !args.no_baseline {
        let stale = scanner.baseline().stale(&collected.seen).cloned().collect();
        collected.report.summary.stale_baseline = Some(stale);
    }
    collected.report.summary.elapsed_ms = started.elapsed().as_millis() as u64;

    let format: Format = args.format.into();
    let render = report::Options {
        show_secrets: args.show_secrets,
        color: use_color(format, &args.output),
    };
    let written = match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            report::write(format, &collected.report, &render, &mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            match report::write(format, &collected.report, &render, &mut out)
                .and_then(|()| out.flush())
            {
                // `keyward scan | head` closing the pipe early is not an error of the scan.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write the report"),
            }
        }
    };
    written?;
    if !super::globals().quiet {
        print_notes(&collected);
        print_summary(&collected.report.summary);
    }
    if !collected.unreadable.is_empty() {
        eprintln!(
            "keyward: warning: the scan is incomplete: {} could not be read{}",
            plural(collected.unreadable.len() as u64, "entry", "entries"),
            if args.strict { " (--strict)" } else { "" }
        );
        if args.strict {
            return Ok(super::EXIT_ERROR());
        }
    }
    Ok(exit_for(&collected.report.items, args.fail_at, block_at))
}

/// `keyward scan --history[=RANGE]`: the same rules, suppressions and formats over git history.
fn run_history(args: &ScanArgs, range: &str) -> anyhow::Result<ExitCode> {
    use keyward::history::{self, Revisions};

    if args.target.paths.len() > 1 || args.target.paths.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("--history takes at most one PATH, the repository (not `-`)");
    }
    let start = args
        .target
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let repo = history::open(&start)?;
    let root = repo
        .workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| start.clone());
    let mut settings = Settings::load_pinned(
        Some(&root),
        &args.target.config,
        !args.target.no_repo_config,
    )?;
    print_policy_warnings(&settings);
    if let Some(c) = args.confidence {
        settings.report_at = c.into();
    }
    apply_baseline_args(args, &mut settings)?;
    let block_at = settings.block_at;
    let scanner = Scanner::new(settings)?;
    let revisions = if range.is_empty() {
        Revisions::All
    } else {
        Revisions::Spec(range.into())
    };
    let started = Instant::now();
    let scan = super::inventory::scan_history(&repo, &scanner, revisions, args.require_all_blobs)?;
    let mut rep = history_report(&scan, &root);
    rep.summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let format: Format = args.format.into();
    let render = report::Options {
        show_secrets: args.show_secrets,
        color: use_color(format, &args.output),
    };
    let written = match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            report::write(format, &rep, &render, &mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            report::write(format, &rep, &render, &mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report")
        }
    };
    written?;
    // Like a tree scan: the summary goes to stderr, so stdout is only the report.
    if !super::globals().quiet {
        eprintln!("keyward: {}", history::report::summary_line(&scan));
    }
    Ok(exit_for(&rep.items, args.fail_at, block_at))
}

/// History findings as a report (SARIF): one result per finding at its introducing path, with
/// the introducing commit as a property. Columns are the blob's byte columns: the blob is no
/// longer in memory, and for the ASCII lines secrets sit on they equal UTF-16 columns.
fn history_report(scan: &keyward::history::HistoryScan, root: &Path) -> Report {
    use std::{collections::HashMap, sync::Arc};

    // An absolute root, so SARIF's `%SRCROOT%` is a real `file://` URI even for `scan .`.
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut rep = Report {
        root: Some(root),
        ..Report::default()
    };
    // One shared CommitInfo per commit: many findings often come from one commit.
    let mut commits: HashMap<String, Arc<report::CommitInfo>> = HashMap::new();
    for h in &scan.findings {
        let c = h.commit();
        let info = commits
            .entry(c.id.clone())
            .or_insert_with(|| {
                Arc::new(report::CommitInfo {
                    id: c.id.clone(),
                    author_name: c.author_name.clone(),
                    author_email: c.author_email.clone(),
                    author_date: c.author_date(),
                    summary: c.summary.clone(),
                })
            })
            .clone();
        let also_at = h
            .locations
            .iter()
            .skip(1)
            .map(|l| report::AlsoAt {
                path: report::display_path(&l.path),
                commit: l.commit.id.clone(),
            })
            .collect();
        rep.items.push(Item {
            path: Some(report::display_path(h.path())),
            provenance: report::Provenance::Commit {
                commit: info,
                also_at,
            },
            finding: h.finding.clone(),
            suppressed: None,
            utf16_columns: (h.finding.start.column, h.finding.end.column),
        });
    }
    rep.summary.findings = scan.findings.len() as u64;
    rep.summary.bytes = scan.stats.bytes_scanned;
    rep.summary.files = scan.stats.blobs_scanned as u64;
    rep.summary.suppressed = scan.stats.suppressed as u64;
    rep.summary.history = Some(report::HistorySummary {
        revisions: scan.revisions.clone(),
        commits: scan.stats.commits as u64,
        missing_blobs: scan.stats.missing_blobs as u64,
        shallow: scan.stats.shallow,
    });
    rep.sort();
    rep
}
