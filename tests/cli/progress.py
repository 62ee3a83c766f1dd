#!/usr/bin/env python3
"""Feedback on long work goes to stderr only when it is a terminal (a pty
here) and not with -q: a progress line for a large file (the 50 MB threshold
lowered with AMTSCOPE_PROGRESS_MIN_BYTES), "Capturing on 'lo'" and a count
for a live capture (as root). Nothing when stderr is a pipe; the report on
stdout is the same either way."""
import os
import pty
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

AMTSCOPE = os.environ["AMTSCOPE"]
SRCDIR = os.environ["SRCDIR"]
fails = 0


def check(what, cond):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond


def run(args, tty, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    env.pop("AMTSCOPE_NO_PROGRESS", None)
    if not tty:
        r = subprocess.run(args, capture_output=True, env=env)
        return r.returncode, r.stdout, r.stderr
    master, slave = pty.openpty()
    out_file = tempfile.TemporaryFile()  # not a pipe: the report must not block on a reader busy here
    p = subprocess.Popen(args, stdout=out_file, stderr=slave, env=env)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the slave side is closed
            break
        if not chunk:
            break
        err += chunk
    p.wait()
    out_file.seek(0)
    out = out_file.read()
    os.close(master)
    return p.returncode, out, err


with tempfile.TemporaryDirectory() as tmp:
    cap = os.path.join(tmp, "g.pcap")
    subprocess.run([sys.executable, os.path.join(SRCDIR, "bench/gencap.py"), "-o", cap, "--size", "10"],
                   check=True, capture_output=True)
    small = {"AMTSCOPE_PROGRESS_MIN_BYTES": "1000000"}
    base = [AMTSCOPE, "analyze", "-r", cap, "--fail-on", "never"]
    rc, out_tty, err = run(base, True, small)
    check("file on a terminal: a progress line (%r)" % err[:120],
          rc == 0 and b"read " in err and b"MB/s" in err and b"findings so far" in err)
    check("  ... cleared at the end", err.endswith(b"\r\x1b[K"))
    rc, out_pipe, err = run(base, False, small)
    check("file, stderr a pipe: no progress (%r)" % err[:80], rc == 0 and err == b"")
    check("the report is the same with and without the progress line", out_tty == out_pipe)
    rc, _, err = run(base + ["-q"], True, small)
    check("file on a terminal with -q: no progress (%r)" % err[:80], rc == 0 and b"read " not in err)
    rc, _, err = run(base, True)
    check("a 10 MB file (under the 50 MB threshold): no progress (%r)" % err[:80], b"read " not in err)
    if os.geteuid() == 0:
        rc, _, err = run([AMTSCOPE, "analyze", "-i", "lo", "--duration", "1", "--fail-on", "never"], True)
        check("live on a terminal: Capturing on 'lo' and a count (%r)" % err[:120],
              b"Capturing on 'lo'" in err and b"packets captured" in err)
        rc, _, err = run([AMTSCOPE, "analyze", "-i", "lo", "--duration", "1", "--fail-on", "never"], False)
        check("live, stderr a pipe: silent (%r)" % err[:80], b"Capturing" not in err)
sys.exit(1 if fails else 0)
