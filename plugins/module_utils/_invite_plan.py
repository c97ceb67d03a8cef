# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who to invite: a pure function from (request, roster, operations, state) to a plan. No I/O here.

Identities are compared through *match keys* (see _participants.match_key): a GUID matches a GUID
whatever identity kind Graph files it under (Graph's own examples list an invited user under
``application``), a phone number matches in normalised E.164. *Labels* (``user:<id>``, ``phone:+…``)
are what users see in results and diffs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib

from ansible_collections.msgraph.calls.plugins.module_utils._participants import (
    InputError,
    identities_of,
    identity_label,
    match_key,
)

MAX_PER_INVITE = 5            # Graph: "Inviting up to 5 participants is supported."
MAX_CLIENT_CONTEXT = 240      # Graph allows 256; we append "~" and an 8-digit batch hash.
CONTEXT_PREFIX = 'mgc1-'      # Version tag of the derived clientContext scheme: it lives on in Graph.
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
            raise InputError('client_context must be at most %d characters (Graph allows 256 and %d are appended); '
                             'got %d' % (MAX_CLIENT_CONTEXT, 256 - MAX_CLIENT_CONTEXT, len(client_context)))
        if CONTEXT_SEPARATOR in client_context:
            raise InputError('client_context must not contain %r: it separates the base from the batch hash'
                             % CONTEXT_SEPARATOR)
        return client_context
    return CONTEXT_PREFIX + hashlib.sha256(call_id.encode('utf-8')).hexdigest()[:32]


def batch_client_context(base, labels):
    """``base~`` + 8 hex digits of sha256 over the batch's sorted labels joined by commas."""
    digest = hashlib.sha256(','.join(sorted(labels)).encode('utf-8')).hexdigest()[:8]
    return base + CONTEXT_SEPARATOR + digest


def in_family(operation, base):
    context = operation.get('clientContext') if isinstance(operation, dict) else None
    return isinstance(context, str) and context.startswith(base + CONTEXT_SEPARATOR)


class InvitePlan:
    """The decision: who is present, pending, done before, and the POST batches for the rest."""

    def __init__(self):
        self.outcomes = []     # (invitee, status, operation_id) in request order
        self.batches = []      # (clientContext, [invitee, ...])
        self.roster_labels = []

    @property
    def to_invite(self):
        return [inv for dummy, batch in self.batches for inv in batch]

    def diff(self):
        """Sorted ``kind:id`` labels of the roster before, and with the invitees added after.

        Each side is text with one label per line: Ansible's diff display renders strings (and
        mappings) line by line, and silently shows nothing for a list.
        """
        before = sorted(set(self.roster_labels))
        after = sorted(set(self.roster_labels) | set(inv.label for inv in self.to_invite))
        return {'before': ''.join(label + '\n' for label in before),
                'after': ''.join(label + '\n' for label in after)}


def plan_invite(invitees, roster, base, operations=None, state='present'):
    """Decide who to invite.

    ``roster``: Graph participant objects, or None when the call has no readable roster (Graph
    refuses it for peer-to-peer calls); then a completed operation of the family is the only sign
    that someone joined, and counts as present. ``operations``: the call's operations, or None when
    they could not be read. ``state``: ``present`` re-invites people whose invite failed or who
    left; ``invited`` never invites again anyone an operation of the family named.
    """
    plan = InvitePlan()
    in_call = set()
    for participant in roster or []:
        info = participant.get('info') if isinstance(participant, dict) else None
        for kind, ident in identities_of((info or {}).get('identity')):
            in_call.add(match_key(kind, ident))
            plan.roster_labels.append(identity_label(kind, ident))

    family = [op for op in (operations or []) if in_family(op, base)]
    named = {}      # match key -> [(status, operation id)]
    for op in family:
        status = str(op.get('status') or '').lower()
        for info in op.get('participants') or []:
            for kind, ident in identities_of((info or {}).get('identity')):
                named.setdefault(match_key(kind, ident), []).append((status, op.get('id')))

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

    for start in range(0, len(remaining), MAX_PER_INVITE):
        batch = remaining[start:start + MAX_PER_INVITE]
        plan.batches.append((batch_client_context(base, [inv.label for inv in batch]), batch))
    return plan


def invite_body(context, batch):
    return {'participants': [inv.invitation() for inv in batch], 'clientContext': context}
