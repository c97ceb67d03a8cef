# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings: clouds and precedence, auth method choice, and the rules checked before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import graph_argument_spec, resolve_settings
from graph_params import TENANT, graph_params


def params(**overrides):
    # token_cache off: the default would create ~/.ansible/msgraph.calls (test_token_cache.py tests it in a temporary home).
    values = dict(token_cache=False)
    values.update(overrides)
    return graph_params(**values)


def test_global_cloud_by_default():
    settings = resolve_settings(params(), environ={})
    assert settings['cloud'] == 'global'
    assert settings['authority'] == 'https://login.microsoftonline.com/' + TENANT
    assert settings['graph_endpoint'] == 'https://graph.microsoft.com'
    assert settings['scope'] == 'https://graph.microsoft.com/.default'
    assert settings['instance_discovery'] is True
    assert settings['verify'] is True
    assert settings['api_version'] == 'v1.0'
    assert settings['auth_method'] == 'client_secret'
    assert (settings['retries'], settings['retry_budget']) == (3, 60.0)


@pytest.mark.parametrize(
    'cloud,authority,graph',
    [
        ('global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'),
        ('usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'),
        ('usgov_dod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'),
    ],
)
def test_cloud_sets_authority_graph_and_scope(cloud, authority, graph):
    settings = resolve_settings(params(cloud=cloud), environ={})
    assert (settings['authority_host'], settings['graph_endpoint'], settings['scope']) == (authority, graph, graph + '/.default')


# Precedence: explicit authority_host/graph_endpoint > cloud > AZURE_AUTHORITY_HOST > global.
@pytest.mark.parametrize(
    'options,env,authority,graph',
    [
        ({}, None, 'https://login.microsoftonline.com', 'https://graph.microsoft.com'),
        ({}, 'login.microsoftonline.us', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'),
        ({}, 'https://login.microsoftonline.us/', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'),
        ({'cloud': 'usgov_dod'}, 'login.microsoftonline.com', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'),
        ({'cloud': 'usgov', 'authority_host': 'https://127.0.0.1:8443'}, None, 'https://127.0.0.1:8443', 'https://graph.microsoft.us'),
        ({'cloud': 'usgov', 'graph_endpoint': 'https://127.0.0.1:8443'}, None, 'https://login.microsoftonline.us', 'https://127.0.0.1:8443'),
        ({'authority_host': '127.0.0.1:8443'}, 'login.microsoftonline.us', 'https://127.0.0.1:8443', 'https://graph.microsoft.com'),
    ],
)
def test_endpoint_precedence(options, env, authority, graph):
    environ = {'AZURE_AUTHORITY_HOST': env} if env else {}
    settings = resolve_settings(params(**options), environ=environ)
    assert settings['authority_host'] == authority
    assert settings['authority'] == authority + '/' + TENANT
    assert settings['graph_endpoint'] == graph


# AWX's Azure credential sets AZURE_CLOUD_ENVIRONMENT; it ranks between the cloud option and AZURE_AUTHORITY_HOST.
@pytest.mark.parametrize(
    'options,env,authority,graph',
    [
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'AzureCloud'}, 'https://login.microsoftonline.com', 'https://graph.microsoft.com'),
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'AzureUSGovernment'}, 'https://login.microsoftonline.us', 'https://graph.microsoft.us'),
        ({}, {'AZURE_CLOUD_ENVIRONMENT': ' azureusgovernment '}, 'https://login.microsoftonline.us', 'https://graph.microsoft.us'),
        ({}, {'AZURE_CLOUD_ENVIRONMENT': 'usgov_dod'}, 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'),
        ({}, {'AZURE_CLOUD_ENVIRONMENT': ''}, 'https://login.microsoftonline.com', 'https://graph.microsoft.com'),
        ({'cloud': 'global'}, {'AZURE_CLOUD_ENVIRONMENT': 'AzureUSGovernment'}, 'https://login.microsoftonline.com', 'https://graph.microsoft.com'),
        (
            {},
            {'AZURE_CLOUD_ENVIRONMENT': 'AzureCloud', 'AZURE_AUTHORITY_HOST': 'login.microsoftonline.us'},
            'https://login.microsoftonline.com',
            'https://graph.microsoft.com',
        ),
        (
            {'authority_host': 'https://127.0.0.1:8443'},
            {'AZURE_CLOUD_ENVIRONMENT': 'AzureUSGovernment'},
            'https://127.0.0.1:8443',
            'https://graph.microsoft.us',
        ),
    ],
)
def test_azure_cloud_environment_picks_the_cloud(options, env, authority, graph):
    settings = resolve_settings(params(**options), environ=env)
    assert (settings['authority_host'], settings['graph_endpoint']) == (authority, graph)


