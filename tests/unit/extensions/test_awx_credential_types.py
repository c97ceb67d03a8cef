# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX credential types of extensions/awx: valid for AWX, and what they inject authenticates.

AWX checks a credential type when it is saved (the rules of awx/main/fields.py are repeated here) and
renders its injectors with Jinja at job start (as awx/main/models/credential.py does, here). The rendered
environment then goes through the modules' own argspec, with Ansible's env_fallback reading it from
os.environ, and through resolve_settings: the settings a module would use.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import re

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import MANAGED_IDENTITY_VARIABLES, graph_argument_spec, resolve_settings
from awx_injectors import CERTIFICATE_TYPE, FEDERATED_TYPE, SECRET_TYPE, TYPES, Namespace, fields, inject, load

TENANT = '5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a'
CLIENT = '3f1c8e2a-7b4d-4c9e-a5f6-1d2e3c4b5a69'
SECRET = 'not-a-real-secret~0123456789'
PASSWORD = 'pa55'  # the shared test certificate's (tests/unit/conftest.py)
GLOBAL = ('https://login.microsoftonline.com', 'https://graph.microsoft.com')
USGOV = ('https://login.microsoftonline.us', 'https://graph.microsoft.us')
USGOV_DOD = ('https://login.microsoftonline.us', 'https://dod-graph.microsoft.us')


def fallbacks():
    """Environment variable -> the option it fills, from the modules' argspec."""
    return dict((name, option) for option, spec in graph_argument_spec().items() for name in (spec.get('fallback') or (None, []))[1])


# Every name the collection reads: the argspec's env fallbacks, and the two resolve_settings reads itself.
READ = frozenset(fallbacks()) | frozenset(['AZURE_CLOUD_ENVIRONMENT', 'AZURE_AUTHORITY_HOST'])
# The names whose option is no_log: Ansible masks their values in every result, warning and log it writes.
MASKED = frozenset(name for name, option in fallbacks().items() if graph_argument_spec()[option].get('no_log'))

