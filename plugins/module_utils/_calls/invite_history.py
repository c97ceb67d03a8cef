# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""``history_file``: the invite record, this machine's own account of the invites a task family sent.

Whether Graph lists a call's operations, and whether it keeps finished ones, is unconfirmed (Microsoft
documents neither), and the roster does not say who was invited. Without its own record a task could not
know whom an earlier run, or an overlapping task, already rang. So every invite is recorded *before* its
POST (so even a run killed mid-request leaves a trace) and again with its outcome, and the next task of the
family reads the records as operations. On by default, as the token cache is.

What it holds, and no more: the call id, the clientContext family and attempt, the operation id, the state and
when, and for each person a salted hash of how they are matched (never a name, a phone number or an object id
in clear). The salt is random per file and kept in it, so tasks sharing the file recognise each other's people;
a file read elsewhere tells nothing without trying every candidate against its salt.

JSON lines, read and rewritten under an flock (forks, hosts and processes share it), opened as every file the
collection writes (_graph/private_file.py), records older than KEEP_DAYS dropped when it is written. Version 1
records (identities in clear, from earlier releases) are still read, and age out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import hashlib
import hmac
import os
import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import check
from ansible_collections.msgraph.calls.plugins.module_utils._graph.record_file import read_records, update_records

DEFAULT_NAME = 'invites.jsonl'
ENV_NAME = 'MSGRAPH_HISTORY_FILE'
KEEP_DAYS = 30
VERSION = 2
READ_VERSIONS = (1, 2)
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

    def operations(self, invitees):
        """The family's recorded invites as operation-like dicts: id, clientContext, participants, status.

        A record's people are those of ``invitees`` whose hashed match key it holds (they are given as the
        invitations of the invitees, which is all the planner reads). The latest record of each clientContext
        wins; refused invites are left out (nothing was rung). Their status is ``recorded``: a record cannot say
        whether the invite still rings.
        """
        records = self._read()
        salt = _salt(records)
        hashed = dict((_hash(salt, inv.match), inv) for inv in invitees) if salt else {}
        latest = {}
        for record in records:
            if record.get('call_id') == self.call_id and record.get('base') == self.base:
                latest[record.get('client_context')] = record
        operations = []
        for context, record in latest.items():
            if record.get('state') == 'refused':
                continue
            if record.get('v') == 1:
                participants = record.get('participants') or []
            else:
                participants = [hashed[key].invitation() for key in record.get('keys') or [] if key in hashed]
            operations.append(
                {
                    'id': record.get('operation_id'),
                    'clientContext': context,
                    'status': RECORDED,
                    'participants': participants,
                    'recorded_state': record.get('state'),
                    'recorded_at': record.get('at') or 0,
                }
            )
        return operations

    def record(self, entries):
        """Add ``(client_context, state, operation_id, [match key])`` entries, in one locked rewrite."""
        now = self.clock()

        def change(records):
            salt = _salt(records) or binascii.hexlify(os.urandom(16)).decode('ascii')
            kept = [r for r in records if 'salt' not in r and now - (r.get('at') or 0) < KEEP_DAYS * 86400]
            new = [
                {
                    'v': VERSION,
                    'at': now,
                    'call_id': self.call_id,
                    'base': self.base,
                    'client_context': context,
                    'state': state,
                    'operation_id': operation_id,
                    'keys': [_hash(salt, key) for key in keys],
                }
                for context, state, operation_id, keys in entries
            ]
            return [{'v': VERSION, 'salt': salt, 'at': now}] + kept + new

        try:
            update_records(self.path, 'history_file', READ_VERSIONS, change)
        except ValueError as exc:  # a rule of private_file, broken since the check before any request
            raise HistoryError(str(exc))
        except OSError as exc:
            raise HistoryError('history_file %r could not be written: %s' % (self.path, exc))

    def _read(self):
        try:
            return read_records(self.path, 'history_file', READ_VERSIONS)
        except ValueError as exc:
            raise HistoryError(str(exc))
        except OSError as exc:
            raise HistoryError('history_file %r could not be read: %s' % (self.path, exc))


def _salt(records):
    for record in records:
        if isinstance(record.get('salt'), str) and record['salt']:
            return record['salt']
    return None


def _hash(salt, key):
    """A person's match key, keyed by the file's salt: equal for the same person, and says nothing without the salt."""
    return hmac.new(salt.encode('ascii'), key.encode('utf-8'), hashlib.sha256).hexdigest()[:32]


def check_history_file(path):
    """Refuse, before any request, a history file that breaks private_file's rules (InputError names the fix)."""
    check(path, 'history_file')
