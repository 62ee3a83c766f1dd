#!/usr/bin/env python3
"""The findings of an `amtscope analyze --format json` report on stdin, in the
line format a golden case asks for (the formats the golden files were first
written in, kept so they stay byte for byte the same):

  findings-summary  rule severity device frames=F,L / "  " summary
  findings-remedy   rule severity device frames: F L / "  summary: " / "  remedy: "
  findings-frames   rule severity device F,F   (evidence frames only)
  findings-rules    rule severity device

usage: views.py VIEW <report.json"""
import json
import sys


def evidence(f, sep):  # a frame, or the line of a log the finding cites
    return sep.join(str(e.get("frame", e.get("line"))) for e in f.get("evidence", []))


def summary(f):
    return ["%s %s %s frames=%s" % (f["rule"], f["severity"], f.get("device", "-"), evidence(f, ",")),
            "  " + f["summary"]]


def remedy(f):
    return [" ".join([f["rule"], f["severity"], f.get("device", "-"), "frames:", evidence(f, " ")]),
            "  summary: " + f.get("summary", ""),
            "  remedy: " + f.get("remedy", "")]


def frames(f):
    shown = ",".join(str(e["frame"]) for e in f.get("evidence", []) if "frame" in e)
    return [" ".join([f["rule"], f["severity"], f.get("device", "-"), shown])]


def rules(f):
    return ["%s %s %s" % (f["rule"], f["severity"], f.get("device", "-"))]


VIEWS = {"findings-summary": summary, "findings-remedy": remedy, "findings-frames": frames,
         "findings-rules": rules}

if len(sys.argv) != 2 or sys.argv[1] not in VIEWS:
    sys.exit(__doc__)
try:
    report = json.load(sys.stdin)
except ValueError as e:
    sys.exit("views.py: not a JSON report: %s" % e)
for finding in report["findings"]:
    for line in VIEWS[sys.argv[1]](finding):
        print(line)
