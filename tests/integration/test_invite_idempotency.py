# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Idempotency by clientContext and roster, under each behaviour the Graph docs leave open.

Each test sets emulator switches (tests/emulator, docs/docsite/rst/guide_emulator.rst), runs the real module through
ansible-playbook, and checks both the task result and what the emulator recorded: that the switch
took effect, and how many invites went out. Runs that follow each other with nothing changed in the
emulator between them are tasks of one play (``invite_in_order``): a run costs more than a task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import finished_operations, invite_posts, ok, recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PEOPLE = [{'user': A, 'display_name': 'Ann'}, {'user': B, 'display_name': 'Bob'}]


def statuses(result):
    return {p['label']: p['status'] for p in result['participants']}


def invite_in_order(tasks, *invites):
    """graph_call_invite tasks of one play, in order; each invite is its options, or ('check', options) for a preview
    (as under --check). Returns each task's result, asserting that every task succeeded."""
    steps = []
    for index, invite in enumerate(invites):
        check = isinstance(invite, tuple)
        steps.append(('Invite %d' % index, 'graph_call_invite', invite[1] if check else invite, {'check_mode': check}))
    run = tasks(steps)
    return [ok(run.task('Invite %d' % index)) for index in range(len(invites))]


def run_both(tasks, *earlier, **invite):
    """Earlier invites (if any), then the check-mode preview, then the real run, in one play: the same decision, and
    the preview sends nothing. Returns (preview, real)."""
    return tuple(invite_in_order(tasks, *(earlier + (('check', invite), invite)))[-2:])


def assert_same_decision(preview, real):
    assert statuses(preview) == statuses(real)
    assert preview['changed'] == real['changed']
    assert preview['invited'] == real['invited']
    assert preview['operations'] == []


@pytest.fixture
def call(emu):
    return emu.create_call()


def test_fresh_call_invites_each_person_with_their_own_post(emu, tasks, call):
    preview, real = run_both(tasks, call_id=call['id'], participants=PEOPLE)
    assert_same_decision(preview, real)
    assert real['changed'] is True
    assert statuses(real) == {'user:' + A: 'invited', 'user:' + B: 'invited'}
    posts = invite_posts(emu)
    assert sorted(len(p['body']['participants']) for p in posts) == [1, 1]
    assert len(set(p['body']['clientContext'] for p in posts)) == 2, 'every POST has its own clientContext'
    assert sorted(p['operation_id'] for p in real['participants']) == sorted(op['id'] for op in real['operations'])
    assert {p['shared_operation'] for p in real['participants']} == {False}


def test_batch_size_puts_both_in_one_post(emu, tasks, call):
    preview, real = run_both(tasks, call_id=call['id'], participants=PEOPLE, batch_size=5)
    assert_same_decision(preview, real)
    posts = invite_posts(emu)
    assert len(posts) == 1 and len(posts[0]['body']['participants']) == 2
    assert {p['operation_id'] for p in real['participants']} == {real['operations'][0]['id']}
    assert {p['shared_operation'] for p in real['participants']} == {True}


def test_rerun_while_both_still_ring_sends_nothing(emu, tasks, call):
    emu.config(invite_outcome={'result': 'answer', 'after': 60})
    preview, real = run_both(tasks, {'call_id': call['id'], 'participants': PEOPLE}, call_id=call['id'], participants=PEOPLE)
    assert_same_decision(preview, real)
    assert real['changed'] is False
    assert statuses(real) == {'user:' + A: 'pending', 'user:' + B: 'pending'}
    assert len(invite_posts(emu)) == 2
    assert recorded(emu, 'GET', '/operations')[-1]['status'] == 200


@pytest.mark.parametrize('case', ['Running', 'running'])
def test_status_case_does_not_matter(emu, tasks, call, case):
    emu.config(invite_outcome={'result': 'answer', 'after': 60}, status_case=case)
    invite = {'call_id': call['id'], 'participants': PEOPLE[:1]}
    first, again = invite_in_order(tasks, invite, invite)
    assert first['operations'][0]['status'] == ('Running' if case == 'Running' else 'running')
    assert again['changed'] is False and statuses(again) == {'user:' + A: 'pending'}
    assert len(invite_posts(emu)) == 1


