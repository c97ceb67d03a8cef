# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a generated playbook, run ansible-playbook on it with the integration tests' result_recorder callback, read
back the per-task timings it records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The integration tests' callback: it records each task's start and each host result's time too.
CALLBACKS = os.path.join(os.path.dirname(HERE), 'integration', 'callback_plugins')
LIBRARY = os.path.join(HERE, 'library')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
FOREIGN_ENV = ('PYTHONPATH', 'ANSIBLE_CONFIG', 'AZURE_', 'MSGRAPH_', 'IDENTITY_', 'MSI_', 'IMDS_')


class PlaybookFailed(Exception):
    """ansible-playbook exited non-zero; the message holds the end of its output."""


class Run:
    """One ansible-playbook run: wall seconds, and per task its name, duration and host results."""

    def __init__(self, elapsed, records):
        self.elapsed = elapsed
        self.tasks = []
        for record in records:
            # The records come in task order; a task's hosts share its start.
            if not self.tasks or self.tasks[-1]['start'] != record['task_start']:
                self.tasks.append({'start': record['task_start'], 'results': []})
            self.tasks[-1]['results'].append(record)
        for task in self.tasks:
            task['seconds'] = max(result['end'] for result in task['results']) - task['start']

    def durations(self):
        """Per-task seconds, without the play's first task (the warm-up)."""
        return [task['seconds'] for task in self.tasks[1:]]

    def statuses(self):
        """{status: count} over every host result of every task ('changed' counted apart from 'ok')."""
        counts = {}
        for task in self.tasks:
            for result in task['results']:
                counts[result['status']] = counts.get(result['status'], 0) + 1
        return counts


class Workdir:
    """A directory of generated playbooks, with library/ (the floor module) next to them.

    ``collections``: the ANSIBLE_COLLECTIONS_PATH of every run (the snapshot of collection.py).
    """

    def __init__(self, path, collections):
        self.path = path
        self.collections = collections
        self.counter = 0
        # Copies, like the collection's snapshot: the checkout may change while the benchmark runs.
        shutil.copytree(LIBRARY, os.path.join(path, 'library'), ignore=shutil.ignore_patterns('__pycache__'))
        self.callbacks = os.path.join(path, 'callback_plugins')
        shutil.copytree(CALLBACKS, self.callbacks, ignore=shutil.ignore_patterns('__pycache__'))

    def file(self, name):
        return os.path.join(self.path, name)

    def write(self, name, data):
        """Write ``data`` as JSON (which is YAML) and return the path."""
        path = self.file(name)
        with open(path, 'w') as handle:
            json.dump(data, handle, indent=1)
        return path

    def run(self, plays, inventory='localhost,', forks=None):
        """Run the plays (a list of play dicts); return a Run. Raise PlaybookFailed on a non-zero exit."""
        self.counter += 1
        path = self.write('play-%03d.yml' % self.counter, plays)
        timings = self.file('timings-%03d.json' % self.counter)
        command = [ANSIBLE_PLAYBOOK, path, '-i', inventory]
        if forks:
            command.extend(['--forks', str(forks)])
        # A HOME of its own per run: no ~/.ansible.cfg of the user's, and whatever a module keeps under ~/.ansible
        # (graph_call_invite's default token cache) starts empty at every run and stays out of the user's home.
        home = self.file('home-%03d' % self.counter)
        os.mkdir(home)
        # Nor the caller's Azure / msgraph.calls variables, which modules read as fallbacks (MSGRAPH_TOKEN_CACHE...),
        # nor PYTHONPATH (make's points at the checkout): the collection comes from the snapshot only.
        env = {key: value for key, value in os.environ.items() if not key.startswith(FOREIGN_ENV)}
        env.update(
            {
                'HOME': home,
                'ANSIBLE_COLLECTIONS_PATH': self.collections,
                'MSGRAPH_TEST_RESULTS': timings,
                'ANSIBLE_CALLBACK_PLUGINS': self.callbacks,
                'ANSIBLE_CALLBACKS_ENABLED': 'result_recorder',
                'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_RETRY_FILES_ENABLED': '0',
                'ANSIBLE_LOCALHOST_WARNING': '0',
                'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
                'ANSIBLE_HOST_KEY_CHECKING': '0',
            }
        )
        start = time.monotonic()
        proc = subprocess.run(command, cwd=self.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, universal_newlines=True, check=False)
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            raise PlaybookFailed('%s exited %d:\n%s' % (os.path.basename(path), proc.returncode, proc.stdout[-4000:]))
        if not os.path.exists(timings):
            raise PlaybookFailed('%s wrote no timings (was the result_recorder callback loaded?):\n%s' % (os.path.basename(path), proc.stdout[-4000:]))
        with open(timings) as handle:
            return Run(elapsed, json.load(handle))
