# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's argument spec and graph_call_invite's argspec cannot drift apart.

Ansible checks the role's variables before its first task, so its participant entries must accept
and refuse exactly what the module does (names, types, choices); the module's own checks (phones,
GUIDs) then run before any request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.msgraph.calls.plugins.modules.graph_call_invite import argument_spec

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
# Role variable -> the module option it is passed to.
PASSED = ('state', 'client_context', 'batch_size', 'history_file', 'wait', 'wait_timeout', 'fail_on_failed_invite', 'fail_on_timeout')


def role_options():
    with open(os.path.join(ROOT, 'roles', 'page_responders', 'meta', 'argument_specs.yml')) as handle:
        return yaml.safe_load(handle)['argument_specs']['main']['options']


def shape(option):
    """What Ansible validates of an option: type, elements, choices, and the same for suboptions."""
    result = {'type': option.get('type', 'str'), 'elements': option.get('elements'), 'choices': sorted(option['choices']) if option.get('choices') else None}
    if option.get('options'):
        result['options'] = dict((name, shape(sub)) for name, sub in option['options'].items())
    return result


def test_participants_are_plain_dictionaries_whose_keys_the_role_checks():
    # Ansible's own check of a key would name neither the person nor the role's variable: the role's first task does.
    assert shape(role_options()['page_responders_participants']) == {'type': 'list', 'elements': 'dict', 'choices': None}
    assert shape(argument_spec()['participants'])['elements'] == 'dict', 'the module itself checks every key and type'


# The role pages people; the module's choices that stand them down are not the role's to offer.
NOT_PAGING = {'state': ['absent']}


@pytest.mark.parametrize('name', PASSED)
def test_passed_options_have_the_modules_type_and_choices(name):
    role, module = shape(role_options()['page_responders_' + name]), shape(argument_spec()[name])
    if name in NOT_PAGING:
        module['choices'] = [choice for choice in module['choices'] if choice not in NOT_PAGING[name]]
    assert role == module, name


@pytest.mark.parametrize('name', PASSED)
def test_passed_defaults_are_documented_in_the_role(name):
    with open(os.path.join(ROOT, 'roles', 'page_responders', 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    assert 'page_responders_' + name in defaults
    assert defaults['page_responders_' + name] == role_options()['page_responders_' + name].get('default')
