# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every participant shape, sent as Graph documents it; user principal names resolved through /users.

A run costs more than a task: each test runs all its cases as tasks of one play, each case on a call of
its own, and checks each case by what the emulator recorded for that call (or for that name, for the
directory lookups), naming the case that failed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
from urllib.parse import unquote

from conftest import case_checks, invite_posts, ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', 'data', 'graph_invite_examples.json')) as _handle:
    VECTORS = json.load(_handle)

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
GUEST_UPN = 'alex_fabrikam.com#EXT#@contoso.onmicrosoft.com'
# The directory is one for the whole emulator: each directory case has users of its own.
ANN = '6f3c9d85-2041-4ead-b152-8d9e0f1a2b34'
BOB = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
DANA = '3c0f6a52-9d1e-4b7a-8e2f-5a6b7c8d9e01'
ERIN = '4d1a7b63-0e2f-4c8b-9f30-6b7c8d9e0f12'
MAIL_USER = '5e2b8c74-1f30-4d9c-a041-7c8d9e0f1a23'


def invite_step(name, call_id, participants, **options):
    """A task of the shared play: graph_call_invite with the options invite.yml would pass."""
    return (name, 'graph_call_invite', dict(call_id=call_id, participants=participants, **options))


def test_shapes_are_sent_as_documented(emu, tasks):
    # users_permission is a global switch (GET /users names no call): the one case that needs it off shares this
    # play because no other case here reads /users (checked below).
    emu.config(users_permission=False)
    steps = []
    checks = []  # (case, check(record, call_id), call_id)

    for vector in VECTORS:
        call = emu.create_call()
        case = 'documented body %s' % vector['name'].split(' ')[0]
        steps.append(invite_step(case, call['id'], vector['module_participants'], api_version=vector['version'], batch_size=5))

        def documented(record, call_id, vector=vector):
            result = ok(record)
            expected = copy.deepcopy(vector['body'])
            for info in expected['participants']:
                for key in vector.get('module_omits', []):
                    del info[key]
            posts = invite_posts(emu, call_id)
            assert len(posts) == 1 and posts[0]['status'] == 200
            assert posts[0]['path'].startswith('/%s/' % vector['version'])
            sent = dict(posts[0]['body'])
            assert sent.pop('clientContext').startswith(result['client_context'] + '~')
            del expected['clientContext']
            assert sent == expected

        checks.append((case, documented, call['id']))

    call = emu.create_call()
    steps.append(
        invite_step(
            'every identity kind in one invite',
            call['id'],
            [
                {'guest': '5D9C7A71-2F4E-4B8A-9C61-0E3D2B1A4F57', 'display_name': 'Vendor'},
                {'application_instance': '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f'},
                {
                    'user': A,
                    'tenant_id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
                    'identity_provider': 'AAD',
                    'hidden': True,
                    'remove_from_default_audio_routing_group': True,
                },
                {'identity': {'encrypted': {'id': 'ZW5jcnlwdGVk', 'displayName': 'E'}}},
            ],
            batch_size=4,
        )
    )

    def every_identity_kind(record, call_id):
        result = ok(record)
        sent = invite_posts(emu, call_id)[0]['body']['participants']
        assert sent[0]['identity']['guest'] == {
            '@odata.type': '#microsoft.graph.identity',
            'id': '5d9c7a71-2f4e-4b8a-9c61-0e3d2b1a4f57',
            'displayName': 'Vendor',
        }
        assert sent[1]['identity']['applicationInstance']['id'] == '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f'
        assert sent[2]['hidden'] is True and sent[2]['removeFromDefaultAudioRoutingGroup'] is True
        assert sent[2]['identity']['user'] == {
            '@odata.type': '#microsoft.graph.identity',
            'id': A,
            'tenantId': '72f988bf-86f1-41af-91ab-2d7cd011db47',
            'identityProvider': 'AAD',
        }
        assert sent[3]['identity'] == {'encrypted': {'id': 'ZW5jcnlwdGVk', 'displayName': 'E'}}
        labels = [p['label'] for p in result['participants']]
        assert labels == [
            'guest:5d9c7a71-2f4e-4b8a-9c61-0e3d2b1a4f57',
            'applicationInstance:0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f',
            'user:' + A,
            'encrypted:ZW5jcnlwdGVk',
        ]

    checks.append(('every identity kind in one invite', every_identity_kind, call['id']))

    call = emu.create_call()
    steps.append(invite_step('endpoint_type in beta', call['id'], [{'user': A, 'endpoint_type': 'voicemail'}], api_version='beta'))

    def endpoint_type_in_beta(record, call_id):
        ok(record)
        post = invite_posts(emu, call_id)[0]
        assert post['path'].startswith('/beta/') and post['body']['participants'][0]['endpointType'] == 'voicemail'

    checks.append(('endpoint_type in beta', endpoint_type_in_beta, call['id']))

    refused_call = emu.create_call()
    steps.append(invite_step('endpoint_type refused in v1.0', refused_call['id'], [{'user': A, 'endpoint_type': 'voicemail'}]))

    def endpoint_type_refused_in_v1(record, call_id):
        assert record['status'] == 'failed' and 'endpoint_type exists only in the beta API' in record['result']['msg'], record
        # No request at all, the token's included: none names its call, and the token service saw exactly what the
        # other cases need (each a process of its own without a token cache: one discovery, one token).
        assert [r for r in emu.requests() if call_id in r['path']] == []
        others = len(steps) - 1
        service = sorted(r['path'].rsplit('/', 1)[-1] for r in emu.requests() if '/communications/' not in r['path'] and '/users' not in r['path'])
        assert service == ['openid-configuration'] * others + ['token'] * others, service

    checks.append(('endpoint_type refused in v1.0', endpoint_type_refused_in_v1, refused_call['id']))

    call = emu.create_call()
    steps.append(invite_step('lookup without permission says which', call['id'], [{'user': 'ann@contoso.com'}]))

    def lookup_without_permission(record, call_id):
        assert record['status'] == 'failed', record
        assert 'User.Read.All' in record['result']['msg'] and 'HTTP 403' in record['result']['msg']
        assert invite_posts(emu, call_id) == []
        # The switch could have touched no other case: only this one looked anyone up.
        everyone = [r for r in emu.requests() if '/users' in r['path']]
        assert everyone and lookups_of(emu, 'ann@contoso.com') == everyone, [(r['path'], r['query']) for r in everyone]

    checks.append(('lookup without permission says which', lookup_without_permission, call['id']))

    run = tasks(steps)
    problems = []
    for case, check, call_id in checks:
        with case_checks(problems, case):
            check(run.task(case), call_id)
    assert not problems, '\n\n'.join(problems)


