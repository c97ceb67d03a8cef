# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every YAML example of the documentation runs against the emulator, so the docs cannot drift from the code.

All examples run in one ansible-playbook run, each on a host of its own (a failed example stops its own host only),
with the emulator's address added to their module_defaults, and the variables they expect (a call, a meeting link,
the app's credentials, an on-call export) as host variables: an example's own variables win. Everyone named by
e-mail or principal name in the examples is a directory user, and every invite is answered. Examples marked
``# Needs ...`` in the docs are counted and listed, and the list is pinned here: none is skipped silently.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import concurrent.futures
import json
import os
import re
import subprocess
import sys
import uuid

import yaml

from doc_examples import ROOT, all_examples, copied_path, plays_for
from conftest import PLAY_TIMEOUT, SESSION_SECRETS
from emulator.client import CONNECTION_OPTIONS, EmulatorProcess

# The examples the docs mark as not runnable here (# Needs ...), and the results shown as data (# Result ...).
NEEDS = {
    'docs/docsite/rst/guide_awx.rst': 2,  # AWX's awx.awx.credential; an ansible-builder definition
    'docs/docsite/rst/guide_connection.rst': 3,  # a GitHub Actions workflow; a Kubernetes service account and pod
    'docs/docsite/rst/guide_event_driven.rst': 1,  # a rulebook's run_job_template action
    'docs/docsite/rst/guide_oncall_input.rst': 1,  # community.general.read_csv
}
RESULTS = {'docs/docsite/rst/guide_oncall_input.rst': 1}
GUID = re.compile(r'\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b')
EMAIL = re.compile(r'\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b')
# On-call exports the guide's filter examples read, by the options they show.
ONCALL = {
    "email_key='user.username'": 'opsgenie',
    "phone_key='phones.0.value'": 'splunk_oncall',
    "tier_key='step'": 'grafana_oncall',
}


FEDERATED_SUBJECT = 'repo:contoso/incident-ops:environment:production'
# Examples whose job environment holds a federated token's file (the connection guide's play without a secret).
FEDERATED_FILE_IN_ENV = ('docs/docsite/rst/guide_connection.rst',)
# What an example needs beyond the common variables, by the file it is in: people in its call, variables of its own.
SETUP = {
    # Waits until this person has joined.
    'plugins/modules/graph_call_participant_info.py': {'in_the_call': [{'user': {'id': '8b081ef6-4792-4def-b2c9-c363a1bf41d5'}}]},
    # Its tasks read one export by each of the filter's options: one record that holds every field they name.
    'plugins/filter/oncall_tiers.yml': {
        'vars': {
            'oncall': [
                {
                    'tier': 1,
                    'name': 'Alex Rivera',
                    'email': 'alex.rivera@example.com',
                    'phones': [{'value': '+1 425 555 0101'}],
                    'contact': {'work_mail': 'alex.rivera@example.com'},
                    'rota': {'step': 1},
                    'person': 'Alex Rivera',
                }
            ]
        }
    },
}


def oncall_for(example):
    """The on-call export an example of the on-call guide reads: the one its filter options are for."""
    found = [name for options, name in ONCALL.items() if options in example.text]
    name = found[0] if found else 'pagerduty'
    with open(os.path.join(ROOT, 'docs', 'examples', 'oncall', name + '.yml'), encoding='utf-8') as handle:
        export = yaml.safe_load(handle)
    return export['oncall'], export['oncall_options']


