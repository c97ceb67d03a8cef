# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The side-by-side scenarios: plays of TASKS tasks on localhost, run in turn, REPEATS times, and their table.

Each repeat runs every scenario once, in the same order (floor, uri recipe, no-op, ... then again), so a burst
of load on the machine falls on all of them alike. Two emulators serve them: ``plain``, and ``latency``, where
a fault rule delays every request (token service and discovery included) by DELAY_MS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import plays
from requests_log import Window
from stats import median, percentile, ratio
from table import Table, fmt

DELAY_MS = 100
# The fault rule of the latency emulator: every path (the empty regex matches all), every method, for good.
DELAY_RULE = {'action': 'delay', 'delay_ms': DELAY_MS, 'path': '', 'method': '*', 'times': 10**9}


class Scenario:
    """A row of the table: how to build its play for one run, and what must be true of every run."""

    def __init__(self, key, label, target=None, kind='noop', token_cache=False, baseline=None):
        self.key = key
        self.label = label
        self.target = target  # None (no emulator), 'plain' or 'latency'
        self.kind = kind  # 'floor', 'uri', 'requests_get', 'noop' or 'invite'
        self.token_cache = token_cache
        self.baseline = baseline  # the key of the same scenario without latency
        self.runs = []


def scenarios():
    return [
        Scenario('floor', 'floor (exit_json only)', kind='floor'),
        Scenario('uri', 'uri recipe (token + 1 GET/task)', 'plain', kind='uri'),
        Scenario('requests_get', 'requests GET module (1 GET/task)', 'plain', kind='requests_get'),
        Scenario('noop', 'invite no-op', 'plain', kind='noop'),
        Scenario('noop_cache', 'invite no-op, token_cache: <file>', 'plain', kind='noop', token_cache=True),
        Scenario('invite', 'invite 1 user + 1 phone', 'plain', kind='invite'),
        Scenario('noop_latency', 'invite no-op, +%d ms/request' % DELAY_MS, 'latency', kind='noop', baseline='noop'),
        Scenario('invite_latency', 'invite, +%d ms/request' % DELAY_MS, 'latency', kind='invite', baseline='invite'),
    ]


class RunFigures:
    """What one run of one scenario measured."""

    def __init__(self, run, requests, task_calls):
        self.run = run
        self.durations = run.durations()  # without the first task
        self.statuses = run.statuses()
        if requests is None:
            self.graph_per_task = None
            self.token_requests = None
            self.invites = self.duplicates = 0
        else:
            per_call = requests.graph_per_call()
            measured = task_calls[1:]
            self.graph_per_task = sum(per_call.get(call.lower(), 0) for call in measured) / len(measured)
            self.token_requests = len(requests.token_service)
            self.invites = len(requests.performed_invites())
            self.duplicates = requests.duplicates()


