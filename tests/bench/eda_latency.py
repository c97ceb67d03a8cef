# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event-driven bridge's latencies: the rulebook in ansible-rulebook against an emulator, with and without its call
notifications.

For each escalation polling interval (the rulebook's ``bridge_wait_sleep``), one ansible-rulebook runs incidents one
after another, alternately with the emulator's notifications off and on. Each incident measures:

- alert -> first ring: from the alert's POST to the webhook until tier 1's invite POST reaches the emulator;
- decline -> next ring: tier 1 declines when the bench moves the emulator clock (manual, so nothing else moves it)
  past the decline; from that moment until tier 2's invite POST reaches the emulator. Without notifications the
  escalation's next read finds the decline; with them, the decline notification's next-tier play may page first.

Both are read by polling the emulator's request log every POLL seconds (the resolution of the figures). It asserts
nothing about time; a tier paged twice or a failed play is a correctness problem.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pathlib
import sys
import tempfile
import time

from stats import median
from table import Table, fmt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'integration'))
from eda_rulebook import ORGANIZER, TIER1, TIER2, Rulebook, alert, invited  # noqa: E402  pylint: disable=wrong-import-position,import-error

POLL = 0.05
DECLINE_AFTER = 30  # emulator seconds after tier 1's page; the bench moves the clock past it
TIMEOUT = 600  # ends a hung run; not a measure


class Sample:
    """One incident's figures (seconds) and what went wrong, if anything."""

    def __init__(self, incident, notifications):
        self.incident = incident
        self.notifications = notifications
        self.first_ring = None
        self.next_ring = None


def _watch(predicate, what, rulebook):
    """The monotonic time at which ``predicate()`` first held (polled every POLL s)."""
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        if predicate():
            return time.monotonic()
        time.sleep(POLL)
    raise AssertionError('%s did not happen; ansible-rulebook said:\n%s' % (what, rulebook.output()[-4000:]))


def _pages(emu, user, incident, tier):
    return [context for context in invited(emu, user) if (context or '').startswith('%s.t%d~' % (incident, tier))]


def _finished(rulebook):
    """Every playbook run ansible-rulebook started has ended."""
    output = rulebook.output()
    return output.count('PLAY [') == output.count('PLAY RECAP')


def _incident(emu, rulebook, incident, notifications, problems):
    sample = Sample(incident, notifications)
    emu.config(notifications=notifications)
    next_plays = rulebook.plays('Page the next tier after a failed invite')
    recaps = rulebook.recaps()
    mark = len(rulebook.output())
    start = time.monotonic()
    rulebook.post_alert(alert(incident))
    sample.first_ring = _watch(lambda: _pages(emu, TIER1, incident, 1), 'tier 1 paged for ' + incident, rulebook) - start
    declined = time.monotonic()
    emu.clock(advance=DECLINE_AFTER)
    sample.next_ring = _watch(lambda: _pages(emu, TIER2, incident, 2), 'tier 2 paged for ' + incident, rulebook) - declined
    # Settle before the next incident: the bridge play ends once tier 2 joined; with notifications, the next-tier play
    # the decline started ends too (it may find tier 2 already paged).
    _watch(lambda: rulebook.recaps() > recaps and _finished(rulebook), 'the bridge play of %s ending' % incident, rulebook)
    if notifications:
        _watch(lambda: rulebook.plays('Page the next tier after a failed invite') > next_plays and _finished(rulebook), 'the next-tier play', rulebook)
    for user, tier in ((TIER1, 1), (TIER2, 2)):
        if len(_pages(emu, user, incident, tier)) != 1:
            problems.append('%s: tier %d paged %d times' % (incident, tier, len(_pages(emu, user, incident, tier))))
    failed = [line for line in rulebook.output()[mark:].splitlines() if 'failed=' in line and 'failed=0' not in line]
    if failed:
        problems.append('%s: a play failed: %s' % (incident, failed[-1].strip()))
    return sample


def run_eda_latency(emu, wait_sleeps, repeats, progress):
    """Samples for every (wait_sleep, notifications) pair, ``repeats`` incidents each; and the correctness problems."""
    samples, problems = {}, []
    tiers = [
        {'name': 'primary', 'participants': [{'user': TIER1}], 'wait_timeout': 3600},
        {'name': 'secondary', 'participants': [{'user': TIER2}], 'wait_timeout': 3600},
    ]
    for wait_sleep in wait_sleeps:
        emu.reset()
        emu.clock(mode='manual')
        emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
        # Only the bench moves the clock: the call establishes at once, tier 1 declines when the bench says, tier 2 answers.
        emu.config(call_establish_after=0, invite_outcomes={TIER1: {'result': 'decline', 'after': DECLINE_AFTER}})
        with tempfile.TemporaryDirectory(prefix='msgraph-bench-eda-') as path:
            progress('eda: ansible-rulebook, bridge_wait_sleep %s s' % wait_sleep)
            with Rulebook(emu, pathlib.Path(path), tiers, wait_sleep=wait_sleep) as rulebook:
                for run in range(repeats):
                    for notifications in (False, True):
                        incident = 'BENCH-%s-%d-%s' % (wait_sleep, run + 1, 'n' if notifications else 'p')
                        sample = _incident(emu, rulebook, incident, notifications, problems)
                        samples.setdefault((wait_sleep, notifications), []).append(sample)
                        progress('eda: %s: first ring %.1f s, next ring %.1f s' % (incident, sample.first_ring, sample.next_ring))
    return samples, problems


def _spread(values):
    return '%s (%s-%s)' % (fmt(median(values), '%.1f'), fmt(min(values), '%.1f'), fmt(max(values), '%.1f')) if values else '-'


def eda_table(samples):
    table = Table(
        'Event-driven bridge: seconds, median (min-max), through ansible-rulebook',
        ['bridge_wait_sleep (s)', 'notifications', 'incidents', 'alert -> first ring', 'decline -> next tier ring'],
        numeric=(0, 2),
    )
    for (wait_sleep, notifications), runs in sorted(samples.items()):
        table.add(
            wait_sleep,
            'on' if notifications else 'off (polling only)',
            len(runs),
            _spread([sample.first_ring for sample in runs]),
            _spread([sample.next_ring for sample in runs]),
        )
    table.notes.append(
        'alert -> first ring: the alert POST to the rulebook webhook until tier 1\'s invite reached the emulator (ansible-playbook '
        'starts, the meeting, the join, the page). decline -> next tier ring: the moment tier 1 declines (the bench moves the '
        'emulator clock) until tier 2\'s invite reached the emulator. Read by polling every %.2f s.' % POLL
    )
    table.notes.append(
        'Without notifications the escalation finds the decline on its next read (every bridge_wait_sleep s); with them the '
        'decline notification also starts the next-tier play, which pages when it gets there first. The bench declines '
        'as soon as tier 1 is paged, when the escalation has just read the call: polling\'s worst case, a whole '
        'bridge_wait_sleep (a decline at a random moment waits half of it on average).'
    )
    return table
