# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""``history_file``: this automation's own record of the invites it sent, for when Graph cannot tell.

Whether Graph lists a call's operations, and whether it keeps finished ones, is unconfirmed
(Microsoft documents neither). Without that listing, ``state: invited`` could not know whom an earlier
run already rang. The history file closes the gap: every invite is recorded *before* its POST
(so even a run killed mid-request leaves a trace) and again with its outcome, and the next run
reads the records of its family as operations.

The file holds JSON lines, is locked while read and rewritten (forks and hosts of a run share it),
and drops records older than KEEP_DAYS. It names people and phone numbers, so _graph/private_file.py
opens it: created 0600, never through a link, refused when others may read it or write its folder.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.file_lock import FileLock
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import check, read_fd, replace_fd

KEEP_DAYS = 30
VERSION = 1
# Record states: "attempt" (about to POST), "sent" (Graph answered 200), "unknown" (ambiguous
# failure, no evidence found), "refused" (Graph answered that it did not carry it out).
RECORDED = 'recorded'  # the status of an operation made from a record Graph did not list


class HistoryError(CollectionError):
    """The history file cannot be read or written; the message names it."""


class InviteHistory:
    """Records of one family (call id + clientContext base) in one history file."""

    def __init__(self, path, call_id, base, clock=time.time):
        self.path = path
        self.call_id = call_id
        self.base = base
        self.clock = clock

    def operations(self):
        """The family's recorded invites as operation-like dicts: id, clientContext, participants, status.

        The latest record of each clientContext wins; refused invites are left out (nothing was rung).
        Their status is ``recorded``: a record cannot say whether the invite still rings.
        """
        latest = {}
        for record in self._read():
            if record.get('call_id') == self.call_id and record.get('base') == self.base:
                latest[record.get('client_context')] = record
        return [
            {
                'id': record.get('operation_id'),
                'clientContext': context,
                'status': RECORDED,
                'participants': record.get('participants') or [],
                'recorded_state': record.get('state'),
                'recorded_at': record.get('at') or 0,
            }
            for context, record in latest.items()
            if record.get('state') != 'refused'
        ]

    def record(self, entries):
        """Append ``(client_context, state, operation_id, invitations)`` entries, in one locked rewrite."""
        now = self.clock()
        new = [
            {
                'v': VERSION,
                'at': now,
                'call_id': self.call_id,
                'base': self.base,
                'client_context': context,
                'state': state,
                'operation_id': operation_id,
                'participants': [{'identity': info.get('identity')} for info in invitations],
            }
            for context, state, operation_id, invitations in entries
        ]
        try:
            with FileLock(self.path, 'history_file') as fd:
                kept = [r for r in _parse(read_fd(fd)) if now - (r.get('at') or 0) < KEEP_DAYS * 86400]
                replace_fd(fd, ''.join(json.dumps(r, sort_keys=True) + '\n' for r in kept + new))
        except ValueError as exc:  # a rule of private_file, broken since the check before any request
            raise HistoryError(str(exc))
        except OSError as exc:
            raise HistoryError('history_file %r could not be written: %s' % (self.path, exc))

    def _read(self):
        if not os.path.lexists(self.path):
            return []
        try:
            with FileLock(self.path, 'history_file') as fd:
                return _parse(read_fd(fd))
        except ValueError as exc:
            raise HistoryError(str(exc))
        except OSError as exc:
            raise HistoryError('history_file %r could not be read: %s' % (self.path, exc))


def _parse(text):
    """Records from JSON lines; a torn or foreign line is skipped, not fatal."""
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get('v') == VERSION:
            records.append(record)
    return records


def check_history_file(path):
    """Refuse, before any request, a history file that breaks private_file's rules (ValueError names the fix)."""
    check(path, 'history_file')
