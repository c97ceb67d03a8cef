#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call
short_description: Join a Teams meeting or start a group call as the app, keep the call alive, hang up
version_added: 0.1.0
description:
  - With O(state=present) and no live O(call_id), joins the Teams meeting of O(join_url) (or of O(meeting)), or
    starts a group call ringing O(targets) (C(POST /communications/calls), service-hosted media). Graph answers
    C(establishing) at once; the module then polls the call until it is C(established), and fails with Graph's end
    reason if the call is C(terminated) instead.
  - With a O(call_id) that is still alive, it only sends a keepAlive and reports C(changed=false). Graph ends a call
    that gets no keepAlive for 45 minutes, so run this task at least every 15 minutes while the bridge is needed.
  - With a O(call_id) that has ended, it creates (joins) the call again when O(join_url), O(meeting) or O(targets) are
    given, and fails clearly otherwise.
  - With O(state=absent), hangs up (C(DELETE /communications/calls/{id})). For a meeting, only the app's leg ends; the
    meeting goes on for the people in it. A call that has ended already is no change.
  - Graph cannot list an app's calls. Keep RV(call_id) for the next run (a registered variable, C(set_stats) in AWX,
    or a fact file); see the collection's README.
  - A meeting may hold the bot in its lobby - a bot joining by application permissions gets past it only when the
    meeting lets everyone bypass the lobby, and nobody may be there to admit it. The module then does not report
    C(established). It waits up to O(wait_timeout) for someone to admit the bot, reading the bot's own participant in
    the roster (C(isInLobby)) as well as the call's state, and fails naming the ways out (admit the bot, let everyone
    bypass the lobby, or create the meeting with M(msgraph.calls.graph_online_meeting)), or reports it with
    O(on_lobby=report). A call that Graph ends for lobby inactivity fails the same way.
  - Needs the application permissions C(Calls.JoinGroupCall.All) (join meetings) or C(Calls.InitiateGroupCall.All)
    (group calls with targets), and a bot registered for calling whose webhook is O(callback_uri).
    C(Calls.JoinGroupCallAsGuest.All) is the narrower permission to join meetings; the bot then joins as a guest, shown
    as such, and the meeting's lobby rules for guests apply (it still gets in unseen only when everyone bypasses the
    lobby).
author:
  - msgraph.calls maintainers (@msgraph-calls)
extends_documentation_fragment:
  - msgraph.calls._graph_connection
  - msgraph.calls._phones
  - msgraph.calls._attributes
  - msgraph.calls._attributes.actiongroup_graph
attributes:
  check_mode:
    support: full
    details:
      - Reads the call (if O(call_id) is given) and sends nothing. A call it would create is returned as the RV(call_id)
        C(check-mode.invalid-call-not-created), which graph_call_invite and graph_call accept in check mode as
        "the call an earlier task would create" and preview against an empty call.
  diff_mode:
    support: full
    details:
      - C(before) and C(after) name the call and its state, one line each.
