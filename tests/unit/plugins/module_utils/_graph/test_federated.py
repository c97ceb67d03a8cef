# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Workload identity federation: where the federated token comes from, its checks before any request, the warning for
an ignored AZURE_AUTHORITY_HOST, and a renewed token file read again within one task (against the emulator)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.client import GraphClient
from ansible_collections.msgraph.calls.plugins.module_utils._graph.federated import FederatedToken, mistaken_tokens
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import resolve_settings
from emulator.client import EmulatorProcess
from graph_params import graph_params


def jwt(**claims):
    """An unsigned token of this shape (the modules never verify it: Entra does)."""
    claims = dict(
        {'iss': 'https://token.actions.githubusercontent.com', 'sub': 'repo:contoso/ops:ref:refs/heads/main', 'aud': 'api://AzureADTokenExchange'}, **claims
    )

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b'=').decode()

    return '%s.%s.%s' % (part({'alg': 'RS256', 'kid': 'k'}), part(claims), 'c2lnbmF0dXJl')


OPTION_TOKEN, TASK_FILE_TOKEN, ENV_TOKEN, ENV_FILE_TOKEN = (jwt(sub='option'), jwt(sub='task-file'), jwt(sub='env'), jwt(sub='env-file'))


@pytest.fixture
def files(tmp_path):
    made = {}
    for name, token in (('task', TASK_FILE_TOKEN), ('env', ENV_FILE_TOKEN)):
        path = tmp_path / (name + '.jwt')
        path.write_text(token + '\n')
        made[name] = str(path)
    return made


def settings(environ=None, **overrides):
    params = graph_params(**dict({'client_secret': None, 'token_cache': False}, **overrides))
    # env_fallback, as Ansible applies it, for the two federated options.
    environ = dict(environ or {})
    params['federated_token'] = params.get('federated_token') or environ.get('AZURE_FEDERATED_TOKEN')
    params['federated_token_file'] = params.get('federated_token_file') or environ.get('AZURE_FEDERATED_TOKEN_FILE')
    return resolve_settings(params, environ=environ)


@pytest.mark.parametrize(
    'task, environ, expected',
    [
        ({'federated_token': OPTION_TOKEN}, {}, ('federated_token', OPTION_TOKEN)),
        ({'federated_token_file': 'task'}, {}, ('federated_token_file', TASK_FILE_TOKEN)),
        ({}, {'AZURE_FEDERATED_TOKEN': ENV_TOKEN}, ('AZURE_FEDERATED_TOKEN', ENV_TOKEN)),
        ({}, {'AZURE_FEDERATED_TOKEN_FILE': 'env'}, ('AZURE_FEDERATED_TOKEN_FILE', ENV_FILE_TOKEN)),
        # Among the variables the file wins: only a file can be renewed while a job runs.
        ({}, {'AZURE_FEDERATED_TOKEN': ENV_TOKEN, 'AZURE_FEDERATED_TOKEN_FILE': 'env'}, ('AZURE_FEDERATED_TOKEN_FILE', ENV_FILE_TOKEN)),
        # What the task sets wins over any variable.
        ({'federated_token': OPTION_TOKEN}, {'AZURE_FEDERATED_TOKEN_FILE': 'env'}, ('federated_token', OPTION_TOKEN)),
        ({'federated_token_file': 'task'}, {'AZURE_FEDERATED_TOKEN': ENV_TOKEN}, ('federated_token_file', TASK_FILE_TOKEN)),
    ],
)
def test_where_the_federated_token_comes_from(files, task, environ, expected):
    task = dict((name, files.get(value, value)) for name, value in task.items())
    environ = dict((name, files.get(value, value)) for name, value in environ.items())
    resolved = settings(environ, **task)
    assert resolved['auth_method'] == 'federated_token'
    assert resolved['federated_token_source'][0] == expected[0]
    assert FederatedToken(resolved['federated_token_source']).read() == expected[1]


@pytest.mark.parametrize(
    'task, message',
    [
        ({'federated_token': OPTION_TOKEN, 'federated_token_file': 'task'}, 'federated_token and federated_token_file are mutually exclusive'),
        ({'federated_token': 'not-a-jwt'}, 'federated_token must be a JWT'),
        ({'federated_token': '   ', 'auth_method': 'federated_token'}, 'federated_token or federated_token_file is required'),
        ({'federated_token': jwt(sub=None)}, 'federated_token must be an OIDC token with iss and sub claims'),
        ({'federated_token_file': 'missing'}, "federated_token_file '.*missing.jwt' cannot be read: No such file"),
        ({'federated_token_file': 'empty'}, "federated_token_file '.*empty.jwt' is empty"),
        ({'federated_token': OPTION_TOKEN, 'auth_method': 'client_secret', 'client_secret': 's'}, 'auth_method=client_secret conflicts with federated_token'),
        ({'auth_method': 'federated_token'}, 'federated_token or federated_token_file is required with auth_method=federated_token'),
        ({'federated_token': OPTION_TOKEN, 'tenant_id': None}, 'tenant_id is required with auth_method=federated_token'),
        ({'federated_token_file': OPTION_TOKEN}, 'federated_token_file must be the path of a file holding the token, not the token itself'),
    ],
)
def test_bad_federated_input_is_refused_before_any_request(tmp_path, task, message):
    (tmp_path / 'empty.jwt').write_text('\n')
    task = dict((name, str(tmp_path / (value + '.jwt')) if value in ('missing', 'empty') else value) for name, value in task.items())
    with pytest.raises(ValueError, match=message) as caught:
        settings(**task)
    assert 'c2lnbmF0dXJl' not in str(caught.value) and 'eyJ' not in str(caught.value)


