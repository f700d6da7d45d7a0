//! The vault quick-fix and `keyward run` against a real OpenBao dev server on loopback.

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::fake::github_pat;
use lsp_client::{apply_text_edits, edits_for, file_uri, LspClient};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// A `bao server -dev` on a free loopback port with a random root token; killed on drop, so
/// also when a test panics.
struct Bao {
    child: Child,
    addr: String,
    token: String,
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_bao() -> Option<Bao> {
    let bin = common::require_tool("bao")?;
    // A port picked free can be taken by a parallel test before bao binds it: a server that
    // exits is started again on another port.
    for _attempt in 0..3 {
        if let Some(bao) = start_bao_once(&bin) {
            return Some(bao);
        }
    }
    panic!("bao dev server did not start on three ports");
}

fn start_bao_once(bin: &std::path::Path) -> Option<Bao> {
    let port = free_port();
    let token = format!(
        "root-{}",
        common::fake::base62(std::process::id() as u64 ^ port as u64, 20)
    );
    let child = Command::new(bin)
        .args([
            "server",
            "-dev",
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            &format!("-dev-root-token-id={token}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start bao");
    let mut bao = Bao {
        child,
        addr: format!("http://127.0.0.1:{port}"),
        token,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if bao.child.try_wait().ok().flatten().is_some() {
            return None;
        }
        let ok = ureq::get(&format!("{}/v1/sys/health", bao.addr))
            .call()
            .is_ok_and(|r| r.status() == 200);
        if ok {
            // The dev server mounts KV v2 at secret/ as part of start-up; wait for it too.
            if read_kv(&bao, "secret", "probe").is_some() {
                return Some(bao);
            }
        }
        assert!(
            Instant::now() < deadline,
            "bao dev server did not become healthy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `GET /v1/<mount>/data/<path>` → `data.data`, or `None` on a transport error.
fn read_kv(bao: &Bao, mount: &str, path: &str) -> Option<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .get(&format!("{}/v1/{mount}/data/{path}", bao.addr))
        .header("X-Vault-Token", &bao.token)
        .call()
        .ok()?;
    match r.status().as_u16() {
        200 => Some(r.body_mut().read_json::<Value>().ok()?["data"]["data"].clone()),
        404 => Some(Value::Null),
        _ => None,
    }
}

fn write_kv(bao: &Bao, path: &str, data: Value) {
    let r = ureq::post(&format!("{}/v1/secret/data/{path}", bao.addr))
        .header("X-Vault-Token", &bao.token)
        .send_json(json!({"data": data}))
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn diags(p: &Value) -> Vec<Value> {
    p["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// Opens `text` as Python, runs the vault action; returns (command result, applied edit if any).
/// `keyward run -- CMD` in `root` against the dev server (and no ambient VAULT_* variables).
fn keyward_run(root: &Path, bao: &Bao, cmd: &[&str]) -> std::process::Output {
    common::run(
        common::keyward()
            .current_dir(root)
            .env("BAO_ADDR", &bao.addr)
            .env("BAO_TOKEN", &bao.token)
            .env_remove("VAULT_ADDR")
            .env_remove("VAULT_TOKEN")
            .arg("run")
            .arg("--")
            .args(cmd),
    )
}

fn run_vault_fix(c: &mut LspClient, repo: &Path, file: &str, text: &str) -> (Value, Option<Value>) {
    let uri = file_uri(&repo.join(file));
    c.open(&uri, "python", text);
    let p = c.wait_diagnostics(&uri, WAIT, |p| diags(p).len() == 1);
    let d = diags(&p)[0].clone();
    let list = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Move to Vault"))
        .unwrap_or_else(|| panic!("no vault action in {list}"))
        .clone();
    let before = c.server_requests.len();
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "keyward.moveToVault", "arguments": a["command"]["arguments"]}),
    );
    let edit = c.server_requests[before..]
        .iter()
        .find(|r| r["method"] == "workspace/applyEdit")
        .map(|r| apply_text_edits(text, &edits_for(&r["params"]["edit"], &uri), false))
        .map(Value::String);
    (r, edit)
}

#[test]
fn move_to_vault_then_keyward_run_resolves_it() {
    let Some(bao) = start_bao() else { return };
    let repo = common::git_repo();
    let root = repo.path();
    let project = root.file_name().unwrap().to_string_lossy().to_string();
    // An existing key at the same path must survive (PATCH merges, it does not replace).
    write_kv(&bao, &project, json!({"OTHER": "keep-me"}));
    let opts = json!({"vault": {"address": bao.addr, "token": bao.token}});
    let mut c = LspClient::spawn(&common::keyward_bin(), root, &[]);
    c.initialize(root, json!({}), opts);
    let pat = github_pat(21);
    let text = format!("TOKEN = \"{pat}\"\n");
    let (r, edited) = run_vault_fix(&mut c, root, "svc.py", &text);
    assert_eq!(r["ok"], true, "{r}");
    assert!(!r.to_string().contains(&pat));
    assert_eq!(
        edited.unwrap(),
        "import os\nTOKEN = os.environ[\"GITHUB_TOKEN\"]\n"
    );
    let stored = read_kv(&bao, "secret", &project).unwrap();
    assert_eq!(stored["GITHUB_TOKEN"], pat.as_str());
    assert_eq!(stored["OTHER"], "keep-me");
    let refs = std::fs::read_to_string(root.join(".keyward.refs")).unwrap();
    assert!(
        refs.contains(&format!(
            "GITHUB_TOKEN=ref+vault://secret/data/{project}#GITHUB_TOKEN\n"
        )),
        "{refs}"
    );
    assert!(!refs.contains(&pat));
    assert!(
        !root.join(".env").exists(),
        "the vault fix does not write the value to disk"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".env.example")).unwrap(),
        "GITHUB_TOKEN=\n"
    );

    // A different token under the same name goes to GITHUB_TOKEN_2; the first is untouched.
    let pat2 = github_pat(22);
    let (r, edited) = run_vault_fix(
        &mut c,
        root,
        "other.py",
        &format!("import os\nX = '{pat2}'\n"),
    );
    assert_eq!(r["ok"], true, "{r}");
    let edited = edited.unwrap();
    let edited = edited.as_str().expect("edited text");
    assert_eq!(edited, "import os\nX = os.environ[\"GITHUB_TOKEN_2\"]\n");

    // The edited program itself runs and reads the secret from the vault through `keyward run`.
    std::fs::write(root.join("app.py"), format!("{edited}print(X)\n")).unwrap();
    let py = keyward_run(root, &bao, &["python3", "app.py"]);
    assert!(py.status.success(), "{}", common::stderr(&py));
    assert_eq!(common::stdout(&py).trim(), pat2);
    let stored = read_kv(&bao, "secret", &project).unwrap();
    assert_eq!(stored["GITHUB_TOKEN"], pat.as_str());
    assert_eq!(stored["GITHUB_TOKEN_2"], pat2.as_str());
    c.shutdown();

    // keyward run resolves the references and the program sees the secrets.
    let out = keyward_run(
        root,
        &bao,
        &["sh", "-c", "echo \"$GITHUB_TOKEN $GITHUB_TOKEN_2\"; exit 7"],
    );
    assert_eq!(common::stdout(&out).trim(), format!("{pat} {pat2}"));
    assert_eq!(
        out.status.code(),
        Some(7),
        "keyward run exits with the command's code"
    );

    // A reference that cannot be resolved: exit 2 with the name and the reason.
    std::fs::write(
        root.join(".keyward.refs"),
        format!("MISSING=ref+vault://secret/data/{project}#NOPE\n"),
    )
    .unwrap();
    let out = common::run(
        common::keyward()
            .current_dir(root)
            .env("BAO_ADDR", &bao.addr)
            .env("BAO_TOKEN", &bao.token)
            .args(["run", "--", "true"]),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("MISSING") && err.contains("no key NOPE"),
        "{err}"
    );
}

#[test]
fn vault_failures_leave_the_buffer_alone() {
    let Some(bao) = start_bao() else { return };
    let repo = common::git_repo();
    let root = repo.path();
    let pat = github_pat(31);
    let text = format!("TOKEN = \"{pat}\"\n");

    // Bad token: refused, nothing edited, nothing recorded.
    let mut c = LspClient::spawn(&common::keyward_bin(), root, &[]);
    c.initialize(
        root,
        json!({}),
        json!({"vault": {"address": bao.addr, "token": "not-a-token"}}),
    );
    let (r, edited) = run_vault_fix(&mut c, root, "a.py", &text);
    assert_eq!(r["ok"], false);
    let m = r["message"].as_str().unwrap();
    assert!(
        m.contains("Nothing was changed") && m.contains("403"),
        "{m}"
    );
    assert!(!m.contains(&pat) && !m.contains(&bao.token));
    assert!(edited.is_none(), "no applyEdit after a failed write");
    assert!(!root.join(".keyward.refs").exists());
    c.shutdown();

    // Server down (address and token from BAO_ADDR/BAO_TOKEN this time): same.
    let down = format!("http://127.0.0.1:{}", free_port());
    let mut c = LspClient::spawn(
        &common::keyward_bin(),
        root,
        &[("BAO_ADDR", &down), ("BAO_TOKEN", &bao.token)],
    );
    c.initialize(root, json!({}), json!({"vault": {"timeoutMs": 3000}}));
    let (r, edited) = run_vault_fix(&mut c, root, "b.py", &text);
    assert_eq!(r["ok"], false);
    let m = r["message"].as_str().unwrap();
    assert!(m.contains("cannot reach the vault"), "{m}");
    assert!(edited.is_none());
    // The message may arrive just after the command's response (separate output queues).
    let shown = match c
        .notifications
        .iter()
        .rev()
        .find(|n| n["method"] == "window/showMessage")
    {
        Some(n) => n["params"].clone(),
        None => c.wait_notification("window/showMessage", WAIT),
    };
    assert_eq!(shown["type"], 1, "an error message: {shown}");
    assert!(shown["message"]
        .as_str()
        .unwrap()
        .contains("cannot reach the vault"));
    c.shutdown();

    // No vault configured at all: the action is not offered.
    let mut c = LspClient::spawn(&common::keyward_bin(), root, &[]);
    c.initialize(root, json!({}), json!({}));
    let uri = file_uri(&root.join("c.py"));
    c.open(&uri, "python", &text);
    let p = c.wait_diagnostics(&uri, WAIT, |p| diags(p).len() == 1);
    let d = diags(&p)[0].clone();
    let list = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert!(!list.to_string().contains("Move to Vault"), "{list}");
    c.shutdown();
}

/// A plain TCP listener on loopback that records whatever any client sends it: proof that
/// nothing (no token, no secret) goes to an address a repository chose.
struct Trap {
    addr: String,
    got: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

fn trap() -> Trap {
    use std::io::Read;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", l.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = got.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let mut s = s;
            s.set_read_timeout(Some(Duration::from_millis(500))).ok();
            let mut buf = [0u8; 4096];
            if let Ok(n) = s.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            sink.lock().unwrap().extend_from_slice(b"<connection>");
        }
    });
    Trap { addr, got }
}

impl Trap {
    fn received(&self) -> String {
        String::from_utf8_lossy(&self.got.lock().unwrap()).into_owned()
    }
}

#[test]
fn a_repository_cannot_choose_the_vault_server() {
    let Some(bao) = start_bao() else { return };
    let evil = trap();
    let repo = common::git_repo();
    let root = repo.path();
    let project = root.file_name().unwrap().to_string_lossy().to_string();
    std::fs::write(
        root.join(".keyward.toml"),
        format!(
            "[vault]\naddress = \"{}\"\nnamespace = \"evil\"\n",
            evil.addr
        ),
    )
    .unwrap();
    write_kv(
        &bao,
        &project,
        json!({"DB_PASSWORD": "from-the-user-vault"}),
    );
    std::fs::write(
        root.join(".keyward.refs"),
        format!("DB_PASSWORD=ref+vault://secret/data/{project}#DB_PASSWORD\n"),
    )
    .unwrap();

    // `keyward run`: the user's BAO_ADDR decides, the repository's value is ignored out loud.
    let out = keyward_run(root, &bao, &["sh", "-c", "echo \"$DB_PASSWORD\""]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out).trim(), "from-the-user-vault");
    let err = common::stderr(&out);
    assert!(
        err.contains("ignored `vault.address") && err.contains("ignored `vault.namespace"),
        "{err}"
    );
    assert_eq!(
        evil.received(),
        "",
        "nothing reaches the repository's address"
    );

