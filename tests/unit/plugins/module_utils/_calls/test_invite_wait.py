# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting for invite outcomes: the per-poll decision, table-driven, and the polling loop on a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_wait import (
    IN_LOBBY_INFO,
    NO_OPERATION_INFO,
    UNREADABLE_INFO,
    VANISHED,
    InviteWaiter,
    decide,
)

from fake_time import FakeClock
from scripted import next_answer

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
FAILED = {'status': 'failed', 'resultInfo': {'code': 408, 'subCode': 10004, 'message': 'not answered'}}


def member(key, lobby=False, kind='user'):
    return {'info': {'identity': {kind: {'id': key}}}, 'isInLobby': lobby}


@pytest.mark.parametrize(
    'name,waiting,operations,roster,expected',
    [
        ('in the roster: joined', {A: 'op1'}, {'op1': {'status': 'Running'}}, [member(A)], {A: ('joined', None)}),
        ('listed under application still joined', {A: 'op1'}, {}, [member(A, kind='application')], {A: ('joined', None)}),
        ('in the lobby: undecided', {A: 'op1'}, {'op1': {'status': 'running'}}, [member(A, lobby=True)], {}),
        ('completed into the lobby: not joined, undecided', {A: 'op1'}, {'op1': {'status': 'completed'}}, [member(A, lobby=True)], {}),
        ('vanished while in the lobby: not failed, undecided', {A: 'op1'}, {'op1': VANISHED}, [member(A, lobby=True)], {}),
        (
            'completed, lobby and joined entries: joined',
            {A: 'op1'},
            {'op1': {'status': 'completed'}},
            [member(A, lobby=True), member(A)],
            {A: ('joined', None)},
        ),
        ('completed, roster not read: joined', {A: 'op1'}, {'op1': {'status': 'completed'}}, None, {A: ('joined', None)}),
        ('completed: joined even if already gone', {A: 'op1'}, {'op1': {'status': 'Completed'}}, [], {A: ('joined', None)}),
        (
            'failed: resultInfo with subCode spelling',
            {A: 'op1'},
            {'op1': FAILED},
            [],
            {A: ('failed', {'code': 408, 'subcode': 10004, 'message': 'not answered'})},
        ),
        (
            'failed op but this one joined',
            {A: 'op1', B: 'op1'},
            {'op1': FAILED},
            [member(A)],
            {A: ('joined', None), B: ('failed', {'code': 408, 'subcode': 10004, 'message': 'not answered'})},
        ),
        ('running and absent: undecided', {A: 'op1'}, {'op1': {'status': 'notStarted'}}, [], {}),
        ('never readable, absent: undecided', {A: 'op1'}, {'op1': None}, [], {}),
        (
            'vanished and absent from a read roster: failed',
            {A: 'op1'},
            {'op1': VANISHED},
            [],
            {
                A: (
                    'failed',
                    {
                        'code': None,
                        'subcode': None,
                        'message': 'The invite operation finished and can no longer be read, and the participant is not in the roster.',
                    },
                )
            },
        ),
        ('vanished, roster unreadable (p2p): undecided', {A: 'op1'}, {'op1': VANISHED}, None, {}),
        ('no operation named, in the roster: joined', {A: None}, {}, [member(A)], {A: ('joined', None)}),
        ('no operation named, absent: undecided', {A: None}, {}, [], {}),
        ('no operation named, in the lobby: undecided', {A: None}, {}, [member(A, lobby=True)], {}),
    ],
)
def test_decide(name, waiting, operations, roster, expected):
    assert decide(waiting, operations, roster) == expected


class FakeClient:
    """Answers from scripted timelines: a list per operation id and one for the roster, last entry repeats."""

    def __init__(self, operations, rosters):
        self.operations = operations
        self.rosters = rosters
        self.calls = []

    def list_operations(self, call_id):
        self.calls.append(('list',))
        return next_answer(self.operations['list'])

    def get_operation(self, call_id, operation_id):
        self.calls.append(('op', operation_id))
        return next_answer(self.operations[operation_id])

    def list_participants(self, call_id):
        self.calls.append(('roster',))
        return next_answer(self.rosters)


def not_found():
    return GraphError('gone', status=404, code='itemNotFound')


def test_answer_after_two_polls():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Running'}, {'status': 'Running'}, {'status': 'Completed'}]}, [[], [], [member(A)]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=2, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('joined', None)}
    assert waiter.polls == 3 and clock.sleeps == [2, 2]


def test_only_undecided_operations_are_read():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Completed'}], 'op2': [{'status': 'Running'}, {'status': 'Completed'}]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1', B: 'op2'}) == {A: ('joined', None), B: ('joined', None)}
    assert [c for c in client.calls if c[0] == 'op'] == [('op', 'op1'), ('op', 'op2'), ('op', 'op2')]


def test_timeout_within_the_deadline_plus_one_poll():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Running'}]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=5, interval=2, clock=clock.clock, sleep=clock.sleep)
    outcomes = waiter.wait({A: 'op1'})
    assert outcomes == {A: ('timeout', None)}
    assert clock.now - 100.0 == 5, 'the last sleep is cut to the deadline'
    assert clock.sleeps == [2, 2, 1]


def test_operation_gone_after_finishing_roster_decides():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Running'}, not_found()]}, [[], [member(A)]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('joined', None)}


def test_operation_gone_and_absent_is_failed():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Running'}, not_found()]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'})[A][0] == 'failed'
    assert client.calls.count(('op', 'op1')) == 2, 'a 404 operation is not read again'


def test_operation_never_readable_waits_on_the_roster():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [not_found()]}, [[], [], [member(A)]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('joined', None)}
    assert client.calls.count(('op', 'op1')) == 1


