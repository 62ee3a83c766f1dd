#!/usr/bin/env python3
"""Runs `amtscope analyze` on every hostile capture (hostile.py) and checks
that it finishes: exit 0 or 1 (2 only for a file libpcap cannot open), no
sanitizer report, a JSON report that parses, peak RSS under the bound
(256 MB; x4 under ASan, whose shadow memory counts in RSS) and wall time under
the bound; and that the caps the file aims at are reported as hit.

Environment (from meson's test_env): AMTSCOPE, SRCDIR, BUILDDIR.
usage: hostile_test.py [NAME...]     (no NAME: every capture)
Exit 77 (skipped) while the engine cannot read a capture yet.
"""
import json
import os
import subprocess
import sys

RSS_BOUND_MB = 256
TIME_BOUND_S = 60
# Files libpcap itself refuses to open: exit 2 (input error) with a message.
UNREADABLE = {"trunc-empty.pcap", "trunc-file-header.pcap"}
# The engine's caps a file must trip, by the "limits_hit" list of the JSON report.
EXPECTED_LIMITS = {
    "syn-flood.pcap": {"flows"},
    "ip-fragments.pcap": {"ip_fragments"},
    "overlap-retrans.pcap": {"ooo_segments"},
    "http-many-bodies.pcap": {"total_bytes"},
}
# Caps owned by dissectors: enforced once the capture decodes at all (the
# report counts messages), i.e. once the dissector has landed.
DISSECTOR_LIMITS = {
    "deep-xml.pcap": {"xml_depth"},
    "http-huge-body.pcap": {"http_header"},
    "tls-endless.pcap": {"tls_handshake"},
    "dns-loops.pcap": {"dns_records"},
}
# Known gaps, printed as notes (none open now); move an entry to
# EXPECTED_LIMITS once it holds.
KNOWN_MISSING = {}
# Packets read before the damage, and the warning that says where it stopped.
EXPECTED_PACKETS = {
    "syn-flood.pcap": 1000000,
    "snaplen-2g.pcap": 7,
    "trunc-data.pcap": 1,
    "trunc-header.pcap": 1,
    "trunc-caplen-4g.pcap": 1,
    "pcapng-lies.pcapng": 1,
}
WARNED = {"snaplen-2g.pcap", "trunc-data.pcap", "trunc-header.pcap", "trunc-caplen-4g.pcap", "pcapng-lies.pcapng"}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def find_key(doc, key):
    if isinstance(doc, dict):
        if key in doc:
            return doc[key]
        for v in doc.values():
            r = find_key(v, key)
            if r is not None:
                return r
    return None


def is_asan(binary):
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "libasan" in out or "libubsan" in out


def measured_run(measure, cmd, timeout):
    """Returns (exit, rss_mb, wall_s, stderr) or raises TimeoutExpired."""
    r = subprocess.run([measure] + cmd, capture_output=True, text=True, timeout=timeout)
    fields = r.stdout.split()
    if len(fields) != 5:
        raise RuntimeError("measure printed %r (stderr %r)" % (r.stdout, r.stderr[-2000:]))
    wall, rss_kb, _, _, code = fields
    return int(code), int(rss_kb) / 1024, float(wall), r.stderr


