#!/usr/bin/python3
"""test_create.py — a creator sends a video through a real transcoding worker.

Runs inside ui-session.py. Starts a keyring (gnome-keyring-daemon, secrets
only) in the private session and a real seedreel-transcoder with an access
token; in Preferences → Workers adds the worker through the form with a
mistyped token, which the connection test refuses with a clear message, removes
it, adds it again with the right one (it goes to the keyring) and sees the
connection test list its encoders; on the Create page chooses a short
generated clip through the file chooser, sees the
preflight (duration, picture, sound, size, the qualities that will be made,
never upscaled), starts the transcode, and waits until every quality shows
all of its checks passed and the folder holds the renditions, poster.jpg and
info.json. Seedreel is closed and opened again before publishing: the checked
video waits under Ready to Publish, and Continue brings it back with its title,
description and qualities. Then, against a private devnet with the creator's wallet (anvil's
account 0) unlocked: Publish…, declined at the confirmation (nothing on chain,
the prepared title kept), Publish… again (the same prepared folder), one
confirmation showing the title, price, seeder share, network and chain ID and
the fee, the title published and seeded; "View in Browse" opens its page
there; My Titles lists it with no views. Another Seedreel (`seedreel-cli
watch` with its own wallet and library, anvil's second account) buys a view
and watches it from this app alone: it gets the title's key from the app,
and the rendition it decrypts is byte for byte the one the worker made. My
Titles shows 1 view and what it
earned (the price minus the seeder share) and that much ready to withdraw;
Withdraw, confirmed with the amount, chain and fee, moves exactly that to the
account (checked with cast). Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srui  # noqa: E402
import test_shell as ui  # noqa: E402 — the helpers, not its test
import test_watch as watch  # noqa: E402 — the helpers, not its test
from test_shell import Failure, find, has_state, is_shown, log, screenshot, wait_for  # noqa: E402
from srui import Devnet, dialog_named, gsettings_set, press, usable_button  # noqa: E402
from dogtail import rawinput  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402
import pyatspi  # noqa: E402

BUILDDIR = os.environ['SEEDREEL_UI_BUILDDIR']
TMPDIR = os.environ['SEEDREEL_UI_TMPDIR']
OUTDIR = os.environ['SEEDREEL_UI_OUTDIR']
WORKER = os.path.join(BUILDDIR, 'src', 'worker', 'seedreel-transcoder')
TRANSCODE_SCHEMA = 'org.seedreel.Seedreel.Transcode'
TOKEN = 'ui-test-operator-token'
RUNGS = [('480p', '854×480'), ('360p', '640×360')]
CLI = os.path.join(BUILDDIR, 'src', 'cli', 'seedreel-cli')
PASSWORD = 'a creator at dawn'
CREATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
CREATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
VIEWER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
VIEWER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
TITLE = 'Sunrise over the bay'
WEI = 10 ** 18
PRICE = 2 * WEI
EARNED = PRICE - PRICE * 20 // 100     # the seeder share stays at its 20 % default

os.environ['NO_PROXY'] = '127.0.0.1,localhost'
os.environ['no_proxy'] = '127.0.0.1,localhost'


def labels(node):
    return node.findChildren(GenericPredicate(roleName='label'))


def scroll_until(app, what, probe, down=True, timeout=30.0):
    """Turns the mouse wheel over the window until probe() is true: rows
    further down a page are off screen until scrolled to, as for a user."""
    x, y, w, h = ui.extents(app.window)
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = probe()
        except Exception:  # noqa: BLE001 — AT-SPI objects vanish while the page changes
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise Failure(f'scrolled for {timeout:.0f} s and still no {what}')
        rawinput.click(x + w // 2, y + h // 2, button=5 if down else 4, check=False)
        time.sleep(0.3)


def shown_button(parent, text):
    """A shown button by its visible label; GTK 4.8 names a mnemonic button
    "<label with underline> <label>"."""
    for n in parent.findChildren(lambda n: n.roleName == 'push button' and
                                 (n.name.replace('_', '') == text or n.name.endswith(' ' + text)),
                                 isLambda=True):
        if is_shown(n):
            return n
    return None


def find_button(parent, text, timeout=20.0):
    return wait_for(f'the "{text}" button', lambda: shown_button(parent, text), timeout)


def row_texts(window, title):
    """Label texts of the shown list row whose first label is `title`."""
    for row in window.findChildren(GenericPredicate(roleName='list item')):
        texts = [n.name for n in labels(row)]
        if texts and texts[0] == title and is_shown(row):
            return texts
    return None


def row_subtitle(window, title, pred=lambda s: bool(s), what=None, timeout=30.0):
    def probe():
        texts = row_texts(window, title)
        if texts and len(texts) > 1 and pred(texts[1]):
            return texts[1]
        return None
    return wait_for(what or f'the "{title}" row to have a value', probe, timeout)


def type_into(app, entry, text):
    app.click(entry)
    rawinput.keyCombo('<Control>a')
    rawinput.typeText(text)
    wait_for(f'the field to read {text!r}', lambda: ui.entry_text(entry) == text)


def start_keyring():
    """A Secret Service on the private session bus, unlocked, empty password."""
    out = subprocess.run(['gnome-keyring-daemon', '--unlock', '--components=secrets', '--daemonize'],
                         input='\n', capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise Failure(f'gnome-keyring-daemon failed: {out.stderr}')
    for line in out.stdout.splitlines():
        if '=' in line:
            k, v = line.split('=', 1)
            os.environ[k] = v
    pid = int(os.environ.get('GNOME_KEYRING_PID', '0') or 0)
    log(f'keyring running (pid {pid})')
    return pid


def stop_keyring(pid):
    if pid:
        try:
            os.kill(pid, 15)
        except OSError:
            pass


def start_worker():
    state = os.path.join(TMPDIR, 'worker-state')
    os.makedirs(state, exist_ok=True)
    proc = subprocess.Popen([WORKER, '--listen', '127.0.0.1:0', '--state-dir', state,
                             '--access-token', TOKEN, '--speed-preset', 'ultrafast'],
                            stdout=subprocess.PIPE, stderr=open(os.path.join(OUTDIR, 'worker.log'), 'w'),
                            text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith('listening on '):
        raise Failure(f'the worker said {line!r}')
    url = line[len('listening on '):]
    log(f'worker at {url}')
    return proc, url


def make_clip():
    path = os.path.join(TMPDIR, 'Sunrise over the bay.mp4')
    seconds = 4
    subprocess.run([
        'gst-launch-1.0', '-q',
        'videotestsrc', 'pattern=smpte', 'horizontal-speed=6', f'num-buffers={seconds * 25}', '!',
        'video/x-raw,width=854,height=480,framerate=25/1', '!', 'videoconvert', '!',
        'video/x-raw,format=I420', '!', 'x264enc', 'speed-preset=ultrafast', 'key-int-max=25', '!',
        'mp4mux', 'name=mux', '!', 'filesink', f'location={path}',
        'audiotestsrc', 'wave=sine', f'num-buffers={seconds * 48}', 'samplesperbuffer=1000', '!',
        'audio/x-raw,rate=48000,channels=2', '!', 'audioconvert', '!', 'avenc_aac', '!', 'mux.',
    ], check=True, timeout=120)
    log(f'clip: {path} ({os.path.getsize(path)} bytes)')
    return path


def add_worker(app, url):
    prefs = ui.open_preferences(app)
    app.click(find(prefs, 'the Workers page', roleName='page tab', name='Workers'))
    find(prefs, 'the Workers page content', name='Transcoding Workers', roleName='label')
    row_subtitle(prefs, 'No workers yet', what='the empty worker list')

    def add(token):
        type_into(app, find(prefs, 'the worker address row', name='Worker Address', roleName='text'), url)
        token_entry = find(prefs, 'the access token row', name='Access Token', roleName='text')
        app.click(token_entry)
        rawinput.keyCombo('<Control>a')
        rawinput.typeText(token)
        app.click(find_button(prefs, 'Add Worker'))

    # A mistyped token: the connection test says so (an authenticated request).
    add('not-the-operator-token')
    refused = row_subtitle(prefs, url, lambda s: not s.startswith(('Connecting', 'Connected')),
                           what='the connection test to refuse the token', timeout=30)
    if 'does not accept this access token' not in refused:
        raise Failure(f'a wrong token gives {refused!r}')
    log(f'wrong token: {refused!r}')
    screenshot('01-preferences-wrong-token.png')
    press(wait_for('the remove button', lambda: [n for n in prefs.findChildren(
        GenericPredicate(roleName='push button', name=f'Remove {url}')) if has_state(n, pyatspi.STATE_VISIBLE)]
        or None)[0])
    row_subtitle(prefs, 'No workers yet', what='the worker to be removed')

    add(TOKEN)
    info = row_subtitle(prefs, url, lambda s: s.startswith('Connected'),
                        what='the connection test of the new worker', timeout=30)
    log(f'connection test: {info!r}')
    if 'x264enc' not in info:
        raise Failure(f'the connection test does not list x264enc: {info!r}')
    workers = ui.gsettings_get(TRANSCODE_SCHEMA, 'workers')
    if url not in workers or TOKEN in workers:
        raise Failure(f'workers setting is {workers}')
    # The token went to the keyring, not to the settings.
    if shutil.which('secret-tool'):
        found = subprocess.run(['secret-tool', 'lookup', 'url', url], capture_output=True, text=True)
        if found.stdout.strip() != TOKEN:
            raise Failure(f'the keyring holds {found.stdout!r} for the worker')
    screenshot('01-preferences-workers.png')
    ui.close_preferences(app, prefs)


def chooser_windows(app):
    # The fallback GtkFileChooserDialog (no portal here) is VISIBLE, not SHOWING.
    return [n for n in app.node if n is not None and n.name == 'Choose a Video'
            and (has_state(n, pyatspi.STATE_SHOWING) or has_state(n, pyatspi.STATE_VISIBLE))]


def choose_clip(app, clip):
    app.click(ui.page_tab(app, 'Create'))
    app.click(find_button(app.window, 'Choose a Video…'))
    chooser = wait_for('the file chooser', lambda: chooser_windows(app))[0]
    _, _, w, h = ui.extents(chooser)
    x, y, w, h = wait_for('the file chooser X window',
                          lambda: ui.x_surface_geometry(app.proc.pid, 'Choose a Video', w, h), timeout=15)
    # With no window manager the keys go to the window under the pointer.
    rawinput.absoluteMotion(x + w // 2, y + h // 2, check=False)
    time.sleep(0.5)
    rawinput.keyCombo('<Control>l')
    time.sleep(0.3)
    rawinput.typeText(clip)
    time.sleep(0.3)
    rawinput.pressKey('Return')
    wait_for('the file chooser to close', lambda: not chooser_windows(app), timeout=20)


def check_preflight(app):
    ladder = row_subtitle(app.window, 'Qualities to Produce', what='the qualities to produce', timeout=30)
    expected = ' · '.join(f'{n} ({s})' for n, s in RUNGS)
    if ladder != expected:
        raise Failure(f'qualities to produce: {ladder!r}, expected {expected!r} (no 720p/1080p upscale)')
    duration = row_subtitle(app.window, 'Duration')
    picture = row_subtitle(app.window, 'Picture')
    sound = row_subtitle(app.window, 'Sound')
    size = row_subtitle(app.window, 'Size')
    log(f'preflight: {duration} | {picture} | {sound} | {size} | {ladder}')
    if duration != '0:04' or '854×480' not in picture or 'AAC' not in sound:
        raise Failure('the preflight does not describe the clip')
    title = find(app.window, 'the title row', name='Title', roleName='text')
    if ui.entry_text(title) != 'Sunrise over the bay':
        raise Failure(f'title prefilled as {ui.entry_text(title)!r}')
    type_into(app, find(app.window, 'the description row', name='Description', roleName='text'),
              'A test pattern at dawn')
    set_price(app)
    screenshot('02-create-preflight.png')


def set_price(app):
    # The first spin button of the Details group (the second is the seeder share).
    price = wait_for('the price field', lambda: [n for n in app.window.findChildren(
        GenericPredicate(roleName='spin button')) if is_shown(n)] or None)[0]
    app.click(price)
    rawinput.keyCombo('<Control>a')
    rawinput.typeText('2')
    rawinput.pressKey('Tab')
    wait_for('the price to read 2.00', lambda: ui.entry_text(price) == '2.00')


def run_transcode(app):
    app.click(scroll_until(app, 'Start Transcoding button', lambda: shown_button(app.window, 'Start Transcoding')))
    done = wait_for('every quality to pass its checks',
                    lambda: [n.name for n in labels(app.window)
                             if n.name.startswith('Every quality passed its checks') and is_shown(n)]
                    or check_not_failed(app), timeout=180, interval=0.5)[0]
    log(done)
    for name, size in RUNGS:
        sub = row_subtitle(app.window, f'{name} ({size})')
        if sub != 'All 7 checks passed':
            raise Failure(f'{name}: {sub!r}')
        log(f'{name}: {sub}')
    upload = row_subtitle(app.window, 'Upload')
    if upload != 'Uploaded':
        raise Failure(f'upload row says {upload!r}')
    # The checks of the first quality, one row each, all passed.
    first = f'{RUNGS[0][0]} ({RUNGS[0][1]})'
    # The expander's header row is the list item named like the quality.
    app.click(scroll_until(app, 'first quality row', lambda: [
        n for n in app.window.findChildren(GenericPredicate(roleName='list item', name=first)) if is_shown(n)])[0])
    check_rows = scroll_until(app, 'check rows', lambda: [
        t for t in (row_texts(app.window, m) for m in
                    [n.name for n in labels(app.window) if n.name.startswith(('SSIM', 'Resolution'))])
        if t and t[1] == 'Passed'])
    log(f'check rows: {check_rows}')
    screenshot('03-create-checked.png')
    folder = done.split(': ', 1)[1]
    return folder


def check_not_failed(app):
    for n in labels(app.window):
        if ('failed' in n.name or 'refused' in n.name or 'could not' in n.name) and is_shown(n) \
                and 'checks' not in n.name.lower()[:6]:
            raise Failure(f'the Create page says: {n.name!r}')
    return None


def check_folder(folder):
    names = sorted(os.listdir(folder))
    log(f'folder {folder}: {names}')
    want = sorted([f'{n}.mp4' for n, _ in RUNGS] + ['info.json', 'poster.jpg'])
    if names != want:
        raise Failure(f'the folder holds {names}, expected {want}')
    with open(os.path.join(folder, 'info.json')) as f:
        info = json.load(f)
    if info['title'] != 'Sunrise over the bay' or info['description'] != 'A test pattern at dawn':
        raise Failure(f'info.json: {info}')
    if [r['name'] for r in info['renditions']] != [n for n, _ in RUNGS]:
        raise Failure(f'info.json renditions: {info["renditions"]}')


def continue_after_restart(app, folder):
    """Seedreel was closed after the transcode: the checked video waits on
    the Create page under Ready to Publish, and Continue brings it back with
    its title, description and qualities, one Publish… away."""
    app.click(ui.page_tab(app, 'Create'))
    qualities = ' · '.join(f'{n} ({s})' for n, s in RUNGS)
    texts = wait_for(f'"{TITLE}" under Ready to Publish', lambda: row_texts(app.window, TITLE), timeout=30)
    if texts[1] != qualities:
        raise Failure(f'the Ready to Publish row says {texts}')
    log(f'Ready to Publish: {texts[:2]}')
    # The row's button is named for it: "Continue Sunrise over the bay".
    app.click(scroll_until(app, 'the Continue button', lambda: [
        n for n in app.window.findChildren(GenericPredicate(roleName='push button'))
        if n.name.replace('_', '') == f'Continue {TITLE}' and is_shown(n)][0]))
    screenshot('03-ready-to-publish.png')
    status = srui.shown_label(app.window, 'the page to say the folder is ready', lambda s: s.startswith(
        'Every quality passed its checks before Seedreel was last closed'), timeout=30)
    if not status.name.endswith(folder):
        raise Failure(f'the page says {status.name!r}, not the folder {folder}')
    title = find(app.window, 'the title row', name='Title', roleName='text')
    description = find(app.window, 'the description row', name='Description', roleName='text')
    wait_for('the title and description from info.json', lambda: (ui.entry_text(title), ui.entry_text(
        description)) == (TITLE, 'A test pattern at dawn'))
    if row_subtitle(app.window, 'Qualities to Produce') != qualities:
        raise Failure('the qualities row does not list the checked qualities')
    set_price(app)
    log('continued with the checked folder after a restart')


def dialog_text(dialog):
    return ' '.join(n.name for n in dialog.findChildren(GenericPredicate(roleName='label')))


def publish(app, devnet, folder):
    heading = f'Publish “{TITLE}”?'
    published = os.path.join(os.path.dirname(os.path.dirname(folder)), 'published')
    # Declined at the confirmation: nothing on chain, the prepared title kept.
    press(usable_button(app.window, 'Publish…'))
    srui.point_into(app, dialog_named(app, heading, timeout=120))
    press(usable_button(dialog_named(app, heading), 'Cancel'))
    kept = srui.shown_label(app.window, 'the page to say it was not published',
                            lambda s: s.startswith('Not published'), timeout=60)
    log(kept.name)
    if 'press Publish again' not in kept.name:
        raise Failure(f'after cancelling, the page says {kept.name!r}')
    if devnet.number(devnet.registry, 'contentCount()(uint256)') != 0:
        raise Failure('a declined publication reached the registry')
    prepared = sorted(os.listdir(published))
    log(f'prepared and kept: {prepared}')
    # Again: the prepared folder is reused, not made anew.
    press(usable_button(app.window, 'Publish…'))
    dialog = dialog_named(app, heading, timeout=120)
    body = dialog_text(dialog)
    for part in (TITLE, '2 SEED', '20 %', 'Local devnet', 'chain ID 31337', 'Maximum network fee', 'ETH'):
        if part not in body:
            raise Failure(f'the confirmation does not say "{part}": {body!r}')
    log(f'confirmation: {body!r}')
    srui.point_into(app, dialog)
    screenshot('04-publish-confirm.png')
    press(usable_button(dialog, 'Publish'))
    done = srui.shown_label(app.window, 'the title published', lambda s: ' is published as title ' in s
                            or s.startswith('Not published') or 'press Publish again' in s, timeout=120)
    if 'press Publish again' in done.name or done.name.startswith('Not published'):
        raise Failure(f'publishing failed: {done.name!r}')
    log(done.name)
    content_id = done.name.split(' is published as title ', 1)[1].split(',')[0]
    if sorted(os.listdir(published)) != prepared or len(prepared) != 1:
        raise Failure(f'publishing again made {sorted(os.listdir(published))}, not only {prepared}')
    # The title's key is in the library, sealed to the creator (view 0).
    data_home = os.environ.get('XDG_DATA_HOME', os.path.expanduser('~/.local/share'))
    con = sqlite3.connect(os.path.join(data_home, 'seedreel', 'seedreel.db'), timeout=30)
    keys = con.execute('SELECT network, owner, view_id, length(sealed) FROM content_keys').fetchall()
    con.close()
    if keys != [(f'31337:{devnet.registry.lower()}', CREATOR, '0', keys[0][3] if keys else 0)] or keys[0][3] < 32:
        raise Failure(f'the library holds these content keys: {keys}')
    log(f'the content key is kept sealed to {CREATOR}')
    screenshot('05-published.png')
    # On chain: the creator's title at 2 SEED with a 20 % seeder share.
    count = devnet.number(devnet.registry, 'contentCount()(uint256)')
    if str(count) != content_id:
        raise Failure(f'the registry counts {count} titles, the page says title {content_id}')
    return content_id


def view_in_browse(app):
    press(usable_button(app.window, 'View in Browse'))
    srui.shown_label(app.window, f'the "{TITLE}" page in Browse', lambda s: s == TITLE, timeout=60)
    srui.shown_label(app.window, 'its description', lambda s: s == 'A test pattern at dawn')
    log('Browse shows the new title\'s page')
    screenshot('06-browse.png')
    app.click(ui.page_tab(app, 'Create'))


def my_titles_row(app, title, pred, what, timeout=60):
    """The subtitle of a My Titles row; the list sits at the end of the page."""
    def probe():
        for row in app.window.findChildren(GenericPredicate(roleName='list item')):
            texts = [n.name for n in labels(row)]
            if texts and texts[0] == title and len(texts) > 1 and pred(texts[1]):
                return texts[1]
        return None
    return wait_for(what, probe, timeout)


def viewer_watches(devnet, content_id, folder, app_port):
    """Another person's Seedreel buys a view and watches the title from this
    app, the only peer it is told of: the key comes from the app, and what
    it decrypts is the rendition the worker made and the page checked."""
    home = os.path.join(TMPDIR, 'viewer')
    env = watch.cli_env(home)
    password_file = os.path.join(home, 'password')
    os.makedirs(home, exist_ok=True)
    with open(password_file, 'w') as f:
        f.write('a viewer at dusk\n')
    if srui.import_wallet(CLI, VIEWER_KEY, password_file, env) != VIEWER:
        raise Failure('the viewer\'s wallet is not anvil\'s second account')
    devnet.cast('send', '--private-key', CREATOR_KEY, devnet.token, 'mint(address,uint256)', VIEWER, str(PRICE))
    output = os.path.join(home, 'watched.mp4')
    started = time.monotonic()
    with open(os.path.join(OUTDIR, 'viewer.log'), 'w') as out:
        r = subprocess.run([CLI, 'watch', content_id, '--yes', '--password-file', password_file,
                            '--rpc-url', devnet.url, '--registry', devnet.registry, '--token', devnet.token,
                            '--listen', '127.0.0.1:0', '--peer', f'127.0.0.1:{app_port}',
                            '--download-dir', os.path.join(home, 'downloads'), '--output', output],
                           env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300)
    with open(out.name) as f:
        said = f.read()
    if r.returncode != 0:
        raise Failure(f'seedreel-cli watch failed ({r.returncode}):\n{said[-3000:]}')
    made = os.path.join(folder, f'{RUNGS[0][0]}.mp4')
    with open(made, 'rb') as a, open(output, 'rb') as b:
        if a.read() != b.read():
            raise Failure(f'the viewer decrypted {os.path.getsize(output)} bytes that differ from {made}')
    log(f'{VIEWER} bought title {content_id} and watched it from this app in {time.monotonic() - started:.0f} s: '
        f'{os.path.getsize(output)} bytes, the same as the worker\'s {RUNGS[0][0]}')


def withdraw(app, devnet):
    before = devnet.token_balance(CREATOR)
    press(usable_button(app.window, 'Withdraw…'))
    dialog = dialog_named(app, 'Withdraw Your Earnings?', timeout=60)
    body = dialog_text(dialog)
    for part in ('1.6 SEED', CREATOR, 'chain ID 31337', 'Maximum network fee'):
        if part not in body:
            raise Failure(f'the withdrawal confirmation does not say "{part}": {body!r}')
    log(f'confirmation: {body!r}')
    srui.point_into(app, dialog)
    screenshot('08-withdraw-confirm.png')
    press(usable_button(dialog, 'Withdraw'))
    wait_for('the earnings in the account', lambda: devnet.token_balance(CREATOR) != before, timeout=90)
    moved = devnet.token_balance(CREATOR) - before
    if moved != EARNED:
        raise Failure(f'the withdrawal moved {moved} base units, not {EARNED}')
    log(f'cast: the account holds exactly {moved / WEI} SEED more')
    my_titles_row(app, 'Ready to Withdraw', lambda s: s == '0 SEED', 'the balance to read 0 SEED')
    if devnet.number(devnet.registry, 'creatorBalance(address)(uint256)', CREATOR) != 0:
        raise Failure('the registry still holds a creator balance')
    screenshot('09-withdrawn.png')


def run():
    tmp = TMPDIR
    password_file = os.path.join(tmp, 'password')
    with open(password_file, 'w') as f:
        f.write(PASSWORD + '\n')
    devnet = Devnet()
    keyring = start_keyring()
    worker, url = start_worker()
    app = None
    try:
        gsettings_set('org.seedreel.Seedreel.Network', 'rpc-url', devnet.url)
        app_port = srui.torrents_on_loopback(os.path.join(tmp, 'downloads'))
        os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'
        if srui.import_wallet(CLI, CREATOR_KEY, password_file) != CREATOR:
            raise Failure('the creator wallet was not imported')
        clip = make_clip()
        app = ui.App(1)
        app.wait_ready()
        srui.unlock_wallet(app, PASSWORD, ui.page_tab(app, 'Wallet'))
        add_worker(app, url)
        choose_clip(app, clip)
        check_preflight(app)
        folder = run_transcode(app)
        check_folder(folder)
        if folder not in ui.gsettings_get(TRANSCODE_SCHEMA, 'checked-folders'):
            raise Failure('the checked folder is not kept for after a restart')
        # Closed before publishing: nothing of the transcode is lost.
        ui.quit_app(app)
        app.stop()
        app = ui.App(2)
        app.wait_ready()
        srui.unlock_wallet(app, PASSWORD, ui.page_tab(app, 'Wallet'))
        continue_after_restart(app, folder)

        content_id = publish(app, devnet, folder)
        if folder in ui.gsettings_get(TRANSCODE_SCHEMA, 'checked-folders'):
            raise Failure('a published folder is still offered under Ready to Publish')
        view_in_browse(app)
        first = my_titles_row(app, TITLE, lambda s: s.startswith('0 views'), 'My Titles to list the new title')
        log(f'My Titles: {TITLE}: {first}')
        viewer_watches(devnet, content_id, folder, app_port)
        views = my_titles_row(app, TITLE, lambda s: s.startswith('1 view '), 'My Titles to count the view')
        if views != '1 view · 1.6 SEED earned':
            raise Failure(f'My Titles says {views!r}')
        balance = my_titles_row(app, 'Ready to Withdraw', lambda s: s == '1.6 SEED', 'the balance to read 1.6 SEED')
        log(f'My Titles: {TITLE}: {views}; ready to withdraw {balance}')
        # On screen, as a user sees it: My Titles is at the end of the page.
        scroll_until(app, 'My Titles on screen', lambda: srui.label_shown(app.window, 'Ready to Withdraw')
                     and srui.label_shown(app.window, '1 view · 1.6 SEED earned'))
        screenshot('07-my-titles.png')
        withdraw(app, devnet)
        ui.quit_app(app)
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        worker.terminate()
        worker.wait(20)
        devnet.stop()
        stop_keyring(keyring)


if __name__ == '__main__':
    sys.exit(ui.main(run))
