# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jobs as AWX and Automation Platform run them: ansible-runner, with each shipped credential type's injectors rendered
as AWX renders them (awx_injectors.py: env vars, and file injectors written into the job's private data dir).

Each job has a private data dir and a home of its own, as each AWX job has a fresh container. The playbook is the AWX
guide's paging job, pointed at the emulator by module_defaults as the guide's rehearsal does. The first job pages, the
second changes nothing, and no secret, token or assertion is in any job's stdout or events.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os

import ansible_runner
import pytest
import trustme

from awx_injectors import CERTIFICATE_TYPE, FEDERATED_TYPE, SECRET_TYPE, inject, load
from conftest import BEARER_RE, SESSION_SECRETS, invite_posts

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
SUBJECT = 'system:serviceaccount:automation:awx-job'


def page_play(authority_host=True):
    """The AWX guide's paging job; with ``authority_host`` false, it leaves the authority to the job's environment."""
    endpoints = {'graph_endpoint': '{{ emulator.graph_endpoint }}', 'ca_path': '{{ emulator.ca_path }}'}
    if authority_host:
        endpoints['authority_host'] = '{{ emulator.authority_host }}'
    return [dict(PLAY, module_defaults={'group/msgraph.calls.graph': endpoints})]


PLAY = {
    'name': 'Page the on-call responders',
    'hosts': 'localhost',
    'gather_facts': False,
    'connection': 'local',
    'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'responders': [{'user': A, 'display_name': 'Primary on-call'}]},
    # No credentials in the play: the modules read the AZURE_* variables the job's credential injects; module_defaults
    # (page_play) only point them at the emulator.
    'tasks': [
        {
            'name': 'Page whoever is missing, and wait for each answer',
            'ansible.builtin.include_role': {'name': 'msgraph.calls.page_responders'},
            'vars': {
                'page_responders_call_id': '{{ bridge_call_id }}',
                'page_responders_participants': '{{ responders }}',
                'page_responders_wait': True,
            },
        }
    ],
}


@pytest.fixture(scope='module')
def certificate():
    leaf = trustme.CA().issue_cert('msgraph-calls-awx.example', key_type=trustme.KeyType.RSA)
    cert = leaf.cert_chain_pems[0].bytes().decode()
    key = leaf.private_key_pem.bytes().decode()
    SESSION_SECRETS.append(key.strip().splitlines()[1])  # a line of the key: the PEM never shows, whole or cut
    return cert, key


def credential_inputs(kind, emu, certificate, token_dir):
    """(credential type, inputs, the secrets it holds) for a credential of ``kind`` against the emulator's app."""
    ids = {'tenant_id': emu.info['tenant_id'], 'client_id': emu.info['client_id'], 'cloud': 'global'}
    if kind == 'secret':
        return SECRET_TYPE, dict(ids, client_secret=emu.info['client_secret']), [emu.info['client_secret']]
    if kind == 'certificate':
        emu.config(client_certificates=[certificate[0]])
        return CERTIFICATE_TYPE, dict(ids, certificate=certificate[0] + certificate[1]), [certificate[1].strip().splitlines()[1]]
    emu.trust_subject(SUBJECT)
    token = emu.federated_token(SUBJECT)
    SESSION_SECRETS.append(token)
    if kind == 'federated token':
        return FEDERATED_TYPE, dict(ids, federated_token=token), [token]
    # A token file of the execution environment (a container group pod's projected token): the credential names it.
    path = os.path.join(token_dir, 'azure-identity-token')
    with open(path, 'w') as handle:
        handle.write(token)
    return FEDERATED_TYPE, dict(ids, federated_token_file=path), [token]


def run_job(tmp_path, name, credential_type, inputs, emu, call_id, job_env=None, play=None):
    """One AWX job: a fresh private data dir and home, the credential injected, the playbook run by ansible-runner."""
    private = tmp_path / name
    (private / 'env').mkdir(parents=True)
    (private / 'project').mkdir()
    (private / 'project' / 'page_responders.yml').write_text(json.dumps(play or page_play()))
    home = tmp_path / (name + '-home')
    home.mkdir(mode=0o700)
    env, dummy = inject(load(credential_type), inputs, str(private / 'env'))
    env.update(HOME=str(home), ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', **(job_env or {}))
    env.pop('MSGRAPH_TOKEN_CACHE', None)
    emulator = dict((key, emu.info[key]) for key in ('authority_host', 'graph_endpoint', 'ca_path'))
    result = ansible_runner.run(
        private_data_dir=str(private),
        playbook='page_responders.yml',
        inventory='localhost',
        envvars=env,
        extravars={'emulator': emulator, 'bridge_call_id': call_id},
        ident='job',
        quiet=True,
        verbosity=3,
    )
    return result, private


def job_text(private):
    """Everything the job left for AWX to show: its stdout and every event."""
    artifacts = os.path.join(str(private), 'artifacts', 'job')
    texts = [open(os.path.join(artifacts, 'stdout')).read()]
    for path in sorted(glob.glob(os.path.join(artifacts, 'job_events', '*.json'))):
        texts.append(open(path).read())
    return '\n'.join(texts)


def access_tokens(private):
    """The access tokens the job obtained: what its default token cache (in the job's home) holds."""
    with open(os.path.join(str(private) + '-home', '.ansible', 'msgraph.calls', 'token_cache.json')) as handle:
        document = json.load(handle)
    return [entry['secret'] for cache in document['credentials'].values() for entry in cache.get('AccessToken', {}).values()]


def changed_tasks(result):
    return [event['event_data'].get('task') for event in result.events if event.get('event') == 'runner_on_ok' and event['event_data']['res'].get('changed')]


def assert_no_secret(text, secrets):
    for secret in secrets:
        assert secret not in text
    assert not BEARER_RE.search(text), BEARER_RE.search(text).group(0)[:12]


@pytest.mark.parametrize('kind', ['secret', 'certificate', 'federated token', 'federated token file'])
def test_a_job_with_each_credential_type_pages_then_changes_nothing(emu, tmp_path, certificate, kind):
    credential_type, inputs, secrets = credential_inputs(kind, emu, certificate, str(tmp_path))
    call_id = emu.create_call()['id']
    first, first_dir = run_job(tmp_path, 'job-1', credential_type, inputs, emu, call_id)
    assert first.status == 'successful', job_text(first_dir)[-4000:]
    assert changed_tasks(first), job_text(first_dir)[-4000:]
    assert len(invite_posts(emu, call_id)) == 1
    second, second_dir = run_job(tmp_path, 'job-2', credential_type, inputs, emu, call_id)
    assert second.status == 'successful', job_text(second_dir)[-4000:]
    assert changed_tasks(second) == [], 'the second job changes nothing'
    assert len(invite_posts(emu, call_id)) == 1
    for private in (first_dir, second_dir):
        tokens = access_tokens(private)
        assert tokens, 'each job (a fresh home) obtained its own token'
        assert_no_secret(job_text(private), secrets + tokens + [emu.info['client_secret']])


def test_an_authority_host_the_credential_s_cloud_overrides_is_warned_about(emu, tmp_path, certificate):
    # The trap AWX users met: the credential's cloud field at its default (global) injects AZURE_CLOUD_ENVIRONMENT, which
    # wins over an AZURE_AUTHORITY_HOST in the job's environment. The playbook here names no authority_host, so the job
    # goes to the global authority: a closed local proxy makes that fail at once, offline.
    credential_type, inputs, secrets = credential_inputs('secret', emu, certificate, str(tmp_path))
    result, private = run_job(
        tmp_path,
        'job-authority',
        credential_type,
        inputs,
        emu,
        emu.create_call()['id'],
        job_env={'AZURE_AUTHORITY_HOST': emu.info['authority_host'], 'HTTPS_PROXY': 'http://127.0.0.1:9'},
        play=page_play(authority_host=False),
    )
    text = job_text(private)
    assert result.status == 'failed'
    assert "AZURE_AUTHORITY_HOST '%s' is ignored" % emu.info['authority_host'] in text, text[-4000:]
    assert 'login.microsoftonline.com' in text
    assert [r for r in emu.requests() if not r['path'].startswith('/_emulator/')] == [], 'nothing reached the emulator'
    assert_no_secret(text, secrets)
