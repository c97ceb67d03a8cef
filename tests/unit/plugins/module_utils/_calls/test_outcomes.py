# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The words every feature shares: what a failed write means, table-driven."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import describe_failure, failure_kind, write_outcome


@pytest.mark.parametrize(
    'error,kind',
    [
        (GraphError('x', status=500), 'ambiguous'),
        (GraphError('x', status=503), 'ambiguous'),
        (GraphError('x', status=504), 'ambiguous'),
        (GraphError('x', status=408), 'ambiguous'),
        (GraphError('x', code='timeout', sent=True), 'ambiguous'),
        (GraphError('x', code='connectionError'), 'ambiguous'),
        (GraphError('x', code='connectionRefused', sent=False), 'refused'),
        (GraphError('x', status=429, sent=False), 'refused'),
        (GraphError('x', status=400), 'refused'),
        (GraphError('x', status=403), 'refused'),
        (GraphError('x', status=404), 'refused'),
        (GraphError('x', status=409), 'conflict'),
    ],
)
def test_write_outcome(error, kind):
    assert write_outcome(error) == kind


@pytest.mark.parametrize(
    'info,kind,words',
    [
        ({'code': 603, 'subcode': 10003, 'message': 'declined'}, 'declined', 'declined (code 603, subcode 10003: declined)'),
        ({'code': '408', 'subcode': 10057, 'message': None}, 'no_answer', 'did not answer (code 408, subcode 10057)'),
        ({'code': 480, 'subcode': None, 'message': None}, 'no_answer', 'did not answer (code 480)'),
        ({'code': 487, 'subcode': 10011, 'message': None}, 'no_answer', 'did not answer (code 487, subcode 10011)'),
        ({'code': 486, 'subcode': 10008, 'message': 'busy'}, 'busy', 'was busy (code 486, subcode 10008: busy)'),
        ({'code': 409, 'subcode': 10100, 'message': 'already'}, 'failed', 'failed (code 409, subcode 10100: already)'),
        ({'code': None, 'subcode': None, 'message': 'gone'}, 'failed', 'failed (gone)'),
        (None, 'failed', 'failed (Graph gave no resultInfo code)'),
    ],
)
def test_a_failed_invite_in_words(info, kind, words):
    assert failure_kind(info)[0] == kind
    assert describe_failure(info) == words
