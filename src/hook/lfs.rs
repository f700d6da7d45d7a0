//! Git LFS content for the hook. For a path under `filter=lfs`, git stages only a small pointer
//! (`version https://git-lfs.github.com/spec/v1`, `oid sha256:…`, `size …`); the content goes
//! to the LFS server on push. Scanning the pointer would pass any secret in the file, so the
//! hook scans what the clean filter stored instead: the object in `.git/lfs/objects` when
//! git-lfs ran, else the working-tree file the filter reads. The pointer format is recognised
//! in the staged blob itself rather than through the attributes: it is what git-lfs decides by
//! too, it costs nothing when no pointer is staged, and a pointer staged by hand (or by a tool
//! without the attribute) is caught as well.

use std::{fmt, path::PathBuf};

use gix::bstr::BStr;

/// The first line of every pointer (spec v1).
const VERSION_LINE: &[u8] = b"version https://git-lfs.github.com/spec/v1\n";
/// git-lfs itself never reads a blob larger than this as a pointer.
const MAX_POINTER: usize = 1024;

/// A parsed LFS pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    /// The content's sha256, lowercase hex.
    pub oid: String,
    /// The content's size in bytes.
    pub size: u64,
}

impl Pointer {
    /// Parses a staged blob as a pointer: the version line first, then `key value` lines, with
    /// a sha256 `oid` and a `size`. Anything else is ordinary content.
    pub fn parse(blob: &[u8]) -> Option<Pointer> {
        if blob.len() > MAX_POINTER || !blob.starts_with(VERSION_LINE) || !blob.ends_with(b"\n") {
            return None;
        }
        let text = std::str::from_utf8(&blob[VERSION_LINE.len()..]).ok()?;
        let (mut oid, mut size) = (None, None);
        for line in text.lines() {
            let (key, value) = line.split_once(' ')?;
            // The spec's keys: `oid`, `size` and extensions `ext-<n>-<name>`; any other line
            // means this is a file that merely starts like a pointer.
            if !matches!(key, "oid" | "size") && !key.starts_with("ext-") {
                return None;
            }
            match key {
                "oid" => {
                    let hex = value.strip_prefix("sha256:")?;
                    let valid = hex.len() == 64
                        && hex
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                    oid = valid.then(|| hex.to_string());
                    oid.as_ref()?;
                }
                "size" => size = Some(value.parse::<u64>().ok()?),
                _ => {}
            }
        }
        Some(Pointer {
            oid: oid?,
            size: size?,
        })
    }
}

/// Why the content behind a pointer could not be scanned; named in the hook's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Over `scan.max_file_size`.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Neither in the LFS object store nor in the working tree.
    Missing,
    /// The working-tree path is a symlink, directory or special file: the filter would not
    /// have read what it points at.
    NotAFile,
    /// The working-tree file is the pointer itself (the content was never fetched).
    PointerOnly,
    Unreadable(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::TooLarge { size, limit } => write!(
                f,
                "its content, {size} bytes, is over scan.max_file_size ({limit})"
            ),
            Unavailable::Missing => {
                f.write_str("its content is neither in .git/lfs/objects nor in the working tree")
            }
            Unavailable::NotAFile => f.write_str("its working-tree path is not a regular file"),
            Unavailable::PointerOnly => f.write_str(
                "the working-tree file is the pointer too (`git lfs pull` fetches the content)",
            ),
            Unavailable::Unreadable(e) => write!(f, "its content cannot be read: {e}"),
        }
    }
}

/// The content `pointer` (staged at `path`) stands for, at most `limit` bytes.
pub fn content(
    repo: &gix::Repository,
    path: &BStr,
    pointer: &Pointer,
    limit: u64,
) -> Result<Vec<u8>, Unavailable> {
    if pointer.size > limit {
        return Err(Unavailable::TooLarge {
            size: pointer.size,
            limit,
        });
    }
    // What git-lfs stored when the file was staged; exact even if the working tree changed since.
    let o = &pointer.oid;
    let stored = repo
        .common_dir()
        .join("lfs/objects")
        .join(&o[..2])
        .join(&o[2..4])
        .join(o);
    if let Some(bytes) = read_regular(&stored, limit)? {
        return Ok(bytes);
    }
    // No git-lfs (or its store elsewhere): the clean filter's input is the working-tree file.
    let Some(workdir) = repo.workdir() else {
        return Err(Unavailable::Missing);
    };
    let rel: PathBuf = gix::path::from_bstr(path)
        .map_err(|e| Unavailable::Unreadable(e.to_string()))?
        .into_owned();
    match read_regular(&workdir.join(rel), limit)? {
        Some(bytes) if Pointer::parse(&bytes).is_some() => Err(Unavailable::PointerOnly),
        Some(bytes) => Ok(bytes),
        None => Err(Unavailable::Missing),
    }
}

/// Reads a regular file (not through a symlink); `None` if nothing is there.
fn read_regular(p: &std::path::Path, limit: u64) -> Result<Option<Vec<u8>>, Unavailable> {
    let meta = match std::fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Unavailable::Unreadable(e.to_string())),
    };
    if !meta.file_type().is_file() {
        return Err(Unavailable::NotAFile);
    }
    if meta.len() > limit {
        return Err(Unavailable::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    std::fs::read(p)
        .map(Some)
        .map_err(|e| Unavailable::Unreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OID: &str = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

    #[test]
    fn parses_pointers_and_nothing_else() {
        let p =
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 12345\n");
        assert_eq!(
            Pointer::parse(p.as_bytes()),
            Some(Pointer {
                oid: OID.into(),
                size: 12345
            })
        );
        let ext = format!("version https://git-lfs.github.com/spec/v1\next-0-foo sha256:{OID}\noid sha256:{OID}\nsize 1\n");
        assert!(Pointer::parse(ext.as_bytes()).is_some());
        for bad in [
            "version https://git-lfs.github.com/spec/v1 and more\n".to_string(),
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\n"),
            format!("version https://git-lfs.github.com/spec/v1\noid md5:{OID}\nsize 1\n"),
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 1\ntoken = \"x\"\n"),
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 1"),
        ] {
            assert_eq!(Pointer::parse(bad.as_bytes()), None, "{bad}");
        }
    }
}
