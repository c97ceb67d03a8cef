# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rulebook extensions/eda/rulebooks/incident_bridge.yml in ansible-rulebook, with the emulator notifying the
collection's event source: an alert opens the bridge once and pages tier 1, and a second incident's alert opens its
own at once (not after the first escalation); a decline notification pages tier 2 long before the escalation's polling
would; a wrongly signed or dropped notification triggers nothing, and polling still ends the escalation right."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

import pytest

from eda_rulebook import ORGANIZER, TIER1, TIER2, Rulebook, alert, invited, joins

NEXT_TIER_PLAY = 'Page the next tier after a failed invite'
BYSTANDER = '4c3b2a19-0f8e-4d7c-b6a5-948372615a0b'


def tiers(wait_timeout):
    return [
        {'name': 'primary', 'participants': [{'user': TIER1}], 'wait_timeout': wait_timeout},
        {'name': 'secondary', 'participants': [{'user': TIER2}], 'wait_timeout': wait_timeout},
    ]


def setup(emu, decline_after=0, **config):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    emu.config(notifications=True, invite_outcomes={TIER1: {'result': 'decline', 'after': decline_after}}, **config)


def refused_only(log):
    """Notifications were sent, and every one was refused 401."""
    statuses = [entry['status'] for entry in log if 'status' in entry]
    return bool(statuses) and set(statuses) == {401}


def task_status(output, task):
    """The status line (changed, ok, skipping, fatal) of ``task`` in ansible-rulebook's output (events print between)."""
    after = output.partition('TASK [%s]' % task)[2]
    for line in after.split('TASK [')[0].splitlines():
        match = re.match(r'(changed|ok|skipping|fatal): ', line)
        if match:
            return match.group(1)
    return None


def quiet(emu, rulebook, seconds=3):
    """Wait until no Graph request arrived for ``seconds`` (the escalation sleeps between its reads): a sync, not a check."""
    last = [len(emu.requests()), time.monotonic()]

    def settled():
        count = len(emu.requests())
        if count != last[0]:
            last[:] = [count, time.monotonic()]
        return time.monotonic() - last[1] >= seconds

    rulebook.wait_for(settled, 'the escalation waiting between reads')


def test_an_alert_opens_the_bridge_once_and_a_decline_notification_pages_tier_2(emu, tmp_path):
    # Tier 1 declines 30 s (emulator clock) after the page. The escalation reads the call, then sleeps 300 s (the longest
    # wait_sleep the module allows) with the clock standing still; the test then moves the clock: only the decline
    # notification can page tier 2 before the escalation's next read.
    setup(emu, decline_after=30)
    with Rulebook(emu, tmp_path, tiers(wait_timeout=3600), wait_sleep=300) as rulebook:
        for dummy in range(3):  # Alertmanager repeats the group
            assert rulebook.post_alert(alert('INC-42')) == 200
        rulebook.wait_for(lambda: invited(emu, TIER1), 'tier 1 paged')
        quiet(emu, rulebook)
        emu.clock(advance=30)
        tier2 = rulebook.wait_for(lambda: invited(emu, TIER2), 'tier 2 paged by the decline notification')
        # The next-tier play's invite is the one that paged (changed), not a no-op after the escalation's own.
        rulebook.wait_for(lambda: task_status(rulebook.output(), 'Page the next tier now') == 'changed', 'the next-tier play paging')
        assert all(context.startswith('INC-42.t2~') for context in tier2)
        assert len(joins(emu)) == 1 and len(emu.meetings()) == 1, 'one bridge however many alerts'
        assert len(invited(emu, TIER1)) == 1
        statuses = [entry.get('status') for entry in emu.notifications() if 'status' in entry]
        assert statuses and set(statuses) == {202}


