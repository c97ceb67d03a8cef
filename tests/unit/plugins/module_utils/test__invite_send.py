# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""When may a lost invite be sent again? The evidence rules of Trace, table-driven."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._invite_runner import Trace, _ambiguous
from ansible_collections.msgraph.calls.plugins.module_utils._participants import parse_participants

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
CONTEXT = 'base~12345678'
BATCH = parse_participants([{'user': A}])
FINISHED = {'clientContext': 'base~other', 'status': 'completed', 'participants': []}


def member(kind='user', lobby=False):
    return {'info': {'identity': {kind: {'id': A}}}, 'isInLobby': lobby}


# (name, roster, operations now, operations read before, expected (found op?, arrived, absent))
CASES = [
    ('its operation is listed', [], [{'clientContext': CONTEXT, 'status': 'Running', 'id': 'op'}], None, (True, False, False)),
    ('an invitee is in the roster', [member()], [], None, (False, True, False)),
    ('an invitee rings in the lobby', [member(lobby=True)], None, None, (False, True, False)),
    ('listed under application', [member('application')], None, None, (False, True, False)),
    ('operations unreadable, nobody there', [], None, None, (False, False, False)),
    ('empty listing: retention unknown', [], [], None, (False, False, False)),
    ('only running operations listed', [], [{'clientContext': 'x~y', 'status': 'running'}], None, (False, False, False)),
    ('a finished operation listed: absence proven', [], [FINISHED], None, (False, False, True)),
    ('a finished operation seen before: absence proven', [], [], [FINISHED], (False, False, True)),
    ('p2p, finished operation listed', None, [FINISHED], None, (False, False, True)),
    ('the base alone is another invite', [], [{'clientContext': 'base', 'status': 'failed'}, FINISHED], None,
     (False, False, True)),
]


@pytest.mark.parametrize('name,roster,operations,earlier,expected', CASES, ids=[c[0] for c in CASES])
def test_trace(name, roster, operations, earlier, expected):
    trace = Trace(CONTEXT, BATCH, roster, operations, earlier)
    assert (trace.operation is not None, trace.arrived, trace.absent) == expected
    if not any(expected):
        assert trace.why, 'an unknown outcome says why'


@pytest.mark.parametrize('error,ambiguous', [
    (GraphError('x', status=500), True),
    (GraphError('x', status=503), True),
    (GraphError('x', code='timeout', sent=True), True),
    (GraphError('x', code='connectionError'), True),
    (GraphError('x', code='connectionRefused', sent=False), False),
    (GraphError('x', status=429, sent=False), False),
    (GraphError('x', status=400), False),
    (GraphError('x', status=404), False),
])
def test_ambiguous(error, ambiguous):
    assert _ambiguous(error) is ambiguous
