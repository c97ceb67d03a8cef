# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Sending invites under the promise: never twice for one intent, never falsely "invited".

A POST is sent at most once per person per task. The client re-sends it only when Graph's answer
proves it did nothing (a 429, a 401 with a stale token) or it provably never left. After an
ambiguous failure (GraphError.outcome_unknown: a timeout, a dropped connection, a 5xx, a 408) a read
cannot prove that the request still in flight will not land; so it is never re-sent here. Instead the
sender looks, for a bounded settle time, for evidence of *that exact attempt*: an operation with its
own clientContext (unique per POST), or its people in the roster. Without evidence, their status is
``unknown``.

The evidence rule is a pure function (``evidence``). ``Sender`` does the I/O (the POSTs, the looks, the
history records) and keeps what happened in its report fields (``people``, ``operations``, ``unknown``,
``refusals``, ``warnings``, ``sent``), which the runner reads when it is done; it never calls back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.poll import poll
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import read_again
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_history import HistoryError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import attempt_client_context
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import invite_body, plan_invite
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import write_outcome

SETTLE_INTERVAL = 1.0  # seconds between two looks for a lost invite


def evidence(context, batch, roster, operations):
    """What a fresh read proves about one ambiguous attempt: ``(operation, {match key: status})``.

    Only an operation with this attempt's own clientContext proves the POST arrived (every POST has
    its own). Without one, a person now in the roster is ``present`` (joined) or ``pending`` (in the
    lobby, being rung): the goal holds, whoever rang them. Anyone else is not decided (an empty dict
    entry): the POST may still land.
    """
    for op in operations or []:
        if isinstance(op, dict) and op.get('clientContext') == context:
            return op, {}
    presence = roster_presence(roster)
    found = {}
    for inv in batch:
        if inv.match in presence:
            found[inv.match] = 'present' if presence[inv.match] else 'pending'
    return None, found


