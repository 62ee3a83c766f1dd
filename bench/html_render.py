#!/usr/bin/env python3
"""How big an HTML report is and how long headless Chromium takes to render it.

    bench/html_render.py REPORT.html [--rounds N] [--max-bytes B] [--max-seconds S]

Renders the report to a screenshot (layout and paint of the whole 1280x4000
page, like opening it) N times (default 3) and an empty page as often, and
prints the size, the median wall time of each, and their difference: the
report's own render time, without Chromium's start-up. Exits 1 when a
maximum is given and exceeded, 77 when Chromium is not installed."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,4000"]


def render(browser, path, shot):
    with tempfile.TemporaryDirectory(prefix="amtscope-render-") as profile:
        t = time.monotonic()
        p = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                            "file://" + os.path.abspath(path)], capture_output=True, timeout=300)
        dt = time.monotonic() - t
    if p.returncode != 0 or not os.path.exists(shot):
        sys.exit(f"chromium failed on {path}: {p.stderr.decode(errors='replace')[-400:]}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--max-bytes", type=int)
    ap.add_argument("--max-seconds", type=float)
    a = ap.parse_args()
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
                   None)
    if not browser:
        print("chromium is not installed: skipping")
        return 77
    size = os.path.getsize(a.report)
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.html")
        with open(empty, "w") as f:
            f.write("<!DOCTYPE html><html><body></body></html>\n")
        shot = os.path.join(tmp, "shot.png")
        full, base = [], []
        for _ in range(a.rounds):
            base.append(render(browser, empty, shot))
            full.append(render(browser, a.report, shot))
    t_full, t_base = statistics.median(full), statistics.median(base)
    own = max(0.0, t_full - t_base)
    print(f"{a.report}: {size} bytes ({size / 1e6:.2f} MB); Chromium screenshot {t_full:.2f} s median of "
          f"{a.rounds}, empty page {t_base:.2f} s, the report's own {own:.2f} s")
    bad = (a.max_bytes and size > a.max_bytes) or (a.max_seconds and t_full > a.max_seconds)
    if bad:
        print(f"FAIL: over the limits (bytes {a.max_bytes}, seconds {a.max_seconds})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
