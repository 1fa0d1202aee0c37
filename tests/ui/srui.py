"""srui.py — what the UI tests share: driving the real Seedreel window
through AT-SPI (dogtail, pyatspi) and X11 input inside ui-session.py's private
session, waiting on what is on screen, screenshots and failure dumps.
"""
import ctypes
import ctypes.util
import os
import re
import socket
import subprocess
import time
import traceback

from dogtail.config import config

config.logDebugToFile = False
config.logDebugToStdOut = False
config.defaultDelay = 0.0
config.actionDelay = 0.0
config.typingDelay = 0.02
config.searchBackoffDuration = 0.2
config.searchCutoffCount = 25

import dogtail.tree  # noqa: E402 — must follow the config above
from dogtail import rawinput  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402
import pyatspi  # noqa: E402

BUILDDIR = os.environ['SEEDREEL_UI_BUILDDIR']
OUTDIR = os.environ['SEEDREEL_UI_OUTDIR']
APP = os.path.join(BUILDDIR, 'src', 'app', 'seedreel')
SOURCEDIR = os.environ['SEEDREEL_UI_SOURCEDIR']
DEVNET = os.path.join(SOURCEDIR, 'tools', 'devnet')
CAST = os.path.join(SOURCEDIR, 'node_modules', '@foundry-rs', 'cast-linux-amd64', 'bin', 'cast')

# Loopback RPC and workers are never reached through a proxy.
os.environ['NO_PROXY'] = '127.0.0.1,localhost'
os.environ['no_proxy'] = '127.0.0.1,localhost'

T0 = time.monotonic()

def log(msg):
    print(f'[{time.monotonic() - T0:6.2f}s] {msg}', flush=True)


class Failure(Exception):
    pass


