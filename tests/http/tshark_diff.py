#!/usr/bin/env python3
"""Differential test: HTTP method, URI, status, content type, reassembled
body length and the request a response answers (http.request_in) per message, amtscope decode vs tshark (the oracle), on the
committed captures. Exit 77 (skipped) without tshark."""
import json
import os
import shutil
import subprocess
import sys

AMTSCOPE = os.environ["AMTSCOPE"]
CAPDIR = os.path.join(os.environ["SRCDIR"], "tests", "http", "captures")


def tshark_rows(cap):
    out = subprocess.run(
        ["tshark", "-r", cap, "-d", "tcp.port==16992,http", "-Y", "http", "-T", "json",
         "-e", "frame.number", "-e", "http.request.method", "-e", "http.request.uri",
         "-e", "http.response.code", "-e", "http.content_type", "-e", "http.file_data",
         "-e", "http.request_in"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    for pkt in json.loads(out or "[]"):
        l = pkt["_source"]["layers"]
        one = lambda k: l.get(k, [None])[0]
        body = l.get("http.file_data", [""])[0]
        rows.append((int(one("frame.number")), one("http.request.method"), one("http.request.uri"),
                     one("http.response.code"), one("http.content_type"), len(body.encode()),
                     None if one("http.request_in") is None else int(one("http.request_in"))))
    return rows


def amtscope_events(cap):
    out = subprocess.run([AMTSCOPE, "decode", "--format", "json", "-V", "-r", cap],
                         check=True, capture_output=True, text=True).stdout.strip()
    if out.startswith("["):
        return json.loads(out)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def amtscope_rows(cap):
    rows = []
    for e in amtscope_events(cap):
        if e.get("event_type") not in ("http_request", "http_response"):
            continue
        f = e.get("fields", {})
        code = f.get("http.response.code")
        rows.append((e["frame"], f.get("http.request.method"), f.get("http.request.uri"),
                     None if code is None else str(code), f.get("http.content_type"),
                     f.get("http.body_length", 0), f.get("http.request_in")))
    return sorted(rows)


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    caps = sorted(c for c in os.listdir(CAPDIR) if c.endswith(".pcap"))
    bad = 0
    for c in caps:
        path = os.path.join(CAPDIR, c)
        want, got = tshark_rows(path), amtscope_rows(path)
        if want != got:
            bad += 1
            print("MISMATCH", c)
            for w in want:
                print("  tshark  ", w)
            for g in got:
                print("  amtscope", g)
        else:
            print("ok", c, len(want), "messages")
    return 1 if bad or not caps else 0


if __name__ == "__main__":
    sys.exit(main())
