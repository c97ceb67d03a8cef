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
def test_every_participant_option_is_there_with_the_modules_type(role):
    with open(role_specs.path_of(role)) as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    for path in role_specs.PARTICIPANT_PATHS[role]:
        option = options[path[0]]
        for name in path[1:]:
            option = option['options'][name]
        entry = option['options']
        assert sorted(entry) == sorted(role_specs.participant_options())
        assert entry['endpoint_type']['choices'] == ['default', 'voicemail', 'skypeForBusiness', 'skypeForBusinessVoipPhone']


def test_a_stale_file_is_found(tmp_path, monkeypatch):
    stale = tmp_path / 'roles' / 'page_responders' / 'meta'
    stale.mkdir(parents=True)
    with open(role_specs.path_of('page_responders')) as handle:
        (stale / 'argument_specs.yml').write_text(handle.read().replace('type: bool', 'type: str', 1))
    monkeypatch.setattr(role_specs, 'ROOT', str(tmp_path))
    monkeypatch.setattr(role_specs, 'PARTICIPANT_PATHS', {'page_responders': role_specs.PARTICIPANT_PATHS['page_responders']})
    assert role_specs.main(['--check']) == 1
