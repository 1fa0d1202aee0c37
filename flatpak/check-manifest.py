#!/usr/bin/python3
"""Checks the Flatpak manifest against the tree without building it.

The GNOME SDK cannot be downloaded in CI, so this catches what would otherwise
only show up on a builder: a wrong app ID or command, a finish-arg nobody
justified, a source without a pinned checksum, and a meson dependency() that
neither the runtime nor one of our modules provides.

Usage: check-manifest.py MANIFEST SOURCE_ROOT APP_ID
"""

import os
import re
import sys

import yaml

# pkg-config names (and meson's built-in dependency names) that the
# org.gnome.Platform/Sdk 49 runtime already provides, so they need no module.
# GNOME adds GTK, libadwaita and the GNOME libraries on top of the freedesktop
# SDK (GLib, GStreamer with -base/-good/-bad, SQLite, libsoup, json-glib,
# GnuTLS with nettle and GMP, OpenSSL, zlib).
RUNTIME_PROVIDED = {
    # meson built-ins resolved by the compiler, not pkg-config
    'threads', 'dl', 'intl', 'm',
    'glib-2.0', 'gobject-2.0', 'gio-2.0', 'gio-unix-2.0', 'gmodule-2.0', 'gthread-2.0',
    'gtk4', 'gtk4-wayland', 'gtk4-x11', 'libadwaita-1', 'graphene-1.0', 'pango', 'cairo',
    'gstreamer-1.0', 'gstreamer-base-1.0', 'gstreamer-app-1.0', 'gstreamer-audio-1.0',
    'gstreamer-video-1.0', 'gstreamer-pbutils-1.0', 'gstreamer-tag-1.0', 'gstreamer-gl-1.0',
    'gstreamer-plugins-base-1.0', 'gstreamer-play-1.0', 'gstreamer-check-1.0',
    'sqlite3', 'libsoup-3.0', 'json-glib-1.0', 'libsecret-1',
    'nettle', 'hogweed', 'gmp', 'gnutls', 'openssl', 'libssl', 'libcrypto', 'zlib',
}

# What each module of the manifest installs, by the name meson looks it up with.
MODULE_PROVIDES = {
    'boost': {'boost'},
    'libtorrent-rasterbar': {'libtorrent-rasterbar'},
    'libsecp256k1': {'libsecp256k1'},
    'libsodium': {'libsodium'},
    'libqrencode': {'libqrencode'},
}

REQUIRED_KEYS = ('app-id', 'runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'modules')
SKIP_DIRS = {'.git', 'node_modules', 'subprojects', '.flatpak-builder', 'build-dir'}
SHA256_RE = re.compile(r'^[0-9a-f]{64}$')
COMMIT_RE = re.compile(r'^[0-9a-f]{40}$')
DEP_RE = re.compile(r"\bdependency\(\s*'([^']+)'([^)]*)\)", re.S)


def meson_dependencies(root):
    """Yields (name, arguments, path) for every literal dependency() call."""
    for dirpath, dirnames, filenames in os.walk(root):
        # Skip VCS data, npm packages and any build directory inside the tree.
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS
                             and not os.path.exists(os.path.join(dirpath, d, 'meson-private')))
        if 'meson.build' in filenames:
            path = os.path.join(dirpath, 'meson.build')
            with open(path, encoding='utf-8') as f:
                text = f.read()
            for match in DEP_RE.finditer(text):
                yield match.group(1), match.group(2), os.path.relpath(path, root)


def finish_args_justified(manifest_text):
    """Returns the finish-args that have no comment on the line right above."""
    bare = []
    lines = manifest_text.splitlines()
    in_block = False
    for i, line in enumerate(lines):
        if line.startswith('finish-args:'):
            in_block = True
        elif in_block and line and not line.startswith((' ', '-')):
            break
        elif in_block and line.strip().startswith('- '):
            if not lines[i - 1].strip().startswith('#'):
                bare.append(line.strip()[2:])
    return bare


def check_sources(module, errors):
    name = module.get('name', '?')
    sources = module.get('sources') or []
    if not sources:
        errors.append(f'module {name}: has no sources')
    for source in sources:
        kind = source.get('type')
        if kind in ('archive', 'file'):
            url = source.get('url', '')
            if not url.startswith('https://'):
                errors.append(f'module {name}: source URL must be https: {url!r}')
            if not SHA256_RE.match(str(source.get('sha256', ''))):
                errors.append(f'module {name}: {url} has no valid sha256')
        elif kind == 'git':
            if not COMMIT_RE.match(str(source.get('commit', ''))):
                errors.append(f'module {name}: git source {source.get("url")} is not pinned to a commit')
            if 'tag' not in source:
                errors.append(f'module {name}: git source {source.get("url")} has no tag')
        elif kind == 'dir':
            if name != 'seedreel':
                errors.append(f'module {name}: only the app itself may build from a local dir')
        else:
            errors.append(f'module {name}: unsupported source type {kind!r}')


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, root, app_id = sys.argv[1:]
    with open(manifest_path, encoding='utf-8') as f:
        text = f.read()
    manifest = yaml.safe_load(text)
    errors = []

    for key in REQUIRED_KEYS:
        if key not in manifest:
            errors.append(f'missing key {key!r}')
    if manifest.get('app-id') != app_id:
        errors.append(f'app-id is {manifest.get("app-id")!r}, the project says {app_id!r}')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        errors.append('runtime/sdk must be org.gnome.Platform/org.gnome.Sdk')
    if manifest.get('command') != 'seedreel':
        errors.append(f'command is {manifest.get("command")!r}, expected seedreel')

    for arg in finish_args_justified(text):
        errors.append(f'finish-arg {arg} has no comment saying why it is needed')
    for arg in manifest.get('finish-args') or []:
        if arg in ('--filesystem=host', '--filesystem=home', '--socket=x11', '--device=all'):
            errors.append(f'finish-arg {arg} is broader than Seedreel needs')

    modules = manifest.get('modules') or []
    provided = set(RUNTIME_PROVIDED)
    for module in modules:
        if not isinstance(module, dict):
            errors.append(f'module {module!r} must be inline, not a separate file')
            continue
        check_sources(module, errors)
        name = module.get('name')
        if name == 'seedreel':
            continue
        if name not in MODULE_PROVIDES:
            errors.append(f'module {name}: unknown to this check; add what it provides to MODULE_PROVIDES')
        provided |= MODULE_PROVIDES.get(name, set())

    if not modules or not isinstance(modules[-1], dict) or modules[-1].get('name') != 'seedreel':
        errors.append('the last module must be seedreel itself')
    elif modules[-1].get('buildsystem') != 'meson':
        errors.append('the seedreel module must use buildsystem: meson')

    seen = 0
    for dep, args, path in meson_dependencies(root):
        seen += 1
        if dep not in provided:
            errors.append(f"{path}: dependency('{dep}') is neither in the GNOME runtime nor built by a module")
        if dep == 'boost' and 'modules' in args:
            errors.append(f"{path}: dependency('boost') asks for compiled Boost libraries; the manifest ships headers only")

    for error in errors:
        print(f'{manifest_path}: {error}')
    print(f'checked {len(modules)} modules and {seen} meson dependencies: '
          f'{"FAIL" if errors else "ok"}')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
