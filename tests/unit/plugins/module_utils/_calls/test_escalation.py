# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Staged escalation's pure parts, table-driven: tiers, the goal, each person's outcome."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._calls.escalation import (
    joined_count,
    parse_tiers,
    person_outcome,
    tier_base,
)
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'


def member(ident, lobby=False):
    return {'id': 'p-' + ident, 'isInLobby': lobby, 'info': {'identity': {'application': {'id': ident.upper()}}}}


def test_tiers_take_their_own_wait_or_the_default():
    tiers = parse_tiers([{'participants': [{'user': A}], 'wait_timeout': 30}, {'name': 'boss', 'participants': [{'user': B}]}], 120)
    assert [(t.number, t.name, t.wait_timeout) for t in tiers] == [(1, 'tier 1', 30), (2, 'boss', 120)]
    assert tiers[1].invitees[0].where == 'tiers[1].participants[0]'


@pytest.mark.parametrize(
    'tiers, rule',
    [
        ([], 'tiers must be a non-empty list'),
        ('primary', 'tiers must be a non-empty list'),
        (['x'], 'tiers[0] must be a dictionary'),
        ([{'participants': []}], 'tiers[0].participants must list at least one participant'),
        ([{'participants': [{'user': A}], 'wait_timeout': 0}], 'tiers[0].wait_timeout must be a whole number'),
        ([{'participants': [{'user': A}], 'wait_timeout': True}], 'tiers[0].wait_timeout must be a whole number'),
        ([{'participants': [{'user': A}]}, {'participants': [{'user': A.upper()}]}], 'already in tiers[0]'),
        ([{'participants': [{'phone': '+1 425 555 0100'}]}, {'participants': [{'phone': '+14255550100'}]}], 'already in tiers[0]'),
        ([{'participants': [{'user': A}]}] * 21, 'at most 20 tiers'),
    ],
)
def test_bad_tiers_name_the_rule(tiers, rule):
    with pytest.raises(InputError, match=rule.replace('[', '\\[').replace(']', '\\]')):
        parse_tiers(tiers, 120)


def test_the_goal_counts_listed_people_in_the_call_out_of_the_lobby():
    tiers = parse_tiers([{'participants': [{'user': A}]}, {'participants': [{'user': B}]}], 60)
    assert joined_count(tiers, [member(A)]) == 1, 'matched by id whatever the kind'
    assert joined_count(tiers, [member(A, lobby=True)]) == 0
    assert joined_count(tiers, [member(A), member(B), member('99999999-0000-4000-8000-000000000000')]) == 2


@pytest.mark.parametrize(
    'plan_status, outcome, info, joined, expected',
    [
        ('invited', 'joined', None, False, 'joined'),
        ('invited', None, None, True, 'joined'),
        ('present', None, None, False, 'joined'),
        ('invited', 'failed', {'code': 603}, False, 'declined'),
        ('invited', 'failed', {'code': '408'}, False, 'no_answer'),
        ('invited', 'failed', {'code': 500}, False, 'failed'),
        ('invited', 'failed', None, False, 'failed'),
        ('invited', 'timeout', None, False, 'no_answer'),
        ('invited', 'in_lobby', {'code': None}, False, 'in_lobby'),
        ('invited', 'ringing', None, False, 'ringing'),
        ('pending', None, None, False, 'ringing'),
        ('done_before', None, None, False, 'not_joined'),
        ('invited', None, None, False, 'paged'),
        ('unknown', None, None, False, 'unknown'),
        ('not_sent', None, None, False, 'not_sent'),
    ],
)
def test_each_persons_outcome(plan_status, outcome, info, joined, expected):
    assert person_outcome(plan_status, outcome, info, joined) == expected


def test_tier_families_fit_graphs_limit():
    assert tier_base('mgc1-abc', 3) == 'mgc1-abc.t3'
    with pytest.raises(InputError, match='client_context must be at most'):
        tier_base('x' * 238, 20)


@pytest.mark.parametrize(
    'plan_status, outcome, expected',
    [
        # Listed in the lobby only: the planner needs no invite for them (present), an earlier page still rings them
        # (pending), or this escalation paged them: waiting to be let in, whichever, never joined.
        ('present', None, 'in_lobby'),
        ('pending', None, 'in_lobby'),
        ('invited', 'ringing', 'in_lobby'),
        ('invited', 'joined', 'joined'),
    ],
)
def test_someone_in_the_lobby_is_reported_there(plan_status, outcome, expected):
    assert person_outcome(plan_status, outcome, None, False, in_lobby=True) == expected
