# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The token cache file: where it is, how MSAL persists to it, and reading a token from it without MSAL.

The file keeps one MSAL cache per credential, under a salted hash of what proves the credential (the client
secret, the certificate's thumbprint, a federated token's issuer, subject and audience), never the credential
itself: a token is only ever served to the credential that obtained it, so a wrong or rotated secret goes to
Entra at once instead of riding on a token another secret got.

Every task is a new Python process. Asking MSAL for a cached token costs importing msal and, before MSAL looks in its cache at all, a request for the
authority's OpenID configuration. ``cached_token`` reads the file MSAL wrote and returns a token
that MSAL itself would return from its cache, so a task that finds one imports neither and sends
nothing to the token service. Anything it does not recognise is a miss: MSAL then decides.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import json
import os
import time
from urllib.parse import urlsplit

from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import check, read_private, write_private
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import home_state_dir, record_path

# MSAL's own rule: an access token with less than five minutes left is treated as expired.
EXPIRY_MARGIN = 300
# Where tasks keep tokens unless told otherwise: the home of the user who runs the module (never MSGRAPH_STATE_DIR,
# which may be shared between jobs: a token is cheap to fetch, and bearer tokens stay private to one home).
DEFAULT_NAME = 'token_cache.json'
# Beside the cache: the lock that token requests are made under (auth.py), by every fork and task.
LOCK_SUFFIX = '.acquire-lock'
OPTION = 'token_cache'
# The file's own format: {FORMAT_KEY: FORMAT, "salt": hex, "credentials": {hash: MSAL's serialised cache}}. A file in
# any other form (MSAL's own, as versions before the credential keys wrote it) holds nothing for anyone: a miss.
FORMAT_KEY = 'msgraph.calls.token_cache'
FORMAT = 2
SALT_BYTES = 16
# The methods whose tokens cached_token may serve: MSAL's client credentials flow, with a token per app and tenant.
CLIENT_CREDENTIAL_METHODS = ('client_secret', 'client_certificate', 'federated_token')


def chosen_path(value, environ):
    """(path or None, whether it is the default) for the ``token_cache`` option's value (its environment variable,
    MSGRAPH_TOKEN_CACHE, reaches it as the option's fallback)."""
    return record_path(OPTION, value, None, DEFAULT_NAME, environ, folder=home_state_dir(environ))


def resolve(value, environ, method):
    """(the token cache file or None, a warning or None) for the ``token_cache`` option; ValueError names the rule.

    On by default, in the user's ~/.ansible. The default is an optimisation, so a folder that cannot be made
    turns it off with a warning; a file the task names must work. A file or folder that others could read or
    swap is refused, the default's too (private_file.py). A given access token is never cached: nothing to fetch.
    """
    path, is_default = chosen_path(value, environ)
    if path is None or method == 'access_token':
        return None, None
    if is_default:
        problem = make_default_dir(path)
        if problem:
            return None, problem
    check_file(path)
    return path, None


def check_file(path):
    """A token cache holds bearer tokens in clear: refuse it, or its lock, when private_file's rules are broken."""
    check(path, OPTION)
    check(lock_path(path), OPTION)


def lock_path(path):
    return path + LOCK_SUFFIX


def make_default_dir(path):
    """Create the default cache's directory (0700), or say why it cannot be: the task then runs without a cache."""
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, 0o700, exist_ok=True)
    except OSError as exc:
        return 'the default token_cache directory %s cannot be created (%s); tokens are not kept between tasks' % (directory, exc.strerror or exc)
    return None


def credential_key(salt, material):
    """The name a credential's tokens are kept under: HMAC-SHA256 of its ``material`` (bytes) keyed by the file's salt.

    Salted per file, so that the same secret has another name in every file and a weak one cannot be looked up in
    a table; a one-way hash, so the file never holds what proves the credential.
    """
    return hmac.new(bytes.fromhex(salt), material, hashlib.sha256).hexdigest()


