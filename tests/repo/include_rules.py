#!/usr/bin/env python3
"""Folder rules, enforced: every `#include` of the program's source folders
may only name a header of a folder the matrix below allows. The matrix is
written here once; docs/hacking.md quotes it verbatim, and this test fails
when the two differ. After checking the tree it plants bad includes in a
scratch copy and asserts each one is caught, so the check cannot pass by
finding nothing.

usage: include_rules.py [ROOT]        (default $SRCDIR)
"""
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import planted_check  # noqa: E402

MATRIX = """\
folder        may include (besides its own files)
decoder/      -
dissectors/   decoder/
inputs/       decoder/
rules/        decoder/ inputs/ dissectors/x509.h
reports/      decoder/ rules/
check/        decoder/ dissectors/ inputs/ rules/
cli/          decoder/ dissectors/ inputs/ rules/ reports/ check/
"""

# folders with C sources that are not part of the program: they may include
# anything (a test drives any layer, bench/ measures from outside)
EXEMPT = {"tests", "bench"}
# headers the build generates (meson's configure_file), not in the tree
GENERATED = {"version.h"}
DOC = os.path.join("docs", "hacking.md")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def parse_matrix(text):
    allowed = {}
    for line in text.splitlines()[1:]:
        folder, *targets = line.split()
        allowed[folder.rstrip("/")] = [t for t in targets if t != "-"]
    return allowed


ALLOWED = parse_matrix(MATRIX)


def may_include(folder, target):
    """target: a path relative to the root, e.g. 'dissectors/x509.h'."""
    if target.split("/", 1)[0] == folder:
        return True
    for rule in ALLOWED[folder]:
        if rule.endswith("/") and target.startswith(rule):
            return True
        if target == rule:
            return True
    return False


def source_files(root):
    """(relative path, top folder) of every .c/.h outside build dirs, git
    metadata and EXEMPT folders."""
    for top in sorted(os.listdir(root)):
        if top.startswith((".", "build")) or top in EXEMPT:
            continue
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for d, dirs, files in os.walk(base):
            dirs[:] = sorted(x for x in dirs if not x.startswith((".", "build")))
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root), top


def resolve(root, rel, quote, name):
    """The repository path an include names, as the compiler finds it (the
    including file's folder for "...", then the root, meson's
    include_directories('.')); None when it is not a file of the tree."""
    here = os.path.dirname(rel)
    candidates = [os.path.join(here, name)] if quote == '"' else []
    candidates.append(name)
    for c in candidates:
        path = os.path.normpath(c)
        if os.path.isfile(os.path.join(root, path)):
            return path
    return None


def violations(root):
    out = []
    folders = set()
    for rel, top in source_files(root):
        folders.add(top)
        if top not in ALLOWED:
            out.append(f"{rel}: folder {top}/ holds C sources but is not in the matrix")
            continue
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                quote, name = m.groups()
                target = resolve(root, rel, quote, name)
                if target is None:
                    if quote == '"' and os.path.basename(name) not in GENERATED:
                        out.append(f"{rel}:{n}: #include \"{name}\" names no file of the tree")
                    continue
                if target.startswith(".."):
                    out.append(f"{rel}:{n}: #include \"{name}\" reaches outside the repository")
                elif not may_include(top, target):
                    out.append(f"{rel}:{n}: {top}/ may not include {target}")
    missing = sorted(set(ALLOWED) - folders)
    out += [f"{f}/: in the matrix but holds no C sources (stale matrix?)" for f in missing]
    doc = os.path.join(root, DOC)
    try:
        with open(doc, encoding="utf-8") as fh:
            if MATRIX not in fh.read():
                out.append(f"{DOC}: does not quote the matrix of tests/repo/include_rules.py verbatim")
    except OSError as e:
        out.append(f"{DOC}: {e.strerror}")
    return out


def plant(root, rel, text):
    with open(os.path.join(root, rel), "a", encoding="utf-8") as fh:
        fh.write(text)


# (what is planted, where, the violation that must be reported)
PLANTS = [
    ("decoder/engine.c", '#include "../rules/findings.h"\n', "decoder/ may not include rules/findings.h"),
    ("dissectors/dns.c", '#include "../inputs/kb.h"\n', "dissectors/ may not include inputs/kb.h"),
    ("inputs/kb.c", '#include "../rules/findings.h"\n', "inputs/ may not include rules/findings.h"),
    ("rules/devices.c", '#include "../reports/report.h"\n', "rules/ may not include reports/report.h"),
    ("rules/devices.c", '#include "../dissectors/tls_names.h"\n',
     "rules/ may not include dissectors/tls_names.h"),
    ("reports/text.c", '#include "../cli/cli.h"\n', "reports/ may not include cli/cli.h"),
    ("check/check_prov.c", '#include "../reports/report.h"\n', "check/ may not include reports/report.h"),
    ("rules/devices.c", '#include "decoder/no_such_header.h"\n', "names no file of the tree"),
]


def self_test(root):
    """Plants each bad include in its own scratch copy; returns failures."""
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(tmp, "clean")
        os.makedirs(os.path.join(clean, "docs"))
        shutil.copy(os.path.join(root, DOC), os.path.join(clean, DOC))
        for folder in ALLOWED:
            shutil.copytree(os.path.join(root, folder), os.path.join(clean, folder),
                            ignore=shutil.ignore_patterns("build*", ".*"))
        if violations(clean):
            failures.append("the clean scratch copy already has violations")
        cases = list(PLANTS)
        for i, (rel, text, want) in enumerate(cases):
            copy = os.path.join(tmp, f"plant{i}")
            shutil.copytree(clean, copy)
            if not os.path.exists(os.path.join(copy, rel)):
                failures.append(f"cannot plant into {rel}: no such file (update PLANTS)")
                continue
            plant(copy, rel, text)
            found = violations(copy)
            if not any(rel in v and want in v for v in found):
                failures.append(f"planted {text.strip()} in {rel}: not caught ({found})")
        # a folder with C sources the matrix does not know, and a doc that drifted
        copy = os.path.join(tmp, "newfolder")
        shutil.copytree(clean, copy)
        os.makedirs(os.path.join(copy, "plugins"))
        plant(copy, "plugins/p.c", '#include "../rules/rule.h"\n')
        if not any("plugins/" in v and "not in the matrix" in v for v in violations(copy)):
            failures.append("a new source folder outside the matrix was not caught")
        copy = os.path.join(tmp, "doc")
        shutil.copytree(clean, copy)
        with open(os.path.join(copy, DOC), encoding="utf-8") as fh:
            text = fh.read()
        with open(os.path.join(copy, DOC), "w", encoding="utf-8") as fh:
            fh.write(text.replace("reports/      decoder/ rules/", "reports/      decoder/ rules/ inputs/"))
        if not any(DOC in v for v in violations(copy)):
            failures.append("a docs/hacking.md matrix differing from the test's was not caught")
    return failures


def main():
    return planted_check.run(
        "include_rules.py", violations, self_test,
        "the includes above break the folder rules (docs/hacking.md, "
        "'The folders and who may include whom'); route them or change the matrix "
        "in tests/repo/include_rules.py and its quote in the doc together",
        f"every #include of {', '.join(f + '/' for f in ALLOWED)} follows the matrix",
        f"{len(PLANTS) + 2} planted violations each caught in a scratch copy")

if __name__ == "__main__":
    sys.exit(main())
