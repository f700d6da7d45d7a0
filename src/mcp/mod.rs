//! `keyward mcp`: a Model Context Protocol server on stdio (the official `rmcp` SDK), so an AI
//! agent can ask the same detector the hook and the editor use before it writes, reads or
//! commits. This module only speaks the protocol; what each tool does is in [`tools`], and the
//! guide the prompt and resource serve is in [`guide`].
//!
//! The tools: `scan_text`, `scan_path` (confined to the workspace, symlinks resolved),
//! `check_staged` and `explain_finding`. Answers carry rule, kind of identity, location,
//! confidence, remediation and fingerprint, and never any part of a secret: the client is a
//! model, and what it sees it may repeat.

pub mod guide;
pub mod tools;

use std::{path::Path, sync::Arc};

use rmcp::{
    handler::server::{
        router::{prompt::PromptRouter, tool::ToolRouter},
        wrapper::Parameters,
    },
    model::{
        Implementation, ListResourcesResult, PaginatedRequestParams, PromptMessage,
        ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
        ResourceContents, Role, ServerCapabilities, ServerConfig,
    },
    prompt, prompt_handler, prompt_router,
    schemars::{self, JsonSchema},
    service::RequestContext,
    tool, tool_handler, tool_router, ErrorData, Json, RoleServer, ServerHandler, ServiceExt,
};
use serde::Deserialize;

pub use tools::Workspace;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScanTextParams {
    /// The text to scan: file content, a config snippet, a command line, a prompt.
    pub text: String,
    /// The file this text is (or will be), relative to the workspace, e.g. `config/app.py`.
    /// Only a hint: it enables path-specific rules and allowlists and picks the language of
    /// the suggested replacement; nothing is read from disk.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScanPathParams {
    /// A file or directory inside the workspace, relative to it (`.` for the whole workspace)
    /// or absolute. Anything outside the workspace, including through a symbolic link, is
    /// refused.
    pub path: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExplainParams {
    /// The `rule_id` of a finding, e.g. `github-pat-classic`.
    pub rule_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MovePromptParams {
    /// The finding's rule id, if the move is about one finding.
    #[serde(default)]
    pub rule_id: Option<String>,
    /// The file that holds the credential, relative to the workspace.
    #[serde(default)]
    pub path: Option<String>,
}

/// The server: a workspace and the protocol routers. Cheap to clone (the SDK clones it per
/// connection); every tool builds its scanner from the workspace's configuration per call.
#[derive(Debug, Clone)]
pub struct KeywardMcp {
    ws: Arc<Workspace>,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

/// Runs a blocking scan off the protocol's threads, so a long walk does not stall pings and
/// cancellations, and turns a panic into an error the client sees instead of a dead server.
async fn blocking<T, F>(ws: &Arc<Workspace>, f: F) -> Result<Json<T>, String>
where
    T: Send + 'static,
    F: FnOnce(&Workspace) -> Result<T, String> + Send + 'static,
{
    let ws = Arc::clone(ws);
    match tokio::task::spawn_blocking(move || f(&ws)).await {
        Ok(r) => r.map(Json),
        Err(e) => Err(format!("keyward failed internally: {e}")),
    }
}

#[tool_router]
impl KeywardMcp {
    pub fn new(ws: Workspace) -> KeywardMcp {
        KeywardMcp {
            ws: Arc::new(ws),
            tool_router: Self::tool_router(),
            prompt_router: Self::prompt_router(),
        }
    }

    #[tool(
        description = "Scan text for hardcoded credentials (API keys, tokens, private keys, connection strings) before writing it to a file, a config or a command. Returns each finding's rule, kind of identity, line/column, confidence, remediation and fingerprint; never the value.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn scan_text(
        &self,
        Parameters(p): Parameters<ScanTextParams>,
    ) -> Result<Json<tools::ScanTextResult>, String> {
        blocking(&self.ws, move |ws| {
            tools::scan_text(ws, &p.text, p.path.as_deref())
        })
        .await
    }

    #[tool(
        description = "Scan a file or directory in the workspace for hardcoded credentials, as `keyward scan` does (.gitignore honoured, binaries skipped). Paths outside the workspace are refused. Returns findings without any part of the secret.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn scan_path(
        &self,
        Parameters(p): Parameters<ScanPathParams>,
    ) -> Result<Json<tools::ScanPathResult>, String> {
        blocking(&self.ws, move |ws| tools::scan_path(ws, &p.path)).await
    }

    #[tool(
        description = "Check the workspace repository's staged changes (the git index) the way keyward's pre-commit hook will: which added lines hold a credential and whether a commit now would be blocked. Blocks nothing.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn check_staged(&self) -> Result<Json<tools::StagedResult>, String> {
        blocking(&self.ws, tools::check_staged).await
    }

    #[tool(
        description = "Explain a finding's rule by its rule_id: what it detects, the kind of non-human identity, how to revoke and replace the credential, and a reference.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn explain_finding(
        &self,
        Parameters(p): Parameters<ExplainParams>,
    ) -> Result<Json<tools::RuleExplanation>, String> {
        blocking(&self.ws, move |ws| tools::explain(ws, &p.rule_id)).await
    }
}

#[prompt_router]
impl KeywardMcp {
    /// How to take a hardcoded credential out of code: rotate it, replace the literal with an
    /// environment or vault reference, store the value outside the repository, check again.
    #[prompt(
        name = "move_secret_to_vault",
        description = "Steps to move a hardcoded credential keyward found to an environment variable or a vault reference (HashiCorp Vault / OpenBao KV v2 via .keyward.refs and `keyward run`), without ever handling the value."
    )]
    async fn move_secret_to_vault(
        &self,
        Parameters(p): Parameters<MovePromptParams>,
    ) -> Vec<PromptMessage> {
        vec![PromptMessage::new_text(
            Role::User,
            guide::prompt(p.rule_id.as_deref(), p.path.as_deref()),
        )]
    }
}

const INSTRUCTIONS: &str = "keyward finds hardcoded credentials of non-human identities. Call scan_text on content before writing it into a file or config, scan_path to check files in the workspace, check_staged before committing, and explain_finding for what to do about a finding. Findings never contain the secret; never ask for it, print it or repeat it. The move_secret_to_vault prompt (and the keyward://guide/move-secret resource) explains how to replace a literal with an environment or vault reference.";

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for KeywardMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("keyward", env!("CARGO_PKG_VERSION"))
                .with_title("keyward secret scanner"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![Resource::new(
            guide::URI,
            "move-secret",
        )
        .with_title("Moving a hardcoded credential to a vault or environment reference")
        .with_mime_type("text/markdown")]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != guide::URI {
            return Err(ErrorData::resource_not_found(
                format!("no resource {}; keyward serves {}", request.uri, guide::URI),
                None,
            ));
        }
        Ok(ReadResourceResult::new(vec![ResourceContents::text(guide::TEXT, guide::URI)]).into())
    }
}

/// Serves one client on stdin/stdout until it disconnects. Logs nothing on stdout (that is the
/// protocol's channel); errors go to the caller.
pub async fn serve_stdio(workspace: &Path) -> anyhow::Result<()> {
    let ws = Workspace::new(workspace).map_err(anyhow::Error::msg)?;
    let service = KeywardMcp::new(ws)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| anyhow::anyhow!("MCP handshake failed: {e}"))?;
    service
        .waiting()
        .await
        .map_err(|e| anyhow::anyhow!("MCP server stopped: {e}"))?;
    Ok(())
}
