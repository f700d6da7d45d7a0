//! Language-server latency and memory, driving the real binary over stdio (a small driver, not
//! criterion: what matters is end-to-end time as an editor sees it).
//!
//! 1. `didChange` that pastes a key into a 10,000-line file → the `publishDiagnostics` for that
//!    version: median and p90 over many edits, with the default 10 ms coalescing delay and with 0.
//! 2. Resident memory (`VmRSS`) with 200 open documents.
//!
//! Run: `cargo bench --bench lsp` (builds the release profile).

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use lsp_client::{file_uri, LspClient};
use serde_json::json;

fn fake_pat(seed: u64) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let body: String = (0..30)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            BASE62[(x % 62) as usize] as char
        })
        .collect();
    let sum = keyward::detect::validate::base62_crc32(body.as_bytes());
    format!("{}_{body}{}", "ghp", std::str::from_utf8(&sum).unwrap())
}

fn source_lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("def handler_{i}(request, retries=3):  # process request number {i}\n"))
        .collect()
}

fn start(dir: &Path, debounce_ms: u64) -> LspClient {
    let mut c = LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_keyward")), dir, &[]);
    c.initialize(dir, json!({}), json!({"debounceMs": debounce_ms}));
    c
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn latency(dir: &Path, debounce_ms: u64, rounds: usize) {
    let mut c = start(dir, debounce_ms);
    let uri = file_uri(&dir.join("big.py"));
    c.open(&uri, "python", &source_lines(10_000));
    c.wait_diagnostics(&uri, Duration::from_secs(30), |p| p["version"] == 1);
    let mut times = Vec::with_capacity(rounds);
    let mut version = 1;
    for i in 0..rounds {
        let pasted = format!("TOKEN = \"{}\"\n", fake_pat(i as u64 + 1));
        version += 1;
        let t0 = Instant::now();
        c.change(&uri, version, json!([{"range": {"start": {"line": 5000, "character": 0}, "end": {"line": 5000, "character": 0}}, "text": pasted}]));
        let v = version;
        c.wait_diagnostics(&uri, Duration::from_secs(30), move |p| {
            p["version"] == v && p["diagnostics"].as_array().is_some_and(|d| d.len() == 1)
        });
        times.push(t0.elapsed());
        // Remove it again (not timed) so every round pastes into the same clean file.
        version += 1;
        c.change(&uri, version, json!([{"range": {"start": {"line": 5000, "character": 0}, "end": {"line": 5001, "character": 0}}, "text": ""}]));
        let v = version;
        c.wait_diagnostics(&uri, Duration::from_secs(30), move |p| p["version"] == v);
    }
    times.sort();
    println!(
        "lsp/paste-into-10k-lines (debounce {debounce_ms} ms, {rounds} rounds): median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
    c.shutdown();
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn memory(dir: &Path) {
    let mut c = start(dir, 10);
    c.drain(Duration::from_millis(200));
    let idle = rss_kib(c.pid());
    let text = source_lines(500);
    for i in 0..200 {
        let uri = file_uri(&dir.join(format!("m{i}.py")));
        c.open(
            &uri,
            "python",
            &format!("{text}KEY = \"{}\"\n", fake_pat(1000 + i)),
        );
    }
    for i in 0..200 {
        let uri = file_uri(&dir.join(format!("m{i}.py")));
        c.wait_diagnostics(&uri, Duration::from_secs(60), |p| {
            p["diagnostics"].as_array().is_some_and(|d| d.len() == 1)
        });
    }
    let open = rss_kib(c.pid());
    println!(
        "lsp/memory: VmRSS {:.1} MiB idle, {:.1} MiB with 200 open documents of {} KiB each",
        idle as f64 / 1024.0,
        open as f64 / 1024.0,
        text.len() / 1024
    );
    c.shutdown();
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().unwrap();
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    let rounds = if quick { 3 } else { 60 };
    latency(dir.path(), 10, rounds);
    latency(dir.path(), 0, rounds);
    if !quick {
        memory(dir.path());
    }
}
