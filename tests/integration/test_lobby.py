# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The meeting lobby against the emulator: the collection's own meeting lets the bot and phones in; a foreign meeting
that holds the bot fails clearly (or is reported) and pages nobody; a phone waiting in the lobby is not joined.

Time is the emulator's manual clock, moved by ``tick`` per Graph request: a call establishes, a held join ends, an
unanswered invite gives up after so many requests, however busy the machine is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import check_each, invite_posts, ok, recorded
from test_roles_bridge import run_roles, role_vars

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+14255550123'
CALLBACK = 'https://bot.example.com/api/calls'
LOBBY_ON = {'scope': 'organization', 'isDialInBypassEnabled': False}
OPEN = {'scope': 'everyone', 'isDialInBypassEnabled': True}
WAYS_OUT = ('admits the bot', 'everyone bypass the lobby', 'graph_online_meeting')


@pytest.fixture
def organizer(emu):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    return emu


def lobby_of(emu, meeting_id):
    return emu.meeting(meeting_id)['lobbyBypassSettings']


def bridge_on_a_foreign_meeting(emu, graph, incident, **more):
    """The incident_bridge role's variables to join a meeting of someone else's whose lobby holds the bot, and page A."""
    meeting = emu.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON)
    return role_vars(
        graph,
        'incident_bridge',
        incident_bridge_incident_id=incident,
        incident_bridge_join_url=meeting['joinWebUrl'],
        incident_bridge_callback_uri=CALLBACK,
        incident_bridge_tiers=[{'name': 'primary', 'participants': [{'user': A}], 'wait_timeout': 1}],
        **more,
    )


def patches(emu):
    return [r for r in recorded(emu, 'PATCH') if '/onlineMeetings/' in r['path']]


def test_the_collections_own_meeting_lets_the_bot_and_a_phone_in(organizer, tasks):
    emu = organizer
    assert emu.config()['meeting_lobby'] == LOBBY_ON, 'createOrGet gives the tenant default, which holds bot and phones'
    meeting = dict(organizer=ORGANIZER, external_id='INC-1')
    run = tasks(
        [
            ('Meeting', 'graph_online_meeting', meeting, {'register': 'm'}),
            ('Join', 'graph_call', dict(meeting='{{ m.meeting }}', callback_uri=CALLBACK, wait_sleep=0.1), {'register': 'c'}),
            ('Page', 'graph_call_invite', dict(call_id='{{ c.call_id }}', participants=[{'phone': PHONE}], wait=True, wait_timeout=30, wait_sleep=0.1)),
            ('Again', 'graph_online_meeting', meeting),
        ]
    )
    created = ok(run.task('Meeting'))
    assert created['lobby_updated'] and created['lobby_bypass_settings'] == {'scope': 'everyone', 'is_dial_in_bypass_enabled': True}
    assert [p['body'] for p in patches(emu)] == [{'lobbyBypassSettings': OPEN}], 'set once, after createOrGet'
    assert lobby_of(emu, created['meeting_id']) == OPEN
    joined = ok(run.task('Join'))
    assert (joined['state'], joined['in_lobby']) == ('established', False)
    assert ok(run.task('Page'))['participants'][0]['outcome'] == 'joined'
    assert [e['isInLobby'] for e in emu.call(joined['call_id'])['participants']] == [False, False]
    again = run.task('Again')
    assert again['status'] == 'ok' and not again['result']['lobby_updated'] and len(patches(emu)) == 1, again


