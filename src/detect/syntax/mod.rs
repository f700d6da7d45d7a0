//! The syntax reader: finds (name, value) pairs in the syntax code and configuration actually
//! use, starting from a keyword hit inside the name. It understands assignments in the common
//! languages (`=`, `:=`, `::=`, `?=`, `.=`, `||=`, `=>`, with type annotations and Go's
//! `var x T =`), object, dict and struct fields, JSON/YAML (one-line block scalars too)/TOML/
//! ini/properties, XML elements and attributes, call arguments (`getenv("X", "v")`,
//! `define('X', 'v')`, Android `buildConfigField 'String', 'X', '"v"'`), env defaults
//! (`${X:-v}`, `X || "v"`, `X ?? "v"`), CLI flags (`--password v`), query strings
//! (`?api_key=v`), Terraform variable defaults, name/value entries (`- name: X` / `value: v`),
//! pairs written inside a string (`"{\"token\": \"v\"}"`, `"password=v"`), a `"""`
//! multiline string holding one token, option constants (`setopt(h, CURLOPT_PASSWORD, "v")`),
//! setters and builder steps named for the credential (`config.setPassword("v")`,
//! `.apiKey("v")`), literals in a wrapper (`[]byte("v")`, `Field(default="v")`), Spring's
//! `${api.key:v}` and Ruby's symbol arguments (`set :password, "v"`).
//!
//! Unquoted values are read only where they are values: in configuration files (and a
//! Markdown document's configuration blocks, see [`fences`]), in a string, after a flag or a
//! query-string `=`. In source code an unquoted right-hand side is an
//! expression (`SessionToken: creds.SessionToken,`), so env-file syntax applies to env and
//! configuration files only.
//!
//! Pure and linear: each keyword hit reads a bounded neighbourhood once.

pub mod fences;
pub mod names;
pub mod value;

use std::{ops::Range, path::Path};

/// Longest name read (a dotted property key or an env-var name).
const MAX_NAME: usize = 96;
/// Longest quoted or unquoted value read.
const MAX_VALUE: usize = 1024;
/// Longest type argument of an Android build field (`String`, `boolean`, `int`).
const ANDROID_TYPE_MAX: usize = 16;
/// How far a Terraform `variable "x" {` block is searched for its `default`.
const BLOCK_LOOKAHEAD: usize = 400;

/// Whether unquoted values are values in this file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSyntax {
    /// env, properties, ini, YAML, TOML, shell, Dockerfile, HTTP request files (`.http`):
    /// `NAME=value`, `name: value`.
    Config,
    /// Source code (any file that is not configuration): only quoted values.
    Source,
}

impl FileSyntax {
    pub fn of(path: Option<&Path>) -> FileSyntax {
        // Text without a path (stdin, a pasted snippet) is read as configuration: it is as
        // often a `.env` or YAML fragment as code, and the value classifier still turns away
        // expressions (`creds.SessionToken,`, `NotRequired[str]`, `options.password`).
        let Some(path) = path else {
            return FileSyntax::Config;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let config_name = name == ".env"
            || name.starts_with(".env.")
            || name == ".envrc"
            || name == ".netrc"
            || name == ".npmrc"
            || name == ".pypirc"
            || name == "dockerfile"
            || name.ends_with(".dockerfile");
        let config_ext = matches!(
            ext,
            "env"
                | "properties"
                | "ini"
                | "cfg"
                | "conf"
                | "cnf"
                | "yaml"
                | "yml"
                | "toml"
                | "tfvars"
                | "http"
                | "rest"
                | "sh"
                | "bash"
                | "zsh"
                | "ksh"
                | "service"
                | "desktop"
        );
        // A file without an extension (`credentials`, `config`, a fixture) is not source code:
        // `NAME=v` and `name: v` in it are values. Build files named without an extension
        // (`Jenkinsfile`, `Rakefile`) are code. (`.txt` is not: Sphinx documentation and RFC
        // test-vector files use it, where `key :attr:` and `Key = <hex>` are no credentials.)
        let code_name = name.ends_with("file") || name.starts_with("makefile");
        let plain_text = ext.is_empty() && !name.contains('.') && !code_name;
        if config_name || config_ext || plain_text {
            FileSyntax::Config
        } else {
            FileSyntax::Source
        }
    }
}

/// Is the file at `path` (read as `syntax`) a document or configuration, where names may be
/// written in another script (`비밀번호: v` on a wiki page or in YAML)? Text without a path is
/// read as configuration, so it is.
pub fn names_other_scripts(path: Option<&Path>, syntax: FileSyntax) -> bool {
    let document = |p: &Path| {
        fences::is_markdown(p)
            || p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["txt", "rst", "adoc", "asciidoc", "html", "htm", "wiki"]
                    .iter()
                    .any(|d| e.eq_ignore_ascii_case(d))
            })
    };
    syntax == FileSyntax::Config || path.is_some_and(document)
}

/// One name bound to one value, as byte ranges of the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub name: Range<usize>,
    pub value: Range<usize>,
}

/// Names are ASCII identifiers, dotted and dashed keys, or words in another script
/// (`비밀번호`, `пароль`): any byte of a multi-byte UTF-8 character counts.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || !b.is_ascii()
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// The name that contains the keyword hit at `hit`: the run of name bytes around it.
pub fn name_around(bytes: &[u8], hit: Range<usize>) -> Option<Range<usize>> {
    let mut start = hit.start;
    while start > 0 && is_name_byte(bytes[start - 1]) && hit.start - start < MAX_NAME {
        start -= 1;
    }
    let mut end = hit.end.min(bytes.len());
    while end < bytes.len() && is_name_byte(bytes[end]) && end - start < MAX_NAME {
        end += 1;
    }
    // A trailing `.` or `-` ends a sentence or starts an operator (`x.-`), not the name.
    while end > start && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    // Leading dots are member access (`this.password`), leading dashes a flag: both kept for
    // the reader, which looks at them; the vocabulary ignores them.
    let ok = end > start
        && (start == 0 || !is_name_byte(bytes[start - 1]))
        && (end == bytes.len() || !is_name_byte(bytes[end]));
    ok.then_some(start..end)
}

/// Reads the value bound to the name at `name`, if the syntax around it binds one.
pub fn read_pair(bytes: &[u8], name: Range<usize>, syntax: FileSyntax) -> Option<Pair> {
    let mut value =
        read_value_for(bytes, &name, syntax).or_else(|| entry_value(bytes, &name, syntax))?;
    // `CURLOPT_USERPWD`, `userpwd`: the value is `user:password`; the password is judged.
    let n = &bytes[name.clone()];
    if n.len() >= 7 && n[n.len() - 7..].eq_ignore_ascii_case(b"userpwd") {
        let colon = memchr::memchr(b':', &bytes[value.clone()])?;
        value.start += colon + 1;
    }
    // `token = "Bearer v"`: a header value kept whole; the credential follows the scheme.
    let v = &bytes[value.clone()];
    for scheme in [&b"bearer "[..], b"token "] {
        if v.len() > scheme.len() && v[..scheme.len()].eq_ignore_ascii_case(scheme) {
            value.start += scheme.len();
            break;
        }
    }
    (!value.is_empty()).then_some(Pair { name, value })
}

fn read_value_for(bytes: &[u8], name: &Range<usize>, syntax: FileSyntax) -> Option<Range<usize>> {
    let before = name.start.checked_sub(1).map(|i| bytes[i]);
    let flag = bytes[name.start] == b'-';
    match before {
        Some(q) if is_quote(q) => quoted_name(bytes, name, q, syntax),
        Some(b'<') => xml_element(bytes, name),
        Some(b'?') | Some(b'&') => {
            let p = expect(bytes, name.end, b"=")?;
            if codecov_badge(bytes, name.start) {
                return None;
            }
            unquoted(bytes, p, b"&#\"'` \t\r\n<>)\\")
        }
        Some(b'{') if name.start >= 2 && bytes[name.start - 2] == b'$' => {
            shell_default(bytes, name)
        }
        _ if flag => flag_value(bytes, name),
        _ => bare_name(bytes, name, syntax),
    }
}

