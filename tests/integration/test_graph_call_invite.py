# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_invite end to end: real ansible-playbook runs against the emulator over HTTPS."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import re

import pytest

from conftest import invite_posts, recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
C = '278405a3-f568-4b3e-b684-009193463064'


def user_set(ident, name=None):
    identity = {'@odata.type': '#microsoft.graph.identity', 'id': ident}
    if name:
        identity['displayName'] = name
    return {'@odata.type': '#microsoft.graph.identitySet', 'user': identity}


def invitation(kind, ident, name=None):
    identity = {'@odata.type': '#microsoft.graph.identity', 'id': ident}
    if name:
        identity['displayName'] = name
    return {'@odata.type': '#microsoft.graph.invitationParticipantInfo',
            'identity': {'@odata.type': '#microsoft.graph.identitySet', kind: identity}}


def derived_base(call_id):
    return 'mgc1-' + hashlib.sha256(call_id.encode('utf-8')).hexdigest()[:32]


def assert_attempt_context(context, base):
    """``base~`` and 15 hex digits: the family, and an id of its own for this POST."""
    family, attempt = context.split('~')
    assert family == base and re.match('^[0-9a-f]{15}$', attempt), context


def roster_ids(emu, call_id):
    ids = set()
    for participant in emu.call(call_id)['participants']:
        for kind, value in participant['info']['identity'].items():
            if isinstance(value, dict) and value.get('id'):
                ids.add((kind, value['id']))
    return ids


@pytest.fixture
def group_call(emu):
    """A group call with A already in it (besides the bot)."""
    return emu.create_call(participants=[user_set(A, 'Ann')])


def test_check_mode_reads_the_roster_and_posts_nothing(emu, playbook, group_call):
    run = playbook('invite.yml', check=True, diff=True,
                   invite={'call_id': group_call['id'], 'participants': [{'user': A}, {'user': B, 'display_name': 'Bob'}]})
    assert run.rc == 0, run.output
    result = run.result
    assert result['changed'] is True
    assert result['invited'] == [{'user': B, 'display_name': 'Bob'}]
    assert result['already_present'] == [{'user': A}]
    assert result['operations'] == []
    assert result['client_context'] == derived_base(group_call['id'])
    before = result['diff']['before'].splitlines()
    after = result['diff']['after'].splitlines()
    assert before == sorted(before) and after == sorted(after)
    assert 'user:' + A in before and 'application:' + emu.info['client_id'] in before
    assert sorted(before + ['user:' + B]) == after
    assert recorded(emu, 'GET', '/communications/calls/%s/participants' % group_call['id'])
    assert invite_posts(emu) == []
    assert ('user', B) not in roster_ids(emu, group_call['id'])
    # The diff reaches the screen too, as a user previewing with --check --diff sees it.
    assert '\n+user:%s\n' % B in run.output


@pytest.mark.floors
def test_invite_then_rerun_is_idempotent(emu, playbook, group_call):
    invite = {'call_id': group_call['id'], 'participants': [{'user': A}, {'user': B.upper(), 'display_name': 'Bob'},
                                                            {'phone': '+1 (234) 567-8901'}], 'batch_size': 5}
    first = playbook('invite.yml', invite=invite)
    assert first.rc == 0, first.output
    assert first.result['changed'] is True
    assert first.result['invited'] == [{'user': B, 'display_name': 'Bob'}, {'phone': '+12345678901'}]
    assert first.result['already_present'] == [{'user': A}]
    posts = invite_posts(emu)
    assert len(posts) == 1
    base = derived_base(group_call['id'])
    assert posts[0]['body']['participants'] == [invitation('user', B, 'Bob'), invitation('phone', '+12345678901')]
    assert set(posts[0]['body']) == {'participants', 'clientContext'}
    assert_attempt_context(posts[0]['body']['clientContext'], base)
    operation = first.result['operations'][0]
    assert operation['@odata.type'] == '#microsoft.graph.inviteParticipantsOperation'
    assert operation['clientContext'] == posts[0]['body']['clientContext']
    assert {('user', B), ('phone', '+12345678901')} <= roster_ids(emu, group_call['id'])

    second = playbook('invite.yml', invite=invite)
    assert second.rc == 0, second.output
    assert second.result['changed'] is False
    assert second.result['invited'] == []
    assert len(second.result['already_present']) == 3
    assert len(invite_posts(emu)) == 1, 'the re-run must not POST'


