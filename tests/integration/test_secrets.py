# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No secret in any output: the runs below exercise the paths most likely to leak, at -vvvv with --diff.

Every playbook run of the whole integration session is also scanned when the session ends (the
``transcripts`` fixture in conftest.py), for the client secret, every access token and certificate
password the tests used, and anything that looks like a bearer header.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from conftest import SESSION_SECRETS, PlaybookRun, find_leaks

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
VERBOSE = ('-vvvv',)


def assert_clean(run, emu, *secrets):
    leaks = find_leaks([run], set(secrets) | {emu.info['client_secret']} | set(SESSION_SECRETS))
    assert not leaks, leaks


def test_the_scan_finds_a_leak():
    """The scan itself must be able to fail, or the whole-session check proves nothing."""
    secret = 'sup3r-secret-value'
    assert find_leaks([PlaybookRun(0, 'all good', [])], {secret}) == []
    assert find_leaks([PlaybookRun(0, 'oops ' + secret, [])], {secret})
    assert find_leaks([PlaybookRun(0, '', [{'result': {'x': secret}}])], {secret})
    assert find_leaks([PlaybookRun(0, 'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi', [])], set())
    assert find_leaks([PlaybookRun(0, 'Authorization: Bearer <redacted>', [])], set()) == []


def test_preview_and_invite_verbose_with_diff(emu, playbook):
    call = emu.create_call()
    for check in (True, False):
        run = playbook(
            'invite.yml',
            check=check,
            diff=True,
            extra_args=VERBOSE,
            invite={'call_id': call['id'], 'participants': [{'user': A}], 'wait': True, 'wait_sleep': 0.2},
        )
        assert run.rc == 0, run.output
        assert_clean(run, emu)
        assert 'client_secret' in run.output, 'the invocation is shown at -vvvv, masked'


def test_graph_error_verbose(emu, playbook):
    run = playbook('invite.yml', extra_args=VERBOSE, invite={'call_id': '00000000-0000-4000-8000-000000000000', 'participants': [{'user': A}]})
    assert run.rc != 0
    assert_clean(run, emu)


def test_token_error_verbose(emu, playbook, graph):
    wrong = 'wrong-secret-that-must-not-show'
    run = playbook(
        'invite.yml', graph=dict(graph, client_secret=wrong), extra_args=VERBOSE, invite={'call_id': emu.create_call()['id'], 'participants': [{'user': A}]}
    )
    assert run.rc != 0 and 'invalid_client' in run.result['msg']
    assert_clean(run, emu, wrong)


def test_access_token_never_shown(emu, task):
    token = emu.token()
    SESSION_SECRETS.append(token)
    call = emu.create_call()
    run = task(
        'graph_call_invite',
        {'call_id': call['id'], 'participants': [{'user': A}], 'auth_method': 'access_token', 'access_token': token, 'client_secret': None},
        diff=True,
        extra_args=VERBOSE,
    )
    assert run.rc == 0, run.output
    assert_clean(run, emu, token)
    reads = [r for r in emu.requests() if '/communications/' in r['path']]
    assert all(r['headers'].get('Authorization') == 'Bearer <redacted>' for r in reads)
    assert token not in json.dumps(emu.requests())
