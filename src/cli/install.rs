//! `keyward install` and `keyward uninstall`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct InstallArgs {}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {}

pub fn run_install(_args: InstallArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward install` is not built yet")
}

pub fn run_uninstall(_args: UninstallArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`keyward uninstall` is not built yet")
}
