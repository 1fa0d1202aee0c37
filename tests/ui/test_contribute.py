#!/usr/bin/python3
"""test_contribute.py — a person lends their machine as a transcoding worker.

Runs inside ui-session.py with a keyring (gnome-keyring-daemon, secrets only)
in the private session. In Preferences → Workers the person turns on
"Contribute Computing Power": the page shows the address to share and an
access token. A creator elsewhere (`seedreel-cli transcode`, its own
process) sends a short clip to that address with that token: every quality
comes back and passes the creator's checks. A wrong token is refused. After
a relaunch the worker runs again with the same token (it was kept in the
keyring, not in the settings); turned off, it says "Not running" and the
port no longer answers. Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srui  # noqa: E402
import test_shell as ui  # noqa: E402 — the helpers, not its test
import test_create as create  # noqa: E402 — the helpers, not its test
from test_shell import Failure, has_state, log, screenshot, wait_for  # noqa: E402
from srui import GenericPredicate, press, rawinput  # noqa: E402
import pyatspi  # noqa: E402

TMPDIR = os.environ['SEEDREEL_UI_TMPDIR']
OUTDIR = os.environ['SEEDREEL_UI_OUTDIR']
CLI = create.CLI
TRANSCODE_SCHEMA = 'org.seedreel.Seedreel.Transcode'
RUNGS = create.RUNGS


def workers_page(app):
    prefs = ui.open_preferences(app)
    app.click(ui.find(prefs, 'the Workers page', roleName='page tab', name='Workers'))
    ui.find(prefs, 'the Contribute Computing Power group', name='Contribute Computing Power', roleName='label')
    return prefs


def contribute_switch(prefs):
    """The switch of the "Contribute Computing Power" row (a check box named
    after the row, for AT-SPI)."""
    return wait_for('the Contribute switch', lambda: [
        n for n in prefs.findChildren(GenericPredicate(roleName='check box', name='Contribute Computing Power'))
        if has_state(n, pyatspi.STATE_VISIBLE)] or None)[0]


def row_value(prefs, title):
    """The subtitle of the Workers page's row `title` ('' when it has none);
    the rows sit below the fold, so visible rather than showing."""
    for row in prefs.findChildren(GenericPredicate(roleName='list item', name=title)):
        if has_state(row, pyatspi.STATE_VISIBLE):
            texts = [n.name for n in row.findChildren(GenericPredicate(roleName='label'))]
            return texts[1] if len(texts) > 1 else ''
    return None


def share_rows(prefs, pred, what):
    def probe():
        url, token = row_value(prefs, 'Address to Share'), row_value(prefs, 'Access Token to Share')
        return (url, token) if pred(url, token) else None
    return wait_for(what, probe, timeout=30)


def scroll_to_share_rows(app, prefs):
    """Turns the mouse wheel over Preferences until the rows to share are
    on screen, as a person would to read them."""
    x, y, w, h = wait_for('the Preferences X window', lambda: ui.x_surface_geometry(
        app.proc.pid, 'Preferences', *ui.extents(prefs)[2:]))

    def probe():
        rows = prefs.findChildren(GenericPredicate(roleName='list item', name='Access Token to Share'))
        if any(ui.is_shown(r) for r in rows):
            return True
        rawinput.click(x + w // 2, y + h // 2, button=5, check=False)
        return False
    wait_for('the rows to share on screen', probe, timeout=20, interval=0.3)
    rawinput.click(x + w // 2, y + h // 2, button=5, check=False)  # the whole token row, not its top
    time.sleep(0.5)


def port_answers(url):
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection(('127.0.0.1', parts.port), timeout=2):
            return True
    except OSError:
        return False


def transcode(url, token, clip, out):
    env = dict(os.environ, SEEDREEL_WORKER_TOKEN=token)
    with open(os.path.join(OUTDIR, f'cli-{os.path.basename(out)}.log'), 'w') as log_file:
        r = subprocess.run([CLI, 'transcode', '--worker', url, '--out', out, clip],
                           env=env, stdout=log_file, stderr=subprocess.STDOUT, timeout=300)
    with open(log_file.name) as f:
        return r.returncode, f.read()


def run():
    keyring = create.start_keyring()
    app = None
    try:
        port = srui.free_port()
        srui.gsettings_set(TRANSCODE_SCHEMA, 'contribute-port', str(port))
        clip = create.make_clip()
        app = ui.App(1)
        app.wait_ready()
        prefs = workers_page(app)
        url, token = share_rows(prefs, lambda u, t: u == 'Not running', 'the worker to be off at first')
        switch = contribute_switch(prefs)
        press(switch)
        wait_for('the switch to be on', lambda: has_state(switch, pyatspi.STATE_CHECKED))
        url, token = share_rows(prefs, lambda u, t: bool(u) and u.startswith('http://') and bool(t),
                                'the address and access token to share')
        log(f'the app works as a transcoding worker at {url} (token of {len(token)} characters)')
        if urllib.parse.urlsplit(url).port != port:
            raise Failure(f'the worker listens at {url}, not on the port {port} of the settings')
        if token in json.dumps(ui.gsettings_get(TRANSCODE_SCHEMA, 'workers')):
            raise Failure('the access token is in the settings')
        scroll_to_share_rows(app, prefs)
        screenshot('01-contributing.png')

        # A creator elsewhere, with the wrong token and then with this one.
        code, said = transcode(url, 'not-' + token, clip, os.path.join(TMPDIR, 'refused'))
        if code == 0 or 'does not accept this access token' not in said:
            raise Failure(f'a wrong token gave exit {code}: {said[-800:]}')
        log(f'wrong token refused: {said.strip().splitlines()[-1]!r}')
        out = os.path.join(TMPDIR, 'made')
        code, said = transcode(url, token, clip, out)
        if code != 0:
            raise Failure(f'seedreel-cli transcode on the app\'s worker failed ({code}):\n{said[-3000:]}')
        names = sorted(os.listdir(out))
        want = sorted([f'{n}.mp4' for n, _ in RUNGS] + ['info.json', 'poster.jpg'])
        if names != want:
            raise Failure(f'the app\'s worker made {names}, expected {want}')
        log(f'the app\'s worker made {names}, every check passed on the creator\'s side')
        ui.close_preferences(app, prefs)
        ui.quit_app(app)
        app.stop()

        # A relaunch: the worker runs again, with the token kept in the keyring.
        app = ui.App(2)
        app.wait_ready()
        wait_for('the worker to answer after a relaunch', lambda: port_answers(url), timeout=30)
        prefs = workers_page(app)
        again = share_rows(prefs, lambda u, t: bool(u) and u.startswith('http://') and bool(t),
                           'the address and access token after a relaunch')
        if again != (url, token):
            raise Failure(f'after a relaunch the page shows {again}, not {(url, token)}')
        log('after a relaunch: the same address and token')

        # Turned off: no longer running, the port closed.
        press(contribute_switch(prefs))
        share_rows(prefs, lambda u, t: u == 'Not running', 'the worker to stop')
        wait_for('the port to close', lambda: not port_answers(url), timeout=20)
        log('turned off: "Not running", the port closed')
        screenshot('02-stopped.png')
        ui.close_preferences(app, prefs)
        ui.quit_app(app)
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        create.stop_keyring(keyring)


if __name__ == '__main__':
    sys.exit(ui.main(run))
