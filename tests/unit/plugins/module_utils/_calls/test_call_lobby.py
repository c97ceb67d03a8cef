# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bot held in a meeting's lobby, in every form Graph may show it: said, never reported established.

The client is scripted (one call and one roster per read, the last repeating); time is a fake clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_plan import ended_in_lobby
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import bot_in_lobby
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_evidence import bot_lobby_answer
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_runner import CallRunner

from fake_time import FakeClock
from scripted import next_answer

ME = 'p-bot'
JOIN = {'meetingInfo': {'@odata.type': '#microsoft.graph.organizerMeetingInfo'}, 'chatInfo': {'threadId': 't'}}
LOBBY_END = {'code': 200, 'subcode': 5855, 'message': 'lobby inactivity timeout'}


def call(state, result_info=None):
    return dict(JOIN, id='c1', state=state, myParticipantId=ME, resultInfo=result_info)


def roster(in_lobby):
    return [{'id': ME, 'isInLobby': in_lobby}, {'id': 'p-other', 'isInLobby': False}]


class FakeClient:
    """Answers the create POST with ``establishing``, then each read from its timeline (the last one repeats)."""

    def __init__(self, calls, rosters):
        self.calls, self.rosters = list(calls), list(rosters)
        self.reads = 0

    def create_call(self, body):
        return call('establishing')

    def get_call(self, call_id):
        self.reads += 1
        return next_answer(self.calls)

    def list_participants(self, call_id):
        return next_answer(self.rosters)

    def parallel(self, *reads):
        answers = []
        for read in reads:
            try:
                answers.append((read(), None))
            except GraphError as exc:
                answers.append((None, exc))
        return answers


def run(client, on_lobby='fail'):
    clock = FakeClock(0.0)
    runner = CallRunner(client, wait_timeout=10, wait_sleep=1, on_lobby=on_lobby, clock=clock.clock, sleep=clock.sleep)
    try:
        return runner, runner.present(None, dict(JOIN)), clock
    except TaskFailure as exc:
        return runner, exc, clock


@pytest.mark.parametrize(
    'name,state',
    [('the call stays establishing, the bot flagged', 'establishing'), ('the call says established, the bot flagged', 'established')],
)
def test_a_bot_still_in_the_lobby_at_the_deadline_fails_with_the_ways_out(name, state):
    runner, outcome, clock = run(FakeClient([call(state)], [roster(True)]))
    assert isinstance(outcome, TaskFailure), outcome
    assert 'holds the bot in its lobby' in str(outcome) and 'admits the bot' in str(outcome) and 'graph_online_meeting' in str(outcome)
    assert runner.result['in_lobby'] is True and runner.result['state'] == state
    assert clock.now == 10, 'it waited for someone to admit the bot until wait_timeout, no longer'


def test_report_returns_the_call_in_the_lobby_with_a_warning():
    warnings = []
    client = FakeClient([call('established')], [roster(True)])
    clock = FakeClock()
    runner = CallRunner(client, warn=warnings.append, wait_timeout=3, wait_sleep=1, on_lobby='report', clock=clock.clock, sleep=clock.sleep)
    result = runner.present(None, dict(JOIN))
    assert result['in_lobby'] is True and result['created'] and result['call_id'] == 'c1'
    assert 'lobby' in warnings[0]


def test_a_bot_admitted_in_time_is_established():
    runner, outcome, clock = run(FakeClient([call('establishing'), call('establishing'), call('established')], [roster(True), roster(True), roster(False)]))
    assert outcome['state'] == 'established' and outcome['in_lobby'] is False


def test_a_call_ended_for_lobby_inactivity_says_so():
    runner, outcome, clock = run(FakeClient([call('establishing'), call('terminated', LOBBY_END)], [roster(False)]))
    assert isinstance(outcome, TaskFailure) and 'ended in the meeting\'s lobby' in str(outcome) and 'admits the bot' in str(outcome)
    assert runner.result['result_info']['subcode'] == 5855


def test_a_roster_graph_does_not_serve_leaves_the_state_to_decide():
    refused = GraphError('no roster yet', status=400, code='BadRequest')
    runner, outcome, clock = run(FakeClient([call('established')], [refused]))
    assert outcome['state'] == 'established' and outcome['in_lobby'] is False


def test_still_establishing_without_a_lobby_flag_names_the_lobby_as_a_possibility():
    runner, outcome, clock = run(FakeClient([call('establishing')], [roster(False)]))
    assert isinstance(outcome, TaskFailure) and 'still establishing' in str(outcome) and 'lobby' in str(outcome)
    assert runner.result['in_lobby'] is False


@pytest.mark.parametrize(
    'call_,roster_,expected',
    [
        ({'myParticipantId': ME}, roster(True), True),
        ({'myParticipantId': ME}, roster(False), False),
        ({'myParticipantId': 'someone else'}, roster(True), None),
        ({}, roster(True), None),
        ({'myParticipantId': ME}, None, None),
    ],
)
def test_the_bot_is_found_by_its_own_participant_id(call_, roster_, expected):
    assert bot_in_lobby(call_, roster_) is expected


@pytest.mark.parametrize('info,expected', [(LOBBY_END, True), ({'code': 200, 'subcode': '5855'}, True), ({'code': 408, 'subcode': 8537}, False), (None, False)])
def test_a_lobby_end_is_known_by_its_subcode(info, expected):
    assert ended_in_lobby(info) is expected


@pytest.mark.parametrize(
    'state,roster_,status,expected',
    [
        ('established', roster(False), None, (False, None)),
        ('established', roster(True), None, (True, 'established')),
        ('Establishing', roster(True), None, (True, 'establishing')),
        ('established', [], None, (None, None)),
        ('established', None, 400, (None, None)),
    ],
)
def test_the_probe_answers_the_lobby_question_from_the_first_read(state, roster_, status, expected):
    answer = bot_lobby_answer(dict(call(state)), roster_, status)
    assert (answer['in_lobby'], answer['bot_lobby']) == expected and answer['call_state'] == state and answer['evidence']
