# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who to invite: pure functions from (request, roster, operations) to a plan. No I/O here.

Identities are compared through *match keys*: a GUID matches a GUID whatever identity kind Graph
files it under (Graph's own examples list an invited user under ``application``), a phone number
matches in normalised E.164. *Labels* (``user:<id>``, ``phone:+…``) are what users see in results
and diffs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import re

MAX_PER_INVITE = 5            # Graph: "Inviting up to 5 participants is supported."
MAX_CLIENT_CONTEXT = 240      # Graph allows 256; we append "~" and an 8-digit batch hash.
CONTEXT_PREFIX = 'mgc1-'      # Version tag of the derived clientContext scheme: it lives on in Graph.
CONTEXT_SEPARATOR = '~'
PENDING_STATUSES = ('notstarted', 'running')

IDENTITY_OPTIONS = ('user', 'phone')

_GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
_E164_RE = re.compile(r'^\+[1-9]\d{1,14}$')
_PHONE_NOISE_RE = re.compile(r'[\s\-()]')


class InputError(ValueError):
    """Bad module input; the message names the option and the rule."""


class Invitee:
    """One requested participant, normalised."""

    def __init__(self, kind, ident, entry, where):
        self.kind = kind
        self.ident = ident
        self.entry = entry          # the user's dict: their keys only, identity value normalised
        self.where = where          # e.g. "participants[2]", for messages
        self.label = '%s:%s' % (kind, ident)
        self.match = match_key(kind, ident)

    def invitation(self):
        """The invitationParticipantInfo Graph documents (open-type keys as plain JSON keys)."""
        identity = {'@odata.type': '#microsoft.graph.identity', 'id': self.ident}
        if self.entry.get('display_name'):
            identity['displayName'] = self.entry['display_name']
        if self.entry.get('tenant_id'):
            identity['tenantId'] = self.entry['tenant_id']
        return {
            '@odata.type': '#microsoft.graph.invitationParticipantInfo',
            'identity': {'@odata.type': '#microsoft.graph.identitySet', self.kind: identity},
        }


def is_guid(value):
    return isinstance(value, str) and bool(_GUID_RE.match(value))


def normalize_phone(value):
    """E.164 form of ``value`` once spaces, ``-``, ``(`` and ``)`` are stripped, or None."""
    if not isinstance(value, str):
        return None
    phone = _PHONE_NOISE_RE.sub('', value)
    return phone if _E164_RE.match(phone) else None


def match_key(kind, ident):
    if is_guid(ident):
        return ('id', ident.lower())
    if kind == 'phone':
        return ('phone', normalize_phone(ident) or ident)
    return (kind, ident)


def identity_label(kind, ident):
    """``kind:id`` as shown to users, with GUIDs lower-cased and phones normalised."""
    if is_guid(ident):
        ident = ident.lower()
    elif kind == 'phone':
        ident = normalize_phone(ident) or ident
    return '%s:%s' % (kind, ident)


def identities_of(identity_set):
    """(kind, id) pairs of an identitySet, skipping ``@odata.type`` and null kinds."""
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


def _optional_text(entry, name):
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # "" from an unset template variable means "not given"
    return str(value).strip()


def parse_participants(entries, option='participants'):
    """Validate and normalise the ``participants`` option.

    Returns (invitees, warnings). The same identity twice is merged (first wins) with a warning.
    Raises InputError naming the option, the entry and the rule.
    """
    if not entries:
        raise InputError('%s must list at least one participant' % option)
    invitees = []
    warnings = []
    seen = {}
    for index, raw in enumerate(entries):
        where = '%s[%d]' % (option, index)
        if not isinstance(raw, dict):
            raise InputError('%s must be a dictionary with one of %s' % (where, ', '.join(IDENTITY_OPTIONS)))
        given = [k for k in IDENTITY_OPTIONS if _optional_text(raw, k) is not None]
        if len(given) != 1:
            raise InputError('%s must have exactly one of %s; it has %s'
                             % (where, ', '.join(IDENTITY_OPTIONS), ', '.join(given) if given else 'none'))
        kind = given[0]
        value = _optional_text(raw, kind)
        if kind == 'user':
            if not is_guid(value):
                raise InputError('%s.user must be an Entra user object id (a GUID); got %r' % (where, value))
            ident = value.lower()
        else:
            ident = normalize_phone(value)
            if ident is None:
                raise InputError('%s.phone must be an E.164 number such as +14255550123 (spaces, "-", "(" and ")" '
                                 'are ignored); got %r' % (where, value))
        entry = {kind: ident}
        for name in sorted(raw):
            if name not in IDENTITY_OPTIONS:
                text = _optional_text(raw, name)
                if text is not None:
                    entry[name] = text
        tenant = entry.get('tenant_id')
        if tenant is not None:
            if not is_guid(tenant):
                raise InputError('%s.tenant_id must be a tenant id (a GUID); got %r' % (where, tenant))
            entry['tenant_id'] = tenant.lower()
        invitee = Invitee(kind, ident, entry, where)
        if invitee.match in seen:
            warnings.append('%s repeats %s (%s); the two were merged and %s is used'
                            % (where, seen[invitee.match].where, invitee.label, seen[invitee.match].where))
            continue
        seen[invitee.match] = invitee
        invitees.append(invitee)
    return invitees, warnings


def base_client_context(call_id, client_context=None):
    """The clientContext family base: the user's value, or one derived from the call id alone.

    Deriving it from the call id (not from the participant list) means a user can edit the list
    and re-run without paging anyone twice.
    """
    if client_context is not None:
        if not client_context:
            raise InputError('client_context must not be empty; leave it unset to derive one from call_id')
        if len(client_context) > MAX_CLIENT_CONTEXT:
            raise InputError('client_context must be at most %d characters (Graph allows 256 and %d are appended); '
                             'got %d' % (MAX_CLIENT_CONTEXT, 256 - MAX_CLIENT_CONTEXT, len(client_context)))
        if CONTEXT_SEPARATOR in client_context:
            raise InputError('client_context must not contain %r: it separates the base from the batch hash'
                             % CONTEXT_SEPARATOR)
        return client_context
    return CONTEXT_PREFIX + hashlib.sha256(call_id.encode('utf-8')).hexdigest()[:32]


def batch_client_context(base, labels):
    """``base~`` + 8 hex digits of sha256 over the batch's sorted labels joined by commas."""
    digest = hashlib.sha256(','.join(sorted(labels)).encode('utf-8')).hexdigest()[:8]
    return base + CONTEXT_SEPARATOR + digest


def in_family(operation, base):
    context = operation.get('clientContext') if isinstance(operation, dict) else None
    return isinstance(context, str) and context.startswith(base + CONTEXT_SEPARATOR)


class InvitePlan:
    """The decision: who is present, pending, done before, and the POST batches for the rest."""

    def __init__(self):
        self.outcomes = []     # (invitee, status, operation_id) in request order
        self.batches = []      # (clientContext, [invitee, ...])
        self.roster_labels = []

    def with_status(self, status):
        return [inv for inv, st, dummy in self.outcomes if st == status]

    @property
    def to_invite(self):
        return [inv for dummy, batch in self.batches for inv in batch]

    def diff(self):
        """Sorted ``kind:id`` labels of the roster before, and with the invitees added after.

        Each side is text with one label per line: Ansible's diff display renders strings (and
        mappings) line by line, and silently shows nothing for a list.
        """
        before = sorted(set(self.roster_labels))
        after = sorted(set(self.roster_labels) | set(inv.label for inv in self.to_invite))
        return {'before': ''.join(label + '\n' for label in before),
                'after': ''.join(label + '\n' for label in after)}


def plan_invite(invitees, roster, base, operations=None, state='present'):
    """Decide who to invite.

    ``roster``: Graph participant objects. ``operations``: the call's operations, or None when
    they were not (or could not be) read. ``state``: ``present`` re-invites people whose invite
    failed or who left; ``invited`` never invites again anyone an operation of the family named.
    """
    plan = InvitePlan()
    in_call = set()
    for participant in roster:
        info = participant.get('info') if isinstance(participant, dict) else None
        for kind, ident in identities_of((info or {}).get('identity')):
            in_call.add(match_key(kind, ident))
            plan.roster_labels.append(identity_label(kind, ident))

    family = [op for op in (operations or []) if in_family(op, base)]
    named = {}      # match key -> [(status, operation id)]
    for op in family:
        status = str(op.get('status') or '').lower()
        for info in op.get('participants') or []:
            for kind, ident in identities_of((info or {}).get('identity')):
                named.setdefault(match_key(kind, ident), []).append((status, op.get('id')))

    remaining = []
    for inv in invitees:
        ops = named.get(inv.match, [])
        pending = [op_id for status, op_id in ops if status in PENDING_STATUSES]
        if inv.match in in_call:
            plan.outcomes.append((inv, 'present', None))
        elif pending:
            plan.outcomes.append((inv, 'pending', pending[-1]))
        elif state == 'invited' and ops:
            plan.outcomes.append((inv, 'done_before', ops[-1][1]))
        else:
            plan.outcomes.append((inv, 'to_invite', None))
            remaining.append(inv)

    for start in range(0, len(remaining), MAX_PER_INVITE):
        batch = remaining[start:start + MAX_PER_INVITE]
        plan.batches.append((batch_client_context(base, [inv.label for inv in batch]), batch))
    return plan


def invite_body(context, batch):
    return {'participants': [inv.invitation() for inv in batch], 'clientContext': context}
