//! `keyward config`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {}

pub fn run(_args: ConfigArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward config` is not built yet")
}
