# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The invite decision, table-driven: (request, roster, operations, state) -> plan."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import (
    MAX_CLIENT_CONTEXT,
    attempt_client_context,
    base_client_context,
    in_family,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import plan_invite
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import (
    merge_duplicates,
    parse_participants as parse_raw,
)

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
BOT = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
PHONE = '+12345678901'
BASE = 'mgc1-base'


def member(kind, ident, odata=True):
    """A roster participant, shaped as Graph lists them."""
    identity = {kind: {'id': ident}}
    if odata:
        identity['@odata.type'] = '#microsoft.graph.identitySet'
        identity['user'] = identity.get('user')  # Graph lists unused kinds as null
    return {'@odata.type': '#microsoft.graph.participant', 'id': 'p-' + ident, 'info': {'identity': identity}, 'isInLobby': False}


def operation(status, context, *idents, **kind):
    return {
        'id': 'op-%s-%s' % (status, '-'.join(idents)),
        'status': status,
        'clientContext': context,
        'participants': [{'identity': {kind.get('kind', 'user'): {'id': i}}} for i in idents],
    }


def users(*ids):
    return [{'user': i} for i in ids]


def parse_participants(entries):
    return merge_duplicates(parse_raw(entries))


ROSTER_BOT = [member('application', BOT)]

# (name, requested, roster, operations, state, {label: status}, batch sizes)
CASES = [
    ('fresh call invites everyone in one POST', users(A, B), ROSTER_BOT, None, 'present', {'user:' + A: 'to_invite', 'user:' + B: 'to_invite'}, [2]),
    ('already in the call is skipped', users(A, B), ROSTER_BOT + [member('user', A)], None, 'present', {'user:' + A: 'present', 'user:' + B: 'to_invite'}, [1]),
    ('everyone present: no POST', users(A), [member('user', A)], None, 'present', {'user:' + A: 'present'}, []),
    ('a user listed under application still matches', users(A), [member('application', A)], None, 'present', {'user:' + A: 'present'}, []),
    ('GUIDs match case-insensitively both ways', users(A.upper()), [member('user', A)], None, 'present', {'user:' + A: 'present'}, []),
    ('roster GUID in upper case matches', users(A), [member('guest', A.upper())], None, 'present', {'user:' + A: 'present'}, []),
    (
        'phone matches in E.164 whatever the roster formatting',
        [{'phone': '+1 234-567-8901'}],
        [member('phone', '+1 (234) 567 8901')],
        None,
        'present',
        {'phone:' + PHONE: 'present'},
        [],
    ),
    ('a phone number is not a user id', [{'phone': PHONE}], [member('user', A)], None, 'present', {'phone:' + PHONE: 'to_invite'}, [1]),
    (
        'a phone listed under application still matches',
        [{'phone': '+1 234 567 8901'}],
        [member('application', PHONE)],
        None,
        'present',
        {'phone:' + PHONE: 'present'},
        [],
    ),
    (
        'a phone listed under another kind, formatted, still matches',
        [{'phone': PHONE}],
        [member('applicationInstance', '+1-234-567-8901')],
        None,
        'present',
        {'phone:' + PHONE: 'present'},
        [],
    ),
    (
        'a phone invite listed under application is pending',
        [{'phone': PHONE}],
        [],
        [operation('running', BASE + '~x', PHONE, kind='application')],
        'present',
        {'phone:' + PHONE: 'pending'},
        [],
    ),
    ('seven people: two POSTs, five then two', users(*['%08d-0000-4000-8000-000000000000' % i for i in range(7)]), ROSTER_BOT, None, 'present', None, [5, 2]),
    ('exactly five: one POST', users(*['%08d-0000-4000-8000-000000000000' % i for i in range(5)]), [], None, 'present', None, [5]),
    (
        'roster with odd entries is tolerated',
        users(A),
        [{'info': None}, {}, {'info': {'identity': {'user': None, 'phone': {'id': None}}}}],
        None,
        'present',
        {'user:' + A: 'to_invite'},
        [1],
    ),
    # Operations (read by the complete invite): the family is the base followed by "~".
    (
        'present: a running invite of the family is pending',
        users(A, B),
        ROSTER_BOT,
        [operation('Running', BASE + '~1234abcd', A)],
        'present',
        {'user:' + A: 'pending', 'user:' + B: 'to_invite'},
        [1],
    ),
    ('present: notStarted also counts as pending', users(A), [], [operation('notStarted', BASE + '~x', A)], 'present', {'user:' + A: 'pending'}, []),
    ('present: a failed invite is retried', users(A), [], [operation('failed', BASE + '~x', A)], 'present', {'user:' + A: 'to_invite'}, [1]),
    (
        'present: completed but left the call is invited again',
        users(A),
        [],
        [operation('completed', BASE + '~x', A)],
        'present',
        {'user:' + A: 'to_invite'},
        [1],
    ),
    (
        'invited: any earlier operation of the family counts',
        users(A, B),
        [],
        [operation('failed', BASE + '~x', A), operation('COMPLETED', BASE + '~y', B)],
        'invited',
        {'user:' + A: 'done_before', 'user:' + B: 'done_before'},
        [],
    ),
    ('invited: still ringing is pending, not done_before', users(A), [], [operation('running', BASE + '~x', A)], 'invited', {'user:' + A: 'pending'}, []),
    ('invited: roster wins over operations', users(A), [member('user', A)], [operation('failed', BASE + '~x', A)], 'invited', {'user:' + A: 'present'}, []),
    (
        'another family is ignored',
        users(A),
        [],
        [operation('running', 'other~x', A), operation('running', BASE + 'x~y', A)],
        'invited',
        {'user:' + A: 'to_invite'},
        [1],
    ),
    ('the base without the separator is not the family', users(A), [], [operation('running', BASE, A)], 'present', {'user:' + A: 'to_invite'}, [1]),
    (
        'operations matched under application too',
        users(A),
        [],
        [operation('running', BASE + '~x', A, kind='application')],
        'present',
        {'user:' + A: 'pending'},
        [],
    ),
    ('operations unreadable (None) falls back to the roster', users(A), [], None, 'invited', {'user:' + A: 'to_invite'}, [1]),
    # Peer-to-peer calls have no readable roster (None): the operations alone decide.
    (
        'p2p: a completed invite of the family counts as present',
        users(A),
        None,
        [operation('Completed', BASE + '~x', A)],
        'present',
        {'user:' + A: 'present'},
        [],
    ),
    ('p2p: a running invite is pending', users(A), None, [operation('Running', BASE + '~x', A)], 'present', {'user:' + A: 'pending'}, []),
    ('p2p: a failed invite is retried with present', users(A), None, [operation('Failed', BASE + '~x', A)], 'present', {'user:' + A: 'to_invite'}, [1]),
    ('p2p: a failed invite is done with invited', users(A), None, [operation('Failed', BASE + '~x', A)], 'invited', {'user:' + A: 'done_before'}, []),
    ('p2p: nothing known, invite', users(A), None, [], 'present', {'user:' + A: 'to_invite'}, [1]),
    (
        'a completed invite does not count as present when the roster is known',
        users(A),
        [],
        [operation('completed', BASE + '~x', A)],
        'present',
        {'user:' + A: 'to_invite'},
        [1],
    ),
]


