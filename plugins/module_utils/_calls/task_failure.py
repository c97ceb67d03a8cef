# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one way a calls-domain runner stops a task: a sentence for the user, and Graph's error if one caused it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class TaskFailure(Exception):
    """The task cannot go on; ``msg`` says why, ``error`` carries a GraphError's fields if one caused it."""

    def __init__(self, msg, error=None):
        super(TaskFailure, self).__init__(msg)
        self.msg = msg
        self.error = error


def call_not_found(call_id, error, consequence):
    """The failure for a call Graph answered 404 for; ``consequence`` says what the task did not do."""
    return TaskFailure(
        'call %s was not found: Graph knows no such call for this app (it ended, or the app never joined '
        'it); %s (%s)' % (call_id, consequence, error.summary()),
        error=error.to_dict(),
    )
