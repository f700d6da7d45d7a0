//! Each agent's hook answer format (see docs/agents.md for the sources). A deny is the only
//! decision keyward ever expresses: an explicit "allow" would skip the user's own permission
//! prompts, so "no opinion" is always empty stdout and exit 0.

use serde_json::json;

use super::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    Claude,
    Cursor,
    Copilot,
    Codex,
    Windsurf,
    Gemini,
}

/// What the hook process prints and how it exits.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub stdout: Option<String>,
    pub stderr: Option<String>,
    pub exit: u8,
}

impl Answer {
    pub fn no_opinion() -> Answer {
        Answer::default()
    }

    /// A warning the user sees, without blocking.
    pub fn warn(msg: &str) -> Answer {
        Answer {
            stderr: Some(msg.to_string()),
            ..Answer::default()
        }
    }
}

/// The deny (or, where the agent cannot block this event, the warning) for `msg`.
pub fn deny(agent: Agent, stage: Stage, event: &str, msg: &str) -> Answer {
    let out = |v: serde_json::Value| Answer {
        stdout: Some(v.to_string()),
        stderr: None,
        exit: 0,
    };
    let exit2 = || Answer {
        stdout: None,
        stderr: Some(msg.to_string()),
        exit: 2,
    };
    match (agent, stage) {
        (Agent::Claude | Agent::Codex, Stage::Prompt | Stage::After) => {
            out(json!({"decision": "block", "reason": msg}))
        }
        (Agent::Claude | Agent::Codex, _) => out(json!({
            "hookSpecificOutput": {
                "hookEventName": event,
                "permissionDecision": "deny",
                "permissionDecisionReason": msg,
            }
        })),
        (Agent::Cursor, Stage::Prompt) => out(json!({"continue": false, "user_message": msg})),
        // Cursor's after-hooks are fire-and-forget: nothing to block, so warn the user.
        (Agent::Cursor, Stage::After) => Answer::warn(msg),
        (Agent::Cursor, _) => out(json!({
            "permission": "deny",
            "user_message": msg,
            "agent_message": msg,
        })),
        (Agent::Copilot, Stage::Read | Stage::Tool) => out(json!({
            "permissionDecision": "deny",
            "permissionDecisionReason": msg,
        })),
        // Copilot ignores the output of its prompt and post-tool hooks.
        (Agent::Copilot, _) => Answer::warn(msg),
        (Agent::Windsurf, Stage::After) => Answer::warn(msg),
        (Agent::Windsurf | Agent::Gemini, _) => exit2(),
    }
}
