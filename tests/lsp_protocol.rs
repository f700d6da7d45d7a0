//! Drives the real `keyward lsp` binary over stdio: diagnostics, encodings, incremental sync,
//! large documents, edit bursts, configuration reload and the local quick-fixes.

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::{path::Path, time::Duration};

use common::fake::github_pat;
use lsp_client::{apply_text_edits, edits_for, file_uri, LspClient};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

fn start(repo: &Path, caps: Value, opts: Value) -> (LspClient, Value) {
    let mut c = LspClient::spawn(&common::keyward_bin(), repo, &[]);
    let init = c.initialize(repo, caps, opts);
    (c, init)
}

fn diags(p: &Value) -> Vec<Value> {
    p["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn has_findings(n: usize) -> impl Fn(&Value) -> bool {
    move |p: &Value| diags(p).len() == n
}

fn pos(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

#[test]
fn diagnostic_for_a_secret_names_it_without_showing_it() {
    let repo = common::git_repo();
    let (mut c, init) = start(repo.path(), json!({}), json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        init["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    let pat = github_pat(1);
    let uri = file_uri(&repo.path().join("app.py"));
    c.open(
        &uri,
        "python",
        &format!("import sys\nGITHUB_TOKEN = \"{pat}\"\n"),
    );
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    assert_eq!(p["version"], 1);
    let d = &diags(&p)[0];
    assert_eq!(d["range"], json!({"start": pos(1, 16), "end": pos(1, 56)}));
    assert_eq!(d["severity"], 1, "high confidence is an Error");
    assert_eq!(d["source"], "keyward");
    assert_eq!(d["code"], "github-pat-classic");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .starts_with("https://docs.github.com/"));
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains("GitHub") && msg.contains("API key") && msg.contains("Revoke"),
        "{msg}"
    );
    assert!(
        msg.contains("[redacted]") && !msg.contains(&pat[..12]),
        "{msg}"
    );
    assert_eq!(d["data"]["ruleId"], "github-pat-classic");
    assert_eq!(d["data"]["fingerprint"].as_str().unwrap().len(), 32);
    assert!(!serde_json::to_string(&c.notifications)
        .unwrap()
        .contains(&pat));
    c.shutdown();
}

#[test]
fn columns_follow_the_negotiated_encoding_after_emoji_and_cjk() {
    let repo = common::git_repo();
    let pat = github_pat(2);
    let line = format!("note = \"😀 中文\"; token = \"{pat}\"\n");
    let prefix = &line[..line.find(&pat).unwrap()];
    let utf16_col = prefix.encode_utf16().count() as u64;
    let utf8_col = prefix.len() as u64;
    assert_ne!(utf16_col, utf8_col);
    for (caps, expected, enc) in [
        (json!({}), utf16_col, "utf-16"),
        (
            json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
            utf8_col,
            "utf-8",
        ),
    ] {
        let (mut c, init) = start(repo.path(), caps, json!({}));
        assert_eq!(init["capabilities"]["positionEncoding"], enc);
        let uri = file_uri(&repo.path().join("a.js"));
        c.open(&uri, "javascript", &format!("// 🚀\n{line}"));
        let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
        let r = &diags(&p)[0]["range"];
        assert_eq!(r["start"], pos(1, expected), "{enc}");
        assert_eq!(r["end"], pos(1, expected + 40), "{enc}");
        c.shutdown();
    }
}

#[test]
fn crlf_documents_and_incremental_edits() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let uri = file_uri(&repo.path().join("b.py"));
    c.open(&uri, "python", "a = 1\r\nb = 2\r\n");
    c.wait_diagnostics(&uri, WAIT, has_findings(0));
    let pat = github_pat(3);
    // Insert on line 1 after "b = ": a ranged edit in the middle of a CRLF document.
    c.change(
        &uri,
        2,
        json!([{"range": {"start": pos(1, 4), "end": pos(1, 5)}, "text": format!("'{pat}'")}]),
    );
    let p = c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 2 && diags(p).len() == 1);
    assert_eq!(diags(&p)[0]["range"]["start"], pos(1, 5));
    // Past-the-end column on line 0 clamps before "\r\n"; the edit lands at the line end.
    c.change(
        &uri,
        3,
        json!([{"range": {"start": pos(0, 99), "end": pos(0, 99)}, "text": "  # x"}]),
    );
    let p = c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 3);
    assert_eq!(
        diags(&p)[0]["range"]["start"],
        pos(1, 5),
        "line 1 untouched"
    );
    // Delete the secret again: diagnostics clear.
    c.change(
        &uri,
        4,
        json!([{"range": {"start": pos(1, 4), "end": pos(1, 46)}, "text": "2"}]),
    );
    c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 4 && diags(p).is_empty());
    // A full-text change works too.
    c.change(&uri, 5, json!([{"text": format!("x = \"{pat}\"\r\n")}]));
    let p = c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 5 && diags(p).len() == 1);
    assert_eq!(diags(&p)[0]["range"]["start"], pos(0, 5));
    c.shutdown();
}

