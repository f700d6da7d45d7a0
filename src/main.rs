//! `keyward`: parses arguments and dispatches to a front-end. Nothing else lives here.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(hint) = cli::history_hint(&argv) {
        eprintln!("keyward: error: {hint}");
        return cli::EXIT_ERROR();
    }
    let args = cli::Cli::parse_from(argv);
    match cli::run(args) {
        Ok(code) => code,
        // `keyward rules list | head -1`: the reader has all it wanted; not an error.
        Err(err) if cli::is_broken_pipe(&err) => cli::EXIT_CLEAN,
        Err(err) => {
            eprintln!("keyward: error: {err:#}");
            cli::EXIT_ERROR()
        }
    }
}
