# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Knowing the outcome: graph_call_invite's wait, and the two info modules, against the emulator.

The cases share ansible-playbook runs (a run costs more than a task): each case has a call of its own, with
the call's own emulator config (outcomes, list_operations, get_operation, page_size), and is checked on that
call alone; a failure names the case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from conftest import check_each, ok, recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'


def by_label(result):
    return {p['label']: p for p in result['participants']}


def on_call(emu, call_id):
    """The recorded requests naming this call (the other cases' calls share the request log)."""
    return [r for r in emu.requests() if '/communications/calls/%s' % call_id in r['path']]


def operation_reads(emu, call_id):
    """(kind, status) of each operation read of this call: ('list', 200) for the listing, ('get', 404) for one operation."""
    return [
        ('list' if r['path'].endswith('/operations') else 'get', r['status'])
        for r in on_call(emu, call_id)
        if r['method'] == 'GET' and '/operations' in r['path']
    ]


# The wait -------------------------------------------------------------------------------------------


def answer(after):
    return {'result': 'answer', 'after': after}


def decline(after):
    return {'result': 'decline', 'after': after}


BAD = 'bad wait values fail before any request'
EARLIER = 'wait covers someone still ringing from an earlier run'
WAIT = {'wait': True, 'wait_sleep': 0.5}
# Cases of the first run, on the manual clock standing still: (call config, people, more task args, task keywords).
# The bad values come first: see its check.
STILL = {
    BAD: ({}, [A], {'wait': True, 'wait_timeout': 0}, None),
    'decline fails the task with the result info': ({'invite_outcomes': {A: answer(0), B: decline(0)}}, [A, B], WAIT, None),
    'decline tolerated when asked': ({'invite_outcome': decline(0)}, [A], dict(WAIT, fail_on_failed_invite=False), None),
    'no answer times out': ({'invite_outcome': {'result': 'no_answer', 'after': 600}}, [A], dict(WAIT, wait_timeout=2), None),
    'no answer times out, tolerated': ({'invite_outcome': {'result': 'no_answer', 'after': 600}}, [A], dict(WAIT, wait_timeout=2, fail_on_timeout=False), None),
    # No listing, and the operation answers 404 from the first GET: only the roster can tell.
    'operation never served: the roster decides a join': (
        {'list_operations': 404, 'get_operation': '404_when_finished', 'invite_outcome': answer(0)},
        [A],
        WAIT,
        None,
    ),
    # Observation 5: with get_operation 404_when_finished, a decline before the first poll used to end as a
    # timeout after the whole wait_timeout. The listing shows the failed operation (or, running_only, drops it).
    'decline before the first poll is a failure, listing supported': (
        {'list_operations': 'supported', 'get_operation': '404_when_finished', 'invite_outcome': decline(0)},
        [A],
        dict(WAIT, wait_timeout=600, fail_on_failed_invite=False),
        None,
    ),
    'decline before the first poll is a failure, listing running_only': (
        {'list_operations': 'running_only', 'get_operation': '404_when_finished', 'invite_outcome': decline(0)},
        [A],
        dict(WAIT, wait_timeout=600, fail_on_failed_invite=False),
        None,
    ),
    # A task-level check_mode previews as `--check` would.
    'check mode never posts nor polls': ({}, [A], {'wait': True}, {'check_mode': True}),
    # The earlier run (no wait): A keeps ringing, since the clock stands still through this whole run.
    EARLIER: ({'invite_outcome': answer(6)}, [A], {}, None),
}
# Cases of the second run, where each Graph request moves emulated time 1 s (tick): (call config, people, more task args).
TICKING = {
    # The invitee answers 4 s after the invite: during the 2nd poll.
    'answer after a few polls joins': ({'invite_outcome': answer(4)}, [A], WAIT),
    # No listing: the operation is read while it runs, then answers 404: it finished, and A is not in the roster.
    'operation gone after running and absent is a failure': (
        {'list_operations': 404, 'get_operation': '404_when_finished', 'invite_outcome': decline(2)},
        [A],
        dict(WAIT, wait_timeout=10),
    ),
    # Observation 6: in one shared operation, the one who did not answer got the decliner's 603.
    'each person gets their own result info, batch_size=1': (
        {'invite_outcomes': {A: decline(0), B: {'result': 'no_answer', 'after': 1}}},
        [A, B],
        dict(WAIT, batch_size=1, fail_on_failed_invite=False),
    ),
    'each person gets their own result info, batch_size=2': (
        {'invite_outcomes': {A: decline(0), B: {'result': 'no_answer', 'after': 1}}},
        [A, B],
        dict(WAIT, batch_size=2, fail_on_failed_invite=False),
    ),
}


def step(name, call_id, people, args, keywords=None):
    return (name, 'graph_call_invite', dict(call_id=call_id, participants=[{'user': person} for person in people], **args)) + ((keywords,) if keywords else ())


