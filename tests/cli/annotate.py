#!/usr/bin/env python3
"""--annotate OUT.pcapng: tshark lists exactly the evidence frames of the JSON
report as the frames with an "amtscope" comment, on the demo and on an
analysis of several -r files (merged in time order: the expected frame
numbers are computed from each input's timestamps with tshark); timestamps,
their resolution (a nanosecond pcap stays nanosecond) and link types are kept,
one interface per input interface (a pcapng's interfaces each kept); the comment says severity, rule, summary and remedy."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

AMTSCOPE = os.environ["AMTSCOPE"]
SRCDIR = os.environ["SRCDIR"]
if not shutil.which("tshark"):
    sys.exit(77)
fails = 0


def check(what, cond):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond


def tshark(path, *args):
    return subprocess.run(["tshark", "-r", path] + list(args), capture_output=True, text=True,
                          check=True).stdout


def fields(path, *names, filt=None):
    args = ["-T", "fields", "-E", "separator=|"]
    for n in names:
        args += ["-e", n]
    if filt:
        args += ["-Y", filt]
    return [l.split("|") for l in tshark(path, *args).splitlines()]


def analyse(inputs, out, extra=()):
    args = [AMTSCOPE, "analyze", "--format", "json", "--fail-on", "never", "--annotate", out] + list(extra)
    for i in inputs:
        args += ["-r", i]
    r = subprocess.run(args, capture_output=True, text=True)
    check("analyze --annotate exits 0 (%s)" % r.stderr.strip(), r.returncode == 0)
    return json.loads(r.stdout)


def expected_numbers(inputs, report):
    """(input index, frame) -> frame number in the merged copy"""
    rows = []
    for i, path in enumerate(inputs):
        for n, (t,) in enumerate(fields(path, "frame.time_epoch"), 1):
            rows.append((round(float(t) * 1e6), i, n))
    rows.sort()  # by time, ties to the earlier input, then the file's order
    pos = {(i, n): k for k, (_, i, n) in enumerate(rows, 1)}
    index = {p["path"]: k for k, p in enumerate(report["inputs"])}
    want = set()
    for f in report["findings"]:
        for e in f.get("evidence", []):
            if e.get("frame"):
                want.add(pos[(index[e["input"]], e["frame"])])
    return want, rows


with tempfile.TemporaryDirectory() as tmp:
    demo = os.path.join(SRCDIR, "samples/provisioning-demo.pcap")
    out = os.path.join(tmp, "demo.pcapng")
    rep = analyse([demo], out)
    want = {e["frame"] for f in rep["findings"] for e in f.get("evidence", []) if e.get("frame")}
    got = {int(x[0]) for x in fields(out, "frame.number", filt='frame.comment contains "amtscope"')}
    check("demo: commented frames == evidence frames (%s)" % sorted(got), got == want and len(want) > 5)
    check("demo: every packet is in the copy",
          len(fields(out, "frame.number")) == len(fields(demo, "frame.number")))
    check("demo: timestamps kept", fields(out, "frame.time_epoch") == fields(demo, "frame.time_epoch"))
    c = fields(out, "frame.comment", filt="frame.number == 4")
    check("demo: frame 4's comment names severity, rule, summary and remedy (%s)" % c[0][0][:90],
          c and c[0][0].startswith("amtscope: error dns.fqdn.mismatch: DNS resolves amt-07") and
          "(remedy: " in c[0][0])
    expert = subprocess.run(["tshark", "-r", out, "-q", "-z", "expert"], capture_output=True, text=True).stdout
    check("demo: Expert Info lists the comments",
          "Comment              Frame  amtscope: error dns.fqdn.mismatch" in expert)
    check("the copy is pcapng", tshark(out, "-c", "1", "-T", "fields", "-e", "frame.protocols") and
          open(out, "rb").read(4) == b"\x0a\x0d\x0d\x0a")

    # several files, merged by time; one of them nanosecond-resolution pcap
    others = [os.path.join(SRCDIR, "samples", f) for f in ("dns-wrong-a.pcap", "dns-fqdn-unresolved.pcap")]
    ns = os.path.join(tmp, "demo-ns.pcap")
    subprocess.run(["editcap", "-F", "nsecpcap", demo, ns], check=True, capture_output=True)
    inputs = [ns] + others
    out = os.path.join(tmp, "multi.pcapng")
    rep = analyse(inputs, out)
    want, rows = expected_numbers(inputs, rep)
    got = {int(x[0]) for x in fields(out, "frame.number", filt='frame.comment contains "amtscope"')}
    check("3 files: commented frames == evidence frames mapped into the merged order (%d frames)" % len(want),
          got == want and len(want) > 5)
    iface = [int(x[0]) for x in fields(out, "frame.interface_id")]
    check("3 files: frame i comes from the input the merge picks",
          iface == [i for _, i, _ in rows])
    t_in = sorted(x[0] for p in inputs for x in fields(p, "frame.time_epoch"))
    check("3 files: timestamps kept", sorted(x[0] for x in fields(out, "frame.time_epoch")) == t_in)
    info = subprocess.run(["capinfos", "-M", out], capture_output=True, text=True).stdout
    check("3 files: one interface per input", "Number of interfaces in file: 3" in info)
    prec = [l.split("=")[1].strip() for l in info.splitlines() if "Time precision" in l]
    check("each interface keeps its input's resolution (%s)" % prec,
          prec == ["nanoseconds (9)", "microseconds (6)", "microseconds (6)"])

    # a pcapng input with two interfaces keeps both (mergecap -I none: one per file)
    two = os.path.join(tmp, "two-ifaces.pcapng")
    subprocess.run(["mergecap", "-I", "none", "-F", "pcapng", "-w", two, others[0], demo], check=True,
                   capture_output=True)
    out = os.path.join(tmp, "ifaces.pcapng")
    rep = analyse([two, others[1]], out)
    info = subprocess.run(["capinfos", "-M", out], capture_output=True, text=True).stdout
    check("pcapng with 2 interfaces + a pcap: 3 interfaces", "Number of interfaces in file: 3" in info)
    src_if = fields(two, "frame.interface_id", "frame.time_epoch")
    out_if = fields(out, "frame.interface_id", "frame.time_epoch", filt="frame.interface_id < 2")
    check("each packet keeps its interface", src_if == out_if and {x[0] for x in src_if} == {"0", "1"})
    want, rows = expected_numbers([two, others[1]], rep)
    got = {int(x[0]) for x in fields(out, "frame.number", filt='frame.comment contains "amtscope"')}
    check("2-interface pcapng: commented frames == evidence frames", got == want and len(want) > 5)

    # -f and -c: the copy holds what was analysed
    out = os.path.join(tmp, "filtered.pcapng")
    rep = analyse([demo], out, ["-f", "udp port 53", "-c", "6"])
    check("-f -c: the copy holds the 6 DNS packets analysed",
          len(fields(out, "frame.number")) == 6 and len(fields(out, "frame.number", filt="dns")) == 6)
sys.exit(1 if fails else 0)
