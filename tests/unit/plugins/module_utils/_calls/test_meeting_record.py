# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The meeting record: what a real run keeps for check mode, found by tenant, organizer and external id."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.msgraph.calls.plugins.module_utils._calls.meeting_record import KEEP_DAYS, MeetingRecord, meeting_key

TENANT = '5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a'
ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'


def test_the_key_ignores_case_and_spaces_of_tenant_and_organizer_but_not_the_external_id():
    key = meeting_key(TENANT, 'ic@contoso.com', 'INC-1')
    assert meeting_key(TENANT.upper(), ' IC@Contoso.com ', 'INC-1') == key
    assert meeting_key(TENANT, 'ic@contoso.com', 'inc-1') != key
    assert meeting_key(None, 'ic@contoso.com', 'INC-1') != key
    assert 'contoso' not in key and 'INC' not in key, 'a hash, no names'


def test_the_last_record_of_a_key_wins_and_others_are_kept_apart(tmp_path):
    clock = [1000.0]
    record = MeetingRecord(str(tmp_path / 'meetings.jsonl'), clock=lambda: clock[0])
    one, two = meeting_key(TENANT, ORGANIZER, 'INC-1'), meeting_key(TENANT, ORGANIZER, 'INC-2')
    assert record.find(one) == (None, None), 'no file yet'
    assert record.keep(one, 'meeting-a', ORGANIZER) is None
    assert record.keep(two, 'meeting-b', ORGANIZER) is None
    assert record.keep(one, 'meeting-c', ORGANIZER) is None
    assert record.find(one) == ('meeting-c', ORGANIZER) and record.find(two) == ('meeting-b', ORGANIZER)
    assert oct(os.stat(record.path).st_mode & 0o777) == '0o600'
    clock[0] += KEEP_DAYS * 86400
    record.keep(two, 'meeting-d', ORGANIZER)
    assert record.find(one) == (None, None), 'older than KEEP_DAYS: dropped when the file was written'


def test_an_unreadable_or_odd_record_finds_nothing_and_a_failed_write_says_why(tmp_path):
    path = tmp_path / 'meetings.jsonl'
    key = meeting_key(TENANT, ORGANIZER, 'INC-1')
    valid = json.dumps({'v': 1, 'at': 1, 'key': key, 'meeting_id': 'meeting-a', 'organizer_id': ORGANIZER}) + '\n'
    path.write_text('torn line\n' + json.dumps({'v': 1, 'at': 1, 'key': key, 'meeting_id': 7, 'organizer_id': ORGANIZER}) + '\n')
    path.chmod(0o600)
    assert MeetingRecord(str(path)).find(key) == (None, None)
    path.write_text(valid)
    assert MeetingRecord(str(path)).find(key) == ('meeting-a', ORGANIZER), 'the same file, readable'
    path.chmod(0o644)  # others may read it: private_file refuses it
    assert MeetingRecord(str(path)).find(key) == (None, None)
    linked = tmp_path / 'link.jsonl'
    linked.symlink_to(path)
    assert MeetingRecord(str(linked)).keep(key, 'meeting-a', ORGANIZER), 'never written through a link'
