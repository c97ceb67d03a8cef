#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: graph_call_escalate
short_description: Page people into a Teams call in tiers until enough of them joined
version_added: 0.1.0
description:
  - Pages the first tier into the call (as M(msgraph.calls.graph_call_invite) with O(msgraph.calls.graph_call_invite#module:state=invited), one invite per
    person), then watches the roster. When fewer than O(min_joined) of the listed people are in the call after the
    tier's O(tiers[].wait_timeout), or everyone of the tier declined or did not answer sooner, it pages the next tier;
    it stops at the first tier that meets the goal.
  - Idempotent per call (and O(client_context)) - each tier is its own clientContext family, so a re-run pages nobody
    twice and resumes where it stopped; tiers paged before and no longer ringing are passed over at once, and a goal
    already met pages nobody.
  - Every person gets an outcome - V(joined), V(declined), V(no_answer), V(failed), V(in_lobby) (listed only in the
    meeting's lobby, not joined, so the next tier is paged), V(ringing) (still rung when the goal was met),
    V(not_joined) (paged by an earlier run, not in the call), V(not_paged), or V(unknown) (the invite's fate is unknown
    after a network fault; see graph_call_invite).
  - Fails, with the table of outcomes, when every tier has been paged and the goal is still not met (unless
    O(fail_on_goal_not_met=false)).
  - The roles P(msgraph.calls.escalate#role) and P(msgraph.calls.incident_bridge#role) wrap this module.
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
      - Reads the call and its invites, sends nothing, and returns RV(plan) - who each tier would page, and when.
  diff_mode:
    support: none
options:
  call_id:
    description:
      - The group call (a joined meeting, or a group call) to page people into.
      - In check mode, C(check-mode.invalid-call-not-created) (what M(msgraph.calls.graph_call) returns for a call it
        would create) plans against an empty call.
    type: str
    required: true
  tiers:
    description:
      - The tiers in paging order. The filter P(msgraph.calls.oncall_tiers#filter) turns an on-call export into this list.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: A name for reports, such as V(primary); defaults to V(tier 1), V(tier 2), ...
        type: str
      tier:
        description:
          - The tier's number as an on-call export gave it (P(msgraph.calls.oncall_tiers#filter) sets it); for
            reports only, the order of O(tiers) decides.
        type: int
      wait_timeout:
        description: Seconds to wait for this tier before the next one, 1 to 3600; defaults to O(wait_timeout).
        type: int
      participants:
        description:
          - Who this tier pages, as O(msgraph.calls.graph_call_invite#module:participants) takes them. A person is
            listed in one tier only.
        type: list
        elements: dict
        required: true
        suboptions:
          user:
            description:
              - A Microsoft Entra user, by object id (a GUID) or by user principal name (such as V(alex@contoso.com);
                guests look like V(alex_fabrikam.com#EXT#@contoso.onmicrosoft.com)).
              - A principal name is resolved once per task with C(GET /users/{name}); that needs the
                C(User.Read.All) application permission.
              - Object ids compare case-insensitively, and match the roster whatever identity kind Graph lists them under.
            type: str
          phone:
            description:
              - A phone number in international form, V(+) and the country code, such as V(+14255550123) or
                V(+1 (425\) 555-0123). It is read with the C(phonenumbers) library (libphonenumber) and sent in E.164, so a
                national trunk prefix is dropped as that country dials it (V(+44 (0\) 20 7946 0958) is V(+442079460958)).
              - A number the library cannot read, a number that is not valid for its country, and a number with an
                extension are refused before any request.
              - Needs an application instance with a phone number assigned to the bot, as Graph requires for PSTN calls.
            type: str
          guest:
            description:
              - The id (a GUID) of an unauthenticated guest, sent as the C(guest) identity.
            type: str
          application_instance:
            description:
              - The object id (a GUID) of an application instance (resource account), sent as C(applicationInstance).
            type: str
          identity:
            description:
              - 'A raw identitySet, sent unchanged, for any identity kind Graph accepts, such as C({"encrypted": {"id": "..."}}).'
              - The first identity (in key order) that holds an C(id) names the participant in results and matching.
              - Cannot be combined with O(tiers[].participants[].display_name), O(tiers[].participants[].tenant_id) or
                O(tiers[].participants[].identity_provider); put those inside the identitySet.
            type: dict
          display_name:
            description:
              - The name shown for the participant (C(displayName) of the identity).
            type: str
          tenant_id:
            description:
              - The tenant id (a GUID) of the participant, for a user of another tenant (C(tenantId) of the identity).
            type: str
          identity_provider:
            description:
              - Sent as C(identityProvider) on the identity, such as V(AAD), as in Graph's examples.
            type: str
          hidden:
            description:
              - Hide the participant from the roster (C(hidden)).
            type: bool
          participant_id:
            description:
              - The id of a participant to move from another meeting created by the same app (C(participantId)).
            type: str
          remove_from_default_audio_routing_group:
            description:
              - Remove the participant from the main audio mixer (C(removeFromDefaultAudioRoutingGroup)).
            type: bool
          replaces_call_id:
            description:
              - The call the participant is currently part of; Graph drops it once they join (C(replacesCallId)).
            type: str
          endpoint_type:
            description:
              - The endpoint type to invite (C(endpointType)). Exists only in the beta API; requires O(api_version=beta).
            type: str
            choices: [default, voicemail, skypeForBusiness, skypeForBusinessVoipPhone]
  min_joined:
    description: The goal - how many of the listed people must be in the call (out of the lobby), from 1 to 100.
    type: int
    default: 1
  wait_timeout:
    description: Seconds to wait for a tier whose O(tiers[].wait_timeout) is not set, 1 to 3600.
    type: int
    default: 120
  wait_sleep:
    description: Seconds between reads of the call while waiting, more than 0 and at most 300.
    type: float
    default: 2.0
  client_context:
    description:
      - The family of this escalation's invites (each tier appends C(.t<N>)). Defaults to one derived from O(call_id),
        so re-runs for the same call resume. At most 236 characters, without C(~).
    type: str
  settle_timeout:
    description: As O(msgraph.calls.graph_call_invite#module:settle_timeout).
    type: float
    default: 10.0
  fail_on_goal_not_met:
    description: Fail when every tier was paged and the goal is still not met; V(false) warns instead.
    type: bool
    default: true
  validate_only:
    description:
      - Check the input and return without any request (the token request included); for roles that validate
        everything before their first request.
    type: bool
    default: false
  history_file:
    description:
      - As O(msgraph.calls.graph_call_invite#module:history_file) - the record of this automation's invites (on by
        default), so a re-run or an overlapping run pages nobody twice, even where Graph does not list a call's
        operations.
    type: raw
  lock_timeout:
    description:
      - As O(msgraph.calls.graph_call_invite#module:lock_timeout) - each tier's invites are one step per call on this
        host; the waits for outcomes between tiers hold no lock.
    type: int
    default: 120
notes:
  - The app registration needs the Microsoft Graph application permissions C(Calls.InitiateGroupCall.All)
    (to invite) and C(Calls.Initiate.All) (to read the roster), with admin consent.
  - The app must already be a party to the call, as a calling bot; O(call_id) is that call's id.
  - Each tier's invites are one step per call on this machine (O(lock_timeout)), recorded in O(history_file), so
    overlapping escalations page nobody twice there; see the incident bridge guide, "When runs overlap".
seealso:
  - module: msgraph.calls.graph_call_invite
  - module: msgraph.calls.graph_call
'''

EXAMPLES = r'''
- name: Primary on-call first, then the secondary, then the manager
  msgraph.calls.graph_call_escalate:
    call_id: "{{ bridge.call_id }}"
    tiers:
      - name: primary
        participants:
          - user: primary-oncall@example.com
        wait_timeout: 180
      - name: secondary
        participants:
          - user: secondary-oncall@example.com
          - phone: "+1 425 555 0100"
      - name: manager
        participants:
          - user: eng-manager@example.com
  register: escalation

- name: From a paging tool's export
  msgraph.calls.graph_call_escalate:
    call_id: "{{ bridge.call_id }}"
    tiers: "{{ oncall_export | msgraph.calls.oncall_tiers }}"
'''

RETURN = r'''
goal_met:
  description: Whether at least O(min_joined) of the listed people are in the call.
  returned: always
  type: bool
joined:
  description: The listed people in the call, as you wrote them, with RV(participants[].tier).
  returned: always
  type: list
  elements: dict
stopped_at_tier:
  description: The number of the last tier this run paged (or passed over); null when none was needed.
  returned: always
  type: int
tiers:
  description: Per tier reached - C(tier), C(name), C(wait_timeout), C(paged) (whom this run invited) and C(operations).
  returned: always
  type: list
  elements: dict
participants:
  description: Everyone listed, in tier order, with what happened to them.
  returned: always
  type: list
  elements: dict
  contains:
    label:
      description: The identity as C(kind:id).
      type: str
    shown:
      description:
        - The identity with the names the task knows beside it (the display name given or found in the directory, the
          principal name or e-mail, the phone as written), as messages and reports show it.
      type: str
      sample: "user:2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182 (Ana Lopez, ana@contoso.com)"
    tier:
      description: The tier's number, from 1.
      type: int
    tier_name:
      description: The tier's name.
      type: str
    status:
      description: V(joined), V(declined), V(no_answer), V(failed), V(in_lobby), V(ringing), V(not_joined), V(not_paged), V(paged) (check mode), V(unknown).
      type: str
    result_info:
      description: Graph's resultInfo of a failed invite (C(code), C(subcode), C(message)), or null.
      type: dict
plan:
  description: In check mode, one sentence per tier - whom it would page and when.
  returned: check mode
  type: list
  elements: str
  sample:
    - primary would page user:2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182 (Alex Rivera, alex@contoso.com) now, then wait up to 180s
    - secondary would page phone:+14255550102 (Sam Okafor) if fewer than 1 have joined after primary (180s), then wait up to 120s
report:
  description: 'One line per person, the tier name, the person (with names) and what happened, as the roles print it.'
  returned: always
  type: list
  elements: str
  sample:
    - "primary: user:2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182 (Alex Rivera, alex@contoso.com) declined"
    - "secondary: phone:+14255550102 (Sam Okafor) joined"
'''

from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import number_in_range
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import refuse_outside_check_mode
from ansible_collections.msgraph.calls.plugins.module_utils._calls.escalate_runner import EscalateRunner
from ansible_collections.msgraph.calls.plugins.module_utils._calls.escalation import MAX_TIERS, parse_tiers, tier_base
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_history import DEFAULT_NAME, ENV_NAME
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import checked_record, state_dir
from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import base_client_context
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import check_region, participant_options, region_option


def argument_spec():
    return dict(
        call_id=dict(type='str', required=True),
        tiers=dict(
            type='list',
            elements='dict',
            required=True,
            options=dict(
                name=dict(type='str'),
                tier=dict(type='int'),
                wait_timeout=dict(type='int'),
                participants=dict(type='list', elements='dict', required=True, options=participant_options()),
            ),
        ),
        min_joined=dict(type='int', default=1),
        wait_timeout=dict(type='int', default=120),
        wait_sleep=dict(type='float', default=2.0),
        client_context=dict(type='str', no_log=False),
        settle_timeout=dict(type='float', default=10.0),
        history_file=dict(type='raw'),
        lock_timeout=dict(type='int', default=120),
        fail_on_goal_not_met=dict(type='bool', default=True),
        validate_only=dict(type='bool', default=False),
        **region_option(),
    )


def validate(params, call_id):
    """Every input rule, before any request: (tiers, base clientContext, the invite record's path or None).

    InputError names the option.
    """
    number_in_range('min_joined', params['min_joined'], 1, 100, unit='a whole number')
    number_in_range('wait_timeout', params['wait_timeout'], 1, 3600)
    number_in_range('wait_sleep', params['wait_sleep'], 0, 300, low_excluded=True)
    number_in_range('settle_timeout', params['settle_timeout'], 0, 600)
    number_in_range('lock_timeout', params['lock_timeout'], 0, 3600, unit='a whole number of seconds')
    tiers = parse_tiers(params['tiers'], params['wait_timeout'], api_version=params['api_version'], region=check_region(params['default_region']))
    base = base_client_context(call_id, params['client_context'])
    tier_base(base, MAX_TIERS)  # the longest family must fit Graph's limit
    return tiers, base, checked_record('history_file', params['history_file'], ENV_NAME, DEFAULT_NAME)


def main():
    module = GraphModule(argument_spec(), supports_check_mode=True)
    params = module.params
    call_id = module.call_id()
    tiers, base, history_file = module.attempt(lambda: validate(params, call_id))
    message = refuse_outside_check_mode(call_id, 'call_id')
    if message and not module.check_mode and not params['validate_only']:
        module.fail(message)
    if params['validate_only']:
        module.exit(changed=False, msg='the input is valid: %d tiers, %d people' % (len(tiers), sum(len(tier.invitees) for tier in tiers)))
    runner = EscalateRunner(
        module.client,
        call_id,
        tiers,
        base,
        min_joined=params['min_joined'],
        check_mode=module.check_mode,
        warn=module.warn,
        wait_sleep=params['wait_sleep'],
        settle_timeout=params['settle_timeout'],
        history_file=history_file,
        lock_dir=state_dir(),
        lock_timeout=params['lock_timeout'],
        fail_on_goal_not_met=params['fail_on_goal_not_met'],
    )
    module.finish(runner.run, partial=lambda: runner.result)


if __name__ == '__main__':
    main()
