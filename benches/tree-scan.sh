#!/usr/bin/env bash
# Full-tree scan time of `keyward scan` against the practical floor, ripgrep searching the same
# tree for every rule keyword (case-insensitive, same ignore rules), and against ripsecrets and
# gitleaks when they are installed. Prints medians and ratios, and keyward's peak RSS.
#
#   benches/tree-scan.sh [--bin PATH]... [TREE] [RUNS]
#
# TREE defaults to the crate sources under ~/.cargo/registry/src (hundreds of MB of real code).
# Without --bin it builds keyward --release and times target/release/keyward; give --bin several
# times to compare builds (say, before and after a change: the first is the reference).
# Needs ripgrep (Debian: ripgrep) and python3. Optional peers, looked up on PATH or via
# RIPSECRETS=/path, GITLEAKS=/path. The cache is warmed once before timing; then the commands
# run in rounds, each once per round, so a load that comes and goes on a shared machine falls
# on all of them alike. Compare ratios, not seconds; CPU time (user + system) is the steadier
# figure when other work shares the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=()
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bins+=("$2"); shift 2 ;;
    -*) echo "tree-scan.sh: unknown option $1 (use --bin PATH)" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
tree="${args[0]:-$(ls -d "$HOME"/.cargo/registry/src/*/ | head -1)}"
runs="${args[1]:-5}"
threads="${THREADS:-2}"
for tool in rg python3; do
  command -v "$tool" >/dev/null || { echo "tree-scan.sh: $tool is required" >&2; exit 2; }
done
if [ ${#bins[@]} -eq 0 ]; then
  cargo build --release --quiet --bin keyward
  bins=("$PWD/target/release/keyward")
fi
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
cmds=("rg -i -F -f $work/keywords.txt --hidden --no-require-git -g !.git --max-filesize 10M --count-matches -j$threads $tree")
names=(ripgrep)
for i in "${!bins[@]}"; do
  cmds+=("${bins[$i]} scan --threads $threads $tree")
  if [ ${#bins[@]} -eq 1 ]; then names+=(keyward); else names+=("keyward#$((i + 1))"); fi
done
ripsecrets="${RIPSECRETS:-$(command -v ripsecrets || true)}"
if [ -n "$ripsecrets" ]; then cmds+=("$ripsecrets $tree"); names+=(ripsecrets); fi
gitleaks="${GITLEAKS:-$(command -v gitleaks || true)}"
if [ -n "$gitleaks" ]; then
  cmds+=("$gitleaks dir $tree --no-banner --log-level error --exit-code 0 --report-path $work/gitleaks.json")
  names+=(gitleaks)
fi

echo "tree: $tree ($(du -sh "$tree" | cut -f1)), $threads threads, $runs rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!bins[@]}"; do echo "keyward#$((i + 1)): ${bins[$i]}"; done
python3 - "$runs" "${#names[@]}" "${names[@]}" "${cmds[@]}" <<'PY'
import os, shlex, statistics, subprocess, sys, time
runs, n = int(sys.argv[1]), int(sys.argv[2])
names, cmds = sys.argv[3:3 + n], [shlex.split(c) for c in sys.argv[3 + n:]]
def once(cmd):
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu
for cmd in cmds:  # warm the page cache
    once(cmd)
wall = {name: [] for name in names}
cpu = {name: [] for name in names}
for _ in range(runs):
    for name, cmd in zip(names, cmds):
        w, c = once(cmd)
        wall[name].append(w)
        cpu[name].append(c)
med_w = {k: statistics.median(v) for k, v in wall.items()}
med_c = {k: statistics.median(v) for k, v in cpu.items()}
ref = next(k for k in names if k.startswith("keyward"))
print(f"medians; the ratios are each command's time over {ref}'s (below 1: faster)")
for k in names:
    print(f"{k:>10}: wall {med_w[k]:7.3f} s ({med_w[k] / med_w[ref]:.2f})  "
          f"cpu {med_c[k]:7.3f} s ({med_c[k] / med_c[ref]:.2f})")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!bins[@]}"; do
  /usr/bin/time -f "keyward#$((i + 1)) peak RSS: %M KiB" "${bins[$i]}" scan --threads "$threads" "$tree" \
    >/dev/null 2>"$work/time.txt" || true
  tail -1 "$work/time.txt"
done
