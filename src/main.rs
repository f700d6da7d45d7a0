//! `keyward`: parses arguments and dispatches to a front-end. Nothing else lives here.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("keyward: error: {err:#}");
            cli::EXIT_ERROR()
        }
    }
}
