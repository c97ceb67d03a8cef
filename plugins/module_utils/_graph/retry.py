# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""When and how long to wait before sending a request again.

Graph asks clients to honour ``Retry-After`` (its documented sample is the fractional ``2.128``,
which the official SDKs fail to parse) and otherwise to back off exponentially. The policy is
bounded twice: by a number of retries and by a total time budget, so a throttled task ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import math
import random
import time
from datetime import datetime, timezone

MAX_BACKOFF = 30.0  # seconds; one exponential step never waits longer


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` value: an integer, a decimal fraction, or an HTTP-date.

    Returns None for a missing or unreadable value (the caller then backs off on its own), never
    a negative number.
    """
    if value is None:
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now = now or datetime.now(timezone.utc)
        seconds = (when - now).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class RetryPolicy:
    """Counts retries against ``retries`` and ``budget`` seconds for one logical request.

    ``next_delay`` says how long to sleep before the next attempt, or None when the retries or the
    time budget are spent. ``clock``, ``sleep`` and ``jitter`` are injectable for tests.
    """

    def __init__(self, retries, budget, clock=time.monotonic, sleep=time.sleep, jitter=random.random):
        self.retries = retries
        self.budget = budget
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter

    def attempts(self):
        return _Attempts(self)


class _Attempts:
    def __init__(self, policy):
        self.policy = policy
        self.done = 0
        self.started = policy.clock()

    def next_delay(self, retry_after=None):
        policy = self.policy
        if self.done >= policy.retries:
            return None
        if retry_after is not None:
            delay = retry_after
        else:
            delay = min(MAX_BACKOFF, 0.5 * (2**self.done) + policy.jitter())
        if policy.clock() - self.started + delay > policy.budget:
            return None
        self.done += 1
        return delay

    def wait(self, delay):
        if delay > 0:
            self.policy.sleep(delay)
