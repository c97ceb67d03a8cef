# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plays the benchmark runs, as data: the floor, the uri recipe, graph_call_invite, and the scale inventory.

Every play runs on localhost (or localhost aliases) with the local connection, no facts, and the benchmark's own
Python as the interpreter, so a task costs what the controller, the module and the emulator make it cost.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

# The people of the side-by-side scenarios: one Entra user and one phone number.
USER = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+14255550100'  # E.164, as Graph lists it in a roster
PHONE_AS_TYPED = '+1 (425) 555-0100'  # as a playbook may spell it
PEOPLE = [{'user': USER, 'display_name': 'Primary on-call'}, {'phone': PHONE_AS_TYPED}]
# The roster of a call where both are already present (POST /_emulator/calls participants).
PEOPLE_IN_ROSTER = [{'user': {'id': USER, 'displayName': 'Primary on-call'}}, {'phone': {'id': PHONE}}]

GRAPH_SCOPE = 'https://graph.microsoft.com/.default'


def guid(index):
    return '%08x-0000-4000-8000-%012d' % (index, index)


def play(tasks, name, hosts='localhost', module_defaults=None):
    """One play around ``tasks``; ``module_defaults`` applies to the collection's action group."""
    result = {
        'name': name,
        'hosts': hosts,
        'gather_facts': False,
        'connection': 'local',
        'vars': {'ansible_python_interpreter': sys.executable},
        'tasks': tasks,
    }
    if module_defaults:
        result['module_defaults'] = {'group/msgraph.calls.graph': module_defaults}
    return result


def floor(count):
    """``count`` tasks of the do-nothing module (library/bench_floor.py next to the playbook)."""
    return [play([{'name': 'floor %d' % i, 'bench_floor': {'index': i}} for i in range(count)], 'floor')]


def token_task(info):
    """The uri recipe's first task: a client-credentials token POST, registered as graph_token."""
    return {
        'name': 'token',
        'ansible.builtin.uri': {
            'url': '%s/%s/oauth2/v2.0/token' % (info['authority_host'], info['tenant_id']),
            'method': 'POST',
            'body_format': 'form-urlencoded',
            'body': {
                'grant_type': 'client_credentials',
                'client_id': info['client_id'],
                'client_secret': info['client_secret'],
                'scope': GRAPH_SCOPE,
            },
            'ca_path': info['ca_path'],
        },
        'register': 'graph_token',
        'no_log': True,
    }


def roster_url(info, call_id):
    return '%s/v1.0/communications/calls/%s/participants' % (info['graph_endpoint'], call_id)


def uri_recipe(info, call_ids):
    """What a user writes without the collection: one token POST (registered), then one roster GET per call."""
    reads = [
        {
            'name': 'participants %d' % i,
            'ansible.builtin.uri': {
                'url': roster_url(info, call_id),
                'headers': {'Authorization': 'Bearer {{ graph_token.json.access_token }}'},
                'ca_path': info['ca_path'],
            },
        }
        for i, call_id in enumerate(call_ids)
    ]
    return [play([token_task(info)] + reads, 'uri recipe')]


def requests_get(info, call_ids):
    """The same roster GETs, each by the least module that uses requests (library/bench_requests_get.py)."""
    reads = [
        {
            'name': 'requests get %d' % i,
            'bench_requests_get': {'url': roster_url(info, call_id), 'token': '{{ graph_token.json.access_token }}', 'ca_path': info['ca_path']},
        }
        for i, call_id in enumerate(call_ids)
    ]
    return [play([token_task(info)] + reads, 'requests get')]


def invite(connection, call_ids, token_cache=None, name='invite'):
    """One graph_call_invite task per call, each naming PEOPLE; ``token_cache`` set only when given."""
    defaults = dict(connection)
    if token_cache:
        defaults['token_cache'] = token_cache
    tasks = [
        {'name': '%s %d' % (name, i), 'msgraph.calls.graph_call_invite': {'call_id': call_id, 'participants': PEOPLE}} for i, call_id in enumerate(call_ids)
    ]
    return [play(tasks, name, module_defaults=defaults)]


# --- the scale scenario: many hosts, forks, a shared token cache --------------------------------------------


def scale_people(count):
    """``count`` people per call: users, and a phone number last."""
    people = [{'user': guid(1000 + i)} for i in range(count - 1)]
    people.append({'phone': '+1 425 555 %04d' % (200 + count)})
    return people


def scale_inventory(host_calls):
    """A YAML (JSON) inventory: host name -> its call ids, every host a localhost alias on the local connection."""
    hosts = {}
    for host, calls in host_calls.items():
        hosts[host] = {'ansible_connection': 'local', 'ansible_host': '127.0.0.1', 'bench_calls': calls}
    return {'all': {'hosts': hosts, 'vars': {'ansible_python_interpreter': sys.executable}}}


def scale_play(connection, tasks_per_host, people, token_cache):
    """Task k of every host invites ``people`` into that host's k-th call."""
    defaults = dict(connection, token_cache=token_cache)
    tasks = [
        {'name': 'invite %d' % k, 'msgraph.calls.graph_call_invite': {'call_id': '{{ bench_calls[%d] }}' % k, 'participants': people}}
        for k in range(tasks_per_host)
    ]
    return [play(tasks, 'scale', hosts='all', module_defaults=defaults)]
