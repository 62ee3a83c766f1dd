#!/usr/bin/env bash
# Verdicts on healthy traffic recorded from real peers (record.sh): no error,
# exit 0, whatever the shape (no root sent, two-tier, TLS 1.3, IPv6, 802.1Q,
# one direction, snaplen 96); the error rules touched here each fire on their
# broken twin; and the same chain gets the same id, severity and summary from
# analyze, check --prov-cert and certs. The machine's CA store never decides:
# --no-system-ca plus the test PKI's own anchors (pki/).
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
cd "$SRCDIR/tests/verdicts" || exit 2
rc=0
work=$(mktemp -d)
ns=
# a deleted namespace stops nothing: what still runs in it is killed first
trap 'rm -rf "$work"; [ -n "$ns" ] && { ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del "$ns" 2>/dev/null; }' EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT
fail() { echo "FAIL $*"; rc=1; }

# findings NAME CAPTURE [OPTIONS...]: "rule severity" lines in $work/NAME, exit code in $work/NAME.rc
findings() {
	local name=$1 cap=$2
	shift 2
	"$AMTSCOPE" analyze --no-system-ca --format json -r "captures/$cap" "$@" >"$work/$name.json" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f["rule"], f["severity"])' "$work/$name.json" >"$work/$name" || fail "$name: no JSON report"
}

# healthy NAME CAPTURE WANT [OPTIONS...]: exit 0, no error, and exactly the findings WANT
healthy() {
	local name=$1 cap=$2 want=$3
	shift 3
	findings "$name" "$cap" "$@"
	local got
	got=$(paste -sd' ' "$work/$name")
	if [ "$(cat "$work/$name.rc")" != 0 ] || grep -q ' error$' "$work/$name" || [ "$got" != "$want" ]; then
		fail "$name: exit $(cat "$work/$name.rc"), findings '$got', want '$want' and exit 0"
	else
		echo "ok   $name: exit 0, findings '$got'"
	fi
}

ca=(--ca-file pki/root.pem)
hashes=(--amt-hashes pki/prov-root.hashes)
# ---- 1. chains as TLS defines them: the root may be omitted ----
healthy inter-no-root inter-no-root.pcap "capture.no_amt_traffic info tls.cert.root_unknown info"
healthy inter-no-root-ca inter-no-root.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy two-tier two-tier.pcap "tls.cert.issuer_unknown warning capture.no_amt_traffic info"
healthy two-tier-ca two-tier.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy tls13 tls13.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy ipv6 ipv6.pcap "capture.no_amt_traffic info tls.cert.root_unknown info"
healthy ipv6-ca ipv6.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy vlan vlan.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy vlan-no-ca vlan.pcap "capture.no_amt_traffic info tls.cert.root_unknown info"
healthy one-sided one-sided.pcap "capture.no_amt_traffic info capture.one_direction info" "${ca[@]}"
healthy snaplen-96 snaplen-96.pcap "capture.truncated warning capture.no_amt_traffic info" "${ca[@]}"
healthy prov-with-root prov-with-root.pcap "" "${hashes[@]}"
# the web server on 443 is no AMT traffic: said first, so an empty list is not read as healthy AMT
# the snaplen-96 copy: the header and inputs[] give the snaplen and the cut frames
grep -q '"snaplen": 96' "$work/snaplen-96.json" && grep -q '"cut_frames": ' "$work/snaplen-96.json" ||
	fail "snaplen-96: inputs[] lacks snaplen/cut_frames"
"$AMTSCOPE" analyze --no-system-ca -r captures/snaplen-96.pcap | grep -qE 'input .*snaplen 96: [0-9]+ frames cut' ||
	fail "snaplen-96: the text header does not show the snaplen and the cut frames"
# the info names the root that would verify the chain, once-escaped (RFC 4514)
grep -qF 'issuer CN=Verdicts Root CA,O=amtscope Verdicts\\, Inc. is not a known trust anchor' "$work/inter-no-root.json" ||
	fail "inter-no-root: the info does not name the unknown root once-escaped"
grep -q 'x5c' "$work/inter-no-root.json" && fail "inter-no-root: a name printed with \\x5c"
# the vlan copy decodes the same chain as the untagged one
grep -q '"ip": "127.0.5.10"' "$work/vlan.json" || fail "vlan: the server behind the 802.1Q tag is not seen"

# the broken twin: the leaf alone, and the client answers unknown_ca right after
findings rejected rejected.pcap "${ca[@]}"
grep -qx 'tls.cert.chain_incomplete error' "$work/rejected" && [ "$(cat "$work/rejected.rc")" = 1 ] ||
	fail "rejected: want tls.cert.chain_incomplete error and exit 1, got $(paste -sd' ' "$work/rejected")"