#[test]
fn a_20_mb_document_is_skipped_without_hanging() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let big_uri = file_uri(&repo.path().join("big.txt"));
    let mut big = "x = 1234567890 abcdefghij\n".repeat(20 * 1024 * 1024 / 26);
    big.push_str(&format!("t = \"{}\"\n", github_pat(4)));
    c.open(&big_uri, "plaintext", &big);
    let p = c.wait_diagnostics(&big_uri, Duration::from_secs(60), has_findings(1));
    let d = &diags(&p)[0];
    assert_eq!(d["code"], "keyward.skipped");
    assert_eq!(d["severity"], 3);
    // The server still answers promptly for another document.
    let uri = file_uri(&repo.path().join("small.py"));
    c.open(&uri, "python", &format!("k = \"{}\"\n", github_pat(5)));
    c.wait_diagnostics(&uri, WAIT, has_findings(1));
    c.shutdown();
}

#[test]
fn a_burst_of_1000_edits_ends_with_the_right_diagnostics() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let uri = file_uri(&repo.path().join("burst.ts"));
    let body = "const a = 1;\n".repeat(500);
    c.open(&uri, "typescript", &body);
    c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 1);
    let pat = github_pat(6);
    let typed = format!("const t = \"{pat}\";\n");
    // Type the line one character at a time, then pad with edits elsewhere up to 1,000.
    let mut version = 1;
    for (i, ch) in typed.chars().enumerate() {
        version += 1;
        c.change(&uri, version, json!([{"range": {"start": pos(500, i as u64), "end": pos(500, i as u64)}, "text": ch.to_string()}]));
    }
    while version < 1001 {
        version += 1;
        let line = (version % 400) as u64;
        c.change(
            &uri,
            version,
            json!([{"range": {"start": pos(line, 6), "end": pos(line, 7)}, "text": "b"}]),
        );
    }
    let p = c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 1001);
    let d = diags(&p);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"], pos(500, 11));
    c.drain(Duration::from_millis(300));
    let publishes = c
        .notifications
        .iter()
        .filter(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri.as_str()
        })
        .count();
    assert!(
        publishes < 200,
        "{publishes} publishes for 1,000 edits: scans were not coalesced"
    );
    c.shutdown();
}

#[test]
fn configuration_reloads_when_keyward_toml_changes() {
    let repo = common::git_repo();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut c, _) = start(repo.path(), caps, json!({}));
    let uri = file_uri(&repo.path().join("c.py"));
    c.open(&uri, "python", &format!("k = \"{}\"\n", github_pat(7)));
    c.wait_diagnostics(&uri, WAIT, has_findings(1));
    assert!(
        c.server_requests
            .iter()
            .any(|r| r["method"] == "client/registerCapability"
                && r["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"),
        "server registers a watcher for its config files"
    );
    let cfg = repo.path().join(".keyward.toml");
    std::fs::write(&cfg, "[allowlist]\nrules = [\"github-pat-classic\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&cfg), "type": 1}]}),
    );
    c.wait_diagnostics(&uri, WAIT, has_findings(0));
    // A broken config is reported on the document instead of silently scanning with defaults.
    std::fs::write(&cfg, "[allowlist\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&cfg), "type": 2}]}),
    );
    let p = c.wait_diagnostics(&uri, WAIT, |p| {
        diags(p)
            .first()
            .is_some_and(|d| d["code"] == "keyward.config")
    });
    assert!(diags(&p)[0]["message"]
        .as_str()
        .unwrap()
        .contains(".keyward.toml"));
    c.shutdown();
}

