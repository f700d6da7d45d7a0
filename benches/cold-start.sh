#!/usr/bin/env bash
# Start-to-exit time of `keyward scan` on one small file: what a pre-commit hook or an editor's
# save pays. Builds the release binary, then runs it RUNS times (default 200) and reports the
# median and 90th percentile. Uses hyperfine when installed, else a date +%s%N loop.
#   benches/cold-start.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
cargo build --release --quiet --bin keyward
bin="$PWD/target/release/keyward"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
printf 'import os\nTOKEN = os.environ["GITHUB_TOKEN"]\nprint("hello")\n' > "$dir/app.py"
cd "$dir"
export KEYWARD_USER_CONFIG="" NO_COLOR=1
unset KEYWARD_POLICY

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 10 --runs "$runs" -N "$bin scan app.py"
  exit 0
fi

"$bin" scan app.py 2>/dev/null || true   # warm the page cache
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" scan app.py >/dev/null 2>&1 || true
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print }')
p90=$(echo "$sorted" | awk -v n="$runs" 'NR == int(n * 0.9) { print }')
printf 'keyward scan one small file, %s runs: median %d.%03d ms, p90 %d.%03d ms\n' \
  "$runs" $((median / 1000)) $((median % 1000)) $((p90 / 1000)) $((p90 % 1000))
