# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call and graph_online_meeting against the emulator: join, keep alive, re-join, hang up, createOrGet.

Time is the emulator's manual clock: ``tick`` moves it per Graph request, so a call that takes two
emulated seconds to establish does so while the module polls, however busy the machine is.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from conftest import recorded

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
CALLBACK = 'https://bot.example.com/api/calls'
CALLS = '/communications/calls'


def create_posts(emu):
    return [r for r in recorded(emu, 'POST') if r['path'].endswith(CALLS)]


def join(url, **more):
    return dict(join_url=url, callback_uri=CALLBACK, wait_sleep=0.1, **more)


@pytest.fixture
def meeting(emu):
    """A meeting the emulator knows, organized by ORGANIZER; calls establish 2 emulated s after they are created."""
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    return emu.add_meeting(ORGANIZER, subject='INC-1')


def test_join_from_the_link_then_keep_alive_on_the_rerun(emu, meeting, tasks):
    run = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))])
    first = run.task('Join')['result']
    assert run.task('Join')['status'] == 'changed', first
    assert (first['state'], first['created']) == ('established', True)
    body = create_posts(emu)[0]['body']
    assert body['chatInfo']['threadId'] == meeting['chatInfo']['threadId']
    assert body['meetingInfo']['organizer']['user']['id'] == ORGANIZER
    assert body['mediaConfig']['@odata.type'] == '#microsoft.graph.serviceHostedMediaConfig'
    assert emu.call(first['call_id'])['state'] == 'established'

    rerun = tasks([('Join', 'graph_call', join(meeting['joinWebUrl'], call_id=first['call_id']))])
    again = rerun.task('Join')
    assert again['status'] == 'ok', again['result']
    assert again['result']['keep_alive_sent'] and again['result']['call_id'] == first['call_id']
    assert len(create_posts(emu)) == 1, 'a live call is kept, never joined twice'
    assert len(recorded(emu, 'POST', '/keepAlive')) == 1


@pytest.mark.parametrize('join_meeting_id_tenant', ['optional', 'required'])
def test_join_from_the_short_link_sends_the_connection_tenant(emu, meeting, tasks, join_meeting_id_tenant):
    emu.config(join_meeting_id_tenant=join_meeting_id_tenant)
    run = tasks([('Join', 'graph_call', join(meeting['short_url']))])
    assert run.task('Join')['result']['state'] == 'established', run.output
    body = create_posts(emu)[0]['body']
    assert body['meetingInfo']['@odata.type'] == '#microsoft.graph.joinMeetingIdMeetingInfo'
    assert body['meetingInfo']['joinMeetingId'] == meeting['joinMeetingIdSettings']['joinMeetingId']
    assert body['tenantId'] == emu.info['tenant_id']


def assert_end_reason_told(result, ended_calls):
    """A call that ended while joining: Graph's resultInfo when it still serves the call, else what the 404 means."""
    assert 'did not establish' in result['msg']
    if ended_calls == 'visible':
        assert result['result_info'] and result['state'] == 'terminated'
    else:
        assert 'no longer knows the call (404)' in result['msg'] and result['state'] == 'gone'


@pytest.mark.parametrize('ended_calls', ['404', 'visible'])
def test_a_passcode_graph_rejects_fails_with_the_end_reason(emu, meeting, tasks, ended_calls):
    emu.config(short_url_passcode='rejected', ended_calls=ended_calls)
    run = tasks([('Join', 'graph_call', join(meeting['short_url']))])
    record = run.task('Join')
    assert record['status'] == 'failed'
    assert_end_reason_told(record['result'], ended_calls)
    assert record['result']['call_id'], 'the created call is reported even when it failed'
    assert len(create_posts(emu)) == 1


