//! The `LanguageServer` implementation: document state, scheduling of scans, publishing.
//!
//! Concurrency rules (tower-lsp-server runs up to four handlers at once and they interleave at
//! every `.await`): document state lives in a `std::sync::Mutex` that is never held across an
//! `.await`, and every handler that changes a document does so before its first `.await`, so
//! edits apply in arrival order. Scans run off the handler pool (`spawn_blocking`), at most one
//! is scheduled per document at a time (a burst of edits coalesces into one scan of the latest
//! text), and a result is published only if its version is still the document's version. Every
//! request the server sends to the client has a timeout.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use serde_json::Value;
use tower_lsp_server::{jsonrpc::Result as RpcResult, ls_types::*, Client, LanguageServer};

use super::{
    actions,
    diagnostics::{self, DiagnosticData},
    scanners::Scanners,
    settings::ServerSettings,
    text::{apply_change, Encoding, Lines},
};
use crate::Scanner;

/// Timeout of every request the server sends to the client (`applyEdit`, `registerCapability`).
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Doc {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    pub language_id: String,
    pub path: Option<PathBuf>,
    scan_scheduled: bool,
    skip_logged: bool,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ClientCaps {
    pub document_changes: bool,
    pub watch_files_dynamically: bool,
    pub code_action_disabled: bool,
}

pub struct State {
    pub docs: HashMap<Uri, Doc>,
    pub encoding: Encoding,
    pub settings: ServerSettings,
    pub caps: ClientCaps,
}

/// A consistent copy of one document for work done outside the lock.
#[derive(Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    pub language_id: String,
    pub path: Option<PathBuf>,
    pub encoding: Encoding,
    pub settings: ServerSettings,
    pub caps: ClientCaps,
}

pub struct Inner {
    pub client: Client,
    state: Mutex<State>,
    scanners: Arc<Mutex<Scanners>>,
    /// Serialises "is this still the current version? publish" so an older result can never
    /// overtake a newer one on the way out.
    publish_gate: tokio::sync::Mutex<()>,
    /// Repository settings ignored for trust reasons that the user was already told about.
    trust_noted: Mutex<std::collections::HashSet<String>>,
}

