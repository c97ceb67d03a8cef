# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Sending invites under the promise: never twice for one intent, never falsely "invited".

A POST is sent at most once per person per task. The client re-sends it only when Graph's answer
proves it did nothing (a 429, a 401 with a stale token) or it provably never left. After an
ambiguous failure (a timeout, a dropped connection, a 5xx, a 408) a read cannot prove that the
request still in flight will not land; so it is never re-sent here. Instead the module looks, for a
bounded settle time, for evidence of *that exact attempt*: an operation with its own clientContext
(unique per POST), or its people in the roster. Without evidence, their status is ``unknown``.

The evidence rules are pure functions (``classify``, ``evidence``); ``Sender`` does the I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import attempt_client_context, invite_body

SETTLE_INTERVAL = 1.0  # seconds between two looks for a lost invite


def classify(error):
    """What a failed invite POST means: ``conflict``, ``refused`` (Graph did not act) or ``ambiguous``."""
    if error.status == 409:
        return 'conflict'
    if error.sent is False:
        return 'refused'
    if error.status is None or error.status >= 500 or error.status == 408:
        return 'ambiguous'
    return 'refused'


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


class Sender:
    """Sends a plan's batches for an InviteRunner and records every outcome in ``runner.people``."""

    def __init__(self, runner, settle_timeout, clock=time.monotonic, sleep=time.sleep):
        self.runner = runner
        self.client = runner.client
        self.settle_timeout = settle_timeout
        self.clock = clock
        self.sleep = sleep
        self.refusals = []  # (batch, GraphError): Graph refused, nothing was rung
        self.unknown = []  # (context, [invitee], GraphError, why): fate unknown

    def send(self, batches):
        """POST every batch (in parallel: each is its own round trip); settle the ambiguous ones."""
        runner = self.runner
        attempts = [(attempt_client_context(runner.base), batch) for batch in batches]
        runner.record([(context, 'attempt', None, batch) for context, batch in attempts])
        answers = self.client.parallel(*[self._poster(context, batch) for context, batch in attempts])
        ambiguous, conflicts, records = [], [], []
        for (context, batch), (operation, error) in zip(attempts, answers):
            if error is None:
                runner.mark_sent(context, batch, operation)
                records.append((context, 'sent', operation.get('id'), batch))
                continue
            kind = classify(error)
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
        runner.record(records)
        for batch, error in conflicts:
            self._conflict(batch, error)

    def _poster(self, context, batch):
        return lambda: self.client.invite(self.runner.call_id, invite_body(context, batch))

    def _settle(self, ambiguous):
        """Look for each ambiguous attempt until found or settle_timeout passes; return history records."""
        runner = self.runner
        deadline = self.clock() + self.settle_timeout
        landed = {}  # context -> its operation
        seen = dict((context, {}) for context, dummy, dummy in ambiguous)  # context -> {key: status}
        why = 'no read could look for it'
        open_ = [(context, batch) for context, batch, dummy in ambiguous]
        while open_:
            try:
                roster, operations = runner.read_state()
            except GraphError as exc:
                why = 'the call could not be read again to look for it (%s)' % exc.summary()
            else:
                if roster is None and operations is None:
                    why = 'Graph lists neither the operations nor the roster of this call'
                    break  # nothing here can ever show it
                why = (
                    'no operation with its clientContext was listed'
                    if operations is not None
                    else 'Graph does not list the call\'s operations, and its people are not in the roster'
                )
                for context, batch in open_:
                    operation, seen[context] = evidence(context, batch, roster, operations)
                    if operation is not None:
                        landed[context] = operation
                open_ = [(c, b) for c, b in open_ if c not in landed and len(seen[c]) < len(b)]
            if not open_ or self.clock() >= deadline:
                break
            self.sleep(max(0.0, min(SETTLE_INTERVAL, deadline - self.clock())))
        records = []
        for context, batch, error in ambiguous:
            if context in landed:
                runner.warn('the invite %s failed ambiguously (%s), but Graph lists it by its own clientContext' % (context, error.summary()))
                runner.mark_sent(context, batch, landed[context])
                records.append((context, 'sent', landed[context].get('id'), batch))
                continue
            runner.mark_unknown(context, batch, seen[context])
            records.append((context, 'unknown', None, batch))
            missing = [inv for inv in batch if inv.match not in seen[context]]
            if missing:
                self.unknown.append((context, missing, error, why))
            else:
                runner.warn('the invite %s failed ambiguously (%s); its fate is unknown, but everyone in it is now in the call' % (context, error.summary()))
        return records

    def _conflict(self, batch, error):
        """409 Conflict: Graph refused the whole batch as a duplicate and did nothing.

        One person: they are in the call or being rung already. Several: read the call again and
        invite whoever is still missing one at a time, to learn whom Graph refused.
        """
        runner = self.runner
        if len(batch) == 1:
            runner.warn('Graph refused to invite %s as a duplicate (%s): already in the call or being invited' % (batch[0].label, error.summary()))
            runner.set_status(batch[0], 'present')
            return
        replan = runner.replan(batch)
        self.send([[inv] for inv in replan])
