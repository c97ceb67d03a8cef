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
  - Reads the call's whole roster first, and stops there when everyone is in the call (one request). Otherwise it
    reads the call, its roster and its invite operations (in parallel), and invites only who is missing, so a re-run
    changes nothing and pages nobody twice.
  - Sends O(batch_size) participants per invite request (one by default, so that each person's answer is their
    own), several requests at once.
  - Every invite request carries a clientContext of the form C(<base>~<attempt id>). The base is
    O(client_context), or C(mgc1-) followed by the first 32 hex digits of the SHA-256 of O(call_id); the attempt
    id is 15 random hex digits, new for every request. Operations whose clientContext starts with C(<base>~) are
    this task's I(family), which a re-run recognises; only an operation with a request's own clientContext is taken
    as proof that this request arrived.
  - A participant is satisfied when the roster holds them (compared by id whatever identity kind Graph lists
    them under; phones in E.164), or when an operation of the family that names them is still C(notStarted) or
    C(running). With O(state=invited), anyone an operation of the family ever named is never invited again.
  - Never sends an invite twice for one person in one task. The request is sent again only when Graph's answer
    proves it did nothing (HTTP 429, or a 401 with an expired token) or it never left. After an ambiguous failure
    (a timeout, a dropped connection, HTTP 408 or 5xx) the module looks for that request's own operation, or its
    people in the roster, for O(settle_timeout) seconds; without such evidence the person's status is V(unknown)
    and the task fails with RV(outcome=unknown), saying what to do.
  - Refuses, before sending anything, a call that is not C(established) and several participants in a
    peer-to-peer call.
  - Graph answering an invite with HTTP 409 Conflict (a duplicate) is not a failure; the participant is reported
    as present, with a warning. Graph did nothing, so a batch refused that way is re-sent one participant at a time.
  - A failed task still returns everyone it rang (RV(participants), RV(invited)) and the operations it created.
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
      - Does the same reads and the same decision as a real run and sends no invite.
  diff_mode:
    support: full
    details:
      - The diff lists the call's participants as sorted C(kind:id) labels, one per line, before and after the invite,
        each with the names the task knows (the roster's display name; for the invitees, the names given or resolved).
options:
  call_id:
    description:
      - The id of the call to invite into. The app must be a party to that call.
      - It is sent as one percent-encoded URL path segment, whatever characters it holds.
    type: str
    required: true
  participants:
    description:
      - Who should be in the call. Each entry names exactly one identity, with one of O(participants[].user),
        O(participants[].phone), O(participants[].guest), O(participants[].application_instance) or
        O(participants[].identity).
      - The same identity listed twice is invited once, with a warning.
      - With O(participants[].replaces_call_id) or O(participants[].participant_id), the list must hold exactly one
        participant, because Graph reads only the first participant of such an invite.
      - Several participants are accepted only for a group call; Graph invites one at a time into a peer-to-peer call.
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
          - A national number (without V(+) and country code, such as V((425\) 555-0100)) is read in the country of
            O(default_region), and refused, naming that option, when it is unset.
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
          - Cannot be combined with O(participants[].display_name), O(participants[].tenant_id) or
            O(participants[].identity_provider); put those inside the identitySet.
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
  client_context:
    description:
      - The base of the clientContext sent with each invite, at most 240 characters, without C(~).
      - If not set, it is derived from O(call_id) alone, so that editing O(participants) and running again does not
        invite anyone twice.
    type: str
  batch_size:
    description:
      - How many participants one invite request names, from 1 to 5 (Graph's limit).
      - With V(1) (the default) every person has their own operation, so O(wait) reports each person's own answer
        and resultInfo; the requests are sent several at once, so a longer list costs no more time.
      - With more, one operation covers the batch, and Graph reports one status and one resultInfo for all of them
        (see RV(participants[].shared_operation)).
    type: int
    default: 1
  settle_timeout:
    description:
      - After an invite request failed ambiguously (a timeout, a dropped connection, HTTP 408 or 5xx), how many seconds
        to keep looking for that very request's operation (or its people in the roster) before reporting its outcome
        as V(unknown). The request is never sent again in the same task, whatever is found.
      - V(0) looks once. At most V(600).
    type: float
    default: 10
  history_file:
    description:
      - The invite record, on the host that runs the module, where the task family records every invite it sends
        (before sending, and again with the outcome) - the call id, the clientContext, the operation id, the state and
        when, and for each person a salted hash of how they are matched, never a name, phone number or object id in
        clear. The next task of the family reads it, and so does an overlapping one.
      - It keeps the promise of O(state=invited) when Graph does not list the call's operations, or lists only running
        ones; with O(state=present) a recorded invite Graph says nothing about counts as ringing for 120 seconds (the
        longest Graph rings), so overlapping tasks and re-runs do not ring anyone twice.
      - V(true) (the default when unset) is C(~/.ansible/msgraph.calls/invites.jsonl) of the user running the module,
        created 0600 in a 0700 folder; a path names another file (its folder must exist); V(false) turns it off.
        Unset, the E(MSGRAPH_HISTORY_FILE) environment variable decides the same way. Records older than 30 days are
        dropped when the file is written; it is locked while written, so forks, hosts and processes share it.
      - Never opened through a symbolic link. The task fails before any request when the file is a link, is not a regular
        file of the user running the module, or is readable or writable by group or others (fix with C(chmod 600)), or
        when its directory is writable by group or others (C(chmod go-w)); nothing is changed for you.
      - In AWX / Automation Platform, the default file lives as long as the execution node's home does; put it on
        storage that outlives the job to keep the promise across jobs (see the incident bridge guide).
    type: raw
  lock_timeout:
    description:
      - Reading the call, deciding and sending are one step per call on the host that runs the module; tasks of forks,
        hosts, C(ansible-playbook) processes and jobs on that host that invite into the same call take turns, and each
        reads what the one before it sent. The lock is held for that step only, never while waiting for outcomes
        (O(wait)); tasks for different calls never wait for each other; a task that ends, however it ends, releases it.
      - Seconds a task waits for its turn, 0 to 3600; when they pass, the task fails and sends nothing.
    type: int
    default: 120
  state:
    description:
      - V(present) makes sure everyone is in the call or being rung. It invites again those whose earlier invite
        failed (declined, not answered) and those who left. If the call's operations cannot be read, it decides from
        the roster (and O(history_file)), with a warning when people still ringing may be rung again.
      - V(invited) makes sure everyone was invited once by this task's family. Anyone an operation of the family ever
        named (or O(history_file) recorded) is never invited again, whatever that operation's outcome; re-running an
        automation never pages someone twice.
      - If Graph does not list the call's operations, or keeps only running ones, V(invited) sees earlier invites only
        in O(history_file) (on by default). With O(history_file=false), or on a host that does not share the earlier
        task's record, it decides from the roster alone, with a warning, so people are still paged (someone who
        declined an earlier invite may be rung again). Point O(history_file) at storage every run shares to keep the
        promise there.
      - V(absent) makes sure the listed people are neither in the call nor rung. Each is removed from the call, or
        their ringing invite is cancelled (C(DELETE /communications/calls/{id}/participants/{id})), matched as
        V(present) matches them; nobody else is touched. An invite that rings only in Graph's operations (no lobby
        entry in the roster) is cancelled by its operation id only when everyone it rings is listed, and a cancel is
        checked with a fresh read; an invite still ringing is reported C(not_cancelled) and fails the task. Needs the
        tenant prerequisite C(Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="<client id>"})
        and the permission C(Calls.JoinGroupCall.All). O(wait), O(batch_size), O(history_file) and
        O(client_context) do not apply.
    type: str
    default: present
    choices: [present, invited, absent]
  wait:
    description:
      - Wait until everyone this run invited, and everyone an earlier run of the family still rings, has an outcome.
      - The outcomes are C(joined) (in the roster, out of the lobby), C(failed) (the operation failed; its resultInfo is
        returned), C(in_lobby) (listed only in the meeting's lobby at the deadline - a phone that answered into a
        meeting without dial-in bypass waits there until a person admits it; the wait goes on until then, since an
        operation that completed does not mean they are in) and C(timeout) (still ringing at the deadline).
      - Polls the roster and the call's operations (one listing per poll; where Graph does not list them, each
        undecided operation with C(GET /communications/calls/{id}/operations/{opId})). When Graph no longer serves
        an operation it has finished, and the roster decides whether its people joined.
      - Never waits in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait at most, with O(wait=true). From V(1) to V(3600).
    type: int
    default: 120
  wait_sleep:
    description:
      - Seconds between two polls, with O(wait=true). Greater than V(0), at most V(300).
    type: float
    default: 2
  fail_on_failed_invite:
    description:
      - With O(wait=true), fail the task when an invite failed (declined, not answered, refused), after reporting
        every participant's outcome.
    type: bool
    default: true
  fail_on_timeout:
    description:
      - With O(wait=true), fail the task when someone is still ringing, or still waiting in the lobby, at O(wait_timeout).
    type: bool
    default: true