def test_wait_finds_each_outcome(emu, tasks):
    # Two runs: the clock stands still through the first, then ticks through the second. The only case that needs
    # both is the earlier run's invite still ringing; every other case runs under its old clock.
    calls = dict((name, emu.create_call(config=case[0])) for name, case in list(STILL.items()) + list(TICKING.items()))
    still = tasks([step(name, calls[name]['id'], people, args, keywords) for name, (dummy, people, args, keywords) in STILL.items()])
    # Now every Graph request moves the clock 1 s. The earlier run's A rings through the next run's reads (+3 s) and
    # answers while it waits (at 6 s). That task comes first, so no other case's request moves A's clock.
    emu.clock(tick=1)
    ticking = tasks(
        [step(EARLIER, calls[EARLIER]['id'], [A], WAIT)] + [step(name, calls[name]['id'], people, args) for name, (dummy, people, args) in TICKING.items()]
    )

    def check(name):
        call_id = calls[name]['id']
        record = (ticking if name in TICKING or name == EARLIER else still).task(name)
        result = record['result']
        if name == BAD:
            assert record['status'] == 'failed' and 'wait_timeout must be a number of seconds from 1 to 3600' in result['msg']
            # It was the run's first task, and each task authenticates afresh (the token lives in its own process):
            # everything recorded before the next task's first request on its call is that task's authentication.
            requests = emu.requests()
            following = calls[list(STILL)[1]]['id']
            first = next(at for at, r in enumerate(requests) if following in r['path'])
            assert [(r['method'], r['path'].rsplit('/', 1)[-1]) for r in requests[:first]] == [('GET', 'openid-configuration'), ('POST', 'token')], (
                'the bad task sent no request, not even for a token'
            )
            assert on_call(emu, call_id) == []
        elif name == 'decline fails the task with the result info':
            assert record['status'] == 'failed'
            assert 'the invite failed: user:%s declined (code 603, subcode 10003' % B in result['msg'], result['msg']
            entries = by_label(result)
            assert entries['user:' + A]['outcome'] == 'joined'
            info = entries['user:' + B]['result_info']
            assert entries['user:' + B]['outcome'] == 'failed' and info['code'] == 603 and B in info['message']
            assert result['changed'] is True, 'the invite went out'
        elif name == 'decline tolerated when asked':
            assert by_label(ok(record))['user:' + A]['outcome'] == 'failed'
        elif name.startswith('no answer times out'):
            tolerate = name.endswith('tolerated')
            assert (record['status'] != 'failed') is tolerate, result
            assert by_label(result)['user:' + A]['outcome'] == 'timeout'
            if not tolerate:
                assert 'no outcome within wait_timeout=2s' in result['msg']
            # However slow the machine, it polled at least once and never beyond the deadline plus one interval.
            assert 1 <= result['wait_polls'] <= 2 / 0.5 + 2
        elif name == 'operation never served: the roster decides a join':
            assert by_label(ok(record))['user:' + A]['outcome'] == 'joined'
            polls = [
                (r['method'], r['path'].rsplit('/', 2)[-2], r['status'])
                for r in on_call(emu, call_id)
                if r['path'].endswith('/participants') or '/operations/' in r['path']
            ]
            assert polls[-2:] == [('GET', 'operations', 404), ('GET', call_id, 200)], 'the 404, then the roster decided'
        elif name.startswith('decline before the first poll'):
            supported = name.endswith('supported')
            entry = by_label(ok(record))['user:' + A]
            assert entry['outcome'] == 'failed'
            assert result['wait_polls'] == (1 if supported else 2)
            if supported:
                assert entry['result_info']['code'] == 603
            assert [kind for kind, dummy in operation_reads(emu, call_id)].count('get') == 0
        elif name == 'check mode never posts nor polls':
            assert ok(record)['changed'] is True and 'wait_polls' not in result
            assert recorded(emu, 'POST', contains=call_id + '/participants/invite') == []
            assert recorded(emu, 'GET', contains=call_id + '/operations/') == []
        elif name == EARLIER:
            first = still.task(name)
            assert first['status'] == 'changed', first['result']
            entry = by_label(ok(record))['user:' + A]
            assert entry['status'] == 'pending' and entry['outcome'] == 'joined'
            assert result['changed'] is False
        elif name == 'answer after a few polls joins':
            entry = by_label(ok(record))['user:' + A]
            assert entry['status'] == 'invited' and entry['outcome'] == 'joined'
            assert result['wait_polls'] == 2, 'it had to poll while the phone rang'
            assert operation_reads(emu, call_id)[-2:] == [('list', 200), ('list', 200)], 'one listing per poll, no GET per operation'
        elif name == 'operation gone after running and absent is a failure':
            assert record['status'] == 'failed'
            assert by_label(result)['user:' + A]['outcome'] == 'failed'
            assert [status for kind, status in operation_reads(emu, call_id) if kind == 'get'] == [200, 404]
        else:
            entries = by_label(ok(record))
            codes = {label: (entry['outcome'], entry['result_info']['code'], entry['shared_operation']) for label, entry in entries.items()}
            if name.endswith('batch_size=1'):
                assert codes == {'user:' + A: ('failed', 603, False), 'user:' + B: ('failed', 408, False)}
                assert A in entries['user:' + A]['result_info']['message'] and B in entries['user:' + B]['result_info']['message']
            else:
                # One operation: Graph gives one resultInfo for both, and the result says it is shared.
                assert codes == {'user:' + A: ('failed', 603, True), 'user:' + B: ('failed', 603, True)}

    check_each(calls, check)