def test_a_second_incident_is_paged_while_the_first_still_escalates(emu, tmp_path):
    # Tier 1 rings for an hour of emulator time, which never passes here: INC-60's escalation waits on it for the
    # whole test. Run in sequence, INC-61's bridge would only open after that escalation ended.
    setup(emu, decline_after=3600)
    with Rulebook(emu, tmp_path, tiers(wait_timeout=3600), wait_sleep=300) as rulebook:
        assert rulebook.post_alert(alert('INC-60')) == 200
        rulebook.wait_for(lambda: any(c.startswith('INC-60.t1~') for c in invited(emu, TIER1)), 'INC-60 tier 1 paged')
        assert rulebook.post_alert(alert('INC-61')) == 200
        rulebook.wait_for(lambda: any(c.startswith('INC-61.t1~') for c in invited(emu, TIER1)), 'INC-61 tier 1 paged')
        assert rulebook.recaps() == 0, 'INC-60 still escalates: ' + rulebook.output()
        assert len(joins(emu)) == 2 and len(emu.meetings()) == 2


@pytest.mark.parametrize(
    'config, seen',
    [
        ({'notification_signing': 'bad_signature'}, refused_only),
        ({'notification_drop': ['invite']}, lambda log: any(e.get('dropped') and e['kinds'] == ['invite'] for e in log)),
    ],
    ids=['wrongly-signed', 'dropped'],
)
def test_without_the_notification_polling_still_ends_the_escalation_right(emu, tmp_path, config, seen):
    setup(emu, **config)
    with Rulebook(emu, tmp_path, tiers(wait_timeout=120), wait_sleep=1) as rulebook:
        assert rulebook.post_alert(alert('INC-43')) == 200
        rulebook.wait_for(lambda: 'PLAY RECAP' in rulebook.output(), 'the bridge playbook finished')
        output = rulebook.output()
        assert 'failed=0' in output, output
        assert len(invited(emu, TIER1)) == 1 and len(invited(emu, TIER2)) == 1, 'tier 2 paged once, by polling'
        # The emulator delivers notifications on its own thread: on a busy machine the playbook can finish before the
        # refused (or dropped) POST is logged. Wait for it; the timeout only ends a hung test.
        rulebook.wait_for(lambda: seen(emu.notifications()), 'the notification refused or dropped')
        assert NEXT_TIER_PLAY not in rulebook.output()


def test_a_decline_delivered_twice_and_before_an_older_roster_pages_tier_2_once(emu, tmp_path):
    # A bystander is in the incident's meeting (seeded before the rulebook's createOrGet finds it). Once the bridge
    # waits, every notification POST is sent twice and pairwise swapped: the bystander's leaving (held back) goes
    # out after tier 1's decline (the POST after it). Graph may deliver a notification more than once and out of order.
    setup(emu, decline_after=30)
    emu.add_meeting(ORGANIZER, external_id='INC-44', participants=[{'user': {'id': BYSTANDER, 'displayName': 'Bystander'}}])
    with Rulebook(emu, tmp_path, tiers(wait_timeout=3600), wait_sleep=300) as rulebook:
        assert rulebook.post_alert(alert('INC-44')) == 200
        rulebook.wait_for(lambda: invited(emu, TIER1), 'tier 1 paged')
        quiet(emu, rulebook)
        rulebook.wait_for(lambda: emu.notification_counts()['pending'] == 0, 'the notifications so far delivered')
        [call] = emu.admin('GET', '/calls')['value']
        before = len(emu.notifications())
        emu.config(notification_reorder=True, notification_duplicate=True)
        emu.leave(call['id'], BYSTANDER)
        emu.wait_sweeps()  # the leaving is queued (and held back) before the decline is due
        emu.clock(advance=30)
        rulebook.wait_for(lambda: emu.notification_counts()['pending'] == 0 and len(emu.notifications()) >= before + 4, 'both POSTs sent twice')
        sent = emu.notifications()[before:]
        assert [entry['kinds'] for entry in sent] == [['invite']] * 2 + [['participants']] * 2, sent
        assert {entry.get('status') for entry in sent} == {202}
        # Both copies of the decline reached the rules, and so did the older roster behind them (arrival order).
        rulebook.wait_for(lambda: rulebook.output().count("'kind': 'invite_failed'") == 2, 'both copies of the decline received')
        rulebook.wait_for(lambda: task_status(rulebook.output(), 'Page the next tier now') == 'changed', 'the next-tier play paging')
        rulebook.wait_for(lambda: rulebook.recaps() >= 1, 'the next-tier play finished')
        assert len(invited(emu, TIER2)) == 1, 'tier 2 paged once'
        assert rulebook.plays(NEXT_TIER_PLAY) == 1, rulebook.output()
