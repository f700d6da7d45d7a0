"""Helper of benches/replay.sh. Reads no secret values: the hook's output and the scan's JSON are
redacted, and only paths, lines, rule ids and fingerprints are written.

  report.py commit BIN REPO HOOK_OUT PACKAGE VERSION EXIT FILES LINES HOOK_US FINDINGS_TSV
      parse one commit's hook output: append its findings (with fingerprints from a scan of the
      committed files) to FINDINGS_TSV and print the commit's line of replay-commits.tsv
  report.py summary COMMITS_TSV FINDINGS_TSV VERDICTS_TSV
      totals, and the findings compared with the verdicts"""
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

TIERS = ("high", "medium", "low")
# keyward: BLOCKED: path:line:column: Rule name (rule-id, category, tier confidence): redacted
FINDING = re.compile(
    r"^keyward: (BLOCKED|warning(?: \([^)]*\))?): (.+):(\d+):(\d+): .+ "
    r"\(([A-Za-z0-9._-]+), [^()]+, (high|medium|low) confidence\): ")
SUMMARY = re.compile(r"^keyward: scanned (\d+) files?, (\d+) bytes staged; (\d+) findings? \((\d+) blocking\)")


def commit(bin_, repo, hook_out, package, version, exit_, files, lines, us, findings_tsv):
    found, summary = [], None
    for line in open(hook_out, encoding="utf-8", errors="replace"):
        m = FINDING.match(line)
        if m:
            label, path, lno, _col, rule, tier = m.groups()
            found.append((path, lno, rule, tier, "blocked" if label == "BLOCKED" else "warning"))
        m = SUMMARY.match(line)
        if m:
            summary = [int(x) for x in m.groups()]
    if summary is None:
        sys.exit(f"report.py: no summary line in the hook's output for {package} {version}")
    if summary[2] != len(found):
        sys.exit(f"report.py: {package} {version}: the hook reports {summary[2]} findings, "
                 f"{len(found)} parsed: its output format changed?")
    if int(exit_) != (1 if summary[3] else 0):
        sys.exit(f"report.py: {package} {version}: exit {exit_} but {summary[3]} blocking")
    prints = {}
    if found:
        # The hook prints no fingerprint: a scan of the same files (committed as staged) gives it.
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([bin_, "scan", "--quiet", "--no-ignore", "--no-baseline", "--confidence", "low",
                            "--format", "json", "-o", out.name, "--"] + sorted({f[0] for f in found}),
                           cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            try:
                report = json.load(open(out.name))
            except ValueError:
                report = {"findings": []}
        for f in report["findings"]:
            key = (os.path.relpath(os.path.join(repo, f["path"]), repo), str(f["start"]["line"]))
            prints.setdefault(key + (f["rule_id"],), f["fingerprint"])
            prints.setdefault(key, f["fingerprint"])
    with open(findings_tsv, "a") as w:
        for path, lno, rule, tier, kind in found:
            fp = prints.get((path, lno, rule)) or prints.get((path, lno)) or "?"
            w.write("\t".join((package, version, path, lno, rule, fp, tier, kind)) + "\n")
    tiers = collections.Counter(f[3] for f in found)
    print("\t".join([package, version, exit_] + [str(tiers[t]) for t in TIERS]
                    + [files, lines, str(summary[1]), us]))


def rows(path):
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def summary(commits_tsv, findings_tsv, verdicts_path):
    commits = list(rows(commits_tsv))
    findings = list(rows(findings_tsv))
    by_commit = collections.defaultdict(list)
    for f in findings:
        by_commit[(f[0], f[1])].append(f)
    blocked = [c for c in commits if c[2] == "1"]
    warned = [c for c in commits if any(f[7] == "warning" for f in by_commit[(c[0], c[1])])]
    times = [int(c[9]) / 1000 for c in commits]
    mb = sum(int(c[8]) for c in commits) / 1e6
    print(f"commits replayed: {len(commits)} ({len({c[0] for c in commits})} packages, "
          f"{sum(int(c[6]) for c in commits)} files changed, {sum(int(c[7]) for c in commits)} lines added, "
          f"{mb:.1f} MB staged and scanned)")
    print(f"blocked commits: {len(blocked)}; commits with warnings: {len(warned)}")
    for c in blocked + [c for c in warned if c not in blocked]:
        fs = by_commit[(c[0], c[1])]
        print(f"  {'blocked' if c in blocked else 'warned '}: {c[0]} {c[1]}: "
              f"{sum(f[7] == 'blocked' for f in fs)} blocking, {sum(f[7] == 'warning' for f in fs)} warnings")
    print(f"hook time per commit: median {statistics.median(times):.0f} ms, "
          f"max {max(times):.0f} ms (wall, inside git commit)")
    rules = collections.Counter((f[4], f[6], f[7]) for f in findings)
    tiers = collections.Counter(f[6] for f in findings)
    print(f"findings: {len(findings)} (" + ", ".join(f"{t} {tiers[t]}" for t in TIERS) + ")"
          + (f"; {sum(f[5] == '?' for f in findings)} without a fingerprint" if any(f[5] == "?" for f in findings) else ""))
    for (rule, tier, kind), n in sorted(rules.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {n:5d}  {rule} ({tier}, {kind})")

    verdicts = {}
    if os.path.exists(verdicts_path):
        for n, line in enumerate(open(verdicts_path), 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7 or cols[6] not in ("true", "false"):
                sys.exit(f"{verdicts_path}:{n}: want package, version, path, line, rule, fingerprint, "
                         "true|false, reason")
            verdicts[tuple(cols[:4])] = cols[6]
    verdict = lambda f: verdicts.get(tuple(f[:4]))  # noqa: E731
    false_blocks = [c for c in blocked
                    if all(verdict(f) == "false" for f in by_commit[(c[0], c[1])] if f[7] == "blocked")]
    false_warned = [c for c in warned
                    if any(verdict(f) == "false" for f in by_commit[(c[0], c[1])] if f[7] == "warning")]
    judged = [f for f in findings if verdict(f)]
    print(f"judged findings: {len(judged)} of {len(findings)}: "
          f"{sum(verdict(f) == 'true' for f in judged)} true, {sum(verdict(f) == 'false' for f in judged)} false")
    false_rules = collections.Counter((f[4], f[7]) for f in judged if verdict(f) == "false")
    for (rule, kind), n in false_rules.most_common():
        print(f"  false: {n:5d}  {rule} ({kind})")
    print(f"false blocks: {len(false_blocks)}, commits with false warnings: {len(false_warned)}")
    for c in false_blocks:
        print(f"  false block: {c[0]} {c[1]}")
    new = [f for f in findings if not verdict(f)]
    if new:
        print(f"unjudged findings: {len(new)} (listed in {findings_tsv}; add verdicts to {verdicts_path})")
        for f in new[:20]:
            print("  " + "\t".join(f[:6] + [f[7]]))


if __name__ == "__main__":
    if len(sys.argv) == 12 and sys.argv[1] == "commit":
        commit(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "summary":
        summary(*sys.argv[2:])
    else:
        sys.exit(__doc__)
