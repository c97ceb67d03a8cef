# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Never twice when runs overlap: the forks and hosts of one play, several ansible-playbook processes, jobs.

Every case counts the POSTs the emulator received. The people invited ring and never answer (the manual
clock never reaches their answer), so a task that overlaps another sees them ringing, never joined: only the
operations listing, the per-call lock and the module's own record can keep it from ringing them again. Each
Graph behaviour runs on a call of its own, with the call's own emulator config, in one run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import threading
from collections import Counter

from conftest import check_each, invite_posts, ok, recorded

from emulator.client import CONNECTION_OPTIONS

SRE = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
ONCALL = [
    '1e126418-44a0-4a94-a6f8-0efe1ad71acb',
    '0b7f5d1e-3c2a-4e9b-8d6f-1a2b3c4d5e6f',
    '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091',
    '3c4d5e6f-7081-4923-8b4c-5d6e7f809102',
    '4d5e6f70-8192-4a34-9c5d-6e7f80910213',
    '5e6f7081-92a3-4b45-8d6e-7f8091021324',
    '6f708192-a3b4-4c56-9e7f-809102132435',
    '708192a3-b4c5-4d67-8f80-910213243546',
]
LISTINGS = ['supported', 'running_only', 400, 403, 404, 405, 501]
GET_MODES = ['supported', '404_when_finished', 'unsupported']
RINGS_ON = {'invite_outcome': {'result': 'answer', 'after': 600}, 'ringing_in_roster': False}


def posts_per_person(emu, call_id):
    """How many invite POSTs named each identity id, in this call."""
    counts = Counter()
    for post in invite_posts(emu, call_id):
        for participant in post['body']['participants']:
            for identity in participant['identity'].values():
                if isinstance(identity, dict) and identity.get('id'):
                    counts[identity['id'].lower()] += 1
    return counts


def calls_by_listing(emu, record):
    """One call per list_operations value, each ringing and never answering."""
    return dict(('%s/%s' % (value, record), emu.create_call(config=dict(RINGS_ON, list_operations=value))['id']) for value in LISTINGS)


def hosts_play(graph, calls, hosts, record):
    """One play over ``hosts`` (forks as many): each host invites its on-call person and the shared SRE into every call."""
    tasks = []
    for name, call_id in calls.items():
        args = {'call_id': call_id, 'participants': [{'user': '{{ oncall[inventory_hostname] }}'}, {'user': SRE}], 'settle_timeout': 0}
        if not record:
            args['history_file'] = False
        tasks.append({'name': name, 'msgraph.calls.graph_call_invite': args, 'ignore_errors': True})
    return [
        {
            'name': 'Page the owners of every affected service, and the SRE who covers them all',
            'hosts': ','.join(hosts),
            'gather_facts': False,
            'connection': 'local',
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'oncall': dict(zip(hosts, ONCALL))},
            'module_defaults': {'group/msgraph.calls.graph': {key: '{{ graph.%s }}' % key for key in CONNECTION_OPTIONS}},
            'tasks': tasks,
        }
    ]


def test_eight_hosts_with_forks_page_everyone_once(emu, tmp_path, playbook, graph):
    hosts = ['service%d' % i for i in range(8)]
    calls = dict(calls_by_listing(emu, 'record'))
    calls.update(calls_by_listing(emu, 'no-record'))
    path = tmp_path / 'hosts.yml'
    plays = hosts_play(graph, {k: v for k, v in calls.items() if k.endswith('/record')}, hosts, True)
    plays += hosts_play(graph, {k: v for k, v in calls.items() if k.endswith('/no-record')}, hosts, False)
    path.write_text(json.dumps(plays))
    run = playbook(str(path), extra_args=('-i', ','.join(hosts) + ',', '--forks', '8'))
    assert run.rc in (0, 2), run.output

    def check(name):
        counts = posts_per_person(emu, calls[name])
        listing, record = name.split('/')
        results = [r for r in run.records if r['task'] == name]
        assert len(results) == 8, 'every host ran the task'
        if record == 'record' or listing in ('supported', 'running_only'):
            # The lock makes each host read what the one before it sent; the record (or Graph's listing) shows it.
            assert counts == Counter(dict([(SRE, 1)] + [(person, 1) for person in ONCALL])), counts
            assert all(r['status'] in ('ok', 'changed') for r in results), results
        else:
            # Without the record, Graph shows nothing of a ringing invite here, and the roster does not list the ringing:
            # every task says that people still ringing may be invited again.
            assert all(any('may be invited again' in w for w in r['result'].get('warnings', [])) for r in results), results

    check_each(sorted(calls), check)


