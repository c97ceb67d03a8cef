# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Graph client under throttling and faults, injected by the emulator (POST /_emulator/faults).

Each test proves its claim from what the emulator recorded and holds: how many invites reached
its state, which requests were retried, and that a read came between any two invite POSTs of one
intent.

A run costs more than a task, so the faults that Graph requests meet run as tasks of one play: each
case has a call of its own, its fault rules match only that call's paths and its switches are the
call's own config, and its checks read only that call's requests. Faults of the token endpoint
cannot be aimed at one call (and the token is what those tests are about): they keep runs of their own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import functools
import re
import time

from conftest import case_checks, finished_operations, invite_posts, ok, wait_for_request

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
INVITE_PATH = '/participants/invite$'
ROSTER_PATH = '/participants$'
OPERATIONS_PATH = '/operations$'


def stored_operations(emu, call_id):
    return emu.call(call_id)['operations']


def retry_warnings(result):
    return [w for w in result.get('warnings', []) if '; retry ' in w]


def on_call(call_id, path):
    """A fault rule's path regex that matches ``path`` (a regex like INVITE_PATH) of this call only."""
    return '/communications/calls/' + re.escape(call_id) + path


def call_requests(emu, call_id):
    """The recorded Graph requests on this call, oldest first."""
    return [r for r in emu.requests() if '/communications/calls/%s/' % call_id in r['path'] + '/']


def assert_read_between_posts(emu, call_id):
    """Between any two invite POSTs into the call, the call's operations were read again."""
    seen_post = False
    for request in call_requests(emu, call_id):
        if request['method'] == 'POST' and request['path'].endswith('/participants/invite'):
            assert not seen_post, 'two invite POSTs without a read of the operations between them'
            seen_post = True
        elif request['method'] == 'GET' and request['path'].endswith('/operations'):
            seen_post = False


def invite(playbook, call_id, people=({'user': A},), **options):
    return playbook('invite.yml', invite=dict(call_id=call_id, participants=list(people), **options), extra_args=('-vvvv',))


def invite_step(name, call_id, people=({'user': A},), **options):
    """A task of the shared play: graph_call_invite with the options invite.yml would pass."""
    return (name, 'graph_call_invite', dict(call_id=call_id, participants=list(people), **options))


# --- The cases of the shared play: each sets up its call and faults, and returns (name, steps, check(run)). ---


def throttled_invite_is_sent_again_after_retry_after(emu, kind):
    name = 'throttled invite is sent again after Retry-After as %s' % kind
    call = emu.create_call()
    retry_after = email.utils.formatdate(time.time() + 1, usegmt=True) if kind == 'http-date' else kind
    emu.add_faults({'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': 'status', 'status': 429, 'retry_after': retry_after, 'times': 3})

    def check(run):
        result = ok(run.task(name))
        assert result['changed'] is True
        assert [p['status'] for p in invite_posts(emu, call['id'])] == [429, 429, 429, 200]
        assert len(stored_operations(emu, call['id'])) == 1, 'exactly one invite reached Graph'
        assert len(retry_warnings(result)) == 3
        assert all('HTTP 429' in w and 'TooManyRequests' in w for w in retry_warnings(result))

    return name, [invite_step(name, call['id'])], check


def roster_read_is_retried(emu, status):
    name = 'roster read is retried after %d' % status
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': on_call(call['id'], ROSTER_PATH), 'action': 'status', 'status': status, 'times': 2})

    def check(run):
        result = ok(run.task(name))
        roster_reads = [r['status'] for r in call_requests(emu, call['id']) if r['path'].endswith('/participants')]
        # The roster alone first (retried), then, as it does not settle the task, again with the call and operations.
        assert roster_reads == [status, status, 200, 200]
        assert len(retry_warnings(result)) == 2 and len(invite_posts(emu, call['id'])) == 1

    return name, [invite_step(name, call['id'])], check


def roster_read_retries_exhausted_is_a_clear_failure(emu):
    name = 'roster read retries exhausted is a clear failure'
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': on_call(call['id'], ROSTER_PATH), 'action': 'status', 'status': 503, 'times': 10})

    def check(run):
        record = run.task(name)
        assert record['status'] == 'failed', record
        result = record['result']
        assert result['error']['status'] == 503 and result['error']['code'] == 'serviceNotAvailable'
        for part in ('HTTP 503', 'serviceNotAvailable', result['error']['request_id'], 'gave up after 2 retries'):
            assert part in result['msg']
        assert invite_posts(emu, call['id']) == []

    return name, [invite_step(name, call['id'], retries=2)], check


