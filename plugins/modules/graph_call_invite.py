#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call_invite
short_description: Invite people into a live Microsoft Teams call through Microsoft Graph, idempotently
version_added: 0.1.0
description:
  - Invites participants into an existing call with the Graph cloud-communications API
    (C(POST /communications/calls/{id}/participants/invite)).
  - Reads the call's whole roster first and invites only who is not in the call yet, so a re-run changes
    nothing and pages nobody twice.
  - Sends at most five participants per invite request, as Graph allows; longer lists are sent in batches.
  - Every invite carries a clientContext of the form C(<base>~<8 hex digits>). The base is O(client_context),
    or C(mgc1-) followed by the first 32 hex digits of the SHA-256 of O(call_id); the suffix is the first 8 hex
    digits of the SHA-256 of the batch's sorted C(kind:id) labels joined by commas. Invites whose
    clientContext starts with C(<base>~) belong to this task.
author:
  - msgraph.calls contributors
extends_documentation_fragment:
  - msgraph.calls._graph_connection
  - msgraph.calls._attributes
  - msgraph.calls._attributes.actiongroup_graph
attributes:
  check_mode:
    support: full
    details:
      - Reads the roster as a real run does and returns the same decision; sends no invite.
  diff_mode:
    support: full
    details:
      - The diff lists the call's participants as sorted C(kind:id) labels, one per line, before and after the invite.
options:
  call_id:
    description:
      - The id of the call to invite into. The app must be a party to that call.
      - It is sent as one percent-encoded URL path segment, whatever characters it holds.
    type: str
    required: true
  participants:
    description:
      - Who should be in the call. Each entry names exactly one identity, O(participants[].user) or
        O(participants[].phone).
      - The same identity listed twice is invited once, with a warning.
    type: list
    elements: dict
    required: true
    suboptions:
      user:
        description:
          - The Microsoft Entra object id (a GUID) of a user. Compared case-insensitively, and matched against the
            roster whatever identity kind Graph lists it under.
        type: str
      phone:
        description:
          - A phone number in E.164 form, such as V(+14255550123). Spaces, V(-), V(\() and V(\)) are removed first.
          - Needs an application instance with a phone number assigned to the bot, as Graph requires for PSTN calls.
        type: str
      display_name:
        description:
          - The name Teams shows for the participant.
        type: str
      tenant_id:
        description:
          - The tenant id (a GUID) of the participant, for a user of another tenant.
        type: str
  client_context:
    description:
      - The base of the clientContext sent with each invite, at most 240 characters, without C(~).
      - If not set, it is derived from O(call_id) alone, so that editing O(participants) and running again does not
        invite anyone twice.
    type: str
seealso:
  - name: Graph API reference for participant invite
    description: The invite API this module calls.
    link: https://learn.microsoft.com/en-us/graph/api/participant-invite
'''

EXAMPLES = r'''
- name: Page the on-call engineers into the incident bridge
  msgraph.calls.graph_call_invite:
    tenant_id: "{{ graph_tenant_id }}"
    client_id: "{{ graph_client_id }}"
    client_secret: "{{ graph_client_secret }}"
    call_id: "{{ incident_call_id }}"
    participants:
      - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
        display_name: Primary on-call
      - phone: "+1 (425) 555-0123"
  register: invite

- name: Say who was invited
  ansible.builtin.debug:
    msg: "Invited {{ invite.invited | length }}; already there {{ invite.already_present | length }}"

- name: Set the connection once for every module of the collection
  module_defaults:
    group/msgraph.calls.graph:
      tenant_id: "{{ graph_tenant_id }}"
      client_id: "{{ graph_client_id }}"
      client_secret: "{{ graph_client_secret }}"
  block:
    - name: Invite a list of seven people (sent as two invites, five and two)
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        participants: "{{ responders }}"   # a list of seven {user: <object id>} dictionaries

    - name: Invite with a clientContext base of your own, to find the invites later
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        client_context: "incident-{{ incident_number }}"
        participants:
          - user: 1e126418-44a0-4a94-a6f8-0efe1ad71acb

- name: Preview who would be invited (run the play with --check --diff, or force it per task)
  msgraph.calls.graph_call_invite:
    call_id: "{{ incident_call_id }}"
    participants:
      - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
  check_mode: true
  diff: true
  register: preview
'''

RETURN = r'''
changed:
  description: Whether an invite was sent (or, in check mode, would be sent).
  returned: always
  type: bool
  sample: true
client_context:
  description: The clientContext base of this task; each invite sent C(<base>~<8 hex digits>).
  returned: always
  type: str
  sample: mgc1-6f1ed002ab5595859014ebf0951522d9
