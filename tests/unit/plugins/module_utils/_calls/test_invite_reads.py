# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What graph_call_invite reads before it decides: the roster alone when it settles the task, else everything."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import NOT_CREATED_CALL_ID
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_runner import InviteRunner
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+14255550100'
GROUP_CALL = {'id': 'call', 'state': 'established', 'chatInfo': {'threadId': '19:x'}}


def member(ident, kind='user', lobby=False):
    return {'info': {'identity': {kind: {'id': ident}}}, 'isInLobby': lobby}


class ReadingClient:
    """Answers reads about ``call_id`` from a script and records them: ``roster`` for the first roster read,
    ``full_roster`` with the call and the operations for read_call()."""

    def __init__(self, roster, full_roster=None, call=None, operations=(), call_id='call'):
        self.call_id = call_id
        self.roster = roster
        self.full_roster = roster if full_roster is None else full_roster
        self.call = GROUP_CALL if call is None else call
        self.operations = list(operations)
        self.reads = []

    def list_participants(self, call_id):
        self.reads.append('roster')
        if isinstance(self.roster, GraphError):
            raise self.roster
        return self.roster

    def read_call(self, call_id):
        self.reads.append('call+roster+operations')
        if isinstance(self.call, GraphError):
            return [(None, self.call), (None, self.call), (None, self.call)]
        return [(self.call, None), (self.full_roster, None), (self.operations, None)]

    def invite(self, call_id, body):
        self.reads.append('invite')
        return {'id': 'op-%d' % len(self.reads), 'status': 'running', 'clientContext': body['clientContext']}

    @staticmethod
    def parallel(*calls):
        return [(call(), None) for call in calls]


def run(client, people, state='present', check_mode=False):
    runner = InviteRunner(client, client.call_id, parse_participants(people), 'base', state=state, check_mode=check_mode)
    return runner.run()


NOT_FOUND = GraphError('call gone', status=404, code='itemNotFound')
# (name, client, people, state, check mode, the reads and writes in order, statuses)
CASES = [
    (
        'everyone is there: the roster alone',
        ReadingClient([member(A), member(PHONE, 'phone')]),
        [{'user': A}, {'phone': PHONE}],
        'present',
        False,
        ['roster'],
        ['present', 'present'],
    ),
    ('the same for state=invited', ReadingClient([member(A)]), [{'user': A}], 'invited', False, ['roster'], ['present']),
    ('the same in check mode', ReadingClient([member(A)]), [{'user': A}], 'present', True, ['roster'], ['present']),
    (
        'a phone listed under another kind is there too',
        ReadingClient([member('+1 425 555 0100', 'application')]),
        [{'phone': PHONE}],
        'present',
        False,
        ['roster'],
        ['present'],
    ),
    (
        'someone missing: then everything, at once, and the invite',
        ReadingClient([member(A)]),
        [{'user': A}, {'user': B}],
        'present',
        False,
        ['roster', 'call+roster+operations', 'invite'],
        ['present', 'invited'],
    ),
    (
        'someone who joined in between is not invited',
        ReadingClient([], full_roster=[member(A)]),
        [{'user': A}],
        'present',
        False,
        ['roster', 'call+roster+operations'],
        ['present'],
    ),
    (
        'an earlier run still rings them: found in the operations',
        ReadingClient(
            [], operations=[{'id': 'op', 'status': 'running', 'clientContext': 'base~0123456789abcde', 'participants': [{'identity': {'user': {'id': A}}}]}]
        ),
        [{'user': A}],
        'present',
        False,
        ['roster', 'call+roster+operations'],
        ['pending'],
    ),
    ('in check mode, the preview reads everything too', ReadingClient([]), [{'user': A}], 'present', True, ['roster', 'call+roster+operations'], ['invited']),
    (
        'the roster of a peer-to-peer call is refused: the call tells',
        ReadingClient(GraphError('p2p', status=400, code='BadRequest'), full_roster=[], call={'id': 'call', 'state': 'established'}),
        [{'user': A}],
        'present',
        False,
        ['roster', 'call+roster+operations', 'invite'],
        ['invited'],
    ),
    (
        'the call that does not exist',
        ReadingClient(NOT_FOUND, call=NOT_FOUND),
        [{'user': A}],
        'present',
        False,
        ['roster', 'call+roster+operations'],
        TaskFailure,
    ),
    (
        'a fault that outlasted its retries ends the task at once',
        ReadingClient(GraphError('busy', status=503, retryable=True)),
        [{'user': A}],
        'present',
        False,
        ['roster'],
        GraphError,
    ),
    (
        'an answer that is not JSON ends it too',
        ReadingClient(GraphError('not JSON', status=200, code='malformedResponse')),
        [{'user': A}],
        'present',
        False,
        ['roster'],
        GraphError,
    ),
    (
        'the call an earlier task would create (check mode): nothing to read',
        ReadingClient([], call_id=NOT_CREATED_CALL_ID),
        [{'user': A}],
        'present',
        True,
        [],
        ['invited'],
    ),
]


@pytest.mark.parametrize('name,client,people,state,check_mode,reads,statuses', CASES, ids=[c[0] for c in CASES])
def test_reads(name, client, people, state, check_mode, reads, statuses):
    if isinstance(statuses, type):
        with pytest.raises(statuses):
            run(client, people, state=state, check_mode=check_mode)
    else:
        result = run(client, people, state=state, check_mode=check_mode)
        assert [p['status'] for p in result['participants']] == statuses
    assert client.reads == reads
