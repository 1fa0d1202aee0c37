#!/usr/bin/python3
"""test_journey.py — a newcomer's whole first visit, on the demo network.

Runs inside ui-session.py with --first-run. `tools/demo --no-launch` brings
up what the README's first command does — the devnet, a seedreel-transcoder
worker, a creator who generates the demo titles with GStreamer, transcodes
them through the worker, publishes them and seeds them, and the funded demo
wallet — and the test is the person at the window:

  the welcome assistant (the demo network, the demo wallet, the download
  folder) → Browse shows the demo titles → a paid title's page → "Buy and
  Watch" → the one confirmation (price, seeder share, chain, fee) → the
  picture on screen (the zone plate's black and white rings, checked in the
  screenshot's pixels) → once the app holds the whole title and the creator
  has gone offline, another viewer (`seedreel-cli watch`) buys and streams
  it from this app alone → the Wallet page's Seeding rewards → Collect →
  the tokens land on chain, exactly what the receipts say.

Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shell as ui  # noqa: E402 — the helpers, not its test
import srui  # noqa: E402
import test_rewards as rewards  # noqa: E402
from test_first_run import window_gone, window_named  # noqa: E402
import test_watch as watch  # noqa: E402
from srui import (CAST, SOURCEDIR, Failure, capture_failure, find, find_button, free_port,  # noqa: E402
                  has_state, log, main, point_into, pyatspi, screenshot, shown_label,
                  wait_for, x_move_window)

CLI = os.path.join(ui.BUILDDIR, 'src', 'cli', 'seedreel-cli')
DEMO = os.path.join(SOURCEDIR, 'tools', 'demo')
ASSISTANT = 'Welcome to Seedreel'
VIEWER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
PASSWORD = 'seedreel-demo'
TITLES = ('Night Drive', 'Tidal Rings', 'Sunrise Sweep')
TITLE = 'Tidal Rings'
FOLDER = 'tidal-rings'
LONG = 180
# anvil's third account, funded by the devnet: a second viewer.
SECOND_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
SECOND = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

# The light keystore KDF the signer allows for tests (the demo wallet too).
os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'


class Demo:
    """tools/demo --no-launch: the README's first command without the window."""

    def __init__(self, port):
        self.url = f'http://127.0.0.1:{port}'
        # Debug logs from the creator and the worker, kept with the screenshots.
        env = dict(os.environ, SEEDREEL_BUILD_DIR=ui.BUILDDIR, SEEDREEL_DEMO_SECONDS='20', G_MESSAGES_DEBUG='all')
        self.log_path = os.path.join(ui.OUTDIR, 'demo.log')
        self.log = open(self.log_path, 'w')
        log(f'tools/demo --no-launch, its devnet on {self.url}')
        self.proc = subprocess.Popen([DEMO, '--port', str(port), '--no-launch'], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                raise Failure(f'tools/demo exited with {self.proc.returncode}:\n{self.text()[-3000:]}')
            return 'seedreel demo: ready' in self.text()
        wait_for('the demo network to be ready', ready, timeout=480, interval=1.0)
        log(f'the demo network is up with its titles after {time.monotonic() - self.started:.0f} s')
        profile = os.path.join(os.environ['XDG_CONFIG_HOME'], 'seedreel', 'networks', 'devnet.ini')
        with open(profile) as f:
            text = f.read()
        self.token = re.search(r'^token-address=(0x[0-9a-fA-F]{40})$', text, re.M).group(1)
        self.registry = re.search(r'^registry-address=(0x[0-9a-fA-F]{40})$', text, re.M).group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        # The worker's and the creator's logs, kept with the screenshots.
        demo = os.path.join(os.environ['XDG_CACHE_HOME'], 'seedreel', 'demo')
        for name in os.listdir(demo) if os.path.isdir(demo) else ():
            if name.endswith('.log'):
                shutil.copy(os.path.join(demo, name), ui.OUTDIR)

    def cast(self, *args):
        return subprocess.run([CAST, *args, '--rpc-url', self.url], check=True, capture_output=True,
                              text=True, timeout=60).stdout.strip()

    def token_balance(self, address):
        return int(self.cast('call', self.token, 'balanceOf(address)(uint256)', address).split()[0])


def assistant(app, demo):
    """The welcome assistant: the demo network, the demo wallet, the folder."""
    window = window_named(app, ASSISTANT)
    wait_for('the assistant to move', lambda: x_move_window(ASSISTANT, app.proc.pid, 270, 60))
    point_into(app, window)
    app.click(find_button(window, 'Get Started'))
    shown_label(window, 'the demo network row naming the devnet', lambda s: demo.url in s)
    demo_choice = find(window, 'the demo network choice', roleName='check box',
                       name='Demo Network on This Computer')
    if not has_state(demo_choice, pyatspi.STATE_CHECKED):
        app.click(demo_choice)
    screenshot('01-network.png')
    app.click(find_button(window, 'Next'))
    shown_label(window, '"Wallet Ready"', lambda s: s == 'Wallet Ready', timeout=60)
    shown_label(window, 'the demo wallet', lambda s: VIEWER.lower() in s.lower())
    log(f'the assistant found the demo wallet {VIEWER}')
    screenshot('02-wallet.png')
    app.click(find_button(window, 'Next'))
    home = os.environ['HOME']
    folder = shown_label(window, 'the download folder', lambda s: s.startswith(home)).name
    app.click(find_button(window, 'Next'))
    shown_label(window, 'the last step', lambda s: s == 'All Set')
    app.click(find_button(window, 'Start Browsing'))
    wait_for('the assistant to close', lambda: window_gone(app, ASSISTANT))
    log(f'the assistant is done; downloads go to {folder}')
    return folder


def ring_contrast(png, box):
    """(dark share, bright share) of the grey levels in `box` of a screenshot:
    the zone plate is black and white rings, neither a flat colour nor the
    placeholder."""
    x, y, w, h = (int(v) for v in box)
    data = subprocess.run(['convert', png, '-crop', f'{w}x{h}+{x}+{y}', '+repage', '-colorspace', 'gray',
                           '-depth', '8', 'gray:-'], check=True, capture_output=True, timeout=30).stdout
    n = max(len(data), 1)
    return sum(1 for v in data if v < 70) / n, sum(1 for v in data if v > 185) / n


def buy_and_watch(app, demo):
    app.click(ui.page_tab(app, 'Browse'))
    for title in TITLES:
        shown_label(app.window, f'the "{title}" card', lambda s, t=title: s == t, timeout=60)
    log('Browse shows the three demo titles')
    screenshot('03-browse.png')
    app.click(shown_label(app.window, f'the "{TITLE}" card', lambda s: s == TITLE))
    shown_label(app.window, 'the description', lambda s: s.startswith('Rings that swell'))
    app.click(watch.button(app.window, 'Buy and Watch'))
    name = f'Buy “{TITLE}”?'
    dialog = watch.window_named(app, name)
    body = ' '.join(n.name for n in dialog.findChildren(lambda n: n.roleName == 'label', isLambda=True))
    for part in ('5 SEED', '20 %', demo.registry, '31337', 'Estimated network fee'):
        if part not in body:
            raise Failure(f'the confirmation does not say "{part}": {body!r}')
    log('the confirmation shows the price, the seeder share, the registry, the chain and the fee')
    screenshot('04-confirm.png')
    watch.answer(app, name, 'Buy')
    started = time.monotonic()
    watch.answer(app, 'Sign the Approval?', 'Sign')
    watch.answer(app, 'Sign the Purchase?', 'Sign')
    video = find(app.window, 'the video', LONG, name='Video')

    def rings_on_screen():
        png = screenshot('05-watching.png')
        x, y = ui.screen_point(app.proc, video)
        _, _, w, h = ui.extents(video)
        dark, bright = ring_contrast(png, (x - w * 0.2, y - h * 0.3, w * 0.4, h * 0.4))
        log(f'middle of the video: {dark:.0%} dark, {bright:.0%} bright')
        return dark > 0.15 and bright > 0.15
    wait_for('the zone plate on screen', rings_on_screen, LONG, interval=2.0)
    log(f'the picture is on screen {time.monotonic() - started:.1f} s after Buy')


def digests(folder):
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), 'rb') as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def creator_stops_seeding(demo_home):
    """The creator goes offline for this title: its `seedreel-cli publish`
    for it is stopped, so whoever watches next gets it from this app."""
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        if b'publish' in args and any(a.endswith(f'/published-{FOLDER}'.encode()) for a in args):
            os.kill(int(pid), signal.SIGTERM)
            log(f'the creator stopped seeding "{TITLE}" (pid {pid})')
            return
    raise Failure(f'no creator process seeds "{TITLE}"')


