#!/usr/bin/env python3
"""Decrypted captures decode exactly as their plaintext counterparts: the same
exchange recorded in plaintext (16992 / 16994) and over TLS (16993 / 16995),
decoded with the key log, gives the same HTTP / WS-Man / redirection events
(kind, info, fields, in order) and the same findings outside the TLS layer.
Addresses, ports and the per-run Digest values are the only differences
allowed, and are normalised away."""
import json
import os
import re
import subprocess
import sys

AMTSCOPE = os.environ["AMTSCOPE"]
CAP = os.environ.get("DECRYPT_CAPDIR") or os.path.join(os.environ["SRCDIR"], "tests", "decrypt", "captures")
FRESH = "DECRYPT_CAPDIR" in os.environ  # a fresh recording of some of the scenarios
PAIRS = {
    "plain-wsman": ["tls12-gcm", "tls12-gcm256", "tls12-cbc-etm", "tls12-cbc", "tls12-cbc384", "tls12-chacha",
                    "tls12-rsa", "tls12-ccm", "tls13", "tls13-chacha"],
    "plain-keepalive": ["tls13-keepalive"],
    "plain-sol": ["tls-sol"],
    "plain-fault": ["tls12-fault"],
    "plain-wrongpw": ["tls13-wrongpw"],
}
# differ between two runs or two framings of the same exchange: client nonces, Digest
# answers, timings, and frame numbers (TLS adds handshake frames)
RUN_FIELDS = re.compile(r"(cnonce|response|nonce|\.duration|\.seconds|time|_in$|frame)")


def run(args):
    return subprocess.run([AMTSCOPE] + args, check=True, capture_output=True, text=True).stdout


def keylog(name):
    k = os.path.join(CAP, name + ".keylog")
    return ["--keylog", k] if os.path.exists(k) else []


def events(name):
    out = run(["decode", "--format", "json", "-V"] + keylog(name) + ["-r", os.path.join(CAP, name + ".pcap")])
    rows = []
    for line in out.splitlines():
        e = json.loads(line)
        if e["proto"] in ("tls", "tcp", "udp", "amtscope") or e["event_type"].startswith("flow"):
            continue
        amt = e["dest_ip"] if e["dest_port"] in (16992, 16993, 16994, 16995) else e["src_ip"]
        def norm(v):
            s = json.dumps(v)
            s = s.replace(amt, "AMT").replace("127.0.11.1", "CONSOLE")
            s = re.sub(r"\b1699[2-5]\b", "PORT", s)
            return re.sub(r"\d+\.\d+ s\b", "T s", s)
        fields = {k: norm(v) for k, v in e.get("fields", {}).items() if not RUN_FIELDS.search(k)}
        rows.append((e["event_type"], norm(e["info"]), json.dumps(fields, sort_keys=True)))
    return rows


def findings(name):
    out = run(["analyze", "--format", "json", "--fail-on", "never"] + keylog(name) +
              ["-r", os.path.join(CAP, name + ".pcap")])
    return sorted((f["rule"], f.get("severity")) for f in json.loads(out).get("findings", [])
                  if not f["rule"].startswith("tls."))


def main():
    bad = 0
    if not FRESH and (not findings("plain-fault") or not findings("plain-wrongpw")):
        print("FAIL: the reference captures should raise findings")
        bad += 1
    compared = 0
    for plain, tls in PAIRS.items():
        tls = [t for t in tls if not FRESH or os.path.exists(os.path.join(CAP, t + ".pcap"))]
        if not tls or (FRESH and not os.path.exists(os.path.join(CAP, plain + ".pcap"))):
            continue
        want_e, want_f = events(plain), findings(plain)
        if not want_e:
            print("FAIL", plain, "decodes to nothing")
            bad += 1
        for t in tls:
            got_e, got_f = events(t), findings(t)
            if got_e != want_e or got_f != want_f:
                bad += 1
                print("MISMATCH", t, "vs", plain)
                for w, g in zip(want_e + [None] * len(got_e), got_e + [None] * len(want_e)):
                    if w != g:
                        print("  plain", w)
                        print("  tls  ", g)
                        break
                if got_f != want_f:
                    print("  findings plain", want_f, "tls", got_f)
            else:
                compared += 1
                print("ok", t, "=", plain, len(got_e), "events,", len(got_f), "findings")
    return 1 if bad or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
