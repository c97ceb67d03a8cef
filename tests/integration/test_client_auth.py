# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every authentication method, the token cache and the clouds, against the emulator's Entra checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from conftest import SESSION_SECRETS

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
CERT_PASSWORD = 'cert-pa55word-for-tests'
SESSION_SECRETS.append(CERT_PASSWORD)


def token_requests(emu):
    return [r for r in emu.requests() if r['path'].endswith('/oauth2/v2.0/token')]


def graph_reads(emu):
    return [r for r in emu.requests() if '/communications/' in r['path']]


@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp('cert')
    leaf = trustme.CA().issue_cert('msgraph-calls-app.example', key_type=trustme.KeyType.RSA)
    cert = leaf.cert_chain_pems[0].bytes().decode()
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(CERT_PASSWORD.encode())).decode()
    combined = folder / 'app.pem'
    combined.write_text(cert + leaf.private_key_pem.bytes().decode())
    protected = folder / 'app-encrypted.pem'
    protected.write_text(cert + encrypted)
    return {'cert': cert, 'combined': str(combined), 'protected': str(protected)}


def run_with(task, emu, auth, check=False, env=None):
    call = emu.create_call()
    args = dict(call_id=call['id'], participants=[{'user': A}], **auth)
    return task('graph_call_invite', args, check=check, env=env, extra_args=('-vvvv',)), call


@pytest.mark.floors
@pytest.mark.parametrize('variant', ['combined', 'protected'])
def test_client_certificate(emu, task, certificate, variant):
    emu.config(client_certificates=[certificate['cert']])
    auth = {'auth_method': 'client_certificate', 'client_secret': None, 'client_certificate_path': certificate[variant]}
    if variant == 'protected':
        auth['client_certificate_password'] = CERT_PASSWORD
    run, dummy = run_with(task, emu, auth)
    assert run.rc == 0, run.output
    form = token_requests(emu)[0]['body']
    assert form['client_assertion'] == '<redacted>' and 'client_secret' not in form
    assert form['client_assertion_type'] == 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def test_unregistered_certificate_is_refused_by_entra(emu, task, certificate):
    auth = {'auth_method': 'client_certificate', 'client_secret': None, 'client_certificate_path': certificate['combined']}
    run, dummy = run_with(task, emu, auth)
    assert run.rc != 0
    assert 'AADSTS700027' in run.task('Task')['result']['msg']
    assert graph_reads(emu) == []


def test_certificate_path_from_the_environment_in_auto_mode(emu, task, certificate):
    emu.config(client_certificates=[certificate['cert']])
    run, dummy = run_with(task, emu, {'client_secret': None},
                          env={'AZURE_CLIENT_CERTIFICATE_PATH': certificate['protected'],
                               'AZURE_CLIENT_CERTIFICATE_PASSWORD': CERT_PASSWORD})
    assert run.rc == 0, run.output
    assert token_requests(emu)[0]['body']['client_assertion'] == '<redacted>'


def managed_identity_env(emu):
    return {'IDENTITY_ENDPOINT': emu.info['managed_identity_endpoint'], 'IDENTITY_HEADER': emu.info['identity_header']}


@pytest.mark.floors
def test_system_assigned_managed_identity(emu, task):
    run, dummy = run_with(task, emu, {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None,
                                      'client_id': None}, env=managed_identity_env(emu))
    assert run.rc == 0, run.output
    msi = [r for r in emu.requests() if r['path'] == '/msi/token']
    assert len(msi) == 1 and msi[0]['query'].get('resource') == emu.info['graph_endpoint']
    assert token_requests(emu) == []


def test_user_assigned_managed_identity_in_auto_mode(emu, task):
    identity = '0f0e0d0c-0b0a-4090-8070-605040302010'
    emu.config(managed_identities=[identity])
    run, dummy = run_with(task, emu, {'client_secret': None, 'tenant_id': None, 'client_id': None,
                                      'managed_identity_client_id': identity}, env=managed_identity_env(emu))
    assert run.rc == 0, run.output
    msi = [r for r in emu.requests() if r['path'] == '/msi/token']
    assert msi[0]['query'].get('client_id') == identity