@pytest.mark.parametrize('name,requested,roster,operations,state,expected,batches', CASES, ids=[c[0] for c in CASES])
def test_plan(name, requested, roster, operations, state, expected, batches):
    invitees, dummy = parse_participants(requested)
    plan = plan_invite(invitees, roster, BASE, operations=operations, state=state, batch_size=5)
    if expected is not None:
        assert {inv.label: status for inv, status, dummy in plan.outcomes} == expected
    assert [len(batch) for batch in plan.batches] == batches


@pytest.mark.parametrize('batch_size,sizes', [(1, [1, 1, 1]), (2, [2, 1]), (3, [3]), (5, [3]), (0, [1, 1, 1]), (9, [3])])
def test_batch_size(batch_size, sizes):
    invitees, dummy = parse_participants(users(*['%08d-0000-4000-8000-000000000000' % i for i in range(3)]))
    assert [len(batch) for batch in plan_invite(invitees, [], BASE, batch_size=batch_size).batches] == sizes


def test_default_batch_size_is_one_person_per_invite():
    invitees, dummy = parse_participants(users(A, B))
    assert [len(batch) for batch in plan_invite(invitees, [], BASE).batches] == [1, 1]


def test_pending_reports_the_operation_id():
    invitees, dummy = parse_participants(users(A))
    plan = plan_invite(invitees, [], BASE, operations=[operation('running', BASE + '~x', A)])
    assert plan.outcomes[0][2] == 'op-running-' + A