def test_seven_participants_are_sent_as_five_and_two(emu, playbook):
    call = emu.create_call()
    people = ['%08x-0000-4000-8000-%012d' % (i, i) for i in range(7)]
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': p} for p in people],
                                         'batch_size': 5})
    assert run.rc == 0, run.output
    posts = sorted(invite_posts(emu), key=lambda post: -len(post['body']['participants']))  # sent at once
    assert [len(p['body']['participants']) for p in posts] == [5, 2]
    sent = [p['body']['participants'][i]['identity']['user']['id'] for p in posts for i in range(len(p['body']['participants']))]
    assert sent == people
    contexts = [p['body']['clientContext'] for p in posts]
    assert len(set(contexts)) == 2
    for context in contexts:
        assert_attempt_context(context, derived_base(call['id']))
    assert len(run.result['operations']) == 2


def test_roster_pages_are_all_read(emu, playbook):
    emu.config(page_size=2)
    call = emu.create_call(participants=[user_set('%08x-0000-4000-8000-000000000000' % i) for i in range(4)] + [user_set(B)])
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': B}]})
    assert run.rc == 0, run.output
    assert run.result['changed'] is False, 'B is on the last page and must be found'
    pages = recorded(emu, 'GET', '/participants')
    assert len(pages) == 3   # 6 participants (bot + 5) at 2 per page
    assert [p['query'].get('$skiptoken') for p in pages][1:] == ['2', '4']
    assert invite_posts(emu) == []


def test_user_client_context_is_the_base(emu, playbook, group_call):
    run = playbook('invite.yml', invite={'call_id': group_call['id'], 'client_context': 'incident-42',
                                         'participants': [{'user': C}]})
    assert run.rc == 0, run.output
    assert run.result['client_context'] == 'incident-42'
    assert_attempt_context(invite_posts(emu)[0]['body']['clientContext'], 'incident-42')


def test_duplicates_are_merged_with_a_warning(emu, playbook, group_call):
    run = playbook('invite.yml', invite={'call_id': group_call['id'],
                                         'participants': [{'user': B}, {'user': B.upper()}]})
    assert run.rc == 0, run.output
    assert 'participants[1] repeats participants[0]' in ' '.join(run.result.get('warnings', []))
    assert len(invite_posts(emu)[0]['body']['participants']) == 1


@pytest.mark.parametrize('call_id', ['a/b', 'x%2Fy', 'q?x=1', 'h#frag', '...'])
def test_call_id_is_one_path_segment(emu, playbook, call_id):
    call = emu.create_call(id=call_id)
    run = playbook('invite.yml', invite={'call_id': call_id, 'participants': [{'user': B}]})
    assert run.rc == 0, run.output
    graph = [r for r in emu.requests() if '/communications/' in r['path']]
    assert graph and all(r['status'] < 400 for r in graph), graph
    assert ('user', B) in roster_ids(emu, call['id'])


def test_unknown_call_reports_graph_error(emu, playbook):
    run = playbook('invite.yml', invite={'call_id': '00000000-0000-4000-8000-00000000dead', 'participants': [{'user': B}]})
    assert run.rc != 0
    result = run.result
    assert run.task()['status'] == 'failed'
    error = result['error']
    assert error['status'] == 404
    assert error['code'] == 'itemNotFound'
    assert error['request_id'] and error['client_request_id']
    recorded = [r for r in emu.requests() if r['headers'].get('client-request-id') == error['client_request_id']]
    assert len(recorded) == 1 and recorded[0]['status'] == 404, 'the reported id names the failed request'
    assert invite_posts(emu) == []
    for part in ('HTTP 404', 'itemNotFound', error['request_id'], error['client_request_id']):
        assert part in result['msg']
    assert 'Traceback' not in run.output


def test_wrong_secret_is_a_clear_token_error(emu, playbook, graph, group_call):
    bad = dict(graph, client_secret='not-the-secret')
    run = playbook('invite.yml', graph=bad, invite={'call_id': group_call['id'], 'participants': [{'user': B}]})
    assert run.rc != 0
    result = run.result
    assert result['error']['code'] == 'invalid_client'
    assert 'AADSTS7000215' in result['msg']
    assert 'not-the-secret' not in run.output
    assert recorded(emu, suffix='/participants') == []


def test_ca_path_wins_over_requests_ca_bundle(emu, playbook, graph, group_call):
    # The machine's REQUESTS_CA_BUNDLE does not hold the emulator's CA; without ca_path TLS must fail.
    no_ca = dict(graph, ca_path=None)
    run = playbook('invite.yml', graph=no_ca, invite={'call_id': group_call['id'], 'participants': [{'user': B}]},
                   env={'REQUESTS_CA_BUNDLE': '/etc/ssl/certs/ca-certificates.crt'})
    assert run.rc != 0
    assert 'certificate' in run.result['msg'].lower()
    assert invite_posts(emu) == []