notes:
  - The app registration needs the Microsoft Graph application permissions C(Calls.InitiateGroupCall.All)
    (to invite) and C(Calls.Initiate.All) (to read the roster), with admin consent; O(state=absent) also needs
    C(Calls.JoinGroupCall.All).
  - The app must already be a party to the call, as a calling bot; O(call_id) is that call's id.
  - Overlapping tasks on one machine (forks, hosts, C(ansible-playbook) processes, jobs) take turns per call and read
    each other's invites (O(lock_timeout), O(history_file)), so nobody is invited twice. Across machines only Graph's
    listing of the call's operations is shared; see the incident bridge guide, "When runs overlap".
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
      - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5      # an Entra object id
        display_name: Primary on-call
      - user: sam@contoso.com                           # a user principal name (needs User.Read.All)
      - phone: "+1 (425) 555-0123"                      # sent as +14255550123
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
    - name: Invite seven people, five per invite request (two requests, five and two; one shared answer per request)
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        participants: "{{ responders }}"   # a list of seven {user: <object id>} dictionaries
        batch_size: 5

    - name: Page each responder at most once, even if they declined (re-runs of the automation page nobody twice)
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        state: invited
        client_context: "incident-{{ incident_number }}"
        participants:
          - user: 1e126418-44a0-4a94-a6f8-0efe1ad71acb

    - name: Every other identity kind
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        participants:
          - guest: 5d9c7a71-2f4e-4b8a-9c61-0e3d2b1a4f57
            display_name: Vendor engineer
          - application_instance: 0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f
          - user: 682b6c37-0729-4fab-ace6-d730d5d9137e
            tenant_id: 72f988bf-86f1-41af-91ab-2d7cd011db47
            identity_provider: AAD
            hidden: true
          - identity:                      # any identitySet, sent unchanged
              encrypted:
                id: "ZW5jcnlwdGVkIGlkZW50aXR5"

    - name: Move a participant here from another meeting of the same app (one participant per invite)
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        participants:
          - user: 682b6c37-0729-4fab-ace6-d730d5d9137e
            identity_provider: AAD
            replaces_call_id: a7ebfb2d-871e-419c-87af-27290b22e8db
            participant_id: 7d501bf1-5ee4-4605-ba92-0ae4513c611c

    - name: Ring a user's voicemail endpoint (beta API only)
      msgraph.calls.graph_call_invite:
        call_id: "{{ incident_call_id }}"
        api_version: beta
        participants:
          - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
            endpoint_type: voicemail

