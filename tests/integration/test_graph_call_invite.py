# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_invite end to end: real ansible-playbook runs against the emulator over HTTPS.

A run costs more than a task: the cases run as tasks of one play, each on a call of its own, and are
checked by what the emulator recorded for that call, naming the case that failed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
from urllib.parse import quote

import pytest

from conftest import case_checks, invite_posts, ok, recorded

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
    return {'@odata.type': '#microsoft.graph.invitationParticipantInfo', 'identity': {'@odata.type': '#microsoft.graph.identitySet', kind: identity}}


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


def new_group_call(emu):
    """A group call with A already in it (besides the bot)."""
    return emu.create_call(participants=[user_set(A, 'Ann')])


@pytest.fixture
def group_call(emu):
    return new_group_call(emu)


def invite_step(name, args, keywords=None):
    """A task of a play: graph_call_invite with the options invite.yml would pass (and task keywords)."""
    return (name, 'graph_call_invite', args, keywords or {})


def task_output(run, name):
    """What the run printed for that task: from its TASK header to the next one."""
    return run.output.split('TASK [%s]' % name, 1)[-1].split('\nTASK [', 1)[0]


def graph_requests_on(emu, call_id):
    """The recorded Graph requests on that call (its id as one percent-encoded path segment)."""
    segment = '/communications/calls/%s/' % quote(call_id, safe='')
    return [r for r in emu.requests() if segment in r['path'] + '/']


@pytest.mark.floors
def test_invite_then_rerun_is_idempotent(emu, tasks, group_call):
    # Two tasks of one play, as two runs were: nothing changes between them but what the first task did.
    invite = {
        'call_id': group_call['id'],
        'participants': [{'user': A}, {'user': B.upper(), 'display_name': 'Bob'}, {'phone': '+1 (234) 567-8901'}],
        'batch_size': 5,
    }
    run = tasks([invite_step('Invite', invite), invite_step('Invite again', invite)])
    first = ok(run.task('Invite'))
    assert first['changed'] is True
    assert first['invited'] == [{'user': B, 'display_name': 'Bob'}, {'phone': '+12345678901'}]
    assert first['already_present'] == [{'user': A}]
    posts = invite_posts(emu)
    assert len(posts) == 1
    base = derived_base(group_call['id'])
    assert posts[0]['body']['participants'] == [invitation('user', B, 'Bob'), invitation('phone', '+12345678901')]
    assert set(posts[0]['body']) == {'participants', 'clientContext'}
    assert_attempt_context(posts[0]['body']['clientContext'], base)
    operation = first['operations'][0]
    assert operation['@odata.type'] == '#microsoft.graph.inviteParticipantsOperation'
    assert operation['clientContext'] == posts[0]['body']['clientContext']
    assert {('user', B), ('phone', '+12345678901')} <= roster_ids(emu, group_call['id'])

    second = ok(run.task('Invite again'))
    assert second['changed'] is False
    assert second['invited'] == []
    assert len(second['already_present']) == 3
    assert len(invite_posts(emu)) == 1, 'the re-run must not POST'


CALL_IDS = ['a/b', 'x%2Fy', 'q?x=1', 'h#frag', '...']
UNKNOWN_CALL = '00000000-0000-4000-8000-00000000dead'


