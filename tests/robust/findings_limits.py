#!/usr/bin/env python3
"""The findings limits: --max-findings keeps that many findings in all and
--max-findings-per-device that many of one rule for one device; each hit is
counted in stats.limits_hit with the option that raises it, the text report
says so, and the findings kept are the first ones (the same as without the
limit)."""
import collections
import json
import os
import subprocess
import sys
import tempfile

amtscope = os.environ["AMTSCOPE"]
src = os.environ["SRCDIR"]
fails = []


def analyze(cap, *opts, fmt="json"):
    r = subprocess.run([amtscope, "analyze", "-r", cap, "--format", fmt, *opts], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        fails.append("analyze %s %s: exit %d: %s" % (cap, opts, r.returncode, r.stderr))
        return None
    return json.loads(r.stdout) if fmt == "json" else r.stdout


def hits(report, name):
    return {h["limit"]: h for h in report["stats"].get("limits_hit", [])}.get(name)


def check(what, ok):
    print(("ok " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


demo = os.path.join(src, "samples", "provisioning-demo.pcap")
full = analyze(demo)
cut = analyze(demo, "--max-findings", "2")
check("the demo has more than 2 findings", len(full["findings"]) > 2)
check("--max-findings 2 keeps 2", len(cut["findings"]) == 2)
h = hits(cut, "findings")
check("the hit is counted with its option",
      h is not None and h["times"] == len(full["findings"]) - 2 and h["option"] == "--max-findings" and h["value"] == 2)
check("nothing hit without the limit", hits(full, "findings") is None)
text = analyze(demo, "--max-findings", "2", fmt="text")
check("the text report names the option", "--max-findings" in text)

with tempfile.TemporaryDirectory() as tmp:
    cap = os.path.join(tmp, "gen.pcap")
    subprocess.run([sys.executable, os.path.join(src, "bench", "gencap.py"), "-o", cap, "--size", "2", "--seed", "1"],
                   check=True, capture_output=True)
    wide = analyze(cap)
    one = analyze(cap, "--max-findings-per-device", "1")
    per = collections.Counter((f["rule"], f.get("device")) for f in one["findings"])
    per_wide = collections.Counter((f["rule"], f.get("device")) for f in wide["findings"])
    check("the generated capture has a rule twice for one device", max(per_wide.values()) > 1)
    check("--max-findings-per-device 1 keeps one per rule and device", max(per.values()) == 1)
    h = hits(one, "findings_per_device")
    dropped = sum(n - 1 for n in per_wide.values())
    check("the per-device hit is counted with its option",
          h is not None and h["times"] == dropped and h["option"] == "--max-findings-per-device")
    kept = {(f["rule"], f.get("device"), f["summary"]) for f in one["findings"]}
    first = set()
    seen = set()
    for f in wide["findings"]:
        k = (f["rule"], f.get("device"))
        if k not in seen:
            seen.add(k)
            first.add((f["rule"], f.get("device"), f["summary"]))
    check("the findings kept are the first of each rule and device", kept == first)

sys.exit(1 if fails else 0)