#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                state: Mutex::new(State {
                    docs: HashMap::new(),
                    encoding: Encoding::Utf16,
                    settings: ServerSettings::default(),
                    caps: ClientCaps::default(),
                }),
                scanners: Arc::new(Mutex::new(Scanners::default())),
                publish_gate: tokio::sync::Mutex::new(()),
                trust_noted: Mutex::new(std::collections::HashSet::new()),
            }),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Inner {
    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let st = self.state();
        let d = st.docs.get(uri)?;
        Some(Snapshot {
            uri: d.uri.clone(),
            text: d.text.clone(),
            version: d.version,
            language_id: d.language_id.clone(),
            path: d.path.clone(),
            encoding: st.encoding,
            settings: st.settings.clone(),
            caps: st.caps,
        })
    }

    /// The scanner for a path, built or reloaded on a blocking thread.
    pub async fn scanner(
        &self,
        path: Option<PathBuf>,
    ) -> std::result::Result<Arc<Scanner>, String> {
        let scanners = self.scanners.clone();
        let scanner =
            tokio::task::spawn_blocking(move || lock(&scanners).for_path(path.as_deref()))
                .await
                .map_err(|e| format!("internal error: {e}"))??;
        // A repository setting that was ignored (it tried to choose the vault server) is shown
        // once, where the user sees it, not only in a log.
        let fresh: Vec<String> = {
            let mut noted = lock(&self.trust_noted);
            scanner
                .settings()
                .trust_notes
                .iter()
                .filter(|n| noted.insert((*n).clone()))
                .cloned()
                .collect()
        };
        for note in fresh {
            self.client
                .show_message(MessageType::WARNING, format!("keyward: {note}"))
                .await;
        }
        Ok(scanner)
    }

    pub fn forget_configuration(&self) {
        lock(&self.scanners).clear();
    }

    /// Schedules a scan of `uri` after `delay` unless one is already scheduled: that one will
    /// read the latest text when it starts, so it covers this change too.
    pub fn schedule(self: &Arc<Self>, uri: Uri, delay: Duration) {
        {
            let mut st = self.state();
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            if doc.scan_scheduled {
                return;
            }
            doc.scan_scheduled = true;
        }
        let me = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            me.scan_and_publish(uri).await;
        });
    }

    pub fn schedule_all(self: &Arc<Self>) {
        let uris: Vec<Uri> = self.state().docs.keys().cloned().collect();
        for uri in uris {
            self.schedule(uri, Duration::ZERO);
        }
    }

    async fn scan_and_publish(self: &Arc<Self>, uri: Uri) {
        let path = match self.state().docs.get(&uri) {
            Some(d) => d.path.clone(),
            None => return,
        };
        let scanner = self.scanner(path).await;
        // Take the text only now: every change that arrived while this scan waited is included.
        let (version, work) = {
            let mut st = self.state();
            let enc = st.encoding;
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            doc.scan_scheduled = false;
            let version = doc.version;
            match &scanner {
                Err(e) => (version, Work::ConfigError(e.clone())),
                Ok(s) if doc.text.len() as u64 > s.settings().max_file_size => {
                    let first = !doc.skip_logged;
                    doc.skip_logged = true;
                    (
                        version,
                        Work::TooLarge(doc.text.len(), s.settings().max_file_size, first),
                    )
                }
                Ok(s) => (
                    version,
                    Work::Scan(
                        s.clone(),
                        doc.text.clone(),
                        doc.path.clone(),
                        enc,
                        st.settings.confidence,
                    ),
                ),
            }
        };
        let diags = match work {
            Work::ConfigError(e) => vec![Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("keyward.config".into())),
                source: Some(diagnostics::SOURCE.into()),
                message: format!("keyward configuration error: {e}"),
                ..Diagnostic::default()
            }],
            Work::TooLarge(len, limit, first) => {
                if first {
                    self.client
                        .log_message(
                            MessageType::INFO,
                            format!("keyward: not scanning {} ({len} bytes > scan.max_file_size {limit})", uri.as_str()),
                        )
                        .await;
                }
                vec![diagnostics::skipped(len, limit)]
            }
            Work::Scan(scanner, text, path, enc, floor) => {
                let u = uri.clone();
                let job = tokio::task::spawn_blocking(move || {
                    let rel = path.as_deref().map(|p| scanner.relative(p).into_owned());
                    let scan = scanner.scan(rel.as_deref(), text.as_bytes());
                    let lines = Lines::new(&text);
                    // A git-ignored env file is where secrets belong (the env fix writes one):
                    // its values are shown as information, never as errors or warnings.
                    let secret_store = is_ignored_env_file(scanner.root(), rel.as_deref());
                    scan.findings
                        .iter()
                        .filter(|f| floor.is_none_or(|c| f.confidence() >= c))
                        .map(|f| {
                            let mut d = diagnostics::to_diagnostic(&u, &text, &lines, enc, f);
                            if secret_store {
                                d.severity = Some(DiagnosticSeverity::INFORMATION);
                            }
                            d
                        })
                        .collect::<Vec<_>>()
                });
                match job.await {
                    Ok(d) => d,
                    Err(e) => {
                        self.client
                            .log_message(MessageType::ERROR, format!("keyward: scan failed: {e}"))
                            .await;
                        return;
                    }
                }
            }
        };
        let _gate = self.publish_gate.lock().await;
        let current = self.state().docs.get(&uri).map(|d| d.version);
        if current == Some(version) {
            self.client
                .publish_diagnostics(uri, diags, Some(version))
                .await;
        }
    }
}

enum Work {
    ConfigError(String),
    TooLarge(usize, u64, bool),
    /// The scanner, the text, its path, the client's encoding and the editor's confidence floor.
    Scan(
        Arc<Scanner>,
        String,
        Option<PathBuf>,
        Encoding,
        Option<crate::detect::Confidence>,
    ),
}

