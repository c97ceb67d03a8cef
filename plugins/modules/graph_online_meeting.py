#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_online_meeting
short_description: Ensure the Teams meeting of an incident, keyed by an external id
version_added: 0.1.0
description:
  - Ensures the online meeting that O(organizer) holds for O(external_id) with
    C(POST /users/{organizer}/onlineMeetings/createOrGet). The first run creates it (C(changed=true)); every later
    run with the same organizer and O(external_id) returns the same meeting and changes nothing.
  - The meeting is standalone (not in anyone's calendar). Pass RV(join_url) or RV(meeting) to
    M(msgraph.calls.graph_call) to join it.
  - Sets who bypasses the meeting's lobby (O(lobby_bypass_scope), O(lobby_dial_in_bypass)). A bot joining by application
    permissions gets past the lobby only when everyone may bypass it, and a bot cannot admit anyone; so the defaults let
    the bot and the phones it pages in with nobody there to admit them. See O(lobby_bypass_scope) for the trade-off.
  - When the meeting's lobby settings (as Graph returns them, created or existing) differ from the ones asked for, the
    module brings them there with C(PATCH /users/{organizer}/onlineMeetings/{id}) and reports C(changed=true); for a
    meeting that existed, it also warns, naming the settings it replaced.
  - Needs the application permission C(OnlineMeetings.ReadWrite.All) and an application access policy that a Teams
    administrator grants to the organizer (C(New-CsApplicationAccessPolicy), C(Grant-CsApplicationAccessPolicy)).
    An organizer given by name also needs C(User.Read.All) to look up its object id.
author:
  - msgraph.calls maintainers (@msgraph-calls)
extends_documentation_fragment:
  - msgraph.calls._graph_connection
  - msgraph.calls._phones
  - msgraph.calls._attributes
  - msgraph.calls._attributes.actiongroup_graph
attributes:
  check_mode:
    support: partial
    details:
      - Sends nothing. Graph has no read of a meeting by external id. A meeting that a real run on this machine
        created or found (O(meeting_record)) is read by its id, and check mode reports what a real run would do
        (nothing, or the lobby change) with the meeting's real RV(join_url), so the tasks after it preview the real
        bridge.
      - Otherwise it cannot tell whether the meeting exists; it reports C(changed=true) and returns the RV(join_url)
        C(https://check-mode.invalid/meeting-not-created), which M(msgraph.calls.graph_call) accepts in check mode as
        the meeting an earlier task would create.
  diff_mode:
    support: full
    details:
      - C(before) and C(after) show the meeting's lobby settings. In check mode C(before) is empty when the meeting
        is not in O(meeting_record) (unknown), and C(after) shows the settings the task would set.
options:
  state:
    description: Only V(present); Graph's createOrGet has no counterpart that deletes by external id.
    type: str
    choices: [present]
    default: present
  organizer:
    description:
      - The user who organizes the meeting, by Entra object id, user principal name or e-mail address.
    type: str
    required: true
  external_id:
    description:
      - Your key for the meeting, such as the incident number. The same organizer and external id always give the
        same meeting.
    type: str
    required: true
  subject:
    description:
      - The meeting's subject, used when it is created. Graph does not document that createOrGet changes an existing
        meeting; when the returned subject differs, the module warns.
    type: str
  start_date_time:
    description: When the meeting starts, ISO 8601 with a time zone; Graph defaults to now.
    type: str
  end_date_time:
    description: When it ends, ISO 8601 with a time zone, after O(start_date_time); Graph defaults to an hour later.
    type: str
  lobby_bypass_scope:
    description:
      - Who gets past the lobby without being admitted (Graph's C(lobbyBypassSettings.scope)).
      - V(everyone) (the default) is the only value that lets the bot in when nobody is there to admit it, so a
        bridge opened at night starts. The trade-off is that B(anyone who holds the join link gets in), without anyone
        seeing them wait; treat the link like a password (post it only where responders read it) and prefer a new
        meeting (a new O(external_id)) per incident.
      - To keep strangers in the lobby, choose V(organization) (people of your tenant), V(organizationAndFederated),
        V(organizationExcludingGuests), V(invited) or V(organizer). Then a person of the meeting must admit the bot
        (and anyone else held) before M(msgraph.calls.graph_call) can establish; graph_call says so when that happens.
    type: str
    choices: [everyone, organization, organizationAndFederated, organizationExcludingGuests, invited, organizer]
    default: everyone
  lobby_dial_in_bypass:
    description:
      - Whether people who join by phone (dial in, or a phone paged with M(msgraph.calls.graph_call_invite)) get past
        the lobby (Graph's C(lobbyBypassSettings.isDialInBypassEnabled)). With V(false), a paged phone that answers
        waits in the lobby until someone admits it; graph_call_invite then reports it C(in_lobby), not joined.
      - Anyone who knows the dial-in number and the conference id gets in with V(true).
    type: bool
    default: true
  meeting_record:
    description:
      - This machine's record of the meetings this module created or found, by tenant, organizer (as the task names
        them) and external id. A real run writes it; check mode reads it, to preview an existing meeting as it is.
      - V(true) (the default when unset) is C(~/.ansible/msgraph.calls/meetings.jsonl) of the user running the
        module, created 0600 in a 0700 folder; a path names another file (its folder must exist and be writable by
        that user only); V(false) turns it off. Unset, the E(MSGRAPH_MEETING_RECORD) environment variable decides
        the same way.
      - It holds a hash of each key, the meeting's and the organizer's ids and the time, no links or names; records
        older than 30 days are dropped. A record that cannot be written is a warning (only check mode previews less).
    type: raw
seealso:
  - module: msgraph.calls.graph_call
'''

EXAMPLES = r'''
- name: The bridge of incident INC-1234
  msgraph.calls.graph_online_meeting:
    organizer: incident-commander@example.com
    external_id: INC-1234
    subject: "INC-1234: payments are failing"
  register: meeting

- name: Join it
  msgraph.calls.graph_call:
    meeting: "{{ meeting.meeting }}"
    callback_uri: https://bot.example.com/api/calls

- name: A bridge only people of the tenant get into unseen (someone must admit the bot and outsiders)
  msgraph.calls.graph_online_meeting:
    organizer: incident-commander@example.com
    external_id: INC-1235
    lobby_bypass_scope: organization
    lobby_dial_in_bypass: false
'''

RETURN = r'''
created:
  description: Whether Graph created the meeting (HTTP 201) rather than returning the existing one (200).
  returned: always
  type: bool
meeting_id:
  description: The onlineMeeting id.
  returned: success
  type: str
join_url:
  description: The meeting's join link (C(joinWebUrl)).
  returned: success
  type: str
  sample: https://teams.microsoft.com/l/meetup-join/19%3ameeting_N2Q3...%40thread.v2/0?context=%7b%22Tid%22...
chat_info:
  description: The meeting chat (C(thread_id), C(message_id), C(reply_chain_message_id)).
  returned: success
  type: dict
join_meeting_id:
  description: The numeric meeting id, when Graph gives one.
  returned: success
  type: str
passcode:
  description: The meeting passcode that goes with RV(join_meeting_id), when there is one.
  returned: success
  type: str
lobby_bypass_settings:
  description:
    - The meeting's lobby settings after the task (C(scope), C(is_dial_in_bypass_enabled)); in check mode, those the
      task would set.
  returned: always
  type: dict
  sample: {"scope": "everyone", "is_dial_in_bypass_enabled": true}
lobby_updated:
  description: Whether the task changed the meeting's lobby settings (C(PATCH)); in check mode, whether it might.
  returned: always
  type: bool
organizer_id:
  description: The organizer's object id.
  returned: success
  type: str
meeting:
  description: The coordinates that M(msgraph.calls.graph_call) joins with (its O(msgraph.calls.graph_call#module:meeting) option).
  returned: success
  type: dict
subject:
  description: The meeting's subject as Graph returned it.
  returned: success
  type: str
external_id:
  description: The external id.
  returned: success
  type: str
start_date_time:
  description: The start, as Graph returned it.
  returned: success
  type: str
end_date_time:
  description: The end, as Graph returned it.
  returned: success
  type: str
'''

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import region_option
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import NOT_CREATED_JOIN_URL
from ansible_collections.msgraph.calls.plugins.module_utils._calls.directory import lookup_user
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import is_guid
from ansible_collections.msgraph.calls.plugins.module_utils._calls.meeting import (
    ACCESS_POLICY_HINT,
    LOBBY_SCOPES,
    create_or_get_body,
    lobby_differs,
    lobby_line,
    lobby_of,
    lobby_result,
    lobby_settings,
    meeting_result,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.meeting_record import DEFAULT_NAME, ENV_NAME, MeetingRecord, meeting_key
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import is_principal_name
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import checked_record


def main():
    module = GraphModule(
        dict(
            state=dict(type='str', default='present', choices=['present']),
            organizer=dict(type='str', required=True),
            external_id=dict(type='str', required=True),
            subject=dict(type='str'),
            start_date_time=dict(type='str'),
            end_date_time=dict(type='str'),
            lobby_bypass_scope=dict(type='str', default='everyone', choices=list(LOBBY_SCOPES)),
            lobby_dial_in_bypass=dict(type='bool', default=True),
            meeting_record=dict(type='raw'),
            **region_option(),
        ),
        supports_check_mode=True,
    )
    params = module.params
    organizer = (params['organizer'] or '').strip()
    if not (is_guid(organizer) or is_principal_name(organizer)):
        module.fail('organizer must be the object id (a GUID), user principal name or e-mail address of a user; got %r' % organizer)
    body = module.attempt(lambda: create_or_get_body(params['external_id'], params['subject'], params['start_date_time'], params['end_date_time']))
    lobby = module.attempt(lambda: lobby_settings(params['lobby_bypass_scope'], params['lobby_dial_in_bypass']))
    path = module.attempt(lambda: checked_record('meeting_record', params['meeting_record'], ENV_NAME, DEFAULT_NAME))
    record = MeetingRecord(path) if path else None
    key = meeting_key(params.get('tenant_id'), organizer, params['external_id'])
    client = module.client
    if module.check_mode:
        module.finish(lambda: preview(module, client, record, key, lobby))
    else:
        done = {}
        module.finish(lambda: create_or_get(module, client, organizer, body, lobby, done, record, key), partial=lambda: done)


def preview(module, client, record, key, lobby):
    """Check mode: the recorded meeting as a real run would leave it, else the meeting an earlier task would create."""
    params = module.params
    meeting_id, organizer_id = record.find(key) if record else (None, None)
    meeting = None
    if meeting_id:
        try:
            meeting = client.get_meeting(organizer_id, meeting_id)
        except GraphError as exc:
            if not exc.not_found:
                raise
            module.warn('the meeting recorded for external_id %r is gone (%s); a real run would create one' % (params['external_id'], exc.summary()))
    if meeting is None:
        result = dict(changed=True, created=False, join_url=NOT_CREATED_JOIN_URL, external_id=params['external_id'], subject=params['subject'])
        result.update(lobby_bypass_settings=lobby_result(lobby), lobby_updated=True)
        if module.diff_mode:
            result['diff'] = dict(before='', after=lobby_line(lobby))
        return result
    result = meeting_result(meeting, organizer_id, _tenant(params))
    differs = lobby_differs(meeting, lobby)
    before = lobby_of(meeting)
    after = dict(lobby) if differs else before
    result.update(changed=differs, created=False, lobby_updated=differs, lobby_bypass_settings=lobby_result(after))
    if module.diff_mode:
        result['diff'] = dict(before=lobby_line(before), after=lobby_line(after))
    return result


def _tenant(params):
    tenant = params.get('tenant_id')
    return tenant if tenant and is_guid(tenant) else None


def create_or_get(module, client, organizer, body, lobby, done, record, key):
    """The meeting of ``external_id``, created on the first run, its lobby as asked; the result (``done``: so far)."""
    params = module.params
    organizer_id = organizer.lower() if is_guid(organizer) else lookup_user(client, organizer, 'organizer')['id']
    try:
        meeting, created = client.create_or_get_meeting(organizer_id, body)
    except GraphError as exc:
        # Graph's documented refusal when the organizer has no access policy for this app: code Unauthorized.
        if exc.status in (400, 401, 403) and exc.code == 'Unauthorized':
            raise TaskFailure('%s (%s)' % (exc.summary(), ACCESS_POLICY_HINT), cause=exc)
        raise
    result = meeting_result(meeting, organizer_id, _tenant(params))
    done.update(changed=created, created=created, lobby_updated=False, **result)
    if record and result['meeting_id'] and record.find(key) != (result['meeting_id'], organizer_id):
        problem = record.keep(key, result['meeting_id'], organizer_id)
        if problem:
            module.warn('meeting_record %r could not be written (%s): check mode cannot preview this meeting' % (record.path, problem))
    if params['subject'] and not created and result['subject'] != params['subject']:
        module.warn('the meeting for external_id %r exists with the subject %r; createOrGet returned it unchanged' % (params['external_id'], result['subject']))
    before = lobby_of(meeting)
    if lobby_differs(meeting, lobby):
        # createOrGet does not document lobby settings in its body, so they are set after it, on new and existing meetings alike.
        updated = client.update_meeting(organizer_id, result['meeting_id'], {'lobbyBypassSettings': lobby})
        after = lobby_of(updated)
        after = after if after['scope'] else dict(lobby)  # an answer without the settings: what was asked
        done.update(changed=True, lobby_updated=True, lobby_bypass_settings=lobby_result(after))
        if not created:
            module.warn(
                'the meeting for external_id %r had the lobby settings scope=%s, isDialInBypassEnabled=%s; they are now '
                'scope=%s, isDialInBypassEnabled=%s'
                % (params['external_id'], before['scope'], before['isDialInBypassEnabled'], lobby['scope'], lobby['isDialInBypassEnabled'])
            )
    else:
        after = before
    if module.diff_mode:
        done['diff'] = dict(before='' if created else lobby_line(before), after=lobby_line(after))
    return done


if __name__ == '__main__':
    main()