# The info modules ---------------------------------------------------------------------------


def test_info_modules_on_each_kind_of_call(emu, tasks):
    calls = {
        'info on a group call': emu.create_call(participants=[{'user': {'id': A, 'displayName': 'Ann'}}, {'phone': {'id': '+12345678901'}}]),
        # Pages of one entry (the call's own page_size): every page must be read.
        'participant filter': emu.create_call(
            participants=[{'user': {'id': A}}, {'phone': {'id': '+12345678901'}}, {'user': {'id': B}}], config={'page_size': 1}
        ),
        'participant filter rejects bad values before any request': emu.create_call(),
        'info on a peer-to-peer call': emu.create_call(group=False),
        'info in check mode still reads': emu.create_call(),
    }
    call_id = dict((name, call['id']) for name, call in calls.items())
    call_id['info on an unknown call'] = '00000000-0000-4000-8000-000000000000'
    options = {
        'info on a group call': ({'raw': True}, {'raw': True}),
        'participant filter': ({}, {'identities': [A.upper(), '+1 234 567 8901']}),
        'participant filter rejects bad values before any request': ({}, {'identities': ['bob']}),
    }
    steps = []
    for name, ident in call_id.items():
        # The two tasks of playbooks/info.yml; check mode as a task keyword previews as `--check` would.
        keywords = ({'check_mode': True},) if name == 'info in check mode still reads' else ()
        call_options, roster_options = options.get(name, ({}, {}))
        steps.append(('Call: ' + name, 'graph_call_info', dict(call_id=ident, **call_options)) + keywords)
        steps.append(('Roster: ' + name, 'graph_call_participant_info', dict(call_id=ident, **roster_options)) + keywords)
    run = tasks(steps)

    def check(name):
        ident = call_id[name]
        info = run.task('Call: ' + name)
        roster = run.task('Roster: ' + name)
        if name == 'info on a group call':
            info, roster = ok(info), ok(roster)
            assert info['exists'] is True and info['changed'] is False
            assert info['call']['state'] == 'established' and info['call']['group'] is True
            assert info['call']['chat_info']['thread_id']
            assert info['raw']['id'] == ident
            assert roster['count'] == 3
            assert [p['label'] for p in roster['participants']] == ['application:' + emu.info['client_id'], 'user:' + A, 'phone:+12345678901']
            ann = roster['participants'][1]
            assert ann['display_name'] == 'Ann' and ann['in_lobby'] is False and ann['muted'] is False and ann['id']
            assert len(roster['raw']) == 3
        elif name == 'participant filter':
            assert sorted(p['label'] for p in roster['result']['participants']) == ['phone:+12345678901', 'user:' + A]
            assert len(recorded(emu, 'GET', contains=ident + '/participants')) == 4, 'every page was read'
        elif name == 'participant filter rejects bad values before any request':
            assert roster['status'] == 'failed'
            assert 'identities[0] must be an object id' in roster['result']['msg']
            assert [r for r in on_call(emu, ident) if r['path'].endswith('/participants')] == []
        elif name == 'info on a peer-to-peer call':
            info = info['result']
            assert info['exists'] is True and info['call']['group'] is False and info['call']['chat_info'] is None
            assert roster['status'] == 'failed'
            assert 'is a peer-to-peer call: Graph does not list the participants' in roster['result']['msg']
        elif name == 'info on an unknown call':
            assert info['status'] == 'ok' and info['result']['exists'] is False and info['result']['call'] is None
            assert roster['status'] == 'ok' and roster['result']['exists'] is False and roster['result']['participants'] == []
        else:
            assert info['result']['exists'] is True
            assert roster['result']['count'] == 1

    check_each(call_id, check)


def test_a_failed_invite_says_what_happened(emu, tasks):
    # Declined, busy and not answered, each their own invite: the message says which, with Graph's code, not "see result_info".
    call = emu.create_call()
    emu.config(
        invite_outcomes={
            A: {'result': 'decline', 'after': 0},
            B: {'result': 'busy', 'after': 0},
            '+14255550100': {'result': 'no_answer', 'after': 0},
        }
    )
    people = [{'user': A}, {'user': B}, {'phone': '+1 425 555 0100'}]
    record = tasks([('Invite', 'graph_call_invite', dict(call_id=call['id'], participants=people, wait=True, wait_sleep=0.1))]).task('Invite')
    assert record['status'] == 'failed', record['result']
    message = record['result']['msg']
    assert message.startswith('the invite failed: '), message
    assert 'user:%s declined (code 603, subcode 10003' % A in message, message
    assert 'user:%s was busy (code 486, subcode 10008' % B in message, message
    assert 'phone:+14255550100 did not answer (code 408, subcode 10057' in message, message
    assert 'see participants[].result_info' not in message
