#!/usr/bin/env python3
"""Differential test against tshark (a test oracle only): the RMCP/ASF header
fields of every presence ping/pong, and the frame numbers of the hellos (the
frame that carries the AMT->service payload). Skips (77) without tshark."""
import json
import os
import shutil
import subprocess
import sys

amtscope = os.environ["AMTSCOPE"]
os.chdir(os.path.join(os.environ["SRCDIR"], "tests", "amt"))
if not shutil.which("tshark"):
    print("skip: tshark not installed")
    sys.exit(77)


def ours(cap, kinds):
    out = subprocess.run([amtscope, "decode", "--format", "json", "-V", "-r", cap],
                         check=True, capture_output=True, text=True).stdout
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [e for e in events if e["event_type"] in kinds]


def tshark(cap, display_filter, fields):
    cmd = ["tshark", "-r", cap, "-Y", display_filter, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


failed = 0
checked = 0
asf = ["rmcp.sequence", "rmcp.class", "asf.iana", "asf.type", "asf.tag", "asf.len"]
theirs = {int(r[0]): [int(v, 0) for v in r[1:]] for r in tshark("captures/rmcp.pcap", "asf", ["frame.number"] + asf)}
mine = {e["frame"]: [e["fields"][f] for f in asf] for e in ours("captures/rmcp.pcap", ("rmcp_ping", "rmcp_pong"))}
if not theirs or theirs != mine:
    print("FAIL rmcp: tshark %s, amtscope %s" % (theirs, mine))
    failed += 1
checked += len(theirs)

for cap in ("captures/hello-unanswered.pcap", "captures/hello-answered.pcap", "captures/hello-psk.pcap"):
    theirs = [int(r[0]) for r in tshark(cap, "tcp.dstport == 9971 && tcp.len > 0", ["frame.number"])]
    mine = [e["frame"] for e in ours(cap, ("hello",))]
    if not theirs or theirs != mine:
        print("FAIL %s: hello frames tshark %s, amtscope %s" % (cap, theirs, mine))
        failed += 1
    checked += len(theirs)

print("%s: %d messages compared with tshark" % ("FAIL" if failed else "ok", checked))
sys.exit(1 if failed else 0)
