# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The participants option: validation rules, normalisation, and the bodies Graph documents."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import invite_body
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import (
    check_region,
    merge_duplicates,
    parse_participants,
    parse_phone,
)

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+12345678901'
VECTORS_PATH = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'data', 'graph_invite_examples.json')
with open(VECTORS_PATH) as _handle:
    VECTORS = json.load(_handle)


@pytest.mark.parametrize(
    'raw,expected',
    [
        ('+12345678901', '+12345678901'),
        ('+1 (234) 567-8901', '+12345678901'),
        ('+1\t234 567 8901', '+12345678901'),
        ('+1.234.567.8901', '+12345678901'),
        ('+44 (0) 20 7946 0958', '+442079460958'),  # the trunk prefix is not dialled from abroad
        ('+4402079460958', '+442079460958'),  # what stripping punctuation alone would have sent
        ('+33 1 23 45 67 89', '+33123456789'),
        ('+61 450 078 883', '+61450078883'),
    ],
)
def test_phone_numbers_are_read_as_libphonenumber_reads_them(raw, expected):
    assert parse_phone(raw, 'phone') == expected


@pytest.mark.parametrize(
    'raw,message',
    [
        ('12345678901', 'is a national number .* set default_region'),  # no plus: no country to read it in
        ('0044 20 7946 0958', 'is a national number'),
        ('+12', 'cannot be read'),  # too short to be a number
        ('+999 1234', 'cannot be read'),  # no such country code
        ('+1 234', r'not a valid phone number for country code \+1'),
        ('+1234567890123456', 'not a valid phone number'),  # too long
        ('+1 425 555 0100 ext 5', 'has an extension'),
        ('+02345678901', 'cannot be read'),
        (None, 'must be a string'),
    ],
)
def test_phone_numbers_that_could_ring_the_wrong_person_are_refused(raw, message):
    with pytest.raises(InputError, match=message) as info:
        parse_phone(raw, 'participants[0].phone')
    assert str(info.value).startswith('participants[0].phone')
    assert 'default region.)' not in str(info.value), 'libphonenumber\'s words name an option that does not exist'


@pytest.mark.parametrize(
    'raw,region,expected',
    [
        ('(425) 555-0100', 'US', '+14255550100'),
        ('020 7946 0958', 'GB', '+442079460958'),  # the trunk prefix 0 is the country's own
        ('+33 1 23 45 67 89', 'US', '+33123456789'),  # an international number is read as written, whatever the region
    ],
)
def test_national_numbers_are_read_in_the_default_region(raw, region, expected):
    assert parse_phone(raw, 'phone', check_region(region.lower())) == expected
    assert parse_participants([{'phone': raw}], region=region)[0].ident == expected


@pytest.mark.parametrize(
    'value,message',
    [
        ('USA', 'default_region must be a country code of two letters'),
        (1, 'default_region must be a country code of two letters'),
        ('u1', 'default_region must be a country code of two letters'),
    ],
)
def test_a_bad_default_region_is_refused(value, message):
    with pytest.raises(InputError, match=message):
        check_region(value)


def test_a_region_libphonenumber_does_not_know_is_refused_naming_the_option():
    with pytest.raises(InputError, match="default_region 'XX' is no region"):
        parse_phone('(425) 555-0100', 'phone', check_region('XX'))


def test_a_national_number_without_a_region_names_the_option():
    with pytest.raises(InputError) as info:
        parse_participants([{'user': A}, {'phone': '(425) 555-0100'}])
    message = str(info.value)
    assert message.startswith("participants[1].phone: '(425) 555-0100' is a national number"), message
    assert 'default_region' in message and 'Missing or invalid' not in message


@pytest.mark.parametrize(
    'entries,message',
    [
        ([], 'participants must list at least one participant'),
        (None, 'participants must list at least one participant'),
        (
            [{'user': A, 'phone': PHONE}],
            r'participants\[0\] must have exactly one of user, phone, guest, '
            r'application_instance, identity; it has user, phone',
        ),
        ([{'user': A}, {'display_name': 'x'}], r'participants\[1\] must have exactly one of .*; it has none'),
        ([{'user': '', 'phone': None}], r'participants\[0\] must have exactly one of .*; it has none'),
        ([{'phone': '555-0123'}], r'participants\[0\]\.phone: .555-0123. is a national number'),
        ([{'user': 'bob'}], r'participants\[0\]\.user must be an Entra user object id \(a GUID\) or a user principal name'),
        ([{'guest': 'bob'}], r'participants\[0\]\.guest must be an object id \(a GUID\)'),
        ([{'application_instance': 'x@y.z'}], r'participants\[0\]\.application_instance must be an object id'),
        ([{'identity': {'user': {'displayName': 'no id'}}}], r'participants\[0\]\.identity must be an identitySet'),
        ([{'identity': {'user': {'id': A}}, 'display_name': 'x'}], r'participants\[0\]\.display_name cannot be combined with identity'),
        ([{'user': A, 'tenant_id': 'contoso'}], r'participants\[0\]\.tenant_id must be a tenant id'),
        ([{'user': A, 'endpoint_type': 'voicemail'}], r'participants\[0\]\.endpoint_type exists only in the beta API'),
        ([{'user': A, 'replaces_call_id': 'c'}, {'user': B}], r'participants: participants\[0\]\.replaces_call_id allow exactly one participant .*got 2'),
        ([{'user': A}, {'user': B, 'participant_id': 'p'}], r'participants\[1\]\.participant_id allow exactly one'),
        ([{'user': A, 'replaces_call_id': 'c'}, {'user': A}], r'allow exactly one participant'),
    ],
)
def test_bad_participants(entries, message):
    with pytest.raises(InputError, match=message):
        parse_participants(entries)


