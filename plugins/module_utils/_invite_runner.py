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
from ansible_collections.msgraph.calls.plugins.module_utils._invite_wait import InviteWaiter, roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._participants import merge_duplicates


class TaskFailure(Exception):
    """The task cannot go on; ``msg`` says why, ``error`` carries a GraphError's fields if one caused it."""

    def __init__(self, msg, error=None):
        super(TaskFailure, self).__init__(msg)
        self.msg = msg
        self.error = error


def _ambiguous(error):
    """Whether a failed POST may still have been carried out by Graph."""
    if error.sent is False:
        return False
    return error.status is None or error.status >= 500


class Trace:
    """The evidence about one lost invite: its operation, its people in the roster, or proof of absence.

    Absence is proven only when the operations can be read, list nothing with the invite's exact
    clientContext, none of its people is in the roster, and the listing is known to keep finished
    operations (it lists one): Graph may drop finished operations, and an invite that already
    failed would then look like one never sent.
    """

    def __init__(self, context, batch, roster, operations, earlier_operations):
        self.operation = None
        self.arrived = False
        self.absent = False
        self.why = 'it was found'
        matches = [op for op in operations or [] if isinstance(op, dict) and op.get('clientContext') == context]
        if matches:
            self.operation = matches[-1]
            return
        keys = set(inv.match for inv in batch)
        if roster is not None and keys & set(roster_presence(roster)):
            self.arrived = True
            return
        if operations is None:
            self.why = 'the call\'s operations cannot be read to look for it'
            return
        finished = [op for op in list(operations) + list(earlier_operations or [])
                    if str((op or {}).get('status') or '').lower() in ('completed', 'failed')]
        if not finished:
            self.why = ('Graph lists no operation with its clientContext, but also no finished operation, so it may '
                        'drop finished ones and its absence cannot be proven')
            return
        if roster is None:
            self.why = 'no operation has its clientContext, and the roster of a peer-to-peer call cannot be read'
            self.absent = True
            return
        self.absent = True
        self.why = 'it left no trace'


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
        self.operations = None
        self._statuses = {}

    def run(self):
        self._resolve_principal_names()
        self.invitees, warnings = merge_duplicates(self.invitees)
        for warning in warnings:
            self.warn(warning)
        roster, operations = self._read_call()
        self.operations = operations
        self.plan = plan_invite(self.invitees, roster, self.base, operations=operations, state=self.state)
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
        """POST one batch, never twice for one intent.

        The client already re-sent it after a 429 (Graph did nothing) or when it provably never left.
        After an ambiguous failure (a 5xx, a timeout, a dropped connection) the batch is sent again
        only when a fresh read proves the first attempt left no trace; when the read finds the invite,
        it is reported; when absence cannot be proven, the task fails with outcome ``unknown``.
        """
        attempts = self.client.retry.attempts()
        while True:
            try:
                operation = self.client.invite(self.call_id, invite_body(context, batch))
            except GraphError as exc:
                if exc.status == 409:
                    return self._conflict(batch, statuses, exc)
                if not _ambiguous(exc):
                    raise
                trace = self._trace(context, batch)
                if trace.operation is not None or trace.arrived:
                    self.warn('the invite %s failed ambiguously (%s), but a fresh read shows it went through'
                              % (context, exc.summary()))
                    return self._sent(trace.operation, batch, statuses)
                delay = attempts.next_delay(exc.retry_after) if trace.absent else None
                if delay is None:
                    self.result['outcome'] = 'unknown'
                    self.result['changed'] = True     # it may have gone out: never claim nothing changed
                    self.result['unknown_client_context'] = context
                    raise TaskFailure(
                        'the invite of %s may or may not have reached Graph (%s), and %s; nothing more was sent. '
                        'Re-run the task: it looks for this invite by its clientContext %s before inviting again'
                        % (', '.join(inv.label for inv in batch), exc.summary(), trace.why, context),
                        error=exc.to_dict())
                self.warn('the invite %s failed (%s) and a fresh read proves it left no trace; sending it again in '
                          '%s s' % (context, exc.summary(), round(delay, 1)))
                attempts.wait(delay)
                continue
            return self._sent(operation, batch, statuses)

    def _sent(self, operation, batch, statuses):
        if operation is not None:
            self.result['operations'].append(operation)
        self.result['changed'] = True
        operation_id = operation.get('id') if isinstance(operation, dict) else None
        for inv in batch:
            statuses[inv.match] = ['invited', operation_id]

    def _conflict(self, batch, statuses, exc):
        """409 Conflict: Graph refused the whole batch as a duplicate and did nothing.

        Read the call again, then invite one at a time whoever is still missing, to learn whom Graph
        refused: those are reported present (in the call, or being invited), with a warning.
        """
        if len(batch) == 1:
            self.warn('Graph refused to invite %s as a duplicate (%s): already in the call or being invited'
                      % (batch[0].label, exc.summary()))
            statuses[batch[0].match] = ['present', None]
            return
        roster, operations = self._read_state()
        replan = plan_invite(batch, roster, self.base, operations=operations, state=self.state)
        for inv, status, operation_id in replan.outcomes:
            statuses[inv.match] = [status, operation_id]
        for context, single in replan.batches:
            for inv in single:
                self._send(batch_client_context(self.base, [inv.label]), [inv], statuses)

    def _read_state(self):
        """The roster (None for a peer-to-peer call) and the operations (None when unreadable), read again."""
        (roster, roster_error), (operations, operations_error) = self.client.parallel(
            lambda: self.client.list_participants(self.call_id) if self.group else None,
            lambda: self.client.list_operations(self.call_id),
        )
        if roster_error is not None:
            raise roster_error
        return roster, (operations if operations_error is None else None)

    def _trace(self, context, batch):
        """What a fresh read says about an invite whose answer was lost."""
        try:
            roster, operations = self._read_state()
        except GraphError as exc:
            trace = Trace(context, batch, None, None, None)
            trace.why = 'the call could not be read again to look for it (%s)' % exc.summary()
            return trace
        return Trace(context, batch, roster, operations, self.operations)

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
