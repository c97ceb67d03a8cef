# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""From a Teams meeting link (or explicit coordinates) to what Graph needs to join the meeting.

Graph joins a meeting from either ``chatInfo`` + ``organizerMeetingInfo`` (the long
``/l/meetup-join/<thread>/<message>?context={"Tid":…,"Oid":…}`` link carries all of it) or from a
``joinMeetingIdMeetingInfo`` (the short ``/meet/<id>?p=<passcode>`` link carries the id and the
passcode, but no tenant). Microsoft's own samples parse the link this way; the onlineMeeting docs
warn that the format may change, so anything we do not recognise is refused with the way out:
give the coordinates under ``meeting`` instead.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from urllib.parse import unquote, urlsplit

from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import is_guid
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

_THREAD = re.compile(r'^19:[^/?#\s]+@thread\.[a-z0-9]+$', re.IGNORECASE)
_DIGITS = re.compile(r'^[0-9]+$')
# Personal Teams (teams.live.com) meetings are outside what an app registration can join.
_PERSONAL_HOSTS = ('teams.live.com',)
MEETING_KEYS = ('thread_id', 'message_id', 'reply_chain_message_id', 'organizer_id', 'tenant_id', 'join_meeting_id', 'passcode')


class JoinInfoError(InputError):
    """The link or the coordinates cannot make a join; the message names the option and the rule."""


def parse_join_url(url, option='join_url'):
    """The coordinates a Teams join link carries: a dict of MEETING_KEYS (missing ones None)."""
    if not isinstance(url, str) or not url.strip():
        raise JoinInfoError('%s must be a Teams meeting link' % option)
    parts = urlsplit(url.strip())
    host = (parts.hostname or '').lower()
    if parts.scheme.lower() != 'https' or not host:
        raise JoinInfoError('%s must be an https:// Teams meeting link; got %r' % (option, url))
    if host in _PERSONAL_HOSTS:
        raise JoinInfoError('%s is a Teams (free) personal meeting (%s): an app registration cannot join those' % (option, host))
    found = dict.fromkeys(MEETING_KEYS)
    # Split first, then decode each piece once: a decoded thread id holds ':' and '@', and the
    # context holds JSON, which must not be split on what decoding reveals.
    segments = [unquote(segment) for segment in parts.path.split('/') if segment]
    query = _query(parts.query)
    lowered = [segment.lower() for segment in segments]
    if len(segments) == 4 and lowered[:2] == ['l', 'meetup-join']:
        found.update(thread_id=segments[2], message_id=segments[3])
        _check_thread(found, option)
        _context(query.get('context'), found, option)
    elif len(segments) == 2 and lowered[0] == 'meet':
        found.update(join_meeting_id=segments[1], passcode=query.get('p') or None)
        if not _DIGITS.match(found['join_meeting_id']):
            raise JoinInfoError('%s: the meeting id in a /meet/ link must be digits; got %r' % (option, found['join_meeting_id']))
    else:
        raise JoinInfoError(
            '%s is not a Teams meeting link this module can read (expected '
            'https://teams.microsoft.com/l/meetup-join/<thread>/<message>?context=… or '
            'https://teams.microsoft.com/meet/<id>?p=<passcode>); give the meeting\'s coordinates '
            'under meeting instead' % option
        )
    return found


def _query(text):
    """Query values decoded once; ``+`` stays a plus (passcodes and JSON use it literally)."""
    values = {}
    for item in text.split('&'):
        name, dummy, value = item.partition('=')
        if name:
            values[unquote(name)] = unquote(value)
    return values


def _check_thread(found, option):
    if not _THREAD.match(found['thread_id']):
        raise JoinInfoError('%s: %r is not a Teams chat thread id (19:…@thread.…)' % (option, found['thread_id']))
    if not _DIGITS.match(found['message_id']):
        raise JoinInfoError('%s: the message id after the thread must be digits; got %r' % (option, found['message_id']))


def _context(text, found, option):
    """Organizer (Oid), tenant (Tid) and reply-chain message (MessageId) from the link's context JSON."""
    if text is None:
        return  # a link without context: the organizer must come from meeting.organizer_id
    try:
        context = json.loads(text)
    except ValueError:
        raise JoinInfoError('%s: its context is not JSON; got %r' % (option, text))
    if not isinstance(context, dict):
        raise JoinInfoError('%s: its context must be a JSON object; got %r' % (option, text))
    found['organizer_id'] = _text(context.get('Oid'))
    found['tenant_id'] = _text(context.get('Tid'))
    found['reply_chain_message_id'] = _text(context.get('MessageId'))


def _text(value):
    return str(value) if value not in (None, '') else None


def meeting_coordinates(join_url=None, meeting=None, default_tenant_id=None):
    """The join coordinates from the link, completed or overridden by ``meeting``; validated.

    The call's tenant is, in order: ``meeting.tenant_id``, the link's ``Tid``, the connection's
    tenant (a short link carries none, and the meeting is usually in the app's own tenant).
    Returns None when neither a link nor coordinates were given.
    """
    given = dict((key, value) for key, value in (meeting or {}).items() if value not in (None, ''))
    if not join_url and not given:
        return None
    found = parse_join_url(join_url) if join_url else dict.fromkeys(MEETING_KEYS)
    found.update(given)
    found['tenant_id'] = found['tenant_id'] or default_tenant_id
    if found['join_meeting_id']:
        if found['thread_id']:
            raise JoinInfoError(
                'join_url and meeting name a meeting two ways: give either a thread (thread_id with organizer_id) or a join_meeting_id, not both'
            )
        if not _DIGITS.match(str(found['join_meeting_id'])):
            raise JoinInfoError('meeting.join_meeting_id must be digits; got %r' % found['join_meeting_id'])
        found['kind'] = 'join_meeting_id'
        return found
    if not found['thread_id']:
        raise JoinInfoError('meeting needs thread_id (with organizer_id) or join_meeting_id')
    found['message_id'] = found['message_id'] or '0'
    _check_thread(found, 'meeting' if not join_url else 'join_url')
    if not found['organizer_id']:
        raise JoinInfoError(
            '%s names no organizer (a link without its ?context=…): give meeting.organizer_id, the '
            'organizer\'s Entra object id' % ('join_url' if join_url else 'meeting')
        )
    if not is_guid(found['organizer_id']):
        raise JoinInfoError('the meeting organizer must be an Entra object id (a GUID); got %r' % found['organizer_id'])
    found['kind'] = 'organizer'
    return found
