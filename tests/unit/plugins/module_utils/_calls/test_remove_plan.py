# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The removal decision, table-driven: (request, roster, operations) -> DELETEs and statuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants
from ansible_collections.msgraph.calls.plugins.module_utils._calls.remove_plan import plan_removal

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
BOT = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
PHONE = '+14255550123'


def entry(pid, kind, ident, lobby=False):
    return {'id': pid, 'isInLobby': lobby, 'info': {'identity': {'@odata.type': '#microsoft.graph.identitySet', kind: {'id': ident}}}}


def op(op_id, status, *idents):
    return {'id': op_id, 'status': status, 'participants': [{'identity': {'user': {'id': ident}}} for ident in idents]}


BOT_ENTRY = entry('bot', 'application', BOT)

CASES = [
    # (name, wanted, roster, operations, deletes, by_operation, statuses)
    ('in the call: removed', [A], [BOT_ENTRY, entry('pA', 'user', A)], [], [('pA', 'remove')], [], {A: 'remove'}),
    ('listed under another kind', [A], [entry('pA', 'application', A.upper())], [], [('pA', 'remove')], [], {A: 'remove'}),
    ('in the lobby: cancelled by its entry', [A], [entry('pA', 'user', A, lobby=True)], [op('o1', 'Running', A)], [('pA', 'cancel')], [], {A: 'cancel'}),
    ('ringing alone: cancelled by its operation', [A], [], [op('o1', 'running', A)], [], [('o1', [A])], {A: 'cancel'}),
    ('ringing with someone not listed: left alone', [A], [], [op('o1', 'Running', A, B)], [], [], {A: 'shared_invite'}),
    ('ringing with someone also listed: cancelled', [A, B], [], [op('o1', 'Running', A, B)], [], [('o1', [A, B])], {A: 'cancel', B: 'cancel'}),
    ('finished invite and gone: absent', [A], [BOT_ENTRY], [op('o1', 'completed', A), op('o2', 'failed', A)], [], [], {A: 'absent'}),
    ('never the bot, nobody else', [BOT], [BOT_ENTRY, entry('pB', 'user', B)], [], [], [], {BOT: 'absent'}),
    ('two devices: both entries go', [A], [entry('p1', 'user', A), entry('p2', 'user', A)], [], [('p1', 'remove'), ('p2', 'remove')], [], {A: 'remove'}),
    ('in the call and ringing again: removed, not cancelled', [A], [entry('pA', 'user', A)], [op('o1', 'Running', A)], [('pA', 'remove')], [], {A: 'remove'}),
    ('operations unreadable: only the roster', [A], [entry('pA', 'user', A, lobby=True)], None, [('pA', 'cancel')], [], {A: 'cancel'}),
]


@pytest.mark.parametrize('name, wanted, roster, operations, deletes, by_operation, statuses', CASES, ids=[case[0] for case in CASES])
def test_removal(name, wanted, roster, operations, deletes, by_operation, statuses):  # pylint: disable=unused-argument
    invitees = parse_participants([{'user': ident} for ident in wanted])
    plan = plan_removal(invitees, roster, operations, own_participant_id='bot')
    assert [(pid, kind) for pid, dummy, kind in plan.deletes] == deletes
    assert [(op_id, list(keys)) for op_id, keys in plan.by_operation] == [(op_id, sorted(ident.lower() for ident in idents)) for op_id, idents in by_operation]
    assert plan.status == dict((k.lower(), v) for k, v in statuses.items())


def test_a_phone_matches_in_e164():
    invitees = parse_participants([{'phone': '+1 425 555 0123'}])
    plan = plan_removal(invitees, [entry('pP', 'phone', PHONE)], [])
    assert plan.deletes and plan.deletes[0][0] == 'pP'


def test_diff_shows_who_goes():
    invitees = parse_participants([{'user': A}])
    plan = plan_removal(invitees, [BOT_ENTRY, entry('pA', 'user', A), entry('pB', 'user', B)], [], own_participant_id='bot')
    assert plan.diff(invitees) == {'before': 'user:%s\nuser:%s\n' % (B, A), 'after': 'user:%s\n' % B}
