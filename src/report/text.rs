//! The human report, shaped like compiler diagnostics so editors and terminals link the
//! location: `path:line:col: [confidence] rule-id (Provider, category) value`, then the fix.

use std::io::{self, Write};

use super::{Item, Options, Report};
use crate::{
    detect::{Confidence, Validation},
    suppress::Suppressed,
};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

pub fn write(report: &Report, opts: &Options, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: opts.color };
    for item in &report.items {
        write_item(item, opts, &paint, out)?;
    }
    Ok(())
}

fn write_item(item: &Item, opts: &Options, paint: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let f = &item.finding;
    let rule = &f.rule;
    let level_style = match f.confidence() {
        Confidence::High => RED,
        Confidence::Medium => YELLOW,
        Confidence::Low => CYAN,
    };
    let location = format!("{}:{}:{}:", item.location(), f.start.line, f.start.column);
    let mut line = format!(
        "{} {} {} ({}, {}) {}",
        paint.wrap(BOLD, &location),
        paint.wrap(level_style, &format!("[{}]", f.confidence())),
        paint.wrap(BOLD, &rule.id),
        rule.provider,
        rule.category.label(),
        item.shown_secret(opts),
    );
    if f.validation == Validation::Confirmed {
        line.push_str(" (validated offline)");
    }
    if let Some(s) = &item.suppressed {
        line.push_str(&paint.wrap(DIM, &format!(" [suppressed: {}]", describe_suppression(s))));
    }
    writeln!(out, "{line}")?;
    if let super::Provenance::Commit { commit: c, also_at } = &item.provenance {
        writeln!(
            out,
            "    introduced in {} {} by {} <{}>: {}",
            &c.id[..c.id.len().min(12)],
            c.author_date,
            c.author_name,
            c.author_email,
            c.summary
        )?;
        for a in also_at {
            writeln!(
                out,
                "    also at {}@{}",
                a.path,
                &a.commit[..a.commit.len().min(12)]
            )?;
        }
    }
    for r in &f.related {
        writeln!(
            out,
            "    also: {}:{}:{} ({})",
            item.location(),
            r.start.line,
            r.start.column,
            r.rule_id
        )?;
    }
    let mut help = rule.remediation.trim().to_string();
    if let Some(var) = &rule.env_var {
        help.push_str(&format!(" Suggested variable: {var}."));
    }
    writeln!(out, "    {} {help}", paint.wrap(CYAN, "help:"))?;
    Ok(())
}

/// Why a finding was suppressed, in words.
pub fn describe_suppression(s: &Suppressed) -> String {
    match s {
        Suppressed::Inline(m) => format!("inline `{m}`"),
        Suppressed::AllowlistPath(g) => format!("allowlisted path `{g}`"),
        Suppressed::AllowlistRule(r) => format!("allowlisted rule `{r}`"),
        Suppressed::AllowlistValue(v) => format!("allowlisted value pattern `{v}`"),
        Suppressed::Baseline => "in the baseline".into(),
        Suppressed::RuleDisabled => "rule disabled".into(),
        Suppressed::BelowReportLevel => "below the report confidence".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil;

    #[test]
    fn compiler_style_line_then_help() {
        let mut out = Vec::new();
        write(&testutil::report(), &Options::default(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        let mut lines = s.lines();
        assert_eq!(
            lines.next().unwrap(),
            "src/app.py:1:9: [high] test-token (Test, AI agent credential) tok_Zq8R…[redacted]"
        );
        assert_eq!(
            lines.next().unwrap(),
            "    help: Revoke it. Suggested variable: TEST_TOKEN."
        );
        assert!(!s.contains('\x1b'), "no colour unless asked");
    }

    #[test]
    fn colour_only_when_asked() {
        let mut out = Vec::new();
        let opts = Options {
            color: true,
            ..Options::default()
        };
        write(&testutil::report(), &opts, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b[31m[high]"));
    }
}
