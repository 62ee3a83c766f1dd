#!/usr/bin/env python3
"""Regression tests of the second security round (issue 20), one check per
finding, each failing on the code before its fix:
  1  HTML of a log whose format has extra named fields: the field names in the
     tooltips are the format's, not freed heap bytes (use-after-free)
  2  `certs` on a valid certificate over 64 KiB (5000 SANs, openssl CLI), PEM
     and DER: described, exit 0, no crash
  5  a PKCS#12 whose MAC iteration count is 2^31-1: refused at once (exit 2,
     the cap named), no key derived
  7  file arguments over their caps (100 MB certificate file, 2 GB password
     file, rules and log-format files, /dev/zero) refused with little memory
  9  HTTP URI, header values, reason phrase and digest realm holding ESC, BEL,
     CR, BS, and a WS-Man value holding &#13; and &#10;: no control byte
     reaches `decode`, `decode -V`, decode JSON or the text report
 10  live capture with -Z nobody reads a root-only -l log (opened before the
     privileges are dropped); skipped unless root with a loopback capture
 11  pcapng whose interface claims absurd if_tsresol/if_tsoffset: the clock is
     said to be unusable, no negative time or year before 1970 in any output
Environment: AMTSCOPE, SRCDIR, BUILDDIR."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hostile  # noqa: E402  (the capture helpers)

AMT = os.environ["AMTSCOPE"]
SANITIZER = ("AddressSanitizer", "runtime error:", "LeakSanitizer")
failures = []


def check(label, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + label + ("" if ok else " -- " + detail[:600]))
    if not ok:
        failures.append(label)


def run(args, timeout=120, **kw):
    return subprocess.run([AMT] + args, capture_output=True, timeout=timeout, **kw)


def text(r):
    return (r.stdout + r.stderr).decode("utf-8", "replace")


def measured(args, timeout=120):
    """(result, peak RSS in KB) through GNU time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + [AMT] + args, capture_output=True, timeout=timeout)
    lines = r.stderr.decode("utf-8", "replace").strip().splitlines()
    try:
        peak = int(lines[-1])
    except (IndexError, ValueError):
        peak = -1
    return r, peak


def asan():
    out = subprocess.run(["ldd", AMT], capture_output=True, text=True).stdout
    return "libasan" in out or "libubsan" in out


def item1(tmp):
    log = os.path.join(tmp, "extra.log")
    with open(log, "w") as f:
        f.write('time="2026-11-23T13:19:50+00:00" level=error msg="activation failed" host="y"\n')
    html = os.path.join(tmp, "extra.html")
    r = run(["analyze", "-l", log, "--format", "html", "-o", html])
    page = open(html, encoding="utf-8", errors="replace").read() if os.path.exists(html) else ""
    names = set(re.findall(r"&#10;([^:&<]{1,80}): ", page))
    bad = [n for n in names if not re.fullmatch(r"[a-z0-9_.]+", n)]
    check("1 HTML of a log with extra fields: exit 0/1, no sanitizer report", r.returncode in (0, 1) and
          not any(s in text(r) for s in SANITIZER), text(r))
    check("1 tooltip field names are the format's (log.*), not heap bytes",
          "log.message" in names and any(n.startswith("log.") and n not in ("log.format", "log.level",
                                                                              "log.message") for n in names)
          and not bad, "names %r" % sorted(names))


def item2(tmp):
    cnf = os.path.join(tmp, "big.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=ext\n[dn]\nCN=big.example\n"
                "[ext]\nsubjectAltName=@alt\n[alt]\n")
        for i in range(5000):
            f.write("DNS.%d=host%05d.example.com\n" % (i + 1, i))
    pem, der = os.path.join(tmp, "big.pem"), os.path.join(tmp, "big.der")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(tmp, "big.key"),
                    "-out", pem, "-days", "30", "-config", cnf], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER", "-out", der], check=True, capture_output=True)
    check("2 the DER is over 64 KiB", os.path.getsize(der) > 65536, str(os.path.getsize(der)))
    for path in (pem, der):
        r = run(["certs", path])
        out = text(r)
        check("2 certs %s: exit 0, described (RSA 2048, the SANs)" % os.path.basename(path),
              r.returncode == 0 and "CN=big.example" in out and "RSA 2048" in out and "host00000.example.com" in out,
              "exit %d: %s" % (r.returncode, out[-400:]))
        r = run(["certs", path, "--format", "json"])
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            doc = None
        check("2 certs %s --format json parses, key_type RSA" % os.path.basename(path),
              doc is not None and '"key_type": "RSA"' in json.dumps(doc), text(r)[-300:])


