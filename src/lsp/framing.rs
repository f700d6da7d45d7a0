//! The stdio framing in front of tower-lsp-server. Its codec ends the whole session on the first
//! frame it cannot decode (truncated JSON, invalid UTF-8, a lone UTF-16 surrogate escape such as
//! `"\ud800"`, which JavaScript editors do send): the read loop stops and the process exits 0
//! without a word. It cannot be configured, so this layer reads the Content-Length frames from
//! stdin first and passes the server, through an in-process pipe, only frames it can decode:
//!
//! - invalid UTF-8 and lone surrogate escapes become U+FFFD (what the editor meant to send);
//! - a body that is not JSON is answered with ParseError (-32700), one that is JSON but not a
//!   JSON-RPC 2.0 message with InvalidRequest (-32600), and serving goes on;
//! - a `$/…` request (with an id) is answered with MethodNotFound: tower-lsp-server drops those
//!   silently, leaving the client waiting for an answer forever;
//! - `exit` without a preceding `shutdown` is remembered so the process exits 1, as the
//!   protocol asks.
//!
//! Responses the layer writes itself and the server's own output go to stdout through one
//! writer task, whole frames at a time, so they never interleave.

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    sync::mpsc,
};

/// Largest frame accepted; anything bigger is skipped and answered with ParseError. Far above
/// any document the scanner reads (it skips documents over `scan.max_file_size` anyway).
const MAX_FRAME: usize = 256 * 1024 * 1024;
/// Longest header line: the two headers LSP defines are a few dozen bytes.
const MAX_HEADER_LINE: u64 = 8 * 1024;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`, or the client closed stdin.
    Clean,
    /// `exit` without `shutdown`: the protocol's exit status is 1.
    ExitWithoutShutdown,
}

/// One frame read from the client.
enum Frame {
    Body(Vec<u8>),
    /// Headers without a usable Content-Length, or a body over [`MAX_FRAME`]; already skipped.
    Unreadable(String),
    Eof,
}

/// Reads one Content-Length frame. Header lines end in `\r\n` (a bare `\n` is accepted too).
async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Frame> {
    let mut len: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *r)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(Frame::Eof);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            // Blank lines before the first header are noise some clients leave between frames.
            if !saw_header {
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|e| format!("bad Content-Length {:?}: {e}", value.trim())),
                );
            }
        }
    }
    let len = match len {
        None => return Ok(Frame::Unreadable("no Content-Length header".into())),
        Some(Err(e)) => return Ok(Frame::Unreadable(e)),
        Some(Ok(n)) => n,
    };
    if len > MAX_FRAME {
        // Read past it so the next frame starts where the client thinks it does.
        tokio::io::copy(&mut (&mut *r).take(len as u64), &mut tokio::io::sink()).await?;
        return Ok(Frame::Unreadable(format!(
            "frame of {len} bytes is over the {MAX_FRAME}-byte limit"
        )));
    }
    let mut body = vec![0; len];
    match r.read_exact(&mut body).await {
        Ok(_) => Ok(Frame::Body(body)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Frame::Eof),
        Err(e) => Err(e),
    }
}

fn hex4(b: &[u8]) -> Option<u16> {
    let s = std::str::from_utf8(b.get(..4)?).ok()?;
    u16::from_str_radix(s, 16).ok()
}

/// Replaces every `\uXXXX` escape of a lone UTF-16 surrogate inside a JSON string by `\ufffd`
/// (serde_json rejects them; JavaScript strings may hold them). Escaped backslashes are skipped
/// as a pair, so `"\\ud800"` (a backslash, then text) is left alone. Returns the input when
/// there is nothing to replace.
pub fn replace_lone_surrogates(s: String) -> String {
    if !s.contains("\\u") && !s.contains("\\U") {
        return s;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let (mut i, mut in_string, mut changed) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        if !in_string {
            in_string = c == b'"';
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = false;
                out.push(c);
                i += 1;
            }
            b'\\' if b.get(i + 1) == Some(&b'u') => {
                let Some(unit) = hex4(&b[i + 2..]) else {
                    // Malformed escape: leave it for the JSON parser to report.
                    out.push(c);
                    i += 1;
                    continue;
                };
                let high = (0xD800..0xDC00).contains(&unit);
                let low = (0xDC00..0xE000).contains(&unit);
                let paired_low = high
                    && b.get(i + 6) == Some(&b'\\')
                    && b.get(i + 7) == Some(&b'u')
                    && hex4(&b[(i + 8).min(b.len())..])
                        .is_some_and(|u| (0xDC00..0xE000).contains(&u));
                if high && paired_low {
                    out.extend_from_slice(&b[i..i + 12]);
                    i += 12;
                } else if high || low {
                    out.extend_from_slice(b"\\ufffd");
                    changed = true;
                    i += 6;
                } else {
                    out.extend_from_slice(&b[i..i + 6]);
                    i += 6;
                }
            }
            b'\\' => {
                out.extend_from_slice(&b[i..(i + 2).min(b.len())]);
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if !changed {
        return s;
    }
    // Only ASCII escapes were replaced by ASCII, so the bytes are still UTF-8.
    String::from_utf8(out).unwrap_or(s)
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(&serde_json::to_vec(&body).unwrap_or_default())
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// What to do with one decoded body.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Pass the (sanitized) body on to the server.
    Forward,
    /// Answer the client with this frame and pass nothing on.
    Answer(Vec<u8>),
}

/// Whether `id` is one tower-lsp-server can decode (an integer, a string or null): anything else
/// would end its read loop.
fn valid_id(id: &Value) -> bool {
    id.is_i64() || id.is_string() || id.is_null()
}

/// Checks a body the way the server's codec will read it, so that only frames it can decode
/// reach it; everything else gets the JSON-RPC error the specification names.
fn judge(text: &str) -> Verdict {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Verdict::Answer(error_frame(
                Value::Null,
                PARSE_ERROR,
                &format!("Parse error: {e}"),
            ))
        }
    };
    let invalid = |id: Value, why: &str| {
        Verdict::Answer(error_frame(
            id,
            INVALID_REQUEST,
            &format!("Invalid request: {why}"),
        ))
    };
    let Some(obj) = v.as_object() else {
        return invalid(Value::Null, "not a JSON-RPC message object");
    };
    let id = obj.get("id").cloned();
    let reply_id = id.clone().filter(valid_id).unwrap_or(Value::Null);
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid(reply_id, "`jsonrpc` must be \"2.0\"");
    }
    if id.as_ref().is_some_and(|i| !valid_id(i)) {
        return invalid(Value::Null, "`id` must be an integer, a string or null");
    }
    match obj.get("method") {
        Some(Value::String(m)) => {
            if id.is_some() && m.starts_with("$/") {
                return Verdict::Answer(error_frame(
                    reply_id,
                    METHOD_NOT_FOUND,
                    &format!("Method not found: {m}"),
                ));
            }
            match serde_json::from_value::<tower_lsp_server::jsonrpc::Request>(v) {
                Ok(_) => Verdict::Forward,
                Err(e) => invalid(reply_id, &e.to_string()),
            }
        }
        Some(_) => invalid(reply_id, "`method` must be a string"),
        None if id.is_some() && (obj.contains_key("result") || obj.contains_key("error")) => {
            match serde_json::from_value::<tower_lsp_server::jsonrpc::Response>(v) {
                Ok(_) => Verdict::Forward,
                Err(e) => invalid(reply_id, &e.to_string()),
            }
        }
        None => invalid(reply_id, "neither a request nor a response"),
    }
}

/// The method of a forwarded message, cheaply (only `shutdown` and `exit` matter here).
fn method_of(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct M {
        method: Option<String>,
    }
    serde_json::from_str::<M>(text).ok()?.method
}

/// Copies the client's frames to `to_server`, answering the undecodable ones on `answers`.
/// Returns when the client sends `exit` or closes its side.
async fn pump_input<R, W>(
    mut from_client: R,
    mut to_server: W,
    answers: mpsc::Sender<Vec<u8>>,
) -> std::io::Result<Ending>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut shutdown_seen = false;
    loop {
        let body = match read_frame(&mut from_client).await? {
            Frame::Eof => return Ok(Ending::Clean),
            Frame::Unreadable(why) => {
                let _ = answers
                    .send(error_frame(
                        Value::Null,
                        PARSE_ERROR,
                        &format!("Parse error: {why}"),
                    ))
                    .await;
                continue;
            }
            Frame::Body(b) => b,
        };
        let text = match String::from_utf8(body) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        let text = replace_lone_surrogates(text);
        match judge(&text) {
            Verdict::Answer(reply) => {
                let _ = answers.send(reply).await;
            }
            Verdict::Forward => {
                let method = method_of(&text);
                to_server.write_all(&frame(text.as_bytes())).await?;
                to_server.flush().await?;
                match method.as_deref() {
                    Some("shutdown") => shutdown_seen = true,
                    Some("exit") => {
                        return Ok(if shutdown_seen {
                            Ending::Clean
                        } else {
                            Ending::ExitWithoutShutdown
                        })
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Splits the server's output into whole frames for the writer task. The server only writes
/// well-formed frames; this only has to keep them whole.
async fn pump_output<R: AsyncRead + Unpin>(from_server: R, out: mpsc::Sender<Vec<u8>>) {
    let mut r = tokio::io::BufReader::new(from_server);
    while let Ok(Frame::Body(body)) = read_frame(&mut r).await {
        if out.send(frame(&body)).await.is_err() {
            return;
        }
    }
}

/// Serves LSP on stdin/stdout through the framing layer until `exit` or end of input.
pub async fn serve<I, O>(stdin: I, mut stdout: O) -> Ending
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    const PIPE: usize = 64 * 1024;
    let (server_in, to_server) = tokio::io::duplex(PIPE);
    let (server_out, from_server) = tokio::io::duplex(PIPE);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(64);
    let (service, socket) = tower_lsp_server::LspService::new(super::server::Backend::new);
    let server = tower_lsp_server::Server::new(server_in, server_out, socket).serve(service);
    let output = pump_output(from_server, tx.clone());
    let input = async move {
        let ending = pump_input(tokio::io::BufReader::new(stdin), to_server, tx)
            .await
            .unwrap_or(Ending::Clean);
        // `to_server` and `tx` are dropped here: the server sees the end of its input (after
        // `exit` it has stopped reading anyway) and the writer ends with the last frame.
        ending
    };
    let writer = async move {
        while let Some(f) = rx.recv().await {
            if stdout.write_all(&f).await.is_err() || stdout.flush().await.is_err() {
                return;
            }
        }
    };
    let ((), (), ending, ()) = tokio::join!(server, output, input, writer);
    ending
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let fix = |s: &str| replace_lone_surrogates(s.to_string());
        assert_eq!(fix(r#"{"a":"x\ud800y"}"#), r#"{"a":"x\ufffdy"}"#);
        assert_eq!(fix(r#"{"a":"\udc00"}"#), r#"{"a":"\ufffd"}"#);
        assert_eq!(fix(r#"{"a":"\ud83d\ude00"}"#), r#"{"a":"\ud83d\ude00"}"#);
        assert_eq!(fix(r#"{"a":"\ud83d\u0041"}"#), r#"{"a":"\ufffd\u0041"}"#);
        assert_eq!(fix(r#"{"a":"\\ud800"}"#), r#"{"a":"\\ud800"}"#);
        assert_eq!(fix(r#"{"a":"x"} \ud800"#), r#"{"a":"x"} \ud800"#);
        let v: Value = serde_json::from_str(&fix(r#"{"a":"\ud800"}"#)).unwrap();
        assert_eq!(v["a"], "\u{fffd}");
    }

    fn code(v: &Verdict) -> Option<i64> {
        match v {
            Verdict::Forward => None,
            Verdict::Answer(f) => {
                let body = &f[f.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
                serde_json::from_slice::<Value>(body).unwrap()["error"]["code"].as_i64()
            }
        }
    }

    #[test]
    fn judges_like_the_specification() {
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":1,"method":"x"#)),
            Some(PARSE_ERROR)
        );
        assert_eq!(code(&judge("[]")), Some(INVALID_REQUEST));
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":1}"#)),
            Some(INVALID_REQUEST)
        );
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#)),
            Some(INVALID_REQUEST)
        );
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":1,"method":"$/foo"}"#)),
            Some(METHOD_NOT_FOUND)
        );
        assert_eq!(code(&judge(r#"{"jsonrpc":"2.0","method":"$/foo"}"#)), None);
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":"a","result":null}"#)),
            None
        );
        assert_eq!(
            code(&judge(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)),
            None
        );
    }
}
