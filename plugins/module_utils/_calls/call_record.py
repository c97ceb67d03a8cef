# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The call record: the bot's calls this machine created, by meeting (or group call), for graph_call.

Graph cannot list an app's calls, so the call id a run returns is the only handle on a call. A run that does
not carry it (a second job for the same incident, a retried webhook) would join the meeting a second time. The
record closes that gap on one machine: a join looks up the meeting's live call first, under the meeting's
lock, and creates a call only when there is none.

JSON lines, opened as every file the collection writes (_graph/private_file.py: 0600, never through a link).
A record holds a hash of the meeting's key (not the meeting's ids), the call id and when; records older than
KEEP_DAYS are dropped when the file is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.named_lock import NamedLock
from ansible_collections.msgraph.calls.plugins.module_utils._graph.record_file import append_records, key_hash, latest, read_records

DEFAULT_NAME = 'calls.jsonl'
ENV_NAME = 'MSGRAPH_CALL_RECORD'
KEEP_DAYS = 7
VERSION = 1
OPTION = 'call_record'


class CallRecord:
    """The record in ``path``; ``lock_dir`` holds the meetings' locks, waited for up to ``lock_timeout`` seconds."""

    def __init__(self, path, lock_dir, lock_timeout, clock=time.time):
        self.path = path
        self.lock_dir = lock_dir
        self.lock_timeout = lock_timeout
        self.clock = clock

    def lock(self, key):
        return NamedLock(self.lock_dir, 'join:' + key, self.lock_timeout, 'the join of this meeting')

    def find(self, key):
        """The call id last recorded for ``key``, or None."""
        found = (latest(self._records(), key_hash(key)) or {}).get('call_id')
        return found if isinstance(found, str) and found else None

    def keep(self, key, call_id):
        """Record ``call_id`` as the call of ``key``; a failure is the task's (the call exists, and is reported)."""
        now = self.clock()
        entry = {'v': VERSION, 'at': now, 'key': key_hash(key), 'call_id': call_id}
        try:
            append_records(self.path, OPTION, VERSION, [entry], now, KEEP_DAYS * 86400)
        except (OSError, ValueError) as exc:
            raise TaskFailure(
                'call %s was created, but %s %r could not be written (%s): a later run without its call_id would join '
                'the meeting again; pass call_id %s to keep this one' % (call_id, OPTION, self.path, exc, call_id)
            )

    def _records(self):
        try:
            return read_records(self.path, OPTION, VERSION)
        except (OSError, ValueError) as exc:
            raise TaskFailure('%s %r could not be read (%s); nothing was sent' % (OPTION, self.path, exc))