    // `config explain` says which repository settings were ignored and why.
    let out = common::run(
        common::keyward()
            .current_dir(root)
            .args(["config", "explain"]),
    );
    let text = common::stdout(&out);
    assert!(
        text.contains("repository settings ignored") && text.contains(&evil.addr),
        "{text}"
    );

    // The "Move to Vault" fix: the title names the host it writes to, and it is the user's.
    let mut c = LspClient::spawn(
        &common::keyward_bin(),
        root,
        &[("BAO_ADDR", &bao.addr), ("BAO_TOKEN", &bao.token)],
    );
    c.initialize(root, json!({}), json!({}));
    let pat = github_pat(41);
    let text = format!("TOKEN = \"{pat}\"\n");
    let uri = file_uri(&root.join("svc.py"));
    c.open(&uri, "python", &text);
    let p = c.wait_diagnostics(&uri, WAIT, |p| diags(p).len() == 1);
    let d = diags(&p)[0].clone();
    let list = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let host = bao.addr.trim_start_matches("http://");
    assert!(
        list.to_string()
            .contains(&format!("Move to Vault at {host}: secret/{project}")),
        "{list}"
    );
    let note = c
        .notifications
        .iter()
        .find(|n| {
            n["method"] == "window/showMessage"
                && n["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("ignored `vault.address")
        })
        .cloned();
    assert!(
        note.is_some(),
        "the ignored repository address is shown: {:?}",
        c.notifications
    );
    let (r, edited) = run_vault_fix(&mut c, root, "svc2.py", &text);
    assert_eq!(r["ok"], true, "{r}");
    assert!(edited.is_some());
    assert_eq!(
        read_kv(&bao, "secret", &project).unwrap()["GITHUB_TOKEN"],
        pat.as_str()
    );
    c.shutdown();
    assert_eq!(
        evil.received(),
        "",
        "neither token nor secret left for the repository's address"
    );
}

#[test]
fn keyward_run_confines_refs_and_env_to_what_the_user_allows() {
    let Some(bao) = start_bao() else { return };
    let repo = common::git_repo();
    let root = repo.path();
    let project = root.file_name().unwrap().to_string_lossy().to_string();
    write_kv(&bao, "other-team", json!({"PROD_KEY": "not-yours"}));
    write_kv(&bao, &project, json!({"MINE": "yours"}));

    // A reference outside secret/<project>: refused with file and line, nothing runs.
    std::fs::write(
        root.join(".keyward.refs"),
        format!("MINE=ref+vault://secret/data/{project}#MINE\nSTOLEN=ref+vault://secret/data/other-team#PROD_KEY\n"),
    )
    .unwrap();
    let out = keyward_run(root, &bao, &["sh", "-c", "echo \"$STOLEN\" > ran.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains(".keyward.refs:2") && err.contains("STOLEN"),
        "{err}"
    );
    assert!(!root.join("ran.txt").exists(), "the command did not run");
    // `..` cannot climb out of the project path either.
    std::fs::write(
        root.join(".keyward.refs"),
        format!("STOLEN=ref+vault://secret/data/{project}/../other-team#PROD_KEY\n"),
    )
    .unwrap();
    let out = keyward_run(root, &bao, &["true"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));

    // The user config may allow more.
    let user = root.join("user.toml");
    std::fs::write(&user, "[vault]\nallow_refs = [\"secret/other-team\"]\n").unwrap();
    std::fs::write(
        root.join(".keyward.refs"),
        "SHARED=ref+vault://secret/data/other-team#PROD_KEY\n",
    )
    .unwrap();
    let out = common::run(
        common::keyward()
            .current_dir(root)
            .env("KEYWARD_USER_CONFIG", &user)
            .env("BAO_ADDR", &bao.addr)
            .env("BAO_TOKEN", &bao.token)
            .args(["run", "--", "sh", "-c", "echo \"$SHARED\""]),
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out).trim(), "not-yours");

    // A reference named like a loader variable is dropped too.
    std::fs::write(
        root.join(".keyward.refs"),
        format!("PATH=ref+vault://secret/data/{project}#MINE\nMINE=ref+vault://secret/data/{project}#MINE\n"),
    )
    .unwrap();
    let out = keyward_run(root, &bao, &["sh", "-c", "echo \"$MINE\""]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out).trim(), "yours");
    assert!(
        common::stderr(&out).contains(".keyward.refs:1: ignored PATH"),
        "{}",
        common::stderr(&out)
    );
    std::fs::remove_file(root.join(".keyward.refs")).unwrap();

    // A `.env` cannot choose what runs: PATH and loader variables are dropped with a note, and
    // the program is found on the user's PATH.
    std::fs::create_dir(root.join("bin")).unwrap();
    let fake = root.join("bin/sh");
    std::fs::write(&fake, "#!/bin/sh\ntouch hijacked\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(
        root.join(".env"),
        "APP_MODE=dev\nPATH=./bin\nLD_PRELOAD=./evil.so\n",
    )
    .unwrap();
    let out = keyward_run(
        root,
        &bao,
        &["sh", "-c", "echo \"$APP_MODE [$LD_PRELOAD]\""],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out).trim(), "dev []");
    assert!(!root.join("hijacked").exists(), "./bin/sh did not run");
    let err = common::stderr(&out);
    assert!(
        err.contains(".env:2: ignored PATH") && err.contains(".env:3: ignored LD_PRELOAD"),
        "{err}"
    );
}
