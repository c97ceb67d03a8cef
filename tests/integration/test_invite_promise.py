# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The invite promise under faults: never twice, never falsely "invited", never nobody.

Each case reproduces a way the promise once broke, through real ansible-playbook runs against the
emulator, and counts the invite POSTs the emulator received. Requests "in flight" are played with
the emulator's ``hold`` fault, released by an event (a later read, or the test itself), never by a
wall-clock window.

The cases of a test share its runs (a run costs more than a task): each case has a call of its own, with
the call's own emulator config, and fault rules aimed at that call by its id; it is checked on that call
alone, and a failure names the case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import stat

from conftest import check_each, finished_operations, invite_posts, ok, wait_for_request

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
C = '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f'
RINGS_ON = {'invite_outcome': {'result': 'answer', 'after': 60}}  # the manual clock never gets there


def invite(name, call_id, people=({'user': A},), **options):
    """A task step: one graph_call_invite, as playbooks/invite.yml would run it with these options."""
    return (name, 'graph_call_invite', dict(call_id=call_id, participants=list(people), **options))


def invite_path(call_id):
    """The fault rule path of this call's invite POSTs (and of no other call's)."""
    return '/calls/%s/participants/invite$' % re.escape(call_id)


def statuses(result):
    return {p['label']: p['status'] for p in result['participants']}


def roster_ids(emu, call_id):
    return [ident['id'] for p in emu.call(call_id)['participants'][1:] for ident in p['info']['identity'].values() if isinstance(ident, dict)]


# 1, 7, 8. One task against a faulted invite POST ------------------------------------------------------

IN_FLIGHT = 'a POST still in flight is found by its own client context'
# (call config, fault on the call's invite POST, people, options)
ONE_TASK = {
    # 1. A POST still in flight when the module gives up is never sent again in the task: held past the module's
    # 1 s timeout, it is carried out when the module next lists the call's operations.
    IN_FLIGHT: ({}, {'action': 'hold'}, [A], {'timeout': 1, 'retries': 3}),
    'an ambiguous 408 never sends twice in a task': (
        dict(RINGS_ON, list_operations=404, ringing_in_roster=False),
        {'action': 'status', 'status': 408},
        [A],
        {'settle_timeout': 0, 'retries': 5},
    ),
    'an ambiguous dropped connection never sends twice in a task': (
        dict(RINGS_ON, list_operations=404, ringing_in_roster=False),
        {'action': 'commit_then_drop'},
        [A],
        {'settle_timeout': 0, 'retries': 5},
    ),
    # 7. A failed task still returns everyone it rang.
    'a task that fails half way reports who was rung': (RINGS_ON, {'action': 'status', 'status': 403}, [A, B, C], {}),
    # 8. Retries are totals per request.
    'a throttled POST is attempted retries plus one times': ({}, {'action': 'status', 'status': 429, 'retry_after': '0', 'times': 10}, [A], {'retries': 2}),
    'the retry budget is a total': ({}, {'action': 'status', 'status': 429, 'retry_after': '10'}, [A], {'retries': 5, 'retry_budget': 5}),
}


def test_a_faulted_invite_post_within_one_task(emu, tasks):
    calls = {}
    for name, case in ONE_TASK.items():
        config, fault = case[:2]
        calls[name] = call = emu.create_call(config=config)
        if name == IN_FLIGHT:
            fault = dict(fault, release_on={'method': 'GET', 'path': '/calls/%s/operations$' % re.escape(call['id'])})
        emu.add_faults(dict(fault, method='POST', path=invite_path(call['id'])))
    run = tasks(
        [invite(name, calls[name]['id'], [{'user': person} for person in people], **options) for name, (config, fault, people, options) in ONE_TASK.items()]
    )

    def check(name):
        record = run.task(name)
        result = record['result']
        posts = invite_posts(emu, calls[name]['id'])
        if name == IN_FLIGHT:
            ok(record)
            assert len(posts) == 1 and posts[0]['fault'] == 'hold', 'sent once, carried out late'
            assert statuses(result) == {'user:' + A: 'invited'}
            assert result['operations'][0]['clientContext'] == posts[0]['body']['clientContext']
            assert 'by its own clientContext' in ' '.join(result['warnings'])
        elif name.startswith('an ambiguous'):
            assert record['status'] == 'failed' and result['outcome'] == 'unknown'
            assert len(posts) == 1
        elif name == 'a task that fails half way reports who was rung':
            assert record['status'] == 'failed' and 'Graph refused the invite of' in result['msg']
            assert sorted(statuses(result).values()) == ['invited', 'invited', 'not_sent']
            assert len(result['invited']) == 2 and len(result['operations']) == 2 and result['changed'] is True
            assert result['error']['status'] == 403
            assert sorted(p['status'] for p in posts) == [200, 200, 403]
        elif name == 'a throttled POST is attempted retries plus one times':
            assert record['status'] == 'failed' and 'gave up after 2 retries' in result['msg']
            assert [p['status'] for p in posts] == [429, 429, 429]
        else:
            assert record['status'] == 'failed' and 'retry_budget=5.0s' in result['msg']
            assert len(posts) == 1, 'waiting 10 s would overrun the 5 s budget'

    check_each(ONE_TASK, check)


