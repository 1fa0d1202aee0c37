#!/usr/bin/python3
"""bench/player/measure.py: runs one program for bench/player.sh and measures
it from outside, the same way for Seedreel and for the anchors.

    measure.py [--marker REGEX] [--hold S] [--timeout S] -- COMMAND ARG...

The program gets SR_BENCH_T0 in its environment: CLOCK_MONOTONIC in
microseconds taken just before exec, its time origin. Its stdout is passed
through line by line. When a line matches --marker, that line's arrival
time counts as "marker"; with --hold S the process is then left to run S
more seconds (0: none), sampled from /proc (CPU seconds of all its threads, user +
system, and peak RSS, VmHWM) and stopped with SIGINT; without --hold it
is left to exit by itself (killed after --timeout). Prints at the end:

    measure: marker S s, cpu S s, vmhwm KiB, exit CODE
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time


def sample(pid):
    """CPU seconds (user + system, all threads) and VmHWM in KiB."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])   # utime, stime (fields 14, 15)
    hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return ticks / os.sysconf("SC_CLK_TCK"), hwm


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--marker")
    parser.add_argument("--hold", type=float)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    marker = re.compile(args.marker) if args.marker else None
    marked = threading.Event()
    t_marker = [None]

    env = dict(os.environ)
    t0 = time.monotonic()
    env["SR_BENCH_T0"] = str(time.monotonic_ns() // 1000)
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)

    def reader():
        for line in proc.stdout:
            now = time.monotonic()
            if marker is not None and t_marker[0] is None and marker.search(line):
                t_marker[0] = now - t0
                marked.set()
            sys.stdout.write(line)
            sys.stdout.flush()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()

    deadline = t0 + args.timeout
    cpu = hwm = None
    if args.hold is not None:
        while not marked.is_set() and proc.poll() is None and time.monotonic() < deadline:
            marked.wait(0.05)
        if marked.is_set():
            end = t0 + t_marker[0] + args.hold
            while proc.poll() is None and time.monotonic() < end:
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))
            if proc.poll() is None:
                cpu, hwm = sample(proc.pid)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    try:
        proc.wait(max(1.0, deadline - time.monotonic()) if args.hold is None else 15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    thread.join(5)
    fmt = lambda v, f: "-" if v is None else f % v
    print(f"measure: marker {fmt(t_marker[0], '%.3f')} s, cpu {fmt(cpu, '%.2f')} s, "
          f"vmhwm {fmt(hwm, '%d')} KiB, exit {proc.returncode}", flush=True)


if __name__ == "__main__":
    main()