def host_vars(emu, example, meeting, users, token_file):
    """What an example expects to find: a live call of its own, a meeting link, the app's credentials, an export."""
    setup = SETUP.get(example.path, {})
    call = emu.create_call(setup.get('in_the_call', []))
    oncall, options = oncall_for(example)
    variables = {
        'ansible_connection': 'local',
        'ansible_python_interpreter': sys.executable,
        'graph_tenant_id': emu.info['tenant_id'],
        'graph_client_id': emu.info['client_id'],
        'graph_client_secret': emu.info['client_secret'],
        'emu': emu.info,
        'emulator': emu.info,
        'call_id': call['id'],
        'incident_call_id': call['id'],
        'bridge_call_id': call['id'],
        'bridge': {'call_id': call['id']},
        'incident_meeting_link': meeting['joinWebUrl'],
        'incident_id': 'INC-%s' % call['id'][:8],
        'incident_number': 42,
        'responders': [{'user': user} for user in users[:7]],
        'oncall': oncall,
        'oncall_options': options,
        'roster': {'list': oncall},
        'pagerduty': {'json': {'oncalls': oncall_for_text('pagerduty')}},
        'oncall_export': oncall,
        'probe_call_id': call['id'],
        'probe_user_object_id': '8b081ef6-4792-4def-b2c9-c363a1bf41d5',
    }
    if example.path in FEDERATED_FILE_IN_ENV:
        variables['doc_example_environment'] = {'AZURE_FEDERATED_TOKEN_FILE': token_file}
    variables.update(setup.get('vars', {}))
    return variables


def oncall_text(name):
    with open(os.path.join(ROOT, 'docs', 'examples', 'oncall', name + '.yml'), encoding='utf-8') as handle:
        return handle.read()


