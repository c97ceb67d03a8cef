# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The ``participants`` option: validation, normalisation and the invitationParticipantInfo Graph documents.

Pure functions, no I/O. A user given by principal name is returned unresolved (``Invitee.upn``);
the module resolves it through the client and calls ``Invitee.resolve``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import (
    identities_of,
    identity_label,
    is_guid,
    match_key,
    named,
)

# Option name -> identitySet property. ``identity`` (a raw identitySet) is the fifth identity option.
IDENTITY_KINDS = {'user': 'user', 'phone': 'phone', 'guest': 'guest', 'application_instance': 'applicationInstance'}
IDENTITY_OPTIONS = ('user', 'phone', 'guest', 'application_instance', 'identity')
# Options that become plain keys of the identity object (identity is an open type in Graph).
IDENTITY_FIELDS = (('display_name', 'displayName'), ('tenant_id', 'tenantId'), ('identity_provider', 'identityProvider'))
# Options that become properties of invitationParticipantInfo.
INVITATION_FIELDS = (
    ('hidden', 'hidden'),
    ('participant_id', 'participantId'),
    ('remove_from_default_audio_routing_group', 'removeFromDefaultAudioRoutingGroup'),
    ('replaces_call_id', 'replacesCallId'),
    ('endpoint_type', 'endpointType'),
)
# Graph reads only the first participant of an invite that replaces a call or moves a participant.
SINGLE_ONLY = ('replaces_call_id', 'participant_id')
ENDPOINT_TYPES = ('default', 'voicemail', 'skypeForBusiness', 'skypeForBusinessVoipPhone')

_UPN_RE = re.compile(r'^[^@\s/]+@[^@\s/]+\.[^@\s/]+$')
_REGION_RE = re.compile(r'^[A-Z]{2}$')


def is_principal_name(value):
    """True for a user principal name or e-mail address shape (``name@domain.tld``)."""
    return isinstance(value, str) and bool(_UPN_RE.match(value))


def participant_options():
    """The argspec of one participant entry: graph_call_invite's ``participants`` and graph_call_escalate's tiers."""
    return dict(
        user=dict(type='str'),
        phone=dict(type='str'),
        guest=dict(type='str'),
        application_instance=dict(type='str'),
        identity=dict(type='dict'),
        display_name=dict(type='str'),
        tenant_id=dict(type='str', no_log=False),
        identity_provider=dict(type='str'),
        hidden=dict(type='bool'),
        participant_id=dict(type='str'),
        remove_from_default_audio_routing_group=dict(type='bool'),
        replaces_call_id=dict(type='str'),
        endpoint_type=dict(type='str', choices=list(ENDPOINT_TYPES)),
    )


def region_option():
    """The ``default_region`` option: every module of the action group takes it, so that module_defaults can set it once."""
    return dict(default_region=dict(type='str'))


