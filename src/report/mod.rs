//! Reports: text for people, JSON for scripts, SARIF for code-scanning dashboards. Every writer
//! takes a [`Report`] and an `impl Write`; none prints, and none shows a full secret unless the
//! caller set [`Options::show_secrets`] (SARIF never does: it is uploaded to third parties).

pub mod json;
pub mod sarif;
pub mod text;

use std::{io, path::Path};

use crate::{
    detect::Finding,
    source::read::SkipReason,
    suppress::{BaselineEntry, Suppressed},
};

/// Output formats of `keyward scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["text", "json", "sarif"];
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            other => Err(format!(
                "unknown format `{other}` (expected text, json or sarif)"
            )),
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print full secrets (text and JSON only).
    pub show_secrets: bool,
    /// ANSI colour in the text report.
    pub color: bool,
}

/// Where a finding was read from: the working tree (or stdin), the staged index, or a commit
/// in history. Every front-end fills the same [`Item`], so one writer serves them all.
#[derive(Debug, Clone, Default)]
pub enum Provenance {
    #[default]
    Tree,
    Staged,
    Commit {
        /// The commit that introduced the secret.
        commit: std::sync::Arc<CommitInfo>,
        /// Other places the same blob appeared, earliest first (the introducing one excluded).
        also_at: Vec<AlsoAt>,
    },
}

/// A commit as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// RFC 3339, UTC.
    pub author_date: String,
    pub summary: String,
}

/// Another path and commit where a history finding's blob was seen.
#[derive(Debug, Clone)]
pub struct AlsoAt {
    pub path: String,
    pub commit: String,
}

/// One finding with where it was found.
#[derive(Debug, Clone)]
pub struct Item {
    /// Path relative to the repository root, `/`-separated; `None` for stdin.
    pub path: Option<String>,
    pub provenance: Provenance,
    pub finding: Finding,
    /// Why it is not counted, when suppressed findings are reported too.
    pub suppressed: Option<Suppressed>,
    /// Start and end columns in UTF-16 code units (SARIF's default column kind).
    pub utf16_columns: (usize, usize),
}

impl Item {
    /// `bytes` is the buffer the finding was made in; it is only used to convert columns.
    pub fn new(
        path: Option<&Path>,
        finding: Finding,
        suppressed: Option<Suppressed>,
        bytes: &[u8],
    ) -> Item {
        let utf16_columns = (
            utf16_column(bytes, finding.span.start, finding.start.column),
            utf16_column(bytes, finding.span.end, finding.end.column),
        );
        Item {
            path: path.map(display_path),
            provenance: Provenance::Tree,
            finding,
            suppressed,
            utf16_columns,
        }
    }

    /// The introducing commit's id, for history findings.
    pub fn commit(&self) -> Option<&str> {
        match &self.provenance {
            Provenance::Commit { commit, .. } => Some(&commit.id),
            _ => None,
        }
    }

    /// How the location is shown to a person: `path`, `commit:path` or `<stdin>`.
    pub fn location(&self) -> String {
        let path = self.path.as_deref().unwrap_or("<stdin>");
        match self.commit() {
            Some(c) => format!("{}:{path}", &c[..c.len().min(12)]),
            None => path.to_string(),
        }
    }

    /// The secret as it may be shown under `opts`.
    pub fn shown_secret(&self, opts: &Options) -> String {
        if opts.show_secrets {
            self.finding.secret.expose().to_string()
        } else {
            self.finding.secret.redacted()
        }
    }
}

/// `/`-separated and without a leading `./`, the same on every platform.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Converts a 1-based byte column at byte `offset` into a 1-based UTF-16 column.
pub fn utf16_column(bytes: &[u8], offset: usize, byte_column: usize) -> usize {
    let offset = offset.min(bytes.len());
    let line_start = offset.saturating_sub(byte_column.saturating_sub(1));
    let prefix = String::from_utf8_lossy(&bytes[line_start..offset]);
    prefix.encode_utf16().count() + 1
}

/// A file that was not scanned.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// Totals for the closing line and the JSON `summary`.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
    pub suppressed: u64,
    pub skipped: Vec<Skipped>,
    /// Files or directories that could not be read.
    pub unreadable: u64,
    /// Baseline entries whose credential was not seen; only known after a whole-repository scan.
    pub stale_baseline: Option<Vec<BaselineEntry>>,
    pub elapsed_ms: u64,
    /// Set for history scans: what of the history was covered.
    pub history: Option<HistorySummary>,
}

