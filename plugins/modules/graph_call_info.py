#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call_info
short_description: Read the state of a Microsoft Teams call through Microsoft Graph
version_added: 0.1.0
description:
  - Reads one call (C(GET /communications/calls/{id})) and returns its state, direction, whether it is a group
    call, and its chatInfo and meetingInfo in short.
  - An unknown call id is not a failure; RV(exists) is V(false).
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
  raw:
    description:
      - Also return the call object exactly as Graph sent it, as RV(raw).
    type: bool
    default: false
notes:
  - The app registration needs the Microsoft Graph application permission C(Calls.Initiate.All), with admin consent.
  - The app must be a party to the call, as a calling bot; O(call_id) is that call's id.
seealso:
  - module: msgraph.calls.graph_call_participant_info
  - module: msgraph.calls.graph_call_invite
'''

EXAMPLES = r'''
- name: Is the incident bridge still up?
  msgraph.calls.graph_call_info:
    call_id: "{{ incident_call_id }}"
  register: bridge

- name: Invite only into a live group call
  msgraph.calls.graph_call_invite:
    call_id: "{{ incident_call_id }}"
    participants: "{{ responders }}"
  when: bridge.exists and bridge.call.state == 'established' and bridge.call.group

- name: Wait until the bot's call is established (it may still be connecting)
  msgraph.calls.graph_call_info:
    call_id: "{{ incident_call_id }}"
  register: bridge
  until: bridge.exists and bridge.call.state == 'established'
  retries: 30
  delay: 2

- name: Works in check mode too, so a --check preview can show the call it would invite into
  msgraph.calls.graph_call_info:
    call_id: "{{ incident_call_id }}"
  check_mode: true
'''

RETURN = r'''
exists:
  description: Whether Graph knows the call (V(false) when it answered 404).
  returned: always
  type: bool
  sample: true
call:
  description: The call in short, or null when it does not exist.
  returned: always
  type: dict
  contains:
    id:
      description: The call id.
      type: str
    state:
      description: The call state, such as C(established), C(establishing) or C(terminated).
      type: str
      sample: established
    direction:
      description: C(incoming) or C(outgoing).
      type: str
    group:
      description: Whether it is a group call (it has a chatInfo); peer-to-peer calls take one invitee at a time.
      type: bool
    subject:
      description: The call's subject, if any.
      type: str
    callback_uri:
      description: The bot's callback URL.
      type: str
    my_participant_id:
      description: The bot's own participant id in the call.
      type: str
    tenant_id:
      description: The tenant of the call.
      type: str
    chat_info:
      description: The meeting chat thread of a group call (C(thread_id), C(message_id), C(reply_chain_message_id)), or null.
      type: dict
    meeting_info:
      description: The kind of meeting info (C(type)), its C(join_web_url) and C(organizer) label, or null.
      type: dict
    result_info:
      description: The call's resultInfo (C(code), C(subcode), C(message)), such as why it ended, or null.
      type: dict
  sample: {"id": "57dab8b1-894c-409a-b240-bd8beae78896", "state": "established", "direction": "outgoing", "group": true,
           "chat_info": {"thread_id": "19:meeting_x@thread.v2", "message_id": "0", "reply_chain_message_id": null}}
raw:
  description: The call object exactly as Graph returned it.
  returned: when O(raw=true) and the call exists
  type: dict
'''

from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_view import call_summary
from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import region_option
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, read_call


def call_info(module, call_id):
    view = read_call(module.client, call_id, (CALL,))
    if view.not_found or view.preview:
        return dict(changed=False, exists=False, call=None)  # preview: the check-mode marker of a call not created yet
    view.raise_for(CALL)
    result = dict(changed=False, exists=True, call=call_summary(view.call))
    if module.params['raw']:
        result['raw'] = view.call
    return result


def main():
    module = GraphModule(dict(call_id=dict(type='str', required=True), raw=dict(type='bool', default=False), **region_option()), supports_check_mode=True)
    call_id = module.call_id()
    module.finish(lambda: call_info(module, call_id))


if __name__ == '__main__':
    main()