/// Asks for code actions on the one diagnostic of `uri` and returns (diagnostic, actions).
fn actions(c: &mut LspClient, uri: &str, p: &Value) -> (Value, Vec<Value>) {
    let d = diags(p)[0].clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    (d, r.as_array().cloned().unwrap_or_default())
}

fn action<'a>(list: &'a [Value], prefix: &str) -> &'a Value {
    list.iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no action `{prefix}…` in {list:?}"))
}

/// Runs the env-var fix on a one-line document and returns the edited text.
fn env_fix(c: &mut LspClient, repo: &Path, file: &str, lang: &str, text: &str) -> String {
    let uri = file_uri(&repo.join(file));
    c.open(&uri, lang, text);
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let (_, list) = actions(c, &uri, &p);
    let a = action(&list, "Move to environment variable");
    assert_eq!(a["isPreferred"], true);
    assert_eq!(a["command"]["command"], "keyward.moveToEnv");
    assert!(
        !a.to_string()
            .contains(&text[text.find("ghp_").unwrap()..][..40]),
        "the secret must not travel in arguments"
    );
    let before = c.server_requests.len();
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "keyward.moveToEnv", "arguments": a["command"]["arguments"]}),
    );
    assert_eq!(r["ok"], true, "{r}");
    let edit = c.server_requests[before..]
        .iter()
        .find(|r| r["method"] == "workspace/applyEdit")
        .expect("an applyEdit after the value was stored")["params"]["edit"]
        .clone();
    apply_text_edits(text, &edits_for(&edit, &uri), false)
}

#[test]
fn move_to_env_for_several_languages() {
    let repo = common::git_repo();
    let root = repo.path();
    let caps = json!({"workspace": {"workspaceEdit": {"documentChanges": true}}});
    let (mut c, _) = start(root, caps, json!({}));
    let p1 = github_pat(11);
    let out = env_fix(
        &mut c,
        root,
        "app.py",
        "python",
        &format!("import sys\nGITHUB_TOKEN = \"{p1}\"\n"),
    );
    assert_eq!(
        out,
        "import os\nimport sys\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n"
    );
    let env = std::fs::read_to_string(root.join(".env")).unwrap();
    assert_eq!(env, format!("GITHUB_TOKEN={p1}\n"));
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        ".env\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".env.example")).unwrap(),
        "GITHUB_TOKEN=\n"
    );
    assert!(common::git_ok(root, &["check-ignore", ".env"]).contains(".env"));

    // A second, different token: the first is not clobbered, the new one is GITHUB_TOKEN_2.
    let p2 = github_pat(12);
    let out = env_fix(
        &mut c,
        root,
        "web.js",
        "javascript",
        &format!("const t = '{p2}';\n"),
    );
    assert_eq!(out, "const t = process.env.GITHUB_TOKEN_2;\n");
    let env = std::fs::read_to_string(root.join(".env")).unwrap();
    assert_eq!(env, format!("GITHUB_TOKEN={p1}\nGITHUB_TOKEN_2={p2}\n"));
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        ".env\n",
        "not added twice"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".env.example")).unwrap(),
        "GITHUB_TOKEN=\nGITHUB_TOKEN_2=\n"
    );

    // The same token again reuses its entry.
    let out = env_fix(
        &mut c,
        root,
        "main.go",
        "go",
        &format!("package main\n\nimport (\n\t\"fmt\"\n)\n\nvar tok = \"{p1}\"\n"),
    );
    assert_eq!(out, "package main\n\nimport (\n\t\"os\"\n\t\"fmt\"\n)\n\nvar tok = os.Getenv(\"GITHUB_TOKEN\")\n");
    assert_eq!(
        std::fs::read_to_string(root.join(".env"))
            .unwrap()
            .lines()
            .count(),
        2
    );

    let p3 = github_pat(13);
    let out = env_fix(
        &mut c,
        root,
        "deploy.sh",
        "shellscript",
        &format!("export GH={p3}\n"),
    );
    assert_eq!(out, "export GH=\"${GITHUB_TOKEN_3:?}\"\n");
    let yaml = format!("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - env:\n        - name: GH\n          value: \"{p3}\"\n");
    let out = env_fix(&mut c, root, "pod.yaml", "yaml", &yaml);
    let project = root.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(
        out,
        format!("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - env:\n        - name: GH\n          valueFrom:\n            secretKeyRef:\n              name: {project}-secrets\n              key: github-token-3\n")
    );
    c.shutdown();
}

