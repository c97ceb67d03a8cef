# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The listener of graph_call_notifications: its arguments, the aiohttp server, and the hand-over to ansible-rulebook.

A request is checked (token, size, JSON shape), its events go to a bounded buffer, and it is answered 202; a separate
task moves the buffer to ansible-rulebook's queue, which holds one event at a time. So Graph gets its answer at once
however slow the rules are, and a flood is bounded by ``max_pending`` (503) instead of growing memory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import ssl

import aiohttp
from aiohttp import web

from _graph_notify_events import EventMapper  # pylint: disable=import-error
from _graph_notify_tokens import KeyStore, Refused, bearer_token, check_token  # pylint: disable=import-error

logger = logging.getLogger("msgraph.calls.graph_call_notifications")

DEFAULT_OPENID_URL = "https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration"
DEFAULT_ISSUERS = ("https://graph.microsoft.com", "https://api.botframework.com")
MAX_SUFFIX = 200
# Seconds a 503 (no keys yet, a full backlog) asks the sender to wait before trying again.
RETRY_AFTER = 5


class Settings:  # pylint: disable=too-many-instance-attributes
    """The source's arguments, checked; ValueError names the bad one."""

    INTS = {
        "keys_refresh_interval": 7200,
        "keys_min_refetch": 60,
        "leeway": 300,
        "max_body_bytes": 1048576,
        "max_items": 100,
        "max_pending": 1000,
    }
    KNOWN = set(INTS) | {
        "host",
        "port",
        "path",
        "certfile",
        "keyfile",
        "password",
        "insecure_http",
        "client_id",
        "tenant_ids",
        "openid_url",
        "issuers",
        "ca_path",
    }

    def __init__(self, args):
        if not isinstance(args, dict):
            raise ValueError("graph_call_notifications: its arguments must be a mapping")
        unknown = sorted(set(args) - self.KNOWN)
        if unknown:
            raise ValueError(f"graph_call_notifications: unknown argument(s) {', '.join(unknown)}; known: {', '.join(sorted(self.KNOWN))}")
        self.host = str(args.get("host") or "0.0.0.0")
        self.port = self._int(args, "port", None, minimum=0)
        self.path = self._path(args.get("path", "/api/calls"))
        self.client_id = self._text(args, "client_id", required=True).lower()
        self.tenant_ids = [item.lower() for item in self._list(args, "tenant_ids", [])]
        self.issuers = self._list(args, "issuers", list(DEFAULT_ISSUERS))
        if not self.issuers:
            raise ValueError("graph_call_notifications: 'issuers' must name at least one issuer")
        self.openid_url = self._text(args, "openid_url") or DEFAULT_OPENID_URL
        if not self.openid_url.startswith("https://"):
            raise ValueError(f"graph_call_notifications: 'openid_url' must be an https URL (got {self.openid_url!r})")
        self.ca_path = self._text(args, "ca_path")
        self.certfile = self._text(args, "certfile")
        self.keyfile = self._text(args, "keyfile")
        self.password = args.get("password")
        self.insecure_http = args.get("insecure_http", False)
        if not isinstance(self.insecure_http, bool):
            raise ValueError("graph_call_notifications: 'insecure_http' must be true or false")
        if not self.insecure_http and not self.certfile:
            raise ValueError(
                "graph_call_notifications: 'certfile' (and 'keyfile') are required: Graph posts only to HTTPS callback URLs. "
                "Set 'insecure_http: true' only behind a proxy that terminates TLS."
            )
        for key, default in self.INTS.items():
            setattr(self, key, self._int(args, key, default, minimum=0 if key in ("keys_min_refetch", "leeway") else 1))
        self.algorithms = ["RS256"]

    @staticmethod
    def _int(args, key, default, minimum):
        value = args.get(key, default)
        if value is None:
            raise ValueError(f"graph_call_notifications: '{key}' is required")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"graph_call_notifications: '{key}' must be an integer >= {minimum} (got {value!r})")
        return value

    @staticmethod
    def _text(args, key, required=False):
        value = args.get(key)
        if value is None or value == "":
            if required:
                raise ValueError(f"graph_call_notifications: '{key}' is required")
            return None
        if not isinstance(value, str):
            raise ValueError(f"graph_call_notifications: '{key}' must be a string (got {type(value).__name__})")
        return value

    @staticmethod
    def _list(args, key, default):
        value = args.get(key, default)
        if value is None:
            return list(default)
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise ValueError(f"graph_call_notifications: '{key}' must be a list of strings")
        return list(value)

    @staticmethod
    def _path(value):
        if not isinstance(value, str) or not value.startswith("/"):
            raise ValueError(f"graph_call_notifications: 'path' must start with / (got {value!r})")
        return value.rstrip("/") or "/"

    def server_ssl(self):
        """The listener's TLS context, or None for insecure_http (with the warning)."""
        if self.insecure_http:
            logger.warning("graph_call_notifications listens in plain HTTP: only behind a proxy that terminates TLS")
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(self.certfile, self.keyfile, self.password)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"graph_call_notifications: cannot load certfile/keyfile: {exc}")
        return context

    def client_ssl(self):
        """How the OpenID document and the keys are fetched: against ca_path, else the system's CAs."""
        return ssl.create_default_context(cafile=self.ca_path) if self.ca_path else ssl.create_default_context()


