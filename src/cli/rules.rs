//! `keyward rules`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {}

pub fn run(_args: RulesArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward rules` is not built yet")
}
