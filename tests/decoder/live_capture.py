#!/usr/bin/env python3
"""Live capture on loopback while this test sends traffic; checks what was
seen and that the capture process dropped root. Skipped (77) unless root."""
import json, os, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import children  # noqa: E402  every process started here is stopped at exit, also on failure

amtscope = sys.argv[1]
if os.geteuid() != 0:
    print('not root: skipped')
    sys.exit(77)


def knock(addr):
    """Three refused connections: six packets (SYN, RST each)."""
    for _ in range(3):
        c = socket.socket()
        try:
            c.connect((addr, 16993))
        except OSError:
            pass
        c.close()


out = tempfile.mktemp(suffix='.json')
saved = tempfile.mktemp(suffix='.pcap')
p = subprocess.Popen([amtscope, 'analyze', '-i', 'lo', '-f', 'host 127.0.2.7', '--duration', '4',
                      '-w', saved, '--format', 'json', '-o', out, '-Z', 'nobody'])
time.sleep(1.5)
uid = None
with open(f'/proc/{p.pid}/status') as f:
    for line in f:
        if line.startswith('Uid:'):
            uid = [int(x) for x in line.split()[1:]]
knock('127.0.2.7')
rc = p.wait(timeout=20)
report = json.load(open(out))
ok = True
if rc != 0:
    print('FAIL exit code', rc); ok = False
if not uid or any(u == 0 for u in uid):
    print('FAIL privileges not dropped, uids', uid); ok = False
if report['stats']['packets'] < 6 or report['stats']['flows'] < 3:
    print('FAIL saw', report['stats']); ok = False
if report['inputs'][0]['kind'] != 'live':
    print('FAIL input kind', report['inputs']); ok = False
if oct(os.stat(saved).st_mode & 0o777) != '0o600':
    print('FAIL -w file mode', oct(os.stat(saved).st_mode)); ok = False
n = subprocess.run([amtscope, 'decode', '--frames', '-r', saved], capture_output=True, text=True).stdout
if len(n.splitlines()) != report['stats']['packets']:
    print('FAIL the -w file does not hold what was analysed'); ok = False
os.unlink(out); os.unlink(saved)

# Ctrl-C right after the last packet: packets the kernel still holds in an
# unfinished block were seen before the stop and must be analysed
p = subprocess.Popen([amtscope, 'analyze', '-i', 'lo', '-f', 'host 127.0.2.8', '--format', 'json', '-o', out])
time.sleep(1.5)
knock('127.0.2.8')
p.send_signal(signal.SIGINT)
p.wait(timeout=20)
stopped = json.load(open(out))['stats']
if stopped['packets'] < 6:
    print('FAIL packets before Ctrl-C not analysed, saw', stopped); ok = False
os.unlink(out)

# -c 4 stops after exactly four packets, though six arrive in one block
p = subprocess.Popen([amtscope, 'analyze', '-i', 'lo', '-f', 'host 127.0.2.9', '-c', '4', '--duration', '5',
                      '--format', 'json', '-o', out])
time.sleep(1.5)
knock('127.0.2.9')
p.wait(timeout=20)
counted = json.load(open(out))['stats']['packets']
if counted != 4:
    print('FAIL -c 4 analysed', counted, 'packets'); ok = False
os.unlink(out)
print('live capture: uid', uid, 'packets', report['stats']['packets'], 'after Ctrl-C', stopped['packets'],
      'ok' if ok else 'FAILED')
sys.exit(0 if ok else 1)