@pytest.mark.parametrize(
    'value,message',
    [
        ('AzureChinaCloud', 'cloud=china: Microsoft does not offer'),
        (
            'AzureGermanCloud',
            "AZURE_CLOUD_ENVIRONMENT must be AzureCloud, AzureUSGovernment, AzureChinaCloud or one of the "
            "cloud option's values (china, global, usgov, usgov_dod); got 'AzureGermanCloud'",
        ),
        ('mars', "got 'mars'"),
    ],
)
def test_azure_cloud_environment_refused(value, message):
    with pytest.raises(ValueError) as info:
        resolve_settings(params(), environ={'AZURE_CLOUD_ENVIRONMENT': value})
    assert message in str(info.value)


@pytest.mark.parametrize(
    'host,discovery',
    [
        ('https://login.microsoftonline.com', True),
        ('https://LOGIN.microsoftonline.us', True),
        ('https://login.windows.net', True),
        ('https://127.0.0.1:8443', False),
        ('https://login.microsoftonline.com.evil.example', False),
    ],
)
def test_instance_discovery_only_for_microsoft_hosts(host, discovery):
    assert resolve_settings(params(authority_host=host), environ={})['instance_discovery'] is discovery


@pytest.mark.parametrize(
    'options,env,message',
    [
        ({'cloud': 'china'}, {}, 'cloud=china: Microsoft does not offer the Graph cloud-communications API'),
        ({}, {'AZURE_AUTHORITY_HOST': 'login.chinacloudapi.cn'}, 'cloud=china'),
        (
            {'cloud': 'usgov', 'api_version': 'beta'},
            {},
            'api_version=beta: the beta cloud-communications API exists only in the global cloud, not in cloud=usgov',
        ),
        ({'cloud': 'usgov_dod', 'api_version': 'beta'}, {}, 'not in cloud=usgov_dod'),
    ],
)
def test_clouds_without_the_api_are_refused(options, env, message):
    with pytest.raises(ValueError) as info:
        resolve_settings(params(**options), environ=env)
    assert message in str(info.value)


def test_beta_in_the_global_cloud_is_fine():
    assert resolve_settings(params(api_version='beta'), environ={})['api_version'] == 'beta'


def test_graph_endpoint_sets_the_scope():
    settings = resolve_settings(params(graph_endpoint='https://127.0.0.1:9000/'), environ={})
    assert settings['graph_endpoint'] == 'https://127.0.0.1:9000'
    assert settings['scope'] == 'https://127.0.0.1:9000/.default'