def test_an_existing_meeting_is_brought_to_the_lobby_asked_for_and_check_mode_and_diff_show_it(organizer, tasks):
    emu = organizer
    closed = dict(organizer=ORGANIZER, external_id='INC-2', lobby_bypass_scope='organization', lobby_dial_in_bypass=False)
    opened = dict(organizer=ORGANIZER, external_id='INC-2')
    run = tasks(
        [
            ('Closed', 'graph_online_meeting', closed),
            ('Preview', 'graph_online_meeting', opened, {'check_mode': True, 'diff': True}),
            ('Opened', 'graph_online_meeting', opened, {'diff': True}),
        ]
    )
    first = ok(run.task('Closed'))
    assert not first['lobby_updated'], 'the tenant default is what was asked: nothing to change'
    preview = ok(run.task('Preview'))
    assert preview['diff']['after'] == 'lobbyBypassSettings: scope=everyone, isDialInBypassEnabled=true\n'
    opened_record = run.task('Opened')
    result = ok(opened_record)
    assert opened_record['status'] == 'changed' and result['lobby_updated'] and not result['created']
    assert result['diff'] == {
        'before': 'lobbyBypassSettings: scope=organization, isDialInBypassEnabled=false\n',
        'after': 'lobbyBypassSettings: scope=everyone, isDialInBypassEnabled=true\n',
    }
    assert 'scope=organization' in ' '.join(result['warnings'])
    assert len(patches(emu)) == 1, 'check mode sent nothing'
    assert lobby_of(emu, result['meeting_id']) == OPEN


@pytest.mark.parametrize('bot_lobby', ['establishing', 'established'])
def test_a_foreign_meeting_that_holds_the_bot_fails_naming_the_ways_out(organizer, tasks, bot_lobby):
    emu = organizer
    # Held at once: the first read after the POST shows it, however few reads a busy machine fits in wait_timeout.
    emu.config(bot_lobby=bot_lobby, call_establish_after=0)
    meeting = emu.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON)
    run = tasks([('Join', 'graph_call', dict(join_url=meeting['joinWebUrl'], callback_uri=CALLBACK, wait_timeout=2, wait_sleep=0.1))])
    record = run.task('Join')
    assert record['status'] == 'failed', record
    message = record['result']['msg']
    assert 'holds the bot in its lobby' in message and all(way in message for way in WAYS_OUT), message
    assert record['result']['in_lobby'] is True and record['result']['state'] == bot_lobby
    assert emu.call(record['result']['call_id'])['bot_in_lobby'], 'the emulator agrees: still waiting'


def test_report_returns_the_bot_in_the_lobby_and_a_rerun_after_admission_is_established(organizer, tasks):
    emu = organizer
    meeting = emu.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON)
    join = dict(join_url=meeting['joinWebUrl'], callback_uri=CALLBACK, wait_timeout=2, wait_sleep=0.1, on_lobby='report')
    first = ok(tasks([('Join', 'graph_call', join)]).task('Join'))
    assert first['in_lobby'] is True and first['created'] and 'lobby' in ' '.join(first['warnings'])
    emu.admit(first['call_id'], emu.info['client_id'])
    again = ok(tasks([('Join', 'graph_call', dict(join, call_id=first['call_id']))]).task('Join'))
    assert (again['call_id'], again['state'], again['in_lobby']) == (first['call_id'], 'established', False)
    assert len(recorded(emu, 'POST', '/communications/calls')) == 1


@pytest.mark.parametrize('ended_calls,said', [('visible', "ended in the meeting's lobby"), ('404', 'did not establish')])
def test_the_bridge_role_on_a_foreign_meeting_that_ends_the_held_join_pages_nobody(organizer, playbook, graph, tmp_path, ended_calls, said):
    # bot_lobby terminate: no lobby flag at all; Graph ends the join with its lobby end reason (200/5855), which the
    # module reads (ended_calls: visible) or never sees (404: told only to the callback).
    emu = organizer
    emu.config(bot_lobby='terminate', bot_lobby_timeout=5, ended_calls=ended_calls)
    bridge = bridge_on_a_foreign_meeting(emu, graph, 'INC-3')
    run, results = run_roles(playbook, tmp_path, {'foreign': bridge})
    assert run.rc != 0 and results['foreign']['joined'] == [], run.output
    assert said in run.output and all(way in run.output for way in WAYS_OUT), run.output
    assert invite_posts(emu) == [], 'nobody is paged from a bot that is not in the call'
    (call,) = emu.admin('GET', '/calls')['value']
    assert call['state'] == 'terminated' and call['result_info']['subcode'] == 5855