options:
  state:
    description:
      - V(present) keeps the call (creating or joining it when needed); V(absent) hangs up.
    type: str
    choices: [present, absent]
    default: present
  call_id:
    description:
      - The call from an earlier run. Required for O(state=absent).
      - With O(state=present), a live call is kept (keepAlive) instead of joining again. An empty value counts as not
        given, so V("{{ saved_call_id | default(''\) }}") works on a first run.
    type: str
  join_url:
    description:
      - The Teams meeting link to join, in either form Teams hands out
        (C(https://teams.microsoft.com/l/meetup-join/<thread>/<message>?context={"Tid":...,"Oid":...}), encoded or
        not, or the short C(https://teams.microsoft.com/meet/<id>?p=<passcode>)).
      - A short link carries no tenant; the meeting's tenant is then O(meeting.tenant_id), else the connection's
        O(tenant_id).
      - Mutually exclusive with O(targets).
    type: str
  meeting:
    description:
      - The meeting's coordinates, instead of (or completing) O(join_url); as graph_online_meeting returns them.
      - Either O(meeting.thread_id) with O(meeting.organizer_id), or O(meeting.join_meeting_id).
    type: dict
    suboptions:
      thread_id:
        description: The meeting chat's thread id, C(19:meeting_...@thread.v2).
        type: str
      message_id:
        description: The chat message id of the meeting, C(0) for meetings (the default).
        type: str
      reply_chain_message_id:
        description: The reply chain message id, for meetings held in a channel thread.
        type: str
      organizer_id:
        description: The Entra object id of the meeting's organizer.
        type: str
      tenant_id:
        description: The tenant the meeting is in; defaults to the link's, else the connection's O(tenant_id).
        type: str
      join_meeting_id:
        description: The numeric meeting id (the short link's id).
        type: str
      passcode:
        description: The meeting passcode that goes with O(meeting.join_meeting_id).
        type: str
  targets:
    description:
      - Start a new group call ringing these people (at most 5 Teams users, guests or applications), instead of
        joining a meeting. Invite more people, and phones, with M(msgraph.calls.graph_call_invite) once it is
        established.
      - The entries take the identity keys of graph_call_invite's O(msgraph.calls.graph_call_invite#module:participants).
    type: list
    elements: dict
    suboptions:
      user:
        description: An Entra user by object id, user principal name or e-mail address.
        type: str
      guest:
        description: A guest by id.
        type: str
      application_instance:
        description: An application instance (a resource account) by id.
        type: str
      phone:
        description: Refused here; Graph rings phones only from a call whose source has a phone number.
        type: str
      identity:
        description: A whole identitySet, passed through.
        type: dict
      display_name:
        description: The name Teams shows.
        type: str
      tenant_id:
        description: The tenant of the identity.
        type: str
      identity_provider:
        description: The identity provider.
        type: str
  callback_uri:
    description:
      - The bot's HTTPS calling webhook, where Graph posts the call's notifications. Required to create or join a call.
      - The module does not need the notifications (it polls the call), but Graph requires a reachable receiver.
    type: str
  subject:
    description: The subject of a new call.
    type: str
  wait:
    description: Wait until a new call (or a given one still connecting) is C(established).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for C(established) (and, for a meeting, for the bot to be out of the lobby), 1 to 3600.
    type: int
    default: 60
  on_lobby:
    description:
      - What to do when the bot is still waiting in the meeting's lobby at O(wait_timeout).
      - V(fail) fails the task, saying so and naming the ways out; the call is not hung up (RV(call_id) is returned).
      - V(report) returns with RV(in_lobby=true), C(changed) when the call was created, and a warning; the call stays in
        the lobby until someone admits it or Graph ends it. Later tasks must not invite from it (Graph refuses, or
        nobody would hear them).
      - Only with O(wait=true), for meeting joins.
    type: str
    choices: [fail, report]
    default: fail
  wait_sleep:
    description: Seconds between reads of the call while waiting, more than 0 and at most 300.
    type: float
    default: 1.0
  keep_alive:
    description: Send a keepAlive to a live O(call_id). V(false) only reads it.
    type: bool
    default: true
  call_record:
    description:
      - This machine's record of the calls the bot created, by meeting (thread and message, or join meeting id and
        tenant) or by group call (its people). A join that carries no live O(call_id) first looks there, under the
        meeting's lock, and keeps the live call it finds (checked with Graph) instead of joining a second time; so
        concurrent jobs of one incident create one call, and a later run finds it without carrying the call id.
      - V(true) (the default when unset) is C(~/.ansible/msgraph.calls/calls.jsonl) of the user running the module,
        created 0600 in a 0700 folder; a path names another file (its folder must exist and be writable by that user
        only); V(false) turns it off. Unset, the E(MSGRAPH_CALL_RECORD) environment variable decides the same way.
      - It holds a hash of each meeting's key, the call id and the time, no links or names; records older than 7 days
        are dropped. It works on one machine only; across machines, carry the call id (see the incident bridge guide).
    type: raw
  lock_timeout:
    description:
      - Seconds a join waits for another task on this machine that is joining the same meeting, 0 to 3600. When it
        passes, the task fails and creates nothing.
    type: int
    default: 120
notes:
  - Concurrent joins of one meeting on one machine create one call; later runs on that machine find it without the
    call id (O(call_record)). Across machines, carry the call id; see the incident bridge guide, "When runs overlap".
seealso:
  - module: msgraph.calls.graph_online_meeting
  - module: msgraph.calls.graph_call_invite
  - module: msgraph.calls.graph_call_info
'''

EXAMPLES = r'''
- name: Join the incident bridge (or keep the call from the last run alive)
  msgraph.calls.graph_call:
    call_id: "{{ bridge_call_id | default(omit) }}"
    join_url: "{{ incident_meeting_link }}"
    callback_uri: https://bot.example.com/api/calls
  register: bridge

- name: Remember the call for the next job (AWX)
  ansible.builtin.set_stats:
    data:
      bridge_call_id: "{{ bridge.call_id }}"

- name: Start a group call ringing two people
  msgraph.calls.graph_call:
    targets:
      - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
      - user: oncall@example.com
    callback_uri: https://bot.example.com/api/calls
    subject: Database outage

- name: Hang up
  msgraph.calls.graph_call:
    state: absent
    call_id: "{{ bridge.call_id }}"
'''

RETURN = r'''
call_id:
  description:
    - The call to pass to the next task or run. In check mode, a call that would be created is
      C(check-mode.invalid-call-not-created).
  returned: always
  type: str
  sample: 57dab8b1-894c-409a-b240-bd8beae78896
state:
  description:
    - The call state, C(established) once joined; C(terminated) or C(gone) (Graph no longer knows it) after a
      hang-up or when it had ended; C(unknown) when a failed request leaves it open whether a call was created.
  returned: always
  type: str
  sample: established
my_participant_id:
  description: The app's own participant id in the call.
  returned: when known
  type: str
created:
  description: Whether this task created (joined) a new call.
  returned: always
  type: bool
from_record:
  description: Whether the call was found in O(call_record) (a live call of the same meeting) instead of being created.
  returned: always
  type: bool
replaced_call_id:
  description: The ended call that was given as O(call_id) and replaced by a new one.
  returned: always
  type: str
keep_alive_sent:
  description: Whether a keepAlive was sent to a live O(call_id).
  returned: always
  type: bool
result_info:
  description: Graph's end reason (C(code), C(subcode), C(message)) of a call that ended.
  returned: always
  type: dict
call:
  description: The call in short, as M(msgraph.calls.graph_call_info) returns it.
  returned: always
  type: dict
in_lobby:
  description:
    - Whether the bot was still waiting in the meeting's lobby at the last read (its own participant C(isInLobby)); only
      with O(on_lobby=report) does a task return with it true.
  returned: always
  type: bool
  sample: false
'''

from urllib.parse import urlsplit

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import number_in_range
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_plan import (
    call_key,
    check_targets,
    group_call_body,
    join_body,
    same_meeting,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_runner import CallRunner
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import (
    NOT_CREATED_JOIN_URL,
    refuse_outside_check_mode,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import prepare_people
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_record import DEFAULT_NAME, ENV_NAME, CallRecord
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import checked_record, state_dir
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import is_guid
from ansible_collections.msgraph.calls.plugins.module_utils._calls.join_url import MEETING_KEYS, meeting_coordinates
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import check_region, parse_participants, participant_options, region_option

TARGET_KEYS = ('user', 'guest', 'application_instance', 'phone', 'identity', 'display_name', 'tenant_id', 'identity_provider')


def argument_spec():
    return dict(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        call_id=dict(type='str'),
        join_url=dict(type='str'),
        meeting=dict(type='dict', options=dict((key, dict(type='str', no_log=False)) for key in MEETING_KEYS)),
        targets=dict(type='list', elements='dict', options=dict((key, spec) for key, spec in participant_options().items() if key in TARGET_KEYS)),
        callback_uri=dict(type='str'),
        subject=dict(type='str'),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=60),
        wait_sleep=dict(type='float', default=1.0),
        keep_alive=dict(type='bool', default=True),
        call_record=dict(type='raw'),
        lock_timeout=dict(type='int', default=120),
        on_lobby=dict(type='str', default='fail', choices=['fail', 'report']),
        **region_option(),
    )


def _callback_uri(value):
    parts = urlsplit(value or '')
    if parts.scheme.lower() != 'https' or not parts.hostname:
        raise InputError('callback_uri must be the bot\'s https:// calling webhook (Graph requires HTTPS); got %r' % value)
    if parts.username is not None or parts.password is not None:
        raise InputError('callback_uri must not carry a user name or password')
    return value


class Request:  # pylint: disable=too-few-public-methods
    """The validated task: what to keep or create, checked before any request."""

    def __init__(self, params, check_mode, connection_tenant, call_id):
        number_in_range('wait_timeout', params['wait_timeout'], 1, 3600)
        number_in_range('wait_sleep', params['wait_sleep'], 0, 300, low_excluded=True)
        number_in_range('lock_timeout', params['lock_timeout'], 0, 3600, unit='a whole number of seconds')
        self.call_id = call_id
        self.records = None
        for option in ('call_id', 'join_url'):
            message = refuse_outside_check_mode(params[option], option)
            if message and not check_mode:
                raise InputError(message)
        if params['state'] == 'absent':
            if not self.call_id:
                raise InputError('state=absent needs call_id: the call to hang up')
            return
        self.targets = parse_participants(params['targets'], option='targets', region=check_region(params['default_region'])) if params['targets'] else None
        meeting = dict((k, v) for k, v in (params['meeting'] or {}).items() if v not in (None, ''))
        join_url = params['join_url'] or None
        if self.targets is not None and (join_url or meeting):
            raise InputError('targets starts a new group call; join_url and meeting join a meeting: give one or the other')
        if self.targets is not None:
            check_targets(self.targets)
        self.preview_join = join_url == NOT_CREATED_JOIN_URL
        tenant = connection_tenant if connection_tenant and is_guid(connection_tenant) else None
        self.coordinates = None if self.preview_join else meeting_coordinates(join_url, meeting, tenant)
        if self.coordinates and self.coordinates['kind'] == 'join_meeting_id' and not self.coordinates['tenant_id']:
            raise InputError('join_url is a short link, which names no tenant: give meeting.tenant_id (the connection\'s tenant_id is not a GUID)')
        creates = self.targets is not None or self.coordinates is not None or self.preview_join
        if creates and not self.preview_join:
            path = checked_record('call_record', params['call_record'], ENV_NAME, DEFAULT_NAME)
            self.records = CallRecord(path, state_dir(), params['lock_timeout']) if path else None
        self.callback_uri = _callback_uri(params['callback_uri']) if creates else None
        self.subject = params['subject']
        self.tenant = tenant

    def body(self):
        """The create-call body, a placeholder for a meeting check mode did not create, or None (nothing to create)."""
        if self.preview_join:
            return {'preview': 'the meeting an earlier task would create'}
        if self.coordinates is not None:
            return join_body(self.coordinates, self.callback_uri, self.subject)
        if self.targets is not None:
            return group_call_body(self.targets, self.callback_uri, self.tenant, self.subject)
        return None


def main():
    module = GraphModule(argument_spec(), supports_check_mode=True)
    params = module.params
    client = module.client  # checks the connection options first; no request yet
    call_id = module.call_id(required=False)
    request = module.attempt(lambda: Request(params, module.check_mode, client.settings.get('tenant_id'), call_id))
    runner = CallRunner(
        client,
        check_mode=module.check_mode,
        warn=module.warn,
        wait_timeout=params['wait_timeout'],
        wait_sleep=params['wait_sleep'],
        on_lobby=params['on_lobby'],
        records=request.records,
    )
    module.finish(lambda: run(module, runner, request), partial=lambda: runner.result)


def run(module, runner, request):
    """Hang up, or keep (join, create) the call; the result with its diff."""
    params = module.params
    if params['state'] == 'absent':
        result = runner.absent(request.call_id)
    else:
        if request.targets:
            prepare_people(runner.client, request.targets, module.warn, merge=False)
        key = call_key(request.coordinates, request.targets)
        result = runner.present(request.call_id, request.body(), wait=params['wait'], keep_alive=params['keep_alive'], key=key)
        if result['call'] and same_meeting(result['call'], request.coordinates) is False:
            module.warn('call %s is in another meeting than the one given; it was kept, not replaced' % result['call_id'])
    if module.diff_mode:
        result['diff'] = runner.diff()
    return result


if __name__ == '__main__':
    main()
