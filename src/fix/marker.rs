//! "Mark as false positive": an inline `keyward:allow` marker in the file's comment syntax.

use std::ops::Range;

use super::{Edit, Language};

pub const SAME_LINE: &str = "keyward:allow";
pub const NEXT_LINE: &str = "keyward:allow-next-line";

/// The edit that suppresses the finding at `span`: a trailing `keyward:allow` comment, or a
/// `keyward:allow-next-line` comment above when a trailing comment would land inside the value
/// (a multi-line secret) or change it (dotenv). `Err` with advice for comment-less formats.
pub fn allow_edit(lang: Language, text: &str, span: Range<usize>) -> Result<Edit, String> {
    let Some(comment) = lang.line_comment() else {
        return Err("JSON has no comments: allowlist the path or value in .keyward.toml ([allowlist]) or add the finding to the baseline".into());
    };
    let b = text.as_bytes();
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &b[span.start..]).map_or(b.len(), |i| span.start + i);
    let multi_line = span.end > line_end;
    if multi_line || lang.trailing_comment_is_risky() {
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        return Ok(Edit::insert(
            line_start,
            format!("{indent}{comment} {NEXT_LINE}\n"),
        ));
    }
    let end = if line_end > line_start && b[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    };
    let content_end = text[line_start..end].trim_end().len() + line_start;
    Ok(Edit::insert(content_end, format!(" {comment} {SAME_LINE}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;

    fn mark(lang: Language, text: &str) -> Result<String, String> {
        let s = text.find("SECRET").unwrap();
        allow_edit(lang, text, s..s + 6).map(|e| apply(text, &[e]))
    }

    #[test]
    fn trailing_comment_in_the_language_syntax() {
        assert_eq!(
            mark(Language::Python, "a = 1\nk = 'SECRET'  \nb = 2").unwrap(),
            "a = 1\nk = 'SECRET' # keyward:allow  \nb = 2"
        );
        assert_eq!(
            mark(Language::Go, "k := \"SECRET\"\r\n").unwrap(),
            "k := \"SECRET\" // keyward:allow\r\n"
        );
    }

    #[test]
    fn next_line_marker_for_dotenv_and_multi_line_secrets() {
        assert_eq!(
            mark(Language::Dotenv, "  K=SECRET\n").unwrap(),
            "  # keyward:allow-next-line\n  K=SECRET\n"
        );
        let t = "key = \"\"\"SECR\nET\"\"\"\n";
        let s = t.find("SECR").unwrap();
        let e = allow_edit(Language::Python, t, s..s + 7).unwrap();
        assert_eq!(
            apply(t, &[e]),
            "# keyward:allow-next-line\nkey = \"\"\"SECR\nET\"\"\"\n"
        );
    }

    #[test]
    fn json_is_refused() {
        assert!(mark(Language::Json, "{\"k\": \"SECRET\"}")
            .unwrap_err()
            .contains("allowlist"));
    }

    #[test]
    fn inserted_markers_suppress() {
        // The marker text must be one the scanner honours.
        assert!(crate::suppress::inline::SAME_LINE.contains(&SAME_LINE));
        assert!(crate::suppress::inline::NEXT_LINE.contains(&NEXT_LINE));
    }
}