#[test]
fn refused_edit_keeps_the_buffer_and_reports_where_the_secret_is() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    c.apply_edits = false;
    let uri = file_uri(&repo.path().join("x.rb"));
    let pat = github_pat(14);
    c.open(&uri, "ruby", &format!("token = '{pat}'\n"));
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let (_, list) = actions(&mut c, &uri, &p);
    let a = action(&list, "Move to environment variable").clone();
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "keyward.moveToEnv", "arguments": a["command"]["arguments"]}),
    );
    assert_eq!(r["ok"], false);
    let m = r["message"].as_str().unwrap();
    assert!(
        m.contains(".env as GITHUB_TOKEN") && m.contains("buffer was not changed"),
        "{m}"
    );
    assert!(!m.contains(&pat));
    c.shutdown();
}

#[test]
fn mark_false_positive_and_add_to_baseline() {
    let repo = common::git_repo();
    let (mut c, _) = start(
        repo.path(),
        json!({"textDocument": {"codeAction": {"disabledSupport": true}}}),
        json!({}),
    );
    let uri = file_uri(&repo.path().join("t.py"));
    let text = format!("k = \"{}\"\n", github_pat(15));
    c.open(&uri, "python", &text);
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let (_, list) = actions(&mut c, &uri, &p);
    let mark = action(&list, "Mark as false positive");
    let edited = apply_text_edits(&text, &edits_for(&mark["edit"], &uri), false);
    assert_eq!(edited, format!("{} # keyward:allow\n", text.trim_end()));
    c.change(&uri, 2, json!([{"text": edited}]));
    c.wait_diagnostics(&uri, WAIT, |p| p["version"] == 2 && diags(p).is_empty());

    // JSON has no comments: the marker action is shown disabled with the reason.
    let juri = file_uri(&repo.path().join("cfg.json"));
    c.open(
        &juri,
        "json",
        &format!("{{\"token\": \"{}\"}}\n", github_pat(16)),
    );
    let p = c.wait_diagnostics(&juri, WAIT, has_findings(1));
    let (_, list) = actions(&mut c, &juri, &p);
    let mark = action(&list, "Mark as false positive");
    assert!(
        mark["disabled"]["reason"]
            .as_str()
            .unwrap()
            .contains("allowlist"),
        "{mark}"
    );
    let base = action(&list, "Add to baseline");
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "keyward.addToBaseline", "arguments": base["command"]["arguments"]}),
    );
    assert_eq!(r["ok"], true, "{r}");
    c.wait_diagnostics(&juri, WAIT, has_findings(0));
    let b = std::fs::read_to_string(repo.path().join(".keyward-baseline.toml")).unwrap();
    assert!(
        b.contains("github-pat-classic") && b.contains("cfg.json"),
        "{b}"
    );
    c.shutdown();
}

#[test]
fn fixes_are_offered_when_the_client_drops_diagnostic_data() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let uri = file_uri(&repo.path().join("app.py"));
    c.open(&uri, "python", &format!("TOKEN = \"{}\"\n", github_pat(21)));
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    // Some clients do not echo `data` back: the server matches rule id and range instead.
    let mut d = diags(&p)[0].clone();
    d.as_object_mut().unwrap().remove("data");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d.clone()]}}),
    );
    let list = r.as_array().cloned().unwrap_or_default();
    action(&list, "Move to environment variable");
    // A diagnostic at another range does not borrow this finding's fixes.
    d["range"] = json!({"start": pos(0, 0), "end": pos(0, 5)});
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert!(r.as_array().is_none_or(|a| a.is_empty()), "{r}");
    c.shutdown();
}

