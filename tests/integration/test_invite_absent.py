# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_invite state=absent against the emulator: remove people, cancel ringing invites, touch nobody else.

Each test plays all its cases in one ansible-playbook run (a run costs more than a task): every case has a
call of its own, with the call's own emulator config where the cases differ, and is checked on that call
alone; a failure names the case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from conftest import check_each, recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
C = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
PHONE = '+14255550123'
NO_SUCH_CALL = 'no-such-call'


def user(ident):
    return {'@odata.type': '#microsoft.graph.identitySet', 'user': {'@odata.type': '#microsoft.graph.identity', 'id': ident}}


def roster_ids(emu, call_id):
    ids = set()
    for entry in emu.call(call_id)['participants']:
        for identity in entry['info']['identity'].values():
            if isinstance(identity, dict) and identity.get('id'):
                ids.add(identity['id'].lower())
    return ids


def deletes(emu, call_id):
    """The DELETEs of participants of this call (the other cases' calls share the request log)."""
    return recorded(emu, 'DELETE', contains='/communications/calls/%s/participants/' % call_id)


def remove(call_id, *people):
    return dict(call_id=call_id, participants=list(people), state='absent')


# People in the call (or not) ---------------------------------------------------------------------


def test_removing_people_from_a_call(emu, tasks):
    # One call per case; each case's steps are the task(s) it used to run alone.
    calls = {
        'remove someone, then nothing to do': emu.create_call([user(A), user(B)]),
        'check and diff preview without deleting': emu.create_call([user(A), user(B)]),
        'without the tenant prerequisite the task names it': emu.create_call([user(A)], config={'remove_participant_permission': False}),
        'someone not in the call is not deleted (404)': emu.create_call([user(B)], config={'delete_missing_participant': '404'}),
        'someone not in the call is not deleted (204)': emu.create_call([user(B)], config={'delete_missing_participant': '204'}),
    }
    call_id = dict((name, call['id']) for name, call in calls.items())
    call_id['an ended call has nobody to remove'] = NO_SUCH_CALL
    run = tasks(
        [
            ('Remove', 'graph_call_invite', remove(call_id['remove someone, then nothing to do'], {'user': A}, {'phone': PHONE})),
            ('Again', 'graph_call_invite', remove(call_id['remove someone, then nothing to do'], {'user': A})),
            # The task-level keywords preview exactly as `--check --diff` would.
            ('Preview', 'graph_call_invite', remove(call_id['check and diff preview without deleting'], {'user': A}), {'check_mode': True, 'diff': True}),
        ]
        + [
            (name, 'graph_call_invite', remove(call_id[name], {'user': A}))
            for name in (
                'without the tenant prerequisite the task names it',
                'someone not in the call is not deleted (404)',
                'someone not in the call is not deleted (204)',
                'an ended call has nobody to remove',
            )
        ]
    )

    def check(name):
        ident = call_id[name]
        if name == 'remove someone, then nothing to do':
            first = run.task('Remove')
            assert first['status'] == 'changed', first['result']
            statuses = dict((p['label'], p['status']) for p in first['result']['participants'])
            assert statuses == {'user:' + A: 'removed', 'phone:' + PHONE: 'absent'}
            assert run.task('Again')['status'] == 'ok'
            assert len(deletes(emu, ident)) == 1
            assert A not in roster_ids(emu, ident) and B in roster_ids(emu, ident), 'nobody else is touched'
        elif name == 'check and diff preview without deleting':
            record = run.task('Preview')
            assert record['status'] == 'changed'
            diff = record['result']['diff']
            assert 'user:' + A in diff['before'] and 'user:' + A not in diff['after'] and 'user:' + B in diff['after']
            assert not deletes(emu, ident) and A in roster_ids(emu, ident)
        elif name == 'without the tenant prerequisite the task names it':
            record = run.task(name)
            assert record['status'] == 'failed'
            assert 'Set-CsApplicationMeetingConfiguration' in record['result']['msg']
            assert record['result']['error']['status'] == 403
            assert record['result']['participants'][0]['status'] == 'failed' and not record['result']['removed']
        elif name.startswith('someone not in the call is not deleted'):
            record = run.task(name)
            assert record['status'] == 'ok' and record['result']['participants'][0]['status'] == 'absent'
            assert not deletes(emu, ident)
        else:
            record = run.task(name)
            assert record['status'] == 'ok' and not record['result']['changed']
            assert 'nobody to remove' in ' '.join(record['result'].get('warnings', []))

    check_each(call_id, check)


# Ringing invites ------------------------------------------------------------------------------------

# (case, cancel_invite_by, ringing_in_roster): an invite still ringing (no_answer after 600 s on the manual
# clock, which stands still), then its removal. With a lobby entry, every value but 'none' cancels; without
# one, only the operation's id can.
RINGING = [
    ('%s lobby entry, cancel_invite_by=%s' % ('with a' if lobby else 'without a', by), by, lobby)
    for lobby in (True, False)
    for by in ('roster_entry', 'operation_id', 'none')
]
SHARED = 'an invite shared with someone else is left ringing'


def test_removing_someone_whose_invite_still_rings(emu, tasks):
    ringing = {'result': 'no_answer', 'after': 600}
    calls = dict((name, emu.create_call(config={'cancel_invite_by': by, 'ringing_in_roster': lobby, 'invite_outcome': ringing})) for name, by, lobby in RINGING)
    calls[SHARED] = emu.create_call(config={'cancel_invite_by': 'operation_id', 'invite_outcome': ringing})
    steps = []
    for name, call in calls.items():
        invite = dict(call_id=call['id'], participants=[{'user': A}])
        if name == SHARED:
            invite.update(batch_size=2, participants=[{'user': A}, {'user': B}])
        steps.append(('Invite: ' + name, 'graph_call_invite', invite))
        steps.append(('Remove: ' + name, 'graph_call_invite', remove(call['id'], {'user': A})))
    run = tasks(steps)
    settings = dict((name, (by, lobby)) for name, by, lobby in RINGING)

    def check(name):
        ident = calls[name]['id']
        invited = run.task('Invite: ' + name)
        record = run.task('Remove: ' + name)
        status = record['result']['participants'][0]['status']
        if name == SHARED:
            assert record['status'] == 'failed' and status == 'not_cancelled'
            assert not deletes(emu, ident), 'cancelling the operation would stop B ringing too'
            return
        assert invited['status'] == 'changed', invited['result']
        cancel_invite_by, lobby = settings[name]
        operation = emu.call(ident)['operations'][0]
        if lobby:
            if cancel_invite_by == 'none':
                # Graph took the DELETE but still rings: the fresh read shows it, and the task says so.
                assert record['status'] == 'failed' and status == 'not_cancelled', record['result']
            else:
                assert record['status'] == 'changed' and status == 'cancelled', record['result']
                assert str(operation['status']).lower() == 'failed'
            assert len(deletes(emu, ident)) == 1
        else:
            # No lobby entry: the DELETE names the operation; only cancel_invite_by=operation_id honours it.
            assert deletes(emu, ident)[0]['path'].endswith('/participants/' + operation['id'])
            if cancel_invite_by == 'operation_id':
                assert (record['status'], status) == ('changed', 'cancelled')
            else:
                assert (record['status'], status) == ('failed', 'not_cancelled')
                assert 'could not be cancelled' in record['result']['msg']

    check_each(calls, check)
