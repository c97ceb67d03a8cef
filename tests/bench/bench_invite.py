#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make bench`: what graph_call_invite costs, measured against the emulator; prints figures, asserts nothing.

1. The planner alone (pure): rosters of 10 to 5000 participants, 50 requested.
2. Whole tasks: one play of N invite tasks (each into its own call), then the same tasks again
   (idempotent re-runs), reporting wall time per task and Graph requests per task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/, for the emulator package

from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import plan_invite  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants  # noqa: E402  pylint: disable=wrong-import-position

TASKS = int(os.environ.get('BENCH_TASKS', '20'))


def guid(index):
    return '%08x-0000-4000-8000-%012d' % (index, index)


def bench_planner():
    print('planner: plan_invite() for 50 requested participants')
    requested = parse_participants([{'user': guid(i)} for i in range(50)])
    for size in (10, 100, 1000, 5000):
        roster = [{'info': {'identity': {'user': {'id': guid(i * 3)}}}} for i in range(size)]
        operations = [
            {'clientContext': 'b~%d' % i, 'status': 'failed', 'participants': [{'identity': {'user': {'id': guid(i * 7)}}}]} for i in range(size // 10)
        ]
        runs = 20
        seconds = timeit.timeit(functools.partial(plan_invite, requested, roster, 'b', operations=operations), number=runs) / runs
        print('  roster %5d, %4d operations: %8.3f ms' % (size, len(operations), seconds * 1000))


def play(connection, call_ids):
    tasks = [
        {'name': 'invite %d' % i, 'msgraph.calls.graph_call_invite': {'call_id': call_id, 'participants': [{'user': guid(1)}, {'phone': '+1425555%04d' % i}]}}
        for i, call_id in enumerate(call_ids)
    ]
    return [
        {
            'hosts': 'localhost',
            'gather_facts': False,
            'connection': 'local',
            'vars': {'ansible_python_interpreter': sys.executable},
            'module_defaults': {'group/msgraph.calls.graph': connection},
            'tasks': tasks,
        }
    ]


def run_play(path):
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path, '-i', 'localhost,']
    start = time.monotonic()
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:])
        raise SystemExit('the benchmark play failed')
    return elapsed


def bench_tasks():
    print('tasks: %d graph_call_invite tasks in one play, localhost, against the emulator' % TASKS)
    with EmulatorProcess() as emu, tempfile.TemporaryDirectory() as tmp:
        calls = [emu.create_call()['id'] for dummy in range(TASKS)]
        path = os.path.join(tmp, 'bench.yml')
        with open(path, 'w') as handle:
            json.dump(play(emu.connection, calls), handle)
        for label in ('first run (invites)', 're-run (no change)'):
            before = len(emu.requests())
            elapsed = run_play(path)
            made = emu.requests()[before:]
            graph = [r for r in made if '/communications/' in r['path']]
            token = [r for r in made if '/oauth2/' in r['path'] or 'openid-configuration' in r['path']]
            posts = [r for r in graph if r['method'] == 'POST']
            print(
                '  %-20s %6.2f s in all, %4.0f ms per task; per task: %.1f Graph reads, %.1f invites, %.1f token/discovery'
                % (label, elapsed, elapsed / TASKS * 1000, (len(graph) - len(posts)) / TASKS, len(posts) / TASKS, len(token) / TASKS)
            )


if __name__ == '__main__':
    bench_planner()
    bench_tasks()
