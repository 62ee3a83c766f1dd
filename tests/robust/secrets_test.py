#!/usr/bin/env python3
"""No output of amtscope carries a secret from its input. Runs every output
form (analyze text/json/jsonl/ecs/html with -v, --events, decode -V, decode
--format json) on every capture of the suite (samples/, tests/*/captures/)
and on a generated WS-Man capture, and greps the outputs for:
 - the secrets listed in secrets.txt files next to the captures and in
   tests/robust/secrets.txt (test passwords, known digest responses);
 - secrets found in the capture bytes themselves: HTTP digest `response=`
   values, Basic credentials, Negotiate (Kerberos/SPNEGO) tokens, the
   response of redirection digest authentication (0x13, type 4);
 - master secrets of TLS key logs given with --keylog (files named
   *.keylog or *keylog*.txt next to a capture).
Logs next to the captures (tests/*/captures/*.log) go through `logs` (text,
JSON) and `analyze -l` (text -v, JSON, JSONL, HTML, --events) and are grepped
for every listed secret too (tests/robust/captures: record_secrets.py).
Also checks that --no-redact says on stderr that it shows secrets.
Environment: AMTSCOPE, SRCDIR, BUILDDIR."""
import base64
import glob
import os
import re
import subprocess
import sys

HEX_RE = re.compile(rb'response="?([0-9a-fA-F]{32,128})"?')
BASIC_RE = re.compile(rb"Authorization:\s*Basic\s+([A-Za-z0-9+/=]{8,})")
NEGOTIATE_RE = re.compile(rb"Authorization:\s*(?:Negotiate|Kerberos)\s+([A-Za-z0-9+/=]{48,})")


def secrets_file(path):
    out = set()
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    out.add(line)
    except OSError:
        pass
    return out


def redir_digest_responses(data):
    """0x13 AuthenticateSession, auth type 4 (digest): length-prefixed user,
    realm, nonce, uri, cnonce, nc, response, qop. Found by scanning the raw
    file: these messages are small and sit in one segment."""
    out = set()
    for m in re.finditer(rb"\x13\x00\x00\x00\x04", data):
        off = m.end()
        if off + 4 > len(data):
            continue
        total = int.from_bytes(data[off:off + 4], "little")
        off += 4
        if total > 4096 or off + total > len(data):
            continue
        fields, p, end = [], off, off + total
        while p < end and len(fields) < 8:
            n = data[p]
            fields.append(data[p + 1:p + 1 + n])
            p += 1 + n
        if len(fields) >= 7 and re.fullmatch(rb"[0-9a-fA-F]{32,64}", fields[6] or b"-"):
            out.add(fields[6].decode())
    return out


def secrets_in_capture(path):
    with open(path, "rb") as f:
        data = f.read()
    out = {m.group(1).decode() for m in HEX_RE.finditer(data)}
    for m in BASIC_RE.finditer(data):
        out.add(m.group(1).decode())
        try:
            user_pass = base64.b64decode(m.group(1)).decode("utf-8", "replace")
            if ":" in user_pass and len(user_pass.split(":", 1)[1]) >= 4:
                out.add(user_pass.split(":", 1)[1])
        except ValueError:
            pass
    for m in NEGOTIATE_RE.finditer(data):
        out.add(m.group(1)[16:56].decode())  # a redacted token may keep its first characters
    out |= redir_digest_responses(data)
    return out


def keylogs_for(capture):
    d = os.path.dirname(capture)
    return sorted(set(glob.glob(os.path.join(d, "*.keylog")) + glob.glob(os.path.join(d, "*keylog*.txt"))))


def keylog_secrets(path):
    out = set()
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and not line.startswith("#"):
                out.add(parts[2])
    return out


def run_outputs(amtscope, capture, keylogs, workdir):
    """Every output form for one capture; returns {label: text}."""
    base = [amtscope]
    extra = []
    for k in keylogs:
        extra += ["--keylog", k]
    forms = {
        "analyze-text": ["analyze", "-r", capture, "-v", "--format", "text"],
        "analyze-json": ["analyze", "-r", capture, "-v", "--format", "json"],
        "analyze-jsonl": ["analyze", "-r", capture, "--format", "jsonl"],
        "analyze-ecs": ["analyze", "-r", capture, "--format", "ecs"],
        "analyze-html": ["analyze", "-r", capture, "-v", "--format", "html"],
        "decode-text": ["decode", "-r", capture, "-V"],
        "decode-json": ["decode", "-r", capture, "--format", "json"],
    }
    outs = {}
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SSLKEYLOGFILE", None)
    for label, args in forms.items():
        r = subprocess.run(base + args + extra, capture_output=True, timeout=300, env=env)
        outs[label] = r.stdout + r.stderr
    events = os.path.join(workdir, "events.jsonl")
    r = subprocess.run(base + ["analyze", "-r", capture, "-q", "--events", events] + extra,
                       capture_output=True, timeout=300, env=env)
    with open(events, "rb") as f:
        outs["events"] = f.read() + r.stdout + r.stderr
    return outs


