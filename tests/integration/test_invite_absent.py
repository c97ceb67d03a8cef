# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_invite state=absent against the emulator: remove people, cancel ringing invites, touch nobody else."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from conftest import recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
C = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
PHONE = '+14255550123'


def user(ident):
    return {'@odata.type': '#microsoft.graph.identitySet', 'user': {'@odata.type': '#microsoft.graph.identity', 'id': ident}}


def roster_ids(emu, call_id):
    ids = set()
    for entry in emu.call(call_id)['participants']:
        for identity in entry['info']['identity'].values():
            if isinstance(identity, dict) and identity.get('id'):
                ids.add(identity['id'].lower())
    return ids


def deletes(emu):
    return recorded(emu, 'DELETE', contains='/participants/')


def remove(call_id, *people):
    return dict(call_id=call_id, participants=list(people), state='absent')


def test_remove_someone_then_nothing_to_do(emu, tasks):
    call = emu.create_call([user(A), user(B)])
    run = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}, {'phone': PHONE})),
                 ('Again', 'graph_call_invite', remove(call['id'], {'user': A}))])
    first = run.task('Remove')
    assert first['status'] == 'changed', first['result']
    statuses = dict((p['label'], p['status']) for p in first['result']['participants'])
    assert statuses == {'user:' + A: 'removed', 'phone:' + PHONE: 'absent'}
    assert run.task('Again')['status'] == 'ok'
    assert len(deletes(emu)) == 1
    assert A not in roster_ids(emu, call['id']) and B in roster_ids(emu, call['id']), 'nobody else is touched'


def test_check_and_diff_preview_without_deleting(emu, tasks):
    call = emu.create_call([user(A), user(B)])
    run = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))], check=True, diff=True)
    record = run.task('Remove')
    assert record['status'] == 'changed'
    diff = record['result']['diff']
    assert 'user:' + A in diff['before'] and 'user:' + A not in diff['after'] and 'user:' + B in diff['after']
    assert not deletes(emu) and A in roster_ids(emu, call['id'])


def ringing(emu, tasks, call_id, *people, in_roster):
    """Invite people who do not answer (the manual clock stands still), with or without lobby entries."""
    emu.config(invite_outcome={'result': 'no_answer', 'after': 600}, ringing_in_roster=in_roster)
    run = tasks([('Invite', 'graph_call_invite', dict(call_id=call_id, participants=[{'user': p} for p in people]))])
    assert run.task('Invite')['status'] == 'changed'


@pytest.mark.parametrize('cancel_invite_by', ['roster_entry', 'operation_id', 'none'])
def test_a_ringing_invite_with_a_lobby_entry(emu, tasks, cancel_invite_by):
    call = emu.create_call()
    emu.config(cancel_invite_by=cancel_invite_by)
    ringing(emu, tasks, call['id'], A, in_roster=True)
    record = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))]).task('Remove')
    status = record['result']['participants'][0]['status']
    if cancel_invite_by == 'none':
        # Graph took the DELETE but still rings: the fresh read shows it, and the task says so.
        assert record['status'] == 'failed' and status == 'not_cancelled', record['result']
    else:
        assert record['status'] == 'changed' and status == 'cancelled', record['result']
        op = emu.call(call['id'])['operations'][0]
        assert str(op['status']).lower() == 'failed'
    assert len(deletes(emu)) == 1


@pytest.mark.parametrize('cancel_invite_by, cancelled', [('roster_entry', False), ('operation_id', True), ('none', False)])
def test_a_ringing_invite_without_a_lobby_entry(emu, tasks, cancel_invite_by, cancelled):
    call = emu.create_call()
    emu.config(cancel_invite_by=cancel_invite_by)
    ringing(emu, tasks, call['id'], A, in_roster=False)
    record = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))]).task('Remove')
    status = record['result']['participants'][0]['status']
    operation = emu.call(call['id'])['operations'][0]
    assert deletes(emu)[0]['path'].endswith('/participants/' + operation['id'])
    if cancelled:
        assert (record['status'], status) == ('changed', 'cancelled')
    else:
        assert (record['status'], status) == ('failed', 'not_cancelled')
        assert 'could not be cancelled' in record['result']['msg']


def test_an_invite_shared_with_someone_else_is_left_ringing(emu, tasks):
    call = emu.create_call()
    emu.config(cancel_invite_by='operation_id')
    emu.config(invite_outcome={'result': 'no_answer', 'after': 600})
    invite = dict(call_id=call['id'], batch_size=2, participants=[{'user': A}, {'user': B}])
    tasks([('Invite', 'graph_call_invite', invite)])
    record = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))]).task('Remove')
    assert record['status'] == 'failed' and record['result']['participants'][0]['status'] == 'not_cancelled'
    assert not deletes(emu), 'cancelling the operation would stop B ringing too'


def test_without_the_tenant_prerequisite_the_task_names_it(emu, tasks):
    call = emu.create_call([user(A)])
    emu.config(remove_participant_permission=False)
    record = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))]).task('Remove')
    assert record['status'] == 'failed'
    assert 'Set-CsApplicationMeetingConfiguration' in record['result']['msg']
    assert record['result']['error']['status'] == 403
    assert record['result']['participants'][0]['status'] == 'failed' and not record['result']['removed']


@pytest.mark.parametrize('delete_missing_participant', ['404', '204'])
def test_someone_not_in_the_call_is_not_deleted(emu, tasks, delete_missing_participant):
    call = emu.create_call([user(B)])
    emu.config(delete_missing_participant=delete_missing_participant)
    record = tasks([('Remove', 'graph_call_invite', remove(call['id'], {'user': A}))]).task('Remove')
    assert record['status'] == 'ok' and record['result']['participants'][0]['status'] == 'absent'
    assert not deletes(emu)


def test_an_ended_call_has_nobody_to_remove(emu, tasks):
    record = tasks([('Remove', 'graph_call_invite', remove('no-such-call', {'user': A}))]).task('Remove')
    assert record['status'] == 'ok' and not record['result']['changed']
    assert 'nobody to remove' in ' '.join(record['result'].get('warnings', []))
