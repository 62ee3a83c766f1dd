#!/usr/bin/env bash
# Records tests/logs/captures/contact-back.pcap and contact-back-scs.log
# (see record_contact_back.py). Needs root for tcpdump; loopback only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/captures
mkdir -p "$out"
pid=
# under set -e a failed recording exits before the kill below: stop tcpdump here
stop() { [ -z "$pid" ] || { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; rm -f "$out/.tcpdump.err"; }
trap stop EXIT
# bash runs no EXIT trap when a signal kills it (meson's timeout sends SIGTERM)
trap 'exit 143' TERM HUP
trap 'exit 130' INT
tcpdump -i lo -n -w "$out/contact-back.pcap" -U 'host 127.0.7.1 or host 127.0.7.21' 2>"$out/.tcpdump.err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$out/.tcpdump.err" && break; sleep 0.1; done
python3 "$here/record_contact_back.py" "$out/contact-back-scs.log"
sleep 0.5
kill -INT $pid
wait $pid || true
pid=
