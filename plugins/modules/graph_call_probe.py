#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call_probe
short_description: Ask a real tenant's Microsoft Graph how it behaves where the documentation is silent
version_added: 0.1.0
description:
  - Several behaviours of Graph's calls API that the collection depends on are not documented (whether the operations
    of a call can be listed, whether an invite operation can be read by id, how the operation status is spelled, what a
    second invite of someone already in the call does, how invitees are listed in the roster, whether people still
    ringing are listed). The collection's Graph emulator plays each plausible behaviour through a config switch.
  - This module asks the real Graph each question with the least intrusive requests, and returns, per switch, the value
    it found and the request that showed it (RV(answers)), the matching emulator config (RV(emulator_config)), and a
    verdict on whether the collection's defaults are safe in this tenant (RV(verdict)).
  - It needs an C(established) group call that the app (a calling bot) is already in. It reads the call and its
    operations listing, and reads by id an existing operation the listing shows.
  - With O(probe_user) or O(probe_phone), and not in check mode, it also rings that one consenting person
    (C(POST /communications/calls/{id}/participants/invite), clientContext C(mgc-probe~<random>)), watches the roster
    and the invite's operation until they join or the invite ends, and, if they joined, invites them once more to see
    how Graph treats a duplicate. Nobody else is ever invited, and nobody is ever removed; the probe person stays in the
    call.
  - A value is named only when a request proved it; otherwise it is null and listed in RV(undetermined), with the
    evidence saying what was missing. The module fails only when the call cannot be probed or the probe person is
    already in the call.
  - See C(docs/docsite/rst/guide_live_probe.rst) for who should run it, what it rings, and how to read its answers.
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
      - In check mode it only reads (the call, its operations listing, existing operations by id) and sends no invite;
        the questions that need one are reported undetermined.
  diff_mode:
    support: none
options:
  call_id:
    description:
      - The id of an established group call the app is already a party to.
    type: str
    required: true
  probe_user:
    description:
      - The object id (a GUID) of an Entra user who agreed to be rung into the call by the probe.
      - Without O(probe_user) and O(probe_phone), only the read-only questions are asked.
    type: str
  probe_phone:
    description:
      - A phone number in E.164 form (such as V(+14255550123)) of a person who agreed to be rung into the call.
        Spaces, V(-), V(() and V(\)) are removed first. Needs the bot's PSTN setup, as any phone invite does.
      - When both O(probe_user) and O(probe_phone) are set, only the phone is rung; it also shows how Graph lists a phone.
    type: str
  answer_timeout:
    description:
      - How many seconds to wait at most for the probe person to answer, and for the second invite's outcome. From
        V(1) to V(3600).
    type: int
    default: 120
  poll_interval:
    description:
      - Seconds between two reads while waiting. Greater than V(0), at most V(60).
    type: float
    default: 2
notes:
  - The app registration needs the Microsoft Graph application permissions C(Calls.InitiateGroupCall.All) (to ring the
    probe person) and C(Calls.Initiate.All) (to read the call), with admin consent.
  - The app must be a party to the call, as a calling bot; O(call_id) is that call's id.
seealso:
  - module: msgraph.calls.graph_call_invite
  - module: msgraph.calls.graph_call_info
'''

EXAMPLES = r'''
- name: Read-only questions only (nobody is rung)
  msgraph.calls.graph_call_probe:
    tenant_id: "{{ graph_tenant_id }}"
    client_id: "{{ graph_client_id }}"
    client_secret: "{{ graph_client_secret }}"
    call_id: "{{ probe_call_id }}"
  register: probe

- name: Ring one consenting colleague and ask every question
  msgraph.calls.graph_call_probe:
    call_id: "{{ probe_call_id }}"
    probe_user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
    answer_timeout: 90
  register: probe

- name: Ring a consenting phone instead (it also shows how Graph lists a phone)
  msgraph.calls.graph_call_probe:
    call_id: "{{ probe_call_id }}"
    probe_phone: "+1 (425) 555-0123"
  register: probe

- name: Show the verdict and the emulator config to reproduce this tenant
  ansible.builtin.debug:
    msg:
      - "defaults safe: {{ probe.verdict.defaults_safe }}"
      - "{{ probe.verdict.notes }}"
      - "emulator config: {{ probe.emulator_config | to_json }}"
      - "undetermined: {{ probe.undetermined }}"
'''

RETURN = r'''
changed:
  description: Whether an invite was sent (the probe person was rung).
  returned: always
  type: bool
  sample: true
answers:
  description:
    - One entry per emulator switch, C(list_operations), C(get_operation), C(status_case), C(duplicate_invite),
      C(roster_kind) and C(ringing_in_roster), each with the value found and the evidence.
  returned: always
  type: dict
  contains:
    list_operations:
      description: V(supported), V(running_only), or the HTTP status (400, 403, 404, 405, 501) Graph refuses the listing with.
      type: dict
    get_operation:
      description: V(supported), V(404_when_finished) or V(unsupported).
      type: dict
    status_case:
      description: V(Running) or V(running), the spelling of the status in the invite's answer.
      type: dict
    duplicate_invite:
      description: V(ignored), V(error) (HTTP 409) or V(failed_operation), for a second invite of someone in the call.
      type: dict
    roster_kind:
      description: V(own) or V(application), the identity kind invitees are listed under.
      type: dict
    ringing_in_roster:
      description: Whether someone still ringing is listed in the roster with C(isInLobby=true).
      type: dict
  sample:
    list_operations: {"value": "supported", "evidence": "GET .../operations listed the finished operation 5f1c (#9): finished operations stay listed."}
    roster_kind: {"value": null, "evidence": "Not asked: check mode sends no invite."}