def test_a_token_where_a_path_belongs_is_hidden_like_a_secret():
    assert mistaken_tokens({'federated_token_file': ' %s ' % OPTION_TOKEN}, {'AZURE_FEDERATED_TOKEN_FILE': ENV_TOKEN}) == {OPTION_TOKEN, ENV_TOKEN}
    assert mistaken_tokens({'federated_token_file': '/var/run/secrets/azure/tokens/azure-identity-token'}, {}) == set()
    assert mistaken_tokens({'federated_token_file': None}, {}) == set()


def test_the_cache_names_a_federated_identity_by_issuer_subject_and_audience():
    def identity(token):
        return FederatedToken(('federated_token', 'value', token)).identity()

    assert identity(jwt(jti='one')) == identity(jwt(jti='two')), 'a renewed token of the same workload is the same credential'
    assert identity(jwt()) != identity(jwt(sub='repo:contoso/other:ref:refs/heads/main'))
    assert identity(jwt()) != identity(jwt(aud='api://other'))
    assert b'c2lnbmF0dXJl' not in identity(jwt())


GLOBAL_HOST = 'https://login.microsoftonline.com'


@pytest.mark.parametrize(
    'task, environ, warned',
    [
        # The AWX trap: the credential's cloud field at its default injects global.
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'global', 'AZURE_AUTHORITY_HOST': 'https://login.example.test'}, True),
        ({'cloud': 'usgov'}, {'AZURE_AUTHORITY_HOST': 'login.example.test'}, True),
        # They agree, or nothing is ignored.
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'AzureCloud', 'AZURE_AUTHORITY_HOST': 'login.microsoftonline.com'}, False),
        ({}, {'AZURE_AUTHORITY_HOST': 'https://login.example.test'}, False),
        ({'authority_host': 'https://login.example.test'}, {'AZURE_CLOUD_ENVIRONMENT': 'global', 'AZURE_AUTHORITY_HOST': 'https://x.test'}, False),
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'global'}, False),
    ],
)
def test_an_ignored_authority_host_variable_is_warned_about(task, environ, warned):
    resolved = resolve_settings(graph_params(token_cache=False, **task), environ=environ)
    found = [warning for warning in resolved['warnings'] if 'AZURE_AUTHORITY_HOST' in warning]
    assert bool(found) == warned, resolved['warnings']
    if warned:
        assert 'is ignored' in found[0] and 'Set authority_host' in found[0]


@pytest.fixture(scope='module')
def emu():
    with EmulatorProcess() as process:
        yield process


def client_of(emu, token_file, **options):
    """The Graph client of one task authenticating with ``token_file`` against the emulator's app."""
    info = emu.info
    endpoints = dict((key, info[key]) for key in ('tenant_id', 'client_id', 'authority_host', 'graph_endpoint', 'ca_path'))
    return GraphClient(settings(federated_token_file=str(token_file), **dict(endpoints, **options)))


def test_a_renewed_token_file_is_read_again_within_one_task(emu, tmp_path):
    """One client (one task): its first access token from the file's first token; Graph then rejects the access token,
    the platform has renewed the file and the first federated token has expired: the second access token is only
    possible with the file read again."""
    subject = 'system:serviceaccount:ops:paging'
    emu.reset()
    emu.clock(mode='manual')
    emu.trust_subject(subject)
    token_file = tmp_path / 'token'
    token_file.write_text(emu.federated_token(subject, lifetime=600))
    client = client_of(emu, token_file)
    first = client.token()
    client.auth.forget(first)
    emu.clock(advance=1200)
    renewed = emu.federated_token(subject, lifetime=600)
    replacement = tmp_path / 'token.new'
    replacement.write_text(renewed)
    os.replace(str(replacement), str(token_file))  # as the kubelet renews a projected token: a new file in its place
    second = client.token()
    assert second and second != first
    tokens = [r for r in emu.requests() if r['path'].endswith('/oauth2/v2.0/token')]
    assert [r['status'] for r in tokens] == [200, 200]
    assert all(r['body']['client_assertion'] == '<redacted>' and 'client_secret' not in r['body'] for r in tokens)


def test_an_expired_token_file_is_refused_with_the_code_and_the_fix(emu, tmp_path):
    subject = 'system:serviceaccount:ops:paging'
    emu.reset()
    emu.clock(mode='manual')
    emu.trust_subject(subject)
    token = emu.federated_token(subject, lifetime=-60)
    token_file = tmp_path / 'token'
    token_file.write_text(token)
    client = client_of(emu, token_file, retries=0)
    with pytest.raises(Exception) as caught:
        client.token()
    message = str(caught.value)
    assert 'AADSTS700024' in message and 'give a file the platform renews' in message and token not in message
