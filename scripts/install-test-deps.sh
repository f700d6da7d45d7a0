#!/usr/bin/env bash
# Installs everything keyward's tests use that is not a Rust crate, so a fresh machine can run
# the whole suite: Debian packages (git, Neovim, Chromium), a Python venv in .venv (the
# pre-commit framework, OpenBao's `bao`, a SARIF consumer), and the VS Code extension's npm
# packages. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null || need_apt+=(git)
command -v nvim >/dev/null || need_apt+=(neovim)
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-test-deps: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r scripts/test-requirements.txt

# Microsoft's SARIF Multitool (npm ships the Linux build): validates keyward's SARIF output.
(cd scripts/sarif-validator && npm ci --no-audit --no-fund --loglevel=error)

if [ -f editors/vscode/package.json ]; then
  (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error)
fi

# Real VS Code (code-server, cached outside the repository) and playwright-core, for the
# extension's end-to-end test in headless Chromium (tests/vscode_e2e.rs).
(cd tests/vscode-e2e && npm ci --no-audit --no-fund --loglevel=error)
scripts/install-code-server.sh >/dev/null
echo "install-test-deps: ok (git $(git --version | cut -d' ' -f3), nvim $(nvim --version | head -1 | cut -d' ' -f2), bao $(.venv/bin/bao version 2>/dev/null | cut -d' ' -f2 || echo '?'))"
