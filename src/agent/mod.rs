//! Guarding AI coding agents: turns one agent hook payload (JSON on stdin) into the texts to
//! scan, runs them through the one [`Scanner`], and answers in that agent's hook protocol
//! (`protocol`). No detection logic lives here: findings come from the scanner, and what the
//! agent is told is built only from rule id, kind of identity and file:line — never any part of
//! the secret, not even a redacted preview, because the answer goes to a model.

pub mod install;
pub mod protocol;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{
    detect::Finding,
    fix::{env_read, literal, upper_snake, Language},
    Scanner,
};

/// Payloads over this size are not scanned (policy decides deny or warn).
pub const MAX_INPUT: usize = 8 * 1024 * 1024;

/// What the agent is about to do (or did), normalised over the agents' event names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Prompt,
    Read,
    /// Write, edit, patch, shell command, MCP or other tool call.
    Tool,
    /// A tool ran; its output is in the payload.
    After,
    /// An event keyward has no opinion on.
    Other,
}

/// One credential the agent must not see or spread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: String,
    pub kind: String,
    /// `path:line` or `prompt:line` / `tool input:line`.
    pub location: String,
    /// The reference to write instead (`os.environ["GITHUB_TOKEN"]`), for edits.
    pub instead: Option<String>,
}

/// Keys whose string values are metadata, not content an agent produced or will read.
const META_KEYS: &[&str] = &[
    "session_id",
    "transcript_path",
    "cwd",
    "hook_event_name",
    "hookEventName",
    "permission_mode",
    "conversation_id",
    "generation_id",
    "tool_use_id",
    "workspace_roots",
    "agent_action_name",
    "trajectory_id",
    "execution_id",
    "timestamp",
    "model",
    "cursor_version",
    "user_email",
    "tool_name",
    "toolName",
    "file_path",
    "filePath",
    "path",
];

/// Keys that hold the text an edit replaces: credentials already there are not "added".
const OLD_KEYS: &[&str] = &["old_string", "old_str", "oldString"];

/// Tool names (all agents) that read a file.
const READ_TOOLS: &[&str] = &["Read", "read_file", "view", "read", "NotebookRead"];

/// Classifies a payload: the stage, from the event name and (for generic tool events) the tool.
pub fn stage(event: &str, payload: &Value) -> Stage {
    let e = event.to_ascii_lowercase().replace(['-', '_'], "");
    let tool = payload
        .get("tool_name")
        .or_else(|| payload.get("toolName"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match e.as_str() {
        "userpromptsubmit"
        | "userpromptsubmitted"
        | "beforesubmitprompt"
        | "preuserprompt"
        | "beforeagent" => Stage::Prompt,
        "beforereadfile" | "prereadcode" => Stage::Read,
        "pretooluse" | "beforetool" if READ_TOOLS.contains(&tool) => Stage::Read,
        "pretooluse"
        | "beforetool"
        | "beforeshellexecution"
        | "beforemcpexecution"
        | "prewritecode"
        | "preruncommand"
        | "premcptooluse" => Stage::Tool,
        "posttooluse"
        | "aftertool"
        | "aftershellexecution"
        | "aftermcpexecution"
        | "postruncommand"
        | "postmcptooluse"
        | "postreadcode" => Stage::After,
        _ => Stage::Other,
    }
}

/// Collects string leaves: `new` gets content, `old` gets replaced text. A string that is
/// itself JSON (Copilot's `toolArgs`, Cursor's MCP `tool_input`) is walked too.
fn leaves(v: &Value, key: Option<&str>, new: &mut Vec<String>, old: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if key.is_some_and(|k| META_KEYS.contains(&k)) {
                return;
            }
            let t = s.trim_start();
            if (t.starts_with('{') || t.starts_with('[')) && t.len() > 1 {
                if let Ok(inner) = serde_json::from_str::<Value>(s) {
                    return leaves(&inner, key, new, old);
                }
            }
            if key.is_some_and(|k| OLD_KEYS.contains(&k)) {
                old.push(s.clone());
            } else {
                new.push(s.clone());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| leaves(x, key, new, old)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(x, Some(k.as_str()), new, old)),
        _ => {}
    }
}

/// The file a read targets, if the payload names one.
fn read_target(payload: &Value) -> Option<PathBuf> {
    let pick = |v: &Value| {
        ["file_path", "filePath", "path", "absolute_path"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str).map(PathBuf::from))
    };
    pick(payload)
        .or_else(|| payload.get("tool_input").and_then(pick))
        .or_else(|| payload.get("tool_info").and_then(pick))
        .or_else(|| payload.get("toolArgs").and_then(pick))
}

