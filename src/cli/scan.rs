//! `keyward scan`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {}

pub fn run(_args: ScanArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward scan` is not built yet")
}