def joined_and_declined(emu, call):
    """A will answer, B decline, both at once; the first invite is the caller's first task."""
    emu.config(invite_outcomes={A: {'result': 'answer', 'after': 0}, B: {'result': 'decline', 'after': 0}})
    return {'call_id': call['id'], 'participants': PEOPLE}


def test_state_invited_never_pages_twice(emu, tasks, call):
    first = joined_and_declined(emu, call)
    preview, real = run_both(tasks, first, call_id=call['id'], participants=PEOPLE, state='invited')
    assert_same_decision(preview, real)
    assert real['changed'] is False
    assert statuses(real) == {'user:' + A: 'present', 'user:' + B: 'done_before'}
    assert len(invite_posts(emu)) == 2
    assert len(finished_operations(emu, call['id'])) == 2


def test_state_present_reinvites_the_one_who_declined(emu, tasks, call):
    first = joined_and_declined(emu, call)
    preview, real = run_both(tasks, first, call_id=call['id'], participants=PEOPLE, state='present')
    assert_same_decision(preview, real)
    assert real['changed'] is True
    assert statuses(real) == {'user:' + A: 'present', 'user:' + B: 'invited'}
    posts = invite_posts(emu)
    assert len(posts) == 3
    assert [p['identity']['user']['id'] for p in posts[2]['body']['participants']] == [B]
    finished_operations(emu, call['id'])


def test_state_present_reinvites_who_left(emu, tasks, call):
    invite = {'call_id': call['id'], 'participants': PEOPLE[:1]}
    invite_in_order(tasks, invite)
    finished_operations(emu, call['id'])
    emu.leave(call['id'], A)
    (again,) = invite_in_order(tasks, invite)
    assert again['changed'] is True and statuses(again) == {'user:' + A: 'invited'}
    assert len(invite_posts(emu)) == 2


def test_someone_already_in_the_call_is_skipped(emu, tasks):
    call = emu.create_call(participants=[{'user': {'id': A, 'displayName': 'Ann'}}])
    preview, real = run_both(tasks, call_id=call['id'], participants=PEOPLE)
    assert_same_decision(preview, real)
    assert statuses(real) == {'user:' + A: 'present', 'user:' + B: 'invited'}
    assert [p['identity']['user']['id'] for p in invite_posts(emu)[0]['body']['participants']] == [B]


@pytest.mark.parametrize('batch_size,sizes', [(1, [1] * 7), (5, [2, 5])])
def test_seven_participants_in_check_mode_and_for_real(emu, tasks, call, batch_size, sizes):
    people = [{'user': '%08x-0000-4000-8000-%012d' % (i, i)} for i in range(7)]
    preview, real = run_both(tasks, call_id=call['id'], participants=people, batch_size=batch_size)
    assert_same_decision(preview, real)
    assert sorted(len(p['body']['participants']) for p in invite_posts(emu)) == sizes
    assert len(finished_operations(emu, call['id'])) == len(sizes)


def test_operations_unreadable_present_falls_back_to_roster(emu, tasks, call):
    listing = 404
    emu.config(list_operations=listing)
    (result,) = invite_in_order(tasks, {'call_id': call['id'], 'participants': PEOPLE, 'history_file': False})
    assert recorded(emu, 'GET', '/operations')[-1]['status'] == listing, 'the switch took effect'
    assert 'deciding from the roster alone' in ' '.join(result['warnings'])
    assert result['changed'] is True and len(invite_posts(emu)) == 2


def test_operations_unreadable_invited_still_pages_from_the_roster(emu, tasks):
    # state=invited must never page nobody: without Graph's history it decides from the roster, and says so.
    # (test_role_page_responders.py pages under every listing value the emulator plays.) Each listing value on a
    # call of its own, in one play: 400 previewed, 404 for real.
    calls = {listing: emu.create_call(config={'list_operations': listing}) for listing in (400, 404)}
    preview, real = invite_in_order(
        tasks,
        ('check', {'call_id': calls[400]['id'], 'participants': PEOPLE, 'state': 'invited', 'history_file': False}),
        {'call_id': calls[404]['id'], 'participants': PEOPLE, 'state': 'invited', 'history_file': False},
    )
    for listing, result in ((400, preview), (404, real)):
        call_id = calls[listing]['id']
        warning = ' '.join(result['warnings'])
        assert 'state=invited cannot see whom earlier runs invited' in warning and 'history_file' in warning
        assert 'HTTP %d' % listing in warning
        assert recorded(emu, 'GET', '/operations', contains=call_id)[-1]['status'] == listing
        assert statuses(result) == {'user:' + A: 'invited', 'user:' + B: 'invited'}
    assert len(invite_posts(emu, calls[400]['id'])) == 0 and len(invite_posts(emu, calls[404]['id'])) == 2


