//! `keyward install` and `keyward uninstall`: put keyward's pre-commit shim in front of git
//! (per repository, or globally via `core.hooksPath`) and take it away again, keeping and
//! restoring whatever hook was there before.

use std::{io::Write, process::ExitCode};

use anyhow::Context as _;
use keyward::{
    config::{self, Settings},
    hook::install::{self, Action, Chain, ShimConfig},
};

use super::EXIT_CLEAN;

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Install for every repository of this user: a hooks directory under the keyward config
    /// directory, set as the global `core.hooksPath` (each repository's own hooks still run).
    #[arg(long)]
    global: bool,
}

impl InstallArgs {
    /// This repository's hook, as `keyward init --install-hook` asks for.
    pub fn local() -> InstallArgs {
        InstallArgs { global: false }
    }
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Undo `keyward install --global` and restore the previous global `core.hooksPath`.
    #[arg(long)]
    global: bool,
}

fn print_actions(actions: &[Action]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for a in actions {
        match a {
            Action::Wrote(p) => writeln!(out, "keyward: installed {}", p.display())?,
            Action::Updated(p) => writeln!(out, "keyward: updated {}", p.display())?,
            Action::BackedUp { from, to } => writeln!(
                out,
                "keyward: kept the existing hook as {} (it runs after keyward; `keyward uninstall` puts it back at {})",
                to.display(),
                from.display()
            )?,
            Action::Restored { from, to } => {
                writeln!(out, "keyward: restored {} (from {})", to.display(), from.display())?
            }
            Action::Removed(p) => writeln!(out, "keyward: removed {}", p.display())?,
            Action::SetGlobalHooksPath { value, previous } => writeln!(
                out,
                "keyward: git config --global core.hooksPath {} (previously {})",
                value.display(),
                previous.as_deref().unwrap_or("unset")
            )?,
            Action::RestoredGlobalHooksPath(prev) => match prev {
                Some(p) => writeln!(out, "keyward: git config --global core.hooksPath {p} (restored)")?,
                None => writeln!(out, "keyward: git config --global --unset core.hooksPath (restored)")?,
            },
            Action::Note(n) => writeln!(out, "keyward: {n}")?,
        }
    }
    Ok(())
}

pub fn run_install(args: InstallArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("current directory")?;
    let bin = std::env::current_exe().context("cannot locate the keyward binary")?;
    if args.global {
        // The shim cannot read TOML: the policy's hook.fail_open is baked in now.
        let settings = Settings::load(None)?;
        let dir = install::global_hooks_dir()?;
        print_actions(&install::install_global(&dir, &bin, settings.fail_open)?)?;
        return Ok(EXIT_CLEAN);
    }
    let hooks = install::hooks_dir(&cwd)?;
    if let Ok(global) = install::global_hooks_dir() {
        if hooks == global {
            print_actions(&[Action::Note(format!(
                "this repository uses the global keyward hooks ({}); nothing to install",
                global.display()
            ))])?;
            return Ok(EXIT_CLEAN);
        }
    }
    let settings = Settings::load(config::discover(&cwd).as_deref())?;
    let cfg = ShimConfig {
        keyward_bin: bin,
        fail_open: settings.fail_open,
        chain: Chain::Local,
    };
    print_actions(&install::install_into(&hooks, "pre-commit", &cfg)?)?;
    Ok(EXIT_CLEAN)
}

pub fn run_uninstall(args: UninstallArgs) -> anyhow::Result<ExitCode> {
    if args.global {
        let dir = install::global_hooks_dir()?;
        print_actions(&install::uninstall_global(&dir)?)?;
        return Ok(EXIT_CLEAN);
    }
    let cwd = std::env::current_dir().context("current directory")?;
    let hooks = install::hooks_dir(&cwd)?;
    print_actions(&install::uninstall_from(&hooks, "pre-commit")?)?;
    Ok(EXIT_CLEAN)
}