/// `.env`, `.env.*` or `*.env` that git ignores in this repository.
fn is_ignored_env_file(root: Option<&std::path::Path>, rel: Option<&std::path::Path>) -> bool {
    let (Some(root), Some(rel)) = (root, rel) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let env_like = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    env_like
        && !name.ends_with(".example")
        && crate::fix::gitignore::is_ignored(root, &rel.to_string_lossy()) == Some(true)
}

/// Whether a saved or watched file is one the scanners were built from.
fn is_config_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or("");
    name == crate::config::REPO_CONFIG
        || name == crate::config::DEFAULT_BASELINE
        || name.ends_with("baseline.toml")
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        let enc = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let ws = params.capabilities.workspace.as_ref();
        let caps = ClientCaps {
            document_changes: ws
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            watch_files_dynamically: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            code_action_disabled: params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.disabled_support)
                .unwrap_or(false),
        };
        let settings_error = {
            let mut st = self.inner.state();
            st.encoding = enc;
            st.caps = caps;
            match params
                .initialization_options
                .as_ref()
                .map(ServerSettings::from_json)
            {
                Some(Ok(s)) => {
                    st.settings = s;
                    None
                }
                Some(Err(e)) => Some(e),
                None => None,
            }
        };
        if let Some(e) = settings_error {
            self.inner.client.show_message(MessageType::ERROR, e).await;
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(enc.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: actions::COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "keyward".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.inner.state().caps.watch_files_dynamically {
            return;
        }
        let watchers = ["**/.keyward.toml", "**/*baseline.toml"]
            .into_iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.into()),
                kind: None,
            })
            .collect();
        let reg = Registration {
            id: "keyward-config-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        // Not awaited inline: a client that answers late must not hold a handler slot.
        let client = self.inner.client.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(
                CLIENT_REQUEST_TIMEOUT,
                client.register_capability(vec![reg]),
            )
            .await
            {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    client
                        .log_message(
                            MessageType::WARNING,
                            format!("keyward: cannot watch config files: {e}"),
                        )
                        .await
                }
                Err(_) => {
                    client
                        .log_message(
                            MessageType::WARNING,
                            "keyward: client did not answer registerCapability",
                        )
                        .await
                }
            }
        });
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        let path = d.uri.to_file_path().map(|p| p.into_owned());
        {
            let mut st = self.inner.state();
            st.docs.insert(
                d.uri.clone(),
                Doc {
                    uri: d.uri.clone(),
                    text: d.text,
                    version: d.version,
                    language_id: d.language_id,
                    path,
                    scan_scheduled: false,
                    skip_logged: false,
                },
            );
        }
        self.inner.schedule(d.uri, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let delay = {
            let mut st = self.inner.state();
            let enc = st.encoding;
            let delay = st.settings.debounce();
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            for change in &params.content_changes {
                apply_change(&mut doc.text, change, enc);
            }
            doc.version = params.text_document.version;
            delay
        };
        self.inner.schedule(uri, delay);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if is_config_file(params.text_document.uri.as_str()) {
            self.inner.forget_configuration();
            self.inner.schedule_all();
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let removed = self
            .inner
            .state()
            .docs
            .remove(&params.text_document.uri)
            .is_some();
        if removed {
            self.inner
                .client
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match ServerSettings::from_json(&params.settings) {
            Ok(s) => {
                self.inner.state().settings = s;
                // Settings such as `confidence` change what is shown: rescan the open documents.
                self.inner.schedule_all();
            }
            Err(e) => self.inner.client.show_message(MessageType::ERROR, e).await,
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| is_config_file(c.uri.as_str()))
        {
            self.inner.forget_configuration();
            self.inner.schedule_all();
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        Ok(actions::code_actions(&self.inner, params).await)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> RpcResult<Option<Value>> {
        Ok(Some(actions::execute(&self.inner, params).await))
    }
}

/// The fingerprint a keyward diagnostic carries, if it is one of ours.
pub fn diagnostic_data(d: &Diagnostic) -> Option<DiagnosticData> {
    if d.source.as_deref() != Some(diagnostics::SOURCE) {
        return None;
    }
    serde_json::from_value(d.data.clone()?).ok()
}
