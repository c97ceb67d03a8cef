# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Workload identity federation: the federated token (an OIDC token of GitHub, GitLab, Kubernetes, ...), read from an
option or a file, checked for its shape, named for the token cache, and Entra's refusals of it explained.

The token is a bearer credential: no message here ever holds it, nor any part of it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import json

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, InputError

# The audience Entra expects in a federated token, unless the federated credential names another.
AUDIENCE = 'api://AzureADTokenExchange'

# Entra's refusals of a federated token (AADSTS codes), and what to fix; Entra's own description names the value it
# did not match (issuer, subject or audience), never the token.
_CHECK = 'compare the token\'s claims with the federated credential of the app registration (Certificates & secrets > Federated credentials)'
HINTS = {
    70021: 'No federated credential of the app matches the token: %s.' % _CHECK,
    700211: 'No federated credential of the app trusts the token\'s issuer (iss): add one for this issuer, or check client_id names the app; %s.' % _CHECK,
    700212: 'The token was issued for another audience (aud): request it for %s (GitHub: the audience of the OIDC token; Kubernetes: '
    'the projected volume\'s audience), or set that audience in the federated credential.' % AUDIENCE,
    700213: 'No federated credential of the app has the token\'s subject (sub), which must match exactly, case included (GitHub: '
    'repo:OWNER/REPO:environment:NAME or :ref:refs/heads/BRANCH; Kubernetes: system:serviceaccount:NAMESPACE:NAME).',
    7002138: 'The subject (sub) differs from the federated credential\'s only in case; subjects are matched case-sensitively.',
    700024: 'The token expired (or is not valid yet) when Entra got it. A token given in federated_token or AZURE_FEDERATED_TOKEN '
    'cannot be renewed during a job: give a file the platform renews (federated_token_file, AZURE_FEDERATED_TOKEN_FILE, such as a '
    'projected service-account token), or fetch a fresh token right before the job.',
    50027: 'The federated token is not a valid JWT (malformed, or not signed by its issuer\'s published keys): pass the OIDC token as '
    'the provider issued it, nothing added.',
}


def _claims(token):
    """The JWT's claims (its payload, not verified: Entra verifies it), or None when it is not a JWT."""
    parts = token.split('.')
    if len(parts) != 3 or not all(parts[:2]):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + '=' * (-len(parts[1]) % 4)).decode('utf-8'))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def check_token(token, where):
    """The token with surrounding whitespace removed, or InputError naming ``where`` (never showing the token)."""
    text = (token or '').strip()
    if not text:
        raise InputError('%s is empty: it must hold the OIDC token of your identity provider (a JWT)' % where)
    claims = _claims(text)
    if claims is None:
        raise InputError('%s must be a JWT (three base64url parts separated by dots, as an OIDC provider issues it); its value is not shown' % where)
    if not isinstance(claims.get('iss'), str) or not isinstance(claims.get('sub'), str):
        raise InputError('%s must be an OIDC token with iss and sub claims (the issuer and subject Entra matches against the federated credential)' % where)
    return text


def mistaken_tokens(params, environ):
    """A token given where a file's path belongs (federated_token_file, AZURE_FEDERATED_TOKEN_FILE): Ansible must hide
    it like the no_log option it should have gone to. The values of those that look like a JWT."""
    values = [params.get('federated_token_file'), environ.get('AZURE_FEDERATED_TOKEN_FILE')]
    return set(value.strip() for value in values if isinstance(value, str) and _claims(value.strip()) is not None)


def read_file(path, where):
    """The token in the file ``path``, checked; InputError naming ``where`` and the path when it cannot be read.

    Links are followed: a projected Kubernetes token is a link into the volume's current data.
    """
    if _claims(path.strip()) is not None:
        raise InputError('%s must be the path of a file holding the token, not the token itself (not shown): give a token as federated_token' % where)
    try:
        with open(path, 'rb') as handle:
            raw = handle.read(1024 * 1024)
    except (IOError, OSError) as exc:
        raise InputError('%s %r cannot be read: %s' % (where, path, exc.strerror or exc))
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise InputError('%s %r is not text: it must hold the OIDC token (a JWT)' % (where, path))
    return check_token(text, '%s %r' % (where, path))


class FederatedToken:
    """Where the token comes from: ``source`` is (option or variable name, 'value' or 'file', the token or the path)."""

    def __init__(self, source):
        self.where, self.kind, self._given = source

    def read(self):
        """The token now: a file is read again on every call, so a renewed file is used as soon as it changes."""
        if self.kind == 'value':
            return self._given
        try:
            return read_file(self._given, self.where)
        except InputError as exc:
            # Checked before the first request; the file changed since (the platform renews it by replacing it).
            raise GraphError(str(exc), code='federatedTokenError', sent=False)

    def identity(self):
        """What names this identity for the token cache: the token's issuer, subject and audience.

        A renewed token of the same workload keeps them, and so its access token; another subject or audience is
        another credential, which Entra must judge itself. A token that does not parse is named by its hash alone.
        """
        token = self.read()
        claims = _claims(token) or {}
        named = [claims.get('iss'), claims.get('sub'), claims.get('aud')]
        if not isinstance(named[0], str) or not isinstance(named[1], str):
            return b'unparsed\0' + hashlib.sha256(token.encode('utf-8')).hexdigest().encode('ascii')
        return json.dumps(named, sort_keys=True).encode('utf-8')

    @staticmethod
    def hint(error_codes):
        """What to fix for Entra's error codes, or None."""
        for code in error_codes if isinstance(error_codes, list) else []:
            if code in HINTS:
                return HINTS[code]
        return None
