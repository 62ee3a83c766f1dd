#!/usr/bin/env python3
"""The fleet store on a real ClickHouse: deploy/clickhouse/ end to end.

Starts clickhouse-server on 127.0.0.1 with a configuration of its own (a
temporary data folder, free ports chosen here, UTC), creates schema.sql,
analyses the suite's captures as two sensors (site-a takes every other
capture, site-b the rest: `analyze --format json -o REPORT --events JSONL`),
loads the JSON lines with load.sh, runs every query of queries.sql and checks
each answer against the JSON reports of the same runs (findings per rule and
site, unanswered-hello devices, setup services with most failures, first and
last seen per device) and the Distributed tables against the local ones. The
server is stopped by its PID at the end, also when the test fails or is
killed. Skips (77) only when clickhouse-server is not installed."""
import collections
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import children  # noqa: E402,F401  every process started here is stopped at exit, also on failure
import suite  # noqa: E402

SERVER = shutil.which("clickhouse-server") or ("/usr/sbin/clickhouse-server"
                                               if os.path.exists("/usr/sbin/clickhouse-server") else None)
CLIENT = shutil.which("clickhouse-client")
if not SERVER or not CLIENT:
    print("clickhouse-server/clickhouse-client are not installed (Debian: clickhouse-server): skipping")
    sys.exit(77)

DEPLOY = os.path.join(suite.SRCDIR, "deploy", "clickhouse")
failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else f": {detail}"))
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


tmp = tempfile.mkdtemp(prefix="amtscope-clickhouse-")
server = None


def stop(*_):
    global server
    if server and server.poll() is None:
        server.terminate()  # by its PID: the process this test started
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server = None
    shutil.rmtree(tmp, ignore_errors=True)


def on_signal(sig, _frame):
    stop()
    sys.exit(128 + sig)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

tcp, http = free_port(), free_port()
for d in ("data", "tmp", "user_files", "format_schemas", "log"):
    os.makedirs(os.path.join(tmp, d))
with open(os.path.join(tmp, "users.xml"), "w") as f:
    f.write("""<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
""")
with open(os.path.join(tmp, "config.xml"), "w") as f:
    f.write(f"""<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{tmp}/log/server.log</log><errorlog>{tmp}/log/error.log</errorlog>
    <console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{tcp}</tcp_port>
  <http_port>{http}</http_port>
  <path>{tmp}/data/</path>
  <tmp_path>{tmp}/tmp/</tmp_path>
  <user_files_path>{tmp}/user_files/</user_files_path>
  <format_schema_path>{tmp}/format_schemas/</format_schema_path>
  <users_config>{tmp}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <remote_servers><amtscope><shard><replica><host>127.0.0.1</host><port>{tcp}</port></replica></shard></amtscope>
  </remote_servers>
</yandex>
""")
client = [CLIENT, "--host", "127.0.0.1", "--port", str(tcp)]


def sql(query, stdin=None):
    p = subprocess.run(client + ["--query", query], input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"clickhouse-client failed on {query[:80]!r}: {p.stderr.strip()[:500]}")
    return p.stdout


