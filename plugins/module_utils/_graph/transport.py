# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one HTTP session of a task, shared by MSAL (token requests) and the Graph client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
from urllib.parse import urlsplit

# Imported on first use, not with this file: a task that fails its input checks (or never needs
# HTTP) does not pay for it.
HAS_REQUESTS = importlib.util.find_spec('requests') is not None


def requests_module():
    """The requests package; ImportError if it is missing or broken (GraphModule reports it)."""
    import requests

    return requests


USER_AGENT = 'msgraph.calls-ansible/0.1.0'
# transport_error_kind codes that sending again cannot mend.
FINAL_TRANSPORT_ERRORS = ('tlsError', 'redirectRefused')


class RedirectRefused(Exception):
    """A 3xx answer. Never followed: requests would send the body (a client secret, a token request) on to
    whatever host the Location names. The message names the status and that host, never the body."""

    def __init__(self, status, location):
        self.status = status
        super(RedirectRefused, self).__init__(
            'the server answered HTTP %s, a redirect to %s, which is never followed' % (status, _host_of(location) or 'no Location')
        )


def _host_of(location):
    """``host[:port]`` of a Location header (never its user:password@, path or query), or None."""
    try:
        parts = urlsplit(location or '')
        host = parts.hostname
        return '%s:%s' % (host, parts.port) if host and parts.port else host
    except ValueError:
        return 'an unreadable Location'


class HttpTransport:
    """A requests.Session that sends ``verify`` and ``timeout`` on every single request.

    Passing them per request is deliberate: with ``trust_env`` on (kept, so HTTPS_PROXY and friends
    work), requests lets REQUESTS_CA_BUNDLE override ``Session.verify``, which would silently replace
    a user's ``ca_path``. Only a per-request ``verify`` wins over the environment.

    It also offers the ``get``/``post`` pair MSAL expects from an ``http_client``, so token requests
    get the same trust settings and connection pool as Graph requests.

    Redirects are never followed, for any request (RedirectRefused). ``use_proxies=False`` (the
    managed identity endpoint, plain HTTP on the machine itself) ignores the environment's proxies:
    a proxy would see its identity header and the token in clear.
    """

    def __init__(self, verify, timeout, use_proxies=True):
        self.verify = verify
        self.timeout = timeout
        requests = requests_module()
        self.session = requests.Session()
        if not use_proxies:
            # No *_PROXY, no .netrc; the trust settings do not depend on it (verify goes with each request).
            self.session.trust_env = False
        # What a failed request raises: every requests exception, and a refused redirect.
        self.errors = (requests.exceptions.RequestException, RedirectRefused)
        self.session.headers['User-Agent'] = USER_AGENT

    def direct(self):
        """A transport with the same settings that never goes through a proxy."""
        return HttpTransport(self.verify, self.timeout, use_proxies=False)

    def request(self, method, url, **kwargs):
        kwargs['verify'] = self.verify
        kwargs.setdefault('timeout', self.timeout)
        kwargs['allow_redirects'] = False
        response = self.session.request(method, url, **kwargs)
        if 300 <= response.status_code < 400:
            location = response.headers.get('Location')
            response.close()
            raise RedirectRefused(response.status_code, location)
        return response

    def get(self, url, params=None, headers=None, **kwargs):
        return self.request('GET', url, params=params, headers=headers, **kwargs)

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        return self.request('POST', url, params=params, data=data, headers=headers, **kwargs)

    def close(self):
        self.session.close()

    def drop_connections(self):
        """Close pooled connections; the next request opens a new one (Graph asks this after a 503)."""
        for adapter in self.session.adapters.values():
            adapter.close()


def transport_error_kind(exc):
    """A short code and a sentence for a requests exception (no URL credentials: we never put any in URLs)."""
    if isinstance(exc, RedirectRefused):
        return 'redirectRefused', str(exc)
    requests = requests_module()
    if isinstance(exc, requests.exceptions.SSLError):
        return 'tlsError', 'TLS certificate verification failed (see validate_certs and ca_path)'
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connectTimeout', 'no connection within the timeout'
    if isinstance(exc, requests.exceptions.Timeout):
        return 'timeout', 'no answer within the timeout'
    if isinstance(exc, requests.exceptions.ConnectionError):
        if not request_was_sent(exc):
            return 'connectionRefused', 'the connection could not be made'
        return 'connectionError', 'the connection was dropped before an answer came'
    return 'requestError', 'the request could not be sent'


def request_was_sent(exc):
    """False when the request provably never reached the server (no connection, or TLS refused it).

    Only then may a POST be sent again without first looking for what it left behind.
    """
    if isinstance(exc, RedirectRefused):
        return True  # answered: whether it acted is unknown
    requests = requests_module()
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        # urllib3 wraps a failed connect in NewConnectionError (refused, unreachable, DNS).
        return 'NewConnectionError' not in repr(exc) and 'NameResolutionError' not in repr(exc)
    return True