/// Runs the env fix on `file` and returns the command's result and whether an edit was sent.
fn try_env_fix(c: &mut LspClient, repo: &Path, file: &str, text: &str) -> (Value, bool) {
    let uri = file_uri(&repo.join(file));
    c.open(&uri, "python", text);
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let (_, list) = actions(c, &uri, &p);
    let a = action(&list, "Move to environment variable").clone();
    let before = c.server_requests.len();
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "keyward.moveToEnv", "arguments": a["command"]["arguments"]}),
    );
    let edited = c.server_requests[before..]
        .iter()
        .any(|r| r["method"] == "workspace/applyEdit");
    (r, edited)
}

#[cfg(unix)]
#[test]
fn env_fix_never_writes_through_a_committed_symlink() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("bashrc");
    std::fs::write(&victim, "# the user's own file\n").unwrap();
    let repo = common::git_repo();
    let root = repo.path();
    // Links at the names 0.1 used for its temp files: one out of the repository, one into a
    // tracked file.
    std::fs::create_dir(root.join("public")).unwrap();
    std::fs::write(root.join("public/leak.txt"), "public\n").unwrap();
    symlink(&victim, root.join("..gitignore.keyward-tmp")).unwrap();
    symlink("public/leak.txt", root.join("..env.keyward-tmp")).unwrap();
    symlink(&victim, root.join("..env.example.keyward-tmp")).unwrap();
    common::git_ok(root, &["add", "-A"]);
    let (mut c, _) = start(root, json!({}), json!({}));
    let pat = github_pat(51);
    let (r, edited) = try_env_fix(&mut c, root, "a.py", &format!("T = \"{pat}\"\n"));
    assert_eq!(r["ok"], true, "{r}");
    assert!(edited);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "# the user's own file\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("public/leak.txt")).unwrap(),
        "public\n"
    );
    assert!(std::fs::read_to_string(root.join(".env"))
        .unwrap()
        .contains(&pat));
    c.shutdown();

    // The target itself a symlink: refused, said why, nothing written, no edit.
    let repo = common::git_repo();
    let root = repo.path();
    symlink(&victim, root.join(".env")).unwrap();
    let (mut c, _) = start(root, json!({}), json!({}));
    let (r, edited) = try_env_fix(
        &mut c,
        root,
        "b.py",
        &format!("T = \"{}\"\n", github_pat(52)),
    );
    assert_eq!(r["ok"], false, "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("symbolic link"),
        "{r}"
    );
    assert!(!edited);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "# the user's own file\n"
    );
    c.shutdown();
}

