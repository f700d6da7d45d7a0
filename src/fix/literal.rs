//! Finds the source literal that holds a secret (quotes included) and the identifier it is
//! assigned to, so a fix can replace exactly the literal and name the variable after its use.

use std::ops::Range;

/// The literal around a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// Bytes to replace: the quotes and the value, or just the value when it is unquoted.
    pub range: Range<usize>,
    pub quote: Option<char>,
    /// `deploy_token` in `deploy_token = "…"`, `"api_key": "…"`, `TOKEN: …`, `export TOKEN=…`.
    pub assigned_to: Option<String>,
    /// Start of the line the literal starts on.
    pub line_start: usize,
}

const QUOTES: [u8; 3] = [b'"', b'\'', b'`'];

/// The literal that is exactly the secret at `span`: `"SECRET"`, `'SECRET'`, or an unquoted
/// `SECRET` delimited like a YAML/shell/dotenv value. `None` when the secret is only part of a
/// longer string (`"Bearer SECRET"`): replacing the whole literal would lose the rest, and
/// replacing part of it with code is not valid in most languages.
pub fn locate(text: &str, span: Range<usize>) -> Option<Literal> {
    let b = text.as_bytes();
    if span.end > b.len() || span.start >= span.end {
        return None;
    }
    let before = span.start.checked_sub(1).map(|i| b[i]);
    let after = b.get(span.end).copied();
    let (range, quote) = match (before, after) {
        (Some(q1), Some(q2)) if q1 == q2 && QUOTES.contains(&q1) => {
            (span.start - 1..span.end + 1, Some(q1 as char))
        }
        _ => {
            let starts_value = matches!(before, None | Some(b'=' | b':' | b' ' | b'\t' | b'\n'));
            let ends_value = matches!(
                after,
                None | Some(b'\n' | b'\r' | b' ' | b'\t' | b'#' | b';')
            );
            if !(starts_value && ends_value) {
                return None;
            }
            (span.clone(), None)
        }
    };
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let assigned_to = assigned_identifier(&text[line_start..range.start]);
    Some(Literal {
        range,
        quote,
        assigned_to,
        line_start,
    })
}

/// The identifier at the end of `prefix` (the line up to the literal), if the literal is being
/// assigned: `x = `, `x := `, `x: `, `"x": `, `x => `, `export X=`, `- X=`.
pub fn assigned_identifier(prefix: &str) -> Option<String> {
    let p = prefix.trim_end();
    let p = [":=", "=>", "?=", "||=", "=", ":"]
        .iter()
        .find_map(|op| p.strip_suffix(op))?;
    if p.ends_with(['=', '!', '<', '>']) {
        return None; // `==`, `!=`, `<=`, `>=`: a comparison, not an assignment
    }
    let p = p.trim_end();
    let p = p.strip_suffix(['"', '\'']).unwrap_or(p);
    // A type annotation (`token: str = "…"`, `val token: String = "…"`) names the variable
    // before the colon.
    let p = match p.rsplit_once(':') {
        Some((head, ty)) if is_ident(ty.trim()) && !head.trim_end().is_empty() => head.trim_end(),
        _ => p,
    };
    let start = p
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let ident = &p[start..];
    (is_ident(ident) && !ident.starts_with('-')).then(|| ident.to_string())
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, secret: &str) -> Option<Literal> {
        let s = text.find(secret).unwrap();
        locate(text, s..s + secret.len())
    }

    #[test]
    fn quoted_and_unquoted_literals() {
        let l = at("x = 1\ntoken = \"SECRET\"\n", "SECRET").unwrap();
        assert_eq!(l.range, 14..22);
        assert_eq!(l.quote, Some('"'));
        assert_eq!(l.assigned_to.as_deref(), Some("token"));
        assert_eq!(l.line_start, 6);
        let l = at("  API_KEY: SECRET\n", "SECRET").unwrap();
        assert_eq!(l.quote, None);
        assert_eq!(l.assigned_to.as_deref(), Some("API_KEY"));
        let l = at("export GH_TOKEN=SECRET", "SECRET").unwrap();
        assert_eq!(l.assigned_to.as_deref(), Some("GH_TOKEN"));
        let l = at("{\"apiKey\": \"SECRET\"}", "SECRET").unwrap();
        assert_eq!(l.assigned_to.as_deref(), Some("apiKey"));
        let l = at("self.token: str = 'SECRET'", "SECRET").unwrap();
        assert_eq!(l.assigned_to.as_deref(), Some("token"));
        let l = at("login(\"SECRET\")", "SECRET").unwrap();
        assert_eq!(l.assigned_to, None);
        assert_eq!(l.range, 6..14);
    }

    #[test]
    fn part_of_a_longer_string_is_not_a_literal() {
        assert_eq!(at("h = \"Bearer SECRET\"", "SECRET"), None);
        assert_eq!(at("url = https://x:SECRET@host", "SECRET"), None);
    }

    #[test]
    fn comparisons_are_not_assignments() {
        assert_eq!(assigned_identifier("if token == "), None);
        assert_eq!(assigned_identifier("tok := "), Some("tok".into()));
    }
}
