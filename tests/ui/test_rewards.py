#!/usr/bin/python3
"""test_rewards.py — a person who seeded collects rewards from the Wallet page.

Runs inside ui-session.py against a private devnet (tools/devnet on a free
port, contracts deployed, its profile in the private HOME). The seeder's
account is imported with seedreel-cli before the app starts. On chain, the
devnet's deployer publishes a title (100 SEED, 20 % to seeders, 1,000,000
bytes), another account buys a view of it and signs a receipt saying the
seeder delivered 500,000 bytes, which goes into the app's library as the
seeder's app keeps it. In the window: unlock, the Seeding rewards section
shows 10 SEED pending from one receipt and one viewer; Collect asks for
confirmation showing the amount and the fee; the claim goes through, the
account holds 10 SEED more (checked with cast), the registry has paid for the
500,000 bytes and nothing is pending any more.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srui  # noqa: E402
import test_shell as ui  # noqa: E402 — the helpers, not its test
from srui import CAST, Devnet as Chain, Failure, has_state, is_shown, log, run_cmd, screenshot, wait_for  # noqa: E402
from dogtail import rawinput  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402
import pyatspi  # noqa: E402

CLI = os.path.join(srui.BUILDDIR, 'src', 'cli', 'seedreel-cli')
PASSWORD = 'seeding is caring'
DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
VIEWER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
VIEWER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
SEEDER_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
SEEDER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
WEI = 10 ** 18
SIZE = 1_000_000
DELIVERED = 500_000
POOL = 20 * WEI

os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'


def sold_view(chain):
    """A title published and a view of it bought by VIEWER: the view id."""
    chain.cast('send', '--private-key', DEPLOYER_KEY, chain.registry,
               'publish(bytes32,uint256,uint16,uint64,string)',
               '0x' + '11' * 32, str(100 * WEI), '2000', str(SIZE), '{"title":"Rewards"}')
    chain.cast('send', '--private-key', DEPLOYER_KEY, chain.token, 'mint(address,uint256)', VIEWER, str(100 * WEI))
    chain.cast('send', '--private-key', VIEWER_KEY, chain.token, 'approve(address,uint256)',
               chain.registry, str(100 * WEI))
    content = chain.number(chain.registry, 'contentCount()(uint256)')
    chain.cast('send', '--private-key', VIEWER_KEY, chain.registry, 'buyView(uint256)', str(content))
    return chain.number(chain.registry, 'viewCount()(uint256)')


def keep_receipt(chain, view):
    """The receipt the viewer's app would have sent, kept as the seeder's app keeps it."""
    typed = {
        'types': {
            'EIP712Domain': [{'name': 'name', 'type': 'string'}, {'name': 'version', 'type': 'string'},
                             {'name': 'chainId', 'type': 'uint256'},
                             {'name': 'verifyingContract', 'type': 'address'}],
            'Receipt': [{'name': 'viewId', 'type': 'uint256'}, {'name': 'seeder', 'type': 'address'},
                        {'name': 'bytes', 'type': 'uint64'}],
        },
        'primaryType': 'Receipt',
        'domain': {'name': 'Seedreel', 'version': '1', 'chainId': 31337, 'verifyingContract': chain.registry},
        'message': {'viewId': str(view), 'seeder': SEEDER, 'bytes': str(DELIVERED)},
    }
    path = os.path.join(srui.OUTDIR, 'receipt.json')
    with open(path, 'w') as f:
        json.dump(typed, f)
    sig = bytes.fromhex(run_cmd(CAST, 'wallet', 'sign', '--private-key', VIEWER_KEY,
                                '--data', '--from-file', path)[2:])
    sig = sig[:64] + bytes([sig[64] - 27])   # r ‖ s ‖ recovery id, as the extension carries it
    data_home = os.environ.get('XDG_DATA_HOME', os.path.expanduser('~/.local/share'))
    con = sqlite3.connect(os.path.join(data_home, 'seedreel', 'seedreel.db'), timeout=30)
    with con:
        con.execute('INSERT INTO seeding_receipts (network, view_id, seeder, viewer, content_id, bytes,'
                    ' signature, content_size, pool, paid_bytes, received_at)'
                    ' VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)',
                    (f'31337:{chain.registry.lower()}', str(view), SEEDER, VIEWER, '1', DELIVERED, sig,
                     SIZE, str(POOL), int(time.time())))
    con.close()
    log(f'receipt for view {view}: {DELIVERED} bytes to {SEEDER}')


def import_seeder():
    key = os.path.join(srui.OUTDIR, 'seeder.key')
    password = os.path.join(srui.OUTDIR, 'password')
    with open(key, 'w') as f:
        f.write(SEEDER_KEY + '\n')
    with open(password, 'w') as f:
        f.write(PASSWORD + '\n')
    run_cmd(CLI, 'wallet', 'import', '--private-key-file', key, '--password-file', password, timeout=120)
    os.unlink(key)


def section_label(app, text, timeout=30.0):
    return wait_for(f'"{text}" on the Wallet page', lambda: [
        n for n in app.window.findChildren(GenericPredicate(roleName='label')) if n.name == text] or None,
        timeout)


def button(parent, text, timeout=30.0):
    """A button by its label ("_Collect Collect" in GTK 4.8), laid out and
    visible (GTK 4.8 never marks a message dialog's buttons SHOWING)."""
    def probe():
        for n in parent.findChildren(lambda n: n.roleName == 'push button' and
                                     n.name.replace('_', '').split(' ')[-1] == text, isLambda=True):
            if (is_shown(n) or has_state(n, pyatspi.STATE_VISIBLE)) and srui.extents(n)[2] > 0:
                return n
        return None
    return wait_for(f'the "{text}" button', probe, timeout)


def press(node):
    """Through the accessible action, as a screen reader would: the
    section may sit below the fold."""
    action = node.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index('click') if 'click' in names else 0)


