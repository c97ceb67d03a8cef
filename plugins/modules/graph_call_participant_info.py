#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call_participant_info
short_description: Read the roster of a Microsoft Teams call through Microsoft Graph
version_added: 0.1.0
description:
  - Reads every page of a call's roster (C(GET /communications/calls/{id}/participants)) and returns each
    participant normalised, optionally filtered by identity.
  - An unknown call id is not a failure; RV(exists) is V(false).
  - Graph does not list the roster of a peer-to-peer call; the module then fails and says so.
author:
  - msgraph.calls maintainers (@msgraph-calls)
extends_documentation_fragment:
  - msgraph.calls._graph_connection
  - msgraph.calls._phones
  - msgraph.calls._attributes
  - msgraph.calls._attributes.INFO_MODULE
  - msgraph.calls._attributes.actiongroup_graph
options:
  call_id:
    description:
      - The id of the call. The app must be a party to it.
    type: str
    required: true
  identities:
    description:
      - Return only the participants matching one of these identities.
      - Each is an object id (a GUID, matched whatever identity kind Graph lists it under), a phone number in
        international form (V(+) and the country code; read with the C(phonenumbers) library, so V(+44 (0\) 20 7946 0958)
        is V(+442079460958)), or a C(kind:id) label such as V(user:8b081ef6-4792-4def-b2c9-c363a1bf41d5).
      - Each must be a non-empty string; anything else fails before any request.
    type: list
    elements: str
  raw:
    description:
      - Also return the participant objects exactly as Graph sent them, as RV(raw).
    type: bool
    default: false
notes:
  - The app registration needs the Microsoft Graph application permission C(Calls.Initiate.All), with admin consent.
  - The app must be a party to the call, as a calling bot; O(call_id) is that call's id.
seealso:
  - module: msgraph.calls.graph_call_info
  - module: msgraph.calls.graph_call_invite
'''

EXAMPLES = r'''
- name: Who is on the bridge?
  msgraph.calls.graph_call_participant_info:
    call_id: "{{ incident_call_id }}"
  register: roster

- name: List them
  ansible.builtin.debug:
    msg: "{{ roster.participants | map(attribute='display_name') | list }}"

- name: Wait until the primary on-call has joined (and is out of the lobby)
  msgraph.calls.graph_call_participant_info:
    call_id: "{{ incident_call_id }}"
    identities:
      - 8b081ef6-4792-4def-b2c9-c363a1bf41d5
  register: primary
  until: primary.participants | rejectattr('in_lobby') | list | length > 0
  retries: 24
  delay: 5

- name: Preview in check mode who is already there before inviting (reads run in check mode too)
  msgraph.calls.graph_call_participant_info:
    call_id: "{{ incident_call_id }}"
    identities: ["+1 425 555 0100", "user:1e126418-44a0-4a94-a6f8-0efe1ad71acb"]
  check_mode: true
  register: already
'''

RETURN = r'''
exists:
  description: Whether Graph knows the call (V(false) when it answered 404).
  returned: always
  type: bool
  sample: true
participants:
  description: The participants (those matching O(identities), if given), in roster order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The participant id.
      type: str
    kind:
      description: The identity kind Graph lists them under, such as C(user), C(phone) or C(application).
      type: str
    identity_id:
      description: The identity's id (GUIDs lower-cased).
      type: str
    label:
      description: C(kind:id), as graph_call_invite shows identities.
      type: str
    display_name:
      description: The display name Graph shows, if any.
      type: str
    in_lobby:
      description: Whether they wait in the lobby (not yet in the call).
      type: bool
    muted:
      description: Whether they are muted.
      type: bool
  sample: [{"id": "a7ebfb2d-871e-419c-87af-27290b22e8db", "kind": "user", "identity_id": "8b081ef6-4792-4def-b2c9-c363a1bf41d5",
            "label": "user:8b081ef6-4792-4def-b2c9-c363a1bf41d5", "display_name": "Primary on-call", "in_lobby": false,
            "muted": false}]
count:
  description: How many participants RV(participants) holds.
  returned: always
  type: int
  sample: 1
raw:
  description: The participant objects exactly as Graph returned them (filtered like RV(participants)).
  returned: when O(raw=true)
  type: list
  elements: dict
'''

from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_view import (
    identity_filter,
    participant_matches,
    participant_summary,
)
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import check_region, region_option
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, ROSTER, read_call


def read_roster(client, call_id):
    """The roster, or None for an unknown call; explains Graph's refusal on a peer-to-peer call."""
    view = read_call(client, call_id, (ROSTER,))
    if view.not_found or view.preview:
        return None  # the check-mode marker of a call not created yet: there is none to show
    error = view.errors.get(ROSTER)
    if error is not None and error.status == 400:
        # Graph refuses the roster of a peer-to-peer call; one more read tells the user that is why.
        call = read_call(client, call_id, (CALL,))
        if call.call and not call.group:
            raise TaskFailure('call %s is a peer-to-peer call: Graph does not list the participants of one (%s)' % (call_id, error.summary()), cause=error)
    view.raise_for(ROSTER)
    return view.roster


def participants(module, call_id, keys):
    """The result: the roster's entries that match ``keys`` (all of them when None)."""
    roster = read_roster(module.client, call_id)
    if roster is None:
        return dict(changed=False, exists=False, participants=[], count=0)
    chosen = [p for p in roster if isinstance(p, dict) and (keys is None or participant_matches(p, keys))]
    result = dict(changed=False, exists=True, participants=[participant_summary(p) for p in chosen], count=len(chosen))
    if module.params['raw']:
        result['raw'] = chosen
    return result


def main():
    module = GraphModule(
        dict(call_id=dict(type='str', required=True), identities=dict(type='list', elements='str'), raw=dict(type='bool', default=False), **region_option()),
        supports_check_mode=True,
    )
    call_id = module.call_id()
    params = module.params
    keys = module.attempt(
        lambda: identity_filter(module.raw_list('identities'), region=check_region(params['default_region'])) if params['identities'] else None
    )
    module.finish(lambda: participants(module, call_id, keys))


if __name__ == '__main__':
    main()