class Sender:  # pylint: disable=too-many-instance-attributes
    """Sends a plan's batches into ``call_id`` for the clientContext family ``base`` and reports what happened.

    ``group``: the roster can be read (a group call); ``listed``: Graph lists the call's operations. They say
    where a lost answer can show. ``history``: an InviteHistory (or None) that gets every attempt before its
    POST and every outcome after.
    """

    def __init__(
        self, client, call_id, base, state='present', group=True, listed=True, history=None, settle_timeout=10.0, clock=time.monotonic, sleep=time.sleep
    ):
        self.client = client
        self.call_id = call_id
        self.base = base
        self.state = state
        self.group = group
        self.listed = listed
        self.history = history
        self.settle_timeout = settle_timeout
        self.clock = clock
        self.sleep = sleep
        # What happened, for the runner to apply; complete even when send() raises half-way.
        self.people = {}  # match key -> {'status', 'operation_id', 'client_context', 'shared'}
        self.operations = []  # the operations the POSTs created, as Graph returned (or listed) them
        self.refusals = []  # (batch, GraphError): Graph refused, nothing was rung
        self.unknown = []  # (context, [invitee], GraphError, why): fate unknown
        self.warnings = []
        self.sent = False  # an invite was sent that may have reached Graph
        self.looks = 0  # reads of the call after an ambiguous answer or a conflict

    def send(self, batches):
        """POST every batch (in parallel: each is its own round trip); settle the ambiguous ones, narrow the 409s."""
        attempts = [(attempt_client_context(self.base), batch) for batch in batches]
        self._record([(context, 'attempt', None, batch) for context, batch in attempts])
        answers = self.client.parallel(*[self._poster(context, batch) for context, batch in attempts])
        ambiguous, conflicts, records = [], [], []
        for (context, batch), (operation, error) in zip(attempts, answers):
            if error is None:
                self._sent(context, batch, operation)
                records.append((context, 'sent', operation.get('id'), batch))
                continue
            kind = write_outcome(error)
            if kind == 'ambiguous':
                ambiguous.append((context, batch, error))
                continue
            records.append((context, 'refused', None, batch))
            if kind == 'conflict':
                conflicts.append((batch, error))
            else:
                self.refusals.append((batch, error))
        if ambiguous:
            records.extend(self._settle(ambiguous))
        self._record(records)
        for batch, error in conflicts:
            self._conflict(batch, error)

    def _poster(self, context, batch):
        return lambda: self.client.invite(self.call_id, invite_body(context, batch))

    def _look(self):
        """The roster (None when unreadable here) and the operations (None when Graph lists none), read again."""
        self.looks += 1
        return read_again(self.client, self.call_id, roster=self.group, operations=self.listed)

    def _settle(self, ambiguous):
        """Look for each ambiguous attempt until found or settle_timeout passes; return history records."""
        landed = {}  # context -> its operation
        seen = dict((context, {}) for context, dummy, dummy in ambiguous)  # context -> {key: status}
        look = {'why': 'no read could look for it', 'open': [(context, batch) for context, batch, dummy in ambiguous], 'hopeless': False}

        def look_once():
            try:
                roster, operations = self._look()
            except GraphError as exc:
                look['why'] = 'the call could not be read again to look for it (%s)' % exc.summary()
                return
            if roster is None and operations is None:
                look['why'] = 'Graph lists neither the operations nor the roster of this call'
                look['hopeless'] = True  # nothing here can ever show it
                return
            look['why'] = (
                'no operation with its clientContext was listed'
                if operations is not None
                else "Graph does not list the call's operations, and its people are not in the roster"
            )
            for context, batch in look['open']:
                operation, seen[context] = evidence(context, batch, roster, operations)
                if operation is not None:
                    landed[context] = operation
            look['open'] = [(c, b) for c, b in look['open'] if c not in landed and len(seen[c]) < len(b)]

        poll(lambda: look['hopeless'] or not look['open'], look_once, self.settle_timeout, SETTLE_INTERVAL, self.clock, self.sleep, look_first=True)
        records = []
        for context, batch, error in ambiguous:
            if context in landed:
                self.warnings.append('the invite %s failed ambiguously (%s), but Graph lists it by its own clientContext' % (context, error.summary()))
                self._sent(context, batch, landed[context])
                records.append((context, 'sent', landed[context].get('id'), batch))
                continue
            for inv in batch:
                self.people[inv.match] = _person(seen[context].get(inv.match, 'unknown'), None, context, batch)
            self.sent = True
            records.append((context, 'unknown', None, batch))
            missing = [inv for inv in batch if inv.match not in seen[context]]
            if missing:
                self.unknown.append((context, missing, error, look['why']))
            else:
                self.warnings.append(
                    'the invite %s failed ambiguously (%s); its fate is unknown, but everyone in it is now in the call' % (context, error.summary())
                )
        return records

    def _conflict(self, batch, error):
        """409 Conflict: Graph refused the whole batch as a duplicate and did nothing.

        One person: they are in the call or being rung already. Several: read the call again, plan the batch
        against it, and invite whoever is still missing one at a time, to learn whom Graph refused.
        """
        if len(batch) == 1:
            self.warnings.append('Graph refused to invite %s as a duplicate (%s): already in the call or being invited' % (batch[0].shown, error.summary()))
            self.people[batch[0].match] = _person('present', None, None, [])
            return
        roster, operations = self._look()
        plan = plan_invite(batch, roster, self.base, operations=operations, state=self.state, batch_size=1)
        for inv, status, operation_id in plan.outcomes:
            self.people[inv.match] = _person(status, operation_id, None, [])
        self.send([[inv] for inv in plan.to_invite])

    def _sent(self, context, batch, operation):
        if isinstance(operation, dict) and operation not in self.operations:
            self.operations.append(operation)
        operation_id = operation.get('id') if isinstance(operation, dict) else None
        for inv in batch:
            self.people[inv.match] = _person('invited', operation_id, context, batch)
        self.sent = True

    def _record(self, entries):
        """Write attempts and outcomes to history_file. Before a POST, a failure stops the task (nothing sent)."""
        if self.history is None or not entries:
            return
        try:
            self.history.record([(context, state, operation_id, [inv.match for inv in batch]) for context, state, operation_id, batch in entries])
        except HistoryError as exc:
            if any(state == 'attempt' for dummy, state, dummy, dummy in entries):
                raise TaskFailure('%s; nothing was sent' % exc)
            self.warnings.append('%s: the next run may not know of these invites' % exc)


def _person(status, operation_id, context, batch):
    return dict(status=status, operation_id=operation_id, client_context=context, shared=len(batch) > 1)
