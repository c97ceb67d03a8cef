# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings: precedence, defaults and the rules checked before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph_options import graph_argument_spec, resolve_settings

TENANT = '5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a'


def params(**overrides):
    values = {name: spec.get('default') for name, spec in graph_argument_spec().items()}
    values.update(tenant_id=TENANT, client_id='app', client_secret='s3cret')
    values.update(overrides)
    return values


def test_global_cloud_by_default():
    settings = resolve_settings(params(), environ={})
    assert settings['authority'] == 'https://login.microsoftonline.com/' + TENANT
    assert settings['graph_endpoint'] == 'https://graph.microsoft.com'
    assert settings['scope'] == 'https://graph.microsoft.com/.default'
    assert settings['instance_discovery'] is True
    assert settings['verify'] is True
    assert settings['api_version'] == 'v1.0'


@pytest.mark.parametrize('option,env,expected', [
    (None, None, 'https://login.microsoftonline.com'),
    (None, 'login.microsoftonline.us', 'https://login.microsoftonline.us'),
    (None, 'https://login.microsoftonline.us/', 'https://login.microsoftonline.us'),
    ('https://127.0.0.1:8443', 'login.microsoftonline.us', 'https://127.0.0.1:8443'),
    ('127.0.0.1:8443', None, 'https://127.0.0.1:8443'),
])
def test_authority_precedence(option, env, expected):
    environ = {'AZURE_AUTHORITY_HOST': env} if env else {}
    settings = resolve_settings(params(authority_host=option), environ=environ)
    assert settings['authority_host'] == expected
    assert settings['authority'] == expected + '/' + TENANT


@pytest.mark.parametrize('host,discovery', [
    ('https://login.microsoftonline.com', True),
    ('https://LOGIN.microsoftonline.us', True),
    ('https://login.chinacloudapi.cn', True),
    ('https://127.0.0.1:8443', False),
    ('https://login.microsoftonline.com.evil.example', False),
])
def test_instance_discovery_only_for_microsoft_hosts(host, discovery):
    assert resolve_settings(params(authority_host=host), environ={})['instance_discovery'] is discovery


def test_graph_endpoint_sets_the_scope():
    settings = resolve_settings(params(graph_endpoint='https://127.0.0.1:9000/'), environ={})
    assert settings['graph_endpoint'] == 'https://127.0.0.1:9000'
    assert settings['scope'] == 'https://127.0.0.1:9000/.default'


def test_ca_path_and_validate_certs(tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    assert resolve_settings(params(ca_path=str(ca)), environ={})['verify'] == str(ca)
    assert resolve_settings(params(ca_path=str(ca), validate_certs=False), environ={})['verify'] is False


@pytest.mark.parametrize('overrides,message', [
    (dict(tenant_id=None), 'tenant_id is required: set the option or the AZURE_TENANT_ID environment variable'),
    (dict(tenant_id='  '), 'tenant_id is required'),
    (dict(tenant_id='a/b'), 'tenant_id must be a tenant GUID or domain name'),
    (dict(tenant_id='common?x'), 'tenant_id must be a tenant GUID or domain name'),
    (dict(client_id=''), 'client_id is required'),
    (dict(client_secret=None), 'client_secret is required: set the option or the AZURE_CLIENT_SECRET'),
    (dict(authority_host='http://login.example'), 'authority_host must be an https URL'),
    (dict(authority_host='https://login.example/tenant'), 'authority_host must be an https URL of a host with no path'),
    (dict(graph_endpoint='https://graph.example/v1.0'), 'graph_endpoint must be an https URL'),
    (dict(timeout=0), 'timeout must be a number of seconds greater than 0'),
    (dict(ca_path='/nonexistent/ca.pem'), "ca_path '/nonexistent/ca.pem' is not a readable file"),
])
def test_bad_settings_name_the_option(overrides, message):
    with pytest.raises(ValueError) as info:
        resolve_settings(params(**overrides), environ={})
    assert message in str(info.value)


def test_secret_is_never_in_an_error_message():
    with pytest.raises(ValueError) as info:
        resolve_settings(params(client_secret='hunter2', timeout=-1), environ={})
    assert 'hunter2' not in str(info.value)


def test_bad_environment_authority_names_the_variable():
    with pytest.raises(ValueError, match='AZURE_AUTHORITY_HOST must be an https URL'):
        resolve_settings(params(), environ={'AZURE_AUTHORITY_HOST': 'http://login.example'})


def test_argspec_reads_azure_identity_variables_first():
    spec = graph_argument_spec()
    assert spec['tenant_id']['fallback'][1] == ['AZURE_TENANT_ID', 'AZURE_TENANT']
    assert spec['client_id']['fallback'][1] == ['AZURE_CLIENT_ID']
    assert spec['client_secret']['fallback'][1] == ['AZURE_CLIENT_SECRET', 'AZURE_SECRET']
    assert spec['client_secret']['no_log'] is True
    assert 'default' not in spec['authority_host'] and 'default' not in spec['graph_endpoint']