def test_concurrent_processes_for_one_call_page_everyone_once(emu, tasks):
    people = [{'user': SRE}, {'user': ONCALL[0]}, {'user': ONCALL[1]}]
    for processes in (2, 4):
        fresh = dict(calls_by_listing(emu, '%d processes, record' % processes))
        fresh.update(calls_by_listing(emu, '%d processes, no-record' % processes))
        steps = []
        for name in sorted(fresh):
            options = dict(call_id=fresh[name], participants=people, settle_timeout=0)
            if name.endswith('no-record'):
                options['history_file'] = False
            steps.append((name, 'graph_call_invite', options))
        runs = run_at_once([lambda steps=steps: tasks(steps)] * processes)
        check_each(sorted(fresh), functools.partial(check_processes, emu, fresh, runs))


def check_processes(emu, calls, runs, name):
    """One call of the concurrent processes: everyone once, where the record or Graph's listing shows the invites."""
    counts = posts_per_person(emu, calls[name])
    listing = name.split('/')[0]
    results = [ok(run.task(name)) for run in runs]
    if not name.endswith('no-record') or listing in ('supported', 'running_only'):
        assert counts == Counter({SRE: 1, ONCALL[0]: 1, ONCALL[1]: 1}), counts
    else:
        assert all(any('may be invited again' in w for w in result.get('warnings', [])) for result in results), results


def run_at_once(jobs):
    """Start every job (an ansible-playbook run) at once in its own thread; their PlaybookRuns, in order."""
    results = [None] * len(jobs)

    def start(index, job):
        results[index] = job()

    threads = [threading.Thread(target=start, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_an_unknown_outcome_is_not_rung_again_by_a_rerun(emu, tasks):
    """An invite POST answered 503 after Graph carried it out, then a re-run with state=invited: one POST, whatever Graph
    lists or serves, with the record on (the default); with it off, where Graph lists the operation by its clientContext."""
    cases = {}
    for listing in LISTINGS:
        for get_mode in GET_MODES:
            cases['%s/%s/record' % (listing, get_mode)] = dict(list_operations=listing, get_operation=get_mode)
    for listing in ('supported', 'running_only'):
        cases['%s/supported/no-record' % listing] = dict(list_operations=listing)
    calls = dict((name, emu.create_call(config=dict(RINGS_ON, **config))['id']) for name, config in cases.items())
    for call_id in calls.values():
        emu.add_faults({'method': 'POST', 'path': '/calls/%s/participants/invite$' % call_id, 'action': 'commit_then_status', 'status': 503, 'times': 1})
    steps = []
    for name, call_id in sorted(calls.items()):
        options = dict(call_id=call_id, participants=[{'user': SRE}], state='invited', settle_timeout=0)
        if name.endswith('/no-record'):
            options['history_file'] = False
        steps.append(('First ' + name, 'graph_call_invite', options))
        steps.append(('Rerun ' + name, 'graph_call_invite', options))
    run = tasks(steps)

    def check(name):
        first = run.task('First ' + name)
        # Found by its own clientContext where Graph lists it; else its fate is unknown, and the task says so.
        assert first['status'] == 'changed' or (first['status'] == 'failed' and first['result'].get('outcome') == 'unknown'), first
        rerun = ok(run.task('Rerun ' + name))
        assert not rerun['changed'] and rerun['invited'] == [], rerun
        assert posts_per_person(emu, calls[name]) == Counter({SRE: 1})

    check_each(sorted(calls), check)


def join_args(meeting, **more):
    return dict(join_url=meeting['joinWebUrl'], callback_uri='https://bot.contoso.com/api/calling', wait_sleep=0.1, **more)


def test_concurrent_joins_of_one_meeting_create_one_call(emu, tasks):
    emu.add_user(id=SRE, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    meeting = emu.add_meeting(SRE, subject='INC-24')
    runs = run_at_once([lambda: tasks([('Join', 'graph_call', join_args(meeting))])] * 4)
    results = [ok(run.task('Join')) for run in runs]
    creates = [r for r in recorded(emu, 'POST') if r['path'].endswith('/communications/calls')]
    assert len(creates) == 1, creates
    assert len(set(result['call_id'] for result in results)) == 1, results
    assert sorted(result['from_record'] for result in results) == [False, True, True, True]
    assert sum(result['created'] for result in results) == 1

    # A later run that carries no call id finds the live call in the record, checks it with Graph, and keeps it.
    later = ok(tasks([('Later', 'graph_call', join_args(meeting))]).task('Later'))
    assert later['call_id'] == results[0]['call_id'] and later['from_record'] and not later['created'] and later['keep_alive_sent']
    assert len([r for r in recorded(emu, 'POST') if r['path'].endswith('/communications/calls')]) == 1

    # Once it has ended, the next join creates a new call; with the record off, every join creates one.
    emu.set_call_state(results[0]['call_id'], 'terminated')
    again = ok(tasks([('Again', 'graph_call', join_args(meeting))]).task('Again'))
    assert again['created'] and not again['from_record'] and again['call_id'] != results[0]['call_id']
    off = ok(tasks([('Off', 'graph_call', join_args(meeting, call_record=False))]).task('Off'))
    assert off['created'] and off['call_id'] != again['call_id']
