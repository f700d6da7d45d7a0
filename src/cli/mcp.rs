//! `keyward mcp`: the MCP server on stdio (agents and editors start this). The workspace is
//! the one directory tree its tools may read: `--workspace`, else the repository around the
//! current directory, else the current directory.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context as _;

#[derive(Debug, clap::Args)]
pub struct McpArgs {
    /// The directory the tools may scan (default: the repository around the current
    /// directory, or the current directory). Clients that start servers elsewhere pass their
    /// project folder here (`${workspaceFolder}`).
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,
}

pub fn run(args: McpArgs) -> anyhow::Result<ExitCode> {
    let workspace = match args.workspace {
        Some(w) => w,
        None => {
            let cwd = std::env::current_dir().context("current directory")?;
            keyward::config::discover(&cwd).unwrap_or(cwd)
        }
    };
    // One scan at a time is what a single client asks for; two workers keep the protocol
    // answering (pings, cancellations) while a blocking scan runs.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("keyward-mcp")
        .build()?;
    runtime.block_on(keyward::mcp::serve_stdio(&workspace))?;
    Ok(ExitCode::SUCCESS)
}
