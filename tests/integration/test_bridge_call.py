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

from conftest import ok, recorded

ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
A = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
CALLBACK = 'https://bot.example.com/api/calls'
CALLS = '/communications/calls'


def create_posts(emu, meeting=None):
    """The create-call POSTs, in order; with ``meeting``, only those joining it (by its thread id or its join meeting id)."""
    posts = [r for r in recorded(emu, 'POST') if r['path'].endswith(CALLS)]
    return [post for post in posts if meeting is None or joins(post['body'], meeting)]


def joins(body, meeting):
    """Whether a create-call body names this meeting: a meeting link sends its thread id, a short link its join meeting id."""
    thread_id = (body.get('chatInfo') or {}).get('threadId')
    join_meeting_id = (body.get('meetingInfo') or {}).get('joinMeetingId')
    return thread_id == meeting['chatInfo']['threadId'] or join_meeting_id == meeting['joinMeetingIdSettings']['joinMeetingId']


def join(url, **more):
    return dict(join_url=url, callback_uri=CALLBACK, wait_sleep=0.1, **more)


@pytest.fixture
def meeting(emu):
    """A meeting the emulator knows, organized by ORGANIZER; calls establish 2 emulated s after they are created."""
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    return emu.add_meeting(ORGANIZER, subject='INC-1')


def test_join_from_the_link_then_keep_alive_on_the_rerun(emu, meeting, tasks):
    # The join and its re-run with the call id it reported, as two tasks of one play: nothing changes in between, and
    # each task is a module run of its own, as in two playbook runs.
    run = tasks(
        [
            ('Join', 'graph_call', join(meeting['joinWebUrl']), {'register': 'joined'}),
            ('Rerun', 'graph_call', join(meeting['joinWebUrl'], call_id='{{ joined.call_id }}')),
        ]
    )
    first = run.task('Join')['result']
    assert run.task('Join')['status'] == 'changed', first
    assert (first['state'], first['created']) == ('established', True)
    body = create_posts(emu)[0]['body']
    assert body['chatInfo']['threadId'] == meeting['chatInfo']['threadId']
    assert body['meetingInfo']['organizer']['user']['id'] == ORGANIZER
    assert body['mediaConfig']['@odata.type'] == '#microsoft.graph.serviceHostedMediaConfig'

    again = run.task('Rerun')
    assert again['status'] == 'ok', again['result']
    assert again['result']['keep_alive_sent'] and again['result']['call_id'] == first['call_id']
    assert len(create_posts(emu)) == 1, 'a live call is kept, never joined twice'
    assert len(recorded(emu, 'POST', '/keepAlive')) == 1
    assert emu.call(first['call_id'])['state'] == 'established', 'the emulator agrees, after the keepAlive too'


@pytest.mark.parametrize('join_meeting_id_tenant', ['optional', 'required'])
def test_join_from_the_short_link_sends_the_connection_tenant(emu, meeting, tasks, join_meeting_id_tenant):
    emu.config(join_meeting_id_tenant=join_meeting_id_tenant)
    run = tasks([('Join', 'graph_call', join(meeting['short_url']))])
    assert run.task('Join')['result']['state'] == 'established', run.output
    body = create_posts(emu)[0]['body']
    assert body['meetingInfo']['@odata.type'] == '#microsoft.graph.joinMeetingIdMeetingInfo'
    assert body['meetingInfo']['joinMeetingId'] == meeting['joinMeetingIdSettings']['joinMeetingId']
    assert body['tenantId'] == emu.info['tenant_id']


def end_reason_untold(result, ended_calls):
    """A call that ended while joining tells Graph's resultInfo when Graph still serves the call, else what the 404 means;
    what is missing, or None."""
    if 'did not establish' not in result.get('msg', ''):
        return 'no "did not establish" in %r' % result.get('msg')
    if ended_calls == 'visible' and not (result.get('result_info') and result.get('state') == 'terminated'):
        return 'no resultInfo or not terminated: %r' % result
    if ended_calls == '404' and not ('no longer knows the call (404)' in result['msg'] and result.get('state') == 'gone'):
        return 'the 404 is not told, or not gone: %r' % result
    return None


