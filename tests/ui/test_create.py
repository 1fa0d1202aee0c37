#!/usr/bin/python3
"""test_create.py — a creator sends a video through a real transcoding worker.

Runs inside ui-session.py. Starts a keyring (gnome-keyring-daemon, secrets
only) in the private session and a real seedreel-transcoder with an access
token; in Preferences → Workers adds the worker through the form (the token
goes to the keyring) and sees the connection test list its encoders; on the
Create page chooses a short generated clip through the file chooser, sees the
preflight (duration, picture, sound, size, the qualities that will be made,
never upscaled), starts the transcode, and waits until every quality shows
all of its checks passed and the folder holds the renditions, poster.jpg and
info.json. Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shell as ui  # noqa: E402 — the helpers, not its test
from test_shell import Failure, find, has_state, is_shown, log, screenshot, wait_for  # noqa: E402
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
        found = probe()
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
    type_into(app, find(prefs, 'the worker address row', name='Worker Address', roleName='text'), url)
    token_entry = find(prefs, 'the access token row', name='Access Token', roleName='text')
    app.click(token_entry)
    rawinput.typeText(TOKEN)
    app.click(find_button(prefs, 'Add Worker'))
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
    screenshot('02-create-preflight.png')


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


def run():
    keyring = start_keyring()
    worker, url = start_worker()
    app = None
    try:
        clip = make_clip()
        app = ui.App(1)
        app.wait_ready()
        add_worker(app, url)
        choose_clip(app, clip)
        check_preflight(app)
        folder = run_transcode(app)
        check_folder(folder)
        ui.quit_app(app)
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        worker.terminate()
        worker.wait(20)
        if keyring:
            try:
                os.kill(keyring, 15)
            except OSError:
                pass


if __name__ == '__main__':
    sys.exit(ui.main(run))
