# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Order statistics for the benchmark's figures (the standard library's)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import statistics


def median(values):
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def percentile(values, fraction):
    """The value below which ``fraction`` (a multiple of 0.1) of the values lie, interpolated between neighbours; None for
    no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    deciles = statistics.quantiles(values, n=10, method='inclusive')  # linear interpolation between the order statistics
    return ([min(values)] + deciles + [max(values)])[int(round(fraction * 10))]


def ratio(value, base):
    """value / base, or None when either is missing or base is 0."""
    if value is None or not base:
        return None
    return value / base
