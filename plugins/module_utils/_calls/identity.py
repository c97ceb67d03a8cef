# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who is who: the one place where identities from the user, the roster and operations are compared.

Graph files the same person under different identity kinds in different places (its own examples
list an invited user under ``application`` in the roster), so identities compare **by id, whatever
their kind**: a GUID case-insensitively, a phone number in E.164 (``+1 (425) 555-0100`` and
``+14255550100`` are one person), any other id exactly. The planner, the waiter, the runner, the
info modules and the probe all compare through ``match_key``; *labels* (``user:<id>``,
``phone:+…``) are what results carry, and ``named`` adds what people read beside them: the names
the task knows (``user:2b3c… (Ana Lopez, ana@contoso.com)``). Every diff, summary and message names
people through ``named``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
_E164_RE = re.compile(r'^\+[1-9]\d{1,14}$')
_PHONE_NOISE_RE = re.compile(r'[\s\-()]')


def is_guid(value):
    return isinstance(value, str) and bool(_GUID_RE.match(value))


def e164(value):
    """``value`` in E.164 once spaces, ``-``, ``(`` and ``)`` are stripped, or None.

    For comparing what Graph lists; what a user types is parsed more strictly (_participants).
    """
    if not isinstance(value, str):
        return None
    phone = _PHONE_NOISE_RE.sub('', value)
    return phone if _E164_RE.match(phone) else None


def match_key(kind, ident):  # pylint: disable=unused-argument
    """What an identity compares by: its id, normalised; the kind is deliberately ignored."""
    if is_guid(ident):
        return ident.lower()
    return e164(ident) or ident


def identity_label(kind, ident):
    """``kind:id`` as shown to users, with GUIDs lower-cased and phones in E.164."""
    if is_guid(ident):
        ident = ident.lower()
    elif kind == 'phone':
        ident = e164(ident) or ident
    return '%s:%s' % (kind, ident)


def named(label, names=()):
    """``label`` with the names people know it by, once each, in order: ``user:2b3c… (Ana Lopez, ana@contoso.com)``.

    ``names``: whatever the task knows (the display name given or resolved, the principal name or e-mail, the phone as
    written, the roster's displayName); blanks, non-strings and the label's own id are left out.
    """
    ident = label.split(':', 1)[-1]
    shown = []
    for name in names:
        name = name.strip() if isinstance(name, str) else ''
        if not name or match_key(None, name) == match_key(None, ident) or name.lower() == ident.lower():
            continue  # the id itself, whatever its case or punctuation
        if name.lower() not in [seen.lower() for seen in shown]:
            shown.append(name)
    return '%s (%s)' % (label, ', '.join(shown)) if shown else label


def named_identities(identity_set):
    """(kind, id, label with names) for each identity of an identitySet (a roster entry's), as identities_of orders them."""
    return [(kind, ident, named(identity_label(kind, ident), [identity_set[kind].get('displayName')])) for kind, ident in identities_of(identity_set)]


def identities_of(identity_set):
    """(kind, id) pairs of an identitySet in key order, skipping ``@odata.type`` and null kinds."""
    if not isinstance(identity_set, dict):
        return []
    pairs = []
    for kind in sorted(identity_set):
        value = identity_set[kind]
        if kind.startswith('@') or not isinstance(value, dict):
            continue
        ident = value.get('id')
        if isinstance(ident, str) and ident:
            pairs.append((kind, ident))
    return pairs


def keys_of(identity_set):
    """The match keys of every identity in an identitySet."""
    return set(match_key(kind, ident) for kind, ident in identities_of(identity_set))


def participant_keys(participant):
    """The match keys of a roster entry (participant) or of an invitationParticipantInfo."""
    if not isinstance(participant, dict):
        return set()
    info = participant.get('info')
    identity_set = info.get('identity') if isinstance(info, dict) else participant.get('identity')
    return keys_of(identity_set)


def operation_keys(operation):
    """The match keys of everyone an invite operation names."""
    keys = set()
    for info in (operation.get('participants') if isinstance(operation, dict) else None) or []:
        keys |= participant_keys(info)
    return keys


def roster_presence(roster):
    """match key -> True when joined, False when only in the lobby (being let in, or still rung)."""
    presence = {}
    for participant in roster or []:
        if not isinstance(participant, dict):
            continue
        joined = not participant.get('isInLobby')
        for key in participant_keys(participant):
            presence[key] = presence.get(key, False) or joined
    return presence


def bot_in_lobby(call, roster):
    """Whether the roster lists the bot's own participant (the call's myParticipantId) as waiting in the lobby.

    None when it cannot tell: no roster, no myParticipantId, or the bot not listed.
    """
    mine = (call or {}).get('myParticipantId')
    if not mine or not isinstance(roster, list):
        return None
    for participant in roster:
        if isinstance(participant, dict) and participant.get('id') == mine:
            return bool(participant.get('isInLobby'))
    return None
