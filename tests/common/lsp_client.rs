//! A small JSON-RPC client that drives the real `keyward lsp` binary over stdio with
//! Content-Length framing. Used by the LSP and vault tests and by `benches/lsp.rs`. It waits for
//! each response (no pipelining of `initialize`/`exit`), answers the server's own requests
//! (`workspace/applyEdit`, `client/registerCapability`, …) and records them for assertions.
#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    path::Path,
    process::{Child, ChildStdin, Command, Stdio},
    sync::mpsc::{self, Receiver, RecvTimeoutError},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications from the server, in arrival order.
    pub notifications: Vec<Value>,
    /// Requests from the server, in arrival order.
    pub server_requests: Vec<Value>,
    /// How to answer `workspace/applyEdit`.
    pub apply_edits: bool,
}

pub const TIMEOUT: Duration = Duration::from_secs(30);

impl LspClient {
    /// Starts `bin lsp` in `cwd` with extra environment variables (and no ambient keyward or
    /// vault configuration).
    pub fn spawn(bin: &Path, cwd: &Path, env: &[(&str, &str)]) -> LspClient {
        let mut c = Command::new(bin);
        c.arg("lsp")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("KEYWARD_USER_CONFIG", "")
            .env_remove("KEYWARD_POLICY");
        for k in [
            "BAO_ADDR",
            "BAO_TOKEN",
            "VAULT_ADDR",
            "VAULT_TOKEN",
            "BAO_NAMESPACE",
            "VAULT_NAMESPACE",
        ] {
            c.env_remove(k);
        }
        // No ~/.vault-token from the machine running the tests.
        c.env("HOME", cwd);
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("start keyward lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        len = v.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("server sent JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        LspClient {
            child,
            stdin,
            rx,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            apply_edits: true,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(&serde_json::to_vec(msg).unwrap());
    }

    /// Sends `body` as one frame with its true Content-Length, whatever the bytes are (for
    /// malformed-message tests).
    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for the next response (a message with no method) whose id is `id` (`null` for
    /// the answer to an undecodable frame) and returns it whole, error included.
    pub fn wait_response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no response with id {id} within {TIMEOUT:?}"));
            if let Some(resp) = self.handle(msg) {
                if &resp["id"] == id {
                    return resp;
                }
            }
        }
    }

    /// Waits for the process to end (after `exit`) and returns its status.
    pub fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("keyward lsp did not exit within {timeout:?}");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Handles one incoming message: answers server requests, stores notifications. Returns
    /// responses to our requests.
    fn handle(&mut self, msg: Value) -> Option<Value> {
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let result = match msg["method"].as_str().unwrap() {
                "workspace/applyEdit" if self.apply_edits => json!({"applied": true}),
                "workspace/applyEdit" => {
                    json!({"applied": false, "failureReason": "test client refused"})
                }
                "workspace/configuration" => json!([null]),
                _ => Value::Null,
            };
            let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
            self.server_requests.push(msg);
            self.send(&reply);
            None
        } else if msg.get("method").is_some() {
            self.notifications.push(msg);
            None
        } else {
            Some(msg)
        }
    }

    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("keyward lsp closed its output"),
        }
    }

    /// Sends a request and waits for its response; returns `result` (panics on an error reply).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no response to {method} within {TIMEOUT:?}"));
            if let Some(resp) = self.handle(msg) {
                if resp["id"] == json!(id) {
                    assert!(resp.get("error").is_none(), "{method} failed: {resp}");
                    return resp["result"].clone();
                }
            }
        }
    }

    /// `initialize` + `initialized`; returns the server's capabilities.
    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": capabilities, "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// Waits until a `publishDiagnostics` for `uri` satisfies `pred`; returns its params.
    /// Notifications already received count.
    pub fn wait_diagnostics(
        &mut self,
        uri: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let matches = |n: &Value| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && pred(&n["params"])
        };
        if let Some(n) =
            self.notifications.iter().rev().find(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            })
        {
            if matches(n) {
                return n["params"].clone();
            }
        }
        let deadline = Instant::now() + timeout;
        loop {
            let Some(msg) = self.recv(deadline) else {
                let last: Vec<&Value> = self
                    .notifications
                    .iter()
                    .filter(|n| n["params"]["uri"] == uri)
                    .collect();
                panic!(
                    "no matching diagnostics for {uri} within {timeout:?}; last: {:?}",
                    last.last()
                );
            };
            if self.handle(msg).is_none() {
                if let Some(n) = self.notifications.last() {
                    if matches(n) {
                        return n["params"].clone();
                    }
                }
            }
        }
    }

    /// Waits for the next notification with this method that arrives from now on.
    pub fn wait_notification(&mut self, method: &str, timeout: Duration) -> Value {
        let seen = self.notifications.len();
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(n) = self.notifications[seen..]
                .iter()
                .find(|n| n["method"] == method)
            {
                return n["params"].clone();
            }
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no {method} within {timeout:?}"));
            self.handle(msg);
        }
    }

    /// Reads whatever arrives during `d` (to let the server settle).
    pub fn drain(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while let Some(m) = self.recv(deadline) {
            self.handle(m);
        }
    }

    pub fn open(&mut self, uri: &str, language_id: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown`, then `exit`, then waits for the process to end.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "keyward lsp exited with {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("keyward lsp did not exit after `exit`");
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Applies LSP `TextEdit`s (UTF-16 or UTF-8 positions) to `text`, independently of the server's
/// own conversion code.
pub fn apply_text_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let ch = pos["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..]
                .find('\n')
                .map(|i| i + 1)
                .unwrap_or(text.len() - start);
        }
        if utf8 {
            return start + ch;
        }
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

/// The text edits for `uri` in a `WorkspaceEdit` (either `changes` or `documentChanges`).
pub fn edits_for(edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(dc) = edit["documentChanges"].as_array() {
        return dc
            .iter()
            .filter(|d| d["textDocument"]["uri"] == uri)
            .flat_map(|d| d["edits"].as_array().cloned().unwrap_or_default())
            .collect();
    }
    edit["changes"][uri].as_array().cloned().unwrap_or_default()
}
