#!/usr/bin/python3
"""test_player.py — plays a torrent in the real Seedreel window.

Runs inside ui-session.py (private Xvfb, D-Bus, AT-SPI and keyfile GSettings).
Makes a 60 s H.264 clip (30 s of SMPTE colour bars, then 30 s of blue),
seeds it from a separate `seedreel-cli torrent seed` on loopback with its
upload capped so the app plays while it downloads, and then, as a user:
opens the magnet through the Open dialog, checks the bars' colours on screen,
pauses through AT-SPI (the position must stop), reads the statistics popover
(one peer, pieces counted), picks 2× and Normal from the speed menu, sets
the seek bar's value to 75 % through AT-SPI (the time label must follow and
the blue half must be on screen), plays on, quits, relaunches, has a
malformed magnet refused, accepts the offer to resume, pauses with Space and
leaves with Escape.
Leaves screenshots in SEEDREEL_UI_OUTDIR.
"""
import os
import re
import subprocess
import sys
import time

import srui  # noqa: E402
from srui import (BUILDDIR, OUTDIR, App, Failure, GenericPredicate, capture_failure, extents,
                  find, has_state, is_shown, log, main, point_into, pyatspi, quit_app, rawinput,
                  screen_point, screenshot, entry_text, wait_for)

TMPDIR = os.environ['SEEDREEL_UI_TMPDIR']
CLI = os.path.join(BUILDDIR, 'src', 'cli', 'seedreel-cli')

# Long enough that a slow, loaded machine still pauses and seeks before the
# end, and the position saved at quit stays out of the last tenth (which
# counts as watched and gets no resume offer).
CLIP_SECONDS = 60
BARS_SECONDS = 30
# The seeder's cap (KiB/s): the 4.6 MB clip takes ~23 s to arrive, so the
# app plays and seeks while parts are still missing.
SEEDER_LIMIT_KIB = 200

# videotestsrc's "smpte" pattern: 100 % bars, left to right, in the top two
# thirds of the frame (its 75 % bars are "smpte75").
SMPTE = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
         (255, 0, 255), (255, 0, 0), (0, 0, 255)]
BLUE = (0, 0, 255)
# H.264 4:2:0 and the YUV to RGB round trip move colours a little.
TOLERANCE = 40

# Ceilings, not delays: every wait below ends as soon as the screen shows
# what it waits for. They are generous because CI runs this on a loaded
# 2-core machine with a software renderer.
SHORT = 30
LONG = 90


# ------------------------------------------------------------- fixture --

def make_clip(folder):
    """A 640x360 H.264 MP4 (fast start): bars, then blue."""
    path = os.path.join(folder, 'bars-then-blue.mp4')
    caps = 'video/x-raw,width=640,height=360,framerate=30/1'
    frames = 30 * BARS_SECONDS
    subprocess.run(
        ['gst-launch-1.0', '-q',
         'concat', 'name=c', '!', 'videoconvert', '!',
         'x264enc', 'bitrate=1200', 'key-int-max=30', 'speed-preset=ultrafast', '!',
         'video/x-h264,profile=high', '!', 'mp4mux', 'faststart=true', '!', 'filesink', f'location={path}',
         'videotestsrc', 'pattern=smpte', f'num-buffers={frames}', '!', caps, '!', 'c.',
         'videotestsrc', 'pattern=blue', f'num-buffers={30 * CLIP_SECONDS - frames}', '!', caps, '!', 'c.'],
        check=True, timeout=120)
    log(f'clip: {path} ({os.path.getsize(path)} bytes)')
    return path


def make_torrent(clip):
    torrent = clip + '.torrent'
    subprocess.run([CLI, 'torrent', 'create', '-q', '-o', torrent, clip], check=True, timeout=60,
                   capture_output=True)
    info = subprocess.run([CLI, 'torrent', 'info', torrent], check=True, capture_output=True,
                          text=True, timeout=30).stdout
    info_hash = re.search(r'^info-hash: ([0-9a-f]{40})$', info, re.M).group(1)
    return torrent, info_hash


