# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Words every calls feature shares: an operation's status, its resultInfo, and what a failed write means.

They live here, not in one feature's files, so that invite, removal, escalation, bridge calls and the
probe read Graph's answers the same way without reaching into each other.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# An invite operation is running, then finished, never back (Graph answers ``Running``, notifies ``running``).
PENDING_STATUSES = ('notstarted', 'running')
FINISHED_STATUSES = ('completed', 'failed')


def status_of(operation):
    """An operation's status, lower-cased: Graph answers ``Running`` and notifies ``completed``."""
    return str((operation or {}).get('status') or '').lower()


def result_info(item):
    """An operation's (or a call's) resultInfo as code / subcode / message, or None.

    Graph spells the subcode both ``subcode`` and ``subCode``.
    """
    info = item.get('resultInfo') if isinstance(item, dict) else None
    if not isinstance(info, dict):
        return None
    return {'code': info.get('code'), 'subcode': info.get('subcode', info.get('subCode')), 'message': info.get('message')}


def write_outcome(error):
    """What a failed write (a POST that creates something) means: ``conflict``, ``ambiguous`` or ``refused``.

    ``conflict``: Graph answered 409 and did nothing (a duplicate). ``ambiguous``: it may have been carried
    out (GraphError.outcome_unknown decides). ``refused``: Graph did not act on it.
    """
    if error.status == 409:
        return 'conflict'
    if error.outcome_unknown:
        return 'ambiguous'
    return 'refused'
