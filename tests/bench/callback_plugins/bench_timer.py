# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bench-only callback: records when each task started and when each host's result came back.

`make bench` enables it (ANSIBLE_CALLBACKS_ENABLED=bench_timer, ANSIBLE_CALLBACK_PLUGINS=tests/bench/callback_plugins)
and reads the JSON file named by BENCH_TIMINGS when the play is over. Times are the controller's monotonic clock, in
seconds; a task's duration is from its start to the last of its hosts' results, what the user waits for.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Records per-task start and result times to a JSON file for the benchmark
description:
  - Writes each task's name and start time, and each host result's status and time, as JSON to the file named by
    E(BENCH_TIMINGS).
options: {}
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._tasks = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._tasks.append({'name': task.get_name(), 'start': time.monotonic(), 'results': []})

    def _record(self, result, status):
        end = time.monotonic()
        if self._tasks:
            self._tasks[-1]['results'].append({'host': result._host.get_name(), 'status': status, 'changed': bool(result._result.get('changed')), 'end': end})

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('BENCH_TIMINGS')
        if path:
            with open(path, 'w') as handle:
                json.dump({'tasks': self._tasks, 'end': time.monotonic()}, handle)
