#!/usr/bin/python3
"""test_shell.py — drives the real Seedreel window the way a user does.

Runs inside ui-session.py (private Xvfb, D-Bus, AT-SPI and keyfile GSettings).
Clicks the page switcher and checks each page's empty state is what is on
screen, edits the RPC URL in Preferences (an invalid URL must not be saved, a
valid one must), quits, relaunches, and checks the URL and the last page
survived. Then imports a wallet from a keystore file that cast wrote (opened
through the file chooser, with a wrong and then the right keystore password):
the Wallet page shows cast's address. Leaves screenshots in
SEEDREEL_UI_OUTDIR.
"""
import os
import re
import subprocess
import sys

# Other tests import these from here too.
from srui import (APP, BUILDDIR, CAST, OUTDIR, App, Failure, GenericPredicate, capture_failure, click, dump, entry_text,  # noqa: F401
                  extents, find, gsettings_get, has_state, is_shown, log, main, point_into,
                  pyatspi, quit_app, rawinput, replace_text, screen_point, screenshot, surface_of,
                  toplevel, wait_for, x_move_window, x_surface_geometry)

NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
APP_SCHEMA = 'org.seedreel.Seedreel'

PAGES = [
    ('Browse', 'No Titles Yet'),
    ('Library', 'Your Library Is Empty'),
    ('Wallet', 'No Wallet Yet'),
    ('Create', 'Publish Your Videos'),
]


def import_keystore(app):
    """Import Wallet → Open Keystore File… → cast's file → its password."""
    import srui
    folder = os.path.join(os.environ['HOME'], 'cast-keystore')
    os.makedirs(folder, exist_ok=True)
    out = subprocess.run([CAST, 'wallet', 'new', folder, '--unsafe-password', 'cast password'],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    address = re.search(r'Address:\s*(0x[0-9a-fA-F]{40})', out).group(1)
    path = os.path.join(folder, os.listdir(folder)[0])
    log(f'cast wrote a keystore of {address}')

    app.click(srui.find_button(app.window, 'Import Wallet'))
    dialog = srui.dialog_named(app, 'Import Wallet')
    point_into(app, dialog)
    app.click(srui.find_button(dialog, 'Open Keystore File…'))
    chooser = srui.dialog_named(app, 'Open Keystore File')
    _, _, cw, ch = extents(chooser)
    wx, wy, ww, wh = wait_for('the X window of the file chooser', lambda: x_surface_geometry(
        app.proc.pid, 'Open Keystore File', cw, ch), timeout=15)
    rawinput.absoluteMotion(wx + ww // 2, wy + wh // 2, check=False)
    rawinput.keyCombo('<Control>l')
    rawinput.typeText(path)
    rawinput.pressKey('Return')

    def field(name):
        return wait_for(f'the "{name}" field', lambda: [n for n in dialog.findChildren(
            lambda n: n.roleName in ('password text', 'text') and n.name == name, isLambda=True)
            if is_shown(n)] or None)[0]
    keystore_password = field('Keystore Password')
    log('the keystore file is loaded and its password asked for')
    point_into(app, dialog)
    for name, text in (('Keystore Password', 'not the password'), ('Password', 'new local password'),
                       ('Repeat Password', 'new local password')):
        srui.type_into(app, field(name), text)
    screenshot('05-import-keystore.png')
    import_button = srui.find_button(dialog, 'Import')
    wait_for('Import to become sensitive', lambda: has_state(import_button, pyatspi.STATE_SENSITIVE))
    app.click(import_button)
    problem = srui.shown_label(dialog, 'the wrong password named', lambda s: 'password is wrong' in s, timeout=120)
    log(f'wrong keystore password: {problem.name!r}')
    srui.type_into(app, keystore_password, 'cast password')
    wait_for('Import to become sensitive again', lambda: has_state(import_button, pyatspi.STATE_SENSITIVE))
    app.click(import_button)
    srui.shown_label(app.window, "cast's address on the Wallet page", lambda s: s == address, timeout=120)
    log(f'the Wallet page shows {address}, the keystore\'s account')
    screenshot('06-imported.png')


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
    # A page switched away from keeps its last allocation in GTK 4.8, and a
    # hit-test over an icon of the page on screen answers nothing: only the
    # selected tab's page can be the one shown.
    shown = [(tab, status) for tab, status, label in app.status_labels
             if has_state(page_tab(app, tab), pyatspi.STATE_SELECTED) and is_shown(label)]
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


def close_preferences(app, prefs):
    # Ctrl+Q is an application accelerator and the Preferences window does
    # not belong to the application, so it is closed first.
    app.click(find(prefs, 'the close button of Preferences', roleName='push button', name='Close'))
    # Watched on X, not through AT-SPI: GTK 4.8 may answer a query about a
    # window being destroyed with a null object path, and abort.
    wait_for('the Preferences window to close',
             lambda: x_surface_geometry(app.proc.pid, 'Preferences', 1, 1) is None, interval=0.2)
    log('preferences closed')


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
        import_keystore(app)
        quit_app(app)
    except BaseException:
        capture_failure()
        raise
    finally:
        app.stop()


if __name__ == '__main__':
    sys.exit(main(run))
