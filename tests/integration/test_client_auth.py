# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every authentication method, the token cache and the clouds, against the emulator's Entra checks.

A run costs more than a task, so cases that can share a run's environment variables (they decide the
authentication) and the emulator's global config run as tasks of one play, each on a call of its own. Each
task is a process of its own: without a token_cache file no token outlives it, so a case's token requests
are the same in a shared play as in a run of its own; they are told apart by what they carry. The `floors`
tests (make floors runs them on the lowest dependency versions) take in no other test's cases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from conftest import SESSION_SECRETS, case_checks, ok

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
USER_ASSIGNED = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d'
MACHINE_WIDE_CLIENT_ID = '0f0e0d0c-0b0a-4090-8070-605040302010'
UNKNOWN_IDENTITY = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
CERT_PASSWORD = 'cert-pa55word-for-tests'
SESSION_SECRETS.append(CERT_PASSWORD)


TOKEN_PATH = '/oauth2/v2.0/token'


def token_requests(emu):
    return [r for r in emu.requests() if r['path'].endswith(TOKEN_PATH)]


def discovery_requests(emu):
    """What MSAL asks the authority before a token request (its OpenID configuration): the token service's other requests."""
    return [r for r in emu.requests() if not r['path'].startswith(('/v1.0/', '/_emulator/')) and not r['path'].endswith(TOKEN_PATH)]


def graph_reads(emu, call_id=None):
    return [r for r in emu.requests() if '/communications/' in r['path'] and (call_id is None or call_id in r['path'])]


def msi_requests(emu):
    return [r for r in emu.requests() if r['path'] == '/msi/token']


def run_cases(emu, tasks, cases, env=None, environments=None):
    """Run ``cases`` ({case: auth options}) as tasks of one play (under ``env``), each inviting A into a call of its
    own, a case of ``environments`` with those environment variables too; return (run, {case: call id})."""
    environments = environments or {}
    calls = dict((case, emu.create_call()['id']) for case in cases)
    steps = [
        (
            case,
            'graph_call_invite',
            dict(call_id=calls[case], participants=[{'user': A}], **auth),
            {'environment': environments[case]} if case in environments else {},
        )
        for case, auth in cases.items()
    ]
    return tasks(steps, env=env, extra_args=('-vvvv',)), calls


@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp('cert')
    leaf = trustme.CA().issue_cert('msgraph-calls-app.example', key_type=trustme.KeyType.RSA)
    cert = leaf.cert_chain_pems[0].bytes().decode()
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(CERT_PASSWORD.encode())
    ).decode()
    combined = folder / 'app.pem'
    combined.write_text(cert + leaf.private_key_pem.bytes().decode())
    protected = folder / 'app-encrypted.pem'
    protected.write_text(cert + encrypted)
    return {'cert': cert, 'combined': str(combined), 'protected': str(protected)}


def run_with(task, emu, auth, check=False, env=None):
    call = emu.create_call()
    args = dict(call_id=call['id'], participants=[{'user': A}], **auth)
    return task('graph_call_invite', args, check=check, env=env, extra_args=('-vvvv',)), call


@pytest.mark.floors
def test_client_certificate(emu, tasks, certificate):
    # The combined and the password-protected file, one task each: every token request of the play is a certificate's.
    emu.config(client_certificates=[certificate['cert']])
    auth = {'auth_method': 'client_certificate', 'client_secret': None}
    run, dummy = run_cases(
        emu,
        tasks,
        {
            'combined': dict(auth, client_certificate_path=certificate['combined']),
            'protected': dict(auth, client_certificate_path=certificate['protected'], client_certificate_password=CERT_PASSWORD),
        },
    )
    for variant in ('combined', 'protected'):
        ok(run.task(variant))
    forms = [r['body'] for r in token_requests(emu)]
    assert forms
    for form in forms:
        assert form['client_assertion'] == '<redacted>' and 'client_secret' not in form
        assert form['client_assertion_type'] == 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def test_certificate_path_from_the_environment_in_auto_mode(emu, task, certificate):
    # A run of its own: the variables are every task's client_certificate_* fallback; as one task's `environment`
    # instead, -vvvv would print the password (Ansible shows a task's environment), which a job's variables never are.
    emu.config(client_certificates=[certificate['cert']])
    run, dummy = run_with(
        task, emu, {'client_secret': None}, env={'AZURE_CLIENT_CERTIFICATE_PATH': certificate['protected'], 'AZURE_CLIENT_CERTIFICATE_PASSWORD': CERT_PASSWORD}
    )
    assert run.rc == 0, run.output
    assert token_requests(emu)[0]['body']['client_assertion'] == '<redacted>'


