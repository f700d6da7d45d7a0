//! `keyward install --agent NAME` and `uninstall --agent NAME`: merge keyward's agent hooks into
//! the configuration file each agent reads (docs/agents.md has the sources), and take them out
//! again leaving the user's file exactly as it was.
//!
//! The user's file is parsed with key order preserved and written back with the indentation it
//! had, so every other setting keeps its place and shape. Before the first change the original
//! bytes are kept as `<file>.keyward-backup`; uninstall removes keyward's entries and, when what
//! is left is the backup's content, writes the backup's bytes back verbatim. Every write goes
//! through [`crate::fsutil::write_atomic`], which refuses a symlinked target: a repository may
//! commit `.claude/settings.json` as a link to a file of the user's.

use std::{
    fs,
    path::{Path, PathBuf},
};

use serde_json::{json, Map, Value};

use super::protocol::Agent;
use crate::fsutil::{self, Mode};

pub const BACKUP_SUFFIX: &str = ".keyward-backup";

/// Every hook command keyward writes contains this; an entry with it is keyward's.
const MARKER: &str = " agent-hook --agent ";

/// Where the configuration goes.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The project's own file under this directory (committed and shared with the team).
    Project(PathBuf),
    /// The user's file under this home directory, for every project.
    Global(PathBuf),
}

/// What install or uninstall did, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Created(PathBuf),
    Updated(PathBuf),
    AlreadyInstalled(PathBuf),
    BackedUp {
        file: PathBuf,
        backup: PathBuf,
    },
    Restored {
        file: PathBuf,
        backup: PathBuf,
    },
    Removed(PathBuf),
    /// The file changed since install: keyward's entries were removed, the backup kept.
    Stripped {
        file: PathBuf,
        backup: Option<PathBuf>,
    },
    NotInstalled(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not valid JSON ({source}); fix it or move it away; nothing was changed", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {why}; nothing was changed", path.display())]
    Shape { path: PathBuf, why: String },
    #[error("{0}")]
    Unsupported(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> InstallError + '_ {
    move |source| InstallError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How an agent's file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `{"hooks": {Event: [{"matcher": M, "hooks": [{"type": "command", "command": C}]}]}}`:
    /// Claude Code, Codex, Gemini CLI.
    Matchers,
    /// `{"version": 1, "hooks": {event: [{"command": C}]}}`: Cursor.
    Cursor,
    /// `{"version": 1, "hooks": {event: [{"type": "command", "bash": C, "timeoutSec": 30}]}}`:
    /// GitHub Copilot.
    Copilot,
    /// `{"hooks": {event: [{"command": C, "show_output": true}]}}`: Windsurf Cascade.
    Windsurf,
}

fn layout(agent: Agent) -> Layout {
    match agent {
        Agent::Claude | Agent::Codex | Agent::Gemini => Layout::Matchers,
        Agent::Cursor => Layout::Cursor,
        Agent::Copilot => Layout::Copilot,
        Agent::Windsurf => Layout::Windsurf,
    }
}

pub fn name(agent: Agent) -> &'static str {
    match agent {
        Agent::Claude => "claude",
        Agent::Cursor => "cursor",
        Agent::Copilot => "copilot",
        Agent::Codex => "codex",
        Agent::Windsurf => "windsurf",
        Agent::Gemini => "gemini",
    }
}

pub const ALL: [Agent; 6] = [
    Agent::Claude,
    Agent::Cursor,
    Agent::Copilot,
    Agent::Codex,
    Agent::Windsurf,
    Agent::Gemini,
];

/// The events keyward answers, per agent, with the matcher where the layout has one: prompts,
/// reads, writes/commands/MCP calls, and tool output.
fn events(agent: Agent) -> &'static [(&'static str, Option<&'static str>)] {
    match agent {
        Agent::Claude | Agent::Codex => &[
            ("UserPromptSubmit", None),
            ("PreToolUse", Some("*")),
            ("PostToolUse", Some("*")),
        ],
        Agent::Gemini => &[
            ("BeforeAgent", None),
            ("BeforeTool", Some(".*")),
            ("AfterTool", Some(".*")),
        ],
        Agent::Cursor => &[
            ("beforeSubmitPrompt", None),
            ("beforeReadFile", None),
            ("beforeShellExecution", None),
            ("beforeMCPExecution", None),
            ("preToolUse", None),
        ],
        Agent::Copilot => &[
            ("userPromptSubmitted", None),
            ("preToolUse", None),
            ("postToolUse", None),
        ],
        Agent::Windsurf => &[
            ("pre_user_prompt", None),
            ("pre_read_code", None),
            ("pre_write_code", None),
            ("pre_run_command", None),
            ("pre_mcp_tool_use", None),
        ],
    }
}