class Seeder:
    """`seedreel-cli torrent seed` on loopback, in its own process."""

    def __init__(self, torrent, clip):
        self.log = open(os.path.join(OUTDIR, 'seeder.log'), 'w')
        self.proc = subprocess.Popen(
            [CLI, 'torrent', 'seed', '-q', '--listen=127.0.0.1:0',
             f'--upload-limit={SEEDER_LIMIT_KIB}', torrent, clip],
            stderr=subprocess.PIPE, stdout=self.log, text=True)
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            line = self.proc.stderr.readline()
            if not line:
                raise Failure(f'the seeder exited with {self.proc.wait()} before listening')
            self.log.write(line)
            m = re.match(r'listen-port: (\d+)', line)
            if m:
                self.port = int(m.group(1))
            if time.monotonic() > deadline:
                raise Failure('the seeder did not listen within 30 s')
        log(f'seeder listening on 127.0.0.1:{self.port}')

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def configure_torrents(download_dir):
    """A private swarm: a free port, nothing that reaches outside loopback."""
    srui.torrents_on_loopback(download_dir, port=0)


# -------------------------------------------------------------- pixels --

def read_ppm(png):
    """(width, height, bytes) of a screenshot, through ImageMagick."""
    data = subprocess.run(['convert', png, '-depth', '8', 'ppm:-'], check=True,
                          capture_output=True, timeout=30).stdout
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def pixel(img, x, y):
    w, _, px = img
    i = (y * w + x) * 3
    return tuple(px[i:i + 3])


def close_to(c, expected):
    return all(abs(a - b) <= TOLERANCE for a, b in zip(c, expected))


def video_rect(app, video):
    """Where the 16:9 frame is drawn inside the picture, in root coordinates."""
    cx, cy = screen_point(app.proc, video)
    _, _, w, h = extents(video)
    scale = min(w / 640, h / 360)
    vw, vh = 640 * scale, 360 * scale
    return cx - vw / 2, cy - vh / 2, vw, vh


def check_bars(app, video, png):
    img = read_ppm(png)
    x0, y0, vw, vh = video_rect(app, video)
    y = int(y0 + vh * 0.3)
    seen = []
    for i, expected in enumerate(SMPTE):
        x = int(x0 + vw * (i + 0.5) / 7)
        c = pixel(img, x, y)
        seen.append(c)
        if not close_to(c, expected):
            raise Failure(f'bar {i} at ({x}, {y}) is {c}, expected about {expected}; '
                          f'all bars: {seen}')
    log(f'the seven SMPTE bars are on screen: {seen}')


def check_blue(app, video, png):
    img = read_ppm(png)
    x0, y0, vw, vh = video_rect(app, video)
    points = [(int(x0 + vw * fx), int(y0 + vh * 0.3)) for fx in (0.1, 0.5, 0.9)]
    seen = [pixel(img, x, y) for x, y in points]
    if not all(close_to(c, BLUE) for c in seen):
        raise Failure(f'expected the blue half of the clip at {points}, saw {seen}')
    log(f'the blue half of the clip is on screen: {seen}')


# -------------------------------------------------------------- player --

