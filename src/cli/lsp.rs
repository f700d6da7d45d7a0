//! `keyward lsp`: the language server on stdio.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it by convention; stdio is the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

pub fn run(_args: LspArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("keyward-lsp")
        .build()?;
    // The protocol's exit status: 1 when the client sent `exit` without `shutdown` first.
    Ok(match runtime.block_on(keyward::lsp::serve_stdio()) {
        keyward::lsp::Ending::Clean => ExitCode::SUCCESS,
        keyward::lsp::Ending::ExitWithoutShutdown => ExitCode::from(1),
    })
}
