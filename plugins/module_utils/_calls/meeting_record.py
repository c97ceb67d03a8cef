# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The meeting record: the meetings graph_online_meeting created or found, by organizer and external id.

Graph has no read of a meeting by external id, and createOrGet creates one, so check mode could only guess that a
meeting would be created, and every task after it in the chain previewed a new bridge. A real run records the
meeting's id here; check mode reads the meeting by that id (a GET) and previews what a real run would do: nothing,
or the lobby change.

JSON lines, opened as every file the collection writes (_graph/private_file.py: 0600, never through a link).
A record holds a hash of the key (tenant, organizer, external id), the meeting and organizer ids and when;
records older than KEEP_DAYS are dropped when the file is written. One machine only, as the call record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.record_file import append_records, key_hash, latest, read_records

DEFAULT_NAME = 'meetings.jsonl'
ENV_NAME = 'MSGRAPH_MEETING_RECORD'
KEEP_DAYS = 30
VERSION = 1
OPTION = 'meeting_record'


def meeting_key(tenant, organizer, external_id):
    """The hashed key of a meeting: the organizer as the task named them (id or principal name, any case)."""
    return key_hash((tenant or '').lower(), organizer.strip().lower(), external_id)


class MeetingRecord:
    """The record in ``path``. Reading or writing it never fails a task: without it, check mode only previews less."""

    def __init__(self, path, clock=time.time):
        self.path = path
        self.clock = clock

    def find(self, key):
        """(meeting id, organizer id) last recorded for ``key``; (None, None) when none, or when unreadable."""
        try:
            records = read_records(self.path, OPTION, VERSION)
        except (OSError, ValueError):
            return None, None
        record = latest([record for record in records if all(isinstance(value, str) and value for value in _ids(record))], key)
        return _ids(record) if record else (None, None)

    def keep(self, key, meeting_id, organizer_id):
        """Record the meeting; the reason as a string when it could not be written, else None."""
        now = self.clock()
        entry = {'v': VERSION, 'at': now, 'key': key, 'meeting_id': meeting_id, 'organizer_id': organizer_id}
        try:
            append_records(self.path, OPTION, VERSION, [entry], now, KEEP_DAYS * 86400)
        except (OSError, ValueError) as exc:
            return str(exc)
        return None


def _ids(record):
    return record.get('meeting_id'), record.get('organizer_id')
