#!/usr/bin/env bash
# The benchmark: amtscope beside the bare libpcap loop, tcpdump and tshark on
# the same generated capture, interleaved, several rounds. See bench/README.md.
#
# usage: bench/run.sh [SIZE_MB] [options]
#        bench/run.sh --sweep [SIZE_MB...]       (default sweep: 20 300 1200)
# options:
#   --rounds N        rounds per tool (default 3; the median time is reported)
#   --format F        pcap (default) or pcapng
#   --seed N          generator seed (default 1)
#   --only LIST       comma-separated subset of: analyze,decode,bare,tcpdump,tshark
# environment: BUILD (default <src>/build), BENCH_DATA (where generated
# captures are cached, default /tmp/amtscope-bench).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$src/build}
DATA=${BENCH_DATA:-/tmp/amtscope-bench}
rounds=3
format=pcap
seed=1
only=analyze,decode,bare,tcpdump,tshark
sweep=0
sizes=()
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--format) format=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--sweep) sweep=1; shift ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	[0-9]*) sizes+=("$1"); shift ;;
	*) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
if [ ${#sizes[@]} -eq 0 ]; then
	if [ $sweep -eq 1 ]; then sizes=(20 300 1200); else sizes=(300); fi
fi

if [ ! -x "$BUILD/cli/amtscope" ] || [ ! -x "$BUILD/bench/pcap_count" ] || [ ! -x "$BUILD/bench/measure" ]; then
	[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$src" >/dev/null
	ninja -C "$BUILD" >/dev/null
fi
AMTSCOPE=$BUILD/cli/amtscope
MEASURE=$BUILD/bench/measure
BARE=$BUILD/bench/pcap_count
mkdir -p "$DATA"
log=$DATA/run.log
: >"$log"

have() { command -v "$1" >/dev/null 2>&1; }
wanted() { [[ ",$only," == *",$1,"* ]]; }

tools=()
wanted analyze && tools+=(analyze)
wanted decode && tools+=(decode)
wanted bare && tools+=(bare)
if wanted tcpdump; then if have tcpdump; then tools+=(tcpdump); else echo "(tcpdump not installed: skipped)"; fi; fi
if wanted tshark; then if have tshark; then tools+=(tshark); else echo "(tshark not installed: skipped)"; fi; fi

run_tool() { # tool file -> "WALL RSS_KB USER SYS EXIT"
	local f=$2
	case "$1" in
	analyze) "$MEASURE" "$AMTSCOPE" analyze -r "$f" --format json -o /dev/null 2>>"$log" ;;
	decode) "$MEASURE" "$AMTSCOPE" decode -r "$f" 2>>"$log" ;;
	bare) "$MEASURE" "$BARE" "$f" 2>>"$log" ;;
	tcpdump) "$MEASURE" tcpdump -nn -r "$f" 2>>"$log" ;;
	tshark) "$MEASURE" tshark -r "$f" 2>>"$log" ;;
	esac
}

capture() { # size_mb -> path (generated once, cached)
	local f=$DATA/amt-${1}MB-seed$seed.$format
	if [ ! -s "$f" ]; then
		echo "generating $f ..." >&2
		python3 "$src/bench/gencap.py" -o "$f.tmp" --size "$1" --seed "$seed" --format "$format" 2>>"$log"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

summary=$DATA/summary.txt
: >"$summary"
bench_one() { # size_mb
	local f bytes packets raw
	f=$(capture "$1")
	bytes=$(stat -c %s "$f")
	cat "$f" >/dev/null  # warm page cache: every tool reads from memory
	packets=$("$BARE" "$f" | cut -d' ' -f1)
	raw=$DATA/raw.txt
	: >"$raw"
	for ((r = 1; r <= rounds; r++)); do
		for t in "${tools[@]}"; do
			echo "$t $(run_tool "$t" "$f")" >>"$raw"
		done
	done
	echo
	echo "== $(basename "$f"): $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}'), $packets packets, $rounds rounds (median time, max RSS)"
	awk -v bytes="$bytes" -v packets="$packets" -v size="$1" -v order="${tools[*]}" -v summary="$summary" '
	function median(t,   n, i, j, v, a) {
		n = split(times[t], a, " ")
		for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j+1] = a[j]; a[j+1] = v }
		return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	{ times[$1] = times[$1] " " $2; if ($3 > rss[$1]) rss[$1] = $3; if ($6 > 1) bad[$1] = $6 }
	END {
		n = split(order, names, " ")
		for (i = 1; i <= n; i++) med[names[i]] = median(names[i])
		printf "%-10s %10s %12s %10s %9s %10s %10s\n", "tool", "MB/s", "packets/s", "seconds", "peak RSS", "t/t_bare", "t_tshark/t"
		for (i = 1; i <= n; i++) {
			t = names[i]; s = med[t]
			vs = ("tshark" in med) ? sprintf("%.1fx", med["tshark"] / s) : "-"
			note = (t in bad) ? sprintf("  (exit %d: see run.log)", bad[t]) : ""
			printf "%-10s %10.1f %12.0f %10.3f %6.1f MB %9.1fx %10s%s\n", t, bytes / 1e6 / s, packets / s, s,
				rss[t] / 1024, s / med["bare"], vs, note
			printf "%s %s %.6f %.1f\n", size, t, s, rss[t] / 1024 >> summary
		}
	}' "$raw"
}

for s in "${sizes[@]}"; do
	bench_one "$s"
done

if [ ${#sizes[@]} -gt 1 ]; then
	echo
	echo "== sweep: seconds per 100 MB and peak RSS by capture size (linear time = flat s/100MB)"
	awk '{ k = $2; sz[$1] = 1; t[$1, k] = $3; m[$1, k] = $4; tools[k] = 1 }
	END {
		printf "%-10s", "tool"; for (s in sz) list = list " " s
		n = split(substr(list, 2), S, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (S[j] + 0 < S[i] + 0) { x = S[i]; S[i] = S[j]; S[j] = x }
		for (i = 1; i <= n; i++) printf " %18s", S[i] " MB"
		printf "\n"
		for (k in tools) {
			printf "%-10s", k
			for (i = 1; i <= n; i++) printf " %8.2fs %6.1fMB", t[S[i], k] * 100 / S[i], m[S[i], k]
			printf "\n"
		}
	}' "$summary"
fi