# 1, 2. A task, something happens, a re-run --------------------------------------------------------------

LANDING = 'a POST landing after the task is unknown, then found by the rerun'
SLOW = 'a slow POST past the timeout is sent once'
EARLIER = "an earlier run's operation is no proof of this one"


def test_a_rerun_after_an_uncertain_or_earlier_invite(emu, tasks):
    # Every case's first task in one run, what happens in between for each (on its own call), then every re-run.
    calls = {SLOW: emu.create_call(config=RINGS_ON), EARLIER: emu.create_call(), LANDING: emu.create_call(config=RINGS_ON)}
    slow, earlier, landing = (calls[name]['id'] for name in (SLOW, EARLIER, LANDING))
    # The observation as reported: timeout 1, the POST delayed 2.5 s. Whatever the module concluded, it sent
    # one POST, and a re-run once the POST has landed sends none.
    emu.add_faults(
        {'method': 'POST', 'path': invite_path(slow), 'action': 'delay', 'delay_ms': 2500}, {'method': 'POST', 'path': invite_path(landing), 'action': 'hold'}
    )
    # The held POST's task comes last, so that it is released well within the hold's own limit (max_hold_ms).
    first = tasks([invite(SLOW, slow, timeout=1, retries=3), invite(EARLIER, earlier), invite(LANDING, landing, timeout=1, settle_timeout=1)])
    wait_for_request(emu, lambda r: r['method'] == 'POST' and re.search(invite_path(slow), r['path']))
    assert emu.release_held() == 1  # the request in flight lands now, after the task gave up
    # 2. Run 1 invited A, A joins and leaves. Run 2's POST gets a 503 that Graph never acted on: the operation of
    # run 1 (same family, same person) must not be taken for it.
    ok(first.task(EARLIER))
    finished_operations(emu, earlier)
    emu.leave(earlier, A)
    emu.add_faults({'method': 'POST', 'path': invite_path(earlier), 'action': 'status', 'status': 503})
    again = tasks([invite(LANDING, landing), invite(SLOW, slow), invite(EARLIER, earlier, settle_timeout=2)])

    def check(name):
        before, after = first.task(name)['result'], again.task(name)
        posts = invite_posts(emu, calls[name]['id'])
        if name == LANDING:
            assert first.task(name)['status'] == 'failed' and before['outcome'] == 'unknown'
            assert statuses(before) == {'user:' + A: 'unknown'} and before['invited'] == []
            assert before['changed'] is True, 'it may have gone out'
            assert 're-run the task' in before['msg'] and 'not sent again' in before['msg']
            assert statuses(ok(after)) == {'user:' + A: 'pending'} and after['result']['changed'] is False
            assert len(posts) == 1, 'the re-run recognised the late invite by its family'
        elif name == SLOW:
            status = statuses(before)['user:' + A]
            assert status in ('invited', 'unknown')
            if status == 'invited':
                assert before['operations'][0]['clientContext'] == posts[0]['body']['clientContext']
            assert statuses(after['result']) == {'user:' + A: 'pending'}
            assert len(posts) == 1
        else:
            result = after['result']
            assert after['status'] == 'failed' and result['outcome'] == 'unknown'
            assert statuses(result) == {'user:' + A: 'unknown'} and result['invited'] == []
            assert roster_ids(emu, earlier) == [], 'nobody was rung'
            contexts = [p['body']['clientContext'] for p in posts]
            assert len(contexts) == 2 and contexts[0] != contexts[1]
            assert contexts[0].split('~')[0] == contexts[1].split('~')[0], 'one family'

    check_each(calls, check)


# 4. state=invited (the role's default) pages under every listing behaviour: test_role_page_responders.py
#    runs the role once per value of the emulator's list_operations.