@pytest.mark.parametrize('unknown_meeting', ['terminate', 'join'])
def test_an_unknown_meeting_fails_with_graph_reason_and_advice(emu, meeting, tasks, unknown_meeting):
    emu.config(ended_calls='visible', unknown_meeting=unknown_meeting)
    url = meeting['joinWebUrl'].replace('meeting_', 'meeting_X')
    run = tasks([('Join', 'graph_call', join(url))])
    result = run.task('Join')['result']
    if unknown_meeting == 'join':
        assert run.task('Join')['status'] == 'changed' and result['state'] == 'established'
        return
    assert run.task('Join')['status'] == 'failed'
    assert result['result_info']['subcode'] in (2203, '2203') and 'could not join the meeting' in result['msg']


@pytest.mark.parametrize('ended_calls', ['404', 'visible'])
def test_an_ended_call_is_joined_again_only_with_the_link(emu, meeting, tasks, ended_calls):
    emu.config(ended_calls=ended_calls)
    first = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))]).task('Join')['result']
    emu.clock(advance=2701)         # no keepAlive for 45 minutes: Graph ends the call (408/8537)
    run = tasks([
        ('Keep only', 'graph_call', dict(call_id=first['call_id'])),
        ('Rejoin', 'graph_call', join(meeting['joinWebUrl'], call_id=first['call_id'])),
    ])
    keep = run.task('Keep only')
    assert keep['status'] == 'failed' and 'has ended' in keep['result']['msg']
    assert 'no join_url, meeting or targets' in keep['result']['msg']
    rejoin = run.task('Rejoin')['result']
    assert run.task('Rejoin')['status'] == 'changed', rejoin
    assert rejoin['replaced_call_id'] == first['call_id'] and rejoin['call_id'] != first['call_id']
    assert len(create_posts(emu)) == 2


@pytest.mark.parametrize('ended_calls, delete_ended_call', [('404', '404'), ('visible', '204')])
def test_hang_up_once(emu, meeting, tasks, ended_calls, delete_ended_call):
    emu.config(ended_calls=ended_calls, delete_ended_call=delete_ended_call)
    first = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))]).task('Join')['result']
    run = tasks([('Hang up', 'graph_call', dict(state='absent', call_id=first['call_id'])),
                 ('Again', 'graph_call', dict(state='absent', call_id=first['call_id']))])
    assert run.task('Hang up')['status'] == 'changed'
    assert run.task('Again')['status'] == 'ok', run.task('Again')['result']
    assert len(recorded(emu, 'DELETE', contains=CALLS)) == 1, 'an ended call is not hung up again'
    assert emu.call(first['call_id'])['state'] == 'terminated'


def test_an_ambiguous_create_is_never_sent_twice(emu, meeting, tasks):
    emu.add_faults({'method': 'POST', 'path': CALLS + '$', 'action': 'commit_then_status', 'status': 503, 'times': 1})
    run = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))])
    result = run.task('Join')['result']
    assert run.task('Join')['status'] == 'failed'
    assert result['state'] == 'unknown' and 'not sent again' in result['msg']
    assert len(create_posts(emu)) == 1


def test_joining_twice_refused_by_graph_says_to_pass_the_call_id(emu, meeting, tasks):
    emu.config(join_twice='error')
    run = tasks([('One', 'graph_call', join(meeting['joinWebUrl'])), ('Two', 'graph_call', join(meeting['joinWebUrl']))])
    assert run.task('One')['status'] == 'changed'
    two = run.task('Two')['result']
    assert run.task('Two')['status'] == 'failed' and 'pass the call_id' in two['msg']


@pytest.mark.parametrize('join_twice', ['second_call', 'replace', 'error'])
def test_the_call_id_keeps_one_call_whatever_graph_does_with_a_second_join(emu, meeting, tasks, join_twice):
    emu.config(join_twice=join_twice)
    first = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))]).task('Join')['result']
    tasks([('Join', 'graph_call', join(meeting['joinWebUrl'], call_id=first['call_id']))])
    assert len(create_posts(emu)) == 1
    assert emu.call(first['call_id'])['state'] == 'established'


