# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The page_responders role against the emulator: it pages once, previews in check mode, validates input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from conftest import invite_posts

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
PEOPLE = [{'user': A, 'display_name': 'Ann'}, {'phone': '+1 425 555 0100'}]


@pytest.mark.floors
def test_pages_once_and_reports(emu, playbook):
    call = emu.create_call()
    emu.config(invite_outcome={'result': 'decline', 'after': 0})
    first = playbook('role.yml', role={'call_id': call['id'], 'participants': PEOPLE})
    assert first.rc == 0, first.output
    result = first.task('Result')['result']['page_responders_result']
    assert result['changed'] is True and len(result['invited']) == 2
    assert 'Paged 2 of 2 responders' in first.output
    # Both declined; the role's default state=invited must not page them again.
    again = playbook('role.yml', role={'call_id': call['id'], 'participants': PEOPLE})
    assert again.rc == 0, again.output
    statuses = [p['status'] for p in again.task('Result')['result']['page_responders_result']['participants']]
    assert statuses == ['done_before', 'done_before']
    assert len(invite_posts(emu)) == 2, 'one invite each, once'


LISTINGS = ['supported', 'running_only', 400, 403, 404, 405, 501]


def pages_on_each_call(call_ids, participants):
    """One play that runs the role once per call (as role.yml does), each with a Result task of its own."""
    tasks = []
    for index, call_id in enumerate(call_ids):
        tasks.append(
            {
                'name': 'Page %d' % index,
                'block': [
                    {
                        'name': 'Page',
                        'ansible.builtin.include_role': {'name': 'msgraph.calls.page_responders'},
                        'vars': {'page_responders_connection': '{{ graph }}', 'page_responders_call_id': call_id, 'page_responders_participants': participants},
                    }
                ],
                'always': [{'name': 'Result %d' % index, 'ansible.builtin.debug': {'var': 'page_responders_result'}}],
            }
        )
    return [
        {
            'name': 'Page responders on each call',
            'hosts': 'localhost',
            'gather_facts': False,
            'connection': 'local',
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
            'tasks': tasks,
        }
    ]


def test_default_state_pages_whatever_graph_lists(emu, playbook, tmp_path):
    # Issue 9: state=invited used to refuse to run when the operations listing was refused: nobody was paged.
    # Every listing value on a call of its own (the call's own emulator config), the role once per call, in one play.
    calls = [emu.create_call(config={'list_operations': listing})['id'] for listing in LISTINGS]
    path = tmp_path / 'each.json'
    path.write_text(json.dumps(pages_on_each_call(calls, PEOPLE)))
    run = playbook(str(path))
    assert run.rc == 0, run.output
    assert run.output.count('Paged 2 of 2 responders') == len(LISTINGS)
    for index, (listing, call_id) in enumerate(zip(LISTINGS, calls)):
        result = run.task('Result %d' % index)['result']['page_responders_result']
        assert result['changed'] is True and len(result['invited']) == 2, (listing, result)
        assert sorted(p['status'] for p in invite_posts(emu, call_id)) == [200, 200], listing
        assert [r['status'] for r in emu.requests() if r['path'].endswith('/calls/%s/operations' % call_id)] == [200 if isinstance(listing, str) else listing]


def test_history_file_keeps_the_default_promise_without_graphs_listing(emu, playbook, tmp_path):
    call = emu.create_call()
    emu.config(list_operations=404, invite_outcome={'result': 'decline', 'after': 0})
    role = {'call_id': call['id'], 'participants': PEOPLE, 'history_file': str(tmp_path / 'invites.jsonl')}
    assert playbook('role.yml', role=role).rc == 0
    again = playbook('role.yml', role=role)
    assert again.rc == 0, again.output
    statuses = [p['status'] for p in again.task('Result')['result']['page_responders_result']['participants']]
    assert statuses == ['done_before', 'done_before'] and len(invite_posts(emu)) == 2


def test_check_mode_previews(emu, playbook):
    call = emu.create_call()
    run = playbook('role.yml', check=True, role={'call_id': call['id'], 'participants': PEOPLE})
    assert run.rc == 0, run.output
    assert 'Would page 2 of 2 responders' in run.output
    assert invite_posts(emu) == []


def test_call_not_established_pages_nobody(emu, playbook):
    call = emu.create_call()
    emu.set_call_state(call['id'], 'terminated')
    run = playbook('role.yml', role={'call_id': call['id'], 'participants': PEOPLE})
    assert run.rc != 0
    assert 'is terminated, not established' in run.output and 'nothing was sent' in run.output
    assert invite_posts(emu) == []


def test_unknown_call_pages_nobody(emu, playbook):
    run = playbook('role.yml', role={'call_id': '00000000-0000-4000-8000-000000000000', 'participants': PEOPLE})
    assert run.rc != 0 and 'was not found' in run.output and 'nothing was sent' in run.output
    assert invite_posts(emu) == []
    assert run.task('Result')['result']['page_responders_result']['failed'] is True, 'the result is kept'


def test_bad_participants_are_refused_before_any_request(emu, playbook):
    # A value of the wrong type (the module's argument spec), and a typo in a key (the role's own check, which names the
    # person and the key, and prints no argument spec).
    call = emu.create_call()
    run = playbook('role.yml', role={'call_id': call['id'], 'participants': [{'user': A, 'hidden': 'sometimes'}]})
    assert run.rc != 0
    assert 'participants' in run.output and 'hidden' in run.output
    typo = playbook('role.yml', role={'call_id': call['id'], 'participants': [{'user': A}, {'phnoe': '+14255550100', 'display_name': 'Sam'}]})
    assert typo.rc != 0
    assert "page_responders_participants[1] (Sam) has the unknown key 'phnoe'; a participant takes " in typo.output, typo.output
    assert 'argument_spec' not in typo.output and 'Validation of arguments failed' not in typo.output
    assert emu.requests() == []


@pytest.mark.parametrize(
    'participants,message',
    [
        ([{'phone': '+44 (0) 20 7946 095'}], 'not a valid phone number'),
        ([{'phone': '+12'}], 'cannot be read'),
        ([{'user': A}, {'user': A, 'phone': '+14255550100'}], 'exactly one of'),
    ],
    ids=['short-phone', 'no-phone', 'two-identities'],
)
def test_bad_input_fails_before_any_request(emu, playbook, participants, message):
    call = emu.create_call()
    run = playbook('role.yml', role={'call_id': call['id'], 'participants': participants})
    assert run.rc != 0 and message in run.output, run.output
    assert emu.requests() == [], 'not even a token request'


def test_bad_client_context_fails_before_any_request(emu, playbook):
    call = emu.create_call()
    run = playbook('role.yml', role={'call_id': call['id'], 'participants': PEOPLE, 'client_context': 'inc~42'})
    assert run.rc != 0 and "client_context must not contain '~'" in run.output
    assert emu.requests() == []


def test_works_from_the_plays_module_defaults_alone(emu, playbook):
    # No page_responders_connection: the play's module_defaults (the emulator's authority) must apply.
    call = emu.create_call()
    run = playbook('role_play_defaults.yml', role={'call_id': call['id'], 'participants': PEOPLE})
    assert run.rc == 0, run.output
    assert 'Paged 2 of 2 responders' in run.output
    tokens = [r for r in emu.requests() if r['path'].endswith('/oauth2/v2.0/token')]
    assert len(tokens) == 1, 'the token came from the play\'s authority_host, the emulator'