grep -q 'rejected by the peer (alert unknown_ca (48) right after it)' "$work/rejected.json" ||
	fail "rejected: the summary does not say the peer rejected it"
[ $rc = 0 ] && echo "ok   rejected: chain_incomplete error after unknown_ca"
# and without anchors the same leaf alone is only unknown (healthy two-tier above), not an error

# ---- 2. AMT's own rule: the provisioning chain carries its root ----
findings prov-no-root prov-no-root.pcap "${hashes[@]}"
if [ "$(sort -u "$work/prov-no-root" | paste -sd' ')" != "prov.cert.root_not_sent error" ] ||
	[ "$(wc -l <"$work/prov-no-root")" != 2 ] || [ "$(cat "$work/prov-no-root.rc")" != 1 ]; then
	fail "prov-no-root: want only prov.cert.root_not_sent error (device and setup service), exit 1; got $(paste -sd' ' "$work/prov-no-root")"
fi
python3 - "$work/prov-no-root.json" <<'PY' || rc=1
import json, sys
d = json.load(open(sys.argv[1]))
fs = [x for x in d["findings"] if x["rule"] == "prov.cert.root_not_sent"]
f = fs[0]
ok = True
# one problem, on both ends: the AMT device it fails on and the setup service that sent the chain
if sorted(x.get("device") for x in fs) != ["127.0.5.1", "127.0.5.21"] or any(x["summary"] != f["summary"] for x in fs):
    print("FAIL prov-no-root: want the same finding on the AMT device and the setup service:",
          [x.get("device") for x in fs]); ok = False
for want in ("CN=Verdicts Provisioning Root,O=amtscope Verdicts\\, Inc.", "root hashes its hello listed"):
    if want not in f["summary"]:
        print("FAIL prov-no-root: summary lacks", want); ok = False
if "whole certification path, root included" not in f["remedy"]:
    print("FAIL prov-no-root: remedy lacks the PFX export with the whole path"); ok = False
sys.exit(0 if ok else 1)
PY
[ $rc = 0 ] && echo "ok   prov-no-root: prov.cert.root_not_sent alone, on the device and the setup service, naming the root"

# ---- 6. the HTML chain view marks the certificate that fails ----
"$AMTSCOPE" analyze --no-system-ca "${hashes[@]}" -r captures/prov-no-root.pcap --format html -o "$work/prov.html" --fail-on never
grep -q '<div class="cert fail"><div class="n">#1 · this link fails</div><div>CN=Verdicts Provisioning Issuing CA' "$work/prov.html" &&
	echo "ok   html: the provisioning chain marks the top certificate, whose root was not sent" ||
	fail "html: prov-no-root marks no failing certificate"
"$AMTSCOPE" analyze --no-system-ca "${ca[@]}" -r captures/rejected.pcap --format html -o "$work/rej.html" --fail-on never
grep -q '<div class="cert fail"><div class="n">#0 (server) · this link fails</div><div>CN=www.verdicts.test' "$work/rej.html" &&
	echo "ok   html: the rejected chain marks its leaf" || fail "html: rejected marks no failing certificate"
"$AMTSCOPE" analyze --no-system-ca "${ca[@]}" -r captures/inter-no-root.pcap --format html -o "$work/ok.html" --fail-on never
grep -q 'cert fail' "$work/ok.html" && fail "html: a healthy chain is marked as failing"

