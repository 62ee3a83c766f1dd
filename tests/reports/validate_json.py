#!/usr/bin/env python3
"""Validates amtscope JSON against docs/json-schema/.

    validate_json.py FILE...     each FILE is a report (one JSON document with an
                                 "amtscope" member), JSON lines events, or decode
                                 JSON lines; the kind is told from the content.
Exit 0 when every file is valid, 1 otherwise, 77 (skipped) when the Python
jsonschema module (Debian: python3-jsonschema) is missing.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: skipping", file=sys.stderr)
    sys.exit(77)

SCHEMA_DIR = os.path.join(os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                          "docs", "json-schema")


def load(name):
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


REPORT = load("amtscope-report.schema.json")
EVENTS = load("amtscope-events.schema.json")
DECODE = load("amtscope-decode.schema.json")


def errors_of(validator, doc, where):
    return [f"{where}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(doc)]


def check_file(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    stripped = text.lstrip()
    if not stripped:
        return problems, "empty"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and "amtscope" in doc:
        return errors_of(REPORT, doc, path), "report"
    kind = "events"
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            problems.append(f"{path}:{n}: empty line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: not JSON: {e}")
            continue
        kind = "decode" if isinstance(obj, dict) and "fields" in obj else "events"
        problems += errors_of(DECODE if kind == "decode" else EVENTS, obj, f"{path}:{n}")
    return problems, kind


def main(paths):
    bad = 0
    for p in paths:
        problems, kind = check_file(p)
        for msg in problems[:20]:
            print(msg)
        if problems:
            bad += 1
            print(f"FAIL {p} ({kind}): {len(problems)} problems")
        else:
            print(f"ok   {p} ({kind})")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
