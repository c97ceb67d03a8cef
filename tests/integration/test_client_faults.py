# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Graph client under throttling and faults, injected by the emulator (POST /_emulator/faults).

Each test proves its claim from what the emulator recorded and holds: how many invites reached
its state, which requests were retried, and that a read came between any two invite POSTs of one
intent.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import time

import pytest

from conftest import finished_operations, invite_posts, wait_for_request

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
INVITE_PATH = '/participants/invite$'
ROSTER_PATH = '/participants$'


def stored_operations(emu, call_id):
    return emu.call(call_id)['operations']


def retry_warnings(run):
    return [w for w in run.result.get('warnings', []) if '; retry ' in w]


def assert_read_between_posts(emu):
    """Between any two invite POSTs, the call's operations were read again."""
    seen_post = False
    for request in emu.requests():
        if request['method'] == 'POST' and request['path'].endswith('/participants/invite'):
            assert not seen_post, 'two invite POSTs without a read of the operations between them'
            seen_post = True
        elif request['method'] == 'GET' and request['path'].endswith('/operations'):
            seen_post = False


def invite(playbook, call_id, people=({'user': A},), **options):
    return playbook('invite.yml', invite=dict(call_id=call_id, participants=list(people), **options),
                    extra_args=('-vvvv',))


@pytest.mark.parametrize('retry_after', ['0.5', 'http-date'])
def test_throttled_invite_is_sent_again_after_retry_after(emu, playbook, retry_after):
    call = emu.create_call()
    if retry_after == 'http-date':
        retry_after = email.utils.formatdate(time.time() + 1, usegmt=True)
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': 'status', 'status': 429,
                    'retry_after': retry_after, 'times': 3})
    run = invite(playbook, call['id'])
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert [p['status'] for p in invite_posts(emu)] == [429, 429, 429, 200]
    assert len(stored_operations(emu, call['id'])) == 1, 'exactly one invite reached Graph'
    assert len(retry_warnings(run)) == 3
    assert all('HTTP 429' in w and 'TooManyRequests' in w for w in retry_warnings(run))


@pytest.mark.parametrize('status', [503, 504])
def test_roster_read_is_retried(emu, playbook, status):
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': ROSTER_PATH, 'action': 'status', 'status': status, 'times': 2})
    run = invite(playbook, call['id'])
    assert run.rc == 0, run.output
    roster_reads = [r['status'] for r in emu.requests() if r['path'].endswith('/participants')]
    assert roster_reads == [status, status, 200]
    assert len(retry_warnings(run)) == 2 and len(invite_posts(emu)) == 1


def test_roster_read_retries_exhausted_is_a_clear_failure(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': ROSTER_PATH, 'action': 'status', 'status': 503, 'times': 10})
    run = invite(playbook, call['id'], retries=2)
    assert run.rc != 0
    result = run.result
    assert result['error']['status'] == 503 and result['error']['code'] == 'serviceNotAvailable'
    for part in ('HTTP 503', 'serviceNotAvailable', result['error']['request_id'], 'gave up after 2 retries'):
        assert part in result['msg']
    assert invite_posts(emu) == []
    assert 'Traceback' not in run.output


@pytest.mark.parametrize('action', ['commit_then_drop', 'commit_then_status'])
def test_lost_answer_is_found_by_client_context(emu, playbook, action):
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': action, **({'status': 503} if action == 'commit_then_status' else {})})
    run = invite(playbook, call['id'], people=[{'user': A}, {'user': B}], batch_size=2)
    assert run.rc == 0, run.output
    assert run.result['changed'] is True
    assert len(invite_posts(emu)) == 1 and len(stored_operations(emu, call['id'])) == 1, 'exactly one invite'
    found = run.result['operations'][0]
    assert found['clientContext'] == invite_posts(emu)[0]['body']['clientContext']
    assert {p['status'] for p in run.result['participants']} == {'invited'}
    assert 'Graph lists it by its own clientContext' in ' '.join(run.result['warnings'])
    assert_read_between_posts(emu)


@pytest.mark.parametrize('action', ['commit_then_drop', 'commit_then_status'])
def test_lost_answer_with_unprovable_absence_is_unknown(emu, playbook, action):
    # Operations unreadable and ringing people not in the roster: the invite cannot be found, and
    # its absence cannot be proven. The task must not guess.
    call = emu.create_call()
    emu.config(list_operations=404, ringing_in_roster=False, invite_outcome={'result': 'answer', 'after': 60})
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': action})
    run = invite(playbook, call['id'], settle_timeout=0)
    assert run.rc != 0
    result = run.result
    assert result['outcome'] == 'unknown'
    assert result['unknown_client_context'] == invite_posts(emu)[0]['body']['clientContext']
    assert 'may or may not have reached Graph' in result['msg']
    assert "Graph does not list the call's operations, and its people are not in the roster" in result['msg']
    assert result['participants'][0]['status'] == 'unknown' and result['changed'] is True
    assert len(invite_posts(emu)) == 1 and len(stored_operations(emu, call['id'])) == 1


def test_rerun_after_unknown_finds_the_invite(emu, playbook):
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'answer', 'after': 60}, ringing_in_roster=False)
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': 'commit_then_drop'},
                   {'method': 'GET', 'path': '/operations$', 'action': 'status', 'status': 404})
    first = invite(playbook, call['id'], retries=0, settle_timeout=0)
    assert first.rc != 0 and first.result['outcome'] == 'unknown'
    again = invite(playbook, call['id'])
    assert again.rc == 0, again.output
    assert again.result['changed'] is False and again.result['participants'][0]['status'] == 'pending'
    assert len(invite_posts(emu)) == 1


