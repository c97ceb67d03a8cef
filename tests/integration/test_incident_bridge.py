# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole incident playbook (tests/demo/incident_bridge.yml, what `make demo` runs): for real, and under --check --diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from conftest import HERE, graph_writes

BRIDGE = os.path.join(os.path.dirname(HERE), 'demo', 'incident_bridge.yml')
ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
CASEY = '4c1d3e7f-9a2b-4e6c-8d1f-2a3b4c5d6e7f'


def setup(emu):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)


def test_the_whole_chain_previews_under_check_and_diff_without_a_write(emu, playbook):
    setup(emu)
    run = playbook(BRIDGE, check=True, diff=True)
    assert run.rc == 0, run.output
    assert graph_writes(emu) == []
    assert run.task('Meeting - the incident\'s Teams meeting (createOrGet by external id)')['status'] == 'changed'
    join = run.task('Join - the bot joins the meeting from its link (or keeps the call of an earlier run alive)')
    assert join['status'] == 'changed' and join['result']['diff']['after']
    page = run.task('Page - invite whoever is missing, and wait for each answer')['result']
    assert len(page['invited']) == 2, 'previewed against the empty call an earlier task would create'
    assert 'user:' + CASEY in page['diff']['after']
    assert run.task('Hang up - the bot leaves; the meeting goes on for the people in it')['status'] == 'changed'
    assert emu.meetings() == [] and emu.admin('GET', '/calls')['value'] == []


def test_the_whole_chain_runs_and_a_second_run_keeps_the_bridge(emu, playbook):
    setup(emu)
    run = playbook(BRIDGE, hang_up=False)
    assert run.rc == 0, run.output
    call_id = run.task('Join - the bot joins the meeting from its link (or keeps the call of an earlier run alive)')['result']['call_id']
    writes = graph_writes(emu)
    # Blake and Casey paged, then the escalation's first tier (Dana, who answers by default).
    assert [method for method, path in writes if path.endswith('/participants/invite')] == ['POST'] * 3
    assert [path for method, path in writes if method == 'DELETE'] and all(CASEY not in str(p['info']) for p in emu.call(call_id)['participants'])

    again = playbook(BRIDGE, bridge_call_id=call_id)
    assert again.rc == 0, again.output
    meeting = again.task('Meeting - the incident\'s Teams meeting (createOrGet by external id)')
    assert meeting['status'] == 'ok', 'the same meeting, by external id'
    join = again.task('Join - the bot joins the meeting from its link (or keeps the call of an earlier run alive)')
    assert join['status'] == 'ok' and join['result']['keep_alive_sent']
    assert len([w for w in graph_writes(emu) if w[1].endswith('/communications/calls')]) == 1, 'joined once'
    assert again.task('Hang up - the bot leaves; the meeting goes on for the people in it')['status'] == 'changed'
    assert emu.call(call_id)['state'] == 'terminated'
