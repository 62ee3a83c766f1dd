#!/usr/bin/env python3
"""A run interrupted while it writes a large HTML report (SIGINT, SIGKILL)
leaves the earlier report at -o byte for byte as it was; after SIGINT no
temporary file is left either. The capture is generated (bench/gencap.py),
the signal sent once the temporary report has started to fill."""
import glob
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure
import time

AMTSCOPE = os.environ["AMTSCOPE"]
SRCDIR = os.environ["SRCDIR"]
fails = 0


def check(what, cond):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond


with tempfile.TemporaryDirectory() as tmp:
    cap = os.path.join(tmp, "big.pcap")
    subprocess.run([sys.executable, os.path.join(SRCDIR, "bench/gencap.py"), "-o", cap, "--size", "20"],
                   check=True, capture_output=True)
    report = os.path.join(tmp, "report.html")
    earlier = b"<html>the earlier report</html>\n"
    with open(report, "wb") as f:
        f.write(earlier)
    for sig in (signal.SIGINT, signal.SIGKILL):
        hit = False
        for attempt in range(20):
            p = subprocess.Popen([AMTSCOPE, "analyze", "-r", cap, "-v", "-o", report, "--fail-on", "never"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.time() + 30
                while p.poll() is None and time.time() < deadline:
                    temps = glob.glob(os.path.join(tmp, ".report.html.*"))
                    if temps and os.path.getsize(temps[0]) > 0:
                        p.send_signal(sig)
                        hit = True
                        break
                    time.sleep(0.0005)
                p.wait(timeout=30)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            if hit:
                break
            # the run finished before the write was caught: restore and retry
            with open(report, "wb") as f:
                f.write(earlier)
        check("%s arrived during the HTML write" % sig.name, hit)
        with open(report, "rb") as f:
            check("%s: the earlier report is intact" % sig.name, f.read() == earlier)
        check("%s: the run did not exit 0 (%s)" % (sig.name, p.returncode), p.returncode != 0)
        left = glob.glob(os.path.join(tmp, ".report.html.*"))
        if sig == signal.SIGINT:
            check("SIGINT: no temporary file left", not left)
        for t in left:  # SIGKILL cannot clean up: the stray temporary file is all it leaves
            os.unlink(t)
    # and an uninterrupted run replaces it
    r = subprocess.run([AMTSCOPE, "analyze", "-r", cap, "-o", report, "--fail-on", "never"],
                       capture_output=True)
    with open(report, "rb") as f:
        head = f.read(100)
    check("a complete run replaces the earlier report with HTML (format from .html)",
          r.returncode == 0 and head.startswith(b"<!DOCTYPE html>"))
sys.exit(1 if fails else 0)
