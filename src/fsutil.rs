//! The one way keyward writes a file: every writer (`.env`, `.gitignore`, `.env.example`,
//! `.keyward.refs`, the baseline, hook shims and their state) goes through [`write_atomic`].
//!
//! A repository's files are not trusted, and that includes committed symlinks: a fixed temp name
//! (`..env.keyward-tmp`) or the target itself may be a link to `~/.bashrc` or to a tracked file.
//! So the temp file gets a random name and is created exclusively (`O_CREAT|O_EXCL`, which never
//! follows a symlink), its mode is set before any content is written (0600 for secrets), the
//! content is fsynced, and only then is it renamed over the target. A target that is a symlink,
//! or whose parent lies outside the repository root, is refused before anything is created.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

/// Who may read the file once it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Holds secret values: 0600 when new, and never wider than that when it exists.
    Private,
    /// Meant to be committed (`.gitignore`, refs, baseline): an existing file keeps its mode, a
    /// new one follows the umask.
    Shared,
    /// A hook git runs: 0755.
    Executable,
}

fn refuse(path: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("refusing to write {}: {why}", path.display()),
    )
}

/// Checks that `path` may be written: not a symlink, and (when `root` is given) its canonical
/// parent is inside the canonical `root`. Returns the canonical parent directory.
pub fn check_target(path: &Path, root: Option<&Path>) -> io::Result<PathBuf> {
    if let Ok(m) = path.symlink_metadata() {
        if m.file_type().is_symlink() {
            return Err(refuse(path, "it is a symbolic link"));
        }
        if m.is_dir() {
            return Err(refuse(path, "it is a directory"));
        }
    }
    let parent = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent
        .canonicalize()
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", parent.display())))?;
    if let Some(root) = root {
        let root = root
            .canonicalize()
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
        if !dir.starts_with(&root) {
            return Err(refuse(
                path,
                &format!("it lies outside the repository {}", root.display()),
            ));
        }
    }
    Ok(dir)
}

/// Whether `path` lies inside `root` once both are resolved (symlinks in the parent included).
pub fn is_inside(path: &Path, root: &Path) -> bool {
    check_target(path, Some(root)).is_ok()
}

/// Writes `bytes` to `path` atomically and without following any symlink; see the module docs.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Mode, root: Option<&Path>) -> io::Result<()> {
    let dir = check_target(path, root)?;
    let name = path
        .file_name()
        .ok_or_else(|| refuse(path, "it has no file name"))?
        .to_string_lossy()
        .into_owned();
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    let (mut file, tmp) = create_temp(&dir, &name, mode)?;
    let result = (|| {
        set_mode(&file, existing, mode)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, dir.join(&name))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A new, exclusively created file beside the target with a random name.
fn create_temp(dir: &Path, name: &str, mode: Mode) -> io::Result<(fs::File, PathBuf)> {
    let mut last = None;
    for _ in 0..8 {
        let mut rnd = [0u8; 8];
        getrandom::fill(&mut rnd).map_err(|e| io::Error::other(e.to_string()))?;
        let tmp = dir.join(format!(".{name}.keyward-{}", hex::encode(rnd)));
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private from the first byte; the final mode is set before the content.
            opts.mode(if mode == Mode::Shared { 0o666 } else { 0o600 });
        }
        #[cfg(not(unix))]
        let _ = mode;
        match opts.open(&tmp) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("cannot create a temporary file")))
}

fn set_mode(file: &fs::File, existing: Option<fs::Permissions>, mode: Mode) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let wanted = match (mode, existing) {
            (Mode::Executable, _) => Some(0o755),
            // An existing secrets file keeps its mode, narrowed to the owner.
            (Mode::Private, Some(p)) => Some(p.mode() & 0o700),
            (Mode::Private, None) => Some(0o600),
            (Mode::Shared, Some(p)) => Some(p.mode() & 0o7777),
            (Mode::Shared, None) => None,
        };
        if let Some(m) = wanted {
            file.set_permissions(fs::Permissions::from_mode(m))?;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, existing, mode);
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn writes_and_sets_modes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".env");
        write_atomic(&p, b"A=1\n", Mode::Private, Some(d.path())).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "A=1\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let h = d.path().join("hook");
        write_atomic(&h, b"#!/bin/sh\n", Mode::Executable, None).unwrap();
        assert_eq!(
            fs::metadata(&h).unwrap().permissions().mode() & 0o777,
            0o755
        );
        let leftovers: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("keyward-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn refuses_symlinks_and_outside_targets() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = d.path().join(".env");
        symlink(&victim, &link).unwrap();
        let e = write_atomic(&link, b"x", Mode::Private, Some(d.path())).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        let e = write_atomic(&victim, b"x", Mode::Private, Some(d.path())).unwrap_err();
        assert!(e.to_string().contains("outside the repository"), "{e}");
        // A linked directory inside the repository that points outside is outside too.
        symlink(outside.path(), d.path().join("sub")).unwrap();
        let e = write_atomic(
            &d.path().join("sub/new"),
            b"x",
            Mode::Shared,
            Some(d.path()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("outside the repository"), "{e}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!outside.path().join("new").exists());
    }
}
