# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The collection's one Graph client: every module and role reaches Graph through this class."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid
from concurrent.futures import ThreadPoolExecutor

from urllib.parse import quote, unquote, urlencode, urlsplit

from ansible_collections.msgraph.calls.plugins.module_utils._graph.auth import build_auth
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, error_from_body
from ansible_collections.msgraph.calls.plugins.module_utils._graph.retry import RetryPolicy, parse_retry_after
from ansible_collections.msgraph.calls.plugins.module_utils._graph.transport import (
    FINAL_TRANSPORT_ERRORS,
    HttpTransport,
    request_was_sent,
    transport_error_kind,
)

# A roster is small; a server that keeps answering nextLinks is broken, and we must not loop forever.
MAX_PAGES = 1000
# What a user lookup asks for: enough to invite them and to tell apart several matches.
USER_PROPERTIES = 'id,displayName,userPrincipalName,mail'
# Requests sent at once by parallel(): enough for a task's reads and invites, few enough to be polite.
MAX_PARALLEL = 8
# Graph's throttling and overload answers: it did not act on the request and says so.
RETRY_STATUSES = (429, 503, 504)
VALIDATE_CERTS_OFF = (
    'validate_certs is false: the TLS certificates of Graph and of the token authority are not checked, so the client '
    'secret, certificate assertion or access token may go to a server impersonating them; use ca_path for a private CA instead'
)


def path_segment(value):
    """One percent-encoded URL path segment: ``/``, ``?``, ``#`` and ``%`` can never change the path.

    A segment of only dots is refused: requests decodes %2E back to ``.`` and urllib3 then removes
    dot segments, so ``..`` would climb out of the resource whatever we encoded.
    """
    if value in ('.', '..'):
        raise ValueError('a path segment may not be %r' % value)
    return quote(value, safe='')


def operation_id_from_location(location):
    """The operation id that an absolute or relative Location (``.../calls/{id}/operations/{opId}``) names, else None."""
    path = unquote(urlsplit(location or '').path).rstrip('/')
    head, dummy, operation_id = path.rpartition('/')
    return operation_id if head.endswith('/operations') and operation_id else None