def lost_answer_is_found_by_client_context(emu, action):
    name = 'lost answer (%s) is found by clientContext' % action
    call = emu.create_call()
    emu.add_faults(
        {'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': action, **({'status': 503} if action == 'commit_then_status' else {})}
    )

    def check(run):
        result = ok(run.task(name))
        assert result['changed'] is True
        posts = invite_posts(emu, call['id'])
        assert len(posts) == 1 and len(stored_operations(emu, call['id'])) == 1, 'exactly one invite'
        found = result['operations'][0]
        assert found['clientContext'] == posts[0]['body']['clientContext']
        assert {p['status'] for p in result['participants']} == {'invited'}
        assert 'Graph lists it by its own clientContext' in ' '.join(result['warnings'])
        assert_read_between_posts(emu, call['id'])

    return name, [invite_step(name, call['id'], people=[{'user': A}, {'user': B}], batch_size=2)], check


def lost_answer_with_unprovable_absence_is_unknown(emu, action):
    # Operations unreadable and ringing people not in the roster: the invite cannot be found, and
    # its absence cannot be proven. The task must not guess.
    name = 'lost answer (%s) with unprovable absence is unknown' % action
    call = emu.create_call(config={'list_operations': 404, 'ringing_in_roster': False, 'invite_outcome': {'result': 'answer', 'after': 60}})
    emu.add_faults({'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': action})

    def check(run):
        record = run.task(name)
        assert record['status'] == 'failed', record
        result = record['result']
        assert result['outcome'] == 'unknown'
        assert result['unknown_client_context'] == invite_posts(emu, call['id'])[0]['body']['clientContext']
        assert 'may or may not have reached Graph' in result['msg']
        assert "Graph does not list the call's operations, and its people are not in the roster" in result['msg']
        assert result['participants'][0]['status'] == 'unknown' and result['changed'] is True
        assert len(invite_posts(emu, call['id'])) == 1 and len(stored_operations(emu, call['id'])) == 1

    return name, [invite_step(name, call['id'], settle_timeout=0)], check


def rerun_after_unknown_finds_the_invite(emu):
    # Two tasks in a row on one call, as two runs were: the second finds what the first could not.
    name = 'rerun after unknown finds the invite'
    call = emu.create_call(config={'invite_outcome': {'result': 'answer', 'after': 60}, 'ringing_in_roster': False})
    emu.add_faults(
        {'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': 'commit_then_drop'},
        {'method': 'GET', 'path': on_call(call['id'], OPERATIONS_PATH), 'action': 'status', 'status': 404},
    )
    first, again = name + ': first', name + ': again'

    def check(run):
        record = run.task(first)
        assert record['status'] == 'failed' and record['result']['outcome'] == 'unknown', record
        result = ok(run.task(again))
        assert result['changed'] is False and result['participants'][0]['status'] == 'pending'
        assert len(invite_posts(emu, call['id'])) == 1

    return name, [invite_step(first, call['id'], retries=0, settle_timeout=0), invite_step(again, call['id'])], check


def plain_5xx_is_unknown_and_never_resent(emu, status):
    # Graph keeps finished operations (one is listed), and this POST left none: a read still cannot
    # prove that a request in flight will not land, so it is not sent again in this task.
    # The call's first invite POST meets a zero delay (performed as usual, it only uses up the rule),
    # the second one the 5xx: so both invites are tasks of one play, as two runs with a fault added between them were.
    name = 'plain %d is unknown and never resent' % status
    call = emu.create_call()
    emu.add_faults(
        {'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': 'delay', 'delay_ms': 0},
        {'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': 'status', 'status': status},
    )
    earlier, later = name + ': earlier invite', name + ': later invite'

    def check(run):
        assert ok(run.task(earlier))['changed'] is True
        # The earlier operation is finished and still listed (the later POST was not performed, so it is the only one).
        assert len(finished_operations(emu, call['id'])) == 1
        record = run.task(later)
        assert record['status'] == 'failed' and record['result']['outcome'] == 'unknown', record
        assert [p['status'] for p in invite_posts(emu, call['id'])] == [200, status]
        assert 'no operation with its clientContext was listed' in record['result']['msg']
        assert record['result']['error']['status'] == status

    return name, [invite_step(earlier, call['id'], people=[{'user': B}]), invite_step(later, call['id'], people=[{'user': A}], settle_timeout=1)], check


def plain_503_on_a_fresh_call_is_unknown_not_resent(emu):
    name = 'plain 503 on a fresh call is unknown, not resent'
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': on_call(call['id'], INVITE_PATH), 'action': 'status', 'status': 503})

    def check(run):
        record = run.task(name)
        assert record['status'] == 'failed' and record['result']['outcome'] == 'unknown', record
        assert 'no operation with its clientContext was listed' in record['result']['msg']
        assert len(invite_posts(emu, call['id'])) == 1

    return name, [invite_step(name, call['id'], settle_timeout=0)], check