def managed_identity_env(emu):
    return {'IDENTITY_ENDPOINT': emu.info['managed_identity_endpoint'], 'IDENTITY_HEADER': emu.info['identity_header']}


@pytest.mark.floors
def test_system_assigned_managed_identity(emu, task):
    run, dummy = run_with(
        task, emu, {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None, 'client_id': None}, env=managed_identity_env(emu)
    )
    assert run.rc == 0, run.output
    msi = [r for r in emu.requests() if r['path'] == '/msi/token']
    assert len(msi) == 1 and msi[0]['query'].get('resource') == emu.info['graph_endpoint']
    assert token_requests(emu) == []


def test_managed_identity_cases_under_its_environment(emu, tasks):
    # One play under IDENTITY_ENDPOINT/IDENTITY_HEADER; the machine-wide AZURE_CLIENT_ID (AWX sets it for the whole
    # job) is that one task's `environment`, what its module's process sees as when the run has it. The endpoint is
    # told which identity by its client_id query, and every case's differs: none, the registered user-assigned one,
    # an unknown one. One case must send nothing, so every request of the play has to be one of the others'.
    emu.config(managed_identities=[USER_ASSIGNED])
    machine_wide = 'machine-wide AZURE_CLIENT_ID never picks a managed identity'
    user_assigned = 'user-assigned managed identity in auto mode'
    client_id_in_task = 'client_id in the task is not taken for a managed identity'
    unknown = 'unknown managed identity says so'
    run, calls = run_cases(
        emu,
        tasks,
        {
            machine_wide: {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None, 'client_id': None},
            user_assigned: {'client_secret': None, 'tenant_id': None, 'client_id': None, 'managed_identity_client_id': USER_ASSIGNED},
            client_id_in_task: {'auth_method': 'managed_identity', 'client_secret': None, 'tenant_id': None},
            unknown: {'client_secret': None, 'tenant_id': None, 'client_id': None, 'managed_identity_client_id': UNKNOWN_IDENTITY},
        },
        env=managed_identity_env(emu),
        environments={machine_wide: {'AZURE_CLIENT_ID': MACHINE_WIDE_CLIENT_ID}},
    )
    msi = msi_requests(emu)
    problems = []

    with case_checks(problems, machine_wide):
        ok(run.task(machine_wide))
        # The variable reached that task's module, and only it (-vvvv shows a task's environment).
        assert run.output.count('AZURE_CLIENT_ID=' + MACHINE_WIDE_CLIENT_ID) == 1, run.output[-3000:]
        assert len([r for r in msi if 'client_id' not in r['query']]) == 1, msi

    with case_checks(problems, user_assigned):
        ok(run.task(user_assigned))
        mine = [r for r in msi if r['query'].get('client_id') == USER_ASSIGNED]
        assert len(mine) == 1 and mine[0]['status'] == 200, mine

    with case_checks(problems, client_id_in_task):
        record = run.task(client_id_in_task)
        assert record['status'] == 'failed', record
        assert 'set managed_identity_client_id' in record['result']['msg']
        # No request at all: each one of the play is another case's. The managed identity endpoint saw only the
        # identities the others name (and one request without, checked above), Graph only their calls.
        others = [calls[case] for case in (machine_wide, user_assigned)]
        strays = [
            (r['path'], r['query'])
            for r in emu.requests()
            if not (r['path'] == '/msi/token' and r['query'].get('client_id') in (None, USER_ASSIGNED, UNKNOWN_IDENTITY))
            and not any('/communications/calls/%s' % call_id in r['path'] for call_id in others)
        ]
        assert strays == []

    with case_checks(problems, unknown):
        record = run.task(unknown)
        assert record['status'] == 'failed', record
        result = record['result']
        assert result['error']['code'] == 'managedIdentityError', result
        assert 'no identity with client_id' in result['msg'] and UNKNOWN_IDENTITY in result['msg']
        assert 'invalid_scope' not in result['msg']
    assert not problems, '\n\n'.join(problems)


