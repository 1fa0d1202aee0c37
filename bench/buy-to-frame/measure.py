#!/usr/bin/python3
"""measure.py — one buy-to-frame run inside tests/ui/ui-session.py.

The setup of tests/ui/test_watch.py: a private devnet, `seedreel-cli
publish` seeding a paid red 360p title on loopback, the viewer's wallet
imported and unlocked in the real window. The window buys the title; from the
moment the purchase transaction is on chain (the viewer's nonce reaches 2,
read over JSON-RPC every 10 ms) to the first red frame in the middle of the
window (the screen read every ~0.1 s) is one sample, printed as
"buy-to-frame: SECONDS".
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.environ['SEEDREEL_UI_SOURCEDIR'], 'tests', 'ui'))
import test_shell as ui  # noqa: E402
import srui  # noqa: E402
import test_watch as watch  # noqa: E402
from srui import Devnet, gsettings_set, log, main, shown_label  # noqa: E402

TITLE = watch.TITLE
LIMIT = 120


def nonce(url, address):
    body = json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'eth_getTransactionCount',
                       'params': [address, 'latest']}).encode()
    req = urllib.request.Request(url, body, {'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=5) as r:
        return int(json.load(r)['result'], 16)


def red_at(x, y, size=60):
    data = subprocess.run(['import', '-window', 'root', '-display', os.environ['DISPLAY'],
                           '-crop', f'{size}x{size}+{x - size // 2}+{y - size // 2}', '-depth', '8', 'rgb:-'],
                          check=True, capture_output=True, timeout=10).stdout
    n = len(data) // 3
    red = sum(1 for i in range(0, n * 3, 3) if data[i] > 180 and data[i + 1] < 80 and data[i + 2] < 80)
    return red / max(n, 1) > 0.9


def run():
    tmp = os.environ['SEEDREEL_UI_TMPDIR']
    password_file = os.path.join(tmp, 'password')
    with open(password_file, 'w') as f:
        f.write(watch.PASSWORD + '\n')
    folder = os.path.join(tmp, 'source')
    watch.make_title(folder)
    devnet = Devnet()
    creator = app = None
    try:
        gsettings_set(watch.NETWORK_SCHEMA, 'rpc-url', devnet.url)
        app_port = srui.torrents_on_loopback(os.path.join(tmp, 'downloads'))
        os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'
        watch.import_wallet(dict(os.environ), watch.VIEWER_KEY, password_file)
        creator = watch.Creator(devnet, folder, password_file, app_port)
        app = ui.App(1)
        app.wait_ready()
        watch.unlock(app)
        app.click(ui.page_tab(app, 'Browse'))
        app.click(shown_label(app.window, 'the card', lambda s: s == TITLE, timeout=60))
        shown_label(app.window, 'the description', lambda s: s == 'A red harbour at noon.')
        cx, cy = ui.screen_point(app.proc, app.window)
        if red_at(cx, cy):
            raise watch.Failure('the middle of the window is red before the purchase')
        app.click(watch.button(app.window, 'Buy and Watch'))
        watch.answer(app, f'Buy “{TITLE}”?', 'Buy')
        watch.answer(app, 'Sign the Approval?', 'Sign')
        watch.answer(app, 'Sign the Purchase?', 'Sign')
        start = time.monotonic()
        confirmed = None
        while time.monotonic() - start < LIMIT:
            now = time.monotonic()
            if confirmed is None:
                if nonce(devnet.url, watch.VIEWER) >= 2:
                    confirmed = now
                    log('the purchase is on chain')
                else:
                    time.sleep(0.01)
                continue
            if red_at(cx, cy):
                print(f'buy-to-frame: {now - confirmed:.2f}', flush=True)
                log(f'first decrypted frame {now - confirmed:.2f} s after the purchase was on chain')
                return
        raise watch.Failure('no decrypted frame within the limit')
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        if creator is not None:
            creator.stop()
        devnet.stop()


if __name__ == '__main__':
    sys.exit(main(run))
