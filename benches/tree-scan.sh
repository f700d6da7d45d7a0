#!/usr/bin/env bash
# Full-tree scan time of `keyward scan` against the practical floor, ripgrep searching the same
# tree for every rule keyword (case-insensitive, same ignore rules), and against ripsecrets and
# gitleaks when they are installed. Prints medians and ratios, and keyward's peak RSS.
#   benches/tree-scan.sh [TREE] [RUNS]
# TREE defaults to the crate sources under ~/.cargo/registry/src (hundreds of MB of real code).
# Needs hyperfine, ripgrep (Debian: hyperfine, ripgrep) and python3; builds keyward --release.
# Optional peers, looked up on PATH or via RIPSECRETS=/path, GITLEAKS=/path. The cache is warmed
# once before timing; run it on an otherwise idle machine and compare ratios, not seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
tree="${1:-$(ls -d "$HOME"/.cargo/registry/src/*/ | head -1)}"
runs="${2:-5}"
threads="${THREADS:-2}"
for tool in hyperfine rg python3; do
  command -v "$tool" >/dev/null || { echo "tree-scan.sh: $tool is required" >&2; exit 2; }
done
cargo build --release --quiet --bin keyward
keyward="$PWD/target/release/keyward"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Every rule keyword, lower-cased, one per line: what keyward's Aho-Corasick pass looks for.
python3 - "$work/keywords.txt" rules/*.toml <<'PY'
import sys, tomllib
words = set()
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        for rule in tomllib.load(f).get("rule", []):
            words.update(k.lower() for k in rule["keywords"])
open(sys.argv[1], "w").write("".join(w + "\n" for w in sorted(words)))
PY

export KEYWARD_USER_CONFIG="" NO_COLOR=1
unset KEYWARD_POLICY
# Same walk as keyward: hidden files yes, .git no, .gitignore honoured outside git repos too,
# files over keyward's default 10 MiB cap skipped.
cmds=(
  "rg -i -F -f $work/keywords.txt --hidden --no-require-git -g !.git --max-filesize 10M --count-matches -j$threads $tree"
  "$keyward scan --threads $threads $tree"
)
names=(ripgrep keyward)
ripsecrets="${RIPSECRETS:-$(command -v ripsecrets || true)}"
if [ -n "$ripsecrets" ]; then cmds+=("$ripsecrets $tree"); names+=(ripsecrets); fi
gitleaks="${GITLEAKS:-$(command -v gitleaks || true)}"
if [ -n "$gitleaks" ]; then
  cmds+=("$gitleaks dir $tree --no-banner --log-level error --exit-code 0 --report-path $work/gitleaks.json")
  names+=(gitleaks)
fi

echo "tree: $tree ($(du -sh "$tree" | cut -f1)), $threads threads, $runs runs each"
hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/times.json" \
  --style none "${cmds[@]}" >/dev/null 2>"$work/hyperfine.err"
python3 - "$work/times.json" "${names[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2:]
median = {n: r["median"] for n, r in zip(names, results)}
k = median["keyward"]
for n in names:
    print(f"{n:>10}: median {median[n]:7.3f} s   keyward / {n} = {k / median[n]:.2f}")
PY
/usr/bin/time -f 'keyward peak RSS: %M KiB' "$keyward" scan --threads "$threads" "$tree" \
  >/dev/null 2>"$work/time.txt" || true
tail -1 "$work/time.txt"
