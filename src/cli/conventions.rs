//! `keyward completions SHELL` and `keyward man`: generated from the clap definitions, so they
//! can never drift from the options the binary really takes.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::CommandFactory;

use super::{Cli, EXIT_CLEAN};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `keyward.1` and one `keyward-SUBCOMMAND.1` per subcommand into DIR instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    // Into a buffer first: clap_complete panics on a write error, and `| head` is not a bug.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "keyward", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(EXIT_CLEAN)
}

pub fn man(args: ManArgs) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            std::io::Write::write_all(&mut std::io::stdout().lock(), &page)
                .context("cannot write the man page")?;
        }
    }
    Ok(EXIT_CLEAN)
}
