#!/usr/bin/env python3
"""Adding a dissector is one file and one table line: this test fails when
something a dissector declares is missing from what the table generates.

Declared (read from the sources): each `const dissector dissector_<name>` in
dissectors/*.c with its transports and ports (AMT's named in
decoder/amt_ports.h), each table line of decoder/dissectors.def with its lane
and kinds, and every EV_<KIND> the dissectors emit.
Generated (asked of the built program, tests/repo/dissector_table.c): the
dispatch table, each kind's name, lane and owner, the live default filter.

It fails when
  - a dissector is defined but has no table line (it would never run);
  - a table line names a file that does not define its dissector;
  - a port a dissector claims is not captured by the live default filter;
  - a kind a dissector emits has no name or no lane of its table line, or a
    table line's kinds/lane differ from what the program says;
  - a hand-kept copy of the table comes back: a lane mapping in
    reports/html_timeline.c (`case EV_`), or port numbers in decoder/capture.c;
  - code names one of AMT's ports (decoder/amt_ports.h) as a number instead
    of by its name (comments and message texts may say the number).
It first proves that it can fail: the same checks on a scratch copy of the
sources with mismatches planted must report each one.

usage: dissector_table.py BUILT_HELPER     (SRCDIR set by meson)"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HELPER = sys.argv[1]
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROTO_NAME = {"6": "tcp", "17": "udp"}


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def named_ports(root):
    text = strip_comments(read(root, "decoder/amt_ports.h"))
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"\b(AMT_PORT_\w+)\s*=\s*(\d+)", text)}


def table_lines(root):
    """decoder/dissectors.def: [(name, lane, [(ID, kind name)])]"""
    text = strip_comments(read(root, "decoder/dissectors.def"))
    out = []
    for m in re.finditer(r"DISSECTOR\(\s*(\w+)\s*,\s*(\w+)\s*,(.*?)\)\s*(?=DISSECTOR\(|$)", text, re.S):
        kinds = re.findall(r"KIND\(\s*(\w+)\s*,\s*(\w+)\s*\)", m.group(3))
        out.append((m.group(1), m.group(2), kinds))
    return out


def port_list(body, field, names):
    m = re.search(r"\." + field + r"\s*=\s*\{([^}]*)\}", body)
    ports = []
    for tok in (m.group(1).split(",") if m else []):
        tok = tok.strip()
        if not tok:
            continue
        value = names.get(tok, None) if not tok.isdigit() else int(tok)
        if value is None:
            raise SystemExit("cannot read port %r of %s" % (tok, field))
        if value:
            ports.append(value)
    return ports


def declared_dissectors(root):
    """{name: (file, ipproto, also_ipproto, ports, tls_ports)} from dissectors/*.c"""
    names = named_ports(root)
    out = {}
    for fn in sorted(os.listdir(os.path.join(root, "dissectors"))):
        if not fn.endswith(".c"):
            continue
        text = strip_comments(read(root, "dissectors/" + fn))
        for m in re.finditer(r"const dissector dissector_(\w+)\s*=\s*\{(.*?)\n\};", text, re.S):
            body = m.group(2)
            proto = re.search(r"\.ipproto\s*=\s*(\d+)", body)
            also = re.search(r"\.also_ipproto\s*=\s*(\d+)", body)
            out[m.group(1)] = (fn, proto.group(1) if proto else "?", also.group(1) if also else "0",
                               port_list(body, "ports", names), port_list(body, "tls_ports", names))
    return out


def emitted_kinds(root):
    """{EV_ID: file} for every kind the dissectors name"""
    out = {}
    skip = {"EV_NOTE", "EV_NONE", "EV_KIND_COUNT", "EV_FLOW_OPEN", "EV_FLOW_CLOSE", "EV_LOG_RECORD"}
    for fn in sorted(os.listdir(os.path.join(root, "dissectors"))):
        if fn.endswith((".c", ".h")):
            for k in re.findall(r"\b(EV_[A-Z0-9_]*[A-Z0-9])\b", strip_comments(read(root, "dissectors/" + fn))):
                if k not in skip and not k.startswith("EV_LANE_"):
                    out.setdefault(k, fn)
    return out


def generated():
    out = subprocess.run([HELPER, "table"], check=True, capture_output=True, text=True).stdout
    dissectors, kinds, filt = [], {}, None
    for line in out.splitlines():
        word, rest = line.split(" ", 1)
        if word == "dissector":
            dissectors.append(rest.split()[0])
        elif word == "kind":
            name, owner, lane = rest.split(" ", 2)
            kinds[name] = (owner, lane)
        elif word == "filter":
            filt = rest
    return dissectors, kinds, filt


def lane_labels(root):
    text = read(root, "decoder/event.h")
    return dict(re.findall(r"X\((\w+),\s*\"([^\"]*)\"\)", text))


_match_cache = {}


def captured(proto, port):
    key = (proto, port)
    if key not in _match_cache:
        out = subprocess.run([HELPER, "match", proto, str(port)], check=True, capture_output=True, text=True)
        _match_cache[key] = out.stdout.strip() == "yes"
    return _match_cache[key]


def check(root, gen):
    """Every mismatch between the sources under root and what the program generated."""
    gen_dissectors, gen_kinds, _filter = gen
    problems = []
    lines = table_lines(root)
    declared = declared_dissectors(root)
    labels = lane_labels(root)
    in_table = [name for name, _lane, _kinds in lines]
    for name, (fn, _p, _a, _ports, _tls) in declared.items():
        if name not in in_table:
            problems.append("dissector_%s (dissectors/%s) has no line in decoder/dissectors.def" % (name, fn))
    for name in in_table:
        if name not in declared:
            problems.append("table line %s: dissectors/%s.c does not define dissector_%s" % (name, name, name))
        elif declared[name][0] != name + ".c":
            problems.append("table line %s: dissector_%s is in dissectors/%s, not %s.c"
                            % (name, name, declared[name][0], name))
    if in_table != gen_dissectors:
        problems.append("the program's dissectors %s are not the table's %s" % (gen_dissectors, in_table))
    for name, (fn, proto, also, ports, tls) in sorted(declared.items()):
        wanted = [(PROTO_NAME.get(proto, "?"), p) for p in ports]
        wanted += [(PROTO_NAME.get(also), p) for p in ports if also != "0"]
        wanted += [("tcp", p) for p in tls]
        for pr, port in wanted:
            if not captured(pr, port):
                problems.append("%s port %d of dissector_%s is not in the live default filter" % (pr, port, name))
    for name, lane, kinds in lines:
        for kid, kname in kinds:
            got = gen_kinds.get(kname)
            if not got:
                problems.append("kind %s (EV_%s, table line %s) is not in the program" % (kname, kid, name))
            elif got != (name, labels.get(lane, "?")):
                problems.append("kind %s: the table says %s, lane %s; the program says %s, lane %s"
                                % (kname, name, labels.get(lane, lane), got[0], got[1]))
    declared_ids = {"EV_" + kid: kname for _n, _l, kinds in lines for kid, kname in kinds}
    for kid, fn in sorted(emitted_kinds(root).items()):
        if kid not in declared_ids:
            problems.append("%s (dissectors/%s) is in no table line: no name, no lane" % (kid, fn))
    if re.search(r"\bcase EV_\w+", strip_comments(read(root, "reports/html_timeline.c"))):
        problems.append("reports/html_timeline.c maps kinds to lanes itself (case EV_...): use ev_kind_lane()")
    if re.search(r"port(range)?\s+\d[\d-]*\s+or\b", strip_comments(read(root, "decoder/capture.c"))):
        problems.append("decoder/capture.c lists ports itself: the live filter comes from the table")
    problems += bare_ports(root)
    return problems


CODE_DIRS = ("decoder", "dissectors", "inputs", "rules", "check", "reports", "cli")


def bare_ports(root):
    """AMT's port numbers are named once (decoder/amt_ports.h): code elsewhere
    that writes one as a number (not in a comment or a message) is reported."""
    numbers = sorted(set(named_ports(root).values()))
    pattern = re.compile(r"(?<![\w.])(%s)(?![\w.])" % "|".join(str(n) for n in numbers))
    out = []
    for d in CODE_DIRS:
        top = os.path.join(root, d)
        for dirpath, _dirs, files in os.walk(top):
            for fn in sorted(files):
                if not fn.endswith((".c", ".h")) or fn == "amt_ports.h":
                    continue
                rel = os.path.relpath(os.path.join(dirpath, fn), root)
                code = re.sub(r'"(\\.|[^"\\\n])*"', '""', strip_comments(read(root, rel)))
                for m in pattern.finditer(code):
                    out.append("%s names AMT port %s as a number: use decoder/amt_ports.h" % (rel, m.group(1)))
    return out


def scratch_copy(tmp):
    for d in CODE_DIRS:
        if os.path.isdir(os.path.join(SRC, d)):
            shutil.copytree(os.path.join(SRC, d), os.path.join(tmp, d))
    return tmp


def write(root, rel, text):
    with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
        f.write(text)


def plants(gen):
    """Each mismatch planted in a scratch copy must be reported: (what, expected words)."""
    failed = 0
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_copy(tmp)
        template = read(root, "dissectors/template.c")
        planted = template.replace("template", "planted").replace("TEMPLATE", "PLANTED")
        planted = planted.replace(".ports = {0},", ".ports = {31337, 0},", 1)
        write(root, "dissectors/planted.c", planted)
        cases.append(("a new dissector file without its table line",
                      ["dissector_planted (dissectors/planted.c) has no line",
                       "tcp port 31337 of dissector_planted is not in the live default filter",
                       "EV_PLANTED_MESSAGE (dissectors/planted.c) is in no table line"], check(root, gen)))
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_copy(tmp)
        rmcp = read(root, "dissectors/rmcp.c").replace(".ports = {AMT_PORT_RMCP,", ".ports = {AMT_PORT_RMCP, 7623,")
        write(root, "dissectors/rmcp.c", rmcp)
        cases.append(("a port added to a dissector but not generated",
                      ["udp port 7623 of dissector_rmcp is not in the live default filter"], check(root, gen)))
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_copy(tmp)
        table = read(root, "decoder/dissectors.def")
        table = table.replace("DISSECTOR(rmcp,     RMCP,", "DISSECTOR(rmcp,     DNS, ")
        table = table.replace("KIND(DHCP_LEASE, dhcp_lease)", "")
        write(root, "decoder/dissectors.def", table)
        cases.append(("a lane and a kind that the program does not have",
                      ["kind rmcp_ping: the table says rmcp, lane DNS; the program says rmcp, lane RMCP",
                       "EV_DHCP_LEASE (dissectors/dhcp.c) is in no table line"], check(root, gen)))
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_copy(tmp)
        tl = read(root, "reports/html_timeline.c") + "\nstatic int lane(ev_kind k) { switch (k) { case EV_RMCP_PING: return 1; default: return 0; } }\n"
        write(root, "reports/html_timeline.c", tl)
        cap = read(root, "decoder/capture.c") + '\nstatic const char *old = "tcp port 9971 or port 623";\n'
        write(root, "decoder/capture.c", cap)
        cases.append(("hand-kept copies of the lanes and the port list",
                      ["reports/html_timeline.c maps kinds to lanes itself",
                       "decoder/capture.c lists ports itself"], check(root, gen)))
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch_copy(tmp)
        rule = read(root, "rules/rule_tls.c") + "\nstatic bool old_port(uint16_t p) { return p == 16993; }\n"
        write(root, "rules/rule_tls.c", rule)
        cases.append(("an AMT port written as a number", ["rules/rule_tls.c names AMT port 16993"], check(root, gen)))
    for what, expected, got in cases:
        missing = [w for w in expected if not any(w in p for p in got)]
        if missing:
            print("FAIL the planted mismatch (%s) was not reported: %s; reported: %s" % (what, missing, got))
            failed += 1
        else:
            print("ok: planted %s: reported (%d problems)" % (what, len(got)))
    return failed


def main():
    gen = generated()
    failed = plants(gen)
    problems = check(SRC, gen)
    for p in problems:
        print("FAIL " + p)
    failed += len(problems)
    if not failed:
        print("ok: %d dissectors, %d kinds, live filter: %s" % (len(gen[0]), len(gen[1]), gen[2]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