class SideBySide:
    """Runs the scenarios against the two emulators in a work directory; collects figures and problems."""

    def __init__(self, workdir, emulators, tasks, repeats, progress):
        self.workdir = workdir
        self.emulators = emulators  # {'plain': EmulatorProcess, 'latency': EmulatorProcess}
        self.tasks = tasks
        self.repeats = repeats
        self.progress = progress
        self.scenarios = scenarios()
        self.problems = []
        # The no-op calls: both people already in the roster; seeded once per emulator, never changed.
        self.noop_calls = {name: [emu.create_call(plays.PEOPLE_IN_ROSTER)['id'] for dummy in range(tasks)] for name, emu in emulators.items()}

    def run(self):
        for repeat in range(1, self.repeats + 1):
            for scenario in self.scenarios:
                figures = self.run_one(scenario, repeat)
                scenario.runs.append(figures)
                self.progress(
                    'repeat %d/%d, %s: %.1f s; per task median %.2f s, slowest %.2f s'
                    % (repeat, self.repeats, scenario.label, figures.run.elapsed, median(figures.durations), max(figures.durations))
                )
        return self

    def build(self, scenario, repeat):
        """(plays, the call of each task: None for a task without one, the token_cache file or None)."""
        if scenario.kind == 'floor':
            return plays.floor(self.tasks), [None] * self.tasks, None
        emu = self.emulators[scenario.target]
        if scenario.kind in ('uri', 'requests_get'):
            # The first task is the token request; each of the others reads one call's roster.
            calls = self.noop_calls[scenario.target][1:]
            recipe = plays.uri_recipe if scenario.kind == 'uri' else plays.requests_get
            return recipe(emu.info, calls), [None] + calls, None
        if scenario.kind == 'noop':
            calls = self.noop_calls[scenario.target]
        else:
            calls = [emu.create_call()['id'] for dummy in range(self.tasks)]
        token_cache = None
        if scenario.token_cache:
            # A file of its own per run (in a directory that exists; the module creates the file, mode 0600).
            token_cache = self.workdir.file('token-cache-%s-%d.json' % (scenario.key, repeat))
        return plays.invite(emu.connection, calls, token_cache=token_cache, name=scenario.key), calls, token_cache

    def run_one(self, scenario, repeat):
        built, task_calls, token_cache = self.build(scenario, repeat)
        if scenario.target is None:
            figures = RunFigures(self.workdir.run(built), None, task_calls)
        else:
            window = Window(self.emulators[scenario.target])
            mark = window.mark()
            run = self.workdir.run(built)
            figures = RunFigures(run, window.since(mark), task_calls)
        self.check(scenario, repeat, figures, token_cache)
        return figures

    def check(self, scenario, repeat, figures, token_cache):
        where = '%s, repeat %d' % (scenario.label, repeat)
        mode = token_cache_mode(token_cache) if token_cache else 0o600
        if mode != 0o600:
            self.problems.append('%s: the token cache file %s' % (where, 'is missing' if mode is None else 'has mode %o, not 600' % mode))
        bad = {status: count for status, count in figures.statuses.items() if status not in ('ok', 'changed')}
        if bad:
            self.problems.append('%s: task results %s' % (where, bad))
        if figures.duplicates:
            self.problems.append('%s: %d duplicate invites' % (where, figures.duplicates))
        if scenario.kind == 'noop' and (figures.statuses.get('changed') or figures.invites):
            self.problems.append('%s: a no-op changed %d tasks, sent %d invites' % (where, figures.statuses.get('changed', 0), figures.invites))
        if scenario.kind == 'invite':
            expected = self.tasks * len(plays.PEOPLE)
            if figures.statuses.get('changed') != self.tasks or figures.invites != expected:
                self.problems.append(
                    '%s: %d of %d tasks changed, %d of %d people invited' % (where, figures.statuses.get('changed', 0), self.tasks, figures.invites, expected)
                )

    # --- the table ----------------------------------------------------------------------------------------------

    def summary(self):
        """{key: {median, p10, p90, best, graph, token, token_range}} over every run (seconds, counts)."""
        out = {}
        for scenario in self.scenarios:
            pooled = [value for figures in scenario.runs for value in figures.durations]
            tokens = [figures.token_requests for figures in scenario.runs if figures.token_requests is not None]
            graph = [figures.graph_per_task for figures in scenario.runs if figures.graph_per_task is not None]
            out[scenario.key] = {
                'median': median(pooled),
                'p10': percentile(pooled, 0.1),
                'p90': percentile(pooled, 0.9),
                'best': min(median(figures.durations) for figures in scenario.runs) if scenario.runs else None,
                'graph': sum(graph) / len(graph) if graph else None,
                'token': median(tokens),
                'token_range': (min(tokens), max(tokens)) if tokens else None,
            }
        return out

    def table(self):
        figures = self.summary()
        floor = figures['floor']['median']
        uri = figures['uri']['median']
        least = figures['requests_get']['median']
        delay = DELAY_MS / 1000.0
        table = Table(
            'Per task, %d tasks per play (the first left out), %d runs each, interleaved' % (self.tasks, self.repeats),
            [
                'scenario',
                'median ms',
                'p10-p90 ms',
                'best-run median ms',
                'Graph req/task',
                'token req/run',
                'x floor',
                'x uri',
                'x req GET',
                'RTs over floor',
                'RTs added',
            ],
            numeric=range(1, 11),
        )
        for scenario in self.scenarios:
            row = figures[scenario.key]
            token = row['token_range']
            token_text = '-'
            if token is not None:
                token_text = fmt(row['token']) if token[0] == token[1] else '%s (%d-%d)' % (fmt(row['token']), token[0], token[1])
            over_floor = added = None
            if scenario.target == 'latency':
                over_floor = (row['median'] - floor) / delay
                added = (row['median'] - figures[scenario.baseline]['median']) / delay
            table.add(
                scenario.label,
                fmt(_ms(row['median'])),
                '%s-%s' % (fmt(_ms(row['p10'])), fmt(_ms(row['p90']))),
                fmt(_ms(row['best'])),
                fmt(row['graph'], '%.1f'),
                token_text,
                fmt(ratio(row['median'], floor), '%.2f'),
                fmt(ratio(row['median'], uri), '%.2f') if scenario.target != 'latency' else None,
                fmt(ratio(row['median'], least), '%.2f') if scenario.target != 'latency' else None,
                fmt(over_floor, '%.1f'),
                fmt(added, '%.1f'),
            )
        table.notes.extend(
            [
                'median, p10-p90: over every measured task of every run (the first task of each play left out); best-run median: '
                'the lowest of the runs\' own medians.',
                'Graph req/task: requests under /v1.0 or /beta per measured task. token req/run: token POSTs and OpenID discovery '
                'GETs in a whole run, first task included (the median of the runs; their range when they differ).',
                'x floor, x uri, x req GET: the median over the medians of the floor, the uri recipe and the requests GET module '
                '(the least module that reads a roster with requests: library/bench_requests_get.py) of the same make bench.',
                '+%d ms/request: every request to that emulator (token service and discovery too) waits %d ms. RTs over floor = '
                '(median - floor median) / %.1f s; RTs added = (median - the same scenario\'s median without latency) / %.1f s, '
                'the round trips a task waits for one after another.' % (DELAY_MS, DELAY_MS, delay, delay),
            ]
        )
        return table


def _ms(seconds):
    return None if seconds is None else seconds * 1000.0


def token_cache_mode(path):
    """The permission bits of a token cache file, or None when it does not exist."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        return None