def oncall_for_text(name):
    with open(os.path.join(ROOT, 'docs', 'examples', 'oncall', name + '.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['oncall']


def recap(output):
    """{host: {ok, changed, failed, ...}} from the PLAY RECAP."""
    counts = {}
    for match in re.finditer(r'^(\S+)\s+:\s+(.*)$', output.rsplit('PLAY RECAP', 1)[-1], re.MULTILINE):
        counts[match.group(1)] = dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', match.group(2)))
    return counts


def test_every_yaml_example_of_the_docs_runs_against_the_emulator(emu, playbook, tmp_path):
    examples = all_examples()
    invalid = ['%s: %s' % (example.id, example.error) for example in examples if example.kind == 'invalid']
    assert not invalid, 'examples that are not YAML:\n' + '\n'.join(invalid)

    # The marked ones are counted, and the count is pinned: a new mark is a decision, not an accident.
    for kind, pinned in (('needs', NEEDS), ('result', RESULTS)):
        counted = {}
        for example in examples:
            if example.kind == kind:
                counted[example.path] = counted.get(example.path, 0) + 1
        assert counted == pinned, '%s examples: %r' % (kind, counted)

    # A copy of a repository file shown in the docs is that file.
    for example in examples:
        if example.kind == 'copy':
            with open(os.path.join(ROOT, copied_path(example)), encoding='utf-8') as handle:
                assert yaml.safe_load(handle) == example.data, '%s is not %s' % (example.id, copied_path(example))

    runnable = [example for example in examples if example.kind in ('playbook', 'tasks', 'vars', 'play_keywords')]
    assert len(runnable) >= 30, 'the examples were not found: %d' % len(runnable)
    # Everyone the examples and the on-call exports name by e-mail, and every object id they name, is in the directory.
    texts = [example.text for example in runnable] + [oncall_text(name) for name in ('grafana_oncall', 'opsgenie', 'pagerduty', 'splunk_oncall', 'spreadsheet')]
    names = sorted(dict((name.lower(), name) for name in EMAIL.findall('\n'.join(texts))).values())
    for guid in sorted(set(guid.lower() for guid in GUID.findall('\n'.join(texts)))):
        emu.add_user(id=guid, userPrincipalName='%s@contoso.test' % guid[:8], displayName='User %s' % guid[:8])
    users = []
    for name in names:
        object_id = str(uuid.uuid5(uuid.NAMESPACE_URL, 'mailto:' + name.lower()))
        emu.add_user(id=object_id, userPrincipalName=name, displayName=name.split('@')[0].replace('.', ' ').title())
        users.append(name)
    emu.clock(tick=1)  # every Graph request moves the emulated clock a second: calls establish while a task waits
    organizer = emu.add_user(id=str(uuid.uuid4()), userPrincipalName='organizer@contoso.test', displayName='Organizer')
    meeting = emu.add_meeting(organizer['id'], subject='The incident')
    # Added to every module_defaults of the action group where an example does not set it: the emulator's address, and
    # the app's credentials for the examples that take them from the AZURE_* variables AWX injects.
    endpoint = dict((key, emu.info[key]) for key in CONNECTION_OPTIONS)

    (tmp_path / 'emulator.json').write_text(json.dumps(emu.info))  # the README's own playbook reads it
    # The connection guide's play without a secret finds a federated token where a CI job or a pod holds it.
    emu.trust_subject(FEDERATED_SUBJECT)
    token = emu.federated_token(FEDERATED_SUBJECT)
    SESSION_SECRETS.append(token)
    token_file = tmp_path / 'azure-identity-token'
    token_file.write_text(token)
    token_file.chmod(0o600)
    os.symlink(os.path.join(ROOT, 'docs'), str(tmp_path / 'docs'))  # vars_files relative to the playbook

    def run(numbered):
        # One run per example: Ansible ends a whole run at the first play whose every host failed.
        number, example = numbered
        host = 'example%02d' % number
        inventory = tmp_path / ('%s-inventory.json' % host)
        inventory.write_text(json.dumps({'all': {'hosts': {host: host_vars(emu, example, meeting, users, str(token_file))}}}))
        path = tmp_path / ('%s.yml' % host)
        call_id = json.loads(inventory.read_text())['all']['hosts'][host]['call_id']
        path.write_text(yaml.safe_dump(plays_for(example, host, endpoint, call_id), sort_keys=False))
        result = playbook(str(path), extra_args=('-i', str(inventory)))
        done = recap(result.output).get(host)
        if done is None or done.get('failed') or done.get('unreachable') or not done.get('ok'):
            failures = [line for line in result.output.splitlines() if line.startswith(('fatal: [%s]' % host, 'failed: [%s]' % host, '[ERROR]'))]
            return '%s (%s, %s): %s %s' % (example.id, example.kind, path.name, done, '\n  '.join(failures)[:1500] or result.output[-1500:])
        return None

    # A few at a time: each run mostly waits (on its module processes and the emulator).
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        problems = [problem for problem in pool.map(run, enumerate(runnable, 1)) if problem]
    print(
        'doc examples: %d run, %d marked as needing more than the emulator, %d results shown as data, %d copies of files'
        % (len(runnable), sum(NEEDS.values()), sum(RESULTS.values()), len([e for e in examples if e.kind == 'copy']))
    )
    assert not problems, 'examples that do not run:\n' + '\n'.join(problems)


def test_the_readmes_own_playbook_runs_as_written_against_the_seeded_emulator(tmp_path):
    # "Your own playbook": the emulator started with the README's seed file, its first line saved as emulator.json, the
    # README's page.yml beside it, run twice with the two exports and no inventory; as a newcomer would, nothing added.
    readme = [example for example in all_examples() if example.path == 'README.md']
    seed = [example for example in readme if example.kind == 'copy'][0]
    page = [example for example in readme if example.kind == 'playbook' and 'emulator.json' in example.text][0]
    home = tmp_path / 'home'
    home.mkdir(mode=0o700)
    environment = dict(os.environ, HOME=str(home), ANSIBLE_NOCOLOR='1')
    environment['PATH'] = os.path.dirname(sys.executable) + os.pathsep + environment.get('PATH', '')

    def run():
        return subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'page.yml'],
            cwd=str(tmp_path),
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            timeout=PLAY_TIMEOUT,
            check=False,
        )

    with EmulatorProcess('--seed', os.path.join(ROOT, copied_path(seed))) as seeded:
        (tmp_path / 'emulator.json').write_text(json.dumps(seeded.info))
        (tmp_path / 'page.yml').write_text(page.text)
        first, again = run(), run()
        assert 'seeded meeting INC-1: https://teams.microsoft.com/' in seeded.log_text()
    assert first.returncode == 0, first.stdout
    assert 'user:7e1b4346-85a6-4bdd-abe3-d11c5d420efe (Ana Lopez, ana@contoso.com): joined' in first.stdout, first.stdout
    assert 'phone:+14255550100 (Duty phone, (425) 555-0100): declined (code 603' in first.stdout, first.stdout
    assert again.returncode == 0 and re.search(r'localhost\s+: ok=\d+\s+changed=0 ', again.stdout), again.stdout
