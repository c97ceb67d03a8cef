# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_online_meeting's pure parts: the createOrGet body (Microsoft Graph docs: onlineMeeting: createOrGet) and the meeting it returns."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.meeting import (
    create_or_get_body,
    lobby_differs,
    lobby_line,
    lobby_settings,
    meeting_result,
)
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

ORGANIZER = '1f35f2e6-9cab-44ad-8d5a-b74c14720000'


def test_the_body_holds_what_was_given():
    assert create_or_get_body('INC-1') == {'externalId': 'INC-1'}
    assert create_or_get_body('INC-1', 'Outage', '2020-02-06T01:49:21.3524945+00:00', '2020-02-06T02:19:21Z') == {
        'externalId': 'INC-1',
        'subject': 'Outage',
        'startDateTime': '2020-02-06T01:49:21.3524945+00:00',
        'endDateTime': '2020-02-06T02:19:21Z',
    }


@pytest.mark.parametrize(
    'args, rule',
    [
        (('',), 'external_id must not be empty'),
        (('X', None, None, '2026-01-01T00:00:00Z'), 'needs start_date_time'),
        (('X', None, '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'), 'must not be before'),
        (('X', None, 'tomorrow'), 'ISO 8601'),
        (('X', None, '2026-01-01T00:00:00'), 'time zone'),
    ],
)
def test_times_graph_would_refuse_are_refused_first(args, rule):
    with pytest.raises(ValueError, match=rule):
        create_or_get_body(*args)


def test_the_result_plugs_into_graph_call():
    meeting = {
        'id': 'MSpk',
        'joinWebUrl': 'https://teams.microsoft.com/l/meetup-join/x',
        'subject': 'S',
        'externalId': 'INC-1',
        'chatInfo': {'threadId': '19:meeting_x@thread.v2', 'messageId': '0', 'replyChainMessageId': None},
        'joinMeetingIdSettings': {'joinMeetingId': '1234567890', 'passcode': 'abc', 'isPasscodeRequired': True},
    }
    result = meeting_result(meeting, ORGANIZER, 'tenant-guid')
    assert result['meeting'] == {
        'thread_id': '19:meeting_x@thread.v2',
        'message_id': '0',
        'reply_chain_message_id': None,
        'organizer_id': ORGANIZER,
        'tenant_id': 'tenant-guid',
    }
    assert (result['meeting_id'], result['join_meeting_id'], result['passcode']) == ('MSpk', '1234567890', 'abc')
    del meeting['chatInfo']
    assert meeting_result(meeting, ORGANIZER)['meeting'] == {'join_meeting_id': '1234567890', 'passcode': 'abc', 'tenant_id': None}


@pytest.mark.parametrize(
    'have,scope,dial_in,differs',
    [
        ({'scope': 'everyone', 'isDialInBypassEnabled': True}, 'everyone', True, False),
        ({'scope': 'Everyone', 'isDialInBypassEnabled': True}, 'everyone', True, False),
        ({'scope': 'organization', 'isDialInBypassEnabled': False}, 'everyone', True, True),
        ({'scope': 'everyone', 'isDialInBypassEnabled': False}, 'everyone', True, True),
        ({'scope': 'organization', 'isDialInBypassEnabled': False}, 'organization', False, False),
        (None, 'everyone', True, True),
        ({'scope': 'everyone'}, 'everyone', True, True),
    ],
)
def test_a_meeting_is_brought_to_the_lobby_settings_asked_for(have, scope, dial_in, differs):
    meeting = {'id': 'm'} if have is None else {'id': 'm', 'lobbyBypassSettings': have}
    assert lobby_differs(meeting, lobby_settings(scope, dial_in)) is differs


@pytest.mark.parametrize('scope,dial_in,rule', [('anyone', True, 'lobby_bypass_scope must be one of'), ('everyone', 'yes', 'lobby_dial_in_bypass')])
def test_lobby_settings_graph_would_refuse_are_refused_first(scope, dial_in, rule):
    with pytest.raises(InputError, match=rule):
        lobby_settings(scope, dial_in)


def test_the_lobby_is_returned_and_shown():
    result = meeting_result({'id': 'm', 'lobbyBypassSettings': {'scope': 'everyone', 'isDialInBypassEnabled': True}}, 'o')
    assert result['lobby_bypass_settings'] == {'scope': 'everyone', 'is_dial_in_bypass_enabled': True}
    assert lobby_line({'scope': 'organization', 'isDialInBypassEnabled': False}) == 'lobbyBypassSettings: scope=organization, isDialInBypassEnabled=false\n'
