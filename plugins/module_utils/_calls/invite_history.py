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

The file holds JSON lines, is created 0600 (it names people and phone numbers), is locked while
read and rewritten (forks and hosts of a run share it), and drops records older than KEEP_DAYS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError, InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.file_lock import FileLock

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
            with FileLock(self.path) as fd:
                kept = [r for r in _parse(_read_fd(fd)) if now - (r.get('at') or 0) < KEEP_DAYS * 86400]
                data = ''.join(json.dumps(r, sort_keys=True) + '\n' for r in kept + new).encode('utf-8')
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, data)
        except OSError as exc:
            raise HistoryError('history_file %r could not be written: %s' % (self.path, exc))

    def _read(self):
        if not os.path.exists(self.path):
            return []
        try:
            with FileLock(self.path) as fd:
                return _parse(_read_fd(fd))
        except OSError as exc:
            raise HistoryError('history_file %r could not be read: %s' % (self.path, exc))


def _read_fd(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b''.join(chunks).decode('utf-8', 'replace')
        chunks.append(chunk)


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
    """Refuse, before any request, a history file that can never be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError('history_file %r: the directory %r does not exist' % (path, folder))
    if os.path.exists(path) and not os.path.isfile(path):
        raise InputError('history_file %r must be a regular file' % path)
