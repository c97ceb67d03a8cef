# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_invite's work: read the call, decide with the planner, send the invites.

All Graph I/O goes through the client; all decisions are the planner's. This file only orders the
steps and turns their outcomes into the task result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._invite_plan import (
    batch_client_context,
    invite_body,
    plan_invite,
)
from ansible_collections.msgraph.calls.plugins.module_utils._invite_wait import InviteWaiter
from ansible_collections.msgraph.calls.plugins.module_utils._participants import merge_duplicates


class TaskFailure(Exception):
    """The task cannot go on; ``msg`` says why, ``error`` carries a GraphError's fields if one caused it."""

    def __init__(self, msg, error=None):
        super(TaskFailure, self).__init__(msg)
        self.msg = msg
        self.error = error


class InviteRunner:
    """One run of graph_call_invite: ``run()`` returns the result dict or raises TaskFailure/GraphError.

    ``self.result`` is kept up to date, so a failure after some invites were sent still reports them.
    """

    def __init__(self, client, call_id, invitees, base, state='present', check_mode=False, warn=None):
        self.client = client
        self.call_id = call_id
        self.invitees = invitees
        self.base = base
        self.state = state
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.result = dict(changed=False, client_context=base, invited=[], already_present=[], operations=[],
                           participants=[])
        self.plan = None
        self.group = True
        self._statuses = {}

    def run(self):
        self._resolve_principal_names()
        self.invitees, warnings = merge_duplicates(self.invitees)
        for warning in warnings:
            self.warn(warning)
        roster, operations = self._read_call()
        self.plan = plan_invite(self.invitees, roster, self.base, operations=operations, state=self.state)
        self.result['changed'] = bool(self.plan.batches)
        statuses = self._statuses
        for inv, status, operation_id in self.plan.outcomes:
            statuses[inv.match] = [status, operation_id]
        if not self.check_mode:
            for context, batch in self.plan.batches:
                self._send(context, batch, statuses)
        self._report(statuses)
        return self.result

    # Steps -----------------------------------------------------------------------------------

    def _resolve_principal_names(self):
        """Object ids for users given by principal name: one lookup per distinct name."""
        found = {}
        for inv in self.invitees:
            if inv.upn is None:
                continue
            key = inv.upn.lower()
            if key not in found:
                try:
                    found[key] = self.client.get_user(inv.upn)
                except GraphError as exc:
                    raise TaskFailure(_lookup_failure(inv, exc), error=exc.to_dict())
            object_id = found[key].get('id')
            if not isinstance(object_id, str) or not object_id:
                raise TaskFailure('%s.user %r: Graph returned a user without an id' % (inv.where, inv.upn))
            inv.resolve(object_id)

    def _read_call(self):
        """The call, its roster and its operations, read in parallel; checks that an invite may go out."""
        (call, call_error), (roster, roster_error), (operations, operations_error) = self.client.parallel(
            lambda: self.client.get_call(self.call_id),
            lambda: self.client.list_participants(self.call_id),
            lambda: self.client.list_operations(self.call_id),
        )
        if call_error is not None:
            raise call_error
        state = str(call.get('state') or 'unknown')
        if state.lower() != 'established':
            raise TaskFailure('call %s is %s, not established: Graph invites only into an established call; nothing '
                              'was sent' % (self.call_id, state))
        group = self.group = isinstance(call.get('chatInfo'), dict)
        if not group:
            # Graph refuses the roster read on peer-to-peer calls; only the operations can tell.
            if len(self.invitees) > 1:
                raise TaskFailure('call %s is a peer-to-peer call (it has no chatInfo): Graph invites several '
                                  'participants only into group calls; got %d' % (self.call_id, len(self.invitees)))
            roster = roster if roster_error is None else None
        elif roster_error is not None:
            raise roster_error
        if operations_error is not None:
            operations = None
            self._operations_unreadable(operations_error, group)
        return roster, operations

    def _operations_unreadable(self, error, group):
        why = 'the call\'s operations could not be read (%s)' % error.summary()
        if self.state == 'invited':
            raise TaskFailure('state=invited cannot keep its promise to never invite anyone twice: %s; nothing was '
                              'sent' % why, error=error.to_dict())
        if group:
            self.warn('%s; deciding from the roster alone, so people still ringing may be invited again' % why)
        else:
            self.warn('%s, and Graph does not list the roster of a peer-to-peer call; inviting without knowing '
                      'whether the participant is already there or ringing' % why)

    def _send(self, context, batch, statuses):
        """POST one batch. A 409 Conflict means Graph did nothing: split the batch to find who it refused."""
        try:
            operation, dummy = self.client.invite(self.call_id, invite_body(context, batch))
        except GraphError as exc:
            if exc.status != 409:
                raise
            if len(batch) > 1:
                for inv in batch:
                    self._send(batch_client_context(self.base, [inv.label]), [inv], statuses)
                return
            self.warn('Graph refused to invite %s as a duplicate (%s): already in the call or being invited'
                      % (batch[0].label, exc.summary()))
            statuses[batch[0].match] = ['present', None]
            return
        self.result['operations'].append(operation)
        self.result['changed'] = True
        for inv in batch:
            statuses[inv.match] = ['invited', operation.get('id') if isinstance(operation, dict) else None]

    def _report(self, statuses):
        participants = []
        for inv in self.invitees:
            status, operation_id = statuses[inv.match]
            if status == 'to_invite':
                status = 'invited'          # check mode: would be invited
            entry = dict(inv.entry, label=inv.label, status=status, operation_id=operation_id)
            participants.append(entry)
            if status == 'invited':
                self.result['invited'].append(inv.entry)
            elif status == 'present':
                self.result['already_present'].append(inv.entry)
        self.result['participants'] = participants
        self.result['changed'] = bool(self.result['invited'])

    def wait(self, timeout, interval):
        """Poll until everyone invited (or still rung by an earlier run) has an outcome.

        Adds ``outcome`` (joined, failed or timeout) and ``result_info`` to each of them in
        ``participants``, and returns (failed labels, timed-out labels).
        """
        waiting = dict((inv.match, self._statuses[inv.match][1]) for inv in self.invitees
                       if self._statuses[inv.match][0] in ('invited', 'pending') and self._statuses[inv.match][1])
        waiter = InviteWaiter(self.client, self.call_id, timeout, interval, read_roster=self.group)
        outcomes = waiter.wait(waiting) if waiting else {}
        failed, timed_out = [], []
        for inv, entry in zip(self.invitees, self.result['participants']):
            if inv.match not in outcomes:
                continue
            outcome, info = outcomes[inv.match]
            entry['outcome'] = outcome
            entry['result_info'] = info
            if outcome == 'failed':
                failed.append(inv.label)
            elif outcome == 'timeout':
                timed_out.append(inv.label)
        self.result['wait_polls'] = waiter.polls
        return failed, timed_out

    def diff(self):
        diff = self.plan.diff()
        diff['before_header'] = 'call %s: participants' % self.call_id
        diff['after_header'] = 'call %s: participants after the invite' % self.call_id
        return diff


def _lookup_failure(inv, exc):
    if exc.status == 404:
        return '%s.user %r does not exist in the directory (%s)' % (inv.where, inv.upn, exc.summary())
    if exc.status == 403:
        return ('%s.user %r could not be looked up: the app needs the User.Read.All application permission to resolve '
                'user principal names, or give the object id instead (%s)' % (inv.where, inv.upn, exc.summary()))
    return '%s.user %r could not be looked up: %s' % (inv.where, inv.upn, exc.summary())