- name: Invite and wait up to two minutes for the answer; a decline fails the task with its reason
  msgraph.calls.graph_call_invite:
    call_id: "{{ incident_call_id }}"
    participants:
      - user: 8b081ef6-4792-4def-b2c9-c363a1bf41d5
    wait: true
    wait_timeout: 120
  register: answered

- name: Invite, wait, and decide yourself what a decline or no answer means
  msgraph.calls.graph_call_invite:
    call_id: "{{ incident_call_id }}"
    participants: "{{ responders }}"
    wait: true
    wait_timeout: 60
    fail_on_failed_invite: false
    fail_on_timeout: false
  register: paged

- name: Escalate to the secondary on-call when nobody joined
  ansible.builtin.debug:
    msg: "Nobody joined: {{ paged.participants | map(attribute='shown') | zip(paged.participants | map(attribute='outcome', default='not rung')) | list }}"
  when: paged.participants | selectattr('outcome', 'defined') | selectattr('outcome', 'equalto', 'joined') | list | length == 0

- name: Preview who would be invited (run the play with --check --diff, or force it per task)
  msgraph.calls.graph_call_invite:
    call_id: "{{ incident_call_id }}"
    participants:
      - user: 5f0c2b6e-8d3a-4c1f-9e7b-2a4d6c8e0f13
  check_mode: true
  diff: true
  register: preview

