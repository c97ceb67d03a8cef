# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Access tokens for Graph: one small class per authentication method, all through MSAL.

Each class is built from resolved settings without any I/O (its inputs were validated by
_graph_options), fetches a token on first use, and can drop a token Graph rejected so that the
next request fetches a fresh one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import threading

from ansible_collections.msgraph.calls.plugins.module_utils._graph.federated import FederatedToken

from ansible_collections.msgraph.calls.plugins.module_utils._graph.file_lock import FileLock
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import PrivateFileError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.token_cache import OPTION, cached_token, lock_path, persisted_cache
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.transport import FINAL_TRANSPORT_ERRORS, transport_error_kind

# msal (~0.3 s to import) is imported on first use, not with this file: a task that fails its input
# checks, or authenticates with a ready access token, never pays for it.
HAS_MSAL = importlib.util.find_spec('msal') is not None


def msal_module():
    """The msal package; ImportError if it is missing or broken (GraphModule reports it)."""
    import msal

    # _token() catches msal.exceptions.MsalServiceError; msal 1.29 (the floor) does not import that submodule itself.
    importlib.import_module('msal.exceptions')
    return msal


# Entra errors that mean "try again later" rather than "your request is wrong".
TRANSIENT_TOKEN_ERRORS = ('server_error', 'temporarily_unavailable')


class _AcquireLock:
    """Serialises token requests across the processes that share a token cache file.

    It covers the whole "look in the cache, else ask Entra, then store" sequence, and every read and
    write of the file (token_cache.persisted_cache has no lock of its own); without it, every fork of
    a run starting together finds the cache empty and asks for its own token. With it, the first asks
    and the others find its token.
    """

    def __init__(self, cache_path):
        self.lock = FileLock(lock_path(cache_path), OPTION) if cache_path else None

    def __enter__(self):
        if self.lock:
            try:
                self.lock.__enter__()
            except (OSError, PrivateFileError) as exc:
                # Checked before any request; this is a file changed since, or one the system refuses.
                raise _cache_error(exc)
        return self

    def __exit__(self, *exc_info):
        if self.lock:
            self.lock.__exit__(*exc_info)


def _cache_error(exc):
    # A PrivateFileError names the option, the path and the fix; an OSError names the path itself.
    message = str(exc) if isinstance(exc, PrivateFileError) else '%s could not be used: %s' % (OPTION, exc)
    return GraphError(message, code='tokenCacheError', sent=False)


class _MsalAuth:
    """Shared by the methods that go through an MSAL client application."""

    what = 'token request'
    renewable = True  # a token Graph rejects is dropped and a new one fetched, once

    def __init__(self, settings, transport):
        self.settings = settings
        self.transport = transport
        self._cache = None  # built on first use: it imports msal
        # MSAL throttles its own retries through this mapping (e.g. 5 s after a 5xx); we own the retry
        # policy (Retry-After honoured, bounded), so we clear it before retrying.
        self.http_cache = {}
        self._app = None
        # Parallel reads share this object: one token request at a time, so that after a 401 the
        # first thread fetches the new token and the others find it in the cache.
        self._lock = threading.Lock()

    def _build(self):
        raise NotImplementedError

    def _acquire(self, app):
        raise NotImplementedError

    def material(self):
        """What proves this credential, as bytes: the token cache keeps its tokens under a salted hash of it."""
        raise NotImplementedError

    @property
    def cache(self):
        """MSAL's token cache: this credential's part of the locked file every task and fork share, or one in memory
        when token_cache is off."""
        if self._cache is None:
            path = self.settings.get('token_cache')
            self._cache = persisted_cache(path, self.material()) if path else msal_module().TokenCache()
        return self._cache

    def token(self):
        """A bearer token, or GraphError (``retryable`` when Entra or the network may recover).

        A token MSAL left in the cache file is read without MSAL while this object has not built its
        MSAL application: most tasks then never import msal nor ask the token service for anything.
        """
        path = self.settings.get('token_cache')
        with self._lock:
            with _AcquireLock(path):
                found = cached_token(path, self.settings, self.material()) if path and self._app is None else None
                return found or self._token()

    def _token(self):
        try:
            if self._app is None:
                self._app = self._build()
            result = self._acquire(self._app)
        except PrivateFileError as exc:  # the cache file, changed since it was checked (a ValueError: first)
            raise _cache_error(exc)
        except msal_module().exceptions.MsalServiceError as exc:
            # MSAL raises this for a 5xx from the token endpoint.
            raise GraphError('%s to %s failed: Entra answered %s' % (self.what, self.where(), str(exc).splitlines()[0]), code='server_error', retryable=True)
        except self.transport.errors as exc:
            code, sentence = transport_error_kind(exc)
            raise GraphError('%s to %s failed: %s' % (self.what, self.where(), sentence), code=code, retryable=code not in FINAL_TRANSPORT_ERRORS)
        except OSError as exc:  # not a request's (those are caught above): writing the token cache
            raise _cache_error(exc)
        except ValueError as exc:
            # MSAL raises ValueError for an authority whose OpenID configuration cannot be read, and a
            # JSON decode error (a ValueError) for an answer that is not JSON.
            raise GraphError('%s to %s failed: %s' % (self.what, self.where(), str(exc).splitlines()[0]), code='authorityError', retryable=True)
        if result and result.get('access_token'):
            return result['access_token']
        result = result or {}
        description = str(result.get('error_description') or 'no access token in the answer').splitlines()[0]
        error = result.get('error')
        hint = self.refusal_hint(result.get('error_codes'))
        raise GraphError(
            '%s to %s was refused: %s%s' % (self.what, self.where(), description, ' ' + hint if hint else ''),
            code=self.refused_code(error) if isinstance(error, str) else 'tokenError',
            request_id=result.get('trace_id'),
            client_request_id=result.get('correlation_id'),
            retryable=error in TRANSIENT_TOKEN_ERRORS,
        )

    def where(self):
        return self.settings['authority']

    def refused_code(self, error):
        return error

    def refusal_hint(self, error_codes):
        """What to fix, for Entra's error codes (a list of numbers) where its own description does not say; or None."""
        return None

    def before_retry(self):
        self.http_cache.clear()

    def forget(self, token):
        """Drop a token Graph rejected (expired, revoked) so the next token() asks Entra again."""
        with self._lock:
            with _AcquireLock(self.settings.get('token_cache')):
                try:
                    for item in list(self.cache.search(msal_module().TokenCache.CredentialType.ACCESS_TOKEN)):
                        if item.get('secret') == token:
                            self.cache.remove_at(item)
                except (OSError, PrivateFileError) as exc:
                    raise _cache_error(exc)


