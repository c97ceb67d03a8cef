#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the lowest versions the requirement files allow, as pins: ``name>=1.2`` becomes ``name==1.2``.

`make floors` installs them into a fresh virtual environment and runs tests there, so that every
declared lower bound is one that works. A requirement without a lower bound is an error: an
unbounded floor cannot be tested. ``-r`` includes are followed; tools that only the sanity stage
needs are skipped (--skip).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import os
import re
import sys

REQUIREMENT = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*$')


def floors(path, skip, seen=None):
    seen = set() if seen is None else seen
    pins = []
    with open(path) as handle:
        for raw in handle:
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                pins.extend(floors(os.path.join(os.path.dirname(path), line[3:].strip()), skip, seen))
                continue
            match = REQUIREMENT.match(line)
            if match is None:
                raise SystemExit('%s: %r has no single lower bound (name>=version) to test' % (path, line))
            name = match.group(1).lower()
            if name in skip or name in seen:
                continue
            seen.add(name)
            pins.append('%s==%s' % (match.group(1), match.group(2)))
    return pins


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('files', nargs='+')
    parser.add_argument('--skip', action='append', default=[], help='a package not to pin (repeatable)')
    args = parser.parse_args(argv)
    skip = set(name.lower() for name in args.skip)
    pins = []
    for path in args.files:
        pins.extend(floors(path, skip))
    sys.stdout.write(''.join(pin + '\n' for pin in pins))
    return 0


if __name__ == '__main__':
    sys.exit(main())
