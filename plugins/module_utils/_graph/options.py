# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The connection options every module shares, and how they resolve into settings.

Resolution is pure apart from reading local files (a certificate, the token cache's mode): options
and environment in, settings or ValueError out. So every rule is checked before the first request,
the token request included, and is unit-testable.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.federated import check_token, read_file
from ansible_collections.msgraph.calls.plugins.module_utils._graph.token_cache import resolve as resolve_token_cache

# cloud -> (authority host, Graph root). The .default scope is always <Graph root>/.default.
CLOUDS = {
    'global': ('https://login.microsoftonline.com', 'https://graph.microsoft.com'),
    'usgov': ('https://login.microsoftonline.us', 'https://graph.microsoft.us'),
    'usgov_dod': ('https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'),
    'china': ('https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'),
}
GLOBAL_AUTHORITY_HOST, GLOBAL_GRAPH_ENDPOINT = CLOUDS['global']
# An authority host from AZURE_AUTHORITY_HOST names its cloud too (login.microsoftonline.us is
# shared by both US clouds; usgov is the common one, usgov_dod must be asked for).
CLOUD_OF_AUTHORITY = {
    'login.microsoftonline.us': 'usgov',
    'login.chinacloudapi.cn': 'china',
    'login.partner.microsoftonline.cn': 'china',
}

# AZURE_CLOUD_ENVIRONMENT, as AWX's Azure credential and the Azure SDKs name the clouds (any case), and
# this collection's own names. Germany's sovereign cloud closed in 2021.
CLOUD_OF_ENVIRONMENT = {
    'azurecloud': 'global',
    'azurepubliccloud': 'global',
    'azureusgovernment': 'usgov',
    'azureusgovernmentcloud': 'usgov',
    'azurechinacloud': 'china',
}
CLOUD_OF_ENVIRONMENT.update((name, name) for name in CLOUDS)

# Hosts of Microsoft's own authorities: MSAL may run instance discovery against them. Any other host
# (a test double such as the emulator, an AD FS-like proxy) must have discovery off, or MSAL asks
# login.microsoftonline.com about it first and fails offline.
MICROSOFT_AUTHORITY_HOSTS = frozenset(
    [
        'login.microsoftonline.com',
        'login.microsoft.com',
        'login.windows.net',
        'login.microsoftonline.us',
        'login.chinacloudapi.cn',
        'login.partner.microsoftonline.cn',
    ]
)

AUTH_METHODS = ('auto', 'client_secret', 'client_certificate', 'federated_token', 'managed_identity', 'access_token')
# The options that belong to one method only, with the environment variables that may fill them.
METHOD_OPTIONS = {
    'client_secret': [('client_secret', ('AZURE_CLIENT_SECRET', 'AZURE_SECRET'))],
    'client_certificate': [
        ('client_certificate_path', ('AZURE_CLIENT_CERTIFICATE_PATH',)),
        ('client_certificate_key_path', ()),
        ('client_certificate_password', ('AZURE_CLIENT_CERTIFICATE_PASSWORD',)),
        ('client_certificate_thumbprint', ()),
    ],
    'federated_token': [('federated_token', ('AZURE_FEDERATED_TOKEN',)), ('federated_token_file', ('AZURE_FEDERATED_TOKEN_FILE',))],
    'access_token': [('access_token', ())],
    'managed_identity': [('managed_identity_client_id', ())],
}
# Where a managed identity is available, one of these is set (App Service, Functions, Arc, Cloud Shell).
MANAGED_IDENTITY_VARIABLES = ('IDENTITY_ENDPOINT', 'MSI_ENDPOINT')

_TENANT_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9.-]*$')
_GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
_HOSTNAME_RE = re.compile(r'^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$')
_PORT_RE = re.compile(r'^[0-9]{1,5}$')

# (low, high, low excluded) of every number option the connection takes.
TIMEOUT_RANGE = (0, 300, True)
RETRY_BUDGET_RANGE = (0, 3600, True)
RETRIES_RANGE = (0, 10, False)