/// Coverage of a history scan (`files` and `bytes` of [`Summary`] then count blobs).
#[derive(Debug, Clone, Default)]
pub struct HistorySummary {
    /// The revision range, or `None` for every ref.
    pub revisions: Option<String>,
    pub commits: u64,
    /// Blobs a partial clone lacked, skipped and counted.
    pub missing_blobs: u64,
    /// A shallow clone: history before the boundary was not scanned.
    pub shallow: bool,
}

/// Everything a report shows.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The repository root paths are relative to (SARIF's `%SRCROOT%`).
    pub root: Option<std::path::PathBuf>,
    /// Reported findings (and, when asked for, suppressed ones), in path and position order.
    pub items: Vec<Item>,
    pub summary: Summary,
}

impl Report {
    /// Sorts items by path, commit, then position, so output is stable across thread schedules.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.commit(), a.finding.start, a.finding.rule_id()).cmp(&(
                &b.path,
                b.commit(),
                b.finding.start,
                b.finding.rule_id(),
            ))
        });
        self.summary.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// Writes `report` in `format`.
pub fn write(
    format: Format,
    report: &Report,
    opts: &Options,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, opts, out),
        Format::Json => json::write(report, opts, out),
        Format::Sarif => sarif::write(report, out),
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use std::{path::Path, sync::Arc};

    use super::*;
    use crate::detect::{Category, Confidence, Position, RuleInfo, Secret, Validation};

    pub const SECRET: &str = "tok_Zq8RtY2uVw3XyA4bC5dE6fG7hJ8kL91ZcPdB"; // keyward:allow (fake)

    pub fn finding(line: usize) -> Finding {
        Finding {
            rule: Arc::new(RuleInfo {
                id: "test-token".into(),
                name: "Test token".into(),
                provider: "Test".into(),
                category: Category::AiAgent,
                confidence: Confidence::High,
                remediation: "Revoke it.".into(),
                reference: Some("https://example.test/tokens".into()),
                env_var: Some("TEST_TOKEN".into()),
            }),
            span: 8..8 + SECRET.len(),
            start: Position { line, column: 9 },
            end: Position {
                line,
                column: 9 + SECRET.len(),
            },
            secret: Secret::new(SECRET.as_bytes()),
            validation: Validation::Unchecked,
            related: Vec::new(),
        }
    }

    pub fn report() -> Report {
        let bytes = format!("TOKEN = {SECRET}\n");
        let item = Item::new(
            Some(Path::new("./src/app.py")),
            finding(1),
            None,
            bytes.as_bytes(),
        );
        Report {
            root: None,
            items: vec![item],
            summary: Summary {
                files: 1,
                bytes: bytes.len() as u64,
                findings: 1,
                ..Summary::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_code_units() {
        let line = "é = \"x😀y\"".as_bytes();
        // `x` is at byte 7 (é is 2 bytes): byte column 8, UTF-16 column 7.
        assert_eq!(utf16_column(line, 7, 8), 7);
        // `y` follows an astral emoji (4 bytes, 2 UTF-16 units): 8 units precede it.
        let y = line.iter().position(|&b| b == b'y').unwrap();
        assert_eq!(utf16_column(line, y, y + 1), 9);
    }

    #[test]
    fn no_format_leaks_the_secret_by_default() {
        let r = testutil::report();
        for f in [Format::Text, Format::Json, Format::Sarif] {
            let mut out = Vec::new();
            write(f, &r, &Options::default(), &mut out).unwrap();
            let s = String::from_utf8(out).unwrap();
            assert!(
                !s.contains(testutil::SECRET),
                "{f:?} leaked the secret:\n{s}"
            );
            assert!(s.contains("src/app.py"), "{f:?}:\n{s}");
        }
        let mut out = Vec::new();
        let shown = Options {
            show_secrets: true,
            color: false,
        };
        write(Format::Sarif, &r, &shown, &mut out).unwrap();
        assert!(
            !String::from_utf8(out).unwrap().contains(testutil::SECRET),
            "SARIF never shows it"
        );
    }
}
