//! `keyward baseline`: accept today's findings so only new ones are reported, and find entries
//! whose credential is gone (stale).

use std::{path::PathBuf, process::ExitCode, time::Instant};

use anyhow::Context;
use keyward::{
    suppress::{Baseline, BaselineEntry},
    Scanner,
};

use super::{
    scan::{collect, load_settings, print_notes, resolve_targets, walk_options, TargetArgs},
    EXIT_CLEAN, EXIT_FINDINGS,
};

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Baseline file (default: `baseline.path` from the config, else `.keyward-baseline.toml` at
    /// the repository root).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write nothing: list findings missing from the baseline and stale entries; exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// Drop stale entries while writing (only after a scan of the whole repository).
    #[arg(long)]
    pub prune: bool,
}

pub fn run(args: BaselineArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let targets = resolve_targets(&args.target)?;
    let mut settings = load_settings(&targets, &args.target)?;
    let file = match args
        .output
        .clone()
        .or_else(|| settings.baseline_path.clone())
    {
        Some(f) => f,
        None => anyhow::bail!(
            "no repository root found to put the baseline in; name a file with --output"
        ),
    };
    let existing = Baseline::load(&file)?;
    // Scan as if there were no baseline, so every current finding is seen.
    settings.baseline_path = None;
    let opts = walk_options(&args.target, &settings);
    let scanner = Scanner::new(settings)?;
    let mut collected = collect(&scanner, &targets, &opts, false)?;
    collected.report.summary.elapsed_ms = started.elapsed().as_millis() as u64;
    print_notes(&collected);

    let new_items: Vec<_> = collected
        .report
        .items
        .iter()
        .filter(|i| !existing.contains(&i.finding.fingerprint()))
        .collect();
    let stale: Vec<BaselineEntry> = if targets.whole_repo {
        existing.stale(&collected.seen).cloned().collect()
    } else {
        Vec::new()
    };
    let shown = file.display();

    if args.check {
        for i in &new_items {
            let f = &i.finding;
            outln!(
                "new: {}:{}:{}: {} {}",
                i.location(),
                f.start.line,
                f.start.column,
                f.rule_id(),
                f.secret.redacted()
            );
        }
        for e in &stale {
            outln!(
                "stale: {} {} ({})",
                e.fingerprint,
                e.rule,
                e.paths.join(", ")
            );
        }
        if !targets.whole_repo {
            eprintln!(
                "keyward: note: stale entries are only found when the whole repository is scanned"
            );
        }
        if !existing.is_salted() && !existing.is_empty() {
            eprintln!(
                "keyward: note: {shown} is an unsalted (version 1) baseline; `keyward baseline` rewrites it keyed with a per-repository salt"
            );
        }
        eprintln!(
            "keyward: baseline {shown}: {} entries, {} new findings not in it, {} stale",
            existing.len(),
            new_items.len(),
            stale.len()
        );
        return Ok(if new_items.is_empty() && stale.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        });
    }

    // Keep the existing salt so entries other branches added still match; an unsalted (0.1)
    // baseline is rekeyed with a fresh one.
    let mut merged = existing.clone();
    if args.prune {
        for e in &stale {
            merged.remove_key(&e.fingerprint);
        }
    }
    let migrated = merged.migrate();
    let before = merged.len();
    for i in &collected.report.items {
        merged.insert_finding(
            &i.finding.fingerprint(),
            i.finding.rule_id(),
            vec![i.path.clone().unwrap_or_else(|| "<stdin>".into())],
        );
    }
    let added = merged.len() - before;
    merged
        .save(&file)
        .with_context(|| format!("cannot write {shown}"))?;
    if migrated {
        eprintln!(
            "keyward: note: {shown} was an unsalted (version 1) baseline; rewrote it keyed with a random per-repository salt (version 2). Commit it; keyward 0.1 cannot read it"
        );
    }
    let stale_note = match (stale.len(), args.prune) {
        (0, _) => String::new(),
        (n, true) => format!(", {n} stale removed"),
        (n, false) => format!(", {n} stale kept (`--prune` removes them)"),
    };
    eprintln!(
        "keyward: baseline {shown}: {added} added, {} total{stale_note}",
        merged.len()
    );
    Ok(EXIT_CLEAN)
}
