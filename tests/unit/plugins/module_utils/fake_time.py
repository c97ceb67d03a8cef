# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A clock the unit tests drive: ``sleep`` moves ``now`` at once, and every sleep is remembered."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class FakeClock:
    """Pass ``clock.clock`` and ``clock.sleep`` where the code takes a monotonic clock and a sleep."""

    def __init__(self, start=0.0):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
