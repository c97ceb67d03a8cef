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
import shutil

# What ansible-playbook needs of the collection: its plugins, and meta/runtime.yml for the action group.
PARTS = ('galaxy.yml', 'meta', 'plugins')


def snapshot(repo, root):
    """Copy the collection at ``repo`` to ``root``/ansible_collections/<namespace>/<name>; return (``root``, fingerprint).

    The fingerprint is the first 12 hex digits of a SHA-256 over the copied files' paths and contents.
    """
    target = os.path.join(root, 'ansible_collections', 'msgraph', 'calls')
    os.makedirs(target)
    digest = hashlib.sha256()
    for part in PARTS:
        source = os.path.join(repo, part)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(target, part), ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copy2(source, os.path.join(target, part))
    for folder, dirs, files in os.walk(target):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, target).encode('utf-8') + b'\0')
            with open(path, 'rb') as handle:
                digest.update(handle.read() + b'\0')
    return root, digest.hexdigest()[:12]
