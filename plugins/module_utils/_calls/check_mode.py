# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What check mode hands to the next task in place of a meeting or a call it did not create.

Under ``--check`` the meeting and the call of an incident playbook do not exist, yet the tasks
after them must still preview (join, invite, hang up) instead of failing. The modules return
these markers where the real run returns an id or a link, and every module that takes one
previews against an empty call in check mode, and refuses it outside check mode: a real run
that received one was fed a check-mode result by mistake.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Neither can be a Graph id or a Teams link: ``.invalid`` never resolves (RFC 2606).
NOT_CREATED_CALL_ID = 'check-mode.invalid-call-not-created'
NOT_CREATED_JOIN_URL = 'https://check-mode.invalid/meeting-not-created'


def is_placeholder(value):
    return value in (NOT_CREATED_CALL_ID, NOT_CREATED_JOIN_URL)


def refuse_outside_check_mode(value, option):
    """The message for a placeholder in a real run, or None when ``value`` is not one."""
    if not is_placeholder(value):
        return None
    return (
        '%s is %r, the marker a check-mode run returns for something it did not create: this run is not in '
        'check mode, so it needs the real value from a run that created it' % (option, value)
    )
