#!/usr/bin/env bash
# Benchmark of `keyward hook` (the pre-commit hook) against git's own cost of knowing what is
# staged (`git diff --cached --name-only`), in a generated repository with many tracked files.
#
#   benches/hook-bench.sh [--files N] [--runs R] [--bin PATH]... [--peer CMD] [--keep]
#
# Builds nothing itself: pass a release binary (`cargo build --release`, default
# target/release/keyward); give --bin several times to compare builds in the same repository
# (say, before and after a change). --peer names another pre-commit scanner to time on the same
# staged files (`detect-secrets-hook`; it is given the staged file names, as pre-commit would).
# The repository is generated with `git fast-import` (one pack, one commit) and checked out
# once; then, for each scenario, every command runs R times, interleaved, and the medians are
# printed with the load average (the machine is shared). Scenarios:
#   small: 5 small files modified and staged (`git add` leaves their directories invalid in
#          the index's cache tree)
#   commit: the same after `git write-tree`, as `git commit` leaves the index before its hook
#   large: one file with 10,000 added lines staged
set -euo pipefail

files=50000
runs=31
bins=()
peer=""
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --files) files="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --bin) bins+=("$2"); shift 2 ;;
        --peer) peer="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "hook-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
[ ${#bins[@]} -gt 0 ] || bins=("$here/target/release/keyward")
for bin in "${bins[@]}"; do
    [ -x "$bin" ] || { echo "hook-bench: no binary at $bin (cargo build --release)" >&2; exit 2; }
done

work=$(mktemp -d)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
repo="$work/repo"

# Isolated git and keyward configuration: the benchmark must not depend on the machine.
# An empty global config of our own, not /dev/null: a tool that writes global config under
# GIT_CONFIG_GLOBAL=/dev/null renames its lock file over /dev/null and breaks the machine.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/empty-gitconfig"
: >"$GIT_CONFIG_GLOBAL"
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

# Times in ms of R runs of each command, interleaved so that load changes hit all of them alike
# (output discarded, exit status ignored). Commands are given as strings, one per argument.
time_all() {
    local i k s e
    for k in $(seq "$#"); do : >"$work/times.$k"; done
    for i in $(seq "$runs"); do
        k=0
        for cmd in "$@"; do
            k=$(( k + 1 ))
            s=$(date +%s%N)
            eval "$cmd" >/dev/null 2>&1 || true
            e=$(date +%s%N)
            echo $(( (e - s) / 1000 )) >>"$work/times.$k"
        done
    done
}

median_ms() {
    sort -n "$1" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

scenario() {
    local name="$1" cmds=() labels=() bin k
    cmds+=("git diff --cached --name-only")
    labels+=("git diff --cached --name-only")
    for bin in "${bins[@]}"; do
        cmds+=("'$bin' hook")
        labels+=("keyward hook ($bin)")
    done
    if [ -n "$peer" ]; then
        git diff --cached --name-only -z >"$work/staged"
        cmds+=("xargs -0 '$peer' <'$work/staged'")
        labels+=("$peer (staged files)")
    fi
    time_all "${cmds[@]}"
    local git_ms
    git_ms=$(median_ms "$work/times.1")
    printf '%s (load %s)\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    for k in $(seq "${#cmds[@]}"); do
        local ms ratio
        ms=$(median_ms "$work/times.$k")
        ratio=$(awk -v a="$ms" -v b="$git_ms" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
        printf '  %8s ms  %5sx git  %s\n' "$ms" "$ratio" "${labels[$((k - 1))]}"
    done
    # One run of each keyward shown in full, so the numbers can be checked against what it did.
    for bin in "${bins[@]}"; do
        printf '  %s\n' "$("$bin" hook 2>&1 | tail -1 || true)"
    done
}

echo "hook-bench: medians of $runs interleaved runs"
# Five files spread over the tree.
i=0
for f in $(git ls-files | awk -v step=$(( files / 5 )) 'NR % step == step / 2'); do
    i=$(( i + 1 ))
    printf 'fn added_%d() {}\n' "$i" >>"$f"
    git add "$f"
done
scenario small
# What the hook meets inside `git commit`, which refreshes the cache tree before running it.
git write-tree >/dev/null
scenario commit
git reset -q --hard main

f=src/mod000/sub00/file000000.rs
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "fn generated_%d(x: u32) -> u32 { x * %d + 7 }\n", i, i }' >>"$f"
git add "$f"
scenario large
