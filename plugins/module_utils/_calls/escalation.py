# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Staged escalation, the decisions: tiers, the goal, and what each person's outcome was.

Tier N is paged as its own clientContext family (``<base>.t<N>``) with ``state: invited``, so a
re-run of the same incident never pages a tier twice and resumes where it stopped: a tier whose
people were all paged before and are no longer ringing is passed over at once. The goal is
counted on the roster: people of any tier who are in the call, out of the lobby.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import roster_presence
from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import MAX_CLIENT_CONTEXT
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import failure_kind
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_participants

MAX_TIERS = 20
TIER_SUFFIX = '.t%d'


class Tier:  # pylint: disable=too-few-public-methods
    """One tier: its number (from 1), name, invitees (participants.Invitee) and wait in seconds."""

    def __init__(self, number, name, invitees, wait_timeout):
        self.number = number
        self.name = name
        self.invitees = invitees
        self.wait_timeout = wait_timeout


def parse_tiers(tiers, default_wait, api_version='v1.0', region=None):
    """The validated tiers; InputError names the option (``tiers[1].participants[0].phone``) and the rule."""
    if not isinstance(tiers, list) or not tiers:
        raise InputError('tiers must be a non-empty list of tiers, each with participants')
    if len(tiers) > MAX_TIERS:
        raise InputError('tiers: at most %d tiers; got %d' % (MAX_TIERS, len(tiers)))
    parsed, seen = [], {}
    for index, tier in enumerate(tiers):
        where = 'tiers[%d]' % index
        if not isinstance(tier, dict):
            raise InputError('%s must be a dictionary with participants' % where)
        wait = tier.get('wait_timeout')
        wait = default_wait if wait is None else wait
        if isinstance(wait, bool) or not isinstance(wait, int) or not 1 <= wait <= 3600:
            raise InputError('%s.wait_timeout must be a whole number of seconds from 1 to 3600; got %r' % (where, wait))
        invitees = parse_participants(tier.get('participants'), api_version=api_version, option='%s.participants' % where, region=region)
        for inv in invitees:
            if inv.upn is None:
                if inv.match in seen:
                    raise InputError('%s names %s, who is already in %s: page each person in one tier only' % (inv.where, inv.shown, seen[inv.match]))
                seen[inv.match] = where
        parsed.append(Tier(index + 1, tier.get('name') or 'tier %d' % (index + 1), invitees, wait))
    return parsed


def tier_base(base, number):
    """The clientContext family of tier ``number``."""
    family = base + TIER_SUFFIX % number
    if len(family) > MAX_CLIENT_CONTEXT:
        raise InputError(
            'client_context must be at most %d characters for escalation (a tier suffix is appended); '
            'got %d' % (MAX_CLIENT_CONTEXT - len(TIER_SUFFIX % MAX_TIERS), len(base))
        )
    return family


def joined_count(tiers, roster):
    """How many people of any tier are in the call (out of the lobby)."""
    presence = roster_presence(roster)
    return sum(1 for tier in tiers for inv in tier.invitees if inv.ident is not None and presence.get(inv.match))


def person_outcome(plan_status, wait_outcome, result_info, joined, in_lobby=False):
    """The escalation's word for one person: joined, declined, no_answer, failed, in_lobby, ringing, paged, not_paged, unknown.

    ``plan_status``: the invite planner's (invited, present, pending, done_before, unknown, not_sent);
    ``wait_outcome``: the waiter's (joined, failed, in_lobby, timeout, ringing) or None when not waited for;
    ``joined``: the person is in the call now; ``in_lobby``: the roster lists them in the lobby only (paged by this
    escalation or an earlier one: the planner counts them present, for they need no invite, but they are not in).
    """
    if joined or wait_outcome == 'joined':
        return 'joined'
    if in_lobby:
        return 'in_lobby'
    if plan_status == 'present':
        return 'joined'
    if plan_status in ('unknown', 'not_sent'):
        return plan_status
    if wait_outcome == 'failed':
        kind = failure_kind(result_info)[0]
        return kind if kind in ('declined', 'no_answer') else 'failed'
    if wait_outcome == 'in_lobby':
        return 'in_lobby'  # answered into the meeting's lobby, or listed there while rung: not joined
    if wait_outcome == 'timeout':
        return 'no_answer'
    if wait_outcome == 'ringing' or plan_status == 'pending':
        return 'ringing'
    if plan_status == 'done_before':
        return 'not_joined'  # paged by an earlier run, not in the call, no longer rung
    return 'paged' if plan_status == 'invited' else 'not_paged'


def summary_table(people):
    """One line per person, for the failure message and the roles' reports: ``primary: user:… (Ana Lopez) declined``."""
    return '; '.join(report_lines(people))


def report_lines(people):
    """``<tier name>: <person with names> <status>`` for each person of an escalation's result."""
    return ['%s: %s %s' % (p['tier_name'], p.get('shown') or p['label'], p['status']) for p in people]
