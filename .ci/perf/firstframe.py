#!/usr/bin/env python3
# .ci/perf/firstframe.py BINARY [RUNS] [NEEDLE]: time from exec to a late
# provider row (NEEDLE, default prov0020) in the explorer, under a pty;
# HOME_DIR names the store (HOME_DIR.id its identity file), as
# TOKENSCOPE_BENCH_VAULT=DIR/home go test -run TestWriteBenchVault ./store/
# writes it. Not run by CI: it
# measures, it does not check.
"""Time from exec to a late provider row in the explorer's output, under a pty."""
import os, pty, sys, time, select, statistics, signal, fcntl, termios, struct

binary = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
needle = (sys.argv[3] if len(sys.argv) > 3 else "prov0020").encode()
home = os.environ["HOME_DIR"]
ident = open(home + ".id").read().strip()

def once():
    env = dict(os.environ)
    env.update(TOKENSCOPE_HOME=home, TOKENSCOPE_IDENTITY=ident, CI="", TERM="xterm-256color")
    env.pop("CI", None)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    buf = b""
    marks = {}
    deadline = t0 + 10
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        buf += data
        if b"\x1b]11;?" in data or b"\x1b]11;?" in buf[-len(data)-8:]:
            if "osc" not in marks:
                marks["osc"] = time.monotonic() - t0
                os.write(fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\")
        if b"\x1b[6n" in data:
            os.write(fd, b"\x1b[1;1R")
        if needle in buf:
            marks["list"] = time.monotonic() - t0
            try:
                st = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
                marks["cpu"] = (int(st[11]) + int(st[12])) * 1000 / os.sysconf("SC_CLK_TCK")
            except OSError:
                pass
            break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return marks

res = [once() for _ in range(runs)]
lists = [m["list"] * 1000 for m in res if "list" in m]
if len(lists) != runs:
    print("missing list in", runs - len(lists), "runs", res[-1])
cpus = [m["cpu"] for m in res if "cpu" in m]
print("cpu ms until then: median %.0f" % statistics.median(cpus))
print("list drawn ms: median %.1f min %.1f max %.1f (n=%d)" % (statistics.median(lists), min(lists), max(lists), len(lists)))
