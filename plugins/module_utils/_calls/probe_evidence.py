# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_probe's evidence: the probe's requests and what each answered, in order, and what that proves.

Pure code, no I/O. The runner sends the requests and records each answer in an ``Evidence`` timeline; the
queries here say what the timeline proves about an operation (running at some request, finished by another)
and ``describe`` turns each observation into a line of the task result. What the proof means for each
emulator switch is the verdict's business (probe_verdict.py).

The reasoning rests on one property of an invite operation: it is running, then finished, never back. So an
operation seen running at some request was running at every earlier request after its invite, and a request
that saw someone not yet joined who joins later happened while their (single participant) invite was still
ringing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import bot_in_lobby, identities_of, match_key
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import FINISHED_STATUSES, PENDING_STATUSES

# The requests as the timeline and the evidence sentences name them.
OPERATIONS = 'GET .../operations'
OPERATION = 'GET .../operations/{id}'
ROSTER = 'GET .../participants'
INVITE = 'POST .../participants/invite'


def roster_entries(roster, probe):
    """The probe person's roster entries: [{"kinds": identity kinds holding their id, "in_lobby": bool}]."""
    entries = []
    for participant in roster or []:
        if not isinstance(participant, dict):
            continue
        info = participant.get('info')
        identity = info.get('identity') if isinstance(info, dict) else None
        kinds = sorted(set(kind for kind, ident in identities_of(identity) if match_key(kind, ident) == probe.key))
        if kinds:
            entries.append({'kinds': kinds, 'in_lobby': bool(participant.get('isInLobby'))})
    return entries


def listed_operations(operations):
    """{operation id: status as Graph spelled it} of a GET .../operations answer."""
    listed = {}
    for operation in operations or []:
        if isinstance(operation, dict) and isinstance(operation.get('id'), str):
            listed[operation['id']] = operation.get('status')
    return listed


def succeeded(http):
    """Whether an HTTP status is a 2xx: only then did the request answer what it was asked."""
    return isinstance(http, int) and 200 <= http < 300


def lowered(status):
    """An operation status lower-cased (Graph answers ``Running`` and notifies ``running``), None when not text."""
    return status.lower() if isinstance(status, str) else None


