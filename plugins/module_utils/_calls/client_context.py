# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The clientContext scheme (docs/docsite/rst/guide_invite_decision.rst), shared by invites and escalation tiers.

Every invite POST carries ``<base>~<attempt id>``. The base is stable for a task (the user's ``client_context``,
or one derived from the call id), so a re-run recognises every invite of its *family*; the attempt id is new for
every POST, so an earlier run's operation can never be taken as evidence that this run's POST arrived.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import uuid

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

ATTEMPT_ID_LENGTH = 15  # hex digits of the per-POST part
MAX_CLIENT_CONTEXT = 256 - 1 - ATTEMPT_ID_LENGTH  # Graph allows 256; "~" and the attempt id are appended
CONTEXT_PREFIX = 'mgc1-'  # Version tag of the derived base: it lives on in Graph.
CONTEXT_SEPARATOR = '~'


def base_client_context(call_id, client_context=None):
    """The clientContext family base: the user's value, or one derived from the call id alone.

    Deriving it from the call id (not from the participant list) means a user can edit the list
    and re-run without paging anyone twice.
    """
    if client_context is not None:
        if not client_context:
            raise InputError('client_context must not be empty; leave it unset to derive one from call_id')
        if len(client_context) > MAX_CLIENT_CONTEXT:
            raise InputError(
                'client_context must be at most %d characters (Graph allows 256 and %d are appended); '
                'got %d' % (MAX_CLIENT_CONTEXT, 256 - MAX_CLIENT_CONTEXT, len(client_context))
            )
        if CONTEXT_SEPARATOR in client_context:
            raise InputError('client_context must not contain %r: it separates the base from the attempt id' % CONTEXT_SEPARATOR)
        return client_context
    return CONTEXT_PREFIX + hashlib.sha256(call_id.encode('utf-8')).hexdigest()[:32]


def attempt_client_context(base, attempt_id=None):
    """``base~`` and an id unique to one POST (random unless given, for tests)."""
    return base + CONTEXT_SEPARATOR + (attempt_id or uuid.uuid4().hex[:ATTEMPT_ID_LENGTH])


def in_family(operation, base):
    context = operation.get('clientContext') if isinstance(operation, dict) else None
    return isinstance(context, str) and context.startswith(base + CONTEXT_SEPARATOR)
