#!/usr/bin/env bash
# Installs everything keyward's tests use that is not a Rust crate, so a fresh machine can run
# the whole suite: Debian packages (git, git-lfs, Neovim, Chromium), a Python venv in .venv (the
# pre-commit framework, OpenBao's `bao`, a SARIF consumer, the official MCP SDK's client), and
# the VS Code extension's npm packages. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# Rust components the suite runs (cargo fmt --check, cargo clippy).
if command -v rustup >/dev/null; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || {
      echo "install-test-deps: rustup component add $c"
      rustup component add "$c"
    }
  done
else
  for c in rustfmt cargo-clippy; do
    command -v "$c" >/dev/null || echo "install-test-deps: warning: $c not found and no rustup to add it: install your distribution's rust-$c package" >&2
  done
fi

need_apt=()
command -v git >/dev/null || need_apt+=(git)
# tests/hook_lfs.rs: a real `git lfs track` + `git add` (the clean filter stages a pointer).
command -v git-lfs >/dev/null || need_apt+=(git-lfs)
command -v nvim >/dev/null || need_apt+=(neovim)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v npm >/dev/null || need_apt+=(nodejs npm)
command -v python3 >/dev/null || need_apt+=(python3)
if command -v python3 >/dev/null && [ ! -x .venv/bin/python ] \
  && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  need_apt+=(python3-venv)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "install-test-deps: missing: ${need_apt[*]}; this is not a Debian-like system: install them with your package manager (Homebrew: git neovim chromium node python) and rerun" >&2
    exit 2
  fi
  echo "install-test-deps: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# `npm ci` deletes and reinstalls node_modules every time (hundreds of packages): skip it when
# node_modules was installed from this very package-lock.json (a stamp of the lock's hash).
npm_ci() {
  local dir=$1 stamp="$1/node_modules/.keyward-lock.sha256" want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "install-test-deps: $dir/node_modules matches package-lock.json; npm ci skipped"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r scripts/test-requirements.txt

# Microsoft's SARIF Multitool (npm ships the Linux build): validates keyward's SARIF output.
npm_ci scripts/sarif-validator

if [ -f editors/vscode/package.json ]; then
  npm_ci editors/vscode
fi

# Real VS Code (code-server, cached outside the repository) and playwright-core, for the
# extension's end-to-end test in headless Chromium (tests/vscode_e2e.rs).
(cd tests/vscode-e2e && npm ci --no-audit --no-fund --loglevel=error)
scripts/install-code-server.sh >/dev/null
echo "install-test-deps: ok (git $(git --version | cut -d' ' -f3), nvim $(nvim --version | head -1 | cut -d' ' -f2), bao $(.venv/bin/bao version 2>/dev/null | cut -d' ' -f2 || echo '?'))"
