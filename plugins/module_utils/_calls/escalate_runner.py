# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_escalate's work: page tier after tier until enough people joined.

Each tier is one graph_call_invite run (the planner, the sender and its promise: never twice, never
falsely invited) in its own clientContext family with ``state: invited``, then a wait that ends as
soon as the goal is met, or everyone of the tier has answered or failed, or the tier's time is up.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import ROSTER, prepare_people, read_call
from ansible_collections.msgraph.calls.plugins.module_utils._calls.escalation import (
    joined_count,
    person_outcome,
    report_lines,
    summary_table,
    tier_base,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_runner import InviteRunner


class EscalateRunner:  # pylint: disable=too-many-instance-attributes
    """One escalation; ``run()`` returns the result or raises TaskFailure/GraphError (``self.result`` stays complete)."""

    def __init__(
        self,
        client,
        call_id,
        tiers,
        base,
        min_joined=1,
        check_mode=False,
        warn=None,
        wait_sleep=2.0,
        settle_timeout=10.0,
        history_file=None,
        lock_dir=None,
        lock_timeout=120,
        fail_on_goal_not_met=True,
    ):
        self.client = client
        self.call_id = call_id
        self.tiers = tiers
        self.base = base
        self.min_joined = min_joined
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.wait_sleep = wait_sleep
        self.settle_timeout = settle_timeout
        self.history_file = history_file
        self.lock_dir = lock_dir
        self.lock_timeout = lock_timeout
        self.fail_on_goal_not_met = fail_on_goal_not_met
        self.people = []  # one dict per person, in tier order
        self.tier_results = []
        self.paged_shown = {}  # tier number -> the people it paged (or would page), with their names
        self.changed = False
        self.goal_met = False
        self.stopped_at = None
        self.roster = None
        self.result = self._report()

    def run(self):
        try:
            # Everyone's object id first: someone named by e-mail may be in the call already.
            prepare_people(self.client, [inv for tier in self.tiers for inv in tier.invitees], self.warn, merge=False)
            self.roster = self._read_roster()
            for tier in self.tiers:
                if self._goal_met():
                    break
                self._page(tier)
            self._goal_met()
        finally:
            for tier in self.tiers[len(self.tier_results) :]:
                self._not_paged(tier)
            self.result = self._report()
        if not self.goal_met and not self.check_mode:
            if not self.fail_on_goal_not_met:
                self.warn('escalation ended with %d of %d people needed in the call' % (self._joined(), self.min_joined))
                return self.result
            raise TaskFailure(
                'escalation ended with %d of %d people needed in the call after %d tier(s): %s'
                % (self._joined(), self.min_joined, len(self.tier_results), summary_table(self.people))
            )
        return self.result

    def _read_roster(self):
        """The roster before anything is paged: a goal already met pages nobody."""
        view = read_call(self.client, self.call_id, (ROSTER,))  # the check-mode marker reads as an empty call
        view.require_found('nobody was paged')
        error = view.errors.get(ROSTER)
        if error is not None and error.status == 400:
            raise TaskFailure(
                'call %s has no roster Graph will list (%s): escalation pages into group calls and meetings only' % (self.call_id, error.summary()),
                cause=error,
            )
        view.raise_for(ROSTER)
        return view.roster

    def _joined(self):
        return joined_count(self.tiers, self.roster) if self.roster is not None else 0

    def _goal_met(self):
        self.goal_met = self.roster is not None and self._joined() >= self.min_joined
        return self.goal_met

    def _page(self, tier):
        family = tier_base(self.base, tier.number)
        runner = InviteRunner(
            self.client,
            self.call_id,
            tier.invitees,
            family,
            state='invited',
            check_mode=self.check_mode,
            warn=self.warn,
            batch_size=1,
            settle_timeout=self.settle_timeout,
            history_file=self.history_file,
            lock_dir=self.lock_dir,
            lock_timeout=self.lock_timeout,
            known_roster=self.roster,
        )
        try:
            runner.run()
        except CollectionError:
            self._record(tier, runner)  # whoever was rung before it failed is reported
            raise
        finally:
            self.changed = self.changed or runner.sent
            self.roster = runner.roster if runner.roster is not None else self.roster
            self.stopped_at = tier.number
        if self.check_mode or self._goal_met():
            # Check mode: the plan is who each tier would page now; whether later tiers follow depends
            # on answers no preview can know, so every tier is planned (see _report's 'when').
            self._record(tier, runner)
            return
        runner.wait(tier.wait_timeout, self.wait_sleep, stop=lambda roster: joined_count(self.tiers, roster) >= self.min_joined)
        self.roster = runner.roster if runner.roster is not None else self.roster
        self._record(tier, runner)

    def _record(self, tier, runner):
        presence = roster_presence(self.roster)
        entries = dict((entry['label'], entry) for entry in runner.result['participants'])
        paged = []
        for inv in runner.invitees:
            # Someone the invite run did not get to (it failed first) was not sent an invite.
            entry = entries.get(inv.label, {'status': 'not_sent'})
            here = presence.get(inv.match)  # True: joined; False: in the lobby; None: not in the roster
            status = person_outcome(entry['status'], entry.get('outcome'), entry.get('result_info'), here is True, in_lobby=here is False)
            self.people.append(
                dict(
                    inv.entry,
                    label=inv.label,
                    shown=inv.shown,
                    tier=tier.number,
                    tier_name=tier.name,
                    status=status,
                    result_info=entry.get('result_info'),
                    operation_id=entry.get('operation_id'),
                )
            )
            if entry['status'] == 'invited':
                paged.append(inv.entry)
                self.paged_shown.setdefault(tier.number, []).append(inv.shown)
        self.tier_results.append(
            dict(tier=tier.number, name=tier.name, wait_timeout=tier.wait_timeout, paged=paged, operations=runner.result.get('operations', []))
        )

    def _not_paged(self, tier):
        """A tier the escalation did not get to: its people as the roster shows them (a re-run whose goal was met finds
        them in the call), else not paged."""
        presence = roster_presence(self.roster)
        for inv in tier.invitees:
            here = presence.get(inv.match) if inv.ident is not None else None
            status = person_outcome('not_paged', None, None, here is True, in_lobby=here is False)
            self.people.append(
                dict(inv.entry, label=inv.label, shown=inv.shown, tier=tier.number, tier_name=tier.name, status=status, result_info=None, operation_id=None)
            )

    def _report(self):
        joined = [dict((k, v) for k, v in p.items() if k not in ('result_info', 'operation_id')) for p in self.people if p['status'] == 'joined']
        result = dict(
            changed=self.changed or (self.check_mode and any(t['paged'] for t in self.tier_results)),
            goal_met=self.goal_met,
            min_joined=self.min_joined,
            joined=joined,
            stopped_at_tier=self.stopped_at,
            tiers=list(self.tier_results),
            participants=list(self.people),
            report=report_lines(self.people),
        )
        if self.check_mode:
            result['plan'] = self.plan()
        return result

    def plan(self):
        """What check mode would do, tier by tier, in words a reviewer reads."""
        lines = []
        for number, tier in enumerate(self.tier_results, 1):
            who = ', '.join(self.paged_shown.get(tier['tier'], [])) or 'nobody new'
            when = (
                'now'
                if number == 1
                else 'if fewer than %d have joined after %s'
                % (self.min_joined, ' and '.join('%s (%ss)' % (t['name'], t['wait_timeout']) for t in self.tier_results[: number - 1]))
            )
            lines.append('%s would page %s %s, then wait up to %ss' % (tier['name'], who, when, tier['wait_timeout']))
        if self.goal_met and not self.tier_results:
            here = ', '.join(p['shown'] for p in self.people if p['status'] == 'joined')
            lines.append('nobody would be paged: %d of the people listed are in the call already (%s)' % (self._joined(), here))
        return lines
