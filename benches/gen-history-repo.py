#!/usr/bin/env python3
"""Builds a deterministic git repository with a long history of realistic code churn, for the
history-scan benchmark: `gen-history-repo.py DIR [COMMITS] [SEED]`.

Everything goes through one `git fast-import` stream (fast, and byte-identical for the same
arguments): a few hundred source files in nested packages, commits that edit, grow, shrink,
rename, add and delete files, feature branches merged back with `--no-ff`-style merges, and a few
planted fake GitHub tokens (checksum-valid, built here at run time) that are later removed, so a
scan has real findings to attribute.
"""

import random
import subprocess
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
WORDS = (
    "account request response handler config client server session token cache buffer stream "
    "parser writer reader index table record user order payment invoice report metric event "
    "queue worker job task batch schedule retry timeout limit window offset cursor page filter "
    "value result error status state context options builder factory adapter service store"
).split()
TYPES = ["u32", "u64", "usize", "String", "Vec<u8>", "bool", "Option<String>", "HashMap<String, u64>"]


def fake_pat(rng):
    body = "".join(rng.choice(BASE62) for _ in range(30))
    n = zlib.crc32(body.encode())
    tail = ""
    for _ in range(6):
        tail = BASE62[n % 62] + tail
        n //= 62
    return "ghp" + "_" + body + tail


def ident(rng):
    return "_".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))


def code_line(rng):
    kind = rng.random()
    if kind < 0.25:
        return f"    let {ident(rng)}: {rng.choice(TYPES)} = {ident(rng)}(&{ident(rng)}, {rng.randint(0, 9999)});"
    if kind < 0.45:
        return f"    if {ident(rng)}.len() > {rng.randint(1, 512)} {{ return Err(Error::{rng.choice(WORDS).title()}); }}"
    if kind < 0.6:
        return f"    // {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
    if kind < 0.75:
        return f"    self.{ident(rng)}.insert({ident(rng)}.clone(), {rng.randint(0, 1 << 20)});"
    if kind < 0.9:
        return f"    log::debug!(\"{' '.join(rng.choice(WORDS) for _ in range(5))} {{}}\", {ident(rng)});"
    return ""


def new_file(rng):
    lines = [f"//! {' '.join(rng.choice(WORDS) for _ in range(8))}", "", "use std::collections::HashMap;", ""]
    for _ in range(rng.randint(3, 12)):
        lines.append(f"pub fn {ident(rng)}({ident(rng)}: &{rng.choice(TYPES)}) -> Result<{rng.choice(TYPES)}, Error> {{")
        lines.extend(code_line(rng) for _ in range(rng.randint(5, 40)))
        lines.append("}")
        lines.append("")
    return lines


def edit(rng, lines):
    lines = list(lines)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        at = rng.randrange(len(lines) + 1)
        if op < 0.5:
            for _ in range(rng.randint(1, 8)):
                lines.insert(at, code_line(rng))
        elif op < 0.8 and lines:
            at = min(at, len(lines) - 1)
            lines[at] = code_line(rng)
        elif lines:
            del lines[at: at + rng.randint(1, 5)]
    return lines or [""]


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0

    def w(self, data):
        self.out.write(data if isinstance(data, bytes) else data.encode())

    def blob(self, text):
        self.mark += 1
        data = text.encode()
        self.w(f"blob\nmark :{self.mark}\ndata {len(data)}\n")
        self.w(data)
        self.w("\n")
        return self.mark

    def commit(self, ref, when, author, msg, parent, merge, changes):
        self.mark += 1
        name, email = author
        self.w(f"commit {ref}\nmark :{self.mark}\n")
        self.w(f"author {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\n")
        m = msg.encode()
        self.w(f"data {len(m)}\n")
        self.w(m)
        self.w("\n")
        if parent:
            self.w(f"from :{parent}\n")
        if merge:
            self.w(f"merge :{merge}\n")
        for c in changes:
            self.w(c + "\n")
        self.w("\n")
        return self.mark


