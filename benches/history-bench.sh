#!/usr/bin/env bash
# History-scan benchmark: a release build of keyward audits every blob of a generated repository
# with a long history (benches/gen-history-repo.py: deterministic, thousands of commits of code
# churn, branches and merges, planted fake tokens), against `git log -p --all > /dev/null` on the
# same repository as the reference point. gitleaks' `git` mode parses exactly that `git log -p`
# output and then runs its regexes, so `git log -p` alone is a lower bound on gitleaks' time.
#
#   benches/history-bench.sh [COMMITS] [RUNS]      (defaults: 5000 commits, 5 runs; medians)
#   GITLEAKS=/path/to/gitleaks benches/history-bench.sh   also times `gitleaks git` on the repository
#
# Prints wall time, MB/s of blob content and unique blobs/s for keyward, and the speed-up over
# `git log -p --all`. The repository is cached in target/bench-history/ (delete it to rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."

COMMITS="${1:-5000}"
RUNS="${2:-5}"
REPO="target/bench-history/repo-$COMMITS"

cargo build --release --locked --bin keyward >&2
BIN="$PWD/target/release/keyward"

if [ ! -d "$REPO/.git" ]; then
  mkdir -p "$(dirname "$REPO")"
  echo "generating $COMMITS commits in $REPO" >&2
  python3 benches/gen-history-repo.py "$REPO" "$COMMITS" 42 >&2
  # A clone-like pack: fast-import's pack has poor deltas; real repositories are repacked.
  git -C "$REPO" repack -q -a -d -f
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

export KEYWARD_USER_CONFIG="" NO_COLOR=1
unset KEYWARD_POLICY
ktimes=(); gtimes=()
json=""
for _ in $(seq "$RUNS"); do
  t0=$(now)
  json=$("$BIN" inventory --history --format json --as-of 2030-01-01 "$REPO" || true)
  t1=$(now)
  git -C "$REPO" log -p --all > /dev/null
  t2=$(now)
  ktimes+=("$(calc "$t1 - $t0")")
  gtimes+=("$(calc "$t2 - $t1")")
done
k=$(printf '%s\n' "${ktimes[@]}" | median)
g=$(printf '%s\n' "${gtimes[@]}" | median)
read -r commits blobs scanned bytes creds trees_ms blobs_ms < <(python3 -c '
import json, sys
v = json.loads(sys.argv[1]); s = v["stats"]
print(s["commits"], s["blobs"], s["blobs_scanned"], s["bytes_scanned"], v["summary"]["total"], s["trees_ms"], s["blobs_ms"])' "$json")

printf 'repository: %s (%s commits, %s unique blobs, %.1f MB of blob content scanned, %s credentials)\n' \
  "$REPO" "$commits" "$blobs" "$(calc "$bytes / 1000000")" "$creds"
printf 'machine: %s cores; median of %s runs\n' "$(nproc)" "$RUNS"
printf 'keyward history scan : %6.2f s  %7.1f MB/s  %8.0f blobs/s\n' "$k" \
  "$(calc "$bytes / 1000000 / $k")" "$(calc "$scanned / $k")"
printf '  last run inside the scan: %s ms commits and trees, %s ms reading and scanning blobs\n' "$trees_ms" "$blobs_ms"
printf 'git log -p --all     : %6.2f s  (gitleaks git mode is slower still)\n' "$g"
printf 'speed-up over git log -p: %.1fx\n' "$(calc "$g / $k")"

if [ -n "${GITLEAKS:-}" ]; then
  ltimes=()
  tmp=$(mktemp -d)
  for _ in $(seq "$RUNS"); do
    # A fresh report path each run, checked below: with `--report-path /dev/null` gitleaks was
    # seen to finish in a quarter of its real time, and a run that stopped early must not count.
    rm -f "$tmp/report.json"
    t0=$(now)
    "$GITLEAKS" git --no-banner --log-level error --report-path "$tmp/report.json" "$REPO" >/dev/null 2>&1 || true
    t1=$(now)
    ltimes+=("$(calc "$t1 - $t0")")
    [ -s "$tmp/report.json" ] || echo "warning: gitleaks wrote no report" >&2
  done
  rm -rf "$tmp"
  l=$(printf '%s\n' "${ltimes[@]}" | median)
  printf 'gitleaks git         : %6.2f s  (%s)\n' "$l" "$("$GITLEAKS" version 2>/dev/null || echo '?')"
  printf 'speed-up over gitleaks git mode: %.1fx\n' "$(calc "$l / $k")"
fi
