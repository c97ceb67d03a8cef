# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Retry-After in every documented form, and the retry policy's two bounds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.retry import RetryPolicy, parse_retry_after

from fake_time import FakeClock

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    'value,expected',
    [
        ('2', 2.0),
        ('2.128', 2.128),  # Graph's own documented sample, which the SDKs fail to parse
        (' 0.5 ', 0.5),
        ('0', 0.0),
        ('-3', 0.0),
        ('Thu, 26 Nov 2026 12:00:07 GMT', 7.0),
        ('Thu, 26 Nov 2026 11:59:00 GMT', 0.0),  # in the past: go now
        ('soon', None),
        ('', None),
        (None, None),
        ('nan', None),
        ('inf', None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_is_honoured_until_the_retries_are_spent():
    clock = FakeClock()
    attempts = RetryPolicy(3, 60, clock=clock.clock, sleep=clock.sleep, jitter=lambda: 0.0).attempts()
    assert [attempts.next_delay(0.5) for dummy in range(4)] == [0.5, 0.5, 0.5, None]


def test_exponential_backoff_with_jitter_when_no_retry_after():
    clock = FakeClock()
    attempts = RetryPolicy(4, 60, clock=clock.clock, sleep=clock.sleep, jitter=lambda: 0.25).attempts()
    assert [attempts.next_delay() for dummy in range(4)] == [0.75, 1.25, 2.25, 4.25]


def test_budget_stops_a_retry_that_would_exceed_it():
    clock = FakeClock()
    attempts = RetryPolicy(10, 5, clock=clock.clock, sleep=clock.sleep, jitter=lambda: 0.0).attempts()
    delay = attempts.next_delay(3)
    attempts.wait(delay)
    assert delay == 3 and clock.now == 3
    assert attempts.next_delay(3) is None, '3 + 3 > 5 seconds'
    assert attempts.next_delay(2) == 2


def test_zero_retries():
    assert RetryPolicy(0, 60).attempts().next_delay(0) is None
