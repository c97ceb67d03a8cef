# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The escalate and incident_bridge roles against the emulator, with per-identity outcomes on the manual clock."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from conftest import invite_posts, recorded

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
B = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
ANSWER = {'result': 'answer', 'after': 0}
DECLINE = {'result': 'decline', 'after': 0}
SILENT = {'result': 'no_answer', 'after': 600}
TIERS = [{'name': 'primary', 'participants': [{'user': A}], 'wait_timeout': 1},
         {'name': 'secondary', 'participants': [{'user': B}], 'wait_timeout': 1}]


def run_role(playbook, graph, role, connection_from='play', check=False, **role_vars):
    """The role with its variables; the connection from the play's module_defaults or from the role's variable."""
    extra = dict(role_name='msgraph.calls.' + role, role_result=role + '_result', **role_vars)
    if connection_from == 'play':
        extra['play_connection'] = graph
    else:
        extra[role + '_connection'] = graph
    run = playbook('any_role.yml', check=check, **extra)
    return run, run.task('Result')['result'].get('msg')


def people(result):
    return dict((p['label'].split(':', 1)[1], p['status']) for p in result['participants'])


@pytest.mark.parametrize('connection_from', ['play', 'role'])
def test_escalate_stops_at_the_tier_that_answers(emu, playbook, graph, connection_from):
    call = emu.create_call()
    emu.config(invite_outcomes={A: ANSWER, B: ANSWER})
    run, result = run_role(playbook, graph, 'escalate', connection_from, escalate_call_id=call['id'],
                           escalate_tiers=TIERS, escalate_wait_sleep=0.2)
    assert run.rc == 0, run.output
    assert people(result) == {A: 'joined', B: 'not_paged'}
    assert len(invite_posts(emu)) == 1
    assert graph['client_secret'] not in run.output


@pytest.mark.parametrize('outcome', [DECLINE, SILENT])
def test_escalate_goes_to_tier_two_when_tier_one_declines_or_is_silent(emu, playbook, graph, outcome):
    call = emu.create_call()
    emu.config(invite_outcomes={A: outcome, B: ANSWER})
    run, result = run_role(playbook, graph, 'escalate', escalate_call_id=call['id'], escalate_tiers=TIERS,
                           escalate_wait_sleep=0.2)
    assert run.rc == 0, run.output
    assert people(result) == {A: 'declined' if outcome is DECLINE else 'no_answer', B: 'joined'}
    rerun, again = run_role(playbook, graph, 'escalate', escalate_call_id=call['id'], escalate_tiers=TIERS,
                            escalate_wait_sleep=0.2)
    assert rerun.rc == 0 and not again['changed'], rerun.output
    assert len(invite_posts(emu)) == 2, 'a re-run after success pages nobody'


def test_escalate_fails_with_the_table_when_everybody_declines(emu, playbook, graph):
    call = emu.create_call()
    emu.config(invite_outcome=DECLINE)
    run, result = run_role(playbook, graph, 'escalate', escalate_call_id=call['id'], escalate_tiers=TIERS,
                           escalate_wait_sleep=0.2)
    assert run.rc != 0
    assert 'primary: user:%s declined; secondary: user:%s declined' % (A, B) in result['msg']
    assert result['goal_met'] is False


def test_escalate_check_mode_prints_the_plan(emu, playbook, graph):
    call = emu.create_call()
    run, result = run_role(playbook, graph, 'escalate', check=True, escalate_call_id=call['id'], escalate_tiers=TIERS)
    assert run.rc == 0, run.output
    assert 'primary would page user:%s now' % A in run.output
    assert 'secondary would page user:%s if fewer than 1 have joined after primary (1s)' % B in run.output
    assert not recorded(emu, 'POST', contains='/v1.0/')


def test_escalate_refuses_bad_tiers_before_any_request(emu, playbook, graph):
    run, dummy = run_role(playbook, graph, 'escalate', escalate_call_id='c',
                          escalate_tiers=[{'participants': [{'user': A, 'colour': 'blue'}]}])
    assert run.rc != 0 and 'colour' in run.output
    run, dummy = run_role(playbook, graph, 'escalate', escalate_call_id='c',
                          escalate_tiers=[{'participants': [{'phone': '+12'}]}])
    assert run.rc != 0 and 'tiers[0].participants[0].phone' in run.output
    assert emu.requests() == []


