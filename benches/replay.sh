#!/usr/bin/env bash
# Commit-replay benchmark of the pre-commit hook: for each pinned package (PyPI sdists, npm
# tarballs; benches/replay/packages.txt), its consecutive released versions are committed one after
# another into a fresh git repository (the first version is the initial commit), and every commit
# runs the real `keyward hook` as git's pre-commit hook, on what `git add -A` staged. It counts
# the commits the hook blocks or warns on, the findings by rule and tier, and the hook's time, and
# compares the findings with the verdicts we made by reading each one
# (benches/replay/verdicts.tsv), so a change that blocks ordinary upgrades shows up.
#
#   benches/replay.sh [--bin PATH] [--fetch-only] [--keep]
#
# --bin defaults to target/release/keyward; $REPLAY_LIST replaces the package list (a quick run).
# Packages are downloaded with the ordinary clients (pip download, npm pack) into $REPLAY_CACHE
# (default /work/cache/replay, never the repository); a second run downloads nothing. The replay
# repositories are temporary (--keep leaves them, and says where). No `.keyward.toml`, no user config, no policy: the hook's defaults (blocks at high
# confidence, warns at medium). The hook always lets the commit through (its exit status is
# recorded), so the next version is a diff against this one.
#
# Outputs, in $REPLAY_CACHE and without values: replay-commits.tsv (one line per commit: exit
# status, findings by tier, files/lines/bytes changed, hook time) and replay-findings.tsv (one line
# per finding: package, version, path, line, rule, fingerprint, tier, blocked|warning). Verdicts
# are per line: package, version, path, line, then rule and fingerprint (informational),
# true|false and a short reason. Judge new lines with `keyward scan --show-secrets FILE` locally
# (--keep gives the files) and append them to verdicts.tsv; never a value.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
bin="$repo/target/release/keyward"
fetch_only=0
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --fetch-only) fetch_only=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "replay.sh: unknown option $1 (use --bin PATH, --fetch-only, --keep)" >&2; exit 2 ;;
  esac
done
need() { command -v "$1" >/dev/null || { echo "replay.sh: '$1' not found: $2" >&2; exit 2; }; }
need git "the replay commits into real git repositories"
need python3 "benches/replay/report.py summarises the runs"
need tar "to unpack the downloaded packages"
cache="${REPLAY_CACHE:-/work/cache/replay}"
list="${REPLAY_LIST:-$repo/benches/replay/packages.txt}"
verdicts="$repo/benches/replay/verdicts.tsv"
[ -f "$list" ] || { echo "replay.sh: no package list at $list" >&2; exit 2; }
mkdir -p "$cache/dl/pypi" "$cache/dl/npm"

# One directory name per package: scoped npm names lose their `@` and `/`.
dirname_of() { local n="${1#@}"; echo "${n//\//__}-$2"; }
entries() { grep -v '^#' "$list" | grep .; }

