#!/usr/bin/python3
"""test_library.py — the real poster on Browse, then a bought title in the Library.

Runs inside ui-session.py. As in test_watch.py, `seedreel-cli publish` seeds
a paid title (a red clip with a red poster.jpg and an info.json) on loopback
and publishes it on a private devnet. The Browse card shows the poster
fetched from the title's torrent (the card's pixels are red, not the grey
placeholder), and so does the title's page. The viewer buys and watches it, leaves the player and opens
the Library: the title is listed under Bought and, once downloaded, under
Seeding with its state, upload total and earnings (a receipt put in its
library shows as SEED earned). Its seeding pauses and resumes from the row;
removed keeping its files, it stays under Bought, whose Watch opens the
title's page. Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_shell as ui  # noqa: E402 — the helpers, not its test
import srui  # noqa: E402
import test_watch as watch  # noqa: E402 — the title, creator and wallet helpers
from srui import (Devnet, Failure, find, find_button, gsettings_set, labels, log, main,  # noqa: E402
                  screenshot, shown_label, wait_for)
from dogtail import rawinput  # noqa: E402

TITLE = watch.TITLE
LONG = 120


def red_card(app, label):
    """Share of red in the poster area above a card's title label."""
    png = screenshot('01-browse.png')
    cx, cy = ui.screen_point(app.proc, label)
    _, _, w, h = ui.extents(label)
    left, top = cx - w // 2, cy - h // 2
    # The poster (150 × 225) sits right above the title, from the card's left.
    share = watch.red_fraction(png, (left + 25, top - 190, 100, 150))
    log(f'{share:.0%} of the card\'s poster is red')
    return share > 0.8


def list_rows(app, name):
    """(title, subtitle) of the rows of the Library's list `name`."""
    lists = app.window.findChildren(lambda n: n.roleName == 'list' and n.name == name, isLambda=True)
    rows = []
    for lst in lists:
        for row in lst.findChildren(lambda n: n.roleName == 'list item', isLambda=True):
            texts = [n.name for n in labels(row)]
            if texts:
                rows.append((texts[0], texts[1] if len(texts) > 1 else ''))
    return rows


def listed(app, section, pred):
    def probe():
        for title, subtitle in list_rows(app, section):
            if title == TITLE and pred(subtitle):
                return subtitle
        return None
    return wait_for(f'"{TITLE}" under {section}', probe, LONG, interval=1.0)