/// The file the agent reads for this scope.
pub fn config_path(agent: Agent, scope: &Scope) -> Result<PathBuf, InstallError> {
    let (base, rel) = match (scope, agent) {
        (Scope::Project(d), Agent::Claude) => (d, ".claude/settings.json"),
        (Scope::Global(h), Agent::Claude) => (h, ".claude/settings.json"),
        (Scope::Project(d), Agent::Codex) => (d, ".codex/hooks.json"),
        (Scope::Global(h), Agent::Codex) => (h, ".codex/hooks.json"),
        (Scope::Project(d), Agent::Gemini) => (d, ".gemini/settings.json"),
        (Scope::Global(h), Agent::Gemini) => (h, ".gemini/settings.json"),
        (Scope::Project(d), Agent::Cursor) => (d, ".cursor/hooks.json"),
        (Scope::Global(h), Agent::Cursor) => (h, ".cursor/hooks.json"),
        (Scope::Project(d), Agent::Windsurf) => (d, ".windsurf/hooks.json"),
        (Scope::Global(h), Agent::Windsurf) => (h, ".codeium/windsurf/hooks.json"),
        (Scope::Project(d), Agent::Copilot) => (d, ".github/hooks/keyward.json"),
        (Scope::Global(_), Agent::Copilot) => {
            return Err(InstallError::Unsupported(
                "GitHub Copilot reads hooks only from a repository's .github/hooks/; run `keyward install --agent copilot` in the repository".into(),
            ))
        }
    };
    Ok(base.join(rel))
}

/// The command the agent runs for `event`. `keyward` is the program: the one on PATH for a
/// project file (committed, so it must work on every developer's machine), the absolute path
/// of this binary for a user file.
fn command(program: &str, agent: Agent, event: &str) -> String {
    format!("{program}{MARKER}{} {event}", name(agent))
}

fn entry(layout: Layout, cmd: &str, matcher: Option<&str>) -> Value {
    match layout {
        Layout::Matchers => {
            let mut m = Map::new();
            if let Some(matcher) = matcher {
                m.insert("matcher".into(), json!(matcher));
            }
            m.insert("hooks".into(), json!([{"type": "command", "command": cmd}]));
            Value::Object(m)
        }
        Layout::Cursor => json!({"command": cmd}),
        Layout::Copilot => json!({"type": "command", "bash": cmd, "timeoutSec": 30}),
        Layout::Windsurf => json!({"command": cmd, "show_output": true}),
    }
}

/// Whether a hook entry (at any depth) is one of keyward's.
fn is_keyward(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains(MARKER),
        Value::Object(m) => ["command", "bash"].iter().any(|k| {
            m.get(*k)
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains(MARKER))
        }),
        _ => false,
    }
}

/// The indentation the file uses (its first indented line), so a rewrite keeps its look.
fn indent_of(text: &str) -> String {
    text.lines()
        .skip(1)
        .find_map(|l| {
            let ws: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            (!ws.is_empty()).then_some(ws)
        })
        .unwrap_or_else(|| "  ".into())
}

fn render(v: &Value, indent: &str, trailing_newline: bool) -> Vec<u8> {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    v.serialize(&mut ser).expect("a JSON value serialises");
    if trailing_newline {
        out.push(b'\n');
    }
    out
}

fn parse(path: &Path, text: &str) -> Result<Value, InstallError> {
    let v: Value = serde_json::from_str(text).map_err(|source| InstallError::Parse {
        path: path.to_path_buf(),
        source,
    })?;
    if !v.is_object() {
        return Err(InstallError::Shape {
            path: path.to_path_buf(),
            why: "the top level is not a JSON object".into(),
        });
    }
    Ok(v)
}

fn backup_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(BACKUP_SUFFIX);
    PathBuf::from(s)
}

