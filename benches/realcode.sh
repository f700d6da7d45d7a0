#!/usr/bin/env bash
# Real-code benchmark: scan a few hundred pinned, popular packages (crates, PyPI sdists, npm
# tarballs) and count findings per MB, per rule and per tier, then compare them with the verdicts
# we made by reading each finding (benches/realcode/verdicts.tsv), so a change that adds noise or
# loses a real credential shows up.
#
#   benches/realcode.sh [--bin PATH] [--fetch-only]
#
# --bin defaults to target/release/keyward (build it first: cargo build --release). The old
# release build of main is /work/cache/keyward-0.1.0, so `--bin /work/cache/keyward-0.1.0` gives
# the "before" figures. Packages are downloaded with the ordinary clients (cargo fetch, pip
# download, npm pack) into $REALCODE_CACHE (default /work/cache/realcode, never the repository)
# and unpacked under $REALCODE_CACHE/src/<registry>/<name>-<version>/; a second run downloads
# nothing. Every file is scanned as shipped (--no-ignore), at --confidence low.
#
# Verdicts are per line ("line view"): registry/package, path inside it, line, then the rule and
# fingerprint seen when judged (informational), `true|false` and a short reason. Never a value.
# Findings without a verdict are written, without values, to $REALCODE_CACHE/unclassified.tsv;
# judge them with `keyward scan --show-secrets` on the file locally, then append lines to
# verdicts.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
bin="$repo/target/release/keyward"
fetch_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --fetch-only) fetch_only=1; shift ;;
    *) echo "realcode.sh: unknown option $1 (use --bin PATH, --fetch-only)" >&2; exit 2 ;;
  esac
done
cache="${REALCODE_CACHE:-/work/cache/realcode}"
list="$repo/benches/realcode/packages.txt"
verdicts="$repo/benches/realcode/verdicts.tsv"
mkdir -p "$cache/dl/pypi" "$cache/dl/npm" "$cache/src/crates" "$cache/src/pypi" "$cache/src/npm"

# One directory name per package: scoped npm names lose their `@` and `/`.
dirname_of() { local n="${1#@}"; echo "${n//\//__}-$2"; }

unpack() { # archive destination
  local tmp="$2.part"
  rm -rf "$tmp"; mkdir -p "$tmp"
  case "$1" in
    *.zip) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$tmp" ;;
    *) tar -xzf "$1" -C "$tmp" ;;
  esac
  mv "$tmp" "$2"
}

# crates: a throwaway project pinning every crate exactly, fetched with cargo into its own home.
export CARGO_HOME="$cache/cargo-home"
need_crates=0
while read -r reg spec; do
  [ "$reg" = crates ] || continue
  [ -d "$cache/src/crates/${spec%%==*}-${spec##*==}" ] || need_crates=1
done < <(grep -v '^#' "$list")
if [ "$need_crates" = 1 ]; then
  proj="$cache/crates-project"
  mkdir -p "$proj/src"
  echo 'fn main() {}' > "$proj/src/main.rs"
  {
    printf '[package]\nname = "realcode"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n'
    grep '^crates ' "$list" | while read -r _ spec; do echo "${spec%%==*} = \"=${spec##*==}\""; done
  } > "$proj/Cargo.toml"
  (cd "$proj" && cargo fetch --quiet --target x86_64-unknown-linux-gnu)
fi
while read -r reg spec; do
  name="${spec%%==*}"; ver="${spec##*==}"
  dest="$cache/src/$reg/$(dirname_of "$name" "$ver")"
  [ -d "$dest" ] && continue
  case "$reg" in
    crates)
      crate=$(ls "$CARGO_HOME"/registry/cache/*/"$name-$ver.crate" | head -1)
      unpack "$crate" "$dest" ;;
    pypi)
      dl="$cache/dl/pypi/$(dirname_of "$name" "$ver")"
      if ! ls "$dl"/* >/dev/null 2>&1; then
        mkdir -p "$dl"
        # --no-binary NAME (not :all:) so build backends come as wheels: metadata takes seconds.
        pip download --quiet --no-deps --no-binary "$name" -d "$dl" "$name==$ver"
      fi
      unpack "$(ls "$dl"/* | head -1)" "$dest" ;;
    npm)
      dl="$cache/dl/npm/$(dirname_of "$name" "$ver")"
      if ! ls "$dl"/*.tgz >/dev/null 2>&1; then
        mkdir -p "$dl"
        (cd "$dl" && npm pack --silent "$name@$ver" >/dev/null)
      fi
      unpack "$(ls "$dl"/*.tgz | head -1)" "$dest" ;;
    *) echo "realcode.sh: $list: unknown registry '$reg'" >&2; exit 2 ;;
  esac
done < <(grep -v '^#' "$list" | grep .)
[ "$fetch_only" = 1 ] && exit 0

[ -x "$bin" ] || { echo "realcode.sh: no keyward binary at $bin (cargo build --release, or --bin PATH)" >&2; exit 2; }
out="$cache/findings.json"
export KEYWARD_USER_CONFIG="" NO_COLOR=1
unset KEYWARD_POLICY
"$bin" scan --no-ignore --threads 2 --format json --confidence low -o "$out" "$cache/src" 2>/dev/null || [ $? -eq 1 ]
python3 "$repo/benches/realcode/report.py" "$out" "$cache/src" "$verdicts" "$cache/unclassified.tsv"
