#!/usr/bin/env python3
"""Differential test: the HTTP messages amtscope finds inside the decrypted
TLS captures (method, URI, status, content type, body length, frame) against
tshark decrypting the same captures with -o tls.keylog_file. Exit 77 without
tshark."""
import json
import os
import shutil
import subprocess
import sys

AMTSCOPE = os.environ["AMTSCOPE"]
CAP = os.path.join(os.environ["SRCDIR"], "tests", "decrypt", "captures")


def tshark_rows(cap, keylog):
    out = subprocess.run(
        ["tshark", "-r", cap, "-o", "tls.keylog_file:" + keylog, "-d", "tcp.port==16993,tls",
         "-d", "tls.port==16993,http", "-Y", "http", "-T", "json", "-e", "frame.number",
         "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.response.code",
         "-e", "http.content_type", "-e", "http.file_data"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    for pkt in json.loads(out or "[]"):
        layer = pkt["_source"]["layers"]
        one = lambda k: layer.get(k, [None])[0]
        body = layer.get("http.file_data", [""])[0]
        rows.append((int(one("frame.number")), one("http.request.method"), one("http.request.uri"),
                     one("http.response.code"), one("http.content_type"), len(body.encode())))
    return sorted(rows)


def amtscope_rows(cap, keylog):
    out = subprocess.run([AMTSCOPE, "decode", "--format", "json", "-V", "--keylog", keylog, "-r", cap],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        e = json.loads(line)
        if e.get("event_type") not in ("http_request", "http_response"):
            continue
        f = e.get("fields", {})
        code = f.get("http.response.code")
        rows.append((e["frame"], f.get("http.request.method"), f.get("http.request.uri"),
                     None if code is None else str(code), f.get("http.content_type"),
                     f.get("http.body_length", 0)))
    return sorted(rows)


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    caps = sorted(c[:-5] for c in os.listdir(CAP) if c.endswith(".pcap") and c.startswith("tls1"))
    bad = checked = 0
    for name in caps:
        cap, keylog = os.path.join(CAP, name + ".pcap"), os.path.join(CAP, name + ".keylog")
        want, got = tshark_rows(cap, keylog), amtscope_rows(cap, keylog)
        checked += 1
        if want != got or not want:
            bad += 1
            print("MISMATCH", name)
            for w in want:
                print("  tshark  ", w)
            for g in got:
                print("  amtscope", g)
        else:
            print("ok", name, len(want), "messages")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