#[test]
fn env_fix_refuses_tracked_and_outside_targets() {
    // A committed .env that .gitignore also lists is still tracked: refused.
    let repo = common::git_repo();
    let root = repo.path();
    std::fs::write(root.join(".env"), "EXISTING=1\n").unwrap();
    common::git_ok(root, &["add", ".env"]);
    std::fs::write(root.join(".gitignore"), ".env\n").unwrap();
    let (mut c, _) = start(root, json!({}), json!({}));
    let pat = github_pat(53);
    let (r, edited) = try_env_fix(&mut c, root, "a.py", &format!("T = \"{pat}\"\n"));
    assert_eq!(r["ok"], false, "{r}");
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("tracked by git") && !m.contains(&pat), "{m}");
    assert!(!edited);
    assert_eq!(
        std::fs::read_to_string(root.join(".env")).unwrap(),
        "EXISTING=1\n"
    );
    c.shutdown();

    // envFile (workspace-settable) naming a tracked source file, or a file outside: refused.
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    common::git_ok(&root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir(root.join("public")).unwrap();
    std::fs::write(root.join("public/config.js"), "// config\n").unwrap();
    common::git_ok(&root, &["add", "-A"]);
    for (env_file, why) in [
        ("public/config.js", "tracked by git"),
        ("../outside.env", "outside the repository"),
    ] {
        let (mut c, _) = start(&root, json!({}), json!({"envFile": env_file}));
        let (r, edited) = try_env_fix(
            &mut c,
            &root,
            "b.py",
            &format!("T = \"{}\"\n", github_pat(54)),
        );
        assert_eq!(r["ok"], false, "{env_file}: {r}");
        assert!(
            r["message"].as_str().unwrap().contains(why),
            "{env_file}: {r}"
        );
        assert!(!edited);
        c.shutdown();
    }
    assert_eq!(
        std::fs::read_to_string(root.join("public/config.js")).unwrap(),
        "// config\n"
    );
    assert!(!outer.path().join("outside.env").exists());
}
/// VS Code's Restricted Mode: the extension sends `trusted: false`. The finding is still
/// published, but no fix is offered and a fix command sent anyway writes nothing; once the
/// folder is trusted (a settings change) the fixes come back.
#[test]
fn an_untrusted_folder_gets_diagnostics_but_no_fixes() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({"trusted": false}));
    let uri = file_uri(&repo.path().join("app.py"));
    let pat = github_pat(15);
    c.open(&uri, "python", &format!("TOKEN = \"{pat}\"\n"));
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let (d, list) = actions(&mut c, &uri, &p);
    assert!(list.is_empty(), "no fix in an untrusted folder: {list:?}");
    let args =
        json!([{"uri": uri, "fingerprint": d["data"]["fingerprint"], "name": "GITHUB_TOKEN"}]);
    for cmd in ["keyward.moveToEnv", "keyward.addToBaseline"] {
        let r = c.request(
            "workspace/executeCommand",
            json!({"command": cmd, "arguments": args}),
        );
        assert_eq!(r["ok"], false, "{r}");
        assert!(
            r["message"].as_str().unwrap().contains("not trusted"),
            "{r}"
        );
    }
    assert!(!repo.path().join(".env").exists(), "nothing written");
    assert!(!repo.path().join(".keyward-baseline.toml").exists());

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"keyward": {"trusted": true}}}),
    );
    c.drain(Duration::from_millis(300));
    let (_, list) = actions(&mut c, &uri, &p);
    action(&list, "Move to environment variable");
    c.shutdown();
}

#[test]
fn a_confidence_setting_change_republishes_open_documents_without_a_restart() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let uri = file_uri(&repo.path().join("app.py"));
    let pat = github_pat(16);
    // A high finding (the token) and a medium one (a random value under a secret name).
    let medium = common::fake::base62(17, 28);
    c.open(
        &uri,
        "python",
        &format!("TOKEN = \"{pat}\"\napi_secret = \"{medium}\"\n"),
    );
    c.wait_diagnostics(&uri, WAIT, has_findings(2));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"keyward": {"confidence": "high"}}}),
    );
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    assert_eq!(p["diagnostics"][0]["code"], "github-pat-classic", "{p}");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"keyward": {}}}),
    );
    c.wait_diagnostics(&uri, WAIT, has_findings(2));
    c.shutdown();
}

#[test]
fn a_git_ignored_env_file_is_information_not_an_error() {
    let repo = common::git_repo();
    std::fs::write(repo.path().join(".gitignore"), ".env\n").unwrap();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let pat = github_pat(18);
    let env = file_uri(&repo.path().join(".env"));
    c.open(&env, "dotenv", &format!("GITHUB_TOKEN={pat}\n"));
    let p = c.wait_diagnostics(&env, WAIT, has_findings(1));
    assert_eq!(p["diagnostics"][0]["severity"], 3, "information: {p}");
    // The same token in code (or in a .env git would commit) stays an error.
    let code = file_uri(&repo.path().join("app.py"));
    c.open(&code, "python", &format!("TOKEN = \"{pat}\"\n"));
    let p = c.wait_diagnostics(&code, WAIT, has_findings(1));
    assert_eq!(p["diagnostics"][0]["severity"], 1, "error: {p}");
    let tracked = file_uri(&repo.path().join("deploy.env"));
    c.open(&tracked, "dotenv", &format!("GITHUB_TOKEN={pat}\n"));
    let p = c.wait_diagnostics(&tracked, WAIT, has_findings(1));
    assert_eq!(
        p["diagnostics"][0]["severity"], 1,
        "not ignored, so an error: {p}"
    );
    c.shutdown();
}

