#!/usr/bin/env python3
"""The finding catalogue cannot drift from the code or the docs:
  1. every id the sources can raise (rules/, check/: literals in the id
     argument of finding_add or of a function taking `const char *id|rule`,
     or assigned to `id`/`rule`; the `finding=` families of rules/kb/*.kb) is in `amtscope rules`,
     and every id there is raised somewhere;
  2. docs/findings.md holds `amtscope rules --markdown` byte for byte between
     its rules:begin / rules:end markers.
The extractor is checked on planted sources first, so it cannot pass by
finding nothing."""
import glob
import os
import re
import subprocess
import sys

SRC = os.environ["SRCDIR"]
AMTSCOPE = os.environ["AMTSCOPE"]
ID = r'"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"'
WRAPPER = re.compile(r'^[A-Za-z_][\w \t*]*?\b(\w+)\s*\(([^;{)]*)\)\s*\{', re.M)


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at start."""
    args, depth, cur, i = [], 0, [], start + 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append("".join(cur))
                return args
            depth -= 1
        elif ch == "," and depth == 0:
            args.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    return args


def raised_ids(sources, kb_texts):
    """Ids raised in C sources (name -> text) and knowledge-base files: the
    literals in the id argument of finding_add (the second) or of a function
    that takes `const char *id` or `const char *rule`, and those assigned to
    a variable named id or rule."""
    raisers = {"finding_add": 1}
    for text in sources.values():
        for m in WRAPPER.finditer(text):
            params = [a.strip() for a in m.group(2).split(",")]
            for n, a in enumerate(params):
                if re.search(r'const char \*(id|rule)$', a):
                    raisers[m.group(1)] = n
    call = re.compile(r'\b(' + '|'.join(sorted(raisers)) + r')\s*\(')
    ids = {}
    for name, text in sources.items():
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        for m in call.finditer(text):
            args = call_args(text, m.end() - 1)
            n = raisers[m.group(1)]
            if n < len(args):
                for lit in re.findall(ID, args[n]):
                    ids.setdefault(lit, name)
        for m in re.finditer(r'\b(?:id|rule)\s*=([^;]*);', text):
            for lit in re.findall(ID, m.group(1)):
                ids.setdefault(lit, name)
    for name, text in kb_texts.items():
        for prefix in re.findall(r'^finding=(\S+)\s*$', text, re.M):
            ids.setdefault(prefix + ".<code>", name)
    return ids


fail = []

# the extractor on planted sources: a direct call, a wrapper, a ternary id, a kb family
planted = {
    "a.c": 'static void warn_about(analysis *an, const char *id, int x)\n{\n\tfinding_add(&an->fnd, id, SEV_INFO, NULL, NULL, NULL);\n}\n'
           'void f(void) { finding_add(&an->fnd, "plant.direct", SEV_ERROR, NULL, NULL, NULL); }\n'
           'void g(void) { warn_about(an, "plant.wrapped", 1); dev_fact(d, "plant.not_a_rule"); }\n'
           'void k(void) { finding_add(&an->fnd, "plant.keyed", SEV_INFO, NULL, "plant.a_key", NULL); }\n'
           'void h(void) { const char *id = x ? "plant.then" : "plant.else"; }\n',
}
got = set(raised_ids(planted, {"p.kb": "[kb]\nfinding=plant.error\n"}))
want = {"plant.direct", "plant.wrapped", "plant.keyed", "plant.then", "plant.else", "plant.error.<code>"}
if got != want:
    fail.append("extractor self-check: got %s, want %s" % (sorted(got), sorted(want)))

sources = {}
for path in sorted(glob.glob(os.path.join(SRC, "rules", "*.c")) + glob.glob(os.path.join(SRC, "check", "*.c"))):
    if os.path.basename(path) in ("catalogue.c", "rule_user.c", "user_rules.c"):
        continue  # the table itself; user rules bring their own ids
    with open(path, encoding="utf-8") as f:
        sources[os.path.relpath(path, SRC)] = f.read()
kb = {}
for path in sorted(glob.glob(os.path.join(SRC, "rules", "kb", "*.kb"))):
    with open(path, encoding="utf-8") as f:
        kb[os.path.relpath(path, SRC)] = f.read()
code = raised_ids(sources, kb)
if len(code) < 40:
    fail.append("only %d ids found in the sources: the extractor is broken" % len(code))

out = subprocess.run([AMTSCOPE, "rules"], capture_output=True, text=True)
if out.returncode != 0:
    fail.append("amtscope rules exited %d: %s" % (out.returncode, out.stderr.strip()))
listed = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
if len(set(listed)) != len(listed):
    fail.append("amtscope rules lists an id twice")
if listed != sorted(listed):
    fail.append("amtscope rules is not sorted by id")
for rid in sorted(set(code) - set(listed)):
    fail.append("%s is raised in %s but missing from rules/catalogue.c (amtscope rules, docs/findings.md)"
                % (rid, code[rid]))
for rid in sorted(set(listed) - set(code)):
    fail.append("%s is in rules/catalogue.c but nothing in rules/ or check/ raises it" % rid)

md = subprocess.run([AMTSCOPE, "rules", "--markdown"], capture_output=True, text=True).stdout
with open(os.path.join(SRC, "docs", "findings.md"), encoding="utf-8") as f:
    doc = f.read()
m = re.search(r'<!-- rules:begin[^>]*-->\n(.*?)<!-- rules:end -->', doc, re.S)
if not m:
    fail.append("docs/findings.md has no <!-- rules:begin --> ... <!-- rules:end --> block")
elif m.group(1) != md:
    import difflib
    diff = "".join(difflib.unified_diff(m.group(1).splitlines(True), md.splitlines(True),
                                        "docs/findings.md", "amtscope rules --markdown"))
    fail.append("docs/findings.md differs from `amtscope rules --markdown` (paste its output between the markers):\n"
                + diff)

for f in fail:
    print("FAIL:", f)
if not fail:
    print("ok: %d ids raised by the code = %d in amtscope rules = docs/findings.md" % (len(code), len(listed)))
sys.exit(1 if fail else 0)
