# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bearer token on a Graph call notification: the signing keys (OpenID document -> jwks_uri) and the check.

What is checked follows Microsoft's Teams calling docs and samples (AuthenticationProvider.ValidateInboundRequestAsync):
signature by a key of the OpenID document's JWKS, an accepted issuer, audience = the bot's app id, lifetime, and a
``tid`` claim. A failure raises ``Refused`` with the HTTP status to answer and a reason for the log (never the token).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import logging
import time

import jwt

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The request is not trusted: ``status`` (401, 403, 503) and a reason safe to log."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class KeyStore:
    """The signing keys by key id, read from the OpenID document's ``jwks_uri``."""

    def __init__(self, openid_url, ssl_context, min_refetch, fetch_timeout=10):
        self.openid_url = openid_url
        self.ssl_context = ssl_context
        self.min_refetch = min_refetch
        self.fetch_timeout = fetch_timeout
        self.keys = {}
        self.fetches = 0
        self._last_attempt = None
        self._lock = asyncio.Lock()

    async def _get_json(self, session, url):
        async with session.get(url, ssl=self.ssl_context, timeout=self.fetch_timeout) as response:
            if response.status != 200:
                raise ValueError(f"GET {url} answered HTTP {response.status}")
            return await response.json(content_type=None)

    async def refresh(self, session):
        """Read the OpenID document and its JWKS; keep the previous keys when that fails (logged, not raised)."""
        async with self._lock:
            await self._refresh(session)

    async def _refresh(self, session):
        self._last_attempt = time.monotonic()
        self.fetches += 1
        try:
            document = await self._get_json(session, self.openid_url)
            jwks_uri = document.get("jwks_uri") if isinstance(document, dict) else None
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
                raise ValueError(f"the OpenID document at {self.openid_url} names no https jwks_uri")
            jwks = await self._get_json(session, jwks_uri)
            keys = {}
            for entry in jwks.get("keys", []) if isinstance(jwks, dict) else []:
                try:
                    key = jwt.PyJWK(entry)
                except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError, ValueError) as exc:
                    # One key of a type this listener cannot use must not hide the others.
                    logger.debug("skipping key %r: %s", entry.get("kid") if isinstance(entry, dict) else None, exc)
                    continue
                if key.key_id:
                    keys[key.key_id] = key
            if not keys:
                raise ValueError(f"{jwks_uri} holds no usable signing key")
            self.keys = keys
            logger.info("read %d signing key(s) from %s", len(keys), jwks_uri)
        except (asyncio.TimeoutError, OSError, ValueError) as exc:
            logger.error("could not read the signing keys from %s: %s", self.openid_url, exc)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # aiohttp's ClientError and JSON errors: the listener must keep running with the keys it has.
            logger.error("could not read the signing keys from %s: %s: %s", self.openid_url, type(exc).__name__, exc)

    async def key_for(self, session, kid):
        """The key ``kid``; an unknown id re-reads the keys first unless they were read less than min_refetch s ago."""
        key = self.keys.get(kid)
        if key is not None:
            return key
        async with self._lock:
            key = self.keys.get(kid)
            due = self._last_attempt is None or time.monotonic() - self._last_attempt >= self.min_refetch
            if key is None and due:
                await self._refresh(session)
                key = self.keys.get(kid)
        return key


def bearer_token(authorization):
    """The token of an ``Authorization: Bearer`` header, or ``Refused(401)``."""
    scheme, dummy, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Refused(401, "no bearer token")
    return token


async def check_token(token, keys, session, settings):
    """The verified claims of ``token``, or ``Refused``. ``settings``: client_id, issuers, tenant_ids, leeway, algorithms."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise Refused(401, "malformed token")
    if header.get("alg") not in settings.algorithms:
        raise Refused(401, f"token algorithm {header.get('alg')!r} is not accepted")
    if not keys.keys and not keys.fetches:
        raise Refused(503, "signing keys not read yet")
    key = await keys.key_for(session, header.get("kid"))
    if key is None:
        if not keys.keys:
            raise Refused(503, "signing keys unavailable")
        raise Refused(401, f"unknown signing key id {header.get('kid')!r}")
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=settings.algorithms,
            audience=settings.client_id,
            leeway=settings.leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.InvalidTokenError as exc:
        # PyJWT's messages name the failed check (signature, expiry, audience) and never the token.
        raise Refused(401, f"{type(exc).__name__}: {exc}")
    if claims.get("iss") not in settings.issuers:
        raise Refused(401, f"issuer {claims.get('iss')!r} is not accepted")
    tenant = claims.get("tid")
    if not isinstance(tenant, str) or not tenant:
        raise Refused(403, "token has no tid claim")
    if settings.tenant_ids and tenant.lower() not in settings.tenant_ids:
        raise Refused(403, f"tenant {tenant} is not accepted")
    return claims
