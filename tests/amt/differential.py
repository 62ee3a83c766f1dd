#!/usr/bin/env python3
"""Differential test against tshark (a test oracle only): the RMCP/ASF header
fields of every presence ping/pong, the frame numbers of the hellos (the
frame that carries the AMT->service payload), and plain RFB on port 5900. Skips (77) without tshark."""
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

# Plain RFB on 5900 (KVM on the standard VNC port): tshark's VNC dissector
# claims the port as amtscope's RFB dissector now does; the ServerInit fields
# and the version frames must agree.
cap = "captures/rfb-5900.pcap"
init = ["vnc.width", "vnc.height", "vnc.desktop_name"]
theirs = {int(r[0]): [int(r[1]), int(r[2]), r[3]] for r in tshark(cap, "vnc.width", ["frame.number"] + init)}
mine = {e["frame"]: [e["fields"][f] for f in init] for e in ours(cap, ("rfb_message",)) if "vnc.width" in e["fields"]}
versions_theirs = [int(r[0]) for r in tshark(cap, "vnc.server_proto_ver or vnc.client_proto_ver", ["frame.number"])]
versions_mine = [e["frame"] for e in ours(cap, ("rfb_message",))
                 if "vnc.server_proto_ver" in e["fields"] or "vnc.client_proto_ver" in e["fields"]]
if not theirs or theirs != mine or not versions_theirs or versions_theirs != versions_mine:
    print("FAIL %s: ServerInit tshark %s, amtscope %s; versions tshark %s, amtscope %s"
          % (cap, theirs, mine, versions_theirs, versions_mine))
    failed += 1
checked += len(theirs) + len(versions_theirs)

print("%s: %d messages compared with tshark" % ("FAIL" if failed else "ok", checked))
sys.exit(1 if failed else 0)
