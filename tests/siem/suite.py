"""The suite's captures (and the one capture recorded with a setup-service log),
run through amtscope, for the tests of the SIEM outputs (tests/siem/).

Every capture committed under tests/*/captures/, tests/robust/corpus-pcap/ and
samples/ is analysed on its own; a capture with a key log next to it
(NAME.keylog) is analysed with it, so decrypted HTTP/WS-Man events are in too;
contact-back.pcap is analysed with its log, so log records are in too; the
log corpus (tests/logs/corpus-logfmt/: every log format amtscope reads) is
analysed file by file (logs())."""
import glob
import os
import subprocess

SRCDIR = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
AMTSCOPE = os.environ.get("AMTSCOPE", "amtscope")


def captures():
    pats = ["tests/*/captures/*.pcap", "tests/*/captures/*.pcapng", "tests/robust/corpus-pcap/*.pcap",
            "tests/robust/corpus-pcap/*.pcapng", "samples/*.pcap"]
    found = set()
    for p in pats:
        found.update(glob.glob(os.path.join(SRCDIR, p)))
    return sorted(found)


def logs():
    return sorted(glob.glob(os.path.join(SRCDIR, "tests", "logs", "corpus-logfmt", "*")))


def inputs():
    """Every input of the suite as the options that read it: captures, then logs."""
    return [["-r", c] + extra_args(c) for c in captures()] + [log_args(f) for f in logs()]


def log_args(path):
    # the corpus names its files FORMAT, FORMAT-utf16 and FORMAT-detect
    name = os.path.basename(path)
    for suffix in ("-utf16", "-detect"):
        if name.endswith(suffix):
            name = name[:-len(suffix)]
    return ["-l", path, "--log-format", name]


def extra_args(cap):
    args = []
    base = os.path.splitext(cap)[0]
    if os.path.exists(base + ".keylog"):
        args += ["--keylog", base + ".keylog"]
    if os.path.basename(cap) == "contact-back.pcap":
        args += ["-l", os.path.join(os.path.dirname(cap), "contact-back-scs.log")]
    return args


def analyze(cap, *args, check=True):
    """amtscope analyze on one capture (or on what inputs() gives, a list);
    returns (stdout, stderr)."""
    reads = cap if isinstance(cap, list) else ["-r", cap] + extra_args(cap)
    cmd = [AMTSCOPE, "analyze", "--fail-on", "never"] + reads + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, SSLKEYLOGFILE=""))
    if check and p.returncode not in (0, 1):
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout, p.stderr


if __name__ == "__main__":
    # `suite.py list`: one line per input, the options that read it
    import sys
    if sys.argv[1:] == ["list"]:
        for args in inputs():
            print(" ".join(args))
