//! `keyward agent-hook` driven as each agent drives it: the documented hook payload on stdin,
//! the answer read back in that agent's protocol. Payload shapes follow the sources cited per
//! case (full list in docs/agents.md); tokens are built at runtime.

mod common;

use std::{io::Write, process::Command, process::Stdio};

use serde_json::{json, Value};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn hook(agent: &str, event: &str, payload: &Value) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(["agent-hook", "--agent", agent, event])
        .env("GIT_CONFIG_GLOBAL", "/nonexistent-keyward-test")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A write of `content` to `file` in each agent's documented PreToolUse-style payload.
fn write_payload(agent: &str, dir: &str, file: &str, content: &str) -> (&'static str, Value) {
    match agent {
        // https://code.claude.com/docs/en/hooks (PreToolUse input); Codex mirrors it
        // (https://developers.openai.com/codex/hooks).
        "claude" | "codex" => (
            "PreToolUse",
            json!({"session_id": "s1", "transcript_path": "/tmp/t.jsonl", "cwd": dir,
                   "hook_event_name": "PreToolUse", "tool_name": "Write",
                   "tool_input": {"file_path": file, "content": content}}),
        ),
        // Cursor preToolUse (https://cursor.com/docs/agent/hooks).
        "cursor" => (
            "preToolUse",
            json!({"hook_event_name": "preToolUse", "conversation_id": "c", "generation_id": "g",
                   "workspace_roots": [dir], "tool_name": "Write",
                   "tool_input": {"file_path": file, "content": content}}),
        ),
        // Copilot CLI preToolUse: toolArgs is a JSON string
        // (https://docs.github.com/en/copilot/reference/hooks-configuration).
        "copilot" => (
            "preToolUse",
            json!({"timestamp": 1, "cwd": dir, "toolName": "create",
                   "toolArgs": json!({"path": file, "file_text": content}).to_string()}),
        ),
        // Windsurf pre_write_code (https://docs.windsurf.com/windsurf/cascade/hooks).
        "windsurf" => (
            "pre_write_code",
            json!({"agent_action_name": "pre_write_code", "trajectory_id": "t", "execution_id": "e",
                   "timestamp": "2026-01-01T00:00:00Z",
                   "tool_info": {"file_path": file, "edits": [{"old_string": "", "new_string": content}]}}),
        ),
        // Gemini CLI BeforeTool (https://geminicli.com/docs/hooks/reference).
        "gemini" => (
            "BeforeTool",
            json!({"session_id": "s", "transcript_path": "/t", "cwd": dir,
                   "hook_event_name": "BeforeTool", "timestamp": "2026-01-01T00:00:00Z",
                   "tool_name": "write_file", "tool_input": {"file_path": file, "content": content}}),
        ),
        _ => unreachable!(),
    }
}

/// Whether `o` is a deny in `agent`'s protocol.
fn is_deny(agent: &str, o: &Out) -> bool {
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap_or(Value::Null);
    match agent {
        "claude" | "codex" => {
            v["hookSpecificOutput"]["permissionDecision"] == "deny" && o.code == 0
        }
        "cursor" => v["permission"] == "deny",
        "copilot" => v["permissionDecision"] == "deny",
        "windsurf" | "gemini" => o.code == 2 && !o.stderr.is_empty(),
        _ => false,
    }
}

const AGENTS: [&str; 6] = ["claude", "cursor", "copilot", "codex", "windsurf", "gemini"];

#[test]
fn every_agent_denies_a_write_adding_a_token_and_never_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let token = common::fake::github_pat(7);
    let file = format!("{d}/app.py");
    for agent in AGENTS {
        let (event, p) = write_payload(agent, d, &file, &format!("TOKEN = \"{token}\"\n"));
        let o = hook(agent, event, &p);
        assert!(
            is_deny(agent, &o),
            "{agent}: {} / {} / {}",
            o.code,
            o.stdout,
            o.stderr
        );
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(all.contains("github"), "{agent}: names the rule: {all}");
        assert!(
            !all.contains(&token[4..12]),
            "{agent}: leaked part of the token: {all}"
        );
        assert!(!all.contains("ghp_"), "{agent}: leaked the prefix: {all}");
    }
}

#[test]
fn a_clean_write_gets_no_opinion_and_never_an_explicit_allow() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let file = format!("{d}/app.py");
    for agent in AGENTS {
        let (event, p) = write_payload(agent, d, &file, "TOKEN = os.environ[\"GITHUB_TOKEN\"]\n");
        let o = hook(agent, event, &p);
        assert_eq!(o.code, 0, "{agent}: {}", o.stderr);
        assert!(o.stdout.trim().is_empty(), "{agent}: {}", o.stdout);
        assert!(!o.stdout.contains("allow"), "{agent}");
    }
}

