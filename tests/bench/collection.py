# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A snapshot of the collection under test, taken when the benchmark starts.

Every play of a run loads the collection from this copy, so that editing plugins/ while the benchmark runs (it takes
minutes) cannot mix two versions of the module in one table; the fingerprint names the version measured.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'utils'))

from copy_checkout import copy_checkout  # noqa: E402  pylint: disable=wrong-import-position

# What the fingerprint covers: what ansible-playbook loads of the collection (its plugins, meta/runtime.yml).
PARTS = ('galaxy.yml', 'meta', 'plugins')


def snapshot(repo, root):
    """Copy the checkout at ``repo`` to ``root``/ansible_collections/<namespace>/<name>; return its fingerprint.

    The fingerprint is the first 12 hex digits of a SHA-256 over the paths and contents of the copied PARTS.
    """
    target = os.path.join(root, 'ansible_collections', 'msgraph', 'calls')
    copy_checkout(repo, target)
    digest = hashlib.sha256()
    for part in PARTS:
        paths = [os.path.join(target, part)] if os.path.isfile(os.path.join(target, part)) else []
        for folder, dirs, files in os.walk(os.path.join(target, part)):
            dirs.sort()
            paths.extend(os.path.join(folder, name) for name in sorted(files))
        for path in paths:
            digest.update(os.path.relpath(path, target).encode('utf-8') + b'\0')
            with open(path, 'rb') as handle:
                digest.update(handle.read() + b'\0')
    return digest.hexdigest()[:12]
