//! `keyward run [--refs FILE] [--env-file FILE] -- CMD ARGS...`: resolves the vault references
//! the quick-fix recorded (and the plain values in `.env`) and runs CMD with them set.

use std::{ffi::OsString, path::PathBuf, process::ExitCode};

use anyhow::{anyhow, bail, Context};
use keyward::{
    config::{self, trust, Settings},
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
    for note in &settings.trust_notes {
        eprintln!("keyward: note: {note}");
    }
    let base = root.clone().unwrap_or_else(|| cwd.clone());
    // Found with the user's PATH, before anything a repository's `.env` says is applied.
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let resolved = resolve_program(program).ok_or_else(|| {
        anyhow!(
            "cannot run {}: not found on PATH",
            program.to_string_lossy()
        )
    })?;
    let mut env: Vec<(String, String)> = Vec::new();

    let env_path = args.env_file.clone().unwrap_or_else(|| base.join(".env"));
    if let Some(text) = read_optional(&env_path, args.env_file.is_some())? {
        for (name, value) in dotenv::parse(&text) {
            if trust::is_loader_variable(&name) {
                let line = trust::line_of(&text, &name).unwrap_or(0);
                eprintln!(
                    "keyward: note: {}:{line}: ignored {name}: a .env may not set variables that choose what runs (PATH, LD_*, DYLD_*, interpreter paths)",
                    env_path.display()
                );
                continue;
            }
            env.push((name, value));
        }
    }

    let refs_path = args
        .refs
        .clone()
        .unwrap_or_else(|| base.join(refs::DEFAULT_FILE));
    if let Some(text) = read_optional(&refs_path, args.refs.is_some())? {
        let origin = refs_path.display().to_string();
        let references = refs::parse(&origin, &text).map_err(|e| anyhow!(e))?;
        let project = base
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into());
        let scopes = trust::allowed_ref_scopes(&settings, &project);
        let references: Vec<_> = references
            .into_iter()
            .filter(|(name, _)| {
                let loader = trust::is_loader_variable(name);
                if loader {
                    eprintln!(
                        "keyward: note: {origin}:{}: ignored {name}: a reference may not set variables that choose what runs",
                        trust::line_of(&text, name).unwrap_or(0)
                    );
                }
                !loader
            })
            .collect();
        for (name, r) in &references {
            if !trust::ref_in_scope(r, &scopes) {
                let line = trust::line_of(&text, name).unwrap_or(0);
                return Err(anyhow!(
                    "{origin}:{line}: {name} refers to {r}, outside this project's vault location ({}); nothing was run. Allow it in the user config with `[vault] allow_refs = [\"{}/{}\"]`",
                    scopes.join(", "),
                    r.mount,
                    r.path
                ));
            }
        }
        if !references.is_empty() {
            let conn = vault::connect(
                settings.vault.address.clone(),
                None,
                settings.vault.namespace.clone(),
                None,
            )
            .ok_or_else(|| {
                anyhow!(
                    "{origin}: {} reference(s) to resolve but no vault is configured: set BAO_ADDR and BAO_TOKEN (or VAULT_ADDR and VAULT_TOKEN, or [vault] address in the user config and ~/.vault-token)",
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

    let mut cmd = std::process::Command::new(&resolved);
    #[cfg(unix)]
    {
        // The child sees the name it was asked for, as a shell would pass it.
        use std::os::unix::process::CommandExt;
        cmd.arg0(program);
    }
    let status = cmd.args(rest).envs(env).status();
    let status = match status {
        Ok(s) => s,
        Err(e) => bail!("cannot run {}: {e}", program.to_string_lossy()),
    };
    Ok(exit_code_of(status))
}

/// `program` as the user's own PATH finds it (a name with a `/` is taken as is).
fn resolve_program(program: &OsString) -> Option<PathBuf> {
    let p = std::path::Path::new(program);
    if p.components().count() > 1 || program.to_string_lossy().contains('/') {
        return Some(p.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(p))
        .find(|c| is_executable(c))
}

fn is_executable(p: &std::path::Path) -> bool {
    let Ok(m) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        m.is_file() && m.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        m.is_file()
    }
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
