#!/usr/bin/env bash
# One agent hook call, end to end: process start, JSON parse, scan, answer. A Claude Code
# PreToolUse Write payload of ~100 KB of source with one fake GitHub token in it (built here,
# never committed). Needs hyperfine and a release build (cargo build --release).
set -euo pipefail
bin=${KEYWARD:-target/release/keyward}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import json, sys, zlib, random
d = sys.argv[1]
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(n, w):
    s = ""
    while n: n, r = divmod(n, 62); s = alphabet[r] + s
    return s.rjust(w, "0")
random.seed(1)
body = "".join(random.choice(alphabet) for _ in range(30))
token = "gh" + "p_" + body + b62(zlib.crc32(body.encode()), 6)
line = "def handler(event, context):\n    return {'status': 200, 'body': event.get('name', 'world')}\n"
src = line * (100_000 // len(line))
for name, content in (("clean", src), ("token", src + f'TOKEN = "{token}"\n')):
    p = {"session_id": "bench", "transcript_path": "/tmp/t.jsonl", "cwd": d,
         "hook_event_name": "PreToolUse", "tool_name": "Write",
         "tool_input": {"file_path": f"{d}/app.py", "content": content}}
    open(f"{d}/{name}.json", "w").write(json.dumps(p))
PY
ls -l "$dir"/*.json
# hyperfine 1.15 has no --input: stdin comes through the shell, whose start hyperfine subtracts.
hyperfine --warmup 20 --runs "${RUNS:-200}" \
  -n clean-100KB "$bin agent-hook --agent claude PreToolUse < $dir/clean.json" \
  -n token-100KB "$bin agent-hook --agent claude PreToolUse < $dir/token.json" \
  --export-json "$dir/res.json"
python3 - "$dir/res.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}: median {r['median'] * 1000:.1f} ms")
PY
