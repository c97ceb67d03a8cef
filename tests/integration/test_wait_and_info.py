# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Knowing the outcome: graph_call_invite's wait, and the two info modules, against the emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


import pytest

from conftest import recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'


def by_label(result):
    return {p['label']: p for p in result['participants']}


def invite_and_wait(playbook, call_id, people, **options):
    invite = dict(call_id=call_id, participants=people, wait=True, wait_sleep=0.5, **options)
    return playbook('invite.yml', invite=invite)


def operation_reads(emu):
    """(kind, status) of each operation read: ('list', 200) for the listing, ('get', 404) for one operation."""
    return [('list' if r['path'].endswith('/operations') else 'get', r['status']) for r in emu.requests()
            if r['method'] == 'GET' and '/operations' in r['path']]


def test_answer_after_a_few_polls_joins(emu, playbook):
    # Each Graph request moves emulated time 1 s; the invitee answers 4 s after the invite: during the 2nd poll.
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'answer', 'after': 4})
    emu.clock(tick=1)
    run = invite_and_wait(playbook, call['id'], [{'user': A}])
    assert run.rc == 0, run.output
    entry = by_label(run.result)['user:' + A]
    assert entry['status'] == 'invited' and entry['outcome'] == 'joined'
    assert run.result['wait_polls'] == 2, 'it had to poll while the phone rang'
    assert operation_reads(emu)[-2:] == [('list', 200), ('list', 200)], 'one listing per poll, no GET per operation'


def test_decline_fails_the_task_with_the_result_info(emu, playbook):
    call = emu.create_call()
    emu.config(invite_outcomes={A: {'result': 'answer', 'after': 0}, B: {'result': 'decline', 'after': 0}})
    run = invite_and_wait(playbook, call['id'], [{'user': A}, {'user': B}])
    assert run.rc != 0
    assert 'the invite of user:%s failed' % B in run.result['msg']
    entries = by_label(run.result)
    assert entries['user:' + A]['outcome'] == 'joined'
    info = entries['user:' + B]['result_info']
    assert entries['user:' + B]['outcome'] == 'failed' and info['code'] == 603 and B in info['message']
    assert run.result['changed'] is True, 'the invite went out'


def test_decline_tolerated_when_asked(emu, playbook):
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'decline', 'after': 0})
    run = invite_and_wait(playbook, call['id'], [{'user': A}], fail_on_failed_invite=False)
    assert run.rc == 0, run.output
    assert by_label(run.result)['user:' + A]['outcome'] == 'failed'


@pytest.mark.parametrize('tolerate', [False, True])
def test_no_answer_times_out(emu, playbook, tolerate):
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'no_answer', 'after': 600})
    options = {'wait_timeout': 2}
    if tolerate:
        options['fail_on_timeout'] = False
    run = invite_and_wait(playbook, call['id'], [{'user': A}], **options)
    assert (run.rc == 0) is tolerate, run.output
    assert by_label(run.result)['user:' + A]['outcome'] == 'timeout'
    if not tolerate:
        assert 'no outcome within wait_timeout=2s' in run.result['msg']
    # However slow the machine, it polled at least once and never beyond the deadline plus one interval.
    assert 1 <= run.result['wait_polls'] <= 2 / 0.5 + 2


def test_operation_never_served_the_roster_decides_a_join(emu, playbook):
    # No listing, and the operation answers 404 from the first GET: only the roster can tell.
    call = emu.create_call()
    emu.config(list_operations=404, get_operation='404_when_finished', invite_outcome={'result': 'answer', 'after': 0})
    run = invite_and_wait(playbook, call['id'], [{'user': A}])
    assert run.rc == 0, run.output
    assert by_label(run.result)['user:' + A]['outcome'] == 'joined'
    polls = [(r['method'], r['path'].rsplit('/', 2)[-2], r['status']) for r in emu.requests()
             if r['path'].endswith('/participants') or '/operations/' in r['path']]
    assert polls[-2:] == [('GET', 'operations', 404), ('GET', call['id'], 200)], 'the 404, then the roster decided'


def test_operation_gone_after_running_and_absent_is_a_failure(emu, playbook):
    # No listing: the operation is read while it runs, then answers 404: it finished, and A is not in the roster.
    call = emu.create_call()
    emu.config(list_operations=404, get_operation='404_when_finished', invite_outcome={'result': 'decline', 'after': 2})
    emu.clock(tick=1)
    run = invite_and_wait(playbook, call['id'], [{'user': A}], wait_timeout=10)
    assert run.rc != 0
    assert by_label(run.result)['user:' + A]['outcome'] == 'failed'
    assert [status for kind, status in operation_reads(emu) if kind == 'get'] == [200, 404]


@pytest.mark.parametrize('listing', ['supported', 'running_only'])
def test_decline_before_the_first_poll_is_a_failure_not_a_timeout(emu, playbook, listing):
    # Observation 5: with get_operation 404_when_finished, a decline before the first poll used to end as a
    # timeout after the whole wait_timeout. The listing shows the failed operation (or, running_only, drops it).
    call = emu.create_call()
    emu.config(list_operations=listing, get_operation='404_when_finished',
               invite_outcome={'result': 'decline', 'after': 0})
    run = invite_and_wait(playbook, call['id'], [{'user': A}], wait_timeout=600, fail_on_failed_invite=False)
    assert run.rc == 0, run.output
    entry = by_label(run.result)['user:' + A]
    assert entry['outcome'] == 'failed'
    assert run.result['wait_polls'] == (1 if listing == 'supported' else 2)
    if listing == 'supported':
        assert entry['result_info']['code'] == 603
    assert [kind for kind, dummy in operation_reads(emu)].count('get') == 0