def test_running_only_listing_still_sees_who_rings(emu, tasks, call):
    outcomes = {A: {'result': 'answer', 'after': 0}, B: {'result': 'answer', 'after': 60}}
    emu.config(list_operations='running_only', invite_outcomes=outcomes)
    first, second, again = invite_in_order(
        tasks,
        {'call_id': call['id'], 'participants': PEOPLE[:1]},
        {'call_id': call['id'], 'participants': PEOPLE[1:]},
        {'call_id': call['id'], 'participants': PEOPLE},
    )
    assert first['changed'] is True and second['changed'] is True
    listed = recorded(emu, 'GET', '/operations')
    assert len(listed) >= 3 and {r['status'] for r in listed} == {200}, 'every task read the (running_only) listing'
    assert again['changed'] is False
    assert statuses(again) == {'user:' + A: 'present', 'user:' + B: 'pending'}
    assert len(invite_posts(emu)) == 2


@pytest.mark.parametrize('person', [{'user': A}, {'phone': '+1 (425) 555-0100'}], ids=['user', 'phone'])
def test_roster_lists_the_invitee_under_application(emu, tasks, call, person):
    emu.config(roster_kind='application')
    first, again = invite_in_order(tasks, {'call_id': call['id'], 'participants': [person]}, {'call_id': call['id'], 'participants': [person]})
    assert first['changed'] is True
    finished_operations(emu, call['id'])
    listed = [p['info']['identity'] for p in emu.call(call['id'])['participants'][1:]]
    assert [sorted(k for k, v in ident.items() if isinstance(v, dict)) for ident in listed] == [['application']], 'the switch took effect'
    assert again['changed'] is False
    assert list(statuses(again).values()) == ['present']
    assert len(invite_posts(emu)) == 1


def test_ringing_invitees_in_the_lobby_count_as_there(emu, tasks, call):
    emu.config(ringing_in_roster=True, invite_outcome={'result': 'answer', 'after': 60})
    invite = {'call_id': call['id'], 'participants': PEOPLE[:1]}
    first, again = invite_in_order(tasks, invite, invite)
    assert first['changed'] is True
    lobby = [p for p in emu.call(call['id'])['participants'] if p.get('isInLobby')]
    assert len(lobby) == 1, 'the switch took effect'
    assert again['changed'] is False
    assert len(invite_posts(emu)) == 1


@pytest.mark.parametrize('mode', ['ignored', 'error', 'failed_operation'])
def test_duplicate_invite_answers_never_fail_the_task(emu, tasks, call, mode):
    # With the operations hidden (and no record of its own), the module cannot see that A still rings and invites
    # again: whatever Graph answers to the duplicate, the task must not fail, and B is still invited.
    emu.config(duplicate_invite=mode, list_operations=404, invite_outcome={'result': 'answer', 'after': 60})
    dummy, again = invite_in_order(
        tasks,
        {'call_id': call['id'], 'participants': PEOPLE[:1], 'history_file': False},
        {'call_id': call['id'], 'participants': PEOPLE, 'history_file': False},
    )
    posts = invite_posts(emu)
    invited_b = [p for p in posts if B in [i['identity']['user']['id'] for i in p['body']['participants']]]
    assert invited_b and invited_b[-1]['status'] == 200
    if mode == 'error':
        assert sorted(p['status'] for p in posts) == [200, 200, 409], 'A refused as a duplicate, B invited'
        assert statuses(again) == {'user:' + A: 'present', 'user:' + B: 'invited'}
        assert 'as a duplicate' in ' '.join(again['warnings'])
    else:
        assert [p['status'] for p in posts] == [200, 200, 200]