def run_log_outputs(amtscope, log, workdir):
    forms = {
        "logs-text": ["logs", log],
        "logs-json": ["logs", log, "--format", "json"],
        "analyze-l-text": ["analyze", "-l", log, "-v"],
        "analyze-l-json": ["analyze", "-l", log, "-v", "--format", "json"],
        "analyze-l-jsonl": ["analyze", "-l", log, "--format", "jsonl"],
        "analyze-l-html": ["analyze", "-l", log, "-v", "--format", "html"],
    }
    outs = {}
    env = dict(os.environ, NO_COLOR="1")
    for label, args in forms.items():
        r = subprocess.run([amtscope] + args, capture_output=True, timeout=300, env=env)
        outs[label] = r.stdout + r.stderr
    events = os.path.join(workdir, "log-events.jsonl")
    r = subprocess.run([amtscope, "analyze", "-l", log, "-q", "--events", events], capture_output=True, timeout=300,
                       env=env)
    with open(events, "rb") as f:
        outs["analyze-l-events"] = f.read() + r.stdout + r.stderr
    return outs


def main():
    amtscope, src, build = os.environ["AMTSCOPE"], os.environ["SRCDIR"], os.environ["BUILDDIR"]
    workdir = os.path.join(build, "tests", "robust", "secrets")
    os.makedirs(workdir, exist_ok=True)
    generated = os.path.join(workdir, "wsman-digest.pcap")
    subprocess.run([sys.executable, os.path.join(src, "bench", "gencap.py"), "-o", generated, "--size", "0.4",
                    "--seed", "7"], check=True, capture_output=True)
    captures = sorted(set(glob.glob(os.path.join(src, "samples", "*.pcap*"))
                          + glob.glob(os.path.join(src, "tests", "*", "captures", "*.pcap*"))
                          + glob.glob(os.path.join(src, "tests", "*", "samples", "*.pcap*"))))
    captures.append(generated)
    listed = secrets_file(os.path.join(src, "tests", "robust", "secrets.txt"))
    for f in glob.glob(os.path.join(src, "samples", "secrets.txt")) + \
            glob.glob(os.path.join(src, "tests", "*", "captures", "secrets.txt")):
        listed |= secrets_file(f)

    failures, checked = [], 0
    for cap in captures:
        keylogs = keylogs_for(cap)
        secrets = set(listed) | secrets_in_capture(cap)
        for k in keylogs:
            secrets |= keylog_secrets(k)
        secrets = {s for s in secrets if len(s) >= 6}
        if cap == generated and not secrets:
            failures.append("found no digest response in the generated capture: the extraction is broken")
        outs = run_outputs(amtscope, cap, keylogs, workdir)
        for label, text in outs.items():
            low = text.lower()
            for s in secrets:
                checked += 1
                if s.encode().lower() in low:
                    failures.append("%s: %s output shows secret %s..." % (os.path.relpath(cap, src), label, s[:4]))
    logs = sorted(glob.glob(os.path.join(src, "tests", "*", "captures", "*.log")))
    for log in logs:
        secrets = {s for s in listed if len(s) >= 6}
        for label, text in run_log_outputs(amtscope, log, workdir).items():
            low = text.lower()
            for s in secrets:
                checked += 1
                if s.encode().lower() in low:
                    failures.append("%s: %s output shows secret %s..." % (os.path.relpath(log, src), label, s[:4]))
    # the WS-Man secrets corpus must still decode: a redaction that hides the
    # calls themselves would pass the grep above
    corpus = os.path.join(src, "tests", "robust", "captures", "wsman-secrets.pcap")
    if os.path.exists(corpus):
        r = subprocess.run([amtscope, "decode", "-r", corpus, "-V"], capture_output=True, text=True, errors="replace",
                           timeout=300)
        for want in ("KeyBlob", "MasterKey", "OptInCode", "PSKValue", "<redacted>", "KeyVersion=1"):
            if want not in r.stdout:
                failures.append("wsman-secrets.pcap: decode -V lacks %r" % want)
        r = subprocess.run([amtscope, "decode", "-r", corpus, "-V", "--no-redact"], capture_output=True, text=True,
                           errors="replace", timeout=300)
        if "S2VyYmVyb3NNYXN0ZXJLZXlTZWNyZXQxMjM0NTY=" not in r.stdout:
            failures.append("wsman-secrets.pcap: --no-redact does not show the master key")
    r = subprocess.run([amtscope, "analyze", "-r", generated, "--no-redact", "-q"], capture_output=True, text=True,
                       errors="replace",
                       timeout=300)
    if "no-redact" not in r.stderr:
        failures.append("--no-redact does not warn on stderr (got %r)" % r.stderr.strip()[:200])
    print("%d captures, %d logs, %d (secret, output) pairs checked" % (len(captures), len(logs), checked))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
