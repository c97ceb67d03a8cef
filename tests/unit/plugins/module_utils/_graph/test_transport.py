# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transport against real listeners on 127.0.0.1: redirects are refused, managed identity skips proxies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.auth import ManagedIdentityAuth
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.transport import HttpTransport, RedirectRefused

SECRET = 'client-secret-in-a-body'


class Listener:
    """An HTTP server on 127.0.0.1 that records every request and answers with ``answer(handler)``."""

    def __init__(self, answer):
        self.seen = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get('Content-Length') or 0)
                listener.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length).decode()))
                status, headers, body = answer(self)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listen():
    listeners = []

    def start(answer):
        listeners.append(Listener(answer))
        return listeners[-1]

    yield start
    for listener in listeners:
        listener.close()


def ok(handler):
    return 200, {'Content-Type': 'application/json'}, b'{"ok": true}'


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_a_redirect_is_refused_naming_status_and_host_never_the_body(listen, status):
    elsewhere = listen(ok)
    redirecting = listen(lambda handler: (status, {'Location': elsewhere.url.replace('://', '://user:pw@') + '/token?x=1'}, b'moved: ' + SECRET.encode()))
    transport = HttpTransport(True, 5)
    with pytest.raises(RedirectRefused) as info:
        transport.post(redirecting.url + '/tenant/oauth2/v2.0/token', data={'client_secret': SECRET})
    message = str(info.value)
    host = elsewhere.url.split('://')[1]
    assert message == 'the server answered HTTP %d, a redirect to %s, which is never followed' % (status, host)
    assert SECRET not in message and 'pw' not in message and '/token' not in message
    assert len(redirecting.seen) == 1 and elsewhere.seen == []
    assert isinstance(info.value, transport.errors)


def test_a_3xx_without_location_is_refused_too(listen):
    server = listen(lambda handler: (300, {}, b''))
    with pytest.raises(RedirectRefused, match='HTTP 300, a redirect to no Location'):
        HttpTransport(True, 5).get(server.url)


@pytest.fixture
def proxy(listen, monkeypatch):
    """A listener set as HTTP_PROXY (answering 502, as a proxy that cannot reach the target would)."""
    server = listen(lambda handler: (502, {}, b'proxy'))
    for name in ('NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', server.url)
    monkeypatch.setenv('http_proxy', server.url)
    return server


def test_the_proxy_listener_is_used_by_the_ordinary_transport(listen, proxy):
    """Proves the test's proxy works: the Graph transport keeps the environment's proxies (users rely on them)."""
    target = listen(ok)
    assert HttpTransport(True, 5).get(target.url + '/x').status_code == 502
    assert len(proxy.seen) == 1 and target.seen == []


def test_the_direct_transport_never_uses_a_proxy(listen, proxy):
    target = listen(ok)
    assert HttpTransport(True, 5).direct().get(target.url + '/x').status_code == 200
    assert proxy.seen == [] and len(target.seen) == 1


def test_managed_identity_goes_around_the_proxy(listen, proxy, monkeypatch):
    def identity(handler):
        body = {'access_token': 'mi-token', 'expires_on': str(int(time.time()) + 3600), 'resource': 'https://graph.microsoft.com', 'token_type': 'Bearer'}
        return 200, {'Content-Type': 'application/json'}, json.dumps(body).encode()

    endpoint = listen(identity)
    monkeypatch.setenv('IDENTITY_ENDPOINT', endpoint.url + '/msi/token')
    monkeypatch.setenv('IDENTITY_HEADER', 'identity-header')
    settings = {'managed_identity_client_id': None, 'graph_endpoint': 'https://graph.microsoft.com', 'token_cache': None}
    assert ManagedIdentityAuth(settings, HttpTransport(True, 5)).token() == 'mi-token'
    assert proxy.seen == [] and len(endpoint.seen) == 1
    assert endpoint.seen[0][2].get('X-IDENTITY-HEADER') == 'identity-header'


def test_a_redirect_of_the_managed_identity_endpoint_fails_the_token_request(listen, monkeypatch):
    elsewhere = listen(ok)
    endpoint = listen(lambda handler: (307, {'Location': elsewhere.url + '/msi/token'}, b''))
    monkeypatch.setenv('IDENTITY_ENDPOINT', endpoint.url + '/msi/token')
    monkeypatch.setenv('IDENTITY_HEADER', 'identity-header')
    settings = {'managed_identity_client_id': None, 'graph_endpoint': 'https://graph.microsoft.com', 'token_cache': None}
    with pytest.raises(GraphError) as info:
        ManagedIdentityAuth(settings, HttpTransport(True, 5)).token()
    assert info.value.code == 'redirectRefused' and not info.value.retryable
    assert 'HTTP 307, a redirect to %s' % elsewhere.url.split('://')[1] in info.value.message
    assert elsewhere.seen == []