def second_viewer_watches(demo, app_port):
    """Another person (anvil's third account, its own wallet and library)
    buys and watches the title with `seedreel-cli watch`, from this app."""
    home = os.path.join(os.environ['SEEDREEL_UI_TMPDIR'], 'second-viewer')
    env = watch.cli_env(home)
    password_file = os.path.join(home, 'password')
    os.makedirs(home, exist_ok=True)
    with open(password_file, 'w') as f:
        f.write('second viewer password\n')
    if watch.import_wallet(env, SECOND_KEY, password_file) != SECOND:
        raise Failure('the second viewer\'s wallet is not anvil\'s third account')
    titles = json.loads(subprocess.run([CLI, 'catalog', '--json', '--rpc-url', demo.url, '--registry', demo.registry],
                                       env=env, check=True, capture_output=True, text=True, timeout=120).stdout)
    content_id = next(t['id'] for t in titles if t['title'] == TITLE)
    started = time.monotonic()
    with open(os.path.join(ui.OUTDIR, 'second-viewer.log'), 'w') as out:
        r = subprocess.run([CLI, 'watch', content_id, '--yes', '--password-file', password_file,
                            '--rpc-url', demo.url, '--registry', demo.registry, '--token', demo.token,
                            '--listen', '127.0.0.1:0',
                            '--peer', f'127.0.0.1:{app_port}', '--download-dir', os.path.join(home, 'downloads')],
                           env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300)
    if r.returncode != 0:
        with open(out.name) as f:
            raise Failure(f'seedreel-cli watch failed ({r.returncode}):\n{f.read()[-3000:]}')
    log(f'the second viewer bought and watched "{TITLE}" from this app in {time.monotonic() - started:.0f} s')


