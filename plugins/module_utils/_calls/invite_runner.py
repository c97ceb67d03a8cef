# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_invite's work: read the call, decide with the planner, send, report, wait.

All Graph I/O goes through the client; all decisions are the planner's (whom to invite), the
sender's evidence rules (what a lost answer means) and the waiter's (what happened to each person).
This file orders the steps and applies what each step reports to the task result, which is complete
even when the task fails half-way: it always lists everyone who was rung.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, OPERATIONS, ROSTER, prepare_people, read_call
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_history import RECORDED, HistoryError, InviteHistory
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import plan_invite
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import describe_failure

# A recorded invite older than this no longer rings, so it is not worth asking Graph about.
RINGING_HORIZON = 900
# How long an invite Graph says nothing about may still ring: an unanswered invite fails after about 60 s (field
# reports), and Graph rings for at most 115 s.
RING_WINDOW = 120


class InviteRunner:  # pylint: disable=too-many-instance-attributes
    """One run of graph_call_invite: ``run()`` returns the result dict or raises TaskFailure/GraphError.

    ``self.result`` is rebuilt when ``run()`` ends, however it ends, so a failure after some invites
    were sent still reports them, with the operations they created.
    """

    def __init__(
        self,
        client,
        call_id,
        invitees,
        base,
        state='present',
        check_mode=False,
        warn=None,
        batch_size=1,
        settle_timeout=10.0,
        history_file=None,
        lock_dir=None,
        lock_timeout=120,
        known_roster=None,
        clock=time.time,
    ):
        self.client = client
        self.call_id = call_id
        self.invitees = invitees
        self.base = base
        self.state = state
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.batch_size = batch_size
        self.settle_timeout = settle_timeout
        # history_file: this family's own record of its invites, for when Graph does not list them.
        self.history = InviteHistory(history_file, call_id, base) if history_file else None
        # lock_dir: where this machine's per-call locks live (None: no lock, one task at a time is assumed).
        self.lock_dir = lock_dir
        self.lock_timeout = lock_timeout
        # known_roster: the roster the caller read just now (escalation reads it before every tier), so the roster
        # that may settle the task is not read a second time.
        self.known_roster = known_roster
        self.clock = clock
        self.people = {}  # match key -> {'status', 'operation_id', 'client_context', 'shared'}
        self.operations = []  # the operations this run created, as Graph returned (or listed) them
        self.unknown = []  # (context, [invitee], GraphError, why) whose fate is unknown
        self.listing = None  # the operations Graph listed at the start; None when it did not
        self.group = True
        self.plan = None
        self.roster = None  # the roster as last read (by run(), then by wait())
        self.sent = False  # an invite was sent that may have reached Graph
        self.result = self._report()

    def run(self):
        try:
            self.invitees = prepare_people(self.client, self.invitees, self.warn)
            settled = self._settled_by_roster()
            if settled:
                self._decided(*settled)
            else:
                # Read, decide and send as one step per call on this machine: a task that waited here reads what the
                # one before it sent. Never held while waiting for outcomes (wait() runs after).
                with self._serialized():
                    roster, operations = self._read_call()
                    self._decided(roster, plan_invite(self.invitees, roster, self.base, operations=operations, state=self.state, batch_size=self.batch_size))
                    if self.plan.batches and not self.check_mode:
                        self._send(self.plan.batches)
        finally:
            self.result = self._report()
        return self.result

    def _decided(self, roster, plan):
        self.roster = roster
        self.plan = plan
        for inv, status, operation_id in plan.outcomes:
            self.people[inv.match] = dict(status=status, operation_id=operation_id, client_context=None, shared=False)

    def _serialized(self):
        """The call's lock on this machine, or no lock (check mode sends nothing; no lock_dir: one task assumed)."""
        if self.check_mode or self.lock_dir is None:
            return contextlib.nullcontext()
        from ansible_collections.msgraph.calls.plugins.module_utils._graph.named_lock import NamedLock

        return NamedLock(self.lock_dir, 'invite:' + self.call_id, self.lock_timeout, 'the invites into call %s' % self.call_id)

    def _send(self, batches):
        """Send through the Sender, then apply what it reports (also when it stopped half-way), then fail on it."""
        # Imported when needed (also InviteWaiter in wait()): every task is a new process that compiles what
        # it imports, and a re-run that finds everyone in the call sends nothing and waits for nobody.
        from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_send import Sender

        sender = Sender(
            self.client,
            self.call_id,
            self.base,
            state=self.state,
            group=self.group,
            listed=self.listing is not None,
            history=self.history,
            settle_timeout=self.settle_timeout,
        )
        try:
            sender.send(batches)
        finally:
            self.people.update(sender.people)
            self.operations = list(sender.operations)
            self.unknown = sender.unknown
            self.sent = self.sent or sender.sent
            for warning in sender.warnings:
                self.warn(warning)
        _fail_on(sender)

    # Reading --------------------------------------------------------------------------------

    def _read_call(self):
        """(roster, operations): the call, its roster and its operations, read in parallel (after the roster alone did
        not settle the task, see _settled_by_roster).

        Re-running a task whose people are all in the call is the common case, and the roster alone proves it
        (a group call's roster read succeeds; nobody is to be invited, so the call's state and the operations do
        not matter): one request. Otherwise the call (may an invite go out?) and the operations (whom did earlier
        runs ring?) are read at once, and the roster again with them, so that all three are one moment's view.
        """
        view = read_call(self.client, self.call_id)
        if view.preview:
            # Check mode only (the module refuses the marker otherwise): the call an earlier task would
            # create, which has nobody in it yet.
            self.listing = []
            return [], []
        view.require_found('nothing was sent')
        view.raise_for(CALL)
        if view.state.lower() != 'established':
            raise TaskFailure('call %s is %s, not established: Graph invites only into an established call; nothing was sent' % (self.call_id, view.state))
        self.group = view.group
        if not self.group:
            # Graph refuses the roster read on peer-to-peer calls; only the operations can tell.
            if len(self.invitees) > 1:
                raise TaskFailure(
                    'call %s is a peer-to-peer call (it has no chatInfo): Graph invites several '
                    'participants only into group calls; got %d' % (self.call_id, len(self.invitees))
                )
        else:
            view.raise_for(ROSTER)
        self.listing = view.operations
        if OPERATIONS in view.errors:
            self._listing_unreadable(view.errors[OPERATIONS])
        return view.roster, (self.listing or []) + self._recorded_operations()

    def _settled_by_roster(self):
        """Read the roster; (roster, its plan) when everyone asked for is in it (nothing to send or wait for), else None.

        Graph's refusal (a 4xx: a peer-to-peer call, a call that is gone) says only that the roster cannot settle
        it: the full read that follows meets it again and reports it as ever. Anything else (a fault that outlasted
        its retries, an answer that is not JSON) ends the task here, as it would the full read.
        """
        if self.state not in ('present', 'invited'):
            return None
        roster = self.known_roster
        if roster is None:
            view = read_call(self.client, self.call_id, (ROSTER,))
            error = view.errors.get(ROSTER)
            if error is not None:
                if error.retryable or not (error.status and 400 <= error.status < 500):
                    raise error
                return None
            if view.preview:
                return None  # the full read says so, and remembers that nothing is listed
            roster = view.roster
        plan = plan_invite(self.invitees, roster, self.base, state=self.state, batch_size=self.batch_size)
        if any(status != 'present' for dummy, status, dummy in plan.outcomes):
            return None
        return roster, plan

    def _listing_unreadable(self, error):
        why = 'the call\'s operations could not be read (%s)' % error.summary()
        if not self.group:
            self.warn(
                '%s, and Graph does not list the roster of a peer-to-peer call; inviting without knowing '
                'whether the participant is already there or ringing' % why
            )
        elif self.history is None and self.state == 'invited':
            self.warn(
                '%s, so state=invited cannot see whom earlier runs invited: deciding from the roster alone, and '
                'someone who declined an earlier invite may be rung again. Set history_file to keep that promise '
                'without Graph\'s listing' % why
            )
        elif self.history is None:
            self.warn('%s; deciding from the roster alone, so people still ringing may be invited again' % why)

    def _recorded_operations(self):
        """This family's invites from history_file that Graph did not list (it may drop or never list them).

        When Graph lists nothing, the recent ones are asked for one by one: they may still ring.
        """
        if self.history is None:
            return []
        try:
            recorded = self.history.operations(self.invitees)
        except HistoryError as exc:
            raise TaskFailure(str(exc))
        if self.listing is not None:
            listed = set(op.get('clientContext') for op in self.listing if isinstance(op, dict))
            return [op for op in recorded if op['clientContext'] not in listed]
        recent = [op for op in recorded if op.get('id') and self.clock() - op['recorded_at'] < RINGING_HORIZON]
        if recent:
            answers = self.client.parallel(*[_getter(self.client, self.call_id, op['id']) for op in recent])
            for op, (found, error) in zip(recent, answers):
                if error is None and found:
                    op['status'] = found.get('status')
        for op in recorded:
            # Graph shows neither the operations nor this one: for state=present, an invite recorded within the time a
            # phone rings may still ring (an overlapping task, a lost answer), so it counts as pending, not finished.
            # (state=invited never invites again anyone a record names, whatever became of it.)
            if self.state == 'present' and op['status'] == RECORDED and self.clock() - op['recorded_at'] < RING_WINDOW:
                op['status'] = 'running'
        return recorded

    # Result ---------------------------------------------------------------------------------

    def _report(self):
        participants, invited, present = [], [], []
        for inv in self.invitees:
            person = self.people.get(inv.match)
            if person is None:
                continue
            status = person['status']
            if status == 'to_invite':
                status = 'invited' if self.check_mode else 'not_sent'
            entry = dict(
                inv.entry,
                label=inv.label,
                shown=inv.shown,
                status=status,
                operation_id=person['operation_id'],
                client_context=person['client_context'],
                shared_operation=person['shared'],
            )
            participants.append(entry)
            if status == 'invited':
                invited.append(inv.entry)
            elif status == 'present':
                present.append(inv.entry)
        result = dict(
            changed=self.sent or (self.check_mode and bool(invited)),
            client_context=self.base,
            invited=invited,
            already_present=present,
            operations=list(self.operations),
            participants=participants,
        )
        if self.unknown:
            result.update(
                outcome='unknown', unknown_client_context=self.unknown[0][0], unknown_client_contexts=[context for context, dummy, dummy, dummy in self.unknown]
            )
        return result

    def wait(self, timeout, interval, stop=None):
        """Poll until everyone invited (or still rung by an earlier run) has an outcome.

        Adds ``outcome`` (joined, failed, in_lobby or timeout; ``ringing`` when ``stop(roster)`` ended the
        wait early) and ``result_info`` to each of them in ``participants``, and returns (failed labels,
        not-joined labels, each saying why). ``self.roster`` is the last roster read.
        """
        # Someone invited by an answer that named no operation (no id, no Location) is still waited for: the roster
        # alone can show them joining.
        waiting = dict((key, person['operation_id']) for key, person in self.people.items() if person['status'] in ('invited', 'pending'))
        known = dict((op.get('id'), op) for op in (self.listing or []) + self.operations if isinstance(op, dict))
        from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_wait import InviteWaiter

        waiter = InviteWaiter(self.client, self.call_id, timeout, interval, read_roster=self.group, use_listing=self.listing is not None)
        outcomes = waiter.wait(waiting, known, stop=stop) if waiting else {}
        self.roster = waiter.roster if waiter.roster is not None else self.roster
        failed, timed_out = [], []
        for inv, entry in zip(self.invitees, self.result['participants']):
            if inv.match not in outcomes:
                continue
            outcome, info = outcomes[inv.match]
            entry['outcome'] = outcome
            entry['result_info'] = info
            if outcome == 'failed':
                entry['failure'] = describe_failure(info)
                failed.append('%s %s' % (inv.shown, entry['failure']))
            elif outcome == 'timeout':
                timed_out.append('%s: still ringing' % inv.shown)
            elif outcome == 'in_lobby':
                timed_out.append('%s: waiting in the meeting\'s lobby, nobody admitted them' % inv.shown)
        self.result['wait_polls'] = waiter.polls
        return failed, timed_out

    def diff(self):
        diff = self.plan.diff()
        diff['before_header'] = 'call %s: participants' % self.call_id
        diff['after_header'] = 'call %s: participants after the invite' % self.call_id
        return diff


def _getter(client, call_id, operation_id):
    return lambda: client.get_operation(call_id, operation_id)


def _fail_on(sender):
    """Fail the task after sending when an invite's fate is unknown or Graph refused one."""
    if sender.unknown:
        parts = []
        for context, batch, error, why in sender.unknown:
            parts.append('%s (clientContext %s): %s, and %s' % (', '.join(inv.shown for inv in batch), context, error.summary(), why))
        raise TaskFailure(
            'the invite of %s may or may not have reached Graph; it was not sent again, since a request still in flight '
            'may land. Check the call (msgraph.calls.graph_call_participant_info), or wait until it would have stopped '
            'ringing (a minute) and re-run the task: it finds the invite by its clientContext if Graph carried it out, '
            'and invites only whom it finds no trace of' % '; '.join(parts),
            cause=sender.unknown[0][2],
        )
    if sender.refusals:
        batch, error = sender.refusals[0]
        raise TaskFailure('Graph refused the invite of %s: %s' % (', '.join(inv.shown for inv in batch), error.summary()), cause=error)
