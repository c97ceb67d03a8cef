# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""--check --diff after a real run previews the real bridge: graph_online_meeting reads the meeting it recorded
(meeting_record) instead of guessing a new one, so the join and the invite after it preview nothing to do. Without the
record (off, or a meeting gone), check mode previews the meeting an earlier task would create, as before."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.msgraph.calls.plugins.module_utils._calls.meeting_record import meeting_key

from conftest import graph_writes, ok, recorded

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
CALLBACK = 'https://bot.example.com/api/calls'
NOT_CREATED = 'https://check-mode.invalid/meeting-not-created'


def chain(external_id, check=False, **meeting_options):
    """The README's chain: the incident's meeting, the bot joining it, one person paged."""
    keywords = {'check_mode': True, 'diff': True} if check else {}
    meeting = dict(organizer='ic@contoso.com', external_id=external_id, **meeting_options)
    return [
        ('Meeting', 'graph_online_meeting', meeting, dict(keywords, register='m')),
        ('Join', 'graph_call', dict(join_url='{{ m.join_url }}', callback_uri=CALLBACK, wait_sleep=0.1), dict(keywords, register='c')),
        ('Page', 'graph_call_invite', dict(call_id='{{ c.call_id }}', participants=[{'user': A}]), keywords),
    ]


def organizer(emu):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)


def test_check_mode_after_a_real_run_previews_nothing_to_do(emu, tasks):
    organizer(emu)
    real = tasks(chain('INC-70'))
    made = ok(real.task('Meeting'))
    call_id = ok(real.task('Join'))['call_id']
    sent = len(graph_writes(emu))
    preview = tasks(chain('INC-70', check=True))
    for name in ('Meeting', 'Join', 'Page'):
        assert preview.task(name)['status'] == 'ok', preview.task(name)
    meeting = ok(preview.task('Meeting'))
    assert (meeting['join_url'], meeting['meeting_id'], meeting['created']) == (made['join_url'], made['meeting_id'], False)
    assert meeting['diff']['before'] == meeting['diff']['after'] == 'lobbyBypassSettings: scope=everyone, isDialInBypassEnabled=true\n'
    assert ok(preview.task('Join'))['call_id'] == call_id
    assert ok(preview.task('Page'))['participants'][0]['status'] in ('present', 'pending', 'done_before')
    assert len(graph_writes(emu)) == sent, 'check mode sent nothing'
    assert [r['path'] for r in recorded(emu, 'GET', contains='/onlineMeetings/')] == ['/v1.0/users/%s/onlineMeetings/%s' % (ORGANIZER, made['meeting_id'])]


def test_a_lobby_change_is_previewed_on_the_recorded_meeting(emu, tasks):
    organizer(emu)
    closed = dict(lobby_bypass_scope='organization', lobby_dial_in_bypass=False)
    made = ok(tasks(chain('INC-71', **closed)[:1]).task('Meeting'))
    record = tasks(chain('INC-71', check=True)[:1]).task('Meeting')
    assert record['status'] == 'changed', record
    preview = record['result']
    assert preview['join_url'] == made['join_url'] and preview['lobby_updated']
    assert preview['diff'] == {
        'before': 'lobbyBypassSettings: scope=organization, isDialInBypassEnabled=false\n',
        'after': 'lobbyBypassSettings: scope=everyone, isDialInBypassEnabled=true\n',
    }
    assert not recorded(emu, 'PATCH'), 'check mode sent nothing'


def test_without_a_usable_record_check_mode_previews_a_new_meeting(emu, tasks, tmp_path):
    organizer(emu)
    tasks(chain('INC-72')[:1])
    # A record naming a meeting Graph no longer has (deleted in Teams, or another tenant's file).
    gone = tmp_path / 'gone.jsonl'
    key = meeting_key(emu.connection['tenant_id'], 'ic@contoso.com', 'INC-72')
    entry = {'v': 1, 'at': 1e12, 'key': key, 'meeting_id': 'MSo1N2Y5', 'organizer_id': ORGANIZER}
    gone.write_text(json.dumps(entry) + '\n')
    gone.chmod(0o600)
    run = tasks(
        [
            ('Off', 'graph_online_meeting', dict(organizer='ic@contoso.com', external_id='INC-72', meeting_record=False), {'check_mode': True}),
            ('Gone', 'graph_online_meeting', dict(organizer='ic@contoso.com', external_id='INC-72', meeting_record=str(gone)), {'check_mode': True}),
        ]
    )
    for name in ('Off', 'Gone'):
        record = run.task(name)
        assert record['status'] == 'changed' and record['result']['join_url'] == NOT_CREATED, record
    assert 'is gone' in ' '.join(run.task('Gone')['result']['warnings'])
    assert [r['status'] for r in recorded(emu, 'GET', contains='/onlineMeetings/')] == [404]
