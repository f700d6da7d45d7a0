//! `keyward inventory`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {}

pub fn run(_args: InventoryArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward inventory` is not built yet")
}
