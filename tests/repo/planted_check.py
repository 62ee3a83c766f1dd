"""The run shared by the repository rule tests that check the tree and then
prove themselves on planted violations (include_rules.py,
reports_render_only.py): the root from argv or SRCDIR, each violation and
self-test failure a FAIL line, exit 1 on any, 2 on a usage error."""
import os
import sys


def run(script, violations, self_test, advice, ok_line, self_ok_line):
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SRCDIR")
    if not root:
        print(f"usage: {script} ROOT (or set SRCDIR)", file=sys.stderr)
        return 2
    fail = 0
    found = violations(root)
    for v in found:
        print(f"FAIL: {v}")
    if found:
        print(f"FAIL: {advice}")
        fail = 1
    else:
        print(f"ok: {ok_line}")
    failures = self_test(root)
    for f in failures:
        print(f"FAIL: self-test: {f}")
    if failures:
        fail = 1
    else:
        print(f"ok: self-test: {self_ok_line}")
    return fail
