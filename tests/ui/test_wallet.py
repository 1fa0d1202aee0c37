#!/usr/bin/python3
"""test_wallet.py — a person creates a wallet in the window and sends tokens.

Runs inside ui-session.py against a private devnet (tools/devnet on a free
port, contracts deployed, its profile in the private HOME). In the window:
create a wallet (the recovery phrase shown must derive the address shown, as
cast derives it), receive ETH and SEED from a devnet account, see the
balances appear, check the QR code's payment link, unlock, send SEED through
the send dialog whose confirmation must show amount, token, checksummed
recipient, chain name and id and fee, see the send pending and then (after a
block is mined) confirmed in the history, and check the recipient's balance
with cast. Then a second send is sped up from the history: the replacement
is confirmed, the original is marked replaced, and the tokens arrive once.
The keystore is exported (before the unlock) to a file that cast opens to
the same key.
Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import os
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shell as ui  # noqa: E402 — the helpers, not its test
import srui  # noqa: E402
from srui import (CAST, Failure, dialog_named, find, find_button, has_state, is_shown, labels,  # noqa: E402
                  log, row_subtitle, run_cmd, screenshot, shown_label, type_into, wait_for)
from dogtail import rawinput  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402
import pyatspi  # noqa: E402

NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
PASSWORD = 'correct horse battery'
# anvil's first account deploys and owns the token (tools/devnet).
DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
# A fresh address nobody else uses, typed in lower case: the confirmation
# must show it checksummed.
RECIPIENT = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'
RECIPIENT_EIP55 = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
WEI = 10 ** 18

# The light keystore KDF the signer allows for tests (SEEDREEL_SIGNER_TEST_KDF).
os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'


class Devnet(srui.Devnet):
    """The private devnet, mining on demand when a test needs a send pending."""

    def automine(self, on):
        self.cast('rpc', 'evm_setAutomine', 'true' if on else 'false')

    def mine(self):
        self.cast('rpc', 'evm_mine')


# ------------------------------------------------------------- helpers --

def history_rows(app):
    """[(title, [labels…], row)] of the history list, top (newest) first."""
    rows = []
    for lst in app.window.findChildren(GenericPredicate(roleName='list')):
        for row in lst:
            if row is None:
                continue
            texts = [n.name for n in labels(row)]
            if texts and texts[0].startswith('Sent '):
                rows.append((texts[0], texts, row))
    return rows


def history_state(app, title, state):
    return any(t == title and state in texts for t, texts, _ in history_rows(app))


# ---------------------------------------------------------------- test --

def create_wallet(app, devnet):
    app.click(ui.page_tab(app, 'Wallet'))
    ui.check_page(app, 'Wallet', 'No Wallet Yet')
    app.click(find_button(app.window, 'Create Wallet'))
    dialog = dialog_named(app, 'Create Wallet')
    ui.point_into(app, dialog)
    fields = wait_for('the two password fields',
                      lambda: [n for n in dialog.findChildren(
                          lambda n: n.roleName in ('password text', 'text'), isLambda=True)
                          if is_shown(n)][:2] or None)
    if len(fields) != 2:
        raise Failure(f'expected two password fields, found {len(fields)}')
    type_into(app, fields[0], PASSWORD)
    type_into(app, fields[1], PASSWORD)
    create = find_button(dialog, 'Create')
    wait_for('Create to become sensitive', lambda: has_state(create, pyatspi.STATE_SENSITIVE))
    app.click(create)
    phrase = shown_label(dialog, 'the recovery phrase',
                         lambda s: len(s.split()) in (12, 24) and all(w.isalpha() and w.islower()
                                                                      for w in s.split()),
                         timeout=60).name
    address = shown_label(dialog, 'the new address', lambda s: re.search(r'0x[0-9a-fA-F]{40}', s)).name
    address = re.search(r'0x[0-9a-fA-F]{40}', address).group(0)
    log(f'recovery phrase of {len(phrase.split())} words for {address}')
    screenshot('01-recovery-phrase.png')
    # The phrase shown is the wallet's: cast derives the same first account.
    derived = run_cmd(CAST, 'wallet', 'address', '--mnemonic', phrase)
    if derived != address:
        raise Failure(f'the recovery phrase derives {derived}, the dialog shows {address}')
    log('cast derives the same address from the phrase')
    done = [n for n in dialog.findChildren(lambda n: n.roleName == 'push button' and
                                           n.name.endswith(' Done'), isLambda=True)]
    if len(done) != 1 or has_state(done[0], pyatspi.STATE_SENSITIVE):
        raise Failure('Done is possible before "I wrote it down" is ticked')
    app.click(find_button(dialog, 'I wrote it down', role='check box'))
    wait_for('Done to become sensitive', lambda: has_state(done[0], pyatspi.STATE_SENSITIVE))
    app.click(find_button(dialog, 'Done'))
    shown_label(app.window, 'the address on the Wallet page', lambda s: s == address)
    return address


def check_qr(app, address):
    # GtkMenuButton's inner button is the one that takes clicks.
    button = wait_for('the QR code button', lambda: [
        n for n in app.window.findChildren(lambda n: n.description == 'Show Address as QR Code' and
                                           n.roleName in ('push button', 'toggle button'), isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSABLE) and is_shown(n)] or None)[0]
    app.click(button)
    uri = f'ethereum:{address}@31337'
    picture = wait_for('the QR code picture',
                       lambda: [n for n in app.node.findChildren(
                           lambda n: n.name == 'Address QR Code', isLambda=True)] or None)[0]
    if uri not in picture.description:
        raise Failure(f'the QR code describes {picture.description!r}, not {uri}')
    x, y, w, h = ui.extents(picture)
    # 5 px per module, version ≥ 3 for a 60-character link, 4-module quiet zone.
    if w < (29 + 8) * 5 or w != h:
        raise Failure(f'the QR code is {w}×{h} px, too small to hold the link with its quiet zone')
    shown_label(app.node, 'the payment link under the QR code', lambda s: s == uri)
    log(f'QR code {w}×{h} px of {uri}')
    # The picture's own area on screen (inside a popover: its own surface),
    # with the button's tooltip out of the way.
    cx, cy = ui.screen_point(app.proc, picture)
    rawinput.absoluteMotion(cx, cy)
    wait_for('the tooltip to hide', lambda: not srui.tooltip_shown(app.node))
    check_qr_pixels(screenshot('03-qr-code.png'), cx - w // 2, cy - h // 2, w, h)
    rawinput.pressKey('Escape')


def check_qr_pixels(path, x, y, w, h):
    """On screen, a real QR symbol: dark modules inside a light quiet zone,
    a square whose side is a QR size (21 + 4k modules of 5 px), and the
    three finder patterns (7×7 ring around a 3×3 square) at its corners."""
    gray = subprocess.run(['convert', path, '-crop', f'{w}x{h}+{x}+{y}', '+repage', '-colorspace', 'gray',
                           '-depth', '8', 'gray:-'], capture_output=True, check=True, timeout=30).stdout
    if len(gray) != w * h:
        raise Failure(f'could not read the QR code out of {path}')
    dark = [(i % w, i // w) for i, v in enumerate(gray) if v < 80]
    if not dark:
        raise Failure('the QR code area of the screenshot has no dark pixel')
    left, top = min(p[0] for p in dark), min(p[1] for p in dark)
    side = max(p[0] for p in dark) - left + 1
    # 5 px a module, give or take the picture's scaling to its allocation.
    modules = 21 + 4 * round((side / 5 - 21) / 4)
    px = side / modules
    if abs(max(p[1] for p in dark) - top + 1 - side) > 2 or modules < 21 or not 4.5 < px < 5.5:
        raise Failure(f'the dark part of the QR code is not a QR symbol ({side} px from ({left}, {top}))')
    if left < 4 * 4 or top < 4 * 4:
        raise Failure('the QR code has no quiet zone')

    def is_dark(mx, my):
        return gray[int(top + (my + 0.5) * px) * w + int(left + (mx + 0.5) * px)] < 80

    for ox, oy in ((0, 0), (modules - 7, 0), (0, modules - 7)):
        ring = all(is_dark(ox + i, oy) and is_dark(ox + i, oy + 6) and is_dark(ox, oy + i) and
                   is_dark(ox + 6, oy + i) for i in range(7))
        gap = not any(is_dark(ox + 1 + i, oy + 1) or is_dark(ox + 1 + i, oy + 5) for i in range(5))
        centre = all(is_dark(ox + 2 + i, oy + 2 + j) for i in range(3) for j in range(3))
        if not (ring and gap and centre):
            raise Failure(f'no finder pattern at module ({ox}, {oy}) of the QR code')
    log(f'the screenshot shows a {modules}×{modules}-module QR symbol with its three finder patterns')


def unlock(app):
    app.click(find_button(app.window, 'Unlock'))
    dialog = dialog_named(app, 'Unlock Wallet')
    ui.point_into(app, dialog)
    # GTK 4.8 never marks a message dialog SHOWING; the field has the focus.
    entry = wait_for('the focused password field', lambda: [n for n in dialog.findChildren(
        lambda n: n.roleName in ('password text', 'text') and n.name == 'Password', isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSED)] or None)[0]
    rawinput.typeText(PASSWORD)
    wait_for('the password to be typed', lambda: len(ui.entry_text(entry)) == len(PASSWORD))
    rawinput.pressKey('Return')
    find_button(app.window, 'Lock', timeout=60)
    log('unlocked')


def choose_seed(app, dialog):
    combo = find(dialog, 'the Asset row', name='Asset')
    app.click(combo)
    item = wait_for('the SEED choice', lambda: [n for n in app.node.findChildren(
        lambda n: n.name == 'SEED' and n.roleName in ('label', 'list item'), isLambda=True)
        if ui.surface_of(n)[1]] or None)[0]
    app.click(item)
    wait_for('SEED to be chosen', lambda: any(n.name == 'SEED' for n in labels(combo)))


def send_seed(app, devnet, amount_text, shot):
    app.click(find_button(app.window, 'Send…'))
    dialog = dialog_named(app, 'Send')
    ui.point_into(app, dialog)
    type_into(app, find(dialog, 'the recipient field', roleName='text', name='Recipient Address'), RECIPIENT)
    type_into(app, find(dialog, 'the amount field', roleName='text', name='Amount'), amount_text)
    choose_seed(app, dialog)
    ui.point_into(app, dialog)
    app.click(find_button(dialog, 'Review'))
    send = find_button(dialog, 'Send', timeout=60)
    confirmation = {t: row_subtitle(dialog, t)
                    for t in ('Amount', 'Token', 'Recipient', 'Network', 'Maximum Network Fee')}
    log(f'confirmation: {confirmation}')
    expected = {'Amount': amount_text, 'Token': 'SEED', 'Recipient': RECIPIENT_EIP55,
                'Network': 'Local devnet (chain ID 31337)'}
    for key, value in expected.items():
        if confirmation[key] != value:
            raise Failure(f'the confirmation shows {key} {confirmation[key]!r}, expected {value!r}')
    if not re.fullmatch(r'0\.\d+ ETH', confirmation['Maximum Network Fee']):
        raise Failure(f'the fee reads {confirmation["Maximum Network Fee"]!r}')
    screenshot(shot)
    app.click(send)
    find(dialog, 'the Sent page', roleName='label', name='Sent', timeout=60)
    log('sent')
    close_window(app, dialog, 'Send')


def close_window(app, window, title):
    app.click(find(window, f'the close button of {title}', roleName='push button', name='Close'))
    wait_for(f'the {title} window to close', lambda: not [
        n for n in app.node if n is not None and n.name == title and has_state(n, pyatspi.STATE_VISIBLE)])


def export_keystore(app, address):
    """Export… → a file name → the password: the file written opens in cast
    and holds the wallet's key."""
    folder = os.path.join(os.environ['HOME'], 'keystore-export')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, 'wallet.json')
    app.click(find_button(app.window, 'Export…'))
    chooser = dialog_named(app, 'Export Keystore File')
    # The chooser's accessible role is no window's, so its X window is
    # found by title to give it the keyboard.
    _, _, cw, ch = ui.extents(chooser)
    wx, wy, ww, wh = wait_for('the X window of the file chooser', lambda: srui.x_surface_geometry(
        app.proc.pid, 'Export Keystore File', cw, ch), timeout=15)
    rawinput.absoluteMotion(wx + ww // 2, wy + wh // 2, check=False)
    # The name field has the focus, with the geth-style name selected.
    name = wait_for('the focused file name field', lambda: [n for n in chooser.findChildren(
        lambda n: n.roleName == 'text', isLambda=True) if has_state(n, pyatspi.STATE_FOCUSED)] or None)[0]
    if not re.fullmatch(r'UTC--.*--' + address[2:] + r'\.json', ui.entry_text(name)):
        raise Failure(f'the suggested file name is {ui.entry_text(name)!r}')
    rawinput.keyCombo('<Control>a')
    rawinput.typeText(path)
    wait_for('the path to be typed', lambda: ui.entry_text(name) == path)
    rawinput.pressKey('Return')
    entry = wait_for('the focused password field', lambda: [n for n in app.node.findChildren(
        lambda n: n.roleName in ('password text', 'text') and n.name == 'Password', isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSED)] or None)[0]
    rawinput.typeText(PASSWORD)
    wait_for('the password to be typed', lambda: len(ui.entry_text(entry)) == len(PASSWORD))
    rawinput.pressKey('Return')
    # GTK 4.8 never marks a message dialog SHOWING: found by its heading.
    saved = dialog_named(app, 'Keystore File Saved', timeout=60)
    wait_for('the keystore file', lambda: os.path.exists(path))
    screenshot('04-exported.png')
    key = run_cmd(CAST, 'wallet', 'decrypt-keystore', 'wallet.json', '--keystore-dir', folder,
                  '--unsafe-password', PASSWORD)
    key = re.search(r'0x[0-9a-fA-F]{64}', key).group(0)
    derived = run_cmd(CAST, 'wallet', 'address', '--private-key', key)
    if derived != address:
        raise Failure(f'the exported keystore holds the key of {derived}, not {address}')
    log(f'cast opens the exported keystore: the key of {address}')
    ui.point_into(app, saved)
    rawinput.pressKey('Escape')


def run():
    devnet = Devnet()
    app = None
    try:
        subprocess.run(['gsettings', 'set', NETWORK_SCHEMA, 'rpc-url', devnet.url], check=True)
        app = ui.App(1)
        app.wait_ready()
        address = create_wallet(app, devnet)

        # Receive ETH for fees and SEED from the devnet's deployer.
        devnet.cast('send', '--private-key', DEPLOYER_KEY, '--value', '2ether', address)
        devnet.cast('send', '--private-key', DEPLOYER_KEY, devnet.token,
                    'mint(address,uint256)', address, '100ether')
        shown_label(app.window, 'the ETH balance', lambda s: s == '2', timeout=30)
        shown_label(app.window, 'the SEED balance', lambda s: s == '100', timeout=30)
        log('balances show 2 ETH and 100 SEED')
        screenshot('02-funded.png')

        check_qr(app, address)
        export_keystore(app, address)
        unlock(app)

        # Blocks only when the test mines one: the send is seen pending.
        before = devnet.token_balance(RECIPIENT)
        devnet.automine(False)
        send_seed(app, devnet, '12.5', '04-confirm-send.png')
        wait_for('the send to be pending in the history',
                 lambda: history_state(app, 'Sent 12.5 SEED', 'Pending'), timeout=30)
        log('history: Sent 12.5 SEED, Pending')
        screenshot('05-pending.png')
        devnet.mine()
        wait_for('the send to be confirmed in the history',
                 lambda: history_state(app, 'Sent 12.5 SEED', 'Confirmed'), timeout=30)
        log('history: Sent 12.5 SEED, Confirmed')
        shown_label(app.window, 'the SEED balance after the send', lambda s: s == '87.5', timeout=30)
        after = devnet.token_balance(RECIPIENT)
        if after - before != 125 * WEI // 10:
            raise Failure(f'the recipient received {(after - before) / WEI} SEED, not 12.5')
        log('cast: the recipient holds 12.5 SEED more')
        screenshot('06-confirmed.png')

        # Speed up a pending send: the replacement is confirmed, the
        # original is marked replaced, the tokens arrive once.
        send_seed(app, devnet, '1', '07-confirm-second-send.png')
        wait_for('the second send to be pending',
                 lambda: history_state(app, 'Sent 1 SEED', 'Pending'), timeout=30)
        row = [r for t, _, r in history_rows(app) if t == 'Sent 1 SEED'][0]
        app.click(find_button(row, 'Speed Up'))
        dialog = dialog_named(app, 'Speed Up a Send')
        ui.point_into(app, dialog)
        confirm = find_button(dialog, 'Speed Up', timeout=60)
        fee = row_subtitle(dialog, 'Maximum Network Fee')
        recipient = row_subtitle(dialog, 'Recipient')
        if recipient != RECIPIENT_EIP55 or row_subtitle(dialog, 'Token') != 'SEED':
            raise Failure(f'the speed-up confirmation shows {recipient!r}')
        log(f'speed-up confirmation: fee {fee}')
        screenshot('08-confirm-speed-up.png')
        app.click(confirm)
        find(dialog, 'the Replacement Sent page', roleName='label', name='Replacement Sent', timeout=60)
        close_window(app, dialog, 'Speed Up a Send')
        devnet.mine()
        wait_for('one "Sent 1 SEED" confirmed and one replaced', lambda: sorted(
            s for t, texts, _ in history_rows(app) if t == 'Sent 1 SEED'
            for s in ('Confirmed', 'Replaced', 'Pending') if s in texts) == ['Confirmed', 'Replaced'],
            timeout=30)
        log('history: the replacement is confirmed, the original replaced')
        if devnet.token_balance(RECIPIENT) - after != WEI:
            raise Failure('the sped-up send did not deliver exactly 1 SEED')
        log('cast: the recipient received the 1 SEED once')
        screenshot('09-sped-up.png')
        devnet.automine(True)
        ui.quit_app(app)
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
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
