//! `.keyward.refs`: the committed record of where moved secrets live. Dotenv-shaped, one
//! `NAME=ref+vault://<mount>/data/<path>#<key>` per line (the vals reference syntax; `#/key` is
//! read too), so `keyward run`, vals or a CI step can resolve it. Never holds a secret.

use std::{fmt, path::Path};

pub const DEFAULT_FILE: &str = ".keyward.refs";
const HEADER: &str = "# keyward references: NAME=ref+vault://<mount>/data/<path>#<key>. Resolve with `keyward run -- CMD`.\n# Committed on purpose: it names where each secret lives, never the secret.\n";

/// A KV v2 location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultRef {
    pub mount: String,
    pub path: String,
    pub key: String,
}

impl fmt::Display for VaultRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ref+vault://{}/data/{}#{}",
            self.mount, self.path, self.key
        )
    }
}

impl VaultRef {
    pub fn parse(s: &str) -> Result<VaultRef, String> {
        let rest = s
            .trim()
            .strip_prefix("ref+vault://")
            .ok_or_else(|| format!("`{s}` is not a ref+vault:// reference"))?;
        let (loc, key) = rest
            .split_once('#')
            .ok_or_else(|| format!("`{s}` has no #key"))?;
        let loc = loc.split_once('?').map_or(loc, |(l, _)| l);
        let key = key.trim_start_matches('/');
        let (mount, path) = loc
            .split_once("/data/")
            .ok_or_else(|| format!("`{s}` has no /data/ segment (KV v2 path)"))?;
        if mount.is_empty() || path.is_empty() || key.is_empty() {
            return Err(format!("`{s}` needs a mount, a path and a key"));
        }
        Ok(VaultRef {
            mount: mount.to_string(),
            path: path.to_string(),
            key: key.to_string(),
        })
    }
}

/// Every `(NAME, reference)` in a refs file; an unparsable reference is an error naming its line.
pub fn parse(origin: &str, text: &str) -> Result<Vec<(String, VaultRef)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (name, r) = l
            .split_once('=')
            .ok_or_else(|| format!("{origin}:{}: expected NAME=ref+vault://…", i + 1))?;
        let r = VaultRef::parse(r).map_err(|e| format!("{origin}:{}: {e}", i + 1))?;
        out.push((name.trim().to_string(), r));
    }
    Ok(out)
}

/// The refs text with `name` pointing at `r`; `Err` if `name` already points elsewhere.
pub fn upsert(existing: &str, name: &str, r: &VaultRef) -> Result<Option<String>, String> {
    for (n, old) in parse(DEFAULT_FILE, existing)? {
        if n == name {
            return if &old == r {
                Ok(None)
            } else {
                Err(format!("{name} already refers to {old}"))
            };
        }
    }
    let head = if existing.trim().is_empty() {
        HEADER
    } else {
        ""
    };
    let sep = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Ok(Some(format!("{existing}{sep}{head}{name}={r}\n")))
}

/// Records the reference in the refs file at `path`.
pub fn record(path: &Path, name: &str, r: &VaultRef) -> Result<(), String> {
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if let Some(text) = upsert(&existing, name, r)? {
        super::dotenv::write_atomically(path, &text, false)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_vals_fragment() {
        let r = VaultRef {
            mount: "secret".into(),
            path: "app/dev".into(),
            key: "TOKEN".into(),
        };
        assert_eq!(r.to_string(), "ref+vault://secret/data/app/dev#TOKEN");
        assert_eq!(VaultRef::parse(&r.to_string()).unwrap(), r);
        assert_eq!(
            VaultRef::parse("ref+vault://secret/data/app/dev?address=x#/TOKEN").unwrap(),
            r
        );
        assert!(VaultRef::parse("ref+vault://secret/app#K").is_err());
        let text = upsert("", "T", &r).unwrap().unwrap();
        assert!(text.starts_with("# keyward references"));
        assert_eq!(parse("f", &text).unwrap(), vec![("T".into(), r.clone())]);
        assert_eq!(upsert(&text, "T", &r).unwrap(), None);
        let other = VaultRef {
            key: "X".into(),
            ..r
        };
        assert!(upsert(&text, "T", &other).is_err());
        assert!(parse("f", "A=nope\n").unwrap_err().starts_with("f:1:"));
    }
}