@pytest.mark.parametrize('status', [500, 504])
def test_plain_5xx_is_unknown_and_never_resent(emu, playbook, status):
    # Graph keeps finished operations (one is listed), and this POST left none: a read still cannot
    # prove that a request in flight will not land, so it is not sent again in this task.
    call = emu.create_call()
    first = invite(playbook, call['id'], people=[{'user': B}])
    assert first.rc == 0
    finished_operations(emu, call['id'])
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': 'status', 'status': status})
    run = invite(playbook, call['id'], people=[{'user': A}], settle_timeout=1)
    assert run.rc != 0 and run.result['outcome'] == 'unknown'
    assert [p['status'] for p in invite_posts(emu)] == [200, status]
    assert 'no operation with its clientContext was listed' in run.result['msg']
    assert run.result['error']['status'] == status


def test_plain_503_on_a_fresh_call_is_unknown_not_resent(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': INVITE_PATH, 'action': 'status', 'status': 503})
    run = invite(playbook, call['id'], settle_timeout=0)
    assert run.rc != 0 and run.result['outcome'] == 'unknown'
    assert 'no operation with its clientContext was listed' in run.result['msg']
    assert len(invite_posts(emu)) == 1


def test_token_endpoint_500_then_success(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'POST', 'path': '/oauth2/v2.0/token$', 'action': 'status', 'status': 500})
    run = invite(playbook, call['id'])
    assert run.rc == 0, run.output
    tokens = [r['status'] for r in emu.requests() if r['path'].endswith('/oauth2/v2.0/token')]
    assert tokens == [500, 200]
    assert any('server_error' in w for w in retry_warnings(run))


def test_expired_token_is_refreshed_once(emu, playbook, tmp_path):
    # A token cached by the first run is forgotten by the emulator (as if it expired); the second
    # run's first read gets 401, fetches one new token, and goes on.
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


def test_malformed_json_is_a_clear_error(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': ROSTER_PATH, 'action': 'malformed'})
    run = invite(playbook, call['id'])
    assert run.rc != 0
    assert 'not a JSON object' in run.result['msg'] and run.result['error']['code'] == 'malformedResponse'
    assert 'Traceback' not in run.output
    assert invite_posts(emu) == []


def test_slow_answer_past_the_timeout(emu, playbook):
    call = emu.create_call()
    emu.add_faults({'method': 'GET', 'path': ROSTER_PATH, 'action': 'delay', 'delay_ms': 2500, 'times': 5})
    run = invite(playbook, call['id'], timeout=1, retries=1)
    assert run.rc != 0, (emu.requests(), emu.faults(), run.output[-3000:])
    # The emulator records a delayed request when it is done with it, after the module gave up.
    reads = wait_for_request(emu, lambda r: r['path'].endswith('/participants') and r.get('fault') == 'delay', count=2)
    assert len(reads) == 2, 'both attempts were delayed past the timeout'
    assert 'no answer within the timeout' in run.result['msg'] and 'gave up after 1 retries' in run.result['msg']
    assert len(retry_warnings(run)) == 1
    assert invite_posts(emu) == []