/// Adds keyward's hooks to `cfg` (a parsed file, or `{}`); false when they were all there.
fn merge(path: &Path, cfg: &mut Value, agent: Agent, program: &str) -> Result<bool, InstallError> {
    let shape = |why: &str| InstallError::Shape {
        path: path.to_path_buf(),
        why: why.into(),
    };
    let lay = layout(agent);
    let root = cfg.as_object_mut().ok_or_else(|| shape("not an object"))?;
    if matches!(lay, Layout::Cursor | Layout::Copilot) && !root.contains_key("version") {
        root.insert("version".into(), json!(1));
    }
    let hooks = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| shape("`hooks` is not an object"))?;
    let mut changed = false;
    for (event, matcher) in events(agent) {
        let list = hooks
            .entry(event.to_string())
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or_else(|| shape(&format!("`hooks.{event}` is not a list")))?;
        let present = list.iter().any(|e| match lay {
            Layout::Matchers => e
                .get("hooks")
                .and_then(Value::as_array)
                .is_some_and(|hs| hs.iter().any(is_keyward)),
            _ => is_keyward(e),
        });
        if !present {
            list.push(entry(lay, &command(program, agent, event), *matcher));
            changed = true;
        }
    }
    Ok(changed)
}

/// Removes keyward's entries, and the groups, lists and objects that held only them.
fn strip(cfg: &mut Value) -> bool {
    let Some(hooks) = cfg.get_mut("hooks").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut changed = false;
    let mut emptied = Vec::new();
    for (event, list) in hooks.iter_mut() {
        let Some(list) = list.as_array_mut() else {
            continue;
        };
        let before = list.len();
        for group in list.iter_mut() {
            if let Some(inner) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                let n = inner.len();
                inner.retain(|h| !is_keyward(h));
                if inner.len() != n {
                    changed = true;
                    if inner.is_empty() {
                        // Marks the group for removal below.
                        *group = Value::Null;
                    }
                }
            }
        }
        list.retain(|e| !e.is_null() && !is_keyward(e));
        if list.len() != before {
            changed = true;
            if list.is_empty() {
                emptied.push(event.clone());
            }
        }
    }
    for e in emptied {
        hooks.shift_remove(&e);
    }
    changed
}

/// Whether `cfg` (after [`strip`]) is `original` again: the `version` and empty `hooks` that
/// install adds to a file without them do not count as a difference.
fn same_as(cfg: &Value, original: &Value) -> bool {
    let mut cfg = cfg.clone();
    if let (Some(m), Some(o)) = (cfg.as_object_mut(), original.as_object()) {
        if !o.contains_key("version") && m.get("version") == Some(&json!(1)) {
            m.shift_remove("version");
        }
        if !o.contains_key("hooks")
            && m.get("hooks")
                .and_then(Value::as_object)
                .is_some_and(Map::is_empty)
        {
            m.shift_remove("hooks");
        }
    }
    &cfg == original
}

/// Whether `v` holds nothing but what install adds to a new file (`{}`, `{"hooks": {}}`,
/// `{"version": 1, "hooks": {}}`).
fn is_bare(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.iter().all(|(k, x)| match k.as_str() {
            "hooks" => x.as_object().is_some_and(Map::is_empty),
            "version" => x == &json!(1),
            _ => false,
        })
    })
}

fn read_existing(path: &Path) -> Result<Option<String>, InstallError> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

fn write(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), InstallError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    fsutil::write_atomic(path, bytes, mode, None).map_err(io(path))
}

