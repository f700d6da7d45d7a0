#!/usr/bin/env bash
# keyward's whole test suite. Installs what the tests need (scripts/install-test-deps.sh), then
# runs formatting and lint checks, every Rust test (unit, rules, CLI, hook against real git and
# the pre-commit framework, language server, OpenBao, headless Neovim, inventory in Chromium),
# and packages the VS Code extension.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
export PATH="$PWD/.venv/bin:$PATH"
# Tests that need an external tool fail instead of skipping when this is set.
export KEYWARD_REQUIRE_TOOLS=1

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo build --locked --bins
# The extension is packaged first: tests/vscode_e2e.rs installs that .vsix into real VS Code.
(cd editors/vscode && npm run --silent package)
export KEYWARD_CODE_SERVER_DIR="$(scripts/install-code-server.sh)"
cargo test --locked --all-targets
echo "test.sh: all checks passed"
