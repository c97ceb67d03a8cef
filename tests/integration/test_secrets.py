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

import pytest

from conftest import SESSION_SECRETS, PlaybookRun, find_leaks
from test_roles_bridge import run_roles

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


# Secrets given beside malformed input: Ansible gave up hiding no_log values when one list element was neither a
# string nor a mapping, and the invocation at -vvv showed them.
WRONG_TOKEN = 'access-token-beside-wrong-shapes-4d1f'
WRONG_PASSWORD = 'certificate-password-beside-wrong-shapes-8c2e'
WRONG_FEDERATED = 'federated-token-beside-wrong-shapes-77a1'
SESSION_SECRETS.extend([WRONG_TOKEN, WRONG_PASSWORD, WRONG_FEDERATED])
# What a template may render in place of a list of mappings, or of one mapping.
LIST_SHAPES = [[5], [[1, 2]], [None], [[{'user': A}]], [{'user': A}, 3.5], 7, 'text', {'user': A}]
DICT_SHAPES = [5, [1, 2], 'not key=value', None]
PARTICIPANT = {'user': A}
# module -> (valid arguments, {path of a list or mapping option: the shapes it gets}); every such option of every module.
WRONG_SHAPES = {
    'graph_call_invite': (
        {'call_id': 'c', 'participants': [PARTICIPANT]},
        {('participants',): LIST_SHAPES, ('participants', 0, 'identity'): DICT_SHAPES},
    ),
    'graph_call': (
        {'targets': [PARTICIPANT], 'callback_uri': 'https://bot.example/callback'},
        {('targets',): LIST_SHAPES, ('targets', 0, 'identity'): DICT_SHAPES, ('meeting',): DICT_SHAPES + [[{'join_url': 'x'}]]},
    ),
    'graph_call_escalate': (
        {'call_id': 'c', 'tiers': [{'participants': [PARTICIPANT]}], 'validate_only': True},
        {
            ('tiers',): LIST_SHAPES,
            ('tiers', 0, 'participants'): LIST_SHAPES,
            ('tiers', 0, 'participants', 0, 'identity'): DICT_SHAPES,
        },
    ),
    'graph_call_participant_info': ({'call_id': 'c', 'identities': [A]}, {('identities',): LIST_SHAPES}),
}


def with_shape(args, path, shape):
    args = json.loads(json.dumps(args))
    target = args
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = shape
    return args


def test_no_secret_beside_wrong_shapes_at_vvv(emu, tasks):
    steps = []
    for module, (valid, options) in WRONG_SHAPES.items():
        for path, shapes in options.items():
            for index, shape in enumerate(shapes):
                args = with_shape(valid, path, shape)
                # client_secret comes from module_defaults; the other secrets are given here.
                args.update(access_token=WRONG_TOKEN, client_certificate_password=WRONG_PASSWORD, federated_token=WRONG_FEDERATED)
                steps.append(('%s %s %d' % (module, '.'.join(map(str, path)), index), module, args))
    # The secrets themselves in odd shapes, beside a bad list: each part is hidden.
    for index, secret in enumerate([[WRONG_TOKEN, 12345678], {'k': WRONG_TOKEN}, 987654321]):
        steps.append(('secret shape %d' % index, 'graph_call_invite', {'call_id': 'c', 'participants': [5], 'access_token': secret}))
    run = tasks(steps, extra_args=('-vvv',))
    assert_clean(run, emu, WRONG_TOKEN, WRONG_PASSWORD, WRONG_FEDERATED, '12345678', '987654321')
    failed = [r for r in run.records if r['status'] == 'failed']
    assert len(failed) >= len(steps) - 6, [r['task'] for r in run.records if r['status'] != 'failed']
    for record in failed:
        assert 'Traceback' not in json.dumps(record['result']), record
    shown = run.task('graph_call_invite participants 0')['result']
    assert shown['msg'].startswith('participants[0] must be a dictionary'), shown['msg']
    assert shown['invocation']['module_args']['access_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', shown['invocation']
    assert shown['invocation']['module_args']['federated_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', shown['invocation']


@pytest.mark.parametrize(
    'role, variable, shapes',
    [
        ('page_responders', ('page_responders_participants',), LIST_SHAPES),
        ('escalate', ('escalate_tiers',), LIST_SHAPES),
        ('escalate', ('escalate_tiers', 0, 'participants'), LIST_SHAPES),
        ('incident_bridge', ('incident_bridge_tiers',), LIST_SHAPES),
    ],
)
def test_no_role_secret_beside_wrong_shapes_at_vvv(emu, playbook, tmp_path, graph, role, variable, shapes):
    base = {
        'page_responders_call_id': 'c',
        'page_responders_participants': [PARTICIPANT],
        'escalate_call_id': 'c',
        'escalate_tiers': [{'participants': [PARTICIPANT]}],
        'incident_bridge_organizer': A,
        'incident_bridge_tiers': [{'participants': [PARTICIPANT]}],
    }
    cases = {}
    for index, shape in enumerate(shapes):
        case = with_shape(base, variable, shape)
        case.update(role_name='msgraph.calls.' + role, role_result=role + '_result')
        case[role + '_connection'] = dict(graph, access_token=WRONG_TOKEN, client_certificate_password=WRONG_PASSWORD)
        cases['case%d' % index] = case
    run = run_roles(playbook, tmp_path, cases, extra_args=('-vvv',))[0]
    assert_clean(run, emu, WRONG_TOKEN, WRONG_PASSWORD)