emulator_config:
  description: The determined switches only, ready to POST to the emulator's C(/_emulator/config).
  returned: always
  type: dict
  sample: {"list_operations": "supported", "get_operation": "supported", "status_case": "Running"}
undetermined:
  description: The switches no request could settle (their value in RV(answers) is null).
  returned: always
  type: list
  elements: str
  sample: ["duplicate_invite", "roster_kind", "ringing_in_roster"]
verdict:
  description: Whether the collection's defaults are safe with the determined values, and what they do there.
  returned: always
  type: dict
  contains:
    defaults_safe:
      description:
        - V(false) when a determined value breaks a promise of the defaults, that is graph_call_invite's default
          C(state=present) (nobody in the call or still ringing is invited again) or the page_responders role's default
          C(state=invited) (nobody is paged twice, even after a decline). This is the case when the operations listing
          is refused or lists only running operations. Undetermined switches do not count.
      type: bool
    notes:
      description: One sentence per determined value on what the collection does with it, and the undetermined switches.
      type: list
      elements: str
  sample: {"defaults_safe": true, "notes": ["status_case Running: the collection compares operation statuses case-insensitively."]}
operations:
  description:
    - The inviteParticipantsOperation objects of the probe's invites (at most two), as Graph last showed them (the last
      read by id, else the invite's answer).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e", "status": "Completed", "clientContext": "mgc-probe~3f9a0c1b7d2e4a6f"}]
probe:
  description: What became of the probe person.
  returned: always
  type: dict
  contains:
    identity:
      description: The probe person as C(kind:id), or null without one.
      type: str
    outcome:
      description:
        - V(joined), V(failed) (declined or not answered), V(timeout) (no outcome within O(answer_timeout); they may
          still be ringing), V(unknown) (the invite completed but the roster never showed them), or null when nobody
          was rung.
      type: str
    result_info:
      description: The resultInfo (C(code), C(subcode), C(message)) of the probe invite's operation when it failed, else null.
      type: dict
    invites_sent:
      description: How many invites the probe sent (0, 1 or 2).
      type: int
    left_in_call:
      description: Whether the probe person is in the call now; the module never removes anyone.
      type: bool
    message:
      description: What happened, in one sentence.
      type: str
  sample: {"identity": "user:8b081ef6-4792-4def-b2c9-c363a1bf41d5", "outcome": "joined", "invites_sent": 2, "left_in_call": true}
timeline:
  description: Every request of the probe and what it answered, in order, numbered as the evidence sentences cite them (C(#n)).
  returned: always
  type: list
  elements: str
  sample: ["#1 GET .../calls/{id} -> 200 (established, group call)", "#2 GET .../operations -> 200 (0 operations)"]
bot_lobby:
  description:
    - The lobby question, asked of every call without paging anyone - is the bot waiting in the meeting's lobby? From
      the roster read with the call (the bot's own participant, the call's C(myParticipantId), and its C(isInLobby)).
    - A bot held there shows the form Graph uses, as the emulator's C(bot_lobby) value (V(establishing) or
      V(established)); a bot that is in shows nothing about it. Not part of RV(emulator_config).
  returned: always
  type: dict
  contains:
    in_lobby:
      description: True or false as the roster lists the bot; null when the roster was refused or does not list it.
      type: bool
    call_state:
      description: The call's state at that read.
      type: str
    bot_lobby:
      description: The emulator's C(bot_lobby) value the answer shows, or null.
      type: str
    evidence:
      description: What the roster showed, in one sentence.
      type: str
  sample: {"in_lobby": false, "call_state": "established", "bot_lobby": null,
           "evidence": "GET .../participants lists the bot's own participant with isInLobby false: the bot is in the call, past any lobby."}
'''

from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import check_region, region_option
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_input import probe_options
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_runner import Prober


def main():
    module = GraphModule(
        dict(
            call_id=dict(type='str', required=True),
            probe_user=dict(type='str'),
            probe_phone=dict(type='str'),
            answer_timeout=dict(type='int', default=120),
            poll_interval=dict(type='float', default=2.0),
            **region_option(),
        ),
        supports_check_mode=True,
    )
    call_id = module.call_id()
    params = module.params
    probe, warnings = module.attempt(
        lambda: probe_options(
            params['probe_user'], params['probe_phone'], params['answer_timeout'], params['poll_interval'], region=check_region(params['default_region'])
        )
    )
    client = module.client  # checks the connection options; no request yet
    for warning in warnings:
        module.warn(warning)
    prober = Prober(client, call_id, probe, params['answer_timeout'], params['poll_interval'], module.check_mode)
    if prober.mode != 'probe':
        module.warn(
            '%s: only read-only questions were asked (the call, its operations listing, existing operations by '
            'id); the questions that need an invite are reported undetermined' % ('check mode' if prober.mode == 'check' else 'no probe_user or probe_phone')
        )
    module.finish(prober.run, partial=prober.result)


if __name__ == '__main__':
    main()
