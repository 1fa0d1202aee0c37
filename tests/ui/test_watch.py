#!/usr/bin/python3
"""test_watch.py — buy a paid title in the window and watch it.

Runs inside ui-session.py. A creator process (`seedreel-cli publish`, anvil's
account 0) encrypts a real H.264 clip (a red picture), seeds it on loopback
and publishes it on a private devnet at 2 SEED. The viewer (anvil's account
1, imported into the app's wallet) unlocks the wallet, opens the title from
Browse, presses "Buy and Watch", accepts the one confirmation (price, seeder
share, network, fee) and the wallet's check of each transaction; the key
comes from the creator over the peer extension and the player shows the
decrypted picture: the screenshot's pixels are red. Leaves screenshots in
SEEDREEL_UI_OUTDIR.
"""
import os
import re
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shell as ui  # noqa: E402 — the helpers, not its test
import srui  # noqa: E402
from srui import (Devnet, Failure, dialog_named, find, gsettings_set, has_state, is_shown, log,  # noqa: E402
                  pyatspi, screenshot, shown_label, wait_for)
from dogtail import rawinput  # noqa: E402

CLI = os.path.join(ui.BUILDDIR, 'src', 'cli', 'seedreel-cli')
NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
PASSWORD = 'correct horse battery staple'
CREATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
VIEWER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
VIEWER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
TITLE = 'Red Harbour'
LONG = 120


def make_title(folder):
    """A 20 s 640x360 H.264 fast-start MP4 of a red picture, a poster and info.json."""
    os.makedirs(folder, exist_ok=True)
    clip = os.path.join(folder, '360p.mp4')
    subprocess.run(['gst-launch-1.0', '-q', 'videotestsrc', 'pattern=red', 'num-buffers=600', '!',
                    'video/x-raw,width=640,height=360,framerate=30/1', '!', 'videoconvert', '!',
                    'x264enc', 'speed-preset=ultrafast', 'key-int-max=30', '!', 'mp4mux', 'faststart=true', '!',
                    'filesink', f'location={clip}'], check=True, timeout=120)
    subprocess.run(['gst-launch-1.0', '-q', 'videotestsrc', 'pattern=red', 'num-buffers=1', '!',
                    'video/x-raw,width=200,height=300', '!', 'jpegenc', '!',
                    'filesink', f'location={os.path.join(folder, "poster.jpg")}'], check=True, timeout=60)
    with open(os.path.join(folder, 'info.json'), 'w') as f:
        f.write('{"title": "%s", "description": "A red harbour at noon.", "duration": 20, '
                '"renditions": ["360p"]}' % TITLE)
    log(f'title folder: {folder} ({os.path.getsize(clip)} bytes of video)')


def cli_env(home):
    """A process with its own wallet and library under `home`."""
    env = dict(os.environ)
    for var, sub in (('XDG_DATA_HOME', 'data'), ('XDG_CONFIG_HOME', 'config'), ('XDG_CACHE_HOME', 'cache')):
        env[var] = os.path.join(home, sub)
    env['SEEDREEL_SIGNER_TEST_KDF'] = '1'
    return env


def import_wallet(env, key, password_file):
    return srui.import_wallet(CLI, key, password_file, env)