def main():
    out_dir = sys.argv[1]
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", out_dir], check=True)
    fi = subprocess.Popen(["git", "-C", out_dir, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    s = Stream(fi.stdin)
    authors = [(f"Dev {i}", f"dev{i}@example.test") for i in range(25)]
    dirs = [f"src/{a}/{b}" for a in WORDS[:12] for b in ("core", "api", "util")]
    when = 1_500_000_000

    # Two lines of development: main and one feature branch at a time, merged back regularly.
    files = {}  # path -> lines, on the branch being committed to
    branch_files = None
    main_tip = None
    feature_tip = None
    planted = {}  # path -> commit count when planted
    changes = []
    for _ in range(150):
        path = f"{rng.choice(dirs)}/{ident(rng)}.rs"
        files[path] = new_file(rng)
        changes.append(f"M 100644 :{s.blob(chr(10).join(files[path]) + chr(10))} {path}")
    main_tip = s.commit("refs/heads/main", when, authors[0], "initial import\n", None, None, changes)

    for n in range(1, commits):
        when += rng.randint(600, 30_000)
        on_feature = feature_tip is not None and rng.random() < 0.5
        if feature_tip is None and rng.random() < 0.02:
            branch_files = dict(files)
            feature_tip = main_tip
            on_feature = True
        current = branch_files if on_feature else files
        changes = []
        for _ in range(rng.randint(1, 4)):
            r = rng.random()
            if r < 0.06 or not current:
                path = f"{rng.choice(dirs)}/{ident(rng)}.rs"
                current[path] = new_file(rng)
            elif r < 0.08 and len(current) > 50:
                path = rng.choice(sorted(current))
                del current[path]
                changes.append(f"D {path}")
                continue
            elif r < 0.10:
                old = rng.choice(sorted(current))
                path = f"{rng.choice(dirs)}/{ident(rng)}.rs"
                current[path] = current.pop(old)
                changes.append(f"D {old}")
            else:
                path = rng.choice(sorted(current))
                current[path] = edit(rng, current[path])
            if n % 400 == 0 and not on_feature:
                current[path] = current[path] + [f'const TOKEN: &str = "{fake_pat(rng)}";']
                planted[path] = n
            changes.append(f"M 100644 :{s.blob(chr(10).join(current[path]) + chr(10))} {path}")
        # Planted tokens are removed again some commits later (deleted secrets stay in history).
        for path, at in list(planted.items()):
            if n - at >= 37 and path in files and not on_feature:
                files[path] = [l for l in files[path] if "TOKEN" not in l]
                changes.append(f"M 100644 :{s.blob(chr(10).join(files[path]) + chr(10))} {path}")
                del planted[path]
        author = rng.choice(authors)
        msg = f"{rng.choice(['fix', 'add', 'refactor', 'update', 'remove'])} {ident(rng)}\n"
        if on_feature:
            feature_tip = s.commit("refs/heads/feature", when, author, msg, feature_tip, None, changes)
        elif feature_tip is not None and rng.random() < 0.1:
            # Merge the feature branch: main's files win on conflicts, the branch adds the rest.
            for path, lines in branch_files.items():
                if path not in files:
                    files[path] = lines
                    changes.append(f"M 100644 :{s.blob(chr(10).join(lines) + chr(10))} {path}")
            main_tip = s.commit("refs/heads/main", when, author, "merge feature\n", main_tip, feature_tip, changes)
            feature_tip = None
            branch_files = None
        else:
            main_tip = s.commit("refs/heads/main", when, author, msg, main_tip, None, changes)
    if feature_tip is not None:
        s.w(f"reset refs/heads/feature\nfrom :{feature_tip}\n\n")
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", out_dir, "checkout", "-q", "main"], check=True)


if __name__ == "__main__":
    main()
