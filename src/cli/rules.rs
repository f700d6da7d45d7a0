//! `keyward rules list` and `keyward rules check [FILE...]`.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use keyward::{
    config::ConfigFile,
    detect::{builtin_specs, check_examples, toml_error, Detector, ExampleFailure, Rule},
    Scanner,
};
use serde::Serialize;

use super::{EXIT_CLEAN, EXIT_FINDINGS};

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum RulesCommand {
    /// List the rules in effect here: built-in and custom, minus disabled ones.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        config: super::ConfigFiles,
    },
    /// Run every example and negative example of the built-in rules, or of the rules in FILE
    /// (a rule file with `[[rule]]` tables, or a `.keyward.toml` with custom rules).
    Check {
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        RulesCommand::List { format, config } => list(format, &config),
        RulesCommand::Check { files } if files.is_empty() => check_builtin(),
        RulesCommand::Check { files } => check_files(&files),
    }
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    name: &'a str,
    provider: &'a str,
    category: &'static str,
    confidence: &'static str,
    validator: Option<&'a str>,
    custom: bool,
}

fn list(format: ListFormat, extra: &super::ConfigFiles) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let settings = keyward::config::Settings::load_with_extra(
        keyward::config::discover(&cwd).as_deref(),
        &extra.files,
    )?;
    let scanner = Scanner::new(settings)?;
    let custom: std::collections::HashSet<&str> = scanner
        .settings()
        .custom_rules
        .iter()
        .map(|(_, s)| s.id.as_str())
        .collect();
    let mut rows: Vec<Row> = scanner
        .detector()
        .rules()
        .iter()
        .map(|r| Row {
            id: r.id(),
            name: &r.spec.name,
            provider: &r.info.provider,
            category: r.spec.category.as_str(),
            confidence: r.spec.confidence.as_str(),
            validator: r.spec.validator.as_deref(),
            custom: custom.contains(r.id()),
        })
        .collect();
    rows.sort_by(|a, b| a.id.cmp(b.id));
    match format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&rows)?),
        ListFormat::Text => print_table(&rows)?,
    }
    Ok(EXIT_CLEAN)
}

fn print_table(rows: &[Row]) -> std::io::Result<()> {
    let header = ["ID", "PROVIDER", "CATEGORY", "CONFIDENCE", "VALIDATOR"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                if r.custom {
                    format!("{} (custom)", r.id)
                } else {
                    r.id.to_string()
                },
                r.provider.to_string(),
                r.category.to_string(),
                r.confidence.to_string(),
                r.validator.unwrap_or("-").to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: [&str; 5]| {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i + 1 == cols.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s
    };
    outln!("{}", line(header));
    for r in &cells {
        outln!(
            "{}",
            line([&r[0], &r[1], &r[2], &r[3], &r[4]].map(String::as_str))
        );
    }
    outln!("{} rules", rows.len());
    Ok(())
}

fn check_builtin() -> anyhow::Result<ExitCode> {
    let detector = Detector::builtin()?;
    for r in detector.rules() {
        r.compile()
            .map_err(|e| anyhow::anyhow!("built-in rule `{}`: {e}", r.id()))?;
    }
    let ids: Vec<String> = detector
        .rules()
        .iter()
        .map(|r| r.id().to_string())
        .collect();
    report_failures(&detector, &ids, "built-in rules")
}

/// Rules from a user's file, checked inside a detector that also holds the built-in rules
/// (a custom rule with a built-in id replaces it), because that is how a scan will run them.
fn check_files(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut custom: Vec<Rule> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let origin = file.display().to_string();
        // `ConfigFile` accepts both a rule file (`[[rule]]` only) and a whole `.keyward.toml`.
        let parsed: ConfigFile =
            toml::from_str(&text).map_err(|e| toml_error(&origin, &text, &e))?;
        if parsed.rule.is_empty() {
            anyhow::bail!("{origin}: no [[rule]] tables to check");
        }
        for spec in parsed.rule {
            custom.push(Rule::new(spec, &origin, true)?);
        }
    }
    let ids: Vec<String> = custom.iter().map(|r| r.id().to_string()).collect();
    let mut rules: Vec<Rule> = builtin_specs()?
        .into_iter()
        .filter(|(_, s)| !ids.contains(&s.id))
        .map(|(origin, spec)| Rule::new(spec, origin, false))
        .collect::<Result<_, _>>()?;
    rules.extend(custom);
    let detector = Detector::new(rules)?;
    let what = files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    report_failures(&detector, &ids, &what)
}

fn report_failures(detector: &Detector, ids: &[String], what: &str) -> anyhow::Result<ExitCode> {
    let mut failures: Vec<ExampleFailure> = Vec::new();
    let mut examples = 0;
    for id in ids {
        let rule = detector.rule(id).expect("checked rule is in the detector");
        examples += rule.spec.examples.len() + rule.spec.negative_examples.len();
        failures.extend(check_examples(detector, rule));
    }
    for f in &failures {
        let kind = if f.positive {
            "example"
        } else {
            "negative_example"
        };
        outln!("{}: {kind}[{}]: {}", f.rule, f.index, f.problem);
    }
    if failures.is_empty() {
        eprintln!(
            "keyward: {what}: {} rules, {examples} examples: all pass",
            ids.len()
        );
        Ok(EXIT_CLEAN)
    } else {
        eprintln!(
            "keyward: {what}: {} rules, {examples} examples: {} failing",
            ids.len(),
            failures.len()
        );
        Ok(EXIT_FINDINGS)
    }
}
