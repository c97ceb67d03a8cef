# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_online_meeting's decisions, free of I/O: the createOrGet body, and the meeting as the module returns it.

``POST /users/{organizer}/onlineMeetings/createOrGet`` is Graph's idempotent create: the organizer
and ``externalId`` identify the meeting, 201 means created, 200 means it existed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

# Words Graph uses when the organizer has no application access policy for this app (Microsoft Graph docs: online meeting application access policy).
ACCESS_POLICY_HINT = (
    'the app may create meetings only for users granted an application access policy: a Teams '
    'administrator runs New-CsApplicationAccessPolicy -AppIds <client id> and '
    'Grant-CsApplicationAccessPolicy for the organizer (or -Global); changes take up to 30 minutes'
)


# Graph's lobbyBypassScope values (Microsoft Graph docs: lobbyBypassSettings resource type), unknownFutureValue aside.
LOBBY_SCOPES = ('everyone', 'organization', 'organizationAndFederated', 'organizationExcludingGuests', 'invited', 'organizer')


def lobby_settings(scope, dial_in_bypass):
    """The lobbyBypassSettings a task asks for; InputError for a scope Graph does not know."""
    if scope not in LOBBY_SCOPES:
        raise InputError('lobby_bypass_scope must be one of %s; got %r' % (', '.join(LOBBY_SCOPES), scope))
    if not isinstance(dial_in_bypass, bool):
        raise InputError('lobby_dial_in_bypass must be true or false; got %r' % (dial_in_bypass,))
    return {'scope': scope, 'isDialInBypassEnabled': dial_in_bypass}


def lobby_of(meeting):
    """The meeting's lobbyBypassSettings as Graph returned them: {'scope', 'isDialInBypassEnabled'} (None where missing)."""
    settings = meeting.get('lobbyBypassSettings') if isinstance(meeting, dict) else None
    settings = settings if isinstance(settings, dict) else {}
    return {'scope': settings.get('scope'), 'isDialInBypassEnabled': settings.get('isDialInBypassEnabled')}


def lobby_result(settings):
    """lobbyBypassSettings as the module returns them: ``scope`` and ``is_dial_in_bypass_enabled``."""
    return dict(scope=settings['scope'], is_dial_in_bypass_enabled=settings['isDialInBypassEnabled'])


def lobby_differs(meeting, wanted):
    """Whether the meeting's lobby settings differ from ``wanted`` (scopes compare case-insensitively, as Graph's enums)."""
    have = lobby_of(meeting)
    return str(have['scope'] or '').lower() != wanted['scope'].lower() or have['isDialInBypassEnabled'] is not wanted['isDialInBypassEnabled']


def lobby_line(settings):
    """One line for --diff: ``lobbyBypassSettings: scope=everyone, isDialInBypassEnabled=true``."""
    if settings is None:
        return ''
    dial_in = settings.get('isDialInBypassEnabled')
    return 'lobbyBypassSettings: scope=%s, isDialInBypassEnabled=%s\n' % (settings.get('scope'), 'unknown' if dial_in is None else str(dial_in).lower())


def _when(name, value):
    """``value`` parsed as ISO 8601 with a time zone; ValueError names the option."""
    try:
        parsed = datetime.fromisoformat(value.replace('Z', '+00:00').replace('z', '+00:00'))
    except ValueError:
        raise InputError('%s must be an ISO 8601 date and time such as 2026-12-02T09:00:00Z; got %r' % (name, value))
    if parsed.tzinfo is None:
        raise InputError('%s must say its time zone (Z or +01:00, say); got %r' % (name, value))
    return parsed


def create_or_get_body(external_id, subject=None, start=None, end=None):
    """The createOrGet body; ValueError for times Graph would refuse (end without start, end before start)."""
    if not external_id or not external_id.strip():
        raise InputError('external_id must not be empty: it is what makes the meeting the same on every run')
    if end and not start:
        raise InputError('end_date_time needs start_date_time (Graph refuses an end without a start)')
    if start and end and _when('end_date_time', end) < _when('start_date_time', start):
        raise InputError('end_date_time must not be before start_date_time')
    if start:
        _when('start_date_time', start)
    body = {'externalId': external_id}
    for key, value in (('subject', subject), ('startDateTime', start), ('endDateTime', end)):
        if value:
            body[key] = value
    return body


def meeting_result(meeting, organizer_id, tenant_id=None):
    """What the module returns of an onlineMeeting; ``meeting`` plugs into graph_call's option of that name."""
    chat = meeting.get('chatInfo') if isinstance(meeting.get('chatInfo'), dict) else {}
    join_settings = meeting.get('joinMeetingIdSettings') if isinstance(meeting.get('joinMeetingIdSettings'), dict) else {}
    coordinates = dict(
        thread_id=chat.get('threadId'), message_id=chat.get('messageId'), reply_chain_message_id=chat.get('replyChainMessageId'), organizer_id=organizer_id
    )
    if tenant_id:
        coordinates['tenant_id'] = tenant_id
    if not coordinates['thread_id']:
        # Graph did not say the chat thread: the numeric meeting id joins just as well.
        coordinates = dict(join_meeting_id=join_settings.get('joinMeetingId'), passcode=join_settings.get('passcode'), tenant_id=tenant_id)
    return dict(
        meeting_id=meeting.get('id'),
        join_url=meeting.get('joinWebUrl'),
        subject=meeting.get('subject'),
        external_id=meeting.get('externalId'),
        start_date_time=meeting.get('startDateTime'),
        end_date_time=meeting.get('endDateTime'),
        organizer_id=organizer_id,
        chat_info=dict(thread_id=chat.get('threadId'), message_id=chat.get('messageId'), reply_chain_message_id=chat.get('replyChainMessageId')),
        join_meeting_id=join_settings.get('joinMeetingId'),
        passcode=join_settings.get('passcode'),
        lobby_bypass_settings=lobby_result(lobby_of(meeting)),
        meeting=coordinates,
    )
