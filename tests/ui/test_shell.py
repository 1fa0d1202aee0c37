#!/usr/bin/python3
"""test_shell.py — drives the real Seedreel window the way a user does.

Runs inside ui-session.py (private Xvfb, D-Bus, AT-SPI and keyfile GSettings).
Clicks the page switcher and checks each page's empty state is what is on
screen, edits the RPC URL in Preferences (an invalid URL must not be saved, a
valid one must), quits, relaunches, and checks the URL and the last page
survived. Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
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
NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
APP_SCHEMA = 'org.seedreel.Seedreel'

PAGES = [
    ('Browse', 'No Titles Yet'),
    ('Library', 'Your Library Is Empty'),
    ('Wallet', 'No Wallet Yet'),
    ('Create', 'Publish Your Videos'),
]

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


def page_tab(app, title):
    # Looked up once: the buttons stay while the window lives, and searching
    # the whole window over AT-SPI takes a while.
    if title not in app.tabs:
        app.tabs[title] = find(app.window, f'the "{title}" switcher button',
                               roleName='page tab', name=title)
    return app.tabs[title]


def shown_page(app):
    """(page title, empty-state title) of the one page on screen."""
    if not app.status_labels:
        titles = {status: tab for tab, status in PAGES}
        found = app.window.findChildren(lambda n: n.roleName == 'label' and n.name in titles,
                                        isLambda=True)
        for tab, status in PAGES:
            labels = [n for n in found if n.name == status]
            if len(labels) != 1:
                raise Failure(f'expected one "{status}" label, found {len(labels)}')
            app.status_labels.append((tab, status, labels[0]))
    shown = [(tab, status) for tab, status, label in app.status_labels if is_shown(label)]
    return shown[0] if len(shown) == 1 else None


def check_page(app, tab, status):
    wait_for(f'"{status}" to be the only empty state on screen',
             lambda: shown_page(app) == (tab, status))
    button = page_tab(app, tab)
    wait_for(f'the "{tab}" button to be selected',
             lambda: has_state(button, pyatspi.STATE_SELECTED))
    log(f'page {tab}: "{status}" is shown')


def open_preferences(app):
    # The menu button has no accessible name; its tooltip is its description.
    menu = find(app.window, 'the main menu button', roleName='push button', description='Main Menu')
    app.click(menu)
    item = find(menu, 'the Preferences menu item', name='Preferences', roleName='menu item')
    app.click(item)
    prefs = find(app.node, 'the Preferences window', recursive=False,
                 roleName='frame', name='Preferences')
    # Placed beside the page switcher so screenshots show both.
    wait_for('the Preferences X window', lambda: x_move_window('Preferences', app.proc.pid, 600, 70))
    wait_for('the Preferences window to move',
             lambda: (x_surface_geometry(app.proc.pid, 'Preferences', *extents(prefs)[2:]) or
                      (0, 0))[:2] == (600, 70))
    find(prefs, 'the Network page', name='Network Profile')
    log('preferences are open')
    return prefs


def rpc_url_entry(prefs):
    return find(prefs, 'the RPC URL row', name='RPC URL', roleName='text')


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


def close_preferences(app, prefs):
    # Ctrl+Q is an application accelerator and the Preferences window does
    # not belong to the application, so it is closed first.
    app.click(find(prefs, 'the close button of Preferences', roleName='push button', name='Close'))
    wait_for('the Preferences window to close',
             lambda: not [n for n in app.node if n is not None and n.name == 'Preferences'
                          and has_state(n, pyatspi.STATE_SHOWING)])
    log('preferences closed')


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


def run():
    default_url = gsettings_get(NETWORK_SCHEMA, 'rpc-url')
    log(f'rpc-url before: {default_url}')
    if default_url == "'http://127.0.0.1:9545'":
        raise Failure('the private settings already hold the value this test writes')

    app = App(1)
    try:
        app.wait_ready()
        # A first start opens on Browse.
        check_page(app, 'Browse', 'No Titles Yet')
        for tab, status in PAGES:
            app.click(page_tab(app, tab))
            check_page(app, tab, status)
        app.click(page_tab(app, 'Browse'))
        check_page(app, 'Browse', 'No Titles Yet')
        screenshot('01-browse.png')

        # The page left on screen at quit must come back on relaunch.
        app.click(page_tab(app, 'Wallet'))
        check_page(app, 'Wallet', 'No Wallet Yet')

        prefs = open_preferences(app)
        entry = rpc_url_entry(prefs)
        wait_for('the RPC URL row to show the saved URL',
                 lambda: entry_text(entry) == default_url.strip("'"))

        labels_before = {n.name for n in prefs.findChildren(GenericPredicate(roleName='label'))}
        replace_text(app, entry, 'ftp://example.org')
        toast = wait_for(
            'a toast explaining the rejected URL',
            lambda: [n.name for n in prefs.findChildren(GenericPredicate(roleName='label'))
                     if n.name not in labels_before and 'ftp://' in n.name and is_shown(n)])
        log(f'toast: {toast[0]!r}')
        screenshot('02-preferences-rejected.png')
        value = gsettings_get(NETWORK_SCHEMA, 'rpc-url')
        if value != default_url:
            raise Failure(f'an invalid URL was saved: rpc-url is {value}')
        log('ftp://example.org was not saved')

        replace_text(app, entry, 'http://127.0.0.1:9545')
        wait_for('rpc-url to be saved as http://127.0.0.1:9545',
                 lambda: gsettings_get(NETWORK_SCHEMA, 'rpc-url') == "'http://127.0.0.1:9545'")
        log('http://127.0.0.1:9545 was saved')
        screenshot('03-preferences.png')

        close_preferences(app, prefs)
        quit_app(app)
    except BaseException:
        capture_failure()
        raise
    finally:
        app.stop()

    page = gsettings_get(APP_SCHEMA, 'last-page')
    if page != "'wallet'":
        raise Failure(f'last-page is {page} after quitting on the Wallet page')

    app = App(2)
    try:
        app.wait_ready()
        check_page(app, 'Wallet', 'No Wallet Yet')
        prefs = open_preferences(app)
        entry = rpc_url_entry(prefs)
        wait_for('the RPC URL row to show http://127.0.0.1:9545 after relaunch',
                 lambda: entry_text(entry) == 'http://127.0.0.1:9545')
        log('after relaunch the RPC URL row shows http://127.0.0.1:9545')
        screenshot('04-relaunched-preferences.png')
        close_preferences(app, prefs)
        quit_app(app)
    except BaseException:
        capture_failure()
        raise
    finally:
        app.stop()


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


def main():
    os.makedirs(OUTDIR, exist_ok=True)
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
