#!/usr/bin/python3
"""test_browse.py — the Browse page against a private devnet.

Runs inside ui-session.py. Titles published on-chain (with cast, as any
creator's app would) appear as cards with their title, creator and price; a
title published while the window is open appears without any action; the
search keeps only what matches; a title's page shows its details; "Buy and
Watch" without a wallet says what to do first. Leaves screenshots in
SEEDREEL_UI_OUTDIR.
"""
import json
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srui  # noqa: E402
import test_shell as ui  # noqa: E402 — the helpers, not its test
from srui import (Failure, find, is_shown, label_shown, log, row_subtitle,  # noqa: E402
                  screenshot, shown_label, wait_for)
from dogtail import rawinput  # noqa: E402
from dogtail.predicate import GenericPredicate  # noqa: E402

NETWORK_SCHEMA = 'org.seedreel.Seedreel.Network'
# anvil's first account (tools/devnet funds it): the creator here.
CREATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'


class Devnet(srui.Devnet):
    """The private devnet, where titles are published with cast."""

    def publish(self, title, price_wei, share_bps, description):
        metadata = json.dumps({'title': title, 'description': description, 'duration': 3725,
                               'renditions': ['1080p', '720p'], 'poster': 'poster.jpg'})
        infohash = '0x' + format(abs(hash(title)) % (1 << 256), '064x')
        self.cast('send', '--private-key', CREATOR_KEY, self.registry,
                  'publish(bytes32,uint256,uint16,uint64,string)', infohash, str(price_wei), str(share_bps),
                  '1000000', metadata)
        log(f'published "{title}"')


def run():
    devnet = Devnet()
    app = None
    try:
        devnet.publish('Night Train', 12_500_000_000_000_000_000, 2000, 'A sleeper crosses the border at dawn.')
        devnet.publish('Harbour Lights', 1_000_000_000_000_000_000, 500, 'Fishing boats come home at dusk.')
        subprocess.run(['gsettings', 'set', NETWORK_SCHEMA, 'rpc-url', devnet.url], check=True)
        app = ui.App(1)
        app.wait_ready()
        app.click(ui.page_tab(app, 'Browse'))

        # Both titles as cards: title, short creator, price.
        shown_label(app.window, 'the "Night Train" card', lambda s: s == 'Night Train')
        shown_label(app.window, 'the "Harbour Lights" card', lambda s: s == 'Harbour Lights')
        shown_label(app.window, 'a price of 12.5 SEED', lambda s: s.startswith('12.5 SEED'))
        shown_label(app.window, 'the creator', lambda s: s == '0xf39F…2266')
        if label_shown(app.window, 'No Titles Yet'):
            raise Failure('the empty state is still shown over the titles')
        log('the grid shows both titles with price and creator')
        screenshot('01-browse.png')

        # Published while the window is open: it appears by itself.
        devnet.publish('Paper Moons', 3_000_000_000_000_000_000, 0, 'Night-time stories told with paper.')
        shown_label(app.window, 'the "Paper Moons" card to appear', lambda s: s == 'Paper Moons', timeout=30)
        log('a newly published title appeared without reloading')

        # Search: titles and descriptions.
        # GTK 4.8 exposes a GtkSearchEntry with the role of a plain entry.
        entry = find(app.window, 'the search entry', roleName='entry')
        app.click(entry)
        rawinput.typeText('harbour')
        wait_for('only "Harbour Lights" to remain',
                 lambda: label_shown(app.window, 'Harbour Lights') and not label_shown(app.window, 'Night Train')
                 and not label_shown(app.window, 'Paper Moons'))
        log('searching "harbour" keeps only Harbour Lights')
        screenshot('02-search.png')
        rawinput.keyCombo('<Control>a')
        rawinput.typeText('night')
        wait_for('"night" to match a title and a description',
                 lambda: label_shown(app.window, 'Night Train') and label_shown(app.window, 'Paper Moons')
                 and not label_shown(app.window, 'Harbour Lights'))
        log('searching "night" matches a title and a description')
        rawinput.keyCombo('<Control>a')
        rawinput.typeText('zzzz')
        shown_label(app.window, 'the no-results state', lambda s: s == 'No Matching Titles')
        rawinput.keyCombo('<Control>a')
        rawinput.keyCombo('BackSpace')
        wait_for('all titles to be back', lambda: label_shown(app.window, 'Harbour Lights')
                 and label_shown(app.window, 'Night Train') and label_shown(app.window, 'Paper Moons'))

        # A title's page.
        card = shown_label(app.window, 'the "Night Train" card', lambda s: s == 'Night Train')
        app.click(card)
        shown_label(app.window, 'the description', lambda s: s == 'A sleeper crosses the border at dawn.')
        for title, value in [('Price per View', '12.5 SEED'), ('Seeder Share', '20 %'),
                             ('Duration', '1:02:05'), ('Qualities', '1080p, 720p')]:
            got = row_subtitle(app.window, title, only_shown=True)
            if got != value:
                raise Failure(f'the "{title}" row says "{got}", not "{value}"')
        log('the title page shows price, share, duration and qualities')
        screenshot('03-title.png')

        # Without a wallet, buying says what to do first.
        buy = wait_for('the "Buy and Watch" button', lambda: [
            n for n in app.window.findChildren(GenericPredicate(roleName='push button'))
            if n.name.replace('_', '').endswith('Buy and Watch') and is_shown(n)])[0]
        app.click(buy)
        shown_label(app.window, 'the hint to create a wallet', lambda s: s.startswith('Create or import a wallet'))
        log('"Buy and Watch" without a wallet asks to create one first')
        screenshot('04-no-wallet.png')

        back = find(app.window, 'the back button', roleName='push button', name='Back to All Titles')
        app.click(back)
        wait_for('the grid to be back', lambda: label_shown(app.window, 'Harbour Lights')
                 and not label_shown(app.window, 'A sleeper crosses the border at dawn.'))
        log('back on the grid')
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
