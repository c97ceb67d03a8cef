# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The records a machine keeps between tasks: where they are, what the invite record holds (and does not), the call record."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import checked_record, record_path
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_plan import call_key
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_record import CallRecord
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_history import InviteHistory
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
PHONE = '+14255550100'
HOME = {'HOME': '/home/ops'}
DEFAULT = '/home/ops/.ansible/msgraph.calls/invites.jsonl'

# (option value, environment, expected path)
PATHS = [
    (None, {}, DEFAULT),
    (True, {}, DEFAULT),
    ('default', {}, DEFAULT),
    (False, {}, None),
    ('false', {}, None),
    ('', {}, None),
    ('/srv/records/invites.jsonl', {}, '/srv/records/invites.jsonl'),
    (None, {'MSGRAPH_HISTORY_FILE': 'false'}, None),
    (None, {'MSGRAPH_HISTORY_FILE': '/srv/x.jsonl'}, '/srv/x.jsonl'),
    (True, {'MSGRAPH_HISTORY_FILE': 'false'}, DEFAULT),
]


@pytest.mark.parametrize('value,environ,expected', PATHS)
def test_record_path(value, environ, expected):
    path, dummy = record_path('history_file', value, 'MSGRAPH_HISTORY_FILE', 'invites.jsonl', dict(HOME, **environ))
    assert path == expected


def test_record_path_refuses_other_types():
    with pytest.raises(InputError, match='history_file must be a file path, true'):
        record_path('history_file', 5, 'MSGRAPH_HISTORY_FILE', 'invites.jsonl', HOME)


def test_the_default_record_folder_is_created_private(tmp_path):
    path = checked_record('history_file', None, 'MSGRAPH_HISTORY_FILE', 'invites.jsonl', {'HOME': str(tmp_path)})
    assert path == str(tmp_path / '.ansible' / 'msgraph.calls' / 'invites.jsonl')
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700


def test_a_named_record_in_a_folder_others_write_is_refused(tmp_path):
    loose = tmp_path / 'shared'
    loose.mkdir()
    os.chmod(str(loose), 0o777)
    with pytest.raises(InputError, match='chmod go-w'):
        checked_record('history_file', str(loose / 'invites.jsonl'), 'MSGRAPH_HISTORY_FILE', 'invites.jsonl', {'HOME': str(tmp_path)})


@pytest.fixture
def record_dir(tmp_path):
    folder = tmp_path / 'state'
    folder.mkdir(mode=0o700)
    return folder


def test_the_invite_record_holds_no_identity_in_clear(record_dir):
    path = str(record_dir / 'invites.jsonl')
    people = parse_participants([{'user': A, 'display_name': 'Primary on-call'}, {'phone': PHONE}])
    InviteHistory(path, 'call-1', 'base', clock=lambda: 1000.0).record([('base~1', 'sent', 'op-1', [inv.match for inv in people])])
    text = open(path).read()
    for clear in (A, A.lower(), PHONE, PHONE[1:], 'Primary on-call'):
        assert clear not in text
    assert os.stat(path).st_mode & 0o777 == 0o600
    # Read back, the people of the task are recognised; someone else is not.
    again = parse_participants([{'phone': PHONE}, {'user': '1e126418-44a0-4a94-a6f8-0efe1ad71acb'}])
    operations = InviteHistory(path, 'call-1', 'base').operations(again)
    assert [op['id'] for op in operations] == ['op-1']
    assert [sorted(k for k in p['identity'] if not k.startswith('@')) for p in operations[0]['participants']] == [['phone']]


def test_the_salt_is_kept_and_other_families_are_apart(record_dir):
    path = str(record_dir / 'invites.jsonl')
    people = parse_participants([{'user': A}])
    InviteHistory(path, 'call-1', 'base', clock=lambda: 1000.0).record([('base~1', 'attempt', None, [people[0].match])])
    InviteHistory(path, 'call-1', 'other', clock=lambda: 1001.0).record([('other~1', 'sent', 'op-9', [people[0].match])])
    InviteHistory(path, 'call-1', 'base', clock=lambda: 1002.0).record([('base~1', 'unknown', None, [people[0].match])])
    operations = InviteHistory(path, 'call-1', 'base').operations(people)
    assert [(op['clientContext'], op['recorded_state'], len(op['participants'])) for op in operations] == [('base~1', 'unknown', 1)]
    assert open(path).read().count('"salt"') == 1


def test_version_1_records_are_still_read(record_dir):
    path = record_dir / 'invites.jsonl'
    path.write_text(
        '{"v": 1, "at": 5, "call_id": "call-1", "base": "base", "client_context": "base~1", "state": "sent", "operation_id": "op-1", '
        '"participants": [{"identity": {"user": {"id": "%s"}}}]}\n' % A
    )
    os.chmod(str(path), 0o600)
    operations = InviteHistory(str(path), 'call-1', 'base').operations([])
    assert operations[0]['participants'] == [{'identity': {'user': {'id': A}}}]


def test_the_call_record_finds_the_latest_call_of_a_meeting(record_dir):
    record = CallRecord(str(record_dir / 'calls.jsonl'), str(record_dir), 0)
    meeting = {'kind': 'organizer', 'thread_id': '19:meeting_X@thread.v2', 'message_id': '0'}
    key = call_key(meeting)
    assert record.find(key) is None
    record.keep(key, 'call-1')
    record.keep(key, 'call-2')
    record.keep(call_key(dict(meeting, thread_id='19:meeting_Y@thread.v2')), 'call-3')
    assert record.find(key) == 'call-2'
    assert 'meeting_X' not in open(str(record_dir / 'calls.jsonl')).read()


# (coordinates, targets, expected key)
KEYS = [
    ({'kind': 'organizer', 'thread_id': '19:Meeting_X@thread.v2', 'message_id': None}, None, 'meeting:19:meeting_x@thread.v2:0'),
    ({'kind': 'join_meeting_id', 'join_meeting_id': '1234567890', 'tenant_id': 'T'}, None, 'meeting-id:t:1234567890'),
    (None, parse_participants([{'user': A}, {'user': '1E126418-44A0-4A94-A6F8-0EFE1AD71ACB'}], option='targets'), None),
    (None, None, None),
]


@pytest.mark.parametrize('coordinates,targets,expected', KEYS)
def test_call_key(coordinates, targets, expected):
    key = call_key(coordinates, targets)
    if targets:
        assert key.startswith('group-call:') and key == call_key(None, list(reversed(targets)))
    else:
        assert key == expected
