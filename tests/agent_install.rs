//! `keyward install --agent NAME` / `uninstall --agent NAME` on the real binary: every agent's
//! file format round-trips a pre-existing user configuration (other settings and other hooks
//! kept, key order kept, the original restored byte for byte), a file keyward created is
//! removed again, `--global` writes under HOME, and a symlinked settings file is refused.

mod common;

use std::{fs, path::Path};

use serde_json::Value;

/// Each agent's project file, with a user's own settings in that agent's format: 4-space
/// indent, keys out of alphabetical order, a hook of another tool, no trailing newline for one.
fn cases() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "claude",
            ".claude/settings.json",
            "{\n    \"model\": \"opus\",\n    \"env\": {\"FOO\": \"bar\"},\n    \"hooks\": {\n        \"PreToolUse\": [\n            {\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"lint.sh\"}]}\n        ]\n    },\n    \"alwaysThinkingEnabled\": true\n}\n",
        ),
        (
            "codex",
            ".codex/hooks.json",
            "{\n  \"hooks\": {\n    \"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"notify\"}]}]\n  }\n}\n",
        ),
        (
            "gemini",
            ".gemini/settings.json",
            "{\n\t\"theme\": \"GitHub\",\n\t\"autoAccept\": false\n}",
        ),
        (
            "cursor",
            ".cursor/hooks.json",
            "{\n  \"version\": 1,\n  \"hooks\": {\n    \"afterFileEdit\": [{\"command\": \"./format.sh\"}]\n  }\n}\n",
        ),
        (
            "copilot",
            ".github/hooks/keyward.json",
            "{\n  \"version\": 1,\n  \"hooks\": {\n    \"sessionStart\": [{\"type\": \"command\", \"bash\": \"echo hi\"}]\n  }\n}\n",
        ),
        (
            "windsurf",
            ".windsurf/hooks.json",
            "{\n  \"hooks\": {\n    \"post_write_code\": [{\"command\": \"prettier\", \"show_output\": false}]\n  }\n}\n",
        ),
    ]
}

fn keyward_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = common::run(
        common::keyward()
            .current_dir(dir)
            .env("HOME", dir.join("home"))
            .args(args),
    );
    assert!(
        o.status.success(),
        "keyward {args:?}: {}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
    o
}

/// The keyward commands in a config, whatever the layout.
fn keyward_commands(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.contains("agent-hook --agent") => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

#[test]
fn every_agent_format_round_trips_a_users_existing_config() {
    for (agent, rel, original) in cases() {
        let repo = common::git_repo();
        let file = repo.path().join(rel);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, original).unwrap();

        let o = keyward_in(repo.path(), &["install", "--agent", agent]);
        assert!(common::stdout(&o).contains("keyward-backup"), "{agent}");
        let text = fs::read_to_string(&file).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let cmds = keyward_commands(&v);
        assert!(
            cmds.len() >= 3,
            "{agent}: prompt, tool and read/after events hooked: {text}"
        );
        assert!(
            cmds.iter()
                .all(|c| c.starts_with(&format!("keyward agent-hook --agent {agent} "))),
            "{agent}: a project file names keyward on PATH: {cmds:?}"
        );
        // Every user setting survives, in its place, with the file's own indentation.
        let before: Value = serde_json::from_str(original).unwrap();
        for (k, val) in before.as_object().unwrap() {
            if k != "hooks" {
                assert_eq!(&v[k], val, "{agent}: {k}");
            }
        }
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&v)[..keys(&before).len()],
            keys(&before)[..],
            "{agent}: key order"
        );
        for (event, list) in before["hooks"].as_object().into_iter().flatten() {
            for e in list.as_array().unwrap() {
                assert!(
                    v["hooks"][event].as_array().unwrap().contains(e),
                    "{agent}: the user's {event} hook is kept: {text}"
                );
            }
        }
        let indent = original.lines().nth(1).unwrap();
        let indent = &indent[..indent.len() - indent.trim_start().len()];
        assert!(
            text.lines().nth(1).unwrap().starts_with(indent)
                && !text.lines().nth(1).unwrap()[indent.len()..].starts_with([' ', '\t']),
            "{agent}: indentation {indent:?} kept: {text}"
        );
        let backup = repo.path().join(format!("{rel}.keyward-backup"));
        assert_eq!(fs::read_to_string(&backup).unwrap(), original, "{agent}");

        // A second install changes nothing.
        keyward_in(repo.path(), &["install", "--agent", agent]);
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            text,
            "{agent}: idempotent"
        );
        assert_eq!(fs::read_to_string(&backup).unwrap(), original, "{agent}");

        let o = keyward_in(repo.path(), &["uninstall", "--agent", agent]);
        assert!(common::stdout(&o).contains("restored"), "{agent}");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            original,
            "{agent}: byte for byte"
        );
        assert!(!backup.exists(), "{agent}: backup removed");
    }
}

#[test]
fn a_file_keyward_created_is_removed_again_and_global_writes_under_home() {
    let repo = common::git_repo();
    keyward_in(repo.path(), &["install", "--agent", "claude"]);
    let file = repo.path().join(".claude/settings.json");
    let v: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        v["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        "keyward agent-hook --agent claude PreToolUse"
    );
    assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], "*");
    keyward_in(repo.path(), &["uninstall", "--agent", "claude"]);
    assert!(!file.exists());

    // --global: the user's own file, naming this very binary; copilot has none and is skipped.
    let home = repo.path().join("home");
    fs::create_dir_all(&home).unwrap();
    let o = keyward_in(repo.path(), &["install", "--global", "--agent", "all"]);
    assert!(
        common::stdout(&o).contains("copilot: skipped"),
        "{}",
        common::stdout(&o)
    );
    let user = home.join(".claude/settings.json");
    let text = fs::read_to_string(&user).unwrap();
    assert!(
        text.contains(&*common::keyward_bin().to_string_lossy()),
        "{text}"
    );
    assert!(home.join(".codeium/windsurf/hooks.json").is_file());
    assert!(
        !repo.path().join(".claude/settings.json").exists(),
        "nothing in the project"
    );
    keyward_in(repo.path(), &["uninstall", "--global", "--agent", "all"]);
    assert!(!user.exists());
    assert!(!home.join(".cursor/hooks.json").exists());
}

#[test]
fn a_symlinked_settings_file_is_refused_and_left_alone() {
    let repo = common::git_repo();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("settings.json");
    fs::write(&victim, "{\"mine\": true}\n").unwrap();
    fs::create_dir_all(repo.path().join(".claude")).unwrap();
    std::os::unix::fs::symlink(&victim, repo.path().join(".claude/settings.json")).unwrap();
    let o = common::run(
        common::keyward()
            .current_dir(repo.path())
            .args(["install", "--agent", "claude"]),
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::stdout(&o));
    assert!(
        common::stderr(&o).contains("symbolic link"),
        "{}",
        common::stderr(&o)
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "{\"mine\": true}\n");
    assert!(!repo
        .path()
        .join(".claude/settings.json.keyward-backup")
        .exists());
}

#[test]
fn a_config_that_is_not_json_is_reported_and_not_touched() {
    let repo = common::git_repo();
    let file = repo.path().join(".cursor/hooks.json");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, "{ not json").unwrap();
    let o = common::run(
        common::keyward()
            .current_dir(repo.path())
            .args(["install", "--agent", "cursor"]),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("not valid JSON"),
        "{}",
        common::stderr(&o)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "{ not json");
}
