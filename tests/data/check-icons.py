#!/usr/bin/python3
"""Checks the installed app icons against GNOME's icon rules.

The full-colour icon is drawn on a 128×128 canvas; the symbolic one on 16×16,
in the single colour #2e3436 that GTK recolours to the theme's foreground.
A stray colour, a raster image or a canvas of the wrong size would show up as
a mis-tinted or blurry icon in the shell and the software centre.

Usage: check-icons.py DATA_DIR APP_ID
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

SVG_NS = '{http://www.w3.org/2000/svg}'
COLOUR_RE = re.compile(r'#[0-9a-fA-F]{3,8}\b|rgba?\(')


def canvas(root):
    return root.get('width'), root.get('height'), root.get('viewBox')


def check(path, size, errors, single_colour=None):
    if not os.path.isfile(path):
        errors.append(f'{path}: missing')
        return
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        errors.append(f'{path}: not well-formed XML: {e}')
        return
    if root.tag != SVG_NS + 'svg':
        errors.append(f'{path}: the root element is not <svg>')
    width, height, viewbox = canvas(root)
    if (width, height) != (str(size), str(size)) or viewbox != f'0 0 {size} {size}':
        errors.append(f'{path}: canvas is {width}×{height} ({viewbox}), expected {size}×{size}')
    for element in root.iter():
        if element.tag in (SVG_NS + 'image', SVG_NS + 'script', SVG_NS + 'foreignObject'):
            errors.append(f'{path}: contains <{element.tag[len(SVG_NS):]}>')
    if single_colour:
        text = open(path, encoding='utf-8').read()
        colours = {c.lower() for c in COLOUR_RE.findall(text)}
        if colours != {single_colour}:
            errors.append(f'{path}: uses {sorted(colours)}, a symbolic icon must use only {single_colour}')
        if 'Gradient' in text:
            errors.append(f'{path}: a symbolic icon must not use gradients')


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data_dir, app_id = sys.argv[1:]
    icons = os.path.join(data_dir, 'icons', 'hicolor')
    errors = []
    check(os.path.join(icons, 'scalable', 'apps', app_id + '.svg'), 128, errors)
    check(os.path.join(icons, 'symbolic', 'apps', app_id + '-symbolic.svg'), 16, errors,
          single_colour='#2e3436')
    for error in errors:
        print(error)
    print('icons: ' + ('FAIL' if errors else 'ok'))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
