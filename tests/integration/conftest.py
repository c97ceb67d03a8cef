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

import contextlib
import itertools
import json
import os
import re
import subprocess
import sys
import time

import pytest

from emulator.client import CONNECTION_OPTIONS, EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
# A guard against a run that hangs, not a measure of speed: the longest play (69 tasks, 36 s on an idle 2-CPU machine)
# took over 300 s on one with a load average of 12.
PLAY_TIMEOUT = 900
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


def pytest_configure(config):
    config.addinivalue_line('markers', 'floors: also run by `make floors`, on the lowest declared dependency versions')


@pytest.fixture(scope='session')
def emulator():
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def emu(emulator):
    """The session's emulator, reset to an empty state for this test, on its manual clock.

    Emulated time stands still unless a test moves it (``emu.clock(advance=N)``, or ``tick`` per
    Graph request): an outcome ``after: 0`` happens at once, one ``after: 60`` only when the test
    says so, however busy the machine is.
    """
    emulator.reset()
    emulator.clock(mode='manual')
    return emulator


@pytest.fixture
def graph(emulator):
    """The connection settings the playbooks pass through module_defaults."""
    return emulator.connection


@pytest.fixture
def playbook(tmp_path, graph, transcripts):
    """Run a playbook of tests/integration/playbooks with extra vars; return a PlaybookRun."""
    counter = itertools.count(1)  # next() is atomic: tests may run plays from threads at once

    home = tmp_path / 'user-home'
    home.mkdir(mode=0o700, exist_ok=True)

    def run(name, check=False, diff=False, extra_args=(), env=None, **extra_vars):
        number = next(counter)
        records_path = tmp_path / ('results-%d.json' % number)
        vars_path = tmp_path / ('vars-%d.json' % number)
        extra_vars.setdefault('graph', graph)
        vars_path.write_text(json.dumps(extra_vars))
        path = name if os.path.isabs(name) else os.path.join(PLAYBOOKS, name)
        inventory = 'localhost,' if name != 'forks.yml' else ','.join('host%d' % i for i in range(5)) + ','
        command = [ANSIBLE_PLAYBOOK, path, '-i', inventory, '-e', '@' + str(vars_path)]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        command.extend(extra_args)
        run_env = dict(os.environ)
        run_env.update(
            {
                'MSGRAPH_TEST_RESULTS': str(records_path),
                'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
                'ANSIBLE_CALLBACKS_ENABLED': 'result_recorder',
                'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_RETRY_FILES_ENABLED': '0',
                'ANSIBLE_LOCALHOST_WARNING': '0',
                'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
                # The collection keeps tokens in ~/.ansible by default. The suite counts token requests per task, runs
                # many emulators at once and injects token faults, so a run shares no token unless a test asks for it
                # (token_cache, or env={'MSGRAPH_TOKEN_CACHE': None} for the default file).
                'MSGRAPH_TOKEN_CACHE': 'false',
                # What the modules keep between tasks (the invite and call records, the locks) lives in the home of the
                # user who runs them: each test has its own, as each has its own calls and meetings.
                'HOME': str(home),
            }
        )
        for name, value in (env or {}).items():
            if value is None:
                run_env.pop(name, None)  # None removes a variable
            else:
                run_env[name] = value
        proc = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=run_env, universal_newlines=True, timeout=PLAY_TIMEOUT, check=False
        )
        records = json.loads(records_path.read_text()) if records_path.exists() else []
        run_result = PlaybookRun(proc.returncode, proc.stdout, records)
        transcripts.append(run_result)
        return run_result

    return run


@pytest.fixture
def tasks(tmp_path, playbook):
    """Run module tasks with literal arguments (any types, as a user could write them), in one play.

    ``steps`` is a list of (task name, module, args), or (task name, module, args, keywords) where
    keywords are more task keywords (``{'check_mode': True}``: that task previews, as under --check).
    The connection comes from module_defaults (the emulator's app), so ``args`` may override any of it.
    Failed tasks do not stop the play. Several scenarios share one run (each on its own call, with the
    call's own emulator config where they differ): a run costs more than a task.
    """
    counter = itertools.count(1)  # next() is atomic: tests may run plays from threads at once

    def task_entry(name, module, args, keywords=None):
        entry = {'name': name, 'msgraph.calls.' + module: args, 'ignore_errors': True}
        entry.update(keywords or {})
        return entry

    def run(steps, **kwargs):
        number = next(counter)
        play = [
            {
                'name': 'Tasks',
                'hosts': 'localhost',
                'gather_facts': False,
                'connection': 'local',
                'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                'module_defaults': {'group/msgraph.calls.graph': {key: '{{ graph.%s }}' % key for key in CONNECTION_OPTIONS}},
                'tasks': [task_entry(*step) for step in steps],
            }
        ]
        path = tmp_path / ('tasks-%d.yml' % number)
        path.write_text(json.dumps(play))  # JSON is YAML, and keeps every type exactly
        return playbook(str(path), **kwargs)

    return run


