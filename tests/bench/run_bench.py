# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make bench`: what a graph_call_invite task costs, side by side with Ansible's floor and a uri recipe.

Prints the machine and versions first, progress on stderr, and the figures at the end (docs/performance.md says
what every column means). Asserts nothing about time: it exits non-zero only when a play fails or a correctness
count is wrong (a duplicate invite, a no-op that invited, a task not ok).

Environment: BENCH_TASKS (tasks per play, default 20), BENCH_REPEATS (runs of each scenario, default 3),
BENCH_SCALE=0 (skip the scale scenario), BENCH_MARKDOWN=<path> (also write the tables as Markdown there),
BENCH_EDA=0 (skip the event-driven bridge, tests/bench/eda_latency.py), BENCH_EDA_REPEATS (incidents per mode,
default 2), BENCH_EDA_WAIT_SLEEPS (the escalation's polling intervals to try, default 2,30).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # tests/, for the emulator package

from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

from collection import snapshot  # noqa: E402  pylint: disable=wrong-import-position
from eda_latency import eda_table, run_eda_latency  # noqa: E402  pylint: disable=wrong-import-position
from first_ring import first_ring  # noqa: E402  pylint: disable=wrong-import-position
from playbook import PlaybookFailed, Workdir  # noqa: E402  pylint: disable=wrong-import-position
from scale import problems as scale_problems, run_scale, scale_table  # noqa: E402  pylint: disable=wrong-import-position
from scenarios import DELAY_RULE, SideBySide  # noqa: E402  pylint: disable=wrong-import-position

STARTED = time.monotonic()


def setting(name, default, least):
    value = os.environ.get(name, '').strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit('%s must be an integer, not %r' % (name, value))
    if number < least:
        raise SystemExit('%s must be at least %d' % (name, least))
    return number


def wait_sleeps():
    """BENCH_EDA_WAIT_SLEEPS: comma-separated seconds, each more than 0 and at most 300 (graph_call_escalate's range)."""
    values = []
    for part in (os.environ.get('BENCH_EDA_WAIT_SLEEPS', '').strip() or '2,30').split(','):
        try:
            value = int(part)
        except ValueError:
            raise SystemExit('BENCH_EDA_WAIT_SLEEPS must list whole seconds, not %r' % part)
        if not 0 < value <= 300:
            raise SystemExit('BENCH_EDA_WAIT_SLEEPS: %d is not within 1-300' % value)
        values.append(value)
    return values


def progress(message):
    sys.stderr.write('[%5.0f s] %s\n' % (time.monotonic() - STARTED, message))
    sys.stderr.flush()


def cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def load():
    try:
        return '%.2f %.2f %.2f' % os.getloadavg()
    except OSError:
        return 'unknown'


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return 'not installed'


def checkout():
    """The commit, and whether plugins/ differs from it (figures describe the working tree)."""
    try:
        head = subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', '-C', REPO, 'status', '--porcelain', '--', 'plugins'], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return 'not a git checkout'
    return '%s%s' % (head, ', plugins/ with uncommitted changes' if dirty.strip() else '')


def machine():
    return [
        'python %s, ansible-core %s, msal %s, msal-extensions %s, requests %s'
        % (platform.python_version(), version('ansible-core'), version('msal'), version('msal-extensions'), version('requests')),
        '%s, nproc %s, load average %s (1, 5, 15 min) at the start' % (platform.platform(terse=True), cpus(), load()),
        'checkout %s' % checkout(),
    ]


def main():
    tasks = setting('BENCH_TASKS', 20, 2)
    repeats = setting('BENCH_REPEATS', 3, 1)
    scale = setting('BENCH_SCALE', 1, 0)
    eda = setting('BENCH_EDA', 1, 0)
    eda_repeats = setting('BENCH_EDA_REPEATS', 2, 1)
    sleeps = wait_sleeps()
    header = machine()
    print('\n'.join(header))
    print(
        'BENCH_TASKS=%d BENCH_REPEATS=%d BENCH_SCALE=%d BENCH_EDA=%d BENCH_EDA_REPEATS=%d BENCH_EDA_WAIT_SLEEPS=%s'
        % (tasks, repeats, scale, eda, eda_repeats, ','.join(str(value) for value in sleeps))
    )
    sys.stdout.flush()

    problems = []
    with contextlib.ExitStack() as stack:
        path = stack.enter_context(tempfile.TemporaryDirectory(prefix='msgraph-bench-'))
        collections = os.path.join(path, 'collections')
        fingerprint = snapshot(REPO, collections)
        print('collection snapshot %s (the plays and the planner run this copy of galaxy.yml, meta/ and plugins/)' % fingerprint)
        sys.stdout.flush()
        # The planner imports plan_invite from the snapshot, now first on sys.path.
        sys.path.insert(0, collections)
        import planner  # pylint: disable=import-outside-toplevel

        tables = [planner.planner_table(progress)]
        plain = stack.enter_context(EmulatorProcess())
        latency = stack.enter_context(EmulatorProcess())
        latency.add_faults(DELAY_RULE)
        workdir = Workdir(path, collections)
        try:
            side = SideBySide(workdir, {'plain': plain, 'latency': latency}, tasks, repeats, progress).run()
            tables.insert(0, side.table())
            problems.extend(side.problems)
            ring, ring_problems = first_ring(workdir, {'0 ms': plain, '100 ms': latency}, repeats, progress)
            tables.insert(1, ring)
            problems.extend(ring_problems)
            if scale:
                runs = [run_scale(workdir, plain, throttle, progress) for throttle in (False, True)]
                tables.insert(1, scale_table(runs))
                problems.extend(scale_problems(runs))
            if eda:
                # ansible-rulebook (make eda-venv) runs the working tree's rulebook and playbooks, not the snapshot.
                samples, eda_problems = run_eda_latency(stack.enter_context(EmulatorProcess()), sleeps, eda_repeats, progress)
                tables.append(eda_table(samples))
                problems.extend(eda_problems)
        except PlaybookFailed as exc:
            progress('a play failed')
            print(exc, file=sys.stderr)
            return 1

    footer = 'load average %s at the end; make bench took %.0f s' % (load(), time.monotonic() - STARTED)
    print()
    print('\n\n'.join(table.text() for table in tables))
    print()
    print(footer)
    markdown = os.environ.get('BENCH_MARKDOWN')
    if markdown:
        with open(markdown, 'w') as handle:
            handle.write('\n'.join('- ' + line for line in header + [footer]) + '\n\n' + '\n\n'.join(table.markdown() for table in tables) + '\n')
        progress('wrote %s' % markdown)
    if problems:
        print('\nFAILED (correctness):\n  ' + '\n  '.join(problems))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
