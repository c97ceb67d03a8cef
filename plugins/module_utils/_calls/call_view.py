# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Graph's call and participant objects, normalised into the snake_case summaries the info modules return."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import (
    identities_of,
    identity_label,
    is_guid,
    match_key,
    participant_keys,
)
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_phone

# With default_region, a filter value of digits and the usual separators is a national phone number.
_NATIONAL_RE = re.compile(r'^[\d\s\-().]+$')


def _odata_type(value):
    kind = value.get('@odata.type') if isinstance(value, dict) else None
    return kind.split('.')[-1] if isinstance(kind, str) else None


def call_summary(call):
    """The call's state, direction, group-ness, and chatInfo / meetingInfo in short."""
    chat = call.get('chatInfo')
    meeting = call.get('meetingInfo')
    result = call.get('resultInfo')
    return {
        'id': call.get('id'),
        'state': call.get('state'),
        'direction': call.get('direction'),
        'group': isinstance(chat, dict),
        'subject': call.get('subject'),
        'callback_uri': call.get('callbackUri'),
        'my_participant_id': call.get('myParticipantId'),
        'tenant_id': call.get('tenantId'),
        'chat_info': {
            'thread_id': chat.get('threadId'),
            'message_id': chat.get('messageId'),
            'reply_chain_message_id': chat.get('replyChainMessageId'),
        }
        if isinstance(chat, dict)
        else None,
        'meeting_info': {
            'type': _odata_type(meeting),
            'join_web_url': meeting.get('joinWebUrl'),
            'organizer': _first_label((meeting.get('organizer') or {})),
        }
        if isinstance(meeting, dict)
        else None,
        'result_info': {
            'code': result.get('code'),
            'subcode': result.get('subcode', result.get('subCode')),
            'message': result.get('message'),
        }
        if isinstance(result, dict)
        else None,
    }


def _first_label(identity_set):
    pairs = identities_of(identity_set)
    return identity_label(*pairs[0]) if pairs else None


def participant_summary(participant):
    """One roster entry: participant id, identity kind/id/label, display name, lobby and mute state."""
    info = participant.get('info') or {}
    identity_set = info.get('identity') or {}
    pairs = identities_of(identity_set)
    kind, ident = pairs[0] if pairs else (None, None)
    display_name = identity_set.get(kind, {}).get('displayName') if kind else None
    return {
        'id': participant.get('id'),
        'kind': kind,
        'identity_id': ident.lower() if is_guid(ident) else ident,
        'label': identity_label(kind, ident) if kind else None,
        'display_name': display_name,
        'in_lobby': bool(participant.get('isInLobby')),
        'muted': bool(participant.get('isMuted')),
    }


def participant_matches(participant, keys):
    """Whether any identity of the participant matches one of the filter's match keys."""
    return bool(participant_keys(participant) & keys)


def identity_filter(values, option='identities', region=None):
    """Match keys for the ``identities`` filter: object ids (any kind), phone numbers, or ``kind:id`` labels.

    ``values`` are the items as the task gave them: anything but a non-empty string is refused, since
    Ansible would turn a mapping into its Python text, which would silently match nobody.
    """
    keys = set()
    for index, value in enumerate(values or []):
        where = '%s[%d]' % (option, index)
        if not isinstance(value, str) or not value.strip():
            raise InputError('%s must be a non-empty string (an object id, a phone number or a kind:id label); got %r' % (where, value))
        text = value.strip()
        if ':' in text and not text.startswith('+'):
            kind, ident = (part.strip() for part in text.split(':', 1))
            if not kind or not ident:
                raise InputError('%s: %r must name both a kind and an id, such as user:<object id>' % (where, value))
            keys.add(match_key(kind, parse_phone(ident, where, region) if kind == 'phone' else ident))
        elif is_guid(text):
            keys.add(match_key('user', text))
        elif text.startswith('+') or (region and _NATIONAL_RE.match(text)):
            keys.add(match_key('phone', parse_phone(text, where, region)))
        else:
            raise InputError('%s must be an object id (a GUID), a phone number starting with + or a kind:id label such as user:<id>; got %r' % (where, value))
    return keys
