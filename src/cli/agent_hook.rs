//! `keyward agent-hook --agent NAME EVENT`: the thin front-end over `keyward::agent`. Reads the
//! agent's hook JSON from stdin (bounded), answers in the agent's protocol, and maps its own
//! failures to a deny when the policy is fail-closed (the default for a pre-action event).

use std::{
    io::{Read, Write},
    process::ExitCode,
};

use keyward::{
    agent::{
        self,
        protocol::{self, Agent, Answer},
        Stage, MAX_INPUT,
    },
    Scanner,
};

#[derive(Debug, clap::Args)]
pub struct AgentHookArgs {
    /// Which agent calls this hook (its answer format differs).
    #[arg(long, value_enum)]
    agent: Agent,
    /// The hook event, as the agent names it (`PreToolUse`, `beforeReadFile`, `pre_write_code`…).
    #[arg(value_name = "EVENT")]
    event: String,
    /// When keyward cannot check a payload (unreadable, too large, bad JSON), let it through
    /// with a warning instead of denying it.
    #[arg(long)]
    fail_open: bool,
}

pub fn run(a: AgentHookArgs) -> anyhow::Result<ExitCode> {
    let answer = answer(&a);
    let mut out = std::io::stdout().lock();
    if let Some(s) = &answer.stdout {
        writeln!(out, "{s}")?;
    }
    if let Some(s) = &answer.stderr {
        eprintln!("{s}");
    }
    Ok(ExitCode::from(answer.exit))
}

fn answer(a: &AgentHookArgs) -> Answer {
    let mut buf = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf);
    let fail = |stage: Stage, why: &str| {
        let msg = format!("keyward could not check this {} event: {why}", a.event);
        if a.fail_open || matches!(stage, Stage::After | Stage::Other) {
            Answer::warn(&msg)
        } else {
            protocol::deny(
                a.agent,
                stage,
                &a.event,
                &format!("{msg} (blocked: fail-closed policy)"),
            )
        }
    };
    // Before the payload is parsed only the event name tells the stage.
    let guess = agent::stage(&a.event, &serde_json::Value::Null);
    let guess = if guess == Stage::Other {
        Stage::Tool
    } else {
        guess
    };
    if let Err(e) = read {
        return fail(guess, &format!("reading standard input failed: {e}"));
    }
    if buf.len() > MAX_INPUT {
        return fail(guess, "the payload is over 8 MiB");
    }
    let payload: serde_json::Value = match serde_json::from_slice(&buf) {
        Ok(v) => v,
        Err(e) => return fail(guess, &format!("the payload is not JSON ({e})")),
    };
    let stage = agent::stage(&a.event, &payload);
    if stage == Stage::Other {
        return Answer::no_opinion();
    }
    let cwd = payload
        .get("cwd")
        .and_then(|v| v.as_str())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let scanner = match Scanner::discover(&cwd) {
        Ok(s) => super::keep_for_process(s),
        Err(e) => return fail(stage, &format!("configuration error: {e}")),
    };
    let hits = agent::inspect(scanner, stage, &payload);
    if hits.is_empty() {
        return Answer::no_opinion();
    }
    protocol::deny(a.agent, stage, &a.event, &agent::message(stage, &hits))
}
