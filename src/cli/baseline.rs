//! `keyward baseline`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {}

pub fn run(_args: BaselineArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward baseline` is not built yet")
}
