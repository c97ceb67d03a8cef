# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_invite ``state: absent``, the I/O: read the call, send the DELETEs the plan names, check the cancels.

A DELETE is idempotent, so the client may retry it; a 404 means the person left (or the invite
ended) meanwhile, which is what was wanted. Whether Graph really cancelled a ringing invite shows
only in a fresh read of the operations, so cancels are checked once; an invite still ringing then
is reported ``not_cancelled``, never ``cancelled``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, OPERATIONS, ROSTER, prepare_people, read_call
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import operation_keys, roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import PENDING_STATUSES, status_of
from ansible_collections.msgraph.calls.plugins.module_utils._calls.remove_plan import plan_removal

# Graph's documented tenant prerequisite for removing participants.
TENANT_PREREQUISITE = (
    'Graph removes participants only for apps a Teams administrator allowed with '
    'Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="<client id>"}'
)
# What each planned status reports before the DELETEs (check mode shows these); a DELETE Graph refused
# turns it into 'failed'.
PLANNED = {'remove': 'removed', 'cancel': 'cancelled', 'absent': 'absent', 'shared_invite': 'not_cancelled'}


class RemoveRunner:
    """One ``state: absent`` run; ``run()`` returns the result or raises TaskFailure/GraphError."""

    def __init__(self, client, call_id, invitees, check_mode=False, warn=None):
        self.client = client
        self.call_id = call_id
        self.invitees = invitees
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.plan = None
        self.status = {}  # match key -> reported status
        self.result = self._report()

    def run(self):
        try:
            self.invitees = prepare_people(self.client, self.invitees, self.warn)
            roster, operations, own_id = self._read()
            self.plan = plan_removal(self.invitees, roster, operations, own_id)
            self.status = dict((key, PLANNED[status]) for key, status in self.plan.status.items())
            if not self.check_mode:
                self._delete()
            _fail_on(self.invitees, self.status)
        finally:
            self.result = self._report()
        return self.result

    def _read(self):
        view = read_call(self.client, self.call_id)  # the check-mode marker reads as an empty call
        if view.not_found:
            # An ended call has nobody in it: the wanted state holds.
            self.warn('call %s was not found (it ended, or the app never joined it): nobody to remove' % self.call_id)
            return [], [], None
        view.raise_for(CALL, ROSTER)
        if OPERATIONS in view.errors:
            self.warn(
                'the call\'s operations could not be read (%s): an invite still ringing without a lobby entry in '
                'the roster cannot be seen, so it is not cancelled' % view.errors[OPERATIONS].summary()
            )
        return view.roster, view.operations, (view.call or {}).get('myParticipantId')

    def _delete(self):
        requests = [(pid, keys) for pid, keys, dummy in self.plan.deletes] + list(self.plan.by_operation)
        outcomes = self.client.parallel(*[self._deleter(pid) for pid, dummy in requests])
        refused = None
        for (dummy, keys), (dummy2, error) in zip(requests, outcomes):
            if error is None:
                continue
            if error.not_found:
                for key in keys:
                    # Left the call meanwhile: what was wanted. A cancel that found nothing: checked below.
                    self.status[key] = 'absent' if self.status[key] == 'removed' else 'unconfirmed'
                continue
            for key in keys:
                self.status[key] = 'failed'  # reported as such, whatever the others' outcome
            refused = refused or (keys, error)
        if any(status in ('cancelled', 'unconfirmed') for status in self.status.values()):
            self._check_cancels()
        if refused is not None:
            keys, error = refused
            if error.status == 403:
                raise TaskFailure(
                    'Graph refused to remove %s from call %s (%s). %s' % (', '.join(keys), self.call_id, error.summary(), TENANT_PREREQUISITE),
                    cause=error,
                )
            raise error

    def _deleter(self, participant_id):
        return lambda: self.client.remove_participant(self.call_id, participant_id)

    def _check_cancels(self):
        """A cancel holds when the person is neither rung nor in the call any more (one fresh read).

        Graph may accept a DELETE and still ring (or answer 404 because the invite ended meanwhile); only
        the operations and the roster tell. Someone who answered in between is in the call: not cancelled.
        """
        view = read_call(self.client, self.call_id, (OPERATIONS, ROSTER))
        operations, roster = view.operations, view.roster
        op_error, roster_error = view.errors.get(OPERATIONS), view.errors.get(ROSTER)
        still = set()
        for op in operations or []:
            if status_of(op) in PENDING_STATUSES:
                still |= operation_keys(op)
        present = roster_presence(roster)
        for key, status in self.status.items():
            if status not in ('cancelled', 'unconfirmed'):
                continue
            if key in still or key in present:
                self.status[key] = 'not_cancelled'
            elif status == 'unconfirmed':
                # Nothing rings them and they are not in the call: the invite ended, as wanted; unless the
                # operations could not be read, when nothing proves it.
                self.status[key] = 'absent' if op_error is None else 'not_cancelled'
        for error in (op_error, roster_error):
            if error is not None:
                self.warn('could not read the call again to check the cancelled invites (%s)' % error.summary())

    def _report(self):
        participants, removed, cancelled = [], [], []
        for inv in self.invitees:
            status = self.status.get(inv.match)
            if status is None:
                continue
            participants.append(dict(inv.entry, label=inv.label, shown=self._shown(inv), status=status))
            if status == 'removed':
                removed.append(inv.entry)
            elif status == 'cancelled':
                cancelled.append(inv.entry)
        return dict(changed=bool(removed or cancelled), removed=removed, cancelled=cancelled, participants=participants)

    def _shown(self, inv):
        """The names the task was given, else those the roster knows them by: someone stood down by id alone is still
        named in the report (the roster's displayName), as the diff names them."""
        if inv.shown != inv.label or self.plan is None:
            return inv.shown
        return self.plan.labels.get(inv.match) or inv.shown

    def diff(self):
        diff = self.plan.diff(self.invitees)
        diff['before_header'] = 'call %s: participants and ringing invites' % self.call_id
        diff['after_header'] = 'call %s: after the removal' % self.call_id
        return diff


def _fail_on(invitees, status):
    stuck = [inv.shown for inv in invitees if status.get(inv.match) == 'not_cancelled']
    if stuck:
        raise TaskFailure(
            'the ringing invite of %s could not be cancelled: Graph offered no id that cancels it (no lobby '
            'entry in the roster, or the invite also rings people not listed here). It stops ringing by '
            'itself when unanswered; run the task again to remove them if they answer' % ', '.join(stuck)
        )