def item5(tmp):
    key, pem, p12 = (os.path.join(tmp, n) for n in ("s.key", "s.pem", "s.p12"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", pem, "-days",
                    "30", "-subj", "/CN=p12"], check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs12", "-export", "-in", pem, "-inkey", key, "-out", p12, "-passout", "pass:"],
                   check=True, capture_output=True)
    r = run(["certs", p12])
    check("5 a PKCS#12 with OpenSSL's iteration counts is read", r.returncode in (0, 1) and "CN=p12" in text(r), text(r))
    hi = os.path.join(tmp, "hi.p12")
    subprocess.run([sys.executable, os.path.join(HERE, "p12_iterations.py"), p12, hi, str(2**31 - 1)], check=True)
    try:
        r = run(["certs", hi], timeout=20)
        out = text(r)
        check("5 MAC iterations 2^31-1: refused at once, exit 2, the cap said",
              r.returncode == 2 and "2147483647" in out and "1000000" in out, "exit %d: %s" % (r.returncode, out))
    except subprocess.TimeoutExpired:
        check("5 MAC iterations 2^31-1: refused at once", False, "still deriving after 20 s")


def item7(tmp):
    big = os.path.join(tmp, "big.pem")
    with open(big, "wb") as f:
        f.truncate(100 << 20)
    huge = os.path.join(tmp, "huge.txt")
    with open(huge, "wb") as f:
        f.truncate(2 << 30)
    log = os.path.join(tmp, "one.log")
    with open(log, "w") as f:
        f.write('time="2026-11-23T13:19:50+00:00" level=error msg="x"\n')
    bound = 4 * 64 * 1024 if asan() else 64 * 1024   # KB
    cases = [
        ("certs 100 MB PEM", ["certs", big], "16 MiB"),
        ("certs --password-file 2 GB", ["certs", big, "--password-file", huge], "4 KiB"),
        ("analyze --rules 2 GB", ["analyze", "-l", log, "--rules", huge], "1 MiB"),
        ("analyze --log-format 2 GB", ["analyze", "-l", log, "--log-format", huge], "1 MiB"),
        ("analyze --rules /dev/zero", ["analyze", "-l", log, "--rules", "/dev/zero"], "1 MiB"),
    ]
    for label, args, cap in cases:
        try:
            r, peak = measured(args, timeout=60)
        except subprocess.TimeoutExpired:
            check("7 %s: refused at once" % label, False, "still reading after 60 s")
            continue
        check("7 %s: exit 2, the cap said, peak %d KB under %d KB" % (label, peak, bound),
              r.returncode == 2 and cap in text(r) and 0 < peak < bound, "exit %d: %s" % (r.returncode, text(r)[-300:]))