def test_batches_keep_request_order():
    ids = ['%08d-0000-4000-8000-000000000000' % i for i in range(7)]
    invitees, dummy = parse_participants(users(*ids))
    plan = plan_invite(invitees, [], BASE)
    assert [inv.ident for batch in plan.batches for inv in batch] == ids


def test_diff_lists_roster_before_and_invitees_after():
    invitees, dummy = parse_participants(users(A, B) + [{'phone': '+1 234 567 8901'}])
    plan = plan_invite(invitees, ROSTER_BOT + [member('user', B.upper())], BASE)
    assert plan.diff() == {
        'before': 'application:%s\nuser:%s\n' % (BOT, B),
        'after': 'application:%s\nphone:%s\nuser:%s\nuser:%s\n' % (BOT, PHONE, B, A),  # sorted: 1e12… < 7e1b…
    }


def test_no_change_has_equal_diff():
    invitees, dummy = parse_participants(users(A))
    plan = plan_invite(invitees, [member('user', A)], BASE)
    diff = plan.diff()
    assert diff['before'] == diff['after'] == 'user:%s\n' % A


# The clientContext scheme is a contract: the values live on in Graph, so they are pinned here.
def test_derived_base_is_pinned():
    assert base_client_context('7531d31f-d10d-44de-802f-c569dbca451c') == 'mgc1-d88c6929f2ed458103f11aacc200bb09'


def test_every_attempt_has_its_own_client_context_in_the_family():
    contexts = set(attempt_client_context('base') for dummy in range(50))
    assert len(contexts) == 50, 'no two POSTs share a clientContext'
    for context in contexts:
        base, attempt = context.split('~')
        assert base == 'base' and len(attempt) == 15 and int(attempt, 16) >= 0
        assert in_family({'clientContext': context}, 'base')
    assert attempt_client_context('base', 'fixed') == 'base~fixed'


def test_longest_base_plus_attempt_fits_graphs_limit():
    assert MAX_CLIENT_CONTEXT == 240
    assert len(attempt_client_context('x' * MAX_CLIENT_CONTEXT)) == 256


def test_user_base_is_kept():
    assert base_client_context('call', 'incident-42') == 'incident-42'
    assert base_client_context('call', 'x' * 240) == 'x' * 240


@pytest.mark.parametrize(
    'value,message',
    [
        ('', 'client_context must not be empty'),
        ('x' * 241, 'client_context must be at most 240 characters'),
        ('a~b', "client_context must not contain '~'"),
        ('x' * 300, 'got 300'),
    ],
)
def test_bad_client_context(value, message):
    with pytest.raises(InputError, match=message):
        base_client_context('call', value)


def test_diff_names_people_beside_their_ids():
    # What the task knows: the display name given, the name the directory resolved, the principal name, the phone as
    # written (a national number; one written in international form says nothing more); the roster's displayName for
    # those already in the call.
    invitees = parse_raw([{'user': 'ana@contoso.com'}, {'phone': '(425) 555-0100', 'display_name': 'Duty phone'}], region='US')
    invitees.append(parse_raw([{'phone': '+44 20 7946 0958'}])[0])
    invitees[0].resolve(A.upper(), 'Ana Lopez')
    roster = ROSTER_BOT + [dict(member('user', B), info={'identity': {'user': {'id': B, 'displayName': 'Bo Berg'}}})]
    plan = plan_invite(invitees, roster, BASE)
    assert plan.diff() == {
        'before': 'application:%s\nuser:%s (Bo Berg)\n' % (BOT, B),
        'after': 'application:%s\nphone:+14255550100 (Duty phone, (425) 555-0100)\nphone:+442079460958\n'
        'user:%s (Bo Berg)\nuser:%s (Ana Lopez, ana@contoso.com)\n' % (BOT, B, A),
    }


def test_a_name_not_resolved_yet_is_never_user_none():
    invitees, dummy = parse_participants([{'user': 'ana@contoso.com', 'display_name': 'Ana'}])
    assert invitees[0].label == 'user:ana@contoso.com'
    assert invitees[0].shown == 'user:ana@contoso.com (Ana)'
