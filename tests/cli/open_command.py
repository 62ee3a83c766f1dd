#!/usr/bin/env python3
"""The `open:` command of every finding (text report and HTML report) is run
through the installed tshark, as a user would paste it into a POSIX shell, on
the suite's captures: it must show exactly the frames the JSON report cites
for that finding and input. Findings citing one, two and many frames
(consecutive ones become a range) must all be among them; a capture whose
name holds a quote and a space checks the quoting."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

AMTSCOPE = os.environ["AMTSCOPE"]
SRCDIR = os.environ["SRCDIR"]
if not shutil.which("tshark"):
    print("tshark not installed")
    sys.exit(77)
fails = 0
sizes = set()


def check(what, cond):
    global fails
    if not cond:
        print("FAIL " + what)
    fails += not cond


def shown(cmd, cwd):
    out = subprocess.run(["sh", "-c", cmd + " -T fields -e frame.number"], cwd=cwd, capture_output=True,
                         text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    return sorted(int(x) for x in out.stdout.split()), ""


def run_one(cap, cwd):
    rel = os.path.relpath(cap, cwd)
    js = json.loads(subprocess.run([AMTSCOPE, "analyze", "-r", rel, "--format", "json", "--fail-on", "never"],
                                   cwd=cwd, capture_output=True, text=True).stdout)
    text = subprocess.run([AMTSCOPE, "analyze", "-r", rel, "--fail-on", "never", "--no-color"], cwd=cwd,
                          capture_output=True, text=True).stdout
    page = subprocess.run([AMTSCOPE, "analyze", "-r", rel, "--format", "html", "--fail-on", "never"], cwd=cwd,
                          capture_output=True, text=True).stdout
    text_cmds = [l.split("open:", 1)[1].strip() for l in text.splitlines() if l.strip().startswith("open:")]
    html_cmds = [html.unescape(m) for m in re.findall(r"<dt>open</dt><dd><code>(.*?)</code>", page)]
    wanted = []
    for f in js["findings"]:
        frames = sorted({e["frame"] for e in f.get("evidence", []) if e.get("frame")})
        if frames:
            wanted.append(frames)
    # the reports order findings by device and severity: compare as multisets
    for name, cmds in (("text", text_cmds), ("html", html_cmds)):
        got = []
        for c in cmds:
            frames, err = shown(c, cwd)
            check("%s %s: tshark accepts %s (%s)" % (os.path.basename(cap), name, c, err), frames is not None)
            if frames is not None:
                got.append(frames)
                sizes.add(min(len(frames), 3))
        check("%s %s: the open: commands show exactly the evidence frames: %s vs %s" %
              (os.path.basename(cap), name, sorted(got), sorted(wanted)), sorted(got) == sorted(wanted))
    return len(text_cmds)


caps = [os.path.join(SRCDIR, "samples", f) for f in sorted(os.listdir(os.path.join(SRCDIR, "samples")))
        if f.endswith(".pcap")]
caps += [os.path.join(SRCDIR, "tests/reports/captures", f)
         for f in sorted(os.listdir(os.path.join(SRCDIR, "tests/reports/captures"))) if f.endswith(".pcap")]
total = 0
for cap in caps:
    total += run_one(cap, SRCDIR)
with tempfile.TemporaryDirectory() as tmp:
    odd = os.path.join(tmp, "site 1 'lab' $HOME.pcap")
    shutil.copy(os.path.join(SRCDIR, "samples/provisioning-demo.pcap"), odd)
    total += run_one(odd, tmp)
check("findings with one, two and many frames were checked (%s)" % sorted(sizes), sizes == {1, 2, 3})
print("%d open: commands checked on %d captures" % (total, len(caps) + 1))
sys.exit(1 if fails else 0)
