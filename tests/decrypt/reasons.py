#!/usr/bin/env python3
"""Why a TLS flow was not decrypted, bad key logs, and secrecy:
- the EV_TLS_DECRYPT verdict per flow for each reason (no key for the client
  random, RSA key exchange, resumption with an unknown master secret, a suite
  not decrypted, a record that does not authenticate: reported, not guessed);
- malformed key log lines each reported once, with file and line, keys of the
  wrong length refused, the valid lines still used;
- a key log of a million lines: bounded memory, the cap reported;
- no secret of any key log, and not the test password, in any output."""
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile

AMTSCOPE = os.environ["AMTSCOPE"]
CAP = os.path.join(os.environ["SRCDIR"], "tests", "decrypt", "captures")
TMP = tempfile.mkdtemp(prefix="amtscope-decrypt-")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def decode(cap, *keylogs, extra=()):
    args = [AMTSCOPE, "decode", "--format", "json", "-V"] + list(extra)
    for k in keylogs:
        args += ["--keylog", k]
    env = {k: v for k, v in os.environ.items() if k != "SSLKEYLOGFILE"}
    out = subprocess.run(args + ["-r", os.path.join(CAP, cap + ".pcap")], check=True, capture_output=True,
                         text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines()]


def verdicts(events):
    return [(e["fields"].get("tls.decrypt.status"), e["fields"].get("tls.decrypt.reason"))
            for e in events if e["event_type"] == "tls_decrypt"]


def http_count(events):
    return sum(e["proto"] == "http" for e in events)


def keylog(name):
    return os.path.join(CAP, name + ".keylog")


def write(name, lines):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


# ---- decrypted, and each reason for not decrypting
ev = decode("tls12-gcm", keylog("tls12-gcm"))
check(verdicts(ev) == [("decrypted", None)] * 2 and http_count(ev) == 4, "tls12-gcm: both flows decrypted")
ev = decode("tls12-gcm", keylog("tls13"))
check(verdicts(ev) == [("not_decrypted", "no key log entry for this client random")] * 2 and http_count(ev) == 0,
      "a key log without this session: 'no key' per flow, nothing guessed")
ev = decode("tls12-rsa", keylog("tls12-gcm"))
check([v[1] for v in verdicts(ev)] == ["RSA key exchange and no key log entry for this client random"] * 2,
      "RSA key exchange without its key log line")
ev = decode("tls12-camellia", keylog("tls12-camellia"))
check(verdicts(ev) == [("decrypted", None)] * 2 and http_count(ev) == 4, "tls12-camellia: Camellia-CBC decrypted")
CCM8 = "../suites/tls13-ccm8"  # TLS_AES_128_CCM_8_SHA256: the one suite here amtscope does not decrypt
ev = decode(CCM8, keylog(CCM8))
check(len(verdicts(ev)) == 1 and all(v[0] == "not_decrypted" and "TLS_AES_128_CCM_8_SHA256" in v[1] and "not one amtscope decrypts"
                                     in v[1] for v in verdicts(ev)), "a suite not decrypted is named")
first = open(keylog("tls12-cbc384")).read().splitlines()[0]
ev = decode("tls12-cbc384", write("first-only.keylog", [first]))
check(verdicts(ev) == [("decrypted", None),
                       ("not_decrypted", "session resumption whose master secret is not in the key log")],
      "resumed session whose master secret is unknown")
ev = decode("tls12-gcm")
check(verdicts(ev) == [] and http_count(ev) == 0, "no key log: no verdicts, nothing decrypted")

# wrong key of the right length: the tag check fails, reported, the flow goes on undecrypted
lines = open(keylog("tls12-gcm")).read().splitlines()
bad = [re.sub(r"[0-9a-f]$", lambda m: "0" if m.group(0) != "0" else "1", l) for l in lines]
ev = decode("tls12-gcm", write("wrong.keylog", bad))
v = verdicts(ev)
check(len(v) >= 2 and all(s == "failed" and "authentication tag" in r for s, r in v) and http_count(ev) == 0,
      "wrong master secret: every flow 'failed' on the tag, no plaintext guessed")
