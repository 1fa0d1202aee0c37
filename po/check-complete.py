#!/usr/bin/python3
"""Fails when a translation misses or only guesses a message.

Regenerates the template from po/POTFILES.in with xgettext (into BUILD_DIR, the
source tree is left alone), merges each language in po/LINGUAS against it in a
temporary copy, and reports every untranslated or fuzzy message and every
msgfmt --check error.

Usage: check-complete.py SOURCE_ROOT BUILD_DIR DOMAIN
"""

import os
import shutil
import subprocess
import sys
import tempfile

# The same keywords as meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]


def run(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def messages(po_path, *filters):
    """msgids selected by msgattrib (e.g. --untranslated), header excluded."""
    out = run(['msgattrib', '--no-wrap', *filters, po_path]).stdout
    result = []
    for block in out.split('\n\n'):
        field, parts = None, {}
        for line in block.splitlines():
            if line.startswith('#'):
                continue
            if line.startswith('"') and field:
                parts[field] += line[1:-1]
            else:
                field, _, value = line.partition(' ')
                parts[field] = value.strip()[1:-1]
        if parts.get('msgid'):
            context = f'[{parts["msgctxt"]}] ' if parts.get('msgctxt') else ''
            result.append(f'{context}"{parts["msgid"]}"')
    return result


def count_messages(pot):
    with open(pot, encoding='utf-8') as f:
        return sum(1 for line in f if line.startswith('msgid ')) - 1


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    root, build_dir, domain = sys.argv[1:]
    po_dir = os.path.join(root, 'po')
    os.makedirs(build_dir, exist_ok=True)
    pot = os.path.join(build_dir, domain + '.check.pot')
    xgettext = subprocess.run(['xgettext', *XGETTEXT_ARGS, '--package-name=' + domain,
                               '--files-from=' + os.path.join(po_dir, 'POTFILES.in'),
                               '--directory=' + root, '--output=' + pot],
                              capture_output=True, text=True)
    if xgettext.returncode != 0:
        print(f'xgettext could not build the template from po/POTFILES.in:\n{xgettext.stderr}')
        return 1

    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f if not line.startswith('#') for w in line.split()]

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for lang in languages:
            source_po = os.path.join(po_dir, lang + '.po')
            if not os.path.isfile(source_po):
                print(f'po/{lang}.po: listed in LINGUAS but missing')
                failed = True
                continue
            merged = os.path.join(tmp, lang + '.po')
            shutil.copyfile(source_po, merged)
            run(['msgmerge', '--quiet', '--update', '--backup=off', merged, pot])
            untranslated = messages(merged, '--untranslated')
            fuzzy = messages(merged, '--only-fuzzy')
            check = subprocess.run(['msgfmt', '--check', '--output-file=/dev/null', merged],
                                   capture_output=True, text=True)
            for msgid in untranslated:
                print(f'po/{lang}.po: untranslated: {msgid}')
            for msgid in fuzzy:
                print(f'po/{lang}.po: fuzzy: {msgid}')
            if check.returncode != 0:
                print(f'po/{lang}.po: msgfmt --check failed:\n{check.stderr}')
            total = count_messages(pot)
            print(f'po/{lang}.po: {total} messages, {len(untranslated)} untranslated, '
                  f'{len(fuzzy)} fuzzy')
            failed |= bool(untranslated or fuzzy or check.returncode != 0)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
