# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every participant shape, sent as Graph documents it; user principal names resolved through /users."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import os

import pytest

from conftest import invite_posts

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', 'data', 'graph_invite_examples.json')) as _handle:
    VECTORS = json.load(_handle)

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
GUEST_UPN = 'alex_fabrikam.com#EXT#@contoso.onmicrosoft.com'


@pytest.mark.parametrize('vector', VECTORS, ids=[v['name'].split(' ')[0] for v in VECTORS])
def test_documented_bodies_are_sent_as_documented(emu, playbook, vector):
    expected = copy.deepcopy(vector['body'])
    for info in expected['participants']:
        for key in vector.get('module_omits', []):
            del info[key]
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': vector['module_participants'],
                                         'api_version': vector['version'], 'batch_size': 5})
    assert run.rc == 0, run.output
    posts = invite_posts(emu)
    assert len(posts) == 1 and posts[0]['status'] == 200
    assert posts[0]['path'].startswith('/%s/' % vector['version'])
    sent = dict(posts[0]['body'])
    assert sent.pop('clientContext').startswith(run.result['client_context'] + '~')
    del expected['clientContext']
    assert sent == expected


def test_every_identity_kind_in_one_invite(emu, playbook):
    call = emu.create_call()
    participants = [
        {'guest': '5D9C7A71-2F4E-4B8A-9C61-0E3D2B1A4F57', 'display_name': 'Vendor'},
        {'application_instance': '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f'},
        {'user': A, 'tenant_id': '72f988bf-86f1-41af-91ab-2d7cd011db47', 'identity_provider': 'AAD', 'hidden': True,
         'remove_from_default_audio_routing_group': True},
        {'identity': {'encrypted': {'id': 'ZW5jcnlwdGVk', 'displayName': 'E'}}},
    ]
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': participants, 'batch_size': 4})
    assert run.rc == 0, run.output
    sent = invite_posts(emu)[0]['body']['participants']
    assert sent[0]['identity']['guest'] == {'@odata.type': '#microsoft.graph.identity',
                                            'id': '5d9c7a71-2f4e-4b8a-9c61-0e3d2b1a4f57', 'displayName': 'Vendor'}
    assert sent[1]['identity']['applicationInstance']['id'] == '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f'
    assert sent[2]['hidden'] is True and sent[2]['removeFromDefaultAudioRoutingGroup'] is True
    assert sent[2]['identity']['user'] == {'@odata.type': '#microsoft.graph.identity', 'id': A,
                                           'tenantId': '72f988bf-86f1-41af-91ab-2d7cd011db47', 'identityProvider': 'AAD'}
    assert sent[3]['identity'] == {'encrypted': {'id': 'ZW5jcnlwdGVk', 'displayName': 'E'}}
    labels = [p['label'] for p in run.result['participants']]
    assert labels == ['guest:5d9c7a71-2f4e-4b8a-9c61-0e3d2b1a4f57', 'applicationInstance:0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f',
                      'user:' + A, 'encrypted:ZW5jcnlwdGVk']


def test_endpoint_type_in_beta(emu, playbook):
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'api_version': 'beta',
                                         'participants': [{'user': A, 'endpoint_type': 'voicemail'}]})
    assert run.rc == 0, run.output
    post = invite_posts(emu)[0]
    assert post['path'].startswith('/beta/') and post['body']['participants'][0]['endpointType'] == 'voicemail'


def test_endpoint_type_refused_in_v1(emu, playbook):
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': A, 'endpoint_type': 'voicemail'}]})
    assert run.rc != 0 and 'endpoint_type exists only in the beta API' in run.result['msg']
    assert emu.requests() == []


def test_principal_names_are_resolved_once(emu, playbook):
    emu.add_user(id=A, userPrincipalName=GUEST_UPN, displayName='Alex (guest)')
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [
        {'user': GUEST_UPN, 'display_name': 'Alex'}, {'user': GUEST_UPN.upper()}]})
    assert run.rc == 0, run.output
    lookups = [r for r in emu.requests() if '/users/' in r['path']]
    assert len(lookups) == 1, 'one lookup per distinct name'
    assert lookups[0]['path'].endswith('/users/alex_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com')
    assert lookups[0]['query'] == {'$select': 'id,displayName,userPrincipalName,mail'}
    identity = invite_posts(emu)[0]['body']['participants'][0]['identity']['user']
    assert identity['id'] == A and identity['displayName'] == 'Alex', 'the display name given wins'
    assert run.result['participants'][0]['user'] == GUEST_UPN and run.result['participants'][0]['label'] == 'user:' + A
    assert 'repeats participants[0]' in ' '.join(run.result['warnings'])


