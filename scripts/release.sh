#!/usr/bin/env bash
# Builds keyward's release artifacts for one platform from ONE cargo build, and optionally
# verifies each by installing it somewhere clean and running it:
#   dist/keyward-VERSION-TRIPLE.tar.gz    the binary, README, licences
#   dist/keyward_bin-VERSION-*.whl        PyPI `keyward-bin` (maturin, bindings = "bin")
#   dist/keyward-VERSION.tgz              npm wrapper `keyward` (launcher, optional deps)
#   dist/keyward-cli-OS-CPU-VERSION.tgz   npm `@keyward/cli-OS-CPU` (the binary)
#   dist/keyward-VSCODETARGET.vsix        VS Code extension with the binary in bundled/
#   dist/keyward-VERSION.crate            `cargo package --locked`, verified by building it
#
# Usage: scripts/release.sh [--profile release|dev] [--target TRIPLE] [--out DIR]
#                           [--verify] [--tag] [--skip crate,vsix,...] [--mirror DIR]
#   --profile dev   reuses target/debug (what the tests do: seconds, not a release build)
#   --verify        install each artifact into a fresh venv / npm prefix / extension dir and run
#                   `keyward --version` and a scan of a file with a fake token (must exit 1)
#   --mirror DIR    write the pre-commit mirror repository (pre-commit-mirror/, a git repo
#                   tagged vVERSION) whose `language: python` hook installs the wheel
#   --tag           create the annotated tag vVERSION on HEAD (the README's pre-commit `rev:`)
# Downloads (maturin, vsce's deps) go to KEYWARD_CACHE (default ~/.cache/keyward-release),
# never into the repository. The GitHub workflow .github/workflows/release.yml runs this per
# platform.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profile=release target="" out=dist verify=0 tag=0 skip="" mirror=""
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) profile=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --verify) verify=1; shift ;;
        --tag) tag=1; shift ;;
        --skip) skip=$2; shift 2 ;;
        --mirror) mirror=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "release.sh: unknown option \`$1\` (see --help)" >&2; exit 2 ;;
    esac
done
case "$profile" in release|dev) ;; *) echo "release.sh: --profile must be release or dev" >&2; exit 2 ;; esac
skipped() { case ",$skip," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

cache=${KEYWARD_CACHE:-$HOME/.cache/keyward-release}
mkdir -p "$cache" "$out"
out=$(cd "$out" && pwd)
export PIP_CACHE_DIR=$cache/pip npm_config_cache=$cache/npm

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
host=$(rustc -vV | sed -n 's/^host: //p')
triple=${target:-$host}
case "$triple" in
    x86_64-*-linux-*) os=linux cpu=x64 vs=linux-x64 ;;
    aarch64-*-linux-*) os=linux cpu=arm64 vs=linux-arm64 ;;
    x86_64-apple-*) os=darwin cpu=x64 vs=darwin-x64 ;;
    aarch64-apple-*) os=darwin cpu=arm64 vs=darwin-arm64 ;;
    x86_64-pc-windows-*) os=win32 cpu=x64 vs=win32-x64 ;;
    *) echo "release.sh: no package mapping for target $triple" >&2; exit 2 ;;
esac
exe=keyward; [ "$os" = win32 ] && exe=keyward.exe
dir=$([ "$profile" = dev ] && echo debug || echo release)
tgt_args=(); [ -n "$target" ] && tgt_args=(--target "$target")
bin=$root/target/${target:+$target/}$dir/$exe
step() { echo "release.sh: $*" >&2; }

# 1. One cargo build; maturin below reuses it (same target dir, profile and flags).
step "building keyward $version ($profile, $triple)"
cargo build --locked --profile "$profile" "${tgt_args[@]}" --bin keyward
"$bin" --version

# 2. Archive.
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
name=keyward-$version-$triple
mkdir -p "$stage/$name"
cp "$bin" README.md LICENSE* "$stage/$name/"
if [ "$os" = win32 ]; then
    (cd "$stage" && 7z a -bd "$out/$name.zip" "$name" >/dev/null)
else
    tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
fi

# 3. Wheel.
if ! skipped wheel; then
    maturin=$(command -v maturin || true)
    if [ -z "$maturin" ]; then
        [ -x "$cache/venv/bin/maturin" ] || { python3 -m venv "$cache/venv" && "$cache/venv/bin/pip" install -q 'maturin>=1.5,<2'; }
        maturin=$cache/venv/bin/maturin
    fi
    step "wheel (keyward-bin)"
    "$maturin" build --locked --profile "$profile" "${tgt_args[@]}" -o "$out" 2>&1 | tail -1 >&2
fi

# 4. npm: the platform package (binary) and the wrapper (launcher + optional deps).
if ! skipped npm; then
    step "npm packages"
    p=$stage/npm-$os-$cpu
    mkdir -p "$p/bin"
    sed -e "s/@OS@/$os/g" -e "s/@CPU@/$cpu/g" -e "s/@VERSION@/$version/g" npm/platform/package.json.in >"$p/package.json"
    cp "$bin" "$p/bin/$exe"
    printf '# @keyward/cli-%s-%s\n\nThe keyward binary for %s-%s; install `keyward` instead.\n' "$os" "$cpu" "$os" "$cpu" >"$p/README.md"
    (cd "$p" && npm pack --silent --pack-destination "$out" >/dev/null)
    (cd npm/keyward && npm pack --silent --pack-destination "$out" >/dev/null)
