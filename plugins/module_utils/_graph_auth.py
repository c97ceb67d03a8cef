# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Access tokens from Microsoft Entra ID through MSAL."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph_transport import (
    TRANSPORT_ERRORS,
    transport_error_kind,
)

try:
    import msal
except ImportError:
    HAS_MSAL = False
    MSAL_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_MSAL = True
    MSAL_IMPORT_ERROR = None


class ClientSecretAuth:
    """Client-credentials flow with a client secret.

    The MSAL application is built on first use, not in the constructor: building it already fetches
    the authority's OpenID configuration, and no request may leave before all input is validated.
    Tokens live in MSAL's in-memory cache, i.e. for one task.
    """

    def __init__(self, settings, transport):
        self.settings = settings
        self.transport = transport
        self._app = None

    def _application(self):
        if self._app is None:
            settings = self.settings
            try:
                self._app = msal.ConfidentialClientApplication(
                    settings['client_id'],
                    client_credential=settings['client_secret'],
                    authority=settings['authority'],
                    http_client=self.transport,
                    instance_discovery=settings['instance_discovery'],
                )
            except TRANSPORT_ERRORS as exc:
                code, sentence = transport_error_kind(exc)
                raise GraphError('Could not reach the authority %s: %s' % (settings['authority'], sentence), code=code)
            except ValueError as exc:
                # MSAL raises ValueError when the authority's OpenID configuration cannot be read,
                # e.g. an unknown tenant.
                raise GraphError('The authority %s was refused: %s' % (settings['authority'], exc), code='authorityError')
        return self._app

    def token(self):
        """A bearer token for the Graph ``.default`` scope, or GraphError."""
        app = self._application()
        try:
            result = app.acquire_token_for_client(scopes=[self.settings['scope']])
        except TRANSPORT_ERRORS as exc:
            code, sentence = transport_error_kind(exc)
            raise GraphError('Token request to %s failed: %s' % (self.settings['authority'], sentence), code=code)
        if result and result.get('access_token'):
            return result['access_token']
        result = result or {}
        description = result.get('error_description') or 'no access token in the answer'
        raise GraphError(
            'Token request to %s was refused: %s' % (self.settings['authority'], description.splitlines()[0]),
            code=result.get('error') or 'tokenError',
            request_id=result.get('trace_id'),
            client_request_id=result.get('correlation_id'),
        )