@pytest.mark.parametrize('connection_from', ['play', 'role'])
def test_the_bridge_role_runs_the_incident_and_a_rerun_changes_nothing(emu, playbook, graph, connection_from):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    bridge = dict(incident_bridge_incident_id='INC-42', incident_bridge_organizer='ic@contoso.com',
                  incident_bridge_callback_uri='https://bot.example.com/api/calls', incident_bridge_tiers=TIERS,
                  incident_bridge_wait_sleep=0.2)
    run, result = run_role(playbook, graph, 'incident_bridge', connection_from, **bridge)
    assert run.rc == 0, run.output
    assert result['call_id'] and result['join_url'].startswith('https://teams.microsoft.com/')
    assert [p['user'] for p in result['joined']] == [B]
    rerun, again = run_role(playbook, graph, 'incident_bridge', connection_from, incident_bridge_call_id=result['call_id'],
                            **bridge)
    assert rerun.rc == 0, rerun.output
    assert again['call_id'] == result['call_id']
    assert len(recorded(emu, 'POST', '/communications/calls')) == 1, 'the call was kept, not joined again'
    assert len(invite_posts(emu)) == 2, 'nobody paged twice'
    hang, dummy = run_role(playbook, graph, 'incident_bridge', connection_from, incident_bridge_state='absent',
                           incident_bridge_incident_id='INC-42', incident_bridge_call_id=result['call_id'])
    assert hang.rc == 0, hang.output
    assert emu.call(result['call_id'])['state'] == 'terminated'


def test_the_bridge_role_previews_in_check_mode_without_a_write(emu, playbook, graph):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    run, result = run_role(playbook, graph, 'incident_bridge', check=True, incident_bridge_incident_id='INC-43',
                           incident_bridge_organizer=ORGANIZER, incident_bridge_callback_uri='https://bot.example.com/cb',
                           incident_bridge_tiers=TIERS)
    assert run.rc == 0, run.output
    assert result['escalation']['plan'][0] == 'primary would page user:%s now, then wait up to 1s' % A
    assert [r for r in emu.requests() if r['method'] != 'GET' and r['path'].startswith('/v1.0/')] == []


@pytest.mark.parametrize('bridge, message', [
    ({'incident_bridge_state': 'absent'}, 'incident_bridge_call_id is required with incident_bridge_state=absent'),
    ({'incident_bridge_organizer': ORGANIZER}, 'incident_bridge_callback_uri is required'),
    ({}, 'give incident_bridge_organizer'),
    ({'incident_bridge_call_id': 'c', 'incident_bridge_tiers': [{'participants': [{'phone': '+12'}]}]},
     'tiers[0].participants[0].phone must be a phone number'),
])
def test_the_bridge_role_refuses_what_cannot_work_before_any_request(emu, playbook, graph, bridge, message):
    run, dummy = run_role(playbook, graph, 'incident_bridge', incident_bridge_incident_id='INC-44', **bridge)
    assert run.rc != 0 and message in run.output, run.output
    assert emu.requests() == []


def test_escalate_joins_the_meeting_from_its_link_first(emu, playbook, graph):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    meeting = emu.add_meeting(ORGANIZER)
    emu.config(invite_outcomes={A: ANSWER})
    run, result = run_role(playbook, graph, 'escalate', escalate_join_url=meeting['joinWebUrl'],
                           escalate_callback_uri='https://bot.example.com/api/calls', escalate_tiers=TIERS,
                           escalate_wait_sleep=0.2)
    assert run.rc == 0, run.output
    assert people(result) == {A: 'joined', B: 'not_paged'}
    assert len(recorded(emu, 'POST', '/communications/calls')) == 1


def test_escalate_refuses_a_link_without_a_callback_before_any_request(emu, playbook, graph):
    run, dummy = run_role(playbook, graph, 'escalate', escalate_join_url='https://teams.microsoft.com/meet/1?p=x',
                          escalate_tiers=TIERS)
    assert run.rc != 0 and 'escalate_callback_uri is required' in run.output
    assert emu.requests() == []


def test_escalate_takes_the_tiers_of_an_oncall_export(emu, playbook, graph):
    call = emu.create_call()
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    oncall = [{'name': 'Bea', 'email': 'bea@example.com', 'tier': 2},
              {'name': 'Al', 'email': 'al@example.com', 'tier': 1}]
    emu.add_user(id=A, userPrincipalName='al@example.com', displayName='Al')
    emu.add_user(id=B, userPrincipalName='bea@example.com', displayName='Bea')
    run, result = run_role(playbook, graph, 'escalate', escalate_call_id=call['id'], oncall=oncall,
                           escalate_tiers='{{ oncall | msgraph.calls.oncall_tiers }}', escalate_wait_timeout=1,
                           escalate_wait_sleep=0.2)
    assert run.rc == 0, run.output
    assert [(p['tier'], p['user'], p['status']) for p in result['participants']] == [
        (1, 'al@example.com', 'declined'), (2, 'bea@example.com', 'joined')]
