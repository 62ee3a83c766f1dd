#!/usr/bin/env python3
"""Reports only render (docs/hacking.md: "a report never computes"),
enforced: the code in reports/ calls no function that rules/ declares
except the few that read what the analysis concluded, listed in READERS
below with what they read. Every function of a rules/ header is forbidden
unless listed, so a new rule, device-table or chain-checking function is
forbidden to reports/ the day it is written: dev_by_ip, dev_resolve,
certcheck_*, finding_add, analysis_*, timeline_place, rule_summaries...
What a report needs from them, the analysis hands it (rules/conclude.c:
each timeline entry's devices and certificate chain, each finding's device
and evidence per input).

After checking the tree it plants forbidden calls in a scratch copy and
asserts each one is caught (and that a mention in a comment or string is
not), so the check cannot pass by finding nothing.

usage: reports_render_only.py [ROOT]        (default $SRCDIR)
"""
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import planted_check  # noqa: E402

# The functions of rules/ headers a report may call: they read, decide nothing.
READERS = {
    "devtab_list": "the live devices, in creation order",
    "dev_first": "a device's first fact of a kind",
    "dev_best": "a device's most trustworthy fact of a kind (the device table's own choice)",
    "dev_label": "the label the device table gives a device",
    "role_name": "a role bit's name",
    "fact_kind_name": "a fact kind's name",
    "findings_sorted": "the findings in the one order every report lists them",
    "findings_tally": "findings per severity",
    "rule_summaries_free": "frees what rules/volume.c summarised",
    "tl_details": "a timeline entry's kept fields",
    "tl_certs": "a certificate event's chain, as the analysis kept it",
    "tl_devices": "a timeline entry's devices, as the analysis placed it",
}

KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "__attribute__", "defined",
            "_Static_assert", "static_assert", "_Alignof", "alignof", "__typeof__", "typeof"}
IDENT_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")