/// Kubernetes, ECS and compose env lists, settings stores and API payloads put the name in a
/// `name` or `key` field and the value in the `value` field after it: `- name: DB_PASSWORD` /
/// `value: "v"`, `{"name": "API_KEY", "value": "v"}`, `{"key": "api_key", "value": "v"}`.
fn entry_value(bytes: &[u8], name: &Range<usize>, syntax: FileSyntax) -> Option<Range<usize>> {
    if !after_field(bytes, name.start, &[b"name", b"key"]) {
        return None;
    }
    // The name's closing quote, then a `,` on the same line or a line break (and a YAML list
    // item's indentation) before the sibling field.
    let mut p = name.end;
    if bytes.get(p).is_some_and(|&b| is_quote(b)) {
        p += 1;
    }
    p = skip_blank(bytes, p);
    if bytes.get(p) == Some(&b',') {
        p = skip_blank(bytes, p + 1);
    }
    let mut line_broken = false;
    while let Some(&b) = bytes.get(p) {
        match b {
            b'\n' if !line_broken => line_broken = true,
            b'\r' | b' ' | b'\t' => {}
            _ => break,
        }
        p += 1;
    }
    let quoted = bytes.get(p).is_some_and(|&b| is_quote(b));
    let field = p + usize::from(quoted);
    let after = expect(bytes, field, b"value").or_else(|| expect(bytes, field, b"Value"))?;
    let after = after + usize::from(quoted && bytes.get(after).is_some_and(|&b| is_quote(b)));
    let colon = skip_blank(bytes, after);
    (bytes.get(colon) == Some(&b':')).then_some(())?;
    value_at(bytes, colon + 1, syntax, true)
}

/// Is the text before `at` (an optional quote, then `:`) a field named one of `fields`:
/// `name: `, `"Name": "`, `key: '`?
fn after_field(bytes: &[u8], at: usize, fields: &[&[u8]]) -> bool {
    let mut p = at;
    if p > 0 && is_quote(bytes[p - 1]) {
        p -= 1;
    }
    let Some(colon) = skip_blank_back(bytes, p).filter(|&i| bytes[i] == b':') else {
        return false;
    };
    let mut end = colon;
    if end > 0 && is_quote(bytes[end - 1]) {
        end -= 1;
    }
    let start = (0..end)
        .rev()
        .take_while(|&i| bytes[i].is_ascii_alphabetic())
        .last()
        .unwrap_or(end);
    let before_ok = start == 0 || !is_name_byte(bytes[start - 1]);
    before_ok
        && fields
            .iter()
            .any(|f| bytes[start..end].eq_ignore_ascii_case(f))
}

/// `"password": "v"`, `'api_key' => 'v'`, `["token"] = "v"`, `getenv("TOKEN", "v")`,
/// `variable "db_password" { default = "v" }`, `<add key="ApiKey" value="v"/>`, and the same
/// with `\"` inside a string.
fn quoted_name(
    bytes: &[u8],
    name: &Range<usize>,
    quote: u8,
    syntax: FileSyntax,
) -> Option<Range<usize>> {
    let escaped = name.start >= 2 && bytes[name.start - 2] == b'\\';
    let mut p = name.end;
    if escaped {
        if bytes.get(p) != Some(&b'\\') {
            return embedded(bytes, name);
        }
        p += 1;
    }
    if bytes.get(p) != Some(&quote) {
        // The name is a word inside a longer string: `"password=hunter2;"`.
        return embedded(bytes, name);
    }
    p += 1;
    while bytes.get(p) == Some(&b']') {
        p += 1;
    }
    let q = skip_blank(bytes, p);
    let open = name.start - 1 - usize::from(escaped);
    let in_call = open > 0 && {
        let b = skip_blank_back(bytes, open);
        b.is_some_and(|i| bytes[i] == b'(')
    };
    match bytes.get(q) {
        Some(b':') if bytes.get(q + 1) != Some(&b':') => value_at(bytes, q + 1, syntax, true),
        Some(b'=') => {
            let op = operator_len(&bytes[q..])?;
            value_at(bytes, q + op, syntax, false)
        }
        // Ruby's `ENV["API_KEY"] ||= "v"`, JavaScript's `cfg["token"] ??= "v"`.
        Some(b'|') | Some(b'?')
            if bytes[q..].starts_with(b"||=") || bytes[q..].starts_with(b"??=") =>
        {
            value_at(bytes, q + 3, syntax, false)
        }
        // An argument vector: `["--requirepass", "v"]`, `run(["mysql", "--password", "v"])`.
        Some(b',') if bytes[name.start] == b'-' => {
            let v = string_prefix_end(bytes, skip_blank(bytes, q + 1));
            quoted_value(bytes, v)
        }
        Some(b',') if in_call => {
            // Only a literal second argument: `getenv("X", default)` binds no literal.
            let v = string_prefix_end(bytes, skip_blank(bytes, q + 1));
            quoted_value(bytes, v)
        }
        Some(b',') if android_field_before(bytes, open) => {
            android_field_value(bytes, skip_blank(bytes, q + 1))
        }
        // `os.environ.get("TOKEN") or "v"`: the fallback of an environment read.
        Some(b')') if in_call && env_call_before(bytes, open) => default_after(bytes, q + 1),
        Some(b'{') => terraform_default(bytes, q + 1),
        // Java's XML properties (`Properties.storeToXML`): `<entry key="db.password">v</entry>`.
        Some(b'>') if bytes[..open].ends_with(b"key=") => element_text(bytes, q + 1),
        Some(b'v') if bytes[q..].starts_with(b"value=") || bytes[q..].starts_with(b"value =") => {
            let eq = q + bytes[q..].iter().position(|&b| b == b'=')? + 1;
            quoted_value(bytes, skip_blank(bytes, eq))
        }
        _ => None,
    }
}

/// Android Gradle generated fields, Groovy or Kotlin: `buildConfigField 'String', 'API_KEY',
/// '"v"'`, `buildConfigField("String", "API_KEY", "\"v\"")`, `resValue "string", "api_key", "v"`.
/// The name string whose opening quote is at `open` is the call's second argument.
fn android_field_before(bytes: &[u8], open: usize) -> bool {
    // Parsed backwards from the name a few bytes at a time (`,`, the quoted type, the callee),
    // so a megabyte minified line with `"token", ` at every hit stays linear.
    let Some(type_arg) = bytes[..open].trim_ascii_end().strip_suffix(b",") else {
        return false;
    };
    let call = type_arg.trim_ascii_end();
    let Some(&q) = call.last().filter(|&&q| is_quote(q)) else {
        return false;
    };
    let end = call.len() - 1;
    let from = end.saturating_sub(ANDROID_TYPE_MAX + 1);
    let Some(type_open) = call[from..end].iter().rposition(|&b| b == q) else {
        return false;
    };
    let callee = call[..from + type_open].trim_ascii_end();
    let callee = callee.strip_suffix(b"(").unwrap_or(callee).trim_ascii_end();
    callee.ends_with(b"buildConfigField") || callee.ends_with(b"resValue")
}

/// The third argument of a build field: a string that, for `buildConfigField`, holds a Java
/// literal in its own quotes (`'"v"'`, `"\"v\""`); the value is inside them.
fn android_field_value(bytes: &[u8], open: usize) -> Option<Range<usize>> {
    let outer = quoted_value(bytes, open)?;
    let inner = &bytes[outer.clone()];
    let lead = [&b"\\\""[..], b"\"", b"'"]
        .into_iter()
        .find(|q| inner.starts_with(q) && inner.ends_with(q) && inner.len() > 2 * q.len());
    Some(match lead {
        Some(q) => outer.start + q.len()..outer.end - q.len(),
        None => outer,
    })
}

/// A name written inside a string: `"Server=x;Password=v;"`, `'token: v'`. Read only with `=`
/// or `:` right after the name, up to the string's end or a separator.
fn embedded(bytes: &[u8], name: &Range<usize>) -> Option<Range<usize>> {
    let p = name.end;
    if let Some(v) = escaped_assignment(bytes, p) {
        return Some(v);
    }
    match bytes.get(p) {
        Some(b'=') if bytes.get(p + 1) != Some(&b'=') => {
            unquoted(bytes, p + 1, b"\"'`;&, \t\r\n\\<>")
        }
        // `"X-Api-Key: v"`, and a header written without the blank (`"X-Auth-Token:v"`, as
        // HTTPie and curl take it); other names need the blank (`"token:abc"` is a label).
        Some(b':') if bytes.get(p + 1) == Some(&b' ') || is_header_name(&bytes[name.clone()]) => {
            let v = skip_blank(bytes, p + 1);
            let value = unquoted(bytes, v, b"\"'`;&, \t\r\n\\<>")?;
            // `For USER_PASSWORD_AUTH: USERNAME (required), …`: a word with more words after
            // it is prose around a name (an apostrophe earlier on the line looked like a
            // string's quote), not a pair.
            let after = skip_blank(bytes, value.end);
            let prose = after > value.end
                && bytes
                    .get(after)
                    .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'(');
            (!prose).then_some(value)
        }
        _ => None,
    }
}

