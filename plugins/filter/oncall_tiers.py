# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``oncall_tiers`` filter: on-call records exported from a paging tool -> escalation tiers.

Its documentation is the sidecar file ``oncall_tiers.yml`` next to this one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

# Candidate dotted paths, tried in this order; the first that holds a value (not null, not blank) is used.
# Keep them in step with the DOCUMENTATION in oncall_tiers.yml (a unit test compares them).
TIER_KEYS = ('tier', 'escalation_level', 'escalationLevel', 'level')
EMAIL_KEYS = ('email', 'mail', 'email_address', 'emailAddress', 'user.email', 'user.mail', 'user_email')
PHONE_KEYS = (
    'phone',
    'mobile',
    'phone_number',
    'phoneNumber',
    'mobile_phone',
    'mobilePhone',
    'user.phone',
    'user.mobile',
    'user.phone_number',
    'user.phoneNumber',
)
NAME_KEYS = (
    'name',
    'display_name',
    'displayName',
    'full_name',
    'fullName',
    'user.summary',
    'user.name',
    'user.display_name',
    'user.displayName',
    'user.fullName',
    'summary',
)
PREFER = ('user', 'phone')

_DIGITS_RE = re.compile(r'^[0-9]+$')
_GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
_EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+$')


def _error(message):
    return AnsibleFilterError('oncall_tiers: ' + message)


def _type_name(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, Mapping):
        return 'a dictionary'
    if isinstance(value, (list, tuple)):
        return 'a list'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, (int, float)):
        return 'a number'
    return type(value).__name__


def _lookup(record, path):
    """The value at a dotted path (``user.email``; a number indexes a list: ``phones.0.value``), or None."""
    node = record
    for part in path.split('.'):
        if isinstance(node, Mapping):
            if part not in node:
                return None
            node = node[part]
        elif isinstance(node, (list, tuple)) and _DIGITS_RE.match(part):
            index = int(part)
            if index >= len(node):
                return None
            node = node[index]
        else:
            return None
    return node


def _find(record, paths):
    """(path, value) of the first path holding a value; blank strings count as missing. (None, None) if none."""
    for path in paths:
        value = _lookup(record, path)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return path, value
    return None, None


def _text(where, path, value, what, key_option):
    if not isinstance(value, str):
        raise _error('%s.%s must be a string (%s); got %s. Set %s to the dotted path of that string' % (where, path, what, _type_name(value), key_option))
    return value.strip()


def _tier_number(value, where):
    """A tier from 1: an int or a string of digits; ``where`` names it in the message."""
    if isinstance(value, bool):
        raise _error('%s must be a tier number (1, 2, ...); got the boolean %s' % (where, value))
    if isinstance(value, str):
        text = value.strip()
        if not _DIGITS_RE.match(text):
            raise _error('%s must be a tier number (1, 2, ...); got %r' % (where, value))
        number = int(text)
    elif isinstance(value, int):
        number = int(value)
    else:
        raise _error('%s must be a tier number (1, 2, ...); got %s %r' % (where, _type_name(value), value))
    if number < 1:
        raise _error('%s must be a tier number from 1 (tier 1 is paged first); got %d' % (where, number))
    return number


def _paths(option, value, defaults):
    if value is None:
        return defaults
    if not isinstance(value, str) or not value.strip():
        raise _error('%s must be a dotted path such as user.email; got %r' % (option, value))
    return (value.strip(),)


def _options(tier_key, email_key, phone_key, name_key, prefer, fallback, default_tier):
    keys = dict(
        tier=_paths('tier_key', tier_key, TIER_KEYS),
        email=_paths('email_key', email_key, EMAIL_KEYS),
        phone=_paths('phone_key', phone_key, PHONE_KEYS),
        name=_paths('name_key', name_key, NAME_KEYS),
    )
    if prefer not in PREFER:
        raise _error('prefer must be one of %s; got %r' % (', '.join(PREFER), prefer))
    try:
        fallback = boolean(fallback, strict=True)
    except TypeError:
        raise _error('fallback must be true or false; got %r' % (fallback,)) from None
    if default_tier is not None:
        default_tier = _tier_number(default_tier, 'default_tier')
    return keys, prefer, fallback, default_tier


