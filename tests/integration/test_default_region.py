# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""default_region: national phone numbers, set once for the play through the action group's module_defaults."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from conftest import invite_posts
from emulator.client import CONNECTION_OPTIONS

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'


def play(tmp_path, tasks, **defaults):
    group = dict(('%s' % key, '{{ graph.%s }}' % key) for key in CONNECTION_OPTIONS)
    group.update(defaults)
    path = tmp_path / 'region.yml'
    path.write_text(
        json.dumps(
            [
                {
                    'name': 'Region',
                    'hosts': 'localhost',
                    'gather_facts': False,
                    'connection': 'local',
                    'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                    'module_defaults': {'group/msgraph.calls.graph': group},
                    'tasks': [dict(task, ignore_errors=True) for task in tasks],
                }
            ]
        )
    )
    return str(path)


def test_default_region_from_the_group_reads_national_numbers_and_every_module_takes_it(emu, tmp_path, playbook):
    call = emu.create_call()
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    tasks = [
        {'name': 'Meeting', 'msgraph.calls.graph_online_meeting': {'organizer': ORGANIZER, 'external_id': 'INC-R'}},
        {'name': 'Invite', 'msgraph.calls.graph_call_invite': {'call_id': call['id'], 'participants': [{'phone': '(425) 555-0100'}]}},
        {'name': 'Info', 'msgraph.calls.graph_call_info': {'call_id': call['id']}},
        {'name': 'Roster', 'msgraph.calls.graph_call_participant_info': {'call_id': call['id'], 'identities': ['425-555-0100']}},
        {
            'name': 'Escalate',
            'msgraph.calls.graph_call_escalate': {'call_id': call['id'], 'tiers': [{'participants': [{'phone': '425 555 0101'}]}], 'validate_only': True},
        },
        {'name': 'Probe', 'msgraph.calls.graph_call_probe': {'call_id': call['id'], 'probe_phone': '(425) 555-0102'}, 'check_mode': True},
    ]
    run = playbook(play(tmp_path, tasks, default_region='US'))
    for name in ('Meeting', 'Invite', 'Info', 'Roster', 'Escalate', 'Probe'):
        assert run.task(name)['status'] in ('ok', 'changed'), (name, run.task(name)['result'])
    posts = invite_posts(emu, call['id'])
    assert [post['body']['participants'][0]['identity']['phone']['id'] for post in posts] == ['+14255550100']
    assert run.task('Roster')['result']['count'] == 1, 'the national number finds the person it invited'


def test_a_national_number_without_a_region_names_the_option_before_any_request(emu, tmp_path, playbook):
    call = emu.create_call()
    run = playbook(
        play(tmp_path, [{'name': 'Invite', 'msgraph.calls.graph_call_invite': {'call_id': call['id'], 'participants': [{'phone': '(425) 555-0100'}]}}])
    )
    record = run.task('Invite')
    assert record['status'] == 'failed'
    message = record['result']['msg']
    assert message.startswith("participants[0].phone: '(425) 555-0100' is a national number"), message
    assert 'set default_region (such as US)' in message and 'Missing or invalid default region' not in message
    assert [r for r in emu.requests() if r['path'].startswith('/v1.0')] == []