invited:
  description:
    - The requested participants that were invited by this run (in check mode, that would be invited),
      each as you wrote it, with the identity normalised (GUIDs lower-cased, phones in E.164).
  returned: always
  type: list
  elements: dict
  sample: [{"user": "8b081ef6-4792-4def-b2c9-c363a1bf41d5", "display_name": "Primary on-call"}, {"phone": "+14255550123"}]
already_present:
  description: The requested participants that were already in the call, in the same shape as RV(invited).
  returned: always
  type: list
  elements: dict
  sample: [{"user": "1e126418-44a0-4a94-a6f8-0efe1ad71acb"}]
operations:
  description:
    - The inviteParticipantsOperation objects Graph returned, one per invite sent, as Graph returned them.
    - Empty when nothing was sent, and always in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The operation id.
      type: str
      sample: eec3812a-fdc3-4fb4-825c-a06c9f35414e
    status:
      description: The operation status, such as C(Running), C(completed) or C(failed); compare case-insensitively.
      type: str
      sample: Running
    clientContext:
      description: The clientContext sent with this invite.
      type: str
      sample: mgc1-6f1ed002ab5595859014ebf0951522d9~0c9d3a1b
    participants:
      description: The invitationParticipantInfo objects of this invite.
      type: list
      elements: dict
    resultInfo:
      description: Graph's result code, subcode and message, when the operation has finished.
      type: dict
  sample: [{"id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e", "status": "Running", "clientContext": "mgc1-6f1e~0c9d3a1b"}]
diff:
  description: The call's participants as sorted C(kind:id) labels, before and after the invite.
  returned: in diff mode
  type: dict
  contains:
    before:
      description:
        - The sorted labels of everyone in the call before, one per line.
        - Text rather than a list, because Ansible's diff display renders text line by line.
      type: str
    after:
      description: The sorted labels after the invite, if everyone invited joins, one per line.
      type: str
  sample: {"before": "application:a1b2c3d4-0000-4000-8000-000000000000\n",
           "after": "application:a1b2c3d4-0000-4000-8000-000000000000\nphone:+14255550123\n"}
error:
  description: What Graph or the authority answered, when the task failed on a request.
  returned: on a failed request
  type: dict
  contains:
    status:
      description: The HTTP status.
      type: int
    code:
      description: The Graph C(error.code), or the Entra error for token requests.
      type: str
    message:
      description: The error message.
      type: str
    request_id:
      description: The C(request-id) Graph assigned.
      type: str
    client_request_id:
      description: The C(client-request-id) this module sent.
      type: str
  sample: {"status": 404, "code": "itemNotFound", "message": "Call not found.", "request_id": "1a0f…", "client_request_id": "225a…"}
'''

from ansible_collections.msgraph.calls.plugins.module_utils._graph_errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph_module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._invite_plan import (
    InputError,
    base_client_context,
    invite_body,
    parse_participants,
    plan_invite,
)


def argument_spec():
    return dict(
        call_id=dict(type='str', required=True),
        participants=dict(
            type='list', elements='dict', required=True,
            options=dict(
                user=dict(type='str'),
                phone=dict(type='str'),
                display_name=dict(type='str'),
                tenant_id=dict(type='str', no_log=False),
            ),
        ),
        client_context=dict(type='str', no_log=False),
    )


def validate(params):
    """Every input rule, before any request. Returns (invitees, warnings, base clientContext)."""
    call_id = params['call_id']
    if not call_id or not call_id.strip():
        raise InputError('call_id must not be empty')
    if call_id in ('.', '..'):
        raise InputError('call_id must be a call id, not %r' % call_id)
    invitees, warnings = parse_participants(params['participants'])
    base = base_client_context(call_id, params['client_context'])
    return invitees, warnings, base


def main():
    module = GraphModule(argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        invitees, warnings, base = validate(params)
    except InputError as exc:
        module.fail(str(exc))
    for warning in warnings:
        module.warn(warning)

    result = dict(changed=False, client_context=base, invited=[], already_present=[], operations=[])
    client = module.client
    try:
        roster = client.list_participants(params['call_id'])
        plan = plan_invite(invitees, roster, base)
        result['already_present'] = [inv.entry for inv in plan.with_status('present')]
        result['invited'] = [inv.entry for inv in plan.to_invite]
        result['changed'] = bool(plan.batches)
        if module.diff_mode:
            diff = plan.diff()
            diff['before_header'] = 'call %s: participants' % params['call_id']
            diff['after_header'] = 'call %s: participants after the invite' % params['call_id']
            result['diff'] = diff
        if not module.check_mode:
            for context, batch in plan.batches:
                operation, dummy = client.invite(params['call_id'], invite_body(context, batch))
                result['operations'].append(operation)
    except GraphError as exc:
        module.fail_graph(exc, **result)
    module.exit(**result)


if __name__ == '__main__':
    main()