class _Record:
    """One record's tier, identifiers and participant entry."""

    def __init__(self, index, tier, participant, same):
        self.index = index
        self.tier = tier
        self.participant = participant
        self.same = same  # keys that identify the person: ('user', e-mail lowercased), ('phone', digits)


def _looked_for(paths):
    return ', '.join(paths)


def _read(record, index, keys, prefer, fallback, default_tier):
    where = 'records[%d]' % index
    if not isinstance(record, Mapping):
        raise _error('%s must be a dictionary (one person on call); got %s' % (where, _type_name(record)))

    tier_path, tier = _find(record, keys['tier'])
    if tier_path is None:
        if default_tier is None:
            raise _error('%s has no tier (looked for %s); set tier_key to the path of its tier, or default_tier' % (where, _looked_for(keys['tier'])))
        tier = default_tier
    else:
        tier = _tier_number(tier, '%s.%s' % (where, tier_path))

    email_path, email = _find(record, keys['email'])
    if email_path is not None:
        email = _text(where, email_path, email, 'an e-mail address', 'email_key')
    phone_path, phone = _find(record, keys['phone'])
    if phone_path is not None:
        phone = _text(where, phone_path, phone, 'a phone number', 'phone_key')
    name_path, name = _find(record, keys['name'])
    if name_path is not None:
        name = _text(where, name_path, name, 'a name', 'name_key')

    if email is None and phone is None:
        raise _error('%s has no e-mail or phone (looked for %s; and for %s)' % (where, _looked_for(keys['email']), _looked_for(keys['phone'])))
    if prefer == 'user':
        use = 'user' if email is not None else 'phone'
    else:
        use = 'phone' if phone is not None else 'user'
    if use != prefer and not fallback:
        if prefer == 'user':
            raise _error('%s has no e-mail (looked for %s), and fallback=false forbids paging its phone instead' % (where, _looked_for(keys['email'])))
        raise _error('%s has no phone (looked for %s), and fallback=false forbids paging its e-mail instead' % (where, _looked_for(keys['phone'])))

    same = []
    if email is not None:
        if use == 'user' and not (_EMAIL_RE.match(email) or _GUID_RE.match(email)):
            raise _error('%s.%s must be an e-mail address (name@domain) or an Entra object id; got %r' % (where, email_path, email))
        same.append(('user', email.lower()))
    if phone is not None:
        digits = re.sub(r'[^0-9]', '', phone)
        if use == 'phone' and not (phone.startswith('+') and digits):
            raise _error(
                '%s.%s must be a phone number in international form, + and the country code (such as +1 425 555 0100); got %r' % (where, phone_path, phone)
            )
        if digits:
            same.append(('phone', digits))

    participant = {'user': email} if use == 'user' else {'phone': phone}
    if name:
        participant['display_name'] = name
    return _Record(index, tier, participant, same)


def oncall_tiers(records, tier_key=None, email_key=None, phone_key=None, name_key=None, prefer='user', fallback=True, default_tier=None):
    """On-call records -> ``[{"name": "tier 1", "tier": 1, "participants": [...]}, ...]``, lowest tier first."""
    if not isinstance(records, (list, tuple)):
        hint = ''
        if isinstance(records, Mapping):
            lists = sorted(str(key) for key, value in records.items() if isinstance(value, (list, tuple)))
            if lists:
                hint = '; pass the list it holds, such as its %s' % ' or '.join(lists[:3])
        raise _error('the input must be a list of on-call records (dictionaries); got %s%s' % (_type_name(records), hint))
    keys, prefer, fallback, default_tier = _options(tier_key, email_key, phone_key, name_key, prefer, fallback, default_tier)
    parsed = [_read(record, index, keys, prefer, fallback, default_tier) for index, record in enumerate(records)]

    # Lowest tier first, record order within a tier (sorted() is stable). A person already placed, by any
    # e-mail or phone digits they share with a placed record, is left out of later (higher) tiers.
    seen = set()
    tiers = {}
    for record in sorted(parsed, key=lambda rec: rec.tier):
        known = any(key in seen for key in record.same)
        seen.update(record.same)
        if not known:
            tiers.setdefault(record.tier, []).append(record.participant)
    return [dict(name='tier %d' % number, tier=number, participants=tiers[number]) for number in sorted(tiers)]


class FilterModule:
    """msgraph.calls filters."""

    def filters(self):
        return {'oncall_tiers': oncall_tiers}
