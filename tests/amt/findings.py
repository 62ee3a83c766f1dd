#!/usr/bin/env python3
"""Prints the findings of an `amtscope analyze --format json` report, one
block per finding, for the golden comparison (the device table and stats
belong to other areas' tests)."""
import json
import sys

report = json.load(open(sys.argv[1]))
for f in report["findings"]:
    frames = ",".join(str(e.get("frame", e.get("line"))) for e in f.get("evidence", []))
    print("%s %s %s frames=%s" % (f["rule"], f["severity"], f.get("device", "-"), frames))
    print("  " + f["summary"])