def report_problems(name, report, problems, notes):
    """What the JSON report of a hostile capture must say: the limits hit, the packets read."""
    try:
        with open(report) as fh:
            doc = json.load(fh)
        hit = {h.get("limit") for h in (find_key(doc, "limits_hit") or [])}
        missing = EXPECTED_LIMITS.get(name, set()) - hit
        if missing:
            problems.append("limit(s) %s not reported as hit (got %s)" % (sorted(missing), sorted(hit)))
        stats = doc.get("stats") or {}
        if stats.get("messages"):
            missing = DISSECTOR_LIMITS.get(name, set()) - hit
            if missing:
                problems.append("limit(s) %s not reported as hit though the capture decodes (got %s)"
                                % (sorted(missing), sorted(hit)))
        elif name in DISSECTOR_LIMITS:
            notes.append("note: nothing decoded, so %s not checked" % ", ".join(sorted(DISSECTOR_LIMITS[name])))
        known = KNOWN_MISSING.get(name, set()) - hit
        if known:
            notes.append("note: known gap, %s not reported" % ", ".join(sorted(known)))
        if name in EXPECTED_PACKETS and stats.get("packets") != EXPECTED_PACKETS[name]:
            problems.append("%s packets analysed, expected %d" % (stats.get("packets"), EXPECTED_PACKETS[name]))
    except (OSError, ValueError) as e:
        problems.append("JSON report unreadable: %s" % e)


def run_log_variants(amtscope, measure, samples, logdir, gen_mtime, time_bound, rss_bound, names, failures):
    """Damaged copies of the real log samples, through `analyze -l`: never a crash, exit 2 only naming the format."""
    import hostile  # main put its folder on sys.path
    if not os.path.exists(os.path.join(logdir, ".generated")) or \
            os.path.getmtime(os.path.join(logdir, ".generated")) < gen_mtime:
        os.makedirs(logdir, exist_ok=True)
        for sample in samples:
            hostile.log_variants(sample, logdir)
        open(os.path.join(logdir, ".generated"), "w").close()
    for name in sorted(n for n in os.listdir(logdir) if n.endswith(".log")):
        path = os.path.join(logdir, name)
        report = path + ".json"
        cmd = [amtscope, "analyze", "-l", path, "--format", "json", "-o", report]
        names.append(name)
        try:
            code, rss, wall, err = measured_run(measure, cmd, time_bound)
        except subprocess.TimeoutExpired:
            failures.append("%s: still running after %d s" % (name, time_bound))
            print("FAIL %-26s timeout (%d s)" % (name, time_bound))
            continue
        problems = []
        # exit 2: the damage hides the format (said on stderr); never a crash
        if code not in (0, 1, 2) or (code == 2 and "format" not in err):
            problems.append("exit %d: %s" % (code, err.strip()[-300:]))
        if any(m in err for m in SANITIZER_MARKS):
            problems.append("sanitizer report")
        if rss > rss_bound:
            problems.append("peak RSS %.1f MB over %d MB" % (rss, rss_bound))
        if code in (0, 1) and "long-line" in name:
            try:
                with open(report) as fh:
                    hit = {h.get("limit") for h in (find_key(json.load(fh), "limits_hit") or [])}
                if "log_line" not in hit:
                    problems.append("a 20 MB line did not hit the log_line limit (got %s)" % sorted(hit))
            except (OSError, ValueError) as e:
                problems.append("JSON report unreadable: %s" % e)
        print("%-4s %-44s exit %d  %7.1f MB  %6.2f s  %s" % ("FAIL" if problems else "ok", name[4:], code, rss,
                                                              wall, "; ".join(problems)))
        if problems:
            failures.append("%s: %s" % (name, "; ".join(problems)))