# ---- 3. one judge: the same chain, the same verdict from all three subcommands ----
# analyze (the chain on the wire), certs and check --prov-cert (the chain in a file)
export AMTSCOPE_NOW=1795000000  # 2026-11-18, inside the PKI's validity
summary_of() {  # summary_of FILE.json RULE: "rule|severity|summary" of an analyze/check report
	# (once: analyze raises a provisioning finding on both the device and the setup service)
	python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == sys.argv[2]:
        print(f["rule"] + "|" + f["severity"] + "|" + f["summary"])' "$1" "$2" | sort -u
}
certs_summary_of() {  # certs_summary_of FILE.json ID
	python3 -c '
import json, sys
lv = {"problem": "error", "warning": "warning", "info": "info"}
for fl in json.load(open(sys.argv[1]))["files"]:
    for c in fl["checks"]:
        if c["id"] == sys.argv[2]:
            print(c["id"] + "|" + lv[c["level"]] + "|" + c["text"])' "$1" "$2"
}
# check runs in a network namespace of its own: its DNS and connects reach nothing
run_check() {  # run_check OUT ARGS...
	local out=$1
	shift
	if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "verdicts-$$" 2>/dev/null; then
		ns=verdicts-$$
		ip -n "$ns" link set lo up
		timeout 60 ip netns exec "$ns" "$AMTSCOPE" check --no-system-ca --domain verdicts.test --scs 127.0.5.99 \
			--timeout 1 --format json "$@" >"$out" 2>/dev/null
		ip netns del "$ns"
		ns=
		return 0
	fi
	return 77
}
three_way() {  # three_way NAME RULE CAPTURE PEM [ANALYZE/CERTS/CHECK OPTIONS...]
	local name=$1 rule=$2 cap=$3 pem=$4
	shift 4
	"$AMTSCOPE" analyze --no-system-ca --format json --fail-on never -r "captures/$cap" "$@" >"$work/$name-a.json"
	"$AMTSCOPE" certs --no-system-ca --provisioning --format json "$@" "$pem" >"$work/$name-c.json"
	local a c k
	a=$(summary_of "$work/$name-a.json" "$rule")
	c=$(certs_summary_of "$work/$name-c.json" "$rule")
	[ -n "$a" ] || { fail "$name: analyze gives no $rule"; return; }
	[ "$a" = "$c" ] || fail "$name: analyze and certs differ:\n  analyze: $a\n  certs:   $c"
	if run_check "$work/$name-k.json" --prov-cert "$pem" "$@"; then
		k=$(summary_of "$work/$name-k.json" "$rule")
		[ "$a" = "$k" ] || fail "$name: analyze and check --prov-cert differ:\n  analyze: $a\n  check:   $k"
	else
		echo "note $name: no network namespace, check --prov-cert not compared"
		k=$a
	fi
	[ "$a" = "$c" ] && [ "$a" = "$k" ] && echo "ok   $name: $rule the same from analyze, certs and check"
}
three_way same-root-not-sent prov.cert.root_not_sent prov-no-root.pcap pki/prov-no-root.pem "${hashes[@]}"
three_way same-untrusted-root prov.cert.untrusted_root prov-with-root.pcap pki/prov-full.pem

# ---- every reason a chain fails is named: a 1024-bit RSA key AND a SHA-1 signature ----
out=$("$AMTSCOPE" certs --no-system-ca "${ca[@]}" pki/chain-weak.pem)
grep -qF 'RSA key of 1024 bits and signed with sha1WithRSAEncryption' <<<"$out" &&
	echo "ok   weak: both reasons named" || fail "weak: not both reasons: $out"

# ---- 4. the name in AMT's own server certificate feeds the device table and the FQDN checks ----
healthy amt-name-ok amt-name-ok.pcap "" "${ca[@]}"
python3 - "$work/amt-name-ok.json" <<'PY' || fail "amt-name-ok: the device table lacks the certificate's name"
import json, sys
d = json.load(open(sys.argv[1]))
dev = [x for x in d["devices"] if x["ip"] == "127.0.5.30"][0]
# the same name from DNS and from the certificate: one fact (its first source)
sys.exit(0 if dev.get("fqdn") == "amt.verdicts.test" else 1)
PY
findings amt-name-stale amt-name-stale.pcap "${ca[@]}"
if [ "$(paste -sd' ' "$work/amt-name-stale")" = "dns.fqdn.mismatch error" ] && [ "$(cat "$work/amt-name-stale.rc")" = 1 ] &&
	grep -q 'DNS resolves amt.verdicts.test to 127.0.5.31, but the device with that name (from its TLS certificate) is at 127.0.5.30' \
		"$work/amt-name-stale.json"; then
	echo "ok   amt-name-stale: dns.fqdn.mismatch from the name in AMT's certificate"
else
	fail "amt-name-stale: want dns.fqdn.mismatch error naming the certificate, got $(paste -sd' ' "$work/amt-name-stale")"
fi

# ---- 5. nothing analysed is not "no findings": exit 2, one line naming the link type, no report ----
python3 - "$work" <<'PY'
import struct, sys
hdr = lambda lt: struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, lt)
open(sys.argv[1] + '/usb.pcap', 'wb').write(hdr(189) + struct.pack('<IIII', 1, 0, 4, 4) + b'abcd')
open(sys.argv[1] + '/no-frames.pcap', 'wb').write(hdr(1))
PY
for c in "usb.pcap:link type USB_LINUX (189) cannot be decoded" "no-frames.pcap:no frame could be read (link type EN10MB)"; do
	f=${c%%:*} want=${c#*:}
	"$AMTSCOPE" analyze -r "$work/$f" >"$work/$f.out" 2>"$work/$f.err"
	st=$?
	if [ $st != 2 ] || [ -s "$work/$f.out" ] || [ "$(wc -l <"$work/$f.err")" != 1 ] || ! grep -qF "$want" "$work/$f.err"; then
		fail "$f: exit $st (want 2), stdout $(wc -c <"$work/$f.out") bytes (want none), stderr: $(cat "$work/$f.err")"
	else
		echo "ok   $f: exit 2, one line: $want"
	fi
done
exit $rc
