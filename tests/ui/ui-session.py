#!/usr/bin/python3
"""ui-session.py — run one UI test inside a private desktop session.

The test gets its own Xvfb on a free display, its own D-Bus session bus
(dbus-run-session), the AT-SPI bus, and a throw-away HOME whose GSettings live
in a keyfile, so nothing leaks from or into the user's session and values
persist across relaunches of the app within the test. Everything started here
is torn down at the end, also on failure or timeout.

A run in which the app died of GTK 4.8's accessibility abort (a null object
path for a window caught between shown and registered, an upstream bug) is
run once more in a fresh session, saying so; its logs stay in OUTDIR-gtk-abort.
Any other failure is final.

usage: ui-session.py --builddir B --sourcedir S --outdir O [--logdir L] [--timeout SECS]
                     TEST.py [ARGS...]

The test runs with /usr/bin/python3 and finds in its environment:
  SEEDREEL_UI_BUILDDIR, SEEDREEL_UI_SOURCEDIR, SEEDREEL_UI_OUTDIR (screenshots
  and logs), SEEDREEL_UI_TMPDIR (the private HOME), DISPLAY.
"""
import argparse
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SYSTEM_PYTHON = '/usr/bin/python3'
ATSPI_LAUNCHER = '/usr/libexec/at-spi-bus-launcher'
SESSION_TOKEN = 'SEEDREEL_UI_SESSION'

# The keyfile backend stores paths without the leading and trailing slash.
# dogtail refuses to run unless toolkit accessibility is on, and the AT-SPI
# bus launcher reads the same key to tell toolkits to expose their tree.
KEYFILE = """\
[org/gnome/desktop/interface]
toolkit-accessibility=true
enable-animations=false

[org/gnome/desktop/a11y/applications]
screen-reader-enabled=false
"""

# Tests start past the welcome assistant unless they test it (--first-run).
SKIP_FIRST_RUN = """
[org/seedreel/Seedreel]
first-run-complete=true
"""


def log(msg):
    print(f'ui-session: {msg}', flush=True)


def start_xvfb(env, logfile):
    """Start Xvfb on the first free display; return (process, display)."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(
        ['Xvfb', '-displayfd', str(wfd), '-screen', '0', '1280x800x24',
         '-nolisten', 'tcp', '-noreset'],
        pass_fds=(wfd,), stdout=logfile, stderr=subprocess.STDOUT,
        env=env, start_new_session=True)
    os.close(wfd)
    data = b''
    deadline = time.monotonic() + 20
    try:
        while not data.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                raise RuntimeError('Xvfb did not start (see xvfb.log)')
            ready, _, _ = select.select([rfd], [], [], left)
            if ready:
                chunk = os.read(rfd, 64)
                if not chunk:
                    raise RuntimeError('Xvfb closed -displayfd without a display number')
                data += chunk
    finally:
        os.close(rfd)
    return proc, ':' + data.decode().strip()


def session_pids(token):
    """Processes that carry this session's token in their environment."""
    pids = []
    needle = f'{SESSION_TOKEN}={token}'.encode() + b'\0'
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f'/proc/{entry}/environ', 'rb') as f:
                if needle in f.read() + b'\0':
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def kill_session(token, grace=3.0):
    """SIGTERM then SIGKILL every process started inside this session."""
    pids = session_pids(token)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = session_pids(token)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


def stop(proc, grace=3.0):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def inner(argv):
    """Runs under dbus-run-session: start the AT-SPI bus, then the test."""
    launcher = subprocess.Popen([ATSPI_LAUNCHER, '--launch-immediately', '--a11y=1'])
    test = None
    try:
        # GTK asks org.a11y.Bus on the session bus for the accessibility bus;
        # wait until the launcher answers so the app never starts without it.
        deadline = time.monotonic() + 20
        while True:
            r = subprocess.run(
                ['gdbus', 'call', '--session', '--dest', 'org.a11y.Bus',
                 '--object-path', '/org/a11y/bus', '--method', 'org.a11y.Bus.GetAddress'],
                capture_output=True, text=True)
            if r.returncode == 0 and 'unix:' in r.stdout:
                break
            if launcher.poll() is not None or time.monotonic() > deadline:
                log(f'the AT-SPI bus did not come up: {r.stderr.strip()}')
                return 1
            time.sleep(0.1)
        test = subprocess.Popen([SYSTEM_PYTHON] + argv)
        return test.wait()
    finally:
        stop(test)
        stop(launcher)


