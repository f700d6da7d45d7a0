//! `keyward run [--refs FILE] [--env-file FILE] -- CMD ARGS...`: resolves the vault references
//! the quick-fix recorded (and the plain values in `.env`) and runs CMD with them set.

use std::{ffi::OsString, path::PathBuf, process::ExitCode};

use anyhow::{anyhow, bail, Context};
use keyward::{
    config::{self, Settings},
    fix::{dotenv, refs, vault},
};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// References file (default: `.keyward.refs` at the repository root).
    #[arg(long, value_name = "FILE")]
    refs: Option<PathBuf>,
    /// Plain `NAME=value` file (default: `.env` at the repository root, if it exists).
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,
    #[command(flatten)]
    config: super::ConfigFiles,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<OsString>,
}

/// Reads a file the user named (must exist) or a default one (may be missing).
fn read_optional(path: &std::path::Path, explicit: bool) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(None),
        Err(e) => Err(anyhow!("cannot read {}: {e}", path.display())),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = config::discover(&cwd);
    let settings = Settings::load_with_extra(root.as_deref(), &args.config.files)?;
    let base = root.clone().unwrap_or_else(|| cwd.clone());
    let mut env: Vec<(String, String)> = Vec::new();

    let env_path = args.env_file.clone().unwrap_or_else(|| base.join(".env"));
    if let Some(text) = read_optional(&env_path, args.env_file.is_some())? {
        env.extend(dotenv::parse(&text));
    }

    let refs_path = args
        .refs
        .clone()
        .unwrap_or_else(|| base.join(refs::DEFAULT_FILE));
    if let Some(text) = read_optional(&refs_path, args.refs.is_some())? {
        let origin = refs_path.display().to_string();
        let references = refs::parse(&origin, &text).map_err(|e| anyhow!(e))?;
        if !references.is_empty() {
            let conn = vault::connect(
                settings.vault.address.clone(),
                None,
                settings.vault.namespace.clone(),
                None,
            )
            .ok_or_else(|| {
                anyhow!(
                    "{origin}: {} reference(s) to resolve but no vault is configured: set BAO_ADDR and BAO_TOKEN (or VAULT_ADDR and VAULT_TOKEN, or [vault] address in .keyward.toml and ~/.vault-token)",
                    references.len()
                )
            })?;
            let client = vault::Client::new(conn);
            for (name, r) in references {
                let value = client
                    .read_key(&r)
                    .map_err(|e| anyhow!("{origin}: cannot resolve {name} ({r}): {e}"))?;
                env.push((name, value));
            }
        }
    }

    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let status = std::process::Command::new(program)
        .args(rest)
        .envs(env)
        .status();
    let status = match status {
        Ok(s) => s,
        Err(e) => bail!("cannot run {}: {e}", program.to_string_lossy()),
    };
    Ok(exit_code_of(status))
}

/// The child's exit code; a child killed by a signal exits 128 + signal, as shells report it.
fn exit_code_of(status: std::process::ExitStatus) -> ExitCode {
    if let Some(c) = status.code() {
        return ExitCode::from(c.clamp(0, 255) as u8);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return ExitCode::from((128 + sig).clamp(0, 255) as u8);
        }
    }
    ExitCode::FAILURE
}