def check_region(value):
    """``default_region`` upper-cased (an ISO 3166 alpha-2 code such as US), or None; InputError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    region = value.strip().upper() if isinstance(value, str) else value
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise InputError('default_region must be a country code of two letters (ISO 3166 alpha-2), such as US or GB; got %r' % (value,))
    return region


# libphonenumber's reasons for not reading a number, in words that name this collection's options.
_PARSE_REASONS = {
    1: 'it is not a phone number',  # NOT_A_NUMBER
    2: 'it has too few digits after the international prefix',  # TOO_SHORT_AFTER_IDD
    3: 'it has too few digits',  # TOO_SHORT_NSN
    4: 'it has too many digits',  # TOO_LONG
}


def parse_phone(value, where, region=None):
    """The E.164 form of a phone number the user typed, as libphonenumber reads it; InputError otherwise.

    Stripping spaces and brackets is not enough: ``+44 (0) 20 7946 0958`` would become
    ``+4402079460958``, a number that rings a stranger or nobody. libphonenumber (the ``phonenumbers``
    package) knows each country's trunk prefix and numbering plan, so what it cannot read, or reads
    as no valid number, is refused before any request. It is imported only when a phone is given.
    A national number (no ``+``) is read in ``region`` (default_region, checked by check_region).
    """
    try:
        import phonenumbers
    except ImportError:
        raise InputError(missing_required_lib('phonenumbers', reason='for the phone numbers in %s' % where))
    if not isinstance(value, str):
        raise InputError('%s must be a string' % where)
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError('default_region %r is no region libphonenumber knows numbers of: give an ISO 3166 alpha-2 country code such as US or GB' % region)
    text = ' '.join(value.split())  # tabs and newlines are spaces too
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and region is None and not text.startswith('+'):
            raise InputError(
                '%s: %r is a national number (it has no + and country code), and no default_region is set to read it in: '
                'write it in international form, such as +14255550123, or set default_region (such as US) on the task, '
                'the role or the play\'s module_defaults' % (where, value)
            )
        raise InputError(
            '%s must be a phone number in international form: + and the country code, such as '
            '+14255550123; %r cannot be read (%s)' % (where, value, _PARSE_REASONS.get(exc.error_type, 'it has no country code libphonenumber knows'))
        )
    if number.extension:
        raise InputError('%s: %r has an extension (%s), which an invite cannot dial; give the number alone' % (where, value, number.extension))
    if not phonenumbers.is_valid_number(number):
        raise InputError('%s: %r is not a valid phone number for country code +%d; check the digits' % (where, value, number.country_code))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Invitee:
    """One requested participant, normalised; ``ident`` is None until a principal name is resolved."""

    def __init__(self, kind, ident, entry, where, upn=None, raw_identity=None, written=None):
        self.kind = kind
        self.ident = ident
        self.entry = entry  # the user's keys only, identity values normalised
        self.where = where  # e.g. "participants[2]", for messages
        self.upn = upn
        self.raw_identity = raw_identity
        self.written = written  # the identity as the user wrote it (a phone before E.164), for what people read
        self.resolved_name = None

    def resolve(self, object_id, display_name=None):
        """A name resolved in the directory: its object id, and its display name for the invite if none was given."""
        self.ident = object_id.lower()
        self.resolved_name = display_name if isinstance(display_name, str) and display_name else None

    @property
    def label(self):
        """``kind:id``; a principal name not resolved yet is its own id here (never ``user:None``)."""
        return identity_label(self.kind, self.ident if self.ident is not None else self.upn)

    @property
    def shown(self):
        """The label with the names the task knows, for diffs, summaries and messages (identity.named)."""
        names = [self.entry.get('display_name'), self.resolved_name, self.upn, self.written]
        if self.raw_identity is not None:
            names.append((self.raw_identity.get(self.kind) or {}).get('displayName'))
        return named(self.label, names)

    @property
    def match(self):
        return match_key(self.kind, self.ident)

    def invitation(self):
        """The invitationParticipantInfo, field for field as Graph documents it."""
        if self.raw_identity is not None:
            identity_set = self.raw_identity  # passed through unchanged
        else:
            identity = {'@odata.type': '#microsoft.graph.identity', 'id': self.ident}
            for option, key in IDENTITY_FIELDS:
                if option in self.entry:
                    identity[key] = self.entry[option]
            if self.resolved_name and 'displayName' not in identity:
                # Shown in the roster and in Teams, where an id alone would say nothing.
                identity['displayName'] = self.resolved_name
            identity_set = {'@odata.type': '#microsoft.graph.identitySet', self.kind: identity}
        info = {'@odata.type': '#microsoft.graph.invitationParticipantInfo'}
        for option, key in INVITATION_FIELDS:
            if option in self.entry:
                info[key] = self.entry[option]
        info['identity'] = identity_set
        return info


def _given(value):
    """None and blank strings mean "not given": an unset template variable renders as ""."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def _identity(option, value, where, region=None):
    """(Graph kind, id or None, upn or None, raw identitySet or None) for one identity option."""
    if option == 'identity':
        pairs = identities_of(value)
        if not pairs:
            raise InputError('%s.identity must be an identitySet holding at least one identity with an id, such as {"user": {"id": "<object id>"}}' % where)
        return pairs[0][0], pairs[0][1], None, value
    if not isinstance(value, str):
        raise InputError('%s.%s must be a string' % (where, option))
    if option == 'phone':
        return 'phone', parse_phone(value, where + '.phone', region), None, None
    if is_guid(value):
        return IDENTITY_KINDS[option], value.lower(), None, None
    if option == 'user':
        if _UPN_RE.match(value):
            return 'user', None, value, None
        raise InputError('%s.user must be an Entra user object id (a GUID) or a user principal name (name@domain); got %r' % (where, value))
    raise InputError('%s.%s must be an object id (a GUID); got %r' % (where, option, value))


