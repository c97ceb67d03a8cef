# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""plan_invite alone (pure Python, no I/O): 50 requested people against rosters of 100, 1,000 and 10,000.

Each roster comes with a tenth as many operations of the same family, as a call that has seen many invites has.
The time per roster entry stays flat if the planner is linear in the roster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import timeit

from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import plan_invite
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants

from plays import guid
from table import Table, fmt

REQUESTED = 50
SIZES = (100, 1000, 10000)


def measure(size, requested):
    """Best seconds per plan_invite call over a few timings of at least 0.2 s each."""
    roster = [{'info': {'identity': {'user': {'id': guid(i * 3)}}}} for i in range(size)]
    operations = [{'clientContext': 'b~%d' % i, 'status': 'failed', 'participants': [{'identity': {'user': {'id': guid(i * 7)}}}]} for i in range(size // 10)]
    timer = timeit.Timer(functools.partial(plan_invite, requested, roster, 'b', operations=operations))
    number, dummy = timer.autorange()
    return min(timer.repeat(repeat=3, number=number)) / number, len(operations)


def planner_table(progress):
    progress('planner: plan_invite for %d requested, rosters of %s' % (REQUESTED, ', '.join('{:,}'.format(size) for size in SIZES)))
    requested = parse_participants([{'user': guid(i)} for i in range(REQUESTED)])
    table = Table(
        'Planner: plan_invite() for %d requested people (best of 3 timings)' % REQUESTED,
        ['roster entries', 'operations', 'ms per plan', 'µs per roster entry'],
        numeric=range(4),
    )
    for size in SIZES:
        seconds, operations = measure(size, requested)
        table.add('{:,}'.format(size), '{:,}'.format(operations), fmt(seconds * 1000, '%.2f'), fmt(seconds * 1e6 / size, '%.2f'))
    return table
