# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scripted answers for the unit tests' fake clients: a timeline of answers, the last one repeating."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError


def next_answer(timeline):
    """The next answer of ``timeline`` (a list, consumed; its last answer repeats); a GraphError is raised."""
    value = timeline.pop(0) if len(timeline) > 1 else timeline[0]
    if isinstance(value, GraphError):
        raise value
    return value
