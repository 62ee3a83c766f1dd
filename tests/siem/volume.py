#!/usr/bin/env python3
"""--suppress and --min-severity on a recorded capture (three-devices.pcap:
errors, warnings and an info on 127.0.8.21 = amt-07.corp.example and on
127.0.8.22), checked in the JSON report, the JSON lines findings records,
the text report and the exit code; every malformed suppress line is exit 2
with FILE:LINE on stderr."""
import atexit
import json
import shutil
import os
import subprocess
import sys
import tempfile

AMTSCOPE = os.environ["AMTSCOPE"]
CAP = os.path.join(os.environ["SRCDIR"], "tests", "reports", "captures", "three-devices.pcap")
failures = []


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    return subprocess.run([AMTSCOPE, "analyze", "-r", CAP, *args], capture_output=True, text=True)


def report(*args):
    p = run("--format", "json", "--fail-on", "never", *args)
    if p.returncode != 0:
        sys.exit(f"FAIL: analyze {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def pairs(rep):
    return sorted((f["rule"], f.get("device")) for f in rep["findings"])


tmp = tempfile.mkdtemp(prefix="amtscope-volume-")
atexit.register(shutil.rmtree, tmp, True)


def supfile(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


full = report()
allp = pairs(full)
check("the capture has findings on both devices and of every severity",
      {d for _, d in allp} >= {"127.0.8.21", "127.0.8.22"} and
      {f["severity"] for f in full["findings"]} == {"error", "warning", "info"})
check("the per-rule summary counts every finding once",
      sum(r["count"] for r in full["rules"]) == len(full["findings"]) and
      [r["severity"] for r in full["rules"]] == sorted((r["severity"] for r in full["rules"]),
                                                       key=["error", "warning", "info"].index))
check("no 'suppressed' member when nothing was asked", "suppressed" not in full)

# a glob for one device by address
sup = supfile("a.txt", "# lab\n\nhello.*   127.0.8.21   lab device: hellos are expected\n")
rep = report("--suppress", sup)
want = [p for p in allp if not (p[0].startswith("hello.") and p[1] == "127.0.8.21")]
check("hello.* 127.0.8.21 removes exactly the hello findings of that device", pairs(rep) == want and want != allp)
check("the report counts them per suppress line",
      rep["suppressed"]["findings"] == len(allp) - len(want) and rep["suppressed"]["by"][0]["line"] == 3 and
      rep["suppressed"]["by"][0]["findings"] == len(allp) - len(want) and
      rep["suppressed"]["by"][0]["reason"] == "lab device: hellos are expected")

# a CIDR block, a name, any device
rep = report("--suppress", supfile("b.txt", "tls.*  127.0.8.0/24  test CA\n"))
check("a CIDR block matches the devices inside it",
      pairs(rep) == [p for p in allp if not p[0].startswith("tls.")])
rep = report("--suppress", supfile("c.txt", "*  127.0.9.0/24  other lab\n"))
check("a CIDR block matches no device outside it", pairs(rep) == allp)
rep = report("--suppress", supfile("d.txt", "dns.provisionserver.missing AMT-07.corp.example  no RCS there\n"))
check("a device name (FQDN, any case) matches its device's findings",
      pairs(rep) == [p for p in allp if p != ("dns.provisionserver.missing", "127.0.8.21")])
rep = report("--suppress", supfile("e.txt", "wsman.* * known\n"))
check("* matches every device", pairs(rep) == [p for p in allp if not p[0].startswith("wsman.")])

# the stream and the exit code follow
p = run("--format", "jsonl", "--suppress", supfile("f.txt", "* * everything is known\n"))
recs = [json.loads(line) for line in p.stdout.splitlines()]
check("suppressed findings leave the JSON lines stream too",
      not [r for r in recs if r["event_type"] == "finding"] and len(recs) > 10)
check("with every error suppressed the exit code is 0", p.returncode == 0)
check("without, the same run exits 1", run("--format", "jsonl").returncode == 1)

# --min-severity
rep = report("--min-severity", "warning")
check("--min-severity warning drops the info finding only",
      pairs(rep) == sorted((f["rule"], f.get("device")) for f in full["findings"] if f["severity"] != "info") and
      rep["suppressed"]["below_min_severity"] == 1)
text = run("--min-severity", "error", "-q", "--fail-on", "never").stdout
check("the text report says what was not shown", "below --min-severity error" in text and "warning " not in text)
p = run("--min-severity", "loud")
check("--min-severity loud is exit 2 with one line", p.returncode == 2 and "--min-severity" in p.stderr)

# malformed lines: exit 2, FILE:LINE on stderr, nothing on stdout
bad = {
    "no reason": "hello.unanswered 127.0.8.21\n",
    "no device": "hello.unanswered\n",
    "a bad rule": "# ok\nhello/unanswered * why\n",
    "a bad CIDR": "hello.* 127.0.8.0/33 why\n",
    "a bad block": "hello.* 127.0.8/24 why\n",
}
for what, text in bad.items():
    path = supfile("bad.txt", text)
    p = run("--suppress", path)
    line = text.count("\n")
    check(f"{what}: exit 2 naming {os.path.basename(path)}:{line}",
          p.returncode == 2 and f"{path}:{line}:" in p.stderr and not p.stdout and len(p.stderr.splitlines()) == 1)
p = run("--suppress", CAP)
check("a capture given as suppress file is exit 2", p.returncode == 2 and "not a text file" in p.stderr)
huge = os.path.join(tmp, "huge.txt")
with open(huge, "w") as f:
    f.truncate(5 << 20)
p = run("--suppress", huge)
check("a 5 MB suppress file is refused before it is read", p.returncode == 2 and "no suppress file" in p.stderr)
p = run("--suppress", os.path.join(tmp, "missing.txt"))
check("a missing suppress file is exit 2", p.returncode == 2 and "missing.txt" in p.stderr)

sys.exit(1 if failures else 0)