check(sum(e["event_type"] == "tls_client_hello" for e in ev) == 2, "failed flows are still decoded as TLS")
lines13 = open(keylog("tls13")).read().splitlines()
bad13 = [l if not l.startswith("CLIENT_TRAFFIC_SECRET_0") else l[:-1] + ("0" if l[-1] != "0" else "1")
         for l in lines13]
ev = decode("tls13", write("wrong13.keylog", bad13))
check(any(s == "failed" for s, _ in verdicts(ev))
      and sum(e["event_type"] == "http_response" for e in ev) == 2
      and sum(e["event_type"] == "http_request" for e in ev) == 0,
      "TLS 1.3 with a wrong client secret: the server side still decrypts, the client side fails")

# ---- TLS 1.3 certificates, encrypted in the handshake, reach the certificate rules
def findings(cap, *args):
    out = subprocess.run([AMTSCOPE, "analyze", "--format", "json", "--fail-on", "never", "--ca-file",
                          os.path.join(CAP, "..", "..", "tls", "certs", "root.pem")] + list(args) +
                         ["-r", os.path.join(CAP, cap + ".pcap")], check=True, capture_output=True, text=True).stdout
    # capture.no_amt_traffic (info) is about where a capture was taken, not about decryption:
    # the suites recorded off AMT's ports carry it
    return [(f["rule"], [x["frame"] for x in f.get("evidence", [])]) for f in json.loads(out)["findings"]
            if f["rule"] != "capture.no_amt_traffic"]


check(findings("tls13-expired") == [], "TLS 1.3 without the key log: the certificate is not seen")
check(findings("tls13-expired", "--keylog", keylog("tls13-expired")) == [("tls.cert.expired", [6])],
      "TLS 1.3 decrypted: tls.cert.expired on the server's (encrypted) Certificate, frame 6")
check(findings("tls13", "--keylog", keylog("tls13")) == [], "TLS 1.3 decrypted, valid chain: no finding")

# ---- the verdicts as findings (decrypted flows raise none)
check(findings("tls12-gcm", "--keylog", keylog("tls12-gcm")) == [], "decrypted: no decrypt finding")
check(findings(CCM8, "--keylog", keylog(CCM8)) == [("tls.decrypt.not_decrypted", [6])],
      "a suite not decrypted: one info finding with the flow as evidence")
check([f[0] for f in findings("tls12-gcm", "--keylog", os.path.join(TMP, "wrong.keylog"))] ==
      ["tls.decrypt.failed"], "a wrong key: tls.decrypt.failed")

# ---- malformed key log lines, each once
good = lines[0]
rnd = good.split()[1]
malformed = [
    "# a comment", "",
    "CLIENT_RANDOM " + rnd,                                   # 2 fields
    "CLIENT_RANDOM " + rnd[:-2] + " " + "ab" * 48,            # short random
    "CLIENT_RANDOM " + rnd + " " + "ab" * 47,                 # master of the wrong length
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + rnd + " " + "ab" * 20,  # secret of the wrong length
    "CLIENT_RANDOM " + rnd + " " + "zz" * 48,                 # not hex
    "NO_SUCH_LABEL " + rnd + " " + "ab" * 48,                 # unknown label
    "CLIENT_RANDOM " + rnd + " " + "ab" * 48 + " extra",      # a field too many
    "X" * 5000,                                               # too long
    good, lines[1],
]
path = write("malformed.keylog", malformed)
ev = decode("tls12-gcm", path)
notes = [e["fields"]["note.message"] for e in ev if e["event_type"] == "note" and "key log" in
         e["fields"].get("note.message", "")]
