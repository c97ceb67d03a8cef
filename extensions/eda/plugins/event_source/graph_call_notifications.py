# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-rulebook event source: Microsoft Graph call notifications POSTed to a bot's callbackUri.

The token check, the split of ``value[]`` into events and the listener live in the small modules beside
this one (``_graph_notify_*``), which ansible-rulebook does not load as sources (their names start with
an underscore); this file holds the documentation and ``main``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: graph_call_notifications
short_description: Microsoft Graph call notifications (the bot's callbackUri) as events
description:
  - An HTTPS listener for the notifications Microsoft Graph POSTs to a call's C(callbackUri) (calls created or joined by
    M(msgraph.calls.graph_call) and the P(msgraph.calls.incident_bridge#role) role).
  - Trusts a POST only with a valid C(Authorization: Bearer) token - RS256 signature by a key the OpenID document names
    (re-read every O(keys_refresh_interval) seconds and when a token names an unknown key id), an issuer of O(issuers),
    audience O(client_id), not expired, and a C(tid) claim (one of O(tenant_ids) when given). Anything else is
    answered C(401) (C(403) for a valid token without an accepted tenant) and produces no event.
  - Answers C(202) as soon as the request is checked, before its events are handed to ansible-rulebook; a body over
    O(max_body_bytes) is refused with C(413), more than O(max_items) items with C(413), a backlog of O(max_pending)
    events with C(503), each C(503) with C(Retry-After).
  - Until the signing keys have been read, a POST is answered C(503); a failed read is retried after 1 s, then 2, 4,
    up to a minute apart, until one succeeds. A C(GET) on O(path) answers C(200) once keys are held and C(503) before,
    for a load balancer's or a pod's readiness probe.
  - Each item of C(value[]) becomes one event with the keys C(kind) (V(call_established), V(call_terminated),
    V(call_updated), V(participants_changed), V(invite_completed), V(invite_failed), V(operation_updated), V(other)),
    C(call_id), C(change_type), C(resource_url), C(state), C(result_info), C(participants), C(joined), C(left),
    C(operation_id), C(status), C(client_context), C(invitees), C(tenant_id), C(path_suffix) and C(item) (the raw
    notification item). No token and no header is ever in an event.
  - Needs the Python packages C(aiohttp) and C(PyJWT) with C(cryptography) (C(extensions/eda/requirements.txt)).
options:
  host:
    description: The address to listen on.
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on.
    type: int
    required: true
  path:
    description:
      - The path of the callbackUri. POSTs to it and below it (C(/api/calls/INC-42)) are taken; the part below it is
        the event's C(path_suffix), so one listener can tell incidents apart by their callback URLs.
    type: str
    default: /api/calls
  certfile:
    description: The server certificate (PEM, with its chain). Required unless O(insecure_http).
    type: str
  keyfile:
    description: The certificate's private key (PEM).
    type: str
  password:
    description: The password of O(keyfile), if it is encrypted.
    type: str
  insecure_http:
    description:
      - Listen in plain HTTP. Only behind a proxy that terminates TLS; Graph calls only HTTPS callback URLs. Logs a warning.
    type: bool
    default: false
  client_id:
    description: The bot's application (client) id, the audience every token must carry.
    type: str
    required: true
  tenant_ids:
    description: Accept only tokens whose C(tid) is one of these tenant ids. Any C(tid) when empty; a token without C(tid) is always refused.
    type: list
    elements: str
    default: []
  openid_url:
    description:
      - The OpenID configuration whose C(jwks_uri) names the signing keys. Microsoft's default is the one its Teams
        calling documentation names; a national cloud (or the collection's emulator) has its own.
    type: str
    default: https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration
  issuers:
    description: The accepted C(iss) values (Microsoft's samples accept these two); add your national cloud's issuer here.
    type: list
    elements: str
    default: [https://graph.microsoft.com, https://api.botframework.com]
  ca_path:
    description: A CA bundle to check the OpenID document's and keys' server certificates with; the system's when unset.
    type: str
  keys_refresh_interval:
    description: Seconds between two reads of the keys (Microsoft's samples read them every 2 hours).
    type: int
    default: 7200
  keys_min_refetch:
    description:
      - Seconds that must pass since the last read before a token with an unknown key id reads the keys again (so
        made-up key ids cannot make the listener fetch on every request).
    type: int
    default: 60
  leeway:
    description: Seconds of clock skew tolerated on C(exp), C(nbf) and C(iat).
    type: int
    default: 300
  max_body_bytes:
    description: The largest request body accepted.
    type: int
    default: 1048576
  max_items:
    description: The most items of C(value[]) one request may carry.
    type: int
    default: 100
  max_pending:
    description: The most events waiting for ansible-rulebook; past it requests are answered C(503) (Graph may retry).
    type: int
    default: 1000
"""

EXAMPLES = r"""
- name: Bridge events
  hosts: localhost
  sources:
    - msgraph.calls.graph_call_notifications:
        port: 8443
        path: /api/calls
        certfile: /etc/eda/tls/bot.pem
        keyfile: /etc/eda/tls/bot-key.pem
        client_id: "{{ graph_client_id }}"
        tenant_ids:
          - "{{ graph_tenant_id }}"
  rules:
    - name: A declined or unanswered invite pages the next tier
      condition: event.kind == "invite_failed"
      action:
        run_playbook:
          name: msgraph.calls.eda_next_tier
"""

import asyncio  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

# ansible-rulebook runs this file by path (runpy), not as a package member: the helpers beside it are found through
# its folder, on sys.path only while they are imported.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
try:
    from _graph_notify_listener import serve  # noqa: E402  pylint: disable=import-error
finally:
    sys.path.remove(_HERE)

logger = logging.getLogger(__name__)


async def main(queue, args):
    """ansible-rulebook's entry point: serve until cancelled, putting one event per notification item on ``queue``."""
    await serve(queue, args)


if __name__ == "__main__":
    # Run by hand: print the events (python graph_call_notifications.py PORT CLIENT_ID --insecure for a quick look).

    class _Printer:
        async def put(self, event):
            print(event, flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_Printer(), {"port": int(sys.argv[1]), "client_id": sys.argv[2], "insecure_http": "--insecure" in sys.argv}))
