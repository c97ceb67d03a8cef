# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What people read names people as the task knows them: diffs, plans, reports and messages show the display name,
the principal name or e-mail and the phone as written beside the id, at default verbosity and at -v."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ANA = '2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182'
BO = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'
PEOPLE = [{'user': 'ana@contoso.com'}, {'phone': '(425) 555-0100', 'display_name': 'Duty phone'}]


def test_previews_reports_and_messages_name_people(emu, tasks):
    emu.add_user(id=ANA, userPrincipalName='ana@contoso.com', displayName='Ana Lopez')
    call = emu.create_call([{'user': {'id': BO, 'displayName': 'Bo Berg'}}])
    declined = emu.create_call()
    emu.call_config(declined['id'], invite_outcomes={ANA: {'result': 'decline', 'after': 0}})
    tiers = [{'name': 'primary', 'participants': [PEOPLE[0]]}, {'name': 'secondary', 'participants': [PEOPLE[1]]}]
    run = tasks(
        [
            ('Preview', 'graph_call_invite', dict(call_id=call['id'], participants=PEOPLE, default_region='US'), {'check_mode': True, 'diff': True}),
            ('Plan', 'graph_call_escalate', dict(call_id=call['id'], tiers=tiers, default_region='US'), {'check_mode': True}),
            ('Stand down', 'graph_call_invite', dict(call_id=call['id'], state='absent', participants=[{'user': BO}]), {'check_mode': True, 'diff': True}),
            ('Decline', 'graph_call_invite', dict(call_id=declined['id'], participants=PEOPLE[:1], wait=True, wait_sleep=0.1)),
        ],
        extra_args=('-v',),
    )
    preview = run.task('Preview')['result']
    assert 'user:%s (Bo Berg)\n' % BO in preview['diff']['before'], preview['diff']
    assert '+phone:+14255550100 (Duty phone, (425) 555-0100)' in run.output, run.output
    assert '+user:%s (Ana Lopez, ana@contoso.com)' % ANA in run.output
    assert [p['shown'] for p in preview['participants']] == ['user:%s (Ana Lopez, ana@contoso.com)' % ANA, 'phone:+14255550100 (Duty phone, (425) 555-0100)']
    plan = run.task('Plan')['result']['plan']
    assert plan[0] == 'primary would page user:%s (Ana Lopez, ana@contoso.com) now, then wait up to 120s' % ANA, plan
    assert plan[1].startswith('secondary would page phone:+14255550100 (Duty phone, (425) 555-0100) if fewer than 1'), plan
    assert '-user:%s (Bo Berg)' % BO in run.output
    # Stood down by id alone: the report names them as the roster does.
    assert [p['shown'] for p in run.task('Stand down')['result']['participants']] == ['user:%s (Bo Berg)' % BO]
    message = run.task('Decline')['result']['msg']
    assert 'user:%s (Ana Lopez, ana@contoso.com) declined (code 603' % ANA in message, message
    assert 'user:None' not in run.output


def test_an_unresolved_name_is_never_user_none(emu, tasks):
    # The directory knows nobody by that name: the escalation fails before paging, and still reports everyone listed.
    call = emu.create_call()
    tiers = [{'participants': [{'user': 'nobody@contoso.com', 'display_name': 'No One'}]}]
    record = tasks([('Escalate', 'graph_call_escalate', dict(call_id=call['id'], tiers=tiers))]).task('Escalate')
    assert record['status'] == 'failed'
    assert 'nobody@contoso.com' in record['result']['msg']
    assert [p['label'] for p in record['result']['participants']] == ['user:nobody@contoso.com'], record['result']
    assert 'user:None' not in str(record['result'])