def test_operation_never_served_and_absent_times_out_saying_why():
    # Graph may not serve operations one by one at all: a 404 then proves nothing about a decline.
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [not_found()]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=3, interval=1, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}, {'op1': {'status': 'Running'}}) == {A: ('timeout', UNREADABLE_INFO)}
    assert waiter.polls == 4 and client.calls.count(('op', 'op1')) == 1


def test_a_404_means_finished_once_graph_served_another_operation():
    # One person per operation: B still rings (readable), so A's 404 means A's invite finished.
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [not_found()], 'op2': [{'status': 'Running'}]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    outcomes = waiter.wait({A: 'op1', B: 'op2'})
    assert outcomes[A][0] == 'failed' and outcomes[B][0] == 'timeout'
    assert waiter.polls == 1 + 30


def test_listing_decides_a_decline_at_the_first_poll():
    clock = FakeClock(100.0)
    client = FakeClient({'list': [[dict(FAILED, id='op1'), {'id': 'op2', 'status': 'running'}]]}, [[member(B)]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, use_listing=True, clock=clock.clock, sleep=clock.sleep)
    outcomes = waiter.wait({A: 'op1', B: 'op2'})
    assert outcomes == {A: ('failed', {'code': 408, 'subcode': 10004, 'message': 'not answered'}), B: ('joined', None)}
    assert waiter.polls == 1 and ('op', 'op1') not in client.calls, 'one listing instead of a GET each'


def test_listing_that_drops_a_finished_operation_needs_two_misses():
    clock = FakeClock(100.0)
    client = FakeClient({'list': [[{'id': 'op1', 'status': 'Running'}], []]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, use_listing=True, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('failed', waiter_vanished())}
    assert waiter.polls == 3, 'running, missing once, missing twice'


def test_listing_that_stops_answering_falls_back_to_one_by_one():
    clock = FakeClock(100.0)
    client = FakeClient({'list': [GraphError('gone', status=404)], 'op1': [{'status': 'Completed'}]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, use_listing=True, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('joined', None)}
    assert client.calls[:2] == [('list',), ('op', 'op1')]


def waiter_vanished():
    return decide({A: 'op'}, {'op': VANISHED}, [])[A][1]


def test_other_errors_propagate():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [GraphError('boom', status=500)]}, [[]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    with pytest.raises(GraphError):
        waiter.wait({A: 'op1'})


def test_p2p_reads_no_roster():
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': 'Completed'}]}, [GraphError('p2p', status=400)])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, read_roster=False, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: 'op1'}) == {A: ('joined', None)}
    assert ('roster',) not in client.calls


@pytest.mark.parametrize(
    'name,status,stop,expected',
    [
        ('answered into the lobby, deadline', 'Completed', None, 'in_lobby'),
        ('listed in the lobby, invite running, deadline', 'Running', None, 'in_lobby'),
        ('answered into the lobby, escalation stopped', 'Completed', True, 'in_lobby'),
        ('listed in the lobby, invite running, escalation stopped', 'Running', True, 'ringing'),
    ],
)
def test_someone_only_in_the_lobby_at_the_end_is_not_joined(name, status, stop, expected):
    clock = FakeClock(100.0)
    client = FakeClient({'op1': [{'status': status}]}, [[member(A, lobby=True), member(B)]])
    waiter = InviteWaiter(client, 'c', timeout=4, interval=2, clock=clock.clock, sleep=clock.sleep)
    outcomes = waiter.wait({A: 'op1'}, stop=(lambda roster: True) if stop else None)
    assert outcomes[A][0] == expected
    assert outcomes[A][1] == (IN_LOBBY_INFO if expected == 'in_lobby' else None)
    if stop is None:
        assert clock.now - 100.0 == 4, 'it waited for someone to admit them until the deadline'


@pytest.mark.parametrize(
    'name,rosters,use_listing,expected',
    [
        ('joins later', [[], [member(A)]], False, ('joined', None)),
        ('never in the roster', [[]], False, ('timeout', NO_OPERATION_INFO)),
        ('never in the roster, listing served', [[]], True, ('timeout', NO_OPERATION_INFO)),
        ('only in the lobby', [[member(A, lobby=True)]], False, ('in_lobby', IN_LOBBY_INFO)),
    ],
)
def test_an_invite_that_named_no_operation_is_followed_through_the_roster(name, rosters, use_listing, expected):
    # Graph answered the invite with no operation id and no Location: no operation is read, the roster decides.
    clock = FakeClock(100.0)
    client = FakeClient({'op2': [{'status': 'Running'}], 'list': [[{'id': 'op2', 'status': 'Running'}]]}, rosters)
    waiter = InviteWaiter(client, 'c', timeout=4, interval=2, use_listing=use_listing, clock=clock.clock, sleep=clock.sleep)
    assert waiter.wait({A: None}) == {A: expected}
    assert [c for c in client.calls if c[0] != 'roster'] == [], 'nothing to read but the roster'


def test_one_without_an_operation_beside_one_with():
    clock = FakeClock(100.0)
    client = FakeClient({'op2': [{'status': 'Running'}, FAILED]}, [[], [member(A)]])
    waiter = InviteWaiter(client, 'c', timeout=30, interval=1, clock=clock.clock, sleep=clock.sleep)
    outcomes = waiter.wait({A: None, B: 'op2'})
    assert outcomes == {A: ('joined', None), B: ('failed', {'code': 408, 'subcode': 10004, 'message': 'not answered'})}
    assert [c for c in client.calls if c[0] == 'op'] == [('op', 'op2'), ('op', 'op2')]