- name: Fail the play early if the preview finds nobody to invite
  ansible.builtin.assert:
    that: preview.invited | length > 0
'''

RETURN = r'''
changed:
  description: Whether an invite was sent, or with O(state=absent) someone removed or cancelled (in check mode, would be).
  returned: always
  type: bool
  sample: true
client_context:
  description: The clientContext base of this task; each invite request is sent with C(<base>~<15 hex digits>).
  returned: unless O(state=absent)
  type: str
  sample: mgc1-6f1ed002ab5595859014ebf0951522d9
invited:
  description:
    - The requested participants that were invited by this run (in check mode, that would be invited),
      each as you wrote it, with the identity normalised (GUIDs lower-cased, phones in E.164).
  returned: unless O(state=absent)
  type: list
  elements: dict
  sample: [{"user": "8b081ef6-4792-4def-b2c9-c363a1bf41d5", "display_name": "Primary on-call"}, {"phone": "+14255550123"}]
already_present:
  description: The requested participants that were already in the call, in the same shape as RV(invited).
  returned: unless O(state=absent)
  type: list
  elements: dict
  sample: [{"user": "1e126418-44a0-4a94-a6f8-0efe1ad71acb"}]
removed:
  description: With O(state=absent), the requested participants dropped from the call, as you wrote them.
  returned: when O(state=absent)
  type: list
  elements: dict
cancelled:
  description: With O(state=absent), the requested participants whose ringing invite was cancelled.
  returned: when O(state=absent)
  type: list
  elements: dict
participants:
  description:
    - Every requested participant (duplicates merged), as you wrote it, with what this run found or did.
  returned: always
  type: list
  elements: dict
  contains:
    label:
      description: The identity as C(kind:id); a user principal name is shown by its resolved object id.
      type: str
      sample: user:8b081ef6-4792-4def-b2c9-c363a1bf41d5
    failure:
      description:
        - With O(wait=true), for a failed invite, what happened in words, with Graph's resultInfo code, subcode and
          message, such as V(declined (code 603, subcode 10003\)), V(did not answer (code 408\)) or V(was busy (code 486\)).
      type: str
      returned: when the invite failed
    shown:
      description:
        - The identity with the names the task knows beside it (the display name given or found in the directory, the
          principal name or e-mail, the phone as written; with O(state=absent), the roster's display name when the task
          was given none), as diffs and messages show it.
      type: str
      sample: "user:8b081ef6-4792-4def-b2c9-c363a1bf41d5 (Ana Lopez, ana@contoso.com)"
    status:
      description:
        - V(present) in the roster; V(pending) an operation of the family still rings them (or, after an ambiguous
          failure, they are in the lobby); V(invited) this run invited them (in check mode, would invite them);
          V(done_before) with O(state=invited), an earlier operation of the family named them, whatever its outcome;
          V(unknown) this run's invite failed ambiguously and no evidence of it was found (RV(outcome=unknown));
          V(not_sent) the task failed before their invite was sent.
        - With O(state=absent) (in check mode, what it would do), V(removed) dropped from the call; V(cancelled) their
          ringing invite was cancelled; V(absent) neither in the call nor rung; V(not_cancelled) still rung (no id
          cancels that invite, or they answered meanwhile); V(failed) Graph refused the DELETE (the task fails).
      type: str
      sample: invited
    operation_id:
      description:
        - The operation that covers them (for V(pending), V(invited) and V(done_before)), or null.
        - An invite answer whose body names no operation gives it from its C(Location) header. With neither, it is null,
          and O(wait=true) follows them through the roster alone (V(joined), else V(timeout)).
      type: str
      sample: eec3812a-fdc3-4fb4-825c-a06c9f35414e
    client_context:
      description: The clientContext of the invite request this run sent for them, or null.
      type: str
      sample: mgc1-6f1ed002ab5595859014ebf0951522d9~5f0c2a9e41b7d3c
    shared_operation:
      description:
        - Whether this run's invite named other people too (O(batch_size) above 1). Graph then reports one status and
          one resultInfo for the whole operation, so RV(participants[].result_info) may describe another person of
          it (its C(message) names the participant it is about).
      type: bool
      sample: false
    outcome:
      description:
        - With O(wait=true), for those waited for; V(joined), V(failed), V(in_lobby) or V(timeout).
      type: str
      returned: with O(wait=true)
      sample: joined
    result_info:
      description:
        - With O(wait=true), the resultInfo of their invite operation when it failed (or the last one seen at a
          timeout). With RV(participants[].shared_operation=false) (the default O(batch_size=1)) it is their own.
      type: dict
      returned: with O(wait=true)
      sample: {"code": 408, "subcode": 10004, "message": "addParticipants failed for participant 4:+14255550123."}
  sample: [{"user": "sam@contoso.com", "label": "user:8b081ef6-4792-4def-b2c9-c363a1bf41d5", "status": "invited",
            "operation_id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e"}]