try:
    server = subprocess.Popen([SERVER, f"--config-file={tmp}/config.xml"], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, "log", "stderr.log"), "w"), cwd=tmp)
    for _ in range(120):
        if server.poll() is not None:
            break
        if subprocess.run(client + ["--query", "SELECT 1"], capture_output=True).returncode == 0:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("clickhouse-server did not answer within 60 s")
    if server.poll() is not None:
        raise RuntimeError("clickhouse-server exited at start: " +
                           open(os.path.join(tmp, "log", "stderr.log")).read()[-500:])
    print(f"clickhouse-server {sql('SELECT version()').strip()} on 127.0.0.1:{tcp} (PID {server.pid})")
    with open(os.path.join(DEPLOY, "schema.sql")) as f:
        p = subprocess.run(client + ["--multiquery"], stdin=f, capture_output=True, text=True)
    check("schema.sql creates its tables", p.returncode == 0, p.stderr.strip()[:300])

    # the suite's captures, analysed as two sensors
    reports = []   # (site, report)
    jsonls = []
    work = os.path.join(tmp, "out")
    os.makedirs(work)
    for n, cap in enumerate(suite.captures()):
        site = "site-a" if n % 2 == 0 else "site-b"
        rep, ev = os.path.join(work, f"{n}.json"), os.path.join(work, f"{n}.jsonl")
        suite.analyze(cap, "--format", "json", "-o", rep, "--events", ev, "--sensor", site, "--run-id", f"{site}-{n}")
        with open(rep) as f:
            reports.append((site, json.load(f)))
        jsonls.append(ev)
    env = dict(os.environ, CLICKHOUSE_CLIENT=" ".join(client))
    p = subprocess.run([os.path.join(DEPLOY, "load.sh"), *jsonls], capture_output=True, text=True, env=env)
    check("load.sh loads every file", p.returncode == 0, p.stderr.strip()[:500])

    records = []
    for ev in jsonls:
        with open(ev) as f:
            records += [json.loads(line) for line in f if line.strip()]
    events = [r for r in records if r["event_type"] != "finding"]
    findings = [(site, x) for site, rep in reports for x in rep["findings"]]

    # one unanswered hello of three days before, from a third site: counted
    # per rule and site, but not among the last day's
    def shifted(t):
        d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ") - datetime.timedelta(days=3)
        return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    old = dict(next(r for r in records if r["event_type"] == "finding" and r["rule"] == "hello.unanswered"),
               sensor="site-old", run_id="site-old-1")
    for k in ("timestamp", "first_seen", "last_seen"):
        old[k] = shifted(old[k])
    # and the same hello a site saw at the newest time of the data: whatever the
    # suite's captures' dates, the last day holds at least one unanswered hello
    newest_seen = max((x["last_seen"] for _, x in findings if x.get("last_seen")), default=old["last_seen"])
    recent = dict(old, sensor="site-recent", run_id="site-recent-1",
                  timestamp=newest_seen, first_seen=newest_seen, last_seen=newest_seen)
    old_file = os.path.join(work, "old.jsonl")
    with open(old_file, "w") as f:
        f.write(json.dumps(old) + "\n")  # with spaces after the colons, as jq writes
        f.write(json.dumps(recent) + "\n")
    p = subprocess.run([os.path.join(DEPLOY, "load.sh"), old_file], capture_output=True, text=True, env=env)
    check("load.sh loads a third site's file", p.returncode == 0, p.stderr.strip()[:300])
    findings.append(("site-old", old))
    findings.append(("site-recent", recent))
    check("the suite gives findings on both sites and hundreds of events",
          {s for s, _ in findings} >= {"site-a", "site-b"} and len(events) > 500)
    check("every event and finding is in the store",
          int(sql("SELECT count() FROM amtscope.events")) == len(events) and
          int(sql("SELECT count() FROM amtscope.findings")) == len(findings))
    check("the Distributed tables see the same rows",
          sql("SELECT count() FROM amtscope.findings_all") == sql("SELECT count() FROM amtscope.findings") and
          sql("SELECT count() FROM amtscope.events_all") == sql("SELECT count() FROM amtscope.events"))

    with open(os.path.join(DEPLOY, "queries.sql")) as f:
        parts = re.split(r"^-- query: (\w+)\n", f.read(), flags=re.M)
    queries = {}
    for i in range(1, len(parts), 2):
        body = "\n".join(l for l in parts[i + 1].splitlines() if not l.lstrip().startswith("--"))
        queries[parts[i]] = body.strip().rstrip(";")

    def answer(name):
        return [json.loads(line) for line in sql(queries[name] + " FORMAT JSONEachRow").splitlines()]

    # findings per rule and site
    want = collections.defaultdict(lambda: [0, set()])
    for site, x in findings:
        w = want[(site, x["rule"], x["severity"])]
        w[0] += 1
        if x.get("device"):
            w[1].add(x["device"])
    got = {(r["site"], r["rule"], r["severity"]): (int(r["findings"]), int(r["devices"]))
           for r in answer("findings_per_rule_and_site")}
    check("findings_per_rule_and_site: every (site, rule, severity) with its count and devices",
          got == {k: (v[0], len(v[1])) for k, v in want.items()} and len(got) > 5,
          f"{len(got)} rows, {len(want)} expected")

    # unanswered hellos in the last day of the data (DateTime: whole seconds)
    def secs(t):
        return int(datetime.datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")
                   .replace(tzinfo=datetime.timezone.utc).timestamp())
    newest = max(secs(x["last_seen"]) for _, x in findings if x.get("last_seen"))
    want = collections.defaultdict(list)
    for site, x in findings:
        if x["rule"] == "hello.unanswered" and x.get("last_seen") and secs(x["last_seen"]) >= newest - 86400:
            want[(site, x["device"])].append(x)
    got = {(r["site"], r["device"]): (int(r["findings"]), r["first_hello"], r["last_hello"])
           for r in answer("unanswered_hellos_last_day")}
    check("unanswered_hellos_last_day: the devices of hello.unanswered, with counts and times",
          got == {k: (len(v), min(x["first_seen"] for x in v), max(x["last_seen"] for x in v))
                  for k, v in want.items()} and got, f"{got} vs {dict(want)}")
    print(f"     last day of data ends {datetime.datetime.fromtimestamp(newest, datetime.timezone.utc)}; "
          f"{len(got)} devices")
    check("an unanswered hello of three days before is not among the last day's, but is counted",
          not any(s == "site-old" for s, _ in got) and ("site-recent", recent["device"]) in got and
          any(r["site"] == "site-old" for r in answer("findings_per_rule_and_site")))

    # setup services with most failures
    hellos = {(r["sensor"], r["src_ip"], r["dest_ip"]) for r in events if r["event_type"] == "hello"}
    failed = [(site, x["device"]) for site, x in findings
              if x["rule"] in ("hello.unanswered", "scs.contact_back_failed")]
    want = collections.defaultdict(lambda: [0, set()])
    for site, dev, service in hellos:
        for s2, d2 in failed:
            if (s2, d2) == (site, dev):
                want[service][0] += 1
                want[service][1].add(dev)
    got = {r["service"]: (int(r["failures"]), int(r["devices"])) for r in answer("setup_services_most_failures")}
    order = [r["service"] for r in answer("setup_services_most_failures")]
    check("setup_services_most_failures: failures and devices per setup service, most first",
          got == {k: (v[0], len(v[1])) for k, v in want.items()} and got and
          [got[s][0] for s in order] == sorted((got[s][0] for s in order), reverse=True), f"{got}")

    # first and last seen per address, from the events
    want = {}
    for r in events:
        if not r.get("timestamp"):
            continue
        for ip in (r.get("src_ip"), r.get("dest_ip")):
            if ip:
                k = (r["sensor"], ip)
                a = want.get(k, [r["timestamp"], r["timestamp"], 0])
                want[k] = [min(a[0], r["timestamp"]), max(a[1], r["timestamp"]), a[2] + 1]
    got = {(r["site"], r["device"]): [r["first_seen"], r["last_seen"], int(r["events"])]
           for r in answer("device_first_last_seen")}
    check("device_first_last_seen: first and last event time (with microseconds) per address",
          got == want and len(got) > 20, f"{len(got)} rows, {len(want)} expected")

    # first and last problem per device, from the JSON reports
    want = {}
    for site, x in findings:
        if x.get("device") and x.get("first_seen"):
            k = (site, x["device"])
            a = want.get(k, [x["first_seen"], x["last_seen"], 0])
            want[k] = [min(a[0], x["first_seen"]), max(a[1], x["last_seen"]), a[2] + 1]
    got = {(r["site"], r["device"]): [r["first_problem"], r["last_problem"], int(r["findings"])]
           for r in answer("device_findings_first_last")}
    check("device_findings_first_last: the span of each device's findings, as the JSON reports say",
          got == want and got, f"{len(got)} rows, {len(want)} expected")
except RuntimeError as e:
    check("clickhouse", False, str(e))
finally:
    pid = server.pid if server else None
    stop()
    if pid:
        check(f"clickhouse-server (PID {pid}) stopped", not os.path.exists(f"/proc/{pid}") or
              open(f"/proc/{pid}/stat").read().split()[2] == "Z")
sys.exit(1 if failures else 0)