def number_in_range(name, value, low, high, low_excluded=False, unit='a number of seconds'):
    """``value`` when it is a finite number in the range, else ValueError naming the option and the range.

    NaN and infinity are refused explicitly: they pass no comparison, so a plain ``value <= 0`` lets
    them through (and ``timeout: inf`` then overflows deep inside the socket layer).
    """
    ok = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value > low if low_excluded else value >= low)
        and value <= high
    )
    if not ok:
        bounds = ('greater than %s and at most %s' if low_excluded else 'from %s to %s') % (low, high)
        raise InputError('%s must be %s %s; got %r' % (name, unit, bounds, value))
    return value


def graph_argument_spec():
    """The shared argspec; the doc fragment msgraph.calls._graph_connection documents it."""
    return dict(
        auth_method=dict(type='str', default='auto', choices=list(AUTH_METHODS)),
        tenant_id=dict(type='str', no_log=False, fallback=(env_fallback, ['AZURE_TENANT_ID', 'AZURE_TENANT'])),
        client_id=dict(type='str', no_log=False, fallback=(env_fallback, ['AZURE_CLIENT_ID'])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_SECRET', 'AZURE_SECRET'])),
        client_certificate_path=dict(type='path', fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PATH'])),
        client_certificate_key_path=dict(type='path', no_log=False),
        client_certificate_password=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PASSWORD'])),
        client_certificate_thumbprint=dict(type='str', no_log=False),
        access_token=dict(type='str', no_log=True),
        federated_token=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_FEDERATED_TOKEN'])),
        federated_token_file=dict(type='path', no_log=False, fallback=(env_fallback, ['AZURE_FEDERATED_TOKEN_FILE'])),
        # No environment fallback: a machine-wide AZURE_CLIENT_ID must never pick a managed identity.
        managed_identity_client_id=dict(type='str', no_log=False),
        # No argspec defaults: "unset" must stay visible for the precedence explicit > cloud > environment.
        cloud=dict(type='str', choices=sorted(CLOUDS)),
        authority_host=dict(type='str'),
        graph_endpoint=dict(type='str'),
        api_version=dict(type='str', default='v1.0', choices=['v1.0', 'beta']),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
        retries=dict(type='int', default=3),
        retry_budget=dict(type='float', default=60.0),
        # raw: a path, or true/false; unset means the default file (_graph/token_cache.py).
        token_cache=dict(type='raw', no_log=False, fallback=(env_fallback, ['MSGRAPH_TOKEN_CACHE'])),
    )


def _host_url(value, option):
    """``https://host[:port]`` from a user value; a bare host gets ``https://`` (as azure-identity does).

    Anything else is refused: another scheme, a path, a query, a fragment, an empty host, and above
    all user:password@ (it would travel to Entra inside the scope, or as Basic auth on discovery).
    """
    text = value.strip()
    scheme, dummy, netloc = text.partition('://') if '://' in text else ('https', '', text)
    netloc = netloc.rstrip('/')
    problem = None
    if scheme.lower() != 'https':
        problem = 'the scheme must be https'
    elif '@' in netloc:
        problem = 'it must not hold a user name or password'
    elif any(ch in netloc for ch in '/?#'):
        problem = 'it must not have a path, query or fragment'
    elif not _valid_host_port(netloc):
        problem = 'it needs a host name, and at most a port from 1 to 65535'
    if problem:
        raise InputError(
            '%s must be an https URL of a host, with no path, query or fragment, such as '
            'https://login.microsoftonline.com; %s; got %r' % (option, problem, _without_userinfo(value))
        )
    return 'https://' + netloc


def _valid_host_port(netloc):
    if netloc.startswith('['):
        host, dummy, rest = netloc.partition(']')
        host += ']'
        sep, port = rest[:1], rest[1:]
        if rest and sep != ':':
            return False
    else:
        host, sep, port = netloc.partition(':')
    if not host or not _HOSTNAME_RE.match(host):
        return False
    return not sep or bool(_PORT_RE.match(port)) and 0 < int(port) < 65536


def _without_userinfo(value):
    """The value as it may be shown in a message: any user:password@ part replaced."""
    return re.sub(r'(://)?[^/@\s]*@', lambda match: (match.group(1) or '') + '<user:password>@', value.strip(), count=1)


def _host(url):
    return url.split('://', 1)[1].split(':', 1)[0].lower()


def _text(params, name):
    value = params.get(name)
    if value is None or not str(value).strip():
        return None
    return str(value).strip()


def _environment_cloud(environ):
    """The cloud AZURE_CLOUD_ENVIRONMENT names (None when unset); ValueError for a name it cannot be."""
    name = (environ.get('AZURE_CLOUD_ENVIRONMENT') or '').strip()
    if not name:
        return None
    if name.lower() not in CLOUD_OF_ENVIRONMENT:
        raise InputError(
            'AZURE_CLOUD_ENVIRONMENT must be AzureCloud, AzureUSGovernment, AzureChinaCloud or one of '
            'the cloud option\'s values (%s); got %r' % (', '.join(sorted(CLOUDS)), name)
        )
    return CLOUD_OF_ENVIRONMENT[name.lower()]


def _endpoints(params, environ):
    """(cloud, authority host, Graph root), highest first: explicit options > cloud > AZURE_CLOUD_ENVIRONMENT >
    AZURE_AUTHORITY_HOST > global."""
    cloud = params.get('cloud') or _environment_cloud(environ)
    environment_host = environ.get('AZURE_AUTHORITY_HOST')
    if params.get('authority_host'):
        authority_host = _host_url(params['authority_host'], 'authority_host')
    elif cloud:
        authority_host = CLOUDS[cloud][0]
    elif environment_host:
        authority_host = _host_url(environment_host, 'AZURE_AUTHORITY_HOST')
    else:
        authority_host = GLOBAL_AUTHORITY_HOST
    if not cloud:
        cloud = CLOUD_OF_AUTHORITY.get(_host(authority_host), 'global')
    if params.get('graph_endpoint'):
        graph_endpoint = _host_url(params['graph_endpoint'], 'graph_endpoint')
    else:
        graph_endpoint = CLOUDS[cloud][1]
    return cloud, authority_host, graph_endpoint


def _complete_methods(params, environ):
    """The methods whose options are all there, in the documented order of auth_method=auto."""
    identified = _text(params, 'tenant_id') and _text(params, 'client_id')
    methods = []
    if _text(params, 'access_token'):
        methods.append('access_token')
    if identified and _text(params, 'client_certificate_path'):
        methods.append('client_certificate')
    if identified and _text(params, 'client_secret'):
        methods.append('client_secret')
    if identified and (_text(params, 'federated_token') or _text(params, 'federated_token_file')):
        methods.append('federated_token')
    if any(environ.get(name) for name in MANAGED_IDENTITY_VARIABLES):
        methods.append('managed_identity')
    return methods


def _given_in_task(params, name, variables, environ):
    """Whether an option was set in the task, not merely filled in from its environment variable.

    The AZURE_* variables are often set machine-wide (AWX injects them), so only options the task
    itself sets can conflict with the auth_method it asks for.
    """
    value = _text(params, name)
    return value is not None and all((environ.get(variable) or '').strip() != value for variable in variables)


def _check_conflicts(method, params, environ):
    for other, options in METHOD_OPTIONS.items():
        if other == method:
            continue
        for name, variables in options:
            if _given_in_task(params, name, variables, environ):
                raise InputError(
                    'auth_method=%s conflicts with %s, an option of auth_method=%s: remove it, or set '
                    'auth_method to the method you mean' % (method, name, other)
                )


def _auth_method(params, environ):
    method = params.get('auth_method') or 'auto'
    if method != 'auto':
        _check_conflicts(method, params, environ)
        return method
    complete = _complete_methods(params, environ)
    if not complete:
        # Say what is missing when a credential was given without the ids that go with it.
        for partial, key in (
            ('client_certificate', 'client_certificate_path'),
            ('client_secret', 'client_secret'),
            ('federated_token', 'federated_token'),
            ('federated_token', 'federated_token_file'),
        ):
            if _text(params, key):
                _require(params, [('tenant_id', 'AZURE_TENANT_ID'), ('client_id', 'AZURE_CLIENT_ID')], partial)
        raise InputError(
            'auth_method=auto found no complete credentials: set tenant_id and client_id with '
            'client_secret, client_certificate_path or federated_token_file (or AZURE_TENANT_ID, AZURE_CLIENT_ID, '
            'AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), or access_token, or run where a managed identity is available'
        )
    return complete[0]


def _require(params, names, method):
    for name, variable in names:
        if not _text(params, name):
            hint = ' or the %s environment variable' % variable if variable else ''
            raise InputError('%s is required with auth_method=%s: set the option%s' % (name, method, hint))


def _managed_identity(params, environ):
    """The client id of the user-assigned managed identity to use, or None for the system-assigned one."""
    chosen = _text(params, 'managed_identity_client_id')
    if chosen is not None:
        if not _GUID_RE.match(chosen):
            raise InputError('managed_identity_client_id must be the client id (a GUID) of a user-assigned managed identity; got %r' % chosen)
        return chosen.lower()
    if _given_in_task(params, 'client_id', ('AZURE_CLIENT_ID',), environ):
        raise InputError(
            'client_id is the id of an app registration, which auth_method=managed_identity does not use: '
            'set managed_identity_client_id to pick a user-assigned managed identity, or remove client_id '
            'to use the system-assigned one'
        )
    return None


def _federated_source(params, environ):
    """(where, 'value' or 'file', the token or the path) of the federated token, its shape checked.

    Highest first: federated_token set in the task, federated_token_file set in the task (both at once is a
    contradiction), then AZURE_FEDERATED_TOKEN_FILE, then AZURE_FEDERATED_TOKEN. Among the environment variables
    the file wins: a platform renews a file while a job runs (a projected service-account token), never a variable.
    """
    token_in_task = _given_in_task(params, 'federated_token', ('AZURE_FEDERATED_TOKEN',), environ)
    file_in_task = _given_in_task(params, 'federated_token_file', ('AZURE_FEDERATED_TOKEN_FILE',), environ)
    if token_in_task and file_in_task:
        raise InputError('federated_token and federated_token_file are mutually exclusive: set one of them')
    if token_in_task:
        chosen = ('federated_token', 'value')
    elif file_in_task:
        chosen = ('federated_token_file', 'file')
    elif _text(params, 'federated_token_file'):
        chosen = ('AZURE_FEDERATED_TOKEN_FILE', 'file')
    elif _text(params, 'federated_token'):
        chosen = ('AZURE_FEDERATED_TOKEN', 'value')
    else:
        raise InputError(
            'federated_token or federated_token_file is required with auth_method=federated_token: set one of them, or the '
            'AZURE_FEDERATED_TOKEN_FILE or AZURE_FEDERATED_TOKEN environment variable'
        )
    where, kind = chosen
    option = 'federated_token' if kind == 'value' else 'federated_token_file'
    if kind == 'value':
        return where, kind, check_token(params[option], where)
    read_file(params[option], where)  # readable and a JWT now, before any request; read again for each token request
    return where, kind, params[option]


def _authority_warning(params, environ, cloud, authority_host):
    """A warning when AZURE_AUTHORITY_HOST is set but a cloud (the option, or AZURE_CLOUD_ENVIRONMENT, which an AWX
    credential's cloud field injects even at its default, global) picked another authority host; else None."""
    environment_host = (environ.get('AZURE_AUTHORITY_HOST') or '').strip()
    if not environment_host or params.get('authority_host') or not cloud:
        return None
    try:
        if _host_url(environment_host, 'AZURE_AUTHORITY_HOST').lower() == authority_host.lower():
            return None
    except InputError:
        pass  # an unusable value, ignored all the same
    source = 'the cloud option' if params.get('cloud') else 'AZURE_CLOUD_ENVIRONMENT (an AWX credential\'s cloud field sets it, global by default)'
    return (
        'AZURE_AUTHORITY_HOST %r is ignored: cloud=%s, from %s, wins over it and picks %s. Set authority_host (in the task or '
        'module_defaults) to use that host, or remove AZURE_AUTHORITY_HOST' % (_without_userinfo(environment_host), cloud, source, authority_host)
    )


def resolve_settings(params, environ=None):
    """Turn module params (after argspec and env fallbacks) into the settings the client uses.

    Raises ValueError with a message naming the option and the rule.
    """
    environ = os.environ if environ is None else environ
    method = _auth_method(params, environ)
    settings = dict(auth_method=method, tenant_id=_text(params, 'tenant_id'), client_id=_text(params, 'client_id'))
    if method in ('client_secret', 'client_certificate', 'federated_token'):
        _require(params, [('tenant_id', 'AZURE_TENANT_ID'), ('client_id', 'AZURE_CLIENT_ID')], method)
        if not _TENANT_RE.match(settings['tenant_id']):
            raise InputError('tenant_id must be a tenant GUID or domain name (letters, digits, dots and hyphens); got %r' % settings['tenant_id'])
    if method == 'client_secret':
        _require(params, [('client_secret', 'AZURE_CLIENT_SECRET')], method)
        settings['client_secret'] = _text(params, 'client_secret')
    elif method == 'client_certificate':
        _require(params, [('client_certificate_path', 'AZURE_CLIENT_CERTIFICATE_PATH')], method)
        # Imported for this method only: the others never compile the PEM and PKCS#12 handling.
        from ansible_collections.msgraph.calls.plugins.module_utils._graph.certificate import load_certificate

        settings['certificate'] = load_certificate(
            params['client_certificate_path'],
            params.get('client_certificate_key_path'),
            params.get('client_certificate_password'),
            params.get('client_certificate_thumbprint'),
        )
    elif method == 'federated_token':
        settings['federated_token_source'] = _federated_source(params, environ)
    elif method == 'access_token':
        _require(params, [('access_token', None)], method)
        settings['access_token'] = _text(params, 'access_token')
    elif method == 'managed_identity':
        settings['managed_identity_client_id'] = _managed_identity(params, environ)

    cloud, authority_host, graph_endpoint = _endpoints(params, environ)
    explicit_cloud = params.get('cloud') or _environment_cloud(environ)
    authority_warning = _authority_warning(params, environ, explicit_cloud, authority_host)
    api_version = params.get('api_version') or 'v1.0'
    if cloud == 'china':
        raise InputError(
            'cloud=china: Microsoft does not offer the Graph cloud-communications API (calls, rosters, invites) in the China cloud operated by 21Vianet'
        )
    if api_version == 'beta' and cloud != 'global':
        raise InputError('api_version=beta: the beta cloud-communications API exists only in the global cloud, not in cloud=%s' % cloud)

    number_in_range('timeout', params.get('timeout'), *TIMEOUT_RANGE)
    number_in_range('retry_budget', params.get('retry_budget'), *RETRY_BUDGET_RANGE)
    retries = number_in_range('retries', params.get('retries'), *RETRIES_RANGE, unit='a whole number')

    ca_path = params.get('ca_path')
    if not params.get('validate_certs', True):
        verify = False
    elif ca_path:
        if not os.path.isfile(ca_path):
            raise InputError('ca_path %r is not a readable file' % ca_path)
        verify = ca_path
    else:
        verify = True

    token_cache, token_cache_warning = resolve_token_cache(params.get('token_cache'), environ, method)

    settings.update(
        cloud=cloud,
        authority_host=authority_host,
        authority='%s/%s' % (authority_host, settings['tenant_id']) if settings['tenant_id'] else None,
        instance_discovery=_host(authority_host) in MICROSOFT_AUTHORITY_HOSTS,
        graph_endpoint=graph_endpoint,
        scope=graph_endpoint + '/.default',
        api_version=api_version,
        verify=verify,
        timeout=float(params['timeout']),
        retries=retries,
        retry_budget=float(params['retry_budget']),
        token_cache=token_cache,
        token_cache_warning=token_cache_warning,
        warnings=[warning for warning in (token_cache_warning, authority_warning) if warning],
    )
    return settings
