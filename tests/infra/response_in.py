#!/usr/bin/env python3
"""amtscope pairs every DNS answer with its query exactly as tshark does:
for every capture in the repository that holds DNS, the (answer frame,
query frame) pairs of `tshark -2 -T fields -e dns.response_to` equal the
dns.response_to fields of `amtscope decode --format json`.

usage: response_in.py            (env AMTSCOPE, SRCDIR; exit 77 = no tshark)
"""
import glob
import json
import os
import shutil
import subprocess
import sys

SRC = os.environ.get("SRCDIR", ".")
AMTSCOPE = os.environ["AMTSCOPE"]


def captures():
    pats = ["samples/*.pcap", "samples/*.pcapng", "tests/*/captures/*.pcap*",
            "tests/*/captures/*/*.pcap*", "tests/*/*/*.pcap*"]
    seen = set()
    for p in pats:
        for f in sorted(glob.glob(os.path.join(SRC, p))):
            # the hostile captures are malformed on purpose: no oracle there
            if f not in seen and not os.path.basename(f).startswith("hostile-"):
                seen.add(f)
                yield f


def tshark_pairs(cap):
    out = subprocess.run(["tshark", "-n", "-2", "-r", cap, "-Y", "dns and not icmp and not icmpv6",
                          "-T", "fields", "-E", "occurrence=f",
                          "-e", "frame.number", "-e", "dns.flags.response", "-e", "dns.response_to",
                          "-e", "dns.response_in"],
                         capture_output=True, text=True).stdout
    pairs, queries = set(), set()
    for line in out.splitlines():
        frame, resp, to, _in = (line.split("\t") + ["", "", ""])[:4]
        if resp in ("True", "1") and to:
            pairs.add((int(frame), int(to)))
        elif resp in ("False", "0"):
            queries.add(int(frame))
    return pairs, queries


def amtscope_pairs(cap):
    r = subprocess.run([AMTSCOPE, "decode", "--format", "json", "-r", cap],
                       capture_output=True, text=True)
    pairs, queries = set(), set()
    for line in r.stdout.splitlines():
        ev = json.loads(line)
        if ev.get("proto") != "dns":
            continue
        f = ev.get("fields", {})
        if "dns.response_to" in f:
            pairs.add((ev["frame"], int(f["dns.response_to"])))
        elif f.get("dns.flags.response") is False and not f.get("dns.unanswered"):
            queries.add(ev["frame"])
    return pairs, queries


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    rc, n = 0, 0
    for cap in captures():
        want, wq = tshark_pairs(cap)
        if not want and not wq:
            continue
        got, gq = amtscope_pairs(cap)
        n += 1
        name = os.path.relpath(cap, SRC)
        if want != got:
            rc = 1
            print(f"FAIL {name}: tshark only {sorted(want - got)}, amtscope only {sorted(got - want)}")
        else:
            print(f"{name}: {len(want)} answers paired as tshark pairs them")
    if n == 0:
        print("FAIL: no DNS capture found")
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
