# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The operation id an invite answer's Location names, in every form Graph's documents showed it (section 15, 9.1)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.client import operation_id_from_location


@pytest.mark.parametrize(
    'location,expected',
    [
        ('https://graph.microsoft.com/v1.0/communications/calls/c1/operations/op-1', 'op-1'),
        ('https://graph.microsoft.com/beta/app/calls/c1/operations/op-2', 'op-2'),
        ('/app/calls/c1/operations/op-3', 'op-3'),
        ('/communications/calls/c1/operations/op-4/', 'op-4'),
        ('/communications/calls/c1/operations/a%20b', 'a b'),
        ('https://graph.microsoft.com/v1.0/communications/calls/c1/operations/op-5?x=1#y', 'op-5'),
        ('https://graph.microsoft.com/v1.0/communications/calls/c1', None),
        ('https://graph.microsoft.com/v1.0/communications/calls/c1/operations', None),
        ('/operations/', None),
        ('', None),
        (None, None),
    ],
)
def test_operation_id_from_location(location, expected):
    assert operation_id_from_location(location) == expected