def main():
    amtscope = os.environ["AMTSCOPE"]
    srcdir = os.environ["SRCDIR"]
    builddir = os.environ["BUILDDIR"]
    measure = os.path.join(builddir, "bench", "measure")
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.join(srcdir, "tests", "robust"))
    import hostile

    outdir = os.path.join(builddir, "tests", "robust", "hostile")
    os.makedirs(outdir, exist_ok=True)

    tiny = os.path.join(outdir, "tiny-valid.pcap")
    p = hostile.Pcap(tiny)
    f = hostile.Flow(p, 40000, 16992)
    f.send(True, hostile.HTTP_REQ + b"Content-Length: 0\r\n\r\n")
    f.close()
    p.close()
    r = subprocess.run([amtscope, "analyze", "-r", tiny, "--format", "json", "-o", os.devnull],
                       capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        print("SKIP: the engine cannot read a valid capture yet (exit %d: %s)" % (r.returncode, r.stderr.strip()))
        return 77

    # Generate once per version of hostile.py (the syn flood alone is 70 MB).
    stamp = os.path.join(outdir, ".generated")
    gen_mtime = os.path.getmtime(hostile.__file__)
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < gen_mtime:
        subprocess.run([sys.executable, hostile.__file__, outdir], check=True, stdout=subprocess.DEVNULL)
        open(stamp, "w").close()

    asan = is_asan(amtscope)
    rss_bound = RSS_BOUND_MB * (4 if asan else 1)
    time_bound = TIME_BOUND_S * (6 if asan else 1)
    names = sys.argv[1:] or sorted(n for n in os.listdir(outdir) if n.endswith((".pcap", ".pcapng"))
                                   and n != "tiny-valid.pcap")
    failures = []
    for name in names:
        path = os.path.join(outdir, name)
        report = os.path.join(outdir, name + ".json")
        cmd = [amtscope, "analyze", "-r", path, "--format", "json", "-o", report]
        try:
            code, rss, wall, err = measured_run(measure, cmd, time_bound)
        except subprocess.TimeoutExpired:
            failures.append("%s: still running after %d s" % (name, time_bound))
            print("FAIL %-26s timeout (%d s)" % (name, time_bound))
            continue
        problems, notes = [], []
        expected_codes = (2,) if name in UNREADABLE else (0, 1)
        if code not in expected_codes:
            problems.append("exit %d (expected %s)" % (code, "/".join(map(str, expected_codes))))
        if any(m in err for m in SANITIZER_MARKS):
            problems.append("sanitizer report")
        if rss > rss_bound:
            problems.append("peak RSS %.1f MB over %d MB" % (rss, rss_bound))
        if name in WARNED and "warning" not in err:
            problems.append("no warning on stderr about the damage")
        if code == 2 and not err.strip():
            problems.append("exit 2 without a message")
        if code in (0, 1):
            report_problems(name, report, problems, notes)
        status = "FAIL" if problems else "ok"
        print("%-4s %-26s exit %d  %7.1f MB  %6.2f s  %s" % (status, name, code, rss, wall,
                                                              "; ".join(problems + notes)))
        if problems:
            failures.append("%s: %s" % (name, "; ".join(problems)))
            tail = err.strip().splitlines()[-30:]
            if tail:
                print("     stderr:\n       " + "\n       ".join(tail))
    # Damaged copies of the real log samples, through `analyze -l`.
    logs_dir = os.path.join(os.environ.get("TESTDATA", ""), "logs")
    samples = sorted(os.path.join(logs_dir, n) for n in
                     (os.listdir(logs_dir) if os.path.isdir(logs_dir) else [])
                     if n.endswith((".log", ".txt")))
    if not samples and not sys.argv[1:]:
        failures.append("no log samples in %s (tests/data/public/logs)" % logs_dir)
    logdir = os.path.join(outdir, "logs")
    if samples and not sys.argv[1:]:
        probe = subprocess.run([amtscope, "analyze", "-l", samples[0], "--format", "json", "-o", os.devnull],
                               capture_output=True, text=True, timeout=60)
        if probe.returncode not in (0, 1):
            print("note: analyze -l cannot read the untouched sample %s yet (exit %d): log variants skipped"
                  % (os.path.basename(samples[0]), probe.returncode))
            samples = []
    if samples and not sys.argv[1:]:
        run_log_variants(amtscope, measure, samples, logdir, gen_mtime, time_bound, rss_bound, names, failures)

    print("bounds: %d MB peak RSS, %d s per capture%s" % (rss_bound, time_bound, " (ASan build)" if asan else ""))
    if failures:
        print("%d of %d hostile captures failed" % (len(failures), len(names)))
        return 1
    print("all %d hostile captures passed" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
