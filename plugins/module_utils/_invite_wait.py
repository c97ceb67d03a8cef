# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Waiting for the outcome of invites: did each person join, fail, or is the time up?

Graph reports an invite's outcome as a notification to the bot's callback, which an Ansible run
does not host. So we poll: each undecided operation (``GET …/operations/{id}``), and the roster,
which also works when an operation can no longer be read (Graph may drop finished operations).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._participants import identities_of, match_key


def roster_presence(roster):
    """match key -> True when joined, False when only in the lobby (still being let in or rung)."""
    presence = {}
    for participant in roster or []:
        if not isinstance(participant, dict):
            continue
        joined = not participant.get('isInLobby')
        for kind, ident in identities_of((participant.get('info') or {}).get('identity')):
            key = match_key(kind, ident)
            presence[key] = presence.get(key, False) or joined
    return presence


def result_info(operation):
    """resultInfo as snake_case strings/ints; Graph spells the subcode both ``subcode`` and ``subCode``."""
    info = operation.get('resultInfo') if isinstance(operation, dict) else None
    if not isinstance(info, dict):
        return None
    subcode = info.get('subcode', info.get('subCode'))
    return {'code': info.get('code'), 'subcode': subcode, 'message': info.get('message')}


# Stands for an operation that was read while running and now answers 404: it has finished.
VANISHED = {'status': 'vanished'}
VANISHED_INFO = {'code': None, 'subcode': None,
                 'message': 'The invite operation finished and can no longer be read, and the participant is not in '
                            'the roster.'}


def decide(waiting, operations, roster):
    """One poll's decisions: {match key: (outcome, result_info)} for those now decided.

    ``waiting``: {match key: operation id}. ``operations``: {operation id: operation, or VANISHED};
    an id missing means "not read this time". ``roster``: the participants, or None when not read.
    A person in the roster, not in the lobby, has joined; an operation that completed means everyone
    in it joined; a failed one means those not in the roster failed, with its resultInfo; a vanished
    one (finished, unreadable) means those not in a roster we did read failed.
    """
    presence = roster_presence(roster)
    decided = {}
    for key, operation_id in waiting.items():
        if presence.get(key):
            decided[key] = ('joined', None)
            continue
        operation = operations.get(operation_id)
        status = str((operation or {}).get('status') or '').lower()
        if status == 'completed':
            decided[key] = ('joined', None)
        elif status == 'failed':
            decided[key] = ('failed', result_info(operation))
        elif operation is VANISHED and roster is not None:
            decided[key] = ('failed', dict(VANISHED_INFO))
    return decided


class InviteWaiter:
    """Polls until every waited-for participant has an outcome, or the deadline passes.

    Reads only what is still undecided; an operation that answers 404 is not read again (the
    roster decides for its participants from then on). ``clock`` and ``sleep`` are injectable for
    tests; the clock is monotonic, so wall-clock jumps do not shorten or stretch the wait.
    """

    def __init__(self, client, call_id, timeout, interval, read_roster=True, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.call_id = call_id
        self.timeout = timeout
        self.interval = interval
        self.read_roster = read_roster
        self.clock = clock
        self.sleep = sleep
        self.polls = 0

    def wait(self, waiting):
        """``waiting``: {match key: operation id}. Returns {match key: (outcome, result_info)}."""
        deadline = self.clock() + self.timeout
        outcomes = {}
        unreadable = set()      # answered 404: not read again
        last = {}               # the last readable state of each operation
        while True:
            undecided = dict((key, op) for key, op in waiting.items() if key not in outcomes)
            if not undecided:
                return outcomes
            self.polls += 1
            operations = {}
            for operation_id in sorted(set(undecided.values())):
                if operation_id in unreadable:
                    operations[operation_id] = VANISHED if operation_id in last else None
                    continue
                try:
                    operations[operation_id] = last[operation_id] = self.client.get_operation(self.call_id, operation_id)
                except GraphError as exc:
                    if exc.status != 404:
                        raise
                    # Never readable (Graph may not serve invite operations at all): the roster decides.
                    # Readable before: it has finished.
                    unreadable.add(operation_id)
                    operations[operation_id] = VANISHED if operation_id in last else None
            roster = self.client.list_participants(self.call_id) if self.read_roster else None
            outcomes.update(decide(undecided, operations, roster))
            if len(outcomes) == len(waiting):
                return outcomes
            if self.clock() >= deadline:
                for key, operation_id in undecided.items():
                    if key not in outcomes:
                        outcomes[key] = ('timeout', result_info(last.get(operation_id)))
                return outcomes
            self.sleep(max(0.0, min(self.interval, deadline - self.clock())))