/// `X-Auth-Token`, `Private-Token`: an HTTP header's name, capitalised words joined by `-`.
fn is_header_name(name: &[u8]) -> bool {
    name.contains(&b'-')
        && name
            .split(|&b| b == b'-')
            .all(|w| w.first().is_some_and(u8::is_ascii_uppercase))
}

/// Code kept inside a string (a notebook's JSON cell source, a generated script):
/// `"api_key = \"v\"\n"`, `"OpenAI(api_key=\"v\")"`. After the name, an `=` or `:` (blanks
/// around it) and an escaped quote; the value runs to the next escaped quote.
fn escaped_assignment(bytes: &[u8], p: usize) -> Option<Range<usize>> {
    let op = skip_blank(bytes, p);
    if !matches!(bytes.get(op), Some(b'=') | Some(b':')) || bytes.get(op + 1) == Some(&b'=') {
        return None;
    }
    escaped_quoted_value(bytes, string_prefix_end(bytes, skip_blank(bytes, op + 1)))
        .filter(|v| !v.is_empty())
}

/// The contents of a string written with escaped quotes inside another string, `\"v\"` or
/// `\'v\'`, whose opening backslash is at `open`; the closing escaped quote is looked for
/// no further than a value's length.
fn escaped_quoted_value(bytes: &[u8], open: usize) -> Option<Range<usize>> {
    if bytes.get(open) != Some(&b'\\') {
        return None;
    }
    let q = *bytes.get(open + 1).filter(|&&b| is_quote(b))?;
    let start = open + 2;
    let limit = (start + MAX_VALUE + 2).min(bytes.len());
    let len = memchr::memmem::find(&bytes[start..limit], &[b'\\', q])?;
    Some(start..start + len)
}

/// `<password>v</password>`, `<ns:apiKey>v</ns:apiKey>`.
fn xml_element(bytes: &[u8], name: &Range<usize>) -> Option<Range<usize>> {
    // `<Key>` alone is an object key (S3 listings, plists), not a credential.
    if bytes[name.clone()].eq_ignore_ascii_case(b"key") {
        return None;
    }
    // `<password>v</password>`, or with attributes: `<password name="db">v</password>`
    // (attributes on one line, not a self-closing tag).
    let close = match bytes.get(name.end) {
        Some(b'>') => name.end,
        Some(b' ') | Some(b'\t') => {
            let limit = (name.end + 200).min(bytes.len());
            let gt = name.end + bytes[name.end..limit].iter().position(|&b| b == b'>')?;
            let attrs = &bytes[name.end..gt];
            if attrs.contains(&b'\n') || attrs.contains(&b'<') || attrs.ends_with(b"/") {
                return None;
            }
            gt
        }
        _ => return None,
    };
    element_text(bytes, close + 1)
}

/// An element's text from `start` (just after its opening tag) to its closing tag, trimmed;
/// none when it holds markup.
fn element_text(bytes: &[u8], start: usize) -> Option<Range<usize>> {
    let limit = (start + MAX_VALUE).min(bytes.len());
    let len = memchr::memmem::find(&bytes[start..limit], b"</")?;
    let v = trim(bytes, start..start + len);
    (!bytes[v.clone()].contains(&b'<')).then_some(v)
}

/// `${DB_PASSWORD:-v}`, `${TOKEN:=v}`, `${TOKEN-v}`, Spring's `${api.key:v}`.
fn shell_default(bytes: &[u8], name: &Range<usize>) -> Option<Range<usize>> {
    let rest = &bytes[name.end..];
    let op = if rest.starts_with(b":-") || rest.starts_with(b":=") {
        2
    } else if rest.starts_with(b"-") || rest.starts_with(b"=") {
        1
    } else if rest.starts_with(b":") && spring_default(&rest[1..]) {
        // Spring's placeholder default, `${api.key:v}`.
        1
    } else {
        return None;
    };
    let p = name.end + op;
    match bytes.get(p) {
        Some(&q) if is_quote(q) => quoted_value(bytes, p),
        _ => unquoted(bytes, p, b"}\"'` \t\r\n"),
    }
}

/// After `${name:`, a default rather than a shell substring (`${X:2}`, `${X:1:3}`) or a shell
/// alternative (`${X:+alt}`, `${X:?err}`).
fn spring_default(rest: &[u8]) -> bool {
    let body = &rest[..rest.iter().position(|&b| b == b'}').unwrap_or(rest.len())];
    !body.is_empty()
        && !matches!(body[0], b'+' | b'?' | b' ')
        && !body.iter().all(|b| b.is_ascii_digit() || *b == b':')
}

/// `--password v`, `--token=v`, `-password 'v'`, PowerShell's `-Password:v`.
fn flag_value(bytes: &[u8], name: &Range<usize>) -> Option<Range<usize>> {
    let p = name.end;
    let v = match bytes.get(p) {
        Some(b'=') | Some(b':') => p + 1,
        Some(b' ') | Some(b'\t') => skip_blank(bytes, p),
        _ => return None,
    };
    match bytes.get(v) {
        Some(&q) if is_quote(q) => quoted_value(bytes, v),
        Some(b'-') => None,
        _ => unquoted(bytes, v, b"\"'` \t\r\n;&|)\\"),
    }
}

