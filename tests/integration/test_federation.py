# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Workload identity federation through real ansible-playbook runs: a federated token from the option, a file and the
environment, each refusal of Entra with its AADSTS code and what to fix, and the token cache per federated identity.

The emulator's test issuer mints the tokens (as GitHub, GitLab or a Kubernetes cluster would), the app trusts its
subject through config federated_credentials. Every run is at -vvvv; every token minted joins the session's scan for
secrets (conftest.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys
import textwrap

import pytest
import yaml

from conftest import SESSION_SECRETS, case_checks, invite_posts, ok
from test_client_auth import cache_file, graph_reads, run_cases, token_requests

SUBJECT = 'repo:contoso/incident-ops:environment:production'
UNTRUSTED = 'repo:contoso/somebody-else:ref:refs/heads/main'
# module_defaults carry the emulator's client secret; without it, auth_method=auto finds the federated token.
FEDERATED = {'client_secret': None}


def mint(emu, subject=SUBJECT, **claims):
    token = emu.federated_token(subject, **claims)
    SESSION_SECRETS.append(token)
    return token


def federated_requests(emu):
    """Token requests that carried a client assertion, never a secret; their statuses."""
    requests = token_requests(emu)
    assert all('client_secret' not in r['body'] and r['body'].get('client_assertion') == '<redacted>' for r in requests), [r['body'] for r in requests]
    return [r['status'] for r in requests]


@pytest.mark.floors
def test_federated_token_from_the_option_and_from_a_file(emu, tasks, tmp_path):
    emu.trust_subject(SUBJECT)
    token_file = tmp_path / 'azure-identity-token'
    token_file.write_text(mint(emu) + '\n')
    run, calls = run_cases(
        emu,
        tasks,
        {
            'option': dict(FEDERATED, federated_token=mint(emu)),
            'file': dict(FEDERATED, federated_token_file=str(token_file)),
            'file, method named': dict(FEDERATED, auth_method='federated_token', federated_token_file=str(token_file)),
        },
    )
    for case, call_id in calls.items():
        ok(run.task(case))
        assert graph_reads(emu, call_id), case
    assert federated_requests(emu) == [200, 200, 200]


def test_federated_token_from_the_environment(emu, tasks, tmp_path):
    # Run-wide variables, as a CI job or a pod has them (a task's `environment` would be shown at -vvvv).
    emu.trust_subject(SUBJECT)
    token_file = tmp_path / 'azure-identity-token'
    token_file.write_text(mint(emu))
    by_value, dummy = run_cases(emu, tasks, {'AZURE_FEDERATED_TOKEN': dict(FEDERATED)}, env={'AZURE_FEDERATED_TOKEN': mint(emu)})
    ok(by_value.task('AZURE_FEDERATED_TOKEN'))
    # Both variables: the file wins (an untrusted subject's token in AZURE_FEDERATED_TOKEN would be refused).
    both, dummy = run_cases(
        emu,
        tasks,
        {'AZURE_FEDERATED_TOKEN_FILE': dict(FEDERATED)},
        env={'AZURE_FEDERATED_TOKEN_FILE': str(token_file), 'AZURE_FEDERATED_TOKEN': mint(emu, UNTRUSTED)},
    )
    ok(both.task('AZURE_FEDERATED_TOKEN_FILE'))
    assert federated_requests(emu) == [200, 200]


# case: (subject, claims of the minted token, AADSTS code, a words of the fix)
REFUSALS = {
    'wrong audience': (SUBJECT, {'audience': 'api://incident-ops'}, 'AADSTS700212', 'request it for api://AzureADTokenExchange'),
    'expired': (SUBJECT, {'lifetime': -60}, 'AADSTS700024', 'give a file the platform renews'),
    'issuer not trusted': (SUBJECT, {'issuer': 'https://token.actions.githubusercontent.com'}, 'AADSTS700211', 'trusts the token\'s issuer'),
    'no matching federated credential': (UNTRUSTED, {}, 'AADSTS700213', 'must match exactly, case included'),
}


def test_a_token_given_as_the_file_is_refused_and_never_shown(emu, tasks):
    # A plausible slip: the token where its file's path belongs. federated_token_file is no secret option, so the
    # module hides this value itself, at -vvvv too (the session's scan checks every run for the token).
    emu.trust_subject(SUBJECT)
    token = mint(emu)
    run, calls = run_cases(emu, tasks, {'token as the file': dict(FEDERATED, federated_token_file=token)})
    record = run.task('token as the file')
    assert record['status'] == 'failed', record
    assert 'must be the path of a file holding the token, not the token itself' in record['result']['msg']
    assert token not in run.output and 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in run.output
    assert graph_reads(emu, calls['token as the file']) == [] and token_requests(emu) == []


def test_each_refusal_of_entra_names_its_code_and_the_fix(emu, tasks):
    emu.trust_subject(SUBJECT)
    tokens = dict((case, mint(emu, subject, **claims)) for case, (subject, claims, dummy, dummy) in REFUSALS.items())
    run, calls = run_cases(emu, tasks, dict((case, dict(FEDERATED, federated_token=token)) for case, token in tokens.items()))
    problems = []
    for case, (dummy, dummy, code, fix) in REFUSALS.items():
        with case_checks(problems, case):
            record = run.task(case)
            assert record['status'] == 'failed', record
            result = record['result']
            assert code in result['msg'] and fix in result['msg'], result['msg']
            assert result['error']['code'] == 'invalid_client', result['error']
            assert graph_reads(emu, calls[case]) == []
            assert tokens[case] not in run.output
    assert not problems, '\n\n'.join(problems)


def test_a_federated_identity_shares_its_token_and_no_other(emu, tasks, tmp_path):
    # A renewed token of the same workload (same issuer, subject, audience) is the same credential: the cached access
    # token serves it. Another subject is another credential: Entra judges it, and refuses it here.
    emu.trust_subject(SUBJECT)
    cache = cache_file(tmp_path)
    run, dummy = run_cases(
        emu,
        tasks,
        {
            'first token': dict(FEDERATED, federated_token=mint(emu), token_cache=cache),
            'renewed token': dict(FEDERATED, federated_token=mint(emu), token_cache=cache),
            'another subject': dict(FEDERATED, federated_token=mint(emu, UNTRUSTED), token_cache=cache),
        },
    )
    ok(run.task('first token'))
    ok(run.task('renewed token'))
    assert 'AADSTS700213' in run.task('another subject')['result']['msg']
    assert federated_requests(emu) == [200, 400]
    assert SUBJECT not in open(cache).read(), 'the identity is named by a salted hash only'


GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'docs', 'docsite', 'rst', 'guide_connection.rst')
RESPONDER = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'


