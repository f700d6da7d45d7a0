#!/bin/sh
# keyward org rollout: put the keyward binary, the org policy and the global pre-commit hook on a
# developer machine. Idempotent: run it again (e.g. from MDM on every check-in) and it only
# changes what differs. Prints every change it makes. See hooks/README.md.
#
#   org-rollout.sh [--binary PATH] [--policy FILE] [--bin-dir DIR] [--policy-dest FILE]
#                  [--user NAME] [--agents LIST] [--dry-run]
#
#   --binary PATH       keyward binary to install (default: keep the one already on PATH)
#   --policy FILE       org policy to install (TOML; see `keyward config`); its hook.fail_open
#                       and the binary path are baked into the hook shims
#   --bin-dir DIR       where the binary goes (default /usr/local/bin)
#   --policy-dest FILE  where the policy goes (default /etc/keyward/policy.toml, which keyward
#                       reads when KEYWARD_POLICY is not set; another place only works where
#                       developers' sessions set KEYWARD_POLICY to it)
#   --user NAME         run the per-user step (`keyward install --global`) as NAME; needed when
#                       this script runs as root, since core.hooksPath is per-user git config
#   --agents LIST       also hook these AI coding agents for the user (`keyward install --global
#                       --agent NAME`): comma-separated claude,cursor,codex,windsurf,gemini, or all
#   --dry-run           say what would change, change nothing
set -eu

binary=""
policy=""
bin_dir=/usr/local/bin
policy_dest=/etc/keyward/policy.toml
user=""
agents=""
dry=0
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --policy) policy="$2"; shift 2 ;;
        --bin-dir) bin_dir="$2"; shift 2 ;;
        --policy-dest) policy_dest="$2"; shift 2 ;;
        --user) user="$2"; shift 2 ;;
        --agents) agents="$2"; shift 2 ;;
        --dry-run) dry=1; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "org-rollout: unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "org-rollout: $*"; }
run() {
    if [ "$dry" = 1 ]; then say "would run: $*"; else "$@"; fi
}

# Copies $1 to $2 (mode $3) unless $2 already has the same content.
install_file() {
    if [ -f "$2" ] && cmp -s "$1" "$2"; then
        say "$2 is up to date"
        return 0
    fi
    say "installing $2"
    run mkdir -p "$(dirname "$2")"
    if [ "$dry" = 0 ]; then
        cp "$1" "$2.org-rollout.tmp"
        chmod "$3" "$2.org-rollout.tmp"
        mv "$2.org-rollout.tmp" "$2"
    fi
}

if [ -n "$binary" ]; then
    [ -x "$binary" ] || { echo "org-rollout: --binary $binary is not an executable file" >&2; exit 2; }
    install_file "$binary" "$bin_dir/keyward" 755
    keyward="$bin_dir/keyward"
else
    keyward=$(command -v keyward || true)
    [ -n "$keyward" ] || { echo "org-rollout: keyward is not on PATH; pass --binary PATH" >&2; exit 2; }
    say "using the installed $keyward"
fi

if [ -n "$policy" ]; then
    [ -f "$policy" ] || { echo "org-rollout: --policy $policy does not exist" >&2; exit 2; }
    install_file "$policy" "$policy_dest" 644
fi
# The per-user step: the global hooks directory and core.hooksPath (re-run when the policy or
# binary changes, because the shims bake in the binary path and hook.fail_open). It also parses
# the policy, and fails naming the file and line if the policy is invalid.
policy_env=""
[ "$policy_dest" = /etc/keyward/policy.toml ] || policy_env="KEYWARD_POLICY=$policy_dest"
# Runs `keyward ARGS...` as the target user, with the policy path when it is not the default.
as_user() {
    if [ -n "$user" ]; then
        run su "$user" -s /bin/sh -c "$policy_env '$keyward' $*"
    elif [ -n "$policy_env" ]; then
        run env "$policy_env" "$keyward" "$@"
    else
        run "$keyward" "$@"
    fi
}
say "keyward install --global as ${user:-$(id -un)}"
as_user install --global
# Agent hooks merge into the user's own agent settings (kept as <file>.keyward-backup);
# re-running finds them installed and changes nothing.
if [ -n "$agents" ]; then
    for agent in $(echo "$agents" | tr ',' ' '); do
        case "$agent" in
            all|claude|cursor|codex|windsurf|gemini|copilot) ;;
            *) echo "org-rollout: --agents: unknown agent $agent" >&2; exit 2 ;;
        esac
        say "keyward install --global --agent $agent"
        as_user install --global --agent "$agent"
    done
fi
say "done"