def collect(app, demo):
    """The Wallet page's Seeding rewards: what the receipts say, collected."""
    cli = [CLI, 'rewards', '--json', '--rpc-url', demo.url, '--registry', demo.registry]
    state = wait_for('the second viewer\'s receipts in this library', lambda: (lambda j: j if int(
        j['pending_base_units']) > 0 else None)(json.loads(subprocess.run(
            cli, check=True, capture_output=True, text=True, timeout=60).stdout)), timeout=60, interval=1.0)
    pending = int(state['pending_base_units'])
    log(f'receipts held: {state["receipts"]}, pending {pending / 10 ** 18} SEED')
    # A view of 5 SEED puts 1 SEED in its seeders' pool; this app sent (nearly) all of it.
    if not 0.9 * 10 ** 18 <= pending <= 10 ** 18:
        raise Failure(f'{pending} base units pending, not (nearly) the whole 1 SEED pool')
    # From the player back to the window's pages, then to the Wallet.
    app.click(find_button(app.window, 'Back'))
    tab = ui.page_tab(app, 'Wallet')

    def on_wallet_page():
        if has_state(tab, pyatspi.STATE_SELECTED):
            return True
        app.click(tab)  # again if the window was still leaving the player
        return False
    wait_for('the Wallet page', on_wallet_page, timeout=30, interval=1.0)
    before = demo.token_balance(VIEWER)
    rewards.press(rewards.button(app.window, 'Collect', timeout=60))
    dialog = rewards.window_named(app, 'Collect Seeding Rewards?', timeout=60)
    point_into(app, dialog)
    body = [n.name for n in dialog.findChildren(lambda n: n.roleName == 'label', isLambda=True) if 'ETH' in n.name]
    if not body or 'SEED' not in body[0]:
        raise Failure(f'the confirmation shows {body!r}')
    log(f'confirmation: {body[0]}')
    screenshot('06-collect.png')
    rewards.press(rewards.button(dialog, 'Collect'))
    wait_for('the reward in the account', lambda: demo.token_balance(VIEWER) - before == pending, timeout=90)
    log(f'cast: the account holds exactly {pending / 10 ** 18} SEED more, what the receipts say')
    # The wallet's history names each contract call for what it did, newest first.
    want = ['Collected seeding rewards', 'Bought a view of title ', 'Allowed the catalog to take 5 SEED']

    def history():
        titles = []
        for row in app.window.findChildren(lambda n: n.roleName == 'list item', isLambda=True):
            texts = [n.name for n in row.findChildren(lambda n: n.roleName == 'label', isLambda=True)]
            if texts and texts[0].startswith(tuple(want)) and any(st in texts for st in ('Confirmed', 'Pending')):
                titles.append(texts[0])
        return titles if len(titles) == 3 and all(t.startswith(w) for t, w in zip(titles, want)) else None
    log(f'wallet history: {wait_for("the three calls in the history, each named", history, timeout=30)}')
    screenshot('07-collected.png')


def run():
    tmp = os.environ['SEEDREEL_UI_TMPDIR']
    app_port = srui.torrents_on_loopback()
    demo = Demo(free_port())
    app = None
    try:
        demo.wait_ready()
        # The app's debug log (key exchange, receipts) is kept with the
        # screenshots; the command-line tools keep their output clean.
        os.environ['G_MESSAGES_DEBUG'] = 'all'
        try:
            app = ui.App(1)
        finally:
            del os.environ['G_MESSAGES_DEBUG']
        app.wait_ready()
        folder = assistant(app, demo)
        watch.unlock(app, PASSWORD)
        buy_and_watch(app, demo)

        # The title is all here: this app now seeds it.
        source = os.path.join(os.environ['XDG_CACHE_HOME'], 'seedreel', 'demo', 'creator',
                              f'published-{FOLDER}', FOLDER)
        wanted = digests(source)

        def app_copy():
            # In the download folder the assistant showed, also when the
            # title's poster had been fetched into the cache before buying.
            copy = os.path.join(folder, FOLDER)
            return copy if os.path.isdir(copy) and digests(copy) == wanted else None
        copy = wait_for('this app to hold the whole title, byte for byte', app_copy, timeout=LONG, interval=2.0)
        log(f'the app holds the whole title in {copy}, byte-identical to the creator\'s')
        creator_stops_seeding(os.environ['XDG_CACHE_HOME'])
        second_viewer_watches(demo, app_port)
        collect(app, demo)
        ui.quit_app(app)
    except BaseException:
        capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        demo.stop()
    log(f'private home: {tmp}')


if __name__ == '__main__':
    sys.exit(main(run))
