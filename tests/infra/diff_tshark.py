#!/usr/bin/env python3
"""Differential test: every DNS and DHCP field that tshark and amtscope both
decode must agree, frame by frame, on the infra captures.

usage: diff_tshark.py CAPTURE...   (env AMTSCOPE; exit 77 = skipped, no tshark)
"""
import json
import os
import shutil
import subprocess
import sys

FIELDS = [
    # DNS
    "dns.id", "dns.flags.response", "dns.flags.opcode", "dns.flags.rcode",
    "dns.flags.authoritative", "dns.flags.truncated", "dns.count.queries",
    "dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr", "dns.count.zones",
    "dns.count.prerequisites", "dns.count.updates", "dns.qry.name",
    "dns.qry.type", "dns.qry.class", "dns.resp.name", "dns.resp.type", "dns.resp.class",
    "dns.resp.ttl", "dns.a", "dns.aaaa", "dns.cname", "dns.ptr.domain_name", "dns.ns",
    "dns.mx.mail_exchange", "dns.srv.priority", "dns.srv.weight", "dns.srv.port",
    "dns.srv.target", "dns.soa.mname", "dns.soa.rname", "dns.soa.serial_number", "dns.txt",
    "dns.rr.udp_payload_size", "dns.resp.ext_rcode", "dns.resp.edns0_version", "dns.resp.z.do",
    "dns.response_to",
    # DHCP
    "dhcp.type", "dhcp.hw.type", "dhcp.hw.len", "dhcp.hops", "dhcp.id", "dhcp.secs",
    "dhcp.flags", "dhcp.ip.client", "dhcp.ip.your", "dhcp.ip.server", "dhcp.ip.relay",
    "dhcp.hw.mac_addr", "dhcp.option.dhcp", "dhcp.option.hostname",
    "dhcp.option.domain_name", "dhcp.option.domain_name_server",
    "dhcp.option.dhcp_server_id", "dhcp.option.requested_ip_address",
    "dhcp.option.ip_address_lease_time", "dhcp.option.subnet_mask", "dhcp.option.router",
    "dhcp.fqdn.flags", "dhcp.fqdn.rcode1", "dhcp.fqdn.rcode2", "dhcp.fqdn.name",
    "dhcp.option.dhcp_dns_domain_search_list_fqdn", "dhcp.option.request_list_item",
    "dhcp.option.vendor_class_id",
    # DHCPv6
    "dhcpv6.msgtype", "dhcpv6.xid", "dhcpv6.search_list_entry",
]

# tshark writes these names with the root's trailing dot
TRAILING_DOT = {"dhcpv6.search_list_entry"}

# Events that describe one message as tshark sees it (leases and timeouts
# are amtscope's own conclusions).
MESSAGE_EVENTS = {"dns_query", "dns_answer", "dns_failure", "dhcp_message"}


def norm(v):
    """One value in a comparable form: numbers and booleans as int."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    s = str(v)
    if s in ("True", "False"):
        return int(s == "True")
    try:
        return int(s, 0)
    except ValueError:
        return s


def tshark_frames(cap):
    cmd = ["tshark", "-n", "-r", cap, "-Y", "(dns or dhcp or dhcpv6) and not icmp", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|",
           "-e", "frame.number"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    frames = {}
    for line in out.splitlines():
        cols = line.split("\t")
        vals = {}
        for name, col in zip(FIELDS, cols[1:]):
            if col != "":
                parts = col.split("|")
                if name in TRAILING_DOT:
                    parts = [x[:-1] if x.endswith(".") and len(x) > 1 else x for x in parts]
                vals[name] = [norm(x) for x in parts]
        frames[int(cols[0])] = vals
    return frames


def amtscope_frames(cap):
    out = subprocess.run([os.environ["AMTSCOPE"], "decode", "--format", "json", "-r", cap],
                         capture_output=True, text=True, check=True).stdout
    frames = {}
    for line in out.splitlines():
        ev = json.loads(line)
        if ev.get("event_type") not in MESSAGE_EVENTS:
            continue
        fields = ev.get("fields", {})
        if fields.get("dns.unanswered"):
            continue
        vals = frames.setdefault(ev["frame"], {})
        for name in FIELDS:
            if name in fields:
                v = fields[name]
                vals.setdefault(name, []).extend(norm(x) for x in (v if isinstance(v, list) else [v]))
    return frames


def compare(cap):
    want, got = tshark_frames(cap), amtscope_frames(cap)
    problems = []
    compared = 0
    if sorted(want) != sorted(got):
        problems.append(f"frames: tshark {sorted(want)} amtscope {sorted(got)}")
    for frame in sorted(set(want) & set(got)):
        w, g = want[frame], got[frame]
        # Wireshark files an SRV record's owner under dns.srv.name, not dns.resp.name
        if "dns.resp.name" in g and "dns.resp.type" in g:
            g["dns.resp.name"] = [n for n, t in zip(g["dns.resp.name"], g["dns.resp.type"]) if t != 33]
        for name in FIELDS:
            wv, gv = w.get(name), g.get(name)
            # tshark writes a reply code on queries too; amtscope only on responses
            if name == "dns.flags.rcode" and gv is None and wv == [0] and not g.get("dns.flags.response", [0])[0]:
                continue
            if wv is None and gv is None:
                continue
            compared += 1
            if wv != gv:
                problems.append(f"frame {frame} {name}: tshark {wv} amtscope {gv}")
    return compared, problems


def main():
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    rc = 0
    for cap in sys.argv[1:]:
        compared, problems = compare(cap)
        print(f"{os.path.basename(cap)}: {compared} field values compared, {len(problems)} differences")
        for p in problems:
            print("  " + p)
        if problems or compared == 0:
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
