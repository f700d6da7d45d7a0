//! The release artifacts this machine can build (Linux x86_64 archive, `keyward-bin` wheel, npm
//! wrapper + platform package, platform VSIX with the bundled binary, the crate), built by
//! `scripts/release.sh` from the debug build and each installed somewhere clean (a venv, an npm
//! prefix, an unpacked extension) and run: `keyward --version` and a scan of a fake token that
//! must exit 1. The checks themselves live in release.sh `--verify`, so the GitHub workflow runs
//! the same ones on the other platforms.

mod common;

use std::{path::Path, process::Command};

use common::{require_tool, run};

#[test]
fn release_script_builds_and_verifies_every_local_artifact() {
    if require_tool("npm").is_none() || require_tool("python3").is_none() {
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dist = tempfile::tempdir().unwrap();
    let mut c = Command::new(src.join("scripts/release.sh"));
    c.args(["--profile", "dev", "--verify", "--out"])
        .arg(dist.path());
    if std::env::var_os("KEYWARD_CACHE").is_none() {
        c.env(
            "KEYWARD_CACHE",
            dirs::cache_dir().unwrap().join("keyward-release"),
        );
    }
    let o = run(&mut c);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{text}");
    for label in ["archive", "wheel", "npm", "vsix"] {
        assert!(
            text.contains(&format!(
                "verified {label}: keyward {}",
                env!("CARGO_PKG_VERSION")
            )),
            "{label} not verified: {text}"
        );
    }
    let names: Vec<String> = std::fs::read_dir(dist.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for want in [".crate", ".whl", ".vsix", ".tar.gz"] {
        assert!(
            names.iter().any(|n| n.ends_with(want)),
            "{want} in {names:?}"
        );
    }
}