# Download what is missing, four at a time (the network, not the CPU, is the limit).
fetch_one() { # registry name version destination
  local dl="$4"
  ls "$dl"/* >/dev/null 2>&1 && return 0
  mkdir -p "$dl.part"
  case "$1" in
    # --no-binary NAME (not :all:) so build backends come as wheels: metadata takes seconds.
    pypi) pip download --quiet --no-deps --no-binary "$2" -d "$dl.part" "$2==$3" ;;
    npm) (cd "$dl.part" && npm pack --silent "$2@$3" >/dev/null) ;;
    *) echo "replay.sh: $list: unknown registry '$1'" >&2; return 2 ;;
  esac || { echo "replay.sh: could not download $1 $2==$3" >&2; return 1; }
  rm -rf "$dl"; mv "$dl.part" "$dl"
}
export -f fetch_one
missing=()
while read -r reg spec; do
  name="${spec%%==*}"; ver="${spec##*==}"
  dl="$cache/dl/$reg/$(dirname_of "$name" "$ver")"
  ls "$dl"/* >/dev/null 2>&1 && continue
  case "$reg" in
    pypi) need pip "$reg packages are downloaded with pip download" ;;
    npm) need npm "$reg packages are downloaded with npm pack" ;;
  esac
  missing+=("$reg" "$name" "$ver" "$dl")
done < <(entries)
if [ ${#missing[@]} -gt 0 ]; then
  echo "replay.sh: downloading $(( ${#missing[@]} / 4 )) package versions into $cache/dl" >&2
  printf '%s\0' "${missing[@]}" | xargs -0 -n 4 -P 4 bash -c 'fetch_one "$@"' _ \
    || { echo "replay.sh: some downloads failed (see above)" >&2; exit 1; }
fi
[ "$fetch_only" = 1 ] && exit 0

[ -x "$bin" ] || { echo "replay.sh: no keyward binary at $bin (cargo build --release, or --bin PATH)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
work=$(mktemp -d)
if [ "$keep" = 1 ]; then echo "replay.sh: repositories kept in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

# Isolated git and keyward configuration, as in hook-bench.sh: an empty global git config of our
# own (not /dev/null), no user config, no policy, no colour.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/empty-gitconfig"
: >"$GIT_CONFIG_GLOBAL"
export GIT_AUTHOR_NAME=Replay GIT_AUTHOR_EMAIL=replay@example.test
export GIT_COMMITTER_NAME=Replay GIT_COMMITTER_EMAIL=replay@example.test
export KEYWARD_USER_CONFIG="" NO_COLOR=1
unset KEYWARD_POLICY KEYWARD_SKIP GIT_INDEX_FILE GIT_DIR PRE_COMMIT || true

# The pre-commit hook: the real `keyward hook`, run by git in `git commit` (so with git's
# environment and the index as git leaves it), timed; its output and exit status are kept and the
# commit always goes ahead.
hook_script() {
  cat <<EOF
#!/usr/bin/env bash
s=\$(date +%s%N)
'$bin' hook --color never 2>"$work/hook.out" >&2
rc=\$?
e=\$(date +%s%N)
echo "\$rc \$(( (e - s) / 1000 ))" >"$work/hook.rc"
exit 0
EOF
}

commits="$cache/replay-commits.tsv"
printf '# package\tversion\thook_exit\thigh\tmedium\tlow\tfiles_changed\tlines_added\tbytes_staged\thook_us\n' >"$commits"
findings="$cache/replay-findings.tsv"
printf '# package\tversion\tpath\tline\trule\tfingerprint\ttier\tblocked|warning  (never a value)\n' >"$findings"
prev=""
n=0
while read -r reg spec; do
  name="${spec%%==*}"; ver="${spec##*==}"
  pkg="$reg/$name"
  r="$work/repos/$reg/$(dirname_of "$name" x)"
  if [ "$pkg" != "$prev" ]; then
    prev="$pkg"
    git init -q -b main "$r"
    hook_script >"$r/.git/hooks/pre-commit"
    chmod +x "$r/.git/hooks/pre-commit"
  fi
  # The version's files replace the previous one's: the archive's single top directory
  # (`requests-2.32.3/`, npm's `package/`) becomes the repository root.
  find "$r" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  un="$work/unpack"
  rm -rf "$un"; mkdir -p "$un"
  archive=$(ls "$cache/dl/$reg/$(dirname_of "$name" "$ver")"/* | head -1)
  case "$archive" in
    *.zip) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$un" ;;
    *) tar -xzf "$archive" -C "$un" ;;
  esac
  top="$un"
  [ "$(ls -A "$un" | wc -l)" = 1 ] && [ -d "$un/$(ls -A "$un")" ] && top="$un/$(ls -A "$un")"
  (shopt -s dotglob; mv "$top"/* "$r"/)
  # A shipped .git, .keyward.toml or keyward baseline would change what the hook does: not ours.
  rm -rf "$r/.keyward.toml" "$r/.keyward"
  # From a fresh index: tar restores the archives' mtimes (npm's are all 1985), inodes are reused
  # and git compares ctimes to the second, so a same-size change made within a second of the last
  # commit would look unchanged in the old index. Content decides instead.
  rm -f "$r/.git/index"
  git -C "$r" add -A
  changed=$(git -C "$r" diff --cached --no-renames --name-only | wc -l)
  added=$(git -C "$r" diff --cached --no-renames --numstat | awk '$1 != "-" { s += $1 } END { print s + 0 }')
  rm -f "$work/hook.out" "$work/hook.rc"
  git -C "$r" commit -q --allow-empty -m "$name $ver"
  [ -f "$work/hook.rc" ] || { echo "replay.sh: the pre-commit hook did not run for $pkg $ver" >&2; exit 1; }
  read -r rc us <"$work/hook.rc"
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "replay.sh: keyward hook failed (exit $rc) on $pkg $ver:" >&2; cat "$work/hook.out" >&2; exit 1; }
  # Findings (without values) and their fingerprints, from a scan of the committed files.
  python3 "$repo/benches/replay/report.py" commit "$bin" "$r" "$work/hook.out" "$pkg" "$ver" \
    "$rc" "$changed" "$added" "$us" "$findings" >>"$commits" \
    || { echo "replay.sh: report.py commit failed on $pkg $ver" >&2; exit 1; }
  n=$(( n + 1 ))
  [ -t 2 ] && printf '\rreplay.sh: %d commits replayed (%s %s)          ' "$n" "$pkg" "$ver" >&2
done < <(entries)
[ -t 2 ] && echo >&2
echo "replay.sh: $n commits with $bin (load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
python3 "$repo/benches/replay/report.py" summary "$commits" "$cache/replay-findings.tsv" "$verdicts"
