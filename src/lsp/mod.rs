//! The language server (placeholder while it is being built).
