//! `keyward lsp`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct LspArgs {}

pub fn run(_args: LspArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward lsp` is not built yet")
}