def run():
    tmp = os.environ['SEEDREEL_UI_TMPDIR']
    password_file = os.path.join(tmp, 'password')
    with open(password_file, 'w') as f:
        f.write(watch.PASSWORD + '\n')
    folder = os.path.join(tmp, 'red-harbour-source')
    watch.make_title(folder)

    devnet = Devnet()
    creator = None
    app = None
    try:
        gsettings_set(watch.NETWORK_SCHEMA, 'rpc-url', devnet.url)
        app_port = srui.torrents_on_loopback(os.path.join(tmp, 'downloads'))
        os.environ['SEEDREEL_SIGNER_TEST_KDF'] = '1'
        viewer = watch.import_wallet(dict(os.environ), watch.VIEWER_KEY, password_file)
        if viewer != watch.VIEWER:
            raise Failure(f'the viewer wallet is {viewer}, not {watch.VIEWER}')
        creator = watch.Creator(devnet, folder, password_file, app_port)

        # The poster fetch says in the app's log what it waits for.
        os.environ['G_MESSAGES_DEBUG'] = 'all'
        app = ui.App(1)
        app.wait_ready()
        watch.unlock(app)
        app.click(ui.page_tab(app, 'Browse'))
        card = shown_label(app.window, f'the "{TITLE}" card', lambda s: s == TITLE, timeout=60)
        wait_for('the real poster on the card', lambda: red_card(app, card), LONG, interval=2.0)
        log('the card shows the poster from the title\'s torrent')

        app.click(card)
        shown_label(app.window, 'the description', lambda s: s == 'A red harbour at noon.')
        heading = shown_label(app.window, 'the title page\'s heading', lambda s: s == TITLE)

        def red_title_poster():
            # The poster (160 × 240) is 24 px left of the heading's column, its top
            # above the heading: a 100 × 100 square around the heading's height.
            png = screenshot('02-title.png')
            cx, cy = ui.screen_point(app.proc, heading)
            _, _, w, _ = ui.extents(heading)
            share = watch.red_fraction(png, (cx - w // 2 - 24 - 130, cy - 50, 100, 100))
            log(f'{share:.0%} of the title page\'s poster is red')
            return share > 0.8
        wait_for('the poster on the title page', red_title_poster, 30, interval=1.0)
        app.click(watch.button(app.window, 'Buy and Watch'))
        watch.answer(app, f'Buy “{TITLE}”?', 'Buy')
        watch.answer(app, 'Sign the Approval?', 'Sign')
        watch.answer(app, 'Sign the Purchase?', 'Sign')
        started = time.monotonic()
        video = find(app.window, 'the video', LONG, name='Video')

        def red_on_screen():
            png = screenshot('03-watching.png')
            x, y = ui.screen_point(app.proc, video)
            _, _, w, h = ui.extents(video)
            return watch.red_fraction(png, (x - w * 0.2, y - h * 0.2, w * 0.4, h * 0.4)) > 0.9
        wait_for('the decrypted red picture on screen', red_on_screen, LONG, interval=2.0)
        log(f'watching, {time.monotonic() - started:.1f} s after the purchase was signed')

        ui.point_into(app, app.window)
        rawinput.pressKey('Escape')
        library = ui.page_tab(app, 'Library')
        wait_for('the pages again', lambda: ui.is_shown(library), 30)
        app.click(library)
        bought = listed(app, 'Bought', lambda s: True)
        log(f'Bought: {TITLE} — {bought}')
        seeding = listed(app, 'Seeding', lambda s: s.startswith('Seeding') and 'uploaded' in s)
        log(f'Seeding: {TITLE} — {seeding}')
        if 'SEED earned' not in seeding:
            raise Failure(f'the seeding row does not say what it earned: {seeding!r}')

        # A later viewer's receipt for the whole title, as the seeding service
        # keeps it: its view's pool is the seeders' 10 % of 2 SEED, all of it
        # earned by the bytes the receipt counts.
        db = sqlite3.connect(os.path.join(os.environ['XDG_DATA_HOME'], 'seedreel', 'seedreel.db'), timeout=30)
        with db:
            network, size = db.execute('SELECT network, content_size FROM catalog_titles WHERE content_id = ?',
                                       (creator.content_id,)).fetchone()
            db.execute('INSERT INTO seeding_receipts (network, view_id, seeder, viewer, content_id, bytes, signature,'
                       ' content_size, pool, paid_bytes, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)',
                       (network, '99', watch.VIEWER, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', creator.content_id,
                        size, bytes(65), size, str(2 * 10**17), int(time.time())))
        db.close()
        seeding = listed(app, 'Seeding', lambda s: '0.2 SEED earned' in s)
        log(f'with a stored receipt: {seeding}')
        screenshot('library.png')

        # Seeding pauses and resumes from its row.
        seeding_list = find(app.window, 'the Seeding list', roleName='list', name='Seeding')
        app.click(find_button(seeding_list, 'Pause'))
        listed(app, 'Seeding', lambda s: s.startswith('Paused'))
        app.click(find_button(seeding_list, 'Resume'))
        listed(app, 'Seeding', lambda s: s.startswith('Seeding'))
        log('seeding paused and resumed from the Library')

        # Removed, keeping its files: it leaves Seeding, stays bought, and the
        # video stays on disk.
        app.click(find_button(seeding_list, 'Remove'))
        watch.answer(app, f'Remove “{TITLE}”?', 'Keep Files')
        wait_for(f'"{TITLE}" to leave Seeding', lambda: not any(t == TITLE for t, _ in list_rows(app, 'Seeding')), 30)
        listed(app, 'Bought', lambda s: s.startswith('Not downloaded'))
        kept = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(tmp, 'downloads')) for f in files
                if f == '360p.mp4']
        if not kept:
            raise Failure('removing with "Keep Files" deleted the video')
        log(f'removed from the session, the files kept ({kept[0]})')

        # Watch from Bought opens the title's page on Browse.
        bought_list = find(app.window, 'the Bought list', roleName='list', name='Bought')
        app.click(find_button(bought_list, 'Watch'))
        shown_label(app.window, 'the title page', lambda s: s == 'A red harbour at noon.')
        log('Watch in the Library opened the title\'s page')
    except BaseException:
        ui.capture_failure()
        raise
    finally:
        if app is not None:
            app.stop()
        if creator is not None:
            creator.stop()
        devnet.stop()


if __name__ == '__main__':
    sys.exit(main(run))