#[test]
fn the_claude_deny_tells_the_agent_the_reference_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let token = common::fake::github_pat(8);
    let (event, p) = write_payload(
        "claude",
        d,
        &format!("{d}/app.py"),
        &format!("token = \"{token}\"\n"),
    );
    let o = hook("claude", event, &p);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    let why = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(why.contains("os.environ[\"GITHUB_TOKEN\"]"), "{why}");
    assert!(why.contains("app.py:1"), "{why}");
}

#[test]
fn an_edit_that_keeps_an_existing_token_is_not_an_addition() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let token = common::fake::github_pat(9);
    // Claude Code Edit tool input: file_path, old_string, new_string.
    let p = json!({"cwd": d, "hook_event_name": "PreToolUse", "tool_name": "Edit",
        "tool_input": {"file_path": format!("{d}/a.py"),
            "old_string": format!("t = \"{token}\"  # old"), "new_string": format!("t = \"{token}\"")}});
    let o = hook("claude", "PreToolUse", &p);
    assert!(o.stdout.trim().is_empty(), "{}", o.stdout);
}

#[test]
fn prompts_with_a_token_are_blocked_in_each_protocol() {
    let token = common::fake::github_pat(10);
    let prompt = format!("deploy with {token} please");
    // Claude UserPromptSubmit: {"decision":"block","reason":…}.
    let o = hook(
        "claude",
        "UserPromptSubmit",
        &json!({"hook_event_name": "UserPromptSubmit", "prompt": prompt}),
    );
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["decision"], "block");
    assert!(!o.stdout.contains("ghp_"));
    // Cursor beforeSubmitPrompt: {"continue":false}.
    let o = hook(
        "cursor",
        "beforeSubmitPrompt",
        &json!({"hook_event_name": "beforeSubmitPrompt", "prompt": prompt, "attachments": []}),
    );
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["continue"], false);
    // Windsurf pre_user_prompt and Gemini BeforeAgent: exit 2, reason on stderr.
    let o = hook(
        "windsurf",
        "pre_user_prompt",
        &json!({"agent_action_name": "pre_user_prompt", "tool_info": {"user_prompt": prompt}}),
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("prompt") && !o.stderr.contains("ghp_"),
        "{}",
        o.stderr
    );
    let o = hook(
        "gemini",
        "BeforeAgent",
        &json!({"hook_event_name": "BeforeAgent", "prompt": prompt}),
    );
    assert_eq!(o.code, 2);
}

#[test]
fn reading_a_dotenv_with_a_live_token_is_denied() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("GITHUB_TOKEN={}\n", common::fake::github_pat(11)),
    )
    .unwrap();
    let p = json!({"cwd": d, "hook_event_name": "PreToolUse", "tool_name": "Read",
        "tool_input": {"file_path": format!("{d}/.env")}});
    let o = hook("claude", "PreToolUse", &p);
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    let why = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(
        why.contains(".env:1") && why.contains("variable name"),
        "{why}"
    );
    assert!(!why.contains("ghp_"));
}

#[test]
fn shell_commands_and_tool_output_with_a_token_are_flagged() {
    let token = common::fake::github_pat(12);
    let o = hook(
        "cursor",
        "beforeShellExecution",
        &json!({"hook_event_name": "beforeShellExecution",
        "command": format!("curl -H 'Authorization: token {token}' https://api.github.com"), "cwd": "/tmp"}),
    );
    assert!(is_deny("cursor", &o), "{}", o.stdout);
    let o = hook(
        "claude",
        "PostToolUse",
        &json!({"hook_event_name": "PostToolUse", "tool_name": "Bash",
        "tool_input": {"command": "env"}, "tool_response": {"stdout": format!("GH={token}")}}),
    );
    let v: Value = serde_json::from_str(o.stdout.trim()).unwrap();
    assert_eq!(v["decision"], "block");
    assert!(v["reason"].as_str().unwrap().contains("do not repeat"));
}

#[test]
fn bad_input_fails_closed_by_default_and_open_on_request() {
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keyward"));
        c.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut ch = c.spawn().unwrap();
        ch.stdin.take().unwrap().write_all(b"{not json").unwrap();
        ch.wait_with_output().unwrap()
    };
    let o = run(&["agent-hook", "--agent", "claude", "PreToolUse"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
    let o = run(&[
        "agent-hook",
        "--agent",
        "claude",
        "--fail-open",
        "PreToolUse",
    ]);
    assert!(o.status.success() && o.stdout.is_empty());
    assert!(!o.stderr.is_empty());
}

#[test]
fn scan_reports_an_unprefixed_key_in_committed_mcp_json_headers() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::fake::base62(13, 32);
    let cfg = json!({"mcpServers": {"acme": {"type": "http", "url": "https://mcp.acme.io",
        "headers": {"Authorization": format!("Bearer {key}")}}}});
    std::fs::write(
        dir.path().join(".mcp.json"),
        serde_json::to_string_pretty(&cfg).unwrap(),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(["scan", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("mcp-config-header-credential"), "{text}");
    assert!(!text.contains(&key), "{text}");
}
