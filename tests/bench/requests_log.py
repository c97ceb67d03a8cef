# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the emulator's request log (GET /_emulator/requests): what a run asked of Graph and of the token service.

Graph is every path under /v1.0 or /beta; the token service is everything else the log holds (OpenID discovery, the
token endpoint, the keys: the log never holds the admin API's /_emulator/ requests).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

CALL_IN_PATH = re.compile(r'/communications/calls/([^/?]+)', re.IGNORECASE)


def is_graph(entry):
    path = entry['path'].lower()
    return path.startswith('/v1.0/') or path.startswith('/beta/')


def is_token_service(entry):
    return not is_graph(entry)


def is_invite(entry):
    return entry['method'] == 'POST' and entry['path'].lower().endswith('/participants/invite')


def call_of(entry):
    """The call id a Graph request is about, or None."""
    match = CALL_IN_PATH.search(entry['path'])
    return match.group(1).lower() if match else None


def identity_keys(identity_set):
    """(kind, id) of every identity with an id in an identitySet, in kind order."""
    return [(kind, str(ident['id']).lower()) for kind, ident in sorted((identity_set or {}).items()) if isinstance(ident, dict) and ident.get('id')]


def invitees(entry):
    """(kind, id) of each person an invite request names (the first identity kind with an id)."""
    people = []
    for participant in (entry.get('body') or {}).get('participants') or []:
        people.extend(identity_keys((participant or {}).get('identity'))[:1])
    return people


class Window:
    """The log entries a run added: take ``mark()`` before, ``since(mark)`` after."""

    def __init__(self, emulator):
        self.emulator = emulator

    def mark(self):
        return len(self.emulator.requests())

    def since(self, mark):
        return Requests(self.emulator.requests()[mark:])


class Requests:
    """A slice of the request log, with the counts the benchmark reports."""

    def __init__(self, entries):
        self.entries = entries

    @property
    def graph(self):
        return [entry for entry in self.entries if is_graph(entry)]

    @property
    def token_service(self):
        return [entry for entry in self.entries if is_token_service(entry)]

    @property
    def invites(self):
        return [entry for entry in self.entries if is_invite(entry)]

    def graph_per_call(self):
        """{call id: Graph requests about it}."""
        counts = {}
        for entry in self.graph:
            call = call_of(entry)
            counts[call] = counts.get(call, 0) + 1
        return counts

    def performed_invites(self):
        """Invite requests the emulator performed (a 2xx answer; a 429 from a fault rule performed nothing)."""
        return [entry for entry in self.invites if entry.get('status') is not None and 200 <= entry['status'] < 300]

    def throttled(self):
        """Invite requests answered 429."""
        return [entry for entry in self.invites if entry.get('status') == 429]

    def duplicates(self):
        """How many times a person was invited into a call they had already been invited into (performed invites)."""
        seen = {}
        for entry in self.performed_invites():
            for person in invitees(entry):
                key = (call_of(entry), person)
                seen[key] = seen.get(key, 0) + 1
        return sum(count - 1 for count in seen.values())
