# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real setup for the event source's tests: an HTTPS key server (OpenID document + JWKS), the source listening over
HTTPS on 127.0.0.1 with a real asyncio queue, and a client that signs tokens as Graph does."""

import asyncio
import json
import os
import ssl
import sys
import time

import aiohttp
import jwt
import trustme
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "extensions", "eda", "plugins", "event_source"))
if SOURCE_DIR not in sys.path:
    sys.path.insert(0, SOURCE_DIR)

import _graph_notify_listener as listener_mod  # noqa: E402  pylint: disable=import-error,wrong-import-position

CLIENT_ID = "3f1c8e2a-7b4d-4c9e-a5f6-1d2e3c4b5a69"
TENANT_ID = "5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a"
ISSUER = "https://api.botframework.com"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private_key, kid):
    entry = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    entry.update(kid=kid, use="sig")
    return entry


def claims(**changes):
    now = int(time.time())
    result = {"aud": CLIENT_ID, "iss": ISSUER, "iat": now, "nbf": now, "exp": now + 3600, "tid": TENANT_ID}
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def sign(private_key, kid, algorithm="RS256", **changes):
    return jwt.encode(claims(**changes), private_key, algorithm=algorithm, headers={"kid": kid})


class Harness:  # pylint: disable=too-many-instance-attributes
    """``async with Harness(**source_args) as h``: h.post(body, token) -> (status, text); h.queue is ansible-rulebook's."""

    CA = trustme.CA()
    CERT = CA.issue_cert("127.0.0.1")
    KEY = new_key()

    def __init__(self, tmp_path, queue_size=1, keys_status=200, **args):
        self.tmp_path = tmp_path
        self.queue = asyncio.Queue(maxsize=queue_size)
        self.jwks = {"keys": [jwk(self.KEY, "key-1")]}
        self.keys_status = keys_status  # another status makes the key server fail, as a busy or broken one would
        self.key_requests = 0
        self.args = args
        self.info = None

    async def _openid(self, request):
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"https://127.0.0.1:{self.key_port}/keys"})

    async def _keys(self, request):
        self.key_requests += 1
        if self.keys_status != 200:
            return web.Response(status=self.keys_status)
        return web.json_response(self.jwks)

    async def __aenter__(self):
        cert = self.tmp_path / "server.pem"
        key = self.tmp_path / "server-key.pem"
        ca = self.tmp_path / "ca.pem"
        self.CERT.private_key_and_cert_chain_pem.write_to_path(str(cert))
        self.CERT.private_key_pem.write_to_path(str(key))
        self.CA.cert_pem.write_to_path(str(ca))
        key_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.CERT.configure_cert(key_ctx)
        app = web.Application()
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        self.key_runner = web.AppRunner(app, access_log=None)
        await self.key_runner.setup()
        site = web.TCPSite(self.key_runner, "127.0.0.1", 0, ssl_context=key_ctx)
        await site.start()
        self.key_port = self.key_runner.addresses[0][1]
        args = {
            "host": "127.0.0.1",
            "port": 0,
            "client_id": CLIENT_ID,
            "openid_url": f"https://127.0.0.1:{self.key_port}/openid",
            "ca_path": str(ca),
            "certfile": str(cert),
            "keyfile": str(key),
        }
        args.update(self.args)
        ready = asyncio.get_running_loop().create_future()
        self.task = asyncio.ensure_future(listener_mod.serve(self.queue, args, ready))
        done, dummy = await asyncio.wait([ready, self.task], return_when=asyncio.FIRST_COMPLETED)
        if self.task in done:
            self.task.result()  # raises the source's error
        self.info = ready.result()
        client_ctx = ssl.create_default_context(cafile=str(ca))
        self.client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_ctx))
        scheme = "http" if args.get("insecure_http") else "https"
        self.url = f"{scheme}://127.0.0.1:{self.info['port']}{args.get('path', '/api/calls')}"
        return self

    async def __aexit__(self, *exc):
        await self.client.close()
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        await self.key_runner.cleanup()

    @property
    def pending(self):
        return self.info["listener"].pending

    async def post(self, body, token=None, headers=None, suffix="", method="POST", data=None):
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        payload = data if data is not None else json.dumps(body).encode()
        async with self.client.request(method, self.url + suffix, data=payload, headers=headers) as response:
            return response.status, await response.text()

    async def events(self, count, timeout=10):
        """The next ``count`` events from the queue (timeout only guards a hung test; it asserts nothing about speed)."""
        return [await asyncio.wait_for(self.queue.get(), timeout) for dummy in range(count)]

    @staticmethod
    async def until(predicate):
        """Wait for ``predicate()`` (callers bound it with asyncio.wait_for)."""
        while not predicate():
            await asyncio.sleep(0.05)

    async def settle(self):
        """Let the forwarder run: after this, every buffered event that fits is in the queue."""
        for dummy in range(5):
            await asyncio.sleep(0)


def run(coro):
    return asyncio.run(coro)
