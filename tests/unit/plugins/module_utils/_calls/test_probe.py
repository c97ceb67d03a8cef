# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_probe's decisions, table-driven: input checks, then timelines of recorded answers -> switch values."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_evidence import (
    Evidence,
    describe,
    listed_operations,
    roster_entries,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_input import (
    Probe,
    check_call,
    check_timing,
    client_context,
    parse_probe,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_verdict import (
    SWITCHES,
    answers,
    duplicate_settled,
    emulator_config,
    probe_outcome,
    probe_summary,
    settled,
    undetermined,
    verdict,
)

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
USER = Probe('user', A)
PHONE = Probe('phone', '+14255550123')

NOBODY = []
JOINED = [{'kinds': ['user'], 'in_lobby': False}]
JOINED_APP = [{'kinds': ['application'], 'in_lobby': False}]
JOINED_BOTH = [{'kinds': ['application', 'user'], 'in_lobby': False}]
LOBBY = [{'kinds': ['user'], 'in_lobby': True}]


def timeline(*steps):
    """Evidence from (method, args...) steps: ('listing', 200, {...}), ('get', 'op1', 200, 'Running'), ..."""
    ev = Evidence()
    for step in steps:
        getattr(ev, step[0])(*step[1:])
    return ev


def values(ev, probe=USER, mode='probe'):
    answered = answers(ev, probe, mode, probe_outcome(ev))
    return dict((name, answered[name]['value']) for name in SWITCHES)


# Input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'user,phone,kind,ident,warned',
    [
        (None, None, None, None, False),
        ('', '  ', None, None, False),
        (A.upper(), None, 'user', A, False),
        (None, '+1 (425) 555-0123', 'phone', '+14255550123', False),
        (A, '+14255550123', 'phone', '+14255550123', True),
    ],
)
def test_parse_probe(user, phone, kind, ident, warned):
    probe, warnings = parse_probe(user, phone)
    assert (probe.kind, probe.ident) == (kind, ident) if kind else probe is None
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    'user,phone,message',
    [
        ('bob@contoso.com', None, 'probe_user must be the object id (a GUID)'),
        ('not-a-guid', '+14255550123', 'probe_user must be the object id (a GUID)'),
        (None, '4255550123', "probe_phone: '4255550123' is a national number"),
        (None, '+0123', 'probe_phone must be a phone number in international form'),
        (A, 'call me', 'probe_phone must be a phone number in international form'),
    ],
)
def test_parse_probe_refuses(user, phone, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_probe(user, phone)


@pytest.mark.parametrize(
    'timeout,interval,message',
    [
        (120, 2.0, None),
        (1, 0.01, None),
        (0, 2.0, 'answer_timeout must be a whole number of seconds from 1 to 3600'),
        (-5, 2.0, 'answer_timeout must be'),
        (True, 2.0, 'answer_timeout must be'),
        (10, 0.0, 'poll_interval must be a number of seconds greater than 0 and at most 60'),
        (10, -1.0, 'poll_interval must be'),
        (10, float('nan'), 'poll_interval must be'),
        (10, float('inf'), 'poll_interval must be'),
    ],
)
def test_check_timing(timeout, interval, message):
    if message is None:
        check_timing(timeout, interval)
    else:
        with pytest.raises(InputError, match=message):
            check_timing(timeout, interval)


@pytest.mark.parametrize(
    'call,message',
    [
        ({'state': 'established', 'chatInfo': {'threadId': 't'}}, None),
        ({'state': 'Established', 'chatInfo': {}}, None),
        ({'state': 'establishing', 'chatInfo': {}}, 'is establishing, not established'),
        ({'chatInfo': {}}, 'in an unknown state, not established'),
        ({'state': 'established', 'chatInfo': None}, 'is a peer-to-peer call'),
    ],
)
def test_check_call(call, message):
    problem = check_call(call, 'c1')
    assert problem is None if message is None else message in problem and 'nothing was sent' in problem


def member(kind, ident, lobby=False):
    return {'info': {'identity': {'@odata.type': '#microsoft.graph.identitySet', kind: {'id': ident}}}, 'isInLobby': lobby}


@pytest.mark.parametrize(
    'probe,roster,expected',
    [
        (USER, [], []),
        (USER, [member('application', 'bot'), member('user', A)], JOINED),
        (USER, [member('user', A.upper(), lobby=True)], LOBBY),
        (USER, [member('application', A)], JOINED_APP),
        (USER, [member('user', '1e126418-44a0-4a94-a6f8-0efe1ad71acb')], []),
        (PHONE, [member('phone', '+1 425 555 0123')], [{'kinds': ['phone'], 'in_lobby': False}]),
        (PHONE, [member('application', '+14255550123', lobby=True)], [{'kinds': ['application'], 'in_lobby': True}]),
        (USER, [None, {'info': None}, {'info': {'identity': {'user': None}}}], []),
    ],
)
def test_roster_entries(probe, roster, expected):
    assert roster_entries(roster, probe) == expected


def test_invitation_and_client_context():
    assert PHONE.invitation() == {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        'identity': {'@odata.type': '#microsoft.graph.identitySet', 'phone': {'@odata.type': '#microsoft.graph.identity', 'id': '+14255550123'}},
    }
    assert client_context('0a1b') == 'mgc-probe~0a1b'
    assert listed_operations([{'id': 'o1', 'status': 'Running'}, {'status': 'x'}, 'junk']) == {'o1': 'Running'}


# Whole probes, as the module records them against each emulator setting -------------------------
#
# Each timeline is what graph_call_probe records in that setting (the emulator defaults otherwise):
# "ringing" timelines have the person ring for a few requests (manual clock), the others answer at once.

START = (('call', 'established', True), ('listing', 200, {}), ('roster', NOBODY), ('invite', 'probe', 200, 'op1', 'Running'))
DUPLICATE_IGNORED = (('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 200, 'Completed'))
AT_ONCE = (
    START + (('roster', JOINED), ('get', 'op1', 200, 'Completed'), ('get', 'op1', 200, 'Completed'), ('listing', 200, {'op1': 'Completed'})) + DUPLICATE_IGNORED
)

SCENARIOS = [
    (
        'defaults',
        AT_ONCE,
        dict(
            list_operations='supported', get_operation='supported', status_case='Running', duplicate_invite='ignored', roster_kind='own', ringing_in_roster=None
        ),
    ),
    (
        'list_operations running_only',
        START
        + (
            ('roster', JOINED),
            ('get', 'op1', 200, 'Completed'),
            ('get', 'op1', 200, 'Completed'),
            ('listing', 200, {}),
            ('invite', 'duplicate', 200, 'op2', 'Running'),
            ('get', 'op2', 200, 'Completed'),
        ),
        dict(list_operations='running_only', get_operation='supported'),
    ),
    (
        'list_operations 405',
        (
            ('listing', 405),
            ('roster', NOBODY),
            ('invite', 'probe', 200, 'op1', 'Running'),
            ('roster', JOINED),
            ('get', 'op1', 200, 'Completed'),
            ('get', 'op1', 200, 'Completed'),
        )
        + DUPLICATE_IGNORED,
        dict(list_operations=405, get_operation='supported', duplicate_invite='ignored'),
    ),
    (
        'list_operations 500 is no emulator value',
        (('listing', 500), ('roster', NOBODY), ('invite', 'probe', 200, 'op1', 'Running'), ('roster', JOINED), ('get', 'op1', 200, 'Completed')),
        dict(list_operations=None),
    ),
    (
        'get_operation 404_when_finished, ringing',
        START
        + (
            ('roster', NOBODY),
            ('get', 'op1', 200, 'Running'),
            ('roster', JOINED),
            ('get', 'op1', 404),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Completed'}),
            ('invite', 'duplicate', 200, 'op2', 'Running'),
            ('get', 'op2', 404),
            ('listing', 200, {'op1': 'Completed', 'op2': 'Completed'}),
        ),
        dict(list_operations='supported', get_operation='404_when_finished', duplicate_invite='ignored', ringing_in_roster=False),
    ),
    (
        'get_operation 404_when_finished, answered at once: looks like unsupported',
        START
        + (
            ('roster', JOINED),
            ('get', 'op1', 404),
            ('roster', JOINED),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Completed'}),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Completed'}),
        ),
        dict(list_operations='supported', get_operation=None),
    ),
    (
        'get_operation unsupported, ringing, the listing shows it running',
        START
        + (
            ('roster', NOBODY),
            ('get', 'op1', 404),
            ('roster', NOBODY),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Running'}),
            ('roster', JOINED),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Completed'}),
            ('get', 'op1', 404),
            ('listing', 200, {'op1': 'Completed'}),
        ),
        dict(list_operations='supported', get_operation='unsupported', ringing_in_roster=False),
    ),
    (
        'get_operation unsupported, listing refused: the join proves the 404s came while ringing',
        (
            ('listing', 403),
            ('roster', NOBODY),
            ('invite', 'probe', 200, 'op1', 'Running'),
            ('roster', NOBODY),
            ('get', 'op1', 404),
            ('roster', NOBODY),
            ('get', 'op1', 404),
            ('roster', JOINED),
            ('get', 'op1', 404),
            ('get', 'op1', 404),
            ('invite', 'duplicate', 200, 'op2', 'Running'),
            ('get', 'op2', 404),
        ),
        dict(list_operations=403, get_operation='unsupported', ringing_in_roster=False, duplicate_invite=None, roster_kind='own'),
    ),
    (
        'get_operation supported, only read while running (no answer in time)',
        START
        + (
            ('roster', NOBODY),
            ('get', 'op1', 200, 'Running'),
            ('roster', NOBODY),
            ('get', 'op1', 200, 'Running'),
            ('get', 'op1', 200, 'Running'),
            ('listing', 200, {'op1': 'Running'}),
        ),
        dict(list_operations=None, get_operation=None, ringing_in_roster=False, roster_kind=None, duplicate_invite=None),
    ),
    (
        'status_case running',
        (('listing', 200, {}), ('roster', NOBODY), ('invite', 'probe', 200, 'op1', 'running'), ('roster', JOINED), ('get', 'op1', 200, 'completed')),
        dict(status_case='running'),
    ),
    (
        'status_case something else',
        (('listing', 200, {}), ('roster', NOBODY), ('invite', 'probe', 200, 'op1', 'NotStarted'), ('roster', JOINED)),
        dict(status_case=None),
    ),
    ('duplicate_invite error', AT_ONCE[:-2] + (('invite', 'duplicate', 409),), dict(duplicate_invite='error')),
    (
        'duplicate_invite failed_operation',
        AT_ONCE[:-2] + (('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 200, 'Failed')),
        dict(duplicate_invite='failed_operation'),
    ),
    (
        'duplicate_invite via the listing (GET gone once finished)',
        AT_ONCE[:-2] + (('invite', 'duplicate', 200, 'op2', 'running'), ('get', 'op2', 404), ('listing', 200, {'op1': 'completed', 'op2': 'failed'})),
        dict(duplicate_invite='failed_operation'),
    ),
    (
        'duplicate_invite unreadable (running_only listing, GET gone)',
        AT_ONCE[:-2] + (('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 404), ('listing', 200, {})),
        dict(duplicate_invite=None),
    ),
    ('duplicate_invite 400 is no emulator value', AT_ONCE[:-2] + (('invite', 'duplicate', 400),), dict(duplicate_invite=None)),
    ('roster_kind application', START + (('roster', JOINED_APP),) + AT_ONCE[5:], dict(roster_kind='application')),
    ('roster_kind both kinds', START + (('roster', JOINED_BOTH),) + AT_ONCE[5:], dict(roster_kind=None)),
    (
        'ringing_in_roster true',
        START
        + (
            ('roster', LOBBY),
            ('get', 'op1', 200, 'Running'),
            ('roster', LOBBY),
            ('get', 'op1', 200, 'Running'),
            ('roster', JOINED),
            ('get', 'op1', 200, 'Completed'),
        )
        + AT_ONCE[-4:],
        dict(ringing_in_roster=True, roster_kind='own', get_operation='supported'),
    ),
    (
        'ringing_in_roster false',
        START + (('roster', NOBODY), ('get', 'op1', 200, 'Running'), ('roster', JOINED), ('get', 'op1', 200, 'Completed')) + AT_ONCE[-4:],
        dict(ringing_in_roster=False, roster_kind='own'),
    ),
    (
        'ringing_in_roster: lobby once, absent while running later: inconsistent',
        START + (('roster', LOBBY), ('roster', NOBODY), ('get', 'op1', 200, 'Running'), ('roster', JOINED)),
        dict(ringing_in_roster=None),
    ),
    (
        'declined at once',
        START + (('roster', NOBODY), ('get', 'op1', 200, 'Failed'), ('get', 'op1', 200, 'Failed'), ('listing', 200, {'op1': 'Failed'})),
        dict(list_operations='supported', get_operation='supported', status_case='Running', duplicate_invite=None, roster_kind=None, ringing_in_roster=None),
    ),
    (
        'declined while ringing in the lobby',
        START + (('roster', LOBBY), ('get', 'op1', 200, 'Running'), ('roster', NOBODY), ('get', 'op1', 200, 'Failed')),
        dict(ringing_in_roster=True, roster_kind=None, duplicate_invite=None),
    ),
    ('inconsistent listing', AT_ONCE[:-3] + (('listing', 403),), dict(list_operations=None)),
    (
        'inconsistent get: 404 while running, then 200',
        START + (('roster', NOBODY), ('get', 'op1', 404), ('get', 'op1', 200, 'Running'), ('roster', JOINED)),
        dict(get_operation=None),
    ),
]


@pytest.mark.parametrize('name,steps,expected', SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_scenarios(name, steps, expected):
    found = values(timeline(*steps))
    assert dict((key, found[key]) for key in expected) == expected, name


@pytest.mark.parametrize(
    'name,steps,expected',
    [
        (
            'finished and running operations listed',
            (('listing', 200, {'a': 'Completed', 'b': 'Running'}), ('get', 'a', 200, 'Completed'), ('get', 'b', 200, 'Running')),
            dict(list_operations='supported', get_operation='supported', status_case='Running'),
        ),
        ('camelCase statuses read', (('listing', 200, {'a': 'completed'}), ('get', 'a', 200, 'completed')), dict(status_case='running')),
        ('mixed spellings', (('listing', 200, {'a': 'completed', 'b': 'Running'}),), dict(status_case=None)),
        (
            'finished one gone, running one readable',
            (('listing', 200, {'a': 'Failed', 'b': 'Running'}), ('get', 'a', 404), ('get', 'b', 200, 'Running')),
            dict(get_operation='404_when_finished'),
        ),
        (
            'running one 404, still listed running after',
            (('listing', 200, {'b': 'Running'}), ('get', 'b', 404), ('listing', 200, {'b': 'Running'})),
            dict(list_operations=None, get_operation='unsupported'),
        ),
        (
            'running one 404, finished by the re-listing',
            (('listing', 200, {'b': 'Running'}), ('get', 'b', 404), ('listing', 200, {'b': 'Completed'})),
            dict(list_operations='supported', get_operation=None),
        ),
        ('only running operations listed', (('listing', 200, {'b': 'Running'}), ('get', 'b', 200, 'Running')), dict(list_operations=None, get_operation=None)),
        ('no operations at all', (('listing', 200, {}),), dict(list_operations=None, get_operation=None, status_case=None)),
        ('listing refused', (('listing', 501),), dict(list_operations=501, get_operation=None)),
    ],
)
@pytest.mark.parametrize('mode', ['check', 'no_probe'])
def test_read_only(name, steps, expected, mode):
    answered = answers(timeline(*steps), USER if mode == 'check' else None, mode)
    found = dict((key, answered[key]['value']) for key in SWITCHES)
    assert dict((key, found[key]) for key in expected) == expected, name
    for key in ('duplicate_invite', 'roster_kind', 'ringing_in_roster'):
        assert found[key] is None
        assert answered[key]['evidence'].startswith('Not asked: ' + ('check mode' if mode == 'check' else 'no probe_user'))


def test_every_answer_has_one_evidence_sentence_citing_requests():
    for dummy, steps, dummy2 in SCENARIOS:
        ev = timeline(*steps)
        for name, answer in answers(ev, USER, 'probe', probe_outcome(ev)).items():
            assert set(answer) == {'value', 'evidence'}
            assert answer['evidence'].endswith('.') and '\n' not in answer['evidence'], name
            if answer['value'] is not None:
                assert '#' in answer['evidence'], (name, answer)


def test_not_asked_reasons_after_a_decline_and_a_timeout():
    declined = timeline(*(START + (('roster', NOBODY), ('get', 'op1', 200, 'Failed'))))
    assert probe_outcome(declined) == 'failed'
    answered = answers(declined, USER, 'probe', 'failed')
    assert answered['duplicate_invite']['evidence'] == ('Not asked: the probe person did not join (their invite failed: declined or not answered).')
    ringing = timeline(*(START + (('roster', NOBODY), ('get', 'op1', 200, 'Running'))))
    assert probe_outcome(ringing) == 'timeout'
    assert 'within answer_timeout' in answers(ringing, USER, 'probe', 'timeout')['duplicate_invite']['evidence']


# Polling decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'name,steps,outcome,done',
    [
        ('just invited', START, 'timeout', False),
        ('joined, operation completed', START + (('roster', JOINED), ('get', 'op1', 200, 'Completed')), 'joined', True),
        ('joined, GET works: wait for it to finish', START + (('roster', JOINED), ('get', 'op1', 200, 'Running')), 'joined', False),
        (
            'joined, GET 404 and listing refused: nothing can tell more',
            (('listing', 404),) + START[2:] + (('roster', JOINED), ('get', 'op1', 404)),
            'joined',
            True,
        ),
        ('joined, GET 404, listing works: read it', START + (('roster', JOINED), ('get', 'op1', 404)), 'joined', False),
        ('404 after a 200: finished', START + (('get', 'op1', 200, 'Running'), ('roster', NOBODY), ('get', 'op1', 404)), 'failed', True),
        (
            'left out of a listing it never was in: it may lag, keep polling',
            START + (('roster', NOBODY), ('get', 'op1', 404), ('listing', 200, {})),
            'timeout',
            False,
        ),
        (
            'listed running, then left out: finished',
            START
            + (('roster', NOBODY), ('get', 'op1', 404), ('listing', 200, {'op1': 'running'}), ('roster', NOBODY), ('get', 'op1', 404), ('listing', 200, {})),
            'failed',
            True,
        ),
        ('failed', START + (('roster', NOBODY), ('get', 'op1', 200, 'failed')), 'failed', True),
        ('completed, never in the roster', START + (('roster', NOBODY), ('get', 'op1', 200, 'completed')), 'unknown', True),
    ],
)
def test_settled_and_outcome(name, steps, outcome, done):
    ev = timeline(*steps)
    assert probe_outcome(ev) == outcome, name
    assert settled(ev, 'op1') is done, name


@pytest.mark.parametrize(
    'steps,done',
    [
        ((('invite', 'duplicate', 200, 'op2', 'Running'),), False),
        ((('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 200, 'Running')), False),
        ((('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 200, 'Completed')), True),
        ((('listing', 200, {}), ('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 404)), False),
        ((('listing', 200, {}), ('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 404), ('listing', 200, {})), False),
        (
            (
                ('listing', 200, {}),
                ('invite', 'duplicate', 200, 'op2', 'Running'),
                ('get', 'op2', 404),
                ('listing', 200, {}),
                ('get', 'op2', 404),
                ('listing', 200, {}),
            ),
            True,
        ),
        ((('listing', 405), ('invite', 'duplicate', 200, 'op2', 'Running'), ('get', 'op2', 404)), True),
    ],
)
def test_duplicate_settled(steps, done):
    assert duplicate_settled(timeline(*steps), 'op2') is done


def test_no_invite_means_no_outcome():
    assert probe_outcome(timeline(('listing', 200, {}))) is None


# Results -----------------------------------------------------------------------------------------


def answers_of(**found):
    return dict((name, {'value': found.get(name), 'evidence': 'x.'}) for name in SWITCHES)


def test_emulator_config_and_undetermined():
    answered = answers_of(list_operations=404, ringing_in_roster=False, status_case='running')
    assert emulator_config(answered) == {'list_operations': 404, 'status_case': 'running', 'ringing_in_roster': False}
    assert undetermined(answered) == ['get_operation', 'duplicate_invite', 'roster_kind']


ALL_SAFE = dict(
    list_operations='supported', get_operation='supported', status_case='Running', duplicate_invite='ignored', roster_kind='own', ringing_in_roster=False
)


@pytest.mark.parametrize(
    'found,safe,phrases',
    [
        (ALL_SAFE, True, ['never pages anyone twice', 'case-insensitively']),
        (
            {},
            True,
            ['Undetermined, so not part of this verdict: list_operations, get_operation, status_case, duplicate_invite, roster_kind, ringing_in_roster.'],
        ),
        (dict(ALL_SAFE, list_operations='running_only'), False, ['`history_file`, on by default', 'Not safe for the role\'s defaults across hosts']),
        (dict(ALL_SAFE, list_operations=403), False, ['HTTP 403', '`history_file`, on by default', 'a host without that record while someone rings']),
        (dict(ALL_SAFE, list_operations=501, ringing_in_roster=True), False, ['so they are not rung twice']),
        (dict(ALL_SAFE, get_operation='unsupported'), True, ['joins are seen', 'end as `timeout`']),
        (dict(ALL_SAFE, get_operation='unsupported', list_operations=404), False, ['must read operations one by one here']),
        (dict(ALL_SAFE, get_operation='404_when_finished', list_operations='supported'), True, ['matters only if the listing fails']),
        (dict(ALL_SAFE, get_operation='404_when_finished'), True, ['without Graph\'s reason']),
        (dict(ALL_SAFE, duplicate_invite='error'), True, ['409', 'handles it']),
        (dict(ALL_SAFE, duplicate_invite='failed_operation'), True, ['failed operation']),
        (dict(ALL_SAFE, roster_kind='application'), True, ['matches by id whatever the kind']),
        (dict(ALL_SAFE, ringing_in_roster=True), True, ['isInLobby true', '`in_lobby`']),
        (dict(ALL_SAFE, status_case='running'), True, ['status_case running']),
    ],
)
def test_verdict(found, safe, phrases):
    result = verdict(answers_of(**found))
    assert result['defaults_safe'] is safe
    text = ' '.join(result['notes'])
    for phrase in phrases:
        assert phrase in text, phrase
    assert ('Undetermined' in text) is (len(found) < len(SWITCHES))


def test_probe_summary():
    failed = {'resultInfo': {'code': 603, 'subCode': 10003, 'message': 'declined'}}
    summary = probe_summary(USER, 'failed', failed, 1, 120)
    assert summary['result_info'] == {'code': 603, 'subcode': 10003, 'message': 'declined'}
    assert summary['left_in_call'] is False and 'undetermined' in summary['message']
    joined = probe_summary(PHONE, 'joined', {}, 2, 120)
    assert joined['left_in_call'] is True and joined['identity'] == 'phone:+14255550123'
    assert 'never removes anyone' in joined['message']
    assert probe_summary(None, None, None, 0, 120) == {
        'identity': None,
        'outcome': None,
        'result_info': None,
        'invites_sent': 0,
        'left_in_call': False,
        'message': 'Nobody was rung.',
    }
    assert 'may still be ringing' in probe_summary(USER, 'timeout', None, 1, 7)['message']


def test_describe():
    assert describe(timeline(('call', 'established', True)).observations[0]) == ('#1 GET .../calls/{id} -> 200 (established, group call)')
    ev = timeline(
        ('listing', 200, {'b': 'Running', 'a': 'Completed'}),
        ('listing', 403),
        ('get', 'a', 200, 'Completed'),
        ('get', 'b', 404),
        ('roster', LOBBY),
        ('roster', NOBODY),
        ('invite', 'probe', 200, 'op1', 'Running'),
        ('invite', 'duplicate', 409),
    )
    assert [describe(obs) for obs in ev.observations] == [
        '#1 GET .../operations -> 200 (2 operations: a Completed, b Running)',
        '#2 GET .../operations -> HTTP 403',
        '#3 GET .../operations/{id} (a) -> 200, status Completed',
        '#4 GET .../operations/{id} (b) -> HTTP 404',
        '#5 GET .../participants -> the probe person is in the lobby (under user)',
        '#6 GET .../participants -> the probe person is not listed',
        '#7 POST .../participants/invite (the probe person) -> 200, operation op1, status Running',
        '#8 POST .../participants/invite (the same person again) -> HTTP 409',
    ]