def parse_participants(entries, api_version='v1.0', option='participants', region=None):
    """Validate every entry of ``participants``; return the invitees in order (duplicates kept).

    Raises InputError naming the option, the entry and the rule.
    """
    if not entries:
        raise InputError('%s must list at least one participant' % option)
    invitees = []
    for index, raw in enumerate(entries):
        where = '%s[%d]' % (option, index)
        if not isinstance(raw, dict):
            raise InputError('%s must be a dictionary with one of %s' % (where, ', '.join(IDENTITY_OPTIONS)))
        given = [name for name in IDENTITY_OPTIONS if _given(raw.get(name)) is not None]
        if len(given) != 1:
            raise InputError('%s must have exactly one of %s; it has %s' % (where, ', '.join(IDENTITY_OPTIONS), ', '.join(given) if given else 'none'))
        name = given[0]
        kind, ident, upn, raw_identity = _identity(name, _given(raw[name]), where, region)
        entry = {}
        for key in raw:
            value = _given(raw[key])
            if value is not None:
                entry[key] = value
        entry[name] = raw_identity if raw_identity is not None else (upn or ident)
        _check_fields(entry, name, where, api_version)
        written = _given(raw[name]) if isinstance(_given(raw[name]), str) else None
        invitees.append(Invitee(kind, ident, entry, where, upn=upn, raw_identity=raw_identity, written=written))
    single = [inv.where + '.' + key for inv in invitees for key in SINGLE_ONLY if key in inv.entry]
    if single and len(invitees) != 1:
        raise InputError(
            '%s: %s allow exactly one participant (Graph reads only the first of such an invite); '
            'got %d participants' % (option, ', '.join(single), len(invitees))
        )
    return invitees


def _check_fields(entry, name, where, api_version):
    if name == 'identity':
        clash = [option for option, dummy in IDENTITY_FIELDS if option in entry]
        if clash:
            raise InputError('%s.%s cannot be combined with identity, which is sent unchanged; put it inside the identitySet' % (where, clash[0]))
    if 'tenant_id' in entry:
        if not is_guid(entry['tenant_id']):
            raise InputError('%s.tenant_id must be a tenant id (a GUID); got %r' % (where, entry['tenant_id']))
        entry['tenant_id'] = entry['tenant_id'].lower()
    if 'endpoint_type' in entry:
        if api_version != 'beta':
            raise InputError('%s.endpoint_type exists only in the beta API: set api_version: beta' % where)
        if entry['endpoint_type'] not in ENDPOINT_TYPES:
            raise InputError('%s.endpoint_type must be one of %s; got %r' % (where, ', '.join(ENDPOINT_TYPES), entry['endpoint_type']))


def merge_duplicates(invitees):
    """Drop repeated identities (first wins), with a warning each; all invitees must be resolved."""
    unique = []
    warnings = []
    seen = {}
    for inv in invitees:
        first = seen.get(inv.match)
        if first is not None:
            warnings.append('%s repeats %s, %s; the two were merged and %s is used' % (inv.where, first.where, first.shown, first.where))
            continue
        seen[inv.match] = inv
        unique.append(inv)
    return unique, warnings
