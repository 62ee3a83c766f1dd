#!/usr/bin/env python3
"""Findings in the stream, with their times; every record names its sensor
and run.

For every capture of the suite and every log of the corpus: `analyze --format json -o R --events E
--sensor S`. The finding records of E (event_type finding) must be the
findings of R, one for one and in the same order (rule, severity, device,
summary, remedy, evidence places, first_seen, last_seen); a record's
timestamp is its first_seen; first_seen <= every evidence time <= last_seen,
and a finding whose evidence has a time has first_seen. Every record of E
carries sensor S and one run_id (a UUID when --run-id is not given, another
one on the next run); every record with a flow carries community_id.
Fails when fewer than 50 findings were compared."""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import suite  # noqa: E402

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
problems = []
compared = timed = 0
run_ids = set()


def problem(msg):
    if len(problems) < 40:
        problems.append(msg)


with tempfile.TemporaryDirectory() as tmp:
    for n, cap in enumerate(suite.inputs()):
        rel = os.path.relpath(cap[1], suite.SRCDIR)
        rep, ev = os.path.join(tmp, "r.json"), os.path.join(tmp, "e.jsonl")
        suite.analyze(cap, "--format", "json", "-o", rep, "--events", ev, "--sensor", f"probe-{n}")
        with open(rep) as f:
            report = json.load(f)
        with open(ev) as f:
            recs = [json.loads(line) for line in f if line.strip()]
        ids = {r.get("run_id") for r in recs}
        if recs and (len(ids) != 1 or not UUID.match(next(iter(ids)) or "")):
            problem(f"{rel}: run ids {ids}: one random UUID per run expected")
        run_ids |= ids
        for r in recs:
            if r.get("sensor") != f"probe-{n}":
                problem(f"{rel}: a {r['event_type']} record with sensor {r.get('sensor')!r}")
                break
            if "flow_id" in r and not r.get("community_id"):
                problem(f"{rel}: a {r['event_type']} record of flow {r['flow_id']} without community_id")
                break
        stream = [r for r in recs if r["event_type"] == "finding"]
        kinds = [r["event_type"] for r in recs]
        if stream and kinds.index("finding") != len(kinds) - len(stream):
            problem(f"{rel}: finding records are not after the events")
        if len(stream) != len(report["findings"]):
            problem(f"{rel}: {len(stream)} finding records, {len(report['findings'])} findings in the report")
            continue
        for x, r in zip(report["findings"], stream):
            compared += 1
            for k in ("rule", "severity", "device", "summary", "remedy", "first_seen", "last_seen"):
                if x.get(k) != r.get(k):
                    problem(f"{rel}: {x['rule']}: {k} is {r.get(k)!r} in the stream, {x.get(k)!r} in the report")
            places = [(e["input"], e.get("frame"), e.get("line")) for e in r["evidence"]]
            if places != [(e["input"], e.get("frame"), e.get("line")) for e in x["evidence"]]:
                problem(f"{rel}: {x['rule']}: the stream cites other evidence than the report")
            if r.get("timestamp") != r.get("first_seen"):
                problem(f"{rel}: {x['rule']}: timestamp {r.get('timestamp')} is not first_seen {r.get('first_seen')}")
            times = [e["timestamp"] for e in r["evidence"] if "timestamp" in e]
            if times:
                timed += 1
                if "first_seen" not in r:
                    problem(f"{rel}: {x['rule']}: evidence has times but the finding has no first_seen")
                elif not (r["first_seen"] <= min(times) and max(times) <= r["last_seen"]):
                    problem(f"{rel}: {x['rule']}: evidence times {min(times)}..{max(times)} outside "
                            f"{r['first_seen']}..{r['last_seen']}")
for p in problems:
    print("FAIL:", p)
print(f"{compared} findings compared ({timed} with timed evidence), {len(run_ids)} distinct run ids")
if compared < 50 or timed < compared // 2:
    print("FAIL: too few findings (or too few with times) to prove anything")
    sys.exit(1)
sys.exit(1 if problems else 0)
