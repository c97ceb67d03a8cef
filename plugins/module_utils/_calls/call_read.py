# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one way a task reads a call: its people's names first, then the call, its roster and its operations.

Every runner and info module reads through here, so they agree on what the reads mean:
- the parts asked for are read at once (each is a full round trip to Graph), each with its answer or its error;
- a 404 to the call (or, when the call itself is not read, to its roster) means the call is not found;
- the check-mode marker of a call an earlier task would create reads as an empty call without a request.
What a task then does with a part that failed (fail, warn, go on without it) is its own decision.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import NOT_CREATED_CALL_ID
from ansible_collections.msgraph.calls.plugins.module_utils._calls.directory import resolve_principal_names
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import merge_duplicates

CALL, ROSTER, OPERATIONS = 'call', 'roster', 'operations'
READS = {CALL: 'get_call', ROSTER: 'list_participants', OPERATIONS: 'list_operations'}  # the client's read of each part


def prepare_people(client, invitees, warn, merge=True):
    """The invitees with names resolved to object ids (one lookup per distinct name), duplicates merged with a warning.

    Names go first: someone given by e-mail may be in the call already under their object id.
    """
    resolve_principal_names(client, invitees)
    if not merge:
        return invitees
    unique, warnings = merge_duplicates(invitees)
    for warning in warnings:
        warn(warning)
    return unique


class CallView:
    """One moment's view of a call: each part read (the call, the roster, the operations) or its GraphError."""

    def __init__(self, call_id, preview=False):
        self.call_id = call_id
        self.preview = preview  # the check-mode marker: a call an earlier task would create, empty
        self.call = None
        self.roster = None
        self.operations = None
        self.errors = {}  # part -> GraphError

    @property
    def not_found(self):
        """Whether Graph answered 404 for the call itself (the roster's 404 when the call was not read)."""
        error = self.errors.get(CALL) or (self.errors.get(ROSTER) if self.call is None and CALL not in self.errors else None)
        return error is not None and error.not_found

    @property
    def state(self):
        return str((self.call or {}).get('state') or 'unknown')

    @property
    def group(self):
        """A group call (it has chatInfo): Graph lists the roster of group calls only."""
        return isinstance((self.call or {}).get('chatInfo'), dict)

    def raise_for(self, *parts):
        """Raise the GraphError of the first of ``parts`` that failed."""
        for part in parts:
            if part in self.errors:
                raise self.errors[part]

    def require_found(self, consequence):
        """Raise the collection's "call not found" failure when Graph answered 404; ``consequence`` says what was not done."""
        if self.not_found:
            raise call_not_found(self.call_id, self.errors.get(CALL) or self.errors.get(ROSTER), consequence)


def read_call(client, call_id, parts=(CALL, ROSTER, OPERATIONS)):
    """A CallView of the ``parts`` asked for, read at once; never raises for a part's GraphError (see ``errors``)."""
    view = CallView(call_id, preview=call_id == NOT_CREATED_CALL_ID)
    if view.preview:
        view.roster, view.operations = [], []
        return view
    parts = tuple(parts)
    if parts == (CALL, ROSTER, OPERATIONS):
        answers = client.read_call(call_id)
    else:
        reads = [getattr(client, READS[part]) for part in parts]
        answers = client.parallel(*[_reader(read, call_id) for read in reads]) if len(reads) > 1 else [_one(reads[0], call_id)]
    for part, (value, error) in zip(parts, answers):
        if error is not None:
            view.errors[part] = error
        else:
            setattr(view, part, value)
    return view


def read_again(client, call_id, roster=True, operations=True):
    """The roster (None when not asked) and the operations (None when not asked or Graph refused them), read at once.

    For a task that already read the call and looks again (a lost answer, a conflict): a roster it cannot read
    is raised, operations it cannot read count as not listed.
    """
    parts = [part for part, wanted in ((ROSTER, roster), (OPERATIONS, operations)) if wanted]
    if not parts:
        return None, None
    view = read_call(client, call_id, parts)
    view.raise_for(ROSTER)
    return view.roster, view.operations


def call_not_found(call_id, error, consequence):
    """The failure for a call Graph answered 404 for; ``consequence`` says what the task did not do."""
    return TaskFailure(
        'call %s was not found: Graph knows no such call for this app (it ended, or the app never joined '
        'it); %s (%s)' % (call_id, consequence, error.summary()),
        cause=error,
    )


def _reader(read, call_id):
    return lambda: read(call_id)


def _one(read, call_id):
    """One read as a (result, GraphError or None) pair, as ``client.parallel`` gives them."""
    try:
        return read(call_id), None
    except GraphError as exc:
        return None, exc