@pytest.mark.parametrize('lobby_invite_operation', ['completed', 'running'])
def test_a_phone_waiting_in_the_lobby_is_not_joined(organizer, tasks, lobby_invite_operation):
    emu = organizer
    emu.config(lobby_invite_operation=lobby_invite_operation)
    meeting = emu.add_meeting(ORGANIZER, lobby_bypass_settings={'scope': 'everyone', 'isDialInBypassEnabled': False})
    run = tasks(
        [
            ('Join', 'graph_call', dict(join_url=meeting['joinWebUrl'], callback_uri=CALLBACK, wait_sleep=0.1), {'register': 'c'}),
            ('Page', 'graph_call_invite', dict(call_id='{{ c.call_id }}', participants=[{'phone': PHONE}], wait=True, wait_timeout=2, wait_sleep=0.1)),
            ('Info', 'graph_call_participant_info', dict(call_id='{{ c.call_id }}')),
        ]
    )
    page = run.task('Page')
    assert page['status'] == 'failed', page
    assert page['result']['participants'][0]['outcome'] == 'in_lobby', page['result']
    assert "waiting in the meeting's lobby" in page['result']['msg']
    listed = [p for p in ok(run.task('Info'))['participants'] if p['kind'] == 'phone']
    assert [p['in_lobby'] for p in listed] == [True]
    assert len(invite_posts(emu)) == 1


def test_a_phone_answering_into_the_lobby_is_reported_by_escalation(organizer, tasks):
    emu = organizer
    meeting = emu.add_meeting(ORGANIZER, lobby_bypass_settings={'scope': 'everyone', 'isDialInBypassEnabled': False})
    tiers = [{'name': 'phone', 'participants': [{'phone': PHONE}], 'wait_timeout': 2}]
    run = tasks(
        [
            ('Join', 'graph_call', dict(join_url=meeting['joinWebUrl'], callback_uri=CALLBACK, wait_sleep=0.1), {'register': 'c'}),
            ('Escalate', 'graph_call_escalate', dict(call_id='{{ c.call_id }}', tiers=tiers, wait_sleep=0.1, fail_on_goal_not_met=False)),
        ]
    )
    escalation = ok(run.task('Escalate'))
    assert [p['status'] for p in escalation['participants']] == ['in_lobby'] and not escalation['goal_met'], escalation


def test_an_unanswered_invite_fails_on_its_own_after_a_minute(organizer, tasks):
    emu = organizer
    emu.clock(tick=5)
    call = emu.create_call(config={'invite_outcome': {'result': 'no_answer'}})
    run = tasks([('Page', 'graph_call_invite', dict(call_id=call['id'], participants=[{'user': A}], wait=True, wait_timeout=120, wait_sleep=0.1))])
    record = run.task('Page')
    entry = record['result']['participants'][0]
    assert (record['status'], entry['outcome'], entry['result_info']['code']) == ('failed', 'failed', 408), record
    assert emu.clock()['now'] >= 60, 'it failed on its own once the no-answer time had passed'


INVITE_FORMS = [(200, 'absolute'), (202, 'relative'), (202, 'absolute_app'), (200, 'relative_app')]


def test_the_invite_is_followed_whatever_the_answers_status_and_location(organizer, tasks):
    emu = organizer
    emu.config(invite_outcome={'result': 'answer', 'after': 3})
    calls = dict(((status, location), emu.create_call(config={'invite_status': status, 'invite_location': location})) for status, location in INVITE_FORMS)
    run = tasks(
        [
            ('%s %s' % form, 'graph_call_invite', dict(call_id=call['id'], participants=[{'user': A}], wait=True, wait_timeout=60, wait_sleep=0.1))
            for form, call in calls.items()
        ]
    )

    def check(form):
        result = ok(run.task('%s %s' % form))
        entry = result['participants'][0]
        (operation,) = emu.call(calls[form]['id'])['operations']
        assert (entry['status'], entry['outcome'], entry['operation_id']) == ('invited', 'joined', operation['id']), entry
        assert len(invite_posts(emu, calls[form]['id'])) == 1

    check_each(INVITE_FORMS, check)


