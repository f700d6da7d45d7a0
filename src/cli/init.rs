//! `keyward init`: writes a commented starter `.keyward.toml` at the repository root and offers
//! to install the pre-commit hook. It never replaces an existing file (created with
//! `create_new`, which also refuses to write through a symlink at that path).

use std::{
    io::{BufRead, IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
};

use anyhow::Context;
use keyward::config;

use super::EXIT_CLEAN;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Directory to initialise (default: the repository containing the current directory).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Install the pre-commit hook too, without asking.
    #[arg(long, conflicts_with = "no_install_hook")]
    install_hook: bool,
    /// Do not install or offer the hook.
    #[arg(long)]
    no_install_hook: bool,
}

/// The starter file: every setting commented out at its default, so the file documents itself
/// and changes nothing until a line is uncommented.
pub const TEMPLATE: &str = r#"# keyward configuration for this repository (https://github.com/keyward/keyward).
# A repository file can only make keyward stricter than the user and org layers.
# `keyward config explain` shows the effective settings and where each came from.

[scan]
# Findings at or above this confidence block a commit and fail `keyward scan`.
# block_at = "high"        # high | medium | low
# Findings below this confidence are not reported at all.
# report_at = "medium"
# Files larger than this many bytes are skipped with a note.
# max_file_size = 10485760

[rules]
# Rule ids to turn off (`keyward rules list` shows them).
# disable = []

[allowlist]
# Path globs, gitignore-style and relative to the repository root, never scanned.
# paths = ["tests/fixtures/**"]
# Rule ids whose findings are never reported.
# rules = []
# Regexes: a finding whose value matches one is not reported.
# values = []

[baseline]
# Accepted findings (`keyward baseline` writes it); only new findings are reported.
# path = ".keyward-baseline.toml"

[hook]
# Whether KEYWARD_SKIP=1 bypasses the pre-commit hook.
# allow_skip = true

[vault]
# Where the editor quick-fix stores secrets (KV v2). Falls back to BAO_ADDR, then VAULT_ADDR.
# address = "http://127.0.0.1:8200"
# mount = "secret"
# path = "{project}"
"#;

fn target_dir(args: &InitArgs) -> anyhow::Result<PathBuf> {
    let start = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    if !start.is_dir() {
        anyhow::bail!("not a directory: {}", start.display());
    }
    Ok(config::discover(&start).unwrap_or(start))
}

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let path = target_dir(args)?.join(config::REPO_CONFIG);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    match file {
        Ok(mut f) => {
            f.write_all(TEMPLATE.as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            outln!("keyward: wrote {}", path.display());
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            outln!(
                "keyward: kept the existing {} (not overwritten)",
                path.display()
            );
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
    Ok(EXIT_CLEAN)
}

/// `--install-hook` yes, `--no-install-hook` no; otherwise ask, but only on a terminal: a
/// script piping into `keyward init` gets a hint, never a prompt that waits for input.
pub fn wants_hook(args: &InitArgs) -> anyhow::Result<bool> {
    if args.install_hook {
        return Ok(true);
    }
    if args.no_install_hook {
        return Ok(false);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        outln!("keyward: to block commits that add a secret, run `keyward install` (or `keyward init --install-hook`)");
        return Ok(false);
    }
    {
        let mut out = std::io::stdout().lock();
        write!(
            out,
            "Install keyward as this repository's pre-commit hook? [Y/n] "
        )?;
        out.flush()?;
    }
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    let a = answer.trim().to_ascii_lowercase();
    Ok(a.is_empty() || a == "y" || a == "yes")
}