def guide_example(marker):
    """The YAML code block of the connection guide that holds ``marker``, unindented."""
    with open(GUIDE) as handle:
        blocks = re.split(r'\n\.\. code-block:: [^\n]*\n', handle.read())[1:]
    for block in blocks:
        body = re.match(r'((?:\n|  [^\n]*\n)+)', '\n' + block).group(1)
        if marker in body:
            return yaml.safe_load(textwrap.dedent(body))
    raise AssertionError('no example holds %r' % marker)


def test_the_guide_s_play_without_a_secret(emu, playbook, tmp_path):
    # The guide's play as it is; only the emulator's endpoints join its module_defaults (a tenant's need none).
    play = guide_example('playbooks/page_without_secret.yml')
    play[0]['module_defaults']['group/msgraph.calls.graph'].update(
        authority_host=emu.info['authority_host'], graph_endpoint=emu.info['graph_endpoint'], ca_path=emu.info['ca_path']
    )
    path = tmp_path / 'page_without_secret.yml'
    path.write_text(json.dumps(play))
    emu.trust_subject(SUBJECT)
    token_file = tmp_path / 'azure-identity-token'
    token_file.write_text(mint(emu))
    call_id = emu.create_call()['id']
    env = {'AZURE_TENANT_ID': emu.info['tenant_id'], 'AZURE_CLIENT_ID': emu.info['client_id'], 'AZURE_FEDERATED_TOKEN_FILE': str(token_file)}
    # The machine's own secret, if any, must not be what authenticates: auth_method is named.
    env['AZURE_CLIENT_SECRET'] = emu.info['client_secret']
    run = playbook(str(path), env=env, extra_args=('-vvvv',), bridge_call_id=call_id, ansible_connection='local', ansible_python_interpreter=sys.executable)
    assert run.rc == 0, run.output
    assert [post['body']['participants'][0]['identity']['user']['id'] for post in invite_posts(emu, call_id)] == [RESPONDER]
    assert federated_requests(emu) == [200]