def open_magnet(app, magnet):
    menu = find(app.window, 'the main menu button', SHORT, roleName='push button',
                description='Main Menu')
    app.click(menu)
    item = find(menu, 'the Open Magnet or Torrent menu item', SHORT, name='Open Magnet or Torrent…',
                roleName='menu item')
    app.click(item)
    # GTK 4.8 does not always mark a dialog SHOWING, so VISIBLE has to do.
    dialog = wait_for('the Open dialog', lambda: [
        n for n in app.node if n is not None and n.name == 'Open Magnet or Torrent'
        and has_state(n, pyatspi.STATE_VISIBLE)][0], SHORT)
    entry = wait_for('the magnet entry', lambda: dialog.findChild(
        GenericPredicate(roleName='text', name='Magnet link'), retry=False), SHORT)
    app.click(entry)
    rawinput.typeText(magnet)
    wait_for('the entry to hold the magnet', lambda: entry_text(entry) == magnet, SHORT)
    screenshot('01-open-dialog.png')
    # Enter in the entry opens it, as the dialog's default response would.
    rawinput.pressKey('Return')
    wait_for('the Open dialog to close', lambda: not any(
        n is not None and n.name == 'Open Magnet or Torrent' and has_state(n, pyatspi.STATE_VISIBLE)
        for n in app.node), SHORT)
    log('opened the magnet')


def seek_bar(app):
    return find(app.window, 'the seek bar', LONG, roleName='slider', name='Position')


def value(node):
    return node.queryValue().currentValue


def elapsed_seconds(app):
    label = find(app.window, 'the elapsed time label', SHORT, roleName='label',
                 description='Elapsed time')
    m = re.fullmatch(r'(\d+):(\d\d)', label.name)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def reveal_controls(app, video, button_name):
    """Move the pointer over the video until the controls show the button."""
    x, y = screen_point(app.proc, video)
    step = [0]

    def probe():
        # Each motion event restarts the hide timer; a loaded machine may
        # let one arrive late, so move again until they are shown.
        step[0] += 1
        rawinput.absoluteMotion(x - 40 + (step[0] % 2) * 40, y - 40 + (step[0] % 2) * 40,
                                check=False)
        return find(app.window, f'the {button_name} button', 1.0, roleName='push button',
                    name=button_name)
    return wait_for(f'the controls with the {button_name} button on pointer motion', probe,
                    SHORT, interval=0.2)


def press(node):
    """Activate a button through AT-SPI, as an assistive technology would."""
    log(f'AT-SPI press {node.getRoleName()} {node.name!r}')
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ('click', 'activate', 'press'):
            action.doAction(i)
            return
    action.doAction(0)


def check_statistics(app):
    """The statistics popover names the seeder and counts the pieces."""
    button = find(app.window, 'the Statistics button', SHORT, roleName='push button', name='Statistics')
    app.click(button)  # a menu button offers AT-SPI no action in GTK 4.8

    def pieces():
        for n in app.node.findChildren(GenericPredicate(roleName='label')):
            m = re.fullmatch(r'(\d+) of (\d+)', n.name or '')
            if m and is_shown(n):
                return int(m.group(1)), int(m.group(2))
        return None
    have, total = wait_for('the pieces in the statistics popover', pieces, SHORT)
    if not 0 < have <= total:
        raise Failure(f'the statistics popover shows {have} of {total} pieces')
    peers = wait_for('the peer count in the statistics popover', lambda: [
        n.name for n in app.node.findChildren(GenericPredicate(roleName='label'))
        if n.name in ('0', '1') and is_shown(n)], SHORT)
    if peers != ['1']:
        raise Failure(f'the statistics popover shows {peers} peers, the seeder is one')
    screenshot('02b-statistics.png')
    log(f'statistics: 1 peer, {have} of {total} pieces')
    app.click(button)  # and closed again
    wait_for('the statistics popover to close', lambda: not pieces(), SHORT)


def check_speed_menu(app):
    """A speed chosen from the menu reaches the player and the button."""
    for label, shown in (('2×', '2×'), ('Normal', '1×')):
        app.click(find(app.window, 'the Playback Speed button', SHORT, roleName='push button',
                       name='Playback Speed'))
        # GTK 4.8 places a popover's items at its parent's origin, outside
        # the window, so is_shown() cannot judge them: VISIBLE has to do.
        item = wait_for(f'the {label} speed in the menu', lambda: [
            n for n in app.node.findChildren(GenericPredicate(roleName='menu item', name=label))
            if has_state(n, pyatspi.STATE_VISIBLE)][0], SHORT)
        app.click(item)
        find(app.window, f'the speed button to read {shown}', SHORT, roleName='push button', name=shown)
        log(f'speed menu: {label} → {shown}')