def test_machine_wide_azure_client_id_never_picks_a_managed_identity(emu, task):
    # AWX sets AZURE_CLIENT_ID for the whole job; the managed identity stays the system-assigned one.
    env = dict(managed_identity_env(emu), AZURE_CLIENT_ID='0f0e0d0c-0b0a-4090-8070-605040302010')
    run, dummy = run_with(task, emu, {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None,
                                      'client_id': None}, env=env)
    assert run.rc == 0, run.output
    msi = [r for r in emu.requests() if r['path'] == '/msi/token']
    assert len(msi) == 1 and 'client_id' not in msi[0]['query']


def test_client_id_in_the_task_is_not_taken_for_a_managed_identity(emu, task):
    run, dummy = run_with(task, emu, {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None},
                          env=managed_identity_env(emu))
    assert run.rc != 0
    assert 'set managed_identity_client_id' in run.task('Task')['result']['msg']
    assert emu.requests() == []


def test_unknown_managed_identity_says_so(emu, task):
    identity = '0f0e0d0c-0b0a-4090-8070-605040302010'
    run, dummy = run_with(task, emu, {'client_secret': None, 'tenant_id': None, 'client_id': None,
                                      'managed_identity_client_id': identity}, env=managed_identity_env(emu))
    assert run.rc != 0
    result = run.task('Task')['result']
    assert result['error']['code'] == 'managedIdentityError', result
    assert 'no identity with client_id' in result['msg'] and identity in result['msg']
    assert 'invalid_scope' not in result['msg']


def test_access_token_used_as_is(emu, task):
    token = emu.token()
    SESSION_SECRETS.append(token)
    before = len(token_requests(emu))
    run, dummy = run_with(task, emu, {'auth_method': 'access_token', 'access_token': token, 'client_secret': None})
    assert run.rc == 0, run.output
    assert len(token_requests(emu)) == before, 'no token request'
    assert token not in run.output


def test_rejected_access_token_is_a_clear_failure(emu, task):
    run, dummy = run_with(task, emu, {'auth_method': 'access_token', 'access_token': 'not-a-valid-token-value',
                                      'client_secret': None})
    assert run.rc != 0
    result = run.task('Task')['result']
    assert 'cannot be renewed here' in result['msg']
    error = result['error']
    assert error['status'] == 401 and error['code'] == 'InvalidAuthenticationToken', error
    assert error['request_id'] and error['client_request_id'] and error['request_id'] in result['msg']
    assert token_requests(emu) == [], 'an access token is never swapped for another'


@pytest.mark.floors
def test_token_cache_serves_every_task(emu, task, tmp_path):
    cache = str(tmp_path / 'cache' / 'tokens.json')
    os.makedirs(os.path.dirname(cache))
    for dummy in range(3):
        run, dummy_call = run_with(task, emu, {'token_cache': cache})
        assert run.rc == 0, run.output
    assert len(token_requests(emu)) == 1, 'one token for three tasks'
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600


def test_token_cache_shared_by_forks(emu, playbook, tmp_path, graph):
    # Five hosts, five forks, one task each: one token between them.
    cache = str(tmp_path / 'tokens.json')
    calls = [emu.create_call()['id'] for dummy in range(5)]
    run = playbook('forks.yml', extra_args=('-f', '5'), calls=calls, token_cache=cache)
    assert run.rc == 0, run.output
    assert len([r for r in run.records if r['status'] == 'changed']) == 5
    assert len(token_requests(emu)) == 1, 'the forks share one token'


def test_explicit_endpoints_win_over_the_cloud(emu, task):
    run, dummy = run_with(task, emu, {'cloud': 'usgov'})
    assert run.rc == 0, run.output
    assert token_requests(emu)[0]['body']['scope'] == emu.info['graph_endpoint'] + '/.default'
