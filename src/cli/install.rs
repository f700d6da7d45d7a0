//! `keyward install` and `keyward uninstall`: put keyward's pre-commit shim in front of git
//! (per repository, or globally via `core.hooksPath`) and take it away again, keeping and
//! restoring whatever hook was there before. With `--agent`, the same for an AI coding agent's
//! hook configuration (`keyward::agent::install`).

use std::{io::Write, process::ExitCode};

use anyhow::Context as _;
use keyward::{
    agent::{
        install::{self as agent_install, Scope},
        protocol::Agent,
    },
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
    /// Install the hook of an AI coding agent instead of git's: merge `keyward agent-hook` into
    /// the agent's configuration (the project's, or the user's with --global), keeping a backup.
    #[arg(long, value_enum, value_name = "AGENT")]
    agent: Option<AgentChoice>,
}

impl InstallArgs {
    /// This repository's hook, as `keyward init --install-hook` asks for.
    pub fn local() -> InstallArgs {
        InstallArgs {
            global: false,
            agent: None,
        }
    }
}

/// An agent, or every agent keyward supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentChoice {
    All,
    Claude,
    Cursor,
    Copilot,
    Codex,
    Windsurf,
    Gemini,
}

impl AgentChoice {
    fn agents(self) -> Vec<Agent> {
        match self {
            AgentChoice::All => agent_install::ALL.to_vec(),
            AgentChoice::Claude => vec![Agent::Claude],
            AgentChoice::Cursor => vec![Agent::Cursor],
            AgentChoice::Copilot => vec![Agent::Copilot],
            AgentChoice::Codex => vec![Agent::Codex],
            AgentChoice::Windsurf => vec![Agent::Windsurf],
            AgentChoice::Gemini => vec![Agent::Gemini],
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Undo `keyward install --global` and restore the previous global `core.hooksPath`.
    #[arg(long)]
    global: bool,
    /// Remove keyward's hooks from an AI coding agent's configuration, restoring the file as it
    /// was before `keyward install --agent`.
    #[arg(long, value_enum, value_name = "AGENT")]
    agent: Option<AgentChoice>,
}

fn agent_scope(global: bool) -> anyhow::Result<Scope> {
    if global {
        let home = dirs::home_dir().context("cannot find the home directory")?;
        return Ok(Scope::Global(home));
    }
    let cwd = std::env::current_dir().context("current directory")?;
    Ok(Scope::Project(config::discover(&cwd).unwrap_or(cwd)))
}

/// A path as one shell word: agents run hook commands through a shell.
fn shell_word(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn print_agent_actions(agent: Agent, actions: &[agent_install::Action]) -> std::io::Result<()> {
    use agent_install::Action as A;
    let mut out = std::io::stdout().lock();
    let name = agent_install::name(agent);
    for a in actions {
        match a {
            A::Created(p) => writeln!(out, "keyward: {name}: wrote {}", p.display())?,
            A::Updated(p) => writeln!(out, "keyward: {name}: added keyward's hooks to {}", p.display())?,
            A::AlreadyInstalled(p) => {
                writeln!(out, "keyward: {name}: already installed in {}", p.display())?
            }
            A::BackedUp { file, backup } => writeln!(
                out,
                "keyward: {name}: kept the original {} as {} (`keyward uninstall --agent {name}` puts it back)",
                file.display(),
                backup.display()
            )?,
            A::Restored { file, backup } => writeln!(
                out,
                "keyward: {name}: restored {} exactly as it was (from {})",
                file.display(),
                backup.display()
            )?,
            A::Removed(p) => writeln!(out, "keyward: {name}: removed {} (keyward had created it)", p.display())?,
            A::Stripped { file, backup } => match backup {
                Some(b) => writeln!(
                    out,
                    "keyward: {name}: removed keyward's hooks from {}; it changed since the install, so the original stays at {}",
                    file.display(),
                    b.display()
                )?,
                None => writeln!(out, "keyward: {name}: removed keyward's hooks from {}", file.display())?,
            },
            A::NotInstalled(p) => {
                writeln!(out, "keyward: {name}: no keyward hooks in {}", p.display())?
            }
        }
    }
    Ok(())
}

fn run_agents(choice: AgentChoice, global: bool, install: bool) -> anyhow::Result<ExitCode> {
    let scope = agent_scope(global)?;
    // A project file is committed and shared: it names `keyward` on PATH. A user file is this
    // machine's: it names this very binary, whatever PATH the agent runs hooks with.
    let program = if global {
        let bin = std::env::current_exe().context("cannot locate the keyward binary")?;
        shell_word(&bin.to_string_lossy())
    } else {
        "keyward".to_string()
    };
    for agent in choice.agents() {
        let result = if install {
            agent_install::install(agent, &scope, &program)
        } else {
            agent_install::uninstall(agent, &scope)
        };
        match result {
            Ok(actions) => print_agent_actions(agent, &actions)?,
            // `--agent all --global`: an agent without a user-level file is skipped, not fatal.
            Err(agent_install::InstallError::Unsupported(why)) if choice == AgentChoice::All => {
                writeln!(
                    std::io::stdout(),
                    "keyward: {}: skipped: {why}",
                    agent_install::name(agent)
                )?
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(EXIT_CLEAN)
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
    if let Some(choice) = args.agent {
        return run_agents(choice, args.global, true);
    }
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
    if let Some(choice) = args.agent {
        return run_agents(choice, args.global, false);
    }
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
