#!/usr/bin/python3
"""test_seeding.py — the app earns seeding rewards for what it seeds.

Runs inside ui-session.py against a private devnet. A creator
(`seedreel-cli publish`, anvil's account 0) seeds a paid title (2 SEED, 25 %
to seeders) on loopback. The app (anvil's account 1) buys it in the window
and watches it, until the creator has the app's receipt for the whole title,
so the app holds every piece and the key. Then the creator stops, the app is
restarted (it seeds again from launch and serves the key it kept once the
wallet is unlocked), and a second viewer (`seedreel-cli watch`, anvil's account 2) buys the title and
downloads all of it from the app, the only peer it knows: the app hands it
the key, and the viewer's receipt is acknowledged by the app's account. On
the Wallet page the Seeding rewards section shows the reward for those bytes
pending; Collect asks with the fee and the account's balance rises by
exactly pool × bytes ÷ size (checked with cast). Leaves screenshots in
SEEDREEL_UI_OUTDIR.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srui  # noqa: E402
import test_shell as ui  # noqa: E402 — the helpers, not its test
import test_watch as tw  # noqa: E402 — the creator, the title and the buying steps
from srui import Devnet, Failure, find, gsettings_set, log, screenshot, wait_for  # noqa: E402
from test_rewards import press, section_label, window_named  # noqa: E402
from test_rewards import button as visible_button  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402

SECOND_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
SECOND = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
WEI = 10 ** 18
POOL = 2 * WEI * 2500 // 10000
LONG = 180


def format_seed(base_units):
    """As the app shows an amount: 500000000000000000 → "0.5"."""
    whole, frac = divmod(base_units, WEI)
    text = str(whole)
    if frac:
        text += '.' + f'{frac:018d}'.rstrip('0')
    return text


class Creator(tw.Creator):
    """The creator of test_watch at 2 SEED with 25 % to seeders."""

    def __init__(self, devnet, folder, password_file, app_port):
        home = os.path.join(os.environ['SEEDREEL_UI_TMPDIR'], 'creator')
        self.env = tw.cli_env(home)
        tw.import_wallet(self.env, tw.CREATOR_KEY, password_file)
        self.log = open(os.path.join(ui.OUTDIR, 'creator.log'), 'w')
        self.proc = subprocess.Popen(
            [tw.CLI, 'publish', folder, '--price', '2', '--seeder-share', '25', '--yes',
             '--password-file', password_file, '--rpc-url', devnet.url, '--registry', devnet.registry,
             '--output', os.path.join(home, 'published'), '--listen', '127.0.0.1:0',
             '--peer', f'127.0.0.1:{app_port}'],
            env=self.env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        if not re.fullmatch(r'\d+', line):
            raise Failure(f'publish printed {line!r} and exited with {self.proc.poll()}')
        self.content_id = line

    def receipted(self):
        """The bytes of the newest receipt the app signed to the creator."""
        with open(self.log.name) as f:
            found = re.findall(r'Receipt from \S+: view \d+, (\d+) bytes seeded', f.read())
        return int(found[-1]) if found else 0


def content_size(devnet, env):
    out = subprocess.run([tw.CLI, 'catalog', '--json', '--rpc-url', devnet.url, '--registry', devnet.registry],
                         env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    return int(json.loads(out)[0]['content_size'])


def run():
    tmp = os.environ['SEEDREEL_UI_TMPDIR']
    password_file = os.path.join(tmp, 'password')
    with open(password_file, 'w') as f:
        f.write(tw.PASSWORD + '\n')
    folder = os.path.join(tmp, 'red-harbour-source')
    tw.make_title(folder)

    devnet = Devnet()
    creator = None
    app = None
    try:
        gsettings_set(tw.NETWORK_SCHEMA, 'rpc-url', devnet.url)
        app_port = srui.torrents_on_loopback(os.path.join(tmp, 'downloads'))
        os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'
        if tw.import_wallet(dict(os.environ), tw.VIEWER_KEY, password_file) != tw.VIEWER:
            raise Failure('the app wallet is not anvil account 1')
        creator = Creator(devnet, folder, password_file, app_port)
        size = content_size(devnet, creator.env)
        log(f'the creator published "{tw.TITLE}" ({size} bytes) as title {creator.content_id}')

        # The app buys and watches it.
        app = ui.App(1)
        app.wait_ready()
        tw.unlock(app)
        app.click(ui.page_tab(app, 'Browse'))
        app.click(srui.shown_label(app.window, f'the "{tw.TITLE}" card', lambda s: s == tw.TITLE, timeout=60))
        app.click(tw.button(app.window, 'Buy and Watch'))
        tw.answer(app, f'Buy “{tw.TITLE}”?', 'Buy')
        tw.answer(app, 'Sign the Approval?', 'Sign')
        tw.answer(app, 'Sign the Purchase?', 'Sign')
        find(app.window, 'the video', LONG, name='Video')
        wait_for('the creator to send the key', creator.served, LONG)
        # The app's receipts to the creator say when it holds the whole title.
        wait_for('the app to receipt the whole title to the creator', lambda: creator.receipted() == size,
                 LONG, interval=0.5)
        log('the app holds the whole title and the key; its receipt to the creator covers all of it')
        content_id = creator.content_id
        creator.stop()
        creator = None
        log('the creator stopped: the app is the only seeder')

        # The app is restarted: it seeds the title again from launch, and
        # serves the key it kept once the wallet is unlocked.
        ui.quit_app(app)
        app = ui.App(2)
        app.wait_ready()
        tw.unlock(app)
        log('the app was restarted and unlocked')

        # A second viewer streams it from the app.
        second_env = tw.cli_env(os.path.join(tmp, 'second'))
        if tw.import_wallet(second_env, SECOND_KEY, password_file) != SECOND:
            raise Failure('the second wallet is not anvil account 2')
        devnet.cast('send', '--private-key', tw.CREATOR_KEY, devnet.token, 'mint(address,uint256)', SECOND,
                    str(10 * WEI))
        output = os.path.join(tmp, 'second.mp4')
        started = time.monotonic()
        watch = subprocess.run(
            [tw.CLI, 'watch', content_id, '--yes', '--output', output, '--password-file', password_file,
             '--rpc-url', devnet.url, '--registry', devnet.registry, '--token', devnet.token,
             '--listen', '127.0.0.3:0', '--peer', f'127.0.0.1:{app_port}',
             '--download-dir', os.path.join(tmp, 'second', 'downloads')],
            env=second_env, capture_output=True, text=True, timeout=LONG)
        with open(os.path.join(ui.OUTDIR, 'second-viewer.log'), 'w') as f:
            f.write(watch.stderr)
        if watch.returncode != 0:
            raise Failure(f'seedreel-cli watch exited with {watch.returncode}: {watch.stderr[-2000:]}')
        found = re.findall(r'Receipt for (\d+) bytes acknowledged by (\S+)\.', watch.stderr)
        if not found or found[-1][1] != tw.VIEWER:
            raise Failure(f'no receipt acknowledged by the app: {watch.stderr[-2000:]}')
        delivered = int(found[-1][0])
        if os.path.getsize(output) == 0 or delivered != size:
            raise Failure(f'the app delivered {delivered} of {size} bytes')
        log(f'the second viewer took all {size} bytes from the app in {time.monotonic() - started:.1f} s;'
            f' the app acknowledged its receipt')

        # The app kept the receipt in its library, as seedreel-cli sees it.
        held = json.loads(srui.run_cmd(tw.CLI, 'rewards', '--json', '--rpc-url', devnet.url,
                                       '--registry', devnet.registry, '--account', tw.VIEWER))
        log(f'the app\'s library: {held}')

        # The Wallet page shows it pending; Collect pays it.
        expected = POOL * delivered // size
        if int(held['pending_base_units']) != expected or held['receipts'] != 1:
            raise Failure(f'the app\'s library holds {held}, not one receipt worth {expected}')
        wallet_tab = ui.page_tab(app, 'Wallet')

        def on_wallet_page():
            app.click(wallet_tab)
            return srui.label_shown(app.window, 'Balances')
        wait_for('the Wallet page', on_wallet_page, 30, interval=1.0)
        section_label(app, f'{format_seed(expected)} SEED', timeout=60)
        section_label(app, '1 receipt')
        section_label(app, 'from 1 viewer')
        log(f'the Seeding rewards section shows {format_seed(expected)} SEED pending from 1 receipt')
        screenshot('01-pending.png')

        before = devnet.token_balance(tw.VIEWER)
        press(visible_button(app.window, 'Collect'))
        dialog = window_named(app, 'Collect Seeding Rewards?', timeout=60)
        srui.point_into(app, dialog)
        body = [n.name for n in dialog.findChildren(GenericPredicate(roleName='label')) if 'ETH' in n.name]
        if not body or f'{format_seed(expected)} SEED' not in body[0] or not re.search(r'at most [0-9.]+ ETH', body[0]):
            raise Failure(f'the confirmation shows {body!r}')
        log(f'confirmation: {body[0]}')
        screenshot('02-confirm-collect.png')
        press(visible_button(dialog, 'Collect'))
        wait_for(f'{format_seed(expected)} SEED more in the account',
                 lambda: devnet.token_balance(tw.VIEWER) - before == expected, timeout=90)
        log(f'cast: the app\'s account holds exactly {expected} base units more')
        section_label(app, '0 SEED', timeout=60)
        screenshot('03-collected.png')
        ui.quit_app(app)
        app = None
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
    sys.exit(srui.main(run))
