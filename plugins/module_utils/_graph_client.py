# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The collection's one Graph client: every module and role reaches Graph through this class."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import uuid
from concurrent.futures import ThreadPoolExecutor

from urllib.parse import quote, urlsplit

from ansible_collections.msgraph.calls.plugins.module_utils._graph_auth import ClientSecretAuth
from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError, error_from_body
from ansible_collections.msgraph.calls.plugins.module_utils._graph_transport import (
    TRANSPORT_ERRORS,
    HttpTransport,
    transport_error_kind,
)

# A roster is small; a server that keeps answering nextLinks is broken, and we must not loop forever.
MAX_PAGES = 1000


class GraphResponse:
    """What a caller needs of an answer: status, headers, parsed body, and our client-request-id."""

    def __init__(self, status, headers, body, client_request_id):
        self.status = status
        self.headers = headers
        self.body = body
        self.client_request_id = client_request_id


def path_segment(value):
    """One percent-encoded URL path segment: ``/``, ``?``, ``#`` and ``%`` can never change the path.

    A segment of only dots is refused: requests decodes %2E back to ``.`` and urllib3 then removes
    dot segments, so ``..`` would climb out of the resource whatever we encoded.
    """
    if value in ('.', '..'):
        raise ValueError('a path segment may not be %r' % value)
    return quote(value, safe='')


class GraphClient:
    """Authenticated requests to ``{graph_endpoint}/{api_version}``, errors as GraphError."""

    def __init__(self, settings):
        self.settings = settings
        self.transport = HttpTransport(settings['verify'], settings['timeout'])
        self.auth = ClientSecretAuth(settings, self.transport)
        self.base_url = '%s/%s' % (settings['graph_endpoint'], settings['api_version'])
        self._origin = _origin(settings['graph_endpoint'])

    def url(self, *segments):
        return self.base_url + ''.join('/' + path_segment(s) for s in segments)

    def request(self, method, url, body=None, params=None):
        """Send one request; return a GraphResponse for 2xx, raise GraphError otherwise.

        Every request carries a fresh ``client-request-id``, which Microsoft support and the error
        report use to find it.
        """
        token = self.auth.token()
        client_request_id = str(uuid.uuid4())
        headers = {
            'Authorization': 'Bearer ' + token,
            'client-request-id': client_request_id,
            'return-client-request-id': 'true',
            'Accept': 'application/json',
        }
        try:
            response = self.transport.request(method, url, json=body, params=params, headers=headers)
        except TRANSPORT_ERRORS as exc:
            code, sentence = transport_error_kind(exc)
            raise GraphError(sentence, code=code, client_request_id=client_request_id, method=method, url=url)

        parsed = None
        malformed = False
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                malformed = True
        if response.status_code >= 400:
            raise error_from_body(parsed, response.status_code, response.headers, client_request_id, method, url)
        if malformed or (response.content and not isinstance(parsed, dict)):
            raise GraphError('Graph answered HTTP %s with a body that is not a JSON object' % response.status_code,
                             status=response.status_code, code='malformedResponse',
                             request_id=response.headers.get('request-id'),
                             client_request_id=client_request_id, method=method, url=url)
        return GraphResponse(response.status_code, response.headers, parsed or {}, client_request_id)

    def get_all(self, url):
        """Every item of a collection, following ``@odata.nextLink`` on the Graph host only."""
        items = []
        for dummy in range(MAX_PAGES):
            body = self.request('GET', url).body
            value = body.get('value')
            if not isinstance(value, list):
                raise GraphError('Graph answered a collection read without a "value" list',
                                 code='malformedResponse', method='GET', url=url)
            items.extend(value)
            url = body.get('@odata.nextLink')
            if not url:
                return items
            # The bearer token goes only to the configured Graph host, whatever a response says.
            if _origin(url) != self._origin:
                raise GraphError('Graph sent a nextLink to another host (%s); refusing to follow it' % _origin(url),
                                 code='malformedResponse', method='GET', url=url)
        raise GraphError('Graph kept sending nextLinks after %d pages' % MAX_PAGES, code='malformedResponse')

    def parallel(self, *reads):
        """Run independent reads at once; one (result, GraphError or None) per read, in order.

        The token is fetched first, so the reads share it instead of racing for it; requests'
        connection pool is thread-safe. Reads run in parallel because each is a full round trip to
        Graph, and a module waits for all of them before deciding anything.
        """
        self.auth.token()
        with ThreadPoolExecutor(max_workers=len(reads)) as pool:
            futures = [pool.submit(read) for read in reads]
        outcomes = []
        for future in futures:
            try:
                outcomes.append((future.result(), None))
            except GraphError as exc:
                outcomes.append((None, exc))
        return outcomes

    # The calls API ---------------------------------------------------------------------------

    def call_url(self, call_id, *more):
        return self.url('communications', 'calls', call_id, *more)

    def get_call(self, call_id):
        return self.request('GET', self.call_url(call_id)).body

    def list_participants(self, call_id):
        return self.get_all(self.call_url(call_id, 'participants'))

    def list_operations(self, call_id):
        return self.get_all(self.call_url(call_id, 'operations'))

    def get_operation(self, call_id, operation_id):
        return self.request('GET', self.call_url(call_id, 'operations', operation_id)).body

    def get_user(self, id_or_principal_name):
        """The directory user's id and displayName (needs User.Read.All)."""
        return self.request('GET', self.url('users', id_or_principal_name), params={'$select': 'id,displayName'}).body

    def invite(self, call_id, body):
        """POST one invite; the answer is the inviteParticipantsOperation (plus its Location)."""
        response = self.request('POST', self.call_url(call_id, 'participants', 'invite'), body)
        return response.body, response.headers.get('Location')


def _origin(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme.lower(), parts.netloc.lower())
