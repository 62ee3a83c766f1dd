"""Every process a test or recorder starts is stopped when the script ends:
normally, by an exception (a failed assertion, a recording that went wrong),
or by SIGTERM/SIGHUP (meson's timeout, a closed terminal). Importing this
module makes subprocess.Popen (and so subprocess.run) remember each child;
at exit each one still running gets SIGTERM (tcpdump then writes out its
capture), and SIGKILL 3 s later. Processes started in their own session
(start_new_session=True) are stopped with their whole process group, so the
helpers they spawn (a browser's) go too. Standard library only."""
import atexit
import os
import signal
import subprocess
import sys

_started = []


class _TrackedPopen(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _started.append((self, bool(kwargs.get("start_new_session"))))


def _signal(p, group, sig):
    try:
        if group:
            os.killpg(p.pid, sig)
        elif p.poll() is None:
            p.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_all():
    """Stops every child still running (also their groups); safe to call twice."""
    for p, group in _started:
        _signal(p, group, signal.SIGTERM)
    for p, group in _started:
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            _signal(p, group, signal.SIGKILL)
            p.wait()
        if group:
            _signal(p, group, signal.SIGKILL)  # helpers left in the group
    _started.clear()


def _exit_on(signum, _frame):
    sys.exit(128 + signum)  # runs finally blocks and atexit, unlike the default


subprocess.Popen = _TrackedPopen
atexit.register(stop_all)
for _s in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_s, _exit_on)
