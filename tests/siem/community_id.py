#!/usr/bin/env python3
"""community_id equals tshark's Community ID v1 on every flow of the suite.

For every capture of the suite (suite.py), every JSON lines record that names
a flow must carry `community_id`, and it must equal what tshark 4.0 computes
(`--enable-protocol communityid -T fields -e communityid`) for the frames the
record cites (`frame`, `frame_first`). Every flow amtscope reports is
checked; the test fails when fewer than 100 flows were compared. Skips (77)
when tshark is missing or has no communityid protocol."""
import os
import shutil
import subprocess
import sys
import json

sys.path.insert(0, os.path.dirname(__file__))
import suite  # noqa: E402

if not shutil.which("tshark"):
    print("tshark is not installed: skipping")
    sys.exit(77)
fields = subprocess.run(["tshark", "-G", "fields"], capture_output=True, text=True).stdout
# tshark 4.0 has the hash as the value of the protocol item itself
# (`tshark -G fields`: "P  Community ID Flow Hashing  communityid")
if not any(line.split("\t")[2:3] == ["communityid"] for line in fields.splitlines()):
    print("this tshark has no communityid protocol: skipping")
    sys.exit(77)


def tshark_ids(cap):
    p = subprocess.run(["tshark", "-n", "-r", cap, "--enable-protocol", "communityid", "-T", "fields",
                        "-e", "frame.number", "-e", "communityid"], capture_output=True, text=True)
    ids = {}
    for line in p.stdout.splitlines():
        num, _, cid = line.partition("\t")
        if num.isdigit() and cid:
            ids[int(num)] = cid.split(",")[0]
    return ids


flows = 0
bad = 0
for cap in suite.captures():
    rel = os.path.relpath(cap, suite.SRCDIR)
    out, _ = suite.analyze(cap, "--format", "jsonl")
    theirs = None
    seen = {}
    for n, line in enumerate(out.splitlines(), 1):
        rec = json.loads(line)
        if "flow_id" not in rec or rec.get("input") != rel and not cap.endswith(rec.get("input", "")):
            continue
        ours = rec.get("community_id")
        if not ours:
            print(f"FAIL: {rel}:{n}: {rec['event_type']} of flow {rec['flow_id']} has no community_id")
            bad += 1
            continue
        if theirs is None:
            theirs = tshark_ids(cap)
        for key in ("frame", "frame_first"):
            fr = rec.get(key)
            if fr is None or fr not in theirs:
                continue
            if theirs[fr] != ours:
                print(f"FAIL: {rel} frame {fr} ({rec['event_type']}, flow {rec['flow_id']}): "
                      f"amtscope {ours}, tshark {theirs[fr]}")
                bad += 1
            seen.setdefault(rec["flow_id"], ours)
        if seen.get(rec["flow_id"], ours) != ours:
            print(f"FAIL: {rel}: flow {rec['flow_id']} has two community ids")
            bad += 1
    flows += len(seen)
print(f"{flows} flows compared with tshark, {bad} differences")
if flows < 100:
    print("FAIL: fewer than 100 flows compared")
    sys.exit(1)
sys.exit(1 if bad else 0)
