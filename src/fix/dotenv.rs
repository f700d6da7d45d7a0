//! The `.env` half of "move to environment variable": add `NAME=value` without clobbering an
//! existing key, write atomically, and read it back before anyone edits the buffer.
//!
//! Only the subset of the dotenv format keyward writes and `keyward run` reads: `KEY=value`,
//! optional `export `, `#` comments, single quotes (literal) and double quotes (`\n`, `\"`, `\\`).

use std::{io, path::Path};

/// `(key, value)` pairs in file order. Lines that are not assignments are ignored.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let l = line.trim_start();
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        let l = l.strip_prefix("export ").unwrap_or(l);
        let Some((key, rest)) = l.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if !super::is_env_name(key) {
            continue;
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('"') {
            // A double-quoted value may span lines.
            let mut buf = body.to_string();
            while !closes_double(&buf) {
                match lines.next() {
                    Some(next) => {
                        buf.push('\n');
                        buf.push_str(next);
                    }
                    None => break,
                }
            }
            unescape_double(&buf)
        } else if let Some(body) = rest.strip_prefix('\'') {
            body.split_once('\'').map_or(body, |(v, _)| v).to_string()
        } else {
            let v = match rest.find(" #") {
                Some(i) => &rest[..i],
                None => rest,
            };
            v.trim_end().to_string()
        };
        out.push((key.to_string(), value));
    }
    out
}

fn closes_double(s: &str) -> bool {
    let mut escaped = false;
    for c in s.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

fn unescape_double(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// The value as dotenv text: bare when it is plain token characters, else double-quoted.
pub fn quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+/=:@~,%".contains(&b))
    {
        return value.to_string();
    }
    let mut s = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '$' => s.push_str("\\$"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// What adding `name=value` to a dotenv file needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The file already has this exact value under this name.
    Reuse(String),
    /// Append the text, which assigns the value to the given name.
    Append { name: String, text: String },
}

/// Picks a free name (`NAME`, then `NAME_2`, …): an existing key is never overwritten, and one
/// holding the same value is reused.
pub fn plan(existing: &str, name: &str, value: &str) -> Plan {
    let pairs = parse(existing);
    let taken = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let mut candidate = name.to_string();
    for i in 2.. {
        match taken(&candidate) {
            Some(v) if v == value => return Plan::Reuse(candidate),
            Some(_) => candidate = format!("{name}_{i}"),
            None => break,
        }
    }
    let sep = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Plan::Append {
        text: format!("{sep}{candidate}={}\n", quote(value)),
        name: candidate,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} was written but reading it back did not give the value under {name}; the buffer was not changed")]
    ReadBack { path: String, name: String },
}

/// Stores `value` in the dotenv file at `path` and proves it by reading the file back. Returns
/// the name it is stored under. A new file is created readable by its owner only.
pub fn store(path: &Path, name: &str, value: &str) -> Result<String, StoreError> {
    let shown = path.display().to_string();
    let io_err = |source| StoreError::Io {
        path: shown.clone(),
        source,
    };
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(e)),
    };
    let name = match plan(&existing, name, value) {
        Plan::Reuse(n) => n,
        Plan::Append { name, text } => {
            write_atomically(path, &format!("{existing}{text}"), true).map_err(io_err)?;
            name
        }
    };
    let back = std::fs::read_to_string(path).map_err(io_err)?;
    if parse(&back).iter().any(|(k, v)| k == &name && v == value) {
        Ok(name)
    } else {
        Err(StoreError::ReadBack { path: shown, name })
    }
}

/// Adds `name=` to an example file (creating it) unless the name is already listed.
pub fn add_example(path: &Path, name: &str) -> io::Result<bool> {
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if parse(&existing).iter().any(|(k, _)| k == name) {
        return Ok(false);
    }
    let sep = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    write_atomically(path, &format!("{existing}{sep}{name}=\n"), false)?;
    Ok(true)
}

/// Writes through [`crate::fsutil::write_atomic`]: a crash never leaves half a file and no
/// symlink is followed. A `private` file (the `.env` holding values) is 0600; files meant to be
/// committed (`.gitignore`, `.env.example`, the refs file) keep their mode or follow the umask.
pub fn write_atomically(path: &Path, text: &str, private: bool) -> io::Result<()> {
    let mode = if private {
        crate::fsutil::Mode::Private
    } else {
        crate::fsutil::Mode::Shared
    };
    crate::fsutil::write_atomic(path, text.as_bytes(), mode, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_handles_quotes_comments_and_export() {
        let t = "# c\nA=1\nexport B='x y' # note\nC=\"l1\\nl2 \\\"q\\\"\"\nD=plain # comment\nE=\"multi\nline\"\nnot a line\n";
        let p = parse(t);
        assert_eq!(
            p,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "x y".into()),
                ("C".into(), "l1\nl2 \"q\"".into()),
                ("D".into(), "plain".into()),
                ("E".into(), "multi\nline".into()),
            ]
        );
    }

    #[test]
    fn quote_round_trips() {
        for v in [
            "ghp_abc",
            "a b#c",
            "-----BEGIN KEY-----\nAAA\n-----END KEY-----\n",
            "q\"\\$x",
            "",
        ] {
            let text = format!("K={}\n", quote(v));
            assert_eq!(
                parse(&text),
                vec![("K".to_string(), v.to_string())],
                "{text}"
            );
        }
    }

    #[test]
    fn plan_never_clobbers() {
        assert_eq!(
            plan("", "T", "v"),
            Plan::Append {
                name: "T".into(),
                text: "T=v\n".into()
            }
        );
        assert_eq!(plan("T=v\n", "T", "v"), Plan::Reuse("T".into()));
        assert_eq!(
            plan("T=other\nT_2=x", "T", "v"),
            Plan::Append {
                name: "T_3".into(),
                text: "\nT_3=v\n".into()
            }
        );
        assert_eq!(
            plan("T=other\nT_2=v\n", "T", "v"),
            Plan::Reuse("T_2".into())
        );
    }

    #[test]
    fn store_writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        std::fs::write(&p, "T=old").unwrap();
        assert_eq!(store(&p, "T", "new").unwrap(), "T_2");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "T=old\nT_2=new\n");
        assert_eq!(store(&p, "T", "new").unwrap(), "T_2");
        let fresh = dir.path().join("sub.env");
        store(&fresh, "X", "y").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let example = dir.path().join(".env.example");
        assert!(add_example(&example, "X").unwrap());
        assert!(!add_example(&example, "X").unwrap());
        #[cfg(unix)]
        {
            // A committed file is not made private: it follows the umask like any other.
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&example).unwrap().permissions().mode() & 0o777;
            assert_ne!(mode, 0o600, "{mode:o}");
        }
    }
}
