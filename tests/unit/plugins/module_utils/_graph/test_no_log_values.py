# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""collect_no_log_values: every secret of the raw input is found, whatever its shape, before Ansible validates anything."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.basic import env_fallback

from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import collect_no_log_values

SPEC = {
    'client_secret': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['AZURE_CLIENT_SECRET'])},
    'token': {'type': 'str', 'no_log': True, 'aliases': ['bearer']},
    'name': {'type': 'str'},
    'items': {
        'type': 'list',
        'elements': 'dict',
        'options': {
            'pin': {'type': 'str', 'no_log': True},
            'inner': {'type': 'list', 'elements': 'dict', 'options': {'key': {'type': 'str', 'no_log': True}}},
        },
    },
}


@pytest.mark.parametrize(
    'params, expected',
    [
        ({'client_secret': 's1', 'name': 'visible'}, {'s1'}),
        ({'client_secret': 12345}, {'12345'}),
        ({'client_secret': ['s1', {'k': 's2'}]}, {'s1', 's2'}),
        ({'bearer': 'by-alias'}, {'by-alias'}),
        ({'items': [5, None, [1, 2], 'junk', {'pin': 'p1'}]}, {'p1'}),
        ({'items': [[{'pin': 'nested-in-a-list'}]]}, {'nested-in-a-list'}),
        ({'items': {'pin': 'a-single-mapping'}}, {'a-single-mapping'}),
        ({'items': ['pin=key-value-string']}, {'key-value-string'}),
        ({'items': [{'inner': [3, {'key': 'deep'}]}]}, {'deep'}),
        ({'items': 7, 'client_secret': None, 'name': 'x'}, set()),
        ('not a mapping', set()),
    ],
)
def test_every_secret_of_any_shape_is_found(params, expected):
    assert collect_no_log_values(SPEC, params, {}) == expected


def test_an_unset_secret_from_its_environment_variable_is_hidden_too():
    assert collect_no_log_values(SPEC, {}, {'AZURE_CLIENT_SECRET': 'from-env'}) == {'from-env'}
    assert collect_no_log_values(SPEC, {'client_secret': 'given'}, {'AZURE_CLIENT_SECRET': 'from-env'}) == {'given'}
