# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call's decisions, free of I/O: the create-call bodies, and what a call's state means.

Graph answers ``POST /communications/calls`` with 201 and ``establishing`` whether or not the join
will work; the outcome shows later in the call's ``state`` (``established``, or ``terminated`` with a
``resultInfo``). Graph cannot list an app's calls, so the call id a run returns is the only handle
the next run has.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import result_info

# Graph creates a group call with at most this many VoIP targets (Microsoft Graph docs: Create call).
MAX_TARGETS = 5
# States after which a call no longer serves requests (Graph then answers 404).
ENDED_STATES = ('terminating', 'terminated')
ESTABLISHED = 'established'
MEDIA_CONFIG = {'@odata.type': '#microsoft.graph.serviceHostedMediaConfig'}
# End reasons worth a sentence of advice, by (code, subcode) as Graph documents them (Microsoft Graph docs: call: delete).
END_ADVICE = {
    (408, 8537): 'no keepAlive reached Graph for 45 minutes; run graph_call with the call_id at least every 15 minutes',
    (400, 2203): 'Graph could not join the meeting: check the link or the meeting coordinates, and that the meeting has not ended',
}


# A bot joining by application permissions gets past a meeting's lobby only when everyone may bypass it, and
# nobody in the call may be there to admit it (public field reports); Graph documents neither. These are the ways out.
LOBBY_WAYS_OUT = (
    'someone in the meeting admits the bot from the lobby; or the organizer lets everyone bypass the lobby '
    '(meeting options: who can bypass the lobby: everyone); or the bridge is a meeting the collection creates '
    '(msgraph.calls.graph_online_meeting sets lobby_bypass_scope: everyone by default)'
)
# End reasons that mean "nobody admitted it from the lobby": Graph's documented lobby inactivity timeout (Microsoft
# Graph docs: call end reason codes, 200/5855), by subcode whatever the code.
LOBBY_END_SUBCODES = (5855,)


def call_state(call):
    """The call's state in lower case ('' when Graph gave none)."""
    return str((call or {}).get('state') or '').lower()


def has_ended(call):
    """True for None (Graph answered 404: the call is gone) and for a terminating or terminated call."""
    return call is None or call_state(call) in ENDED_STATES


def end_reason(call):
    """(resultInfo as snake_case, one sentence) for a call that ended; the sentence never is empty."""
    info = result_info(call) if call else None
    if call is None:
        return None, ('Graph no longer knows the call (404): it ended, and Graph told the reason only to the bot\'s callback_uri')
    sentence = 'the call is %s' % call_state(call)
    if info:
        sentence += ': %s (code %s, subcode %s)' % (info.get('message') or 'no message', info.get('code'), info.get('subcode'))
        advice = END_ADVICE.get((_int(info.get('code')), _int(info.get('subcode'))))
        if advice:
            sentence += '; %s' % advice
    return info, sentence


def ended_in_lobby(info):
    """Whether a call's end reason (resultInfo, snake_case) says nobody admitted it from the lobby."""
    return _int((info or {}).get('subcode')) in LOBBY_END_SUBCODES


def is_meeting_join(call_or_body):
    """A join of a meeting (it has meetingInfo): the one kind of call a lobby can hold."""
    return isinstance((call_or_body or {}).get('meetingInfo'), dict)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _common(callback_uri, tenant_id, subject):
    body = {
        '@odata.type': '#microsoft.graph.call',
        'callbackUri': callback_uri,
        'requestedModalities': ['audio'],
        'mediaConfig': dict(MEDIA_CONFIG),
    }
    if tenant_id:
        body['tenantId'] = tenant_id
    if subject:
        body['subject'] = subject
    return body


def join_body(coordinates, callback_uri, subject=None):
    """The body that joins the meeting of ``coordinates`` (join_url.meeting_coordinates), as Graph's examples 5 and 7."""
    body = _common(callback_uri, coordinates.get('tenant_id'), subject)
    if coordinates['kind'] == 'join_meeting_id':
        body['meetingInfo'] = {
            '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo',
            'joinMeetingId': str(coordinates['join_meeting_id']),
            'passcode': coordinates.get('passcode'),
        }
        return body
    organizer = {'@odata.type': '#microsoft.graph.identity', 'id': coordinates['organizer_id']}
    if coordinates.get('tenant_id'):
        organizer['tenantId'] = coordinates['tenant_id']
    body['chatInfo'] = {
        '@odata.type': '#microsoft.graph.chatInfo',
        'threadId': coordinates['thread_id'],
        'messageId': str(coordinates['message_id']),
        'replyChainMessageId': coordinates.get('reply_chain_message_id'),
    }
    body['meetingInfo'] = {
        '@odata.type': '#microsoft.graph.organizerMeetingInfo',
        'organizer': {'@odata.type': '#microsoft.graph.identitySet', 'user': organizer},
        # As Graph's own example: the bot may be in the meeting before its organizer joins.
        'allowConversationWithoutHost': True,
    }
    return body


def group_call_body(invitees, callback_uri, tenant_id=None, subject=None):
    """The body that starts a group call ringing ``invitees`` (participants.Invitee), as Graph's example 3."""
    body = _common(callback_uri, tenant_id, subject)
    body['direction'] = 'outgoing'
    body['targets'] = [inv.invitation() for inv in invitees]
    return body


def check_targets(invitees):
    """Raise ValueError naming the option unless Graph can start a group call with ``invitees``."""
    if len(invitees) > MAX_TARGETS:
        raise InputError(
            'targets: Graph starts a group call with at most %d people; got %d (invite the others with '
            'msgraph.calls.graph_call_invite once the call is established)' % (MAX_TARGETS, len(invitees))
        )
    for inv in invitees:
        if inv.kind == 'phone':
            raise InputError(
                '%s.phone: Graph rings phones from a call only when its source is an application instance '
                'with a phone number; start the call with Teams users and invite phones with '
                'msgraph.calls.graph_call_invite' % inv.where
            )


def same_meeting(call, coordinates):
    """False when the call is visibly in another meeting than ``coordinates`` (None when it cannot tell)."""
    if not coordinates or not isinstance(call, dict):
        return None
    chat = call.get('chatInfo') if isinstance(call.get('chatInfo'), dict) else {}
    if coordinates.get('thread_id') and chat.get('threadId'):
        return chat['threadId'].lower() == coordinates['thread_id'].lower()
    meeting = call.get('meetingInfo') if isinstance(call.get('meetingInfo'), dict) else {}
    if coordinates.get('join_meeting_id') and meeting.get('joinMeetingId'):
        return str(meeting['joinMeetingId']) == str(coordinates['join_meeting_id'])
    return None


def call_key(coordinates=None, targets=None):
    """What makes two create requests the same call on this machine, or None when nothing is created.

    A meeting is its thread and message (the same meeting whatever link or coordinates named it), or its
    join meeting id in its tenant; a group call is its people. A meeting named once by thread and once by join
    meeting id has two keys: only Graph knows they are one meeting.
    """
    if coordinates:
        if coordinates['kind'] == 'join_meeting_id':
            return 'meeting-id:%s:%s' % (str(coordinates.get('tenant_id') or '').lower(), coordinates['join_meeting_id'])
        return 'meeting:%s:%s' % (coordinates['thread_id'].lower(), coordinates.get('message_id') or '0')
    if targets:
        return 'group-call:' + ','.join(sorted(inv.match for inv in targets))
    return None
