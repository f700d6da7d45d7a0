//! `keyward config explain` (effective settings and where each came from) and `keyward config
//! path` (where each layer is looked up).

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use keyward::config::{self, LayerKind, Settings};

use super::EXIT_CLEAN;

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ConfigCommand {
    /// Print the effective settings, the layer each came from, and ignored policy violations.
    Explain {
        /// A path inside the repository (default: the current directory).
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
        #[command(flatten)]
        config: super::ConfigFiles,
    },
    /// Print where each configuration layer is looked up and whether it exists.
    Path {
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
}

pub fn run(args: ConfigArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ConfigCommand::Explain { path, config } => explain(path, &config),
        ConfigCommand::Path { path } => paths(path),
    }
}

fn root_for(path: Option<PathBuf>) -> anyhow::Result<Option<PathBuf>> {
    let start = match path {
        Some(p) => {
            anyhow::ensure!(p.exists(), "path not found: {}", p.display());
            p
        }
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    Ok(config::discover(&start))
}

/// The current value of a setting named like the keys of `Settings::sources`.
fn value_of(s: &Settings, key: &str) -> String {
    let quoted = |v: &str| format!("{v:?}");
    match key {
        "scan.block_at" => quoted(s.block_at.as_str()),
        "scan.report_at" => quoted(s.report_at.as_str()),
        "scan.max_file_size" => s.max_file_size.to_string(),
        "hook.allow_skip" => s.allow_skip.to_string(),
        "hook.fail_open" => s.fail_open.to_string(),
        "hook.block_unscanned" => s.block_unscanned.to_string(),
        "baseline.path" => s
            .baseline_path
            .as_ref()
            .map_or_else(|| "(none)".into(), |p| quoted(&p.display().to_string())),
        "vault.address" => opt(&s.vault.address),
        "vault.mount" => opt(&s.vault.mount),
        "vault.path" => opt(&s.vault.path),
        "vault.namespace" => opt(&s.vault.namespace),
        _ => {
            for (prefix, label) in [
                ("rules.disable.", "rule disabled"),
                ("rule.", "custom rule"),
                ("allowlist.paths.", "path allowlisted"),
                ("allowlist.rules.", "rule allowlisted"),
                ("allowlist.values.", "value pattern allowlisted"),
            ] {
                if key.starts_with(prefix) {
                    return label.to_string();
                }
            }
            "(set)".into()
        }
    }
}

fn opt(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "(unset)".into(), |v| format!("{v:?}"))
}

fn explain(path: Option<PathBuf>, extra: &super::ConfigFiles) -> anyhow::Result<ExitCode> {
    let root = root_for(path)?;
    let s = Settings::load_with_extra(root.as_deref(), &extra.files)?;
    match &root {
        Some(r) => outln!("repository root: {}", r.display()),
        None => outln!("repository root: none found (no .git or .keyward.toml above)"),
    }
    outln!("\nlayers, weakest first:");
    outln!("  {}", LayerKind::Builtin.as_str());
    for l in &s.layers {
        let p = l
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        outln!("  {}: {p}", l.kind.as_str());
    }
    outln!("\neffective settings:");
    let rows: Vec<(String, String)> = s
        .sources
        .keys()
        .map(|k| {
            let shown = match k.split_once('.') {
                Some(("rules", rest)) if rest.starts_with("disable.") => {
                    format!("rules.disable += {:?}", &rest["disable.".len()..])
                }
                Some(("allowlist", rest)) => match rest.split_once('.') {
                    Some((list, item)) => format!("allowlist.{list} += {item:?}"),
                    None => k.clone(),
                },
                Some(("rule", id)) => format!("[[rule]] {id}"),
                _ => format!("{k} = {}", value_of(&s, k)),
            };
            (k.clone(), shown)
        })
        .collect();
    let width = rows
        .iter()
        .map(|(_, v)| v.chars().count())
        .max()
        .unwrap_or(0);
    for (k, shown) in &rows {
        outln!("  {shown:<width$}  # {}", s.sources[k]);
    }
    let policy = s.layers.iter().find(|l| l.kind == LayerKind::Policy);
    if let Some(p) = policy {
        let pol = &p.file.policy;
        outln!("\nlocked by the org policy:");
        if !s.locked_rules.is_empty() {
            let ids: Vec<&str> = s.locked_rules.iter().map(String::as_str).collect();
            outln!("  rules: {}", ids.join(", "));
        }
        if pol.lock_block_at {
            outln!(
                "  scan.block_at (cannot be raised above {:?})",
                s.block_at.as_str()
            );
        }
        if pol.lock_allowlist_paths {
            outln!("  allowlist.paths (only the policy may add them)");
        }
        if !s.allow_skip
            && s.sources
                .get("hook.allow_skip")
                .is_some_and(|o| o.kind == LayerKind::Policy)
        {
            outln!("  hook.allow_skip = false (KEYWARD_SKIP does not bypass the hook)");
        }
    }
    if !s.warnings.is_empty() {
        outln!("\npolicy warnings (these settings were ignored):");
        for w in &s.warnings {
            outln!("  {w}");
        }
    }
    if !s.trust_notes.is_empty() {
        println!("\nrepository settings ignored (a repository may make keyward stricter, never choose where a token or secret is sent, or what runs):");
        for n in &s.trust_notes {
            println!("  {n}");
        }
    }
    Ok(EXIT_CLEAN)
}

fn paths(path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let root = root_for(path)?;
    let exists = |p: &std::path::Path| if p.is_file() { "found" } else { "not found" };
    let policy = std::env::var_os("KEYWARD_POLICY")
        .filter(|p| !p.is_empty())
        .map(|p| (PathBuf::from(p), "KEYWARD_POLICY"))
        .unwrap_or_else(|| (PathBuf::from(config::SYSTEM_POLICY), "system"));
    outln!(
        "org policy:        {} ({}, {})",
        policy.0.display(),
        policy.1,
        exists(&policy.0)
    );
    match config::user_config_path() {
        Some(p) => outln!("user config:       {} ({})", p.display(), exists(&p)),
        None => outln!("user config:       (disabled: KEYWARD_USER_CONFIG is empty)"),
    }
    match &root {
        Some(r) => {
            let p = r.join(config::REPO_CONFIG);
            outln!("repository config: {} ({})", p.display(), exists(&p));
        }
        None => outln!("repository config: (no repository root found)"),
    }
    Ok(EXIT_CLEAN)
}