class Evidence:
    """The probe's requests and what each answered, in order; ``seq`` is the position (shown as #n).

    Kinds of observation:
    - ``call``: the call read first: its state and whether it is a group call;
    - ``list``: http status, and for a 2xx the operations listed ({id: status});
    - ``get``: an operation read by id: http status, and the operation's status for a 200;
    - ``roster``: the probe person's roster entries (see roster_entries);
    - ``invite``: ``purpose`` probe or duplicate, http status, and the operation id and status for a 200.
    """

    def __init__(self):
        self.observations = []

    def _add(self, kind, **fields):
        fields.update(kind=kind, seq=len(self.observations) + 1)
        self.observations.append(fields)
        return fields

    def call(self, state, group):
        return self._add('call', http=200, state=state, group=group)

    def listing(self, http, operations=None):
        return self._add('list', http=http, operations=dict(operations or {}) if succeeded(http) else None)

    def get(self, operation_id, http, status=None):
        return self._add('get', op=operation_id, http=http, status=status if succeeded(http) else None)

    def roster(self, entries):
        return self._add('roster', entries=list(entries))

    def invite(self, purpose, http, operation_id=None, status=None):
        return self._add('invite', purpose=purpose, http=http, op=operation_id if succeeded(http) else None, status=status if succeeded(http) else None)

    # Queries --------------------------------------------------------------------------------------

    def of(self, kind):
        return [obs for obs in self.observations if obs['kind'] == kind]

    def invite_of(self, purpose):
        found = [obs for obs in self.of('invite') if obs['purpose'] == purpose]
        return found[0] if found else None

    def operation_of(self, purpose):
        """The id of the operation the probe's (or the duplicate) invite created, or None."""
        invite = self.invite_of(purpose)
        return invite['op'] if invite else None

    def created(self):
        """(seq of the invite, operation id) of every operation the probe created."""
        return [(obs['seq'], obs['op']) for obs in self.of('invite') if obs['op']]

    def statuses(self, operation_id):
        """(seq, status lower-cased) of every read that showed the operation's status, invite answer included."""
        seen = []
        for obs in self.observations:
            if obs['kind'] in ('get', 'invite') and obs.get('op') == operation_id and isinstance(obs.get('status'), str):
                seen.append((obs['seq'], obs['status'].lower()))
            elif obs['kind'] == 'list' and obs['operations'] and isinstance(obs['operations'].get(operation_id), str):
                seen.append((obs['seq'], obs['operations'][operation_id].lower()))
        return seen

    def final_status(self, operation_id):
        """``completed`` or ``failed`` once a read showed it, else None."""
        finished = [status for dummy, status in self.statuses(operation_id) if status in FINISHED_STATUSES]
        return finished[-1] if finished else None

    def joined_at(self):
        """The seq of the first roster read that shows the probe person joined (not in the lobby), or None."""
        for obs in self.of('roster'):
            if any(not entry['in_lobby'] for entry in obs['entries']):
                return obs['seq']
        return None

    def running_at(self, operation_id, seq):
        """Whether some request at or after ``seq`` proves the operation was still running then."""
        if any(at >= seq and status in PENDING_STATUSES for at, status in self.statuses(operation_id)):
            return True
        if operation_id != self.operation_of('probe'):
            return False
        # Someone not yet joined at a roster read who joins later was still being rung at that read.
        joined = self.joined_at()
        invite = self.invite_of('probe')['seq']
        return joined is not None and any(invite < obs['seq'] < joined and obs['seq'] >= seq for obs in self.of('roster'))

    def _known_finished(self, operation_id, seq):
        """Finished by ``seq`` per a read of its status, a 404 after a 200, or (probe invite) the person joined."""
        if any(at <= seq and status in FINISHED_STATUSES for at, status in self.statuses(operation_id)):
            return True
        reads = [obs for obs in self.gets(operation_id) if obs['seq'] <= seq]
        if any(obs['http'] == 404 and any(succeeded(o['http']) and o['seq'] < obs['seq'] for o in reads) for obs in reads):
            return True
        joined = self.joined_at()
        return operation_id == self.operation_of('probe') and joined is not None and joined <= seq

    def finished_by(self, operation_id, seq):
        """Whether some request at or before ``seq`` proves the operation had finished by then."""
        return self._known_finished(operation_id, seq) or bool(self.missing_from_listing(operation_id, before=seq))

    def missing_from_listing(self, operation_id, before=None):
        """The seq of a 2xx listing after the operation's invite that leaves it out although it had finished, or None.

        Every listing that works lists running operations, so a finished operation left out shows a listing of running
        ones only. "Finished" needs proof (see _known_finished), or the operation was listed before and now is not: a
        listing that has merely not caught up with a fresh invite proves nothing.
        """
        created = dict((op, at) for at, op in self.created())
        if operation_id not in created:
            return None
        listed_before = False
        for obs in self.of('list'):
            if obs['operations'] is None or obs['seq'] <= created[operation_id] or (before is not None and obs['seq'] > before):
                continue
            if operation_id in obs['operations']:
                listed_before = True
            elif listed_before or self._known_finished(operation_id, obs['seq']):
                return obs['seq']
        return None

    def absent_from_listings(self, operation_id):
        """How many 2xx listings after the operation's invite left it out."""
        created = dict((op, at) for at, op in self.created())
        return len(
            [
                obs
                for obs in self.of('list')
                if obs['operations'] is not None and operation_id in created and obs['seq'] > created[operation_id] and operation_id not in obs['operations']
            ]
        )

    def gets(self, operation_id):
        return [obs for obs in self.of('get') if obs['op'] == operation_id]

    def finished(self, operation_id):
        """Whether the operation is known to have finished: read finished, 404 after a 200, or gone from the listing.

        The person joining is not enough here: Graph may finish the operation a moment later, and that last read
        answers get_operation.
        """
        if self.final_status(operation_id) or self.missing_from_listing(operation_id):
            return True
        reads = self.gets(operation_id)
        return any(obs['http'] == 404 and any(succeeded(o['http']) and o['seq'] < obs['seq'] for o in reads) for obs in reads)

    def listing_works(self):
        lists = self.of('list')
        return bool(lists) and succeeded(lists[-1]['http'])

    def readable(self, operation_id):
        return any(succeeded(obs['http']) for obs in self.gets(operation_id))

    def can_learn_finish(self, operation_id):
        """Whether another read could still show the operation finish (its GET works, or the listing does)."""
        return self.readable(operation_id) or self.listing_works()


