#!/bin/sh
# keyward git hook shim, written by `keyward install` (see hooks/README.md).
# `keyward uninstall` removes it and puts back the hook that was here before.
# keyward-shim-version: 1
#
# As `pre-commit`: runs `keyward hook` on the staged changes, then the hook that was installed
# before keyward (local install) or the repository's own hook (global install). Under any other
# name (global install only): just runs the repository's own hook of that name, so a global
# core.hooksPath does not silently switch off the hooks each repository already had.

# Filled in by `keyward install`:
keyward_installed_bin='@KEYWARD_BIN@'
# 1 when the effective policy says hook.fail_open = true at install time (re-run install after a
# policy change; org-rollout.sh does).
keyward_fail_open='@FAIL_OPEN@'
# local: chain to "<this file>.keyward-backup"; global: chain to the repository's own hook.
keyward_chain='@CHAIN@'
# global only: core.hooksPath before keyward's global install ("" = the repository's .git/hooks).
keyward_previous_hooks_path='@PREVIOUS_HOOKS_PATH@'

hook_name=$(basename "$0")

find_keyward() {
    if [ -n "${KEYWARD_BIN:-}" ] && [ -x "${KEYWARD_BIN}" ]; then
        printf '%s\n' "${KEYWARD_BIN}"
    elif [ -x "$keyward_installed_bin" ]; then
        printf '%s\n' "$keyward_installed_bin"
    else
        command -v keyward 2>/dev/null
    fi
}

chained_hook() {
    if [ "$keyward_chain" = local ]; then
        printf '%s\n' "$0.keyward-backup"
    elif [ -n "$keyward_previous_hooks_path" ]; then
        printf '%s\n' "$keyward_previous_hooks_path/$hook_name"
    else
        common_dir=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || return 0
        printf '%s\n' "$common_dir/hooks/$hook_name"
    fi
}

# A keyward shim that chains to another keyward shim (a global install over a repository with a
# local one) passes this argument to it, so the commit is scanned once. It is an argument, not an
# environment variable: git never passes it, nothing the shell environment holds can set it, and it
# reaches only the one hook that is chained, never the programs that hook starts.
keyward_scanned_marker='--keyward-already-scanned'
already_scanned=
if [ "${1:-}" = "$keyward_scanned_marker" ]; then
    already_scanned=1
    shift
fi

if [ "$hook_name" = pre-commit ] && [ -z "$already_scanned" ]; then
    keyward=$(find_keyward)
    if [ -z "$keyward" ]; then
        echo "keyward: the keyward binary was not found (looked at \$KEYWARD_BIN, $keyward_installed_bin and PATH)." >&2
        echo "keyward: install it with \`pipx install keyward-bin\`, \`npm install -g keyward\` or \`cargo install --locked keyward\` (https://github.com/keyward/keyward#install), or set KEYWARD_BIN." >&2
        if [ "$keyward_fail_open" = 1 ]; then
            echo "keyward: hook.fail_open = true: this commit is NOT scanned for secrets." >&2
        else
            echo "keyward: commit blocked because the secret scan could not run (fail closed)." >&2
            echo "keyward: to commit anyway: git commit --no-verify" >&2
            exit 1
        fi
    else
        "$keyward" hook || exit $?
        already_scanned=1
    fi
fi

next=$(chained_hook)
if [ -n "$next" ] && [ -x "$next" ] && [ "$next" != "$0" ]; then
    # Only a keyward shim is told the scan ran; any other hook gets git's arguments unchanged.
    if [ "$hook_name" = pre-commit ] && [ -n "$already_scanned" ] \
        && grep -q '^# keyward-shim-version:' "$next" 2>/dev/null; then
        exec "$next" "$keyward_scanned_marker" "$@"
    fi
    exec "$next" "$@"
fi
exit 0