/// `password = "v"`, `$password = 'v';`, `Password: "v",`, `apiKey: string = 'v'`,
/// `var apiKey string = "v"`, `api_key ||= "v"`, `process.env.TOKEN || "v"`; in configuration
/// files also `PASSWORD=v` and `password: v`.
fn bare_name(bytes: &[u8], name: &Range<usize>, syntax: FileSyntax) -> Option<Range<usize>> {
    if syntax == FileSyntax::Source && inside_string(bytes, name.start) {
        return embedded(bytes, name);
    }
    // `export NAME=v` is shell wherever it is written (a README's code block, a CI script), and
    // so is a whole line `UPPER_NAME=v` with no blank around `=`: code would call that an
    // expression, but code is not written that way.
    let syntax = if syntax == FileSyntax::Source
        && (after_export(bytes, name.start) || env_line(bytes, name))
    {
        FileSyntax::Config
    } else {
        syntax
    };
    if syntax == FileSyntax::Config {
        if let Some(v) = dockerfile_env_value(bytes, name) {
            return Some(v);
        }
    }
    let mut p = name.end;
    while bytes.get(p) == Some(&b']') {
        p += 1;
    }
    let q = skip_blank(bytes, p);
    let c = *bytes.get(q)?;
    match c {
        b':' => {
            let next = bytes.get(q + 1).copied();
            if next == Some(b'=') || next == Some(b':') {
                let op = operator_len(&bytes[q..])?;
                return value_at(bytes, q + op, syntax, false);
            }
            if next == Some(b'-') {
                return None;
            }
            // `name: Type = "v"` (Python, TypeScript, Rust, Kotlin, Swift) or a field.
            if let Some(eq) = annotation_end(bytes, q + 1) {
                return value_at(bytes, eq, syntax, false);
            }
            let value = value_at(bytes, q + 1, syntax, true)?;
            // `(password: v)` in a document: the parenthesis closes around the pair.
            let in_parens = name.start > 0 && bytes[name.start - 1] == b'(';
            Some(if in_parens && bytes[value.end - 1] == b')' {
                value.start..value.end - 1
            } else {
                value
            })
        }
        b'=' | b'?' | b'.' | b'|' | b'+' | b'!' => {
            let op = operator_len(&bytes[q..])?;
            // `x || "v"` and `x ?? "v"` bind a default only to an environment read
            // (`process.env.TOKEN || "v"`); elsewhere they are logic (`n.token || "abc"`).
            let default_op = matches!(&bytes[q..q + op], b"||" | b"??");
            if default_op && !is_env_read(&bytes[name.clone()]) {
                return None;
            }
            value_at(bytes, q + op, syntax, false)
        }
        // Gradle, Groovy and Ruby DSLs: `password 'v'` as the first words of a line or of a
        // closure (`release { storePassword "v" }`). C and assembler macros: `#define API_KEY "v"`.
        b'"' | b'\''
            if q > p
                && (starts_line(bytes, name.start)
                    || after_open_brace(bytes, name.start)
                    || after_define(bytes, name.start)) =>
        {
            quoted_value(bytes, q)
        }
        // Ruby DSLs: a symbol and its literal value as a call's two arguments (Capistrano's
        // `set :password, "v"`, `set(:api_token, "v")`).
        b',' if is_symbol_argument(bytes, name) => {
            let open = skip_blank(bytes, q + 1);
            quoted_value(bytes, open)
        }
        // An option constant and its value as a call's last two arguments:
        // `curl_easy_setopt(curl, CURLOPT_PASSWORD, "v")`, `curl_setopt($ch, CURLOPT_USERPWD,
        // 'user:v')`.
        b',' if is_option_constant(bytes, name) => {
            let open = skip_blank(bytes, q + 1);
            let value = quoted_value(bytes, open)?;
            (bytes.get(skip_blank(bytes, value.end + 1)) == Some(&b')')).then_some(value)
        }
        // A setter or a builder step named for the credential, with one literal argument:
        // `config.setPassword("v")`, `.apiKey("v")`, Go's `WithAuthToken("v")`.
        b'(' if q == p && is_setter(&bytes[name.clone()]) => {
            let open = string_prefix_end(bytes, skip_blank(bytes, q + 1));
            let value = quoted_value(bytes, open)?;
            (bytes.get(skip_blank(bytes, value.end + 1)) == Some(&b')')).then_some(value)
        }
        // R: `api_key <- "v"`.
        b'<' if bytes[q..].starts_with(b"<-") && bytes.get(q + 2) != Some(&b'-') => {
            value_at(bytes, q + 2, syntax, false)
        }
        b'o' if bytes[q..].starts_with(b"or ") && is_env_read(&bytes[name.clone()]) => {
            value_at(bytes, q + 2, syntax, false)
        }
        _ if c.is_ascii_alphabetic() && q > p => {
            // Go: `var apiKey string = "v"`.
            let type_end = q + bytes[q..].iter().take_while(|b| is_name_byte(**b)).count();
            let eq = skip_blank(bytes, type_end);
            if bytes.get(eq) == Some(&b'=') && bytes.get(eq + 1) != Some(&b'=') {
                return value_at(bytes, eq + 1, syntax, false);
            }
            None
        }
        _ => None,
    }
}

/// `setPassword`, `withApiKey`, `WithAuthToken`, or a credential's own name called as a
/// builder step (`.password`, `.apiKey`): a call that stores its argument as the credential.
/// The method itself must be named for the credential: `password.encode("utf-8")` and
/// `SECRET_KEYS.append(x)` call methods of a credential, and verbs that use one
/// (`checkPassword`, `hashPassword`, `validateToken`) are no setters.
fn is_setter(name: &[u8]) -> bool {
    // The method's own name: `config.setPassword` calls `setPassword`.
    let method = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    if names::Names::shared().classify(method).is_none() {
        return false;
    }
    let setter = [&b"set"[..], b"with", b"Set", b"With"].iter().any(|p| {
        method
            .strip_prefix(*p)
            .and_then(|r| r.first())
            .is_some_and(|b| b.is_ascii_uppercase() || *b == b'_')
    });
    if setter {
        return true;
    }
    // A builder step: the credential word alone, or a qualifier and the word (`apiKey`,
    // `clientSecret`). A lone `pass` or `key` is a test framework's or a map's method.
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
    ];
    const QUALIFIERS: &[&str] = &[
        "api", "access", "auth", "secret", "client", "private", "app",
    ];
    let words = names::split_words(method);
    method.first().is_some_and(u8::is_ascii_lowercase)
        && match words.as_slice() {
            [w] => WORDS.contains(&w.as_str()),
            [first, _] => QUALIFIERS.contains(&first.as_str()),
            _ => false,
        }
}

/// A Ruby symbol that opens a call's arguments: `set :password,`, `fetch(:token,`. Not a
/// constant path (`Foo::TOKEN`) and not a list of symbols (`[:password, :token]`).
fn is_symbol_argument(bytes: &[u8], name: &Range<usize>) -> bool {
    name.start >= 2
        && bytes[name.start - 1] == b':'
        && matches!(bytes[name.start - 2], b' ' | b'\t' | b'(')
}

/// An upper-case constant that follows another argument (`, CURLOPT_PASSWORD`): an option
/// passed by name. A constant that opens the argument list (`(ENV_TOKEN_FILE, "/t")`) is a
/// tuple or a lookup, not an option.
fn is_option_constant(bytes: &[u8], name: &Range<usize>) -> bool {
    let constant = bytes[name.clone()]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    constant && skip_blank_back(bytes, name.start).is_some_and(|i| bytes[i] == b',')
}

/// `process.env.X`, `import.meta.env.X`, `ENV.X`, `os.environ.X`: a name read from the
/// environment, whose `||` / `??` / `or` fallback is a default value.
fn is_env_read(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with(b"env.")
        || lower.windows(5).any(|w| w == b".env.")
        || lower.windows(8).any(|w| w == b"environ.")
}

/// Length of the assignment or default operator at the start of `s`, if it is one.
fn operator_len(s: &[u8]) -> Option<usize> {
    const OPS: &[&[u8]] = &[
        b":::=", b"::=", b"!==", b"===", b"??=", b"||=", b"=>", b"!=", b"==", b":=", b"?=", b".=",
        b"??", b"||", b"=",
    ];
    let op = OPS.iter().find(|op| s.starts_with(op))?;
    // `=~` (match), `=<`: not a binding.
    match s.get(op.len()) {
        Some(b'~') | Some(b'<') | Some(b'>') if *op == b"=" => None,
        _ => Some(op.len()),
    }
}

/// After `name:`, a type annotation followed by `=`: returns the position after the `=`.
/// A `,` outside the type's brackets (`password: str, method: str = "scrypt"`) ends the
/// parameter: the `=` after it is the next one's.
fn annotation_end(bytes: &[u8], from: usize) -> Option<usize> {
    let limit = (from + 80).min(bytes.len());
    let mut depth = 0usize;
    for i in from..limit {
        match bytes[i] {
            b'=' => {
                let next = bytes.get(i + 1).copied();
                if next == Some(b'=') || next == Some(b'>') || i == from {
                    return None;
                }
                return Some(i + 1);
            }
            b'<' | b'[' => depth += 1,
            b'>' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => return None,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
            b' ' | b'\t' | b'&' | b'\'' | b',' | b'.' | b'*' | b'?' | b'|' | b'_' | b':' => {}
            _ => return None,
        }
    }
    None
}

