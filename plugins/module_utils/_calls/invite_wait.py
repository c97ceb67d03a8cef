# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Waiting for the outcome of invites: did each person join, fail, or is the time up?

Graph reports an invite's outcome as a notification to the bot's callback, which an Ansible run
does not host. So we poll the roster, and the operations: through the listing when Graph serves
it (one request for all), else one ``GET …/operations/{id}`` each. Whether Graph keeps finished
operations, and serves them one by one at all, is unconfirmed; an operation that disappears has
finished, and the roster then says whether its people joined.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.poll import poll
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import PENDING_STATUSES, result_info, status_of


# Stands for an operation known to have existed that Graph no longer serves: it has finished.
VANISHED = {'status': 'vanished'}
VANISHED_INFO = {'code': None, 'subcode': None, 'message': 'The invite operation finished and can no longer be read, and the participant is not in the roster.'}
UNREADABLE_INFO = {
    'code': None,
    'subcode': None,
    'message': 'Graph did not serve this invite\'s operation and the participant is not in the roster: they may have declined, or may still be ringing.',
}
NO_OPERATION_INFO = {
    'code': None,
    'subcode': None,
    'message': 'Graph\'s answer to the invite named no operation to follow, and the participant is not in the roster: they may '
    'have declined, or may still be ringing.',
}
# Someone listed only in the lobby at the deadline: answered into a meeting that makes them wait (a phone without
# dial-in bypass), or, where Graph lists people it still rings in the lobby, not yet answered. Not joined either way.
IN_LOBBY_INFO = {
    'code': None,
    'subcode': None,
    'message': 'Listed in the meeting\'s lobby (isInLobby) at the deadline: they answered and nobody admitted them (or, '
    'where Graph lists people it still rings in the lobby, they have not answered). A bot cannot admit anyone; a person '
    'in the meeting must, or the meeting must let them bypass the lobby (phones: dial-in bypass).',
}
# Listings in a row that must miss an operation before it counts as finished (one could lag).
ABSENT_LISTINGS = 2


def decide(waiting, operations, roster):
    """One poll's decisions: {match key: (outcome, result_info)} for those now decided.

    ``waiting``: {match key: operation id, or None when the invite's answer named none: only the roster decides}.
    ``operations``: {operation id: operation, or VANISHED};
    an id missing, or None, means "not known this time". ``roster``: the participants, or None when
    not read. A person in the roster, not in the lobby, has joined; an operation that completed
    means everyone in it joined, except those the roster lists only in the lobby (they answered into
    a meeting that makes them wait: undecided until admitted); a failed one means those not in the
    roster failed, with its resultInfo; a vanished one (finished, unreadable) means those not in a
    roster we did read failed.
    """
    presence = roster_presence(roster)
    decided = {}
    for key, operation_id in waiting.items():
        if presence.get(key):
            decided[key] = ('joined', None)
            continue
        operation = operations.get(operation_id)
        status = status_of(operation)
        if key in presence and status in ('completed', 'vanished'):
            continue  # in the lobby: the invite reached them, nobody has let them in yet
        if status == 'completed':
            decided[key] = ('joined', None)
        elif status == 'failed':
            decided[key] = ('failed', result_info(operation))
        elif operation is VANISHED and roster is not None:
            decided[key] = ('failed', dict(VANISHED_INFO))
    return decided