def test_the_probe_asks_the_lobby_question_without_paging_anyone(organizer, tasks):
    emu = organizer
    emu.config(bot_lobby='established')
    held = emu.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON)
    open_meeting = emu.add_meeting(ORGANIZER)
    join = dict(callback_uri=CALLBACK, wait_timeout=2, wait_sleep=0.1, on_lobby='report')
    run = tasks(
        [
            ('Held', 'graph_call', dict(join, join_url=held['joinWebUrl']), {'register': 'held'}),
            ('In', 'graph_call', dict(join, join_url=open_meeting['joinWebUrl']), {'register': 'in'}),
            ('Probe held', 'graph_call_probe', dict(call_id='{{ held.call_id }}')),
            ('Probe in', 'graph_call_probe', dict(call_id='{{ in.call_id }}')),
        ]
    )
    held_answer = ok(run.task('Probe held'))['bot_lobby']
    assert (held_answer['in_lobby'], held_answer['bot_lobby'], held_answer['call_state']) == (True, 'established', 'established'), held_answer
    in_answer = ok(run.task('Probe in'))['bot_lobby']
    assert (in_answer['in_lobby'], in_answer['bot_lobby']) == (False, None), in_answer
    assert invite_posts(emu) == [], 'asked without paging anyone'


def test_the_bridge_role_with_on_lobby_report_pages_nobody_until_the_bot_is_admitted_then_escalates(organizer, playbook, graph, tmp_path):
    # A foreign meeting holds the bot (established, in the lobby). incident_bridge_on_lobby=report: the role keeps the
    # call, pages nobody and says what to do; admitted, the same role run again keeps that call and pages tier 1.
    emu = organizer
    emu.config(bot_lobby='established', call_establish_after=0)
    bridge = bridge_on_a_foreign_meeting(emu, graph, 'INC-4', incident_bridge_join_timeout=2, incident_bridge_wait_sleep=0.1, incident_bridge_on_lobby='report')
    run, results = run_roles(playbook, tmp_path, {'held': bridge})
    assert run.rc == 0, run.output
    held = results['held']
    assert held['in_lobby'] is True and held['joined'] == [] and held['escalation'].get('skipped'), held
    assert 'The bot waits in the lobby of the meeting: nobody was paged' in run.output, run.output
    assert invite_posts(emu) == [], 'nobody is paged from a bot in the lobby'

    emu.admit(held['call_id'], emu.info['client_id'])
    run, results = run_roles(playbook, tmp_path, {'admitted': dict(bridge, incident_bridge_call_id=held['call_id'])})
    assert run.rc == 0, run.output
    admitted = results['admitted']
    assert (admitted['call_id'], admitted['in_lobby']) == (held['call_id'], False), admitted
    assert [post['body']['participants'][0]['identity']['user']['id'] for post in invite_posts(emu)] == [A]
    assert len(recorded(emu, 'POST', '/communications/calls')) == 1, 'the admitted call is kept, not joined again'


def test_the_bridge_role_passes_its_lobby_settings_to_the_meeting_it_ensures(organizer, playbook, graph, tmp_path):
    emu = organizer
    bridge = role_vars(
        graph,
        'incident_bridge',
        incident_bridge_incident_id='INC-5',
        incident_bridge_organizer=ORGANIZER,
        incident_bridge_callback_uri=CALLBACK,
        incident_bridge_lobby_bypass_scope='organization',
        incident_bridge_lobby_dial_in_bypass=True,
        incident_bridge_on_lobby='report',
        incident_bridge_join_timeout=2,
        incident_bridge_wait_sleep=0.1,
    )
    run, results = run_roles(playbook, tmp_path, {'closed': bridge})
    assert run.rc == 0, run.output
    assert lobby_of(emu, results['closed']['meeting_id']) == {'scope': 'organization', 'isDialInBypassEnabled': True}
