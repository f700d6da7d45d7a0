//! Turns the rule files under `rules/` into static Rust data embedded in the binary.
//!
//! Every `*.toml` here is parsed with the same serde types the runtime uses (`src/detect/spec.rs`
//! is included below), so a malformed built-in rule fails the build, naming file, line and
//! column, and a process start reads ready-made tables instead of parsing TOML.
//! `include_dir`-style macros do not notice new files on stable Rust, so cargo is told to rerun
//! when the folder changes.
use std::{env, fmt::Write as _, fs, path::Path};

#[allow(dead_code)]
#[path = "src/detect/spec.rs"]
mod spec;

use spec::{FilterFile, NamesFile, RuleFile, RuleSpec};

/// The shared filter data file, which sits among the rule files but holds no rules.
const FILTERS_FILE: &str = "filters.toml";
/// The credential-name vocabulary of the syntax reader, also data rather than rules.
const NAMES_FILE: &str = "names.toml";

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let rules_dir = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    println!("cargo:rerun-if-changed=src/detect/spec.rs");
    let mut files: Vec<_> = fs::read_dir(&rules_dir)
        .expect("rules/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut rules = String::from("pub(crate) static BUILTIN_RULES: &[StaticRule] = &[\n");
    let mut filters = None;
    let mut names = None;
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if name == FILTERS_FILE {
            let parsed: FilterFile = toml::from_str(&text).unwrap_or_else(|e| fail(f, &text, &e));
            filters = Some(filters_static(&parsed));
            continue;
        }
        if name == NAMES_FILE {
            let parsed: NamesFile = toml::from_str(&text).unwrap_or_else(|e| fail(f, &text, &e));
            names = Some(names_static(&parsed));
            continue;
        }
        let parsed: RuleFile = toml::from_str(&text).unwrap_or_else(|e| fail(f, &text, &e));
        for spec in &parsed.rule {
            rules.push_str(&rule_static(&name, spec));
        }
    }
    rules.push_str("];\n");
    let filters = filters.expect("rules/filters.toml exists");
    let names = names.expect("rules/names.toml exists");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, format!("{rules}\n{filters}\n{names}")).expect("write builtin_rules.rs");
}

/// A TOML error as `file:line:column: message`, then the build stops.
fn fail(path: &Path, text: &str, err: &toml::de::Error) -> ! {
    let (line, column) = err.span().map_or((1, 1), |span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, column)
    });
    panic!("{}:{line}:{column}: {}", path.display(), err.message());
}

/// A Rust string literal (`Debug` for `str` escapes exactly what a literal needs).
fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({})", lit(s)),
        None => "None".into(),
    }
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("&[{}]", inner.join(", "))
}

fn rule_static(origin: &str, spec: &RuleSpec) -> String {
    // Destructured so that a new field in the format cannot be forgotten here.
    let RuleSpec {
        id,
        name,
        provider,
        category,
        confidence,
        keywords,
        regex,
        reader,
        validator,
        min_entropy,
        random,
        password_value,
        context,
        context_window,
        window,
        env_var,
        pairs_with,
        decoder,
        path,
        example_path,
        allow_hex,
        skip_filters,
        remediation,
        reference,
        examples,
        negative_examples,
    } = spec;
    let mut s = String::from("    StaticRule {\n");
    let mut field = |k: &str, v: String| writeln!(s, "        {k}: {v},").unwrap();
    field("origin", lit(origin));
    field("id", lit(id));
    field("name", lit(name));
    field("provider", opt(provider));
    field("category", format!("Category::{category:?}"));
    field("confidence", format!("Confidence::{confidence:?}"));
    field("keywords", list(keywords));
    field("regex", lit(regex));
    field("reader", opt(reader));
    field("validator", opt(validator));
    field(
        "min_entropy",
        match min_entropy {
            // `{:?}` of an f64 always has a `.` or an exponent, so it reads back as an f64.
            Some(v) => format!("Some({v:?})"),
            None => "None".into(),
        },
    );
    field("random", random.to_string());
    field("password_value", password_value.to_string());
    field("context", opt(context));
    field("context_window", format!("{context_window:?}"));
    field("window", format!("{window:?}"));
    field("env_var", opt(env_var));
    field("pairs_with", opt(pairs_with));
    field("decoder", opt(decoder));
    field("path", opt(path));
    field("example_path", opt(example_path));
    field("allow_hex", allow_hex.to_string());
    field("skip_filters", list(skip_filters));
    field("remediation", lit(remediation));
    field("reference", opt(reference));
    field("examples", list(examples));
    field("negative_examples", list(negative_examples));
    s.push_str("    },\n");
    s
}

fn filters_static(f: &FilterFile) -> String {
    format!(
        "pub(crate) static BUILTIN_FILTERS: StaticFilters = StaticFilters {{\n    \
         placeholder_fragments: {},\n    reference_patterns: {},\n    known_examples: {},\n    \
         lockfiles: {},\n    provider_prefixes: {},\n}};\n",
        list(&f.placeholder_fragments),
        list(&f.reference_patterns),
        list(&f.known_examples),
        list(&f.lockfiles),
        list(&f.provider_prefixes),
    )
}

fn names_static(n: &NamesFile) -> String {
    let NamesFile {
        password_words,
        secret_words,
        compound_suffixes,
        not_after,
        not_before,
        not_names,
        credential_names,
        not_password_values,
        examples,
        negative_examples,
    } = n;
    format!(
        "pub(crate) static BUILTIN_NAMES: StaticNames = StaticNames {{\n    \
         password_words: {},\n    secret_words: {},\n    compound_suffixes: {},\n    \
         not_after: {},\n    not_before: {},\n    not_names: {},\n    \
         credential_names: {},\n    not_password_values: {},\n    examples: {},\n    negative_examples: {},\n}};\n",
        list(password_words),
        list(secret_words),
        list(compound_suffixes),
        list(not_after),
        list(not_before),
        list(not_names),
        list(credential_names),
        list(not_password_values),
        list(examples),
        list(negative_examples),
    )
}
