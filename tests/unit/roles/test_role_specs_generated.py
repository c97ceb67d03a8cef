# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's participant entries are what tests/utils/role_specs.py generates from graph_call_invite."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'utils'))

import role_specs  # noqa: E402  pylint: disable=wrong-import-position,import-error


@pytest.mark.parametrize('role', sorted(role_specs.PARTICIPANT_PATHS))
def test_the_file_is_generated(role):
    with open(role_specs.path_of(role)) as handle:
        assert handle.read() == role_specs.generated(role), 'run make role-specs'


@pytest.mark.parametrize('role', sorted(role_specs.PARTICIPANT_PATHS))
def test_every_participant_key_is_listed_and_ansible_does_not_check_them(role):
    # Plain dictionaries: the role checks the keys itself (participant_problems), naming the tier and the person.
    with open(role_specs.path_of(role)) as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    name, dummy = role_specs.PARTICIPANT_PATHS[role]
    option = options[name]
    assert (option['type'], option['elements'], option.get('options')) == ('list', 'dict', None)
    listed = option['description'][-1]
    assert all('C(%s)' % key in listed for key in role_specs.participant_options()), listed


def test_a_stale_file_is_found(tmp_path, monkeypatch):
    stale = tmp_path / 'roles' / 'page_responders' / 'meta'
    stale.mkdir(parents=True)
    with open(role_specs.path_of('page_responders')) as handle:
        (stale / 'argument_specs.yml').write_text(handle.read().replace('C(hidden), ', '', 1))
    monkeypatch.setattr(role_specs, 'ROOT', str(tmp_path))
    monkeypatch.setattr(role_specs, 'PARTICIPANT_PATHS', {'page_responders': role_specs.PARTICIPANT_PATHS['page_responders']})
    assert role_specs.main(['--check']) == 1