operations:
  description:
    - The inviteParticipantsOperation objects Graph returned, one per invite sent, as Graph returned them (an answer
      without the operation's C(id) gets it from its C(Location) header).
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
      sample: mgc1-6f1ed002ab5595859014ebf0951522d9~5f0c2a9e41b7d3c
    participants:
      description: The invitationParticipantInfo objects of this invite.
      type: list
      elements: dict
    resultInfo:
      description: Graph's result code, subcode and message, when the operation has finished.
      type: dict
  sample: [{"id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e", "status": "Running", "clientContext": "mgc1-6f1e~5f0c2a9e41b7d3c"}]
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
outcome:
  description:
    - V(unknown) when an invite request failed ambiguously (a timeout, a dropped connection, HTTP 408 or 5xx) and no
      evidence of that request (its own operation, or its people in the roster) turned up within O(settle_timeout).
      The task then fails without sending it again. Check the call, or wait until it would have stopped ringing and
      run the task again; it finds the invite by its clientContext family if Graph carried it out.
  returned: when the fate of an invite is unknown
  type: str
  sample: unknown
unknown_client_context:
  description: The clientContext of the (first) invite request whose fate is unknown.
  returned: when RV(outcome=unknown)
  type: str
  sample: mgc1-6f1ed002ab5595859014ebf0951522d9~5f0c2a9e41b7d3c
unknown_client_contexts:
  description: The clientContext of every invite request whose fate is unknown.
  returned: when RV(outcome=unknown)
  type: list
  elements: str
  sample: [mgc1-6f1ed002ab5595859014ebf0951522d9~5f0c2a9e41b7d3c]
wait_polls:
  description: How many times the outcome was polled, with O(wait=true).
  returned: with O(wait=true), outside check mode
  type: int
  sample: 3
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

from ansible_collections.msgraph.calls.plugins.module_utils._graph.module import GraphModule
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import number_in_range
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import refuse_outside_check_mode
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_history import DEFAULT_NAME, ENV_NAME
from ansible_collections.msgraph.calls.plugins.module_utils._graph.state_dir import checked_record, state_dir
from ansible_collections.msgraph.calls.plugins.module_utils._calls.client_context import base_client_context
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_plan import MAX_PER_INVITE
from ansible_collections.msgraph.calls.plugins.module_utils._calls.invite_runner import InviteRunner
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import (
    check_region,
    parse_participants,
    region_option,
    participant_options,
)


# Ceilings of the number options (seconds): an invite that has not shown up in ten minutes is not going
# to, nobody rings for an hour, and a poll every five minutes sees nothing in time.
MAX_SETTLE = 600
MAX_WAIT = 3600
MAX_WAIT_SLEEP = 300


def argument_spec():
    return dict(
        call_id=dict(type='str', required=True),
        participants=dict(type='list', elements='dict', required=True, options=participant_options()),
        client_context=dict(type='str', no_log=False),
        batch_size=dict(type='int', default=1),
        settle_timeout=dict(type='float', default=10.0),
        history_file=dict(type='raw'),
        lock_timeout=dict(type='int', default=120),
        state=dict(type='str', default='present', choices=['present', 'invited', 'absent']),
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=120),
        wait_sleep=dict(type='float', default=2.0),
        fail_on_failed_invite=dict(type='bool', default=True),
        fail_on_timeout=dict(type='bool', default=True),
        **region_option(),
    )