@pytest.mark.parametrize('ended_calls', ['404', 'visible'])
def test_a_join_graph_ends_before_it_is_established_fails_with_the_end_reason(emu, meeting, tasks, ended_calls):
    # Two ways Graph ends a join at its establishment, side by side on a meeting each, in one play: a short link's passcode
    # Graph rejects, a callback Graph cannot deliver to. Both switches are read when the call is created (so they are global
    # here, with ended_calls, which the module reads while it waits): the emulator checks a passcode first, before the callback,
    # and a meeting link carries no passcode, so each join ends for its own reason (checked below in the admin view).
    emu.config(short_url_passcode='rejected', callback_delivery='terminate_call', ended_calls=ended_calls)
    undeliverable = emu.add_meeting(ORGANIZER, subject='INC-2')
    cases = [('passcode rejected', meeting, meeting['short_url']), ('callback unreachable', undeliverable, undeliverable['joinWebUrl'])]
    run = tasks([(case, 'graph_call', join(url)) for case, dummy, url in cases])
    problems = []
    for case, joined, dummy in cases:
        record = run.task(case)
        result = record['result']
        untold = end_reason_untold(result, ended_calls)
        if record['status'] != 'failed' or untold:
            problems.append('%s: %s, %s' % (case, record['status'], untold))
        elif not result.get('call_id'):
            problems.append('%s: the created call is not reported when it failed: %r' % (case, result))
        elif emu.call(result['call_id'])['end_reason'] != case.replace(' ', '_'):
            problems.append('%s: the call ended for another reason: %r' % (case, emu.call(result['call_id'])['end_reason']))
        if len(create_posts(emu, joined)) != 1:
            problems.append('%s: %d create requests' % (case, len(create_posts(emu, joined))))
    assert not problems, '\n'.join(problems)


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


def join_each(emu, meeting, tasks, cases):
    """One meeting per case (the fixture's first), all joined in one play; {case: (meeting, the join's result)}."""
    meetings = [meeting] + [emu.add_meeting(ORGANIZER, subject='INC-1 %s' % case) for case in cases[1:]]
    run = tasks([('Join %s' % case, 'graph_call', join(each['joinWebUrl'])) for case, each in zip(cases, meetings)])
    return dict((case, (each, ok(run.task('Join %s' % case)))) for case, each in zip(cases, meetings))


ENDED_CALLS = ['404', 'visible']


def test_an_ended_call_is_joined_again_only_with_the_link(emu, meeting, tasks):
    # Every ended_calls value side by side: a meeting and a call each, the value in the call's own config (set once the
    # join created it; it only matters once the call has ended), and one clock advance that ends them all.
    joined = join_each(emu, meeting, tasks, ENDED_CALLS)
    for ended_calls, (dummy, first) in joined.items():
        emu.call_config(first['call_id'], ended_calls=ended_calls)
    emu.clock(advance=2701)  # no keepAlive for 45 minutes: Graph ends the calls (408/8537)
    steps = []
    for ended_calls, (each, first) in sorted(joined.items()):
        steps.extend(
            [
                ('Keep only %s' % ended_calls, 'graph_call', dict(call_id=first['call_id'])),
                ('Rejoin %s' % ended_calls, 'graph_call', join(each['joinWebUrl'], call_id=first['call_id'])),
            ]
        )
    run = tasks(steps)
    problems = []
    for ended_calls, (each, first) in sorted(joined.items()):
        keep, rejoin = run.task('Keep only %s' % ended_calls), run.task('Rejoin %s' % ended_calls)
        msg = keep['result'].get('msg', '')
        if keep['status'] != 'failed' or 'has ended' not in msg or 'no join_url, meeting or targets' not in msg:
            problems.append('ended_calls=%s: keeping only: %s %r' % (ended_calls, keep['status'], msg))
        result = rejoin['result']
        if rejoin['status'] != 'changed' or result.get('replaced_call_id') != first['call_id'] or result.get('call_id') in (None, first['call_id']):
            problems.append('ended_calls=%s: the rejoin: %s %r' % (ended_calls, rejoin['status'], result))
        if len(create_posts(emu, each)) != 2:
            problems.append('ended_calls=%s: %d create requests' % (ended_calls, len(create_posts(emu, each))))
    assert not problems, '\n'.join(problems)