def test_ca_path_and_validate_certs(tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    assert resolve_settings(params(ca_path=str(ca)), environ={})['verify'] == str(ca)
    assert resolve_settings(params(ca_path=str(ca), validate_certs=False), environ={})['verify'] is False


# auth_method=auto: access_token, client_certificate, client_secret, then managed_identity.
@pytest.mark.parametrize(
    'options,env,method',
    [
        ({}, {}, 'client_secret'),
        ({'client_secret': None, 'access_token': 'tok'}, {}, 'access_token'),
        ({'client_secret': None, 'tenant_id': None, 'client_id': None}, {'IDENTITY_ENDPOINT': 'http://x'}, 'managed_identity'),
        ({}, {'IDENTITY_ENDPOINT': 'http://x'}, 'client_secret'),
        ({'auth_method': 'managed_identity', 'tenant_id': None, 'client_secret': None, 'client_id': None}, {}, 'managed_identity'),
        ({'access_token': 'tok'}, {}, 'access_token'),
    ],
)
def test_auto_picks_the_first_complete_method(options, env, method):
    assert resolve_settings(params(**options), environ=env)['auth_method'] == method


def test_environment_values_never_conflict():
    # AWX sets AZURE_SECRET and AZURE_CLIENT_ID machine-wide; a task asking for a managed identity must still work,
    # with the system-assigned identity: a machine-wide client id never picks a managed identity.
    environ = {'AZURE_SECRET': 's3cret', 'AZURE_CLIENT_ID': 'app'}
    settings = resolve_settings(params(auth_method='managed_identity', tenant_id=None), environ=environ)
    assert settings['auth_method'] == 'managed_identity' and settings['managed_identity_client_id'] is None


def test_user_assigned_managed_identity_is_named_explicitly():
    identity = '0F0E0D0C-0B0A-4090-8070-605040302010'
    settings = resolve_settings(
        params(auth_method='managed_identity', client_secret=None, tenant_id=None, client_id=None, managed_identity_client_id=identity), environ={}
    )
    assert settings['managed_identity_client_id'] == identity.lower() and settings['authority'] is None


@pytest.mark.parametrize(
    'overrides,env,message',
    [
        (dict(tenant_id=None), {}, 'tenant_id is required with auth_method=client_secret: set the option or the AZURE_TENANT_ID environment variable'),
        (dict(tenant_id='  '), {}, 'tenant_id is required'),
        (dict(tenant_id='a/b'), {}, 'tenant_id must be a tenant GUID or domain name'),
        (dict(tenant_id='common?x'), {}, 'tenant_id must be a tenant GUID or domain name'),
        (dict(client_id=''), {}, 'client_id is required'),
        (dict(client_secret=None), {}, 'auth_method=auto found no complete credentials'),
        (
            dict(auth_method='client_secret', client_secret=None),
            {},
            'client_secret is required with auth_method=client_secret: set the option or the AZURE_CLIENT_SECRET',
        ),
        (dict(auth_method='access_token', client_secret=None), {}, 'access_token is required with auth_method=access_token'),
        (dict(auth_method='client_certificate', client_secret=None), {}, 'client_certificate_path is required with auth_method=client_certificate'),
        (
            dict(auth_method='client_secret', access_token='tok'),
            {},
            'auth_method=client_secret conflicts with access_token, an option of auth_method=access_token',
        ),
        (dict(auth_method='access_token', access_token='tok'), {}, 'auth_method=access_token conflicts with client_secret'),
        (
            dict(auth_method='managed_identity', client_secret=None, client_certificate_path='/x.pem'),
            {},
            'auth_method=managed_identity conflicts with client_certificate_path',
        ),
        (dict(authority_host='http://login.example'), {}, 'authority_host must be an https URL'),
        (dict(authority_host='https://login.example/tenant'), {}, 'authority_host must be an https URL of a host, with no path'),
        (dict(graph_endpoint='https://graph.example/v1.0'), {}, 'graph_endpoint must be an https URL'),
        (dict(authority_host='https://user:s3cret@login.example'), {}, 'must not hold a user name or password'),
        (dict(graph_endpoint='https://user:s3cret@graph.example'), {}, 'must not hold a user name or password'),
        (dict(graph_endpoint='https://'), {}, 'graph_endpoint must be an https URL of a host'),
        (dict(graph_endpoint='https:'), {}, 'it needs a host name'),
        (dict(graph_endpoint='graph.example:99999'), {}, 'a port from 1 to 65535'),
        (dict(graph_endpoint='https://graph.example?x=1'), {}, 'no path, query or fragment'),
        (dict(timeout=0), {}, 'timeout must be a number of seconds greater than 0 and at most 300'),
        (dict(timeout=float('inf')), {}, 'timeout must be a number of seconds greater than 0 and at most 300; got inf'),
        (dict(timeout=float('nan')), {}, 'timeout must be a number of seconds greater than 0 and at most 300; got nan'),
        (dict(timeout=1e12), {}, 'timeout must be a number of seconds'),
        (dict(retry_budget=-1), {}, 'retry_budget must be a number of seconds greater than 0 and at most 3600'),
        (dict(retry_budget=float('nan')), {}, 'retry_budget must be a number of seconds'),
        (dict(retries=11), {}, 'retries must be a whole number from 0 to 10'),
        (dict(retries=-1), {}, 'retries must be a whole number from 0 to 10'),
        (
            dict(auth_method='managed_identity', client_secret=None, tenant_id=None),
            {},
            'client_id is the id of an app registration, which auth_method=managed_identity does not use',
        ),
        (
            dict(auth_method='managed_identity', client_secret=None, tenant_id=None, client_id=None, managed_identity_client_id='my-identity'),
            {},
            'managed_identity_client_id must be the client id (a GUID)',
        ),
        (
            dict(auth_method='client_secret', managed_identity_client_id='0f0e0d0c-0b0a-4090-8070-605040302010'),
            {},
            'auth_method=client_secret conflicts with managed_identity_client_id',
        ),
        (dict(ca_path='/nonexistent/ca.pem'), {}, "ca_path '/nonexistent/ca.pem' is not a readable file"),
        (dict(token_cache='/nonexistent/dir/cache.json'), {}, "token_cache '/nonexistent/dir/cache.json': the directory"),
        ({}, {'AZURE_AUTHORITY_HOST': 'http://login.example'}, 'AZURE_AUTHORITY_HOST must be an https URL'),
    ],
)
def test_bad_settings_name_the_option(overrides, env, message):
    with pytest.raises(ValueError) as info:
        resolve_settings(params(**overrides), environ=env)
    assert message in str(info.value)
    assert 's3cret' not in str(info.value)


def test_token_cache_readable_by_others_is_refused(tmp_path):
    cache = tmp_path / 'tokens.json'
    cache.write_text('{}')
    os.chmod(str(cache), 0o644)
    with pytest.raises(ValueError, match=r'is readable or writable by group or others \(mode 0644\); run chmod 600 '):
        resolve_settings(params(token_cache=str(cache)), environ={})
    os.chmod(str(cache), 0o600)
    assert resolve_settings(params(token_cache=str(cache)), environ={})['token_cache'] == str(cache)


def test_token_cache_may_not_exist_yet(tmp_path):
    path = str(tmp_path / 'new.json')
    assert resolve_settings(params(token_cache=path), environ={})['token_cache'] == path


def test_argspec_reads_azure_identity_variables_first():
    spec = graph_argument_spec()
    assert spec['tenant_id']['fallback'][1] == ['AZURE_TENANT_ID', 'AZURE_TENANT']
    assert spec['client_id']['fallback'][1] == ['AZURE_CLIENT_ID']
    assert spec['client_secret']['fallback'][1] == ['AZURE_CLIENT_SECRET', 'AZURE_SECRET']
    assert spec['client_certificate_path']['fallback'][1] == ['AZURE_CLIENT_CERTIFICATE_PATH']
    assert spec['client_certificate_password']['fallback'][1] == ['AZURE_CLIENT_CERTIFICATE_PASSWORD']
    for secret in ('client_secret', 'client_certificate_password', 'access_token'):
        assert spec[secret]['no_log'] is True
    for unset in ('authority_host', 'graph_endpoint', 'cloud'):
        assert 'default' not in spec[unset]
