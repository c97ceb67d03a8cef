# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The connection options every module shares, and how they resolve into settings.

Resolution is pure (options + environment in, settings or ValueError out) so that every rule is
checked before the first request, the token request included, and is unit-testable.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible.module_utils.basic import env_fallback

GLOBAL_AUTHORITY_HOST = 'https://login.microsoftonline.com'
GLOBAL_GRAPH_ENDPOINT = 'https://graph.microsoft.com'

# Hosts of Microsoft's own authorities: MSAL may run instance discovery against them. Any other host
# (a test double such as the emulator, an AD FS-like proxy) must have discovery off, or MSAL asks
# login.microsoftonline.com about it first and fails offline.
MICROSOFT_AUTHORITY_HOSTS = frozenset([
    'login.microsoftonline.com',
    'login.microsoft.com',
    'login.windows.net',
    'login.microsoftonline.us',
    'login.chinacloudapi.cn',
    'login.partner.microsoftonline.cn',
])

_TENANT_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9.-]*$')
_HOST_URL_RE = re.compile(r'^https://[^/?#\s]+$')


def graph_argument_spec():
    """The shared argspec; the doc fragment msgraph.calls._graph_connection documents it."""
    return dict(
        tenant_id=dict(type='str', no_log=False, fallback=(env_fallback, ['AZURE_TENANT_ID', 'AZURE_TENANT'])),
        client_id=dict(type='str', no_log=False, fallback=(env_fallback, ['AZURE_CLIENT_ID'])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_SECRET', 'AZURE_SECRET'])),
        # No argspec defaults: "unset" must stay visible so that a later cloud option can sit between
        # an explicit value and the environment.
        authority_host=dict(type='str'),
        graph_endpoint=dict(type='str'),
        api_version=dict(type='str', default='v1.0', choices=['v1.0', 'beta']),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
    )


def _host_url(value, option):
    """``https://host[:port]`` from a user value; a bare host gets ``https://`` (as azure-identity does)."""
    text = value.strip().rstrip('/')
    if '://' not in text:
        text = 'https://' + text
    if not _HOST_URL_RE.match(text):
        raise ValueError('%s must be an https URL of a host with no path, query or fragment, such as '
                         'https://login.microsoftonline.com; got %r' % (option, value))
    return text


def _required(params, name, env):
    value = params.get(name)
    if value is None or not str(value).strip():
        raise ValueError('%s is required: set the option or the %s environment variable' % (name, env))
    return str(value).strip()


def resolve_settings(params, environ=None):
    """Turn module params (after argspec and env fallbacks) into the settings the client uses.

    Precedence, documented in the doc fragment: an explicit ``authority_host`` wins, then
    ``AZURE_AUTHORITY_HOST``, then the global cloud. ``graph_endpoint``: explicit, then global.
    Raises ValueError with a message naming the option.
    """
    environ = os.environ if environ is None else environ
    tenant_id = _required(params, 'tenant_id', 'AZURE_TENANT_ID')
    if not _TENANT_RE.match(tenant_id):
        raise ValueError('tenant_id must be a tenant GUID or domain name (letters, digits, dots and '
                         'hyphens); got %r' % tenant_id)
    client_id = _required(params, 'client_id', 'AZURE_CLIENT_ID')
    client_secret = _required(params, 'client_secret', 'AZURE_CLIENT_SECRET')

    if params.get('authority_host'):
        authority_host = _host_url(params['authority_host'], 'authority_host')
    elif environ.get('AZURE_AUTHORITY_HOST'):
        authority_host = _host_url(environ['AZURE_AUTHORITY_HOST'], 'AZURE_AUTHORITY_HOST')
    else:
        authority_host = GLOBAL_AUTHORITY_HOST
    if params.get('graph_endpoint'):
        graph_endpoint = _host_url(params['graph_endpoint'], 'graph_endpoint')
    else:
        graph_endpoint = GLOBAL_GRAPH_ENDPOINT

    timeout = params.get('timeout')
    if timeout is None or timeout <= 0:
        raise ValueError('timeout must be a number of seconds greater than 0; got %r' % timeout)

    ca_path = params.get('ca_path')
    if not params.get('validate_certs', True):
        verify = False
    elif ca_path:
        if not os.path.isfile(ca_path):
            raise ValueError('ca_path %r is not a readable file' % ca_path)
        verify = ca_path
    else:
        verify = True

    host = authority_host.split('://', 1)[1].split(':', 1)[0].lower()
    return dict(
        tenant_id=tenant_id,
        client_id=client_id,
        client_secret=client_secret,
        authority_host=authority_host,
        authority=authority_host + '/' + tenant_id,
        instance_discovery=host in MICROSOFT_AUTHORITY_HOSTS,
        graph_endpoint=graph_endpoint,
        scope=graph_endpoint + '/.default',
        api_version=params.get('api_version') or 'v1.0',
        verify=verify,
        timeout=float(timeout),
    )