# AWX's rules for a custom credential type (awx/main/fields.py, awx/main/constants.py ENV_BLOCKLIST).
FIELD_KEYS = {'id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'default'}
NAME_RE = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
FILE_RE = re.compile(r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$')
ENV_BLOCKLIST = {
    'VIRTUAL_ENV',
    'PATH',
    'PYTHONPATH',
    'JOB_ID',
    'INVENTORY_ID',
    'INVENTORY_SOURCE_ID',
    'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID',
    'REST_API_URL',
    'REST_API_TOKEN',
    'MAX_EVENT_RES',
    'CALLBACK_QUEUE',
    'CALLBACK_CONNECTION',
    'CACHE',
    'JOB_CALLBACK_DEBUG',
    'INVENTORY_HOSTVARS',
    'AWX_HOST',
    'PROJECT_REVISION',
    'SUPERVISOR_CONFIG_PATH',
}


def module_params(monkeypatch, env):
    """The connection options a module gets in a job with this environment and no connection options in the task.

    The real argspec validation of Ansible runs, env_fallback reading os.environ included; the AZURE_* variables of
    the machine running the tests are removed first. Returns (params, the values Ansible will mask).
    """
    for name in READ | frozenset(MANAGED_IDENTITY_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(graph_argument_spec()).validate({})
    assert not result.error_messages
    # AnsibleModule takes its no_log values from this very attribute.
    return result.validated_parameters, result._no_log_values


def settings_for(monkeypatch, credential_type, inputs, private_dir):
    env, dummy = inject(credential_type, inputs, private_dir)
    params, masked = module_params(monkeypatch, env)
    # HOME: the default token cache goes to a temporary home, not the real one.
    return resolve_settings(params, environ=dict(env, HOME=str(private_dir))), masked


@pytest.fixture
def pems(app_certificate):
    """A certificate with its RSA private key, in clear and encrypted, pasted as one PEM (the shared test certificate)."""
    return {'clear': app_certificate['cert'] + app_certificate['key'], 'encrypted': app_certificate['cert'] + app_certificate['encrypted']}


# --- what AWX checks when the credential type is saved --------------------------------------------------------


@pytest.mark.parametrize('name', TYPES)
def test_awx_accepts_the_inputs(name):
    credential_type = load(name)
    assert set(credential_type) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert credential_type['kind'] == 'cloud'  # a custom type may only be cloud or net
    assert set(credential_type['inputs']) <= {'fields', 'required'}
    ids = [field['id'] for field in fields(credential_type)]
    labels = [field['label'] for field in fields(credential_type)]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    assert 'tower' not in ids
    assert set(credential_type['inputs']['required']) <= set(ids)
    for field in fields(credential_type):
        assert set(field) <= FIELD_KEYS and NAME_RE.match(field['id']), field
        assert field.get('type', 'string') == 'string', field
        assert all(isinstance(field.get(key, False), bool) for key in ('secret', 'multiline', 'ask_at_runtime')), field
        if 'choices' in field:
            assert field['choices'] and len(set(field['choices'])) == len(field['choices'])
            assert all(isinstance(choice, str) for choice in field['choices'])
        if 'default' in field:
            assert isinstance(field['default'], str) and field['default'] in field.get('choices', [field['default']])


class Exploding(object):
    """AWX's stand-in for tower.filename when no file template is defined."""

    def __str__(self):
        raise UndefinedError('Must define unnamed file injector in order to reference `tower.filename`.')


@pytest.mark.parametrize('name', TYPES)
def test_awx_accepts_the_injectors(name):
    """AWX renders every injector with each field set to EXAMPLE and StrictUndefined: unknown names are refused."""
    credential_type = load(name)
    injectors = credential_type['injectors']
    assert set(injectors) <= {'file', 'env', 'extra_vars'}
    namespace = dict((field['id'], 'EXAMPLE') for field in fields(credential_type))
    tower = namespace['tower'] = Namespace()
    tower.filename = Exploding()
    labels = list(injectors.get('file', {}))
    assert all(FILE_RE.match(label) for label in labels)
    if 'template' in labels:
        assert len(labels) == 1  # single-file and multi-file syntax cannot be mixed
        tower.filename = 'EXAMPLE_FILENAME'
    else:
        for label in labels:
            setattr(tower.filename, label.split('.')[1], 'EXAMPLE_FILENAME')
    for variable in injectors['env']:
        assert NAME_RE.match(variable) and not variable.startswith('ANSIBLE_') and variable not in ENV_BLOCKLIST
    for template in list(injectors['env'].values()) + list(injectors.get('file', {}).values()):
        ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(namespace)


# --- what the collection reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize('name', TYPES)
def test_every_injected_variable_is_one_the_collection_reads(name):
    injected = set(load(name)['injectors']['env'])
    assert injected <= READ, 'injected but never read: %s' % sorted(injected - READ)


@pytest.mark.parametrize('name', TYPES)
def test_cloud_choices_are_the_clouds_with_the_calls_api(name):
    cloud = [field for field in fields(load(name)) if field['id'] == 'cloud'][0]
    # The modules refuse china before any request: Microsoft offers no cloud-communications API there.
    assert set(cloud['choices']) == set(graph_argument_spec()['cloud']['choices']) - {'china'}


@pytest.mark.parametrize('name', TYPES)
def test_secrets_only_reach_masked_variables_or_files(tmp_path, name):
    """Render each field alone with a marker: a secret may land only in a no_log option's variable or in a file,
    and whatever lands there must be a secret (AWX then hides it from the job's stored environment)."""
    credential_type = load(name)
    for field in fields(credential_type):
        marker = 'MARKER-%s' % field['id']
        env, safe_env = inject(credential_type, {field['id']: marker}, str(tmp_path))
        carried_by = set(variable for variable, value in env.items() if marker in value)
        in_file = any(marker in path.read_text() for path in tmp_path.iterdir())
        if field.get('secret'):
            assert carried_by <= MASKED, (field['id'], carried_by)
            assert carried_by or in_file, field['id']
            assert not any(marker in value for value in safe_env.values())
        else:
            assert not carried_by & MASKED and not in_file, field['id']
        for path in tmp_path.iterdir():
            path.unlink()


# --- the rendered environment, through the modules' argspec and resolve_settings -------------------------------


@pytest.mark.parametrize(
    'inputs,endpoints',
    [
        ({'cloud': 'global'}, GLOBAL),
        ({}, GLOBAL),  # created through the API without a cloud
        ({'cloud': ''}, GLOBAL),
        ({'cloud': 'usgov'}, USGOV),
        ({'cloud': 'usgov_dod'}, USGOV_DOD),
    ],
)
def test_client_secret_credential_authenticates(monkeypatch, tmp_path, inputs, endpoints):
    inputs = dict(inputs, tenant_id=TENANT, client_id=CLIENT, client_secret=SECRET)
    settings, masked = settings_for(monkeypatch, load(SECRET_TYPE), inputs, str(tmp_path))
    assert settings['auth_method'] == 'client_secret'
    assert (settings['tenant_id'], settings['client_id'], settings['client_secret']) == (TENANT, CLIENT, SECRET)
    assert (settings['authority_host'], settings['graph_endpoint']) == endpoints
    assert settings['authority'] == endpoints[0] + '/' + TENANT
    assert settings['scope'] == endpoints[1] + '/.default'
    assert SECRET in masked


@pytest.mark.parametrize(
    'pem,password,cloud,endpoints',
    [
        ('clear', None, 'global', GLOBAL),  # the password field absent
        ('clear', '', 'global', GLOBAL),  # left empty: rendered as "", which must not break an unencrypted key
        ('encrypted', PASSWORD, 'usgov', USGOV),
    ],
)
def test_certificate_credential_authenticates(monkeypatch, tmp_path, pems, pem, password, cloud, endpoints):
    inputs = {'tenant_id': TENANT, 'client_id': CLIENT, 'certificate': pems[pem], 'cloud': cloud}
    if password is not None:
        inputs['certificate_password'] = password
    settings, masked = settings_for(monkeypatch, load(CERTIFICATE_TYPE), inputs, str(tmp_path))
    assert settings['auth_method'] == 'client_certificate'
    assert (settings['tenant_id'], settings['client_id']) == (TENANT, CLIENT)
    assert (settings['authority_host'], settings['graph_endpoint']) == endpoints
    certificate = settings['certificate']
    assert certificate['private_key'] in pems[pem] and re.match('^[0-9A-F]{40}$', certificate['thumbprint'])
    assert certificate['password'] == (password or None)
    assert not password or password in masked


def test_certificate_file_is_private(tmp_path, pems):
    env, safe_env = inject(load(CERTIFICATE_TYPE), {'tenant_id': TENANT, 'client_id': CLIENT, 'certificate': pems['clear']}, str(tmp_path))
    path = env['AZURE_CLIENT_CERTIFICATE_PATH']
    assert os.path.dirname(path) == str(tmp_path) and os.stat(path).st_mode & 0o077 == 0
    assert open(path).read() == pems['clear']
    assert not any(pems['clear'] in value or 'PRIVATE KEY' in value for value in list(env.values()) + list(safe_env.values()))


def test_encrypted_key_with_the_password_left_empty_says_so(monkeypatch, tmp_path, pems):
    inputs = {'tenant_id': TENANT, 'client_id': CLIENT, 'certificate': pems['encrypted'], 'certificate_password': ''}
    with pytest.raises(ValueError, match='is encrypted: set client_certificate_password'):
        settings_for(monkeypatch, load(CERTIFICATE_TYPE), inputs, str(tmp_path))


def jwt(subject):

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b'=').decode()

    return '%s.%s.c2ln' % (part({'alg': 'RS256'}), part({'iss': 'https://token.actions.githubusercontent.com', 'sub': subject}))


@pytest.mark.parametrize('cloud,endpoints', [('global', GLOBAL), ('usgov', USGOV), ('', GLOBAL)])
def test_federated_credential_with_a_token_authenticates(monkeypatch, tmp_path, cloud, endpoints):
    token = jwt('repo:contoso/ops:environment:prod')
    inputs = {'tenant_id': TENANT, 'client_id': CLIENT, 'federated_token': token, 'cloud': cloud}
    env, safe_env = inject(load(FEDERATED_TYPE), inputs, str(tmp_path))
    path = env['AZURE_FEDERATED_TOKEN_FILE']
    assert os.path.dirname(path) == str(tmp_path) and os.stat(path).st_mode & 0o077 == 0 and open(path).read() == token
    assert not any(token in value for value in list(env.values()) + list(safe_env.values()))
    settings, dummy = settings_for(monkeypatch, load(FEDERATED_TYPE), inputs, str(tmp_path))
    assert settings['auth_method'] == 'federated_token' and settings['federated_token_source'][:2] == ('AZURE_FEDERATED_TOKEN_FILE', 'file')
    assert (settings['authority_host'], settings['graph_endpoint']) == endpoints


def test_federated_credential_with_a_token_file_of_the_execution_environment(monkeypatch, tmp_path):
    projected = tmp_path / 'azure-identity-token'
    projected.write_text(jwt('system:serviceaccount:ops:paging'))
    inputs = {'tenant_id': TENANT, 'client_id': CLIENT, 'federated_token_file': str(projected)}
    settings, dummy = settings_for(monkeypatch, load(FEDERATED_TYPE), inputs, str(tmp_path))
    assert settings['federated_token_source'] == ('AZURE_FEDERATED_TOKEN_FILE', 'file', str(projected))


def test_federated_credential_with_neither_says_what_is_missing(monkeypatch, tmp_path):
    # AZURE_FEDERATED_TOKEN_FILE renders empty (unset): the modules say, before any request, what would complete it.
    inputs = {'tenant_id': TENANT, 'client_id': CLIENT}
    with pytest.raises(ValueError, match='found no complete credentials: .*AZURE_FEDERATED_TOKEN_FILE'):
        settings_for(monkeypatch, load(FEDERATED_TYPE), inputs, str(tmp_path))