def settled(bar, what):
    """The position once it has stopped moving (two equal readings)."""
    last = [None]

    def probe():
        now = value(bar)
        if last[0] is not None and abs(now - last[0]) < 0.01:
            return ('ok', now)
        last[0] = now
        return None
    return wait_for(what, probe, SHORT, interval=0.5)[1]


def report_app(app):
    """On failure: whether the app still runs, and the end of its log."""
    state = 'running' if app.proc.poll() is None else f'exited with status {app.proc.returncode}'
    app.stderr.flush()
    with open(app.stderr.name) as f:
        tail = ''.join(f.readlines()[-15:])
    log(f'seedreel is {state}; its log ends:\n{tail}')


def run():
    fixture = os.path.join(TMPDIR, 'fixture')
    downloads = os.path.join(TMPDIR, 'downloads')
    os.makedirs(fixture, exist_ok=True)
    clip = make_clip(fixture)
    torrent, info_hash = make_torrent(clip)
    configure_torrents(downloads)
    seeder = Seeder(torrent, clip)
    magnet = (f'magnet:?xt=urn:btih:{info_hash}&dn=bars-then-blue.mp4'
              f'&x.pe=127.0.0.1:{seeder.port}')
    try:
        saved = play_and_seek(magnet)
        resume(magnet, saved)
    finally:
        seeder.stop()


def play_and_seek(magnet):
    app = App(1)
    try:
        app.wait_ready()
        started = time.monotonic()
        open_magnet(app, magnet)
        bar = seek_bar(app)
        video = find(app.window, 'the video', LONG, name='Video')
        wait_for('the position to pass 1 s', lambda: value(bar) >= 1.0, LONG)
        log(f'playing: position {value(bar):.2f} s, {time.monotonic() - started:.1f} s after Open')

        # While it plays, the controls step aside; moving the pointer brings
        # them back.
        wait_for('the controls to hide while playing', lambda: not [
            n for n in app.window.findChildren(GenericPredicate(roleName='push button', name='Pause'))
            if is_shown(n)], SHORT)
        log('controls hidden while playing')
        pause = reveal_controls(app, video, 'Pause')
        log('controls shown again after pointer motion')
        maximum = bar.queryValue().maximumValue
        if abs(maximum - CLIP_SECONDS) > 1.0:
            raise Failure(f'the seek bar spans {maximum} s, the clip lasts {CLIP_SECONDS} s')

        # Pause through AT-SPI: the button turns into Play and time stops.
        press(pause)
        play = find(app.window, 'the Play button', SHORT, roleName='push button', name='Play')
        stopped_at = settled(bar, 'the position to stop after Pause')
        time.sleep(2.0)  # the span over which a paused position must not move
        if abs(value(bar) - stopped_at) > 0.05:
            raise Failure(f'paused, but the position moved from {stopped_at} to {value(bar)}')
        log(f'paused at {stopped_at:.2f} s, still there 2 s later')
        check_bars(app, video, screenshot('02-playing-bars.png'))
        check_statistics(app)
        check_speed_menu(app)

        # Seek through the seek bar's AT-SPI value, into the blue half, which
        # the capped seeder has not sent yet.
        target = 0.75 * maximum
        bar.queryValue().currentValue = target
        wait_for(f'the time label to read about {target:.0f} s',
                 lambda: abs((elapsed_seconds(app) or -100) - target) <= 1.5, LONG)
        wait_for('the seek bar to stay near 75 %', lambda: abs(value(bar) - target) <= 1.5, SHORT)
        log(f'seeked: label {elapsed_seconds(app)} s, seek bar {value(bar):.2f} s')

        def blue_shown():
            try:
                check_blue(app, video, screenshot('03-seeked-blue.png'))
                return True
            except Failure as e:
                log(str(e))
                return False
        wait_for('a frame from the seek target on screen', blue_shown, LONG, interval=1.0)

        # Play on from there through AT-SPI.
        play = reveal_controls(app, video, 'Play')
        press(play)
        pause = reveal_controls(app, video, 'Pause')
        wait_for('the position to advance after the seek', lambda: value(bar) >= target + 1.0, LONG)
        log(f'playing again at {value(bar):.2f} s')
        # Pausing remembers the position right away. The button is pressed
        # through AT-SPI even if the controls have hidden meanwhile: the clip
        # must not reach its last tenth first, which counts as watched.
        press(pause)
        reveal_controls(app, video, 'Play')
        saved = settled(bar, 'the position to stop before quitting')
        log(f'paused at {saved:.2f} s before quitting')
        if saved > 0.9 * CLIP_SECONDS:
            raise Failure(f'paused only at {saved:.2f} s, in the last tenth of the clip')
        screenshot('04-paused-controls.png')
        quit_app(app)
        return saved
    except BaseException:
        capture_failure()
        report_app(app)
        raise
    finally:
        app.stop()