/// The reference to write instead of the literal, from the language server's fix idioms.
pub fn instead(text: &str, path: Option<&Path>, f: &Finding) -> Option<String> {
    let lit = literal::locate(text, f.span.clone())?;
    let name = f
        .rule
        .env_var
        .clone()
        .or_else(|| lit.assigned_to.as_deref().map(upper_snake))
        .unwrap_or_else(|| "SECRET".to_string());
    let lang = Language::detect(None, path, text);
    let opts = env_read::Options {
        kubernetes_secret: "app-secrets".into(),
    };
    let fix = env_read::env_read_fix(lang, text, &lit, &name, &opts).ok()?;
    fix.edits.first().map(|e| e.text.clone())
}

/// Scans the payload for the stage; returns the credentials that must stop it.
pub fn inspect(scanner: &Scanner, stage: Stage, payload: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    let hit = |f: &Finding, label: &str, instead: Option<String>| Hit {
        rule: f.rule_id().to_string(),
        kind: f.category().label().to_string(),
        location: format!("{label}:{}", f.start.line),
        instead,
    };
    if stage == Stage::Other {
        return hits;
    }
    if stage == Stage::Read {
        if let Some(p) = read_target(payload) {
            let rel = scanner.relative(&p).into_owned();
            if let Ok(bytes) = read_bounded(&p) {
                for f in scanner.scan(Some(&rel), &bytes).findings {
                    if scanner.blocks(&f) {
                        hits.push(hit(&f, &rel.display().to_string(), None));
                    }
                }
            }
        }
    }
    let (mut new, mut old) = (Vec::new(), Vec::new());
    leaves(payload, None, &mut new, &mut old);
    let existing: std::collections::HashSet<String> = old
        .iter()
        .flat_map(|t| scanner.scan(None, t.as_bytes()).findings)
        .map(|f| f.fingerprint())
        .collect();
    let target = read_target(payload);
    let rel = target.as_ref().map(|p| scanner.relative(p).into_owned());
    let label = match (stage, &rel) {
        (Stage::Prompt, _) => "prompt".to_string(),
        (Stage::After, _) => "tool output".to_string(),
        (_, Some(r)) => r.display().to_string(),
        _ => "tool input".to_string(),
    };
    for text in &new {
        for f in scanner.scan(rel.as_deref(), text.as_bytes()).findings {
            if !scanner.blocks(&f) || existing.contains(&f.fingerprint()) {
                continue;
            }
            let fix = (stage == Stage::Tool).then(|| instead(text, rel.as_deref(), &f));
            hits.push(hit(&f, &label, fix.flatten()));
        }
    }
    hits.dedup();
    hits
}

fn read_bounded(p: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(p)?
        .take(MAX_INPUT as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// The message for the agent: kinds and places, never values.
pub fn message(stage: Stage, hits: &[Hit]) -> String {
    let what = match stage {
        Stage::Prompt => "This prompt contains a credential",
        Stage::Read => "This file holds a live-looking credential; do not read it. Refer to the value by its variable name (for example from .env) instead",
        Stage::Tool => "This tool call would add or pass a hardcoded credential",
        Stage::After => "The tool output contains a credential: do not repeat, store or use it",
        Stage::Other => "keyward found a credential",
    };
    let mut s = format!("keyward: {what}.");
    for h in hits.iter().take(10) {
        s.push_str(&format!("\n- {} ({}) at {}", h.rule, h.kind, h.location));
        if let Some(i) = &h.instead {
            s.push_str(&format!(
                "; write `{i}` instead and keep the value out of the code"
            ));
        }
    }
    if hits.len() > 10 {
        s.push_str(&format!("\n- and {} more", hits.len() - 10));
    }
    s
}