def test_tokens_and_certificates_without_environment(emu, tasks, certificate):
    # One play, no authentication variables and no certificate registered. Token requests are told apart by what
    # they carry: a client assertion is the unregistered certificate's, a client secret the cloud case's (it needs
    # exactly one), so the two access-token cases asked for none.
    token = emu.token()
    SESSION_SECRETS.append(token)
    before = len(token_requests(emu))
    used_as_is = 'access token used as is'
    rejected = 'rejected access token is a clear failure'
    unregistered = 'unregistered certificate is refused by Entra'
    cloud = 'explicit endpoints win over the cloud'
    run, calls = run_cases(
        emu,
        tasks,
        {
            used_as_is: {'auth_method': 'access_token', 'access_token': token, 'client_secret': None},
            rejected: {'auth_method': 'access_token', 'access_token': 'not-a-valid-token-value', 'client_secret': None},
            unregistered: {'auth_method': 'client_certificate', 'client_secret': None, 'client_certificate_path': certificate['combined']},
            cloud: {'cloud': 'usgov'},
        },
    )
    tokens = token_requests(emu)[before:]
    by_secret = [r for r in tokens if 'client_secret' in r['body']]
    by_assertion = [r for r in tokens if 'client_assertion' in r['body']]
    problems = []

    with case_checks(problems, 'token requests'):
        assert len(by_secret) + len(by_assertion) == len(tokens), [r['body'] for r in tokens]

    with case_checks(problems, used_as_is):
        ok(run.task(used_as_is))
        assert len(by_secret) == 1, 'no token request'
        assert token not in run.output

    with case_checks(problems, rejected):
        record = run.task(rejected)
        assert record['status'] == 'failed', record
        result = record['result']
        assert 'cannot be renewed here' in result['msg']
        error = result['error']
        assert error['status'] == 401 and error['code'] == 'InvalidAuthenticationToken', error
        assert error['request_id'] and error['client_request_id'] and error['request_id'] in result['msg']
        assert len(by_secret) == 1, 'an access token is never swapped for another'

    with case_checks(problems, unregistered):
        record = run.task(unregistered)
        assert record['status'] == 'failed', record
        assert 'AADSTS700027' in record['result']['msg']
        assert by_assertion and all(r['status'] == 401 for r in by_assertion), by_assertion
        assert graph_reads(emu, calls[unregistered]) == []

    with case_checks(problems, cloud):
        ok(run.task(cloud))
        assert [r['body']['scope'] for r in by_secret] == [emu.info['graph_endpoint'] + '/.default']
    assert not problems, '\n\n'.join(problems)


@pytest.mark.floors
def test_token_cache_serves_every_task(emu, tasks, tmp_path):
    # Three tasks of one play: each is a process of its own, so only the file can carry the token, as across runs.
    cache = str(tmp_path / 'cache' / 'tokens.json')
    os.makedirs(os.path.dirname(cache))
    run, dummy = run_cases(emu, tasks, dict(('task %d' % n, {'token_cache': cache}) for n in range(3)))
    for n in range(3):
        ok(run.task('task %d' % n))
    assert len(token_requests(emu)) == 1, 'one token for three tasks'
    discovery = discovery_requests(emu)
    assert len(discovery) == 1, ('the tasks that find the token ask the token service nothing, discovery included', discovery)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600


