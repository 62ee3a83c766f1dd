#!/usr/bin/env python3
"""Differential test: amtscope's frame count, per-frame timestamps,
addresses and flow grouping against tshark on the same captures.

usage: diff_tshark.py AMTSCOPE CAPTURE...   (exit 77 = skipped: no tshark)
"""
import shutil, subprocess, sys

amtscope, caps = sys.argv[1], sys.argv[2:]
if not shutil.which('tshark'):
    print('tshark not installed: skipped')
    sys.exit(77)

FIELDS = ['frame.number', 'frame.time_epoch', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst',
          'tcp.stream', 'udp.stream', 'tcp.srcport', 'udp.srcport', 'tcp.dstport', 'udp.dstport']
failures = 0


def fail(cap, msg):
    global failures
    failures += 1
    print(f'FAIL {cap}: {msg}')


for cap in caps:
    ts = subprocess.run(['tshark', '-r', cap, '-T', 'fields', '-E', 'occurrence=l', '-E', 'separator=\t',
                         *sum([['-e', f] for f in FIELDS], [])],
                        capture_output=True, text=True, check=True).stdout.splitlines()
    am = subprocess.run([amtscope, 'decode', '--frames', '-r', cap],
                        capture_output=True, text=True).stdout.splitlines()
    if len(ts) != len(am):
        fail(cap, f'{len(am)} frames, tshark {len(ts)}')
        continue
    t2a, a2t = {}, {}
    for t, a in zip(ts, am):
        t = t.split('\t')
        a = a.split('\t')
        frame, epoch = t[0], t[1]
        if a[0] != frame:
            fail(cap, f'frame {frame}: amtscope numbered it {a[0]}')
            break
        sec, frac = epoch.split('.')
        if a[1] != f'{sec}.{frac[:6]}':
            fail(cap, f'frame {frame}: time {a[1]}, tshark {epoch}')
        stream = ('tcp', t[6]) if t[6] else ('udp', t[7]) if t[7] else None
        if stream is None:
            if a[2] != '0':
                fail(cap, f'frame {frame}: amtscope put it in flow {a[2]}, tshark in none')
            continue
        if a[2] == '0':
            fail(cap, f'frame {frame}: tshark stream {stream}, amtscope no flow')
            continue
        src = t[2] or t[3]
        dst = t[4] or t[5]
        sport = t[8] or t[9]
        dport = t[10] or t[11]
        if (a[3], a[4], a[5], a[6], a[7]) != (stream[0], src, sport, dst, dport):
            fail(cap, f'frame {frame}: {a[3:8]} vs tshark {(stream[0], src, sport, dst, dport)}')
        if t2a.setdefault(stream, a[2]) != a[2] or a2t.setdefault(a[2], stream) != stream:
            fail(cap, f'frame {frame}: flow grouping differs (tshark {stream}, amtscope {a[2]})')
    print(f'{cap}: {len(am)} frames, {len(a2t)} flows compared')

print(f'{len(caps) - failures} passed, {failures} failed' if failures == 0 else f'{failures} mismatches')
sys.exit(1 if failures else 0)