def item9(tmp):
    cap = os.path.join(tmp, "ctl.pcap")
    p = hostile.Pcap(cap)
    f = hostile.Flow(p, 52000, 16992)
    f.send(True, b"GET /wsman\x1b]0;owned\x07\x08\x08?q=\x1b[2J HTTP/1.1\r\nHost: a\x1b[31mred\r\n"
                 b"User-Agent: ua\x07\x1b[1A\rX\r\n\r\n")
    f.send(False, b"HTTP/1.1 401 Unauth\x1b[2Jorized\x07\r\nServer: Intel(R) AMT\x1b[5m\r\n"
                  b"WWW-Authenticate: Digest realm=\"Digest:\x1b]2;pwn\x07\x08\", nonce=\"n1\", qop=\"auth\"\r\n"
                  b"Content-Length: 0\r\n\r\n")
    f.close()
    # a WS-Man value may hold a well-formed &#13; or line break
    body = (b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/>'
            b'<s:Body><g:AMT_GeneralSettings xmlns:g="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings">'
            b'<g:HostName>evil&#13;FAKE&#10;LINE</g:HostName></g:AMT_GeneralSettings></s:Body></s:Envelope>')
    f = hostile.Flow(p, 52001, 16992)
    f.send(True, b"POST /wsman HTTP/1.1\r\nHost: a\r\nContent-Type: application/soap+xml\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    f.close()
    p.close()
    for label, args in (("decode", ["decode", "-r", cap]), ("decode -V", ["decode", "-r", cap, "-V"]),
                        ("analyze -v", ["analyze", "-r", cap, "-v", "--no-color"]),
                        ("decode json", ["decode", "-r", cap, "--format", "json"])):
        r = run(args)
        out = r.stdout
        ctl = sorted({"%02x" % b for b in out if b < 0x20 and b not in (0x0A,)} | ({"7f"} if b"\x7f" in out else set()))
        check("9 %s: no control byte from the peer (ESC, BEL, CR, BS)" % label, r.returncode in (0, 1) and not ctl,
              "exit %d, bytes %s" % (r.returncode, ctl))
    r = run(["decode", "-r", cap, "-V"])
    out = r.stdout.decode("utf-8", "replace")
    check("9 the escaped text is still there (\\x1b in the URI, the realm, \\x0d in a WS-Man value)",
          "\\x1b]0;owned" in out and "Digest:\\x1b]2;pwn" in out and "evil\\x0dFAKE\\x0aLINE" in out, out[-600:])


def item10(tmp):
    if os.geteuid() != 0 or not shutil.which("tcpdump"):
        print("skip: 10 needs root")
        return
    d = tempfile.mkdtemp(prefix="rootonly-")
    os.chmod(d, 0o700)
    log = os.path.join(d, "root-only.log")
    with open(log, "w") as f:
        f.write('time="2026-11-23T13:19:50+00:00" level=error msg="activation failed" host="y"\n')
    os.chmod(log, 0o600)
    try:
        r = run(["analyze", "-i", "lo", "-f", "host 127.0.20.77", "--duration", "1", "-Z", "nobody", "-l", log,
                 "--format", "json"], timeout=60)
        if r.returncode == 2 and b"cannot open" in r.stderr and b"lo" in r.stderr and b"log" not in r.stderr:
            print("skip: 10 no loopback capture here")
            return
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            doc = {}
        kinds = [i.get("kind") for i in doc.get("inputs", [])]
        check("10 live -Z nobody with a root-only -l log: exit 0/1, the log read", r.returncode in (0, 1) and
              "live" in kinds and any(k not in ("live", None) for k in kinds), "exit %d: %s %s" %
              (r.returncode, kinds, text(r)[-300:]))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def item11(tmp):
    gen = os.path.join(HERE, "pcapng_clock.py")
    for name, extra in (("ones", []), ("micro", ["6", "0"]), ("seconds", ["0"])):
        cap = os.path.join(tmp, "clock-%s.pcapng" % name)
        subprocess.run([sys.executable, gen, cap] + extra, check=True)
        outs = {}
        for label, args in (("text -v", ["analyze", "-r", cap, "-v"]), ("json", ["analyze", "-r", cap, "--format",
                                                                                  "json"]),
                            ("html", ["analyze", "-r", cap, "--format", "html"]), ("decode", ["decode", "-r", cap])):
            r = run(args)
            outs[label] = text(r)
            check("11 %s %s: exit 0/1, no sanitizer report" % (name, label),
                  r.returncode in (0, 1) and not any(s in outs[label] for s in SANITIZER), outs[label][-400:])
        every = "\n".join(outs.values())
        years = [int(y) for y in re.findall(r"(-?\d{1,6})-\d\d-\d\dT\d\d:\d\d", every)]
        check("11 %s: no time before 1970 or past 3000 (%s)" % (name, sorted(set(years))[:5]),
              all(1970 <= y <= 3000 for y in years), "")
        check("11 %s: no negative relative time" % name, not re.search(r"[(+]-\d+(\.\d+)? ?s", every), "")
        check("11 %s: the unusable clock is said" % name, "clock is unusable" in outs["text -v"],
              outs["text -v"][-500:])


def main():
    tmp = tempfile.mkdtemp(prefix="amtscope-sec2-")
    try:
        only = os.environ.get("ONLY", "").split(",")  # e.g. ONLY=9,11
        for n, item in ((1, item1), (2, item2), (5, item5), (7, item7), (9, item9), (10, item10), (11, item11)):
            if only == [""] or str(n) in only:
                item(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
