# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The token cache file: where it is, how MSAL persists to it, and reading a token from it without MSAL.

Every task is a new Python process. Asking MSAL for a cached token costs importing msal and
msal-extensions (~0.1 s of CPU) and, before MSAL looks in its cache at all, a request for the
authority's OpenID configuration. ``cached_token`` reads the file MSAL wrote and returns a token
that MSAL itself would return from its cache, so a task that finds one imports neither and sends
nothing to the token service. Anything it does not recognise is a miss: MSAL then decides.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import stat
import time
from urllib.parse import urlsplit

from ansible.module_utils.basic import missing_required_lib

HAS_MSAL_EXTENSIONS = importlib.util.find_spec('msal_extensions') is not None

# MSAL's own rule: an access token with less than five minutes left is treated as expired.
EXPIRY_MARGIN = 300
# Where tasks keep tokens unless told otherwise: the home of the user who runs the module.
DEFAULT_DIR = ('.ansible', 'msgraph.calls')
DEFAULT_NAME = 'token_cache.json'
# token_cache strings that mean the default file, and those that turn the cache off (YAML's true and false
# arrive as booleans, or as "True"/"False" from a string template).
ON_VALUES = ('true', 'yes', 'on', 'default')
OFF_VALUES = ('', 'false', 'no', 'off', 'none', '0')


def default_path(environ):
    """``~/.ansible/msgraph.calls/token_cache.json`` of the user running the module."""
    home = environ.get('HOME') or os.path.expanduser('~')
    return os.path.join(home, *DEFAULT_DIR + (DEFAULT_NAME,))


def chosen_path(value, environ):
    """(path or None, whether it is the default) for the ``token_cache`` option's value."""
    if value is None or value is True or (isinstance(value, str) and value.strip().lower() in ON_VALUES):
        return default_path(environ), True
    if value is False or (isinstance(value, str) and value.strip().lower() in OFF_VALUES):
        return None, False
    if not isinstance(value, str):
        raise ValueError('token_cache must be a file path, true (the default file) or false (no cache); got %r' % (value,))
    return os.path.abspath(os.path.expanduser(os.path.expandvars(value))), False


def resolve(value, environ, method):
    """(the token cache file or None, a warning or None) for the ``token_cache`` option; ValueError names the rule.

    On by default, in the user's ~/.ansible. The default is an optimisation, so what stands in its way (no
    msal-extensions, a folder that cannot be made) turns it off with a warning; a file the task names must work.
    A given access token is never cached: there is nothing to fetch.
    """
    path, is_default = chosen_path(value, environ)
    if path is None or method == 'access_token':
        return None, None
    if not HAS_MSAL_EXTENSIONS:
        if not is_default:
            raise ValueError(missing_required_lib('msal-extensions', reason='for token_cache (set token_cache: false to run without it)'))
        return None, 'msal-extensions is not installed: tokens are not kept between tasks (install it, or set token_cache: false)'
    if is_default:
        problem = make_default_dir(path)
        if problem:
            return None, problem
    check_file(path)
    return path, None


def check_file(path):
    """A token cache holds bearer tokens in clear: refuse one that others can read or write."""
    if os.path.lexists(path):
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError('token_cache %r must be a regular file' % path)
        if info.st_mode & 0o077:
            raise ValueError(
                'token_cache %r is accessible to other users (mode %o): it holds bearer tokens; run chmod 600 on it' % (path, stat.S_IMODE(info.st_mode))
            )
    elif not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise ValueError('token_cache %r: the directory %r does not exist' % (path, os.path.dirname(os.path.abspath(path))))


def make_default_dir(path):
    """Create the default cache's directory (0700), or say why it cannot be: the task then runs without a cache."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, 0o700, exist_ok=True)
    except OSError as exc:
        return 'the default token_cache directory %s cannot be created (%s); tokens are not kept between tasks' % (directory, exc.strerror or exc)
    return None


def persisted_cache(path):
    """MSAL's token cache persisted in ``path`` (msal-extensions writes it 0600, locked)."""
    from msal_extensions import FilePersistence, PersistedTokenCache

    return PersistedTokenCache(FilePersistence(path))


def cached_token(path, settings, now=None):
    """An access token from the cache file that MSAL would serve for these settings, or None.

    Matched as MSAL matches an app-only token: same client, authority host ("environment"), tenant
    ("realm") and scope, no account, no key binding, at least EXPIRY_MARGIN seconds left and not past
    its ``refresh_on``. The caller holds the lock that MSAL's writes to the file are made under.
    """
    if settings.get('auth_method') not in ('client_secret', 'client_certificate') or not settings.get('tenant_id'):
        return None
    try:
        with open(path, encoding='utf-8') as handle:
            cache = json.load(handle)
        entries = cache.get('AccessToken') or {}
        entries = entries.values() if isinstance(entries, dict) else []
    except (OSError, ValueError, AttributeError):
        return None
    now = time.time() if now is None else now
    authority = urlsplit(settings['authority_host'])
    # MSAL records the authority's host name (no port) as the "environment"; a port is accepted too.
    environments = (str(authority.hostname).lower(), authority.netloc.lower())
    realm = settings['tenant_id'].lower()
    scope = settings['scope'].lower()
    for entry in entries:
        try:
            if (
                entry.get('credential_type') == 'AccessToken'
                and entry.get('client_id') == settings['client_id']
                and str(entry.get('environment', '')).lower() in environments
                and str(entry.get('realm', '')).lower() == realm
                and scope in str(entry.get('target', '')).lower().split()
                and not entry.get('home_account_id')
                and not entry.get('key_id')
                and not entry.get('ext_cache_key')
                and int(entry['expires_on']) - now >= EXPIRY_MARGIN
                and not ('refresh_on' in entry and int(entry['refresh_on']) < now)
                and entry.get('secret')
            ):
                return entry['secret']
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return None