/// Installs keyward's hooks for `agent`. `program` is the command to run (see [`command`]).
pub fn install(agent: Agent, scope: &Scope, program: &str) -> Result<Vec<Action>, InstallError> {
    let path = config_path(agent, scope)?;
    // Checked before reading, so a symlinked file is refused before anything is backed up.
    fsutil::check_target(&path, None).or_else(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Ok(PathBuf::new()),
        _ => Err(io(&path)(e)),
    })?;
    let existing = read_existing(&path)?;
    let mut cfg = match &existing {
        Some(t) if !t.trim().is_empty() => parse(&path, t)?,
        _ => Value::Object(Map::new()),
    };
    // A file that already holds keyward's entries (an older install) is not the user's
    // original: the backup taken then stays the one uninstall restores.
    let had_keyward = strip(&mut cfg.clone());
    if !merge(&path, &mut cfg, agent, program)? {
        return Ok(vec![Action::AlreadyInstalled(path)]);
    }
    let mut actions = Vec::new();
    let (indent, newline) = match &existing {
        Some(t) if !t.trim().is_empty() => (indent_of(t), t.ends_with('\n')),
        _ => ("  ".to_string(), true),
    };
    if let Some(original) = existing.as_ref().filter(|_| !had_keyward) {
        // The backup is the user's file as it was before keyward touched it: it may hold
        // tokens in an `env` block, so it is private.
        let backup = backup_path(&path);
        write(&backup, original.as_bytes(), Mode::Private)?;
        actions.push(Action::BackedUp {
            file: path.clone(),
            backup,
        });
    }
    // A settings file may hold secrets (`env` blocks): a new one is private, an existing one
    // keeps its mode.
    let mode = if existing.is_some() {
        Mode::Shared
    } else {
        Mode::Private
    };
    write(&path, &render(&cfg, &indent, newline), mode)?;
    actions.push(if existing.is_some() {
        Action::Updated(path)
    } else {
        Action::Created(path)
    });
    Ok(actions)
}

/// Removes keyward's hooks for `agent`, restoring the backup verbatim when nothing else changed.
pub fn uninstall(agent: Agent, scope: &Scope) -> Result<Vec<Action>, InstallError> {
    let path = config_path(agent, scope)?;
    let backup = backup_path(&path);
    let Some(text) = read_existing(&path)? else {
        return Ok(vec![Action::NotInstalled(path)]);
    };
    fsutil::check_target(&path, None).map_err(io(&path))?;
    let mut cfg = parse(&path, &text)?;
    if !strip(&mut cfg) {
        return Ok(vec![Action::NotInstalled(path)]);
    }
    match read_existing(&backup)? {
        Some(original) => {
            let same = if original.trim().is_empty() {
                is_bare(&cfg)
            } else {
                serde_json::from_str::<Value>(&original).is_ok_and(|o| same_as(&cfg, &o))
            };
            if same {
                write(&path, original.as_bytes(), Mode::Shared)?;
                fs::remove_file(&backup).map_err(io(&backup))?;
                Ok(vec![Action::Restored { file: path, backup }])
            } else {
                write_stripped(path, &cfg, &text, Some(backup))
            }
        }
        None if is_bare(&cfg) => {
            fs::remove_file(&path).map_err(io(&path))?;
            Ok(vec![Action::Removed(path)])
        }
        None => write_stripped(path, &cfg, &text, None),
    }
}

/// Writes the config without keyward's entries, in the file's own indentation and ending.
fn write_stripped(
    path: PathBuf,
    cfg: &Value,
    text: &str,
    backup: Option<PathBuf>,
) -> Result<Vec<Action>, InstallError> {
    write(
        &path,
        &render(cfg, &indent_of(text), text.ends_with('\n')),
        Mode::Shared,
    )?;
    Ok(vec![Action::Stripped { file: path, backup }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_undoes_merge_for_every_layout() {
        for agent in ALL {
            let bare = json!({"theme": "dark"});
            let mut cfg = bare.clone();
            merge(Path::new("f"), &mut cfg, agent, "keyward").unwrap();
            assert!(strip(&mut cfg));
            assert!(same_as(&cfg, &bare), "{}: {cfg}", name(agent));
            let original = json!({"a": 1, "hooks": {"Other": [{"command": "lint"}]}, "z": [1, 2]});
            let mut cfg = original.clone();
            assert!(merge(Path::new("f"), &mut cfg, agent, "keyward").unwrap());
            assert_ne!(cfg, original);
            assert!(
                !merge(Path::new("f"), &mut cfg, agent, "keyward").unwrap(),
                "idempotent"
            );
            assert!(strip(&mut cfg));
            assert!(same_as(&cfg, &original), "{}: {cfg}", name(agent));
        }
    }

    #[test]
    fn indentation_is_read_from_the_file() {
        assert_eq!(indent_of("{\n    \"a\": 1\n}\n"), "    ");
        assert_eq!(indent_of("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(indent_of("{}"), "  ");
    }
}
