#!/usr/bin/env python3
"""Differential test on the TLS variant captures: for every frame, the
handshake message types amtscope decodes (ClientHello 1, ServerHello and
HelloRetryRequest 2, Certificate 11, CertificateRequest 13) are the ones
tshark decodes, and so are the SNI, the certificates' subject/issuer
attribute values (x509sat.*), the alert descriptions and the HTTP request
methods found inside (NULL cipher). Also: every capture has something to
compare, and the second ClientHello after the HelloRetryRequest is there.

usage: tshark_diff.py CAPTURE...   (env AMTSCOPE; exit 77: no tshark)
"""
import json
import os
import re
import shutil
import subprocess
import sys

KEPT = {1, 2, 11, 13}


def split(s):
    return [x for x in s.split(";") if x]


def dn_values(dn):
    parts = re.split(r"(?<!\\)[,+]", dn)
    return [re.sub(r"\\(.)", r"\1", p.split("=", 1)[1]) for p in parts if "=" in p]


def lst(v):
    return v if isinstance(v, list) else ([] if v is None else [v])


def theirs(cap):
    out = subprocess.run(
        ["tshark", "-n", "-r", cap, "-d", "tcp.port==8443,tls", "-d", "tcp.port==4433,tls",
         "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=;",
         "-e", "frame.number", "-e", "tls.handshake.type", "-e", "tls.handshake.extensions_server_name",
         "-e", "x509sat.uTF8String", "-e", "x509sat.printableString", "-e", "tls.alert_message.desc",
         "-e", "http.request.method"],
        capture_output=True, text=True, check=True).stdout
    frames = {}
    for line in out.splitlines():
        f = line.split("|")
        v = {"types": sorted(int(x) for x in split(f[1]) if int(x) in KEPT), "sni": split(f[2]),
             "names": sorted(split(f[3]) + split(f[4])), "alerts": [int(x) for x in split(f[5])],
             "methods": split(f[6])}
        if any(v.values()):
            frames[int(f[0])] = v
    return frames


def ours(cap):
    out = subprocess.run([os.environ["AMTSCOPE"], "decode", "--format", "json", "-r", cap],
                         capture_output=True, text=True, check=True).stdout
    frames = {}
    for line in out.splitlines():
        e = json.loads(line)
        fl = e.get("fields", {})
        g = frames.setdefault(e["frame"], {"types": [], "sni": [], "names": [], "alerts": [], "methods": []})
        t = fl.get("tls.handshake.type")
        if t in KEPT:
            g["types"].append(t)
        g["sni"] += lst(fl.get("tls.handshake.extensions_server_name"))
        for s, i in zip(lst(fl.get("x509.subject")), lst(fl.get("x509.issuer"))):
            g["names"] += dn_values(i) + dn_values(s)
        if "tls.alert_message.desc" in fl:
            g["alerts"].append(fl["tls.alert_message.desc"])
        if "http.request.method" in fl:
            g["methods"].append(fl["http.request.method"])
    for g in frames.values():
        g["types"].sort()
        g["names"].sort()
    return {k: v for k, v in frames.items() if any(v.values())}


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    rc = 0
    for cap in sys.argv[1:]:
        want, got = theirs(cap), ours(cap)
        name = os.path.basename(cap)
        problems = [f"frame {fr}: tshark {want.get(fr)} amtscope {got.get(fr)}"
                    for fr in sorted(set(want) | set(got)) if want.get(fr) != got.get(fr)]
        if not want:
            problems.append("nothing to compare")
        if name == "hrr.pcap" and sum(v["types"].count(1) for v in got.values()) != 2:
            problems.append("the ClientHello after the HelloRetryRequest is missing")
        print(f"{name}: {len(want)} frames compared, {len(problems)} differences")
        for p in problems:
            print("  " + p)
        rc |= bool(problems)
    return rc


if __name__ == "__main__":
    sys.exit(main())