def test_endpoint_type_is_accepted_in_beta():
    invitees = parse_participants([{'user': A, 'endpoint_type': 'voicemail'}], api_version='beta')
    assert invitees[0].invitation()['endpointType'] == 'voicemail'


def test_duplicates_are_merged_with_a_warning():
    invitees, warnings = merge_duplicates(
        parse_participants(
            [
                {'user': A.upper(), 'display_name': 'First'},
                {'phone': PHONE},
                {'user': A, 'display_name': 'Second'},
                {'phone': '+1 234 567 8901'},
                {'identity': {'application': {'id': A}}},
            ]
        )
    )
    assert [inv.entry for inv in invitees] == [{'user': A, 'display_name': 'First'}, {'phone': PHONE}]
    assert len(warnings) == 3
    assert 'participants[2] repeats participants[0], user:%s (First);' % A in warnings[0]
    assert 'participants[3] repeats participants[1], phone:%s;' % PHONE in warnings[1]
    assert 'participants[4] repeats participants[0], user:%s (First);' % A in warnings[2]


def test_entries_keep_the_users_keys_only():
    invitees = parse_participants(
        [{'user': A, 'display_name': 'Ann', 'tenant_id': None, 'phone': None}, {'phone': ' +1 234 567 8901 ', 'display_name': '', 'hidden': False}]
    )
    assert [inv.entry for inv in invitees] == [{'user': A, 'display_name': 'Ann'}, {'phone': PHONE, 'hidden': False}]


def test_principal_names_wait_for_resolution():
    invitees = parse_participants([{'user': 'Alex_Fabrikam.com#EXT#@contoso.onmicrosoft.com'}])
    inv = invitees[0]
    assert inv.upn == 'Alex_Fabrikam.com#EXT#@contoso.onmicrosoft.com' and inv.ident is None
    inv.resolve(A.upper())
    assert inv.label == 'user:' + A
    assert inv.entry == {'user': 'Alex_Fabrikam.com#EXT#@contoso.onmicrosoft.com'}
    assert inv.invitation()['identity']['user']['id'] == A


@pytest.mark.parametrize('option,kind', [('guest', 'guest'), ('application_instance', 'applicationInstance')])
def test_other_identity_kinds(option, kind):
    inv = parse_participants([{option: A.upper(), 'display_name': 'X'}])[0]
    assert inv.label == '%s:%s' % (kind, A)
    assert inv.invitation()['identity'] == {
        '@odata.type': '#microsoft.graph.identitySet',
        kind: {'@odata.type': '#microsoft.graph.identity', 'id': A, 'displayName': 'X'},
    }


def test_raw_identity_is_sent_unchanged():
    raw = {'encrypted': {'id': 'ZW5j', 'displayName': 'E'}, 'custom': 'kept'}
    inv = parse_participants([{'identity': copy.deepcopy(raw), 'hidden': True}])[0]
    assert inv.label == 'encrypted:ZW5j'
    assert inv.invitation() == {'@odata.type': '#microsoft.graph.invitationParticipantInfo', 'hidden': True, 'identity': raw}


# Section 7 of the Graph facts: the documented request bodies are test vectors. Given the equivalent
# options (module_participants in the data file), the module builds that body, clientContext aside.
@pytest.mark.parametrize('vector', VECTORS, ids=[v['name'].split(' ')[0] for v in VECTORS])
def test_documented_bodies(vector):
    expected = copy.deepcopy(vector['body'])
    for info in expected['participants']:
        for key in vector.get('module_omits', []):
            del info[key]
    invitees = parse_participants(vector['module_participants'], api_version=vector['version'])
    assert invite_body(expected['clientContext'], invitees) == expected