def load_document(text):
    """The file's content as {"salt", "credentials"}; anything not in this collection's format is an empty one."""
    try:
        document = json.loads(text) if text else None
    except ValueError:
        document = None
    if (
        not isinstance(document, dict)
        or document.get(FORMAT_KEY) != FORMAT
        or not isinstance(document.get('credentials'), dict)
        or not _is_salt(document.get('salt'))
    ):
        return {FORMAT_KEY: FORMAT, 'salt': None, 'credentials': {}}
    return document


def _is_salt(value):
    try:
        return isinstance(value, str) and len(bytes.fromhex(value)) == SALT_BYTES
    except ValueError:
        return False


def partition(document, material):
    """The MSAL cache (a dict) kept for this credential in ``document``, or None."""
    if not document['salt']:
        return None
    found = document['credentials'].get(credential_key(document['salt'], material))
    return found if isinstance(found, dict) else None


def _live(cache, now):
    """Whether an MSAL cache still holds an access token that has not expired."""
    entries = cache.get('AccessToken') if isinstance(cache, dict) else None
    for entry in entries.values() if isinstance(entries, dict) else []:
        try:
            if int(entry['expires_on']) > now:
                return True
        except (KeyError, TypeError, ValueError):
            continue
    return False


def store(document, material, cache, now=None):
    """``document`` with this credential's MSAL cache set, a salt made if it had none, and the caches of other
    credentials whose tokens all expired dropped (a rotated-out secret's tokens leave with their last hour)."""
    now = time.time() if now is None else now
    if not document['salt']:
        document['salt'] = os.urandom(SALT_BYTES).hex()
    key = credential_key(document['salt'], material)
    kept = dict((name, value) for name, value in document['credentials'].items() if name != key and _live(value, now))
    kept[key] = cache
    document['credentials'] = kept
    return document


def persisted_cache(path, material):
    """MSAL's token cache for one credential (``material``, bytes) kept in ``path``, read and written only through
    private_file.

    Not msal-extensions' PersistedTokenCache: its writes and its own lock file follow links. It needs no lock
    of its own either: auth.py uses it only under the acquire lock.
    """
    import msal

    class FileTokenCache(msal.SerializableTokenCache):
        """Reloads the file before each read or change (another task may have written it), saves after each change.

        MSAL sees only this credential's part of the file; the other credentials' parts are written back untouched.
        """

        def __init__(self):
            super(FileTokenCache, self).__init__()
            self._seen = None
            self._document = load_document(None)

        def _reload(self):
            text = read_private(path, OPTION)
            if text is not None and text != self._seen:
                self._document = load_document(text)
                self.deserialize(json.dumps(partition(self._document, material) or {}))
                self._seen = text

        def search(self, *args, **kwargs):
            self._reload()
            return super(FileTokenCache, self).search(*args, **kwargs)

        def modify(self, *args, **kwargs):
            self._reload()
            super(FileTokenCache, self).modify(*args, **kwargs)
            self._document = store(self._document, material, json.loads(self.serialize()))
            self._seen = json.dumps(self._document)
            write_private(path, OPTION, self._seen)

    return FileTokenCache()


def cached_token(path, settings, material, now=None):
    """An access token from the cache file that MSAL would serve for these settings and this credential, or None.

    Only the tokens this credential (``material``, bytes: what proves it) obtained are looked at. Matched among them
    as MSAL matches an app-only token: same client, authority host ("environment"), tenant
    ("realm") and scope, no account, no key binding, at least EXPIRY_MARGIN seconds left and not past
    its ``refresh_on``. The caller holds the lock that MSAL's writes to the file are made under.
    """
    if settings.get('auth_method') not in CLIENT_CREDENTIAL_METHODS or not settings.get('tenant_id'):
        return None
    try:
        cache = partition(load_document(read_private(path, OPTION)), material) or {}
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