def malformed_json_is_a_clear_error(emu):
    name = 'malformed JSON is a clear error'
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': on_call(call['id'], ROSTER_PATH), 'action': 'malformed'})

    def check(run):
        record = run.task(name)
        assert record['status'] == 'failed', record
        assert 'not a JSON object' in record['result']['msg'] and record['result']['error']['code'] == 'malformedResponse'
        assert invite_posts(emu, call['id']) == []

    return name, [invite_step(name, call['id'])], check


def slow_answer_past_the_timeout(emu):
    # The delay holds only this call's connections; the other tasks are served meanwhile.
    name = 'slow answer past the timeout'
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': on_call(call['id'], ROSTER_PATH), 'action': 'delay', 'delay_ms': 2500, 'times': 5})

    def check(run):
        record = run.task(name)
        assert record['status'] == 'failed', (call_requests(emu, call['id']), emu.faults(), record)
        # The emulator records a delayed request when it is done with it, after the module gave up.
        reads = wait_for_request(emu, lambda r: r['path'].endswith('/%s/participants' % call['id']) and r.get('fault') == 'delay', count=2)
        assert len(reads) == 2, 'both attempts were delayed past the timeout'
        result = record['result']
        assert 'no answer within the timeout' in result['msg'] and 'gave up after 1 retries' in result['msg']
        assert len(retry_warnings(result)) == 1
        assert invite_posts(emu, call['id']) == []

    return name, [invite_step(name, call['id'], timeout=1, retries=1)], check


GRAPH_FAULT_CASES = [
    # The HTTP-date first, so its date is as close ahead as it was in a run of its own; the slow answer early,
    # so its delayed reads finish while later tasks run.
    functools.partial(throttled_invite_is_sent_again_after_retry_after, kind='http-date'),
    slow_answer_past_the_timeout,
    functools.partial(throttled_invite_is_sent_again_after_retry_after, kind='0.5'),
    functools.partial(roster_read_is_retried, status=503),
    functools.partial(roster_read_is_retried, status=504),
    roster_read_retries_exhausted_is_a_clear_failure,
    functools.partial(lost_answer_is_found_by_client_context, action='commit_then_drop'),
    functools.partial(lost_answer_is_found_by_client_context, action='commit_then_status'),
    functools.partial(lost_answer_with_unprovable_absence_is_unknown, action='commit_then_drop'),
    functools.partial(lost_answer_with_unprovable_absence_is_unknown, action='commit_then_status'),
    rerun_after_unknown_finds_the_invite,
    functools.partial(plain_5xx_is_unknown_and_never_resent, status=500),
    functools.partial(plain_5xx_is_unknown_and_never_resent, status=504),
    plain_503_on_a_fresh_call_is_unknown_not_resent,
    malformed_json_is_a_clear_error,
]


def test_graph_faults_each_on_its_own_call(emu, tasks):
    cases = [setup(emu) for setup in GRAPH_FAULT_CASES]
    run = tasks([step for dummy, steps, dummy in cases for step in steps], extra_args=('-vvvv',))
    problems = []
    for name, dummy, check in cases:
        with case_checks(problems, name):
            check(run)
    assert not problems, '\n\n'.join(problems)
    assert 'Traceback' not in run.output


def test_token_endpoint_500_then_success(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': '/oauth2/v2.0/token$', 'action': 'status', 'status': 500})
    run = invite(playbook, call['id'])
    assert run.rc == 0, run.output
    tokens = [r['status'] for r in emu.requests() if r['path'].endswith('/oauth2/v2.0/token')]
    assert tokens == [500, 200]
    assert any('server_error' in w for w in retry_warnings(run.result))


def test_expired_token_is_refreshed_once(emu, playbook, tmp_path):
    # A token cached by the first run is forgotten by the emulator (as if it expired); the second
    # run's first read gets 401, fetches one new token, and goes on. Two runs: the emulator must
    # forget the token between them.
    call = emu.create_call()
    cache = str(tmp_path / 'tokens.json')
    first = invite(playbook, call['id'], people=[{'user': B}], token_cache=cache)
    assert first.rc == 0, first.output
    emu.reset(tokens=True)
    call = emu.create_call()
    run = invite(playbook, call['id'], token_cache=cache)
    assert run.rc == 0, run.output
    sequence = [(r['method'], r['path'].rsplit('/', 1)[-1], r['status']) for r in emu.requests()]
    assert [s for s in sequence if s[1] == 'token'] == [('POST', 'token', 200)], 'exactly one new token'
    assert 401 in [s[2] for s in sequence]
    assert 'rejected the access token' in ' '.join(run.result['warnings'])