def strip_c(text):
    """Comments, string and character literals blanked (newlines kept, so
    line numbers stay right), and preprocessor lines dropped."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    lines = "".join(out).split("\n")
    # a preprocessor line (with its continuations) declares and calls nothing we judge
    keep, cont = [], False
    for line in lines:
        pre = cont or line.lstrip().startswith("#")
        cont = pre and line.rstrip().endswith("\\")
        keep.append("" if pre else line)
    return "\n".join(keep)


def declared_functions(header_text):
    """Names of the functions a header declares or defines at file scope."""
    text = strip_c(header_text)
    names, depth_brace, depth_paren = set(), 0, 0
    for m in re.finditer(r"[A-Za-z_]\w*|[(){}]", text):
        tok = m.group(0)
        if tok == "{":
            depth_brace += 1
        elif tok == "}":
            depth_brace -= 1
        elif tok == "(":
            depth_paren += 1
        elif tok == ")":
            depth_paren -= 1
        elif depth_brace == 0 and depth_paren == 0 and tok not in KEYWORDS:
            rest = text[m.end():].lstrip()
            if rest.startswith("("):
                names.add(tok)
    return names


def rules_functions(root):
    names = {}
    folder = os.path.join(root, "rules")
    for f in sorted(os.listdir(folder)):
        if f.endswith(".h"):
            with open(os.path.join(folder, f), encoding="utf-8", errors="replace") as fh:
                for name in declared_functions(fh.read()):
                    names.setdefault(name, f"rules/{f}")
    return names


def calls(text):
    """(line, name) of every call in C source text, member calls excluded."""
    text = strip_c(text)
    for m in IDENT_CALL.finditer(text):
        name = m.group(1)
        before = text[:m.start()].rstrip()
        if name in KEYWORDS or before.endswith((".", "->")):
            continue
        yield text.count("\n", 0, m.start()) + 1, name


def violations(root):
    out = []
    declared = rules_functions(root)
    for name in sorted(READERS):
        if name not in declared:
            out.append(f"READERS lists {name}, which no rules/ header declares (stale list?)")
    folder = os.path.join(root, "reports")
    for f in sorted(os.listdir(folder)):
        if not f.endswith((".c", ".h")):
            continue
        with open(os.path.join(folder, f), encoding="utf-8", errors="replace") as fh:
            for line, name in calls(fh.read()):
                if name in declared and name not in READERS:
                    out.append(f"reports/{f}:{line}: calls {name}() ({declared[name]}): a report "
                               "renders what the analysis concluded")
    return out


def plant(root, rel, text):
    with open(os.path.join(root, rel), "a", encoding="utf-8") as fh:
        fh.write(text)


# (file, text appended, the violation that must be reported: None = must not be)
PLANTS = [
    ("reports/text.c", "static void planted(devtab *t) { (void)dev_by_ip_str(t, \"10.0.0.1\", false); }\n",
     "calls dev_by_ip_str()"),
    ("reports/html_timeline.c", "static device *planted(device *d)\n{\n\treturn dev_resolve(d);\n}\n",
     "calls dev_resolve()"),
    ("reports/html.c", "static int planted(certcheck *c) { return certcheck_anchor_count(c); }\n",
     "calls certcheck_anchor_count()"),
    ("reports/json.c", "static void planted(analysis *an) { analysis_mark_failure(an, 0, 1, 0); }\n",
     "calls analysis_mark_failure()"),
    ("reports/html_timeline.c", "static void planted(analysis *an) { timeline_place(&an->tl, &an->dev); }\n",
     "calls timeline_place()"),
    ("reports/html.c", "static GArray *planted(analysis *an) { return rule_summaries(&an->fnd); }\n",
     "calls rule_summaries()"),
    ("reports/ecs.c", "static void planted(finding *x) { finding_list_cites(x, 1); }\n",
     "calls finding_list_cites()"),
    # mentions that are no calls
    ("reports/text.c", "/* dev_resolve(d) is the analysis's business */\n"
                       "static const char *planted_s = \"dev_by_ip_str(t, ip)\";\n", None),
]


def self_test(root):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(tmp, "clean")
        for folder in ("reports", "rules"):
            shutil.copytree(os.path.join(root, folder), os.path.join(clean, folder),
                            ignore=shutil.ignore_patterns("build*", ".*", "formats", "kb"))
        if violations(clean):
            failures.append(f"the clean scratch copy already has violations: {violations(clean)}")
        for i, (rel, text, want) in enumerate(PLANTS):
            copy = os.path.join(tmp, f"plant{i}")
            shutil.copytree(clean, copy)
            if not os.path.exists(os.path.join(copy, rel)):
                failures.append(f"cannot plant into {rel}: no such file (update PLANTS)")
                continue
            plant(copy, rel, text)
            found = violations(copy)
            if want is None and found:
                failures.append(f"a mention that is no call was taken for one in {rel}: {found}")
            elif want and not any(rel in v and want in v for v in found):
                failures.append(f"planted {want} in {rel}: not caught ({found})")
        # a function a rules/ header gains is forbidden to reports/ at once
        copy = os.path.join(tmp, "newfn")
        shutil.copytree(clean, copy)
        plant(copy, "rules/devices.h", "device *dev_guess_owner(devtab *t, const char *name);\n")
        plant(copy, "reports/text.c", "static void planted(devtab *t) { (void)dev_guess_owner(t, \"x\"); }\n")
        if not any("dev_guess_owner()" in v for v in violations(copy)):
            failures.append("a call of a function newly declared in rules/devices.h was not caught")
        # a reader that rules/ no longer declares makes the list stale
        copy = os.path.join(tmp, "stale")
        shutil.copytree(clean, copy)
        path = os.path.join(copy, "rules", "timeline.h")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text.replace("tl_certs(", "tl_chain_of("))
        if not any("READERS lists tl_certs" in v for v in violations(copy)):
            failures.append("a READERS entry no header declares was not reported")
    return failures


def main():
    return planted_check.run(
        "reports_render_only.py", violations, self_test,
        "reports/ calls what rules/ computes; let the analysis work it out "
        "(rules/conclude.c) and hand it over, or, for a pure reader, list it in READERS",
        f"reports/ calls no rules/ function but the {len(READERS)} readers",
        f"{len(PLANTS) + 2} planted cases behave as expected")

if __name__ == "__main__":
    sys.exit(main())
