# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wait a responder feels: from `ansible-playbook` starting to the first invite reaching Graph, through the
incident_bridge role (the meeting, the bot's join, the escalation's first tier), at 0 and 100 ms per request.

The emulator establishes a call at once (``call_establish_after: 0``): a real join takes Graph some seconds more,
the same for any client. Graph round trips before the ring are counted from the request log: requests the role sends
at once (the escalation's reads of the call) count as one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from requests_log import is_graph, is_invite, is_token_service
from stats import median
from table import Table, fmt

ORGANIZER = '9b1c2d3e-4f50-4a61-8b72-c3d4e5f60718'
RESPONDER = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
CONNECTION = ('tenant_id', 'client_id', 'client_secret', 'authority_host', 'graph_endpoint', 'ca_path')


def bridge_play(connection, incident):
    return [
        {
            'name': 'Open the bridge and page the first tier',
            'hosts': 'localhost',
            'gather_facts': False,
            'connection': 'local',
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
            'module_defaults': {'group/msgraph.calls.graph': {key: connection[key] for key in CONNECTION}},
            'roles': [
                {
                    'role': 'msgraph.calls.incident_bridge',
                    'vars': {
                        'incident_bridge_incident_id': incident,
                        'incident_bridge_organizer': ORGANIZER,
                        'incident_bridge_subject': incident,
                        'incident_bridge_callback_uri': 'https://bot.contoso.com/api/calling',
                        'incident_bridge_tiers': [{'name': 'Primary', 'participants': [{'user': RESPONDER}], 'wait_timeout': 30}],
                        'incident_bridge_wait_sleep': 0.2,
                    },
                }
            ],
        }
    ]


def round_trips(entries):
    """Sequential Graph round trips in ``entries``: requests answered within 5 ms of each other went out together."""
    trips, last = 0, None
    for entry in entries:
        if last is None or entry['answered_at'] - last > 0.005:
            trips += 1
        last = entry['answered_at']
    return trips


def first_ring(workdir, emulators, repeats, progress):
    """A Table: per emulator (plain, latency), the median seconds to the first invite and the requests before it."""
    table = Table(
        'Time to the first ring through the incident_bridge role (%d runs each; the emulator establishes calls at once)' % repeats,
        ['latency', 'to first invite (s)', 'best (s)', 'Graph requests before', 'Graph round trips before', 'token requests before'],
        numeric=(1, 2, 3, 4, 5),
    )
    problems = []
    for name, emu in emulators.items():
        emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
        current = emu.config()
        saved = {key: current[key] for key in ('call_establish_after', 'invite_outcome')}
        emu.config(call_establish_after=0, invite_outcome={'result': 'answer', 'after': 0})
        waits, graph, trips, tokens = [], [], [], []
        for repeat in range(1, repeats + 1):
            seen = len(emu.requests())
            started = time.time()
            workdir.run(bridge_play(emu.connection, 'INC-%s-%d' % (name, repeat)))
            entries = emu.requests()[seen:]
            invites = [i for i, entry in enumerate(entries) if is_invite(entry)]
            if len(invites) != 1:
                problems.append('first ring, %s, repeat %d: %d invite POSTs, not 1' % (name, repeat, len(invites)))
                continue
            before = entries[: invites[0]]
            waits.append(entries[invites[0]]['answered_at'] - started)
            graph.append(len([e for e in before if is_graph(e)]))
            trips.append(round_trips([e for e in before if is_graph(e)]))
            tokens.append(len([e for e in before if is_token_service(e)]))
            progress('first ring, %s, repeat %d: %.2f s, %d Graph requests before it' % (name, repeat, waits[-1], graph[-1]))
        emu.config(**saved)  # the scale runs after this one see the emulator as it was
        if waits:
            counts = [fmt(median(values), '%.0f') for values in (graph, trips, tokens)]
            table.add(name, fmt(median(waits), '%.2f'), fmt(min(waits), '%.2f'), *counts)
    table.notes.append(
        'Measured from the start of ansible-playbook to the emulator answering the invite POST. Round trips count requests '
        'answered within 5 ms of each other once (the escalation reads the call, its roster and its operations at once).'
    )
    return table, problems
