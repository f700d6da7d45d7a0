//! `keyward lsp`: diagnostics for hardcoded credentials as you type, and quick-fixes that move
//! them out of the code (to `.env` or a Vault/OpenBao KV v2 store) without ever losing them.
//! The contract with editors (settings, commands, action titles) is in `README.md` here.

mod actions;
mod diagnostics;
mod framing;
mod scanners;
mod server;
mod settings;
mod text;

pub use actions::{CommandArgs, ADD_TO_BASELINE, COMMANDS, MOVE_TO_ENV, MOVE_TO_VAULT, RELOAD};
pub use diagnostics::{DiagnosticData, SKIPPED_CODE, SOURCE};
pub use settings::ServerSettings;
pub use text::{Encoding, Lines};

pub use framing::Ending;

/// Serves LSP on stdin/stdout until the client sends `exit` (or closes stdin), through the
/// framing layer that answers undecodable frames instead of ending the session.
pub async fn serve_stdio() -> Ending {
    framing::serve(tokio::io::stdin(), tokio::io::stdout()).await
}
