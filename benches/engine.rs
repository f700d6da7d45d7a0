//! Engine throughput on a realistic generated corpus, and the cold-start cost of a `Scanner`.
//!
//! `cargo bench --bench engine`. The corpus is generated deterministically here (never stored,
//! never a real credential): Python, JavaScript, Go, YAML, JSON and .env-like files, with
//! keyword-bearing lines that are not secrets (the common case the filters must reject cheaply),
//! near-misses with bad checksums, and a few checksum-valid fake tokens.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use keyward::{
    config::Settings,
    detect::{builtin_specs, Detector, Rule},
    Scanner,
};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn base62(&mut self, len: usize) -> String {
        const B: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        (0..len).map(|_| B[self.below(62)] as char).collect()
    }
}

const WORDS: &[&str] = &[
    "user", "order", "config", "client", "request", "response", "handler", "session", "cache",
    "retry", "timeout", "payload", "service", "account", "region", "bucket", "message", "queue",
];

/// A fake GitHub token; `valid` decides whether its checksum verifies.
fn token(rng: &mut Rng, valid: bool) -> String {
    let body = rng.base62(30);
    let sum = if valid {
        String::from_utf8(keyward::detect::validate::base62_crc32(body.as_bytes()).to_vec())
            .unwrap()
    } else {
        "000000".to_string()
    };
    format!("{}_{body}{sum}", "ghp")
}

fn line(rng: &mut Rng, lang: &str) -> String {
    let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
    let n = rng.below(10_000);
    // 1 line in 40 mentions a keyword; 1 in 4000 carries a real-shaped token.
    let roll = rng.below(4000);
    if roll == 0 {
        let t = token(rng, true);
        return format!("GITHUB_TOKEN = \"{t}\"");
    }
    if roll < 100 {
        let t = match rng.below(3) {
            0 => token(rng, false),
            1 => "ghp_${{ secrets.GH_TOKEN }}".to_string(),
            _ => "os.environ['GITHUB_TOKEN']".to_string(),
        };
        return match lang {
            "py" => format!("    token = '{t}'"),
            "yaml" => format!("  github_token: {t}"),
            "env" => format!("GITHUB_TOKEN={t}"),
            _ => format!("  const token = \"{t}\";"),
        };
    }
    match lang {
        "py" => format!("    {a}_{b} = fetch_{a}({b}, retries={n})  # {a} {b}"),
        "js" => format!("  const {a}{n} = await {b}.get('/{a}/{b}', {{ timeout: {n} }});"),
        "go" => {
            format!("\t{a}, err := {b}.Load(ctx, \"{a}-{n}\")\n\tif err != nil {{ return err }}")
        }
        "yaml" => format!("  {a}_{b}: \"{a}-{n}\""),
        "json" => format!("  \"{a}_{b}\": {{ \"id\": {n}, \"name\": \"{a} {b}\" }},"),
        _ => format!("{}_{}={n}", a.to_uppercase(), b.to_uppercase()),
    }
}

/// About `target` bytes of files, as (path, bytes).
fn corpus(target: usize) -> Vec<(PathBuf, Vec<u8>)> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let langs = ["py", "js", "go", "yaml", "json", "env"];
    let mut files = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < target {
        let lang = langs[i % langs.len()];
        let lines = 50 + rng.below(800);
        let text: String = (0..lines).map(|_| line(&mut rng, lang) + "\n").collect();
        total += text.len();
        let name = if lang == "env" {
            format!("svc{i}/.env")
        } else {
            format!("src/mod{i}.{lang}")
        };
        files.push((PathBuf::from(name), text.into_bytes()));
        i += 1;
    }
    files
}

fn engine(c: &mut Criterion) {
    let files = corpus(8 * 1024 * 1024);
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let scanner = Scanner::new(Settings::default()).expect("built-in rules load");
    // Sanity: the corpus contains findings, so the benchmark measures real work.
    let found: usize = files
        .iter()
        .map(|(p, b)| scanner.scan(Some(p), b).findings.len())
        .sum();
    assert!(
        found > 0,
        "the generated corpus should hold a few valid fake tokens"
    );
    eprintln!(
        "corpus: {} files, {total} bytes, {found} findings",
        files.len()
    );

    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Bytes(total as u64));
    g.sample_size(20);
    g.bench_function("scan_corpus", |b| {
        b.iter(|| {
            let mut n = 0;
            for (p, bytes) in &files {
                n += scanner.scan(Some(p), bytes).findings.len();
            }
            black_box(n)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("cold_start");
    // `Detector::builtin()` split into its stages: rule specs (from the embedded rules), checked
    // rules, then the detector (shared filters plus the keyword and prefix automata).
    g.bench_function("builtin_specs", |b| {
        b.iter(|| black_box(builtin_specs().unwrap().len()))
    });
    let specs = builtin_specs().unwrap();
    g.bench_function("rule_new_all", |b| {
        b.iter_batched(
            || specs.clone(),
            |specs| {
                let rules: Vec<Rule> = specs
                    .into_iter()
                    .map(|(origin, spec)| Rule::new(spec, origin, false).unwrap())
                    .collect();
                black_box(rules.len())
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("detector_new", |b| {
        b.iter_batched(
            || {
                specs
                    .iter()
                    .map(|(origin, spec)| Rule::new(spec.clone(), origin, false).unwrap())
                    .collect::<Vec<_>>()
            },
            |rules| black_box(Detector::new(rules).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("filters_from_toml", |b| {
        let text = include_str!("../rules/filters.toml");
        b.iter(|| black_box(keyward::detect::filters::Filters::from_toml(text).unwrap()))
    });
    g.bench_function("detector_builtin", |b| {
        b.iter(|| black_box(Detector::builtin().unwrap()))
    });
    g.bench_function("scanner_new", |b| {
        b.iter_batched(
            Settings::default,
            |s| black_box(Scanner::new(s).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("scanner_new_and_scan_small_file", |b| {
        let small = b"import os\nTOKEN = os.environ['GITHUB_TOKEN']\nprint('hello')\n";
        b.iter_batched(
            Settings::default,
            |s| {
                let sc = Scanner::new(s).unwrap();
                black_box(
                    sc.scan(Some(std::path::Path::new("app.py")), small)
                        .findings
                        .len(),
                )
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
