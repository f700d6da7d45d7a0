//! What a repository may decide, in one place. A repository's files may make keyward stricter,
//! never weaker, and never choose where a token or secret is sent or what runs. The merge in
//! [`super::layers`] drops a repository's `[vault] address`/`namespace`; this module holds the
//! checks the front-ends apply to the other repository files: which KV locations a
//! `.keyward.refs` may name, and which variables a `.env` may not set.

use std::path::{Component, Path, PathBuf};

use super::{ConfigError, LayerKind, Settings};
use crate::fix::{refs::VaultRef, vault};

/// Variables that decide which program or library runs (loader paths, interpreter start-up
/// hooks): a repository's `.env` may not set them, because `keyward run` would then execute
/// code the repository chose.
pub fn is_loader_variable(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "PATH",
        "IFS",
        "ENV",
        "BASH_ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "PROMPT_COMMAND",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "PYTHONUSERBASE",
        "NODE_OPTIONS",
        "NODE_PATH",
        "PERL5LIB",
        "PERL5OPT",
        "PERLLIB",
        "RUBYLIB",
        "RUBYOPT",
        "GEM_PATH",
        "GEM_HOME",
        "CLASSPATH",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "GCONV_PATH",
        "LOCPATH",
        "NLSPATH",
        "HOSTALIASES",
        "RESOLV_HOST_CONF",
        "HOME",
        "SHELL",
        "EDITOR",
        "VISUAL",
        "PAGER",
    ];
    const PREFIXES: &[&str] = &[
        "LD_", "DYLD_", "GIT_", "MALLOC_", "GLIBC_", "BAO_", "VAULT_",
    ];
    EXACT.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The 1-based line of `text` that assigns `name` (`NAME=` or `export NAME=`), for notes.
pub fn line_of(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
            l.strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// The KV locations (`mount/path`) a repository's references may name: the project's own
/// location from the user and org layers (a repository cannot widen it by setting
/// `[vault] mount/path`), plus the user's and org's `vault.allow_refs`.
pub fn allowed_ref_scopes(s: &Settings, project: &str) -> Vec<String> {
    let trusted = s.layers.iter().filter(|l| l.kind != LayerKind::Repo);
    let (mut mount, mut path, mut extra) = (None, None, Vec::new());
    for l in trusted {
        let v = &l.file.vault;
        mount = v.mount.clone().or(mount);
        path = v.path.clone().or(path);
        extra.extend(v.allow_refs.iter().cloned());
    }
    let mount = mount.unwrap_or_else(|| vault::DEFAULT_MOUNT.into());
    let path = vault::expand_path(&path.unwrap_or_else(|| vault::DEFAULT_PATH.into()), project);
    let mut out = vec![format!("{}/{path}", mount.trim_matches('/'))];
    out.extend(extra.iter().map(|e| e.trim_matches('/').to_string()));
    out
}

/// Whether a reference stays inside one of `scopes` (`mount/path` prefixes, segment-wise). A
/// reference with an empty, `.` or `..` segment is never inside: the server would normalise it.
pub fn ref_in_scope(r: &VaultRef, scopes: &[String]) -> bool {
    let segments = |s: &str| -> Option<Vec<String>> {
        let v: Vec<String> = s.split('/').map(str::to_string).collect();
        (!v.iter().any(|x| x.is_empty() || x == "." || x == "..")).then_some(v)
    };
    let Some(mut full) = segments(&r.mount) else {
        return false;
    };
    let Some(path) = segments(&r.path) else {
        return false;
    };
    full.extend(path);
    scopes.iter().any(|scope| {
        let want: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
        !want.is_empty()
            && want.len() <= full.len()
            && want.iter().zip(&full).all(|(a, b)| *a == b.as_str())
    })
}

/// A repository's `baseline.path` must stay inside the repository: `keyward baseline` and the
/// "Add to baseline" fix write there. An error names the file, line and option.
pub fn check_baseline_path(s: &Settings) -> Result<(), ConfigError> {
    let (Some(root), Some(origin)) = (s.root.as_deref(), s.sources.get("baseline.path")) else {
        return Ok(());
    };
    if origin.kind != LayerKind::Repo {
        return Ok(());
    }
    let Some(layer) = s
        .layers
        .iter()
        .rev()
        .find(|l| l.kind == LayerKind::Repo && l.file.baseline.path.is_some())
    else {
        return Ok(());
    };
    let value = layer.file.baseline.path.as_deref().unwrap_or_default();
    let p = Path::new(value);
    let lexical_escape = p.is_absolute()
        || p.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        });
    // A committed symlinked directory on the way out counts as outside too.
    let joined = root.join(p);
    let via_link = joined
        .parent()
        .is_some_and(|d| d.exists() && !crate::fsutil::is_inside(&joined, root));
    if !(lexical_escape || via_link) {
        return Ok(());
    }
    let path = layer.path.clone().unwrap_or_default();
    let line = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| option_line(&t, "baseline", "path"))
        .map_or_else(String::new, |l| format!(":{l}"));
    Err(ConfigError::Invalid {
        path: PathBuf::from(format!("{}{line}", path.display())),
        message: format!(
            "baseline.path = {value:?} points outside the repository {}; a repository's baseline must live inside it",
            root.display()
        ),
    })
}

