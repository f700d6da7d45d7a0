//! Findings → LSP diagnostics. The message names the credential, its provider, its NHI category
//! and the remediation, and shows at most a redacted prefix of the secret.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::text::{Encoding, Lines};
use crate::detect::{Confidence, Finding};

pub const SOURCE: &str = "keyward";
/// `code` of the note on a document too large to scan.
pub const SKIPPED_CODE: &str = "keyward.skipped";

/// What a diagnostic carries for code actions: enough to find the finding again, never the secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticData {
    pub rule_id: String,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
}

pub fn severity(c: Confidence) -> DiagnosticSeverity {
    match c {
        Confidence::High => DiagnosticSeverity::ERROR,
        Confidence::Medium => DiagnosticSeverity::WARNING,
        Confidence::Low => DiagnosticSeverity::INFORMATION,
    }
}

pub fn message(f: &Finding) -> String {
    let r = &f.rule;
    format!(
        "{} ({}, {}): {}. {}",
        r.name,
        r.provider,
        r.category.label(),
        f.secret.redacted(),
        r.remediation
    )
}

pub fn to_diagnostic(
    uri: &Uri,
    text: &str,
    lines: &Lines,
    enc: Encoding,
    f: &Finding,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(text, r.span.clone(), enc)),
            message: format!("other part of this credential ({})", r.rule_id),
        })
        .collect();
    Diagnostic {
        range: lines.range(text, f.span.clone(), enc),
        severity: Some(severity(f.confidence())),
        code: Some(NumberOrString::String(f.rule_id().to_string())),
        code_description: f
            .rule
            .reference
            .as_deref()
            .and_then(|h| h.parse().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.into()),
        message: message(f),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: serde_json::to_value(DiagnosticData {
            rule_id: f.rule_id().to_string(),
            fingerprint: f.fingerprint(),
            env_var: f.rule.env_var.clone(),
        })
        .ok(),
    }
}

/// The one note a document too large to scan gets.
pub fn skipped(len: usize, limit: u64) -> Diagnostic {
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(SKIPPED_CODE.into())),
        source: Some(SOURCE.into()),
        message: format!(
            "keyward did not scan this document: {} bytes is above scan.max_file_size ({limit} bytes)",
            len
        ),
        ..Diagnostic::default()
    }
}
