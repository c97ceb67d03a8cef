# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Never twice, never falsely "invited": the evidence rules table-driven, and the sender on a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_send import Sender, evidence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants

from fake_time import FakeClock

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+14255550100'
CONTEXT = 'base~0123456789abcde'
BATCH = parse_participants([{'user': A}, {'phone': PHONE}])


def member(ident, kind='user', lobby=False):
    return {'info': {'identity': {kind: {'id': ident}}}, 'isInLobby': lobby}


def op(context, status='Running', op_id='op'):
    return {'id': op_id, 'clientContext': context, 'status': status, 'participants': []}


# (name, roster, operations, expected (operation id or None, {label: status}))
EVIDENCE = [
    ('its own operation is listed', [], [op(CONTEXT)], ('op', {})),
    ('its own operation, even finished', None, [op(CONTEXT, 'failed')], ('op', {})),
    ('an earlier run of the same family is no proof', [], [op('base~fffffffffffffff', 'completed')], (None, {})),
    ('the base alone is no proof', [], [op('base', 'completed')], (None, {})),
    (
        'one joined, one rings in the lobby',
        [member(A), member(PHONE, 'phone', lobby=True)],
        None,
        (None, {'user:' + A: 'present', 'phone:' + PHONE: 'pending'}),
    ),
    ('a phone listed under application', [member('+1 425 555 0100', 'application')], [], (None, {'phone:' + PHONE: 'present'})),
    ('nothing to see', [], [], (None, {})),
    ('nothing readable', None, None, (None, {})),
]


@pytest.mark.parametrize('name,roster,operations,expected', EVIDENCE, ids=[e[0] for e in EVIDENCE])
def test_evidence(name, roster, operations, expected):
    found, seen = evidence(CONTEXT, BATCH, roster, operations)
    labels = dict((inv.match, inv.label) for inv in BATCH)
    assert ((found or {}).get('id'), dict((labels[key], status) for key, status in seen.items())) == expected


class FakeClient:
    """Invite answers in order; each look at the call reads the roster, then the operations, of the next state in
    ``states`` (the last one repeats; a callable is given the harness, a GraphError is raised); parallel() runs the
    callables one after the other."""

    def __init__(self, answers, states):
        self.answers = list(answers)
        self.posts = []
        self.states = list(states)
        self.harness = None
        self.state = None

    def invite(self, call_id, body):
        self.posts.append(body)
        answer = self.answers.pop(0)
        if isinstance(answer, GraphError):
            raise answer
        return dict(answer, clientContext=body['clientContext'])

    def list_participants(self, call_id):
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        if callable(state):
            state = state(self.harness)
        self.state = state
        if isinstance(state, GraphError):
            raise state
        return state[0]

    def list_operations(self, call_id):
        if isinstance(self.state, GraphError) or self.state[1] is None:
            raise GraphError('not listed', status=404)
        return self.state[1]

    @staticmethod
    def parallel(*calls):
        outcomes = []
        for call in calls:
            try:
                outcomes.append((call(), None))
            except GraphError as exc:
                outcomes.append((None, exc))
        return outcomes


class FakeHistory:
    def __init__(self):
        self.entries = []

    def record(self, entries):
        self.entries.extend((state, context) for context, state, dummy, dummy in entries)


class Harness:
    """What a test reads of one send: the statuses the sender reports (by label), the history records, warnings,
    and how often it looked at the call."""

    def __init__(self, sender, history):
        self.sender = sender
        self.client = sender.client
        self.history = history

    @property
    def reads(self):
        return self.sender.looks

    @property
    def records(self):
        return self.history.entries

    @property
    def warnings(self):
        return self.sender.warnings

    @property
    def status(self):
        labels = dict((inv.match, inv.label) for inv in BATCH)
        return dict((labels[key], (person['status'], person['operation_id'])) for key, person in self.sender.people.items())


def sender_for(answers, states, settle=5):
    """A Sender on a fake clock. Where the call can be read follows the first state: a group call unless its roster
    is None, operations listed unless they are None."""
    clock = FakeClock()
    client = FakeClient(answers, states)
    first = states[0] if isinstance(states[0], tuple) else ([], [])
    history = FakeHistory()
    sender = Sender(
        client,
        'call',
        'base',
        group=first[0] is not None,
        listed=first[1] is not None,
        history=history,
        settle_timeout=settle,
        clock=clock.clock,
        sleep=clock.sleep,
    )
    runner = Harness(sender, history)
    client.harness = runner
    return sender, runner, clock


def landed_on_read(n):
    """A read_state script: nothing for n-1 reads, then the POST's own operation is listed."""

    def state(runner):
        if runner.reads < n:
            return [], []
        return [], [op(runner.client.posts[0]['clientContext'], op_id='late')]

    return state


