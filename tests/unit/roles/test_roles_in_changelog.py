# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role is announced to antsibull-changelog, which finds new modules and plugins by itself but not roles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def announced_roles():
    """Roles named by `add object.role` in the fragments, or as role objects of a release in changelog.yaml."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, 'changelogs', 'fragments', '*.yml')):
        with open(path) as handle:
            fragment = yaml.safe_load(handle) or {}
        names.update(entry['name'] for entry in fragment.get('add object.role', []))
    with open(os.path.join(ROOT, 'changelogs', 'changelog.yaml')) as handle:
        releases = (yaml.safe_load(handle) or {}).get('releases') or {}
    for release in releases.values():
        names.update(entry['name'] for entry in (release.get('objects') or {}).get('role', []))
    return names


def test_every_role_is_announced_in_the_changelog():
    roles = set(os.path.basename(os.path.dirname(path)) for path in glob.glob(os.path.join(ROOT, 'roles', '*', 'tasks')))
    assert roles, 'no roles found'
    assert roles == announced_roles()
