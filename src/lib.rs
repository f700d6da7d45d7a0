//! keyward: stops hardcoded credentials of non-human identities from reaching a repository.
//!
//! The library is the whole product; the binary is a thin front-end. [`detect`] turns bytes into
//! findings and is pure. [`scanner::Scanner`] adds configuration and suppression on top, and is
//! what every front-end calls: `keyward scan`, the pre-commit hook, the language server, the agent hook and the MCP server.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod agent;
pub mod config;
pub mod detect;
pub mod fix;
pub mod fsutil;
pub mod history;
pub mod hook;
pub mod inventory;
pub mod lsp;
pub mod mcp;
pub mod report;
pub mod scanner;
pub mod source;
pub mod suppress;

pub use scanner::{FileScan, Scanner};
