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


# What a failed invite's resultInfo code says happened: the SIP answer behind it (field reports; Microsoft documents
# no failed invite). Escalation counts declined and no_answer apart; the rest are failures.
FAILURE_KINDS = (
    ((603,), 'declined', 'declined'),
    ((408, 480, 487), 'no_answer', 'did not answer'),
    ((486, 600), 'busy', 'was busy'),
)


def failure_kind(info):
    """(kind, words) for a failed invite's resultInfo (code/subcode/message): declined, no_answer, busy, or failed when
    the code says nothing more."""
    code = _int((info or {}).get('code'))
    for codes, kind, words in FAILURE_KINDS:
        if code in codes:
            return kind, words
    return 'failed', 'failed'


def describe_failure(info):
    """One phrase for a failed invite, such as ``declined (code 603, subcode 0: Call was declined)``."""
    kind, words = failure_kind(info)
    if not info or info.get('code') is None:
        return '%s (%s)' % (words, (info or {}).get('message') or 'Graph gave no resultInfo code')
    detail = 'code %s' % info.get('code')
    if info.get('subcode') is not None:
        detail += ', subcode %s' % info.get('subcode')
    if info.get('message'):
        detail += ': %s' % info.get('message')
    return '%s (%s)' % (words, detail)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