def test_principal_name_already_present_by_id(emu, playbook):
    emu.add_user(id=A, userPrincipalName='ann@contoso.com', displayName='Ann')
    call = emu.create_call(participants=[{'user': {'id': A.upper()}}])
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': 'ann@contoso.com'}]})
    assert run.rc == 0 and run.result['changed'] is False
    assert invite_posts(emu) == []


def test_resolved_display_name_is_sent(emu, playbook):
    emu.add_user(id=A, userPrincipalName='ann@contoso.com', displayName='Ann Example')
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': 'Ann@Contoso.com'}]})
    assert run.rc == 0, run.output
    assert invite_posts(emu)[0]['body']['participants'][0]['identity']['user'] == {
        '@odata.type': '#microsoft.graph.identity', 'id': A, 'displayName': 'Ann Example'}
    roster = emu.call(call['id'])['participants']
    assert roster[-1]['info']['identity']['user']['displayName'] == 'Ann Example', 'the roster shows a name'


@pytest.mark.parametrize('address', ['ann.example@contoso.com', 'oncall-alias@contoso.com'], ids=['mail', 'proxy'])
def test_an_email_address_that_is_not_the_upn_is_found_by_mail_or_proxy(emu, playbook, address):
    emu.add_user(id=A, userPrincipalName='a1234@contoso.onmicrosoft.com', displayName='Ann Example',
                 mail='ann.example@contoso.com',
                 proxyAddresses=['SMTP:ann.example@contoso.com', 'smtp:oncall-alias@contoso.com'])
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': address.upper()}]})
    assert run.rc == 0, run.output
    assert run.result['participants'][0]['label'] == 'user:' + A
    lookups = [(r['path'].rsplit('/', 1)[-1], r['status']) for r in emu.requests() if '/users' in r['path']]
    assert lookups == [(address.upper().replace('@', '%40'), 404), ('users', 200)], 'principal name first, then mail'
    assert "mail eq '%s'" % address.upper() in [r for r in emu.requests() if r['path'].endswith('/users')][0]['query']['$filter']
    assert invite_posts(emu)[0]['body']['participants'][0]['identity']['user']['displayName'] == 'Ann Example'


def test_an_email_address_of_several_users_is_refused(emu, playbook):
    emu.add_user(id=A, userPrincipalName='ann@contoso.com', displayName='Ann', proxyAddresses=['smtp:oncall@contoso.com'])
    emu.add_user(id='1e126418-44a0-4a94-a6f8-0efe1ad71acb', userPrincipalName='bob@contoso.com', displayName='Bob',
                 proxyAddresses=['smtp:oncall@contoso.com'])
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': 'oncall@contoso.com'}]})
    assert run.rc != 0
    assert "'oncall@contoso.com' is the e-mail address of 2 users" in run.result['msg']
    assert 'ann@contoso.com' in run.result['msg'] and 'bob@contoso.com' in run.result['msg']
    assert invite_posts(emu) == []


def test_unknown_principal_name_fails_before_posting(emu, playbook):
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': 'nobody@contoso.com'}]})
    assert run.rc != 0
    assert "participants[0].user 'nobody@contoso.com' matches no user in the directory" in run.result['msg']
    assert 'no user has it as mail or proxy address' in run.result['msg']
    assert invite_posts(emu) == []


def test_lookup_without_permission_says_which(emu, playbook):
    emu.config(users_permission=False)
    call = emu.create_call()
    run = playbook('invite.yml', invite={'call_id': call['id'], 'participants': [{'user': 'ann@contoso.com'}]})
    assert run.rc != 0
    assert 'User.Read.All' in run.result['msg'] and 'HTTP 403' in run.result['msg']
    assert invite_posts(emu) == []
