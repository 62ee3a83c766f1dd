#!/usr/bin/env python3
"""Checks an amtscope HTML report in headless Chromium.

    check_html.py REPORT.html REPORT.json SCREENSHOT.png [--expect-lanes=L1,L2,...]
                  [--events=EVENTS.jsonl]

--events: the JSON lines events of the same run; every kind of event the
timeline keeps must have its lane drawn.

REPORT.json is the JSON report of the same analysis: every finding in it must
appear in the page (an <article data-rule=...> per finding, in the rendered
DOM). The page must render without console errors or blocked loads, load
nothing from outside, and contain no markup smuggled in through captured
strings. The screenshot is kept as a test artefact. Exit 77 (skipped) when
chromium is not installed, or when AMTSCOPE_TEST_NO_BROWSER is set (the
sanitizer pass of tests/run-all.sh: the page is the same bytes the gcc pass
already rendered, and a browser per report doubled that pass's time).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--enable-logging=stderr", "--v=0"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(browser, html, extra):
    with tempfile.TemporaryDirectory(prefix="amtscope-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, pathlib.Path(html).resolve().as_uri()]
        # its own session: the browser's helper processes are stopped with it
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120,
                               start_new_session=True)
        finally:
            children.stop_all()
        return p.returncode, p.stdout, p.stderr


def console_errors(stderr):
    bad = []
    for line in stderr.splitlines():
        if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line or "net::ERR" in line:
            bad.append(line)
    return bad


# event_type -> lane, as reports/html_timeline.c draws them; None: kinds the
# timeline does not keep (a session or WS-Man event summarises them)
LANES = {
    "dhcp_message": "DHCP", "dhcp_lease": "DHCP",
    "dns_query": "DNS", "dns_answer": "DNS", "dns_failure": "DNS",
    "hello": "hello", "flow_close": "connections", "flow_open": None,
    "tls_client_hello": "TLS", "tls_server_hello": "TLS", "tls_certificates": "TLS",
    "tls_cert_request": "TLS", "tls_alert": "TLS", "tls_decrypt": "TLS",
    "http_request": None, "http_response": None,
    "wsman_request": "WS-Man / HTTP", "wsman_response": "WS-Man / HTTP",
    "redir_session": "redirection", "redir_message": None, "rfb_message": None,
    "rmcp_ping": "RMCP", "rmcp_pong": "RMCP", "log_record": "log lines",
    "finding": None,  # the findings records of the stream: no lane of their own
}


def lanes_for(events_path):
    lanes = set()
    with open(events_path, encoding="utf-8") as f:
        for line in f:
            kind = json.loads(line)["event_type"]
            lane = LANES.get(kind, "notes")
            if lane:
                lanes.add(lane)
    return sorted(lanes)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    lanes = []
    for a in argv:
        if a.startswith("--expect-lanes="):
            lanes += [x for x in a.split("=", 1)[1].split(",") if x]
        elif a.startswith("--events="):
            lanes += lanes_for(a.split("=", 1)[1])
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    html, report, shot = args
    if os.environ.get("AMTSCOPE_TEST_NO_BROWSER"):
        print("AMTSCOPE_TEST_NO_BROWSER is set: skipping the browser", file=sys.stderr)
        return 77
    browser = chromium()
    if not browser:
        print("chromium is not installed: skipping", file=sys.stderr)
        return 77
    problems = []
    with open(html, encoding="utf-8") as f:
        source = f.read()
    with open(report, encoding="utf-8") as f:
        findings = json.load(f)["findings"]

    # self-contained: nothing is fetched, nothing runs
    for pattern in (r"<script", r"<link\b", r"<iframe", r"<object", r"<embed", r"<img\b", r"@import",
                    r"url\(", r"\bsrc\s*=", r"href\s*=\s*\"(?!#)"):
        if re.search(pattern, source, re.I):
            problems.append(f"the HTML source contains {pattern!r}: not self-contained or not escaped")

    rc, dom, log = run(browser, html, ["--dump-dom", "--window-size=1280,2000"])
    if rc != 0 or "</html>" not in dom:
        problems.append(f"chromium --dump-dom failed (exit {rc}): {log[-500:]}")
    for line in console_errors(log):
        problems.append(f"console: {line}")
    rc, _, log = run(browser, html, [f"--screenshot={os.path.abspath(shot)}", "--window-size=1280,4000"])
    if rc != 0 or not os.path.exists(shot) or os.path.getsize(shot) < 1000:
        problems.append(f"no screenshot (exit {rc})")
    for line in console_errors(log):
        problems.append(f"console: {line}")

    # it prints: a PDF with at least one page comes out
    pdf = os.path.splitext(shot)[0] + ".pdf"
    rc, _, log = run(browser, html, [f"--print-to-pdf={os.path.abspath(pdf)}", "--no-pdf-header-footer"])
    if rc != 0 or not os.path.exists(pdf):
        problems.append(f"--print-to-pdf failed (exit {rc})")
    else:
        with open(pdf, "rb") as f:
            data = f.read()
        if not data.startswith(b"%PDF") or len(re.findall(rb"/Type\s*/Page\b", data)) < 1:
            problems.append("the printed PDF has no page")

    # every finding is on the page with its severity, or counted under its
    # rule ("and N more findings of this rule": the page stays small)
    articles = re.findall(r'<article class="finding (error|warning|info)" id="finding-\d+" data-rule="([^"]*)"', dom)
    counted = sum(int(n) for n in re.findall(r'data-more="(\d+)"', dom))
    if len(articles) + counted != len(findings):
        problems.append(f"{len(articles)} findings on the page and {counted} counted, "
                        f"{len(findings)} in the JSON report")
    on_page = {(sev, rule) for sev, rule in articles}
    for x in findings:
        if (x["severity"], x["rule"]) not in on_page:
            problems.append(f"finding {x['rule']} ({x['severity']}) is not on the page")

    # captured strings stay text: the DOM has no element the report did not write
    tags = set(t.lower() for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", dom))
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section",
               "span", "table", "tbody", "tr", "th", "td", "code", "article", "div", "dl", "dt", "dd", "a",
               "footer", "svg", "rect", "text", "line", "g", "circle", "path", "ol", "li"}
    if tags - allowed:
        problems.append(f"unexpected elements in the DOM: {sorted(tags - allowed)}")

    for lane in lanes:
        if f">{lane}</text>" not in dom:
            problems.append(f"no timeline lane '{lane}'")

    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {len(articles)} findings on the page, lanes {', '.join(lanes) or '-'}, screenshot {shot}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
