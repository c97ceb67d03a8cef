# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who to invite: a pure function from (request, roster, operations, state) to a plan. No I/O here.

Identities compare through _identity.match_key: by id whatever identity kind Graph files them under,
phones in E.164. *Labels* (``user:<id>``, ``phone:+…``) are what users see in results and diffs.

Whose invites count is the clientContext family's (_calls/client_context.py): a re-run recognises every
invite of its family.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import in_family
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import (
    match_key,
    named_identities,
    operation_keys,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import PENDING_STATUSES, status_of

MAX_PER_INVITE = 5  # Graph: "Inviting up to 5 participants is supported."


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
        """Sorted ``kind:id (names)`` labels of the roster before, and with the invitees added after.

        Each side is text with one label per line: Ansible's diff display renders strings (and
        mappings) line by line, and silently shows nothing for a list.
        """
        before = sorted(set(self.roster_labels))
        after = sorted(set(self.roster_labels) | set(inv.shown for inv in self.to_invite))
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
        for kind, ident, label in named_identities((info or {}).get('identity') if isinstance(info, dict) else None):
            in_call.add(match_key(kind, ident))
            plan.roster_labels.append(label)

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