class Listener:
    """The request handler; ``pending`` is the bounded buffer in front of ansible-rulebook's queue."""

    def __init__(self, settings, keys, session):
        self.settings = settings
        self.keys = keys
        self.session = session
        self.pending = asyncio.Queue(maxsize=settings.max_pending)
        self.mapper = EventMapper()

    def _suffix(self, request):
        path = request.path.rstrip("/")
        base = self.settings.path if self.settings.path != "/" else ""
        if path == base or (not path and not base):
            return None
        if path.startswith(base + "/"):
            suffix = path[len(base) + 1 :]
            if len(suffix) > MAX_SUFFIX:
                raise web.HTTPNotFound()
            return suffix
        raise web.HTTPNotFound()

    async def handle(self, request):
        """POST to the callback path: 202 with the events buffered, or the refusal. GET on it: ready or not."""
        suffix = self._suffix(request)
        if request.method in ("GET", "HEAD") and suffix is None:
            return self.readiness()
        if request.method != "POST":
            raise web.HTTPMethodNotAllowed(request.method, ["POST", "GET"])
        try:
            # The token before the body: an unauthenticated sender costs no body read nor JSON parse.
            claims = await check_token(bearer_token(request.headers.get("Authorization")), self.keys, self.session, self.settings)
        except Refused as refused:
            logger.warning("refused a notification from %s with %d: %s", request.remote, refused.status, refused.reason)
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if refused.status == 401 else {}
            if refused.status == 503:
                headers["Retry-After"] = str(RETRY_AFTER)
            return web.Response(status=refused.status, headers=headers)
        if request.content_length is not None and request.content_length > self.settings.max_body_bytes:
            return web.Response(status=413)
        try:
            body = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except ValueError:
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("value"), list):
            return web.Response(status=400, text="the body must be an object with a value[] list")
        if len(body["value"]) > self.settings.max_items:
            return web.Response(status=413, text=f"more than {self.settings.max_items} items")
        events = self.mapper.events(body, claims.get("tid"), suffix)
        if self.pending.maxsize - self.pending.qsize() < len(events):
            logger.warning("%d events are waiting for the rules: answering 503", self.pending.qsize())
            return web.Response(status=503, headers={"Retry-After": str(RETRY_AFTER)})
        for event in events:
            self.pending.put_nowait(event)
        return web.Response(status=202)

    def readiness(self):
        """200 once signing keys are held (a POST can be verified), else 503: for a load balancer's or a pod's probe."""
        if self.keys.keys:
            return web.json_response({"ready": True, "signing_keys": len(self.keys.keys)})
        return web.json_response({"ready": False, "reason": "signing keys not read yet"}, status=503, headers={"Retry-After": str(RETRY_AFTER)})

    async def forward(self, queue):
        """Hand the buffered events to ansible-rulebook, one at a time, in arrival order."""
        while True:
            event = await self.pending.get()
            await queue.put(event)


# A listener that holds no key can only answer 503, so a failed read is retried soon (1 s, doubling up to this),
# not after keys_refresh_interval: a busy or briefly unreachable key server at start must not mute it for hours.
KEY_RETRY_CAP = 60


async def _refresh_keys(keys, session, interval):
    retry = 1
    while True:
        if keys.keys:
            retry = 1
            await asyncio.sleep(interval)
        else:
            await asyncio.sleep(min(retry, interval))
            retry = min(retry * 2, KEY_RETRY_CAP)
        await keys.refresh(session)


async def serve(queue, args, ready=None):
    """Run the listener until cancelled. ``ready`` (a Future) receives the bound (host, port) once it listens."""
    settings = Settings(args)
    if settings.port is None:
        raise ValueError("graph_call_notifications: 'port' is required")
    server_ssl = settings.server_ssl()
    async with aiohttp.ClientSession() as session:
        keys = KeyStore(settings.openid_url, settings.client_ssl(), settings.keys_min_refetch)
        await keys.refresh(session)
        listener = Listener(settings, keys, session)
        app = web.Application(client_max_size=settings.max_body_bytes)
        app.router.add_route("*", "/{tail:.*}", listener.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        tasks = []
        try:
            site = web.TCPSite(runner, settings.host, settings.port, ssl_context=server_ssl)
            await site.start()
            bound = runner.addresses[0][:2] if runner.addresses else (settings.host, settings.port)
            scheme = "http" if server_ssl is None else "https"
            logger.info("graph_call_notifications listening on %s://%s:%s%s", scheme, bound[0], bound[1], settings.path)
            tasks = [
                asyncio.ensure_future(listener.forward(queue)),
                asyncio.ensure_future(_refresh_keys(keys, session, settings.keys_refresh_interval)),
            ]
            if ready is not None and not ready.done():
                ready.set_result({"host": bound[0], "port": bound[1], "listener": listener, "keys": keys})
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await runner.cleanup()
