# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call's pure parts: the create-call bodies (shaped as Graph's examples 3, 5 and 7), call states, end reasons."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_plan import (
    check_targets,
    end_reason,
    group_call_body,
    has_ended,
    join_body,
    same_meeting,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.join_url import meeting_coordinates
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants

TID = '86dc81db-c112-4228-9222-63f3e5aa1edb'
ORGANIZER = '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96'
THREAD = '19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2'
CALLBACK = 'https://bot.contoso.com/callback'


def test_join_by_organizer_is_shaped_as_example_5():
    body = join_body(meeting_coordinates(None, {'thread_id': THREAD, 'organizer_id': ORGANIZER}, TID), CALLBACK)
    assert body == {
        '@odata.type': '#microsoft.graph.call',
        'callbackUri': CALLBACK,
        'requestedModalities': ['audio'],
        'mediaConfig': {'@odata.type': '#microsoft.graph.serviceHostedMediaConfig'},
        'chatInfo': {'@odata.type': '#microsoft.graph.chatInfo', 'threadId': THREAD, 'messageId': '0', 'replyChainMessageId': None},
        'meetingInfo': {
            '@odata.type': '#microsoft.graph.organizerMeetingInfo',
            'organizer': {
                '@odata.type': '#microsoft.graph.identitySet',
                'user': {'@odata.type': '#microsoft.graph.identity', 'id': ORGANIZER, 'tenantId': TID},
            },
            'allowConversationWithoutHost': True,
        },
        'tenantId': TID,
    }


def test_join_by_meeting_id_is_shaped_as_example_7():
    body = join_body(meeting_coordinates('https://teams.microsoft.com/meet/1234567?p=psw123', None, TID), CALLBACK, subject='INC-1')
    assert body['meetingInfo'] == {'@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', 'joinMeetingId': '1234567', 'passcode': 'psw123'}
    assert (body['tenantId'], body['subject']) == (TID, 'INC-1')
    assert 'chatInfo' not in body


def test_group_call_rings_its_targets_as_example_3():
    targets = parse_participants([{'user': ORGANIZER, 'display_name': 'Bob'}], option='targets')
    body = group_call_body(targets, CALLBACK, TID)
    assert body['direction'] == 'outgoing'
    assert body['targets'] == [
        {
            '@odata.type': '#microsoft.graph.invitationParticipantInfo',
            'identity': {
                '@odata.type': '#microsoft.graph.identitySet',
                'user': {'@odata.type': '#microsoft.graph.identity', 'id': ORGANIZER, 'displayName': 'Bob'},
            },
        }
    ]
    assert 'meetingInfo' not in body and 'chatInfo' not in body


@pytest.mark.parametrize(
    'entries, rule',
    [
        ([{'user': '%08d-0000-4000-8000-000000000000' % n} for n in range(6)], 'at most 5'),
        ([{'phone': '+14255550123'}], 'targets\\[0\\].phone'),
    ],
)
def test_targets_graph_cannot_ring(entries, rule):
    with pytest.raises(ValueError, match=rule):
        check_targets(parse_participants(entries, option='targets'))


@pytest.mark.parametrize(
    'call, ended',
    [
        (None, True),
        ({'state': 'terminated'}, True),
        ({'state': 'Terminating'}, True),
        ({'state': 'establishing'}, False),
        ({'state': 'established'}, False),
        ({}, False),
    ],
)
def test_what_counts_as_ended(call, ended):
    assert has_ended(call) is ended


def test_end_reasons_say_what_to_do():
    info, sentence = end_reason(
        {'state': 'terminated', 'resultInfo': {'code': 408, 'subcode': 8537, 'message': 'Keep Alive timeout, cleaned up inactive call.'}}
    )
    assert info == {'code': 408, 'subcode': 8537, 'message': 'Keep Alive timeout, cleaned up inactive call.'}
    assert 'every 15 minutes' in sentence
    info, sentence = end_reason({'state': 'terminated', 'resultInfo': {'code': '400', 'subCode': '2203', 'message': 'x'}})
    assert info['subcode'] == '2203' and 'could not join the meeting' in sentence
    assert end_reason(None)[0] is None and 'Graph no longer knows the call (404)' in end_reason(None)[1]


def test_same_meeting_compares_what_both_sides_name():
    coords = {'thread_id': THREAD}
    assert same_meeting({'chatInfo': {'threadId': THREAD.upper()}}, coords) is True
    assert same_meeting({'chatInfo': {'threadId': '19:other@thread.v2'}}, coords) is False
    assert same_meeting({'chatInfo': None}, coords) is None
    assert same_meeting({'meetingInfo': {'joinMeetingId': '12'}}, {'join_meeting_id': '12'}) is True
    assert same_meeting({}, None) is None