class Creator:
    """`seedreel-cli publish` seeding the title on loopback and dialling the app."""

    def __init__(self, devnet, folder, password_file, app_port):
        home = os.path.join(os.environ['SEEDREEL_UI_TMPDIR'], 'creator')
        env = cli_env(home)
        import_wallet(env, CREATOR_KEY, password_file)
        self.log = open(os.path.join(ui.OUTDIR, 'creator.log'), 'w')
        self.proc = subprocess.Popen(
            [CLI, 'publish', folder, '--price', '2', '--seeder-share', '10', '--yes',
             '--password-file', password_file, '--rpc-url', devnet.url, '--registry', devnet.registry,
             '--output', os.path.join(home, 'published'), '--listen', '127.0.0.1:0',
             '--peer', f'127.0.0.1:{app_port}'],
            env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        if not re.fullmatch(r'\d+', line):
            raise Failure(f'publish printed {line!r} and exited with {self.proc.poll()}')
        self.content_id = line
        log(f'the creator published "{TITLE}" as title {line} and seeds it')

    def served(self):
        with open(self.log.name) as f:
            return 'Sent the key to' in f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def button(parent, text, timeout=30.0, in_dialog=False):
    """A button by its label; GTK 4.8 names a mnemonic one "_Buy Buy". It
    never marks a message dialog's buttons SHOWING: there, VISIBLE will do."""
    def probe():
        for n in parent.findChildren(lambda n: n.roleName == 'push button' and
                                     (n.name.replace('_', '') == text or n.name.endswith(' ' + text)),
                                     isLambda=True):
            if is_shown(n) or (in_dialog and has_state(n, pyatspi.STATE_VISIBLE)):
                return n
        return None
    return wait_for(f'the "{text}" button', probe, timeout)


def window_named(app, title, timeout=60.0):
    return dialog_named(app, title, timeout)


def answer(app, title, response):
    dialog = window_named(app, title)
    ui.point_into(app, dialog)
    app.click(button(dialog, response, in_dialog=True))
    log(f'"{title}": {response}')
    return dialog


def unlock(app, password=PASSWORD):
    app.click(ui.page_tab(app, 'Wallet'))
    app.click(button(app.window, 'Unlock'))
    dialog = window_named(app, 'Unlock Wallet')
    ui.point_into(app, dialog)
    entry = wait_for('the focused password field', lambda: [n for n in dialog.findChildren(
        lambda n: n.roleName in ('password text', 'text') and n.name == 'Password', isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSED)] or None)[0]
    rawinput.typeText(password)
    wait_for('the password to be typed', lambda: len(ui.entry_text(entry)) == len(password))
    rawinput.pressKey('Return')
    button(app.window, 'Lock', timeout=60)
    log('the wallet is unlocked')


def red_fraction(png, box):
    """Share of red pixels (R > 180, G and B < 80) in `box` (x, y, w, h) of a screenshot."""
    x, y, w, h = (int(v) for v in box)
    data = subprocess.run(['convert', png, '-crop', f'{w}x{h}+{x}+{y}', '+repage', '-depth', '8', 'rgb:-'],
                          check=True, capture_output=True, timeout=30).stdout
    n = len(data) // 3
    red = sum(1 for i in range(0, n * 3, 3) if data[i] > 180 and data[i + 1] < 80 and data[i + 2] < 80)
    return red / max(n, 1)


def run():
    tmp = os.environ['SEEDREEL_UI_TMPDIR']
    password_file = os.path.join(tmp, 'password')
    with open(password_file, 'w') as f:
        f.write(PASSWORD + '\n')
    folder = os.path.join(tmp, 'red-harbour-source')
    make_title(folder)

    devnet = Devnet()
    creator = None
    app = None
    try:
        gsettings_set(NETWORK_SCHEMA, 'rpc-url', devnet.url)
        app_port = srui.torrents_on_loopback(os.path.join(tmp, 'downloads'))
        os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'
        viewer = import_wallet(dict(os.environ), VIEWER_KEY, password_file)
        if viewer != VIEWER:
            raise Failure(f'the viewer wallet is {viewer}, not {VIEWER}')
        creator = Creator(devnet, folder, password_file, app_port)

        app = ui.App(1)
        app.wait_ready()
        unlock(app)
        app.click(ui.page_tab(app, 'Browse'))
        card = shown_label(app.window, f'the "{TITLE}" card', lambda s: s == TITLE, timeout=60)
        app.click(card)
        shown_label(app.window, 'the description', lambda s: s == 'A red harbour at noon.')
        screenshot('01-title.png')

        app.click(button(app.window, 'Buy and Watch'))
        dialog = window_named(app, f'Buy “{TITLE}”?')
        body = ' '.join(n.name for n in dialog.findChildren(lambda n: n.roleName == 'label', isLambda=True))
        for part in ('2 SEED', '10 %', devnet.registry, '31337', 'Estimated network fee'):
            if part not in body:
                raise Failure(f'the confirmation does not say "{part}": {body!r}')
        log('the confirmation shows price, seeder share, registry, chain and fee')
        screenshot('02-confirm.png')
        answer(app, f'Buy “{TITLE}”?', 'Buy')
        started = time.monotonic()
        answer(app, 'Sign the Approval?', 'Sign')
        answer(app, 'Sign the Purchase?', 'Sign')

        video = find(app.window, 'the video', LONG, name='Video')
        wait_for('the creator to send the key', creator.served, LONG)
        log(f'the key arrived and the player opened {time.monotonic() - started:.1f} s after Buy')

        def red_on_screen():
            png = screenshot('03-watching.png')
            x, y = ui.screen_point(app.proc, video)
            _, _, w, h = ui.extents(video)
            box = (x - w * 0.2, y - h * 0.2, w * 0.4, h * 0.4)
            share = red_fraction(png, box)
            log(f'{share:.0%} of the middle of the video is red')
            return share > 0.9
        wait_for('the decrypted red picture on screen', red_on_screen, LONG, interval=2.0)
        log('the decrypted picture is on screen')
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        if creator is not None:
            creator.stop()
        devnet.stop()


def main():
    os.makedirs(ui.OUTDIR, exist_ok=True)
    try:
        run()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        log('FAIL')
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
