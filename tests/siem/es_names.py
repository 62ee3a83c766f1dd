#!/usr/bin/env python3
"""No field name is both a value and an object, across every record amtscope
writes as JSON lines.

Elasticsearch and OpenSearch expand a dotted member name into objects
("http.server.name": "x" is {"http": {"server": {"name": "x"}}}), and one index
maps each path once: a path that is a value in one document and an object in
another (`http.server` = "..." next to `http.server.amt_version`) gets the
second document rejected. This test runs every capture of the suite (and the log corpus) through
`analyze --format jsonl` and `--events FILE` (with the findings records of
--events), expands every line by that rule, and fails on the first path that is
both a leaf and an object, naming both documents. It also fails when the suite
produced fewer than 1000 records or no finding record (a test that reads
nothing proves nothing)."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import suite  # noqa: E402

leaf = {}    # path -> where first seen as a value
inner = {}   # path -> where first seen as an object
records = 0
kinds = set()


def expand(obj, prefix, where):
    for key, val in obj.items():
        parts = (prefix + key).split(".")
        for i in range(1, len(parts)):
            inner.setdefault(".".join(parts[:i]), where)
        path = ".".join(parts)
        if isinstance(val, dict):
            inner.setdefault(path, where)
            expand(val, path + ".", where)
        elif isinstance(val, list) and val and all(isinstance(v, dict) for v in val):
            inner.setdefault(path, where)
            for v in val:
                expand(v, path + ".", where)
        else:
            leaf.setdefault(path, where)


def take(text, where):
    global records
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        doc = json.loads(line)
        records += 1
        kinds.add(doc.get("event_type"))
        expand(doc, "", f"{where}:{n} ({doc.get('event_type')})")


with tempfile.TemporaryDirectory() as tmp:
    for reads in suite.inputs():
        cap = reads
        rel = os.path.relpath(reads[1], suite.SRCDIR)
        out, _ = suite.analyze(cap, "--format", "jsonl")
        take(out, f"{rel} --format jsonl")
        ev = os.path.join(tmp, "events.jsonl")
        suite.analyze(cap, "--format", "json", "-o", os.path.join(tmp, "r.json"), "--events", ev)
        with open(ev, encoding="utf-8") as f:
            take(f.read(), f"{rel} --events")

bad = sorted(set(leaf) & set(inner))
for path in bad:
    print(f"FAIL: '{path}' is a value in {leaf[path]} and an object in {inner[path]}")
print(f"{records} records, {len(leaf)} value paths, {len(kinds)} record types")
if records < 1000:
    print("FAIL: the suite produced fewer than 1000 records")
    sys.exit(1)
if "finding" not in kinds:
    print("FAIL: no finding record in the stream")
    sys.exit(1)
sys.exit(1 if bad else 0)
