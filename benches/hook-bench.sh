#!/usr/bin/env bash
# Benchmark of `keyward hook` (the pre-commit hook) against git's own cost of knowing what is
# staged (`git diff --cached --name-only`), in a generated repository with many tracked files.
#
#   benches/hook-bench.sh [--files N] [--runs R] [--bin PATH] [--keep]
#
# Builds nothing itself: pass a release binary (`cargo build --release`, default
# target/release/keyward). The repository is generated with `git fast-import` (one pack, one
# commit) and checked out once; then, for each scenario, both commands run R times and the
# medians are printed. Scenarios:
#   small: 5 small files modified and staged
#   large: one file with 10,000 added lines staged
set -euo pipefail

files=50000
runs=31
bin=""
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --files) files="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "hook-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${bin:-$here/target/release/keyward}
[ -x "$bin" ] || { echo "hook-bench: no binary at $bin (cargo build --release)" >&2; exit 2; }

work=$(mktemp -d)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
repo="$work/repo"

# Isolated git and keyward configuration: the benchmark must not depend on the machine.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.test
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.test
export KEYWARD_USER_CONFIG=""
unset KEYWARD_POLICY KEYWARD_SKIP GIT_INDEX_FILE GIT_DIR || true

git init -q -b main "$repo"
cd "$repo"
t0=$(date +%s%N)
awk -v n="$files" 'BEGIN {
    for (i = 0; i < n; i++) {
        c = sprintf("// generated file %d\nconst VALUE_%d: u32 = %d;\nfn f_%d() -> u32 { VALUE_%d + 1 }\n", i, i, i, i, i)
        printf "blob\nmark :%d\ndata %d\n%s\n", i + 1, length(c), c
    }
    printf "commit refs/heads/main\ncommitter Bench <bench@example.test> 1700000000 +0000\ndata 6\nbench\n"
    for (i = 0; i < n; i++)
        printf "M 100644 :%d src/mod%03d/sub%02d/file%06d.rs\n", i + 1, int(i / 1000), int(i / 100) % 10, i
    printf "\n"
}' | git fast-import --quiet
git reset -q --hard main
t1=$(date +%s%N)
echo "hook-bench: generated $(git ls-files | wc -l | tr -d ' ') tracked files in $(( (t1 - t0) / 1000000 )) ms ($repo)"

# Median wall time in ms of R runs of a command (output discarded, exit status ignored).
median_ms() {
    local i s e
    : >"$work/times"
    for i in $(seq "$runs"); do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 )) >>"$work/times"
    done
    sort -n "$work/times" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

scenario() {
    local name="$1"
    # One run shown in full, so the numbers can be checked against what keyward says it did.
    local said
    said=$("$bin" hook 2>&1 | tail -1 || true)
    local kw git_ms
    kw=$(median_ms "$bin" hook)
    git_ms=$(median_ms git diff --cached --name-only)
    local ratio
    ratio=$(awk -v a="$kw" -v b="$git_ms" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    printf '%-6s keyward hook %7s ms | git diff --cached --name-only %7s ms | ratio %5sx\n' "$name" "$kw" "$git_ms" "$ratio"
    printf '       %s\n' "$said"
}

echo "hook-bench: medians of $runs runs, $bin"
# Five files spread over the tree.
i=0
for f in $(git ls-files | awk -v step=$(( files / 5 )) 'NR % step == step / 2'); do
    i=$(( i + 1 ))
    printf 'fn added_%d() {}\n' "$i" >>"$f"
    git add "$f"
done
scenario small
git reset -q --hard main

f=src/mod000/sub00/file000000.rs
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "fn generated_%d(x: u32) -> u32 { x * %d + 7 }\n", i, i }' >>"$f"
git add "$f"
scenario large
