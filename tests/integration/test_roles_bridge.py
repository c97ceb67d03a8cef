# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The escalate and incident_bridge roles against the emulator, with per-identity outcomes on the manual clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from conftest import graph_writes, invite_posts, recorded

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
B = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
ANSWER = {'result': 'answer', 'after': 0}
DECLINE = {'result': 'decline', 'after': 0}
SILENT = {'result': 'no_answer', 'after': 600}
TIERS = [{'name': 'primary', 'participants': [{'user': A}], 'wait_timeout': 1}, {'name': 'secondary', 'participants': [{'user': B}], 'wait_timeout': 1}]


def role_vars(graph, role, connection_from='play', **more):
    """any_role.yml's variables for the role; the connection from the play's module_defaults or from the role's variable."""
    extra = dict(role_name='msgraph.calls.' + role, role_result=role + '_result', **more)
    if connection_from == 'play':
        extra['play_connection'] = graph
    else:
        extra[role + '_connection'] = graph
    return extra


def run_role(playbook, graph, role, connection_from='play', check=False, **more):
    """The role with its variables, in any_role.yml; the run and the role's result."""
    run = playbook('any_role.yml', check=check, **role_vars(graph, role, connection_from, **more))
    return run, run.task('Result')['result'].get('msg')


def run_roles(playbook, tmp_path, cases, extra_args=()):
    """Several cases of any_role.yml in one run: the same play, on one host per case that holds the case's variables
    (``cases``: {host: role_vars(...)}). A host keeps its own facts and registered results, and a role that fails stops
    its own host only, so each case runs as in a run of its own. The run and {host: the role's result}.

    Not the role included once per case on localhost: the facts and registered results of one case would reach the
    next. Not a play per case: a play whose every host fails ends the whole run."""
    inventory = tmp_path / ('cases-%d.json' % len(list(tmp_path.glob('cases-*.json'))))
    inventory.write_text(json.dumps({'cases': {'hosts': cases}}))
    play = tmp_path / ('any-role-%s.json' % inventory.stem)
    play.write_text(
        json.dumps(
            [
                {
                    'name': 'Run a role of the collection, on each case',
                    'hosts': 'cases',
                    'gather_facts': False,
                    'connection': 'local',
                    'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                    'module_defaults': {'group/msgraph.calls.graph': '{{ play_connection | default({}) }}'},
                    'tasks': [
                        {
                            'name': 'Role, and its result however it ends',
                            'block': [{'name': 'Role', 'ansible.builtin.include_role': {'name': '{{ role_name }}'}}],
                            'always': [
                                {
                                    'name': 'Result',
                                    'ansible.builtin.debug': {
                                        'msg': {'case': '{{ inventory_hostname }}', 'result': "{{ lookup('ansible.builtin.vars', role_result, default=None) }}"}
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        )
    )
    run = playbook(str(play), extra_args=('-i', str(inventory)) + tuple(extra_args))
    results = dict((r['result']['msg']['case'], r['result']['msg']['result']) for r in run.records if r['task'] == 'Result' and r['status'] == 'ok')
    return run, results


def failed_hosts(run):
    """The hosts the PLAY RECAP counts a failure for (for a case of run_roles: its role failed, as a non-zero exit would say)."""
    recap = run.output.rsplit('PLAY RECAP', 1)[-1]
    return set(match.group(1) for match in re.finditer(r'^(\S+)\s+:.*\bfailed=([1-9]\d*)', recap, re.MULTILINE))


def failures(run, host):
    """What Ansible printed for the failed tasks of that host (its ``fatal: [host]: FAILED! => {...}`` lines)."""
    return '\n'.join(line for line in run.output.splitlines() if line.startswith('fatal: [%s]: ' % host))


def people(result):
    return dict((p['label'].split(':', 1)[1], p['status']) for p in (result or {}).get('participants', []))


# Escalations, each on a call of its own with its own invite outcomes (the call's config): the case (its host), where the
# connection comes from, the call's config, what each person ended as, how many invites were sent.
ESCALATIONS = [
    ('tier-one-answers-connection-from-play', 'play', {'invite_outcomes': {A: ANSWER, B: ANSWER}}, {A: 'joined', B: 'not_paged'}, 1),
    ('tier-one-answers-connection-from-role', 'role', {'invite_outcomes': {A: ANSWER, B: ANSWER}}, {A: 'joined', B: 'not_paged'}, 1),
    ('tier-one-declines', 'play', {'invite_outcomes': {A: DECLINE, B: ANSWER}}, {A: 'declined', B: 'joined'}, 2),
    ('tier-one-is-silent', 'play', {'invite_outcomes': {A: SILENT, B: ANSWER}}, {A: 'no_answer', B: 'joined'}, 2),
    ('everybody-declines', 'play', {'invite_outcome': DECLINE}, {A: 'declined', B: 'declined'}, 2),
]
FAILS = 'everybody-declines'


def test_escalate_stops_at_the_tier_that_answers_and_fails_with_the_table_when_nobody_does(emu, playbook, graph, tmp_path):
    # Every escalation in one run, a host and a call each; then, in a second run, the re-runs of those that succeeded on tier
    # two: a re-run after success pages nobody.
    calls = dict((case, emu.create_call(config=config)['id']) for case, dummy, config, dummy, dummy in ESCALATIONS)

    def escalations(cases):
        return dict(
            (case, role_vars(graph, 'escalate', connection_from, escalate_call_id=calls[case], escalate_tiers=TIERS, escalate_wait_sleep=0.2))
            for case, connection_from, dummy, dummy, dummy in ESCALATIONS
            if case in cases
        )

    run, results = run_roles(playbook, tmp_path, escalations(calls))
    assert run.rc != 0, 'one case fails the run'
    assert graph['client_secret'] not in run.output
    failed = failed_hosts(run)
    problems = []
    for case, dummy, dummy, expected, invites in ESCALATIONS:
        if (case in failed) != (case == FAILS):
            problems.append('%s: the role %s' % (case, 'failed' if case in failed else 'did not fail'))
        if people(results.get(case)) != expected:
            problems.append('%s: %r' % (case, results.get(case)))
        if len(invite_posts(emu, calls[case])) != invites:
            problems.append('%s: %d invites' % (case, len(invite_posts(emu, calls[case]))))
    assert not problems, '\n'.join(problems) + '\n' + run.output
    assert 'primary: user:%s declined; secondary: user:%s declined' % (A, B) in results[FAILS]['msg']
    # The report, once per escalation: each person with what happened; every task of the role listed once.
    assert 'primary: user:%s declined' % A in run.output and 'secondary: user:%s joined' % B in run.output
    assert run.output.count('TASK [msgraph.calls.escalate : Escalate]') == 1, run.output
    assert results[FAILS]['goal_met'] is False

    tier_two = ['tier-one-declines', 'tier-one-is-silent']
    rerun, again = run_roles(playbook, tmp_path, escalations(tier_two))
    assert rerun.rc == 0, rerun.output
    for case in tier_two:
        assert not again[case]['changed'], (case, again[case])
        assert len(invite_posts(emu, calls[case])) == 2, '%s: a re-run after success pages nobody' % case


def test_escalate_check_mode_prints_the_plan(emu, playbook, graph):
    call = emu.create_call()
    run, result = run_role(playbook, graph, 'escalate', check=True, escalate_call_id=call['id'], escalate_tiers=TIERS)
    assert run.rc == 0, run.output
    assert 'primary would page user:%s now' % A in run.output
    assert 'secondary would page user:%s if fewer than 1 have joined after primary (1s)' % B in run.output
    assert not recorded(emu, 'POST', contains='/v1.0/')


def test_the_bridge_role_runs_the_incident_and_a_rerun_changes_nothing(emu, playbook, graph, tmp_path):
    # The connection from the play and from the role side by side, each a host of the same runs with an incident of its own
    # (so a meeting and a call each): the bridge, its re-run with the call id, the hang-up.
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    sides = dict(('connection-from-' + side, side) for side in ('play', 'role'))
    bridge = dict(
        incident_bridge_organizer='ic@contoso.com',
        incident_bridge_callback_uri='https://bot.example.com/api/calls',
        incident_bridge_tiers=TIERS,
        incident_bridge_wait_sleep=0.2,
    )

    def each_side(more):
        """Each side's host and variables: its connection, its incident and ``more(host)``."""
        return dict(
            (case, role_vars(graph, 'incident_bridge', side, incident_bridge_incident_id='INC-42-' + side, **more(case))) for case, side in sides.items()
        )

    run, results = run_roles(playbook, tmp_path, each_side(lambda case: bridge))
    assert run.rc == 0, run.output
    assert sorted(results) == sorted(sides), run.output
    for case, result in sorted(results.items()):
        assert result['call_id'] and result['join_url'].startswith('https://teams.microsoft.com/'), (case, result)
        assert [p['user'] for p in result['joined']] == [B], (case, result)
    # Every task listed once (one block, whichever side the connection comes from), and a report at the end.
    for task in ("Ensure the incident's meeting", 'Join the meeting, or keep the call alive', 'Escalate through the tiers', 'Report'):
        assert run.output.count('TASK [msgraph.calls.incident_bridge : %s]' % task) == 1, (task, run.output)
    assert 'Meeting INC-42-play: created (https://teams.microsoft.com/' in run.output
    assert re.search(r'Call [^:]+: joined, established', run.output), run.output
    assert 'primary: user:%s declined' % A in run.output and 'secondary: user:%s joined' % B in run.output

    rerun, again = run_roles(playbook, tmp_path, each_side(lambda case: dict(bridge, incident_bridge_call_id=results[case]['call_id'])))
    assert rerun.rc == 0, rerun.output
    for case, result in sorted(results.items()):
        assert again[case]['call_id'] == result['call_id'], case
        thread_id = emu.meeting(result['meeting_id'])['chatInfo']['threadId']
        joins = [r for r in recorded(emu, 'POST', '/communications/calls') if r['body']['chatInfo']['threadId'] == thread_id]
        assert len(joins) == 1, '%s: the call was kept, not joined again' % case
        assert len(invite_posts(emu, result['call_id'])) == 2, '%s: nobody paged twice' % case
        # The goal was met before the re-run: who is in the call is still reported as joined, not as "not paged".
        assert [p['user'] for p in again[case]['joined']] == [B], (case, again[case])
    assert len(recorded(emu, 'POST', '/communications/calls')) == len(sides)
    assert 'Meeting INC-42-play: already there' in rerun.output and 'secondary: user:%s joined' % B in rerun.output

    hang, dummy = run_roles(playbook, tmp_path, each_side(lambda case: dict(incident_bridge_state='absent', incident_bridge_call_id=results[case]['call_id'])))
    assert hang.rc == 0, hang.output
    for case, result in sorted(results.items()):
        assert emu.call(result['call_id'])['state'] == 'terminated', case


def test_the_bridge_role_previews_in_check_mode_without_a_write(emu, playbook, graph):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    run, result = run_role(
        playbook,
        graph,
        'incident_bridge',
        check=True,
        incident_bridge_incident_id='INC-43',
        incident_bridge_organizer=ORGANIZER,
        incident_bridge_callback_uri='https://bot.example.com/cb',
        incident_bridge_tiers=TIERS,
    )
    assert run.rc == 0, run.output
    assert result['escalation']['plan'][0] == 'primary would page user:%s now, then wait up to 1s' % A
    # The report is the plan: the meeting, the call, and each tier, in words.
    assert 'Meeting INC-43: would be created, or found if it exists' in run.output and 'Call would be joined' in run.output
    assert 'primary would page user:%s now' % A in run.output.rsplit('TASK [msgraph.calls.incident_bridge : Report]', 1)[-1]
    assert graph_writes(emu) == []


# What the roles refuse before any request: the case (its host), the role, its variables, words of the message.
BRIDGE_REFUSED = {'incident_bridge_incident_id': 'INC-44'}
REFUSALS = [
    (
        'escalate-unknown-participant-key',
        'escalate',
        {'escalate_call_id': 'c', 'escalate_tiers': [{'participants': [{'user': A, 'colour': 'blue'}]}]},
        "escalate_tiers[0] (tier 1).participants[0] (user %s) has the unknown key 'colour'; a participant takes " % A,
    ),
    (
        'bridge-unknown-key-in-tier-two',
        'incident_bridge',
        dict(
            BRIDGE_REFUSED,
            incident_bridge_organizer=ORGANIZER,
            incident_bridge_callback_uri='https://bot.example.com/cb',
            incident_bridge_tiers=[TIERS[0], {'name': 'secondary', 'participants': [{'user': 'sam@contoso.com', 'display_name': 'Sam', 'phnoe': '+1'}]}],
        ),
        "incident_bridge_tiers[1] (secondary).participants[0] (user sam@contoso.com (Sam)) has the unknown key 'phnoe'",
    ),
    (
        'bridge-national-phone-without-region',
        'incident_bridge',
        dict(
            BRIDGE_REFUSED,
            incident_bridge_organizer=ORGANIZER,
            incident_bridge_callback_uri='https://bot.example.com/cb',
            incident_bridge_tiers=[TIERS[0], {'participants': [{'phone': '(425) 555-0100'}]}],
        ),
        "tiers[1].participants[0].phone: '(425) 555-0100' is a national number",
    ),
    ('escalate-short-phone', 'escalate', {'escalate_call_id': 'c', 'escalate_tiers': [{'participants': [{'phone': '+12'}]}]}, 'tiers[0].participants[0].phone'),
    (
        'escalate-link-without-callback',
        'escalate',
        {'escalate_join_url': 'https://teams.microsoft.com/meet/1?p=x', 'escalate_tiers': TIERS},
        'escalate_callback_uri is required',
    ),
    (
        'bridge-hang-up-without-call',
        'incident_bridge',
        dict(BRIDGE_REFUSED, incident_bridge_state='absent'),
        'incident_bridge_call_id is required with incident_bridge_state=absent',
    ),
    (
        'bridge-organizer-without-callback',
        'incident_bridge',
        dict(BRIDGE_REFUSED, incident_bridge_organizer=ORGANIZER),
        'incident_bridge_callback_uri is required',
    ),
    ('bridge-nothing-to-join', 'incident_bridge', BRIDGE_REFUSED, 'give incident_bridge_organizer'),
    (
        'bridge-short-phone',
        'incident_bridge',
        dict(BRIDGE_REFUSED, incident_bridge_call_id='c', incident_bridge_tiers=[{'participants': [{'phone': '+12'}]}]),
        'tiers[0].participants[0].phone must be a phone number',
    ),
]


def test_the_roles_refuse_what_cannot_work_before_any_request(emu, playbook, graph, tmp_path):
    # Every refusal in one run, a host each: each role fails its own host with its message, and nothing is sent at all.
    cases = dict((case, role_vars(graph, role, **more)) for case, role, more, dummy in REFUSALS)
    run, dummy = run_roles(playbook, tmp_path, cases)
    failed = failed_hosts(run)
    problems = []
    for case, dummy, dummy, message in REFUSALS:
        if case not in failed:
            problems.append('%s: the role did not fail' % case)
        elif message not in failures(run, case):
            problems.append('%s: no %r in %s' % (case, message, failures(run, case)))
    assert run.rc != 0 and not problems, '\n'.join(problems) + '\n' + run.output
    assert emu.requests() == []
    assert 'argument_spec' not in run.output, 'no dump of the argument spec'


def test_escalate_joins_the_meeting_from_its_link_first(emu, playbook, graph):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    meeting = emu.add_meeting(ORGANIZER)
    emu.config(invite_outcomes={A: ANSWER})
    run, result = run_role(
        playbook,
        graph,
        'escalate',
        escalate_join_url=meeting['joinWebUrl'],
        escalate_callback_uri='https://bot.example.com/api/calls',
        escalate_tiers=TIERS,
        escalate_wait_sleep=0.2,
    )
    assert run.rc == 0, run.output
    assert people(result) == {A: 'joined', B: 'not_paged'}
    assert len(recorded(emu, 'POST', '/communications/calls')) == 1


def test_escalate_takes_the_tiers_of_an_oncall_export(emu, playbook, graph):
    call = emu.create_call()
    emu.config(invite_outcomes={A: DECLINE, B: ANSWER})
    oncall = [{'name': 'Bea', 'email': 'bea@example.com', 'tier': 2}, {'name': 'Al', 'email': 'al@example.com', 'tier': 1}]
    emu.add_user(id=A, userPrincipalName='al@example.com', displayName='Al')
    emu.add_user(id=B, userPrincipalName='bea@example.com', displayName='Bea')
    run, result = run_role(
        playbook,
        graph,
        'escalate',
        escalate_call_id=call['id'],
        oncall=oncall,
        escalate_tiers='{{ oncall | msgraph.calls.oncall_tiers }}',
        escalate_wait_timeout=1,
        escalate_wait_sleep=0.2,
    )
    assert run.rc == 0, run.output
    assert [(p['tier'], p['user'], p['status']) for p in result['participants']] == [(1, 'al@example.com', 'declined'), (2, 'bea@example.com', 'joined')]


def test_four_overlapping_bridge_runs_of_one_incident_open_one_call_and_page_once(emu, playbook, graph, tmp_path):
    # An alert storm: four hosts of one run (forks 4) run the bridge for the same incident at once, none carrying a call
    # id. The meeting is one by its external id; the call record and the meeting's lock make the bot's call one; the
    # per-call lock and the invite record make the page one.
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    emu.config(invite_outcomes={A: ANSWER})
    bridge = dict(
        incident_bridge_incident_id='INC-24',
        incident_bridge_organizer='ic@contoso.com',
        incident_bridge_callback_uri='https://bot.example.com/api/calls',
        incident_bridge_tiers=TIERS[:1],
        incident_bridge_wait_sleep=0.2,
    )
    run, results = run_roles(playbook, tmp_path, dict(('storm-%d' % n, role_vars(graph, 'incident_bridge', **bridge)) for n in range(4)), ('--forks', '4'))
    assert run.rc == 0, run.output
    assert len(set(result['call_id'] for result in results.values())) == 1, results
    creates = [r for r in recorded(emu, 'POST') if r['path'].endswith('/communications/calls')]
    assert len(creates) == 1, creates
    invites = recorded(emu, 'POST', '/participants/invite')
    assert len(invites) == 1, invites