def describe(obs):
    """One line of the timeline for the task result."""
    head = '#%d ' % obs['seq']
    if obs['kind'] == 'call':
        return head + 'GET .../calls/{id} -> 200 (%s, %s)' % (obs['state'], 'group call' if obs['group'] else 'peer-to-peer')
    if obs['kind'] == 'list':
        if not succeeded(obs['http']):
            return head + '%s -> HTTP %s' % (OPERATIONS, obs['http'])
        listed = obs['operations']
        return head + '%s -> %s (%d operation%s%s)' % (
            OPERATIONS,
            obs['http'],
            len(listed),
            '' if len(listed) == 1 else 's',
            ': ' + ', '.join('%s %s' % (op, status) for op, status in sorted(listed.items())) if listed else '',
        )
    if obs['kind'] == 'get':
        answer = '%s, status %s' % (obs['http'], obs['status']) if succeeded(obs['http']) else 'HTTP %s' % obs['http']
        return head + '%s (%s) -> %s' % (OPERATION, obs['op'], answer)
    if obs['kind'] == 'roster':
        return head + '%s -> the probe person is %s' % (ROSTER, _roster_text(obs['entries']))
    answer = '%s, operation %s, status %s' % (obs['http'], obs['op'], obs['status']) if succeeded(obs['http']) else 'HTTP %s' % obs['http']
    return head + '%s (%s) -> %s' % (INVITE, 'the probe person' if obs['purpose'] == 'probe' else 'the same person again', answer)


def _roster_text(entries):
    if not entries:
        return 'not listed'
    return ', '.join('%s (under %s)' % ('in the lobby' if entry['in_lobby'] else 'joined', '/'.join(entry['kinds'])) for entry in entries)


def bot_lobby_answer(call, roster, roster_status=None):
    """The lobby question, asked without paging anyone: is the bot's own participant waiting in the lobby?

    From the call read first and the roster read with it (``roster_status``: the HTTP status when Graph refused the
    roster). {"in_lobby": bool or None, "call_state", "bot_lobby": the emulator value it shows or None, "evidence"}.
    A bot held in the lobby shows which form Graph uses (the call establishing, or established) for the emulator's
    bot_lobby switch; a bot that is in shows nothing about that form.
    """
    state = (call or {}).get('state')
    held = None if roster_status is not None else bot_in_lobby(call, roster)
    answer = {'in_lobby': held, 'call_state': state, 'bot_lobby': None}
    if roster_status is not None:
        answer['evidence'] = '%s answered HTTP %s: the roster cannot show whether the bot waits in the lobby.' % (ROSTER, roster_status)
    elif held is None:
        answer['evidence'] = '%s did not list the bot\'s own participant (the call\'s myParticipantId).' % ROSTER
    elif held:
        answer['bot_lobby'] = 'established' if str(state).lower() == 'established' else 'establishing'
        answer['evidence'] = (
            '%s lists the bot\'s own participant with isInLobby true while the call is %s: the meeting holds the bot in '
            'its lobby (emulator bot_lobby: %s). Someone in the meeting must admit it.' % (ROSTER, state, answer['bot_lobby'])
        )
    else:
        answer['evidence'] = '%s lists the bot\'s own participant with isInLobby false: the bot is in the call, past any lobby.' % ROSTER
    return answer