/// The value after an operator. `colon` says the operator was a `:` (a field or mapping).
fn value_at(bytes: &[u8], p: usize, syntax: FileSyntax, colon: bool) -> Option<Range<usize>> {
    let mut v = skip_blank(bytes, p);
    // `PASSWORD = \` + newline + `"v"`: a backslash line continuation (Python, shell, C macros)
    // puts the value on the next line.
    if bytes.get(v) == Some(&b'\\') {
        let next = v + 1 + usize::from(bytes.get(v + 1) == Some(&b'\r'));
        if bytes.get(next) == Some(&b'\n') {
            v = skip_blank(bytes, next + 1);
        }
    }
    if let Some(d) = env_read_default(bytes, v) {
        return Some(d);
    }
    // `X = (\n    "v"\n)`: a parenthesised literal, possibly on the next line.
    if bytes.get(v) == Some(&b'(') {
        v += 1;
        while v < bytes.len() && v < p + 64 && bytes[v].is_ascii_whitespace() {
            v += 1;
        }
        if !bytes.get(v).is_some_and(|&b| is_quote(b)) {
            return None;
        }
    }
    // `String::from("v")`, `SecretString::new("v".into())`, `new String("v")`: a literal
    // wrapped in a constructor is still the literal.
    if let Some(inner) = wrapper_call_end(&bytes[v..]) {
        let q = skip_blank(bytes, v + inner);
        if bytes.get(q).is_some_and(|&b| is_quote(b)) {
            return quoted_value(bytes, q);
        }
    }
    if colon && syntax == FileSyntax::Config {
        if let Some(header_end) = block_scalar_header(bytes, v) {
            return one_line_block(bytes, header_end + 1);
        }
    }
    let start = string_prefix_end(bytes, v);
    match bytes.get(start) {
        Some(&q) if is_quote(q) => quoted_value(bytes, start),
        Some(b'\\') if bytes.get(start + 1) == Some(&b'"') => escaped_quoted_value(bytes, start),
        Some(_) if syntax == FileSyntax::Config => {
            // `MYSQL_PASSWORD= FILTER=x npm test`: a plain `=` right after the name and then a
            // blank is an empty shell assignment; what follows is the next word (`ini` writes
            // `a = v`, make `A := v`).
            let tight_empty = !colon
                && v > p
                && p >= 2
                && bytes[p - 1] == b'='
                && (bytes[p - 2].is_ascii_alphanumeric() || bytes[p - 2] == b'_');
            if tight_empty {
                return None;
            }
            // `NAME=v # comment`, `name: v`; TOML and YAML strings were handled above. A `#`
            // starts a comment only after a blank (shell, dotenv, YAML), so inside a token it
            // is the token's (`SECRET_KEY=k3#x…`) and the blank before a comment ends it.
            let stops: &[u8] = if colon { b" \t\r\n" } else { b" \t\r\n;" };
            let value = unquoted(bytes, v, stops)?;
            // `password: keep empty` is a YAML string with spaces, or prose: no one token.
            // (`NAME=v cmd` stays a value: a shell command run with `NAME` set.)
            let after = skip_blank(bytes, value.end);
            let prose = colon && !matches!(bytes.get(after), None | Some(b'\r' | b'\n' | b'#'));
            (!prose).then_some(value)
        }
        _ => None,
    }
}

/// `|`, `>-`, `|+2` at `p` ending its line: a YAML block scalar's header. Returns the index of
/// the line break.
fn block_scalar_header(bytes: &[u8], p: usize) -> Option<usize> {
    if !matches!(bytes.get(p), Some(b'|') | Some(b'>')) {
        return None;
    }
    // A header is a few bytes (`|`, `>-`, `|+2`): the line break is looked for only there.
    let near = &bytes[p..(p + 8).min(bytes.len())];
    let header_end = p + near.iter().position(|&b| b == b'\n')?;
    let header = bytes[p + 1..header_end].trim_ascii();
    header
        .iter()
        .all(|b| matches!(b, b'-' | b'+' | b'1'..=b'9'))
        .then_some(header_end)
}

/// The content of a block scalar starting at `line_start` when it is one indented line:
/// `token: |` + newline + `  v`. A block of several lines is a certificate, a key or a script,
/// which other rules read (or nothing should).
fn one_line_block(bytes: &[u8], line_start: usize) -> Option<Range<usize>> {
    // A line longer than a value is no value: the search for its end stops there.
    let limit = (line_start + MAX_VALUE + 64).min(bytes.len());
    let line_end = match bytes[line_start..limit].iter().position(|&b| b == b'\n') {
        Some(i) => line_start + i,
        None if limit == bytes.len() => limit,
        None => return None,
    };
    let line = trim(bytes, line_start..line_end);
    let indent = line.start - line_start;
    // The block goes on while the next line is indented as deeply as the first.
    let next_start = (line_end + 1).min(bytes.len());
    let next = skip_blank(bytes, next_start);
    let more = indent > 0
        && next - next_start >= indent
        && !matches!(bytes.get(next), None | Some(b'\n') | Some(b'\r'));
    (indent > 0 && !line.is_empty() && !more && line.len() <= MAX_VALUE).then_some(line)
}

/// `os.getenv("X", "v")`, `os.environ.get("X") or "v"`, `ENV.fetch("X", "v")`, `env("X", "v")`,
/// `process.env.X || "v"` on the right of an assignment: an environment read whose literal
/// fallback is the value bound to the name. Only calls whose name says they read the
/// environment, so `compute(x, "v")` binds nothing.
fn env_read_default(bytes: &[u8], p: usize) -> Option<Range<usize>> {
    let limit = (p + 48).min(bytes.len());
    let callee_len = bytes[p..limit]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"_.:".contains(&b))
        .count();
    let callee = bytes[p..p + callee_len].to_ascii_lowercase();
    if callee.is_empty() {
        return None;
    }
    let at = skip_blank(bytes, p + callee_len);
    if bytes.get(at) != Some(&b'(') {
        // `process.env.X || "v"`: a property read with a default.
        if !syntax_is_env_property(&callee) {
            return None;
        }
        // `key: process.env.COMMIT_SHA || "…"`: the variable says what the default is.
        let var = bytes[p..p + callee_len].rsplit(|&b| b == b'.').next()?;
        if names::Names::shared().names_something_else(var) {
            return None;
        }
        return default_after(bytes, at);
    }
    let env_call = [
        &b"getenv"[..],
        b"environ.get",
        b"env.get",
        b"env.fetch",
        b"env",
        b"env.str",
    ]
    .iter()
    .any(|c| {
        callee.ends_with(c)
            && (callee.len() == c.len() || b".:_".contains(&callee[callee.len() - c.len() - 1]))
    });
    if !env_call {
        return None;
    }
    // The first argument: a string or a name; a variable named for something else
    // (`getenv("BUILD_DIGEST", "…")`) says what the default is.
    let a = skip_blank(bytes, at + 1);
    let after_arg = match bytes.get(a) {
        Some(&q) if is_quote(q) => {
            let var = quoted_value(bytes, a)?;
            if names::Names::shared().names_something_else(&bytes[var.clone()]) {
                return None;
            }
            var.end + 1
        }
        Some(_) => {
            a + bytes[a..]
                .iter()
                .take(MAX_NAME)
                .take_while(|&&b| is_name_byte(b))
                .count()
        }
        None => return None,
    };
    let c = skip_blank(bytes, after_arg);
    match bytes.get(c) {
        Some(b',') => {
            let v = string_prefix_end(bytes, skip_blank(bytes, c + 1));
            quoted_value(bytes, v)
        }
        Some(b')') => default_after(bytes, c + 1),
        _ => None,
    }
}

fn syntax_is_env_property(callee: &[u8]) -> bool {
    is_env_read(callee) && callee.contains(&b'.')
}

/// After an environment read, ` or "v"`, ` || "v"`, ` ?? "v"`: the literal fallback.
fn default_after(bytes: &[u8], p: usize) -> Option<Range<usize>> {
    let q = skip_blank(bytes, p);
    let rest = &bytes[q.min(bytes.len())..];
    let op = if rest.starts_with(b"||") || rest.starts_with(b"??") || rest.starts_with(b"?:") {
        2
    } else if rest.starts_with(b"or ") {
        3
    } else {
        return None;
    };
    let v = string_prefix_end(bytes, skip_blank(bytes, q + op));
    quoted_value(bytes, v)
}

/// Skips a string-literal prefix (`r"`, `b'`, `f"`, `u"`, `@"`, `L"`, `rb"`) when a quote follows.
fn string_prefix_end(bytes: &[u8], p: usize) -> usize {
    for len in [1, 2] {
        let Some(prefix) = bytes.get(p..p + len) else {
            continue;
        };
        let is_prefix = prefix.iter().all(|b| b"rRbBuUfFL@".contains(b));
        if is_prefix && bytes.get(p + len).is_some_and(|&b| is_quote(b)) {
            return p + len;
        }
    }
    p
}

/// The contents of the string literal opening at `open` (on one line, backslash escapes).
fn quoted_value(bytes: &[u8], open: usize) -> Option<Range<usize>> {
    let q = *bytes.get(open)?;
    if !is_quote(q) {
        return None;
    }
    if bytes.get(open + 1) == Some(&q) {
        // `''` is an empty string; `"""…"""` a multiline string (Python, TOML, Kotlin).
        let triple = bytes.get(open + 2) == Some(&q);
        return if triple {
            triple_quoted(bytes, open + 3, q)
        } else {
            None
        };
    }
    let start = open + 1;
    let limit = (start + MAX_VALUE + 1).min(bytes.len());
    let mut i = start;
    while i < limit {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b if b == q => return Some(start..i),
            _ => i += 1,
        }
    }
    None
}

