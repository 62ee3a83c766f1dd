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
rec_ns=
# a deleted namespace stops nothing: what still runs in it is killed first
stop_ns() { [ -n "$1" ] && { ip netns pids "$1" 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del "$1" 2>/dev/null; }; }
trap 'stop_ns "$ns"; stop_ns "$rec_ns"; rm -rf "$work"' EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT
fail() { echo "FAIL $*"; rc=1; }

# findings NAME CAPTURE [OPTIONS...]: "rule severity" lines in $work/NAME, exit code in $work/NAME.rc
findings() {
	local name=$1 cap=$2
	shift 2
	[ "${cap#/}" = "$cap" ] && cap=captures/$cap  # a capture made by this run: its full path
	"$AMTSCOPE" analyze --no-system-ca --format json -r "$cap" "$@" >"$work/$name.json" 2>"$work/$name.err"
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
healthy two-tier two-tier.pcap "capture.no_amt_traffic info tls.cert.issuer_unknown warning"
healthy two-tier-ca two-tier.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy tls13 tls13.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy ipv6 ipv6.pcap "capture.no_amt_traffic info tls.cert.root_unknown info"
healthy ipv6-ca ipv6.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy vlan vlan.pcap "capture.no_amt_traffic info" "${ca[@]}"
healthy vlan-no-ca vlan.pcap "capture.no_amt_traffic info tls.cert.root_unknown info"
healthy one-sided one-sided.pcap "capture.no_amt_traffic info capture.one_direction info" "${ca[@]}"
healthy snaplen-96 snaplen-96.pcap "capture.no_amt_traffic info capture.truncated warning" "${ca[@]}"
healthy prov-with-root prov-with-root.pcap "" "${hashes[@]}"
# the web server on 443 is no AMT traffic: said first (before a warning too), so an empty list
# is not read as healthy AMT: first in JSON (above) and the first finding of the text report
"$AMTSCOPE" analyze --no-system-ca -r captures/two-tier.pcap >"$work/two-tier.txt"
first=$(grep -m1 -E '^  (error|warning|info) ' "$work/two-tier.txt")
[ "$(echo $first)" = "info capture.no_amt_traffic" ] &&
	echo "ok   two-tier: the text report says capture.no_amt_traffic first, before the warning" ||
	fail "two-tier: the text report's first finding is '$first', not capture.no_amt_traffic"
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
# the provisioning chain comes from the setup service, the TLS client of mutual TLS
grep -q '<div class="n">#0 (client)</div><div>CN=setup.verdicts.test,OU=Intel(R) Client Setup Certificate' "$work/prov.html" &&
	grep -q '<div class="n">#0 (server)</div><div>CN=Intel(R) AMT stand-in' "$work/prov.html" &&
	echo "ok   html: the provisioning chain is labelled as the client's" ||
	fail "html: the provisioning chain the client sent is not labelled (client)"
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
	[ "${cap#/}" = "$cap" ] && cap=captures/$cap  # a recording of this run: its full path
	"$AMTSCOPE" analyze --no-system-ca --format json --fail-on never -r "$cap" "$@" >"$work/$name-a.json"
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

# ... and on dates: provisioning leaves with fixed dates, made now by openssl ca (issued by the
# test PKI's provisioning CA on the same key), each sent as TLS 1.2 by a real s_client (the setup
# service, leaf + intermediate + root) to a real s_server (the stand-in AMT on 16993), captured by
# tcpdump on the loopback of a network namespace of the test's own
dated_leaf() {  # dated_leaf NAME START END: $work/NAME.pem (leaf) and $work/NAME-full.pem (the file)
	local d=$work/ca
	if [ ! -f "$d/ca.cnf" ]; then
		mkdir -p "$d/db" && : >"$d/index.txt" && echo 5001 >"$d/serial"
		cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
database = $d/index.txt
new_certs_dir = $d/db
serial = $d/serial
certificate = $PWD/pki/prov-inter.pem
private_key = $PWD/pki/prov-inter.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationalUnitName = optional
organizationName = optional
[prov_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, 2.16.840.1.113741.1.2.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
		openssl req -new -key pki/prov.key -out "$d/prov.csr" \
			-subj "/CN=setup.verdicts.test/OU=Intel(R) Client Setup Certificate/O=amtscope Verdicts, Inc."
	fi
	openssl ca -batch -config "$d/ca.cnf" -in "$d/prov.csr" -out "$work/$1.pem" -startdate "$2" -enddate "$3" \
		-extfile "$d/ca.cnf" -extensions prov_ext -notext 2>"$work/$1.ca.err" &&
		cat "$work/$1.pem" pki/prov-inter.pem pki/prov-root.pem >"$work/$1-full.pem"
}
record_prov() {  # record_prov NAME: $work/NAME.pcap of $work/NAME.pem presented to the stand-in AMT
	local cap=$work/$1.pcap srv dump
	rec_ns=vrec-$$
	ip netns add "$rec_ns" || return 1
	ip -n "$rec_ns" link set lo up
	ip netns exec "$rec_ns" tcpdump -i lo --immediate-mode -U -s 0 -w "$cap" 'tcp port 16993' 2>"$work/$1.tcpdump" &
	dump=$!
	for _ in $(seq 50); do grep -q listening "$work/$1.tcpdump" && break; sleep 0.1; done
	ip netns exec "$rec_ns" timeout 20 openssl s_server -accept 127.0.5.40:16993 -naccept 1 -www \
		-cert pki/amt.pem -key pki/amt.key -Verify 4 -CAfile pki/prov-root.pem </dev/null >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 50); do ip netns exec "$rec_ns" ss -ltn | grep -q ':16993 ' && break; sleep 0.1; done
	printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$rec_ns" timeout 10 openssl s_client -connect 127.0.5.40:16993 \
		-bind 127.0.5.1:0 -tls1_2 -noservername -cert "$work/$1.pem" -key pki/prov.key \
		-cert_chain pki/prov-chain-full.pem -ign_eof >/dev/null 2>&1
	sleep 0.5
	kill -INT "$dump" 2>/dev/null
	wait "$dump" 2>/dev/null
	stop_ns "$rec_ns"  # s_server, if still there
	rec_ns=
	wait "$srv" 2>/dev/null
	[ -s "$cap" ]
}
soon=$(date -u -d '+10 days' +%Y%m%d%H%M%SZ)
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v tcpdump >/dev/null; then
	for d in "expired 20200101000000Z 20210101000000Z tls.cert.expired" \
		"not-yet-valid 20400101000000Z 20410101000000Z tls.cert.not_yet_valid" \
		"expires-soon 20260101000000Z $soon prov.cert.expires_soon"; do
		read -r name start end rule <<<"$d"
		if ! dated_leaf "$name" "$start" "$end" || ! record_prov "$name"; then
			fail "$name: could not make or record the chain: $(cat "$work/$name.ca.err" 2>/dev/null)"
			continue
		fi
		# expires-soon: the files are judged now, the capture at its packets' time (also now)
		if [ "$name" = expires-soon ]; then
			AMTSCOPE_NOW=$(date +%s) three_way "same-$name" "$rule" "$work/$name.pcap" "$work/$name-full.pem" "${hashes[@]}"
		else
			three_way "same-$name" "$rule" "$work/$name.pcap" "$work/$name-full.pem" "${hashes[@]}"
		fi
	done
	# the words are the dates, and an expired leaf is not also "expiring soon"
	grep -q '"summary": "The certificate CN=setup.verdicts.test,.* expired on 2021-01-01' "$work/same-expired-a.json" ||
		fail "same-expired: the summary does not name the leaf and its end date"
	grep -q 'expires_soon' "$work/same-expired-c.json" && fail "same-expired: also expires_soon"
else
	echo "note dates: not root, or no ip/tcpdump: the dated chains were not recorded"
fi

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

# ---- 5. one direction only: no verdict that needs the other one ----
# the demo capture (samples/, real peers) cut with tshark into what each side sent: the asking
# side (client ports above server ports: queries, requests, hellos, connect-backs) and the
# answering side. Before: the asks alone made dns.provisionserver.missing (an unanswered query
# read as a failure) and the answers alone made redir.auth.failed (a busy refusal, whose other
# console's session start is in the missing half, read as a wrong password).
if command -v tshark >/dev/null; then
	demo=$SRCDIR/samples/provisioning-demo.pcap
	tshark -r "$demo" -Y '(tcp && tcp.srcport > tcp.dstport) || (udp && udp.srcport > udp.dstport)' \
		-w "$work/demo-asks.pcap" 2>/dev/null
	tshark -r "$demo" -Y '(tcp && tcp.srcport < tcp.dstport) || (udp && udp.srcport < udp.dstport)' \
		-w "$work/demo-answers.pcap" 2>/dev/null
	findings demo-full "$demo"
	findings demo-asks "$work/demo-asks.pcap"
	findings demo-answers "$work/demo-answers.pcap"
	errors() { grep ' error$' "$work/$1" | cut -d' ' -f1 | sort -u | paste -sd' '; }
	if [ -z "$(errors demo-asks)" ] && [ "$(cat "$work/demo-asks.rc")" = 0 ] &&
		grep -qx 'capture.one_direction info' "$work/demo-asks"; then
		echo "ok   demo-asks: one direction (the asking side): no error, exit 0, capture.one_direction"
	else
		fail "demo-asks: errors '$(errors demo-asks)', exit $(cat "$work/demo-asks.rc"), want none, 0 and capture.one_direction"
	fi
	# the answering side still shows what the answers themselves say (an NXDOMAIN for
	# ProvisionServer, an A record at odds with the device's own name): errors of the whole capture too
	want="dns.fqdn.mismatch dns.provisionserver.missing"
	if [ "$(errors demo-answers)" = "$want" ] && grep -qx 'capture.one_direction info' "$work/demo-answers" &&
		grep -q "whether the password was wrong or another console held the session cannot be told" \
			"$work/demo-answers.json" &&
		[ -z "$(comm -23 <(errors demo-answers | tr ' ' '\n') <(errors demo-full | tr ' ' '\n'))" ]; then
		echo "ok   demo-answers: one direction (the answers): only the errors the answers show, no redir.auth.failed"
	else
		fail "demo-answers: errors '$(errors demo-answers)', want '$want' (a subset of the whole capture's '$(errors demo-full)'), capture.one_direction and the refusal told apart"
	fi
else
	echo "note one direction: no tshark to cut the demo capture"
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
