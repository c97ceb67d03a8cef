# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the network may not do to a secret: redirects are never followed (Graph, token authority, managed identity),
the managed identity request never goes through a proxy, and validate_certs: false is never silent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import threading

import pytest

from conftest import case_checks, ok

REDIRECTED = '/redirected-here'


def followed(emu):
    return [r for r in emu.requests() if r['path'].startswith(REDIRECTED)]


def test_redirects_are_refused_naming_status_and_host(emu, tasks):
    host = emu.base_url.split('://', 1)[1]
    token_call, graph_call = emu.create_call()['id'], emu.create_call()['id']
    # The first task's token request is redirected (once); the second gets a token and its Graph read is redirected.
    emu.add_faults(
        {'method': 'POST', 'path': '/oauth2/v2.0/token$', 'action': 'redirect', 'status': 307, 'location': emu.base_url + REDIRECTED + '/token'},
        {'method': 'GET', 'path': graph_call + '$', 'action': 'redirect', 'status': 308, 'location': emu.base_url + REDIRECTED + '/graph'},
    )
    run = tasks([('token', 'graph_call_info', {'call_id': token_call}), ('graph', 'graph_call_info', {'call_id': graph_call})])
    problems = []
    for case, status in (('token', 307), ('graph', 308)):
        with case_checks(problems, case):
            record = run.task(case)
            assert record['status'] == 'failed', record
            message = record['result']['msg']
            assert 'HTTP %d, a redirect to %s, which is never followed' % (status, host) in message, message
            assert REDIRECTED not in message
    assert not problems, '\n'.join(problems)
    assert 'token request to ' in run.task('token')['result']['msg']
    assert run.task('graph')['result']['error']['code'] == 'redirectRefused'
    assert followed(emu) == [], 'the client secret and the bearer token went nowhere else'
    assert len([r for r in emu.requests() if r.get('fault') == 'redirect']) == 2, 'refused at once, not retried'


def test_validate_certs_false_warns_every_time(emu, tasks):
    call = emu.create_call()['id']
    steps = [('task %d' % n, 'graph_call_info', {'call_id': call, 'validate_certs': False, 'ca_path': None}) for n in range(2)]
    steps.append(('checked', 'graph_call_info', {'call_id': call}))
    run = tasks(steps)
    for n in range(2):
        warnings = ok(run.task('task %d' % n)).get('warnings') or []
        assert any('validate_certs is false: the TLS certificates of Graph and of the token authority are not checked' in w for w in warnings), warnings
    assert not [w for w in ok(run.task('checked')).get('warnings') or [] if 'validate_certs' in w]


class Proxy:
    """A listener on 127.0.0.1 standing for an HTTP proxy: it counts connections and answers 502."""

    def __init__(self):
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.recv(65536)
                conn.sendall(b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')


@pytest.fixture
def proxy():
    listener = Proxy()
    yield listener
    listener.sock.close()


def test_managed_identity_never_goes_through_a_proxy(emu, tasks, proxy):
    call = emu.create_call()['id']
    env = {'IDENTITY_ENDPOINT': emu.info['managed_identity_endpoint'], 'IDENTITY_HEADER': emu.info['identity_header']}
    # Plain-HTTP requests would go through the proxy; HTTPS (Graph) goes direct, as no HTTPS proxy is set.
    env.update(HTTP_PROXY=proxy.url, http_proxy=proxy.url, HTTPS_PROXY=None, https_proxy=None, NO_PROXY=None, no_proxy=None, ALL_PROXY=None, all_proxy=None)
    auth = {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None, 'client_id': None}
    run = tasks([('Info', 'graph_call_info', dict(auth, call_id=call))], env=env)
    ok(run.task('Info'))
    assert proxy.connections == 0
    assert len([r for r in emu.requests() if r['path'] == '/msi/token']) == 1
