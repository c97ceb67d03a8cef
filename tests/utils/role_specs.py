#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The participant entries of every role's meta/argument_specs.yml, generated from the modules.

Ansible checks a role's variables against meta/argument_specs.yml before its first task, so a role's
participant entries must accept and refuse what graph_call_invite does. They are written from the
module's own argspec (names, types, choices) and documentation (the first sentence of each
description), never by hand:

    python tests/utils/role_specs.py          # rewrite the files (make role-specs)
    python tests/utils/role_specs.py --check  # exit 1 if any file differs (the unit tests do this too)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import sys

import yaml

from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import participant_options
from ansible_collections.msgraph.calls.plugins.modules import graph_call_invite

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# Role -> the option paths (through nested ``options``) that hold participant entries.
PARTICIPANT_PATHS = {
    'page_responders': [('page_responders_participants',)],
    'escalate': [('escalate_tiers', 'participants')],
    'incident_bridge': [('incident_bridge_tiers', 'participants')],
}
HEADER = (
    '# Generated in part: the participant entries come from graph_call_invite (tests/utils/role_specs.py);\n'
    '# edit the rest by hand, then run `make role-specs`.\n'
)


def _first_sentence(description):
    text = description[0] if isinstance(description, list) else description
    text = re.sub(r'O\(participants\[\]\.([a-z_]+)\)', r'\1', ' '.join(text.split()))
    return text.split('. ')[0].rstrip('.') + '.'


def participant_entry_options():
    """The ``options`` of one participant entry, as a role argument spec writes them."""
    docs = yaml.safe_load(graph_call_invite.DOCUMENTATION)['options']['participants']['suboptions']
    options = {}
    for name, spec in participant_options().items():
        option = {'description': _first_sentence(docs[name]['description']), 'type': spec['type']}
        if spec.get('choices'):
            option['choices'] = list(spec['choices'])
        options[name] = option
    return options


def path_of(role):
    return os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')


class _IndentedDumper(yaml.SafeDumper):
    """Indents list items under their key, as yamllint's default (and ansible-lint's) indentation rule wants."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_IndentedDumper, self).increase_indent(flow, False)


def generated(role):
    """The file's text with its participant entries written from the module."""
    with open(path_of(role)) as handle:
        specs = yaml.safe_load(handle)
    for path in PARTICIPANT_PATHS[role]:
        option = specs['argument_specs']['main']['options'][path[0]]
        for name in path[1:]:
            option = option['options'][name]
        option['options'] = participant_entry_options()
    return HEADER + yaml.dump(specs, Dumper=_IndentedDumper, explicit_start=True, sort_keys=False, width=110, default_flow_style=False, indent=2)


def main(argv):
    check = '--check' in argv
    stale = []
    for role in sorted(PARTICIPANT_PATHS):
        if not os.path.exists(path_of(role)):
            continue
        text = generated(role)
        with open(path_of(role)) as handle:
            current = handle.read()
        if text != current:
            stale.append(path_of(role))
            if not check:
                with open(path_of(role), 'w') as handle:
                    handle.write(text)
    if check and stale:
        print('out of date (run make role-specs): %s' % ', '.join(stale))
        return 1
    print('%s %s' % ('rewrote' if stale and not check else 'up to date:', ', '.join(stale) or 'all roles'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