fi

# 5. VS Code, platform-specific with the binary bundled.
if ! skipped vsix; then
    step "VS Code package ($vs)"
    (
        cd editors/vscode
        [ -d node_modules ] || npm ci --silent --no-audit --no-fund
        mkdir -p bundled
        cp "$bin" "bundled/$exe"
        trap 'rm -rf bundled' EXIT
        npx --no-install vsce package --no-dependencies --target "$vs" --out "$out/keyward-$vs.vsix" >/dev/null
    )
fi

# 6. The crate: `cargo package --locked` builds the packaged sources (rules embedded by
# build.rs) in target/package, reusing the compiled dependencies.
if ! skipped crate; then
    step "crate"
    cargo package --locked --allow-dirty -q
    cp "target/package/keyward-$version.crate" "$out/"
fi

# 7. Verify: each artifact installed somewhere clean, with no Rust toolchain on PATH.
if [ "$verify" = 1 ]; then
    work=$(mktemp -d)
    fake=$work/leak.py
    python3 - "$fake" <<'EOF'
import random, sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "".join(random.choice(A) for _ in range(30))
c, s = zlib.crc32(body.encode()), ""
for _ in range(6):
    s, c = A[c % 62] + s, c // 62
open(sys.argv[1], "w").write('TOKEN = "%s_%s%s"\n' % ("gh" + "p", body, s))
EOF
    check() { # check LABEL COMMAND...: --version prints the version; a scan of the fake token exits 1
        local label=$1; shift
        local v; v=$(env -u CARGO_HOME PATH=/usr/bin:/bin "$@" --version)
        [ "$v" = "keyward $version" ] || { echo "release.sh: $label: --version said '$v'" >&2; exit 1; }
        set +e; env PATH=/usr/bin:/bin "$@" scan "$fake" >"$work/scan.out" 2>&1; local rc=$?; set -e
        [ "$rc" = 1 ] && grep -q github-pat-classic "$work/scan.out" || { echo "release.sh: $label: scan exit $rc" >&2; cat "$work/scan.out" >&2; exit 1; }
        step "verified $label: $v, scan exit 1"
    }
    tar -C "$work" -xzf "$out/$name.tar.gz"; check archive "$work/$name/$exe"
    if ! skipped wheel; then
        python3 -m venv "$work/venv"
        "$work/venv/bin/pip" install -q --no-index "$out"/keyward_bin-"$version"-*.whl
        check wheel "$work/venv/bin/keyward"
    fi
    if ! skipped npm; then
        # The wrapper resolves its optional dependency from the local tarball, like the registry would.
        mkdir -p "$work/npm"
        (cd "$work/npm" && npm install --silent --no-audit --no-fund --prefix "$work/npm" \
            "$out/keyward-cli-$os-$cpu-$version.tgz" "$out/keyward-$version.tgz" >/dev/null)
        check npm node "$work/npm/node_modules/.bin/keyward"
    fi
    if ! skipped vsix; then
        mkdir -p "$work/ext" && (cd "$work/ext" && python3 -m zipfile -e "$out/keyward-$vs.vsix" .)
        grep -q "\"untrustedWorkspaces\"" "$work/ext/extension/package.json"
        chmod +x "$work/ext/extension/bundled/$exe" 2>/dev/null || true
        check vsix "$work/ext/extension/bundled/$exe"
    fi
    rm -rf "$work"
fi

# 8. The pre-commit mirror (published as its own repository; the tests use it locally).
if [ -n "$mirror" ]; then
    mkdir -p "$mirror"
    cp pre-commit-mirror/.pre-commit-hooks.yaml "$mirror/"
    sed "s/@VERSION@/$version/g" pre-commit-mirror/pyproject.toml.in >"$mirror/pyproject.toml"
    printf '# keyward-pre-commit\n\npre-commit hook for keyward %s; see https://github.com/keyward/keyward#pre-commit\n' "$version" >"$mirror/README.md"
    (
        cd "$mirror"
        [ -d .git ] || git init -q
        git add -A
        git -c user.name=keyward-release -c user.email=release@keyward.invalid commit -q -m "keyward $version" || true
        git rev-parse -q --verify "refs/tags/v$version" >/dev/null ||
            git -c user.name=keyward-release -c user.email=release@keyward.invalid tag -a "v$version" -m "keyward $version"
    )
    step "pre-commit mirror in $mirror (tag v$version)"
fi

# 9. Tag (the README's pre-commit snippet pins `rev: vVERSION`).
if [ "$tag" = 1 ]; then
    if git rev-parse -q --verify "refs/tags/v$version" >/dev/null; then
        step "tag v$version exists"
    else
        git tag -a "v$version" -m "keyward $version"
        step "tagged v$version"
    fi
fi
ls -1 "$out" >&2