/// The 1-based line of `key = …` inside `[table]` of a TOML text (for error messages).
fn option_line(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(t) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = t.trim().to_string();
            continue;
        }
        let dotted = format!("{table}.{key}");
        let (k, _) = l.split_once('=').unwrap_or((l, ""));
        let k = k.trim();
        if (current == table && k == key) || (current.is_empty() && k == dotted) {
            return Some(i + 1);
        }
    }
    None
}

/// The host (and port) of a vault address, as an action title or a note names it.
pub fn host_of(address: &str) -> String {
    match address.trim().parse::<ureq::http::Uri>() {
        Ok(u) => u
            .authority()
            .map_or_else(|| address.trim().to_string(), |a| a.as_str().to_string()),
        Err(_) => address.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(mount: &str, path: &str) -> VaultRef {
        VaultRef {
            mount: mount.into(),
            path: path.into(),
            key: "K".into(),
        }
    }

    fn layer(kind: LayerKind, text: &str) -> crate::config::Layer {
        crate::config::Layer {
            kind,
            path: None,
            file: toml::from_str(text).unwrap(),
        }
    }

    #[test]
    fn a_repository_cannot_choose_the_vault_server_or_widen_refs() {
        let s = Settings::merge(
            None,
            vec![
                layer(LayerKind::User, "[vault]\naddress = \"https://mine:8200\"\npath = \"team/{project}\""),
                layer(
                    LayerKind::Repo,
                    "[vault]\naddress = \"http://evil:1\"\nnamespace = \"x\"\npath = \"other\"\nallow_refs = [\"secret\"]",
                ),
            ],
        );
        assert_eq!(s.vault.address.as_deref(), Some("https://mine:8200"));
        assert_eq!(s.vault.namespace, None);
        assert_eq!(s.trust_notes.len(), 3, "{:?}", s.trust_notes);
        assert_eq!(allowed_ref_scopes(&s, "app"), ["secret/team/app"]);
    }

    #[test]
    fn scopes_are_segment_prefixes() {
        let scopes = vec!["secret/app".to_string()];
        assert!(ref_in_scope(&r("secret", "app"), &scopes));
        assert!(ref_in_scope(&r("secret", "app/db"), &scopes));
        assert!(!ref_in_scope(&r("secret", "app2"), &scopes));
        assert!(!ref_in_scope(&r("secret", "other-team/db"), &scopes));
        assert!(!ref_in_scope(&r("secret", "app/../other"), &scopes));
        assert!(!ref_in_scope(&r("kv", "app"), &scopes));
    }

    #[test]
    fn loader_variables_and_lines() {
        for n in [
            "PATH",
            "LD_PRELOAD",
            "DYLD_INSERT_LIBRARIES",
            "PYTHONPATH",
            "NODE_OPTIONS",
        ] {
            assert!(is_loader_variable(n), "{n}");
        }
        assert!(!is_loader_variable("DATABASE_URL"));
        assert!(!is_loader_variable("MYPATH"));
        assert_eq!(line_of("# c\nA=1\nexport PATH = ./bin\n", "PATH"), Some(3));
        assert_eq!(line_of("PATHX=1\n", "PATH"), None);
        assert_eq!(host_of("http://127.0.0.1:8200/"), "127.0.0.1:8200");
    }
}
