#!/usr/bin/env bash
# Differential test against tshark (a test oracle only) on the committed
# captures: per frame, the certificates' subject/issuer attribute values,
# validity dates, DNS SANs and lengths; the SNI; alert descriptions.
set -uo pipefail
: "${AMTSCOPE:?}" "${SRCDIR:?}"
if ! command -v tshark >/dev/null; then
	echo "tshark not installed: skipped"
	exit 77
fi
cd "$SRCDIR/tests/tls" || exit 2
rc=0
for cap in captures/*.pcap; do
	case $cap in captures/hostile-*) continue ;; esac  # malformed on purpose: no oracle
	theirs=$(tshark -r "$cap" -d tcp.port==16993,tls -d tcp.port==9443,tls -Y 'tls.handshake.type==11 || tls.handshake.type==13 || tls.handshake.type==1 || tls.alert_message' \
		-T fields -E separator='|' -E occurrence=a -E aggregator=';' \
		-e frame.number -e x509sat.uTF8String -e x509sat.printableString -e x509af.utcTime \
		-e x509af.generalizedTime -e x509ce.dNSName -e tls.handshake.certificate_length \
		-e tls.handshake.extensions_server_name -e tls.alert_message.desc 2>/dev/null)
	ours=$("$AMTSCOPE" decode --format json -r "$cap")
	if ! python3 - "$cap" "$theirs" "$ours" <<'PY'
import json, re, sys
cap, theirs, ours = sys.argv[1], sys.argv[2], sys.argv[3]

def dn_values(dn):
    # RFC 2253 text: split on unescaped commas/pluses, keep the values
    parts = re.split(r'(?<!\\)[,+]', dn)
    return [re.sub(r'\\(.)', r'\1', p.split('=', 1)[1]) for p in parts if '=' in p]

def lst(v):
    return v if isinstance(v, list) else ([] if v is None else [v])

want = {}
for line in theirs.splitlines():
    f = line.split('|')
    frame = int(f[0])
    split = lambda s: [x for x in s.split(';') if x]
    want[frame] = {
        'names': sorted(split(f[1]) + split(f[2])),
        'times': [t.replace(' (UTC)', '') for t in split(f[3]) + split(f[4])],
        'dns': split(f[5]),
        'lengths': [int(x) for x in split(f[6])],
        'sni': f[7],
        'alerts': [int(x) for x in split(f[8])],
    }
got = {}
for line in ours.splitlines():
    e = json.loads(line)
    fr = e.get('frame')
    fl = e.get('fields', {})
    g = got.setdefault(fr, {'names': [], 'times': [], 'dns': [], 'lengths': [], 'sni': '', 'alerts': []})
    if e['event_type'] == 'tls_certificates':
        subj, iss = lst(fl.get('x509.subject')), lst(fl.get('x509.issuer'))
        for s, i in zip(subj, iss):
            g['names'] += dn_values(i) + dn_values(s)
        for nb, na in zip(lst(fl.get('x509.not_before')), lst(fl.get('x509.not_after'))):
            g['times'] += [nb[:19].replace('T', ' '), na[:19].replace('T', ' ')]
        g['dns'] += [s[4:] for s in lst(fl.get('x509ce.GeneralName')) if s.startswith('DNS:')]
        g['lengths'] += lst(fl.get('tls.handshake.certificate_length'))
    elif e['event_type'] == 'tls_cert_request':
        for dn in lst(fl.get('tls.handshake.ca_name')):
            g['names'] += dn_values(dn)
    elif e['event_type'] == 'tls_client_hello':
        g['sni'] = fl.get('tls.handshake.extensions_server_name', '')
    elif e['event_type'] == 'tls_alert' and 'tls.alert_message.desc' in fl:
        g['alerts'] += lst(fl['tls.alert_message.desc'])
bad = 0
checked = 0
for frame, w in sorted(want.items()):
    g = got.get(frame, {'names': [], 'times': [], 'dns': [], 'lengths': [], 'sni': '', 'alerts': []})
    g['names'] = sorted(g['names'])
    for k in w:
        if w[k] != g[k]:
            print(f'{cap} frame {frame}: {k}: tshark {w[k]!r} amtscope {g[k]!r}')
            bad = 1
        checked += 1
print(f'{cap}: {len(want)} frames, {checked} comparisons' + (' MISMATCH' if bad else ' ok'))
sys.exit(bad)
PY
	then rc=1; fi
done
exit $rc