HANG_UPS = [('404', '404'), ('visible', '204')]  # (ended_calls, delete_ended_call)


def test_hang_up_once(emu, meeting, tasks):
    # Both behaviours for an ended call side by side: a meeting and a call each, the switches in the call's own config (set
    # once the join created it; they only matter once the call has ended), then the hang-ups and their re-runs in one play.
    cases = ['ended_calls=%s, delete_ended_call=%s' % case for case in HANG_UPS]
    joined = join_each(emu, meeting, tasks, cases)
    for case, (ended_calls, delete_ended_call) in zip(cases, HANG_UPS):
        emu.call_config(joined[case][1]['call_id'], ended_calls=ended_calls, delete_ended_call=delete_ended_call)
    steps = []
    for case in cases:
        call_id = joined[case][1]['call_id']
        steps.extend(
            [
                ('Hang up %s' % case, 'graph_call', dict(state='absent', call_id=call_id)),
                ('Again %s' % case, 'graph_call', dict(state='absent', call_id=call_id)),
            ]
        )
    run = tasks(steps)
    problems = []
    for case in cases:
        call_id = joined[case][1]['call_id']
        hang_up, again = run.task('Hang up %s' % case), run.task('Again %s' % case)
        if (hang_up['status'], again['status']) != ('changed', 'ok'):
            problems.append('%s: hang up %s, again %s %r' % (case, hang_up['status'], again['status'], again['result']))
        deletes = recorded(emu, 'DELETE', suffix='%s/%s' % (CALLS, call_id))
        if len(deletes) != 1:
            problems.append('%s: %d DELETEs; an ended call is not hung up again' % (case, len(deletes)))
        if emu.call(call_id)['state'] != 'terminated':
            problems.append('%s: the call is %s' % (case, emu.call(call_id)['state']))
    assert not problems, '\n'.join(problems)
    assert len(recorded(emu, 'DELETE', contains=CALLS)) == len(cases), 'one DELETE per call, nothing else deleted'


def test_an_ambiguous_create_is_never_sent_twice(emu, meeting, tasks):
    emu.add_faults({'method': 'POST', 'path': CALLS + '$', 'action': 'commit_then_status', 'status': 503, 'times': 1})
    run = tasks([('Join', 'graph_call', join(meeting['joinWebUrl']))])
    result = run.task('Join')['result']
    assert run.task('Join')['status'] == 'failed'
    assert result['state'] == 'unknown' and 'not sent again' in result['msg']
    assert len(create_posts(emu)) == 1


def test_joining_twice_refused_by_graph_says_to_pass_the_call_id(emu, meeting, tasks):
    # Two machines (no shared call record) join one meeting: Graph refuses the second.
    emu.config(join_twice='error')
    run = tasks([('One', 'graph_call', join(meeting['joinWebUrl'], call_record=False)), ('Two', 'graph_call', join(meeting['joinWebUrl'], call_record=False))])
    assert run.task('One')['status'] == 'changed'
    two = run.task('Two')['result']
    assert run.task('Two')['status'] == 'failed' and 'pass the call_id' in two['msg']


@pytest.mark.parametrize('join_twice', ['second_call', 'replace', 'error'])
def test_the_call_id_keeps_one_call_whatever_graph_does_with_a_second_join(emu, meeting, tasks, join_twice):
    # join_twice is read when a call is created, so it is global: one run per value, the join and its re-run (with the call
    # id the join reported) as two tasks of it.
    emu.config(join_twice=join_twice)
    run = tasks(
        [
            ('Join', 'graph_call', join(meeting['joinWebUrl']), {'register': 'joined'}),
            ('Join again', 'graph_call', join(meeting['joinWebUrl'], call_id='{{ joined.call_id }}')),
        ]
    )
    first = run.task('Join')['result']
    assert len(create_posts(emu)) == 1
    assert emu.call(first['call_id'])['state'] == 'established'


