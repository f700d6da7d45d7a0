//! Embeds every rule file under `rules/` into the binary.
//!
//! `include_dir`-style macros do not notice new files on stable Rust, so the list is generated
//! here and cargo is told to rerun when the folder changes.
use std::{env, fs, path::Path};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let rules_dir = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files: Vec<_> = fs::read_dir(&rules_dir)
        .expect("rules/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// (file name, contents) of every embedded rule file, sorted by name.\npub static EMBEDDED_RULE_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    fs::write(dest, out).expect("write embedded_rules.rs");
}
