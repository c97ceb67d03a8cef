# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rulebook's re-open rule in ansible-rulebook: a bridge call that Graph ends for a keepAlive lapse (408/8537) is
joined again for its incident, with the tiers paged into the new call; a bridge the bot hangs up (200/7000) is not."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from eda_rulebook import ORGANIZER, TIER1, Rulebook, alert, bridge_calls, delivered, invited, joins

REOPEN_PLAY = 'Re-open an incident bridge that ended unexpectedly'
TIERS = [{'name': 'primary', 'participants': [{'user': TIER1}], 'wait_timeout': 600}]
# The emulator's keep_alive_timeout: a call without a keepAlive for this long ends with 408/8537.
KEEP_ALIVE_TIMEOUT = 2700


def terminated(entry):
    """A delivered notification POST that carries a call in state terminated."""
    return any((item.get('resourceData') or {}).get('state') == 'terminated' for item in entry['body']['value'] if isinstance(item.get('resourceData'), dict))


def test_a_keepalive_lapse_reopens_the_bridge_and_a_hang_up_does_not(emu, tmp_path):
    emu.add_user(id=ORGANIZER, userPrincipalName='ic@contoso.com', displayName='Incident commander')
    emu.clock(tick=1)
    emu.config(notifications=True, keep_alive_timeout=KEEP_ALIVE_TIMEOUT)  # tier 1 answers at once (the default outcome)
    with Rulebook(emu, tmp_path, TIERS) as rulebook:
        for incident in ('INC-50', 'INC-51'):
            assert rulebook.post_alert(alert(incident)) == 200
        rulebook.wait_for(lambda: rulebook.recaps() >= 2, 'both bridges opened')
        assert 'failed=0' in rulebook.output() and rulebook.plays(REOPEN_PLAY) == 0
        [hung_up], [lapsed] = bridge_calls(emu, 'INC-50'), bridge_calls(emu, 'INC-51')

        # INC-50: the bot hangs up, as graph_call state=absent does. Its end notification is answered (202) before the
        # keepAlive lapse below is even caused, and the source hands events on in arrival order: had the hang-up matched
        # the rule, its re-open would have started before INC-51's.
        status, dummy, dummy = emu.graph('DELETE', '/v1.0/communications/calls/' + hung_up['id'], token=emu.token())
        assert status == 204
        rulebook.wait_for(lambda: [e for e in delivered(emu, hung_up['id'], 'call_state') if terminated(e)], 'the hang-up notified')

        # INC-51: nobody sends a keepAlive while the emulator clock moves past keep_alive_timeout: Graph ends the call.
        emu.clock(advance=KEEP_ALIVE_TIMEOUT + 1)
        rulebook.wait_for(lambda: len(bridge_calls(emu, 'INC-51')) == 2 and rulebook.recaps() >= 3, 'the INC-51 bridge re-opened')

        output = rulebook.output()
        assert 'failed=0' in output.rpartition('PLAY RECAP')[2], output
        assert rulebook.plays(REOPEN_PLAY) == 1, output
        ended = {
            call['id']: (call['result_info']['code'], call['result_info']['subcode']) for call in emu.admin('GET', '/calls')['value'] if call['result_info']
        }
        assert ended == {hung_up['id']: (200, 7000), lapsed['id']: (408, 8537)}
        old, new = bridge_calls(emu, 'INC-51')
        assert old['id'] == lapsed['id'] and new['state'] == 'established'
        assert [call['id'] for call in bridge_calls(emu, 'INC-50')] == [hung_up['id']], 'a hang-up is not re-opened'
        # The new call has the tier again: one invite in each INC-51 call, and one join per call.
        pages = [r['path'] for r in emu.requests() if r['method'] == 'POST' and r['path'].endswith('/participants/invite') and TIER1 in str(r['body'])]
        assert sum(new['id'] in path for path in pages) == 1 and sum(lapsed['id'] in path for path in pages) == 1
        assert len(joins(emu)) == 3 and len(emu.meetings()) == 2, 'the same meeting, joined again'
        assert all(context.startswith(('INC-50.t1~', 'INC-51.t1~')) for context in invited(emu, TIER1))
