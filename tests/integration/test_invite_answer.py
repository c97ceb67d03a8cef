# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An invite answer that names no operation in its body (config invite_answer: "id": null, as Graph's notifications
show operations, or no body, as an old revision of the invite page answered 202): the module takes the operation's id
from Location and follows it; with no Location either, it follows the people through the roster alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from conftest import check_each, invite_posts, ok

A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'  # answers
B = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'  # declines
# (invite_answer, invite_location, who): who answers or declines 3 s (emulator time) after the page.
CASES = [
    ('empty', 'absolute', A),
    ('empty', 'relative_app', B),
    ('without_id', 'relative', A),
    ('without_id', 'none', A),
    ('without_id', 'none', B),
]


def test_an_invite_answer_without_its_operation_is_still_followed(emu, tasks):
    emu.clock(tick=1)  # each Graph request moves emulator time one second: the outcomes come during the wait
    emu.config(invite_outcomes={A: {'result': 'answer', 'after': 3}, B: {'result': 'decline', 'after': 3}})
    calls = dict((case, emu.create_call(config={'invite_answer': case[0], 'invite_location': case[1]})) for case in CASES)
    run = tasks(
        [
            (' '.join(case), 'graph_call_invite', dict(call_id=call['id'], participants=[{'user': case[2]}], wait=True, wait_timeout=3, wait_sleep=0.1))
            for case, call in calls.items()
        ]
    )

    def check(case):
        answer, location, who = case
        (operation,) = emu.call(calls[case]['id'])['operations']
        assert len(invite_posts(emu, calls[case]['id'])) == 1
        task = run.task(' '.join(case))
        if who == A:
            entry = ok(task)['participants'][0]
            assert entry['outcome'] == 'joined', entry
        else:
            assert task['status'] == 'failed', task
            entry = task['result']['participants'][0]
        named = operation['id'] if location != 'none' else None
        assert (entry['status'], entry['operation_id']) == ('invited', named), entry
        if who == B and named:
            assert entry['outcome'] == 'failed' and entry['result_info']['code'] == operation['resultInfo']['code'], entry
        elif who == B:
            # Nothing to read but the roster, where B never appears: still ringing or declined, the module cannot tell.
            assert entry['outcome'] == 'timeout' and 'named no operation' in entry['result_info']['message'], entry

    check_each(CASES, check)