def resume(magnet, saved):
    app = App(2)
    try:
        app.wait_ready()
        # A malformed magnet is refused with the torrent layer's reason.
        open_magnet(app, 'magnet:?xt=urn:btih:not-a-hash')
        toast = wait_for('a toast refusing the malformed magnet', lambda: [
            n for n in app.window.findChildren(GenericPredicate(roleName='label'))
            if (n.name or '').startswith('Could not open this link') and is_shown(n)][0], SHORT)
        log(f'refused: {toast.name!r}')
        screenshot('05-bad-magnet.png')

        open_magnet(app, magnet)

        def offer():
            for n in app.window.findChildren(GenericPredicate(roleName='label')):
                if re.fullmatch(r'Resume from \d+:\d\d\?', n.name or '') and is_shown(n):
                    return n
            return None
        label = wait_for('the offer to resume', offer, LONG)
        m = re.fullmatch(r'Resume from (\d+):(\d\d)\?', label.name)
        offered = int(m.group(1)) * 60 + int(m.group(2))
        if abs(offered - saved) > 1.5:
            raise Failure(f'the offer is {label.name!r}, playback stopped at {saved:.1f} s')
        log(f'offer: {label.name!r}')
        screenshot('06-resume-offer.png')
        # GTK 4.8 names a button with a mnemonic "_Resume Resume".
        app.click(wait_for('the Resume button', lambda: [
            n for n in app.window.findChildren(GenericPredicate(roleName='push button'))
            if (n.name or '').replace('_', '').split(' ')[-1] == 'Resume' and is_shown(n)][0], SHORT))
        bar = seek_bar(app)
        wait_for(f'playback to resume from {saved:.0f} s', lambda: value(bar) >= saved - 1.5, LONG)
        log(f'resumed at {value(bar):.2f} s')
        screenshot('07-resumed.png')

        # Space pauses: the page keeps the keyboard once the offer is gone.
        video = find(app.window, 'the video', SHORT, name='Video')
        point_into(app, video)
        rawinput.pressKey('space')
        reveal_controls(app, video, 'Play')
        stopped_at = settled(bar, 'the position to stop after Space')
        log(f'Space paused at {stopped_at:.2f} s')

        # Escape leaves the player for the pages.
        point_into(app, video)
        rawinput.pressKey('Escape')
        find(app.window, 'the pages\' main menu after Escape', SHORT, roleName='push button',
             description='Main Menu')
        log('Escape returned to the pages')
        quit_app(app)
    except BaseException:
        capture_failure()
        report_app(app)
        raise
    finally:
        app.stop()


if __name__ == '__main__':
    sys.exit(main(run))
