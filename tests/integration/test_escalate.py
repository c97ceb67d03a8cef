# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_escalate against the emulator, with per-identity outcomes on the manual clock.

Someone who "does not answer" rings for 600 emulated seconds, which never pass (the clock stands
still): the tier's wait_timeout ends it, not a race between two clocks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from conftest import invite_posts

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
C = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
ANSWER = {'result': 'answer', 'after': 0}
DECLINE = {'result': 'decline', 'after': 0}
SILENT = {'result': 'no_answer', 'after': 600}


def tiers(*people, wait=1):
    return [dict(name='tier-%s' % ident[:4], participants=[{'user': ident}], wait_timeout=wait) for ident in people]


def escalate(call_id, *people, **more):
    return dict(call_id=call_id, tiers=tiers(*people), wait_sleep=0.2, **more)


def paged(emu):
    return [post['body']['participants'][0]['identity']['user']['id'] for post in invite_posts(emu)]


def statuses(result):
    return dict((p['label'].split(':', 1)[1], (p['tier'], p['status'])) for p in result['participants'])


def test_tier_one_answers_so_tier_two_is_never_paged(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcomes={A: ANSWER, B: ANSWER})
    record = tasks([('Escalate', 'graph_call_escalate', escalate(call['id'], A, B))]).task('Escalate')
    assert record['status'] == 'changed', record['result']
    assert record['result']['goal_met'] and record['result']['stopped_at_tier'] == 1
    assert statuses(record['result']) == {A: (1, 'joined'), B: (2, 'not_paged')}
    assert paged(emu) == [A]


def test_a_decline_moves_on_without_the_full_wait(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    args = escalate(call['id'], A, B)
    args['tiers'][0]['wait_timeout'] = 3600  # a decline must not cost this
    record = tasks([('Escalate', 'graph_call_escalate', args)]).task('Escalate')
    assert record['status'] == 'changed', record['result']
    assert statuses(record['result']) == {A: (1, 'declined'), B: (2, 'joined')}
    assert paged(emu) == [A, B]


def test_no_answer_in_time_moves_on(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcomes={A: SILENT, B: ANSWER})
    record = tasks([('Escalate', 'graph_call_escalate', escalate(call['id'], A, B))]).task('Escalate')
    assert statuses(record['result']) == {A: (1, 'no_answer'), B: (2, 'joined')}
    assert record['result']['goal_met']


def test_everybody_declines_fails_with_the_table(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcome=DECLINE)
    record = tasks([('Escalate', 'graph_call_escalate', escalate(call['id'], A, B))]).task('Escalate')
    result = record['result']
    assert record['status'] == 'failed' and not result['goal_met']
    assert 'with 0 of 1 people needed' in result['msg']
    assert 'tier-%s: user:%s declined' % (A[:4], A) in result['msg'] and 'user:%s declined' % B in result['msg']
    assert result['changed'], 'people were paged'


def test_a_rerun_after_success_pages_nobody(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    run = tasks([('First', 'graph_call_escalate', escalate(call['id'], A, B, C)), ('Again', 'graph_call_escalate', escalate(call['id'], A, B, C))])
    assert run.task('First')['status'] == 'changed'
    again = run.task('Again')
    assert again['status'] == 'ok' and again['result']['goal_met'], again['result']
    assert paged(emu) == [A, B]
    assert [p['user'] for p in again['result']['joined']] == [B], again['result']


def test_a_rerun_resumes_after_the_tiers_already_paged(emu, tasks):
    call = emu.create_call()
    emu.config(invite_outcomes={A: DECLINE, B: DECLINE, C: ANSWER})
    first = tasks([('First', 'graph_call_escalate', escalate(call['id'], A, B))]).task('First')
    assert first['status'] == 'failed'
    second = tasks([('Second', 'graph_call_escalate', escalate(call['id'], A, B, C))]).task('Second')
    assert second['status'] == 'changed', second['result']
    assert statuses(second['result']) == {A: (1, 'not_joined'), B: (2, 'not_joined'), C: (3, 'joined')}
    assert paged(emu) == [A, B, C], 'tiers 1 and 2 were not paged again'


def test_a_goal_met_already_pages_nobody(emu, tasks):
    call = emu.create_call([{'user': {'id': B}}])
    record = tasks([('Escalate', 'graph_call_escalate', escalate(call['id'], A, B))]).task('Escalate')
    assert record['status'] == 'ok' and record['result']['goal_met'] and record['result']['stopped_at_tier'] is None
    assert invite_posts(emu) == []
    # The RETURN doc: joined lists the listed people in the call, also when nobody had to be paged.
    assert [p['user'] for p in record['result']['joined']] == [B], record['result']
    assert statuses(record['result']) == {A: (1, 'not_paged'), B: (2, 'joined')}


def test_check_mode_prints_the_plan_and_sends_nothing(emu, tasks):
    call = emu.create_call()
    args = escalate(call['id'], A, B, min_joined=1)
    record = tasks([('Escalate', 'graph_call_escalate', args)], check=True).task('Escalate')
    assert record['status'] == 'changed', record['result']
    plan = record['result']['plan']
    assert plan[0].startswith('tier-%s would page user:%s now' % (A[:4], A.lower()))
    assert 'if fewer than 1 have joined after tier-%s (1s)' % A[:4] in plan[1]
    assert [r for r in emu.requests() if r['method'] == 'POST' and r['path'].startswith('/v1.0')] == []


def test_bad_tiers_fail_before_any_request(emu, tasks):
    cases = [
        ('no tiers', dict(call_id='c', tiers=[]), 'tiers must be a non-empty list'),
        ('tier without participants', dict(call_id='c', tiers=[{'name': 'x'}]), 'participants'),
        ('bad phone', dict(call_id='c', tiers=[{'participants': [{'phone': '+12'}]}]), 'tiers[0].participants[0].phone must be a phone number'),
        ('someone in two tiers', dict(call_id='c', tiers=[{'participants': [{'user': A}]}, {'participants': [{'user': A}]}]), 'is already in tiers[0]'),
        (
            'tier wait too long',
            dict(call_id='c', tiers=[{'participants': [{'user': A}], 'wait_timeout': 7200}]),
            'tiers[0].wait_timeout must be a whole number of seconds from 1 to 3600',
        ),
        ('min_joined zero', dict(call_id='c', tiers=[{'participants': [{'user': A}]}], min_joined=0), 'min_joined'),
    ]
    run = tasks([(name, 'graph_call_escalate', args) for name, args, dummy in cases])
    for name, dummy, message in cases:
        record = run.task(name)
        assert record['status'] == 'failed' and message in record['result']['msg'], (name, record['result'])
    assert emu.requests() == []


def test_a_failed_page_still_reports_everyone(emu, tasks):
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': '/participants/invite$', 'action': 'status', 'status': 503, 'times': 1})
    args = escalate(call['id'], A, B, settle_timeout=0)
    record = tasks([('Escalate', 'graph_call_escalate', args)]).task('Escalate')
    assert record['status'] == 'failed' and 'may or may not have reached Graph' in record['result']['msg']
    assert statuses(record['result']) == {A: (1, 'unknown'), B: (2, 'not_paged')}
    assert len(invite_posts(emu)) == 1, 'never sent twice'
