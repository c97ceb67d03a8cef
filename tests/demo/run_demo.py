#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: start the Graph emulator, run the incident-bridge playbook on it, show what Graph saw.

The playbook creates the incident's meeting, joins it, previews, pages, re-runs unchanged, stands
someone down and hangs up; the emulator starts with nothing but the meeting organizer in its directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/, for the emulator package

from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

DANA = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'
ORGANIZER = {'id': '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', 'userPrincipalName': 'alex@contoso.com', 'displayName': 'Alex (incident commander)'}


def say(text=''):
    print(text, flush=True)


def describe(request):
    """One line per recorded request, with the invite's participants spelled out."""
    line = '  %-4s %-75s -> %s' % (request['method'], request['path'], request['status'])
    body = request.get('body')
    if isinstance(body, dict) and body.get('meetingInfo'):
        line += '\n       join meeting %s' % ((body.get('chatInfo') or {}).get('threadId') or body['meetingInfo'].get('joinMeetingId'))
    if request['path'].endswith('/participants/invite') and isinstance(body, dict):
        who = []
        for info in body.get('participants', []):
            for kind, identity in sorted(info.get('identity', {}).items()):
                if isinstance(identity, dict):
                    who.append('%s:%s' % (kind, identity.get('id')))
        line += '\n       clientContext %s\n       participants  %s' % (body.get('clientContext'), ', '.join(who))
    return line


def main():
    collections = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    say('== msgraph.calls demo: run an incident bridge in Microsoft Teams from a playbook ==')
    say('Everything below runs against the local Graph emulator (tests/emulator), not Microsoft.')
    with EmulatorProcess() as emulator:
        info = emulator.info
        say('Emulator: Graph %s, authority %s, CA %s' % (info['graph_endpoint'], info['authority_host'], info['ca_path']))
        emulator.add_user(**ORGANIZER)
        # Dana, the database primary, declines: the escalation pages Eli, the secondary.
        emulator.config(invite_outcomes={DANA: {'result': 'decline', 'after': 0}})
        say('The directory holds %s, who organizes the meeting. No meeting, no call yet.' % ORGANIZER['displayName'])
        say()
        with tempfile.TemporaryDirectory() as tmp:
            extra = os.path.join(tmp, 'vars.json')
            with open(extra, 'w') as handle:
                json.dump({'graph': emulator.connection}, handle)
            command = [
                os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                os.path.join(HERE, 'incident_bridge.yml'),
                '-i',
                'localhost,',
                '-e',
                '@' + extra,
            ]
            say('$ ansible-playbook tests/demo/incident_bridge.yml -e graph=<emulator app>')
            env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
            if collections:
                env['ANSIBLE_COLLECTIONS_PATH'] = collections
            rc = subprocess.call(command, env=env)
        say()
        say('What the emulator recorded (every token and Graph request, in order):')
        for request in emulator.requests():
            say(describe(request))
        for call in emulator.admin('GET', '/calls')['value']:
            say()
            say('Call %s is %s (the bot hung up; the meeting goes on). Its roster as the bot left:' % (call['id'], call['state']))
            for participant in call['participants']:
                for kind, identity in sorted(participant['info']['identity'].items()):
                    if isinstance(identity, dict):
                        say('  %s:%s  %s' % (kind, identity.get('id'), identity.get('displayName') or ''))
    say()
    say('Demo %s. The emulator has stopped.' % ('finished' if rc == 0 else 'FAILED (ansible-playbook exit %d)' % rc))
    return rc


if __name__ == '__main__':
    sys.exit(main())
