//! Command-line front-end: one module per subcommand, each a thin layer over the library.
//! Exit codes everywhere: 0 nothing found (or nothing at or above `--fail-at`), 1 findings (or a
//! blocked commit), 2 error.

/// `println!` that returns a write error (a closed pipe) to the caller instead of panicking;
/// `main` turns a broken pipe into a quiet exit 0, once, for every subcommand.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($t)*)?
    }};
}

mod agent_hook;
mod baseline;
mod config;
mod conventions;
mod hook;
mod init;
mod install;
mod inventory;
mod lsp;
mod mcp;
mod rules;
mod run;
mod scan;

use std::{path::PathBuf, process::ExitCode, sync::OnceLock};

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
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes, before or after its name.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Print only findings and errors: no notes, no summary line.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: every skipped file, not just the first 20.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colour: `auto` (on a terminal, unless NO_COLOR is set), `always` or `never`.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Extra repository-level config files, for every command that reads configuration. One
/// definition, flattened into each command (scan and baseline have it in `TargetArgs`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigFiles {
    /// An extra repository-level config file, applied after `.keyward.toml` (repeatable).
    #[arg(long = "config", id = "config_files", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `--fail-at`: the lowest confidence that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailAt {
    High,
    Medium,
    Low,
    Never,
}

impl FailAt {
    /// The confidence that fails, `None` for `never`.
    pub fn level(self) -> Option<keyward::detect::Confidence> {
        match self {
            FailAt::High => Some(keyward::detect::Confidence::High),
            FailAt::Medium => Some(keyward::detect::Confidence::Medium),
            FailAt::Low => Some(keyward::detect::Confidence::Low),
            FailAt::Never => None,
        }
    }
}

static GLOBALS: OnceLock<GlobalArgs> = OnceLock::new();

/// The global options of this process (defaults before parsing, e.g. in unit tests).
pub fn globals() -> &'static GlobalArgs {
    GLOBALS.get_or_init(|| GlobalArgs {
        quiet: false,
        verbose: false,
        color: ColorChoice::Auto,
    })
}

/// Whether to colour a stream: `--color`, then NO_COLOR (https://no-color.org), then whether
/// the stream is a terminal.
pub fn use_color(is_terminal: bool) -> bool {
    match globals().color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files, directories, stdin (`-`) or git history for hardcoded credentials.
    Scan(scan::ScanArgs),
    /// Run as a git pre-commit hook: scan the staged changes and block a commit that adds a secret.
    Hook(hook::HookArgs),
    /// Write a commented `.keyward.toml` (never over an existing one) and offer to install the hook.
    Init(init::InitArgs),
    /// Install keyward as this repository's pre-commit hook (or globally with --global).
    Install(install::InstallArgs),
    /// Remove keyward's hook and restore what was there before.
    Uninstall(install::UninstallArgs),
    /// Run the language server on stdio (editors start this).
    Lsp(lsp::LspArgs),
    /// Run the MCP server on stdio: scan tools for AI agents (never returns a secret's value).
    Mcp(mcp::McpArgs),
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
    /// Print keyward's version (same as `--version`).
    Version,
    /// Print a shell completion script: `keyward completions bash > /etc/bash_completion.d/keyward`.
    Completions(conventions::CompletionsArgs),
    /// Print the man page (roff), or write one page per subcommand with `--dir`.
    Man(conventions::ManArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _ = GLOBALS.set(cli.global);
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Hook(a) => hook::run(a),
        Command::Init(a) => {
            let code = init::run(&a)?;
            if init::wants_hook(&a)? {
                install::run_install(install::InstallArgs::local())
            } else {
                Ok(code)
            }
        }
        Command::Install(a) => install::run_install(a),
        Command::Uninstall(a) => install::run_uninstall(a),
        Command::Lsp(a) => lsp::run(a),
        Command::Mcp(a) => mcp::run(a),
        Command::Run(a) => run::run(a),
        Command::Baseline(a) => baseline::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Config(a) => config::run(a),
        Command::Inventory(a) => inventory::run(a),
        Command::Version => {
            outln!("keyward {}", env!("CARGO_PKG_VERSION"));
            Ok(EXIT_CLEAN)
        }
        Command::Completions(a) => conventions::completions(a),
        Command::Man(a) => conventions::man(a),
        Command::AgentHook(a) => agent_hook::run(a),
    }
}

/// True when `err` is, or was caused by, a closed output pipe (`keyward … | head`).
/// Keeps a scanner for the rest of the process instead of dropping it. Its compiled rules are
/// thousands of small allocations, and freeing them one by one just before exit was ~8% of the
/// instructions of a one-file `keyward scan` or a small `keyward hook` (callgrind); the
/// operating system takes the memory back at exit anyway. Only for the one scanner of a
/// short-lived command, never in a loop.
pub fn keep_for_process(scanner: keyward::Scanner) -> &'static keyward::Scanner {
    Box::leak(Box::new(scanner))
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `--history A..B` (a space, not `=`) makes clap take `A..B` as a PATH: say what was meant.
pub fn history_hint(args: &[std::ffi::OsString]) -> Option<String> {
    let pos = args.iter().position(|a| a == "--history")?;
    let next = args.get(pos + 1)?.to_str()?;
    let looks_like_range = next.contains("..") && !std::path::Path::new(next).exists();
    looks_like_range.then(|| {
        format!(
            "`--history {next}` scans all history and takes `{next}` as a path: write `--history={next}` for a range"
        )
    })
}