def validate(params):
    """Every input rule, before any request: (invitees, base clientContext, the invite record's path or None).

    InputError names the option.
    """
    number_in_range('batch_size', params['batch_size'], 1, MAX_PER_INVITE, unit='a whole number')
    number_in_range('settle_timeout', params['settle_timeout'], 0, MAX_SETTLE)
    number_in_range('wait_timeout', params['wait_timeout'], 1, MAX_WAIT)
    number_in_range('wait_sleep', params['wait_sleep'], 0, MAX_WAIT_SLEEP, low_excluded=True)
    number_in_range('lock_timeout', params['lock_timeout'], 0, 3600, unit='a whole number of seconds')
    invitees = parse_participants(params['participants'], api_version=params['api_version'], region=check_region(params['default_region']))
    base = base_client_context(params['call_id'], params['client_context'])
    # state=absent sends no invite, so it neither reads nor writes the record.
    history_file = checked_record('history_file', params['history_file'], ENV_NAME, DEFAULT_NAME) if params['state'] != 'absent' else None
    return invitees, base, history_file


def remove(module, client, call_id, invitees):
    """state=absent: drop the listed people from the call, or cancel their ringing invites."""
    # Imported here: a task that invites (most do) does not compile what only state=absent needs.
    from ansible_collections.msgraph.calls.plugins.module_utils._calls.remove_runner import RemoveRunner

    runner = RemoveRunner(client, call_id, invitees, check_mode=module.check_mode, warn=module.warn)
    module.finish(lambda: with_diff(module, runner, runner.run()), partial=lambda: runner.result)


def with_diff(module, runner, result):
    if module.diff_mode:
        result['diff'] = runner.diff()
    return result


def invite(module, runner):
    """Invite whoever is missing, then (``wait``) follow each invite to its outcome."""
    params = module.params
    result = with_diff(module, runner, runner.run())
    if params['wait'] and not module.check_mode:
        failed, timed_out = runner.wait(params['wait_timeout'], params['wait_sleep'])
        if failed and params['fail_on_failed_invite']:
            raise TaskFailure('the invite failed: %s (participants[].result_info has Graph\'s words)' % '; '.join(failed))
        if timed_out and params['fail_on_timeout']:
            raise TaskFailure('no outcome within wait_timeout=%ss for %s' % (params['wait_timeout'], ', '.join(timed_out)))
    return result


def main():
    module = GraphModule(argument_spec(), supports_check_mode=True)
    params = module.params
    call_id = module.call_id()
    invitees, base, history_file = module.attempt(lambda: validate(params))
    message = refuse_outside_check_mode(call_id, 'call_id')
    if message and not module.check_mode:
        module.fail(message)
    client = module.client
    if params['state'] == 'absent':
        remove(module, client, call_id, invitees)
    runner = InviteRunner(
        client,
        call_id,
        invitees,
        base,
        state=params['state'],
        check_mode=module.check_mode,
        warn=module.warn,
        batch_size=params['batch_size'],
        settle_timeout=params['settle_timeout'],
        history_file=history_file,
        lock_dir=state_dir(),
        lock_timeout=params['lock_timeout'],
    )
    module.finish(lambda: invite(module, runner), partial=lambda: runner.result)


if __name__ == '__main__':
    main()