def test_duplicate_refused_batch_is_sent_again_one_by_one(emu, tasks, call):
    emu.config(duplicate_invite='error', list_operations=404, invite_outcome={'result': 'answer', 'after': 60})
    dummy, again = invite_in_order(
        tasks,
        {'call_id': call['id'], 'participants': PEOPLE[:1], 'history_file': False},
        {'call_id': call['id'], 'participants': PEOPLE, 'batch_size': 2, 'history_file': False},
    )
    posts = [(p['status'], len(p['body']['participants'])) for p in invite_posts(emu)]
    assert posts[:2] == [(200, 1), (409, 2)], 'the batch was refused'
    assert sorted(posts[2:]) == [(200, 1), (409, 1)], 'then one at a time (sent at once, in either order)'
    assert statuses(again) == {'user:' + A: 'present', 'user:' + B: 'invited'}


WORST = dict(
    list_operations=404,
    roster_kind='application',
    status_case='running',
    ringing_in_roster=False,
    duplicate_invite='error',
    get_operation='404_when_finished',
    invite_outcomes={A: {'result': 'answer', 'after': 0}, B: {'result': 'decline', 'after': 0}},
)


def test_worst_combination(emu, tasks, call):
    """Operations unreadable, invitees listed under application, lowercase status, no lobby, duplicates refused."""
    emu.config(**WORST)
    # Without Graph's listing and without a history file, both states decide from the roster: B is paged again.
    dummy, strict, lenient = invite_in_order(
        tasks,
        {'call_id': call['id'], 'participants': PEOPLE, 'history_file': False},
        {'call_id': call['id'], 'participants': PEOPLE, 'state': 'invited', 'history_file': False},
        {'call_id': call['id'], 'participants': PEOPLE, 'history_file': False},
    )
    assert 'cannot see whom earlier runs invited' in ' '.join(strict['warnings'])
    for result in (strict, lenient):
        assert statuses(result) == {'user:' + A: 'present', 'user:' + B: 'invited'}
    assert [len(p['body']['participants']) for p in invite_posts(emu)] == [1, 1, 1, 1]
    finished_operations(emu, call['id'])


def test_worst_combination_with_a_history_file_pages_nobody_twice(emu, tasks, call, tmp_path):
    emu.config(**WORST)
    invite = {'call_id': call['id'], 'participants': PEOPLE, 'state': 'invited', 'history_file': str(tmp_path / 'h')}
    first, again = invite_in_order(tasks, invite, invite)
    assert first['changed'] is True
    assert statuses(again) == {'user:' + A: 'present', 'user:' + B: 'done_before'}
    assert len(invite_posts(emu)) == 2 and again['changed'] is False
    finished_operations(emu, call['id'])


def test_peer_to_peer_call_uses_operations_alone(emu, tasks):
    call = emu.create_call(group=False)
    invite = {'call_id': call['id'], 'participants': PEOPLE[:1]}
    preview, real, again = invite_in_order(tasks, ('check', invite), invite, invite)
    assert_same_decision(preview, real)
    assert real['changed'] is True
    rosters = recorded(emu, 'GET', '/participants')
    assert rosters and {r['status'] for r in rosters} == {400}, 'Graph refuses the roster of a p2p call'
    assert again['changed'] is False and statuses(again) == {'user:' + A: 'present'}
    assert len(invite_posts(emu)) == 1
    finished_operations(emu, call['id'])


def test_peer_to_peer_call_takes_one_participant(emu, task):
    call = emu.create_call(group=False)
    run = task('graph_call_invite', {'call_id': call['id'], 'participants': PEOPLE})
    assert run.rc != 0
    result = run.task('Task')['result']
    assert 'peer-to-peer' in result['msg'] and 'got 2' in result['msg']
    assert invite_posts(emu) == []


def test_call_not_established_is_refused(emu, tasks, call):
    emu.set_call_state(call['id'], 'terminated')
    invite = {'call_id': call['id'], 'participants': PEOPLE}
    run = tasks([('Preview', 'graph_call_invite', invite, {'check_mode': True}), ('Invite', 'graph_call_invite', invite)])
    for name in ('Preview', 'Invite'):
        record = run.task(name)
        assert record['status'] == 'failed' and 'is terminated, not established' in record['result']['msg'], record
    assert invite_posts(emu) == []