@pytest.mark.parametrize('callback_uri', ['required', 'optional'])
def test_the_callback_uri_is_always_sent(emu, meeting, tasks, callback_uri):
    emu.config(callback_uri=callback_uri)
    run = tasks([('Join', 'graph_call', join(meeting['joinWebUrl'])),
                 ('No callback', 'graph_call', dict(join_url=meeting['joinWebUrl']))])
    assert run.task('Join')['result']['state'] == 'established'
    assert create_posts(emu)[0]['body']['callbackUri'] == CALLBACK
    assert 'callback_uri must be' in run.task('No callback')['result']['msg']
    assert len(create_posts(emu)) == 1, 'bad input never leaves the controller'


@pytest.mark.parametrize('ended_calls', ['404', 'visible'])
def test_a_call_graph_drops_for_its_callback_fails_with_the_reason(emu, meeting, tasks, ended_calls):
    emu.config(callback_delivery='terminate_call', ended_calls=ended_calls)
    result = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))]).task('Join')['result']
    assert_end_reason_told(result, ended_calls)


@pytest.mark.parametrize('group_call_on_hangup', ['continues', 'ends'])
def test_a_group_call_rings_its_targets_and_hangs_up(emu, tasks, group_call_on_hangup):
    emu.clock(tick=1)
    emu.config(group_call_on_hangup=group_call_on_hangup)
    run = tasks([('Call', 'graph_call', dict(targets=[{'user': A}], callback_uri=CALLBACK, wait_sleep=0.1))])
    result = run.task('Call')['result']
    assert result['state'] == 'established', result
    assert create_posts(emu)[0]['body']['targets'][0]['identity']['user']['id'] == A
    run = tasks([('Hang up', 'graph_call', dict(state='absent', call_id=result['call_id']))])
    assert run.task('Hang up')['status'] == 'changed'
    assert emu.call(result['call_id'])['state'] == 'terminated'


@pytest.mark.parametrize('meeting_user_upn', ['accepted', 'rejected'])
def test_meeting_created_once_by_external_id(emu, tasks, meeting_user_upn):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.config(meeting_user_upn=meeting_user_upn)
    args = dict(organizer='ic@contoso.com', external_id='INC-7', subject='INC-7: payments')
    run = tasks([('First', 'graph_online_meeting', args),
                 ('Again', 'graph_online_meeting', dict(args, subject='INC-7: renamed'))])
    first, again = run.task('First'), run.task('Again')
    assert (first['status'], again['status']) == ('changed', 'ok')
    assert first['result']['meeting_id'] == again['result']['meeting_id']
    assert first['result']['join_url'].startswith('https://teams.microsoft.com/l/meetup-join/')
    assert first['result']['organizer_id'] == ORGANIZER
    assert 'returned it unchanged' in ' '.join(again['result'].get('warnings', []))
    posts = recorded(emu, 'POST', '/onlineMeetings/createOrGet')
    assert [p['path'].split('/')[-3] for p in posts] == [ORGANIZER] * 2, 'the organizer is sent by object id'


def test_a_meeting_graph_updates_draws_no_warning(emu, tasks):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.config(create_or_get_updates=True)
    args = dict(organizer=ORGANIZER, external_id='INC-8', subject='one')
    run = tasks([('First', 'graph_online_meeting', args), ('Again', 'graph_online_meeting', dict(args, subject='two'))])
    again = run.task('Again')['result']
    assert again['subject'] == 'two' and not again.get('warnings')


@pytest.mark.parametrize('status', [403, 401, 400])
def test_no_access_policy_names_the_fix(emu, tasks, status):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.config(meeting_access_policy=[], access_policy_error_status=status)
    record = tasks([('Meeting', 'graph_online_meeting', dict(organizer=ORGANIZER, external_id='INC-9'))]).task('Meeting')
    assert record['status'] == 'failed'
    assert 'Grant-CsApplicationAccessPolicy' in record['result']['msg']
    assert record['result']['error']['status'] == status and record['result']['error']['request_id']
