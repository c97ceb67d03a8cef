# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shipped files cite nothing outside the collection: no file the tarball ships names the research notes kept beside
the repository. Cite the public Microsoft page, a field report, or a document inside the collection instead."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Built from parts so that this file does not name what it looks for.
NEEDLES = ('graph' + '-api.md', '../sha' + 'red/')
# Never in the tarball, whatever galaxy.yml says: VCS data, local venvs and scratch, test output, bytecode caches.
ALWAYS_LEFT_OUT = ('.git', '.tmp', '.venv', 'tests/output', '__pycache__', '**/__pycache__')


def build_ignore():
    """galaxy.yml's build_ignore patterns, matched as ansible-galaxy matches them: against the path from the root."""
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return list(yaml.safe_load(handle).get('build_ignore') or [])


def shipped_files():
    """Relative paths of every file the built collection would ship."""
    patterns = list(ALWAYS_LEFT_OUT) + build_ignore()

    def left_out(relative):
        return any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)

    for top, dirs, files in os.walk(ROOT):
        base = os.path.relpath(top, ROOT)
        base = '' if base == os.curdir else base.replace(os.sep, '/') + '/'
        dirs[:] = sorted(name for name in dirs if name != '__pycache__' and not left_out(base + name))
        for name in sorted(files):
            if not left_out(base + name):
                yield base + name


def citations(relative):
    """``file:line`` of each line of this file that names something outside the collection."""
    try:
        with open(os.path.join(ROOT, relative), 'rb') as handle:
            data = handle.read()
    except OSError:  # a dangling symlink ships nothing
        return []
    text = data.decode('utf-8', 'replace')
    return ['%s:%d' % (relative, number) for number, line in enumerate(text.splitlines(), 1) if any(needle in line for needle in NEEDLES)]


def test_the_walk_sees_the_collection():
    files = set(shipped_files())
    assert 'galaxy.yml' in files and 'plugins/modules/graph_call_invite.py' in files
    assert os.path.relpath(__file__, ROOT).replace(os.sep, '/') in files, 'tests/ ships, so this file is walked too'
    assert not any(path.startswith(('.git/', '.tmp/', '.venv/', 'tests/output/')) or '__pycache__' in path for path in files)


def test_no_shipped_file_cites_the_research_notes():
    found = [hit for relative in shipped_files() for hit in citations(relative)]
    assert not found, 'shipped files cite a document outside the collection (%s): %s' % (' or '.join(NEEDLES), ', '.join(found))