def looks_up(request, name):
    """Whether the request is a /users lookup of this name: by principal name (path) or by address ($filter), any case."""
    return '/users' in request['path'] and name.lower() in (unquote(request['path']) + ' ' + request['query'].get('$filter', '')).lower()


def lookups_of(emu, name):
    """The recorded /users requests about this name, oldest first."""
    return [r for r in emu.requests() if looks_up(r, name)]


def test_principal_names_and_addresses_are_resolved(emu, tasks):
    emu.add_user(id=A, userPrincipalName=GUEST_UPN, displayName='Alex (guest)')
    emu.add_user(id=DANA, userPrincipalName='dana@contoso.com', displayName='Dana')
    emu.add_user(id=ERIN, userPrincipalName='erin@contoso.com', displayName='Erin Example')
    emu.add_user(
        id=MAIL_USER,
        userPrincipalName='a1234@contoso.onmicrosoft.com',
        displayName='Ann Example',
        mail='ann.example@contoso.com',
        proxyAddresses=['SMTP:ann.example@contoso.com', 'smtp:oncall-alias@contoso.com'],
    )
    emu.add_user(id=ANN, userPrincipalName='ann@contoso.com', displayName='Ann', proxyAddresses=['smtp:oncall@contoso.com'])
    emu.add_user(id=BOB, userPrincipalName='bob@contoso.com', displayName='Bob', proxyAddresses=['smtp:oncall@contoso.com'])
    calls = {
        'resolved once': emu.create_call(),
        'already present by id': emu.create_call(participants=[{'user': {'id': DANA.upper()}}]),
        'resolved display name': emu.create_call(),
        'address by mail': emu.create_call(),
        'address by proxy': emu.create_call(),
        'address of several users': emu.create_call(),
        'unknown name': emu.create_call(),
    }
    addresses = {'address by mail': 'ann.example@contoso.com', 'address by proxy': 'oncall-alias@contoso.com'}
    # The name each case looks up: every /users request of the run must be one case's.
    names = dict(
        {
            'resolved once': GUEST_UPN,
            'already present by id': 'dana@contoso.com',
            'resolved display name': 'erin@contoso.com',
            'address of several users': 'oncall@contoso.com',
            'unknown name': 'nobody@contoso.com',
        },
        **addresses,
    )
    participants = {
        'resolved once': [{'user': GUEST_UPN, 'display_name': 'Alex'}, {'user': GUEST_UPN.upper()}],
        'already present by id': [{'user': 'dana@contoso.com'}],
        'resolved display name': [{'user': 'Erin@Contoso.com'}],
        'address by mail': [{'user': addresses['address by mail'].upper()}],
        'address by proxy': [{'user': addresses['address by proxy'].upper()}],
        'address of several users': [{'user': 'oncall@contoso.com'}],
        'unknown name': [{'user': 'nobody@contoso.com'}],
    }
    run = tasks([invite_step(case, calls[case]['id'], participants[case]) for case in calls])
    problems = []

    with case_checks(problems, 'resolved once'):
        call_id = calls['resolved once']['id']
        result = ok(run.task('resolved once'))
        lookups = [r for r in lookups_of(emu, GUEST_UPN) if '/users/' in r['path']]
        assert len(lookups) == 1, 'one lookup per distinct name'
        assert lookups[0]['path'].endswith('/users/alex_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com')
        assert lookups[0]['query'] == {'$select': 'id,displayName,userPrincipalName,mail'}
        identity = invite_posts(emu, call_id)[0]['body']['participants'][0]['identity']['user']
        assert identity['id'] == A and identity['displayName'] == 'Alex', 'the display name given wins'
        assert result['participants'][0]['user'] == GUEST_UPN and result['participants'][0]['label'] == 'user:' + A
        assert 'repeats participants[0]' in ' '.join(result['warnings'])

    with case_checks(problems, 'already present by id'):
        assert ok(run.task('already present by id'))['changed'] is False
        assert invite_posts(emu, calls['already present by id']['id']) == []

    with case_checks(problems, 'resolved display name'):
        call_id = calls['resolved display name']['id']
        ok(run.task('resolved display name'))
        assert invite_posts(emu, call_id)[0]['body']['participants'][0]['identity']['user'] == {
            '@odata.type': '#microsoft.graph.identity',
            'id': ERIN,
            'displayName': 'Erin Example',
        }
        roster = emu.call(call_id)['participants']
        assert roster[-1]['info']['identity']['user']['displayName'] == 'Erin Example', 'the roster shows a name'

    for case, address in sorted(addresses.items()):
        # An e-mail address that is not the UPN is found by mail or by proxy address.
        with case_checks(problems, case):
            result = ok(run.task(case))
            assert result['participants'][0]['label'] == 'user:' + MAIL_USER
            lookups = [(r['path'].rsplit('/', 1)[-1], r['status']) for r in lookups_of(emu, address)]
            assert lookups == [(address.upper().replace('@', '%40'), 404), ('users', 200)], 'principal name first, then mail'
            by_mail = [r for r in lookups_of(emu, address) if r['path'].endswith('/users')]
            assert "mail eq '%s'" % address.upper() in by_mail[0]['query']['$filter']
            assert invite_posts(emu, calls[case]['id'])[0]['body']['participants'][0]['identity']['user']['displayName'] == 'Ann Example'

    with case_checks(problems, 'address of several users'):
        record = run.task('address of several users')
        assert record['status'] == 'failed', record
        assert "'oncall@contoso.com' is the e-mail address of 2 users" in record['result']['msg']
        assert 'ann@contoso.com' in record['result']['msg'] and 'bob@contoso.com' in record['result']['msg']
        assert invite_posts(emu, calls['address of several users']['id']) == []

    with case_checks(problems, 'unknown name'):
        record = run.task('unknown name')
        assert record['status'] == 'failed', record
        assert "participants[0].user 'nobody@contoso.com' matches no user in the directory" in record['result']['msg']
        assert 'no user has it as mail or proxy address' in record['result']['msg']
        assert invite_posts(emu, calls['unknown name']['id']) == []

    with case_checks(problems, 'every lookup is one case'):
        for request in [r for r in emu.requests() if '/users' in r['path']]:
            owners = [case for case, name in names.items() if looks_up(request, name)]
            assert len(owners) == 1, (request['path'], request['query'], owners)
    assert not problems, '\n\n'.join(problems)