def run_session(args, timeout):
    """One private session running the test; its exit status."""
    builddir = os.path.abspath(args.builddir)
    outdir = os.path.abspath(args.outdir)
    # Only this run's screenshots and logs, never a stale failure.png.
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    tmp = tempfile.mkdtemp(prefix='seedreel-ui-')
    token = os.path.basename(tmp)

    env = dict(os.environ)
    for var in ('NO_AT_BRIDGE', 'GTK_A11Y', 'DBUS_SESSION_BUS_ADDRESS', 'AT_SPI_BUS_ADDRESS',
                'WAYLAND_DISPLAY', 'DISPLAY', 'XAUTHORITY', 'XDG_RUNTIME_DIR',
                'GSETTINGS_BACKEND', 'SESSION_MANAGER', 'DESKTOP_STARTUP_ID', 'GTK_THEME'):
        env.pop(var, None)
    home = os.path.join(tmp, 'home')
    runtime = os.path.join(tmp, 'runtime')
    for d in (home, runtime):
        os.makedirs(d, mode=0o700)
    env.update({
        SESSION_TOKEN: token,
        'HOME': home,
        'XDG_CONFIG_HOME': os.path.join(home, '.config'),
        'XDG_DATA_HOME': os.path.join(home, '.local', 'share'),
        'XDG_CACHE_HOME': os.path.join(home, '.cache'),
        'XDG_STATE_HOME': os.path.join(home, '.local', 'state'),
        'XDG_RUNTIME_DIR': runtime,
        'TMPDIR': tmp,
        'GSETTINGS_BACKEND': 'keyfile',
        'GSETTINGS_SCHEMA_DIR': os.path.join(builddir, 'data'),
        'GDK_BACKEND': 'x11',
        'GSK_RENDERER': 'cairo',
        'LANG': 'C.UTF-8',
        'LC_ALL': 'C.UTF-8',
        'LANGUAGE': '',
        'GTK_A11Y': 'atspi',
        'SEEDREEL_UI_BUILDDIR': builddir,
        'SEEDREEL_UI_SOURCEDIR': os.path.abspath(args.sourcedir),
        'SEEDREEL_UI_OUTDIR': outdir,
        'SEEDREEL_UI_TMPDIR': tmp,
    })
    keyfile_dir = os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings')
    os.makedirs(keyfile_dir)
    with open(os.path.join(keyfile_dir, 'keyfile'), 'w') as f:
        f.write(KEYFILE)
        if not args.first_run:
            f.write(SKIP_FIRST_RUN)

    def on_term(signum, frame):
        # meson sends SIGTERM on its own timeout: still tear everything down.
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)

    xvfb = None
    session = None
    status = 1
    started = time.monotonic()
    xvfb_log = open(os.path.join(outdir, 'xvfb.log'), 'w')
    try:
        xvfb, display = start_xvfb(env, xvfb_log)
        env['DISPLAY'] = display
        log(f'Xvfb on {display}, private home {home}')
        session = subprocess.Popen(
            ['dbus-run-session', '--', SYSTEM_PYTHON, os.path.abspath(__file__), '--inner']
            + args.test,
            env=env, start_new_session=True)
        try:
            status = session.wait(timeout)
        except subprocess.TimeoutExpired:
            log(f'timed out after {timeout:.0f} s; stopping the session')
            status = 124
    except Exception as e:  # noqa: BLE001 — report any setup failure as a test failure
        log(f'setup failed: {e}')
        status = 1
    finally:
        if session is not None and session.poll() is None:
            try:
                os.killpg(session.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                session.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(session.pid, signal.SIGKILL)
                session.wait()
        left = kill_session(token)
        if left:
            log(f'had to kill leftover processes {left}')
        stop(xvfb)
        xvfb_log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    log(f'finished with status {status} in {time.monotonic() - started:.1f} s')
    return status


# GTK 4.8 answers an accessibility query about a window in the middle of
# being shown or destroyed with a null object path and aborts (fixed in later
# GTK). It is not Seedreel's doing, and nothing a test does can rule it out.
GTK48_ATSPI_ABORT = "g_variant_is_object_path: assertion 'string != NULL' failed"


def gtk48_atspi_abort(outdir):
    for name in os.listdir(outdir):
        if name.startswith('seedreel-run') and name.endswith('.log'):
            with open(os.path.join(outdir, name), errors='replace') as f:
                if GTK48_ATSPI_ABORT in f.read():
                    return True
    return False


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--inner':
        sys.exit(inner(sys.argv[2:]))

    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--sourcedir', required=True)
    ap.add_argument('--outdir', required=True)
    ap.add_argument('--logdir', help='also copy the screenshots and logs here')
    ap.add_argument('--timeout', type=float, default=150)
    ap.add_argument('--first-run', action='store_true',
                    help='start with the welcome assistant, as a new user does')
    ap.add_argument('test', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if not args.test:
        ap.error('no test given')

    started = time.monotonic()
    status = run_session(args, args.timeout)
    outdir = os.path.abspath(args.outdir)
    left = args.timeout - (time.monotonic() - started)
    if status != 0 and gtk48_atspi_abort(outdir) and left > args.timeout / 2:
        # Once, in a fresh session; the aborted run's logs are kept beside.
        kept = outdir + '-gtk-abort'
        shutil.rmtree(kept, ignore_errors=True)
        shutil.move(outdir, kept)
        log(f'GTK 4.8 aborted on an accessibility query ({GTK48_ATSPI_ABORT!r}); its logs are in '
            f'{kept}. Running the test once more.')
        status = run_session(args, left)
    if args.logdir:
        logdir = os.path.abspath(args.logdir)
        shutil.rmtree(logdir, ignore_errors=True)
        shutil.copytree(outdir, logdir)
        log(f'screenshots and logs: {outdir} (copied to {logdir})')
        if os.path.isdir(outdir + '-gtk-abort'):
            shutil.rmtree(logdir + '-gtk-abort', ignore_errors=True)
            shutil.copytree(outdir + '-gtk-abort', logdir + '-gtk-abort')
    sys.exit(status)


if __name__ == '__main__':
    main()
