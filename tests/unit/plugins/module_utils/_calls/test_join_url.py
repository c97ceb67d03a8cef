# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Teams links and meeting coordinates -> what Graph joins with; the vectors are the join link of the Microsoft Graph docs' call
resource, Microsoft's microsoft-graph-comms-samples JoinInfo tests, and the short link of that repository's issue #829."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.join_url import (
    JoinInfoError,
    meeting_coordinates,
    parse_join_url,
)

TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
DOC_ENCODED = (
    'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk'
    '%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%224b4442'
    '06-207c-42f8-92a6-e332b41c88a2%22%7d'
)
DOC_DECODED = (
    'https://teams.microsoft.com/l/meetup-join/19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk'
    '@thread.v2/0?context={"Tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","Oid":"4b444206-207c-42f8-92a6-e332b41c88a2"}'
)
SAMPLE_DECODED = (
    'https://teams.microsoft.com/l/meetup-join/19:cd9ce3da56624fe69c9d7cd026f9126d@thread.skype/1509579179399'
    '?context={"Tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","Oid":"550fae72-d251-43ec-868c-373732c2704f",'
    '"MessageId":"1536978844957"}'
)
SAMPLE_ENCODED = (
    SAMPLE_DECODED.split('?', maxsplit=1)[0].replace(':', '%3a').replace('%3a//', '://').replace('@', '%40')
    + '?context='
    + quote(SAMPLE_DECODED.split('context=')[1], safe='')
)
SHORT = 'https://teams.microsoft.com/meet/2414128301281?p=NzhDLMLT8b07DrkwkE'


@pytest.mark.parametrize('url', [DOC_ENCODED, DOC_DECODED])
def test_the_documented_link_in_both_forms(url):
    found = parse_join_url(url)
    assert found['thread_id'] == '19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk@thread.v2'
    assert found['message_id'] == '0'
    assert found['organizer_id'] == '4b444206-207c-42f8-92a6-e332b41c88a2'
    assert found['tenant_id'] == TID
    assert found['reply_chain_message_id'] is None


@pytest.mark.parametrize('url', [SAMPLE_DECODED, SAMPLE_ENCODED])
def test_the_samples_vectors_with_a_reply_chain(url):
    found = parse_join_url(url)
    assert found['thread_id'] == '19:cd9ce3da56624fe69c9d7cd026f9126d@thread.skype'
    assert found['message_id'] == '1509579179399'
    assert found['reply_chain_message_id'] == '1536978844957'
    assert found['organizer_id'] == '550fae72-d251-43ec-868c-373732c2704f'


def test_the_short_link():
    found = parse_join_url(SHORT)
    assert (found['join_meeting_id'], found['passcode'], found['tenant_id']) == ('2414128301281', 'NzhDLMLT8b07DrkwkE', None)


def test_a_short_link_takes_the_connection_tenant_unless_meeting_names_one():
    assert meeting_coordinates(SHORT, None, TID)['tenant_id'] == TID
    other = '11111111-2222-3333-4444-555555555555'
    coords = meeting_coordinates(SHORT, {'tenant_id': other}, TID)
    assert (coords['kind'], coords['tenant_id']) == ('join_meeting_id', other)


def test_the_link_tenant_wins_over_the_connection_tenant():
    coords = meeting_coordinates(DOC_DECODED, None, '11111111-2222-3333-4444-555555555555')
    assert (coords['kind'], coords['tenant_id']) == ('organizer', TID)


def test_a_context_less_link_needs_the_organizer():
    bare = DOC_DECODED.split('?', maxsplit=1)[0]
    with pytest.raises(JoinInfoError, match='meeting.organizer_id'):
        meeting_coordinates(bare, None, TID)
    coords = meeting_coordinates(bare, {'organizer_id': '4b444206-207c-42f8-92a6-e332b41c88a2'}, TID)
    assert coords['organizer_id'] == '4b444206-207c-42f8-92a6-e332b41c88a2'


def test_coordinates_without_a_link():
    coords = meeting_coordinates(None, {'thread_id': '19:meeting_x@thread.v2', 'organizer_id': '4B444206-207C-42F8-92A6-E332B41C88A2'}, TID)
    assert (coords['kind'], coords['message_id']) == ('organizer', '0')
    assert meeting_coordinates(None, {'join_meeting_id': '123', 'passcode': 'x'}, TID)['kind'] == 'join_meeting_id'
    assert meeting_coordinates(None, {}, TID) is None


@pytest.mark.parametrize(
    'url, rule',
    [
        ('http://teams.microsoft.com/meet/1?p=x', 'https'),
        ('https://teams.live.com/meet/123?p=x', 'personal'),
        ('https://teams.microsoft.com/l/chat/19:x@thread.v2/0', 'not a Teams meeting link'),
        ('https://teams.microsoft.com/meet/abc?p=x', 'digits'),
        ('https://teams.microsoft.com/l/meetup-join/notathread/0', 'thread id'),
        ('https://teams.microsoft.com/l/meetup-join/19:meeting_x@thread.v2/zero', 'digits'),
        ('https://teams.microsoft.com/l/meetup-join/19:meeting_x@thread.v2/0?context=%7bnope', 'not JSON'),
        ('https://teams.microsoft.com/l/meetup-join/19:meeting_x@thread.v2/0?context=[1]', 'JSON object'),
        ('', 'must be a Teams meeting link'),
    ],
)
def test_links_it_refuses_name_the_rule(url, rule):
    with pytest.raises(JoinInfoError, match=rule):
        parse_join_url(url)


@pytest.mark.parametrize(
    'meeting, rule',
    [
        ({'thread_id': '19:meeting_x@thread.v2', 'join_meeting_id': '1'}, 'not both'),
        ({'message_id': '0'}, 'thread_id'),
        ({'thread_id': '19:meeting_x@thread.v2', 'organizer_id': 'sam@example.com'}, 'GUID'),
        ({'join_meeting_id': '12a'}, 'digits'),
    ],
)
def test_coordinates_it_refuses_name_the_rule(meeting, rule):
    with pytest.raises(JoinInfoError, match=rule):
        meeting_coordinates(None, meeting, TID)
