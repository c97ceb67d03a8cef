# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who to invite: a pure function from (request, roster, operations, state) to a plan. No I/O here.

Identities compare through _identity.match_key: by id whatever identity kind Graph files them under,
phones in E.164. *Labels* (``user:<id>``, ``phone:+…``) are what users see in results and diffs.

The clientContext scheme (docs/docsite/rst/guide_invite_decision.rst): every invite POST carries ``<base>~<attempt id>``.
The base is stable for a task (the user's ``client_context``, or one derived from the call id), so a
re-run recognises every invite of its *family*; the attempt id is new for every POST, so an earlier
run's operation can never be taken as evidence that this run's POST arrived.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import uuid

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import (
    identities_of,
    identity_label,
    match_key,
    operation_keys,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import InputError

MAX_PER_INVITE = 5  # Graph: "Inviting up to 5 participants is supported."
ATTEMPT_ID_LENGTH = 15  # hex digits of the per-POST part
MAX_CLIENT_CONTEXT = 256 - 1 - ATTEMPT_ID_LENGTH  # Graph allows 256; "~" and the attempt id are appended
CONTEXT_PREFIX = 'mgc1-'  # Version tag of the derived base: it lives on in Graph.
CONTEXT_SEPARATOR = '~'
PENDING_STATUSES = ('notstarted', 'running')


def base_client_context(call_id, client_context=None):
    """The clientContext family base: the user's value, or one derived from the call id alone.

    Deriving it from the call id (not from the participant list) means a user can edit the list
    and re-run without paging anyone twice.
    """
    if client_context is not None:
        if not client_context:
            raise InputError('client_context must not be empty; leave it unset to derive one from call_id')
        if len(client_context) > MAX_CLIENT_CONTEXT:
            raise InputError(
                'client_context must be at most %d characters (Graph allows 256 and %d are appended); '
                'got %d' % (MAX_CLIENT_CONTEXT, 256 - MAX_CLIENT_CONTEXT, len(client_context))
            )
        if CONTEXT_SEPARATOR in client_context:
            raise InputError('client_context must not contain %r: it separates the base from the attempt id' % CONTEXT_SEPARATOR)
        return client_context
    return CONTEXT_PREFIX + hashlib.sha256(call_id.encode('utf-8')).hexdigest()[:32]


def attempt_client_context(base, attempt_id=None):
    """``base~`` and an id unique to one POST (random unless given, for tests)."""
    return base + CONTEXT_SEPARATOR + (attempt_id or uuid.uuid4().hex[:ATTEMPT_ID_LENGTH])


def in_family(operation, base):
    context = operation.get('clientContext') if isinstance(operation, dict) else None
    return isinstance(context, str) and context.startswith(base + CONTEXT_SEPARATOR)


def status_of(operation):
    """An operation's status, lower-cased: Graph answers ``Running`` and notifies ``completed``."""
    return str((operation or {}).get('status') or '').lower()


class InvitePlan:
    """The decision: who is present, pending, done before, and the batches to invite."""

    def __init__(self):
        self.outcomes = []  # (invitee, status, operation_id) in request order
        self.batches = []  # [invitee, ...] per invite POST
        self.roster_labels = []

    @property
    def to_invite(self):
        return [inv for batch in self.batches for inv in batch]

    def diff(self):
        """Sorted ``kind:id`` labels of the roster before, and with the invitees added after.

        Each side is text with one label per line: Ansible's diff display renders strings (and
        mappings) line by line, and silently shows nothing for a list.
        """
        before = sorted(set(self.roster_labels))
        after = sorted(set(self.roster_labels) | set(inv.label for inv in self.to_invite))
        return {'before': ''.join(label + '\n' for label in before), 'after': ''.join(label + '\n' for label in after)}


def plan_invite(invitees, roster, base, operations=None, state='present', batch_size=1):
    """Decide who to invite.

    ``roster``: Graph participant objects, or None when the call has no readable roster (Graph
    refuses it for peer-to-peer calls); then a completed operation of the family is the only sign
    that someone joined, and counts as present. ``operations``: the call's operations (plus this
    family's recorded invites, see _invite_history), or None when there are none to read.
    ``state``: ``present`` re-invites people whose invite failed or who left; ``invited`` never
    invites again anyone an operation of the family named. ``batch_size``: people per invite POST.
    """
    plan = InvitePlan()
    in_call = set()
    for participant in roster or []:
        info = participant.get('info') if isinstance(participant, dict) else None
        for kind, ident in identities_of((info or {}).get('identity') if isinstance(info, dict) else None):
            in_call.add(match_key(kind, ident))
            plan.roster_labels.append(identity_label(kind, ident))

    named = {}  # match key -> [(status, operation id)], oldest first
    for op in operations or []:
        if in_family(op, base):
            for key in operation_keys(op):
                named.setdefault(key, []).append((status_of(op), op.get('id')))

    remaining = []
    for inv in invitees:
        ops = named.get(inv.match, [])
        pending = [op_id for status, op_id in ops if status in PENDING_STATUSES]
        joined = [op_id for status, op_id in ops if status == 'completed'] if roster is None else []
        if inv.match in in_call or joined:
            plan.outcomes.append((inv, 'present', joined[-1] if joined else None))
        elif pending:
            plan.outcomes.append((inv, 'pending', pending[-1]))
        elif state == 'invited' and ops:
            plan.outcomes.append((inv, 'done_before', ops[-1][1]))
        else:
            plan.outcomes.append((inv, 'to_invite', None))
            remaining.append(inv)

    size = max(1, min(batch_size, MAX_PER_INVITE))
    plan.batches = [remaining[start : start + size] for start in range(0, len(remaining), size)]
    return plan


def invite_body(context, batch):
    return {'participants': [inv.invitation() for inv in batch], 'clientContext': context}
