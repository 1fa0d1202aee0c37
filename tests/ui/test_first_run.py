#!/usr/bin/python3
"""test_first_run.py — a newcomer's first start: the welcome assistant.

Runs inside ui-session.py with --first-run (no settings at all) and a private
devnet (tools/devnet on a free port, its profile in the private HOME). The
assistant must open over the window; on its network step another network
whose chain ID does not match what its RPC answers is refused with the real
chain ID named, and the demo network is taken; a wallet is created through
the assistant; the download folder shown is the default one; finishing
closes it and the choices are saved. Started again, the app opens without
it. Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srui import (DEVNET, App, Failure, capture_failure, find, find_button, free_port,  # noqa: E402
                  gsettings_get, has_state, is_shown, log, main, point_into, pyatspi, quit_app,
                  screenshot, shown_label, type_into, wait_for, x_move_window)

NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
APP_SCHEMA = 'org.seedreel.Seedreel'
TORRENT_SCHEMA = 'org.seedreel.Seedreel.Torrent'
ASSISTANT = 'Welcome to Seedreel'
PASSWORD = 'correct horse battery'

# The light keystore KDF the signer allows for tests.
os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'


def window_named(app, title, timeout=30.0):
    def probe():
        for n in app.node:
            if n is not None and n.name == title and has_state(n, pyatspi.STATE_SHOWING):
                return n
        return None
    return wait_for(f'the "{title}" window', probe, timeout)


def window_gone(app, title):
    return not [n for n in app.node if n is not None and n.name == title
                and has_state(n, pyatspi.STATE_SHOWING)]


def entry_row(window, title):
    return find(window, f'the "{title}" field', roleName='text', name=title)


def network_step(app, assistant, devnet_url):
    subtitle = shown_label(assistant, 'the demo network row naming the devnet',
                           lambda s: devnet_url in s)
    log(f'demo network row: {subtitle.name!r}')

    # Another network whose chain ID is not what its RPC answers.
    # GTK 4.8 exposes grouped check buttons as check boxes.
    radios = [find(assistant, f'the "{name}" choice', roleName='check box', name=name)
              for name in ('Demo Network on This Computer', 'Another Network')]
    if not has_state(radios[0], pyatspi.STATE_CHECKED):
        raise Failure('the demo network is not offered first and chosen')
    app.click(radios[1])
    wait_for('the custom fields to become usable',
             lambda: has_state(entry_row(assistant, 'RPC URL'), pyatspi.STATE_SENSITIVE))
    type_into(app, entry_row(assistant, 'RPC URL'), devnet_url)
    type_into(app, entry_row(assistant, 'Chain ID'), '5')
    type_into(app, entry_row(assistant, 'Registry Contract'), '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512')
    type_into(app, entry_row(assistant, 'Token Contract'), '0x5FbDB2315678afecb367f032d93F642f64180aa3')
    app.click(find_button(assistant, 'Next'))
    problem = shown_label(assistant, 'the chain ID mismatch explained',
                          lambda s: 'chain ID is 31337, not 5' in s)
    log(f'refused: {problem.name!r}')
    screenshot('01-network-mismatch.png')
    if gsettings_get(NETWORK_SCHEMA, 'chain-id') == 'uint64 5':
        raise Failure('a chain ID the network contradicts was saved')

    # The demo network.
    app.click(radios[0])
    app.click(find_button(assistant, 'Next'))
    shown_label(assistant, 'the wallet step', lambda s: s == 'Your Wallet')
    url = gsettings_get(NETWORK_SCHEMA, 'rpc-url')
    if url != f"'{devnet_url}'":
        raise Failure(f'rpc-url is {url} after choosing the demo network at {devnet_url}')
    log('demo network chosen and saved')


def wallet_step(app, assistant):
    screenshot('02-wallet-step.png')
    app.click(find_button(assistant, 'Create a New Wallet'))
    dialog = window_named(app, 'Create Wallet')
    point_into(app, dialog)
    fields = wait_for('the two password fields',
                      lambda: [n for n in dialog.findChildren(
                          lambda n: n.roleName in ('password text', 'text'), isLambda=True)
                          if is_shown(n)][:2] or None)
    for field in fields:
        type_into(app, field, PASSWORD)
    create = find_button(dialog, 'Create')
    wait_for('Create to become sensitive', lambda: has_state(create, pyatspi.STATE_SENSITIVE))
    app.click(create)
    shown_label(dialog, 'the recovery phrase', lambda s: len(s.split()) in (12, 24), timeout=60)
    app.click(find_button(dialog, 'I wrote it down', role='check box'))
    app.click(find_button(dialog, 'Done'))
    wait_for('the Create Wallet dialog to close', lambda: window_gone(app, 'Create Wallet'))
    point_into(app, assistant)
    ready = shown_label(assistant, 'the assistant to show the new address',
                        lambda s: re.search(r'0x[0-9a-fA-F]{40}', s) is not None)
    address = re.search(r'0x[0-9a-fA-F]{40}', ready.name).group(0)
    shown_label(assistant, '"Wallet Ready"', lambda s: s == 'Wallet Ready')
    log(f'wallet {address} created from the assistant')
    screenshot('03-wallet-ready.png')
    app.click(find_button(assistant, 'Next'))
    return address


def folder_step(app, assistant):
    home = os.environ['HOME']
    folder = shown_label(assistant, 'the download folder',
                         lambda s: s.startswith(home) and s.endswith('Seedreel'))
    log(f'download folder: {folder.name}')
    screenshot('04-folder.png')
    app.click(find_button(assistant, 'Next'))


def run():
    port = free_port()
    devnet_url = f'http://127.0.0.1:{port}'
    log(f'starting the devnet on {devnet_url}')
    subprocess.run([DEVNET, '--background', '--port', str(port)], check=True, capture_output=True,
                   timeout=180)
    try:
        if gsettings_get(APP_SCHEMA, 'first-run-complete') != 'false':
            raise Failure('the private settings already say the first run is done')
        # Elsewhere before: the demo network must replace all of it.
        subprocess.run(['gsettings', 'set', NETWORK_SCHEMA, 'rpc-url', 'https://rpc.example.org'],
                       check=True)

        app = App(1)
        try:
            app.wait_ready()
            assistant = window_named(app, ASSISTANT)
            # With no window manager it would sit in the corner.
            wait_for('the assistant to move', lambda: x_move_window(ASSISTANT, app.proc.pid, 270, 60))
            point_into(app, assistant)
            screenshot('00-welcome.png')
            app.click(find_button(assistant, 'Get Started'))
            network_step(app, assistant, devnet_url)
            wallet_step(app, assistant)
            folder_step(app, assistant)
            shown_label(assistant, 'the last step', lambda s: s == 'All Set')
            screenshot('05-done.png')
            app.click(find_button(assistant, 'Start Browsing'))
            wait_for('the assistant to close', lambda: window_gone(app, ASSISTANT))
            if gsettings_get(APP_SCHEMA, 'first-run-complete') != 'true':
                raise Failure('first-run-complete is not set after finishing the assistant')
            screenshot('06-browse.png')
            quit_app(app)
        except BaseException:
            capture_failure()
            raise
        finally:
            app.stop()

        app = App(2)
        try:
            app.wait_ready()
            # The main window is up; give the assistant the time it took on
            # the first start to appear, and check it does not.
            find(app.window, 'the Browse page switcher', roleName='page tab', name='Browse')
            try:
                window_named(app, ASSISTANT, timeout=5)
            except Failure:
                log('second start: no assistant')
            else:
                raise Failure('the assistant opened again after it was finished')
            quit_app(app)
        except BaseException:
            capture_failure()
            raise
        finally:
            app.stop()
    finally:
        subprocess.run([DEVNET, '--stop', '--port', str(port)], capture_output=True, timeout=60)


if __name__ == '__main__':
    sys.exit(main(run))