/// The contents of a `"""` (or `'''`) string from `start`, blank edges trimmed, so `secret =
/// """` with `v"""` on the next line binds `v`. A docstring or a text block holds spaces or
/// several lines, which the value classifier does not judge: only a single token is a value.
fn triple_quoted(bytes: &[u8], start: usize, q: u8) -> Option<Range<usize>> {
    let limit = (start + MAX_VALUE + 3).min(bytes.len());
    let close = memchr::memmem::find(&bytes[start.min(limit)..limit], &[q, q, q])?;
    let value = trim(bytes, start..start + close);
    (!value.is_empty()).then_some(value)
}

/// An unquoted value from `p` to the first byte in `stops`; none when empty or too long.
fn unquoted(bytes: &[u8], p: usize, stops: &[u8]) -> Option<Range<usize>> {
    let limit = (p + MAX_VALUE + 1).min(bytes.len());
    let len = bytes[p.min(limit)..limit]
        .iter()
        .position(|b| stops.contains(b))
        .unwrap_or(limit - p.min(limit));
    (len > 0 && len <= MAX_VALUE).then_some(p..p + len)
}

/// `variable "db_password" {` … `default = "v"` … `}`.
fn terraform_default(bytes: &[u8], from: usize) -> Option<Range<usize>> {
    let limit = (from + BLOCK_LOOKAHEAD).min(bytes.len());
    let block = &bytes[from..limit];
    let close = block.iter().position(|&b| b == b'}').unwrap_or(block.len());
    let at = memchr::memmem::find(&block[..close], b"default")?;
    let p = skip_blank(bytes, from + at + "default".len());
    if bytes.get(p) != Some(&b'=') {
        return None;
    }
    quoted_value(bytes, skip_blank(bytes, p + 1))
}

/// Does the call whose argument opens at `open` read the environment (`getenv(`,
/// `environ.get(`, `env(`, `ENV.fetch(`)?
fn env_call_before(bytes: &[u8], open: usize) -> bool {
    let Some(paren) = skip_blank_back(bytes, open) else {
        return false;
    };
    let from = paren.saturating_sub(24);
    let callee = bytes[from..paren].to_ascii_lowercase();
    [
        &b"getenv"[..],
        b"environ.get",
        b"env.get",
        b"env.fetch",
        b"env",
    ]
    .iter()
    .any(|c| callee.ends_with(c))
}

/// Codecov's badge URLs carry a read-only graph token that is public by design
/// (`codecov.io/gh/o/r/graph/badge.svg?token=…`).
fn codecov_badge(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[at.saturating_sub(200)..at];
    memchr::memmem::find(before, b"codecov.io").is_some()
        && memchr::memmem::find(before, b"badge").is_some()
}

/// The length of a string constructor call's head (`String::from(`) at the start of `s`: the
/// literal inside is the value.
fn wrapper_call_end(s: &[u8]) -> Option<usize> {
    const CALLS: &[&[u8]] = &[
        b"String::from(",
        b"SecretString::from(",
        b"SecretString::new(",
        b"Secret::new(",
        b"SecretStr(",
        b"new String(",
        // Go's `[]byte("v")`, Python's `bytes.fromhex("…")`, Node's `Buffer.from("v")`, and a
        // pydantic field's default (`api_key: str = Field(default="v")`).
        b"[]byte(",
        b"bytes.fromhex(",
        b"Buffer.from(",
        b"Field(default=",
        b"Field(",
    ];
    CALLS.iter().find(|c| s.starts_with(c)).map(|c| c.len())
}

/// `{ name`: the first word of a block on the same line (a Groovy closure).
fn after_open_brace(bytes: &[u8], at: usize) -> bool {
    skip_blank_back(bytes, at).is_some_and(|i| bytes[i] == b'{')
}

/// Is `at` the first non-blank byte of its line?
fn starts_line(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b != b'\n')
        .all(|&b| b == b' ' || b == b'\t')
}

/// `API_TOKEN=v` as a whole line: the name starts the line, is upper snake case, `=` follows at
/// once and the value runs to the end of the line without a blank.
fn env_line(bytes: &[u8], name: &Range<usize>) -> bool {
    // At the line's start, or behind nothing but a shell prompt (`$ NAME=v`).
    let starts_line = name.start == 0
        || bytes[name.start - 1] == b'\n'
        || line_head(bytes, name.start)
            .strip_prefix(b"$ ")
            .is_some_and(|rest| rest.trim_ascii().is_empty());
    let upper = bytes[name.clone()]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    if !starts_line || !upper || bytes.get(name.end) != Some(&b'=') {
        return false;
    }
    let rest = &bytes[name.end + 1..];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    !line.is_empty() && !line.iter().any(|b| matches!(b, b' ' | b'\t'))
}

/// Does the line holding `at` start with `#define ` (or `%define`, `%#define`) right before the
/// name?
fn after_define(bytes: &[u8], at: usize) -> bool {
    let from = at.saturating_sub(64);
    let line_start = memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |i| from + i + 1);
    let head = bytes[line_start..at].trim_ascii();
    let head = head.strip_prefix(b"%").unwrap_or(head);
    head == b"#define" && matches!(bytes[at - 1], b' ' | b'\t')
}

/// Does the line holding `at` start with `export ` right before the name, behind a shell
/// prompt or a comment mark if any (`$ export NAME=v` in a README, `# export NAME=v`)?
fn after_export(bytes: &[u8], at: usize) -> bool {
    let head = without_prompt(line_head(bytes, at));
    head == b"export " || head == b"export\t"
}

/// A line's head without a leading shell prompt or comment mark (`$ `, `# `).
fn without_prompt(head: &[u8]) -> &[u8] {
    match head {
        [b'$' | b'#', b' ', rest @ ..] => rest.trim_ascii_start(),
        _ => head,
    }
}

/// The text between the start of `at`'s line (indentation skipped) and `at`, looked for no
/// more than 64 bytes back.
fn line_head(bytes: &[u8], at: usize) -> &[u8] {
    let from = at.saturating_sub(64);
    let line_start = memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |i| from + i + 1);
    let head = &bytes[line_start..at];
    &head[head
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count()..]
}

/// A Dockerfile's older `ENV NAME value` form: the name right after `ENV `, a blank, and the
/// value (the first word of the rest of the line).
fn dockerfile_env_value(bytes: &[u8], name: &Range<usize>) -> Option<Range<usize>> {
    let head = line_head(bytes, name.start);
    if !(head.eq_ignore_ascii_case(b"env ") || head.eq_ignore_ascii_case(b"env\t")) {
        return None;
    }
    if !matches!(bytes.get(name.end), Some(b' ') | Some(b'\t')) {
        return None;
    }
    let v = skip_blank(bytes, name.end);
    match bytes.get(v) {
        Some(&q) if is_quote(q) => quoted_value(bytes, v),
        Some(b'=') | None => None,
        _ => unquoted(bytes, v, b" \t\r\n"),
    }
}

/// Is `at` inside a string literal that opened earlier on its line? (Quotes counted from the
/// line start, backslash escapes skipped; bounded look-back.)
fn inside_string(bytes: &[u8], at: usize) -> bool {
    // A line longer than this is minified code or data, where counting quotes means nothing.
    let from = at.saturating_sub(1024);
    let Some(line_start) = memchr::memrchr(b'\n', &bytes[from..at])
        .map(|i| from + i + 1)
        .or((from == 0).then_some(0))
    else {
        return false;
    };
    let mut open: Option<u8> = None;
    let mut i = line_start;
    while i < at {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if is_quote(b) {
            open = match open {
                None => Some(b),
                Some(q) if q == b => None,
                other => other,
            };
        }
        i += 1;
    }
    open.is_some()
}

/// After `name`, expects `token` (blanks allowed before it); returns the position after it.
fn expect(bytes: &[u8], p: usize, token: &[u8]) -> Option<usize> {
    bytes[p..].starts_with(token).then_some(p + token.len())
}

fn skip_blank(bytes: &[u8], mut p: usize) -> usize {
    while p < bytes.len() && matches!(bytes[p], b' ' | b'\t') {
        p += 1;
    }
    p
}

/// The index of the last non-blank byte before `p`, if any.
fn skip_blank_back(bytes: &[u8], p: usize) -> Option<usize> {
    (0..p).rev().find(|&i| !matches!(bytes[i], b' ' | b'\t'))
}