def window_named(app, title, timeout=30.0):
    return wait_for(f'the "{title}" window', lambda: next(
        (n for n in app.node if n is not None and n.name == title and has_state(n, pyatspi.STATE_VISIBLE)),
        None), timeout)


def unlock(app):
    press(button(app.window, 'Unlock'))
    dialog = window_named(app, 'Unlock Wallet')
    srui.point_into(app, dialog)
    wait_for('the focused password field', lambda: [n for n in dialog.findChildren(
        lambda n: n.roleName in ('password text', 'text'), isLambda=True)
        if has_state(n, pyatspi.STATE_FOCUSED)] or None)
    rawinput.typeText(PASSWORD)
    time.sleep(0.3)
    rawinput.pressKey('Return')
    button(app.window, 'Lock', timeout=60)
    log('unlocked')


def run():
    chain = Chain()
    app = None
    try:
        subprocess.run(['gsettings', 'set', 'org.seedreel.Seedreel.Network', 'rpc-url', chain.url], check=True)
        import_seeder()
        view = sold_view(chain)
        # seedreel-cli opens (and creates) the library the app will open.
        cli = [CLI, 'rewards', '--json', '--rpc-url', chain.url, '--registry', chain.registry]
        if json.loads(run_cmd(*cli))['receipts'] != 0:
            raise Failure('a new library already holds receipts')
        keep_receipt(chain, view)
        if json.loads(run_cmd(*cli))['pending_base_units'] != str(10 * WEI):
            raise Failure('seedreel-cli rewards does not see 10 SEED pending')

        app = ui.App(1)
        app.wait_ready()
        app.click(ui.page_tab(app, 'Wallet'))
        section_label(app, '10 SEED')
        section_label(app, '1 receipt')
        section_label(app, 'from 1 viewer')
        log('the section shows 10 SEED pending from 1 receipt and 1 viewer')
        unlock(app)

        before = chain.number(chain.token, 'balanceOf(address)(uint256)', SEEDER)
        press(button(app.window, 'Collect'))
        dialog = window_named(app, 'Collect Seeding Rewards?', timeout=60)
        srui.point_into(app, dialog)
        body = [n.name for n in dialog.findChildren(GenericPredicate(roleName='label')) if 'ETH' in n.name]
        if not body or '10 SEED' not in body[0] or not re.search(r'at most [0-9.]+ ETH', body[0]):
            raise Failure(f'the confirmation shows {body!r}')
        log(f'confirmation: {body[0]}')
        screenshot('01-confirm-collect.png')
        press(button(dialog, 'Collect'))

        wait_for('10 SEED more in the account', lambda: chain.number(
            chain.token, 'balanceOf(address)(uint256)', SEEDER) - before == 10 * WEI, timeout=60)
        log('cast: the account holds 10 SEED more')
        section_label(app, '0 SEED', timeout=60)
        paid = chain.number(chain.registry, 'paidBytes(uint256,address)(uint64)', str(view), SEEDER)
        if paid != DELIVERED:
            raise Failure(f'the registry paid for {paid} bytes, not {DELIVERED}')
        log('the registry paid for the 500,000 bytes; nothing is pending')
        screenshot('02-collected.png')
        ui.quit_app(app)
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        chain.stop()


if __name__ == '__main__':
    sys.exit(srui.main(run))
