# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_probe's work: send the probe's requests in order and record what each one answered.

All Graph I/O of the probe is here; what the answers prove is the evidence's (probe_evidence.py) and what it
means for each switch the verdict's (probe_verdict.py). The order of the requests is part of the evidence (an
operation seen running at one read was running at every earlier one), so it is the order of
docs/docsite/rst/guide_live_probe.rst, and a failure half-way still reports every answer recorded so far.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
import uuid

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.poll import poll
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, ROSTER, read_call
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import FINISHED_STATUSES, PENDING_STATUSES
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_evidence import (
    Evidence,
    bot_lobby_answer,
    describe,
    listed_operations,
    roster_entries,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_input import check_call, client_context
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_verdict import (
    answers,
    duplicate_settled,
    emulator_config,
    probe_outcome,
    probe_summary,
    settled,
    undetermined,
    verdict,
)


class Prober:  # pylint: disable=too-many-instance-attributes
    """One run of graph_call_probe: ``run()`` returns the result or raises TaskFailure/GraphError.

    ``result()`` is complete at any point: every answer recorded so far, and whether someone was rung.
    """

    def __init__(self, client, call_id, probe, answer_timeout, poll_interval, check_mode, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.call_id = call_id
        self.probe = probe
        self.answer_timeout = answer_timeout
        self.poll_interval = poll_interval
        self.clock = clock
        self.sleep = sleep
        self.mode = 'check' if check_mode else ('probe' if probe else 'no_probe')
        self.evidence = Evidence()
        self.operations = {}  # the probe's operations: id -> the latest object Graph showed
        self.order = []
        self.changed = False
        self.invites_sent = 0
        self.bot_lobby = None  # the lobby question's answer, from the first read
        self.entries_before_invite = None  # the probe person's roster entries, read with the lobby question

    # Requests, each recorded --------------------------------------------------------------------

    def list_operations(self):
        try:
            operations = self.client.list_operations(self.call_id)
        except GraphError as exc:
            if exc.status is None:
                raise  # no answer at all proves nothing about the listing
            self.evidence.listing(exc.status)
            return None
        self.evidence.listing(200, listed_operations(operations))
        return operations

    def get_operation(self, operation_id):
        try:
            operation = self.client.get_operation(self.call_id, operation_id)
        except GraphError as exc:
            if exc.status is None:
                raise
            self.evidence.get(operation_id, exc.status)  # a 404 here is evidence (gone, or never readable)
            return
        self.evidence.get(operation_id, 200, operation.get('status'))
        if operation_id in self.operations:
            self.operations[operation_id] = operation

    def read_roster(self):
        entries = roster_entries(self.client.list_participants(self.call_id), self.probe)
        self.evidence.roster(entries)
        return entries

    def invite(self, purpose):
        """Ring the probe person; the GraphError when Graph refused or the answer was lost, else None."""
        body = {'clientContext': client_context(uuid.uuid4().hex[:16]), 'participants': [self.probe.invitation()]}
        try:
            operation = self.client.invite(self.call_id, body)
        except GraphError as exc:
            # An invite whose outcome is unknown may still have rung them: never claim nothing changed.
            if exc.outcome_unknown:
                self.changed = True
            self.evidence.invite(purpose, exc.status)
            return exc
        self.changed = True
        self.invites_sent += 1
        operation_id = operation.get('id') if isinstance(operation.get('id'), str) and operation.get('id') else None
        self.evidence.invite(purpose, 200, operation_id, operation.get('status'))
        if operation_id is None:
            raise TaskFailure('Graph answered the invite of %s without an operation id; the probe cannot follow it' % self.probe.label)
        self.operations[operation_id] = operation
        self.order.append(operation_id)
        return None

    # Steps ---------------------------------------------------------------------------------------

    def run(self):
        """Every request of the probe, in order; the result."""
        call = self._read_call()
        self.evidence.call(call.get('state'), isinstance(call.get('chatInfo'), dict))
        self.ask_lobby(call)
        problem = check_call(call, self.call_id)
        if problem:
            if (self.bot_lobby or {}).get('in_lobby'):
                problem += '. %s' % self.bot_lobby['evidence']
            raise TaskFailure(problem)
        self.list_operations()
        if self.mode == 'probe':
            self.ring()
        else:
            self.read_existing_operations()
        return self.result()

    def _read_call(self):
        """The call, read first; TaskFailure (nothing sent) when Graph does not know it."""
        view = read_call(self.client, self.call_id, parts=(CALL,))
        if view.preview:
            # read_call sent no request: the marker stands for a call an earlier check-mode task did not create.
            raise TaskFailure('call %s is the marker of a call a check-mode run did not create: there is no call to probe; nothing was sent' % self.call_id)
        if view.not_found:
            error = view.errors[CALL]
            raise TaskFailure('call %s was not found (%s); nothing was sent' % (self.call_id, error.summary()), cause=error)
        view.raise_for(CALL)
        return view.call

    def ask_lobby(self, call):
        """The lobby question, read-only and in every mode: the roster of a live group call, read once, right after the
        call (a call still establishing is asked too: that is one form a bot held in the lobby takes)."""
        if not isinstance(call.get('chatInfo'), dict) or str(call.get('state') or '').lower() in ('terminating', 'terminated'):
            return
        view = read_call(self.client, self.call_id, parts=(ROSTER,))
        refused = view.errors.get(ROSTER)
        if refused is not None and refused.status is None:
            raise refused  # no answer at all proves nothing
        self.bot_lobby = bot_lobby_answer(call, view.roster, refused.status if refused is not None else None)
        if refused is None and self.mode == 'probe':
            # The same read shows whether the probe person is in the call already: ring() asks no second time.
            self.entries_before_invite = roster_entries(view.roster, self.probe)
            self.evidence.roster(self.entries_before_invite)

    def read_existing_operations(self):
        """Read-only: GET one finished and one running operation of the listing; re-list if the running one is 404."""
        listings = self.evidence.of('list')
        listed = listings[-1]['operations'] or {}
        finished = sorted(op for op, status in listed.items() if str(status).lower() in FINISHED_STATUSES)
        running = sorted(op for op, status in listed.items() if str(status).lower() in PENDING_STATUSES)
        if finished:
            self.get_operation(finished[0])
        if running:
            self.get_operation(running[0])
            if self.evidence.gets(running[0])[-1]['http'] == 404:
                self.list_operations()  # still listed running: it was running when it answered 404

    def ring(self):
        entries = self.entries_before_invite if self.entries_before_invite is not None else self.read_roster()
        if entries:
            raise TaskFailure(
                'the probe person %s is already in call %s (%s): name a consenting person who is not in '
                'the call; nothing was sent' % (self.probe.label, self.call_id, 'in the lobby' if all(e['in_lobby'] for e in entries) else 'joined')
            )
        failed = self.invite('probe')
        if failed is not None:
            if failed.status == 409:
                raise TaskFailure(
                    'Graph refused to invite the probe person %s with HTTP 409 (%s): they may be in the '
                    'call on another identity or already being rung; name someone else' % (self.probe.label, failed.summary()),
                    cause=failed,
                )
            raise failed
        self.follow(self.order[0])
        if self.evidence.joined_at() is None:
            self.read_roster()  # an operation seen completed: the roster shows whom it brought in
        self.get_operation(self.order[0])
        if self.evidence.listing_works():
            self.list_operations()
        if probe_outcome(self.evidence) == 'joined':
            self.invite_again()

    def follow(self, operation_id):
        """Roster and operation read right after the invite, then every poll_interval until they joined, the invite
        finished, or answer_timeout (counted from the invite) passed."""
        invited_at = self.clock()
        self.read_roster()
        self.get_operation(operation_id)

        def look():
            self.read_roster()
            self.get_operation(operation_id)
            if not self.evidence.readable(operation_id) and self.evidence.listing_works():
                self.list_operations()

        # The reads right after the invite never list the operations (a look does, once the operation proves
        # unreadable), so they are not poll's first look; the time they took counts against answer_timeout.
        remaining = self.answer_timeout - (self.clock() - invited_at)
        poll(lambda: settled(self.evidence, operation_id), look, remaining, self.poll_interval, self.clock, self.sleep)

    def invite_again(self):
        """The duplicate question: the same person, already in the call, invited once more."""
        if self.invite('duplicate') is not None:
            return
        operation_id = self.order[-1]

        def look():
            self.get_operation(operation_id)
            if not self.evidence.final_status(operation_id) and not self.evidence.readable(operation_id) and self.evidence.listing_works():
                self.list_operations()

        poll(lambda: duplicate_settled(self.evidence, operation_id), look, self.answer_timeout, self.poll_interval, self.clock, self.sleep, look_first=True)

    # Result --------------------------------------------------------------------------------------

    def result(self):
        outcome = probe_outcome(self.evidence)
        answered = answers(self.evidence, self.probe, self.mode, outcome)
        first = self.operations[self.order[0]] if self.order else None
        return dict(
            changed=self.changed,
            answers=answered,
            emulator_config=emulator_config(answered),
            undetermined=undetermined(answered),
            verdict=verdict(answered),
            operations=[self.operations[op] for op in self.order],
            probe=probe_summary(self.probe, outcome, first, self.invites_sent, self.answer_timeout),
            timeline=[describe(obs) for obs in self.evidence.observations],
            bot_lobby=self.bot_lobby,
        )