def test_token_cache_is_on_by_default(emu, tasks, tmp_path):
    # Without token_cache, tasks share the default file in the home of the user running them: one token and one
    # discovery for the run; no request to the token service at all from the tasks that find the token there.
    # token_cache: false keeps a task's token to itself.
    home = tmp_path / 'home'
    home.mkdir()
    cases = dict(('task %d' % n, {}) for n in range(3))
    cases['no cache'] = {'token_cache': False}
    run, dummy = run_cases(emu, tasks, cases, env={'HOME': str(home), 'MSGRAPH_TOKEN_CACHE': None})
    for case in cases:
        ok(run.task(case))
    assert len(token_requests(emu)) == 2, 'one token for the three tasks, one for the task without a cache'
    discovery = discovery_requests(emu)
    assert len(discovery) == 2, ('discovery only with those two token requests', discovery)
    cache = home / '.ansible' / 'msgraph.calls' / 'token_cache.json'
    assert stat.S_IMODE(os.stat(str(cache)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(cache.parent)).st_mode) == 0o700
    assert emu.info['client_secret'] not in cache.read_text()


def test_token_cache_shared_by_forks(emu, playbook, tmp_path, graph):
    # Five hosts, five forks, one task each: one token between them.
    cache = str(tmp_path / 'tokens.json')
    calls = [emu.create_call()['id'] for dummy in range(5)]
    run = playbook('forks.yml', extra_args=('-f', '5'), calls=calls, token_cache=cache)
    assert run.rc == 0, run.output
    assert len([r for r in run.records if r['status'] == 'changed']) == 5
    assert len(token_requests(emu)) == 1, 'the forks share one token'


WRONG_SECRET = 'S3cr3t-WRONG-value-xyz'
ROTATED_SECRET = 'the-rotated-secret-value-2b7e'
SESSION_SECRETS.extend([WRONG_SECRET, ROTATED_SECRET])


def cache_file(tmp_path):
    folder = tmp_path / 'cache'
    folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder / 'tokens.json')


@pytest.mark.floors
def test_a_wrong_secret_after_a_cached_good_one_fails_at_once(emu, tasks, tmp_path):
    # The issue's run: the right secret, then a wrong one, one cache file (the default shares one too). The wrong one
    # is never served the right one's token: Entra refuses it. The right one's token still serves the third task.
    cache = cache_file(tmp_path)
    run, calls = run_cases(
        emu,
        tasks,
        {
            'right secret': {'token_cache': cache},
            'wrong secret': {'token_cache': cache, 'client_secret': WRONG_SECRET},
            'right secret again': {'token_cache': cache},
        },
    )
    ok(run.task('right secret'))
    ok(run.task('right secret again'))
    record = run.task('wrong secret')
    assert record['status'] == 'failed', record
    assert 'AADSTS7000215' in record['result']['msg'] and record['result']['error']['code'] == 'invalid_client', record['result']
    assert graph_reads(emu, calls['wrong secret']) == []
    assert [r['status'] for r in token_requests(emu)] == [200, 401], 'one token for the right secret, one refusal, nothing more'
    assert WRONG_SECRET not in open(cache).read() and emu.info['client_secret'] not in open(cache).read()


def test_a_rotated_secret_takes_effect_on_the_next_task(emu, tasks, tmp_path):
    # A run with the old secret leaves its token in the file. The app's secret is rotated (the old one removed); the
    # next run with the new secret asks Entra with it at once, and then shares its own token.
    cache = cache_file(tmp_path)
    before_rotation, dummy = run_cases(emu, tasks, {'old secret': {'token_cache': cache}})
    ok(before_rotation.task('old secret'))
    emu.config(client_secrets=[ROTATED_SECRET])
    seen = len(token_requests(emu))
    run, calls = run_cases(
        emu,
        tasks,
        {
            'new secret': {'token_cache': cache, 'client_secret': ROTATED_SECRET},
            'new secret again': {'token_cache': cache, 'client_secret': ROTATED_SECRET},
        },
    )
    ok(run.task('new secret'))
    ok(run.task('new secret again'))
    assert [r['status'] for r in token_requests(emu)[seen:]] == [200], 'the new secret asked once, then shared its token'
    assert all(graph_reads(emu, call_id) for call_id in calls.values())