def test_sent_batches_are_recorded_before_and_after():
    sender, runner, dummy = sender_for([{'id': 'op1'}], [([], [])])
    sender.send([BATCH[:1]])
    assert runner.status == {'user:' + A: ('invited', 'op1')}
    assert [state for state, dummy in runner.records] == ['attempt', 'sent']
    assert runner.reads == 0, 'a clean answer needs no read'


def test_ambiguous_post_found_on_a_later_read_is_invited_and_never_resent():
    sender, runner, clock = sender_for([GraphError('t', code='timeout', sent=True)], [landed_on_read(3)])
    sender.send([BATCH[:1]])
    assert len(runner.client.posts) == 1
    assert runner.status == {'user:' + A: ('invited', 'late')}
    assert runner.reads == 3 and clock.now == 2.0
    assert sender.unknown == [] and 'by its own clientContext' in runner.warnings[0]


def test_ambiguous_post_without_evidence_is_unknown_after_the_settle_time():
    sender, runner, clock = sender_for([GraphError('boom', status=503)], [([], [op('base~earlier', 'completed')])], settle=3)
    sender.send([BATCH[:1]])
    assert len(runner.client.posts) == 1, 'never sent twice'
    assert runner.status == {'user:' + A: ('unknown', None)}
    assert clock.now == 3.0 and runner.reads == 4
    assert [(c, [inv.label for inv in b]) for c, b, dummy, dummy in sender.unknown] == [(runner.client.posts[0]['clientContext'], ['user:' + A])]
    assert [state for state, dummy in runner.records] == ['attempt', 'unknown']


def test_ambiguous_post_whose_people_show_up_in_the_roster():
    sender, runner, dummy = sender_for([GraphError('drop', code='connectionError')], [([member(A), member(PHONE, 'phone', lobby=True)], None)])
    sender.send([BATCH])
    assert runner.status == {'user:' + A: ('present', None), 'phone:' + PHONE: ('pending', None)}
    assert sender.unknown == [] and 'fate is unknown' in runner.warnings[0]


def test_no_source_of_evidence_does_not_wait():
    sender, runner, clock = sender_for([GraphError('boom', status=500)], [(None, None)], settle=60)
    sender.send([BATCH[:1]])
    assert runner.reads == 1 and clock.now == 0
    assert runner.status == {'user:' + A: ('unknown', None)}


def test_failing_reads_keep_looking_until_the_deadline():
    sender, runner, clock = sender_for([GraphError('boom', status=500)], [GraphError('read', status=503)], settle=2)
    sender.send([BATCH[:1]])
    assert runner.reads == 3 and clock.now == 2.0
    assert 'could not be read again' in sender.unknown[0][3]


def test_a_refusal_is_not_resent_and_reported():
    sender, runner, dummy = sender_for([GraphError('no', status=403)], [([], [])])
    sender.send([BATCH[:1]])
    assert len(runner.client.posts) == 1 and runner.status == {}
    assert [(b[0].label, e.status) for b, e in sender.refusals] == [('user:' + A, 403)]
    assert [state for state, dummy in runner.records] == ['attempt', 'refused']


def test_conflict_on_one_person_is_present():
    sender, runner, dummy = sender_for([GraphError('dup', status=409)], [([], [])])
    sender.send([BATCH[:1]])
    assert runner.status == {'user:' + A: ('present', None)} and 'as a duplicate' in runner.warnings[0]


def test_conflict_on_a_batch_resends_one_by_one():
    sender, runner, dummy = sender_for([GraphError('dup', status=409), GraphError('dup', status=409), {'id': 'op2'}], [([], [])])
    sender.send([BATCH])
    assert [len(body['participants']) for body in runner.client.posts] == [2, 1, 1]
    assert runner.status == {'user:' + A: ('present', None), 'phone:' + PHONE: ('invited', 'op2')}
    contexts = [body['clientContext'] for body in runner.client.posts]
    assert len(set(contexts)) == 3, 'every POST has its own clientContext'


def test_mixed_batches_each_get_their_own_outcome():
    sender, runner, dummy = sender_for([{'id': 'op1'}, GraphError('boom', status=502)], [([], [])], settle=0)
    sender.send([BATCH[:1], BATCH[1:]])
    assert runner.status == {'user:' + A: ('invited', 'op1'), 'phone:' + PHONE: ('unknown', None)}


def test_a_failing_read_keeps_what_an_earlier_one_saw():
    sender, runner, clock = sender_for([GraphError('boom', status=500)], [([member(A, lobby=True)], []), GraphError('read', status=503)], settle=2)
    sender.send([BATCH])
    assert runner.status == {'user:' + A: ('pending', None), 'phone:' + PHONE: ('unknown', None)}
    assert runner.reads == 3 and 'could not be read again' in sender.unknown[0][3]
    assert [inv.label for inv in sender.unknown[0][1]] == ['phone:' + PHONE]
