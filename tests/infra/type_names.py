#!/usr/bin/env python3
"""DNS record types print by their IANA name as tshark names them, and an
RFC 2136 UPDATE whose records have RDLENGTH 0 is decoded whole.

For every question in the capture, tshark's mnemonic for dns.qry.type (from
the PDML showname "Type: SSHFP (...)") must appear in amtscope's info line
before the question name; no amtscope info holds "Unknown ("; and every
UPDATE message has as many records decoded as its header counts, with no
malformed note.

usage: type_names.py CAPTURE   (env AMTSCOPE; exit 77 = no tshark)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    cap = sys.argv[1]
    pdml = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "dns", "-T", "pdml"],
                          capture_output=True, text=True, check=True).stdout
    want = {}
    for pkt in ET.fromstring(pdml).iter("packet"):
        frame = int(pkt.find("proto[@name='geninfo']/field[@name='num']").get("show"))
        for f in pkt.iter("field"):
            if f.get("name") == "dns.qry.type":
                m = re.match(r"Type: (\S+) ", f.get("showname", ""))
                want.setdefault(frame, m.group(1) if m else None)
    out = subprocess.run([os.environ["AMTSCOPE"], "decode", "--format", "json", "-r", cap],
                         capture_output=True, text=True, check=True).stdout
    got, rc, updates = {}, 0, 0
    for line in out.splitlines():
        ev = json.loads(line)
        info, fields = ev.get("info", ""), ev.get("fields", {})
        if "Unknown (" in info:
            print(f"FAIL frame {ev['frame']}: {info}")
            rc = 1
        if ev.get("proto") == "dns" and "dns.qry.name" in fields and not fields.get("dns.unanswered"):
            got[ev["frame"]] = info
        if fields.get("note.kind") == "malformed" and "DNS" in fields.get("note.message", ""):
            print(f"FAIL frame {ev['frame']}: {fields['note.message']}")
            rc = 1
        if fields.get("dns.flags.opcode") == 5 and not fields.get("dns.flags.response"):
            updates += 1
            n = sum(fields.get(k, 0) for k in ("dns.count.prerequisites", "dns.count.updates",
                                               "dns.count.add_rr"))
            types = fields.get("dns.resp.type", [])
            types = types if isinstance(types, list) else [types]
            if len(types) != n:
                print(f"FAIL frame {ev['frame']}: UPDATE counts {n} records, {len(types)} decoded")
                rc = 1
    for frame, name in sorted(want.items()):
        info = got.get(frame, "")
        if f" {name} " not in info:
            print(f"FAIL frame {frame}: tshark type {name}, amtscope info {info!r}")
            rc = 1
    print(f"{os.path.basename(cap)}: {len(want)} question types, {updates} updates checked")
    if not want or not updates:
        print("FAIL: the capture holds no question or no UPDATE")
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
