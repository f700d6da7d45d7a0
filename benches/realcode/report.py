"""Summarise a `keyward scan --format json` report of the real-code corpus and compare it with the
hand-made verdicts. Reads no secret values: the JSON is redacted and only ids are printed."""
import collections
import json
import os
import sys

report_path, src, verdicts_path, unclassified_path = sys.argv[1:5]
report = json.load(open(report_path))
findings = report["findings"]
mb = report["summary"]["bytes"] / 1e6


def line_id(f):
    """(registry/package, path inside it, line): the line view the verdicts are kept in."""
    rel = os.path.relpath(f["path"], src).split(os.sep)
    return ("/".join(rel[:2]), "/".join(rel[2:]), str(f["start"]["line"]))


verdicts = {}
if os.path.exists(verdicts_path):
    for n, line in enumerate(open(verdicts_path), 1):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 6 or cols[5] not in ("true", "false"):
            sys.exit(f"{verdicts_path}:{n}: want package, path, line, rule, fingerprint, true|false, reason")
        verdicts[tuple(cols[:3])] = cols[5]

print(f"scanned {report['summary']['files']} files, {mb:.1f} MB: {len(findings)} findings, "
      f"{len(findings) / mb:.3f} per MB")
tiers = collections.Counter(f["confidence"] for f in findings)
print("per tier: " + ", ".join(f"{t} {tiers[t]}" for t in ("high", "medium", "low")))
rules = collections.Counter((f["rule_id"], f["confidence"]) for f in findings)
print("per rule:")
for (rule, tier), n in rules.most_common():
    print(f"  {n:6d}  {rule} ({tier})")

seen = {}
for f in findings:
    seen.setdefault(line_id(f), []).append(f)
judged = {k: verdicts[k] for k in seen if k in verdicts}
false_lines = [k for k, v in judged.items() if v == "false"]
true_lines = [k for k, v in judged.items() if v == "true"]
false_by_tier = collections.Counter(max((f["confidence"] for f in seen[k]), key=["low", "medium", "high"].index)
                                    for k in false_lines)
missing_true = [k for k, v in verdicts.items() if v == "true" and k not in seen]
new = [k for k in seen if k not in verdicts]
print(f"lines reported: {len(seen)}; judged {len(judged)}: {len(true_lines)} true, "
      f"{len(false_lines)} false alarms (" + ", ".join(f"{t} {false_by_tier[t]}" for t in ("high", "medium", "low")) + ")")
print(f"true lines in verdicts no longer reported: {len(missing_true)}")
for k in missing_true:
    print("  missed: " + "\t".join(k))
print(f"unclassified lines: {len(new)} (listed, without values, in {unclassified_path})")
with open(unclassified_path, "w") as out:
    for k in sorted(new):
        for f in seen[k]:
            out.write("\t".join(k + (f["rule_id"], f["fingerprint"], "?", f["confidence"])) + "\n")