/// Opens a fresh document holding a token and waits for its diagnostic: proof the server is
/// still serving.
fn still_serving(c: &mut LspClient, repo: &Path, n: u64) {
    let uri = file_uri(&repo.join(format!("alive{n}.py")));
    c.open(
        &uri,
        "python",
        &format!("k = \"{}\"\n", github_pat(900 + n)),
    );
    c.wait_diagnostics(&uri, WAIT, has_findings(1));
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 0), "end": pos(0, 1)}, "context": {"diagnostics": []}}),
    );
    assert!(r.is_null() || r.is_array(), "{r}");
}

fn error_code(resp: &Value) -> i64 {
    resp["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error response: {resp}"))
}

#[test]
fn undecodable_frames_are_answered_and_the_server_keeps_serving() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let bad: [(&[u8], i64); 5] = [
        (
            br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/codeAct"#,
            -32700,
        ),
        (b"\xff\xfe not json at all", -32700),
        (b"[]", -32600),
        (br#"{"jsonrpc":"2.0","id":8}"#, -32600),
        (br#"{"jsonrpc":"1.0","id":9,"method":"shutdown"}"#, -32600),
    ];
    for (i, (body, code)) in bad.into_iter().enumerate() {
        c.send_raw(body);
        let id = match i {
            3 => json!(8),
            4 => json!(9),
            _ => Value::Null,
        };
        let resp = c.wait_response(&id);
        assert_eq!(error_code(&resp), code, "frame {i}: {resp}");
        still_serving(&mut c, repo.path(), i as u64);
    }
    c.shutdown();
}

#[test]
fn invalid_utf8_and_lone_surrogates_become_replacement_characters() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    let pat = github_pat(31);
    // A lone high surrogate escape (JavaScript strings may hold one) before the token: one
    // UTF-16 unit, as U+FFFD is, so the token's column is what the editor shows.
    let uri = file_uri(&repo.path().join("s.js"));
    let open = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"javascript","version":1,"text":"// \ud800\nt = \"{pat}\"\n"}}}}}}"#
    );
    c.send_raw(open.as_bytes());
    let p = c.wait_diagnostics(&uri, WAIT, has_findings(1));
    assert_eq!(diags(&p)[0]["range"]["start"], pos(1, 5));
    // Invalid UTF-8 bytes inside the document text.
    let uri2 = file_uri(&repo.path().join("u.py"));
    let mut open2 = format!(
        r##"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri2}","languageId":"python","version":1,"text":"# "##
    )
    .into_bytes();
    open2.extend_from_slice(b"\xc3\x28\xff");
    open2.extend_from_slice(format!(r#"\nk = \"{pat}\"\n"}}}}}}"#).as_bytes());
    c.send_raw(&open2);
    let p = c.wait_diagnostics(&uri2, WAIT, has_findings(1));
    assert_eq!(diags(&p)[0]["range"]["start"]["line"], 1);
    still_serving(&mut c, repo.path(), 10);
    c.shutdown();
}

#[test]
fn dollar_requests_get_method_not_found() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    c.send_raw(br#"{"jsonrpc":"2.0","id":"d1","method":"$/foo","params":{}}"#);
    let resp = c.wait_response(&json!("d1"));
    assert_eq!(error_code(&resp), -32601, "{resp}");
    // A `$/` notification is ignored, as the specification allows.
    c.send_raw(br#"{"jsonrpc":"2.0","method":"$/bar","params":{}}"#);
    still_serving(&mut c, repo.path(), 20);
    c.shutdown();
}

#[test]
fn exit_without_shutdown_exits_with_status_1() {
    let repo = common::git_repo();
    let (mut c, _) = start(repo.path(), json!({}), json!({}));
    still_serving(&mut c, repo.path(), 30);
    c.notify("exit", Value::Null);
    let status = c.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "{status}");
}
