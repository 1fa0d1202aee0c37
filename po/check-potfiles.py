#!/usr/bin/python3
"""Fails when po/POTFILES.in is out of step with the tree.

Every tracked file under src/ or data/ that holds translatable strings must be
listed, every listed file must exist, and the list must be sorted (so that
merges touching it stay trivial).

Usage: check-potfiles.py SOURCE_ROOT
"""

import os
import re
import subprocess
import sys

SCANNED_DIRS = ('src', 'data')

# _("…"), N_("…"), C_("ctx", "…"), NC_("ctx", "…") and the g_d*gettext family.
C_MARK_RE = re.compile(r'(?<![\w])(?:N?C?_|g_dn?p?gettext2?|g_dcgettext)\s*\(')
UI_MARK_RE = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')
GSCHEMA_MARK_RE = re.compile(r'<(?:summary|description)\b')


def source_files(root):
    """Tracked files under the scanned folders; every file when not in git."""
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files', '-z', '--', *SCANNED_DIRS],
                             check=True, capture_output=True).stdout
        files = [f for f in out.decode('utf-8').split('\0') if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for top in SCANNED_DIRS:
            for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
                dirnames.sort()
                files += [os.path.relpath(os.path.join(dirpath, f), root) for f in filenames]
    # A tracked file deleted in the working tree is no longer ours to list.
    return sorted(f for f in files if os.path.isfile(os.path.join(root, f)))


def has_translatable_strings(root, path):
    name = os.path.basename(path)
    if name.endswith(('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in')):
        return True
    if name.endswith(('.c', '.h', '.cpp', '.hpp', '.ui', '.gschema.xml')):
        with open(os.path.join(root, path), encoding='utf-8', errors='replace') as f:
            text = f.read()
        if name.endswith(('.c', '.h', '.cpp', '.hpp')):
            return C_MARK_RE.search(text) is not None
        if name.endswith('.ui'):
            return UI_MARK_RE.search(text) is not None
        return GSCHEMA_MARK_RE.search(text) is not None
    return False


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    potfiles_path = os.path.join(root, 'po', 'POTFILES.in')
    with open(potfiles_path, encoding='utf-8') as f:
        listed = [line.strip() for line in f
                  if line.strip() and not line.lstrip().startswith('#')]

    errors = []
    for path in listed:
        if not os.path.isfile(os.path.join(root, path)):
            errors.append(f'{path} is listed but does not exist')
    for earlier, later in zip(listed, listed[1:]):
        if later <= earlier:
            errors.append(f'not sorted: {later} should come before {earlier}')
    needed = [p for p in source_files(root) if has_translatable_strings(root, p)]
    listed_set = set(listed)
    for path in needed:
        if path not in listed_set:
            errors.append(f'{path} has translatable strings but is not listed')

    for error in errors:
        print(f'po/POTFILES.in: {error}')
    print(f'{len(listed)} files listed, {len(needed)} files with translatable strings: '
          f'{"FAIL" if errors else "ok"}')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