@pytest.mark.parametrize('batch_size', [1, 2])
def test_each_person_gets_their_own_result_info(emu, playbook, batch_size):
    # Observation 6: in one shared operation, the one who did not answer got the decliner's 603.
    call = emu.create_call()
    emu.config(invite_outcomes={A: {'result': 'decline', 'after': 0}, B: {'result': 'no_answer', 'after': 1}})
    emu.clock(tick=1)
    run = invite_and_wait(playbook, call['id'], [{'user': A}, {'user': B}], batch_size=batch_size,
                          fail_on_failed_invite=False)
    assert run.rc == 0, run.output
    entries = by_label(run.result)
    codes = {label: (entry['outcome'], entry['result_info']['code'], entry['shared_operation'])
             for label, entry in entries.items()}
    if batch_size == 1:
        assert codes == {'user:' + A: ('failed', 603, False), 'user:' + B: ('failed', 408, False)}
        assert A in entries['user:' + A]['result_info']['message'] and B in entries['user:' + B]['result_info']['message']
    else:
        # One operation: Graph gives one resultInfo for both, and the result says it is shared.
        assert codes == {'user:' + A: ('failed', 603, True), 'user:' + B: ('failed', 603, True)}


def test_wait_covers_someone_still_ringing_from_an_earlier_run(emu, playbook):
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'answer', 'after': 60})
    first = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': A}]})
    assert first.rc == 0
    emu.clock(tick=10)      # A rings through the next run's reads (+30 s) and answers while it waits
    run = invite_and_wait(playbook, call['id'], [{'user': A}])
    assert run.rc == 0, run.output
    entry = by_label(run.result)['user:' + A]
    assert entry['status'] == 'pending' and entry['outcome'] == 'joined'
    assert run.result['changed'] is False


def test_check_mode_never_posts_nor_polls(emu, playbook):
    call = emu.create_call()
    run = playbook('invite.yml', check=True, invite={'call_id': call['id'], 'participants': [{'user': A}], 'wait': True})
    assert run.rc == 0, run.output
    assert run.result['changed'] is True and 'wait_polls' not in run.result
    assert recorded(emu, 'POST', contains='/invite') == []
    assert recorded(emu, 'GET', contains='/operations/') == []


def test_bad_wait_values_fail_before_any_request(emu, playbook):
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': A}], 'wait': True,
                                         'wait_timeout': 0})
    assert run.rc != 0 and 'wait_timeout must be a number of seconds from 1 to 3600' in run.result['msg']
    assert emu.requests() == []


# The info modules ---------------------------------------------------------------------------

def test_info_on_a_group_call(emu, playbook):
    call = emu.create_call(participants=[{'user': {'id': A, 'displayName': 'Ann'}},
                                         {'phone': {'id': '+12345678901'}}])
    run = playbook('info.yml', info={'call_id': call['id'], 'raw': True})
    assert run.rc == 0, run.output
    info = run.task('Call')['result']
    assert info['exists'] is True and info['changed'] is False
    assert info['call']['state'] == 'established' and info['call']['group'] is True
    assert info['call']['chat_info']['thread_id']
    assert info['raw']['id'] == call['id']
    roster = run.task('Roster')['result']
    assert roster['count'] == 3
    assert [p['label'] for p in roster['participants']] == ['application:' + emu.info['client_id'], 'user:' + A,
                                                            'phone:+12345678901']
    ann = roster['participants'][1]
    assert ann['display_name'] == 'Ann' and ann['in_lobby'] is False and ann['muted'] is False and ann['id']
    assert len(roster['raw']) == 3


def test_participant_filter(emu, playbook):
    emu.config(page_size=1)
    call = emu.create_call(participants=[{'user': {'id': A}}, {'phone': {'id': '+12345678901'}}, {'user': {'id': B}}])
    run = playbook('info.yml', info={'call_id': call['id'], 'identities': [A.upper(), '+1 234 567 8901']})
    roster = run.task('Roster')['result']
    assert sorted(p['label'] for p in roster['participants']) == ['phone:+12345678901', 'user:' + A]
    assert len(recorded(emu, 'GET', contains='/participants')) == 4, 'every page was read'


def test_participant_filter_rejects_bad_values_before_any_request(emu, playbook):
    call = emu.create_call()
    before = len(emu.requests())
    run = playbook('info.yml', info={'call_id': call['id'], 'identities': ['bob']})
    roster = run.task('Roster')
    assert roster['status'] == 'failed'
    assert 'identities[0] must be an object id' in roster['result']['msg']
    roster_reads = [r for r in emu.requests()[before:] if r['path'].endswith('/participants')]
    assert roster_reads == []


def test_info_on_a_peer_to_peer_call(emu, playbook):
    call = emu.create_call(group=False)
    run = playbook('info.yml', info={'call_id': call['id']})
    info = run.task('Call')['result']
    assert info['exists'] is True and info['call']['group'] is False and info['call']['chat_info'] is None
    roster = run.task('Roster')
    assert roster['status'] == 'failed'
    assert 'is a peer-to-peer call: Graph does not list the participants' in roster['result']['msg']


def test_info_on_an_unknown_call(emu, playbook):
    run = playbook('info.yml', info={'call_id': '00000000-0000-4000-8000-000000000000'})
    assert run.rc == 0, run.output
    info = run.task('Call')
    assert info['status'] == 'ok' and info['result']['exists'] is False and info['result']['call'] is None
    roster = run.task('Roster')
    assert roster['status'] == 'ok' and roster['result']['exists'] is False and roster['result']['participants'] == []


def test_info_in_check_mode_still_reads(emu, playbook):
    call = emu.create_call()
    run = playbook('info.yml', check=True, info={'call_id': call['id']})
    assert run.task('Call')['result']['exists'] is True
    assert run.task('Roster')['result']['count'] == 1
