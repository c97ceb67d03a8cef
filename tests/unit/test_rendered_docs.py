# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules' documentation as ansible-doc renders it says what the code does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import ATTEMPT_ID_LENGTH

MODULES = (
    'graph_call',
    'graph_call_escalate',
    'graph_call_info',
    'graph_call_invite',
    'graph_call_participant_info',
    'graph_call_probe',
    'graph_online_meeting',
)
ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')


def ansible_doc(*args):
    return subprocess.run([ANSIBLE_DOC] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=True).stdout


@pytest.fixture(scope='module')
def docs():
    rendered = json.loads(ansible_doc('--json', *['msgraph.calls.' + name for name in MODULES]))
    return dict((name, rendered['msgraph.calls.' + name]) for name in MODULES)


def test_each_module_has_its_own_notes(docs):
    # The invite module's permissions and "a party to the call" are not graph_call's (it creates the call) nor the meeting's.
    for name in ('graph_call', 'graph_online_meeting'):
        notes = ' '.join(docs[name]['doc'].get('notes', []))
        assert '(to invite)' not in notes and 'party to the call' not in notes, (name, notes)
    for name in ('graph_call_invite', 'graph_call_escalate'):
        assert 'C(Calls.InitiateGroupCall.All) (to invite)' in ' '.join(docs[name]['doc']['notes']), name


def test_retries_speak_of_every_write(docs):
    text = ' '.join(docs['graph_call']['doc']['options']['retries']['description'])
    assert 'A write that could act twice (an invite, a call\'s creation)' in text, text


def test_every_module_takes_default_region(docs):
    for name in MODULES:
        assert docs[name]['doc']['options']['default_region']['type'] == 'str', name


def test_the_call_id_example_renders_whole():
    text = ' '.join(ansible_doc('msgraph.calls.graph_call').split())
    assert '"{{ saved_call_id | default(\'\') }}"' in text, text


def test_the_client_context_return_counts_the_digits_sent(docs):
    text = docs['graph_call_invite']['return']['client_context']['description']
    assert '<base>~<%d hex digits>' % ATTEMPT_ID_LENGTH in text, text


def test_the_batch_example_sends_what_its_name_says(docs):
    examples = yaml.safe_load(docs['graph_call_invite']['examples'])
    tasks = [task for entry in examples for task in entry.get('block', [entry])]
    seven = [task for task in tasks if task['name'].startswith('Invite seven people')]
    assert seven and 'five per invite request' in seven[0]['name']
    assert seven[0]['msgraph.calls.graph_call_invite']['batch_size'] == 5
