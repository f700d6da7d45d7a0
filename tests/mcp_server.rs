//! `keyward mcp` driven by a real MCP client: the official Python SDK (`mcp` from PyPI, pinned in
//! scripts/test-requirements.txt) runs tests/mcp/client.py, which starts the built binary over
//! stdio, initializes, lists tools, prompts and resources, and calls every tool. The test then
//! checks the answers and the raw stdout transcript: no token, nor its redacted prefix, crosses
//! the wire. Tokens are built at run time so keyward's own repository stays clean.

mod common;

use std::{fs, path::PathBuf, process::Command};

use serde_json::Value;

/// The venv's Python, if it has the `mcp` SDK. Under `KEYWARD_REQUIRE_TOOLS=1` a missing one
/// fails the test instead of skipping it.
fn python_with_mcp() -> Option<PathBuf> {
    let python = common::require_tool("python")?;
    let ok = Command::new(&python)
        .args(["-c", "import mcp.client.stdio"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    if std::env::var_os("KEYWARD_REQUIRE_TOOLS").is_some() {
        panic!(
            "{} has no `mcp` package (run scripts/install-test-deps.sh)",
            python.display()
        );
    }
    eprintln!("SKIP: the Python `mcp` SDK is not installed; run scripts/install-test-deps.sh");
    None
}

struct Run {
    answers: Value,
    transcript: String,
    stderr: String,
}

/// Sets up a workspace repository and a directory beside it, and runs the client against it.
///
/// - `ws/src/config.py`: the token `a` in the working tree (not staged);
/// - `ws/staged.py`: the token `b`, staged;
/// - `outside/secret.py`: the token `c`, outside the workspace, reachable through the links
///   `ws/escape` (directory) and `ws/escape.py` (file).
fn run_client(a: &str, b: &str, c: &str) -> Option<Run> {
    let python = python_with_mcp()?;
    let base = tempfile::tempdir().unwrap();
    let ws = base.path().join("ws");
    let outside = base.path().join("outside");
    fs::create_dir_all(ws.join("src")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    common::git_ok(base.path(), &["init", "-q", "-b", "main", "ws"]);
    fs::write(ws.join("src/config.py"), format!("TOKEN = \"{a}\"\n")).unwrap();
    fs::write(ws.join("staged.py"), format!("api_token = \"{b}\"\n")).unwrap();
    common::git_ok(&ws, &["add", "staged.py"]);
    fs::write(outside.join("secret.py"), format!("k = \"{c}\"\n")).unwrap();
    std::os::unix::fs::symlink(&outside, ws.join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.py"), ws.join("escape.py")).unwrap();

    let transcript = base.path().join("transcript.jsonl");
    let errlog = base.path().join("server-stderr.log");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
    let o = Command::new(&python)
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_keyward"))
        .arg(&ws)
        .arg(&transcript)
        .arg(&errlog)
        .env("KEYWARD_TEST_TEXT", format!("TOKEN = \"{a}\"\n"))
        .env("GIT_CONFIG_GLOBAL", common::empty_git_config())
        .output()
        .unwrap();
    let stderr = fs::read_to_string(&errlog).unwrap_or_default();
    assert!(
        o.status.success(),
        "client failed: {}\nserver stderr: {stderr}",
        String::from_utf8_lossy(&o.stderr)
    );
    let answers: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("client output is not JSON ({e}): {}", common::stdout(&o)));
    Some(Run {
        answers,
        transcript: fs::read_to_string(&transcript).unwrap(),
        stderr,
    })
}

/// A tool answer's structured content, asserting the call succeeded.
fn ok<'a>(run: &'a Run, key: &str) -> &'a Value {
    let r = &run.answers[key];
    assert_eq!(r["isError"], false, "{key}: {r}");
    &r["structuredContent"]
}

/// A tool answer's error text, asserting the call failed as a tool error (not a protocol one).
fn tool_error(run: &Run, key: &str) -> String {
    let r = &run.answers[key];
    assert_eq!(r["isError"], true, "{key} should fail: {r}");
    r["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn paths(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_real_mcp_client_lists_and_calls_every_tool_and_never_sees_a_secret() {
    let (a, b, c) = (
        common::fake::github_pat(31),
        common::fake::github_pat(32),
        common::fake::github_pat(33),
    );
    let Some(run) = run_client(&a, &b, &c) else {
        return;
    };

    // Handshake and listings.
    assert_eq!(
        run.answers["initialize"]["serverInfo"]["name"], "keyward",
        "{}",
        run.answers["initialize"]
    );
    let mut tools: Vec<&str> = run.answers["tools"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    tools.sort_unstable();
    assert_eq!(
        tools,
        ["check_staged", "explain_finding", "scan_path", "scan_text"]
    );
    let prompt = run.answers["prompt"]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap();
    assert!(prompt.contains("ref+vault://"), "{prompt}");
    assert!(prompt.contains("github-pat-classic"), "{prompt}");
    let resource = run.answers["resource"]["contents"][0]["text"]
        .as_str()
        .unwrap();
    assert!(resource.contains("keyward run"), "{resource}");
    assert_eq!(
        run.answers["resources"]["resources"][0]["uri"],
        "keyward://guide/move-secret"
    );

    // scan_text: the finding, described without its value.
    let text = ok(&run, "scan_text");
    let f = &text["findings"][0];
    assert_eq!(text["findings"].as_array().unwrap().len(), 1, "{text}");
    assert_eq!(f["rule_id"], "github-pat-classic", "{f}");
    assert_eq!(f["kind"], "api_key", "{f}");
    assert_eq!(f["confidence"], "high", "{f}");
    assert_eq!(f["validated"], true, "{f}");
    assert_eq!(f["blocks_commit"], true, "{f}");
    assert_eq!(f["location"]["path"], "app.py", "{f}");
    assert_eq!(f["location"]["line"], 1, "{f}");
    assert_eq!(f["location"]["column"], 10, "{f}");
    assert_eq!(f["replace_with"], "os.environ[\"GITHUB_TOKEN\"]", "{f}");
    assert!(!f["remediation"].as_str().unwrap().is_empty(), "{f}");
    let fingerprint = f["fingerprint"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 32, "{f}");
    let clean = ok(&run, "scan_text_clean");
    assert_eq!(clean["findings"], serde_json::json!([]), "{clean}");

    // scan_path: the workspace, not what its links point to.
    let all = ok(&run, "scan_path_all");
    let found = paths(&all["findings"]);
    assert!(found.contains(&"src/config.py".to_string()), "{all}");
    assert!(found.contains(&"staged.py".to_string()), "{all}");
    assert_eq!(found.len(), 2, "the links are not followed: {all}");
    let file = ok(&run, "scan_path_file");
    assert_eq!(paths(&file["findings"]), ["src/config.py"], "{file}");
    // The same credential has the same fingerprint whichever tool found it.
    assert_eq!(file["findings"][0]["fingerprint"], fingerprint, "{file}");
    for key in ["scan_path_outside", "scan_path_absolute"] {
        let e = tool_error(&run, key);
        assert!(e.contains("outside the workspace"), "{key}: {e}");
    }
    for key in ["scan_path_link_dir", "scan_path_link_file"] {
        let e = tool_error(&run, key);
        assert!(e.contains("symbolic link"), "{key}: {e}");
    }
    let e = tool_error(&run, "scan_path_missing");
    assert!(e.contains("no/such/file"), "{e}");

    // check_staged: what the hook would say — only the staged file, and it would block.
    let staged = ok(&run, "check_staged");
    assert_eq!(staged["would_block"], true, "{staged}");
    assert_eq!(paths(&staged["findings"]), ["staged.py"], "{staged}");
    assert_eq!(staged["findings"][0]["blocks_commit"], true, "{staged}");

    // explain_finding.
    let ex = ok(&run, "explain");
    assert_eq!(ex["rule_id"], "github-pat-classic", "{ex}");
    assert_eq!(ex["kind"], "api_key", "{ex}");
    assert_eq!(ex["env_var"], "GITHUB_TOKEN", "{ex}");
    assert!(!ex["remediation"].as_str().unwrap().is_empty(), "{ex}");
    assert!(tool_error(&run, "explain_unknown").contains("no rule `no-such-rule`"));

    // The wire: every line the server wrote, and its stderr, hold no part of any token — not the
    // value, not its body, not the 8-character prefix a redacted terminal report would show.
    assert!(
        run.answers["raw_lines"].as_u64().unwrap() >= 18,
        "the transcript recorded the exchange: {}",
        run.answers["raw_lines"]
    );
    assert!(run.transcript.contains("github-pat-classic"));
    for token in [&a, &b, &c] {
        for part in [&token[..], &token[4..], &token[..8], &token[12..24]] {
            assert!(
                !run.transcript.contains(part),
                "the wire carried part of a token: {part}"
            );
            assert!(!run.stderr.contains(part), "stderr carried {part}");
        }
    }
    assert!(
        !run.transcript.contains("redacted"),
        "no redacted preview either"
    );
}

#[test]
fn the_server_refuses_to_serve_the_filesystem_root() {
    let o = common::run(
        common::keyward()
            .args(["mcp", "--workspace", "/"])
            .stdin(std::process::Stdio::null()),
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("--workspace"),
        "{}",
        common::stderr(&o)
    );
    assert!(o.stdout.is_empty(), "nothing on the protocol channel");
}