# history_file: the promise without Graph's listing ----------------------------------------------------

KEEPS = "keeps state=invited without Graph's listing, list_operations=%s"
RINGING = 'lets present see an invite still ringing'
UNKNOWN = 'records an unknown invite for state=invited'


def test_history_file(emu, tasks, tmp_path):
    calls = {
        KEEPS % 404: emu.create_call(config={'list_operations': 404, 'invite_outcome': {'result': 'decline', 'after': 0}}),
        KEEPS % 'running_only': emu.create_call(config={'list_operations': 'running_only', 'invite_outcome': {'result': 'decline', 'after': 0}}),
        RINGING: emu.create_call(config=dict(RINGS_ON, list_operations=404, ringing_in_roster=False)),
        UNKNOWN: emu.create_call(config={'list_operations': 404}),
    }
    emu.add_faults({'method': 'POST', 'path': invite_path(calls[UNKNOWN]['id']), 'action': 'status', 'status': 503})
    history = dict((name, str(tmp_path / ('invites-%d.jsonl' % number))) for number, name in enumerate(calls))
    steps = []
    for name, call in calls.items():
        if name == RINGING:
            steps += [invite(name + ': first', call['id'], history_file=history[name]), invite(name + ': again', call['id'], history_file=history[name])]
        elif name == UNKNOWN:
            steps += [
                invite(name + ': first', call['id'], state='invited', history_file=history[name], settle_timeout=0),
                invite(name + ': again', call['id'], state='invited', history_file=history[name]),
            ]
        else:
            # Without the file, the same run would have paged A again (and said so): the blind task.
            steps += [
                invite(name + ': first', call['id'], state='invited', history_file=history[name]),
                invite(name + ': again', call['id'], state='invited', history_file=history[name]),
                invite(name + ': blind', call['id'], state='invited'),
            ]
    run = tasks(steps)

    def check(name):
        call_id = calls[name]['id']
        first, again = run.task(name + ': first'), run.task(name + ': again')
        posts = invite_posts(emu, call_id)
        if name == RINGING:
            ok(first)
            assert statuses(ok(again)) == {'user:' + A: 'pending'} and again['result']['changed'] is False
            assert len(posts) == 1
            operation_id = again['result']['participants'][0]['operation_id']
            assert [r['status'] for r in emu.requests() if r['path'].endswith('/operations/' + operation_id)] == [200]
        elif name == UNKNOWN:
            assert first['result']['outcome'] == 'unknown'
            assert statuses(again['result']) == {'user:' + A: 'done_before'}, 'it may have rung: never twice'
            assert len(posts) == 1
        else:
            ok(first)
            assert stat.S_IMODE(os.stat(history[name]).st_mode) == 0o600
            # The first invite finished at once (decline after 0); the manual clock has stood still since, so it had
            # finished when the second task read the call too.
            finished_operations(emu, call_id)
            assert statuses(ok(again)) == {'user:' + A: 'done_before'} and again['result']['changed'] is False
            blind = ok(run.task(name + ': blind'))
            assert statuses(blind) == {'user:' + A: 'invited'}
            # Two POSTs: the first task's and the blind one's (by their own clientContexts); the second task sent none.
            assert [p['body']['clientContext'] for p in posts] == [first['result']['operations'][0]['clientContext'], blind['operations'][0]['clientContext']]

    check_each(calls, check)


BAD_OPTIONS = [
    ({'history_file': '/nonexistent/dir/invites.jsonl'}, 'history_file'),
    ({'batch_size': 6}, 'batch_size must be a whole number from 1 to 5'),
    ({'batch_size': 0}, 'batch_size must be a whole number from 1 to 5'),
    ({'settle_timeout': -1}, 'settle_timeout must be'),
    ({'settle_timeout': 'nan'}, 'settle_timeout must be'),
]


def test_new_options_are_checked_before_any_request(emu, tasks):
    # Every bad value in one run: none of them may send anything, so the request log stays empty, token included.
    call = emu.create_call()
    names = ['%s=%s' % next(iter(options.items())) for options, message in BAD_OPTIONS]
    run = tasks([invite(name, call['id'], **options) for name, (options, message) in zip(names, BAD_OPTIONS)])

    def check(name):
        message = BAD_OPTIONS[names.index(name)][1]
        record = run.task(name)
        assert record['status'] == 'failed' and message in record['result']['msg'], record['result']

    check_each(names, check)
    assert emu.requests() == []