def test_invite_cases_each_on_its_own_call(emu, tasks):
    steps = []
    checks = []  # (case, check(record))

    check_call = new_group_call(emu)
    steps.append(
        invite_step(
            'check mode reads the roster and posts nothing',
            {'call_id': check_call['id'], 'participants': [{'user': A}, {'user': B, 'display_name': 'Bob'}]},
            {'check_mode': True, 'diff': True},
        )
    )

    def check_mode(record, run):
        result = ok(record)
        assert result['changed'] is True
        assert result['invited'] == [{'user': B, 'display_name': 'Bob'}]
        assert result['already_present'] == [{'user': A}]
        assert result['operations'] == []
        assert result['client_context'] == derived_base(check_call['id'])
        before = result['diff']['before'].splitlines()
        after = result['diff']['after'].splitlines()
        assert before == sorted(before) and after == sorted(after)
        # Each line names the person beside the id: the roster's display name, or the name the task gave.
        assert 'user:%s (Ann)' % A in before and 'application:%s (msgraph.calls emulator bot)' % emu.info['client_id'] in before, before
        assert sorted(before + ['user:%s (Bob)' % B]) == after
        assert recorded(emu, 'GET', '/communications/calls/%s/participants' % check_call['id'])
        assert invite_posts(emu, check_call['id']) == []
        assert ('user', B) not in roster_ids(emu, check_call['id'])
        # The diff reaches the screen too, as a user previewing with --check --diff sees it.
        assert '\n+user:%s (Bob)\n' % B in task_output(run, record['task'])

    checks.append(('check mode reads the roster and posts nothing', check_mode))

    seven_call = emu.create_call()
    people = ['%08x-0000-4000-8000-%012d' % (i, i) for i in range(7)]
    steps.append(
        invite_step(
            'seven participants are sent as five and two', {'call_id': seven_call['id'], 'participants': [{'user': p} for p in people], 'batch_size': 5}
        )
    )

    def seven_participants(record, run):
        result = ok(record)
        posts = sorted(invite_posts(emu, seven_call['id']), key=lambda post: -len(post['body']['participants']))  # sent at once
        assert [len(p['body']['participants']) for p in posts] == [5, 2]
        sent = [p['body']['participants'][i]['identity']['user']['id'] for p in posts for i in range(len(p['body']['participants']))]
        assert sent == people
        contexts = [p['body']['clientContext'] for p in posts]
        assert len(set(contexts)) == 2
        for context in contexts:
            assert_attempt_context(context, derived_base(seven_call['id']))
        assert len(result['operations']) == 2

    checks.append(('seven participants are sent as five and two', seven_participants))

    # Two participants per page for this call only.
    paged_call = emu.create_call(participants=[user_set('%08x-0000-4000-8000-000000000000' % i) for i in range(4)] + [user_set(B)], config={'page_size': 2})
    steps.append(invite_step('roster pages are all read', {'call_id': paged_call['id'], 'participants': [{'user': B}]}))

    def roster_pages(record, run):
        assert ok(record)['changed'] is False, 'B is on the last page and must be found'
        pages = recorded(emu, 'GET', '/participants', contains='/communications/calls/%s/' % paged_call['id'])
        assert len(pages) == 3  # 6 participants (bot + 5) at 2 per page
        assert [p['query'].get('$skiptoken') for p in pages][1:] == ['2', '4']
        assert invite_posts(emu, paged_call['id']) == []

    checks.append(('roster pages are all read', roster_pages))

    context_call = new_group_call(emu)
    steps.append(
        invite_step('user client_context is the base', {'call_id': context_call['id'], 'client_context': 'incident-42', 'participants': [{'user': C}]})
    )

    def user_client_context(record, run):
        assert ok(record)['client_context'] == 'incident-42'
        assert_attempt_context(invite_posts(emu, context_call['id'])[0]['body']['clientContext'], 'incident-42')

    checks.append(('user client_context is the base', user_client_context))

    duplicates_call = new_group_call(emu)
    steps.append(invite_step('duplicates are merged with a warning', {'call_id': duplicates_call['id'], 'participants': [{'user': B}, {'user': B.upper()}]}))

    def duplicates(record, run):
        assert 'participants[1] repeats participants[0]' in ' '.join(ok(record).get('warnings', []))
        assert len(invite_posts(emu, duplicates_call['id'])[0]['body']['participants']) == 1

    checks.append(('duplicates are merged with a warning', duplicates))

    for call_id in CALL_IDS:
        # Every Graph request of the play but the unknown call's must succeed (checked at the end): a call id that
        # leaked into the path as more than one segment would have sent one elsewhere.
        case = 'call id %r is one path segment' % call_id
        emu.create_call(id=call_id)
        steps.append(invite_step(case, {'call_id': call_id, 'participants': [{'user': B}]}))

        def one_path_segment(record, run, call_id=call_id):
            ok(record)
            assert graph_requests_on(emu, call_id), 'the module read the call under its encoded id'
            assert ('user', B) in roster_ids(emu, call_id)

        checks.append((case, one_path_segment))

    steps.append(invite_step('unknown call reports the Graph error', {'call_id': UNKNOWN_CALL, 'participants': [{'user': B}]}))

    def unknown_call(record, run):
        assert record['status'] == 'failed', record
        result = record['result']
        error = result['error']
        assert error['status'] == 404
        assert error['code'] == 'itemNotFound'
        assert error['request_id'] and error['client_request_id']
        named = [r for r in emu.requests() if r['headers'].get('client-request-id') == error['client_request_id']]
        assert len(named) == 1 and named[0]['status'] == 404, 'the reported id names the failed request'
        assert invite_posts(emu, UNKNOWN_CALL) == []
        for part in ('HTTP 404', 'itemNotFound', error['request_id'], error['client_request_id']):
            assert part in result['msg']

    checks.append(('unknown call reports the Graph error', unknown_call))

    secret_call = new_group_call(emu)
    steps.append(
        invite_step('wrong secret is a clear token error', {'call_id': secret_call['id'], 'participants': [{'user': B}], 'client_secret': 'not-the-secret'})
    )

    def wrong_secret(record, run):
        assert record['status'] == 'failed', record
        result = record['result']
        assert result['error']['code'] == 'invalid_client'
        assert 'AADSTS7000215' in result['msg']
        assert 'not-the-secret' not in run.output
        assert recorded(emu, suffix='/participants', contains=secret_call['id']) == []

    checks.append(('wrong secret is a clear token error', wrong_secret))

    # The machine's REQUESTS_CA_BUNDLE does not hold the emulator's CA; without ca_path TLS must fail. The run sets
    # it (to what the machine sets anyway): every other case, with ca_path, then also shows that ca_path wins over it.
    no_ca_call = new_group_call(emu)
    steps.append(invite_step('ca_path wins over REQUESTS_CA_BUNDLE', {'call_id': no_ca_call['id'], 'participants': [{'user': B}], 'ca_path': None}))

    def ca_path_wins(record, run):
        assert record['status'] == 'failed', record
        assert 'certificate' in record['result']['msg'].lower()
        assert invite_posts(emu, no_ca_call['id']) == []

    checks.append(('ca_path wins over REQUESTS_CA_BUNDLE', ca_path_wins))

    run = tasks(steps, env={'REQUESTS_CA_BUNDLE': '/etc/ssl/certs/ca-certificates.crt'})
    problems = []
    for case, check in checks:
        with case_checks(problems, case):
            check(run.task(case), run)
    with case_checks(problems, 'every Graph request but the unknown call\'s succeeded'):
        graph_calls = [r for r in emu.requests() if '/communications/' in r['path'] and UNKNOWN_CALL not in r['path']]
        assert graph_calls and all(r['status'] < 400 for r in graph_calls), [(r['path'], r['status']) for r in graph_calls if r['status'] >= 400]
    assert not problems, '\n\n'.join(problems)
    assert 'Traceback' not in run.output