fn trim(bytes: &[u8], r: Range<usize>) -> Range<usize> {
    let s = &bytes[r.clone()];
    let lead = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = s[lead..]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    r.start + lead..r.end - trail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value the reader binds to the first occurrence of `word` in `text`.
    /// The value the tests plant, built at run time so keyward's own scan stays clean.
    fn v() -> String {
        ["Xq7v", "T2mZp9"].concat()
    }

    fn read(text: &str, word: &str, syntax: FileSyntax) -> Option<String> {
        let text = &text.replace("@V", &v());
        let b = text.as_bytes();
        let at = text
            .to_ascii_lowercase()
            .find(&word.to_ascii_lowercase())
            .expect("word in text");
        let name = name_around(b, at..at + word.len())?;
        let pair = read_pair(b, name, syntax)?;
        Some(text[pair.value].to_string())
    }

    fn src(text: &str, word: &str) -> Option<String> {
        read(text, word, FileSyntax::Source)
    }

    /// The first of `words` that `text` contains: the credential word a case reads from.
    fn first_of<'a>(text: &str, words: &[&'a str]) -> &'a str {
        words
            .iter()
            .find(|w| text.contains(**w))
            .expect("a credential word")
    }

    #[test]
    fn assignments_in_many_languages() {
        let v = Some(v());
        for text in [
            r#"db_password = "@V""#,
            r#"$db_password = '@V';"#,
            r#"DB_PASSWORD := "@V""#,
            r#"db_password ?= "@V""#,
            r#"db_password ::= "@V""#,
            r#"$db_password .= "@V";"#,
            r#"db_password ||= "@V""#,
            r#"const db_password: &str = "@V";"#,
            r#"db_password: str = "@V""#,
            r#"db_password: Dict[str, str] = "@V""#,
            r#"db_password: HashMap<String, String> = "@V""#,
            r#"var db_password string = "@V""#,
            r#"    DbPassword: "@V","#,
            r#"{"db_password": "@V"}"#,
            r#"$cfg['db_password'] = '@V';"#,
            r#"'db_password' => '@V',"#,
            r#"os.getenv("db_password", "@V")"#,
            r#"buildConfigField 'String', 'db_password', '"@V"'"#,
            r#"buildConfigField("String", "db_password", "\"@V\"")"#,
            r#"resValue "string", "db_password", "@V""#,
            r#"define('db_password', '@V');"#,
            r#"process.env.db_password || '@V'"#,
            r#"process.env.db_password ?? "@V""#,
            r#"<db_password>@V</db_password>"#,
            r#"<add db_password="@V" />"#,
            r#"mysql --db_password @V -h db"#,
            r#"x = "https://h/x?db_password=@V&a=1""#,
            r#"echo ${db_password:-@V}"#,
            r#"s = "{\"db_password\": \"@V\"}""#,
            r#"s = "host=db;db_password=@V;""#,
            r#"run(["http", "GET", "api.acme.io", "X-Db-Password:@V"])"#,
            "variable \"db_password\" {\n  type = string\n  default = \"@V\"\n}",
            r#"<add key="db_password" value="@V" />"#,
            r#"<entry key="db_password">@V</entry>"#,
            r#"db_password <- "@V""#,
            r#"signingConfigs { release { db_password "@V" } }"#,
            r#"let db_password = String::from("@V");"#,
            r#"String db_password = new String("@V");"#,
            r#"db_password = r"@V""#,
            "credentials {\n    username 'deploy'\n    db_password '@V'\n}",
            "db_password = \"\"\"\n@V\"\"\"",
            "db_password = '''@V\n'''",
        ] {
            assert_eq!(src(text, "password"), v, "{text}");
        }
    }

    #[test]
    fn setters_builder_steps_and_wrapped_literals_bind_their_argument() {
        let v = Some(v());
        for text in [
            r#"config.setPassword("@V");"#,
            r#"user.set_password("@V")"#,
            r#"Foo.builder().apiKey("@V").build()"#,
            r#"client := github.NewClient(nil).WithAuthToken("@V")"#,
            r#"opts.withClientSecret("@V")"#,
            r#"var Secret = []byte("@V")"#,
            r#"api_key: str = Field(default="@V")"#,
            r#"ENCRYPTION_KEY = bytes.fromhex("@V")"#,
            r#"ENV["API_KEY"] ||= "@V""#,
            r#"cfg["token"] ??= "@V";"#,
            r#"@Value("${api.key:@V}")"#,
            r#"token = "Bearer @V""#,
            r#"command: ["redis-server", "--requirepass", "@V"]"#,
            r#"subprocess.run(["mysql", "--password", "@V", "app"])"#,
            r#"cell = "api_key = \"@V\"\n""#,
            r#"cell = "client = OpenAI(api_key=\"@V\")""#,
            r#"auth_token: "Token @V""#,
            r#"set :password, "@V""#,
            r#"set(:api_token, '@V')"#,
        ] {
            let word = first_of(
                text,
                &[
                    "Password", "password", "Key", "KEY", "Token", "Secret", "key", "token", "pass",
                ],
            );
            assert_eq!(src(text, word), v, "{text}");
        }
        // Calls that use a credential, take more than one argument, or read a variable.
        for text in [
            r#"if user.checkPassword("@V") {"#,
            r#"hashPassword("@V")"#,
            r#"validateApiKey("@V")"#,
            r#"config.setPassword("@V", true);"#,
            r#"config.setPassword(password);"#,
            r#"login_response.write(self.password.encode('utf-8'))"#,
            r#"SECRET_KEYS.append("@V")"#,
            r#"assert.pass("@V");"#,
            r#"echo ${TOKEN:2}"#,
            r#"echo ${TOKEN:1:3}"#,
            r#"echo ${TOKEN:+set}"#,
            r#"set :password, ENV.fetch("DB_PASSWORD")"#,
            r#"filter_parameters += [:password, "@V"]"#,
            r#"Foo::TOKEN, "@V""#,
        ] {
            let word = first_of(
                text,
                &["Password", "password", "Key", "KEYS", "TOKEN", "pass"],
            );
            assert_eq!(src(text, word), None, "{text}");
        }
    }

    #[test]
    fn a_spring_default_may_start_with_a_digit() {
        let text = r#"@Value("${dd.api.key:9@V}")"#;
        assert_eq!(src(text, "key"), Some(format!("9{}", v())));
    }

    #[test]
    fn an_environment_default_named_for_something_else_is_no_credential() {
        assert_eq!(src("key: process.env.COMMIT_SHA || '@V',", "key"), None);
        assert_eq!(
            src(r#"token = os.getenv("REQUEST_ID", "@V")"#, "token"),
            None
        );
        // The variable names a credential, or says nothing of what it holds.
        assert_eq!(
            src("key: process.env.SIGNING_KEY || '@V',", "key"),
            Some(v())
        );
        assert_eq!(src("key: process.env.STRIPE_SK || '@V',", "key"), Some(v()));
        assert_eq!(
            src(r#"token = os.getenv("API_TOKEN_URL_SAFE", "@V")"#, "token"),
            Some(v())
        );
    }

    #[test]
    fn a_dockerfile_env_line_binds_its_value_in_either_form() {
        let cfg = |t: &str| read(t, "PASSWORD", FileSyntax::Config);
        assert_eq!(cfg("FROM alpine\nENV DB_PASSWORD @V\n"), Some(v()));
        assert_eq!(cfg("ENV DB_PASSWORD=@V\n"), Some(v()));
        assert_eq!(cfg("ENV DB_PASSWORD \"@V\"\n"), Some(v()));
        // Not after `ENV`, or no value on the line.
        assert_eq!(cfg("RUN echo DB_PASSWORD @V\n"), None);
        assert_eq!(cfg("ENV DB_PASSWORD\n"), None);
    }

    #[test]
    fn a_hash_starts_a_comment_only_after_a_blank() {
        let cfg = |t: &str| read(t, "PASSWORD", FileSyntax::Config);
        assert_eq!(cfg("DB_PASSWORD=@V # rotated in May\n"), Some(v()));
        assert_eq!(cfg("db_password: @V # rotated\n"), Some(v()));
        let with_hash = format!("{}#{}", v(), v());
        assert_eq!(cfg("DB_PASSWORD=@V#@V\n"), Some(with_hash.clone()));
        assert_eq!(cfg("db_password: @V#@V\n"), Some(with_hash));
    }

    #[test]
    fn an_option_constant_binds_the_last_argument() {
        for text in [
            r#"curl_easy_setopt(curl, CURLOPT_PROXYPASSWORD, "@V");"#,
            r#"curl_setopt($ch, CURLOPT_USERPWD, 'deploy:@V');"#,
        ] {
            assert_eq!(src(text, "CURLOPT"), Some(v()), "{text}");
        }
        for text in [
            // The constant opens a tuple, the value is not the last argument, or it is a name.
            r#"env = [(ENV_VAR_TOKEN_FILE, "/token.jwt")]"#,
            r#"setopt(curl, CURLOPT_PASSWORD, "@V", flags)"#,
            r#"setopt(curl, CurlOpt_Password, "@V")"#,
            r#"curl_setopt($ch, CURLOPT_USERPWD, $credentials);"#,
        ] {
            let word = first_of(text, &["TOKEN", "CURLOPT", "CurlOpt"]);
            assert_eq!(src(text, word), None, "{text}");
        }
    }

    #[test]
    fn config_files_read_unquoted_values_and_source_does_not() {
        for text in [
            "DB_PASSWORD=@V",
            "db:\n  password: @V # prod",
            "ssh admin@db (password:@V)",
            "Connect-Db -Password:@V -Force",
        ] {
            assert_eq!(
                read(text, "password", FileSyntax::Config),
                Some(v()),
                "{text}"
            );
        }
        assert_eq!(
            read("관리자 비밀번호: @V", "비밀번호", FileSyntax::Config),
            Some(v())
        );
        assert_eq!(
            read("db_password = @V", "password", FileSyntax::Config),
            Some(v())
        );
        assert_eq!(
            read("DB_PASSWORD:= @V", "PASSWORD", FileSyntax::Config),
            Some(v())
        );
        // An empty shell assignment before the next one binds nothing.
        assert_eq!(
            read(
                "DB_USER=root DB_PASSWORD= FILTER=@V npm test",
                "PASSWORD",
                FileSyntax::Config
            ),
            None
        );
        for text in [
            "    SessionToken: creds.SessionToken,",
            "cvc_token: NotRequired[str]",
            "password: options.password,",
            "API_KEY = 0x1234abcd",
            "x = 1; DB_PASSWORD=@V",
        ] {
            let word = if text.contains("Token") {
                "Token"
            } else if text.contains("token") {
                "token"
            } else if text.contains("KEY") {
                "KEY"
            } else if text.contains("PASSWORD") {
                "PASSWORD"
            } else {
                "password"
            };
            assert_eq!(src(text, word), None, "{text}");
        }
    }

    #[test]
    fn a_one_line_yaml_block_scalar_is_its_value() {
        let v = Some(v());
        for text in [
            "db_password: |\n  @V\n",
            "db_password: >-\n    @V\n",
            "auth:\n  db_password: |\n    @V\n  user: app\n",
        ] {
            assert_eq!(read(text, "password", FileSyntax::Config), v, "{text}");
        }
        for text in [
            // Several lines (a key, a script), or nothing indented under the marker.
            "db_password: |\n  @V\n  @V\n",
            "db_password: |\n@V\n",
        ] {
            assert_eq!(read(text, "password", FileSyntax::Config), None, "{text}");
        }
    }

    #[test]
    fn a_name_value_entry_binds_its_value_field() {
        let v = Some(v());
        for text in [
            "env:\n  - name: DB_PASSWORD\n    value: \"@V\"\n",
            "env:\n  - name: DB_PASSWORD\r\n    value: @V\r\n",
            r#"{"name": "DB_PASSWORD", "value": "@V"}"#,
            r#"[{"Key": "db_password", "Value": "@V"}]"#,
            r#"{name: 'db_password', value: '@V'}"#,
        ] {
            assert_eq!(read(text, "password", FileSyntax::Config), v, "{text}");
        }
        for text in [
            // A reference, another field, or a value two lines away: no binding.
            "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {key: x}\n",
            r#"{"title": "DB_PASSWORD", "value": "@V"}"#,
            "- name: DB_PASSWORD\n\n  value: @V\n",
            r#"{"hostname": "db_password", "value": "@V"}"#,
        ] {
            assert_eq!(read(text, "password", FileSyntax::Config), None, "{text}");
        }
    }

    #[test]
    fn an_unquoted_value_followed_by_more_words_is_prose() {
        for text in ["# password: keep empty", "db:\n  password: see the wiki\n"] {
            assert_eq!(read(text, "password", FileSyntax::Config), None, "{text}");
        }
        // A shell command run with the variable set keeps its value.
        assert_eq!(
            read("DB_PASSWORD=@V ./migrate", "PASSWORD", FileSyntax::Config),
            Some(v())
        );
    }

    #[test]
    fn a_dsl_value_binds_only_at_the_start_of_a_line() {
        assert_eq!(src("say the password '@V' aloud", "password"), None);
    }

    #[test]
    fn an_env_line_is_read_in_any_file() {
        assert_eq!(src("REACT_APP_DB_PASSWORD=@V\n", "PASSWORD"), Some(v()));
        // Behind a shell prompt, as a README shows a session, or commented out.
        for text in [
            "    $ export DB_PASSWORD=@V\n",
            "$ DB_PASSWORD=@V\n",
            "# export DB_PASSWORD=@V\n",
        ] {
            assert_eq!(src(text, "PASSWORD"), Some(v()), "{text}");
        }
        assert_eq!(src("echo $ DB_PASSWORD=@V\n", "PASSWORD"), None);
        assert_eq!(
            src("DB_PASSWORD=@V # prod", "PASSWORD"),
            None,
            "not a whole env line"
        );
    }

    #[test]
    fn expressions_and_comparisons_bind_no_literal() {
        assert_eq!(src("password = getpass()", "password"), None);
        assert_eq!(src(r#"os.getenv("API_TOKEN", default)"#, "TOKEN"), None);
        assert_eq!(src("if password =~ /x/", "password"), None);
        // The next parameter's default is not this one's value.
        assert_eq!(
            src(r#"def h(password: str, method: str = "@V"):"#, "password"),
            None
        );
    }

    #[test]
    fn a_header_in_a_string_may_drop_the_blank_after_its_colon() {
        assert_eq!(src(r#"args = ["X-Auth-Token:@V"]"#, "Token"), Some(v()));
        assert_eq!(src(r#"args = ["Private-Token:@V"]"#, "Token"), Some(v()));
        assert_eq!(src(r#"label = "token:@V""#, "token"), None);
        assert_eq!(src(r#"label = "x-auth-token:@V""#, "token"), None);
    }

    #[test]
    fn a_word_followed_by_more_words_in_a_string_is_prose() {
        assert_eq!(src(r#"msg = "X-Api-Key: @V""#, "Key"), Some(v()));
        assert_eq!(src(r#"msg = 'token: @V, then more'"#, "token"), Some(v()));
        for text in [
            "// it's: PASSWORD_VERIFIER: Next challenge is to supply it",
            "/* you're asked for USER_PASSWORD_AUTH: USERNAME (required) */",
        ] {
            assert_eq!(src(text, "PASSWORD"), None, "{text}");
        }
    }

    #[test]
    fn file_syntax_from_path() {
        for p in [
            ".env",
            "config/.env.prod",
            "app.properties",
            "values.yaml",
            "Dockerfile",
            "credentials",
            "api/requests.http",
        ] {
            assert_eq!(
                FileSyntax::of(Some(Path::new(p))),
                FileSyntax::Config,
                "{p}"
            );
        }
        for p in [
            "main.go",
            "app.py",
            "index.ts",
            "config.json",
            "Jenkinsfile",
            "Makefile",
            "notes.txt",
        ] {
            assert_eq!(
                FileSyntax::of(Some(Path::new(p))),
                FileSyntax::Source,
                "{p}"
            );
        }
        assert_eq!(FileSyntax::of(None), FileSyntax::Config);
        for (p, yes) in [
            ("wiki/servers.md", true),
            ("wiki/servers.MKD", true),
            ("conf/app.yaml", true),
            ("notes.txt", true),
            ("credentials", true),
            ("src/app.js", false),
            ("data/strings.json", false),
        ] {
            let path = Some(Path::new(p));
            assert_eq!(names_other_scripts(path, FileSyntax::of(path)), yes, "{p}");
        }
    }
}