class ClientSecretAuth(_MsalAuth):
    """Client credentials with a client secret."""

    def credential(self):
        """What MSAL's ConfidentialClientApplication takes as client_credential."""
        return self.settings['client_secret']

    def _build(self):
        settings = self.settings
        return msal_module().ConfidentialClientApplication(
            settings['client_id'],
            client_credential=self.credential(),
            authority=settings['authority'],
            http_client=self.transport,
            instance_discovery=settings['instance_discovery'],
            token_cache=self.cache,
            http_cache=self.http_cache,
        )

    def _acquire(self, app):
        return app.acquire_token_for_client(scopes=[self.settings['scope']])

    def material(self):
        return b'client_secret\0' + self.settings['client_secret'].encode('utf-8')


class ClientCertificateAuth(ClientSecretAuth):
    """Client credentials with a certificate: MSAL signs a client assertion with the private key."""

    def material(self):
        # The thumbprint names the key pair: the certificate was checked to match its private key when it was loaded.
        return b'client_certificate\0' + self.settings['certificate']['thumbprint'].upper().encode('ascii')

    def credential(self):
        certificate = self.settings['certificate']
        credential = {'private_key': certificate['private_key'], 'thumbprint': certificate['thumbprint']}
        if certificate.get('password'):
            credential['passphrase'] = certificate['password']
        return credential


class FederatedTokenAuth(ClientSecretAuth):
    """Workload identity federation: a token from another identity provider (GitHub, GitLab, Kubernetes, ...), which
    Entra trusts through a federated credential of the app, is the client assertion.

    MSAL is given a callable: it asks for the token on every token request, so a file the platform renews (a
    projected service-account token) is read again whenever a new access token is needed, even in a long task.
    """

    def __init__(self, settings, transport):
        super(FederatedTokenAuth, self).__init__(settings, transport)
        self.federated = FederatedToken(settings['federated_token_source'])

    def credential(self):
        return {'client_assertion': self.federated.read}

    def material(self):
        return b'federated_token\0' + self.federated.identity()

    def refusal_hint(self, error_codes):
        return self.federated.hint(error_codes)


class ManagedIdentityAuth(_MsalAuth):
    """An Azure managed identity: system-assigned, or user-assigned by client_id."""

    what = 'managed identity token request'

    def _build(self):
        client_id = self.settings.get('managed_identity_client_id')
        msal = msal_module()
        identity = msal.UserAssignedManagedIdentity(client_id=client_id) if client_id else msal.SystemAssignedManagedIdentity()
        # Never through a proxy: the endpoint is plain HTTP on this machine, and a proxy would see the
        # identity header and the token in clear.
        return msal.ManagedIdentityClient(identity, http_client=self.transport.direct(), token_cache=self.cache, http_cache=self.http_cache)

    def material(self):
        return b'managed_identity\0' + (self.settings.get('managed_identity_client_id') or 'system-assigned').encode('ascii')

    def _acquire(self, app):
        # Managed identity endpoints take a resource, not scopes.
        return app.acquire_token_for_client(resource=self.settings['graph_endpoint'])

    def where(self):
        chosen = self.settings.get('managed_identity_client_id')
        return (
            'the managed identity endpoint (user-assigned identity %s, managed_identity_client_id)' % chosen
            if chosen
            else 'the managed identity endpoint (system-assigned identity)'
        )

    def refused_code(self, error):
        # MSAL reports every refusal of an App Service / Arc identity endpoint as invalid_scope, whatever it was.
        return 'managedIdentityError' if error == 'invalid_scope' else error


class AccessTokenAuth:
    """A token obtained elsewhere, used as is; Graph's 401 is final, since we cannot renew it."""

    renewable = False

    def __init__(self, settings, transport):
        self.settings = settings
        self._token = settings['access_token']

    def token(self):
        return self._token

    def before_retry(self):
        pass

    def forget(self, token):
        pass


AUTH_CLASSES = {
    'client_secret': ClientSecretAuth,
    'client_certificate': ClientCertificateAuth,
    'federated_token': FederatedTokenAuth,
    'managed_identity': ManagedIdentityAuth,
    'access_token': AccessTokenAuth,
}


def build_auth(settings, transport):
    return AUTH_CLASSES[settings['auth_method']](settings, transport)