def wait_for(what, probe, timeout=20.0, interval=0.05):
    """Poll probe() until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 — AT-SPI objects vanish while the UI changes
            last_error = e
        if time.monotonic() > deadline:
            detail = f' (last error: {last_error!r})' if last_error else ''
            raise Failure(f'timed out after {timeout:.0f} s waiting for {what}{detail}')
        time.sleep(interval)


def gsettings_get(schema, key):
    # Same environment as the app: keyfile backend in the private HOME.
    r = subprocess.run(['gsettings', 'get', schema, key], capture_output=True, text=True, check=True)
    return r.stdout.strip()


# ---------------------------------------------------------------- AT-SPI --

def states(node):
    return node.getState()


def has_state(node, state):
    return states(node).contains(state)


def extents(node):
    # GTK 4 reports no screen coordinates: positions are relative to the
    # node's toplevel, so everything is computed in window coordinates.
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return (e.x, e.y, e.width, e.height)


def toplevel(node):
    n = node
    while n is not None and n.getRole() not in (pyatspi.ROLE_FRAME, pyatspi.ROLE_DIALOG,
                                                  pyatspi.ROLE_WINDOW):
        n = n.parent
    return n


def realize_subtree(node, depth=8):
    if depth == 0:
        return
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            realize_subtree(child, depth - 1)


def is_shown(node):
    """True when the node is on screen, not merely in the tree.

    GTK 4.8 sets SHOWING only on toplevels, keeps VISIBLE on the pages a stack
    is not showing and even leaves them their last allocation. So: the window
    must be showing, the node and its ancestors must have an area inside it,
    and asking the window what is at the node's centre (GTK picks the widget
    there, the one a click would reach) must not name something outside the
    node. GTK answers nothing for points over widgets it keeps out of the
    tree (icons inside buttons); then the areas decide.
    """
    top = toplevel(node)
    if top is None or not has_state(top, pyatspi.STATE_SHOWING):
        return False
    if node == top:
        return True
    _, _, tw, th = extents(top)
    n = node
    while n is not None and n != top:
        if not has_state(n, pyatspi.STATE_VISIBLE):
            return False
        try:
            x, y, w, h = extents(n)
        except NotImplementedError:
            n = n.parent  # GtkStackPage objects have no component
            continue
        if w <= 0 or h <= 0 or x + w <= 0 or y + h <= 0 or x >= tw or y >= th:
            return False
        n = n.parent
    if surface_of(node)[1]:
        # GTK picks only within the window's own surface, not its popovers.
        return True
    x, y, w, h = extents(node)
    # GTK 4.8 answers a hit-test with a widget's reference without making
    # sure that widget is registered on the bus, and aborts when it is not
    # (a null object path). Listing the node's descendants registers them,
    # so what the point lands on inside the node is always known.
    realize_subtree(node)
    hit = top.queryComponent().getAccessibleAtPoint(x + w // 2, y + h // 2, pyatspi.WINDOW_COORDS)
    if hit is None or hit == top:
        return True
    while hit is not None and hit != top:
        if hit == node:
            return True
        hit = hit.parent
    return False


def find(parent, what, timeout=20.0, recursive=True, **kw):
    """First descendant matching kw (name/roleName/description) that is shown.

    Every node visited costs D-Bus round trips (GTK 4.8 offers no cache), so
    windows are looked up among the application's children only.
    """
    pred = GenericPredicate(**kw)

    def probe():
        for n in parent.findChildren(pred, recursive=recursive):
            if is_shown(n):
                return n
        return None
    return wait_for(what, probe, timeout)


def dump(node, out, depth=0):
    try:
        st = [pyatspi.stateToString(s) for s in node.getState().getStates()]
        try:
            ext = extents(node)
        except Exception:  # noqa: BLE001
            ext = None
        out.write('  ' * depth + f'{node.getRoleName()} {node.name!r} desc={node.description!r} '
                  f'{ext} {",".join(st)}\n')
        for child in node:
            if child is not None:
                dump(child, out, depth + 1)
    except Exception as e:  # noqa: BLE001
        out.write('  ' * depth + f'<gone: {e!r}>\n')


# ------------------------------------------------------------ X11 input --

X_WINDOW_LINE = re.compile(r'^\s*(0x[0-9a-f]+) (?:"(.*)"|\(has no name\)): \(.*\)\s+'
                           r'(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)$')


def x_surface_geometry(pid, title, width, height):
    """Root position and size of the mapped X window of one GTK surface.

    Toplevels are matched by title and owner pid; popups (popovers) have no
    title and are matched by size.
    """
    tree = subprocess.run(['xwininfo', '-root', '-children'], capture_output=True, text=True,
                          check=True).stdout
    for line in tree.splitlines():
        m = X_WINDOW_LINE.match(line)
        if not m:
            continue
        wid, name = m.group(1), m.group(2)
        w, h, x, y = map(int, m.groups()[2:])
        if title is not None:
            if name != title or w < width or h < height:
                continue
            owner = subprocess.run(['xprop', '-id', wid, '_NET_WM_PID'], capture_output=True,
                                   text=True).stdout
            if not owner.strip().endswith(f'= {pid}'):
                continue
        elif (w, h) != (width, height):
            continue
        info = subprocess.run(['xwininfo', '-id', wid], capture_output=True, text=True).stdout
        if 'IsViewable' in info:
            return x, y, w, h
    return None


def x_move_window(title, pid, x, y):
    """Move a toplevel; with no window manager nothing else would."""
    tree = subprocess.run(['xwininfo', '-root', '-children'], capture_output=True, text=True,
                          check=True).stdout
    for line in tree.splitlines():
        m = X_WINDOW_LINE.match(line)
        if not m or m.group(2) != title or int(m.group(3)) <= 1:
            continue
        owner = subprocess.run(['xprop', '-id', m.group(1), '_NET_WM_PID'], capture_output=True,
                               text=True).stdout
        if not owner.strip().endswith(f'= {pid}'):
            continue
        xlib = ctypes.CDLL(ctypes.util.find_library('X11'))
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XMoveWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int]
        xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        dpy = xlib.XOpenDisplay(None)
        if not dpy:
            raise Failure('cannot open the X display to move a window')
        xlib.XMoveWindow(dpy, int(m.group(1), 16), x, y)
        xlib.XSync(dpy, 0)
        xlib.XCloseDisplay(dpy)
        return True
    return False


def surface_of(node):
    """The popover or window whose surface the node is drawn on."""
    n = node
    while n is not None:
        role = n.getRole()
        if role in (pyatspi.ROLE_FRAME, pyatspi.ROLE_DIALOG, pyatspi.ROLE_WINDOW):
            return n, False
        try:
            if n.queryComponent().getLayer() == pyatspi.LAYER_POPUP:
                return n, True
        except NotImplementedError:
            pass
        n = n.parent
    raise Failure(f'{node.name!r} is not inside a window')


def screen_point(app_proc, node):
    """Centre of node in root-window coordinates."""
    surface, is_popup = surface_of(node)
    sx, sy, sw, sh = extents(surface)
    title = None if is_popup else surface.name
    wx, wy, ww, wh = wait_for(f'the X window of {surface.name!r}',
                              lambda: x_surface_geometry(app_proc.pid, title, sw, sh), timeout=15)
    # GTK 4.8 reports a popover at its parent's origin, not where it is
    # drawn, so positions inside a popover are taken relative to it. Around a
    # window, client-side decorations add an equal margin that AT-SPI window
    # coordinates leave out.
    if is_popup:
        ox, oy = wx - sx, wy - sy
    else:
        ox, oy = wx + (ww - sw) // 2, wy + (wh - sh) // 2
    x, y, w, h = extents(node)
    return ox + x + w // 2, oy + y + h // 2


def tooltip_shown(app_node):
    return any(n is not None and n.name == 'GtkTooltipWindow' and has_state(n, pyatspi.STATE_VISIBLE)
               for n in app_node)


def click(app_proc, app_node, node):
    x, y = screen_point(app_proc, node)
    log(f'click {node.getRoleName()} {node.name or node.description!r} at ({x}, {y})')
    rawinput.absoluteMotion(x, y, check=False)
    # A tooltip left by the previous hover may sit over the target (the main
    # menu's one covers the top of its first item); it goes once the pointer
    # has left its widget.
    deadline = time.monotonic() + 3
    while tooltip_shown(app_node) and time.monotonic() < deadline:
        time.sleep(0.05)
    rawinput.click(x, y, check=False)


def screenshot(name):
    path = os.path.join(OUTDIR, name)
    subprocess.run(['import', '-window', 'root', '-display', os.environ['DISPLAY'], path],
                   check=True, timeout=20)
    log(f'screenshot: {path}')
    return path


# ------------------------------------------------------------------- app --

class App:
    def __init__(self, run):
        self.run = run
        self.status_labels = []
        self.tabs = {}
        self.stderr = open(os.path.join(OUTDIR, f'seedreel-run{run}.log'), 'w')
        self.proc = subprocess.Popen([APP], stdout=self.stderr, stderr=subprocess.STDOUT)
        log(f'started seedreel (run {run}, pid {self.proc.pid})')
        self.node = None
        self.window = None

    def wait_ready(self):
        self.node = wait_for('seedreel on the accessibility bus', self._find_app, timeout=30)
        self.window = find(self.node, 'the main window', timeout=30, recursive=False,
                           roleName='frame', name='Seedreel')
        log('main window is showing')

    def _find_app(self):
        if self.proc.poll() is not None:
            raise Failure(f'seedreel exited with status {self.proc.returncode}')
        for a in dogtail.tree.root.applications():
            if a.get_process_id() == self.proc.pid:
                return a
        return None

    def click(self, node):
        click(self.proc, self.node, node)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def entry_text(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)  # GTK 4.8 answers '' for the usual (0, -1)


def replace_text(app, entry, text):
    # The row's inner text widget takes the focus but is not in the tree in
    # GTK 4.8, so the typed text itself shows the keys reached the field.
    app.click(entry)
    rawinput.keyCombo('<Control>a')
    rawinput.typeText(text)
    wait_for(f'the field to read {text!r}', lambda: entry_text(entry) == text)
    rawinput.pressKey('Return')


def point_into(app, window):
    """Put the pointer over a window so it gets the keyboard.

    With no window manager the X server gives the keys to the window under
    the pointer.
    """
    x, y = screen_point(app.proc, window)
    rawinput.absoluteMotion(x, y, check=False)


def quit_app(app):
    point_into(app, app.window)
    rawinput.keyCombo('<Control>q')
    try:
        app.proc.wait(20)
    except subprocess.TimeoutExpired:
        raise Failure('Ctrl+Q did not quit seedreel within 20 s')
    if app.proc.returncode != 0:
        raise Failure(f'seedreel exited with status {app.proc.returncode} on Ctrl+Q')
    log('quit with Ctrl+Q')


def capture_failure():
    """Leave what the screen and the accessibility tree looked like."""
    try:
        screenshot('failure.png')
    except Exception:  # noqa: BLE001
        pass
    path = os.path.join(OUTDIR, 'failure-a11y-tree.txt')
    try:
        with open(path, 'w') as out:
            for a in pyatspi.Registry.getDesktop(0):
                if a is not None:
                    dump(a, out)
        log(f'accessibility tree: {path}')
    except Exception:  # noqa: BLE001
        pass


# ------------------------------------------------------- processes, chain --

def run_cmd(*args, timeout=60):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise Failure(f'{" ".join(args[:3])}… failed ({r.returncode}): {r.stderr.strip()}')
    return r.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def gsettings_set(schema, key, value):
    subprocess.run(['gsettings', 'set', schema, key, value], check=True, capture_output=True)


def torrents_on_loopback(download_dir=None, port=None):
    """The app's torrent session on loopback only: its listen port (a free
    one unless given), its download folder if given, and no DHT, LSD, UPnP
    or NAT-PMP. Returns the port."""
    port = free_port() if port is None else port
    gsettings_set('org.seedreel.Seedreel.Torrent', 'listen-port', str(port))
    if download_dir is not None:
        gsettings_set('org.seedreel.Seedreel.Torrent', 'download-folder', download_dir)
    for key in ('enable-dht', 'enable-lsd', 'enable-upnp', 'enable-natpmp'):
        gsettings_set('org.seedreel.Seedreel.Torrent', key, 'false')
    return port


class Devnet:
    """tools/devnet on a free port (contracts deployed, demo accounts funded,
    its profile written into the private HOME), and cast against it."""

    def __init__(self):
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        log(f'starting the devnet on {self.url}')
        run_cmd(DEVNET, '--background', '--port', str(self.port), timeout=180)
        with open(os.path.join(os.environ['XDG_CONFIG_HOME'], 'seedreel', 'networks', 'devnet.ini')) as f:
            profile = f.read()
        self.token = re.search(r'^token-address=(0x[0-9a-fA-F]{40})$', profile, re.M).group(1)
        self.registry = re.search(r'^registry-address=(0x[0-9a-fA-F]{40})$', profile, re.M).group(1)
        log(f'SeedreelToken at {self.token}, SeedreelRegistry at {self.registry}')

    def stop(self):
        subprocess.run([DEVNET, '--stop', '--port', str(self.port)], capture_output=True, timeout=60)

    def cast(self, *args):
        return run_cmd(CAST, *args, '--rpc-url', self.url)

    def number(self, *args):
        """A uint from `cast call`."""
        return int(self.cast('call', *args).split()[0])

    def token_balance(self, address):
        return self.number(self.token, 'balanceOf(address)(uint256)', address)

    def eth_balance(self, address):
        return int(self.cast('balance', address))


# ------------------------------------------------------------ widgets --

def labels(node):
    return node.findChildren(GenericPredicate(roleName='label'))


def shown_label(parent, what, pred, timeout=30.0):
    """The first label on screen whose text satisfies pred."""
    def probe():
        for n in labels(parent):
            if pred(n.name) and is_shown(n):
                return n
        return None
    return wait_for(what, probe, timeout)


def label_shown(parent, text):
    return any(n.name == text and is_shown(n) for n in labels(parent))


def row_subtitle(window, title, only_shown=False):
    """The subtitle label of the AdwActionRow titled `title` (on screen only,
    when a hidden page may hold a row of the same title)."""
    def probe():
        for row in window.findChildren(GenericPredicate(roleName='list item')):
            texts = [n.name for n in labels(row)]
            if texts and texts[0] == title and len(texts) > 1 and texts[1] and (not only_shown or is_shown(row)):
                return texts[1]
        return None
    return wait_for(f'the "{title}" row to have a value', probe)


def find_button(parent, text, timeout=20.0, role='push button'):
    """A button on screen by its visible label. GTK 4.8 names a mnemonic
    button "<label with underline> <label>" ("_Send Send")."""
    def probe():
        for n in parent.findChildren(lambda n: n.roleName == role and
                                     (n.name.replace('_', '') == text or n.name.endswith(' ' + text)),
                                     isLambda=True):
            if is_shown(n):
                return n
        return None
    return wait_for(f'the "{text}" button', probe, timeout)


def type_into(app, entry, text):
    app.click(entry)
    rawinput.keyCombo('<Control>a')
    rawinput.typeText(text)


def dialog_named(app, title, timeout=20.0):
    """A window of the app titled `title`, once it is mapped."""
    def probe():
        for n in app.node:
            if n is not None and n.name == title and (has_state(n, pyatspi.STATE_SHOWING) or
                                                      has_state(n, pyatspi.STATE_VISIBLE)):
                return n
        return None
    return wait_for(f'the "{title}" window', probe, timeout)


def main(run):
    """Run the test (which calls capture_failure() while its app is still
    up) and return the exit status."""
    os.makedirs(OUTDIR, exist_ok=True)
    try:
        run()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        log('FAIL')
        return 1
    log('PASS')
    return 0


# ------------------------------------------------------------ wallets --

def press(node):
    """Activate a button through its accessible action, as a screen reader
    would: it works for a button below the fold too."""
    action = node.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index('click') if 'click' in names else 0)


def usable_button(parent, text, timeout=30.0):
    """A sensitive button by its label, laid out and visible (GTK 4.8 never
    marks a message dialog's buttons SHOWING)."""
    def probe():
        for n in parent.findChildren(lambda n: n.roleName == 'push button' and
                                     (n.name.replace('_', '') == text or n.name.endswith(' ' + text)),
                                     isLambda=True):
            if has_state(n, pyatspi.STATE_VISIBLE) and has_state(n, pyatspi.STATE_SENSITIVE) and extents(n)[2] > 0:
                return n
        return None
    return wait_for(f'the "{text}" button', probe, timeout)


def import_wallet(cli, key, password_file, env=None):
    """An account imported with seedreel-cli into the library of `env`
    (default: this process's, which the app shares); its address."""
    key_file = os.path.join(OUTDIR, 'import.key')
    with open(key_file, 'w') as f:
        f.write(key + '\n')
    try:
        r = subprocess.run([cli, 'wallet', 'import', '--private-key-file', key_file,
                            '--password-file', password_file], env=env, capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(key_file)
    if r.returncode != 0:
        raise Failure(f'wallet import failed: {r.stderr.strip()}')
    return r.stdout.strip()


def unlock_wallet(app, password, page_tab):
    """Unlock the app's wallet from the Wallet page (page_tab: the tab node)."""
    app.click(page_tab)
    press(usable_button(app.window, 'Unlock'))
    dialog = dialog_named(app, 'Unlock Wallet')
    point_into(app, dialog)
    wait_for('the focused password field', lambda: [n for n in dialog.findChildren(
        lambda n: n.roleName in ('password text', 'text'), isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSED)] or None)
    rawinput.typeText(password)
    time.sleep(0.3)
    rawinput.pressKey('Return')
    usable_button(app.window, 'Lock', timeout=60)
    log('the wallet is unlocked')