check(len(notes) == 8, "8 malformed lines, 8 notes (got %d)" % len(notes))
check(all(re.search(r"malformed\.keylog:\d+: ", n) for n in notes), "each note names file and line")
check(len(set(notes)) == len(notes), "each reported once")
check(verdicts(ev) == [("decrypted", None)] * 2, "the valid lines are still used")
# a --keylog naming a missing file or one without a single key line is a usage
# error at the start (exit 2, the reason), not a decryption failure blamed on the traffic
r = subprocess.run([AMTSCOPE, "decode", "--format", "json", "--keylog", "/nonexistent/keylog", "--keylog",
                    keylog("tls12-gcm"), "-r", os.path.join(CAP, "tls12-gcm.pcap")], capture_output=True, text=True)
check(r.returncode == 2 and "/nonexistent/keylog" in r.stderr and "No such file" in r.stderr and not r.stdout,
      "a missing --keylog: exit 2, named, nothing decoded")
empty = os.path.join(os.environ.get("TMPDIR", "/tmp"), "amtscope-empty-%d.keylog" % os.getpid())
with open(empty, "w") as fh:
    fh.write("# nothing but a comment\n")
r = subprocess.run([AMTSCOPE, "analyze", "--keylog", empty, "-r", os.path.join(CAP, "tls12-gcm.pcap")],
                   capture_output=True, text=True)
os.unlink(empty)
check(r.returncode == 2 and "no TLS key line" in r.stderr and not r.stdout, "a --keylog without entries: exit 2")

# ---- SSLKEYLOGFILE and repeatable --keylog
env = dict(os.environ, SSLKEYLOGFILE=keylog("tls12-gcm"))
out = subprocess.run([AMTSCOPE, "decode", "--format", "json", "-r", os.path.join(CAP, "tls12-gcm.pcap")],
                     check=True, capture_output=True, text=True, env=env).stdout
check('"decrypted"' in out, "SSLKEYLOGFILE is read")
ev = decode("tls13", keylog("tls12-gcm"), keylog("tls13"))
check(verdicts(ev) == [("decrypted", None)] * 2, "--keylog is repeatable")

# ---- a million lines in bounded memory
big = os.path.join(TMP, "million.keylog")
rng = random.Random(7)
with open(big, "w") as f:
    for _ in range(1000000):
        f.write("CLIENT_RANDOM %064x %096x\n" % (rng.getrandbits(256), rng.getrandbits(384)))
before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
ev = decode("tls12-gcm", big)
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
check(any(e["fields"].get("note.limit") == "keylog_entries" for e in ev), "the key log cap is reported")
check(rss_mb < 200, "a million-line key log stays under 200 MB (max RSS %.0f MB)" % rss_mb)
ev = decode("tls12-gcm", keylog("tls12-gcm"), big)
check(verdicts(ev) == [("decrypted", None)] * 2, "sessions before the cap are used")
os.unlink(big)

# ---- no secret in any output
secrets = set()
for f in os.listdir(CAP):
    if f.endswith(".keylog"):
        for line in open(os.path.join(CAP, f)):
            parts = line.split()
            if len(parts) == 3:
                secrets.add(parts[2].lower())
leaks = []
for f in sorted(os.listdir(CAP)):
    if not f.endswith(".keylog"):
        continue
    cap = os.path.join(CAP, f[:-7] + ".pcap")
    outs = ""
    for args in (["decode", "-V"], ["decode", "--format", "json", "-V"], ["analyze", "-v", "--fail-on", "never"],
                 ["analyze", "--format", "json", "--fail-on", "never"]):
        outs += subprocess.run([AMTSCOPE] + args + ["--keylog", os.path.join(CAP, f), "-r", cap],
                               capture_output=True, text=True).stdout.lower()
    for s in secrets:
        if s in outs or s[:32] in outs:
            leaks.append((f, s[:8] + "..."))
    if "adm1n-test!" in outs:
        leaks.append((f, "password"))
check(not leaks and len(secrets) > 20, "no key log secret in any output (%d secrets checked) %s" %
      (len(secrets), leaks[:3]))

sys.exit(1 if failures else 0)
