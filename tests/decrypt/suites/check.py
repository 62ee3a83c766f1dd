#!/usr/bin/env python3
"""Key-log decryption of the suites recorded by record.sh (DHE-DSS AES-CBC
SHA/SHA256, PSK and ECDHE-PSK AES-CBC SHA256/SHA384, AES-CCM_8, ARIA-GCM,
Camellia-CBC SHA256/SHA384), on ports no AMT dissector claims:
  - (`decode -V --keylog` byte for byte: golden cases decrypt/suite-<name>.decode)
  - every session says "decrypted" (tls.decrypt.status), none "not_decrypted";
  - the HTTP requests inside (frame, method, URI) are the ones tshark finds
    decrypting with the same key log (-o tls.keylog_file); the answer (an
    HTTP/1.0 body ended by the connection's close, which tshark leaves
    unreassembled here) is a 200;
  - dhe-dss-rev (a line of text reversed, no HTTP) says that the readable
    bytes are no protocol amtscope knows.
usage: check.py   (env AMTSCOPE, SRCDIR)
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.join(os.environ["SRCDIR"], "tests", "decrypt", "suites")
AMTSCOPE = os.environ["AMTSCOPE"]
HTTP = ["dhe-dss-aes128-sha", "dhe-dss-aes256-sha", "dhe-dss-aes256-sha256", "psk-aes128-cbc-sha256",
        "ecdhe-psk-aes256-cbc-sha384", "aes128-ccm8", "ecdhe-aria128-gcm", "dhe-camellia256-sha256",
        "ecdhe-camellia256-sha384"]
ALL = HTTP + ["dhe-dss-rev"]
# tshark (libgcrypt) does not decrypt ARIA: there the oracle is the AEAD tags
# (a record that does not authenticate is never returned) and the request and
# 200 answer s_server -www gives
NO_TSHARK = {"ecdhe-aria128-gcm"}
problems = []


def run(*args):
    return subprocess.run([AMTSCOPE, *args], capture_output=True, text=True, check=True).stdout


def tshark_http(cap, keylog):
    out = subprocess.run(["tshark", "-n", "-r", cap, "-o", "tls.keylog_file:" + keylog,
                          "-d", "tcp.port==8443,tls", "-Y", "http", "-T", "fields", "-e", "frame.number",
                          "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.response.code"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(tuple(line.split("\t")) for line in out.splitlines())


def ours_http(events):
    rows = []
    for e in events:
        if e["event_type"] in ("http_request", "http_response"):
            f = e.get("fields", {})
            rows.append((str(e["frame"]), f.get("http.request.method", ""), f.get("http.request.uri", ""),
                         str(f.get("http.response.code", ""))))
    return sorted(rows)


for name in ALL:
    cap, keylog = os.path.join(HERE, name + ".pcap"), os.path.join(HERE, name + ".keylog")
    events = [json.loads(x) for x in run("decode", "--format", "json", "--keylog", keylog, "-r", cap).splitlines()]
    status = [e["fields"].get("tls.decrypt.status") for e in events if e["event_type"] == "tls_decrypt"]
    if not status or any(s != "decrypted" for s in status):
        problems.append(f"{name}: decryption status {status}")
    if name in HTTP:
        ours = ours_http(events)
        if len(ours) != 2:
            problems.append(f"{name}: expected a request and a response, got {ours}")
        if shutil.which("tshark") and name not in NO_TSHARK:
            theirs = [r for r in tshark_http(cap, keylog) if r[1]]
            if theirs != [r for r in ours if r[1]] or [r[3] for r in ours if not r[1]] != ["200"]:
                problems.append(f"{name}: tshark {theirs} amtscope {ours}")
    else:
        notes = [e for e in events if e["event_type"] == "note"
                 and "no protocol amtscope knows" in e.get("info", "")]
        if len(notes) != 1:
            problems.append(f"{name}: expected one note that the bytes are no known protocol")
for p in problems:
    print("FAIL", p)
print(f"{len(ALL)} captures, {len(problems)} problems")
sys.exit(1 if problems else 0)
