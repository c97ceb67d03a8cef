# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration fixtures: one real emulator process per session, real ansible-playbook runs against it.

Nothing is mocked: the module talks HTTPS to the emulator, and the tests read back what the emulator
recorded. REQUESTS_CA_BUNDLE stays as the machine sets it, so a pass also proves ca_path wins over it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import time

import pytest

from emulator.client import EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


class PlaybookRun:
    """The outcome of one ansible-playbook run: exit code, screen output and recorded task results."""

    def __init__(self, rc, output, records):
        self.rc = rc
        self.output = output
        self.records = records

    def task(self, name='Invite'):
        """The result dict of the (last) task with this name."""
        matches = [r for r in self.records if r['task'] == name]
        assert matches, 'task %r did not run; output:\n%s' % (name, self.output)
        return matches[-1]

    @property
    def result(self):
        return self.task()['result']


@pytest.fixture(scope='session')
def emulator():
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def emu(emulator):
    """The session's emulator, reset to an empty state for this test."""
    emulator.reset()
    return emulator


@pytest.fixture
def graph(emulator):
    """The connection settings the playbooks pass through module_defaults."""
    info = emulator.info
    return {key: info[key] for key in ('tenant_id', 'client_id', 'client_secret', 'authority_host', 'graph_endpoint', 'ca_path')}


@pytest.fixture
def playbook(tmp_path, graph):
    """Run a playbook of tests/integration/playbooks with extra vars; return a PlaybookRun."""
    counter = [0]

    def run(name, check=False, diff=False, extra_args=(), env=None, **extra_vars):
        counter[0] += 1
        records_path = tmp_path / ('results-%d.json' % counter[0])
        vars_path = tmp_path / ('vars-%d.json' % counter[0])
        extra_vars.setdefault('graph', graph)
        vars_path.write_text(json.dumps(extra_vars))
        command = [ANSIBLE_PLAYBOOK, os.path.join(PLAYBOOKS, name), '-i', 'localhost,', '-e', '@' + str(vars_path)]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        command.extend(extra_args)
        run_env = dict(os.environ)
        run_env.update({
            'MSGRAPH_TEST_RESULTS': str(records_path),
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'result_recorder',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        })
        run_env.update(env or {})
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=run_env,
                              universal_newlines=True, timeout=300, check=False)
        records = json.loads(records_path.read_text()) if records_path.exists() else []
        return PlaybookRun(proc.returncode, proc.stdout, records)

    return run


def wait_for_operations(emu, call_id, timeout=20.0):
    """Block until no operation of the call is still running (the emulator decides outcomes lazily)."""
    deadline = time.monotonic() + timeout
    while True:
        operations = emu.call(call_id)['operations']
        if all(str(op.get('status')).lower() not in ('notstarted', 'running') for op in operations):
            return operations
        assert time.monotonic() < deadline, 'operations still running: %s' % operations
        time.sleep(0.1)