@pytest.fixture
def task(tasks):
    """Run one module task; ``run.task('Task')`` is its record, ``run.rc`` non-zero when it failed."""

    def run(module, args, **kwargs):
        result = tasks([('Task', module, args)], **kwargs)
        result.rc = 0 if result.task('Task')['status'] in ('ok', 'changed') else 2
        return result

    return run


@pytest.fixture(scope='session')
def transcripts(emulator):
    """Every playbook run of the session; at the end, none may show a secret (see test_secrets_never_leak)."""
    runs = []
    yield runs
    leaks = find_leaks(runs, set(SESSION_SECRETS) | {emulator.info['client_secret']})
    assert not leaks, 'secrets leaked into Ansible output or results: %s' % leaks[:3]


def find_leaks(runs, secrets):
    """(what, where) for each secret or bearer token found in a run's screen output or task results."""
    leaks = []
    for run_result in runs:
        blob = run_result.output + json.dumps(run_result.records)
        for secret in secrets:
            if secret and secret in blob:
                at = blob.index(secret)
                # Where it leaked, with the secret itself masked in the report.
                leaks.append((secret[:4] + '...', blob[max(0, at - 200) : at + 60].replace(secret, '<SECRET>')))
        match = BEARER_RE.search(blob)
        if match:
            leaks.append(('a bearer token', match.group(0)[:12] + '...'))
    return leaks


# Secrets tests add here (access tokens, certificate passwords) for the end-of-session scan.
SESSION_SECRETS = []
BEARER_RE = re.compile(r'Bearer\s+(?!<redacted>)[A-Za-z0-9._~+/-]{16,}')


def graph_writes(emu):
    """(method, path) of the Graph requests that are not reads (token requests aside): check mode must send none."""
    return [(r['method'], r['path']) for r in emu.requests() if r['method'] != 'GET' and r['path'].startswith(('/v1.0/', '/beta/'))]


def recorded(emu, method=None, suffix=None, contains=None):
    """The emulator's recorded requests of a method, whose path ends with ``suffix`` / contains ``contains``."""
    return [
        r
        for r in emu.requests()
        if (method is None or r['method'] == method) and (suffix is None or r['path'].endswith(suffix)) and (contains is None or contains in r['path'])
    ]


def invite_posts(emu, call_id=None):
    """The invite POSTs the emulator received (into one call, with ``call_id``), in order."""
    posts = recorded(emu, 'POST', '/participants/invite')
    return [post for post in posts if call_id is None or '/communications/calls/%s/' % call_id in post['path']]


def check_each(cases, check):
    """Run ``check(case)`` for every case of a batched play; fail once at the end, naming every case that failed and why."""
    problems = []
    for case in cases:
        with case_checks(problems, case):
            check(case)
    assert not problems, '\n'.join(problems)


@contextlib.contextmanager
def case_checks(problems, case):
    """Run one case's assertions; a failing one is noted in ``problems`` under the case's name, and the next case is
    still checked (the caller asserts ``not problems`` at the end)."""
    try:
        yield
    except AssertionError as exc:
        problems.append('%s: %s' % (case, exc))


def ok(record):
    """A task record that succeeded (ok or changed); its result."""
    assert record['status'] in ('ok', 'changed'), record
    return record['result']


def finished_operations(emu, call_id):
    """The call's operations, asserting that none still runs (on the manual clock, outcomes due now have happened)."""
    operations = emu.call(call_id)['operations']
    assert all(str(op.get('status')).lower() not in ('notstarted', 'running') for op in operations), operations
    return operations


def wait_for_request(emu, predicate, count=1, timeout=60.0):
    """Block until the emulator has recorded ``count`` requests matching ``predicate`` (an event, not a time
    window: the timeout only ends a test that would otherwise hang)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in emu.requests() if predicate(r)]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, 'no such request was recorded'
        time.sleep(0.05)