class InviteWaiter:
    """Polls until every waited-for participant has an outcome, or the deadline passes.

    With ``use_listing`` the operations come from one listing per poll (an operation missing from
    ABSENT_LISTINGS listings in a row has finished); else from ``GET …/operations/{id}``, where a
    404 means "finished" only once Graph has shown in this wait that it serves operations one by
    one at all. ``clock`` and ``sleep`` are injectable for tests; the clock is monotonic.
    """

    def __init__(self, client, call_id, timeout, interval, read_roster=True, use_listing=False, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.call_id = call_id
        self.timeout = timeout
        self.interval = interval
        self.read_roster = read_roster
        self.use_listing = use_listing
        self.clock = clock
        self.sleep = sleep
        self.polls = 0
        self.roster = None
        self.last = {}  # operation id -> its last readable state
        self._absent = {}  # operation id -> listings in a row without it
        self._unreadable = set()  # answered 404 to a GET
        self._get_works = False

    def wait(self, waiting, known=None, stop=None):
        """``waiting``: {match key: operation id, or None}; ``known``: {operation id: operation} already read.

        Returns {match key: (outcome, result_info)} with outcome joined, failed, in_lobby (listed only in
        the lobby at the deadline) or timeout; or, once ``stop(roster)`` is true after a poll (escalation:
        enough people joined), ``ringing`` for those still undecided and not in the lobby. ``self.roster``
        is the last roster read.
        """
        self.last.update(known or {})
        outcomes = {}
        if not waiting:
            return outcomes
        stopped = []

        def undecided():
            return dict((key, op) for key, op in waiting.items() if key not in outcomes)

        def look():
            pending = undecided()
            self.polls += 1
            ids = sorted(set(operation_id for operation_id in pending.values() if operation_id))
            operations = self._read_operations(ids) if ids else {}
            roster = self.client.list_participants(self.call_id) if self.read_roster else None
            self.roster = roster
            outcomes.update(decide(pending, operations, roster))
            if len(outcomes) < len(waiting) and stop is not None and stop(roster):
                stopped.append(True)

        poll(lambda: len(outcomes) == len(waiting) or stopped, look, self.timeout, self.interval, self.clock, self.sleep, look_first=True)
        lobby = roster_presence(self.roster)
        for key, operation_id in undecided().items():
            if key in lobby and not (stopped and status_of(self.last.get(operation_id)) in PENDING_STATUSES):
                # Listed, so only in the lobby (joined would have been decided); an escalation that stopped early
                # calls someone whose invite still runs "ringing", as before.
                outcomes[key] = ('in_lobby', dict(IN_LOBBY_INFO))
            else:
                outcomes[key] = ('ringing', None) if stopped else ('timeout', self._timeout_info(operation_id))
        return outcomes

    def _read_operations(self, operation_ids):
        if self.use_listing:
            try:
                return self._from_listing(operation_ids)
            except GraphError:
                self.use_listing = False  # the listing stopped answering: read them one by one
        return self._one_by_one(operation_ids)

    def _from_listing(self, operation_ids):
        listed = dict((op.get('id'), op) for op in self.client.list_operations(self.call_id) if isinstance(op, dict))
        operations = {}
        for operation_id in operation_ids:
            if operation_id in listed:
                operations[operation_id] = self.last[operation_id] = listed[operation_id]
                self._absent[operation_id] = 0
            else:
                self._absent[operation_id] = self._absent.get(operation_id, 0) + 1
                operations[operation_id] = VANISHED if self._absent[operation_id] >= ABSENT_LISTINGS else None
        return operations

    def _one_by_one(self, operation_ids):
        operations = {}
        for operation_id in operation_ids:
            if operation_id not in self._unreadable:
                try:
                    operations[operation_id] = self.last[operation_id] = self.client.get_operation(self.call_id, operation_id)
                    self._get_works = True
                    continue
                except GraphError as exc:
                    if not exc.not_found:
                        raise
                    self._unreadable.add(operation_id)
            operations[operation_id] = None
        if self._get_works:
            # Graph serves operations one by one, so one it no longer serves has finished.
            for operation_id in self._unreadable & set(operation_ids):
                operations[operation_id] = VANISHED
        return operations

    def _timeout_info(self, operation_id):
        if operation_id is None:
            return dict(NO_OPERATION_INFO)
        info = result_info(self.last.get(operation_id))
        if info is None and operation_id in self._unreadable and not self._get_works:
            return dict(UNREADABLE_INFO)
        return info
