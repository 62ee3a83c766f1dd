"""The suite's captures (and the one capture recorded with a setup-service log),
run through amtscope, for the tests of the SIEM outputs (tests/siem/).

Every capture committed under tests/*/captures/, tests/robust/corpus-pcap/ and
samples/ is analysed on its own; a capture with a key log next to it
(NAME.keylog) is analysed with it, so decrypted HTTP/WS-Man events are in too;
contact-back.pcap is analysed with its log, so log records are in too."""
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


def extra_args(cap):
    args = []
    base = os.path.splitext(cap)[0]
    if os.path.exists(base + ".keylog"):
        args += ["--keylog", base + ".keylog"]
    if os.path.basename(cap) == "contact-back.pcap":
        args += ["-l", os.path.join(os.path.dirname(cap), "contact-back-scs.log")]
    return args


def analyze(cap, *args, check=True):
    """amtscope analyze on one capture; returns (stdout, stderr)."""
    cmd = [AMTSCOPE, "analyze", "-r", cap, "--fail-on", "never"] + extra_args(cap) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, SSLKEYLOGFILE=""))
    if check and p.returncode not in (0, 1):
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout, p.stderr


if __name__ == "__main__":
    # `suite.py list`: one line per capture, its path and its options, tab-separated
    import sys
    if sys.argv[1:] == ["list"]:
        for cap in captures():
            print(cap + "\t" + " ".join(extra_args(cap)))
