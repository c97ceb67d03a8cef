# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test-only callback: writes every task result of a run to the JSON file named by MSGRAPH_TEST_RESULTS.

The integration tests assert on these results (and on the emulator's records), not on screen output. `make bench`
times tasks with the same records: when the task started and when each host's result came back, on the controller's
monotonic clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: result_recorder
type: aggregate
short_description: Records task results to a JSON file for the integration tests
description:
  - Writes a list of C({task, action, host, status, result, task_start, end}) to the file named by
    E(MSGRAPH_TEST_RESULTS); C(task_start) and C(end) are seconds on the controller's monotonic clock.
options: {}
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_recorder'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._records = []
        self._task_start = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start = time.monotonic()

    def _record(self, result, status):
        end = time.monotonic()
        data = dict(result._result)
        if status == 'ok' and data.get('changed'):
            status = 'changed'
        self._records.append(
            {
                'task': result._task.get_name(),
                'action': result._task.action,
                'host': result._host.get_name(),
                'status': status,
                'result': json.loads(json.dumps(data, default=str)),
                'task_start': self._task_start,
                'end': end,
            }
        )

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('MSGRAPH_TEST_RESULTS')
        if path:
            with open(path, 'w') as handle:
                json.dump(self._records, handle, indent=2, sort_keys=True)
