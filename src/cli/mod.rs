//! Command-line front-end: one module per subcommand, each a thin layer over the library.
//! Exit codes everywhere: 0 nothing found, 1 findings (or a blocked commit), 2 error.

mod agent_hook;
mod baseline;
mod config;
mod hook;
mod install;
mod inventory;
mod lsp;
mod rules;
mod run;
mod scan;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub const EXIT_CLEAN: ExitCode = ExitCode::SUCCESS;
pub const EXIT_FINDINGS: ExitCode = ExitCode::FAILURE;

/// Exit code 2: bad input, unreadable configuration, a failure of keyward itself.
#[allow(non_snake_case)]
pub fn EXIT_ERROR() -> ExitCode {
    ExitCode::from(2)
}

#[derive(Debug, Parser)]
#[command(
    name = "keyward",
    version,
    about = "Stops hardcoded credentials of non-human identities from reaching a repository.",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files, directories, stdin (`-`) or git history for hardcoded credentials.
    Scan(scan::ScanArgs),
    /// Run as a git pre-commit hook: scan the staged changes and block a commit that adds a secret.
    Hook(hook::HookArgs),
    /// Install keyward as this repository's pre-commit hook (or globally with --global).
    Install(install::InstallArgs),
    /// Remove keyward's hook and restore what was there before.
    Uninstall(install::UninstallArgs),
    /// Run the language server on stdio (editors start this).
    Lsp(lsp::LspArgs),
    /// Resolve vault references recorded by the quick-fix and run a command with them set.
    Run(run::RunArgs),
    /// Accept the current findings: write them to the baseline so only new ones are reported.
    Baseline(baseline::BaselineArgs),
    /// List the rules, or check rule files against their own examples.
    Rules(rules::RulesArgs),
    /// Show the effective configuration and where each setting came from.
    Config(config::ConfigArgs),
    /// Answer an AI coding agent's hook (Claude Code, Cursor, Copilot, Codex, Windsurf, Gemini CLI).
    AgentHook(agent_hook::AgentHookArgs),
    /// Inventory every credential in history: who owns it, since when, and what to do.
    Inventory(inventory::InventoryArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Hook(a) => hook::run(a),
        Command::Install(a) => install::run_install(a),
        Command::Uninstall(a) => install::run_uninstall(a),
        Command::Lsp(a) => lsp::run(a),
        Command::Run(a) => run::run(a),
        Command::Baseline(a) => baseline::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Config(a) => config::run(a),
        Command::Inventory(a) => inventory::run(a),
        Command::AgentHook(a) => agent_hook::run(a),
    }
}
