# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The collection's one error family: every error a module can meet is a ``CollectionError``.

- ``InputError``: a task's input breaks a rule; the message names the option. Raised before any request.
- ``GraphError``: Graph or Entra answered an error, or the request failed on the way; it carries what
  Microsoft support asks for, whether it was a 404 (``not_found``) and whether a write's outcome is unknown.
- ``TaskFailure``: the task cannot go on; a sentence for the user, and the GraphError that caused it, if any.

A module turns any of them into ``fail_json`` through ``GraphModule.finish`` / ``fail_error``: ``msg`` and
``result_fields()``, plain strings only, never response objects, so nothing un-serialisable (or secret) can
leak into a task result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class CollectionError(Exception):
    """The base of every error the collection raises on purpose; ``msg`` is the task's failure message."""

    @property
    def msg(self):
        return str(self)

    def result_fields(self):
        """What a failed task's result carries beside ``msg`` (``error``: Graph's fields, where Graph answered)."""
        return {}


class InputError(CollectionError, ValueError):
    """Bad task input; the message names the option and the rule. A ValueError too, for plain checks."""


class GraphError(CollectionError):
    """A failed Graph or token request, with the identifiers Microsoft support asks for."""

    def __init__(
        self,
        message,
        status=None,
        code=None,
        request_id=None,
        client_request_id=None,
        date=None,
        method=None,
        url=None,
        retryable=False,
        retry_after=None,
        sent=None,
    ):
        super(GraphError, self).__init__(message)
        # retryable: sending again may succeed (throttling, a 5xx, a network fault). retry_after: the
        # seconds Graph asked us to wait, if it said. sent: False when the request provably never
        # reached the server, True/None otherwise: only then is a POST's outcome ambiguous.
        self.retryable = retryable
        self.retry_after = retry_after
        self.sent = sent
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.method = method
        self.url = url

    @property
    def msg(self):
        return self.summary()

    @property
    def not_found(self):
        return self.status == 404

    @property
    def outcome_unknown(self):
        """Whether a write that failed this way may still have been carried out: the one rule for "ambiguous".

        A request that provably never left (``sent`` False) did nothing. Otherwise no answer at all (a timeout,
        a dropped connection), a 5xx or a 408 says nothing about what the server did; a 4xx answer says it
        refused.
        """
        if self.sent is False:
            return False
        return self.status is None or self.status >= 500 or self.status == 408

    def result_fields(self):
        return {'error': self.to_dict()}

    def to_dict(self):
        """The fields for a task result; all strings (or an int status), None when unknown."""
        return {
            'status': self.status,
            'code': _text(self.code),
            'message': _text(self.message),
            'request_id': _text(self.request_id),
            'client_request_id': _text(self.client_request_id),
            'date': _text(self.date),
            'method': _text(self.method),
            'url': _text(self.url),
        }

    def summary(self):
        """One line for ``msg``: what failed, with status, code and both request ids."""
        parts = []
        if self.method and self.url:
            parts.append('%s %s' % (self.method, self.url))
        if self.status is not None:
            parts.append('HTTP %s' % self.status)
        if self.code:
            parts.append('code %s' % self.code)
        ids = []
        if self.request_id:
            ids.append('request-id %s' % self.request_id)
        if self.client_request_id:
            ids.append('client-request-id %s' % self.client_request_id)
        head = ': '.join(p for p in (', '.join(parts), self.message) if p)
        return '%s (%s)' % (head, ', '.join(ids)) if ids else head


def _text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def error_from_body(body, status, headers, client_request_id, method=None, url=None):
    """Build a GraphError from Graph's error envelope, tolerating both innerError casings.

    ``body`` is the parsed JSON (or None when the body was not JSON); the response headers give
    ``request-id`` when the body does not.
    """
    error = body.get('error') if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    inner = error.get('innerError') or error.get('innererror') or {}
    if not isinstance(inner, dict):
        inner = {}
    code = error.get('code') if isinstance(error.get('code'), str) else None
    message = error.get('message') if isinstance(error.get('message'), str) else None
    if not message:
        message = 'Graph answered HTTP %s without an error message' % status
    return GraphError(
        message,
        status=status,
        code=code,
        request_id=inner.get('request-id') or headers.get('request-id'),
        client_request_id=inner.get('client-request-id') or headers.get('client-request-id') or client_request_id,
        date=inner.get('date') or inner.get('Date') or headers.get('Date'),
        method=method,
        url=url,
    )


class TaskFailure(CollectionError):
    """The task cannot go on; ``msg`` says why, ``cause`` is the GraphError that made it so, if any."""

    def __init__(self, msg, cause=None):
        super(TaskFailure, self).__init__(msg)
        self.cause = cause

    def result_fields(self):
        """``error``: Graph's fields of the cause (as ``GraphError.to_dict``), or None."""
        return {'error': self.cause.to_dict() if self.cause is not None else None}