class GraphClient:
    """Authenticated requests to ``{graph_endpoint}/{api_version}``, errors as GraphError.

    Retries follow one policy (``retries``, ``retry_budget``), and each retry is a warning:
    - 429, 503 and 504, honouring Retry-After, and network faults: for reads (GET) always;
    - a 429 also for writes, since Graph did nothing; and any request that provably never left;
    - a 401 once, after dropping the rejected token (it expired or was revoked).
    A write that failed ambiguously (a 5xx, a timeout, a dropped connection) is NOT sent again here:
    only the caller knows how to look for what it may have left behind.
    """

    def __init__(self, settings, warn=None, retry_policy=None):
        self.settings = settings
        self.warn = warn or (lambda message: None)
        self.transport = HttpTransport(settings['verify'], settings['timeout'])
        if settings['verify'] is False:
            # validate_certs: false, said every time: the credential then goes to a server nobody checked.
            self.warn(VALIDATE_CERTS_OFF)
        self.auth = build_auth(settings, self.transport)
        self.retry = retry_policy or RetryPolicy(settings['retries'], settings['retry_budget'])
        self.base_url = '%s/%s' % (settings['graph_endpoint'], settings['api_version'])
        self._origin = _origin(settings['graph_endpoint'])

    def url(self, *segments):
        return self.base_url + ''.join('/' + path_segment(s) for s in segments)

    def token(self):
        """A token, with the same retry policy as Graph requests (Entra throttles and fails too)."""
        return self._with_retries(True, 'the token request', self.auth.token)

    def request(self, method, url, body=None, params=None, idempotent=None):
        """Send one request; return the parsed JSON object of a 2xx answer ({} when empty), raise GraphError otherwise.

        ``idempotent`` (default: GET only) says whether sending the request twice does no harm, so that
        an ambiguous failure may be retried: true for keepAlive, DELETE and createOrGet, never for a
        POST that creates something.
        """
        return self.exchange(method, url, body, params, idempotent)[0]

    def exchange(self, method, url, body=None, params=None, idempotent=None):
        """As request(), returning ``(parsed body, HTTP status, response headers)`` for callers they inform."""
        if idempotent is None:
            idempotent = method == 'GET'
        return self._with_retries(idempotent, url, lambda: self._send_once(method, url, body, params))

    def _with_retries(self, idempotent, what, send):
        attempts = self.retry.attempts()
        refreshed = False
        while True:
            try:
                return send()
            except GraphError as exc:
                rejected = getattr(exc, 'rejected_token', None)
                if exc.status == 401 and rejected and not self.auth.renewable:
                    # Graph's own answer (status, code, request ids) is the report; no second request.
                    exc.message = '%s (the access_token given was rejected, and it cannot be renewed here: pass a fresh one)' % exc.message
                    raise
                if exc.status == 401 and not refreshed and rejected:
                    refreshed = True
                    self.auth.forget(rejected)
                    self.warn('%s: Graph rejected the access token (%s); fetching a new one and sending again' % (what, exc.code))
                    continue
                if not (exc.retryable and (idempotent or exc.status == 429 or exc.sent is False)):
                    raise
                delay = attempts.next_delay(exc.retry_after)
                if delay is None:
                    exc.message = '%s (gave up after %d retries within retry_budget=%ss)' % (exc.message, attempts.done, self.retry.budget)
                    raise
                self.warn('%s; retry %d of %d in %.1f s' % (exc.summary(), attempts.done, self.retry.retries, delay))
                self.auth.before_retry()
                if exc.status == 503:
                    # Graph's best practices: "always make new retry requests over a new HTTP connection".
                    self.transport.drop_connections()
                attempts.wait(delay)

    def _send_once(self, method, url, body, params):
        """One request. Every request carries a fresh ``client-request-id``, which Microsoft support and
        the error report use to find it."""
        try:
            token = self.auth.token()
        except GraphError as exc:
            exc.sent = False  # the Graph request itself never left
            raise
        client_request_id = str(uuid.uuid4())
        headers = {
            'Authorization': 'Bearer ' + token,
            'client-request-id': client_request_id,
            'return-client-request-id': 'true',
            'Accept': 'application/json',
        }
        try:
            response = self.transport.request(method, url, json=body, params=params, headers=headers)
        except self.transport.errors as exc:
            code, sentence = transport_error_kind(exc)
            sent = request_was_sent(exc)
            raise GraphError(
                sentence,
                status=getattr(exc, 'status', None),  # a refused redirect's 3xx
                code=code,
                client_request_id=client_request_id,
                method=method,
                url=url,
                retryable=code not in FINAL_TRANSPORT_ERRORS,
                sent=sent,
            )

        parsed = None
        malformed = False
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                malformed = True
        if response.status_code >= 400:
            error = error_from_body(parsed, response.status_code, response.headers, client_request_id, method, url)
            error.retryable = response.status_code in RETRY_STATUSES
            error.retry_after = parse_retry_after(response.headers.get('Retry-After'))
            error.sent = response.status_code not in (401, 429)
            if response.status_code == 401:
                # Kept on the exception (never in to_dict) so the retry can drop exactly this token.
                error.rejected_token = token
            raise error
        if malformed or (response.content and not isinstance(parsed, dict)):
            raise GraphError(
                'Graph answered HTTP %s with a body that is not a JSON object' % response.status_code,
                status=response.status_code,
                code='malformedResponse',
                request_id=response.headers.get('request-id'),
                client_request_id=client_request_id,
                method=method,
                url=url,
            )
        return parsed or {}, response.status_code, response.headers

    def get_all(self, url):
        """Every item of a collection, following ``@odata.nextLink`` on the Graph host only."""
        items = []
        for dummy in range(MAX_PAGES):
            body = self.request('GET', url)
            value = body.get('value')
            if not isinstance(value, list):
                raise GraphError('Graph answered a collection read without a "value" list', code='malformedResponse', method='GET', url=url)
            items.extend(value)
            url = body.get('@odata.nextLink')
            if not url:
                return items
            # The bearer token goes only to the configured Graph host, whatever a response says.
            if _origin(url) != self._origin:
                raise GraphError(
                    'Graph sent a nextLink to another host (%s); refusing to follow it' % _origin(url), code='malformedResponse', method='GET', url=url
                )
        raise GraphError('Graph kept sending nextLinks after %d pages' % MAX_PAGES, code='malformedResponse')

    def parallel(self, *reads):
        """Run independent requests at once; one (result, GraphError or None) per request, in order.

        The token is fetched first, so the reads share it instead of racing for it; requests'
        connection pool is thread-safe. Reads run in parallel because each is a full round trip to
        Graph, and a module waits for all of them before deciding anything.
        """
        if not reads:
            return []
        self.token()
        with ThreadPoolExecutor(max_workers=min(len(reads), MAX_PARALLEL)) as pool:
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
        return self.request('GET', self.call_url(call_id))

    def list_participants(self, call_id):
        return self.get_all(self.call_url(call_id, 'participants'))

    def list_operations(self, call_id):
        return self.get_all(self.call_url(call_id, 'operations'))

    def read_call(self, call_id):
        """The call, its roster and its operations, read at once: three (result, GraphError or None) pairs."""
        return self.parallel(lambda: self.get_call(call_id), lambda: self.list_participants(call_id), lambda: self.list_operations(call_id))

    def get_operation(self, call_id, operation_id):
        return self.request('GET', self.call_url(call_id, 'operations', operation_id))

    def get_user(self, id_or_principal_name):
        """The directory user by object id or principal name (needs User.Read.All)."""
        return self.request('GET', self.url('users', id_or_principal_name), params={'$select': USER_PROPERTIES})

    def find_users_by_address(self, address):
        """Every user whose mail or proxy address is ``address`` (case-insensitive, as Graph compares them)."""
        quoted = address.replace("'", "''")
        query = urlencode({'$filter': "mail eq '%s' or proxyAddresses/any(p:p eq 'smtp:%s')" % (quoted, quoted), '$select': USER_PROPERTIES}, quote_via=quote)
        return self.get_all(self.url('users') + '?' + query)

    def invite(self, call_id, body):
        """POST one invite; the answer is the inviteParticipantsOperation.

        An answer whose body names no operation (an empty 202, as an old revision of the docs showed) takes the
        operation's id from its Location header (``.../operations/{id}``), so the invite can still be followed.
        """
        operation, dummy, headers = self.exchange('POST', self.call_url(call_id, 'participants', 'invite'), body)
        if not operation.get('id'):
            operation_id = operation_id_from_location(headers.get('Location'))
            if operation_id:
                operation = dict(operation, id=operation_id)
        return operation

    def create_call(self, body):
        """POST /communications/calls: join a meeting or start a group call; the answer is the new call.

        Never retried after an ambiguous failure: a second POST would be a second call.
        """
        return self.request('POST', self.url('communications', 'calls'), body)

    def keep_alive(self, call_id):
        """Tell Graph the call is still wanted (a call without one for 45 minutes ends)."""
        return self.request('POST', self.call_url(call_id, 'keepAlive'), idempotent=True)

    def hang_up(self, call_id):
        """DELETE the bot's call leg (a meeting goes on for the people in it)."""
        return self.request('DELETE', self.call_url(call_id), idempotent=True)

    def remove_participant(self, call_id, participant_id):
        """DELETE a participant: drops someone from the call, or cancels a pending invite."""
        return self.request('DELETE', self.call_url(call_id, 'participants', participant_id), idempotent=True)

    def create_or_get_meeting(self, organizer_id, body):
        """POST …/onlineMeetings/createOrGet: the meeting of ``body['externalId']``; ``created`` is True on 201.

        Safe to send again: Graph keys the meeting by organizer and externalId.
        """
        meeting, status, dummy = self.exchange('POST', self.url('users', organizer_id, 'onlineMeetings', 'createOrGet'), body, idempotent=True)
        return meeting, status == 201

    def get_meeting(self, organizer_id, meeting_id):
        """GET …/onlineMeetings/{id}: a meeting the user organizes."""
        return self.request('GET', self.url('users', organizer_id, 'onlineMeetings', meeting_id))

    def update_meeting(self, organizer_id, meeting_id, body):
        """PATCH …/onlineMeetings/{id} with the properties to change; the answer is the updated meeting.

        Safe to send again: it sets values, it creates nothing.
        """
        return self.request('PATCH', self.url('users', organizer_id, 'onlineMeetings', meeting_id), body, idempotent=True)


def _origin(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme.lower(), parts.netloc.lower())