@pytest.mark.parametrize('callback_uri', ['required', 'optional'])
def test_the_callback_uri_is_always_sent(emu, meeting, tasks, callback_uri):
    emu.config(callback_uri=callback_uri)
    run = tasks([('Join', 'graph_call', join(meeting['joinWebUrl'])), ('No callback', 'graph_call', dict(join_url=meeting['joinWebUrl']))])
    assert run.task('Join')['result']['state'] == 'established'
    assert create_posts(emu)[0]['body']['callbackUri'] == CALLBACK
    assert 'callback_uri must be' in run.task('No callback')['result']['msg']
    assert len(create_posts(emu)) == 1, 'bad input never leaves the controller'


@pytest.mark.parametrize('group_call_on_hangup', ['continues', 'ends'])
def test_a_group_call_rings_its_targets_and_hangs_up(emu, tasks, group_call_on_hangup):
    # The call and its hang-up (with the call id the call reported) as two tasks of one play: nothing changes in between.
    emu.clock(tick=1)
    emu.config(group_call_on_hangup=group_call_on_hangup)
    run = tasks(
        [
            ('Call', 'graph_call', dict(targets=[{'user': A}], callback_uri=CALLBACK, wait_sleep=0.1), {'register': 'placed'}),
            ('Hang up', 'graph_call', dict(state='absent', call_id='{{ placed.call_id }}')),
        ]
    )
    result = run.task('Call')['result']
    assert result['state'] == 'established', result
    assert create_posts(emu)[0]['body']['targets'][0]['identity']['user']['id'] == A
    assert run.task('Hang up')['status'] == 'changed'
    assert run.task('Hang up')['result']['call_id'] == result['call_id']
    assert emu.call(result['call_id'])['state'] == 'terminated'


@pytest.mark.parametrize('meeting_user_upn', ['accepted', 'rejected'])
def test_meeting_created_once_by_external_id(emu, tasks, meeting_user_upn):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.config(meeting_user_upn=meeting_user_upn)
    args = dict(organizer='ic@contoso.com', external_id='INC-7', subject='INC-7: payments')
    run = tasks([('First', 'graph_online_meeting', args), ('Again', 'graph_online_meeting', dict(args, subject='INC-7: renamed'))])
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


def test_hang_up_previews_the_call_it_ends_and_warns_on_a_call_graph_does_not_know(emu, tasks):
    # The preview of a hang-up (a real call id, then the check-mode marker), the hang-up itself, and a mistyped id, in one
    # play: each diff says which call goes, as the real run's does; a call Graph does not know is said, not passed over.
    call = emu.create_call()
    marker = 'check-mode.invalid-call-not-created'
    run = tasks(
        [
            ('Preview', 'graph_call', dict(state='absent', call_id=call['id']), {'check_mode': True, 'diff': True}),
            ('Preview the marker', 'graph_call', dict(state='absent', call_id=marker), {'check_mode': True, 'diff': True}),
            ('Hang up', 'graph_call', dict(state='absent', call_id=call['id']), {'diff': True}),
            ('Mistyped', 'graph_call', dict(state='absent', call_id='0b000000-no-such-call')),
        ]
    )
    gone = {'before': 'call %s: established\n' % call['id'], 'after': ''}
    preview, real = run.task('Preview'), run.task('Hang up')
    assert preview['status'] == 'changed' and preview['result']['diff'] == gone, preview['result']
    assert real['status'] == 'changed' and real['result']['diff'] == gone, real['result']
    assert '-call %s: established' % call['id'] in run.output
    placeholder = run.task('Preview the marker')['result']
    assert placeholder['diff']['after'] == '' and placeholder['diff']['before'].startswith('call %s: ' % marker), placeholder
    assert 'to be created' not in run.output and '+call' not in run.output
    mistyped = run.task('Mistyped')
    assert mistyped['status'] == 'ok' and mistyped['result']['state'] == 'gone', mistyped['result']
    warning = ' '.join(mistyped['result'].get('warnings', []))
    assert 'no such call was found' in warning and '404' in warning and '0b000000-no-such-call' in warning, warning
    assert len(recorded(emu, 'DELETE', contains=CALLS)) == 1, 'only the real hang-up sends a DELETE'
