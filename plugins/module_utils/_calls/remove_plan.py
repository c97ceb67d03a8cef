# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_invite ``state: absent``, the decision: whom to drop from the call, whose ringing invite to cancel.

Graph has one request for both: ``DELETE …/participants/{id}`` drops someone in the call, and
cancels an invite that is still ringing. Which id cancels a ringing invite is not documented: a
lobby entry of the roster surely does (it is a participant id); otherwise the only other id we hold
is the invite operation's, and that can only be used when everyone the operation rings is to be
removed, since it may cancel them all. People are matched exactly as ``present`` matches them
(identity.match_key), and nobody else is touched; the app's own participant never.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import (
    match_key,
    named_identities,
    operation_keys,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import PENDING_STATUSES, status_of


class RemovalPlan:
    """``deletes``: [(participant id, [match keys], 'remove'|'cancel')]; ``by_operation``: [(operation id, [keys])];
    ``status``: {match key: 'remove'|'cancel'|'absent'|'shared_invite'}; ``labels``: {match key: label with names} of who
    is in or rung before."""

    def __init__(self):
        self.deletes = []
        self.by_operation = []
        self.status = {}
        self.labels = {}

    def diff(self, invitees):
        """Sorted ``kind:id (names)`` labels of the people in the call or rung, before and after the removal."""
        going = set(inv.match for inv in invitees if self.status.get(inv.match) in ('remove', 'cancel'))
        before = sorted(set(self.labels.values()))
        after = sorted(set(label for key, label in self.labels.items() if key not in going))
        return {'before': ''.join(label + '\n' for label in before), 'after': ''.join(label + '\n' for label in after)}


def _entry_keys(participant):
    info = participant.get('info') if isinstance(participant, dict) else None
    identity_set = info.get('identity') if isinstance(info, dict) else None
    return [(match_key(kind, ident), label) for kind, ident, label in named_identities(identity_set)]


def plan_removal(invitees, roster, operations, own_participant_id=None):
    """Decide the DELETEs. ``roster``: participants (the app's own entry is skipped); ``operations``: the call's
    invite operations, or None when Graph did not list them (then a ringing invite without a lobby entry is not seen)."""
    plan = RemovalPlan()
    wanted = set(inv.match for inv in invitees)
    for participant in roster or []:
        if not isinstance(participant, dict) or participant.get('id') in (None, own_participant_id):
            continue
        pairs = _entry_keys(participant)
        plan.labels.update(pairs)
        keys = sorted(set(key for key, dummy in pairs) & wanted)
        if keys:
            kind = 'cancel' if participant.get('isInLobby') else 'remove'
            plan.deletes.append((participant['id'], keys, kind))
            for key in keys:
                # Joined wins over ringing when someone has both (a second device, say).
                if plan.status.get(key) != 'remove':
                    plan.status[key] = kind

    ringing = {}  # operation id -> everyone it still rings
    for op in operations or []:
        if status_of(op) in PENDING_STATUSES and op.get('id'):
            ringing[op['id']] = operation_keys(op)
    for operation_id, keys in ringing.items():
        plan.labels.update((inv.match, inv.shown) for inv in invitees if inv.match in keys and inv.match not in plan.labels)
        mine = sorted(key for key in keys & wanted if key not in plan.status)
        if not mine:
            continue
        if keys <= wanted:
            plan.by_operation.append((operation_id, mine))
            for key in mine:
                plan.status[key] = 'cancel'
        else:
            for key in mine:
                plan.status[key] = 'shared_invite'
    for key in wanted:
        plan.status.setdefault(key, 'absent')
    return plan
